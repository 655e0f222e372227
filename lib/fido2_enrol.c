/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FIDO2 enrolment: makes a non-resident credential on a security key
 * for the configured RP ID, checks the reply, its attestation and the
 * configured allow-lists (AAGUIDs, attestation CAs), and stores the
 * credential.  Every rejection logs why and returns its own code.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fido.h>

#include "internal.h"
#include "fido2_dl.h"

#define CDH_LEN		32
#define USER_ID_LEN	32
#define RP_NAME		"pam_mfa"
#define CA_FILE_MAX	(1024 * 1024)
/* authenticator data of a registration: rpIdHash flags signCount
 * aaguid credIdLen credId ... */
#define AD_FLAGS	32
#define AD_ATTCRED	37

struct enrol {
	struct mfa_user		*u;
	const struct mfa_config	*cfg;
	char			 rp_id[MFA_RP_ID_MAX + 1];
	struct fido2_devinfo	 dev;
};

static int
writable(const struct mfa_user *u)
{
	return u != NULL && (u->flags & MFA_OPEN_WRITE) != 0 &&
	    u->statefd >= 0;
}

static int
label_ok(const char *s)
{
	size_t	i, n = strnlen(s, MFA_LABEL_MAX + 1);

	if (n == 0 || n > MFA_LABEL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return 0;
	return 1;
}

static int
reject(const struct enrol *e, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Logs "user U: security key D rejected: WHY" and returns r. */
static int
reject(const struct enrol *e, int r, const char *fmt, ...)
{
	char	why[256];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	mfa_log(e->u->ctx, LOG_NOTICE, "user %s: security key %s rejected: "
	    "%s", e->u->name, e->dev.desc, why);
	return r;
}

/* Reads the CA bundle (an admin file: root's, not writable by others). */
static int
ca_store_load(const struct enrol *e, X509_STORE **out)
{
	STACK_OF(X509_INFO)	*infos = NULL;
	X509_INFO		*xi;
	X509_STORE		*store = NULL;
	struct stat		 sb;
	BIO			*bio = NULL;
	char			*buf = NULL;
	size_t			 len = 0, ncerts = 0;
	ssize_t			 n;
	int			 fd = -1, i, r = MFA_ERR_CONFIG;

	fd = open(e->cfg->fido2_ca, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		mfa_log(e->u->ctx, LOG_ERR, "fido2_ca %s: %s",
		    e->cfg->fido2_ca, mfa_log_errno(e->u->ctx, errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_uid != 0 ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    sb.st_size > CA_FILE_MAX) {
		mfa_log(e->u->ctx, LOG_ERR, "fido2_ca %s: not a root-owned "
		    "regular file of at most %d bytes, unwritable by others",
		    e->cfg->fido2_ca, CA_FILE_MAX);
		goto out;
	}
	if ((buf = malloc(CA_FILE_MAX + 1)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		n = read(fd, buf + len, CA_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mfa_log(e->u->ctx, LOG_ERR, "fido2_ca %s: %s",
			    e->cfg->fido2_ca, mfa_log_errno(e->u->ctx, errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CA_FILE_MAX)
			goto out;
	}
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL ||
	    (store = X509_STORE_new()) == NULL) {
		r = MFA_ERR_CRYPTO;
		goto out;
	}
	infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	for (i = 0; infos != NULL && i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 == NULL)
			continue;
		if (X509_STORE_add_cert(store, xi->x509) != 1) {
			r = MFA_ERR_CRYPTO;
			goto out;
		}
		ncerts++;
	}
	if (ncerts == 0) {
		mfa_log(e->u->ctx, LOG_ERR, "fido2_ca %s: no PEM certificate",
		    e->cfg->fido2_ca);
		goto out;
	}
	*out = store;
	store = NULL;
	r = MFA_OK;
out:
	if (infos != NULL)
		sk_X509_INFO_pop_free(infos, X509_INFO_free);
	X509_STORE_free(store);
	BIO_free(bio);
	free(buf);
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
	return r;
}

/* The attestation certificate must chain to the fido2_ca bundle. */
static int
ca_check(const struct enrol *e, const unsigned char *der, size_t len)
{
	X509_STORE	*store = NULL;
	X509_STORE_CTX	*sctx = NULL;
	X509		*leaf = NULL;
	const unsigned char *p = der;
	int		 r;

	if ((r = ca_store_load(e, &store)) != MFA_OK)
		return r;
	if (len > INT_MAX || (leaf = d2i_X509(NULL, &p, (long)len)) == NULL ||
	    p != der + len) {
		r = reject(e, MFA_ERR_ATTEST, "attestation certificate does "
		    "not parse");
		goto out;
	}
	if ((sctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(sctx, store, leaf, NULL) != 1) {
		r = MFA_ERR_CRYPTO;
		goto out;
	}
	if (X509_verify_cert(sctx) != 1) {
		r = reject(e, MFA_ERR_ATTEST, "attestation certificate does "
		    "not chain to fido2_ca: %s", X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(sctx)));
		goto out;
	}
	r = MFA_OK;
out:
	X509_STORE_CTX_free(sctx);
	X509_free(leaf);
	X509_STORE_free(store);
	ERR_clear_error();
	return r;
}

/*
 * Attestation: x5c (full) must verify and, with fido2_ca, chain to it;
 * without x5c (self) the credential key must have signed it; "none"
 * passes only with fido2_attestation = any and no fido2_ca.
 */
static int
attest_check(const struct enrol *e, const fido_cred_t *cred)
{
	const char	*fmt = fido_cred_fmt(cred);
	int		 verified = e->cfg->fido2_attestation ==
	    MFA_ATTEST_VERIFIED, ca = e->cfg->fido2_ca[0] != '\0', fr;

	if (fmt == NULL)
		return reject(e, MFA_ERR_DEVICE, "no attestation format");
	if (fido_cred_x5c_len(cred) > 0) {
		if ((fr = fido_cred_verify(cred)) != FIDO_OK) {
			if (verified || ca)
				return reject(e, MFA_ERR_ATTEST, "attestation "
				    "(%s, certificate) does not verify: %s",
				    fmt, fido_strerr(fr));
			mfa_log(e->u->ctx, LOG_WARNING, "user %s: security "
			    "key %s: attestation does not verify (accepted: "
			    "fido2_attestation = any)", e->u->name,
			    e->dev.desc);
		}
		if (ca)
			return ca_check(e, fido_cred_x5c_ptr(cred),
			    fido_cred_x5c_len(cred));
		return MFA_OK;
	}
	if (ca)
		return reject(e, MFA_ERR_ATTEST, "no attestation certificate "
		    "(format %s) but fido2_ca is set", fmt);
	if (strcmp(fmt, "none") == 0) {
		if (verified)
			return reject(e, MFA_ERR_ATTEST, "no attestation "
			    "(format none)");
		/* The key's model is unproven: pam_mfa.conf(5) says so. */
		mfa_log(e->u->ctx, LOG_WARNING, "user %s: security key %s: "
		    "no attestation (format none; accepted: "
		    "fido2_attestation = any)", e->u->name, e->dev.desc);
		return MFA_OK;
	}
	if ((fr = fido_cred_verify_self(cred)) != FIDO_OK) {
		if (verified)
			return reject(e, MFA_ERR_ATTEST, "self attestation "
			    "(%s) does not verify: %s", fmt, fido_strerr(fr));
		mfa_log(e->u->ctx, LOG_WARNING, "user %s: security key %s: "
		    "self attestation does not verify (accepted: "
		    "fido2_attestation = any)", e->u->name, e->dev.desc);
	}
	return MFA_OK;
}

/* Checks the registration's authenticator data ourselves. */
static int
authdata_check(const struct enrol *e, const fido_cred_t *cred, int want_uv)
{
	unsigned char		 hash[SHA256_LEN];
	const unsigned char	*ad = fido_cred_authdata_raw_ptr(cred);
	size_t			 len = fido_cred_authdata_raw_len(cred);

	if (ad == NULL || len < AD_ATTCRED + MFA_AAGUID_LEN + 2)
		return reject(e, MFA_ERR_DEVICE, "authenticator data too "
		    "short");
	sha256(e->rp_id, strlen(e->rp_id), hash);
	if (!ct_equal(ad, hash, sizeof(hash)))
		return reject(e, MFA_ERR_DEVICE, "reply is for another RP ID");
	if ((ad[AD_FLAGS] & FIDO2_FLAG_UP) == 0)
		return reject(e, MFA_ERR_DEVICE, "user presence flag not set");
	if ((ad[AD_FLAGS] & FIDO2_FLAG_AT) == 0)
		return reject(e, MFA_ERR_DEVICE, "no attested credential");
	if (want_uv && (ad[AD_FLAGS] & FIDO2_FLAG_UV) == 0)
		return reject(e, MFA_ERR_UV, "user verification flag not set");
	if (ad[AD_FLAGS] != fido_cred_flags(cred))
		return reject(e, MFA_ERR_DEVICE, "inconsistent flags");
	return MFA_OK;
}

/*
 * Whether the key's refusal fr of its built-in verification is one the
 * PIN can stand in for: the key wants its PIN instead (a CTAP 2.0 key
 * with a PIN set may say so), or its built-in verification is blocked.
 */
static int
pin_instead(int fr)
{
	return fr == FIDO_ERR_PIN_REQUIRED || fr == FIDO_ERR_UV_BLOCKED;
}

/*
 * The key makes a credential of alg: *out.  quiet: a refusal for which
 * pin_instead() holds is returned (MFA_ERR_UV, the key's code in *fr)
 * without a log line, as the PIN is to be asked for next.
 */
static int
make_cred(const struct enrol *e, fido_dev_t *dev, int alg, int set_uv,
    int quiet, const char *pin, fido_cred_t **out, int *frp)
{
	fido_cred_t	*cred = NULL;
	unsigned char	 cdh[CDH_LEN], uid[USER_ID_LEN];
	const struct mfa_cred *c;
	int64_t		 t0;
	size_t		 i;
	int		 fr, r;

	if ((cred = fido_cred_new()) == NULL)
		return MFA_ERR_NOMEM;
	/*
	 * The user handle is random and not kept: the credential is not
	 * resident, and a random handle tells the key nothing about the
	 * account.
	 */
	if (random_bytes(cdh, sizeof(cdh)) != MFA_OK ||
	    random_bytes(uid, sizeof(uid)) != MFA_OK) {
		r = MFA_ERR_CRYPTO;
		goto out;
	}
	if (fido_cred_set_type(cred, alg) != FIDO_OK ||
	    fido_cred_set_clientdata_hash(cred, cdh, sizeof(cdh)) !=
	    FIDO_OK ||
	    fido_cred_set_rp(cred, e->rp_id, RP_NAME) != FIDO_OK ||
	    fido_cred_set_user(cred, uid, sizeof(uid), e->u->name,
	    e->u->name, NULL) != FIDO_OK ||
	    fido_cred_set_rk(cred, FIDO_OPT_FALSE) != FIDO_OK ||
	    fido_cred_set_uv(cred, set_uv ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) !=
	    FIDO_OK) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	/* Every key of the user, pending ones too, is excluded. */
	for (i = 0; i < e->u->ncreds; i++) {
		c = &e->u->creds[i];
		if (c->type == MFA_CRED_FIDO2 &&
		    fido_cred_exclude(cred, c->credid, c->credid_len) !=
		    FIDO_OK) {
			r = MFA_ERR_INVAL;
			goto out;
		}
	}
	t0 = fido2_now_ms();
	fr = fido_dev_make_cred(dev, cred, pin);
	*frp = fr;
	if (fr != FIDO_OK) {
		r = fr == FIDO_ERR_UNSUPPORTED_ALGORITHM ? MFA_ERR_NOTFOUND :
		    fido2_error(fr, fido2_now_ms() - t0, e->cfg->fido2_timeout);
		/* The caller asks for the PIN next. */
		if (quiet && pin_instead(fr))
			goto out;
		if (r == MFA_ERR_EXCLUDED)
			(void)reject(e, r, "already registered for this user");
		else if (fr == FIDO_ERR_UV_INVALID)
			(void)reject(e, r, "built-in user verification failed "
			    "(finger not recognised): %s", fido_strerr(fr));
		else if (r != MFA_ERR_NOTFOUND)
			(void)reject(e, r, "%s", fido_strerr(fr));
		goto out;
	}
	*out = cred;
	cred = NULL;
	r = MFA_OK;
out:
	wipe(cdh, sizeof(cdh));
	wipe(uid, sizeof(uid));
	fido_cred_free(&cred);
	return r;
}

/*
 * The key's getInfo: NULL in *out for a U2F key, which has none.  The
 * caller frees it.
 */
static int
get_info(const struct enrol *e, fido_dev_t *dev, fido_cbor_info_t **out)
{
	fido_cbor_info_t	*ci;
	int			 fr;

	*out = NULL;
	if (!fido_dev_is_fido2(dev))
		return MFA_OK;
	if ((ci = fido_cbor_info_new()) == NULL)
		return MFA_ERR_NOMEM;
	if ((fr = fido_dev_get_cbor_info(dev, ci)) != FIDO_OK) {
		fido_cbor_info_free(&ci);
		return reject(e, MFA_ERR_DEVICE, "cannot read its options: %s",
		    fido_strerr(fr));
	}
	*out = ci;
	return MFA_OK;
}

/*
 * Whether the key makes no credential without user verification, as
 * getInfo tells: CTAP 2.0 once its PIN is set; CTAP 2.1 once a PIN or
 * built-in verification is set up, unless makeCredUvNotRqd (which
 * covers a non-resident credential, ours); with alwaysUv, always.
 */
static int
makecred_needs_uv(const fido_cbor_info_t *ci)
{
	return fido2_info_option(ci, "alwaysUv") ||
	    ((fido2_info_option(ci, "clientPin") ||
	    fido2_info_option(ci, "uv")) &&
	    !fido2_info_option(ci, "makeCredUvNotRqd"));
}

/* The configured algorithms the key offers, by preference. */
static size_t
pick_algs(const struct enrol *e, fido_dev_t *dev, const fido_cbor_info_t *ci,
    int *algs)
{
	size_t			 i, j, n = 0, nci = 0;

	if (ci != NULL)
		nci = fido_cbor_info_algorithm_count(ci);
	for (i = 0; i < e->cfg->fido2_nalgs; i++) {
		/* A key that lists nothing (CTAP 2.0) is asked in turn. */
		for (j = 0; j < nci; j++)
			if (fido_cbor_info_algorithm_cose(ci, j) ==
			    e->cfg->fido2_algs[i])
				break;
		if (nci == 0 || j < nci)
			algs[n++] = e->cfg->fido2_algs[i];
	}
	/* U2F keys know ES256 only. */
	if (!fido_dev_is_fido2(dev)) {
		for (i = 0; i < n && algs[i] != MFA_COSE_ES256; i++)
			continue;
		n = i < n ? 1 : 0;
		algs[0] = MFA_COSE_ES256;
	}
	return n;
}

/* Fills c from a checked reply. */
static int
cred_from_reply(const struct enrol *e, const fido_cred_t *cred, int alg,
    struct mfa_cred *c)
{
	const struct mfa_cred	*o;
	size_t			 i, len;
	int			 r;

	if (fido_cred_type(cred) != alg)
		return reject(e, MFA_ERR_DEVICE, "credential of another "
		    "algorithm than asked for");
	len = fido_cred_id_len(cred);
	if (fido_cred_id_ptr(cred) == NULL || len == 0 ||
	    len > sizeof(c->credid))
		return reject(e, MFA_ERR_DEVICE, "credential id of %zu bytes",
		    len);
	for (i = 0; i < e->u->ncreds; i++) {
		o = &e->u->creds[i];
		if (o->type == MFA_CRED_FIDO2 && o->credid_len == len &&
		    ct_equal(o->credid, fido_cred_id_ptr(cred), len))
			return reject(e, MFA_ERR_EXCLUDED, "already registered "
			    "for this user (the key ignored the exclude "
			    "list)");
	}
	memcpy(c->credid, fido_cred_id_ptr(cred), len);
	c->credid_len = len;
	if (fido_cred_aaguid_len(cred) != MFA_AAGUID_LEN ||
	    fido_cred_aaguid_ptr(cred) == NULL)
		return reject(e, MFA_ERR_DEVICE, "no AAGUID");
	memcpy(c->aaguid, fido_cred_aaguid_ptr(cred), MFA_AAGUID_LEN);
	(void)hex_encode(c->aaguid, MFA_AAGUID_LEN, c->aaguid_hex,
	    sizeof(c->aaguid_hex));
	if (fido_cred_pubkey_ptr(cred) == NULL ||
	    (r = fido2_pubkey_der(alg, fido_cred_pubkey_ptr(cred),
	    fido_cred_pubkey_len(cred), c->pubkey, sizeof(c->pubkey),
	    &c->pubkey_len)) != MFA_OK)
		return reject(e, MFA_ERR_DEVICE, "unusable %s public key",
		    fido2_alg_name(alg));
	c->fido2_alg = alg;
	c->reg_up = (fido_cred_flags(cred) & FIDO2_FLAG_UP) != 0;
	c->reg_uv = (fido_cred_flags(cred) & FIDO2_FLAG_UV) != 0;
	return MFA_OK;
}

static int
aaguid_check(const struct enrol *e, const struct mfa_cred *c)
{
	size_t	i;

	if (e->cfg->fido2_naaguids == 0)
		return MFA_OK;
	for (i = 0; i < e->cfg->fido2_naaguids; i++)
		if (ct_equal(e->cfg->fido2_aaguids[i], c->aaguid,
		    MFA_AAGUID_LEN))
			return MFA_OK;
	return reject(e, MFA_ERR_ATTEST, "AAGUID %s is not in fido2_aaguids",
	    c->aaguid_hex);
}

/*
 * Adds c to the user: the state record (counter) first, then the
 * store.  If the store cannot be written, the state written stays as it
 * is (its sequence number has moved on); its record of a credential
 * that does not exist is dropped by the next state update, or
 * overwritten by the next enrolment, which gets the same id.
 */
static int
cred_store(struct mfa_user *u, const struct mfa_cred *c, uint32_t counter)
{
	struct mfa_state_cred	*sc;
	struct mfa_state	 saved;
	int			 r;

	saved = u->state;
	u->creds[u->ncreds++] = *c;
	u->next_id++;
	if ((sc = state_cred(&u->state, c->id, 1)) == NULL) {
		r = MFA_ERR_LIMIT;
		u->state = saved;
		goto fail;
	}
	/* A leftover record of a deleted store must not carry over. */
	sc->last_step = 0;
	sc->counter = counter;
	sc->last_used = 0;
	if ((r = store_commit_state(u)) != MFA_OK) {
		u->state = saved;	/* not written: seq unchanged */
		goto fail;
	}
	if ((r = store_commit(u)) != MFA_OK)
		goto fail;
	u->creds[u->ncreds - 1].counter = counter;
	wipe(&saved, sizeof(saved));
	return MFA_OK;
fail:
	u->next_id--;
	u->ncreds--;
	wipe(&u->creds[u->ncreds], sizeof(u->creds[0]));
	wipe(&saved, sizeof(saved));
	return r;
}

int
mfa_user_fido2_add(mfa_user_t *user, const char *device, const char *label,
    mfa_ui_fn *ui, void *arg, unsigned *id)
{
	struct enrol		 e;
	struct fido2_devinfo	*devs = NULL;
	struct mfa_cred		*c = NULL;
	fido_dev_t		*dev = NULL;
	fido_cred_t		*cred = NULL;
	fido_cbor_info_t	*ci = NULL;
	char			*pin = NULL, idshort[16];
	int			 algs[MFA_FIDO2_ALGS_MAX];
	size_t			 nalgs, ndevs = 0, i;
	int			 r, r2, use_pin, use_uv, needs_uv, alg = 0;
	int			 quiet, fr = FIDO_OK;

	memset(&e, 0, sizeof(e));
	if (!writable(user) || id == NULL)
		return MFA_ERR_INVAL;
	if ((e.cfg = ctx_config(user->ctx)) == NULL)
		return MFA_ERR_CONFIG;
	e.u = user;
	if (label == NULL)
		label = "fido2";
	if (!label_ok(label) || (device != NULL &&
	    (device[0] == '\0' || strlen(device) >= sizeof(e.dev.path))))
		return MFA_ERR_INVAL;
	if (user->ncreds >= MFA_CREDS_MAX || user->next_id == UINT_MAX)
		return MFA_ERR_LIMIT;
	if ((r = fido2_rp_id(user->ctx, e.rp_id, sizeof(e.rp_id))) != MFA_OK)
		return r;
	/* Before the first goto out: fido_cred_free() needs the library. */
	if ((r = fido2_dl_load(user->ctx)) != MFA_OK)
		return r;

	if ((devs = calloc(FIDO2_DEVS_MAX, sizeof(*devs))) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = fido2_enumerate(user->ctx, devs, FIDO2_DEVS_MAX, &ndevs)) !=
	    MFA_OK)
		goto out;
	if (device == NULL) {
		if (ndevs == 0) {
			mfa_log(user->ctx, LOG_NOTICE, "user %s: no security "
			    "key connected", user->name);
			r = MFA_ERR_NODEVICE;
			goto out;
		}
		e.dev = devs[0];
	} else {
		memcpy(e.dev.path, device, strlen(device) + 1);
		memcpy(e.dev.desc, "security key", sizeof("security key"));
		for (i = 0; i < ndevs; i++)
			if (strcmp(devs[i].path, device) == 0)
				e.dev = devs[i];
	}
	if ((r = fido2_open(user->ctx, e.dev.path, e.cfg->fido2_timeout,
	    &dev)) != MFA_OK)
		goto out;
	if ((r = get_info(&e, dev, &ci)) != MFA_OK)
		goto out;
	/*
	 * A key that would refuse to register without verification is
	 * verified whatever fido2_uv says, as WebAuthn clients do: its
	 * PIN is asked now rather than the registration failing.  The
	 * credential records the verification it had; logins under
	 * discouraged still ask none where the key allows.
	 */
	needs_uv = makecred_needs_uv(ci);
	if ((r = fido2_uv_plan(user->ctx, dev, e.dev.desc, e.cfg->fido2_uv,
	    needs_uv, &use_pin, &use_uv)) != MFA_OK)
		goto out;
	if (needs_uv && e.cfg->fido2_uv == MFA_UV_DISCOURAGED)
		mfa_log(user->ctx, LOG_INFO, "user %s: security key %s "
		    "registers only with user verification (fido2_uv = "
		    "discouraged notwithstanding)", user->name, e.dev.desc);
	if ((nalgs = pick_algs(&e, dev, ci, algs)) == 0) {
		r = reject(&e, MFA_ERR_ATTEST, "offers none of "
		    "fido2_algorithms");
		goto out;
	}
	for (;;) {
		/*
		 * Not locked while a person is asked (no login of the user
		 * waits on an unanswered prompt); locked again, and the
		 * store read anew, before the key is: the keys to exclude
		 * and the id are current.
		 */
		store_unlock(user);
		if (use_pin &&
		    (r = fido2_ask_pin(ui, arg, e.dev.desc, &pin)) != MFA_OK)
			goto out;
		if ((r = fido2_ask_touch(ui, arg, e.dev.desc)) != MFA_OK)
			goto out;
		if ((r = store_relock(user)) != MFA_OK)
			goto out;
		if (user->ncreds >= MFA_CREDS_MAX ||
		    user->next_id == UINT_MAX) {
			r = MFA_ERR_LIMIT;
			goto out;
		}
		/*
		 * A key that turns its built-in verification down (it
		 * wants its PIN, or the finger is blocked) is asked again,
		 * once, with the PIN, as WebAuthn clients and pamu2fcfg do.
		 */
		quiet = use_uv && fido_dev_has_pin(dev);
		/* An algorithm the key refuses fails before any touch. */
		for (i = 0, r = MFA_ERR_NOTFOUND; i < nalgs &&
		    r == MFA_ERR_NOTFOUND; i++) {
			alg = algs[i];
			r = make_cred(&e, dev, alg, use_pin || use_uv, quiet,
			    pin, &cred, &fr);
		}
		mfa_secret_free(&pin);
		if (!quiet || r != MFA_ERR_UV || !pin_instead(fr))
			break;
		mfa_log(user->ctx, LOG_NOTICE, "user %s: security key %s: "
		    "built-in user verification %s: asking for the PIN "
		    "instead", user->name, e.dev.desc,
		    fr == FIDO_ERR_UV_BLOCKED ? "blocked" : "turned down "
		    "(the key wants its PIN)");
		use_uv = 0;
		use_pin = 1;
	}
	if (r == MFA_ERR_NOTFOUND)
		r = reject(&e, MFA_ERR_ATTEST, "offers none of "
		    "fido2_algorithms");
	if (r != MFA_OK)
		goto out;

	if ((r = authdata_check(&e, cred, use_pin || use_uv)) != MFA_OK ||
	    (r = cred_from_reply(&e, cred, alg, c)) != MFA_OK ||
	    (r = attest_check(&e, cred)) != MFA_OK ||
	    (r = aaguid_check(&e, c)) != MFA_OK)
		goto out;
	if (e.cfg->fido2_uv == MFA_UV_REQUIRED && !c->reg_uv) {
		r = reject(&e, MFA_ERR_UV, "user verification not done");
		goto out;
	}

	c->id = user->next_id;
	c->type = MFA_CRED_FIDO2;
	c->status = MFA_STATUS_ACTIVE;
	memcpy(c->label, label, strlen(label) + 1);
	c->created = ctx_now(user->ctx);
	if (c->created < 0)
		c->created = 0;
	if ((r = cred_store(user, c, fido_cred_sigcount(cred))) != MFA_OK)
		goto out;
	fido2_credid_short(c->credid, c->credid_len, idshort,
	    sizeof(idshort));
	mfa_log(user->ctx, LOG_INFO, "user %s: fido2 credential %u added "
	    "(label %s, credential %s, %s, aaguid %s, %s attestation)",
	    user->name, c->id, c->label, idshort, fido2_alg_name(alg),
	    c->aaguid_hex, fido_cred_x5c_len(cred) > 0 ? "certificate" :
	    strcmp(fido_cred_fmt(cred), "none") == 0 ? "no" : "self");
	*id = c->id;
	r = MFA_OK;
out:
	mfa_secret_free(&pin);
	fido_cred_free(&cred);
	fido_cbor_info_free(&ci);
	fido2_close(&dev);
	free(devs);
	if (c != NULL) {
		wipe(c, sizeof(*c));
		free(c);
	}
	/* The handle goes back as it came: locked. */
	if (!user->locked && (r2 = store_relock(user)) != MFA_OK)
		r = r2;
	return r;
}
