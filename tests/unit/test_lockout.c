/* SPDX-License-Identifier: BSD-2-Clause */
/* lockout.c: N consecutive failures lock for T seconds. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct fixture {
	char		*dir;
	mfa_ctx_t	*ctx;
	mfa_user_t	*u;
	unsigned	 id;
};

static void
code_at(mfa_user_t *u, unsigned id, int64_t t, char *out)
{
	struct mfa_cred	*c;

	assert_non_null(c = store_cred(u, id));
	assert_int_equal(totp_code(c, (uint64_t)t / c->period, out), MFA_OK);
}

/* A wrong code for now: matches no step of the window. */
static void
bad_code(struct fixture *f, char *out)
{
	char	w[3][MFA_CODE_MAX + 1];
	int	i, n;

	for (i = 0; i < 3; i++)
		code_at(f->u, f->id, tu_now + 30 * (i - 1), w[i]);
	for (n = 0; ; n++) {
		snprintf(out, MFA_CODE_MAX + 1, "%06d", n % 1000000);
		if (strcmp(out, w[0]) != 0 && strcmp(out, w[1]) != 0 &&
		    strcmp(out, w[2]) != 0)
			return;
	}
}

static int
setup(void **state)
{
	struct fixture	*f;
	char		 code[MFA_CODE_MAX + 1];

	assert_non_null(f = calloc(1, sizeof(*f)));
	f->dir = tu_mkstore();
	f->ctx = tu_ctx(f->dir);
	f->ctx->config->lockout_attempts = 3;
	f->ctx->config->lockout_time = 900;
	tu_now = 1700000000;
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &f->u), MFA_OK);
	assert_int_equal(mfa_user_totp_add(f->u, "p", NULL, -1, 6, &f->id,
	    NULL), MFA_OK);
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_confirm(f->u, f->id, code), MFA_OK);
	tu_now += 300;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	mfa_user_free(&f->u);
	mfa_ctx_free(&f->ctx);
	tu_rmstore(f->dir);
	free(f);
	return 0;
}

static void
reopen(struct fixture *f, int flags)
{
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", flags, &f->u),
	    MFA_OK);
}

static void
fail_n(struct fixture *f, unsigned n)
{
	char		code[MFA_CODE_MAX + 1];
	unsigned	i;

	for (i = 0; i < n; i++) {
		bad_code(f, code);
		assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
		    MFA_ERR_BADCODE);
	}
}

static void
test_lock_after_n(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	int64_t		 until = -1;
	unsigned	 failures = 99;
	int		 d;

	fail_n(f, 2);
	assert_int_equal(mfa_user_lock_status(f->u, &until, &failures),
	    MFA_OK);
	assert_int_equal(until, 0);
	assert_int_equal(failures, 2);
	fail_n(f, 1);
	assert_int_equal(mfa_user_lock_status(f->u, &until, &failures),
	    MFA_ERR_LOCKED);
	assert_int_equal(until, tu_now + 900);
	assert_int_equal(failures, 3);

	/* Locked: even the right code (any step of the window) fails. */
	for (d = -1; d <= 1; d++) {
		code_at(f->u, f->id, tu_now + 30 * d, code);
		assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
		    MFA_ERR_LOCKED);
	}
	bad_code(f, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(mfa_user_record_failure(f->u), MFA_ERR_LOCKED);
	/* Locked attempts are not counted and do not extend the lock. */
	assert_int_equal(mfa_user_lock_status(f->u, &until, &failures),
	    MFA_ERR_LOCKED);
	assert_int_equal(until, tu_now + 900);
	assert_int_equal(failures, 3);

	/* The lock is in the file: another handle sees it. */
	reopen(f, MFA_OPEN_READ);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL),
	    MFA_ERR_LOCKED);
	reopen(f, MFA_OPEN_WRITE);

	/* The refused right code was not consumed. */
	assert_int_equal(mfa_user_unlock(f->u), MFA_OK);
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

static void
test_expiry(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	int64_t		 until;
	unsigned	 failures;

	fail_n(f, 3);
	assert_int_equal(mfa_user_lock_status(f->u, &until, NULL),
	    MFA_ERR_LOCKED);
	tu_now += 899;
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_LOCKED);
	tu_now += 1;
	assert_int_equal(tu_now, until);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 0);
	/* The next failure starts counting from 1. */
	fail_n(f, 1);
	assert_int_equal(mfa_user_lock_status(f->u, &until, &failures),
	    MFA_OK);
	assert_int_equal(failures, 1);
	assert_int_equal(until, 0);
	fail_n(f, 1);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL), MFA_OK);
	fail_n(f, 1);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL),
	    MFA_ERR_LOCKED);
	/* After the expiry a right code works. */
	tu_now += 900;
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

static void
test_success_resets(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	unsigned	 failures;

	fail_n(f, 2);
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 0);
	tu_now += 30;
	fail_n(f, 2);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 2);
	reopen(f, MFA_OPEN_READ);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 2);
}

