/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How the log checks of tests/pam and tests/harden look for a one-time
 * code or a PIN: as a run of exactly its digits, so that the same
 * digits inside a longer number of a log line (an epoch, a refused
 * config value) do not count as a leak.
 */
#ifndef DIGITRUN_H
#define DIGITRUN_H

#include <string.h>

/* Digits only, 4 or more: a code or a PIN. */
static inline int
digitrun_shaped(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return s[n] == '\0' && n >= 4;
}

/* Whether hay holds digits as a run not joined to other digits. */
static inline int
digitrun_in(const char *hay, const char *digits)
{
	const char *p = hay;
	size_t n = strlen(digits);

	while ((p = strstr(p, digits)) != NULL) {
		if ((p == hay || p[-1] < '0' || p[-1] > '9') &&
		    (p[n] < '0' || p[n] > '9'))
			return 1;
		p++;
	}
	return 0;
}

#endif
