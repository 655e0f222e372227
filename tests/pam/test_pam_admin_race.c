/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level tests of an administrator changing a user's store while a
 * login of that user waits on a prompt: pam_mfa.so under the real
 * Linux-PAM with pam_wrapper, driven through libpamtest (see
 * test_pam_mfa.c for the two phases and ns-run.sh).  The change is made
 * from inside the conversation, when the prompt is shown, with the
 * public API exactly as mfactl makes it (remove, unlock, recovery,
 * totp add and confirm, rename), or by deleting the files and enrolling
 * again: no sleeps, no timing.  The module holds no lock while it
 * waits on a person (checked first, so that a change of that would
 * fail here instead of hanging); what it must get right is what it
 * reads and writes after the wait.  The code prompt is followed by a
 * fresh open of the store; the PIN prompt by libmfa reading the store
 * anew under the lock (store_relock).  Section 7 changes the state
 * file between a login's open of it and its lock, through the
 * test-only shim tests/pam/stateswap.c (preloaded with vfido's).  Each
 * test asserts the PAM result, the audit line and the store afterwards.
 */
#include "config.h"

#include <dlfcn.h>
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

#define I_LEFT(n)	"i Recovery code accepted; " #n " left."
#define CONFIG_TOTP	CONFIG "require = password AND totp\n" \
			"lockout_attempts = 3\n"
#define CONFIG_FIDO2	CONFIG "require = password AND fido2\n" \
			"lockout_attempts = 3\n"

/*
 * What the administrator does when the prompt that starts with prefix
 * is shown, once per login.
 */
static struct {
	const char	*prefix;
	void		(*fn)(void);
	int		 ran;
	int		 lock_free;
} hook;

/* State the hooks share with the tests. */
static struct totp t1, t2;
static char **old_codes, **new_codes;
static char *key;

static int
alice_lock_free(void)
{
	char path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/%s.state", store, ALICE);
	return lock_free(path);
}

/*
 * Runs the hook at its prompt, unless ALICE's lock is held: the hook
 * would then wait for the login that waits for it.
 */
static int
race_conv(int n, const struct pam_message **msg,
    struct pam_response **resp, void *arg)
{
	int i;

	for (i = 0; i < n; i++) {
		if (hook.fn == NULL || hook.ran ||
		    strncmp(msg[i]->msg, hook.prefix,
		    strlen(hook.prefix)) != 0)
			continue;
		hook.ran = 1;
		if ((hook.lock_free = alice_lock_free()) == 1)
			hook.fn();
	}
	return conv_fn(n, msg, resp, arg);
}

/* pam_authenticate() with fn run at the prompt starting with prefix. */
static void
run_race(const char *prefix, void (*fn)(void), struct conv *cv,
    int expected)
{
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, expected),
	};
	enum pamtest_err perr;

	memset(&hook, 0, sizeof(hook));
	hook.prefix = prefix;
	hook.fn = fn;
	hook.lock_free = -1;
	log_reset();
	perr = _pamtest_conv("mfa", ALICE, race_conv, cv, tc, 1, NULL);
	log_drain();
	if (getenv("MFA_PAMTEST_VERBOSE") != NULL)
		print_message("%s", logbuf);
	assert_true(hook.ran);
	assert_int_equal(hook.lock_free, 1);
	if (tc[0].op_rv != expected)
		fail_msg("pam_authenticate: %d (%s), want %d; log:\n%s",
		    tc[0].op_rv, pam_strerror(NULL, tc[0].op_rv), expected,
		    logbuf);
	assert_int_equal(perr, PAMTEST_ERR_OK);
	assert_clean(cv);
}

/* ---- the administrator, through the public API as mfactl ---------- */

static mfa_ctx_t *actx;

static mfa_user_t *
admin_open(void)
{
	mfa_user_t *u = NULL;

	assert_non_null(actx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_load_config(actx, conf_path), MFA_OK);
	assert_int_equal(mfa_user_open(actx, ALICE, MFA_OPEN_WRITE, &u),
	    MFA_OK);
	return u;
}

static void
admin_close(mfa_user_t **u)
{
	mfa_user_free(u);
	mfa_ctx_free(&actx);
}

/* mfactl remove ALICE 1 */
static void
remove_1(void)
{
	mfa_user_t *u = admin_open();

	assert_int_equal(mfa_user_remove(u, 1), MFA_OK);
	admin_close(&u);
}

