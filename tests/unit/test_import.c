/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * import.c: the parsers of pam_u2f, pam_oath and google-authenticator
 * records (good forms, every refusal, no secret in a reason), and the
 * import into a store: imported TOTP secrets accept the codes liboath
 * computes (as oathtool does) and refuse their replay, imported FIDO2
 * keys are stored as the same DER key, duplicates, limits, dry runs and
 * the FIDO2 configuration checks.  google-authenticator scratch codes
 * become recovery codes: accepted once, replay refused, merged with an
 * existing set, never taken from a user with an 8-digit TOTP code.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util.h"

#define NOW		1700000000
#define HEX20		"3132333435363738393031323334353637383930"
#define HEX32		HEX20 "313233343536373839303132"
#define RAW20		"12345678901234567890"
#define B32_20		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

struct fixture {
	char		*dir;
	mfa_ctx_t	*ctx;
	mfa_user_t	*u;
	mfa_import_t	*imp;
};

static int
setup(void **state)
{
	struct fixture *f;

	assert_non_null(f = calloc(1, sizeof(*f)));
	f->dir = tu_mkstore();
	f->ctx = tu_ctx(f->dir);
	tu_now = NOW;
	tu_log_reset();
	assert_non_null(f->imp = mfa_import_new());
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &f->u), MFA_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	mfa_import_free(&f->imp);
	assert_null(f->imp);
	mfa_user_free(&f->u);
	mfa_ctx_free(&f->ctx);
	tu_rmstore(f->dir);
	free(f);
	return 0;
}

static int
parse(struct fixture *f, int format, const char *text)
{
	return mfa_import_parse(f->imp, format, text, strlen(text));
}

/* The code liboath (oathtool's library) gives for secret at t. */
static void
oath_code(const char *secret, size_t len, int64_t t, unsigned period,
    unsigned digits, char *out)
{
	assert_int_equal(oath_init(), OATH_OK);
	assert_int_equal(oath_totp_generate(secret, len, (time_t)t, period,
	    0, digits, out), OATH_OK);
	oath_done();
}

static void
load_config(struct fixture *f, const char *text)
{
	char *path = tu_path(f->dir, "pam_mfa.conf");

	tu_write(path, text, strlen(text), 0600);
	assert_int_equal(mfa_ctx_load_config(f->ctx, path), MFA_OK);
	free(path);
}

/* ---- pam_oath ------------------------------------------------------- */

static void
oath_line_verifies(void **state)
{
	struct fixture *f = *state;
	const mfa_cred_t *c;
	char code[16];
	unsigned id = 0, cid = 0;

	assert_int_equal(parse(f, MFA_IMPORT_PAM_OATH, "HOTP/T60/8\talice  - "
	    HEX20 " 0 123456 2023-01-01T00:00:00L"), MFA_OK);
	assert_string_equal(mfa_import_user(f->imp), "alice");
	assert_int_equal(mfa_import_count(f->imp), 1);
	assert_int_equal(mfa_import_type(f->imp, 0), MFA_CRED_TOTP);
	assert_string_equal(mfa_import_desc(f->imp, 0), "totp sha1/8/60");
	assert_null(mfa_import_note(f->imp));
	assert_int_equal(mfa_user_import(f->u, f->imp, 0, NULL, 0, &id),
	    MFA_OK);
	assert_int_equal(id, 1);
	assert_non_null(c = mfa_user_cred(f->u, 0));
	assert_int_equal(mfa_cred_status(c), MFA_STATUS_ACTIVE);
	assert_string_equal(mfa_cred_label(c), "pam_oath");
	assert_int_equal(mfa_cred_totp_period(c), 60);
	assert_int_equal(mfa_cred_totp_digits(c), 8);

	/* Active at once: a code from liboath passes, once. */
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE,
	    &f->u), MFA_OK);
	oath_code(RAW20, 20, NOW, 60, 8, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, &cid), MFA_OK);
	assert_int_equal(cid, 1);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_REPLAY);
	tu_now += 60;
	oath_code(RAW20, 20, tu_now, 60, 8, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

static void
oath_line_forms(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, MFA_IMPORT_PAM_OATH, "HOTP/T30 bob pw "
	    HEX32), MFA_OK);
	assert_string_equal(mfa_import_desc(f->imp, 0), "totp sha1/6/30");
	assert_non_null(mfa_import_note(f->imp));
	assert_non_null(strstr(mfa_import_note(f->imp), "password"));
	/* Upper-case hex is hex too. */
	assert_int_equal(parse(f, MFA_IMPORT_PAM_OATH, "HOTP/T30/7 bob - "
	    "ABCDEF0123456789ABCDEF"), MFA_OK);
	assert_string_equal(mfa_import_desc(f->imp, 0), "totp sha1/7/30");
}

