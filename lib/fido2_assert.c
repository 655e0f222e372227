/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FIDO2 login: finds a connected key holding one of the user's active
 * credentials (a silent probe, no touch), then asks it for an
 * assertion over a fresh random challenge with user presence and, per
 * policy, user verification; checks the reply (credential, RP ID hash,
 * flags, signature, signature counter) and records the result in the
 * user's state file, lockout included.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <fido.h>

#include "internal.h"
#include "fido2_dl.h"

#define CDH_LEN		32
#define SIG_MAX		1024
#define AD_FLAGS	32
#define AD_COUNTER	33
#define NONE		((size_t)-1)
#define SOME		((size_t)-2)	/* holds one, not told which */

struct login {
	struct mfa_user		*u;
	const struct mfa_config	*cfg;
	char			 rp_id[MFA_RP_ID_MAX + 1];
	size_t			 idx[MFA_CREDS_MAX];	/* active creds */
	unsigned		 ids[MFA_CREDS_MAX];	/* their ids */
	size_t			 n;
	const struct fido2_devinfo *dev;
	int			 attempt;	/* a key was asked */
	int			 rehearse;	/* MFA_FIDO2_REHEARSE */
	int			 mute;		/* dev said nothing unasked */
	const char		*uncounted;	/* why a refusal is no guess */
};

static int
writable(const struct mfa_user *u)
{
	return u != NULL && (u->flags & MFA_OPEN_WRITE) != 0 &&
	    u->statefd >= 0;
}

static void
cred_name(const struct mfa_cred *c, char *out, size_t outlen)
{
	char	idshort[16];

	fido2_credid_short(c->credid, c->credid_len, idshort,
	    sizeof(idshort));
	(void)snprintf(out, outlen, "'%s' (credential %u, id %s)", c->label,
	    c->id, idshort);
}

static int
fail(const struct login *l, int r, const struct mfa_cred *c,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Logs a failed login with its reason; returns r. */
static int
fail(const struct login *l, int r, const struct mfa_cred *c,
    const char *fmt, ...)
{
	char	why[256], name[128];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c != NULL)
		cred_name(c, name, sizeof(name));
	else
		memcpy(name, "-", 2);
	mfa_log(l->u->ctx, r == MFA_ERR_CLONED ? LOG_ERR : LOG_NOTICE,
	    "user %s: fido2 login failed on %s, key %s: %s", l->u->name,
	    l->dev != NULL ? l->dev->desc : "-", name, why);
	return r;
}

/* A fresh assertion request over the credentials idx[0..n). */
static int
assert_new(const struct login *l, const size_t *idx, size_t n,
    fido_assert_t **out)
{
	fido_assert_t		*a;
	const struct mfa_cred	*c;
	unsigned char		 cdh[CDH_LEN];
	size_t			 i;
	int			 r = MFA_ERR_INVAL;

	if ((a = fido_assert_new()) == NULL)
		return MFA_ERR_NOMEM;
	if (random_bytes(cdh, sizeof(cdh)) != MFA_OK) {
		r = MFA_ERR_CRYPTO;
		goto out;
	}
	if (fido_assert_set_rp(a, l->rp_id) != FIDO_OK ||
	    fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) != FIDO_OK)
		goto out;
	for (i = 0; i < n; i++) {
		c = &l->u->creds[idx[i]];
		if (fido_assert_allow_cred(a, c->credid, c->credid_len) !=
		    FIDO_OK)
			goto out;
	}
	*out = a;
	a = NULL;
	r = MFA_OK;
out:
	wipe(cdh, sizeof(cdh));
	fido_assert_free(&a);
	return r;
}

/*
 * Which of idx[0..n) the reply is for: the credential id it names, or
 * the only one asked for when it names none (CTAP2 allows that).
 */
static size_t
reply_cred(const struct login *l, const fido_assert_t *a, const size_t *idx,
    size_t n)
{
	const struct mfa_cred	*c;
	const unsigned char	*id = fido_assert_id_ptr(a, 0);
	size_t			 len = fido_assert_id_len(a, 0), i;

	if (id == NULL || len == 0)
		return n == 1 ? 0 : NONE;
	for (i = 0; i < n; i++) {
		c = &l->u->creds[idx[i]];
		if (c->credid_len == len && ct_equal(c->credid, id, len))
			return i;
	}
	return NONE;
}

