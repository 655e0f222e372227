/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl: global options, the subcommand table, and the helpers the
 * subcommands share (context, error reporting, number parsing).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "mfactl.h"
#include "input.h"

static const struct mfactl_cmd commands[] = {
	{ "totp", cmd_totp,
	    "add USER | confirm USER CODE | add|confirm --batch FILE",
	    N_("enrol or confirm a TOTP authenticator") },
	{ "fido2", cmd_fido2, "add USER [--device P] [--label L]",
	    N_("register a FIDO2 security key") },
	{ "list", cmd_list, "USER [--json]",
	    N_("list a user's credentials") },
	{ "remove", cmd_remove, "USER ID", N_("remove a credential") },
	{ "rename", cmd_rename, "USER ID LABEL",
	    N_("change a credential's label") },
	{ "recovery", cmd_recovery, "USER [--count N]",
	    N_("issue new one-time recovery codes") },
	{ "unlock", cmd_unlock, "USER", N_("end a lockout") },
	{ "status", cmd_status, "USER",
	    N_("show lockout state and enrolment") },
	{ "check", cmd_check, "[--json] [--stale-days N] [--group G] "
	    "[--service S] [--pam-dir DIR]",
	    N_("inspect configuration, store, users and PAM stacks") },
	{ "import", cmd_import, "FORMAT FILE [--dry-run]",
	    N_("take over other modules' credentials") },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage_all(FILE *fp)
{
	size_t i;

	fprintf(fp, "%s: mfactl [--store DIR] [--config FILE] COMMAND "
	    "[ARGS]\n"
	    "       mfactl -h | --help | --version\n\n%s\n", _("usage"),
	    _("commands:"));
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-8s %-38s %s\n", commands[i].name,
		    commands[i].usage, _(commands[i].help));
	fprintf(fp, "\n%s\n",
	    _("Run 'mfactl COMMAND --help' for a command's arguments."));
}

int
mfactl_usage(const char *cmd, const char *usage)
{
	fprintf(stderr, "%s: mfactl [%s] %s %s\n", _("usage"),
	    _("global options"), cmd, usage);
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
	fprintf(stderr, "mfactl: %s: %s ", cmd,
	    ch == ':' ? _("a value is needed for option") :
	    _("unknown option"));
	mfactl_print_safe(stderr, arg);
	fprintf(stderr, _("; try 'mfactl %s --help'.\n"), cmd);
	return EXIT_USAGE;
}

/*
 * Records --store or --config (ch) from optarg, given after the command
 * cmd or, with cmd NULL, before it.
 */
static int
global_set(struct mfactl *m, const char *cmd, int ch)
{
	const char **slot = ch == MFACTL_OPT_STORE ? &m->store : &m->config;
	const char *name = ch == MFACTL_OPT_STORE ? "--store" : "--config";
	const char *sep = cmd != NULL ? ": " : "";

	if (cmd == NULL)
		cmd = "";
	if (*slot != NULL) {
		fprintf(stderr, "mfactl: %s%s%s %s\n", cmd, sep, name,
		    _("given twice"));
		return EXIT_USAGE;
	}
	if (ch == MFACTL_OPT_STORE && optarg[0] != '/') {
		fprintf(stderr, "mfactl: %s%s--store ", cmd, sep);
		mfactl_print_safe(stderr, optarg);
		fprintf(stderr, ": %s\n", _("not an absolute path"));
		return EXIT_USAGE;
	}
	*slot = optarg;
	return EXIT_OK;
}

