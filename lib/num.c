/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one number parser for outside input (strtonum-style), and the
 * tokenizer of the stored files' lines.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "internal.h"

/*
 * One rule for every number pam_mfa reads, in pam_mfa.conf(5) as in the
 * files it writes itself: decimal digits only, no sign, no blanks, no
 * leading zero ("0" alone is zero), and no overflow.  So "-0", "+1",
 * "010" (which strtoll() reads as 10, and a C programmer as 8) and
 * " 1" are all errors, never a quiet guess.  A negative min allows
 * nothing more: no input is negative.
 */
int
parse_num(const char *s, long long min, long long max, long long *out)
{
	long long	v = 0;
	int		d;
	size_t		i;

	if (s == NULL || out == NULL || min > max)
		return MFA_ERR_INVAL;
	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return MFA_ERR_INVAL;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return MFA_ERR_INVAL;
		d = s[i] - '0';
		if (v > (LLONG_MAX - d) / 10)
			return MFA_ERR_INVAL;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return MFA_ERR_INVAL;
	*out = v;
	return MFA_OK;
}

int
parse_canon(const char *s, long long min, long long max, long long *out)
{
	/* The stored files' rule is parse_num()'s; only the error differs. */
	if (parse_num(s, min, max, out) != MFA_OK)
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

int
tokenize_line(const char *s, size_t len, char *line, size_t linecap,
    char **tok, int maxtok)
{
	size_t	i;
	int	n = 0;

	if (len == 0 || len >= linecap)
		return -1;
	memcpy(line, s, len);
	line[len] = '\0';
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 ||
		    (unsigned char)line[i] > 0x7e)
			return -1;
	for (i = 0; i <= len; ) {
		if (n == maxtok || line[i] == ' ' || line[i] == '\0')
			return -1;
		tok[n++] = line + i;
		while (line[i] != ' ' && line[i] != '\0')
			i++;
		line[i++] = '\0';
	}
	return n;
}
