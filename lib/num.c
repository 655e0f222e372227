/* SPDX-License-Identifier: BSD-2-Clause */
/* The one number parser for outside input (strtonum-style). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
parse_num(const char *s, long long min, long long max, long long *out)
{
	char *end = NULL;
	long long v;

	if (s == NULL || out == NULL || min > max)
		return MFA_ERR_INVAL;
	/* strtoll accepts blanks and '+'; outside input must not. */
	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' &&
	    s[1] <= '9')))
		return MFA_ERR_INVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return MFA_ERR_INVAL;
	if (v < min || v > max)
		return MFA_ERR_INVAL;
	*out = v;
	return MFA_OK;
}

int
parse_canon(const char *s, long long min, long long max, long long *out)
{
	size_t	i, n;

	if (s == NULL)
		return MFA_ERR_FORMAT;
	n = strlen(s);
	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return MFA_ERR_FORMAT;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return MFA_ERR_FORMAT;
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
