/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level tests of user names that are not the account's own: a user
 * database that, like SSSD or winbind, finds mfa-alice for "MFA-ALICE"
 * and for "mfa-alice@corp.example".  pam_mfa must then use the
 * account's name for everything (her store, her lockout, her [user]
 * section, the log line), never the name typed.
 *
 * The user database: nss_wrapper, preloaded with pam_wrapper, asks the
 * test-only NSS module tests/pam/nss_ci.c (case-insensitive names,
 * NSS_CI_DOMAIN) before its files; pam_names.sh sets the environment.
 * Otherwise as test_pam_mfa.c (ns-run.sh, two phases, syslog capture).
 */
#include "config.h"

#include <sys/stat.h>
#include <crypt.h>
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "../hashcount.h"
#include "mfa.h"
#include "pamtest.h"

#define Q_PASSWORD	"? " PROMPT_PASSWORD
#define Q_CODE		"? " PROMPT_CODE
#define AUDIT(user, factors, result, reason) \
	"user=" user " service=mfa rhost=- tty=- factors=" factors \
	" result=" result " reason=" reason
#define AUDIT_MATRIX(user, factors, result, reason) \
	"user=" user " service=mfa-matrix rhost=- tty=- factors=" factors \
	" result=" result " reason=" reason
#define ALICE_UP	"MFA-ALICE"
#define ALICE_FQ	"Mfa-Alice@CORP.example"	/* NSS_CI_DOMAIN */
/*
 * An account whose own name cannot be a store file (it would be the
 * state file of a user mfa-eve), found by a name that could.
 */
#define EVE		"mfa-eve.state"
#define EVE_UP		"MFA-EVE.STATE"
#define EVE_PW		"Eve-pw-605"

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
	store_remove();
	return 0;
}

/* Asserts that the store has no file for name (nor its state file). */
static void
assert_no_store_file(const char *name)
{
	struct stat st;
	char *p, *q;

	p = path_join(store, name);
	if (asprintf(&q, "%s.state", p) < 0)
		fail_msg("asprintf");
	if (lstat(p, &st) == 0 || lstat(q, &st) == 0)
		fail_msg("a store file for %s was made", name);
	free(p);
	free(q);
}

/* ---- tests -------------------------------------------------------- */

/* The user database is what the tests need (or they prove nothing). */
static void
test_nss_setup(void **state)
{
	struct passwd *pw;

	(void)state;
	assert_non_null(pw = getpwnam(ALICE_UP));
	assert_string_equal(pw->pw_name, ALICE);
	assert_non_null(pw = getpwnam(ALICE_FQ));
	assert_string_equal(pw->pw_name, ALICE);
	assert_null(getpwnam("mfa-alice@other.example"));
}

/*
 * "MFA-ALICE" and "Mfa-Alice@CORP.example" log in as mfa-alice: her
 * password, her TOTP code, her recovery code; the log names mfa-alice
 * and no store file is made for the other spellings.
 */
static void
test_variant_is_account(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], **codes;

	(void)state;
	enrol(store, ALICE, &t);
	codes = recovery_issue(store, ALICE, 5);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE_UP, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	assert_no_secrets(&cv, NULL);

	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE_FQ, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE,
	    "i Recovery code accepted; 4 left.", NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));
	assert_int_equal(recovery_left(store, ALICE, NULL), 4);
	assert_false(log_has(ALICE_UP) || log_has(ALICE_FQ));
	assert_no_store_file(ALICE_UP);
	assert_no_store_file(ALICE_FQ);
	mfa_recovery_codes_free(&codes, 5);
	conv_reset(&cv);
}

/*
 * One lockout whatever the spelling: failures under two other names
 * lock mfa-alice, and then her right code fails under her own.
 */
static void
test_variant_lockout(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char bad[7], code[7];

	(void)state;
	enrol(store, ALICE, &t);
	write_config("lockout_attempts = 2\nlockout_time = 900\n");
	wrong_code(&t, bad);
	conv_answers(&cv, ALICE_PW, bad);
	run_auth("mfa", ALICE_UP, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "bad_code"));
	conv_answers(&cv, ALICE_PW, bad);
	run_auth("mfa", ALICE_FQ, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "bad_code"));
	assert_true(log_has("user " ALICE ": locked out after 2 failures"));

	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure", "locked"));
	conv_reset(&cv);
}

/*
 * The [user mfa-alice] section applies to "MFA-ALICE": a stricter one
 * (recovery = no refuses her recovery code, which stays unused) and a
 * looser one (the code alone).
 */
static void
test_variant_user_section(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], **codes;

	(void)state;
	enrol(store, ALICE, &t);
	codes = recovery_issue(store, ALICE, 5);
	write_config("[user " ALICE "]\nrecovery = no\n");
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE_UP, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "recovery_disabled"));
	assert_int_equal(recovery_left(store, ALICE, NULL), 5);

	write_config("require = password AND totp\n[user " ALICE "]\n"
	    "require = totp\n");
	next_code(&t, code);
	conv_answers(&cv, code, NULL);
	run_auth("mfa", ALICE_FQ, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "totp", "success", "ok"));
	mfa_recovery_codes_free(&codes, 5);
	conv_reset(&cv);
}