/* mfactl unlock ALICE */
static void
unlock(void)
{
	mfa_user_t *u = admin_open();

	assert_int_equal(mfa_user_unlock(u), MFA_OK);
	admin_close(&u);
}

/* Another login's failure, as pam_mfa records one. */
static void
other_failure(void)
{
	mfa_user_t *u = admin_open();

	assert_int_equal(mfa_user_record_failure(u), MFA_OK);
	admin_close(&u);
}

/* mfactl recovery ALICE: a new set. */
static void
new_recovery(void)
{
	new_codes = recovery_issue(store, ALICE, 10);
}

/*
 * mfactl totp add ALICE, totp confirm (credential 2) and rename of
 * credential 1.
 */
static void
add_and_rename(void)
{
	mfa_user_t *u;

	enrol(store, ALICE, &t2);
	u = admin_open();
	assert_int_equal(mfa_user_rename(u, 1, "renamed"), MFA_OK);
	admin_close(&u);
}

/* The files deleted by hand, and ALICE enrolled anew. */
static void
delete_files(void)
{
	char *p;

	p = path_join(store, ALICE);
	assert_int_equal(unlink(p), 0);
	free(p);
	p = path_join(store, ALICE ".state");
	assert_int_equal(unlink(p), 0);
	free(p);
}

static void
replace_totp(void)
{
	delete_files();
	enrol(store, ALICE, &t2);
}

static void
replace_key(void)
{
	delete_files();
	enrol_key(ALICE, key);
}

/* ---- the store afterwards ----------------------------------------- */

static mfa_user_t *
look(void)
{
	mfa_user_t *u = NULL;

	assert_non_null(actx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_load_config(actx, conf_path), MFA_OK);
	assert_int_equal(mfa_user_open(actx, ALICE, MFA_OPEN_READ, &u),
	    MFA_OK);
	return u;
}

static unsigned
failures_now(int *locked)
{
	mfa_user_t *u = look();
	unsigned failures = 99;

	*locked = mfa_user_lock_status(u, NULL, &failures) == MFA_ERR_LOCKED;
	admin_close(&u);
	return failures;
}

static const mfa_cred_t *
find(const mfa_user_t *u, unsigned id)
{
	size_t i;

	for (i = 0; i < mfa_user_cred_count(u); i++)
		if (mfa_cred_id(mfa_user_cred(u, i)) == id)
			return mfa_user_cred(u, i);
	return NULL;
}

/* What a later login with this code would get. */
static int
verify_later(const char *code)
{
	mfa_user_t *u = NULL;
	int r;

	assert_non_null(actx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_load_config(actx, conf_path), MFA_OK);
	assert_int_equal(mfa_user_open(actx, ALICE, MFA_OPEN_WRITE, &u),
	    MFA_OK);
	r = mfa_user_totp_verify(u, code, NULL);
	admin_close(&u);
	return r;
}

/* Failures counted before the login (wrong codes of other logins). */
static void
fail_times(int n)
{
	while (n-- > 0)
		other_failure();
}

static int
setup(void **state)
{
	(void)state;
	if (store_new() != 0)
		return -1;
	write_config(CONFIG_TOTP);
	plug(NULL);
	return 0;
}

static void stateswap(int how, int n);

static int
teardown(void **state)
{
	(void)state;
	stateswap(0, 0);
	mfa_recovery_codes_free(&old_codes, 10);
	mfa_recovery_codes_free(&new_codes, 10);
	free(key);
	key = NULL;
	store_remove();
	return 0;
}

/* ---- 1: the TOTP credential removed at the code prompt ------------- */

/*
 * The right code of a credential removed meanwhile: refused as
 * not_enrolled, not counted, and the credential stays gone (the login
 * writes no record of it back).
 */
static void
test_totp_removed(void **state)
{
	struct conv cv = { 0 };
	mfa_user_t *u;
	char code[7];
	int locked;

	(void)state;
	enrol(store, ALICE, &t1);
	next_code(&t1, code);
	conv_answers(&cv, ALICE_PW, code);
	run_race(PROMPT_CODE, remove_1, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "not_enrolled"));
	assert_int_equal(failures_now(&locked), 0);
	assert_false(locked);
	u = look();
	assert_int_equal(mfa_user_cred_count(u), 0);
	assert_int_equal(mfa_user_has_factor(u, MFA_FACTOR_TOTP), 0);
	admin_close(&u);
	conv_reset(&cv);
}

