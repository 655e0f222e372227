/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Lockout after lockout_attempts consecutive second-factor failures for
 * lockout_time seconds.  The counters live in the user's state file
 * (struct mfa_state); these functions only change memory, the callers
 * write the state with store_commit_state().
 */
#include "config.h"

#include <limits.h>

#include "internal.h"

/* A lock whose time has passed is gone, and so is its count. */
static int
lock_expired(const struct mfa_state *st, int64_t now)
{
	return st->locked_until != 0 && st->locked_until <= now;
}

int
lockout_check(const struct mfa_user *u, int64_t now)
{
	const struct mfa_config	*cfg;

	if (u == NULL || (cfg = ctx_config(u->ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if (cfg->lockout_attempts == 0)
		return MFA_OK;
	if (u->state.locked_until > now)
		return MFA_ERR_LOCKED;
	return MFA_OK;
}

/* now + secs, saturating: a clock near INT64_MAX must still lock. */
static int64_t
lock_end(int64_t now, int64_t secs)
{
	if (now < 0)
		now = 0;
	if (now > INT64_MAX - secs)
		return INT64_MAX;
	return now + secs;
}

void
lockout_fail(struct mfa_user *u, int64_t now)
{
	const struct mfa_config	*cfg;
	struct mfa_state	*st;

	if (u == NULL)
		return;
	st = &u->state;
	cfg = ctx_config(u->ctx);
	if (lock_expired(st, now)) {
		st->failures = 0;
		st->locked_until = 0;
	}
	if (st->failures < UINT_MAX)
		st->failures++;
	st->last_failure = now < 0 ? 0 : now;
	/* Without a configuration, lock rather than keep counting. */
	if (cfg == NULL || (cfg->lockout_attempts > 0 &&
	    st->failures >= cfg->lockout_attempts && st->locked_until == 0))
		st->locked_until = lock_end(now,
		    cfg == NULL ? 900 : (int64_t)cfg->lockout_time);
}

void
lockout_success(struct mfa_user *u)
{
	if (u == NULL)
		return;
	u->state.failures = 0;
	u->state.locked_until = 0;
}

int
mfa_user_lock_status(const mfa_user_t *user, int64_t *until,
    unsigned *failures)
{
	const struct mfa_state	*st;
	int64_t			 now;
	int			 r;

	if (user == NULL)
		return MFA_ERR_INVAL;
	now = ctx_now(user->ctx);
	if ((r = lockout_check(user, now)) != MFA_OK &&
	    r != MFA_ERR_LOCKED)
		return r;
	st = &user->state;
	if (until != NULL)
		*until = r == MFA_ERR_LOCKED ? st->locked_until : 0;
	if (failures != NULL)
		*failures = lock_expired(st, now) ? 0 : st->failures;
	return r;
}