static void
test_replay_counts(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	int		 i;

	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
		    MFA_ERR_REPLAY);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_LOCKED);
}

static void
test_unlock(void **state)
{
	struct fixture	*f = *state;
	unsigned	 failures;

	fail_n(f, 3);
	reopen(f, MFA_OPEN_READ);
	assert_int_equal(mfa_user_unlock(f->u), MFA_ERR_INVAL);
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_user_unlock(f->u), MFA_OK);
	reopen(f, MFA_OPEN_READ);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 0);
}

static void
test_record_failure(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	unsigned	 failures;

	assert_int_equal(mfa_user_record_failure(f->u), MFA_OK);
	assert_int_equal(mfa_user_record_failure(f->u), MFA_OK);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 2);
	/* Failures of any factor add up. */
	fail_n(f, 1);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL),
	    MFA_ERR_LOCKED);
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_LOCKED);
	reopen(f, MFA_OPEN_READ);
	assert_int_equal(mfa_user_record_failure(f->u), MFA_ERR_INVAL);
}

static void
test_no_lockout(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	unsigned	 failures;

	f->ctx->config->lockout_attempts = 0;
	fail_n(f, 10);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 10);
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

static void
test_direct(void **state)
{
	struct mfa_user	*u;
	mfa_ctx_t	*ctx;

	(void)state;
	ctx = tu_ctx(NULL);
	assert_int_equal(ctx_config(ctx)->lockout_attempts, 5);
	assert_int_equal(ctx_config(ctx)->lockout_time, 900);
	assert_non_null(u = calloc(1, sizeof(*u)));
	u->ctx = ctx;
	assert_int_equal(lockout_check(u, 1000), MFA_OK);
	lockout_fail(u, 1000);
	lockout_fail(u, 1001);
	lockout_fail(u, 1002);
	lockout_fail(u, 1003);
	assert_int_equal(u->state.failures, 4);
	assert_int_equal(u->state.last_failure, 1003);
	assert_int_equal(lockout_check(u, 1003), MFA_OK);
	lockout_fail(u, 1004);
	assert_int_equal(u->state.locked_until, 1004 + 900);
	assert_int_equal(lockout_check(u, 1004), MFA_ERR_LOCKED);
	assert_int_equal(lockout_check(u, 1903), MFA_ERR_LOCKED);
	assert_int_equal(lockout_check(u, 1904), MFA_OK);
	lockout_fail(u, 2000);			/* expired: a fresh count */
	assert_int_equal(u->state.failures, 1);
	assert_int_equal(u->state.locked_until, 0);
	lockout_success(u);
	assert_int_equal(u->state.failures, 0);
	assert_int_equal(lockout_check(NULL, 0), MFA_ERR_CONFIG);
	free(u);
	mfa_ctx_free(&ctx);
}

/*
 * A clock set back neither ends nor moves a lock: it lasts until the
 * clock reaches the end recorded when it was set, as with pam_faillock
 * (pam_mfa(8), LOCKOUT).  Attempts refused meanwhile are not counted.
 */
static void
test_clock_back(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	int64_t		 t0, until = 0, u2 = 0;
	unsigned	 failures = 0;

	fail_n(f, 3);
	t0 = tu_now;
	assert_int_equal(mfa_user_lock_status(f->u, &until, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(until, t0 + 900);

	/* A day back: more than lockout_time before the lock began. */
	tu_now = t0 - 86400;
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(mfa_user_record_failure(f->u), MFA_ERR_LOCKED);
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_user_lock_status(f->u, &u2, &failures),
	    MFA_ERR_LOCKED);
	assert_int_equal(u2, until);
	assert_int_equal(failures, 3);

	/* Forward again: locked up to the recorded end, not after it. */
	tu_now = until - 1;
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL),
	    MFA_ERR_LOCKED);
	tu_now = until;
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL), MFA_OK);
	/* A lock that ran out holds again while the clock is before it. */
	tu_now = until - 1;
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL),
	    MFA_ERR_LOCKED);
	tu_now = until + 30;
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
	assert_int_equal(mfa_user_lock_status(f->u, &u2, &failures), MFA_OK);
	assert_int_equal(u2, 0);
	assert_int_equal(failures, 0);
}

/*
 * After a code is accepted the clock goes back an hour: the code of the
 * step now current, which is before the accepted one, is refused as
 * used and counted, even from a new handle; once the clock is past the
 * accepted step again, the next step's code is accepted.
 */
static void
test_clock_back_replay(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	int64_t		 t0 = tu_now;
	unsigned	 failures = 0;

	code_at(f->u, f->id, t0, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
	tu_now = t0 - 3600;
	reopen(f, MFA_OPEN_WRITE);
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_REPLAY);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 1);
	tu_now = t0 + 30;
	code_at(f->u, f->id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lock_after_n, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_resets, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replay_counts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_lockout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_clock_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_clock_back_replay, setup,
		    teardown),
		cmocka_unit_test(test_direct),
	};

	tu_require_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