/*
 * Asks dev, without user presence, whether it holds one of the user's
 * credentials: MFA_OK with *which (NONE: the key cannot say without
 * a touch or user verification; SOME: it holds one but did not say
 * which; ask it with all), MFA_ERR_NOTFOUND, or the device's error.
 */
static int
probe(const struct login *l, fido_dev_t *dev, size_t *which)
{
	fido_assert_t	*a = NULL;
	size_t		 k;
	int64_t		 t0;
	int		 fr, r;

	if ((r = assert_new(l, l->idx, l->n, &a)) != MFA_OK)
		return r;
	if ((fr = fido_assert_set_up(a, FIDO_OPT_FALSE)) != FIDO_OK) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	t0 = fido2_now_ms();
	fr = fido_dev_get_assert(dev, a, NULL);
	/*
	 * A U2F key only checks a key handle without the touch; libfido2
	 * says so with this code when the key knows one (and names it,
	 * in its newer versions).
	 */
	if (fr == FIDO_ERR_USER_PRESENCE_REQUIRED) {
		k = reply_cred(l, a, l->idx, l->n);
		*which = k != NONE ? k : SOME;
		r = MFA_OK;
		goto out;
	}
	if (fr == FIDO_ERR_UNSUPPORTED_OPTION ||
	    fr == FIDO_ERR_INVALID_OPTION || fr == FIDO_ERR_PIN_REQUIRED ||
	    fr == FIDO_ERR_UP_REQUIRED) {
		*which = NONE;
		r = MFA_OK;
		goto out;
	}
	if (fr != FIDO_OK) {
		r = fido2_error(fr, fido2_now_ms() - t0,
		    l->cfg->fido2_timeout);
		if (r != MFA_ERR_NOTFOUND)
			(void)fail(l, r, NULL, "probe: %s", fido_strerr(fr));
		goto out;
	}
	if (fido_assert_count(a) != 1 ||
	    (k = reply_cred(l, a, l->idx, l->n)) == NONE) {
		r = fail(l, MFA_ERR_DEVICE, NULL, "probe: reply names no "
		    "credential asked for");
		goto out;
	}
	*which = k;
	r = MFA_OK;
out:
	fido_assert_free(&a);
	return r;
}

/*
 * Finds a connected key with one of the credentials and opens it: the
 * first that says so (*out, *which: an index into ids[], or SOME).
 * When none says so but some cannot
 * say without the PIN or a touch, MFA_OK with *out NULL and those keys'
 * indexes in maybe[0..*nmaybe), in the listed order (at most
 * FIDO2_DEVS_MAX, maybe's size).
 */
static int
find_key(struct login *l, struct fido2_devinfo *devs, size_t ndevs,
    fido_dev_t **out, size_t *which, size_t *maybe, size_t *nmaybe)
{
	fido_dev_t	*dev = NULL;
	size_t		 i, k = NONE;
	int		 r, err = MFA_ERR_NOTFOUND;

	*out = NULL;
	*nmaybe = 0;
	for (i = 0; i < ndevs; i++) {
		l->dev = &devs[i];
		if ((r = fido2_open(l->u->ctx, devs[i].path,
		    l->cfg->fido2_timeout, &dev)) == MFA_OK &&
		    (r = probe(l, dev, &k)) == MFA_OK) {
			if (k != NONE) {
				*which = k;
				*out = dev;
				return MFA_OK;
			}
			if (*nmaybe < FIDO2_DEVS_MAX)
				maybe[(*nmaybe)++] = i;
		}
		fido2_close(&dev);
		/* A key that holds none of them is the weakest news. */
		if (r != MFA_OK && err == MFA_ERR_NOTFOUND)
			err = r;
	}
	if (*nmaybe > 0) {
		*which = NONE;
		return MFA_OK;
	}
	l->dev = NULL;
	return err;
}

