/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: how outside text (host names, terminals, labels, user
 * names, arguments) is escaped before it reaches an audit record or a
 * terminal.  The input, up to its first NUL, goes to:
 *  - audit_clean() (lib/audit.c) with op's and detail's character sets
 *    and the default one, at the bounds mfa_audit() uses and a few
 *    more: exactly min(strlen, max) bytes out, each the input's byte
 *    when the set allows it, else '?', then a NUL, and nothing written
 *    beyond max + 1 bytes; so only printable ASCII without a space
 *    comes out, never a control byte, DEL or a byte >= 0x80;
 *  - audit_clean_detail(): the same bytes with runs of spaces squeezed
 *    to one, none at the ends, at most AUDIT_DETAIL_MAX bytes (cut,
 *    then trimmed);
 *  - mfactl_print_safe(), mfactl_print_text(), mfactl_json_str()
 *    (tools/show.c), written to a memory stream.  print_safe: printable
 *    ASCII only.  print_text: well-formed UTF-8 with no C0 control, DEL
 *    or C1 control (U+0080..U+009F, 0xc2 0x80..0x9f).  Both: '\\' only
 *    as the start of a \xHH escape, so the output decodes back to the
 *    input exactly, and text that needs no escape is unchanged.
 *    json_str: a quoted JSON string with the same properties, which
 *    decodes to the input's characters, each malformed byte as U+FFFD.
 * Written out again here from the header comments.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_clean.h"
#include "internal.h"
#include "mfactl.h"
#include "fuzz.h"

#define GUARD		16	/* bytes after the output that stay 'X' */

/* 1 when audit_clean() keeps byte c with that set. */
static int
allowed_ref(unsigned char c, const char *set)
{
	if (set == NULL)
		return c >= 0x21 && c <= 0x7e && c != '"' && c != '\'' &&
		    c != '=' && c != '\\';
	return c != 0 && strchr(set, c) != NULL;
}

#define BOUND_MAX	4096	/* the largest max tried */

/*
 * The output buffers are static: fresh ones each run (ASan's quarantine
 * hands out new pages) made the target spend its time in page faults.
 */
static char	clean_out[BOUND_MAX + 1 + GUARD];
static char	detail_out[AUDIT_DETAIL_MAX + 1 + GUARD];

static void
check_clean(const char *in, size_t max, const char *set)
{
	char	*out = clean_out;
	size_t	 i, len = strnlen(in, max);
	int	 plain = 1;

	FUZZ_CHECK(max <= BOUND_MAX);
	memset(out, 'X', max + 1 + GUARD);
	audit_clean(out, in, max, set);
	FUZZ_CHECK(out[len] == '\0');
	for (i = 0; i < len; i++) {
		if (allowed_ref((unsigned char)in[i], set))
			FUZZ_CHECK(out[i] == in[i]);
		else {
			FUZZ_CHECK(out[i] == '?');
			plain = 0;
		}
		FUZZ_CHECK(out[i] > ' ' && out[i] < 0x7f);
	}
	/* One byte beyond the NUL is the caller's: left alone. */
	for (i = len + 1; i < max + 1 + GUARD; i++)
		FUZZ_CHECK(out[i] == 'X');
	if (plain && strlen(in) <= max)
		FUZZ_CHECK(strcmp(out, in) == 0);
}

static void
check_detail(const char *in)
{
	char	*out = detail_out, *want;
	size_t	 i, n = 0, len;
	int	 space = 0;

	if ((want = malloc(strlen(in) + 1)) == NULL)
		abort();
	memset(out, 'X', AUDIT_DETAIL_MAX + 1 + GUARD);
	audit_clean_detail(out, in);
	/* The words of the cleaned input, joined by one space. */
	for (i = 0; in[i] != '\0'; i++) {
		if (in[i] == ' ') {
			space = n > 0;
			continue;
		}
		if (space)
			want[n++] = ' ';
		space = 0;
		want[n++] = allowed_ref((unsigned char)in[i],
		    AUDIT_DETAIL_CHARS) ? in[i] : '?';
	}
	/* Cut at the bound, then no space at the end. */
	if (n > AUDIT_DETAIL_MAX)
		n = AUDIT_DETAIL_MAX;
	while (n > 0 && want[n - 1] == ' ')
		n--;
	want[n] = '\0';
	len = strnlen(out, AUDIT_DETAIL_MAX + 1);
	FUZZ_CHECK(len <= AUDIT_DETAIL_MAX);
	FUZZ_CHECK(strcmp(out, want) == 0);
	for (i = len + 1; i < AUDIT_DETAIL_MAX + 1 + GUARD; i++)
		FUZZ_CHECK(out[i] == 'X');
	for (i = 0; i < len; i++)
		FUZZ_CHECK((out[i] > ' ' && out[i] < 0x7f) || (out[i] == ' ' &&
		    i > 0 && i + 1 < len && out[i - 1] != ' '));
	free(want);
}

/* Length of the well-formed UTF-8 character at p (RFC 3629), or 0. */
static size_t
utf8_ref(const unsigned char *p, unsigned long *cp)
{
	size_t	n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	*cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return n;
}

