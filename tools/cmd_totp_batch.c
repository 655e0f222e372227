/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl totp add --batch FILE and totp confirm --batch FILE: many
 * users in one run, for scripted enrolment.  One user a line:
 *	add:		USER [LABEL]
 *	confirm:	USER CODE [ID]
 * (blank lines and lines starting with '#' skipped).  Each line stands
 * on its own: a line that fails is reported on stderr with its number
 * and the batch goes on.  One line a success on stdout, the same in
 * every locale, for scripts:
 *	add:		USER ID URI	(the URI holds the secret)
 *	confirm:	USER ID activated
 * The store writes skip their syncs (MFA_SYNC_DEFER) and one
 * mfa_ctx_sync() after the last line makes the batch durable: six
 * fsyncs a user are most of the time of one enrolment.  The lines are
 * read, split and checked as text in input.c.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_totp.h"
#include "input.h"

struct batch {
	struct mfactl	*m;
	const char	*cmd;		/* "totp add" or "totp confirm" */
	const char	*file;		/* as given; "-": standard input */
	unsigned	 nusers;	/* lines naming a user */
	unsigned	 nfailed;
	/* Its buffers may hold codes: wiped after use. */
	struct batch_reader r;
};

/*
 * The reason of an MFA_ERR_* code, translated, with the library's last
 * warning in parentheses (then forgotten); malloc'd, or NULL.
 */
static char *
lib_reason(struct mfactl *m, int err)
{
	char *reason = NULL;
	int n;

	if (m->logmsg != NULL)
		n = asprintf(&reason, "%s (%s)", _(mfa_strerror(err)),
		    m->logmsg);
	else
		n = asprintf(&reason, "%s", _(mfa_strerror(err)));
	free(m->logmsg);
	m->logmsg = NULL;
	return n < 0 ? NULL : reason;
}

/*
 * Reports a failed line on stderr, one line,
 *	mfactl: CMD FILE: line N: USER: REASON
 * (without "USER: " when user is NULL), and counts it; reason may be
 * NULL (out of memory).
 */
static void
line_report(struct batch *b, const char *user, const char *reason)
{
	char *who = NULL, *detail = NULL;
	size_t wholen;
	FILE *fp;

	b->nfailed++;
	/* A word that failed the name check may hold any byte. */
	if (user != NULL && (fp = open_memstream(&who, &wholen)) != NULL) {
		mfactl_print_safe(fp, user);
		if (fclose(fp) != 0) {
			free(who);
			who = NULL;
		}
	}
	if (reason != NULL && (user == NULL || who != NULL) &&
	    asprintf(&detail, "%s%s%s", who != NULL ? who : "",
	    who != NULL ? ": " : "", reason) == -1)
		detail = NULL;
	mfactl_errorf(b->cmd, b->file, _("line %u: %s"), b->r.lineno,
	    detail != NULL ? detail : _("out of memory"));
	free(detail);
	free(who);
}

/* The same with a translated printf-style reason. */
static void __attribute__((format(printf, 3, 4)))
line_fail(struct batch *b, const char *user, const char *fmt, ...)
{
	char *reason = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&reason, fmt, ap);
	va_end(ap);
	line_report(b, user, n == -1 ? NULL : reason);
	if (n != -1)
		free(reason);
}

/* The same with the reason of an MFA_ERR_* code. */
static void
line_fail_err(struct batch *b, const char *user, int err)
{
	char *reason = lib_reason(b->m, err);

	line_report(b, user, reason);
	free(reason);
}

/*
 * Whether user may be enrolled under that name: not when it is another
 * name of an account (mfactl_check_user()), reported as the line's
 * failure.  Returns 0 when it may.
 */
static int
account_fault(struct batch *b, const char *user)
{
	char *account = NULL;
	int r;

	if ((r = mfactl_account(user, &account)) == MFACTL_ACCOUNT_NONE ||
	    r == MFACTL_ACCOUNT_SAME)
		return 0;
	if (r == -1)
		line_fail(b, user, "%s",
		    _("cannot look the user up in the user database"));
	else
		line_fail(b, user, _("another name of the account %s, which "
		    "is the name pam_mfa uses: give that name"), account);
	free(account);
	return -1;
}

