/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level FIDO2 tests: pam_mfa.so under the real Linux-PAM with
 * pam_wrapper, the real libfido2, and tests/vfido's software
 * authenticator reached through its LD_PRELOAD shim (phase 1 adds it to
 * pam_wrapper in LD_PRELOAD when it re-executes the program; see
 * test_pam_mfa.c for the two phases and ns-run.sh).  Keys are made and
 * changed with vfido-ctl, as another program would, and registered
 * with the public API, as mfactl does.  Every login asserts the PAM
 * result, the exact dialogue (prompts and informational messages), the
 * one audit line with its reason, and that no PIN or password is
 * logged.
 */
#include "config.h"

#include <limits.h>
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

#include "../lockprobe.h"
#include "mfa.h"
#include "pamfido2.h"

#define Q_HINT		"? Verification code (or insert your security " \
			"key and press Enter): "
#define Q_RECOVERY	"? " PROMPT_RECOVERY
#define I_LEFT9		"i Recovery code accepted; 9 left."

/*
 * Starts counting how often the keys are listed (the shim appends a
 * line to VFIDO_TRACE at each fido_dev_info_manifest()).
 */
static char *
trace_start(void)
{
	char *path;

	assert_non_null(path = path_join(store, "trace"));
	(void)unlink(path);
	assert_int_equal(setenv("VFIDO_TRACE", path, 1), 0);
	return path;
}

/* The listings so far; stops counting when stop is set. */
static int
trace_count(char *path, int stop)
{
	char line[64];
	FILE *f;
	int n = 0;

	if ((f = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			assert_string_equal(line, "manifest\n");
			n++;
		}
		assert_int_equal(fclose(f), 0);
	}
	if (stop) {
		assert_int_equal(unsetenv("VFIDO_TRACE"), 0);
		free(path);
	}
	return n;
}

/* ---- tests --------------------------------------------------------- */

/* Enrol, then log in: PIN required and right, touch, counter stored. */
static void
test_enrol_login(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev, *trace;

	(void)state;
	dev = alice_key();
	user_status(ALICE, &failures, &c0, NULL, 0);
	trace = trace_start();
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "success", "ok"));
	assert_true(log_has("fido2 login with key 'yubi' (credential 1, "
	    "id "));
	assert_clean(&cv);
	/* The keys are listed once per login, not again to open one. */
	assert_int_equal(trace_count(trace, 0), 1);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_true(c1 > c0);
	assert_int_equal(failures, 0);
	/* And again: the counter goes on; the keys are listed anew. */
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_int_equal(trace_count(trace, 1), 2);
	user_status(ALICE, &failures, &c0, NULL, 0);
	assert_true(c0 > c1);
	conv_reset(&cv);
	free(dev);
}

/* Another user's key: no touch asked, denied, counted. */
static void
test_unregistered_key(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 0;
	uint64_t c;
	char *mine, *theirs;

	(void)state;
	mine = mkkey(1, NULL);
	theirs = mkkey(1, NULL);
	enrol_key(ALICE, mine);
	enrol_key(BOB, theirs);
	plug(theirs);
	conv_answers(&cv, ALICE_PW, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "unregistered_key"));
	assert_true(log_has("no connected key holds one of the user's "
	    "credentials"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c, NULL, 0);
	assert_int_equal(failures, 1);
	conv_reset(&cv);
	free(mine);
	free(theirs);
}

/* No key connected: deny, or the code where the policy allows it. */
static void
test_no_device(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], *dev;

	(void)state;
	dev = alice_key();
	plug(NULL);
	conv_answers(&cv, ALICE_PW, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure",
	    "no_device"));

	/* totp OR fido2: the code stands in for the missing key. */
	enrol(store, ALICE, &t);
	config("password AND (totp OR fido2)");
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	assert_clean(&cv);
	conv_reset(&cv);
	free(dev);
}

/* No touch within fido2_timeout (1 s): denied, not counted. */
static void
test_touch_timeout(void **state)
{
	struct conv cv = { 0 };
	struct timespec t0, t1;
	unsigned failures = 9;
	uint64_t c;
	char *dev;
	double secs;

	(void)state;
	dev = alice_key();
	ctl("set", dev, "touch=never", (const char *)NULL);
	answers3(&cv, ALICE_PW, PIN, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs < 0.5 || secs > 10)
		fail_msg("no touch took %.2f s, want about 1", secs);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "timeout"));
	assert_true(log_has("no touch in time"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c, NULL, 0);
	assert_int_equal(failures, 0);
	conv_reset(&cv);
	free(dev);
}

