/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level tests of recovery codes: pam_mfa.so under the real
 * Linux-PAM with pam_wrapper, driven through libpamtest (see
 * test_pam_mfa.c for the two phases and ns-run.sh).  Codes are issued
 * with the public API, as mfactl recovery does.  Every login asserts
 * the PAM result, the exact dialogue (prompts and the one message after
 * an accepted code), the audit line with its reason, and that no code
 * or password is logged; the store is read back for what was used and
 * counted.  Security keys: test_pam_fido2.c.  Users taken over from
 * google-authenticator (mfactl import) log in with its 8-digit scratch
 * codes, which are recovery codes of their own.  tests/hashcount.c
 * counts the hashes of a login, to show equal work without timing it.
 */
#include "config.h"

#include <sys/stat.h>
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "../hashcount.h"
#include "mfa.h"
#include "pamtest.h"

#define Q_PASSWORD	"? " PROMPT_PASSWORD
#define Q_CODE		"? " PROMPT_CODE
#define Q_RECOVERY	"? " PROMPT_RECOVERY
#define I_LEFT(n)	"i Recovery code accepted; " #n " left."
#define I_FEW(n)	"i Recovery code accepted; " #n " left. Ask your " \
			"administrator for new recovery codes."
#define AUDIT(user, factors, result, reason) \
	"user=" user " service=mfa rhost=- tty=- factors=" factors \
	" result=" result " reason=" reason
/* Has a recovery code's shape, is nobody's code. */
#define NOT_A_CODE	"WXYZ-2345-6789"

static char **codes;
static unsigned ncodes;

static void
issue(const char *user, unsigned count)
{
	codes = recovery_issue(store, user, count);
	ncodes = count;
}

static int
setup(void **state)
{
	(void)state;
	if (store_new() != 0)
		return -1;
	write_config(NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mfa_recovery_codes_free(&codes, ncodes);
	store_remove();
	return 0;
}

/* A code with its last character changed: right shape, wrong code. */
static void
wrong_of(const char *code, char *out, size_t size)
{
	size_t n;

	(void)snprintf(out, size, "%s", code);
	n = strlen(out);
	out[n - 1] = out[n - 1] == 'Z' ? 'Y' : 'Z';
}

/* The secret and scratch codes of a ~/.google_authenticator. */
#define GA_RAW		"12345678901234567890"
#define GA_FILE		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n\" TOTP_AUTH\n" \
			"12345678\n23456789\n34567890\n"

/*
 * Imports GA_FILE for user as mfactl import does (its TOTP secret and
 * its scratch codes), with an 8-digit TOTP credential too when totp8;
 * t gets the imported secret.
 */
static void
import_gauth(const char *user, int totp8, struct totp *t)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	mfa_import_t *imp;
	size_t i;
	unsigned id = 0;

	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_set_store(ctx, store), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, user, MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &u), MFA_OK);
	assert_non_null(imp = mfa_import_new());
	assert_int_equal(mfa_import_parse(imp, MFA_IMPORT_GAUTH, GA_FILE,
	    strlen(GA_FILE)), MFA_OK);
	assert_int_equal(mfa_import_count(imp), 2);
	for (i = 0; i < mfa_import_count(imp); i++)
		assert_int_equal(mfa_user_import(u, imp, i, NULL, 0, &id),
		    MFA_OK);
	if (totp8)
		assert_int_equal(mfa_user_totp_import(u, "token", MFA_TOTP_SHA1,
		    8, 30, (const unsigned char *)"ABCDEFGHIJKLMNOPQRST", 20,
		    0, &id), MFA_OK);
	mfa_import_free(&imp);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	memset(t, 0, sizeof(*t));
	memcpy(t->key, GA_RAW, 20);
	t->keylen = 20;
	t->step = (uint64_t)time(NULL) / 30;
}

/* ---- tests --------------------------------------------------------- */

