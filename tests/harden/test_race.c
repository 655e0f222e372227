/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Concurrency through PAM: 32 processes (forked after pam_start, held at
 * a pipe barrier, released together into pam_authenticate) log in
 *   - as the same user with the same valid code: exactly one succeeds,
 *     the others are replays, every failure is counted;
 *   - as 32 different users: all succeed;
 *   - with wrong codes: the lockout threshold holds exactly (no lost
 *     update lets a 6th guess through), and without a lockout every
 *     failure is counted;
 *   - as the same user with the same recovery code: exactly one
 *     succeeds, the others are refused as used, the code is used;
 *   - as the same user with tests/vfido's virtual security key (through
 *     the real libfido2): each gets an assertion of its own, all
 *     succeed, and the stored signature counter ends at the highest
 *     the key issued (skipped where vfido is not built);
 *   - with recovery codes, each its own, while another process gives
 *     the user new codes or removes the codes: a login before the
 *     change succeeds (each using one more code of the old set), one
 *     after it fails, none uses the new codes, every failure is
 *     counted.
 * Run by tests/harden/race.sh inside tests/pam/ns-run.sh's namespace.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
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
#include <security/pam_appl.h>

#include "mfa.h"
#include "hpam.h"
#include "../digitrun.h"

#define NPROC	32
#define NCODES	16	/* recovery codes of the races with a change */

#define JOB_LOGIN	0	/* pam_authenticate() with password, code */
#define JOB_REGEN	1	/* new recovery codes, with the library */
#define JOB_REMOVE	2	/* removes credential id, with the library */

struct job {
	int		 kind;
	const char	*user;
	const char	*password;
	char		 code[32];	/* TOTP or recovery code, PIN */
	unsigned	 id;
	int		 rc;		/* PAM's; JOB_REGEN/REMOVE: 0 ok */
};

static char *store;

static int
setup(void **state)
{
	(void)state;
	store = hp_mkstore();
	hp_write_config(store, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	(void)unsetenv("VFIDO_STATE");
	hp_rmtree(store);
	free(store);
	store = NULL;
	return 0;
}

/*
 * JOB_REGEN, JOB_REMOVE: the change, as mfactl makes it, once a login
 * has used a code (or after a while): some logins come before it, and
 * the others wait for it behind the user's lock.
 */
static int
lib_job(const struct job *j)
{
	struct timespec ms = { 0, 1000000 };
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	char **codes = NULL;
	unsigned left = NCODES;
	int r, i;

	if ((ctx = mfa_ctx_new()) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = mfa_ctx_set_store(ctx, store)) != MFA_OK)
		goto out;
	for (i = 0; i < 2000 && left == NCODES; i++) {
		(void)nanosleep(&ms, NULL);
		if ((r = mfa_user_open(ctx, j->user, MFA_OPEN_READ,
		    &u)) != MFA_OK)
			goto out;
		left = mfa_user_recovery_remaining(u);
		mfa_user_free(&u);
	}
	if ((r = mfa_user_open(ctx, j->user, MFA_OPEN_WRITE, &u)) == MFA_OK) {
		if (j->kind == JOB_REGEN) {
			r = mfa_user_recovery_generate(u, NCODES, &codes);
			mfa_recovery_codes_free(&codes, NCODES);
		} else
			r = mfa_user_remove(u, j->id);
	}
out:
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return r;
}

/* The child: pam_start, wait at the barrier, authenticate, report. */
static void
child(const struct job *j, int ready, int barrier)
{
	struct hp_conv cv;
	struct pam_conv pc = { hp_conv_fn, &cv };
	pam_handle_t *ph = NULL;
	char c;
	int rc;

	hp_conv_set(&cv, j->password, j->code);
	if (j->kind == JOB_LOGIN &&
	    pam_start(HP_SERVICE, j->user, &pc, &ph) != PAM_SUCCESS)
		_exit(200);
	if (write(ready, "r", 1) != 1)
		_exit(201);
	/* EOF when the parent closes its end: everyone goes at once. */
	while (read(barrier, &c, 1) < 0 && errno == EINTR)
		;
	if (j->kind != JOB_LOGIN)
		_exit(lib_job(j) == MFA_OK ? 0 : 1);
	rc = pam_authenticate(ph, 0);
	(void)pam_end(ph, rc);
	/* _exit: no atexit/destructor of pam_wrapper in the child. */
	_exit(rc);
}