/* ---- 2: the security key removed at the PIN prompt ----------------- */

/*
 * The right PIN and a touch of a key whose credential was removed
 * meanwhile: the key is not asked (its counter stays), the login fails
 * as not_enrolled, uncounted, and the credential stays gone.
 */
static void
test_key_removed(void **state)
{
	struct conv cv = { 0 };
	mfa_user_t *u;
	int locked;

	(void)state;
	write_config(CONFIG_FIDO2);
	key = alice_key();
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_race("PIN for ", remove_1, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "not_enrolled"));
	assert_true(log_has("the credential was removed during the login"));
	assert_int_equal(failures_now(&locked), 0);
	assert_false(locked);
	u = look();
	assert_int_equal(mfa_user_cred_count(u), 0);
	admin_close(&u);
	conv_reset(&cv);
}

/* ---- 3: unlock, or other failures, during the wait ----------------- */

/*
 * Two failures, the administrator unlocks at the code prompt, a wrong
 * code: one failure, not three and locked.
 */
static void
test_totp_unlock(void **state)
{
	struct conv cv = { 0 };
	char bad[7];
	int locked;

	(void)state;
	enrol(store, ALICE, &t1);
	fail_times(2);
	wrong_code(&t1, bad);
	conv_answers(&cv, ALICE_PW, bad);
	run_race(PROMPT_CODE, unlock, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "bad_code"));
	assert_int_equal(failures_now(&locked), 1);
	assert_false(locked);
	conv_reset(&cv);
}

/*
 * One failure, another login fails at the code prompt, then this one:
 * the third failure, which locks.
 */
static void
test_totp_other_failure(void **state)
{
	struct conv cv = { 0 };
	char bad[7];
	int locked;

	(void)state;
	enrol(store, ALICE, &t1);
	fail_times(1);
	wrong_code(&t1, bad);
	conv_answers(&cv, ALICE_PW, bad);
	run_race(PROMPT_CODE, other_failure, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "bad_code"));
	assert_true(log_has("user " ALICE ": locked out after 3 failures"));
	assert_int_equal(failures_now(&locked), 3);
	assert_true(locked);
	conv_reset(&cv);
}

/* The same at the PIN prompt, with a wrong PIN. */
static void
test_key_unlock(void **state)
{
	struct conv cv = { 0 };
	int locked;

	(void)state;
	write_config(CONFIG_FIDO2);
	key = alice_key();
	fail_times(2);
	answers3(&cv, ALICE_PW, WRONG_PIN, NULL);
	run_race("PIN for ", unlock, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "bad_pin"));
	assert_int_equal(failures_now(&locked), 1);
	assert_false(locked);
	conv_reset(&cv);
}

static void
test_key_other_failure(void **state)
{
	struct conv cv = { 0 };
	int locked;

	(void)state;
	write_config(CONFIG_FIDO2);
	key = alice_key();
	fail_times(1);
	answers3(&cv, ALICE_PW, WRONG_PIN, NULL);
	run_race("PIN for ", other_failure, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "bad_pin"));
	assert_true(log_has("user " ALICE ": locked out after 3 failures"));
	assert_int_equal(failures_now(&locked), 3);
	assert_true(locked);
	conv_reset(&cv);
}

/* ---- 4: new recovery codes while an old one is typed --------------- */

static void
test_recovery_renewed(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;

	(void)state;
	write_config(CONFIG_KEYS "require = password AND totp\n");
	enrol(store, ALICE, &t1);
	old_codes = recovery_issue(store, ALICE, 10);
	conv_answers(&cv, ALICE_PW, old_codes[0]);
	run_race(PROMPT_CODE, new_recovery, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,recovery", "failure",
	    "bad_recovery_code"));
	assert_int_equal(recovery_left(store, ALICE, &failures), 10);
	assert_int_equal(failures, 1);
	/* The new set works. */
	conv_answers(&cv, ALICE_PW, new_codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, Q_PASSWORD, Q_CODE, I_LEFT(9), NULL);
	assert_int_equal(recovery_left(store, ALICE, &failures), 9);
	conv_reset(&cv);
}

/* ---- 5: a credential added and one renamed during the wait --------- */

/*
 * The login succeeds with credential 1; credential 2, confirmed
 * meanwhile, keeps its name and its used step (its confirmation code
 * stays used), and credential 1 its new name.
 */