/* Accepted once, in place of the TOTP code; then refused as used. */
static void
test_accepted_once(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	unsigned failures = 9;

	(void)state;
	enrol(store, ALICE, &t);
	issue(ALICE, 10);
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_LEFT(9), NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));
	assert_true(log_has("user " ALICE ": recovery code used (9 left)"));
	assert_no_secrets(&cv, NULL);
	assert_int_equal(recovery_left(store, ALICE, &failures), 9);
	assert_int_equal(failures, 0);

	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "used_recovery_code"));
	assert_no_secrets(&cv, NULL);
	assert_int_equal(recovery_left(store, ALICE, &failures), 9);
	assert_int_equal(failures, 1);
	conv_reset(&cv);
}

/* Typed in lower case without dashes: the same code. */
static void
test_lower_case(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char typed[32];
	size_t i, o = 0;

	(void)state;
	enrol(store, ALICE, &t);
	issue(ALICE, 10);
	for (i = 0; codes[3][i] != '\0' && o < sizeof(typed) - 1; i++)
		if (codes[3][i] != '-')
			typed[o++] = (char)tolower((unsigned char)codes[3][i]);
	typed[o] = '\0';
	conv_answers(&cv, ALICE_PW, typed);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_LEFT(9), NULL);
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

static void
test_wrong_code(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	unsigned failures = 0;
	char bad[32];

	(void)state;
	enrol(store, ALICE, &t);
	issue(ALICE, 10);
	wrong_of(codes[0], bad, sizeof(bad));
	conv_answers(&cv, ALICE_PW, bad);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "bad_recovery_code"));
	assert_no_secrets(&cv, NULL);
	assert_int_equal(recovery_left(store, ALICE, &failures), 10);
	assert_int_equal(failures, 1);

	/* A user without recovery codes: wrong all the same, counted. */
	enrol(store, BOB, &t);
	conv_answers(&cv, BOB_PW, NOT_A_CODE);
	run_auth("mfa", BOB, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(BOB, "password,recovery", "failure",
	    "bad_recovery_code"));
	assert_int_equal(recovery_left(store, BOB, &failures), 0);
	assert_int_equal(failures, 1);
	conv_reset(&cv);
}

/* After a wrong password the code is asked for but neither used nor
 * counted. */
static void
test_wrong_password(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	unsigned failures = 9;

	(void)state;
	enrol(store, ALICE, &t);
	issue(ALICE, 10);
	conv_answers(&cv, "not-" ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure",
	    "bad_password"));
	assert_no_secrets(&cv, NULL);
	assert_int_equal(recovery_left(store, ALICE, &failures), 10);
	assert_int_equal(failures, 0);
	conv_reset(&cv);
}

/* recovery = no: refused like a wrong code, counted, not used up. */
static void
test_disabled(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	unsigned failures = 0;

	(void)state;
	enrol(store, ALICE, &t);
	issue(ALICE, 10);
	write_config("recovery = no\n");
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "recovery_disabled"));
	assert_no_secrets(&cv, NULL);
	assert_int_equal(recovery_left(store, ALICE, &failures), 10);
	assert_int_equal(failures, 1);

	/* The same code, once allowed again. */
	write_config("recovery = yes\n");
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_LEFT(9), NULL);
	conv_reset(&cv);
}

/* Wrong codes lock the user out; then even a right one is refused and
 * not used up. */
static void
test_lockout(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	unsigned failures = 0;
	char bad[32];
	int i;

	(void)state;
	enrol(store, ALICE, &t);
	issue(ALICE, 10);
	write_config("lockout_attempts = 3\nlockout_time = 900\n");
	for (i = 0; i < 3; i++) {
		wrong_of(codes[i], bad, sizeof(bad));
		conv_answers(&cv, ALICE_PW, bad);
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
		assert_audit("mfa", AUDIT(ALICE, "password,recovery",
		    "failure", "bad_recovery_code"));
		assert_no_secrets(&cv, NULL);
	}
	assert_true(log_has("user " ALICE ": locked out after 3 failures"));
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure", "locked"));
	assert_int_equal(recovery_left(store, ALICE, &failures), 10);
	assert_int_equal(failures, 3);
	conv_reset(&cv);
}

/* A six-digit reply is a TOTP code, also for a user with recovery
 * codes. */
static void
test_totp_still_totp(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, ALICE, &t);
	issue(ALICE, 10);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));

	wrong_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "bad_code"));
	assert_int_equal(recovery_left(store, ALICE, NULL), 10);
	conv_reset(&cv);
}