/* Checks a reply beyond what libfido2 checks; *counter on success. */
static int
reply_check(const struct login *l, const fido_assert_t *a,
    const struct mfa_cred *c, int want_uv, uint32_t *counter)
{
	unsigned char		 hash[SHA256_LEN];
	const unsigned char	*ad;
	size_t			 adlen, siglen;
	uint32_t		 cnt;

	if (fido2_authdata_raw(fido_assert_authdata_ptr(a, 0),
	    fido_assert_authdata_len(a, 0), &ad, &adlen) != MFA_OK)
		return fail(l, MFA_ERR_DEVICE, c, "malformed authenticator "
		    "data");
	siglen = fido_assert_sig_len(a, 0);
	if (fido_assert_sig_ptr(a, 0) == NULL || siglen == 0 ||
	    siglen > SIG_MAX)
		return fail(l, MFA_ERR_DEVICE, c, "signature of %zu bytes",
		    siglen);
	sha256(l->rp_id, strlen(l->rp_id), hash);
	if (!ct_equal(ad, hash, sizeof(hash)))
		return fail(l, MFA_ERR_BADSIG, c, "reply is for another RP "
		    "ID");
	if (ad[AD_FLAGS] != fido_assert_flags(a, 0))
		return fail(l, MFA_ERR_DEVICE, c, "inconsistent flags");
	if ((ad[AD_FLAGS] & FIDO2_FLAG_UP) == 0)
		return fail(l, MFA_ERR_BADSIG, c, "user presence flag not set");
	if (want_uv && (ad[AD_FLAGS] & FIDO2_FLAG_UV) == 0)
		return fail(l, MFA_ERR_UV, c, "user verification flag not "
		    "set");
	if ((ad[AD_FLAGS] & FIDO2_FLAG_AT) != 0)
		return fail(l, MFA_ERR_DEVICE, c, "attested credential data "
		    "in an assertion");
	cnt = (uint32_t)ad[AD_COUNTER] << 24 |
	    (uint32_t)ad[AD_COUNTER + 1] << 16 |
	    (uint32_t)ad[AD_COUNTER + 2] << 8 | ad[AD_COUNTER + 3];
	if (cnt != fido_assert_sigcount(a, 0))
		return fail(l, MFA_ERR_DEVICE, c, "inconsistent counter");
	*counter = cnt;
	return MFA_OK;
}

/*
 * The counter rule: a key that keeps a counter (stored or new value
 * non-zero) must increase it; with fido2_counter = require a key must
 * keep one.
 */
static int
counter_check(const struct login *l, const struct mfa_cred *c,
    uint64_t stored, uint32_t now)
{
	if (stored == 0 && now == 0) {
		if (l->cfg->fido2_counter == MFA_COUNTER_REQUIRE)
			return fail(l, MFA_ERR_CLONED, c, "the key keeps no "
			    "signature counter (fido2_counter = require)");
		return MFA_OK;
	}
	if ((uint64_t)now <= stored)
		return fail(l, MFA_ERR_CLONED, c, "signature counter %u not "
		    "above %llu: possibly a cloned key", now,
		    (unsigned long long)stored);
	return MFA_OK;
}

/*
 * After a wait on the user: the lock again, the store as it is now, and
 * cands[] (indexes into creds) for those of ids[0..nids) still active.
 */
static int
relock(struct login *l, const unsigned *ids, size_t nids, size_t *cands,
    size_t *ncands)
{
	const struct mfa_cred	*c;
	size_t			 i, j;
	int			 r;

	if ((r = store_relock(l->u)) != MFA_OK)
		return r;
	/* Locked out by another login meanwhile: ask nothing more. */
	if ((r = lockout_check(l->u, ctx_now(l->u->ctx))) != MFA_OK)
		return r;
	*ncands = 0;
	for (i = 0; i < nids; i++)
		for (j = 0; j < l->u->ncreds; j++) {
			c = &l->u->creds[j];
			if (c->id == ids[i] && c->type == MFA_CRED_FIDO2 &&
			    c->status == MFA_STATUS_ACTIVE)
				cands[(*ncands)++] = j;
		}
	if (*ncands == 0)
		return fail(l, MFA_ERR_NOTENROLLED, NULL, "the credential "
		    "was removed during the login");
	return MFA_OK;
}

/*
 * The touch: assertion on dev over the credentials ids[0..nids),
 * verified; *k the cred used.  The lock is let go while the user is
 * asked (PIN, touch message) and taken again before the key is.
 */