/* Runs the jobs in parallel; fills in each j->rc. */
static void
run_parallel(struct job *jobs, int n)
{
	pid_t pids[NPROC];
	int ready[2], barrier[2], i, st, got = 0;
	char c;

	assert_true(n <= NPROC);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(barrier), 0);
	hp_log_reset();
	for (i = 0; i < n; i++) {
		hp_secret(jobs[i].password);
		if (digitrun_shaped(jobs[i].code))
			hp_secret_code(jobs[i].code);
		else
			hp_secret(jobs[i].code);
		if ((pids[i] = fork()) < 0)
			fail_msg("fork: %s", strerror(errno));
		if (pids[i] == 0) {
			(void)close(ready[0]);
			(void)close(barrier[1]);
			child(&jobs[i], ready[1], barrier[0]);
		}
	}
	(void)close(ready[1]);
	(void)close(barrier[0]);
	while (got < n && read(ready[0], &c, 1) == 1)
		got++;
	assert_int_equal(got, n);
	(void)close(barrier[1]);		/* go */
	for (i = 0; i < n; i++) {
		if (hp_waitpid(pids[i], &st) != pids[i])
			fail_msg("waitpid: %s", strerror(errno));
		if (!WIFEXITED(st))
			fail_msg("child %d died with signal %d", i,
			    WTERMSIG(st));
		jobs[i].rc = WEXITSTATUS(st);
		if (jobs[i].rc >= 200)
			fail_msg("child %d: pam set-up failed", i);
	}
	(void)close(ready[0]);
	hp_log_drain();
}

static int
count_rc(const struct job *jobs, int n, int rc)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += jobs[i].rc == rc;
	return c;
}

static void
test_same_code(void **state)
{
	struct job jobs[NPROC];
	struct hp_totp t;
	unsigned failures;
	int64_t until;
	size_t ncreds;
	int i, ok;

	(void)state;
	memset(jobs, 0, sizeof(jobs));
	hp_write_config(store, "lockout_attempts = 100\n");
	hp_enrol(store, hp_user(0), &t, 1);
	for (i = 0; i < NPROC; i++) {
		jobs[i].user = hp_user(0);
		jobs[i].password = hp_password(0);
		hp_code(&t, t.step + 1, jobs[i].code);
	}
	run_parallel(jobs, NPROC);
	ok = count_rc(jobs, NPROC, PAM_SUCCESS);
	print_message("same user, same code: %d of %d succeeded, %d "
	    "replays\n", ok, NPROC, hp_log_count("reason=replay"));
	assert_int_equal(ok, 1);
	assert_int_equal(count_rc(jobs, NPROC, PAM_AUTH_ERR), NPROC - 1);
	assert_int_equal(hp_audit_count("success"), 1);
	assert_int_equal(hp_log_count("result=failure reason=replay"),
	    NPROC - 1);
	/* Valid afterwards, and every replay was counted. */
	assert_int_equal(hp_user_state(store, hp_user(0), &failures, &until,
	    &ncreds), MFA_OK);
	assert_int_equal(ncreds, 1);
	assert_int_equal(failures, NPROC - 1);
}