static void
test_wrong_pin(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 0;
	uint64_t c;
	char *dev;

	(void)state;
	dev = alice_key();
	answers3(&cv, ALICE_PW, WRONG_PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "bad_pin"));
	assert_true(log_has("fido2 login failed on " DESC ", key 'yubi' "
	    "(credential 1, id "));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c, NULL, 0);
	assert_int_equal(failures, 1);
	conv_reset(&cv);
	free(dev);
}

/*
 * The conversation breaks at the PIN prompt (an error, no reply array,
 * no reply text): denied as a conversation error before any touch is
 * asked, nothing counted, the counter kept; the key logs in after.
 */
static void
test_conv_pin(void **state)
{
	static const int modes[] = { CONV_ERROR, CONV_NULL_ARRAY,
	    CONV_NULL_TEXT };
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev;
	size_t i;

	(void)state;
	dev = alice_key();
	user_status(ALICE, &failures, &c0, NULL, 0);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		print_message("conv mode %d at the PIN\n", modes[i]);
		answers3(&cv, ALICE_PW, PIN, NULL);
		cv.mode = modes[i];
		cv.fail_at = 1;
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		assert_dialogue(&cv, Q_PASSWORD, Q_PIN, NULL);
		assert_audit("mfa", AUDIT(ALICE, "password", "failure",
		    "conv_error"));
		assert_clean(&cv);
		user_status(ALICE, &failures, &c1, NULL, 0);
		assert_int_equal(failures, 0);
		assert_int_equal(c1, c0);
	}
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	conv_reset(&cv);
	free(dev);
}

/* fido2_uv = required, and the key's PIN has been removed since. */
static void
test_uv_no_pin(void **state)
{
	struct conv cv = { 0 };
	char *dev;

	(void)state;
	dev = alice_key();
	ctl("set", dev, "pin=", (const char *)NULL);
	conv_answers(&cv, ALICE_PW, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "uv_required"));
	assert_true(log_has("user verification required but the key has "
	    "no PIN set"));
	assert_clean(&cv);
	conv_reset(&cv);
	free(dev);
}

