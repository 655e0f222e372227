/* SPDX-License-Identifier: BSD-2-Clause */
/* The one number parser for outside input (strtonum-style). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

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
