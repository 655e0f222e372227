/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FIDO2 through libfido2, the parts shared by enrolment (fido2_enrol.c)
 * and login (fido2_assert.c): device enumeration and opening (which
 * load libfido2 first: fido2_dl.c), the RP ID, user verification
 * planning, the caller's prompts, and the mapping of libfido2 errors.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <fido.h>

#include "internal.h"
#include "fido2_dl.h"

#define RP_PREFIX	"pam://"
#define HOST_MAX	255
#define PIN_MIN		4	/* CTAP2: at least 4 code points */
#define PIN_MAX		63	/* CTAP2: at most 63 bytes */
#define AUTHDATA_MIN	37	/* rpIdHash, flags, signCount */
#define AUTHDATA_MAX	65535

/* Copies a device string for prompts and logs: printable ASCII only. */
static void
desc_copy(char *out, size_t outlen, const char *s)
{
	size_t	i, o = 0;

	for (i = 0; s != NULL && s[i] != '\0' && o + 1 < outlen; i++)
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
			out[o++] = s[i];
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

int
fido2_enumerate(const mfa_ctx_t *ctx, struct fido2_devinfo *devs,
    size_t max, size_t *n)
{
	fido_dev_info_t		*info = NULL;
	const fido_dev_info_t	*di;
	const char		*path;
	size_t			 found = 0, i, k = 0;
	int			 fr, r;

	if (devs == NULL || n == NULL || max == 0)
		return MFA_ERR_INVAL;
	if ((r = fido2_dl_load(ctx)) != MFA_OK)
		return r;
	if ((info = fido_dev_info_new(max)) == NULL)
		return MFA_ERR_NOMEM;
	if ((fr = fido_dev_info_manifest(info, max, &found)) != FIDO_OK) {
		mfa_log(ctx, LOG_ERR, "fido2: cannot list security keys: %s",
		    fido_strerr(fr));
		r = MFA_ERR_DEVICE;
		goto out;
	}
	for (i = 0; i < found && i < max; i++) {
		if ((di = fido_dev_info_ptr(info, i)) == NULL ||
		    (path = fido_dev_info_path(di)) == NULL ||
		    path[0] == '\0' ||
		    strlen(path) >= sizeof(devs[k].path))
			continue;
		memcpy(devs[k].path, path, strlen(path) + 1);
		desc_copy(devs[k].desc, sizeof(devs[k].desc),
		    fido_dev_info_product_string(di));
		if (devs[k].desc[0] == '\0')
			memcpy(devs[k].desc, "security key",
			    sizeof("security key"));
		k++;
	}
	*n = k;
	r = MFA_OK;
out:
	fido_dev_info_free(&info, max);
	return r;
}

int
mfa_fido2_present(mfa_ctx_t *ctx)
{
	struct fido2_devinfo	*devs;
	size_t			 n = 0;
	int			 r;

	if (ctx == NULL)
		return MFA_ERR_INVAL;
	/* With no list kept, fido2_devices() takes a fresh one. */
	fido2_devices_forget(ctx);
	r = fido2_devices(ctx, &devs, &n);
	/* Out of memory must not look like "no key": callers fail closed. */
	if (r == MFA_ERR_NOMEM)
		return r;
	if (r != MFA_OK || n == 0) {
		free(devs);
		return 0;
	}
	/* The login that follows at once opens these without listing. */
	ctx->fido2_devs = devs;
	ctx->fido2_ndevs = n;
	ctx->fido2_devs_ms = fido2_now_ms();
	return 1;
}

void
fido2_devices_forget(mfa_ctx_t *ctx)
{
	free(ctx->fido2_devs);
	ctx->fido2_devs = NULL;
	ctx->fido2_ndevs = 0;
	ctx->fido2_devs_ms = 0;
}

int
fido2_devices(mfa_ctx_t *ctx, struct fido2_devinfo **devsp, size_t *n)
{
	struct fido2_devinfo	*devs;
	int64_t			 age;
	int			 r;

	*devsp = NULL;
	*n = 0;
	if (ctx->fido2_devs != NULL) {
		age = fido2_now_ms() - ctx->fido2_devs_ms;
		if (age >= 0 && age < FIDO2_LIST_REUSE_MS) {
			/* Handed over: the caller frees it. */
			*devsp = ctx->fido2_devs;
			*n = ctx->fido2_ndevs;
			ctx->fido2_devs = NULL;
			ctx->fido2_ndevs = 0;
			return MFA_OK;
		}
		fido2_devices_forget(ctx);
	}
	if ((devs = calloc(FIDO2_DEVS_MAX, sizeof(*devs))) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = fido2_enumerate(ctx, devs, FIDO2_DEVS_MAX, n)) != MFA_OK) {
		free(devs);
		*n = 0;
		return r;
	}
	*devsp = devs;
	return MFA_OK;
}

