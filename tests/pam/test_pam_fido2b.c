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

#include <sys/stat.h>
#include <sys/wait.h>
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
#include "pamtest.h"

#define PIN		"4711"
#define DESC		"vfido virtual authenticator"
#define Q_PASSWORD	"? " PROMPT_PASSWORD
#define Q_PIN		"? PIN for " DESC ": "
#define I_TOUCH		"i Touch your security key (" DESC ")."
#define Q_CODE		"? " PROMPT_CODE
#define CONFIG		"fido2_rp_id = pam://mfa-test\nfido2_timeout = 1\n" \
			"recovery = no\n"
#define AUDIT(user, factors, result, reason) \
	"user=" user " service=mfa rhost=- tty=- factors=" factors \
	" result=" result " reason=" reason

static int ndev;

/* Runs vfido-ctl with the NULL-terminated arguments; must succeed. */
static void
ctl(const char *arg, ...)
{
	const char *argv[16];
	va_list ap;
	pid_t pid;
	int n = 0, status;

	argv[n++] = VFIDO_CTL;
	va_start(ap, arg);
	for (; arg != NULL && n < 15; arg = va_arg(ap, const char *))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		/* The shims are for the module, not for vfido-ctl. */
		(void)unsetenv("LD_PRELOAD");
		execv(VFIDO_CTL, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("vfido-ctl %s failed", argv[1]);
}

/* A new key with PIN PIN of the algorithms alg ("es256", "eddsa"...). */
static char *
mkdev(const char *alg)
{
	char *path;

	assert_true(asprintf(&path, "%s/key%d", store, ndev++) > 0);
	ctl("init", path, "--pin", PIN, "--alg", alg, (const char *)NULL);
	return path;
}

/* Connects this key (NULL: none). */
static void
plug(const char *dev)
{
	assert_int_equal(setenv("VFIDO_STATE", dev != NULL ? dev : "", 1),
	    0);
}

static int
ui_cb(void *arg, int what, const char *desc, char **answer)
{
	(void)arg;
	(void)desc;
	if (what == MFA_UI_PIN)
		return (*answer = strdup(PIN)) == NULL ? MFA_ERR_NOMEM : 0;
	return 0;
}

/* The library's log lines of an enrolment, as mfactl prints them. */
static void
log_cb(void *arg, int priority, const char *msg)
{
	char **buf = arg;
	char *n;

	(void)priority;
	if (asprintf(&n, "%s%s\n", *buf != NULL ? *buf : "", msg) < 0)
		return;
	free(*buf);
	*buf = n;
}

/*
 * Registers dev for user with the public API, as mfactl does; the
 * library's log lines go to *log (malloc'd) when log is not NULL.
 */
static int
enrol_key(const char *user, const char *dev, char **log)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	unsigned id = 0;
	int r;

	plug(dev);
	assert_non_null(ctx = mfa_ctx_new());
	if (log != NULL)
		mfa_ctx_set_log(ctx, log_cb, log);
	assert_int_equal(mfa_ctx_load_config(ctx, conf_path), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, user, MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &u), MFA_OK);
	r = mfa_user_fido2_add(u, NULL, "yubi", ui_cb, NULL, &id);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return r;
}

/* The user's failure count, the key's counter and its algorithm. */
static void
user_status(const char *user, unsigned *failures, uint64_t *counter,
    char *alg, size_t alglen)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	const mfa_cred_t *c;
	size_t i;

	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_load_config(ctx, conf_path), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, user, MFA_OPEN_READ, &u),
	    MFA_OK);
	(void)mfa_user_lock_status(u, NULL, failures);
	*counter = 0;
	if (alglen > 0)
		alg[0] = '\0';
	for (i = 0; i < mfa_user_cred_count(u); i++) {
		c = mfa_user_cred(u, i);
		if (mfa_cred_type(c) != MFA_CRED_FIDO2)
			continue;
		*counter = mfa_cred_fido2_counter(c);
		if (alglen > 0)
			(void)snprintf(alg, alglen, "%s",
			    mfa_cred_fido2_algorithm(c));
	}
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
}

static void
config(const char *require)
{
	char text[512];

	(void)snprintf(text, sizeof(text), "%srequire = %s\n", CONFIG,
	    require);
	write_config(text);
}

static void
answers3(struct conv *cv, const char *a0, const char *a1, const char *a2)
{
	conv_answers(cv, a0, a1);
	cv->answers[2] = a2;
}

static void
assert_clean(const struct conv *cv)
{
	assert_no_secrets(cv, NULL);
	assert_false(log_has(PIN));
}

static int
setup(void **state)
{
	(void)state;
	if (asprintf(&store, "%s/tmp/store-XXXXXX", work) < 0)
		return -1;
	if (mkdtemp(store) == NULL || chmod(store, 0700) != 0)
		return -1;
	config("password AND fido2");
	plug(NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rmtree(store);
	free(store);
	store = NULL;
	return 0;
}

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
		dev = mkdev(t[i].alg);
		if ((r = enrol_key(t[i].user, dev, NULL)) != MFA_OK)
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
	dev = mkdev("eddsa");
	assert_int_equal(enrol_key(ALICE, dev, &log), MFA_ERR_ATTEST);
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
	dev = mkdev("es256");
	assert_int_equal(enrol_key(ALICE, dev, NULL), MFA_OK);
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
	dev = mkdev("eddsa");
	assert_int_equal(enrol_key(ALICE, dev, NULL), MFA_OK);
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
		cmocka_unit_test_setup_teardown(test_other_algorithms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_algorithm_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_vanish_touch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_vanish_totp_or_fido2,
		    setup, teardown),
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