static int
control_ref(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Whole-string checks of print_text's output: UTF-8, no control. */
static void
check_text_bytes(const char *out, size_t len)
{
	const unsigned char	*p = (const unsigned char *)out;
	unsigned long		 cp;
	size_t			 i = 0, n;

	FUZZ_CHECK(strlen(out) == len);
	while (i < len) {
		n = utf8_ref(p + i, &cp);
		FUZZ_CHECK(n > 0 && !control_ref(cp));
		i += n;
	}
}

/* Undoes \xHH escapes into back[]; -1 when a '\\' is not one. */
static int
unescape(const char *out, char *back)
{
	size_t	i, o = 0;
	int	hi, lo;

	for (i = 0; out[i] != '\0'; i++) {
		if (out[i] != '\\') {
			back[o++] = out[i];
			continue;
		}
		if (out[i + 1] != 'x' || (hi = hex_digit(out[i + 2])) < 0 ||
		    (lo = hex_digit(out[i + 3])) < 0 || (hi == 0 && lo == 0))
			return -1;
		back[o++] = (char)(hi << 4 | lo);
		i += 3;
	}
	back[o] = '\0';
	return 0;
}

/* Runs fn(fp, in) into a memory stream; the malloc'd output. */
static char *
capture(void (*fn)(FILE *, const char *), const char *in, size_t *len)
{
	char	*buf = NULL;
	FILE	*fp;

	if ((fp = open_memstream(&buf, len)) == NULL)
		abort();
	fn(fp, in);
	if (fclose(fp) != 0 || buf == NULL)
		abort();
	return buf;
}

static void
check_print(const char *in)
{
	const unsigned char	*p = (const unsigned char *)in;
	unsigned long		 cp;
	char			*out, *back;
	size_t			 len, i, n;
	int			 ascii = 1, text = 1;

	for (i = 0; p[i] != '\0'; i += n) {
		n = utf8_ref(p + i, &cp);
		if (n == 0 || control_ref(cp) || cp == '\\') {
			text = 0;
			n = 1;
		}
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\')
			ascii = 0;
	}
	if ((back = malloc(strlen(in) * 4 + 1)) == NULL)
		abort();

	out = capture(mfactl_print_safe, in, &len);
	FUZZ_CHECK(strlen(out) == len);
	for (i = 0; i < len; i++)
		FUZZ_CHECK(out[i] >= 0x20 && out[i] < 0x7f);
	FUZZ_CHECK(unescape(out, back) == 0 && strcmp(back, in) == 0);
	if (ascii)
		FUZZ_CHECK(strcmp(out, in) == 0);
	free(out);

	out = capture(mfactl_print_text, in, &len);
	check_text_bytes(out, len);
	FUZZ_CHECK(unescape(out, back) == 0 && strcmp(back, in) == 0);
	if (text)
		FUZZ_CHECK(strcmp(out, in) == 0);
	free(out);
	free(back);
}

/* Appends cp to s as UTF-8 (a code point below 0x110000). */
static size_t
utf8_put(unsigned long cp, unsigned char *s)
{
	if (cp < 0x80) {
		s[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		s[0] = (unsigned char)(0xc0 | cp >> 6);
		s[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		s[0] = (unsigned char)(0xe0 | cp >> 12);
		s[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		s[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	s[0] = (unsigned char)(0xf0 | cp >> 18);
	s[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	s[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	s[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static void
check_json(const char *in)
{
	const unsigned char	*p = (const unsigned char *)in;
	unsigned char		*want, *got;
	unsigned long		 cp;
	char			*out;
	size_t			 len, i, n, w = 0, g = 0;
	int			 h, k;

	/* The input's characters, a malformed byte as U+FFFD. */
	if ((want = malloc(strlen(in) * 3 + 1)) == NULL)
		abort();
	for (i = 0; p[i] != '\0'; i += n) {
		if ((n = utf8_ref(p + i, &cp)) == 0) {
			cp = 0xfffd;
			n = 1;
		}
		w += utf8_put(cp, want + w);
	}
	out = capture(mfactl_json_str, in, &len);
	FUZZ_CHECK(len >= 2 && out[0] == '"' && out[len - 1] == '"');
	check_text_bytes(out, len);
	if ((got = malloc(len + 1)) == NULL)
		abort();
	for (i = 1; i + 1 < len; i++) {
		FUZZ_CHECK(out[i] != '"');
		if (out[i] != '\\') {
			got[g++] = (unsigned char)out[i];
			continue;
		}
		i++;
		FUZZ_CHECK(i + 1 < len);
		if (out[i] == '"' || out[i] == '\\') {
			got[g++] = (unsigned char)out[i];
			continue;
		}
		FUZZ_CHECK(out[i] == 'u' && i + 4 < len);
		for (cp = 0, k = 1; k <= 4; k++) {
			FUZZ_CHECK((h = hex_digit(out[i + (size_t)k])) >= 0);
			cp = cp << 4 | (unsigned long)h;
		}
		/* Escaped: a control character or the replacement one. */
		FUZZ_CHECK(control_ref(cp) || cp == 0xfffd);
		g += utf8_put(cp, got + g);
		i += 4;
	}
	FUZZ_CHECK(g == w && memcmp(got, want, w) == 0);
	free(got);
	free(out);
	free(want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 bounds[] = { 0, 1, 7, AUDIT_OP_MAX,
	    AUDIT_HOST_MAX, BOUND_MAX };
	static const char	*sets[] = { AUDIT_OP_CHARS, AUDIT_DETAIL_CHARS,
	    NULL };
	char			*in = fuzz_cstr(data, size);
	size_t			 b, s;

	for (b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++)
		for (s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
			check_clean(in, bounds[b], sets[s]);
	check_detail(in);
	check_print(in);
	check_json(in);
	free(in);
	return 0;
}