int
mfactl_global_opt(struct mfactl *m, const char *cmd, int ch, char **argv)
{
	if (ch != MFACTL_OPT_STORE && ch != MFACTL_OPT_CONFIG)
		return mfactl_badopt(cmd, ch, argv);
	return global_set(m, cmd, ch);
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

/*
 * One line, and no terminal escape: a reason may quote the
 * administrator's input (a --batch word), so control bytes, the C1
 * controls (CSI: U+009B) and malformed UTF-8 go out as \xHH.
 */
static void
put_reason(const char *s)
{
	mfactl_print_text(stderr, s);
}

int
mfactl_error(struct mfactl *m, const char *cmd, const char *obj, int err)
{
	fprintf(stderr, "mfactl: %s", cmd);
	if (obj != NULL) {
		fputc(' ', stderr);
		mfactl_print_safe(stderr, obj);
	}
	/* libmfa's reasons are English; po/ may translate them. */
	fprintf(stderr, ": %s", _(mfa_strerror(err)));
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
	put_reason(n >= 0 && reason != NULL ? reason : _("out of memory"));
	fputc('\n', stderr);
	if (n >= 0)
		free(reason);
	return EXIT_FAIL;
}

int
mfactl_label_arg(const char *cmd, const char *obj, const char *what,
    const char *label)
{
	int r;

	if ((r = batch_label_fault(label)) == BATCH_OK)
		return EXIT_OK;
	fprintf(stderr, "mfactl: %s", cmd);
	if (obj != NULL) {
		fputc(' ', stderr);
		mfactl_print_safe(stderr, obj);
	}
	fprintf(stderr, ": %s: ", what);
	if (r == BATCH_BAD_LABEL_LENGTH)
		fprintf(stderr, _("label not 1 to %d bytes"), MFA_LABEL_MAX);
	else
		fputs(_("label with a control character"), stderr);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int
mfactl_issuer_arg(const char *cmd, const char *issuer)
{
	/* The rule of totp_issuer; "" leaves the issuer out of the URI. */
	if (issuer[0] == '\0' || mfa_issuer_check(issuer) == MFA_OK)
		return EXIT_OK;
	fprintf(stderr, "mfactl: %s: --issuer: ", cmd);
	fprintf(stderr, _("not 1 to %d bytes without control characters "
	    "or ':'"), MFA_ISSUER_MAX);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int
mfactl_need_root(const char *cmd, const char *obj)
{
	if (geteuid() != 0)
		return mfactl_errorf(cmd, obj, "%s",
		    _("must be run as root"));
	return EXIT_OK;
}

int
mfactl_ctx_quiet(struct mfactl *m, const char **configp)
{
	const char *config = m->config;
	struct stat st;
	int r;

	*configp = NULL;
	if ((m->ctx = mfa_ctx_new()) == NULL)
		return MFA_ERR_NOMEM;
	mfa_ctx_set_log(m->ctx, log_capture, m);
	/*
	 * The default file is optional for mfactl (the built-in defaults
	 * equal the installed file); a file named with --config is not.
	 */
	if (config == NULL && lstat(mfa_default_config(), &st) == 0)
		config = mfa_default_config();
	*configp = config;
	if (config != NULL &&
	    (r = mfa_ctx_load_config(m->ctx, config)) != MFA_OK)
		return r;
	if (m->store != NULL &&
	    (r = mfa_ctx_set_store(m->ctx, m->store)) != MFA_OK)
		return r;
	return MFA_OK;
}

int
mfactl_ctx(struct mfactl *m, const char *cmd, const char *obj)
{
	const char *config;
	int r;

	if ((r = mfactl_ctx_quiet(m, &config)) == MFA_OK)
		return MFA_OK;
	if (r == MFA_ERR_NOMEM || r == MFA_ERR_CONFIG || m->store == NULL)
		mfactl_error(m, cmd, obj, r);
	else
		mfactl_errorf(cmd, obj, _("store %s: %s"), m->store,
		    r == MFA_ERR_INVAL ? _("not an absolute path") :
		    _(mfa_strerror(r)));
	return r;
}

/*
 * The administrator behind the command: the login uid the kernel keeps
 * across su and sudo (pam_loginuid(8)), into buf; "unset" without one.
 */
static void
login_uid(char *buf, size_t size)
{
	char	num[16];
	ssize_t	n = -1;
	int	fd;

	if ((fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, num, sizeof(num) - 1);
		(void)close(fd);
	}
	if (n > 0) {
		num[n] = '\0';
		num[strspn(num, "0123456789")] = '\0';
	}
	/* (uid_t)-1: no login uid was ever set. */
	if (n <= 0 || num[0] == '\0' || strcmp(num, "4294967295") == 0)
		(void)snprintf(buf, size, "unset");
	else
		(void)snprintf(buf, size, "%s", num);
}

/*
 * In place: a byte that is not printable ASCII becomes '?', and so do
 * a space and '=' unless spaces is set (a value, not a list of fields).
 */
static void
log_clean(char *s, int spaces)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s >= 0x7f ||
		    (!spaces && (*s == ' ' || *s == '=')))
			*s = '?';
}

void
mfactl_audit(const char *op, const char *user, unsigned id, int type,
    const char *extra, int success)
{
	char detail[160], tty[64], name[MFA_USER_MAX + 1], auid[16];
	const char *ttyp = NULL;
	size_t len = 0;
	int r;

	detail[0] = '\0';
	if (id != 0)
		len += (size_t)snprintf(detail, sizeof(detail), "id=%u ", id);
	if (type != 0 && len < sizeof(detail))
		len += (size_t)snprintf(detail + len, sizeof(detail) - len,
		    "type=%s ", mfactl_type_name(type));
	if (extra != NULL && len < sizeof(detail))
		len += (size_t)snprintf(detail + len, sizeof(detail) - len,
		    "%s ", extra);
	if (len > 0 && len <= sizeof(detail))
		detail[len - 1] = '\0';
	/* The terminal the administrator works on, for the record. */
	if (ttyname_r(STDIN_FILENO, tty, sizeof(tty)) == 0)
		ttyp = tty;
	r = mfa_audit(MFA_AUDIT_MGMT, op, user,
	    detail[0] != '\0' ? detail : NULL, NULL, ttyp, success);
	if (r != MFA_OK)
		mfactl_errorf(op, user, _("warning: audit record not sent: %s"),
		    _(mfa_strerror(r)));
	/*
	 * The same in the system log, as pam_mfa's attempts are: where no
	 * audit daemon runs (most hosts) the line is the only record of
	 * the change.  The detail's values have no spaces or '=' of their
	 * own (numbers, names of types and formats, serial numbers), so
	 * only bytes that could end the line are replaced there.
	 */
	(void)snprintf(name, sizeof(name), "%s", user != NULL ? user : "?");
	log_clean(name, 0);
	log_clean(detail, 1);
	login_uid(auid, sizeof(auid));
	if (ttyp != NULL && strncmp(tty, "/dev/", 5) == 0)
		ttyp = tty + 5;
	if (ttyp != NULL)
		log_clean(tty, 0);
	openlog("mfactl", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_NOTICE, "op=%s user=%s%s%s uid=%lu auid=%s tty=%s "
	    "result=%s", op, name, detail[0] != '\0' ? " " : "", detail,
	    (unsigned long)getuid(), auid, ttyp != NULL ? ttyp : "-",
	    success ? "success" : "failure");
	closelog();
}

int
mfactl_user_groups(mfa_ctx_t *ctx, const char *user, char ***groups,
    size_t *n, int *why)
{
	char *account = NULL;
	gid_t gid;
	int r;

	if ((*why = mfa_account(user, &account, &gid)) != MFA_OK)
		return -1;
	if (account == NULL)
		return 0;
	*why = mfa_policy_groups(ctx, account, gid, groups, n);
	r = *why == MFA_OK ? 1 : -1;
	free(account);
	return r;
}

int
mfactl_recovery_stands_in(const mfa_policy_t *p, const mfa_user_t *u)
{
	int v[MFA_FACTOR_COUNT];

	/*
	 * As pam_mfa decides: unused recovery codes that the policy
	 * accepts make the user enrolled, and an accepted one stands in
	 * for every factor but the password (pam_mfa.conf(5)).
	 */
	v[MFA_FACTOR_PASSWORD] = v[MFA_FACTOR_TOTP] = MFA_TRUE;
	v[MFA_FACTOR_FIDO2] = v[MFA_FACTOR_RECOVERY] = MFA_TRUE;
	return mfa_policy_allow_recovery(p) &&
	    mfa_user_has_factor(u, MFA_FACTOR_RECOVERY) &&
	    mfa_policy_eval(p, v) == MFA_TRUE;
}

int
mfactl_account(const char *user, char **account)
{
	gid_t gid;
	int r;

	*account = NULL;
	if (mfa_account(user, account, &gid) != MFA_OK)
		return -1;
	if (*account == NULL)
		return MFACTL_ACCOUNT_NONE;
	r = strcmp(*account, user) == 0 ? MFACTL_ACCOUNT_SAME :
	    MFACTL_ACCOUNT_OTHER;
	if (r == MFACTL_ACCOUNT_SAME) {
		free(*account);
		*account = NULL;
	}
	return r;
}

/*
 * The reason to refuse user, who is the account *account under another
 * name (freed here), or whose look-up failed (r -1).
 */
static int
other_name_error(const char *cmd, const char *user, int r, char **account)
{
	if (r == -1)
		mfactl_errorf(cmd, user, "%s",
		    _("cannot look the user up in the user database"));
	else
		mfactl_errorf(cmd, user, _("another name of the account %s, "
		    "which is the name pam_mfa uses: give that name"),
		    *account);
	free(*account);
	*account = NULL;
	return EXIT_FAIL;
}

int
mfactl_check_user(struct mfactl *m, const char *cmd, const char *user)
{
	const char *store;
	char *account = NULL;
	struct stat st;
	int r;

	if ((r = mfa_username_check(user)) != MFA_OK)
		return mfactl_error(m, cmd, user, r);
	/*
	 * Logins use the account's own name (pam_mfa(8)): enrolment under
	 * another name of it would never be read.  Names without an
	 * account are the administrator's to enrol ahead of time.
	 */
	r = mfactl_account(user, &account);
	if (r == -1 || r == MFACTL_ACCOUNT_OTHER)
		return other_name_error(cmd, user, r, &account);
	/*
	 * A clearer message than the library's for the common mistake;
	 * the library still does all the checks on open.
	 */
	store = mfa_ctx_store(m->ctx);
	if (store != NULL && stat(store, &st) == -1)
		return mfactl_errorf(cmd, user, _("store %s: %s"), store,
		    strerror(errno));
	if (store != NULL && !S_ISDIR(st.st_mode))
		return mfactl_errorf(cmd, user, _("store %s: %s"), store,
		    strerror(ENOTDIR));
	return EXIT_OK;
}

char *
mfactl_shell_quote(const char *s)
{
	static const char literal[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+,:@%=-";
	size_t len = strlen(s), n = 0, i, quotes = 0;
	char *q;

	if (len > 0 && strspn(s, literal) == len)
		return strdup(s);
	for (i = 0; i < len; i++)
		if (s[i] == '\'')
			quotes++;
	/* Each ' becomes 5 bytes; two quotes around, and the NUL. */
	if (quotes > (SIZE_MAX - len - 3) / 4 ||
	    (q = malloc(len + 4 * quotes + 3)) == NULL)
		return NULL;
	q[n++] = '\'';
	for (i = 0; i < len; i++) {
		if (s[i] == '\'') {
			/*
			 * Not '\'': check's text report shows a backslash
			 * as \x5c, which would not paste.
			 */
			memcpy(q + n, "'\"'\"'", 5);
			n += 5;
		} else
			q[n++] = s[i];
	}
	q[n++] = '\'';
	q[n] = '\0';
	return q;
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
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct mfactl m;
	const struct mfactl_cmd *cmd;
	int ch, r;

	/* Messages in the user's language; log lines stay English. */
	(void)setlocale(LC_ALL, "");
	(void)bindtextdomain(PACKAGE, LOCALEDIR);
	(void)textdomain(PACKAGE);

	memset(&m, 0, sizeof(m));
	m.loglevel = LOG_WARNING;
	/* '+': stop at the command; its options are its own. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage_all(stdout);
			return EXIT_OK;
		case 'V':
			printf("mfactl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		case MFACTL_OPT_STORE:
		case MFACTL_OPT_CONFIG:
			if (global_set(&m, NULL, ch) != EXIT_OK)
				return EXIT_USAGE;
			break;
		default:
			fprintf(stderr, "mfactl: %s ",
			    ch == ':' ? _("a value is needed for option") :
			    _("unknown option"));
			mfactl_print_safe(stderr, argv[optind - 1]);
			fprintf(stderr, "%s\n", _("; try 'mfactl --help'."));
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
		fprintf(stderr, "mfactl: ");
		mfactl_print_safe(stderr, argv[0]);
		fprintf(stderr, ": %s\n",
		    _("unknown command; try 'mfactl --help'."));
		return EXIT_USAGE;
	}
	/* Stdout may be a pipe: report a failed write as a failure. */
	r = cmd->fn(&m, argc, argv);
	/*
	 * A warning of the library that no error line took up (a key
	 * registered without attestation, a store replaced whose
	 * directory did not sync): the command succeeded, but the
	 * administrator must see it.
	 */
	if (r == EXIT_OK && m.logmsg != NULL) {
		/* TRANSLATORS: "mfactl: warning: ..." after a success. */
		fprintf(stderr, "mfactl: %s: ", _("warning"));
		put_reason(m.logmsg);
		fputc('\n', stderr);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "mfactl: %s: %s: %s\n", cmd->name,
		    _("write error"), strerror(errno));
		r = EXIT_FAIL;
	}
	mfa_ctx_free(&m.ctx);
	free(m.logmsg);
	return r;
}
