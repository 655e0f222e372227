/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the two-slot state file, state_read(), on a memfd.
 *
 * Every input is read twice:
 *  - raw: the input is the file (checksums, framing, slot choice);
 *  - sealed: the input is the text of slot 0, a NUL, the text of
 *    slot 1; this target appends each slot's "sha256 ..." line and
 *    pads it, so the fuzzer reaches the line parser behind the hash.
 * Checked: the slot chosen is the valid one with the higher seq (ties:
 * slot 0), each slot read alone agrees, a failed read writes nothing,
 * and state_write() into a copy followed by state_read() round-trips
 * (into the other slot, leaving the chosen one intact, seq + 1, the
 * file never grows).
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "internal.h"
#include "fuzz.h"

#define FILE_LEN	(2 * MFA_STATE_SLOT)
#define HASH_LINE_LEN	(sizeof("sha256 ") - 1 + 64 + 1)

/* A memfd holding buf[0..len); aborts on failure (no finding). */
static int
memfd_with(const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;
	int		 fd;

	if ((fd = memfd_create("fuzz_state", MFD_CLOEXEC)) < 0)
		abort();
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();
		p += n;
		len -= (size_t)n;
	}
	return fd;
}

static void
read_all(int fd, char *buf, size_t len)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < len) {
		n = pread(fd, buf + got, len - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();
		got += (size_t)n;
	}
}

static void
state_fill(struct mfa_state *st)
{
	memset(st, 0xa5, sizeof(*st));
}

static void
check_same(const struct mfa_state *a, const struct mfa_state *b)
{
	size_t	i;

	FUZZ_CHECK(a->seq == b->seq);
	FUZZ_CHECK(a->failures == b->failures);
	FUZZ_CHECK(a->locked_until == b->locked_until);
	FUZZ_CHECK(a->last_failure == b->last_failure);
	FUZZ_CHECK(a->dir_unsynced == b->dir_unsynced);
	FUZZ_CHECK(a->ncreds == b->ncreds);
	for (i = 0; i < a->ncreds; i++) {
		FUZZ_CHECK(a->creds[i].id == b->creds[i].id);
		FUZZ_CHECK(a->creds[i].last_step == b->creds[i].last_step);
		FUZZ_CHECK(a->creds[i].counter == b->creds[i].counter);
		FUZZ_CHECK(a->creds[i].last_used == b->creds[i].last_used);
	}
}

static void
check_parsed(struct mfa_state *st)
{
	size_t	i, j;

	FUZZ_CHECK(st->seq <= INT64_MAX);
	FUZZ_CHECK(st->locked_until >= 0 && st->last_failure >= 0);
	FUZZ_CHECK(st->dir_unsynced == 0 || st->dir_unsynced == 1);
	FUZZ_CHECK(st->ncreds <= MFA_CREDS_MAX);
	for (i = 0; i < st->ncreds; i++) {
		FUZZ_CHECK(st->creds[i].id != 0);
		FUZZ_CHECK(st->creds[i].last_step <= INT64_MAX);
		FUZZ_CHECK(st->creds[i].counter <= INT64_MAX);
		FUZZ_CHECK(st->creds[i].last_used >= 0);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(st->creds[j].id != st->creds[i].id);
		FUZZ_CHECK(state_cred(st, st->creds[i].id, 0) ==
		    &st->creds[i]);
	}
}

/* state_read() on a copy of file[FILE_LEN]; *st, *slot on success. */
static int
read_copy(const char *file, struct mfa_state *st, int *slot)
{
	struct mfa_state	snap;
	int			fd, r, s = 7;

	state_fill(st);
	state_fill(&snap);
	fd = memfd_with(file, FILE_LEN);
	r = state_read(fd, st, &s);
	(void)close(fd);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_FORMAT ||
	    r == MFA_ERR_VERSION);
	if (r != MFA_OK) {
		FUZZ_CHECK(s == 7);
		FUZZ_CHECK(memcmp(st, &snap, sizeof(snap)) == 0);
		return r;
	}
	FUZZ_CHECK(s == 0 || s == 1);
	check_parsed(st);
	*slot = s;
	return r;
}

/*
 * The slot choice: read each slot alone (the other one zeroed, which
 * is never valid) and compare with what state_read() chose.
 */