static void
oath_line_refused(void **state)
{
	static const struct {
		const char	*line;
		const char	*why;
	} bad[] = {
		{ "HOTP alice - " HEX20, "event-based" },
		{ "HOTP/E alice - " HEX20, "event-based" },
		{ "HOTP/E/8 alice - " HEX20, "event-based" },
		{ "TOTP alice - " HEX20, "unknown token type" },
		{ "HOTP/T0 alice - " HEX20, "time step" },
		{ "HOTP/T030 alice - " HEX20, "time step" },
		{ "HOTP/T3601 alice - " HEX20, "time step" },
		{ "HOTP/T30/5 alice - " HEX20, "digits" },
		{ "HOTP/T30/9 alice - " HEX20, "digits" },
		{ "HOTP/T30/ alice - " HEX20, "digits" },
		{ "HOTP/T30 ../x - " HEX20, "user name" },
		{ "HOTP/T30 alice - " HEX20 "0", "not hex" },
		{ "HOTP/T30 alice - 31323334353637383930313233343536373839zz",
		    "not hex" },
		{ "HOTP/T30 alice - 313233343536373839", "shorter" },
		{ "HOTP/T30 alice - " HEX32 HEX32 HEX32, "not hex" },
		{ "HOTP/T30 alice -", "not TYPE" },
		{ "", "not TYPE" },
		{ "HOTP/T30 alice - " HEX20 "\nHOTP/T30 bob - " HEX20,
		    "more than one line" },
	};
	struct fixture *f = *state;
	const char *why;
	unsigned line = 9;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(f, MFA_IMPORT_PAM_OATH, bad[i].line),
		    MFA_ERR_FORMAT);
		why = mfa_import_why(f->imp, &line);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("%s: reason \"%s\"", bad[i].line, why);
		assert_int_equal(line, 1);
		assert_null(strstr(why, "3132"));
		assert_int_equal(mfa_import_count(f->imp), 0);
		assert_null(mfa_import_user(f->imp));
	}
	/* A NUL inside the record. */
	assert_int_equal(mfa_import_parse(f->imp, MFA_IMPORT_PAM_OATH,
	    "HOTP/T30 a\0b - " HEX20, 15 + 40), MFA_ERR_FORMAT);
	assert_int_equal(mfa_import_parse(f->imp, 99, "x", 1), MFA_ERR_INVAL);
}

/* ---- google-authenticator ------------------------------------------ */

static void
gauth_file_verifies(void **state)
{
	struct fixture *f = *state;
	char code[16];
	unsigned id = 0;

	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, B32_20 "\n"
	    "\" RATE_LIMIT 3 30 1700000000\n\" WINDOW_SIZE 17\n"
	    "\" DISALLOW_REUSE\n\" TOTP_AUTH\n\" STEP_SIZE 30\n"
	    "12345678\n23456789\n34567890\n"), MFA_OK);
	assert_null(mfa_import_user(f->imp));
	assert_int_equal(mfa_import_scratch_codes(f->imp), 3);
	assert_non_null(mfa_import_note(f->imp));
	assert_non_null(strstr(mfa_import_note(f->imp), "WINDOW_SIZE"));
	/* The longest step pam_google_authenticator takes. */
	{
		struct fixture g = *f;

		assert_non_null(g.imp = mfa_import_new());
		assert_int_equal(parse(&g, MFA_IMPORT_GAUTH, B32_20 "\n"
		    "\" TOTP_AUTH\n\" STEP_SIZE 60\n"), MFA_OK);
		assert_string_equal(mfa_import_desc(g.imp, 0),
		    "totp sha1/6/60");
		mfa_import_free(&g.imp);
	}
	assert_int_equal(mfa_user_import(f->u, f->imp, 0, "phone", 0, &id),
	    MFA_OK);
	assert_string_equal(mfa_cred_label(mfa_user_cred(f->u, 0)),
	    "phone");
	oath_code(RAW20, 20, NOW, 30, 6, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
	/* The scratch codes are the record's second credential. */
	assert_int_equal(mfa_import_count(f->imp), 2);
	assert_int_equal(mfa_import_type(f->imp, 0), MFA_CRED_TOTP);
	assert_int_equal(mfa_import_type(f->imp, 1), MFA_CRED_RECOVERY);
	assert_string_equal(mfa_import_desc(f->imp, 1),
	    "recovery: 3 scratch codes");
	assert_int_equal(mfa_user_recovery_remaining(f->u), 0);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_RECOVERY), 0);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 3);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_RECOVERY), 1);
}

/*
 * The state lines pam_google_authenticator writes at logins (a learned
 * clock skew, grace_period's recent logins) are read, noted and left
 * behind: the secret imports as it would without them.
 */