int
fido2_open(const mfa_ctx_t *ctx, const char *path, unsigned timeout,
    struct fido_dev **out)
{
	fido_dev_t	*dev;
	int		 fr, r;

	if (path == NULL || out == NULL || timeout == 0 || timeout > 300)
		return MFA_ERR_INVAL;
	if ((r = fido2_dl_load(ctx)) != MFA_OK)
		return r;
	if ((dev = fido_dev_new()) == NULL)
		return MFA_ERR_NOMEM;
	if ((fr = fido_dev_open(dev, path)) != FIDO_OK) {
		mfa_log(ctx, LOG_ERR, "fido2: cannot open security key %s: %s",
		    path, fido_strerr(fr));
		fido_dev_free(&dev);
		return MFA_ERR_DEVICE;
	}
	if ((fr = fido_dev_set_timeout(dev, (int)timeout * 1000)) !=
	    FIDO_OK) {
		mfa_log(ctx, LOG_ERR, "fido2: cannot set a timeout on %s: %s",
		    path, fido_strerr(fr));
		r = MFA_ERR_DEVICE;
		goto fail;
	}
	*out = dev;
	return MFA_OK;
fail:
	(void)fido_dev_close(dev);
	fido_dev_free(&dev);
	return r;
}

void
fido2_close(struct fido_dev **devp)
{
	if (devp == NULL || *devp == NULL)
		return;
	(void)fido_dev_close(*devp);
	fido_dev_free(devp);
}

int
fido2_rp_id(const mfa_ctx_t *ctx, char *out, size_t outlen)
{
	const struct mfa_config	*cfg;
	char			 host[HOST_MAX + 1];
	size_t			 i;
	int			 n;

	if (out == NULL || outlen == 0)
		return MFA_ERR_INVAL;
	if ((cfg = ctx_config(ctx)) == NULL)
		return MFA_ERR_CONFIG;
	if (cfg->fido2_rp_id[0] != '\0') {
		n = snprintf(out, outlen, "%s", cfg->fido2_rp_id);
		return n < 0 || (size_t)n >= outlen ? MFA_ERR_TOOBIG : MFA_OK;
	}
	memset(host, 0, sizeof(host));
	if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
		mfa_log(ctx, LOG_ERR, "fido2: no host name for the default "
		    "RP ID; set fido2_rp_id");
		return MFA_ERR_CONFIG;
	}
	for (i = 0; host[i] != '\0'; i++)
		if ((unsigned char)host[i] <= 0x20 ||
		    (unsigned char)host[i] >= 0x7f) {
			mfa_log(ctx, LOG_ERR, "fido2: host name unusable in "
			    "the default RP ID; set fido2_rp_id");
			return MFA_ERR_CONFIG;
		}
	n = snprintf(out, outlen, "%s%s", RP_PREFIX, host);
	if (n < 0 || (size_t)n >= outlen || (size_t)n > MFA_RP_ID_MAX)
		return MFA_ERR_TOOBIG;
	return MFA_OK;
}