static void
check_added(const char *label1)
{
	mfa_user_t *u = look();
	const mfa_cred_t *c;
	char code[7];

	assert_non_null(c = find(u, 1));
	assert_string_equal(mfa_cred_label(c), label1);
	assert_non_null(c = find(u, 2));
	assert_string_equal(mfa_cred_label(c), "phone");
	assert_int_equal(mfa_cred_status(c), MFA_STATUS_ACTIVE);
	admin_close(&u);
	totp_code(&t2, t2.step, code);
	assert_int_equal(verify_later(code), MFA_ERR_REPLAY);
}

static void
test_totp_added(void **state)
{
	struct conv cv = { 0 };
	char code[7];

	(void)state;
	enrol(store, ALICE, &t1);
	next_code(&t1, code);
	conv_answers(&cv, ALICE_PW, code);
	run_race(PROMPT_CODE, add_and_rename, &cv, PAM_SUCCESS);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	check_added("renamed");
	/* And the login's own step was recorded. */
	assert_int_equal(verify_later(code), MFA_ERR_REPLAY);
	conv_reset(&cv);
}

static void
test_key_added(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;

	(void)state;
	write_config(CONFIG_FIDO2);
	key = alice_key();
	user_status(ALICE, &failures, &c0, NULL, 0);
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_race("PIN for ", add_and_rename, &cv, PAM_SUCCESS);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "success", "ok"));
	check_added("renamed");
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_true(c1 > c0);
	conv_reset(&cv);
}

/* ---- 6: the store files deleted and the user enrolled anew --------- */

/* A code of the old secret is refused; the new store is untouched. */
static void
test_totp_replaced(void **state)
{
	struct conv cv = { 0 };
	mfa_user_t *u;
	char code[7];
	int locked;

	(void)state;
	enrol(store, ALICE, &t1);
	next_code(&t1, code);
	conv_answers(&cv, ALICE_PW, code);
	run_race(PROMPT_CODE, replace_totp, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "bad_code"));
	assert_int_equal(failures_now(&locked), 1);
	u = look();
	assert_int_equal(mfa_user_cred_count(u), 1);
	admin_close(&u);
	/* The new secret's next code logs in. */
	next_code(&t2, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	conv_reset(&cv);
}

/*
 * The key registered anew (credential 1 again, another key handle)
 * while the PIN was asked: the login holds the deleted state file and
 * must not go on with it (whatever it wrote there, the counter and the
 * failures, would be lost, and its lock no longer excludes anyone).
 * It fails as not_enrolled, uncounted; the new store is as enrolled.
 */
static void
test_key_replaced(void **state)
{
	struct conv cv = { 0 };
	unsigned failures = 9;
	uint64_t c0, c1;
	const char *p;

	(void)state;
	write_config(CONFIG_FIDO2);
	key = alice_key();
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_race("PIN for ", replace_key, &cv, PAM_AUTH_ERR);
	assert_dialogue(&cv, Q_PASSWORD, Q_PIN, I_TOUCH, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,fido2", "failure",
	    "not_enrolled"));
	/* Said once. */
	assert_non_null(p = strstr(logbuf, ": store file " ALICE ".state "
	    "replaced while the user was asked\n"));
	assert_null(strstr(strchr(p, '\n'), "replaced while"));
	user_status(ALICE, &failures, &c0, NULL, 0);
	assert_int_equal(failures, 0);
	/* The next login uses the new store and advances its counter. */
	answers3(&cv, ALICE_PW, PIN, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	user_status(ALICE, &failures, &c1, NULL, 0);
	assert_true(c1 > c0);
	conv_reset(&cv);
}

/* ---- 7: the state file changed between the open and the lock ----- */

/* As tests/pam/stateswap.c */
#define STATESWAP_REPLACE	1
#define STATESWAP_DELETE	2
/* lib/store.c's STATE_OPEN_TRIES */
#define STATE_OPEN_TRIES	3

/*
 * Arms the shim: the next n locks of ALICE's state file are preceded by
 * the change how; n = 0 disarms.
 */
static void
stateswap(int how, int n)
{
	void (*arm)(const char *, int, int);
	char path[PATH_MAX];

	if (store == NULL)
		return;
	arm = (void (*)(const char *, int, int))(uintptr_t)dlsym(RTLD_DEFAULT,
	    "stateswap_arm");
	assert_non_null(arm);
	(void)snprintf(path, sizeof(path), "%s/%s.state", store, ALICE);
	arm(path, how, n);
}