/*
 * USER [LABEL]: a pending credential, and "USER ID URI" on stdout.
 * Returns 0, or -1 when the batch cannot go on (stdout is gone: the
 * secrets of the next users would be lost as well).
 */
static int
add_line(struct batch *b, const struct totp_add_opts *o)
{
	struct batch_add l;
	const char *user, *label;
	char *uri = NULL;
	mfa_user_t *u = NULL;
	unsigned id = 0;
	int r, ret = 0;

	if ((r = batch_add_line(b->r.line, o->label, &l)) == BATCH_SKIP)
		return 0;
	user = l.user;
	label = l.label;
	if (r == BATCH_BAD_USER) {
		line_fail_err(b, user, l.err);
		goto out;
	}
	if (account_fault(b, user) != 0)
		goto out;
	if (r == BATCH_BAD_LABEL_LENGTH) {
		line_fail(b, user, _("label not 1 to %d bytes"),
		    MFA_LABEL_MAX);
		goto out;
	}
	if (r != BATCH_OK) {
		line_fail(b, user, "%s", _("label with a control character"));
		goto out;
	}
	if ((r = mfa_user_open(b->m->ctx, user,
	    MFA_OPEN_WRITE | MFA_OPEN_CREATE, &u)) == MFA_OK) {
		r = mfa_user_totp_add(u, label, o->issuer, o->algorithm,
		    o->digits, &id, &uri);
		mfactl_audit("totp-add", user, id, MFA_CRED_TOTP, NULL,
		    r == MFA_OK);
	}
	mfa_user_free(&u);
	if (r != MFA_OK) {
		line_fail_err(b, user, r);
		goto out;
	}
	printf("%s %u ", user, id);
	if (totp_put_secret_line(uri) == -1) {
		line_fail(b, user, _("cannot write the URI: %s"),
		    strerror(errno));
		ret = -1;
	}
out:
	mfa_secret_free(&uri);
	return ret;
}

/* USER CODE [ID]: activates, and "USER ID activated" on stdout. */
static int
confirm_line(struct batch *b)
{
	struct batch_confirm l;
	const char *user;
	unsigned long long id;
	const mfa_cred_t *c;
	mfa_user_t *u = NULL;
	size_t npending;
	int r;

	if ((r = batch_confirm_line(b->r.line, &l)) == BATCH_SKIP)
		return 0;
	user = l.user;
	if (r == BATCH_BAD_SHAPE) {
		line_fail(b, user, "%s", _("not USER CODE [ID]"));
		goto out;
	}
	if (r == BATCH_BAD_USER) {
		line_fail_err(b, user, l.err);
		goto out;
	}
	if (account_fault(b, user) != 0)
		goto out;
	if (r != BATCH_OK) {
		line_fail(b, user, "%s: %s", l.idword,
		    _("not a credential id"));
		goto out;
	}
	id = l.id;
	if ((r = mfa_user_open(b->m->ctx, user, MFA_OPEN_WRITE, &u)) !=
	    MFA_OK) {
		line_fail_err(b, user, r);
		goto out;
	}
	if (id != 0 && (c = mfactl_find_cred(u, (unsigned)id)) != NULL &&
	    mfa_cred_status(c) != MFA_STATUS_PENDING) {
		line_fail(b, user, _("credential %u is not pending"),
		    (unsigned)id);
		goto out;
	}
	if (id == 0 && (id = totp_only_pending(u, &npending)) == 0) {
		line_fail(b, user, "%s", npending == 0 ?
		    _("no pending TOTP credential") :
		    _("several pending TOTP credentials; give the id "
		    "after the code"));
		goto out;
	}
	r = mfa_user_totp_confirm(u, (unsigned)id, l.code);
	mfactl_audit("totp-confirm", user, (unsigned)id, MFA_CRED_TOTP, NULL,
	    r == MFA_OK);
	if (r != MFA_OK) {
		line_fail_err(b, user, r);
		goto out;
	}
	printf("%s %u activated\n", user, (unsigned)id);
out:
	mfa_user_free(&u);
	return 0;
}

