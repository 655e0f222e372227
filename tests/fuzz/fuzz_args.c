/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the module's options, args_parse() in pam_module/args.c,
 * on an argv made of the input split at NUL and newline bytes (at most
 * ARGS_MAX arguments; a last separator ends the last one, two in a row
 * make an empty one).
 *
 * Checked against pam_mfa(8), written out again here: the options are
 * "config=PATH" and "store=PATH" (an absolute path shorter than
 * MODULE_PATH_MAX bytes), "debug" and "keyhint" (no value), each at most
 * once, each argument at most MODULE_ARG_MAX bytes.  Anything else (an
 * unknown or empty option, a value where none is taken, a relative or
 * empty path, a repeat) gives PAM_SERVICE_ERR with a log line at LOG_ERR
 * and leaves the output alone; a good argv gives PAM_SUCCESS, no log
 * line, and paths that point into argv.  The same argv with a NULL
 * entry added is refused.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "module.h"
#include "fuzz.h"

#define ARGS_MAX	32
#define LOG_LINE_MAX	2048

static unsigned	nlogged;

/*
 * libpam's pam_syslog() would send each refusal to the system log: the
 * target counts and checks the lines instead (one line, bounded,
 * LOG_ERR).
 */
void
pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	char	line[LOG_LINE_MAX];
	va_list	ap;
	size_t	i;
	int	n;

	(void)pamh;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(line));
	/* Printable ASCII only: an option's bytes never reach the log raw. */
	for (i = 0; i < (size_t)n; i++)
		FUZZ_CHECK(line[i] >= 0x20 && line[i] < 0x7f);
	FUZZ_CHECK(priority == LOG_ERR);
	nlogged++;
}

/* A path option's value, or NULL when arg is not name=... */
static const char *
value_of(const char *arg, const char *name)
{
	size_t	n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

static int
path_ok(const char *v)
{
	return v[0] == '/' && strlen(v) < MODULE_PATH_MAX;
}

/* The documented rule: 1 and *want filled when argv is acceptable. */
static int
reference(int argc, const char **argv, struct module_args *want)
{
	const char	*v;
	int		 i, seen_config = 0, seen_store = 0;

	memset(want, 0, sizeof(*want));
	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) > MODULE_ARG_MAX)
			return 0;
		if (strcmp(argv[i], "debug") == 0) {
			if (want->debug)
				return 0;
			want->debug = 1;
		} else if (strcmp(argv[i], "keyhint") == 0) {
			if (want->keyhint)
				return 0;
			want->keyhint = 1;
		} else if ((v = value_of(argv[i], "config")) != NULL) {
			if (seen_config++ || !path_ok(v))
				return 0;
			want->config = v;
		} else if ((v = value_of(argv[i], "store")) != NULL) {
			if (seen_store++ || !path_ok(v))
				return 0;
			want->store = v;
		} else
			return 0;
	}
	return 1;
}

/* Splits data into at most ARGS_MAX malloc'd strings of exact size. */
static int
split(const uint8_t *data, size_t size, char **argv)
{
	size_t	i, start = 0;
	int	argc = 0;

	for (i = 0; i <= size && argc < ARGS_MAX; i++) {
		if (i < size && data[i] != '\0' && data[i] != '\n')
			continue;
		if (i == size && start == size)
			break;
		argv[argc++] = fuzz_cstr(data + start, i - start);
		start = i + 1;
	}
	return argc;
}

static void
check(int argc, const char **argv)
{
	struct module_args	out, fill, want;
	int			rc, ok;

	memset(&fill, 0xa5, sizeof(fill));
	out = fill;
	nlogged = 0;
	rc = args_parse(NULL, argc, argv, &out);
	ok = reference(argc, argv, &want);
	FUZZ_CHECK(rc == PAM_SUCCESS || rc == PAM_SERVICE_ERR);
	FUZZ_CHECK((rc == PAM_SUCCESS) == ok);
	if (rc != PAM_SUCCESS) {
		FUZZ_CHECK(nlogged >= 1);
		FUZZ_CHECK(memcmp(&out, &fill, sizeof(out)) == 0);
		return;
	}
	FUZZ_CHECK(nlogged == 0);
	/* The same pointers into argv, not copies. */
	FUZZ_CHECK(out.config == want.config);
	FUZZ_CHECK(out.store == want.store);
	FUZZ_CHECK(out.debug == want.debug && out.keyhint == want.keyhint);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct module_args	 out;
	char			*owned[ARGS_MAX];
	const char		*argv[ARGS_MAX + 1];
	int			 argc, i;

	argc = split(data, size, owned);
	for (i = 0; i < argc; i++)
		argv[i] = owned[i];
	check(argc, argv);
	/* libpam never passes a NULL entry; if it did: refused. */
	argv[argc] = NULL;
	nlogged = 0;
	FUZZ_CHECK(args_parse(NULL, argc + 1, argv, &out) == PAM_SERVICE_ERR);
	FUZZ_CHECK(nlogged >= 1);
	for (i = 0; i < argc; i++)
		free(owned[i]);
	return 0;
}
