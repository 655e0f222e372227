/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl: the administrator's tool for the pam_mfa credential store.
 * mfactl.c parses the global options and dispatches to one cmd_<name>.c
 * per subcommand; the commands use libmfa through mfa.h only.
 */
#ifndef MFACTL_H
#define MFACTL_H

#include <libintl.h>
#include <stdint.h>
#include <stdio.h>

#include "mfa.h"

/* User-facing messages go through gettext (domain PACKAGE, po/). */
#define _(s)	gettext(s)
#define N_(s)	(s)

/* Exit status. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* Global state shared by the subcommands. */
struct mfactl {
	const char	*store;		/* --store, or NULL */
	const char	*config;	/* --config, or NULL */
	mfa_ctx_t	*ctx;		/* made by mfactl_ctx() */
	char		*logmsg;	/* last library warning or error */
	int		 loglevel;	/* least urgent message kept */
};

struct mfactl_cmd {
	const char	*name;
	int		(*fn)(struct mfactl *, int, char **);
	const char	*usage;		/* arguments, after the name */
	const char	*help;		/* one line */
};

/* Subcommands; each returns an EXIT_* status. */
int cmd_totp(struct mfactl *m, int argc, char **argv);
int cmd_list(struct mfactl *m, int argc, char **argv);
int cmd_remove(struct mfactl *m, int argc, char **argv);
int cmd_fido2(struct mfactl *m, int argc, char **argv);
int cmd_import(struct mfactl *m, int argc, char **argv);
int cmd_rename(struct mfactl *m, int argc, char **argv);
int cmd_recovery(struct mfactl *m, int argc, char **argv);
int cmd_unlock(struct mfactl *m, int argc, char **argv);
int cmd_status(struct mfactl *m, int argc, char **argv);
int cmd_check(struct mfactl *m, int argc, char **argv);

/*
 * Makes m->ctx: loads --config (or the default file when it exists) and
 * applies --store.  Reports on stderr as command "cmd" about "obj" and
 * returns MFA_OK or an MFA_ERR_* code.
 */
int mfactl_ctx(struct mfactl *m, const char *cmd, const char *obj);

/*
 * The same without reporting: *config gets the file loaded (NULL: the
 * built-in defaults); on failure m->logmsg may hold the library's
 * reason.  Returns MFA_OK or an MFA_ERR_* code.
 */
int mfactl_ctx_quiet(struct mfactl *m, const char **config);

/*
 * Prints "mfactl: CMD OBJ: REASON" on stderr, one line.  With err != 0
 * the reason is mfa_strerror(err), followed by the library's last
 * warning when there is one.  Returns EXIT_FAIL.
 */
int mfactl_error(struct mfactl *m, const char *cmd, const char *obj,
    int err);
