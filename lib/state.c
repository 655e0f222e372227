/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-user state file NAME.state: two fixed-size text slots, each
 * with a sequence number and a SHA-256 over its text.  An update is
 * written in place into the slot that does not hold the current state,
 * so it needs no new disk blocks (a full disk does not stop logins) and
 * a torn write leaves the other slot valid.
 *
 * Slot layout (text, then NUL padding up to MFA_STATE_SLOT bytes):
 *	pam_mfa-state 1
 *	seq 17
 *	failures 0
 *	locked-until 0
 *	last-failure 0
 *	dir-unsynced 1		(only while set: see store_commit())
 *	cred 1 step 56666666 counter 0 used 1700000000
 *	sha256 <64 lower-case hex digits over all bytes before this line>
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "internal.h"

#define STATE_MAGIC	"pam_mfa-state"
#define HASH_TAG	"sha256 "
#define HASH_LEN	SHA256_LEN
#define LINE_MAX_LEN	128	/* longest valid line, with room to spare */
#define TOKENS_MAX	8

struct slotbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static int slot_add(struct slotbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
slot_add(struct slotbuf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		return MFA_ERR_TOOBIG;
	b->len += (size_t)n;
	return MFA_OK;
}

static int
digest(const char *buf, size_t len, unsigned char md[HASH_LEN])
{
	sha256(buf, len, md);
	return MFA_OK;
}

static int
io_error(int err)
{
	return (err == ENOSPC || err == EDQUOT) ? MFA_ERR_NOSPC : MFA_ERR_IO;
}

/* Formats st with sequence number seq into buf[MFA_STATE_SLOT]. */
static int
slot_format(const struct mfa_state *st, uint64_t seq, char *buf)
{
	struct slotbuf	 b;
	unsigned char	 md[HASH_LEN];
	size_t		 i;
	int		 r;

	memset(buf, 0, MFA_STATE_SLOT);
	b.p = buf;
	b.len = 0;
	b.cap = MFA_STATE_SLOT;
	if (seq > LLONG_MAX || st->ncreds > MFA_CREDS_MAX ||
	    st->locked_until < 0 || st->last_failure < 0 ||
	    (st->dir_unsynced != 0 && st->dir_unsynced != 1))
		return MFA_ERR_INVAL;
	if ((r = slot_add(&b, "%s %d\nseq %llu\nfailures %u\n"
	    "locked-until %lld\nlast-failure %lld\n", STATE_MAGIC,
	    MFA_STATE_VERSION, (unsigned long long)seq, st->failures,
	    (long long)st->locked_until, (long long)st->last_failure)) !=
	    MFA_OK)
		return r;
	if (st->dir_unsynced && (r = slot_add(&b, "dir-unsynced 1\n")) !=
	    MFA_OK)
		return r;
	for (i = 0; i < st->ncreds; i++) {
		const struct mfa_state_cred *c = &st->creds[i];

		if (c->id == 0 || c->last_step > LLONG_MAX ||
		    c->counter > LLONG_MAX || c->last_used < 0)
			return MFA_ERR_INVAL;
		if ((r = slot_add(&b, "cred %u step %llu counter %llu "
		    "used %lld\n", c->id, (unsigned long long)c->last_step,
		    (unsigned long long)c->counter,
		    (long long)c->last_used)) != MFA_OK)
			return r;
	}
	if ((r = digest(b.p, b.len, md)) != MFA_OK)
		return r;
	if ((r = slot_add(&b, "%s", HASH_TAG)) != MFA_OK)
		return r;
	for (i = 0; i < HASH_LEN; i++)
		if ((r = slot_add(&b, "%02x", md[i])) != MFA_OK)
			return r;
	return slot_add(&b, "\n");
}

/* Parses one slot; MFA_ERR_FORMAT (or _VERSION) unless it is intact. */
static int
slot_parse(const char *buf, struct mfa_state *st)
{
	char		 line[LINE_MAX_LEN], *tok[TOKENS_MAX];
	unsigned char	 md[HASH_LEN], want[HASH_LEN];
	const char	*end, *p, *nl, *hash;
	size_t		 textlen, i, lineno;
	long long	 v;
	int		 n, hi, lo, r;

	memset(st, 0, sizeof(*st));
	end = memchr(buf, '\0', MFA_STATE_SLOT);
	textlen = end == NULL ? MFA_STATE_SLOT : (size_t)(end - buf);
	for (i = textlen; i < MFA_STATE_SLOT; i++)
		if (buf[i] != '\0')
			return MFA_ERR_FORMAT;
	if (textlen < sizeof(HASH_TAG) + 2 * HASH_LEN ||
	    buf[textlen - 1] != '\n')
		return MFA_ERR_FORMAT;
	/* The last line is the checksum over everything before it. */
	hash = buf + textlen - (sizeof(HASH_TAG) - 1 + 2 * HASH_LEN + 1);
	if (hash != buf && hash[-1] != '\n')
		return MFA_ERR_FORMAT;
	if (!ct_equal(hash, HASH_TAG, sizeof(HASH_TAG) - 1))
		return MFA_ERR_FORMAT;
	for (i = 0; i < HASH_LEN; i++) {
		hi = hex_digit(hash[sizeof(HASH_TAG) - 1 + 2 * i]);
		lo = hex_digit(hash[sizeof(HASH_TAG) - 1 + 2 * i + 1]);
		if (hi < 0 || lo < 0)
			return MFA_ERR_FORMAT;
		want[i] = (unsigned char)(hi << 4 | lo);
	}
	if ((r = digest(buf, (size_t)(hash - buf), md)) != MFA_OK)
		return r;
	if (!ct_equal(md, want, HASH_LEN))
		return MFA_ERR_FORMAT;

	/* Intact; now parse strictly, line by line, in a fixed order. */
	for (p = buf, lineno = 0; p < hash; p = nl + 1, lineno++) {
		nl = memchr(p, '\n', (size_t)(hash - p));
		if (nl == NULL)
			return MFA_ERR_FORMAT;
		n = tokenize_line(p, (size_t)(nl - p), line, sizeof(line), tok,
		    TOKENS_MAX);
		if (n < 0)
			return MFA_ERR_FORMAT;
		switch (lineno) {
		case 0:
			if (n != 2 || strcmp(tok[0], STATE_MAGIC) != 0 ||
			    parse_canon(tok[1], 0, INT_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			if (v != MFA_STATE_VERSION)
				return MFA_ERR_VERSION;
			continue;
		case 1:
			if (n != 2 || strcmp(tok[0], "seq") != 0 ||
			    parse_canon(tok[1], 0, LLONG_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			st->seq = (uint64_t)v;
			continue;
		case 2:
			if (n != 2 || strcmp(tok[0], "failures") != 0 ||
			    parse_canon(tok[1], 0, UINT_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			st->failures = (unsigned)v;
			continue;
		case 3:
			if (n != 2 || strcmp(tok[0], "locked-until") != 0 ||
			    parse_canon(tok[1], 0, LLONG_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			st->locked_until = v;
			continue;
		case 4:
			if (n != 2 || strcmp(tok[0], "last-failure") != 0 ||
			    parse_canon(tok[1], 0, LLONG_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			st->last_failure = v;
			continue;
		}
		/* Written only when set, so the value can only be 1. */
		if (lineno == 5 && n >= 1 &&
		    strcmp(tok[0], "dir-unsynced") == 0) {
			if (n != 2 || parse_canon(tok[1], 1, 1, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			st->dir_unsynced = 1;
			continue;
		}
		if (n != 8 || strcmp(tok[0], "cred") != 0 ||
		    strcmp(tok[2], "step") != 0 ||
		    strcmp(tok[4], "counter") != 0 ||
		    strcmp(tok[6], "used") != 0 ||
		    st->ncreds >= MFA_CREDS_MAX)
			return MFA_ERR_FORMAT;
		{
			struct mfa_state_cred *c = &st->creds[st->ncreds];

			if (parse_canon(tok[1], 0, UINT_MAX, &v) != MFA_OK ||
			    v == 0 || state_cred(st, (unsigned)v, 0) != NULL)
				return MFA_ERR_FORMAT;
			c->id = (unsigned)v;
			if (parse_canon(tok[3], 0, LLONG_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			c->last_step = (uint64_t)v;
			if (parse_canon(tok[5], 0, LLONG_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			c->counter = (uint64_t)v;
			if (parse_canon(tok[7], 0, LLONG_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			c->last_used = v;
			st->ncreds++;
		}
	}
	if (lineno < 5)
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

static int
write_full(int fd, const char *buf, size_t len, off_t off)
{
	ssize_t	n;

	while (len > 0) {
		n = pwrite(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_error(n < 0 ? errno : EIO);
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return MFA_OK;
}

int
state_init(int fd, int sync)
{
	struct mfa_state	 st;
	char			*buf;
	int			 r;

	if (fd < 0)
		return MFA_ERR_INVAL;
	if ((buf = calloc(2, MFA_STATE_SLOT)) == NULL)
		return MFA_ERR_NOMEM;
	memset(&st, 0, sizeof(st));
	if ((r = slot_format(&st, 1, buf)) != MFA_OK ||
	    (r = slot_format(&st, 0, buf + MFA_STATE_SLOT)) != MFA_OK)
		goto out;
	/* Real bytes, not ftruncate(): the blocks must be allocated now. */
	if ((r = write_full(fd, buf, 2 * MFA_STATE_SLOT, 0)) != MFA_OK)
		goto out;
	if (ftruncate(fd, 2 * MFA_STATE_SLOT) != 0 ||
	    (sync && fsync(fd) != 0)) {
		r = io_error(errno);
		goto out;
	}
	r = MFA_OK;
out:
	free(buf);
	return r;
}

int
state_read(int fd, struct mfa_state *st, int *slot)
{
	struct mfa_state	*s = NULL;
	char			*buf = NULL;
	size_t			 got = 0;
	ssize_t			 n;
	int			 r, ok[2], best;

	if (fd < 0 || st == NULL || slot == NULL)
		return MFA_ERR_INVAL;
	if ((buf = malloc(2 * MFA_STATE_SLOT)) == NULL ||
	    (s = calloc(2, sizeof(*s))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	while (got < 2 * MFA_STATE_SLOT) {
		n = pread(fd, buf + got, 2 * MFA_STATE_SLOT - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = MFA_ERR_IO;
			goto out;
		}
		if (n == 0) {
			r = MFA_ERR_FORMAT;	/* short file */
			goto out;
		}
		got += (size_t)n;
	}
	ok[0] = slot_parse(buf, &s[0]);
	ok[1] = slot_parse(buf + MFA_STATE_SLOT, &s[1]);
	if (ok[0] != MFA_OK && ok[1] != MFA_OK) {
		r = (ok[0] == MFA_ERR_VERSION || ok[1] == MFA_ERR_VERSION) ?
		    MFA_ERR_VERSION : MFA_ERR_FORMAT;
		goto out;
	}
	if (ok[0] != MFA_OK)
		best = 1;
	else if (ok[1] != MFA_OK)
		best = 0;
	else
		best = s[1].seq > s[0].seq ? 1 : 0;
	*st = s[best];
	*slot = best;
	r = MFA_OK;
out:
	free(buf);
	free(s);
	return r;
}

int
state_write(int fd, struct mfa_state *st, int *slot, int sync)
{
	char	*buf = NULL;
	int	 next, r;

	if (fd < 0 || st == NULL || slot == NULL ||
	    (*slot != 0 && *slot != 1) || st->seq >= LLONG_MAX)
		return MFA_ERR_INVAL;
	next = 1 - *slot;
	if ((buf = malloc(MFA_STATE_SLOT)) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = slot_format(st, st->seq + 1, buf)) != MFA_OK)
		goto out;
	if ((r = write_full(fd, buf, MFA_STATE_SLOT,
	    (off_t)next * MFA_STATE_SLOT)) != MFA_OK)
		goto out;
	if (sync && fdatasync(fd) != 0) {
		r = io_error(errno);
		goto out;
	}
	st->seq++;
	*slot = next;
	r = MFA_OK;
out:
	free(buf);
	return r;
}

struct mfa_state_cred *
state_cred(struct mfa_state *st, unsigned id, int create)
{
	size_t	i;

	if (st == NULL || id == 0)
		return NULL;
	for (i = 0; i < st->ncreds && i < MFA_CREDS_MAX; i++)
		if (st->creds[i].id == id)
			return &st->creds[i];
	if (!create || st->ncreds >= MFA_CREDS_MAX)
		return NULL;
	memset(&st->creds[st->ncreds], 0, sizeof(st->creds[0]));
	st->creds[st->ncreds].id = id;
	return &st->creds[st->ncreds++];
}