/* How many changes the shim made since it was armed. */
static int
stateswap_done(void)
{
	int (*done)(void);

	done = (int (*)(void))(uintptr_t)dlsym(RTLD_DEFAULT,
	    "stateswap_done");
	assert_non_null(done);
	return done();
}

/* At the code prompt, for the open that checks the code. */
static void
replace_once(void)
{
	stateswap(STATESWAP_REPLACE, 1);
}

/*
 * One more than the login may try: without that bound, the login would
 * get the file at its last open (and each retry logs a line, which
 * would fill the test's /dev/log if there were many more).
 */
static void
replace_always(void)
{
	stateswap(STATESWAP_REPLACE, STATE_OPEN_TRIES + 1);
}

static void
delete_once(void)
{
	stateswap(STATESWAP_DELETE, 1);
}

/*
 * The state file replaced by a copy (by hand, as a restore would)
 * after the login opened it and before its lock: the login opens the
 * name again and works on the new file, so the step it used and the
 * failure count it reset are recorded where the next login reads them.
 * Holding on to the first file, it would write them to a file nobody
 * reads: the code would be accepted again, the failure still count.
 */
static void
test_totp_state_replaced_at_open(void **state)
{
	struct conv cv = { 0 };
	char code[7];
	int locked;

	(void)state;
	enrol(store, ALICE, &t1);
	fail_times(1);
	next_code(&t1, code);
	conv_answers(&cv, ALICE_PW, code);
	run_race(PROMPT_CODE, replace_once, &cv, PAM_SUCCESS);
	assert_int_equal(stateswap_done(), 1);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	stateswap(0, 0);
	assert_int_equal(failures_now(&locked), 0);
	assert_int_equal(verify_later(code), MFA_ERR_REPLAY);
	assert_true(log_has(": store file " ALICE ".state: replaced while "
	    "being opened; opening it again"));
	conv_reset(&cv);
}

/*
 * The state file deleted by hand in that window, the credentials still
 * there: credentials without their state are refused (store_error),
 * not used with a deleted file.
 */
static void
test_totp_state_deleted_at_open(void **state)
{
	struct conv cv = { 0 };
	char code[7];

	(void)state;
	enrol(store, ALICE, &t1);
	next_code(&t1, code);
	conv_answers(&cv, ALICE_PW, code);
	run_race(PROMPT_CODE, delete_once, &cv, PAM_AUTH_ERR);
	assert_int_equal(stateswap_done(), 1);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "store_error"));
	assert_true(log_has(": store file " ALICE ".state: missing"));
	conv_reset(&cv);
}

/*
 * Replaced again at every open: the login gives up after
 * STATE_OPEN_TRIES opens, fails closed (store_error) and writes
 * nothing; the code stays unused.
 */
static void
test_totp_state_replaced_always(void **state)
{
	struct conv cv = { 0 };
	char code[7];
	int locked;

	(void)state;
	enrol(store, ALICE, &t1);
	next_code(&t1, code);
	conv_answers(&cv, ALICE_PW, code);
	run_race(PROMPT_CODE, replace_always, &cv, PAM_AUTH_ERR);
	assert_int_equal(stateswap_done(), STATE_OPEN_TRIES);
	stateswap(0, 0);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "store_error"));
	assert_true(log_has(": store file " ALICE ".state: replaced while "
	    "being opened, 3 times"));
	assert_int_equal(failures_now(&locked), 0);
	assert_int_equal(verify_later(code), MFA_OK);
	conv_reset(&cv);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_totp_removed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_removed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_totp_unlock, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_totp_other_failure,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_unlock, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_other_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recovery_renewed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_totp_added, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_added, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_totp_replaced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_replaced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_totp_state_replaced_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_totp_state_deleted_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_totp_state_replaced_always, setup, teardown),
	};

	(void)argc;
	if (access(VFIDO_PRELOAD_SO, R_OK) != 0 ||
	    access(STATESWAP_SO, R_OK) != 0 ||
	    access(VFIDO_CTL, X_OK) != 0) {
		fprintf(stderr, "%s, %s or %s: not built\n",
		    VFIDO_PRELOAD_SO, STATESWAP_SO, VFIDO_CTL);
		return 99;
	}
	return pamtest_main(argv, tests, sizeof(tests) / sizeof(tests[0]),
	    VFIDO_PRELOAD_SO ":" STATESWAP_SO);
}