static void
test_many_users(void **state)
{
	struct job jobs[NPROC];
	struct hp_totp t;
	unsigned failures;
	int64_t until;
	size_t ncreds;
	int i, ok;

	(void)state;
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < NPROC; i++) {
		hp_enrol(store, hp_user(i), &t, 1);
		jobs[i].user = hp_user(i);
		jobs[i].password = hp_password(i);
		hp_code(&t, t.step + 1, jobs[i].code);
	}
	run_parallel(jobs, NPROC);
	ok = count_rc(jobs, NPROC, PAM_SUCCESS);
	print_message("%d users at once: %d succeeded\n", NPROC, ok);
	assert_int_equal(ok, NPROC);
	assert_int_equal(hp_audit_count("success"), NPROC);
	for (i = 0; i < NPROC; i++) {
		assert_int_equal(hp_user_state(store, hp_user(i), &failures,
		    &until, &ncreds), MFA_OK);
		assert_int_equal(failures, 0);
	}
}

static void
wrong_codes(int attempts)
{
	struct job jobs[NPROC];
	struct hp_totp t;
	struct hp_conv cv;
	unsigned failures;
	int64_t until;
	size_t ncreds;
	char extra[64], code[7];
	int i, bad, locked;

	memset(jobs, 0, sizeof(jobs));
	(void)snprintf(extra, sizeof(extra), "lockout_attempts = %d\n",
	    attempts);
	hp_write_config(store, extra);
	hp_enrol(store, hp_user(0), &t, 1);
	for (i = 0; i < NPROC; i++) {
		jobs[i].user = hp_user(0);
		jobs[i].password = hp_password(0);
		hp_wrong_code(&t, t.step + 1, jobs[i].code);
	}
	run_parallel(jobs, NPROC);
	bad = hp_log_count("result=failure reason=bad_code");
	locked = hp_log_count("result=failure reason=locked");
	print_message("%d parallel wrong codes, lockout_attempts = %d: %d "
	    "counted as bad_code, %d refused as locked\n", NPROC, attempts,
	    bad, locked);
	assert_int_equal(count_rc(jobs, NPROC, PAM_AUTH_ERR), NPROC);
	assert_int_equal(hp_user_state(store, hp_user(0), &failures, &until,
	    &ncreds), MFA_OK);
	if (attempts < NPROC) {
		/* Exactly attempts guesses were checked, then locked. */
		assert_int_equal(bad, attempts);
		assert_int_equal(locked, NPROC - attempts);
		assert_int_equal(failures, (unsigned)attempts);
		assert_true(until > 0);
		/* And the right code is refused now. */
		hp_code(&t, t.step + 1, code);
		hp_conv_set(&cv, hp_password(0), code);
		assert_int_equal(hp_auth(HP_SERVICE, hp_user(0), &cv),
		    PAM_AUTH_ERR);
		assert_int_equal(hp_log_count("reason=locked"), 1);
	} else {
		/* No lockout: every failure counted, none lost. */
		assert_int_equal(bad, NPROC);
		assert_int_equal(failures, NPROC);
		assert_int_equal(until, 0);
	}
}

static void
test_lockout_parallel(void **state)
{
	(void)state;
	wrong_codes(5);
}

static void
test_no_lost_updates(void **state)
{
	(void)state;
	wrong_codes(1000);
}

/* The user's unused recovery codes, failures, credentials and set. */
static unsigned
recovery_status(const char *user, unsigned *failures, size_t *ncreds,
    unsigned *set)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	const mfa_cred_t *c;
	unsigned left;
	size_t i;

	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_set_store(ctx, store), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, user, MFA_OPEN_READ, &u), MFA_OK);
	(void)mfa_user_lock_status(u, NULL, failures);
	*ncreds = mfa_user_cred_count(u);
	*set = 0;
	for (i = 0; i < *ncreds; i++) {
		c = mfa_user_cred(u, i);
		if (mfa_cred_type(c) == MFA_CRED_RECOVERY)
			*set = mfa_cred_id(c);
	}
	left = mfa_user_recovery_remaining(u);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return left;
}