static int
assert_key(struct login *l, fido_dev_t *dev, const unsigned *ids,
    size_t nids, mfa_ui_fn *ui, void *arg, size_t *k, uint32_t *counter)
{
	fido_assert_t		*a = NULL;
	const struct mfa_cred	*c = NULL;
	struct mfa_state_cred	*sc;
	void			*pk = NULL;
	char			*pin = NULL;
	const char		*why = "";
	int64_t			 t0;
	size_t			 cands[MFA_CREDS_MAX], ncands = 0, which;
	int			 always = 0, fr, r, use_pin, use_uv;

	if ((r = fido2_uv_plan(l->u->ctx, dev, l->dev->desc, l->cfg->fido2_uv,
	    0, &use_pin, &use_uv)) != MFA_OK)
		goto out;
	/*
	 * Nothing planned, and the key would not answer the silent probe:
	 * it may be one with alwaysUv, which answers nothing unverified.
	 * Such a key is verified whatever fido2_uv says, as WebAuthn
	 * clients do; one with no PIN set is refused before any touch.
	 * Asked only here, as it costs a round trip: a key that answered
	 * the probe has no alwaysUv worth asking about.
	 */
	if (!use_pin && !use_uv && l->mute) {
		if ((r = fido2_always_uv(l->u->ctx, dev, l->dev->desc,
		    &always)) != MFA_OK)
			goto out;
		if (always && (r = fido2_uv_plan(l->u->ctx, dev, l->dev->desc,
		    l->cfg->fido2_uv, 1, &use_pin, &use_uv)) != MFA_OK)
			goto out;
	}
	store_unlock(l->u);
	if (use_pin &&
	    (r = fido2_ask_pin(ui, arg, l->dev->desc, &pin)) != MFA_OK) {
		if (r == MFA_ERR_BADPIN) {
			l->attempt = 1;
			(void)fail(l, r, NULL, "PIN of a length no key "
			    "accepts");
		}
		goto out;
	}
	if ((r = fido2_ask_touch(ui, arg, l->dev->desc)) != MFA_OK)
		goto out;
	/* A rehearsal ends here: the PIN is never sent. */
	if (l->rehearse) {
		r = MFA_ERR_STATE;
		goto out;
	}
	if ((r = relock(l, ids, nids, cands, &ncands)) != MFA_OK)
		goto out;
	if ((r = assert_new(l, cands, ncands, &a)) != MFA_OK)
		goto out;
	if (fido_assert_set_up(a, FIDO_OPT_TRUE) != FIDO_OK ||
	    fido_assert_set_uv(a, use_uv ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) !=
	    FIDO_OK) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	l->attempt = 1;
	t0 = fido2_now_ms();
	fr = fido_dev_get_assert(dev, a, pin);
	mfa_secret_free(&pin);
	if (fr != FIDO_OK) {
		r = fido2_error(fr, fido2_now_ms() - t0,
		    l->cfg->fido2_timeout);
		/*
		 * Refusals that say nothing about the person, not counted:
		 * a key that insists on the PIN or built-in verification
		 * where none was asked for (fido2_uv = discouraged), one
		 * that wants its PIN where its built-in verification was
		 * asked for, one whose built-in verification is blocked
		 * (no finger checked), and a key whose PIN is blocked,
		 * which checks no PIN at all.  A finger the key does not
		 * recognise counts, as a wrong PIN does.
		 */
		if (r == MFA_ERR_UV && !use_pin && !use_uv)
			l->uncounted = l->cfg->fido2_uv == MFA_UV_DISCOURAGED ?
			    " (the key wants user verification, which "
			    "fido2_uv = discouraged does not ask for)" :
			    " (the key wants user verification and has no "
			    "PIN set)";
		else if (fr == FIDO_ERR_PIN_REQUIRED && use_uv)
			l->uncounted = " (the key wants its PIN, not its "
			    "built-in verification)";
		else if (fr == FIDO_ERR_UV_BLOCKED)
			l->uncounted = " (built-in verification blocked: no "
			    "finger checked; the next login asks for the PIN "
			    "if the key has one)";
		else if (fr == FIDO_ERR_UV_INVALID)
			why = " (built-in verification failed: finger not "
			    "recognised)";
		else if (fr == FIDO_ERR_PIN_BLOCKED)
			l->uncounted = " (no PIN tries left: the key must be "
			    "reset and registered again)";
		else if (fr == FIDO_ERR_PIN_AUTH_BLOCKED)
			l->uncounted = " (PIN blocked until the key is "
			    "plugged in again)";
		(void)fail(l, r, ncands == 1 ? &l->u->creds[cands[0]] : NULL,
		    "%s%s", r == MFA_ERR_TIMEOUT ? "no touch in time" :
		    fido_strerr(fr), l->uncounted != NULL ? l->uncounted :
		    why);
		goto out;
	}
	if (fido_assert_count(a) != 1 ||
	    (which = reply_cred(l, a, cands, ncands)) == NONE) {
		r = fail(l, MFA_ERR_DEVICE, NULL, "reply names no credential "
		    "asked for");
		goto out;
	}
	c = &l->u->creds[cands[which]];
	if ((r = reply_check(l, a, c, use_pin || use_uv ||
	    l->cfg->fido2_uv == MFA_UV_REQUIRED, counter)) != MFA_OK)
		goto out;
	/* Make libfido2 check the flags too, then the signature. */
	if ((r = fido2_pk_load(c->fido2_alg, c->pubkey, c->pubkey_len,
	    &pk)) != MFA_OK) {
		r = fail(l, MFA_ERR_FORMAT, c, "stored public key unusable");
		goto out;
	}
	if (fido_assert_set_up(a, FIDO_OPT_TRUE) != FIDO_OK ||
	    fido_assert_set_uv(a, (use_pin || use_uv) ? FIDO_OPT_TRUE :
	    FIDO_OPT_OMIT) != FIDO_OK) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if ((fr = fido_assert_verify(a, 0, c->fido2_alg, pk)) != FIDO_OK) {
		r = fail(l, MFA_ERR_BADSIG, c, "assertion does not verify: %s",
		    fido_strerr(fr));
		goto out;
	}
	sc = state_cred(&l->u->state, c->id, 0);
	if ((r = counter_check(l, c, sc != NULL ? sc->counter : 0,
	    *counter)) != MFA_OK)
		goto out;
	*k = cands[which];
	r = MFA_OK;
out:
	mfa_secret_free(&pin);
	fido2_pk_free(c != NULL ? c->fido2_alg : 0, &pk);
	fido_assert_free(&a);
	return r;
}