int64_t
fido2_now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
fido2_error(int fido_r, int64_t elapsed, unsigned timeout)
{
	switch (fido_r) {
	case FIDO_OK:
		return MFA_OK;
	case FIDO_ERR_PIN_INVALID:
	case FIDO_ERR_PIN_BLOCKED:
	case FIDO_ERR_PIN_AUTH_BLOCKED:
	case FIDO_ERR_PIN_POLICY_VIOLATION:
		return MFA_ERR_BADPIN;
	case FIDO_ERR_PIN_REQUIRED:
	case FIDO_ERR_PIN_NOT_SET:
	case FIDO_ERR_UV_BLOCKED:
	case FIDO_ERR_UV_INVALID:
		return MFA_ERR_UV;
	case FIDO_ERR_ACTION_TIMEOUT:
	case FIDO_ERR_USER_ACTION_TIMEOUT:
	case FIDO_ERR_OPERATION_DENIED:
	case FIDO_ERR_KEEPALIVE_CANCEL:
	case FIDO_ERR_UP_REQUIRED:
	case FIDO_ERR_USER_PRESENCE_REQUIRED:
		return MFA_ERR_TIMEOUT;
	case FIDO_ERR_NO_CREDENTIALS:
	case FIDO_ERR_INVALID_CREDENTIAL:
		return MFA_ERR_NOTFOUND;
	case FIDO_ERR_CREDENTIAL_EXCLUDED:
		return MFA_ERR_EXCLUDED;
	case FIDO_ERR_INVALID_SIG:
		return MFA_ERR_BADSIG;
	case FIDO_ERR_RX:
	case FIDO_ERR_TX:
		/* libfido2 says RX both for silence and for garbage. */
		if (elapsed + 250 >= (int64_t)timeout * 1000)
			return MFA_ERR_TIMEOUT;
		return MFA_ERR_DEVICE;
	default:
		return MFA_ERR_DEVICE;
	}
}

int
fido2_info_option(const fido_cbor_info_t *ci, const char *option)
{
	char * const	*name;
	const bool	*val;
	size_t		 i, n;

	if (ci == NULL)
		return 0;
	name = fido_cbor_info_options_name_ptr(ci);
	val = fido_cbor_info_options_value_ptr(ci);
	n = fido_cbor_info_options_len(ci);
	for (i = 0; name != NULL && val != NULL && i < n; i++)
		if (name[i] != NULL && strcmp(name[i], option) == 0)
			return val[i] ? 1 : 0;
	return 0;
}

int
fido2_always_uv(const mfa_ctx_t *ctx, struct fido_dev *dev, const char *desc,
    int *yes)
{
	fido_cbor_info_t	*ci;
	int			 fr, r;

	if (dev == NULL || yes == NULL)
		return MFA_ERR_INVAL;
	/* A U2F key has no options at all. */
	if (!fido_dev_is_fido2(dev)) {
		*yes = 0;
		return MFA_OK;
	}
	if ((ci = fido_cbor_info_new()) == NULL)
		return MFA_ERR_NOMEM;
	if ((fr = fido_dev_get_cbor_info(dev, ci)) != FIDO_OK) {
		mfa_log(ctx, LOG_ERR, "fido2: %s: cannot read the key's "
		    "options: %s", desc, fido_strerr(fr));
		r = MFA_ERR_DEVICE;
		goto out;
	}
	*yes = fido2_info_option(ci, "alwaysUv");
	r = MFA_OK;
out:
	fido_cbor_info_free(&ci);
	return r;
}

/*
 * Whether dev's built-in verification is blocked: getUVRetries (no
 * touch) says none are left.  A key that cannot say (CTAP 2.0) is taken
 * as not blocked; it says so itself when asked to verify.
 */
static int
uv_blocked(struct fido_dev *dev)
{
	int	n = -1;

	return fido_dev_get_uv_retry_count(dev, &n) == FIDO_OK && n == 0;
}