static void
gauth_state_lines(void **state)
{
	struct fixture *f = *state;
	const char *note;
	char code[16];
	unsigned id = 0;

	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, B32_20 "\n"
	    "\" LAST1 198.51.100.4 1700000300\n"
	    "\" LAST0 192.0.2.7 1700000000\n\" TIME_SKEW -1\n"
	    "\" RESETTING_TIME_SKEW 5+1 6+1\n"
	    "\" LAST9 host.example 1\n\" TOTP_AUTH\n12345678\n"), MFA_OK);
	assert_non_null(note = mfa_import_note(f->imp));
	assert_non_null(strstr(note, "(TIME_SKEW) is not carried over"));
	assert_non_null(strstr(note, "grace_period logins (LAST0..LAST9) "
	    "are not carried over"));
	/* Each note once, however many lines call for it. */
	assert_null(strstr(strstr(note, "(TIME_SKEW)") + 1, "(TIME_SKEW)"));
	assert_null(strstr(strstr(note, "(LAST0") + 1, "(LAST0"));
	assert_int_equal(mfa_import_scratch_codes(f->imp), 1);
	assert_int_equal(mfa_user_import(f->u, f->imp, 0, NULL, 0, &id),
	    MFA_OK);
	/* No skew carried over: the code of now is the one accepted. */
	oath_code(RAW20, 20, NOW, 30, 6, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

#define GA_SCRATCH	B32_20 "\n\" TOTP_AUTH\n"

static unsigned
failures(const mfa_user_t *u)
{
	unsigned	n = 99;

	(void)mfa_user_lock_status(u, NULL, &n);
	return n;
}

static void
reopen(struct fixture *f)
{
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE,
	    &f->u), MFA_OK);
}

static void
gauth_scratch_codes(void **state)
{
	struct fixture *f = *state;
	char *path, *text;
	size_t len;
	unsigned id = 0, id2 = 0, left = 99;

	/* A code given twice is one code. */
	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH
	    "12345678\n23456789\n34567890\n12345678\n"), MFA_OK);
	assert_int_equal(mfa_import_scratch_codes(f->imp), 3);
	/* A dry run and a user without a store: nothing written. */
	assert_int_equal(mfa_user_import(NULL, f->imp, 1, NULL,
	    MFA_IMPORT_DRYRUN, &id), MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL,
	    MFA_IMPORT_DRYRUN, &id), MFA_OK);
	assert_int_equal(id, 0);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 0);
	assert_int_equal(mfa_user_import(f->u, f->imp, 0, NULL, 0, &id2),
	    MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id),
	    MFA_OK);
	assert_int_not_equal(id, 0);
	assert_int_not_equal(id, id2);
	assert_int_equal(mfa_cred_type(mfa_user_cred(f->u, 1)),
	    MFA_CRED_RECOVERY);
	assert_string_equal(mfa_cred_label(mfa_user_cred(f->u, 1)),
	    "google-authenticator");
	/* Only salted hashes are stored, in a "scratch" key. */
	path = tu_path(f->dir, "alice");
	text = tu_read(path, &len);
	assert_non_null(strstr(text, " scratch=$y$"));
	assert_null(strstr(text, "12345678"));
	assert_null(strstr(text, "23456789"));
	free(text);
	free(path);

	/* Accepted once (spaces and dashes as in a TOTP code)... */
	reopen(f);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 3);
	assert_int_equal(mfa_user_recovery_verify(f->u, "2345 6789", &left),
	    MFA_OK);
	assert_int_equal(left, 2);
	assert_int_equal(failures(f->u), 0);
	/* ...its replay refused and counted, durably. */
	reopen(f);
	assert_int_equal(mfa_user_recovery_verify(f->u, "23456789", NULL),
	    MFA_ERR_REPLAY);
	assert_int_equal(failures(f->u), 1);
	/* A wrong 8-digit code is a wrong recovery code. */
	assert_int_equal(mfa_user_recovery_verify(f->u, "99999999", NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(failures(f->u), 2);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	/* Locked: refused without a look, not consumed. */
	tu_log_reset();
	assert_int_equal(mfa_user_recovery_verify(f->u, "11111111", NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_recovery_verify(f->u, "11111111", NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_recovery_verify(f->u, "11111111", NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_recovery_verify(f->u, "34567890", NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(mfa_user_unlock(f->u), MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(f->u, "34567890", &left),
	    MFA_OK);
	assert_int_equal(left, 1);
	assert_int_equal(failures(f->u), 0);

	/* Imported again: nothing new. */
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id2),
	    MFA_ERR_EXCLUDED);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 1);
	/* A file with one old and one new code: the new one is added. */
	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH
	    "12345678\n45678901\n"), MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id2),
	    MFA_OK);
	assert_int_equal(id2, id);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	reopen(f);
	assert_int_equal(mfa_user_recovery_verify(f->u, "34567890", NULL),
	    MFA_ERR_REPLAY);
	assert_int_equal(mfa_user_recovery_verify(f->u, "45678901", NULL),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(f->u, "12345678", &left),
	    MFA_OK);
	assert_int_equal(left, 0);
	/* All used: 8 digits are no scratch code any more (TOTP's). */
	assert_int_equal(mfa_user_recovery_verify(f->u, "12345678", NULL),
	    MFA_ERR_NOTENROLLED);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_RECOVERY), 0);
}