/* A counter that goes backwards is a cloned key: denied, logged. */
static void
test_counter_backwards(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 0;
	uint64_t c0, c1;
	char *dev;

	(void)state;
	dev = alice_key();
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	user_status(ALICE, &failures, &c0, NULL, 0);
	ctl("set", dev, "counter=0", (const char *)NULL);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "cloned_key"));
	assert_true(log_has("possibly a cloned key"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(c1, c0);
	assert_int_equal(failures, 1);
	conv_reset(&cv);
	free(dev);
}

/*
 * Bad replies: a signature that does not verify, another RP ID, no UP
 * flag, no UV flag after the PIN, a credential id nobody asked for,
 * malformed frames and CBOR, a key that vanishes mid-way.  Each denies
 * with its reason, keeps the stored counter, and never crashes.
 */
static void
test_faults(void **state)
{
	static const struct {
		const char *fault;
		const char *reason;
		const char *log;
	} t[] = {
		{ "badsig", "bad_signature", "assertion does not verify" },
		{ "wrongrp", "bad_signature", "reply is for another RP ID" },
		{ "noup", "bad_signature", "user presence flag not set" },
		{ "nouv", "uv_required", "user verification flag not set" },
		{ "wrongcred", "device_error",
		    "probe: reply names no credential asked for" },
		{ "truncate", "device_error", "fido2 login failed" },
		{ "badcbor", "device_error", "fido2 login failed" },
		{ "wrongtype", "device_error", "fido2 login failed" },
		{ "oversize", "device_error", "fido2 login failed" },
		{ "vanish", "device_error", "fido2 login failed" },
	};
	struct conv cv = { 0 };
	char *dev, fault[64], want[256];
	unsigned failures = 0;
	uint64_t c0, c1;
	size_t i;

	(void)state;
	dev = alice_key();
	user_status(ALICE, &failures, &c0, NULL, 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		print_message("fault %s\n", t[i].fault);
		(void)snprintf(fault, sizeof(fault), "fault=%s", t[i].fault);
		ctl("set", dev, fault, (const char *)NULL);
		answers3(&cv, ALICE_PW, PIN, NULL);
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		assert_string_equal(cv.prompts[0], PROMPT_PASSWORD);
		(void)snprintf(want, sizeof(want), "user=" ALICE " service=mfa "
		    "rhost=- tty=- factors=password,fido2 result=failure "
		    "reason=%s", t[i].reason);
		assert_audit("mfa", want);
		if (!log_has(t[i].log))
			fail_msg("fault %s: no \"%s\" in:\n%s", t[i].fault,
			    t[i].log, logbuf);
		assert_clean(&cv);
		user_status(ALICE, &failures, &c1, NULL, 0);
		assert_int_equal(c1, c0);
	}
	/* The key, healthy again, still logs in. */
	ctl("set", dev, "fault=none", (const char *)NULL);
	write_config(CONFIG "require = password AND fido2\n"
	    "lockout_attempts = 0\n");
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	conv_reset(&cv);
	free(dev);
}

/*
 * totp OR fido2: the key when it is connected, the code when it is not
 * or when the touch does not come; either way nothing else is asked.
 */
static void
test_totp_or_fido2(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], *dev;

	(void)state;
	dev = alice_key();
	enrol(store, ALICE, &t);
	config("password AND (totp OR fido2)");

	/* Key connected: touch it, no code asked. */
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "success", "ok"));
	assert_clean(&cv);

	/* Key connected, not touched: the code still logs in. */
	ctl("set", dev, "touch=deny", (const char *)NULL);
	next_code(&t, code);
	answers3(&cv, ALICE_PW, PIN, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp,fido2", "success",
	    "ok"));
	assert_clean(&cv);

	/* A wrong PIN, then a wrong code: denied for the code. */
	ctl("set", dev, "touch=auto", (const char *)NULL);
	wrong_code(&t, code);
	answers3(&cv, ALICE_PW, WRONG_PIN, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp,fido2", "failure",
	    "bad_code"));
	assert_clean(&cv);

	/* A cloned key is not made good by a right code. */
	ctl("set", dev, "counter=0", (const char *)NULL);
	t.step++;
	next_code(&t, code);
	answers3(&cv, ALICE_PW, PIN, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "cloned_key"));
	conv_reset(&cv);
	free(dev);
}

/* Puts the key in when the code prompt offers it. */
static int
hint_conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	const char *dev = getenv("MFA_TEST_LATE_KEY");
	int i;

	for (i = 0; i < n; i++)
		if (strstr(msg[i]->msg, "press Enter") != NULL && dev != NULL)
			plug(dev);
	return conv_fn(n, msg, resp, arg);
}

/*
 * keyhint: with no key connected, the code prompt offers the key, and
 * an empty answer with the key now connected uses it.
 */
static void
test_keyhint(void **state)
{
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	};
	struct conv cv = { 0 };
	struct totp t;
	char *dev;

	(void)state;
	dev = alice_key();
	enrol(store, ALICE, &t);
	config("password AND (totp OR fido2)");
	plug(NULL);
	assert_int_equal(setenv("MFA_TEST_LATE_KEY", dev, 1), 0);
	answers3(&cv, ALICE_PW, "", PIN);
	log_reset();
	assert_int_equal(_pamtest_conv("mfa-keyhint", ALICE, hint_conv, &cv,
	    tc, 1, NULL), PAMTEST_ERR_OK);
	log_drain();
	assert_int_equal(tc[0].op_rv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_HINT, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa-keyhint", "user=" ALICE " service=mfa-keyhint "
	    "rhost=- tty=- factors=password,fido2 result=success reason=ok");
	assert_clean(&cv);
	(void)unsetenv("MFA_TEST_LATE_KEY");

	/* Without keyhint the prompt is the plain one; Enter still works. */
	plug(NULL);
	assert_int_equal(setenv("MFA_TEST_LATE_KEY", dev, 1), 0);
	answers3(&cv, ALICE_PW, "", PIN);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure",
	    "no_device"));
	(void)unsetenv("MFA_TEST_LATE_KEY");
	conv_reset(&cv);
	free(dev);
}

