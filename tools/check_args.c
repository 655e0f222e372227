/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl check, the options of a pam_mfa line: read by the module's own
 * parser (pam_module/args.c, built into mfactl), so that check takes
 * exactly what the module takes.  args_parse() says why it refuses
 * through pam_syslog(); mfactl, which does not link libpam, has its own
 * pam_syslog() that keeps that line for the finding instead of sending
 * it to the system log.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "module.h"
#include "check_args.h"

/* Where pam_syslog() puts its line: set around args_parse() only. */
static char	*why_buf;
static size_t	 why_len;

void
pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	va_list ap;

	(void)pamh;
	(void)priority;
	/* The first line says why; args_parse() stops there anyway. */
	if (why_buf == NULL || why_buf[0] != '\0')
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why_buf, why_len, fmt, ap);
	va_end(ap);
}

int
check_mfa_args(int argc, char *const *argv, const char **config,
    const char **store, char *why, size_t len)
{
	struct module_args args;
	const char **v = NULL;
	int i, rc, ret = -1;

	why[0] = '\0';
	/* libpam hands the module an array of its own, as here. */
	if (argc > 0 && (v = calloc((size_t)argc, sizeof(*v))) == NULL)
		return -2;
	for (i = 0; i < argc; i++)
		v[i] = argv[i];
	why_buf = why;
	why_len = len;
	rc = args_parse(NULL, argc, v, &args);
	why_buf = NULL;
	why_len = 0;
	if (rc != PAM_SUCCESS) {
		if (why[0] == '\0')
			(void)snprintf(why, len, "%s", "refused");
		goto out;
	}
	*config = args.config;
	*store = args.store;
	ret = 0;
out:
	free(v);
	return ret;
}
