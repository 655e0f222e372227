/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TOTP enrolment (add, confirm) and verification at login, with the
 * lockout bookkeeping that goes with it.  Enrolment rewrites the
 * credentials file atomically; verification only ever writes the state
 * file in place, so it keeps working on a full disk.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "internal.h"

#define TOTP_PERIOD	30

static int
writable(const struct mfa_user *u)
{
	return u != NULL && (u->flags & MFA_OPEN_WRITE) != 0 &&
	    u->statefd >= 0;
}

/* Printable text of 1..max bytes (UTF-8 allowed, no controls). */
static int
text_ok(const char *s, size_t max)
{
	size_t	i, n = strnlen(s, max + 1);

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return 0;
	return 1;
}

int
mfa_issuer_check(const char *issuer)
{
	/* ':' separates the issuer from the account in the URI's label. */
	if (issuer == NULL || !text_ok(issuer, MFA_ISSUER_MAX) ||
	    strchr(issuer, ':') != NULL)
		return MFA_ERR_INVAL;
	return MFA_OK;
}

int
mfa_user_totp_add(mfa_user_t *user, const char *label, const char *issuer,
    int algorithm, unsigned digits, unsigned *id, char **uri)
{
	const struct mfa_config	*cfg;
	struct mfa_state_cred	*sc;
	struct mfa_cred		*c = NULL;
	char			*u_uri = NULL;
	int			 r;

	if (!writable(user) || id == NULL)
		return MFA_ERR_INVAL;
	if ((cfg = ctx_config(user->ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if (label == NULL)
		label = "totp";
	if (issuer == NULL)
		issuer = cfg->totp_issuer;
	if (algorithm == -1)
		algorithm = cfg->totp_algorithm;
	if (digits == 0)
		digits = cfg->totp_digits;
	if (!text_ok(label, MFA_LABEL_MAX) ||
	    (issuer[0] != '\0' && mfa_issuer_check(issuer) != MFA_OK) ||
	    algorithm < MFA_TOTP_SHA1 || algorithm > MFA_TOTP_SHA512 ||
	    digits < 6 || digits > MFA_CODE_MAX)
		return MFA_ERR_INVAL;
	if (user->ncreds >= MFA_CREDS_MAX || user->next_id == UINT_MAX)
		return MFA_ERR_LIMIT;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return MFA_ERR_NOMEM;
	c->id = user->next_id;
	c->type = MFA_CRED_TOTP;
	c->status = MFA_STATUS_PENDING;
	memcpy(c->label, label, strlen(label) + 1);
	c->created = ctx_now(user->ctx);
	if (c->created < 0)
		c->created = 0;
	c->algorithm = algorithm;
	c->digits = digits;
	c->period = TOTP_PERIOD;
	if ((r = totp_secret_generate(c)) != MFA_OK)
		goto out;
	if (uri != NULL &&
	    (r = otpauth_uri(c, user->name, issuer, &u_uri)) != MFA_OK)
		goto out;

	/*
	 * A state record with this id can only be a leftover from a store
	 * that was deleted by hand; it must not carry over to a new secret.
	 */
	if ((sc = state_cred(&user->state, c->id, 0)) != NULL) {
		sc->last_step = 0;
		sc->counter = 0;
		sc->last_used = 0;
		if ((r = store_commit_state(user)) != MFA_OK)
			goto out;
	}

	user->creds[user->ncreds++] = *c;
	user->next_id++;
	if ((r = store_commit(user)) != MFA_OK) {
		user->next_id--;
		user->ncreds--;
		wipe(&user->creds[user->ncreds], sizeof(user->creds[0]));
		goto out;
	}
	mfa_log(user->ctx, LOG_INFO, "user %s: totp credential %u added "
	    "(pending)", user->name, c->id);
	*id = c->id;
	if (uri != NULL) {
		*uri = u_uri;
		u_uri = NULL;
	}
	r = MFA_OK;
out:
	mfa_secret_free(&u_uri);
	wipe(c, sizeof(*c));
	free(c);
	return r;
}

int
mfa_user_totp_confirm(mfa_user_t *user, unsigned id, const char *code)
{
	const struct mfa_config	*cfg;
	struct mfa_state_cred	*sc;
	struct mfa_cred		*c = NULL;
	struct mfa_state	 saved;
	char			 norm[MFA_CODE_MAX + 1];
	uint64_t		 step, after;
	size_t			 i;
	int			 r;

	memset(norm, 0, sizeof(norm));
	memset(&saved, 0, sizeof(saved));
	if (!writable(user) || code == NULL)
		return MFA_ERR_INVAL;
	if ((cfg = ctx_config(user->ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if (id == 0) {
		for (i = 0; i < user->ncreds; i++) {
			if (user->creds[i].type != MFA_CRED_TOTP ||
			    user->creds[i].status != MFA_STATUS_PENDING)
				continue;
			if (c != NULL)
				return MFA_ERR_INVAL;	/* ambiguous */
			c = &user->creds[i];
		}
		if (c == NULL)
			return MFA_ERR_NOTFOUND;
	} else if ((c = store_cred(user, id)) == NULL ||
	    c->type != MFA_CRED_TOTP)
		return MFA_ERR_NOTFOUND;
	if (c->status != MFA_STATUS_PENDING)
		return MFA_ERR_STATE;

	if ((r = mfa_code_normalize(code, c->digits, norm)) != MFA_OK)
		goto out;
	sc = state_cred(&user->state, c->id, 0);
	after = sc != NULL ? sc->last_step : 0;
	if ((r = totp_match(c, norm, ctx_now(user->ctx), cfg->totp_window,
	    after, &step)) != MFA_OK)
		goto out;

	/* Burn the code first: it must never be accepted again. */
	saved = user->state;
	if ((sc = state_cred(&user->state, c->id, 1)) == NULL) {
		r = MFA_ERR_LIMIT;
		goto out;
	}
	sc->last_step = step;
	if ((r = store_commit_state(user)) != MFA_OK) {
		user->state = saved;
		goto out;
	}
	c->status = MFA_STATUS_ACTIVE;
	if ((r = store_commit(user)) != MFA_OK) {
		c->status = MFA_STATUS_PENDING;
		goto out;
	}
	mfa_log(user->ctx, LOG_INFO, "user %s: totp credential %u "
	    "confirmed", user->name, c->id);
	r = MFA_OK;
out:
	wipe(norm, sizeof(norm));
	wipe(&saved, sizeof(saved));
	return r;
}

/* Counts a failure and writes it; returns fail, or the write's error. */
static int
record_failure(struct mfa_user *u, int64_t now, int fail)
{
	int	r;

	lockout_fail(u, now);
	if ((r = store_commit_state(u)) != MFA_OK) {
		mfa_log(u->ctx, LOG_ERR, "user %s: cannot record a failed "
		    "attempt", u->name);
		return r;
	}
	if (lockout_check(u, now) == MFA_ERR_LOCKED)
		mfa_log(u->ctx, LOG_NOTICE, "user %s: locked out after %u "
		    "failures", u->name, u->state.failures);
	return fail;
}

int
mfa_user_totp_verify(mfa_user_t *user, const char *code, unsigned *cred_id)
{
	const struct mfa_config	*cfg;
	struct mfa_state_cred	*sc;
	struct mfa_cred		*c, *match = NULL;
	struct mfa_state	 saved;
	char			 norm[MFA_CODE_MAX + 1];
	uint64_t		 step = 0, s;
	int64_t			 now;
	size_t			 i;
	int			 r, active = 0, wellformed = 0, replay = 0;

	memset(norm, 0, sizeof(norm));
	memset(&saved, 0, sizeof(saved));
	if (!writable(user) || code == NULL)
		return MFA_ERR_INVAL;
	if ((cfg = ctx_config(user->ctx)) == NULL)
		return MFA_ERR_CONFIG;
	now = ctx_now(user->ctx);
	/* Locked: refuse without looking at the code (not consumed). */
	if ((r = lockout_check(user, now)) != MFA_OK)
		return r;

	for (i = 0; i < user->ncreds; i++) {
		c = &user->creds[i];
		/* Pending credentials never authenticate. */
		if (c->type != MFA_CRED_TOTP ||
		    c->status != MFA_STATUS_ACTIVE)
			continue;
		active = 1;
		if (mfa_code_normalize(code, c->digits, norm) != MFA_OK)
			continue;
		wellformed = 1;
		sc = state_cred(&user->state, c->id, 0);
		r = totp_match(c, norm, now, cfg->totp_window,
		    sc != NULL ? sc->last_step : 0, &s);
		wipe(norm, sizeof(norm));
		if (r == MFA_OK) {
			if (match == NULL) {
				match = c;
				step = s;
			}
		} else if (r == MFA_ERR_REPLAY)
			replay = 1;
		else if (r != MFA_ERR_BADCODE)
			goto out;	/* internal error: deny, not counted */
	}
	if (!active) {
		r = MFA_ERR_NOTENROLLED;
		goto out;
	}
	if (match == NULL) {
		r = record_failure(user, now, replay ? MFA_ERR_REPLAY :
		    wellformed ? MFA_ERR_BADCODE : MFA_ERR_CODEFMT);
		goto out;
	}

	saved = user->state;
	if ((sc = state_cred(&user->state, match->id, 1)) == NULL) {
		r = MFA_ERR_LIMIT;
		goto out;
	}
	sc->last_step = step;
	sc->last_used = now < 0 ? 0 : now;
	lockout_success(user);
	/* Not durable, not accepted: otherwise the code could be replayed. */
	if ((r = store_commit_state(user)) != MFA_OK) {
		user->state = saved;
		goto out;
	}
	if (cred_id != NULL)
		*cred_id = match->id;
	r = MFA_OK;
out:
	wipe(norm, sizeof(norm));
	wipe(&saved, sizeof(saved));
	return r;
}

int
mfa_user_record_failure(mfa_user_t *user)
{
	int64_t	now;
	int	r;

	if (!writable(user))
		return MFA_ERR_INVAL;
	if (ctx_config(user->ctx) == NULL)
		return MFA_ERR_CONFIG;
	now = ctx_now(user->ctx);
	if ((r = lockout_check(user, now)) != MFA_OK)
		return r;
	return record_failure(user, now, MFA_OK);
}

int
mfa_user_unlock(mfa_user_t *user)
{
	struct mfa_state	saved;
	int			r;

	if (!writable(user))
		return MFA_ERR_INVAL;
	saved = user->state;
	lockout_success(user);
	if ((r = store_commit_state(user)) != MFA_OK)
		user->state = saved;
	else
		mfa_log(user->ctx, LOG_NOTICE, "user %s: unlocked",
		    user->name);
	wipe(&saved, sizeof(saved));
	return r;
}
