/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl: global options, the subcommand table, and the helpers the
 * subcommands share (context, error reporting, number parsing).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "mfactl.h"

static const struct mfactl_cmd commands[] = {
	{ "totp", cmd_totp, "add USER | confirm USER CODE",
	    "enrol or confirm a TOTP authenticator" },
	{ "fido2", cmd_fido2, "add USER [--device P] [--label L]",
	    "register a FIDO2 security key" },
	{ "list", cmd_list, "USER", "list a user's credentials" },
	{ "remove", cmd_remove, "USER ID", "remove a credential" },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage_all(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: mfactl [--store DIR] [--config FILE] COMMAND "
	    "[ARGS]\n"
	    "       mfactl --help | --version\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-6s %-33s %s\n", commands[i].name,
		    commands[i].usage, commands[i].help);
	fprintf(fp, "\nRun 'mfactl COMMAND --help' for a command's "
	    "arguments.\n");
}

int
mfactl_usage(const char *cmd, const char *usage)
{
	fprintf(stderr, "usage: mfactl [global options] %s %s\n", cmd, usage);
	return EXIT_USAGE;
}

int
mfactl_badopt(const char *cmd, int ch, char **argv)
{
	const char *arg = argv[optind - 1];
	char shortopt[3] = { '-', (char)optopt, '\0' };

	/* optopt names a short option; the argument, a long one. */
	if (optopt > ' ' && optopt < 0x7f && strncmp(arg, "--", 2) != 0)
		arg = shortopt;
	fprintf(stderr, "mfactl: %s: %s option ", cmd,
	    ch == ':' ? "a value is needed for" : "unknown");
	mfactl_print_safe(stderr, arg);
	fprintf(stderr, "; try 'mfactl %s --help'.\n", cmd);
	return EXIT_USAGE;
}

/* Keeps the library's last warning or error to add to our one line. */
static void
log_capture(void *arg, int priority, const char *msg)
{
	struct mfactl *m = arg;
	char *copy;

	if (priority > m->loglevel || msg == NULL)
		return;
	if ((copy = strdup(msg)) == NULL)
		return;
	free(m->logmsg);
	m->logmsg = copy;
}

static void
put_reason(const char *s)
{
	/* One line: no newline or control byte from a message gets out. */
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s,
		    stderr);
}

int
mfactl_error(struct mfactl *m, const char *cmd, const char *obj, int err)
{
	fprintf(stderr, "mfactl: %s", cmd);
	if (obj != NULL) {
		fputc(' ', stderr);
		mfactl_print_safe(stderr, obj);
	}
	fprintf(stderr, ": %s", mfa_strerror(err));
	if (m != NULL && m->logmsg != NULL) {
		fputs(" (", stderr);
		put_reason(m->logmsg);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
	if (m != NULL) {
		free(m->logmsg);
		m->logmsg = NULL;
	}
	return EXIT_FAIL;
}

int
mfactl_errorf(const char *cmd, const char *obj, const char *fmt, ...)
{
	char *reason = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&reason, fmt, ap);
	va_end(ap);
	fprintf(stderr, "mfactl: %s", cmd);
	if (obj != NULL) {
		fputc(' ', stderr);
		mfactl_print_safe(stderr, obj);
	}
	fputs(": ", stderr);
	put_reason(n >= 0 && reason != NULL ? reason : "out of memory");
	fputc('\n', stderr);
	if (n >= 0)
		free(reason);
	return EXIT_FAIL;
}

int
mfactl_need_root(const char *cmd, const char *obj)
{
	if (geteuid() != 0)
		return mfactl_errorf(cmd, obj, "must be run as root");
	return EXIT_OK;
}

int
mfactl_ctx(struct mfactl *m, const char *cmd, const char *obj)
{
	const char *config = m->config;
	struct stat st;
	int r;

	if ((m->ctx = mfa_ctx_new()) == NULL) {
		mfactl_error(m, cmd, obj, MFA_ERR_NOMEM);
		return MFA_ERR_NOMEM;
	}
	mfa_ctx_set_log(m->ctx, log_capture, m);
	/*
	 * The default file is optional for mfactl (the built-in defaults
	 * equal the installed file); a file named with --config is not.
	 */
	if (config == NULL && lstat(mfa_default_config(), &st) == 0)
		config = mfa_default_config();
	if (config != NULL &&
	    (r = mfa_ctx_load_config(m->ctx, config)) != MFA_OK) {
		mfactl_error(m, cmd, obj, r);
		return r;
	}
	if (m->store != NULL &&
	    (r = mfa_ctx_set_store(m->ctx, m->store)) != MFA_OK) {
		mfactl_errorf(cmd, obj, "store %s: %s", m->store,
		    r == MFA_ERR_INVAL ? "not an absolute path" :
		    mfa_strerror(r));
		return r;
	}
	return MFA_OK;
}

int
mfactl_check_user(struct mfactl *m, const char *cmd, const char *user)
{
	const char *store;
	struct stat st;
	int r;

	if ((r = mfa_username_check(user)) != MFA_OK)
		return mfactl_error(m, cmd, user, r);
	/*
	 * A clearer message than the library's for the common mistake;
	 * the library still does all the checks on open.
	 */
	store = mfa_ctx_store(m->ctx);
	if (store != NULL && stat(store, &st) == -1)
		return mfactl_errorf(cmd, user, "store %s: %s", store,
		    strerror(errno));
	if (store != NULL && !S_ISDIR(st.st_mode))
		return mfactl_errorf(cmd, user, "store %s: %s", store,
		    strerror(ENOTDIR));
	return EXIT_OK;
}

int
mfactl_parse_uint(const char *s, unsigned long long min,
    unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end = NULL;

	/* strtoull accepts spaces, '+' and '-' (negating!): refuse them. */
	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void
mfactl_print_safe(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
}

void
mfactl_wipe_str(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
}

static const struct mfactl_cmd *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct mfactl m;
	const struct mfactl_cmd *cmd;
	int ch, r;

	memset(&m, 0, sizeof(m));
	m.loglevel = LOG_WARNING;
	/* '+': stop at the command; its options are its own. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (optarg[0] != '/') {
				fprintf(stderr, "mfactl: --store %s: not an "
				    "absolute path\n", optarg);
				return EXIT_USAGE;
			}
			m.store = optarg;
			break;
		case 'c':
			m.config = optarg;
			break;
		case 'h':
			usage_all(stdout);
			return EXIT_OK;
		case 'V':
			printf("mfactl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "mfactl: %s option ",
			    ch == ':' ? "a value is needed for" : "unknown");
			mfactl_print_safe(stderr, argv[optind - 1]);
			fprintf(stderr, "; try 'mfactl --help'.\n");
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage_all(stderr);
		return EXIT_USAGE;
	}
	if ((cmd = find_command(argv[0])) == NULL) {
		fprintf(stderr, "mfactl: %s: unknown command; try "
		    "'mfactl --help'.\n", argv[0]);
		return EXIT_USAGE;
	}
	/* Stdout may be a pipe: report a failed write as a failure. */
	r = cmd->fn(&m, argc, argv);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "mfactl: %s: write error: %s\n", cmd->name,
		    strerror(errno));
		r = EXIT_FAIL;
	}
	mfa_ctx_free(&m.ctx);
	free(m.logmsg);
	return r;
}