static void
gauth_scratch_with_recovery(void **state)
{
	struct fixture *f = *state;
	char **codes = NULL;
	unsigned id = 0, left = 0;

	assert_int_equal(mfa_user_recovery_generate(f->u, 2, &codes),
	    MFA_OK);
	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH
	    "12345678\n23456789\n"), MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id),
	    MFA_OK);
	/* One set with both kinds; its name stays. */
	assert_int_equal(mfa_user_cred_count(f->u), 1);
	assert_string_equal(mfa_cred_label(mfa_user_cred(f->u, 0)),
	    "recovery");
	assert_int_equal(mfa_user_recovery_remaining(f->u), 4);
	reopen(f);
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[1], &left),
	    MFA_OK);
	assert_int_equal(left, 3);
	assert_int_equal(mfa_user_recovery_verify(f->u, "12345678", &left),
	    MFA_OK);
	assert_int_equal(left, 2);
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[1], NULL),
	    MFA_ERR_REPLAY);
	assert_int_equal(mfa_user_recovery_verify(f->u, "12345678", NULL),
	    MFA_ERR_REPLAY);
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[0], NULL),
	    MFA_OK);
	mfa_recovery_codes_free(&codes, 2);
	/* A new set of recovery codes voids the imported ones too. */
	assert_int_equal(mfa_user_recovery_generate(f->u, 2, &codes),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	assert_int_equal(mfa_user_recovery_verify(f->u, "23456789", NULL),
	    MFA_ERR_NOTENROLLED);
	mfa_recovery_codes_free(&codes, 2);
}

static void
gauth_scratch_totp8(void **state)
{
	struct fixture *f = *state;
	char code[16];
	unsigned id = 0;

	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH
	    "12345678\n23456789\n"), MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id),
	    MFA_OK);
	assert_int_equal(mfa_user_totp_import(f->u, "t8", MFA_TOTP_SHA1, 8,
	    30, (const unsigned char *)RAW20, 20, 0, &id), MFA_OK);
	/* 8 digits may be this user's TOTP code: never a scratch code. */
	oath_code(RAW20, 20, NOW, 30, 8, code);
	assert_int_equal(mfa_user_recovery_verify(f->u, code, NULL),
	    MFA_ERR_NOTENROLLED);
	assert_int_equal(mfa_user_recovery_verify(f->u, "12345678", NULL),
	    MFA_ERR_NOTENROLLED);
	assert_int_equal(failures(f->u), 0);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
	/* Once that credential is gone, the scratch codes work. */
	assert_int_equal(mfa_user_remove(f->u, id), MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(f->u, "12345678", NULL),
	    MFA_OK);
}

/* The scratch codes of a set share one salt; anything else is refused. */
static void
gauth_scratch_store_format(void **state)
{
	struct fixture *f = *state;
	mfa_user_t *bob = NULL;
	char *path, *bpath, *text, *btext, *p, *q, *line;
	size_t len, blen;
	unsigned id = 0;

	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH
	    "12345678\n23456789\n"), MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id),
	    MFA_OK);
	assert_int_equal(mfa_user_open(f->ctx, "bob", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &bob), MFA_OK);
	assert_int_equal(mfa_user_import(bob, f->imp, 1, NULL, 0, &id),
	    MFA_OK);
	mfa_user_free(&bob);
	mfa_user_free(&f->u);
	path = tu_path(f->dir, "alice");
	bpath = tu_path(f->dir, "bob");
	text = tu_read(path, &len);
	btext = tu_read(bpath, &blen);
	/* alice's first hash, then bob's second (another salt). */
	assert_non_null(p = strstr(text, " scratch="));
	assert_non_null(q = strchr(p, ','));
	assert_non_null(strstr(btext, " scratch="));
	assert_non_null(line = calloc(1, len + blen + 1));
	(void)snprintf(line, len + blen + 1, "%.*s%s", (int)(q - text), text,
	    strchr(strstr(btext, " scratch="), ','));
	tu_write(path, line, strlen(line), 0600);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE,
	    &f->u), MFA_ERR_FORMAT);
	/* The same hash twice. */
	(void)snprintf(line, len + blen + 1, "%.*s,%.*s\n", (int)(q - text),
	    text, (int)(q - p - strlen(" scratch=")), p + strlen(" scratch="));
	tu_write(path, line, strlen(line), 0600);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE,
	    &f->u), MFA_ERR_FORMAT);
	/* The file as written reads back. */
	tu_write(path, text, len, 0600);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE,
	    &f->u), MFA_OK);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	free(line);
	free(text);
	free(btext);
	free(path);
	free(bpath);
}

static void
gauth_scratch_limits(void **state)
{
	struct fixture *f = *state;
	const char *why;
	unsigned id = 0;

	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH
	    "10000000\n10000001\n10000002\n10000003\n10000004\n"
	    "10000005\n10000006\n10000007\n10000008\n10000009\n"
	    "10000010\n"), MFA_ERR_FORMAT);
	why = mfa_import_why(f->imp, NULL);
	assert_non_null(strstr(why, "more than 10"));
	assert_null(strstr(why, "1000"));
	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH
	    "10000000\n10000001\n10000002\n10000003\n10000004\n"
	    "10000005\n10000006\n10000007\n"), MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id),
	    MFA_OK);
	/* 8 + 3 new ones: past the set's 10. */
	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH
	    "10000007\n20000000\n20000001\n20000002\n"), MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id),
	    MFA_ERR_LIMIT);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 8);
	reopen(f);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 8);
}

