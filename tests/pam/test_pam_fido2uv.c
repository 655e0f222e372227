/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level tests of security keys with built-in user verification (a
 * fingerprint, as a YubiKey Bio: vfido-ctl --uv on, with or without a
 * PIN as well); test_pam_fido2.c explains the setup.  Under
 * fido2_uv = required the key verifies the user itself, with no PIN
 * prompt; a finger it does not recognise denies and counts as a wrong
 * PIN does; a blocked finger gives way to the PIN when the key has
 * one and denies, uncounted, when it has none; a reply without the UV
 * flag is refused all the same.  Every login asserts the PAM result,
 * the exact dialogue, the one audit line with its reason, and that no
 * PIN or password is logged.
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

/* The key's uvRetries, as its state file has them. */
static unsigned
uv_retries(const char *dev)
{
	char line[128];
	unsigned n = 99;
	FILE *f;

	assert_non_null(f = fopen(dev, "re"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "uv-retries ", 11) == 0)
			n = (unsigned)strtoul(line + 11, NULL, 10);
	assert_int_equal(fclose(f), 0);
	assert_int_not_equal(n, 99);
	return n;
}

/*
 * A key with a finger (and the PIN when with_pin) registered for user
 * and left connected.
 */
static char *
uv_key(const char *user, int with_pin)
{
	char *dev = mkkey_uv(with_pin);
	int pins = -1, r;

	if ((r = enrol_key_pins(user, dev, NULL, &pins)) != MFA_OK)
		fail_msg("mfa_user_fido2_add: %s", mfa_strerror(r));
	/* Registered with the finger: no PIN asked. */
	assert_int_equal(pins, 0);
	return dev;
}

/* ---- tests --------------------------------------------------------- */

/*
 * fido2_uv = required (and preferred): a key with a finger logs in
 * with the finger, no PIN prompt, whether it has a PIN as well or
 * not; the counter moves on.  Under discouraged no verification is
 * asked (the key allows that), and it logs in too.
 */
static void
test_uv_login(void **state)
{
	static const struct {
		const char *user;
		const char *password;
		int with_pin;
	} t[] = {
		{ ALICE, ALICE_PW, 1 },
		{ CAROL, CAROL_PW, 0 },
	};
	static const char *const uv[] = { "required", "preferred",
	    "discouraged" };
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev, text[256];
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		dev = uv_key(t[k].user, t[k].with_pin);
		for (i = 0; i < sizeof(uv) / sizeof(uv[0]); i++) {
			print_message("%s, PIN %d, fido2_uv = %s\n", t[k].user,
			    t[k].with_pin, uv[i]);
			(void)snprintf(text, sizeof(text), CONFIG "require = "
			    "password AND fido2\nfido2_uv = %s\n", uv[i]);
			write_config(text);
			user_status(t[k].user, &failures, &c0, NULL, 0);
			answers3(&cv, t[k].password, PIN, NULL);
			run_auth("mfa", t[k].user, &cv, PAM_SUCCESS);
			assert_dialogue(&cv, Q_PASSWORD, I_TOUCH, NULL);
			(void)snprintf(text, sizeof(text), "user=%s "
			    "service=mfa rhost=- tty=- factors=password,fido2 "
			    "result=success reason=ok", t[k].user);
			assert_audit("mfa", text);
			assert_true(log_has("fido2 login with key 'yubi' "
			    "(credential 1, id "));
			assert_clean(&cv);
			user_status(t[k].user, &failures, &c1, NULL, 0);
			assert_true(c1 > c0);
			assert_int_equal(failures, 0);
		}
		write_config(CONFIG "require = password AND fido2\n");
		free(dev);
	}
	conv_reset(&cv);
}

/*
 * A finger the key does not recognise: denied (uv_required), counted
 * as a wrong PIN is, one of the key's tries spent; two of them lock
 * the user out, and then even the right finger is not asked for.
 */
static void
test_uv_wrong_finger(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev;

	(void)state;
	dev = uv_key(ALICE, 1);
	write_config(CONFIG "require = password AND fido2\n"
	    "lockout_attempts = 2\n");
	user_status(ALICE, &failures, &c0, NULL, 0);
	ctl("set", dev, "finger=nomatch", (const char *)NULL);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "uv_required"));
	assert_true(log_has("fido2 login failed on " DESC ", key 'yubi' "
	    "(credential 1, id "));
	assert_true(log_has("FIDO_ERR_UV_INVALID (built-in verification "
	    "failed: finger not recognised)"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 1);
	assert_int_equal(c1, c0);
	assert_int_equal(uv_retries(dev), 4);

	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "uv_required"));
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 2);
	assert_int_equal(uv_retries(dev), 3);

	ctl("set", dev, "finger=match", (const char *)NULL);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure", "locked"));
	assert_clean(&cv);
	assert_int_equal(uv_retries(dev), 3);
	conv_reset(&cv);
	free(dev);
}

