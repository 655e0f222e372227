/* SPDX-License-Identifier: BSD-2-Clause */
/* The library context: configuration, store location, log, clock. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static int64_t
clock_real(void *arg)
{
	(void)arg;
	return (int64_t)time(NULL);
}

const char *
mfa_default_config(void)
{
	return MFA_CONFIG_FILE;
}

const char *
mfa_default_store(void)
{
	return MFA_STORE_DIR;
}

mfa_ctx_t *
mfa_ctx_new(void)
{
	mfa_ctx_t *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->store_dirfd = -1;
	if ((ctx->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0)) ==
	    (locale_t)0 ||
	    (ctx->config = calloc(1, sizeof(*ctx->config))) == NULL ||
	    config_defaults(ctx->config) != MFA_OK) {
		mfa_ctx_free(&ctx);
		return NULL;
	}
	ctx->clock_fn = clock_real;
	ctx->sync_mode = MFA_SYNC_EACH;
	return ctx;
}

static void
config_free(struct mfa_config **cfgp)
{
	if (*cfgp == NULL)
		return;
	config_release(*cfgp);
	free(*cfgp);
	*cfgp = NULL;
}

void
mfa_ctx_free(mfa_ctx_t **ctxp)
{
	mfa_ctx_t *ctx;

	if (ctxp == NULL || (ctx = *ctxp) == NULL)
		return;
	config_free(&ctx->config);
	free(ctx->store_override);
	ctx_forget_store_dir(ctx);
	fido2_devices_forget(ctx);
	if (ctx->c_locale != (locale_t)0)
		freelocale(ctx->c_locale);
	free(ctx);
	*ctxp = NULL;
}

void
ctx_forget_store_dir(mfa_ctx_t *ctx)
{
	if (ctx->store_dirfd >= 0)
		(void)close(ctx->store_dirfd);
	ctx->store_dirfd = -1;
	free(ctx->store_dirpath);
	ctx->store_dirpath = NULL;
}

int
mfa_ctx_set_sync(mfa_ctx_t *ctx, int mode)
{
	if (ctx == NULL || (mode != MFA_SYNC_EACH && mode != MFA_SYNC_DEFER))
		return MFA_ERR_INVAL;
	ctx->sync_mode = mode;
	return MFA_OK;
}

int
mfa_ctx_load_config(mfa_ctx_t *ctx, const char *path)
{
	struct mfa_config *cfg = NULL;
	char err[256];
	int r;

	if (ctx == NULL)
		return MFA_ERR_INVAL;
	if (path == NULL)
		path = MFA_CONFIG_FILE;
	/* Fail closed: a failed load leaves no configuration at all. */
	config_free(&ctx->config);
	ctx_forget_store_dir(ctx);
	ctx->config_failed = 1;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return MFA_ERR_NOMEM;
	err[0] = '\0';
	if ((r = config_defaults(cfg)) != MFA_OK)
		goto out;
	if ((r = config_load_file(cfg, path, err, sizeof(err))) != MFA_OK) {
		mfa_log(ctx, LOG_ERR, "%s:%s", path,
		    err[0] != '\0' ? err : "0: cannot load");
		r = MFA_ERR_CONFIG;
		goto out;
	}
	ctx->config = cfg;
	ctx->config_failed = 0;
	cfg = NULL;
out:
	config_free(&cfg);
	return r;
}

int
mfa_ctx_set_store(mfa_ctx_t *ctx, const char *dir)
{
	char *copy;
	size_t n;

	if (ctx == NULL || dir == NULL || dir[0] != '/')
		return MFA_ERR_INVAL;
	if ((n = strlen(dir)) >= PATH_MAX)
		return MFA_ERR_TOOBIG;
	if ((copy = strdup(dir)) == NULL)
		return MFA_ERR_NOMEM;
	free(ctx->store_override);
	ctx->store_override = copy;
	ctx_forget_store_dir(ctx);
	return MFA_OK;
}

const char *
mfa_ctx_store(const mfa_ctx_t *ctx)
{
	if (ctx == NULL)
		return NULL;
	if (ctx->store_override != NULL)
		return ctx->store_override;
	if (ctx->config == NULL)
		return NULL;
	return ctx->config->store;
}

const struct mfa_config *
ctx_config(const mfa_ctx_t *ctx)
{
	if (ctx == NULL || ctx->config_failed)
		return NULL;
	return ctx->config;
}

/*
 * Getters: without a configuration (a failed load) they answer the
 * strictest values; callers deny on the failed load anyway.
 */
unsigned
mfa_ctx_totp_window(const mfa_ctx_t *ctx)
{
	const struct mfa_config *cfg = ctx_config(ctx);

	return cfg != NULL ? cfg->totp_window : 0;
}

unsigned
mfa_ctx_lockout_attempts(const mfa_ctx_t *ctx)
{
	const struct mfa_config *cfg = ctx_config(ctx);

	return cfg != NULL ? cfg->lockout_attempts : 1;
}

unsigned
mfa_ctx_lockout_time(const mfa_ctx_t *ctx)
{
	const struct mfa_config *cfg = ctx_config(ctx);

	return cfg != NULL ? cfg->lockout_time : 900;
}

unsigned
mfa_ctx_fail_delay(const mfa_ctx_t *ctx)
{
	const struct mfa_config *cfg = ctx_config(ctx);

	return cfg != NULL ? cfg->fail_delay : 2000;
}

unsigned
mfa_ctx_totp_digits(const mfa_ctx_t *ctx)
{
	const struct mfa_config *cfg = ctx_config(ctx);

	return cfg != NULL ? cfg->totp_digits : 6;
}

int
mfa_ctx_totp_algorithm(const mfa_ctx_t *ctx)
{
	const struct mfa_config *cfg = ctx_config(ctx);

	return cfg != NULL ? cfg->totp_algorithm : MFA_TOTP_SHA1;
}

const char *
mfa_ctx_totp_issuer(const mfa_ctx_t *ctx)
{
	const struct mfa_config *cfg = ctx_config(ctx);

	return cfg != NULL ? cfg->totp_issuer : "pam_mfa";
}

int64_t
ctx_now(const mfa_ctx_t *ctx)
{
	if (ctx == NULL || ctx->clock_fn == NULL)
		return (int64_t)time(NULL);
	return ctx->clock_fn(ctx->clock_arg);
}

void
ctx_set_clock(mfa_ctx_t *ctx, mfa_clock_fn *fn, void *arg)
{
	if (ctx == NULL)
		return;
	ctx->clock_fn = fn != NULL ? fn : clock_real;
	ctx->clock_arg = fn != NULL ? arg : NULL;
}