/*
 * pam_google_authenticator reads scratch codes up to the first below
 * 10000000 (a leading 0): that code and those after it never logged
 * in, and are not imported; the codes before it are, and the options
 * after it are still read, as there.
 */
static void
gauth_scratch_leading_zero(void **state)
{
	struct fixture *f = *state;
	const char *note;
	unsigned id = 0;

	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, B32_20 "\n"
	    "\" TOTP_AUTH\n12345678\n01234567\n23456789\n"
	    "\" STEP_SIZE 60\n10000000\n10000001\n10000002\n10000003\n"
	    "10000004\n10000005\n10000006\n10000007\n10000008\n"
	    "10000009"), MFA_OK);
	assert_string_equal(mfa_import_desc(f->imp, 0), "totp sha1/6/60");
	assert_int_equal(mfa_import_scratch_codes(f->imp), 1);
	assert_int_equal(mfa_import_count(f->imp), 2);
	assert_non_null(note = mfa_import_note(f->imp));
	assert_non_null(strstr(note, "starts with 0 on are not imported"));
	assert_null(strstr(note, "0123"));
	assert_int_equal(mfa_user_import(f->u, f->imp, 0, NULL, 0, &id),
	    MFA_OK);
	assert_int_equal(mfa_user_import(f->u, f->imp, 1, NULL, 0, &id),
	    MFA_OK);
	reopen(f);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 1);
	assert_int_equal(mfa_user_recovery_verify(f->u, "01234567", NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_recovery_verify(f->u, "23456789", NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_recovery_verify(f->u, "10000009", NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_recovery_verify(f->u, "12345678", NULL),
	    MFA_OK);
	/* A file whose first code starts with 0: the secret alone. */
	assert_int_equal(parse(f, MFA_IMPORT_GAUTH, GA_SCRATCH "00000000\n"
	    "98765432\n"), MFA_OK);
	assert_int_equal(mfa_import_scratch_codes(f->imp), 0);
	assert_int_equal(mfa_import_count(f->imp), 1);
	assert_non_null(mfa_import_note(f->imp));
}

static void
gauth_file_refused(void **state)
{
	static const struct {
		const char	*text;
		unsigned	 line;
		const char	*why;
	} bad[] = {
		{ B32_20 "\n\" HOTP_COUNTER 1\n12345678\n", 2,
		    "counter-based" },
		{ B32_20 "\n12345678\n", 1, "TOTP_AUTH" },
		{ B32_20 "\n\" TOTP_AUTH\n\" FROB 1\n", 3, "unknown option" },
		{ B32_20 "\n\" TOTP_AUTH\n\" OTP_DISABLED\n", 3,
		    "unknown option" },
		{ B32_20 "\n\" TOTP_AUTH\n\" LAST10 192.0.2.7 1\n", 3,
		    "unknown option" },
		{ B32_20 "\n\" TOTP_AUTH\n\" LASTX\n", 3, "unknown option" },
		{ B32_20 "\n\" TOTP_AUTH\n\" TIME_SKEWED 1\n", 3,
		    "unknown option" },
		{ B32_20 "\n\" TOTP_AUTH 1\n", 2, "no value" },
		{ B32_20 "\n\" TOTP_AUTH\n\" STEP_SIZE 0\n", 3, "STEP_SIZE" },
		/* pam_google_authenticator's own range: 1..60. */
		{ B32_20 "\n\" TOTP_AUTH\n\" STEP_SIZE 61\n", 3,
		    "STEP_SIZE not 1..60" },
		{ B32_20 "\n\" TOTP_AUTH\n\" STEP_SIZE 3600\n", 3,
		    "STEP_SIZE not 1..60" },
		/*
		 * An option twice: pam_google_authenticator reads the
		 * first, the last would win here; refused on the second.
		 */
		{ B32_20 "\n\" STEP_SIZE 60\n\" TOTP_AUTH\n\" STEP_SIZE 30\n",
		    4, "option STEP_SIZE given more than once" },
		{ B32_20 "\n\" STEP_SIZE 30\n\" STEP_SIZE 30\n\" TOTP_AUTH\n",
		    3, "option STEP_SIZE given more than once" },
		{ B32_20 "\n\" TOTP_AUTH\n12345678\n\" TOTP_AUTH\n", 4,
		    "option TOTP_AUTH given more than once" },
		{ B32_20 "\n\" TOTP_AUTH\n\" WINDOW_SIZE 3\n"
		    "\" WINDOW_SIZE 17\n", 4, "option WINDOW_SIZE given" },
		{ B32_20 "\n\" TOTP_AUTH\n\" LAST0 a 1\n\" LAST1 b 2\n"
		    "\" LAST0 c 3\n", 5, "option LAST0 given more than once" },
		{ B32_20 "\n\" TOTP_AUTH\n\" RESETTING_TIME_SKEW \n"
		    "\" RESETTING_TIME_SKEW 5+1 6+1\n", 4,
		    "option RESETTING_TIME_SKEW given" },
		{ B32_20 "\n\" TOTP_AUTH\n1234567\n", 3, "scratch code" },
		{ B32_20 "\n\" TOTP_AUTH\n123456789\n", 3, "scratch code" },
		{ B32_20 "\n\" TOTP_AUTH\n\n12345678\n", 3, "scratch code" },
		{ "GEZ1GNBVGY3TQOJQ\n\" TOTP_AUTH\n", 1, "base32" },
		{ "GEZDGNBV\n\" TOTP_AUTH\n", 1, "shorter" },
		{ "", 1, "shorter" },
	};
	struct fixture *f = *state;
	const char *why;
	unsigned line;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		line = 0;
		assert_int_equal(parse(f, MFA_IMPORT_GAUTH, bad[i].text),
		    MFA_ERR_FORMAT);
		why = mfa_import_why(f->imp, &line);
		if (strstr(why, bad[i].why) == NULL || line != bad[i].line)
			fail_msg("case %zu: line %u, reason \"%s\"", i, line,
			    why);
		assert_null(strstr(why, "GEZ"));
		assert_int_equal(mfa_import_scratch_codes(f->imp), 0);
	}
}

/* ---- pam_u2f ---------------------------------------------------------- */

static EVP_PKEY *
keygen(const char *type)
{
	EVP_PKEY *pkey;

	if (strcmp(type, "EC") == 0)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, type);
	assert_non_null(pkey);
	return pkey;
}

