/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl: the administrator's tool for the pam_mfa credential store.
 * mfactl.c parses the global options and dispatches to one cmd_<name>.c
 * per subcommand; the commands use libmfa through mfa.h only.
 */
#ifndef MFACTL_H
#define MFACTL_H

#include <stdio.h>

#include "mfa.h"

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

/*
 * Makes m->ctx: loads --config (or the default file when it exists) and
 * applies --store.  Reports on stderr as command "cmd" about "obj" and
 * returns MFA_OK or an MFA_ERR_* code.
 */
int mfactl_ctx(struct mfactl *m, const char *cmd, const char *obj);

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

/* EXIT_OK when running as root; otherwise reports and EXIT_FAIL. */
int mfactl_need_root(const char *cmd, const char *obj);

/*
 * Checks the user name and that the store directory exists; reports
 * and returns EXIT_FAIL when not, EXIT_OK otherwise.
 */
int mfactl_check_user(struct mfactl *m, const char *cmd, const char *user);

/*
 * Parses a whole decimal string in [min, max] (no sign, no spaces, no
 * trailing characters).  Returns 0 and sets *out, or -1.
 */
int mfactl_parse_uint(const char *s, unsigned long long min,
    unsigned long long max, unsigned long long *out);

/* Writes s to fp, with control and non-ASCII bytes as \xHH. */
void mfactl_print_safe(FILE *fp, const char *s);

/* Wipes a NUL-terminated string in place (codes given on the command
 * line or read from the terminal). */
void mfactl_wipe_str(char *s);

#endif /* MFACTL_H */