static void
test_same_recovery_code(void **state)
{
	struct job jobs[NPROC];
	struct hp_totp t;
	char **codes = NULL;
	unsigned failures, set;
	size_t ncreds;
	int i, ok;

	(void)state;
	memset(jobs, 0, sizeof(jobs));
	hp_write_config(store, "lockout_attempts = 100\n");
	hp_enrol(store, hp_user(0), &t, 1);
	hp_recovery_new(store, hp_user(0), 5, &codes);
	for (i = 0; i < NPROC; i++) {
		jobs[i].user = hp_user(0);
		jobs[i].password = hp_password(0);
		(void)snprintf(jobs[i].code, sizeof(jobs[i].code), "%s",
		    codes[2]);
	}
	run_parallel(jobs, NPROC);
	ok = count_rc(jobs, NPROC, PAM_SUCCESS);
	print_message("same user, same recovery code: %d of %d succeeded, "
	    "%d refused as used\n", ok, NPROC,
	    hp_log_count("reason=used_recovery_code"));
	assert_int_equal(ok, 1);
	assert_int_equal(count_rc(jobs, NPROC, PAM_AUTH_ERR), NPROC - 1);
	assert_int_equal(hp_audit_count("success"), 1);
	assert_int_equal(hp_log_count("result=failure "
	    "reason=used_recovery_code"), NPROC - 1);
	/* That code used, the others not; every refusal counted. */
	assert_int_equal(recovery_status(hp_user(0), &failures, &ncreds,
	    &set), 4);
	assert_int_equal(failures, NPROC - 1);
	mfa_recovery_codes_free(&codes, 5);
}

/* The signature counter stored for the user's (one) key. */
static uint64_t
fido2_stored(const char *user)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	uint64_t counter;

	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_set_store(ctx, store), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, user, MFA_OPEN_READ, &u), MFA_OK);
	assert_int_equal(mfa_user_cred_count(u), 1);
	counter = mfa_cred_fido2_counter(mfa_user_cred(u, 0));
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return counter;
}

static void
test_fido2_same_key(void **state)
{
#ifdef VFIDO_PRELOAD_SO
	struct job jobs[NPROC];
	unsigned failures;
	int64_t until;
	uint64_t before, after, stored;
	size_t ncreds;
	char *key;
	int i, ok;

	(void)state;
	memset(jobs, 0, sizeof(jobs));
	hp_write_config(store, "lockout_attempts = 100\n" HP_FIDO2_CONFIG);
	key = hp_vfido_new();
	hp_fido2_enrol(store, hp_user(0));
	before = hp_vfido_counter(key);
	for (i = 0; i < NPROC; i++) {
		jobs[i].user = hp_user(0);
		jobs[i].password = hp_password(0);
		(void)snprintf(jobs[i].code, sizeof(jobs[i].code), "%s",
		    HP_PIN);
	}
	run_parallel(jobs, NPROC);
	ok = count_rc(jobs, NPROC, PAM_SUCCESS);
	after = hp_vfido_counter(key);
	stored = fido2_stored(hp_user(0));
	print_message("same user, same security key: %d of %d succeeded; "
	    "the key's counter %llu -> %llu, %llu stored\n", ok, NPROC,
	    (unsigned long long)before, (unsigned long long)after,
	    (unsigned long long)stored);
	/* Each got an assertion of its own, on a counter of its own. */
	assert_int_equal(ok, NPROC);
	assert_int_equal(hp_audit_count("success"), NPROC);
	assert_true(after >= before + NPROC);
	/* The last one the key signed is the one stored: never lower. */
	assert_true(stored == after);
	assert_int_equal(hp_user_state(store, hp_user(0), &failures, &until,
	    &ncreds), MFA_OK);
	assert_int_equal(failures, 0);
	free(key);
#else
	(void)state;
	skip();
#endif
}

/*
 * NCODES - 1 logins with recovery codes of their own, and a process
 * that changes the codes (kind) at the same time.  The user's lock puts
 * each login before or after the change: before, its code is good;
 * after, every old code is void.  So the logins that succeed come
 * first, each using one more code of the old set, all failures after
 * them (and all counted), and no login marks a code of the new set
 * used.
 */