/* The key as pam_u2f writes it: raw point / raw key, and its DER. */
static size_t
raw_key(EVP_PKEY *pkey, unsigned char *raw, size_t cap)
{
	size_t len = cap;

	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC)
		assert_int_equal(EVP_PKEY_get_octet_string_param(pkey,
		    OSSL_PKEY_PARAM_PUB_KEY, raw, cap, &len), 1);
	else
		assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, raw, &len),
		    1);
	return len;
}

static void
assert_same_der(const struct mfa_cred *c, EVP_PKEY *pkey)
{
	unsigned char *der = NULL;
	int n;

	assert_true((n = i2d_PUBKEY(pkey, &der)) > 0);
	assert_int_equal(c->pubkey_len, (size_t)n);
	assert_memory_equal(c->pubkey, der, (size_t)n);
	OPENSSL_free(der);
}

static void
u2f_lines(void **state)
{
	struct fixture *f = *state;
	EVP_PKEY *ec, *ed;
	unsigned char raw[80], id1[48], id2[70];
	char line[1024], kh1[80], kh2[100], pk1[120], pk2[60], hex[140];
	const struct mfa_cred *c;
	size_t rlen, i;
	unsigned id;

	memset(id1, 0x11, sizeof(id1));
	memset(id2, 0x22, sizeof(id2));
	ec = keygen("EC");
	ed = keygen("ED25519");
	rlen = raw_key(ec, raw, sizeof(raw));
	assert_int_equal(rlen, 65);
	assert_int_equal(b64_encode(raw + 1, 64, 0, pk1, sizeof(pk1)),
	    MFA_OK);
	assert_int_equal(b64_encode(id1, sizeof(id1), 0, kh1, sizeof(kh1)),
	    MFA_OK);
	assert_int_equal(raw_key(ed, raw, sizeof(raw)), 32);
	assert_int_equal(b64_encode(raw, 32, 0, pk2, sizeof(pk2)), MFA_OK);
	assert_int_equal(b64_encode(id2, sizeof(id2), 0, kh2, sizeof(kh2)),
	    MFA_OK);

	/* FIDO2 form, two credentials on the line. */
	(void)snprintf(line, sizeof(line), "alice:%s,%s,es256,+presence:"
	    "%s,%s,EdDSA,+pin+presence", kh1, pk1, kh2, pk2);
	assert_int_equal(parse(f, MFA_IMPORT_PAM_U2F, line), MFA_OK);
	assert_string_equal(mfa_import_user(f->imp), "alice");
	assert_int_equal(mfa_import_count(f->imp), 2);
	assert_string_equal(mfa_import_desc(f->imp, 0), "fido2 es256 presence");
	assert_string_equal(mfa_import_desc(f->imp, 1),
	    "fido2 eddsa presence verification");

	/* fido2_attestation = verified (the default) refuses them. */
	assert_int_equal(mfa_user_import(f->u, f->imp, 0, NULL, 0, &id),
	    MFA_ERR_ATTEST);
	assert_int_equal(mfa_import_check(f->ctx, f->imp, 0, 0),
	    MFA_ERR_ATTEST);
	assert_int_equal(mfa_import_check(f->ctx, f->imp, 0,
	    MFA_IMPORT_UNATTESTED), MFA_OK);
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(mfa_user_import(f->u, f->imp, i, NULL,
		    MFA_IMPORT_UNATTESTED, &id), MFA_OK);
		assert_int_equal(id, i + 1);
	}
	c = &f->u->creds[0];
	assert_int_equal(c->type, MFA_CRED_FIDO2);
	assert_int_equal(c->status, MFA_STATUS_ACTIVE);
	assert_int_equal(c->credid_len, sizeof(id1));
	assert_memory_equal(c->credid, id1, sizeof(id1));
	assert_int_equal(c->reg_up, 1);
	assert_int_equal(c->reg_uv, 0);
	assert_same_der(c, ec);
	c = &f->u->creds[1];
	assert_int_equal(c->fido2_alg, MFA_COSE_EDDSA);
	assert_int_equal(c->reg_uv, 1);
	assert_same_der(c, ed);
	/* Stored durably: a fresh open parses the same. */
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE,
	    &f->u), MFA_OK);
	assert_int_equal(mfa_user_cred_count(f->u), 2);
	assert_same_der(&f->u->creds[0], ec);
	assert_string_equal(mfa_cred_label(mfa_user_cred(f->u, 1)),
	    "pam_u2f");
	assert_string_equal(mfa_cred_fido2_aaguid(mfa_user_cred(f->u, 1)),
	    "00000000000000000000000000000000");
	/* Again: the same credential id is a duplicate. */
	assert_int_equal(mfa_user_import(f->u, f->imp, 0, NULL,
	    MFA_IMPORT_UNATTESTED, &id), MFA_ERR_EXCLUDED);

	/* Old U2F form: websafe key handle, hex uncompressed point. */
	rlen = raw_key(ec, raw, sizeof(raw));
	for (i = 0; i < rlen; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	id1[0] = 0xfb;		/* base64url differs from base64 here */
	assert_int_equal(b64_encode(id1, 47, 1, kh1, sizeof(kh1)), MFA_OK);
	(void)snprintf(line, sizeof(line), "bob:%s,%s", kh1, hex);
	assert_int_equal(parse(f, MFA_IMPORT_PAM_U2F, line), MFA_OK);
	assert_string_equal(mfa_import_desc(f->imp, 0),
	    "fido2 es256 u2f presence");
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
}