/*
 * keyhint where only the global policy lets the key stand in for the
 * code, so that everyone gets the hinting prompt (test_pam_mfa
 * test_section_dialogue): Enter tries the key of an admin, whose
 * section wants one, and logs her in; where her section has no key
 * (password AND totp), Enter is an empty code and no key is asked for.
 */
static void
test_keyhint_section(void **state)
{
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	};
	struct conv cv = { 0 };
	struct totp t;
	char *dev;

	(void)state;
	dev = alice_key();
	enrol(store, ALICE, &t);
	append("/etc/group", "mfa-admins:x:60020:" ALICE "\n");
	write_config(CONFIG "[group mfa-admins]\n"
	    "require = password AND fido2\n");
	plug(NULL);
	assert_int_equal(setenv("MFA_TEST_LATE_KEY", dev, 1), 0);
	answers3(&cv, ALICE_PW, "", PIN);
	log_reset();
	assert_int_equal(_pamtest_conv("mfa-keyhint", ALICE, hint_conv, &cv,
	    tc, 1, NULL), PAMTEST_ERR_OK);
	log_drain();
	assert_int_equal(tc[0].op_rv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_HINT, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa-keyhint", "user=" ALICE " service=mfa-keyhint "
	    "rhost=- tty=- factors=password,fido2 result=success reason=ok");
	assert_clean(&cv);

	write_config(CONFIG "[group mfa-admins]\n"
	    "require = password AND totp\n");
	plug(NULL);
	tc[0].expected_rv = PAM_AUTH_ERR;
	answers3(&cv, ALICE_PW, "", NULL);
	log_reset();
	assert_int_equal(_pamtest_conv("mfa-keyhint", ALICE, hint_conv, &cv,
	    tc, 1, NULL), PAMTEST_ERR_OK);
	log_drain();
	assert_int_equal(tc[0].op_rv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_HINT, NULL);
	assert_audit("mfa-keyhint", "user=" ALICE " service=mfa-keyhint "
	    "rhost=- tty=- factors=password,totp result=failure "
	    "reason=bad_code_format");
	(void)unsetenv("MFA_TEST_LATE_KEY");
	conv_reset(&cv);
	free(dev);
}

/*
 * No user enumeration: with a key connected that is not theirs, a user
 * with a registered key, a user without one and an unknown user see
 * the same dialogue.
 */
static void
test_no_enumeration(void **state)
{
	static const char *users[] = { ALICE, CAROL, "mfa-nobody" };
	struct conv cv = { 0 };
	char *mine, *other;
	size_t i;

	(void)state;
	mine = mkkey(1, NULL);
	other = mkkey(1, NULL);
	enrol_key(ALICE, mine);
	config("password AND (totp OR fido2)");
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		plug(other);
		conv_answers(&cv, "Some-pw-1", "123456");
		run_auth("mfa", users[i], &cv, PAM_AUTH_ERR);
		assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
		plug(NULL);
		conv_answers(&cv, "Some-pw-1", "123456");
		run_auth("mfa", users[i], &cv, PAM_AUTH_ERR);
		assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
		assert_no_secrets(&cv, "mfa-nobody");
	}
	conv_reset(&cv);
	free(mine);
	free(other);
}

/*
 * A user with a key and recovery codes who has lost the key: a
 * recovery code stands in for it, at the code prompt of "password AND
 * (totp OR fido2)" and at the recovery code prompt of "password AND
 * fido2", which a user without codes or a key sees alike.
 */
static void
test_recovery_no_key(void **state)
{
	struct conv cv = { 0 };
	char **codes, *dev;

	(void)state;
	dev = alice_key();
	codes = recovery_issue(store, ALICE, 10);
	plug(NULL);
	write_config(CONFIG_KEYS "require = password AND (totp OR fido2)\n");
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_LEFT9, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "success",
	    "ok"));
	assert_clean(&cv);

	write_config(CONFIG_KEYS "require = password AND fido2\n");
	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "used_recovery_code"));
	conv_answers(&cv, ALICE_PW, codes[1]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY,
	    "i Recovery code accepted; 8 left.", NULL);
	assert_clean(&cv);
	conv_answers(&cv, CAROL_PW, codes[2]);
	run_auth("mfa", CAROL, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_RECOVERY, NULL);

	/* With the key connected the key is used and no code is asked. */
	plug(dev);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	conv_reset(&cv);
	mfa_recovery_codes_free(&codes, 10);
	free(dev);
}