static void
change_race(int kind)
{
	struct job jobs[NCODES];
	struct hp_totp t;
	struct hp_conv cv;
	char **codes = NULL, line[64];
	unsigned failures, set;
	size_t ncreds;
	int i, ok, bad;

	memset(jobs, 0, sizeof(jobs));
	hp_write_config(store, "lockout_attempts = 100\n");
	hp_enrol(store, hp_user(0), &t, 1);
	hp_recovery_new(store, hp_user(0), NCODES, &codes);
	(void)recovery_status(hp_user(0), &failures, &ncreds, &set);
	assert_int_not_equal(set, 0);
	for (i = 0; i < NCODES - 1; i++) {
		jobs[i].user = hp_user(0);
		jobs[i].password = hp_password(0);
		(void)snprintf(jobs[i].code, sizeof(jobs[i].code), "%s",
		    codes[i]);
	}
	jobs[NCODES - 1].kind = kind;
	jobs[NCODES - 1].user = hp_user(0);
	jobs[NCODES - 1].id = set;
	run_parallel(jobs, NCODES);
	ok = count_rc(jobs, NCODES - 1, PAM_SUCCESS);
	bad = count_rc(jobs, NCODES - 1, PAM_AUTH_ERR);
	print_message("%d recovery-code logins while the codes are %s: %d "
	    "succeeded before, %d failed after\n", NCODES - 1,
	    kind == JOB_REGEN ? "replaced" : "removed", ok, bad);
	assert_int_equal(jobs[NCODES - 1].rc, 0);
	assert_int_equal(ok + bad, NCODES - 1);
	assert_int_equal(hp_audit_count("success"), ok);
	assert_int_equal(hp_log_count("result=failure "
	    "reason=bad_recovery_code"), bad);
	/* Each success took one code of the old set, one after another. */
	for (i = 1; i <= ok; i++) {
		(void)snprintf(line, sizeof(line), "recovery code used (%d "
		    "left)", NCODES - i);
		assert_int_equal(hp_log_count(line), 1);
	}
	assert_int_equal(hp_log_count("recovery code used"), ok);
	if (kind == JOB_REGEN) {
		assert_int_equal(recovery_status(hp_user(0), &failures,
		    &ncreds, &set), NCODES);
		assert_int_equal(ncreds, 2);
	} else {
		assert_int_equal(recovery_status(hp_user(0), &failures,
		    &ncreds, &set), 0);
		assert_int_equal(ncreds, 1);
	}
	assert_int_equal(failures, bad);
	/* The one old code no login used is void too. */
	hp_conv_set(&cv, hp_password(0), codes[NCODES - 1]);
	assert_int_equal(hp_auth(HP_SERVICE, hp_user(0), &cv), PAM_AUTH_ERR);
	assert_int_equal(hp_log_count("reason=bad_recovery_code"), 1);
	mfa_recovery_codes_free(&codes, NCODES);
}

static void
test_login_vs_new_codes(void **state)
{
	(void)state;
	change_race(JOB_REGEN);
}

static void
test_login_vs_removal(void **state)
{
	(void)state;
	change_race(JOB_REMOVE);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_code, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_users, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lockout_parallel, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_lost_updates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_same_recovery_code,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fido2_same_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_vs_new_codes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_vs_removal, setup,
		    teardown),
	};
	int rc, leaks;

#ifdef VFIDO_PRELOAD_SO
	hp_start(argc, argv, HP_PAM_BIND, VFIDO_PRELOAD_SO);
#else
	hp_start(argc, argv, HP_PAM_BIND, NULL);
#endif
	rc = cmocka_run_group_tests_name("race", tests, NULL, NULL);
	leaks = hp_finish();
	return rc != 0 || leaks != 0 ? 1 : 0;
}