/*
 * The finger blocked (no tries left) on a key with a PIN: the PIN is
 * asked for instead, before the touch, and a wrong password shows the
 * same prompts; a wrong PIN counts; the right one logs in and unblocks
 * the finger, which the next login uses again.
 */
static void
test_uv_blocked_pin(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev;

	(void)state;
	dev = uv_key(ALICE, 1);
	user_status(ALICE, &failures, &c0, NULL, 0);
	ctl("set", dev, "uv-retries=0", (const char *)NULL);

	answers3(&cv, "not-" ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure",
	    "bad_password"));
	assert_clean(&cv);

	answers3(&cv, ALICE_PW, WRONG_PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "bad_pin"));
	assert_true(log_has("fido2: " DESC ": built-in user verification "
	    "blocked (no tries left): asking for the PIN instead"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 1);
	assert_int_equal(uv_retries(dev), 0);

	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "success", "ok"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 0);
	assert_true(c1 > c0);
	assert_int_equal(uv_retries(dev), 5);

	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, I_TOUCH, NULL);
	conv_reset(&cv);
	free(dev);
}

/*
 * The finger blocked on a key without a PIN: nothing can verify the
 * user, so the login is denied before any prompt, with a log line
 * saying why, and not counted (it is no guess).
 */
static void
test_uv_blocked_no_pin(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev;

	(void)state;
	dev = uv_key(ALICE, 0);
	user_status(ALICE, &failures, &c0, NULL, 0);
	ctl("set", dev, "uv-retries=0", (const char *)NULL);
	conv_answers(&cv, ALICE_PW, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "uv_required"));
	assert_true(log_has("fido2: " DESC ": user verification required "
	    "but the key's built-in verification is blocked (no tries "
	    "left) and it has no PIN set"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 0);
	assert_int_equal(c1, c0);
	conv_reset(&cv);
	free(dev);
}

static const char *blocking_dev;

/* Blocks the finger of blocking_dev when the touch is asked for. */
static int
block_at_touch_conv(int n, const struct pam_message **msg,
    struct pam_response **resp, void *arg)
{
	int i;

	for (i = 0; i < n; i++)
		if (strncmp(msg[i]->msg, "Touch your security key", 23) == 0)
			ctl("set", blocking_dev, "uv-retries=0",
			    (const char *)NULL);
	return conv_fn(n, msg, resp, arg);
}

/*
 * Keys that turn the finger down when the assertion asks for it, which
 * is no guess: the finger blocked after the login looked (here at the
 * touch message; a key may also say so for the try that used up its
 * last one, or say nothing beforehand), and a key that wants its PIN
 * instead (vfido fault uvpin).  Denied (uv_required), not counted; the
 * log says why.
 */
static void
test_uv_refused(void **state)
{
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_AUTH_ERR),
	};
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev;

	(void)state;
	dev = uv_key(ALICE, 1);
	user_status(ALICE, &failures, &c0, NULL, 0);
	blocking_dev = dev;
	answers3(&cv, ALICE_PW, PIN, NULL);
	log_reset();
	assert_int_equal(_pamtest_conv("mfa", ALICE, block_at_touch_conv,
	    &cv, tc, 1, NULL), PAMTEST_ERR_OK);
	log_drain();
	assert_int_equal(tc[0].op_rv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "uv_required"));
	assert_true(log_has("FIDO_ERR_UV_BLOCKED (built-in verification "
	    "blocked: no finger checked"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 0);
	assert_int_equal(c1, c0);

	ctl("set", dev, "uv-retries=5", "fault=uvpin", (const char *)NULL);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "uv_required"));
	assert_true(log_has("FIDO_ERR_PIN_REQUIRED (the key wants its PIN, "
	    "not its built-in verification)"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 0);
	assert_int_equal(c1, c0);
	conv_reset(&cv);
	free(dev);
}

/*
 * A reply without the UV flag after the finger was asked for (vfido
 * fault nouv) is refused as uv_required, whatever else is right in it;
 * the counter is kept.
 */
static void
test_uv_flag(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev;

	(void)state;
	dev = uv_key(ALICE, 1);
	user_status(ALICE, &failures, &c0, NULL, 0);
	ctl("set", dev, "fault=nouv", (const char *)NULL);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "uv_required"));
	assert_true(log_has("user verification flag not set"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(c1, c0);
	assert_int_equal(failures, 1);
	conv_reset(&cv);
	free(dev);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_uv_login,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_uv_wrong_finger,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_uv_blocked_pin,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_uv_blocked_no_pin,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_uv_refused,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_uv_flag,
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