/*
 * A wrong password does not show in the prompts: the PIN and the touch
 * are asked for as usual, but the key is not used and nothing counts.
 */
static void
test_wrong_password(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	char *dev, *other;
	int i;

	(void)state;
	dev = alice_key();
	user_status(ALICE, &failures, &c0, NULL, 0);
	answers3(&cv, "not-" ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure",
	    "bad_password"));
	assert_clean(&cv);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 0);
	assert_int_equal(c1, c0);

	/*
	 * Nor with someone else's key (found not to hold a credential of
	 * hers), nor with a PIN no key accepts: a name and any key are no
	 * way to lock her out.
	 */
	other = mkkey(1, NULL);
	enrol_key(BOB, other);
	for (i = 0; i < 6; i++) {
		conv_answers(&cv, "not-" ALICE_PW, NULL);
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		assert_dialogue(&cv, Q_PASSWORD, NULL);
	}
	plug(dev);
	for (i = 0; i < 6; i++) {
		answers3(&cv, "not-" ALICE_PW, "12", NULL);
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		assert_dialogue(&cv, Q_PASSWORD, Q_PIN, NULL);
	}
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_int_equal(failures, 0);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	conv_reset(&cv);
	free(dev);
	free(other);
}

/* Whether another process could take ALICE's lock now. */
static int
alice_lock_free(void)
{
	char path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/%s.state", store, ALICE);
	return lock_free(path);
}

static int lock_free_at_pin = -1;

/* Looks at ALICE's lock while her PIN is asked for. */
static int
pin_lock_conv(int n, const struct pam_message **msg,
    struct pam_response **resp, void *arg)
{
	int i;

	for (i = 0; i < n; i++)
		if (strncmp(msg[i]->msg, "PIN for ", 8) == 0)
			lock_free_at_pin = alice_lock_free();
	return conv_fn(n, msg, resp, arg);
}

/*
 * The PIN prompt waits on a person (su has no time limit): her lock is
 * not held meanwhile, so her other logins do not wait on it.
 */
static void
test_pin_unlocked(void **state)
{
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	};
	struct conv cv = { 0 };
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	char *dev;
	int i;

	(void)state;
	dev = alice_key();
	/* The check itself sees a held lock. */
	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_load_config(ctx, conf_path), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, ALICE, MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_false(alice_lock_free());
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	assert_true(alice_lock_free());
	/* A login, then a rehearsal after a wrong password. */
	for (i = 0; i < 2; i++) {
		tc[0].expected_rv = i == 0 ? PAM_SUCCESS : PAM_AUTH_ERR;
		answers3(&cv, i == 0 ? ALICE_PW : "not-" ALICE_PW, PIN, NULL);
		lock_free_at_pin = -1;
		assert_int_equal(_pamtest_conv("mfa", ALICE, pin_lock_conv,
		    &cv, tc, 1, NULL), PAMTEST_ERR_OK);
		log_drain();
		assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
		assert_int_equal(lock_free_at_pin, 1);
	}
	conv_reset(&cv);
	free(dev);
}

/* Locked out after wrong PINs: the right PIN is not even asked for. */
static void
test_lockout(void **state)
{
	struct conv cv = { 0 };
	char *dev;
	int i;

	(void)state;
	dev = alice_key();
	write_config(CONFIG "require = password AND fido2\n"
	    "lockout_attempts = 2\n");
	for (i = 0; i < 2; i++) {
		answers3(&cv, ALICE_PW, WRONG_PIN, NULL);
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
		    "bad_pin"));
	}
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure", "locked"));
	assert_clean(&cv);
	conv_reset(&cv);
	free(dev);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enrol_login,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_unregistered_key,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_no_device,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_touch_timeout,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_pin,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_conv_pin,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_uv_no_pin,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_counter_backwards,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_faults,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_totp_or_fido2,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_keyhint,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_keyhint_section,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_no_enumeration,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_recovery_no_key,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_pin_unlocked,
		    fido2_setup, fido2_teardown),
		cmocka_unit_test_setup_teardown(test_lockout,
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
