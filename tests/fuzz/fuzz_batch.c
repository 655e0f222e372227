/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: mfactl totp add --batch and totp confirm --batch, what
 * tools/input.c makes of a file: batch_next() reading it through a
 * pipe (read(2) in BATCH_BUF chunks, as from a file), then each line
 * given to batch_add_line() and batch_confirm_line().
 *
 * Checked against mfactl(8), written out again here:
 *  - the lines are the input cut at '\n', a last one without it
 *    included; a line of more than BATCH_LINE_MAX bytes (a '\r' before
 *    the newline not counted) is BATCH_LONG, else one with a NUL byte
 *    BATCH_NUL, and neither is kept; otherwise the line comes without
 *    one '\r' at its end; the line numbers count every line;
 *  - a blank line or one whose first word starts with '#' is skipped;
 *  - "USER [LABEL]": words separated by spaces and tabs, the label the
 *    rest of the line without blanks at its ends;
 *  - "USER CODE [ID]": two or three words; ID decimal 1..UINT32_MAX
 *    without sign or leading zero;
 *  - an accepted user name passes mfa_username_check() and is made of
 *    its characters only (never a blank, '/', or a control byte); an
 *    accepted label is 1..MFA_LABEL_MAX bytes without C0 controls or
 *    DEL (C1 ones, which are UTF-8 text here, are for whoever shows the
 *    label to escape: mfactl_print_text()).
 * The code is not looked at here: the library checks it
 * (mfa_code_normalize(), fuzz_code).
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfactl.h"
#include "input.h"
#include "fuzz.h"