/* Failures that count towards the lockout: a key said no. */
static int
counts(int r)
{
	return r == MFA_ERR_BADPIN || r == MFA_ERR_NOTFOUND ||
	    r == MFA_ERR_BADSIG || r == MFA_ERR_CLONED || r == MFA_ERR_UV;
}

/* Counts a failure and writes it; returns fail_r or the write's error. */
static int
record_failure(struct mfa_user *u, int64_t now, int fail_r)
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
	return fail_r;
}

int
mfa_user_fido2_login(mfa_user_t *user, int flags, mfa_ui_fn *ui, void *arg,
    unsigned *cred_id)
{
	struct login		 l;
	struct fido2_devinfo	*devs = NULL;
	struct mfa_state_cred	*sc;
	struct mfa_state	 saved;
	struct mfa_cred		*c;
	fido_dev_t		*dev = NULL;
	char			 name[128];
	size_t			 maybe[FIDO2_DEVS_MAX];
	size_t			 ndevs = 0, nmaybe = 0, i, which = NONE;
	size_t			 k = 0;
	uint32_t		 counter = 0;
	int64_t			 now;
	int			 r, r2;

	memset(&l, 0, sizeof(l));
	memset(&saved, 0, sizeof(saved));
	if (user == NULL || (flags & ~MFA_FIDO2_REHEARSE) != 0 ||
	    user->statefd < 0 || !user->locked)
		return MFA_ERR_INVAL;
	l.rehearse = (flags & MFA_FIDO2_REHEARSE) != 0;
	if (!l.rehearse && !writable(user))
		return MFA_ERR_INVAL;
	if ((l.cfg = ctx_config(user->ctx)) == NULL)
		return MFA_ERR_CONFIG;
	l.u = user;
	now = ctx_now(user->ctx);
	/* Locked: refuse without touching any key. */
	if ((r = lockout_check(user, now)) != MFA_OK)
		return r;
	for (i = 0; i < user->ncreds; i++)
		if (user->creds[i].type == MFA_CRED_FIDO2 &&
		    user->creds[i].status == MFA_STATUS_ACTIVE) {
			l.ids[l.n] = user->creds[i].id;
			l.idx[l.n++] = i;
		}
	if (l.n == 0)
		return MFA_ERR_NOTENROLLED;
	if ((r = fido2_rp_id(user->ctx, l.rp_id, sizeof(l.rp_id))) != MFA_OK)
		return r;

	if ((r = fido2_devices(user->ctx, &devs, &ndevs)) != MFA_OK)
		goto out;
	if (ndevs == 0) {
		mfa_log(user->ctx, LOG_INFO, "user %s: no security key "
		    "connected", user->name);
		r = MFA_ERR_NODEVICE;
		goto out;
	}
	if ((r = find_key(&l, devs, ndevs, &dev, &which, maybe,
	    &nmaybe)) != MFA_OK) {
		if (r == MFA_ERR_NOTFOUND && !l.rehearse) {
			l.attempt = 1;
			(void)fail(&l, r, NULL, "no connected key holds one "
			    "of the user's credentials");
		}
		goto counted;
	}
	if (dev != NULL) {
		if (which == SOME)
			r = assert_key(&l, dev, l.ids, l.n, ui, arg, &k,
			    &counter);
		else
			r = assert_key(&l, dev, &l.ids[which], 1, ui, arg, &k,
			    &counter);
		fido2_close(&dev);
	} else {
		/*
		 * Keys that cannot say without the PIN: each in turn, with
		 * all the credentials, until one holds one; a failure is
		 * counted once.
		 */
		l.mute = 1;
		for (i = 0, r = MFA_ERR_NOTFOUND; i < nmaybe &&
		    r == MFA_ERR_NOTFOUND; i++) {
			l.dev = &devs[maybe[i]];
			if ((r = fido2_open(user->ctx, l.dev->path,
			    l.cfg->fido2_timeout, &dev)) == MFA_OK)
				r = assert_key(&l, dev, l.ids, l.n, ui, arg,
				    &k, &counter);
			fido2_close(&dev);
		}
	}
counted:
	/*
	 * The PIN prompt may have waited long: a failure counts, a lock
	 * lasts and a use is dated from now, not from the start.
	 */
	now = ctx_now(user->ctx);
	if (r != MFA_OK) {
		/*
		 * Only an answer counts: no key, no touch, a broken reply
		 * or a key that cannot verify the user is not a guess; and
		 * nothing in a rehearsal.
		 */
		if (l.attempt && counts(r) && !l.rehearse &&
		    l.uncounted == NULL) {
			if ((r2 = store_relock(user)) != MFA_OK)
				r = r2;
			else
				r = record_failure(user, now, r);
		}
		goto out;
	}

	c = &user->creds[k];
	saved = user->state;
	if ((sc = state_cred(&user->state, c->id, 1)) == NULL) {
		r = MFA_ERR_LIMIT;
		goto out;
	}
	sc->counter = counter;
	sc->last_used = now < 0 ? 0 : now;
	lockout_success(user);
	/* Not durable, not accepted: the counter must never go back. */
	if ((r = store_commit_state(user)) != MFA_OK) {
		user->state = saved;
		goto out;
	}
	c->counter = counter;
	cred_name(c, name, sizeof(name));
	mfa_log(user->ctx, LOG_INFO, "user %s: fido2 login with key %s on "
	    "%s, counter %u", user->name, name, l.dev->desc, counter);
	if (cred_id != NULL)
		*cred_id = c->id;
	r = MFA_OK;
out:
	fido2_close(&dev);
	free(devs);
	wipe(&saved, sizeof(saved));
	/* The handle goes back as it came: locked. */
	if (!user->locked && (r2 = store_relock(user)) != MFA_OK)
		r = r2;
	return r;
}

int
mfa_user_fido2_verify(mfa_user_t *user, mfa_ui_fn *ui, void *arg,
    unsigned *cred_id)
{
	return mfa_user_fido2_login(user, 0, ui, arg, cred_id);
}