/* Few left: the message says to get new ones; none left: no factor. */
static void
test_few_left(void **state)
{
	struct conv cv = { 0 };
	struct pam_conv pc = { conv_fn, &cv };
	pam_handle_t *ph = NULL;
	int rc;

	(void)state;
	issue(ALICE, 3);
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_FEW(2), NULL);
	conv_answers(&cv, ALICE_PW, codes[2]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_FEW(1), NULL);
	conv_answers(&cv, ALICE_PW, codes[1]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_FEW(0), NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));

	/* PAM_SILENT: no message. */
	mfa_recovery_codes_free(&codes, ncodes);
	issue(ALICE, 3);
	conv_answers(&cv, ALICE_PW, codes[0]);
	log_reset();
	assert_int_equal(pam_start("mfa", ALICE, &pc, &ph), PAM_SUCCESS);
	rc = pam_authenticate(ph, PAM_SILENT);
	assert_int_equal(pam_end(ph, rc), PAM_SUCCESS);
	log_drain();
	assert_int_equal(rc, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));
	conv_reset(&cv);
}

/*
 * Only recovery codes: enrolled while the policy accepts them (and
 * unused ones are left); not enrolled with recovery = no.
 */
static void
test_only_recovery(void **state)
{
	struct conv cv = { 0 };
	size_t i;

	(void)state;
	issue(ALICE, 1);
	conv_answers(&cv, ALICE_PW, "123456");
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);

	write_config("recovery = no\nunenrolled = allow\n");
	conv_answers(&cv, ALICE_PW, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "success",
	    "not_enrolled"));

	write_config(NULL);
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_FEW(0), NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));

	/* Used up: no second factor any more. */
	for (i = 0; i < 2; i++) {
		conv_answers(&cv, ALICE_PW, codes[0]);
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
		assert_audit("mfa", AUDIT(ALICE, "password", "failure",
		    "not_enrolled"));
	}
	conv_reset(&cv);
}

/*
 * password AND fido2 has no code prompt: with recovery = yes a prompt
 * for the recovery code comes after the (missing) key, for every user
 * alike; Enter alone skips it.
 */
static void
test_fido2_policy_prompt(void **state)
{
	static const char *users[] = { ALICE, CAROL, "mfa-nobody" };
	struct conv cv = { 0 };
	unsigned failures = 9;
	size_t i;

	(void)state;
	issue(ALICE, 10);
	write_config("require = password AND fido2\n");
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		conv_answers(&cv, "Some-pw-1", NOT_A_CODE);
		run_auth("mfa", users[i], &cv, PAM_AUTH_ERR);
		assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY, NULL);
		assert_no_secrets(&cv, "mfa-nobody");
	}
	conv_answers(&cv, ALICE_PW, "");
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure",
	    "not_enrolled"));
	assert_int_equal(recovery_left(store, ALICE, &failures), 10);
	assert_int_equal(failures, 0);

	conv_answers(&cv, ALICE_PW, codes[5]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY, I_LEFT(9), NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));

	/* recovery = no: the prompt is gone. */
	write_config("require = password AND fido2\nrecovery = no\n");
	conv_answers(&cv, ALICE_PW, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	conv_reset(&cv);
}

/*
 * require = password AND recovery: a user with codes who presses Enter
 * at the recovery prompt fails, and the audit says that no code was
 * given (not not_enrolled: the user has what the policy accepts).
 * Nothing is used or counted.  A user without codes still fails as
 * not_enrolled, with the same dialogue.
 */
static void
test_recovery_policy_no_code(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;

	(void)state;
	issue(ALICE, 10);
	write_config("require = password AND recovery\n");
	conv_answers(&cv, ALICE_PW, "");
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure", "no_code"));
	assert_int_equal(recovery_left(store, ALICE, &failures), 10);
	assert_int_equal(failures, 0);

	conv_answers(&cv, CAROL_PW, "");
	run_auth("mfa", CAROL, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY, NULL);
	assert_audit("mfa", AUDIT(CAROL, "password", "failure",
	    "not_enrolled"));

	conv_answers(&cv, ALICE_PW, codes[3]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY, I_LEFT(9), NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));
	conv_reset(&cv);
}

