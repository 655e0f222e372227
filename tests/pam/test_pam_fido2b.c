/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * More PAM-level FIDO2 tests (test_pam_fido2.c has the main ones, and
 * explains the setup): keys of the other algorithms (EdDSA, RS256)
 * registered and used for a login, and a key that answers the silent
 * probe and then vanishes during the touched assertion (vfido's
 * fault=vanish fault-at=2: the second GetAssertion since the fault was
 * set).  Every login asserts the PAM result, the exact dialogue, the
 * one audit line with its reason, and that no PIN or password is
 * logged.
 */
#include "config.h"

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

#include "mfa.h"
#include "pamfido2.h"

/* ---- tests --------------------------------------------------------- */

/*
 * An EdDSA-only key and an RS256-only key, registered under the
 * default fido2_algorithms, log in through the module; the counter
 * moves on.
 */
static void
test_other_algorithms(void **state)
{
	static const struct {
		const char *alg;
		const char *user;
		const char *password;
	} t[] = {
		{ "eddsa", ALICE, ALICE_PW },
		{ "rs256", CAROL, CAROL_PW },
	};
	struct conv cv = { 0 };
	char alg[16], *dev, want[256];
	unsigned failures = 9;
	uint64_t c0, c1;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		print_message("alg %s\n", t[i].alg);
		dev = mkkey(1, t[i].alg);
		if ((r = enrol_key_log(t[i].user, dev, NULL)) != MFA_OK)
			fail_msg("%s: mfa_user_fido2_add: %s", t[i].alg,
			    mfa_strerror(r));
		user_status(t[i].user, &failures, &c0, alg, sizeof(alg));
		assert_string_equal(alg, t[i].alg);
		answers3(&cv, t[i].password, PIN, NULL);
		run_auth("mfa", t[i].user, &cv, PAM_SUCCESS);
		assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
		(void)snprintf(want, sizeof(want), "user=%s service=mfa "
		    "rhost=- tty=- factors=password,fido2 result=success "
		    "reason=ok", t[i].user);
		assert_audit("mfa", want);
		assert_true(log_has("fido2 login with key 'yubi' (credential "
		    "1, id "));
		assert_clean(&cv);
		user_status(t[i].user, &failures, &c1, alg, sizeof(alg));
		assert_true(c1 > c0);
		assert_int_equal(failures, 0);
		free(dev);
	}
	conv_reset(&cv);
}

/*
 * fido2_algorithms = es256 and an EdDSA-only key: registration is
 * refused with the reason, so the user has no key and the login
 * denies as for any user without one.
 */
static void
test_algorithm_refused(void **state)
{
	struct conv cv = { 0 };
	char *dev, *log = NULL;

	(void)state;
	write_config(CONFIG "require = password AND fido2\n"
	    "fido2_algorithms = es256\n");
	dev = mkkey(1, "eddsa");
	assert_int_equal(enrol_key_log(ALICE, dev, &log), MFA_ERR_ATTEST);
	if (log == NULL || strstr(log, "user " ALICE ": security key " DESC
	    " rejected: offers none of fido2_algorithms") == NULL)
		fail_msg("no reason in: %s", log != NULL ? log : "(nothing)");
	conv_answers(&cv, ALICE_PW, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure",
	    "not_enrolled"));
	assert_clean(&cv);
	conv_reset(&cv);
	free(log);
	free(dev);
}

/*
 * The key answers the silent probe, then vanishes during the touched
 * assertion: denied with reason device_error, nothing stored, nothing
 * counted, no crash; with the key back the next login works.
 */
static void
test_vanish_touch(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char alg[16], *dev;

	(void)state;
	dev = mkkey(1, "es256");
	assert_int_equal(enrol_key_log(ALICE, dev, NULL), MFA_OK);
	user_status(ALICE, &failures, &c0, alg, sizeof(alg));
	ctl("set", dev, "fault=vanish", "fault-at=2", (const char *)NULL);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	/* The touch was asked for: the probe went through. */
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "device_error"));
	assert_true(log_has("fido2 login failed on " DESC ", key 'yubi' "
	    "(credential 1, id "));
	assert_false(log_has("probe:"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, alg, sizeof(alg));
	assert_int_equal(c1, c0);
	assert_int_equal(failures, 0);

	/* Plugged in again (the fault was for that assertion only). */
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "success", "ok"));
	user_status(ALICE, &failures, &c1, alg, sizeof(alg));
	assert_true(c1 > c0);
	conv_reset(&cv);
	free(dev);
}

/*
 * totp OR fido2: the key vanishing during the touch leaves the code,
 * which logs in (and a wrong one is refused); then the key again.
 */
static void
test_vanish_totp_or_fido2(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	unsigned failures = 9;
	uint64_t c0, c1;
	char alg[16], code[7], *dev;

	(void)state;
	dev = mkkey(1, "eddsa");
	assert_int_equal(enrol_key_log(ALICE, dev, NULL), MFA_OK);
	enrol(store, ALICE, &t);
	config("password AND (totp OR fido2)");
	user_status(ALICE, &failures, &c0, alg, sizeof(alg));
	assert_string_equal(alg, "eddsa");

	ctl("set", dev, "fault=vanish", "fault-at=2", (const char *)NULL);
	next_code(&t, code);
	answers3(&cv, ALICE_PW, PIN, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp,fido2", "success",
	    "ok"));
	assert_true(log_has("fido2 login failed on " DESC));
	assert_clean(&cv);

	/* Again, with a wrong code: denied for the code. */
	ctl("set", dev, "fault=vanish", "fault-at=2", (const char *)NULL);
	wrong_code(&t, code);
	answers3(&cv, ALICE_PW, PIN, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp,fido2", "failure",
	    "bad_code"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, alg, sizeof(alg));
	assert_int_equal(c1, c0);

	/* The key back: touched, no code asked. */
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "success", "ok"));
	user_status(ALICE, &failures, &c1, alg, sizeof(alg));
	assert_true(c1 > c0);
	conv_reset(&cv);
	free(dev);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_other_algorithms,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_algorithm_refused,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_vanish_touch,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_vanish_totp_or_fido2,
		    fido2_setup, fido2_teardown),
	};

	(void)argc;
	if (access(VFIDO_PRELOAD_SO, R_OK) != 0 ||
	    access(VFIDO_CTL, X_OK) != 0) {
		fprintf(stderr, "%s or %s: not built\n", VFIDO_PRELOAD_SO,
		    VFIDO_CTL);
		return 99;
	}
	return pamtest_main(argv, tests, sizeof(tests) / sizeof(tests[0]),
	    VFIDO_PRELOAD_SO);
}
