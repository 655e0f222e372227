/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl import pskc: reads a PSKC (RFC 6030) container with libpskc and
 * checks each key for what pam_mfa can take over: a TOTP key with a
 * serial number that no other key package of the container repeats, an
 * HMAC-SHA1, -SHA256 or -SHA512 suite (none: SHA-1), a policy that
 * allows OTP use now without a PIN checked by the server, a plain
 * secret, decimal codes of 6..8 digits and a time step of 1..3600
 * seconds.  Uses libpskc and mfa.h only (the fuzz target
 * tests/fuzz/fuzz_import_pskc.c builds this file on its own).
 */
#ifndef IMPORT_PSKC_H
#define IMPORT_PSKC_H

#include <stddef.h>
#include <string.h>

#include "mfa.h"

#define PSKC_SERIAL_MAX	48	/* bytes of a usable serial number */
#define PSKC_WHY_MAX	128
#define PSKC_KEYS_MAX	10000	/* keys per container */

/*
 * A serial number mfactl can use (in --assign, --map and a label):
 * 1..PSKC_SERIAL_MAX bytes of printable ASCII without spaces or '='.
 * Here so that the container reader and the --map reader, each built
 * on its own by a fuzz target, share the one rule.
 */
static inline int
pskc_serial_ok(const char *s)
{
	size_t	i, n = strnlen(s, PSKC_SERIAL_MAX + 1);

	if (n == 0 || n > PSKC_SERIAL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '=')
			return 0;
	return 1;
}

/* One key of the container; ok = 0 means it cannot be imported (why). */
struct pskc_entry {
	int		ok;
	char		serial[PSKC_SERIAL_MAX + 1]; /* "": unusable */
	int		algorithm;	/* MFA_TOTP_SHA1/SHA256/SHA512 */
	unsigned	digits;
	unsigned	period;
	unsigned char	secret[64];
	size_t		secret_len;
	char		why[PSKC_WHY_MAX];
};

/*
 * Parses buf[0..len) and fills *out with a calloc'd array of *n entries,
 * one per key in container order.  Returns 0, or -1 with a reason in
 * why[whylen] (not PSKC, encrypted, a malformed element or attribute,
 * no key, too many keys, out of memory) and in *line the line of the file it is
 * about (0: the whole file).
 */
int import_pskc_load(const char *buf, size_t len, struct pskc_entry **out,
    size_t *n, char *why, size_t whylen, unsigned *line);

/* Wipes the secrets and frees the array; clears *entries. */
void import_pskc_free(struct pskc_entry **entries, size_t n);

#endif /* IMPORT_PSKC_H */
