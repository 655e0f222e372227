/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl totp: what the interactive commands (cmd_totp.c) and their
 * batch mode (cmd_totp_batch.c) share.
 */
#ifndef MFACTL_CMD_TOTP_H
#define MFACTL_CMD_TOTP_H

#include <stddef.h>

#include "mfactl.h"

/* The options of totp add; in batch mode they apply to every line. */
struct totp_add_opts {
	const char	*label;		/* NULL: the library's "totp" */
	const char	*issuer;	/* NULL: totp_issuer */
	int		 algorithm;	/* -1: totp_algorithm */
	unsigned	 digits;	/* 0: totp_digits */
};

/*
 * Writes s (a secret) and a newline to standard output with write(2),
 * after flushing what stdio holds, so that no stdio buffer keeps a
 * copy.  Returns 0, or -1 with errno set.
 */
int totp_put_secret_line(const char *s);

/*
 * The id of the user's only pending TOTP credential, or 0;
 * *npending gets how many there are.
 */
unsigned totp_only_pending(const mfa_user_t *u, size_t *npending);

/*
 * totp add --batch FILE and totp confirm --batch FILE ("-": standard
 * input): one user per line, see mfactl(8).  The caller has parsed and
 * checked the options; these check root, make the context and return an EXIT_*
 * status (EXIT_FAIL when any line failed).
 */
int totp_add_batch(struct mfactl *m, const char *file,
    const struct totp_add_opts *o);
int totp_confirm_batch(struct mfactl *m, const char *file);

#endif /* MFACTL_CMD_TOTP_H */