/* The store directory exists: else every line would say so. */
static int
store_ok(struct batch *b)
{
	const char *store = mfa_ctx_store(b->m->ctx);
	struct stat st;

	if (store != NULL && stat(store, &st) == -1)
		return mfactl_errorf(b->cmd, b->file, _("store %s: %s"), store,
		    strerror(errno));
	if (store != NULL && !S_ISDIR(st.st_mode))
		return mfactl_errorf(b->cmd, b->file, _("store %s: %s"), store,
		    strerror(ENOTDIR));
	return EXIT_OK;
}

/* Runs add_line() (o != NULL) or confirm_line() on every line. */
static int
batch_run(struct mfactl *m, const char *cmd, const char *file,
    const struct totp_add_opts *o)
{
	struct batch *b;
	char *reason;
	int r, status, stopped = 0;

	if ((status = mfactl_need_root(cmd, NULL)) != EXIT_OK)
		return status;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return mfactl_error(m, cmd, file, MFA_ERR_NOMEM);
	b->m = m;
	b->cmd = cmd;
	b->file = file;
	b->r.fd = strcmp(file, "-") == 0 ? STDIN_FILENO :
	    open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (b->r.fd == -1) {
		status = mfactl_errorf(cmd, file, "%s", strerror(errno));
		goto out;
	}
	status = EXIT_FAIL;
	if (mfactl_ctx(m, cmd, file) != MFA_OK || store_ok(b) != EXIT_OK)
		goto out;
	/* Durable as a whole at the end: see mfa_ctx_set_sync(). */
	if ((r = mfa_ctx_set_sync(m->ctx, MFA_SYNC_DEFER)) != MFA_OK) {
		mfactl_error(m, cmd, file, r);
		goto out;
	}

	while ((r = batch_next(&b->r)) != BATCH_END) {
		if (r == -1) {
			mfactl_errorf(cmd, file, "%s", strerror(errno));
			stopped = 1;
			break;
		}
		if (r == BATCH_LONG || r == BATCH_NUL) {
			b->nusers++;
			if (r == BATCH_LONG)
				line_fail(b, NULL, _("longer than %d bytes"),
				    BATCH_LINE_MAX);
			else
				line_fail(b, NULL, "%s",
				    _("not text (a NUL byte)"));
			continue;
		}
		if (batch_skipped(b->r.line))
			continue;
		b->nusers++;
		/* A warning of an earlier line is not this one's reason. */
		free(m->logmsg);
		m->logmsg = NULL;
		r = o != NULL ? add_line(b, o) : confirm_line(b);
		explicit_bzero(b->r.line, sizeof(b->r.line));
		if (r == -1) {
			stopped = 1;
			break;
		}
	}

	/* Whatever was done, durable now or reported as not. */
	if ((r = mfa_ctx_sync(m->ctx)) != MFA_OK) {
		reason = lib_reason(m, r);
		mfactl_errorf(cmd, file, _("cannot flush the store to disk: "
		    "%s; nothing of this batch is known to be on disk"),
		    reason != NULL ? reason : _(mfa_strerror(r)));
		free(reason);
		goto out;
	}
	if (b->nfailed > 0)
		mfactl_errorf(cmd, file, _("lines failed: %u of %u"),
		    b->nfailed, b->nusers);
	if (b->nfailed == 0 && !stopped)
		status = EXIT_OK;
out:
	if (b->r.fd != -1 && b->r.fd != STDIN_FILENO)
		(void)close(b->r.fd);
	explicit_bzero(b, sizeof(*b));
	free(b);
	return status;
}

int
totp_add_batch(struct mfactl *m, const char *file,
    const struct totp_add_opts *o)
{
	return batch_run(m, "totp add", file, o);
}

int
totp_confirm_batch(struct mfactl *m, const char *file)
{
	return batch_run(m, "totp confirm", file, NULL);
}
