/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the fuzz targets of import.c's parsers (fuzz_import_u2f.c,
 * fuzz_import_oath.c, fuzz_import_gauth.c): the whole input is one
 * record of the format.  Invariants: only MFA_OK, MFA_ERR_FORMAT or
 * MFA_ERR_TOOBIG come back; a refusal leaves nothing usable and gives a
 * printable one-line reason; an accepted record names an acceptable
 * user (none for google-authenticator), holds 1..MFA_CREDS_MAX
 * credentials, each of which passes the import's own validation in a
 * dry run and has a printable description; the same input parses the
 * same way twice.
 */
#ifndef MFA_FUZZ_IMPORT_H
#define MFA_FUZZ_IMPORT_H

#include "internal.h"
#include "fuzz.h"

static int
fuzz_printable(const char *s, size_t max)
{
	size_t	i, n = strnlen(s, max + 1);

	if (n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

static void
fuzz_import(int format, const uint8_t *data, size_t size)
{
	mfa_import_t	*imp, *again;
	const char	*why, *user;
	size_t		 i, n;
	unsigned	 line, id;
	int		 r, r2;

	if ((imp = mfa_import_new()) == NULL ||
	    (again = mfa_import_new()) == NULL)
		abort();
	r = mfa_import_parse(imp, format, (const char *)data, size);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_FORMAT ||
	    r == MFA_ERR_TOOBIG);
	FUZZ_CHECK((r == MFA_ERR_TOOBIG) == (size > MFA_IMPORT_MAX));
	why = mfa_import_why(imp, &line);
	n = mfa_import_count(imp);
	user = mfa_import_user(imp);
	if (r != MFA_OK) {
		FUZZ_CHECK(why[0] != '\0' && fuzz_printable(why, 200));
		FUZZ_CHECK(line >= 1);
		FUZZ_CHECK(n == 0 && user == NULL);
		FUZZ_CHECK(mfa_import_scratch_codes(imp) == 0);
		FUZZ_CHECK(mfa_import_note(imp) == NULL);
	} else {
		FUZZ_CHECK(why[0] == '\0');
		FUZZ_CHECK(n >= 1 && n <= MFA_CREDS_MAX);
		if (format == MFA_IMPORT_GAUTH)
			/* The secret, then the scratch codes if any. */
			FUZZ_CHECK(user == NULL && n ==
			    (mfa_import_scratch_codes(imp) > 0 ? 2u : 1u));
		else
			FUZZ_CHECK(user != NULL &&
			    mfa_username_check(user) == MFA_OK);
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(mfa_import_type(imp, i) == MFA_CRED_TOTP ||
			    mfa_import_type(imp, i) == MFA_CRED_FIDO2 ||
			    (format == MFA_IMPORT_GAUTH && i == 1 &&
			    mfa_import_type(imp, i) == MFA_CRED_RECOVERY));
			FUZZ_CHECK(fuzz_printable(mfa_import_desc(imp, i),
			    64) && mfa_import_desc(imp, i)[0] != '\0');
			id = 7;
			FUZZ_CHECK(mfa_user_import(NULL, imp, i, NULL,
			    MFA_IMPORT_DRYRUN, &id) == MFA_OK && id == 0);
			FUZZ_CHECK(mfa_user_import(NULL, imp, i, NULL, 0,
			    &id) == MFA_ERR_INVAL);
		}
		FUZZ_CHECK(mfa_import_type(imp, n) == 0);
		/* Up to three notes of a google-authenticator file. */
		if (mfa_import_note(imp) != NULL)
			FUZZ_CHECK(fuzz_printable(mfa_import_note(imp), 511));
	}
	r2 = mfa_import_parse(again, format, (const char *)data, size);
	FUZZ_CHECK(r2 == r && mfa_import_count(again) == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(strcmp(mfa_import_desc(imp, i),
		    mfa_import_desc(again, i)) == 0);
	mfa_import_free(&again);
	mfa_import_free(&imp);
	FUZZ_CHECK(imp == NULL);
}

#endif /* MFA_FUZZ_IMPORT_H */