/*
 * Imported from google-authenticator: a scratch code is accepted once at
 * the code prompt, its replay and a wrong one are refused and counted;
 * the 6-digit TOTP code still is a TOTP code.
 */
static void
test_scratch_code(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];
	unsigned failures = 9;

	(void)state;
	import_gauth(ALICE, 0, &t);
	assert_int_equal(recovery_left(store, ALICE, NULL), 3);
	conv_answers(&cv, ALICE_PW, "2345-6789");
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_FEW(2), NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));
	assert_true(log_has("user " ALICE ": imported scratch code used (2 "
	    "left)"));
	assert_no_secrets(&cv, NULL);
	assert_int_equal(recovery_left(store, ALICE, &failures), 2);
	assert_int_equal(failures, 0);

	conv_answers(&cv, ALICE_PW, "23456789");
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "used_recovery_code"));
	assert_no_secrets(&cv, NULL);
	assert_int_equal(recovery_left(store, ALICE, &failures), 2);
	assert_int_equal(failures, 1);

	conv_answers(&cv, ALICE_PW, "99999999");
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "bad_recovery_code"));
	assert_int_equal(recovery_left(store, ALICE, &failures), 2);
	assert_int_equal(failures, 2);

	/* The imported secret's own codes: TOTP as before. */
	totp_code(&t, t.step, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	assert_int_equal(recovery_left(store, ALICE, &failures), 2);
	assert_int_equal(failures, 0);
	conv_reset(&cv);
}

/*
 * 8 digits are never a scratch code for a user with an 8-digit TOTP
 * credential, nor where recovery codes are not allowed: TOTP's.
 */
static void
test_scratch_not_totp8(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	unsigned failures = 9;

	(void)state;
	import_gauth(ALICE, 1, &t);
	conv_answers(&cv, ALICE_PW, "12345678");
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "bad_code"));
	assert_int_equal(recovery_left(store, ALICE, &failures), 3);
	assert_int_equal(failures, 1);

	import_gauth(BOB, 0, &t);
	write_config("recovery = no\n");
	conv_answers(&cv, BOB_PW, "12345678");
	run_auth("mfa", BOB, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(BOB, "password,totp", "failure",
	    "bad_code_format"));
	assert_int_equal(recovery_left(store, BOB, &failures), 3);
	conv_reset(&cv);
}

/*
 * The hashes of one login of user with the password and a recovery
 * code that is nobody's, which fails (tests/hashcount.c).
 */
static unsigned
wrong_code_hashes(const char *user, const char *password)
{
	struct conv cv = { 0 };

	conv_answers(&cv, password, NOT_A_CODE);
	hash_count_reset();
	run_auth("mfa", user, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	conv_reset(&cv);
	return hash_count();
}

/*
 * No time to tell who has recovery codes: a wrong code costs the one
 * slow hash of a code check also for a user who has none, and for one
 * whose policy says recovery = no, so someone who has the password
 * cannot time the answer to learn that a set exists.
 */
static void
test_wrong_code_work(void **state)
{
	struct totp t;
	unsigned with, without, refused;

	(void)state;
	enrol(store, ALICE, &t);
	issue(ALICE, 10);
	enrol(store, BOB, &t);
	with = wrong_code_hashes(ALICE, ALICE_PW);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "bad_recovery_code"));
	without = wrong_code_hashes(BOB, BOB_PW);
	assert_audit("mfa", AUDIT(BOB, "password,recovery", "failure",
	    "bad_recovery_code"));
	write_config("[user " ALICE "]\nrecovery = no\n");
	refused = wrong_code_hashes(ALICE, ALICE_PW);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "recovery_disabled"));
	print_message("hashes: with codes %u, without %u, recovery = no %u\n",
	    with, without, refused);
	assert_int_equal(without, with);
	assert_int_equal(refused, with);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accepted_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lower_case, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_code, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_code_work, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disabled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lockout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_totp_still_totp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_few_left, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_only_recovery, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fido2_policy_prompt,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_recovery_policy_no_code,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_code, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scratch_not_totp8, setup,
		    teardown),
	};

	(void)argc;
	return pamtest_main(argv, tests, sizeof(tests) / sizeof(tests[0]),
	    NULL);
}