static void
check_choice(const char *file, int r, const struct mfa_state *st,
    int slot)
{
	struct mfa_state	*one;
	char			*alone;
	int			 ok[2], s[2], i;

	if ((alone = malloc(FILE_LEN)) == NULL ||
	    (one = calloc(2, sizeof(*one))) == NULL)
		abort();
	for (i = 0; i < 2; i++) {
		memset(alone, 0, FILE_LEN);
		memcpy(alone + i * MFA_STATE_SLOT, file + i * MFA_STATE_SLOT,
		    MFA_STATE_SLOT);
		ok[i] = read_copy(alone, &one[i], &s[i]) == MFA_OK;
		if (ok[i])
			FUZZ_CHECK(s[i] == i);
	}
	if (!ok[0] && !ok[1])
		FUZZ_CHECK(r != MFA_OK);
	else {
		FUZZ_CHECK(r == MFA_OK);
		if (ok[0] && ok[1])
			FUZZ_CHECK(slot ==
			    (one[1].seq > one[0].seq ? 1 : 0));
		else
			FUZZ_CHECK(slot == (ok[1] ? 1 : 0));
		check_same(st, &one[slot]);
	}
	free(alone);
	free(one);
}

/* state_write() into a copy of file, then state_read() it back. */
static void
check_write(const char *file, const struct mfa_state *st, int slot)
{
	struct mfa_state	 w, back;
	struct stat		 sb;
	char			*after;
	int			 fd, ws = slot, bs = -1, r;

	w = *st;
	fd = memfd_with(file, FILE_LEN);
	r = state_write(fd, &w, &ws, 1);
	if (st->seq >= INT64_MAX) {
		FUZZ_CHECK(r == MFA_ERR_INVAL);
		(void)close(fd);
		return;
	}
	FUZZ_CHECK(r == MFA_OK);
	FUZZ_CHECK(ws == 1 - slot);
	FUZZ_CHECK(w.seq == st->seq + 1);
	FUZZ_CHECK(fstat(fd, &sb) == 0 && sb.st_size == FILE_LEN);
	if ((after = malloc(FILE_LEN)) == NULL)
		abort();
	read_all(fd, after, FILE_LEN);
	/* The slot that held the state is untouched. */
	FUZZ_CHECK(memcmp(after + slot * MFA_STATE_SLOT,
	    file + slot * MFA_STATE_SLOT, MFA_STATE_SLOT) == 0);
	state_fill(&back);
	FUZZ_CHECK(state_read(fd, &back, &bs) == MFA_OK);
	FUZZ_CHECK(bs == ws);
	check_same(&back, &w);
	/* And once more, back into the first slot. */
	r = state_write(fd, &back, &bs, 1);
	if (w.seq < INT64_MAX) {
		FUZZ_CHECK(r == MFA_OK && bs == slot);
		state_fill(&w);
		FUZZ_CHECK(state_read(fd, &w, &ws) == MFA_OK);
		FUZZ_CHECK(ws == slot);
		check_same(&w, &back);
	}
	free(after);
	(void)close(fd);
}

static void
check_file(const char *file)
{
	struct mfa_state	*st;
	int			 r, slot = -1;

	if ((st = malloc(sizeof(*st))) == NULL)
		abort();
	r = read_copy(file, st, &slot);
	check_choice(file, r, st, slot);
	if (r == MFA_OK)
		check_write(file, st, slot);
	free(st);
}

/* Text of one slot plus its checksum line, NUL padded. */
static void
seal(char *slot, const uint8_t *text, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		md[32];
	unsigned int		mdlen = 0;
	char			*p;
	size_t			i;

	memset(slot, 0, MFA_STATE_SLOT);
	if (len > MFA_STATE_SLOT - HASH_LINE_LEN) {
		/* No room for the checksum: left for the parser to refuse. */
		memcpy(slot, text, len < MFA_STATE_SLOT ? len :
		    MFA_STATE_SLOT);
		return;
	}
	if (len > 0)
		memcpy(slot, text, len);
	if (EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != sizeof(md))
		abort();
	p = slot + len;
	memcpy(p, "sha256 ", 7);
	p += 7;
	for (i = 0; i < sizeof(md); i++) {
		*p++ = hex[md[i] >> 4];
		*p++ = hex[md[i] & 15];
	}
	*p = '\n';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_state	 st;
	const uint8_t		*nul;
	char			*file;
	size_t			 len0, len1;
	int			 fd, slot = 9, r;

	/* The raw file, as read through a descriptor of that size. */
	fd = memfd_with(data, size);
	state_fill(&st);
	r = state_read(fd, &st, &slot);
	(void)close(fd);
	if (size < FILE_LEN)
		FUZZ_CHECK(r == MFA_ERR_FORMAT);
	if (r != MFA_OK)
		FUZZ_CHECK(slot == 9);
	if ((file = calloc(1, FILE_LEN)) == NULL)
		abort();
	memcpy(file, data, size < FILE_LEN ? size : FILE_LEN);
	if (size >= FILE_LEN)
		check_file(file);

	/* Sealed slots. */
	nul = memchr(data, '\0', size);
	len0 = nul != NULL ? (size_t)(nul - data) : size;
	len1 = nul != NULL ? size - len0 - 1 : 0;
	seal(file, data, len0);
	seal(file + MFA_STATE_SLOT, nul != NULL ? nul + 1 : data, len1);
	check_file(file);
	free(file);
	return 0;
}