/* Same with a printf-style reason. */
int mfactl_errorf(const char *cmd, const char *obj, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints "usage: mfactl [global options] CMD USAGE" on stderr. */
int mfactl_usage(const char *cmd, const char *usage);

/*
 * Reports an option getopt_long(3) returned '?' (unknown) or ':' (no
 * value) for, when called with opterr 0 and a ':' optstring.  Returns
 * EXIT_USAGE.
 */
int mfactl_badopt(const char *cmd, int ch, char **argv);

/*
 * --store and --config are global options that every command also
 * takes after its name: MFACTL_GLOBAL_OPTIONS goes into the command's
 * option table, and its default: case calls mfactl_global_opt(), which
 * records them (each at most once in all) and reports any other
 * option with mfactl_badopt().  Returns EXIT_OK or EXIT_USAGE.
 */
#define MFACTL_OPT_STORE	0x100
#define MFACTL_OPT_CONFIG	0x101
#define MFACTL_GLOBAL_OPTIONS \
	{ "store", required_argument, NULL, MFACTL_OPT_STORE }, \
	{ "config", required_argument, NULL, MFACTL_OPT_CONFIG }
int mfactl_global_opt(struct mfactl *m, const char *cmd, int ch,
    char **argv);

/*
 * Checks a label given on the command line as the store takes it
 * (mfa_label_check()).  EXIT_OK, or EXIT_USAGE after one line on stderr,
 * "mfactl: CMD[ OBJ]: WHAT: reason" (WHAT: the option or argument).
 */
int mfactl_label_arg(const char *cmd, const char *obj, const char *what,
    const char *label);

/*
 * Checks --issuer: "" (no issuer in the URI) or as mfa_issuer_check()
 * takes it.  EXIT_OK, or EXIT_USAGE after one line on stderr.
 */
int mfactl_issuer_arg(const char *cmd, const char *issuer);

/* EXIT_OK when running as root; otherwise reports and EXIT_FAIL. */
int mfactl_need_root(const char *cmd, const char *obj);

/*
 * Checks the user name, that it is not another name of an account
 * (mfactl_account()) and that the store directory exists; reports and
 * returns EXIT_FAIL when not, EXIT_OK otherwise.
 */
int mfactl_check_user(struct mfactl *m, const char *cmd, const char *user);

/*
 * The [group] sections that apply to user, as the module finds them
 * (mfa_policy_groups) into *groups, *n: 1 found, 0 no such user, -1
 * out of memory or a failed look-up, *why then the library's error.
 */
int mfactl_user_groups(mfa_ctx_t *ctx, const char *user, char ***groups,
    size_t *n, int *why);

/*
 * 1 when u's unused recovery codes let the user log in under policy p
 * (with the password), as pam_mfa decides; else 0.
 */
int mfactl_recovery_stands_in(const mfa_policy_t *p, const mfa_user_t *u);

/*
 * Looks user up in the user database (getpwnam_r): MFACTL_ACCOUNT_NONE
 * when there is no such account, MFACTL_ACCOUNT_SAME when its name is
 * user, MFACTL_ACCOUNT_OTHER when user finds an account of another name
 * (case-insensitive or qualified names, aliases: SSSD, winbind), whose
 * name *account then gets (malloc'd, the caller's to free); -1 when the
 * look-up failed or memory ran out.
 */
#define MFACTL_ACCOUNT_NONE	0
#define MFACTL_ACCOUNT_SAME	1
#define MFACTL_ACCOUNT_OTHER	2
int mfactl_account(const char *user, char **account);

/*
 * Parses a whole decimal string in [min, max]: digits only, no sign,
 * no spaces, no leading zero ("0" alone is zero), no overflow, as
 * pam_mfa.conf(5) reads numbers.  Returns 0 and sets *out, or -1.
 * (input.c, with the parsers of mfactl's input files.)
 */
int mfactl_parse_uint(const char *s, unsigned long long min,
    unsigned long long max, unsigned long long *out);

/*
 * s as one word for sh(1), to paste into a shell: as it is when it
 * holds only characters the shell takes literally, else in single
 * quotes, each ' written as '"'"' (no backslash, which the text
 * report of check shows as \x5c).  A malloc'd string, or NULL when out
 * of memory.
 */
char *mfactl_shell_quote(const char *s);

/* Wipes a NUL-terminated string in place (codes given on the command
 * line or read from the terminal). */
void mfactl_wipe_str(char *s);

/*
 * Sends the audit record of an enrolment change made by mfactl
 * (mfa_audit() MFA_AUDIT_MGMT, the terminal of standard input) with the
 * detail "id=ID type=TYPE" (id 0 and type 0 left out) and extra (may
 * be NULL) appended; never a secret.  A failure to send is reported on
 * stderr as a warning; it does not change the command's result.
 */
void mfactl_audit(const char *op, const char *user, unsigned id, int type,
    const char *extra, int success);

/* show.c: shared presentation of credentials. */
/* "totp", "fido2", "recovery" or "?". */
const char *mfactl_type_name(int type);
/* "pending", "active" or "?" (for JSON and log lines). */
const char *mfactl_status_name(int status);
/* The same translated, for people. */
const char *mfactl_status_text(int status);
#define MFACTL_TIME_LEN	sizeof("YYYY-MM-DDTHH:MM:SSZ")
/*
 * ISO 8601 in UTC into buf[MFACTL_TIME_LEN], or for t <= 0 "never"
 * translated ("?" when t cannot be shown): for people.
 */
void mfactl_format_time(int64_t t, char *buf, size_t len);
/* The same with "never" and "?" as they are, for JSON. */
void mfactl_format_iso(int64_t t, char *buf, size_t len);
/* The user's credential id, or NULL. */
const mfa_cred_t *mfactl_find_cred(const mfa_user_t *u, unsigned id);
/*
 * Writes s as a JSON string (quotes included): '"', '\\' and control
 * characters (C1 ones too) escaped, invalid UTF-8 replaced by U+FFFD.
 */
void mfactl_json_str(FILE *fp, const char *s);

/*
 * Writes s to fp, with control and non-ASCII bytes and '\\' as \xHH (a
 * user name or an argument in a report on stderr).
 */
void mfactl_print_safe(FILE *fp, const char *s);
/*
 * Writes s to fp as text: well-formed UTF-8 as it is; control characters
 * (C0, DEL and the C1 ones U+0080..U+009F), '\\' and malformed bytes as
 * \xHH for each byte, so no terminal escape gets out.
 */
void mfactl_print_text(FILE *fp, const char *s);
/*
 * Formats one line of a report (a translated format; its arguments may
 * be outside text such as labels) and writes it with mfactl_print_text()
 * and a newline.  Returns 0, or -1 when out of memory (said on stderr).
 */
int mfactl_print_line(FILE *fp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Writes s (our text, maybe translated) and spaces up to width columns
 * of the terminal as the locale counts them (wide characters: two).
 */
void mfactl_print_pad(FILE *fp, const char *s, int width);

/* qr.c: the otpauth:// URI as a QR code (it holds the secret). */
/*
 * Draws text as a QR code with a quiet zone on standard output with
 * write(2) (UTF-8 half blocks, or coloured spaces without a UTF-8
 * locale), wiping every buffer.  Returns 0, or -1 with errno set.
 */
int mfactl_qr_terminal(const char *text);
/*
 * Creates path for a PNG (0600, O_EXCL|O_NOFOLLOW: never overwrites).
 * Returns the descriptor, or -1 with errno set.
 */
int mfactl_qr_png_create(const char *path);
/*
 * Writes text as a QR code PNG to fd (then closed), wiping the buffers.
 * Returns 0, or -1 with errno set (EIO when encoding failed).
 */
int mfactl_qr_png_write(int fd, const char *text);

#endif /* MFACTL_H */