static void
u2f_lines_refused(void **state)
{
	static const struct {
		const char	*line;
		const char	*why;
	} bad[] = {
		{ "alice", "no ':'" },
		{ ":AAAA,AAAA,es256", "user name" },
		{ "../x:AAAA,AAAA,es256", "user name" },
		{ "alice:", "empty" },
		{ "alice:AAAA", "not KEYHANDLE" },
		{ "alice:a,b,c,d,e", "not KEYHANDLE" },
		{ "alice:*,AAAA,es256,+presence", "resident" },
		{ "alice:AA!A,AAAA,es256", "key handle" },
		{ "alice:AAAA,AAAA,es384", "COSE" },
		{ "alice:AAAA,AAAA,es256,+presence+frob", "options" },
		{ "alice:AAAA,AAAA,es256,presence", "options" },
		{ "alice:AAAA,AAAA,es256", "not a valid es256" },
		{ "alice:AAAA,A,rs256", "not base64" },
		{ "alice:AAAA,04aa", "hex uncompressed" },
		{ "alice:AAAA,zz", "hex uncompressed" },
	};
	struct fixture *f = *state;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(f, MFA_IMPORT_PAM_U2F, bad[i].line),
		    MFA_ERR_FORMAT);
		why = mfa_import_why(f->imp, NULL);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("%s: reason \"%s\"", bad[i].line, why);
		assert_int_equal(mfa_import_count(f->imp), 0);
	}
}

/* ---- the store ---------------------------------------------------------- */

static void
totp_import_rules(void **state)
{
	struct fixture *f = *state;
	unsigned char secret[20];
	char *path, *before, *after;
	unsigned id = 9, i;

	memcpy(secret, RAW20, sizeof(secret));
	/* Bad values. */
	assert_int_equal(mfa_user_totp_import(f->u, NULL, MFA_TOTP_SHA1, 6,
	    30, secret, 9, 0, &id), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_import(f->u, NULL, MFA_TOTP_SHA1, 9,
	    30, secret, 20, 0, &id), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_import(f->u, NULL, MFA_TOTP_SHA1, 6,
	    0, secret, 20, 0, &id), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_import(f->u, "bad\nlabel",
	    MFA_TOTP_SHA1, 6, 30, secret, 20, 0, &id), MFA_ERR_INVAL);
	assert_int_equal(id, 9);

	/* A dry run writes nothing, with a store or without one. */
	path = tu_path(f->dir, "alice");
	assert_int_equal(mfa_user_totp_import(f->u, NULL, MFA_TOTP_SHA256, 6,
	    30, secret, 20, 0, &id), MFA_OK);
	before = tu_read(path, NULL);
	assert_int_equal(mfa_user_totp_import(f->u, "x", MFA_TOTP_SHA1, 6,
	    30, (const unsigned char *)"abcdefghijkl", 12, MFA_IMPORT_DRYRUN,
	    &id), MFA_OK);
	assert_int_equal(id, 0);
	assert_int_equal(mfa_user_totp_import(NULL, "x", MFA_TOTP_SHA1, 6,
	    30, secret, 20, MFA_IMPORT_DRYRUN, &id), MFA_OK);
	assert_int_equal(mfa_user_totp_import(NULL, "x", MFA_TOTP_SHA1, 6,
	    30, secret, 20, 0, &id), MFA_ERR_INVAL);
	/* The same secret twice, even in a dry run: a duplicate. */
	assert_int_equal(mfa_user_totp_import(f->u, "y", MFA_TOTP_SHA1, 8,
	    60, secret, 20, MFA_IMPORT_DRYRUN, &id), MFA_ERR_EXCLUDED);
	assert_int_equal(mfa_user_totp_import(f->u, "y", MFA_TOTP_SHA1, 8,
	    60, secret, 20, 0, &id), MFA_ERR_EXCLUDED);
	assert_non_null(strstr(tu_log_buf, "credential 1 already"));
	after = tu_read(path, NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* A read-only open imports nothing. */
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_READ,
	    &f->u), MFA_OK);
	secret[0] ^= 1;
	assert_int_equal(mfa_user_totp_import(f->u, NULL, MFA_TOTP_SHA1, 6,
	    30, secret, 20, 0, &id), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_import(f->u, NULL, MFA_TOTP_SHA1, 6,
	    30, secret, 20, MFA_IMPORT_DRYRUN, &id), MFA_OK);

	/* Up to the credential limit. */
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE,
	    &f->u), MFA_OK);
	for (i = 1; i < MFA_CREDS_MAX; i++) {
		secret[0] = (unsigned char)i;
		secret[1] = 0xee;
		assert_int_equal(mfa_user_totp_import(f->u, NULL,
		    MFA_TOTP_SHA1, 6, 30, secret, 20, 0, &id), MFA_OK);
	}
	secret[1] = 0xdd;
	assert_int_equal(mfa_user_totp_import(f->u, NULL, MFA_TOTP_SHA1, 6,
	    30, secret, 20, 0, &id), MFA_ERR_LIMIT);
	assert_int_equal(mfa_user_cred_count(f->u), MFA_CREDS_MAX);
	free(path);
}

