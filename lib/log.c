/* SPDX-License-Identifier: BSD-2-Clause */
/* The library is silent unless the caller installs a log handler. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void
mfa_ctx_set_log(mfa_ctx_t *ctx, mfa_log_fn *fn, void *arg)
{
	if (ctx == NULL)
		return;
	ctx->log_fn = fn;
	ctx->log_arg = arg;
}

void
mfa_log(const mfa_ctx_t *ctx, int priority, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ctx == NULL || ctx->log_fn == NULL)
		return;
	va_start(ap, fmt);
	/* A truncated line is still worth logging. */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_arg, priority, msg);
}

const char *
mfa_log_errno(const mfa_ctx_t *ctx, int err)
{
	return strerror_l(err, ctx->c_locale);
}
