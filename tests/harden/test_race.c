/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Concurrency through PAM: 32 processes (forked after pam_start, held at
 * a pipe barrier, released together into pam_authenticate) log in
 *   - as the same user with the same valid code: exactly one succeeds,
 *     the others are replays, every failure is counted;
 *   - as 32 different users: all succeed;
 *   - with wrong codes: the lockout threshold holds exactly (no lost
 *     update lets a 6th guess through), and without a lockout every
 *     failure is counted.
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
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "mfa.h"
#include "hpam.h"

#define NPROC	32

struct job {
	const char	*user;
	const char	*password;
	char		 code[7];
	int		 rc;
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
	hp_rmtree(store);
	free(store);
	store = NULL;
	return 0;
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
	if (pam_start(HP_SERVICE, j->user, &pc, &ph) != PAM_SUCCESS)
		_exit(200);
	if (write(ready, "r", 1) != 1)
		_exit(201);
	/* EOF when the parent closes its end: everyone goes at once. */
	while (read(barrier, &c, 1) < 0 && errno == EINTR)
		;
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
		hp_secret_code(jobs[i].code);
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
	};
	int rc, leaks;

	hp_start(argc, argv, HP_PAM_BIND, NULL);
	rc = cmocka_run_group_tests_name("race", tests, NULL, NULL);
	leaks = hp_finish();
	return rc != 0 || leaks != 0 ? 1 : 0;
}
