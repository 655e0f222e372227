/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: mfactl import pskc's reading of a PSKC container
 * (tools/import_pskc.c): libpskc's parser and our checks of each key
 * it returns.  Invariants: a refused container gives a printable
 * reason and no keys; every key is either refused with a printable
 * reason and no secret kept, or has a usable serial number, the hash
 * of its Suite (SHA-1 without one), 6..8
 * digits, a time step of 1..3600 s and a 10..64-byte secret that
 * mfa_user_totp_import() accepts in a dry run.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import_pskc.h"
#include "fuzz.h"

static int
printable(const char *s, size_t max)
{
	size_t	i, n = strnlen(s, max + 1);

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pskc_entry	*e = NULL;
	char			 why[PSKC_WHY_MAX];
	size_t			 n = 0, i, k;
	unsigned		 id, line = 7;

	memset(why, 0, sizeof(why));
	if (import_pskc_load((const char *)data, size, &e, &n, why,
	    sizeof(why), &line) != 0) {
		FUZZ_CHECK(e == NULL && n == 0);
		FUZZ_CHECK(line <= 0xffffffu);
		FUZZ_CHECK(printable(why, sizeof(why) - 1));
		return 0;
	}
	FUZZ_CHECK(e != NULL && n >= 1 && n <= PSKC_KEYS_MAX && line == 0);
	for (i = 0; i < n; i++) {
		if (!e[i].ok) {
			FUZZ_CHECK(printable(e[i].why, sizeof(e[i].why) - 1));
			FUZZ_CHECK(e[i].secret_len == 0);
			for (k = 0; k < sizeof(e[i].secret); k++)
				FUZZ_CHECK(e[i].secret[k] == 0);
			continue;
		}
		FUZZ_CHECK(printable(e[i].serial, PSKC_SERIAL_MAX));
		FUZZ_CHECK(strchr(e[i].serial, ' ') == NULL &&
		    strchr(e[i].serial, '=') == NULL);
		FUZZ_CHECK(e[i].digits >= 6 && e[i].digits <= 8);
		FUZZ_CHECK(e[i].period >= 1 && e[i].period <= 3600);
		FUZZ_CHECK(e[i].secret_len >= 10 && e[i].secret_len <= 64);
		FUZZ_CHECK(e[i].algorithm == MFA_TOTP_SHA1 ||
		    e[i].algorithm == MFA_TOTP_SHA256 ||
		    e[i].algorithm == MFA_TOTP_SHA512);
		FUZZ_CHECK(mfa_user_totp_import(NULL, "token", e[i].algorithm,
		    e[i].digits, e[i].period, e[i].secret, e[i].secret_len,
		    MFA_IMPORT_DRYRUN, &id) == MFA_OK);
	}
	import_pskc_free(&e, n);
	FUZZ_CHECK(e == NULL);
	return 0;
}