/*
 * password = stacked after a module that accepts "MFA-ALICE" (as
 * pam_sss would; here pam_matrix): with unenrolled = allow the
 * spelling must not make alice unenrolled and let the password alone
 * in.  Her wrong code fails; her right one succeeds.
 */
static void
test_variant_stacked_unenrolled(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char bad[7], code[7];

	(void)state;
	if (getenv("MFA_PAM_MATRIX") == NULL)
		skip();
	enrol(store, ALICE, &t);
	write_config("password = stacked\nunenrolled = allow\n");
	wrong_code(&t, bad);
	conv_answers(&cv, ALICE_PW, bad);
	run_auth("mfa-matrix", ALICE_UP, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa-matrix", AUDIT_MATRIX(ALICE, "password,totp",
	    "failure", "bad_code"));

	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa-matrix", ALICE_UP, &cv, PAM_SUCCESS);
	assert_audit("mfa-matrix", AUDIT_MATRIX(ALICE, "password,totp",
	    "success", "ok"));
	conv_reset(&cv);
}

/*
 * An account whose own name fails the store's check fails closed as a
 * bad user name (the same prompts), and neither name is logged.
 */
static void
test_account_name_unacceptable(void **state)
{
	struct conv cv = { 0 };

	(void)state;
	assert_int_equal(mfa_username_check(EVE_UP), MFA_OK);
	assert_int_not_equal(mfa_username_check(EVE), MFA_OK);
	conv_answers(&cv, EVE_PW, "123456");
	run_auth("mfa", EVE_UP, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT("-", "password", "failure",
	    "bad_username"));
	assert_no_secrets(&cv, EVE_UP);
	assert_false(log_has(EVE));
	assert_no_store_file(EVE_UP);
	conv_reset(&cv);
}

/*
 * No time to tell them apart: the account refused for its own name
 * costs the one password hash (the dummy) an unknown user costs, and
 * so does a typed name refused before any look-up.
 */
static void
test_refused_name_hashes(void **state)
{
	static const char *const names[] = {
		EVE_UP, "MFA-NOSUCHUSER", "mfa eve",
	};
	struct conv cv = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		conv_answers(&cv, EVE_PW, "123456");
		hash_count_reset();
		run_auth("mfa", names[i], &cv, PAM_AUTH_ERR);
		if (hash_count() != 1)
			fail_msg("%s: %u password hashes, want 1", names[i],
			    hash_count());
		assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	}
	conv_reset(&cv);
}

/* Phase 1: eve, and the service with pam_matrix before pam_mfa. */
static void
add_extra(const char *module)
{
	const char *matrix, *dir, *salt, *hash;
	char line[4 * PATH_MAX], path[PATH_MAX];

	if ((salt = crypt_gensalt("$6$", 0, NULL, 0)) == NULL ||
	    (hash = crypt(EVE_PW, salt)) == NULL || hash[0] == '*') {
		fprintf(stderr, "crypt failed\n");
		exit(99);
	}
	append("/etc/passwd", EVE ":x:60005:60000::/nonexistent:"
	    "/usr/sbin/nologin\n");
	(void)snprintf(line, sizeof(line), EVE ":%s:19000:0:99999:7:::\n",
	    hash);
	append("/etc/shadow", line);

	if ((matrix = getenv("MFA_PAM_MATRIX")) == NULL)
		return;
	if ((dir = getenv("PAM_WRAPPER_SERVICE_DIR")) == NULL) {
		fprintf(stderr, "PAM_WRAPPER_SERVICE_DIR not set\n");
		exit(99);
	}
	/* The earlier module knows alice by the other spelling only. */
	(void)snprintf(path, sizeof(path), "%s/matrix.db", work);
	add_service(work, "matrix.db", ALICE_UP ":" ALICE_PW ":mfa-matrix\n");
	if ((size_t)snprintf(line, sizeof(line), "auth requisite %s "
	    "passdb=%s\nauth required %s config=%s\n", matrix, path, module,
	    conf_path) >= sizeof(line)) {
		fprintf(stderr, "service file too long\n");
		exit(99);
	}
	add_service(dir, "mfa-matrix", line);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nss_setup),
		cmocka_unit_test_setup_teardown(test_variant_is_account,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_variant_lockout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_variant_user_section,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_variant_stacked_unenrolled, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_account_name_unacceptable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_name_hashes,
		    setup, teardown),
	};
	const char *module, *nssw;

	(void)argc;
	if ((nssw = getenv("MFA_NSS_WRAPPER")) == NULL || *nssw != '/') {
		fprintf(stderr, "MFA_NSS_WRAPPER: run through pam_names.sh\n");
		return 99;
	}
	/* Phase 1, inside ns-run.sh (pamtest_main() checks the rest). */
	if (getenv("MFA_PAMTEST_PHASE") == NULL &&
	    (work = getenv("MFA_PAMTEST_DIR")) != NULL &&
	    on_tmpfs("/etc/passwd") && on_tmpfs("/etc/shadow") &&
	    (module = getenv("MFA_PAM_MODULE")) != NULL) {
		(void)snprintf(conf_path, sizeof(conf_path), "%s/mfa.conf",
		    work);
		add_extra(module);
	}
	return pamtest_main(argv, tests, sizeof(tests) / sizeof(tests[0]),
	    nssw);
}