#define PIPE_INPUT_MAX	65536	/* bytes a pipe holds (Linux default) */

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits s in place into words, w[] gets the first max; the count. */
static size_t
words(char *s, char **w, size_t max)
{
	size_t	n = 0;

	for (;;) {
		while (blank(*s))
			s++;
		if (*s == '\0')
			return n;
		if (n < max)
			w[n] = s;
		n++;
		while (*s != '\0' && !blank(*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static int
skipped(const char *line)
{
	while (blank(*line))
		line++;
	return *line == '\0' || *line == '#';
}

static void
check_user(const char *user)
{
	size_t	i, n = strlen(user);

	FUZZ_CHECK(mfa_username_check(user) == MFA_OK);
	FUZZ_CHECK(n >= 1 && n <= MFA_USER_MAX);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((user[i] >= 'a' && user[i] <= 'z') ||
		    (user[i] >= 'A' && user[i] <= 'Z') ||
		    (user[i] >= '0' && user[i] <= '9') ||
		    strchr("._-@$", user[i]) != NULL);
}

/* 1 when s is an id: decimal 1..UINT32_MAX, no sign, no leading zero. */
static int
id_ref(const char *s, unsigned *id)
{
	unsigned long long	v = 0;
	size_t			i, n = strlen(s);

	if (n == 0 || n > 10 || s[0] == '0')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return 0;
	*id = (unsigned)v;
	return 1;
}

static void
check_add(const char *line)
{
	struct batch_add	 a;
	char			*copy, *ref, *w[1], *rest;
	size_t			 nw, len, i;
	int			 r;

	copy = fuzz_cstr((const uint8_t *)line, strlen(line));
	ref = fuzz_cstr((const uint8_t *)line, strlen(line));
	r = batch_add_line(copy, NULL, &a);
	FUZZ_CHECK(r == BATCH_OK || r == BATCH_SKIP || r == BATCH_BAD_USER ||
	    r == BATCH_BAD_LABEL_LENGTH || r == BATCH_BAD_LABEL_CONTROL);
	FUZZ_CHECK((r == BATCH_SKIP) == skipped(line));
	if (r == BATCH_SKIP)
		goto out;
	/* The user: the first word; the label: the rest, trimmed. */
	nw = words(ref, w, 1);
	FUZZ_CHECK(nw >= 1 && a.user != NULL && strcmp(a.user, w[0]) == 0);
	rest = strstr(line, w[0]) + strlen(w[0]);
	while (blank(*rest))
		rest++;
	len = strlen(rest);
	while (len > 0 && blank(rest[len - 1]))
		len--;
	if (len == 0)
		FUZZ_CHECK(a.label == NULL);
	else
		FUZZ_CHECK(a.label != NULL && strlen(a.label) == len &&
		    memcmp(a.label, rest, len) == 0);
	FUZZ_CHECK((r == BATCH_BAD_USER) ==
	    (mfa_username_check(w[0]) != MFA_OK));
	if (r == BATCH_BAD_USER) {
		FUZZ_CHECK(a.err == MFA_ERR_USERNAME);
		goto out;
	}
	check_user(a.user);
	if (r == BATCH_OK && a.label != NULL) {
		FUZZ_CHECK(len >= 1 && len <= MFA_LABEL_MAX);
		for (i = 0; i < len; i++)
			FUZZ_CHECK((unsigned char)a.label[i] >= 0x20 &&
			    (unsigned char)a.label[i] != 0x7f);
		FUZZ_CHECK(!blank(a.label[0]) && !blank(a.label[len - 1]));
	}
	if (r == BATCH_BAD_LABEL_LENGTH)
		FUZZ_CHECK(len > MFA_LABEL_MAX);
	if (r == BATCH_BAD_LABEL_CONTROL) {
		FUZZ_CHECK(len <= MFA_LABEL_MAX);
		for (i = 0; i < len; i++)
			if ((unsigned char)a.label[i] < 0x20 ||
			    (unsigned char)a.label[i] == 0x7f)
				break;
		FUZZ_CHECK(i < len);
	}
out:
	free(ref);
	free(copy);
}

static void
check_confirm(const char *line)
{
	struct batch_confirm	 c;
	char			*copy, *ref, *w[3];
	size_t			 nw;
	unsigned		 id = 0;
	int			 r;

	copy = fuzz_cstr((const uint8_t *)line, strlen(line));
	ref = fuzz_cstr((const uint8_t *)line, strlen(line));
	r = batch_confirm_line(copy, &c);
	FUZZ_CHECK(r == BATCH_OK || r == BATCH_SKIP || r == BATCH_BAD_SHAPE ||
	    r == BATCH_BAD_USER || r == BATCH_BAD_ID);
	FUZZ_CHECK((r == BATCH_SKIP) == skipped(line));
	if (r == BATCH_SKIP)
		goto out;
	nw = words(ref, w, 3);
	FUZZ_CHECK(c.user != NULL && strcmp(c.user, w[0]) == 0);
	FUZZ_CHECK((r == BATCH_BAD_SHAPE) == (nw < 2 || nw > 3));
	if (r == BATCH_BAD_SHAPE)
		goto out;
	FUZZ_CHECK(strcmp(c.code, w[1]) == 0);
	FUZZ_CHECK(nw == 3 ? c.idword != NULL && strcmp(c.idword, w[2]) == 0 :
	    c.idword == NULL);
	FUZZ_CHECK((r == BATCH_BAD_USER) ==
	    (mfa_username_check(w[0]) != MFA_OK));
	if (r == BATCH_BAD_USER)
		goto out;
	check_user(c.user);
	FUZZ_CHECK((r == BATCH_BAD_ID) == (nw == 3 && !id_ref(w[2], &id)));
	if (r == BATCH_OK)
		FUZZ_CHECK(c.id == id);
	FUZZ_CHECK(c.code[0] != '\0' && strpbrk(c.code, " \t") == NULL);
out:
	free(ref);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/*
	 * Static: a fresh 17 KiB each run (ASan's quarantine hands out
	 * new pages) made the target spend its time in page faults.
	 */
	static struct batch_reader	 reader;
	struct batch_reader		*b = &reader;
	const uint8_t		*p = data, *nl;
	size_t			 left = size, len, n;
	ssize_t			 w;
	unsigned		 lines = 0;
	int			 fds[2], r, want;

	/*
	 * Through a pipe, all written before the first read (-max_len is
	 * below the pipe's 64 KiB): read(2) then returns what a file
	 * gives, BATCH_BUF bytes at a time.
	 */
	if (size > PIPE_INPUT_MAX || pipe2(fds, O_CLOEXEC) == -1)
		return 0;
	for (n = 0; n < size; n += (size_t)w)
		if ((w = write(fds[1], data + n, size - n)) <= 0)
			abort();
	(void)close(fds[1]);
	memset(b, 0, sizeof(*b));
	b->fd = fds[0];
	for (;;) {
		r = batch_next(b);
		if (left == 0) {
			FUZZ_CHECK(r == BATCH_END);
			break;
		}
		/* The reference line: up to '\n' or the end. */
		nl = memchr(p, '\n', left);
		len = nl != NULL ? (size_t)(nl - p) : left;
		lines++;
		FUZZ_CHECK(b->lineno == lines);
		n = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
		if (n > BATCH_LINE_MAX)
			want = BATCH_LONG;
		else if (memchr(p, '\0', len) != NULL)
			want = BATCH_NUL;
		else
			want = BATCH_LINE;
		FUZZ_CHECK(r == want);
		if (r == BATCH_LINE) {
			FUZZ_CHECK(strlen(b->line) == n &&
			    memcmp(b->line, p, n) == 0);
			check_add(b->line);
			check_confirm(b->line);
		}
		p += len + (nl != NULL);
		left = size - (size_t)(p - data);
	}
	/* At the end it stays at the end. */
	FUZZ_CHECK(batch_next(b) == BATCH_END && b->lineno == lines);
	(void)close(fds[0]);
	return 0;
}