int
fido2_uv_plan(const mfa_ctx_t *ctx, struct fido_dev *dev, const char *desc,
    int policy, int always, int *pin, int *uv)
{
	int	blocked = 0;

	if (dev == NULL || pin == NULL || uv == NULL)
		return MFA_ERR_INVAL;
	*pin = 0;
	*uv = 0;
	/* A key with alwaysUv verifies, whatever the policy (as WebAuthn). */
	if (always)
		policy = MFA_UV_REQUIRED;
	if (policy == MFA_UV_DISCOURAGED)
		return MFA_OK;
	/*
	 * Built-in verification (a fingerprint) first, as WebAuthn clients
	 * do: nothing to type.  The PIN when the key has none, or when its
	 * own is blocked (no tries left: the key wants the PIN, and a right
	 * one unblocks it).
	 */
	if (fido_dev_has_uv(dev) && !(blocked = uv_blocked(dev)))
		*uv = 1;
	else if (fido_dev_has_pin(dev)) {
		*pin = 1;
		if (blocked)
			mfa_log(ctx, LOG_NOTICE, "fido2: %s: built-in user "
			    "verification blocked (no tries left): asking "
			    "for the PIN instead", desc);
	} else if (policy == MFA_UV_REQUIRED) {
		if (blocked)
			mfa_log(ctx, LOG_NOTICE, "fido2: %s: user verification "
			    "required but the key's built-in verification is "
			    "blocked (no tries left) and it has no PIN set",
			    desc);
		else if (always)
			mfa_log(ctx, LOG_NOTICE, "fido2: %s: the key insists "
			    "on user verification (alwaysUv) but has no PIN "
			    "set (set one with fido2-token -S)", desc);
		else if (fido_dev_supports_pin(dev))
			mfa_log(ctx, LOG_NOTICE, "fido2: %s: user verification "
			    "required but the key has no PIN set (set one "
			    "with fido2-token -S)", desc);
		else
			mfa_log(ctx, LOG_NOTICE, "fido2: %s: user verification "
			    "required but the key supports neither a PIN "
			    "nor built-in verification", desc);
		return MFA_ERR_UV;
	}
	return MFA_OK;
}

/* A callback's error as ours: negative codes pass, others are INVAL. */
static int
ui_error(int r)
{
	return r < 0 ? r : MFA_ERR_INVAL;
}

int
fido2_ask_pin(mfa_ui_fn *ui, void *arg, const char *desc, char **pin)
{
	char	*answer = NULL;
	size_t	 n;
	int	 r;

	if (pin == NULL)
		return MFA_ERR_INVAL;
	if (ui == NULL)
		return MFA_ERR_UV;	/* nobody to ask */
	if ((r = ui(arg, MFA_UI_PIN, desc, &answer)) != 0) {
		mfa_secret_free(&answer);
		return ui_error(r);
	}
	if (answer == NULL)
		return MFA_ERR_BADPIN;
	n = strnlen(answer, PIN_MAX + 1);
	if (n < PIN_MIN || n > PIN_MAX) {
		mfa_secret_free(&answer);
		return MFA_ERR_BADPIN;
	}
	*pin = answer;
	return MFA_OK;
}

int
fido2_ask_touch(mfa_ui_fn *ui, void *arg, const char *desc)
{
	char	*answer = NULL;
	int	 r;

	if (ui == NULL)
		return MFA_OK;
	r = ui(arg, MFA_UI_TOUCH, desc, &answer);
	mfa_secret_free(&answer);
	return r != 0 ? ui_error(r) : MFA_OK;
}

int
fido2_authdata_raw(const unsigned char *cbor, size_t len,
    const unsigned char **raw, size_t *rawlen)
{
	size_t	hdr, n;

	if (cbor == NULL || raw == NULL || rawlen == NULL || len < 1)
		return MFA_ERR_DEVICE;
	/* A definite-length CBOR byte string (major type 2). */
	if (cbor[0] >= 0x40 && cbor[0] <= 0x57) {
		hdr = 1;
		n = cbor[0] - 0x40u;
	} else if (cbor[0] == 0x58 && len >= 2) {
		hdr = 2;
		n = cbor[1];
	} else if (cbor[0] == 0x59 && len >= 3) {
		hdr = 3;
		n = (size_t)cbor[1] << 8 | cbor[2];
	} else
		return MFA_ERR_DEVICE;
	if (n < AUTHDATA_MIN || n > AUTHDATA_MAX || len - hdr != n)
		return MFA_ERR_DEVICE;
	*raw = cbor + hdr;
	*rawlen = n;
	return MFA_OK;
}