static void
fido2_import_config(void **state)
{
	struct fixture *f = *state;
	unsigned char raw[80], credid[16];
	EVP_PKEY *ec;
	unsigned id;
	size_t len;

	memset(credid, 7, sizeof(credid));
	ec = keygen("EC");
	len = raw_key(ec, raw, sizeof(raw));
	/* Bad arguments. */
	assert_int_equal(mfa_user_fido2_import(f->u, NULL, MFA_COSE_ES256,
	    credid, 0, raw, len, 0, &id), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_fido2_import(f->u, NULL, -35, credid,
	    sizeof(credid), raw, len, 0, &id), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_fido2_import(f->u, NULL, MFA_COSE_EDDSA,
	    credid, sizeof(credid), raw, len, 0, &id), MFA_ERR_INVAL);

	load_config(f, "fido2_attestation = any\n"
	    "fido2_algorithms = eddsa\n");
	assert_int_equal(mfa_user_fido2_import(f->u, NULL, MFA_COSE_ES256,
	    credid, sizeof(credid), raw, len, 0, &id), MFA_ERR_ATTEST);
	assert_non_null(strstr(tu_log_buf, "not in fido2_algorithms"));
	load_config(f, "fido2_attestation = any\n"
	    "fido2_aaguids = 00000000-0000-0000-0000-000000000001\n");
	assert_int_equal(mfa_user_fido2_import(f->u, NULL, MFA_COSE_ES256,
	    credid, sizeof(credid), raw, len, 0, &id), MFA_ERR_ATTEST);
	load_config(f, "fido2_attestation = any\n");
	/* The 0x04 point, and the DER form, are both taken. */
	assert_int_equal(mfa_user_fido2_import(f->u, "key", MFA_COSE_ES256,
	    credid, sizeof(credid), raw, len, MFA_IMPORT_UP | MFA_IMPORT_UV,
	    &id), MFA_OK);
	assert_int_equal(id, 1);
	assert_int_equal(f->u->creds[0].reg_uv, 1);
	assert_same_der(&f->u->creds[0], ec);
	credid[0] = 8;
	assert_int_equal(mfa_user_fido2_import(f->u, "key2", MFA_COSE_ES256,
	    credid, sizeof(credid), f->u->creds[0].pubkey,
	    f->u->creds[0].pubkey_len, 0, &id), MFA_OK);
	assert_int_equal(f->u->creds[1].reg_up, 0);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_FIDO2), 1);
	EVP_PKEY_free(ec);
}

static void
rp_id(void **state)
{
	struct fixture *f = *state;
	char buf[300];

	load_config(f, "fido2_rp_id = pam://gateway\n");
	assert_int_equal(mfa_ctx_fido2_rp_id(f->ctx, buf, sizeof(buf)),
	    MFA_OK);
	assert_string_equal(buf, "pam://gateway");
	assert_int_equal(mfa_ctx_fido2_rp_id(f->ctx, buf, 5),
	    MFA_ERR_TOOBIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(oath_line_verifies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(oath_line_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(oath_line_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(gauth_file_verifies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(gauth_state_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(gauth_scratch_codes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(gauth_scratch_with_recovery,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(gauth_scratch_totp8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(gauth_scratch_store_format,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(gauth_scratch_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(gauth_scratch_leading_zero,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(gauth_file_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(u2f_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(u2f_lines_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(totp_import_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(fido2_import_config, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(rp_id, setup, teardown),
	};

	tu_require_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
