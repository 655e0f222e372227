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
 * fsyncs a user are most of the time of one enrolment.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_totp.h"

#define BATCH_LINE_MAX	512	/* bytes in a line, newline excluded */
#define BATCH_BUF	16384	/* bytes read at a time */

/* batch_next() results besides 1 (a line), 0 (end) and -1 (error). */
#define BATCH_LONG	2	/* longer than BATCH_LINE_MAX */
#define BATCH_NUL	3	/* holds a NUL byte */

struct batch {
	struct mfactl	*m;
	const char	*cmd;		/* "totp add" or "totp confirm" */
	const char	*file;		/* as given; "-": standard input */
	int		 fd;
	int		 eof;
	unsigned	 lineno;
	unsigned	 nusers;	/* lines naming a user */
	unsigned	 nfailed;
	size_t		 off, len;	/* the unread bytes of buf */
	/* Both may hold codes: wiped after use. */
	char		 buf[BATCH_BUF];
	char		 line[BATCH_LINE_MAX + 1];
};

/*
 * Reads the next line into b->line, without its newline (nor a '\r'
 * before it), with read(2) into our own buffer: no stdio buffer keeps
 * a copy of a code.  Returns 1, 0 at the end of the file, BATCH_LONG
 * or BATCH_NUL for a line consumed but not kept, or -1 with errno set.
 */
static int
batch_next(struct batch *b)
{
	const char *p, *nl;
	size_t n = 0, take;
	ssize_t got;
	int seen = 0, result = 1;

	explicit_bzero(b->line, sizeof(b->line));
	for (;;) {
		if (b->off == b->len) {
			if (b->eof)
				break;
			got = read(b->fd, b->buf, sizeof(b->buf));
			if (got == -1 && errno == EINTR)
				continue;
			if (got == -1)
				return -1;
			b->off = 0;
			b->len = (size_t)got;
			if (got == 0) {
				b->eof = 1;
				break;
			}
		}
		seen = 1;
		p = b->buf + b->off;
		nl = memchr(p, '\n', b->len - b->off);
		take = nl != NULL ? (size_t)(nl - p) : b->len - b->off;
		if (result == 1 && take <= BATCH_LINE_MAX - n) {
			memcpy(b->line + n, p, take);
			n += take;
		} else
			result = BATCH_LONG;
		b->off += take + (nl != NULL);
		if (nl != NULL)
			break;
	}
	if (!seen)
		return 0;
	if (b->lineno == UINT_MAX) {
		errno = EFBIG;
		return -1;
	}
	b->lineno++;
	if (result != 1)
		return result;
	if (memchr(b->line, '\0', n) != NULL)
		return BATCH_NUL;
	if (n > 0 && b->line[n - 1] == '\r')
		n--;
	b->line[n] = '\0';
	return 1;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The word at *pp (NUL-terminated in place), or NULL; *pp moves on. */
static char *
next_word(char **pp)
{
	char *p = *pp, *w;

	while (is_blank(*p))
		p++;
	if (*p == '\0') {
		*pp = p;
		return NULL;
	}
	w = p;
	while (*p != '\0' && !is_blank(*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return w;
}

/* The rest of the line without blanks around it, or NULL when empty. */
static char *
rest_of_line(char *p)
{
	size_t n;

	while (is_blank(*p))
		p++;
	n = strlen(p);
	while (n > 0 && is_blank(p[n - 1]))
		p[--n] = '\0';
	return n > 0 ? p : NULL;
}

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
	mfactl_errorf(b->cmd, b->file, _("line %u: %s"), b->lineno,
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

#define LABEL_OK	0
#define LABEL_LENGTH	1	/* not 1 to MFA_LABEL_MAX bytes */
#define LABEL_CONTROL	2	/* has a control byte */

/* Whether the store takes label, as LABEL_*. */
static int
label_fault(const char *label)
{
	size_t n = strlen(label);

	/* The rule is the library's; only the message is chosen here. */
	if (mfa_label_check(label) == MFA_OK)
		return LABEL_OK;
	return (n == 0 || n > MFA_LABEL_MAX) ? LABEL_LENGTH : LABEL_CONTROL;
}

/*
 * USER [LABEL]: a pending credential, and "USER ID URI" on stdout.
 * Returns 0, or -1 when the batch cannot go on (stdout is gone: the
 * secrets of the next users would be lost as well).
 */
static int
add_line(struct batch *b, const struct totp_add_opts *o)
{
	char *p = b->line, *user, *uri = NULL;
	const char *label;
	mfa_user_t *u = NULL;
	unsigned id = 0;
	int r, ret = 0;

	user = next_word(&p);
	if ((label = rest_of_line(p)) == NULL)
		label = o->label;
	if ((r = mfa_username_check(user)) != MFA_OK) {
		line_fail_err(b, user, r);
		goto out;
	}
	if (account_fault(b, user) != 0)
		goto out;
	if (label != NULL && (r = label_fault(label)) != LABEL_OK) {
		if (r == LABEL_LENGTH)
			line_fail(b, user, _("label not 1 to %d bytes"),
			    MFA_LABEL_MAX);
		else
			line_fail(b, user, "%s",
			    _("label with a control character"));
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
	char *p = b->line, *user, *code, *idword;
	unsigned long long id = 0;
	const mfa_cred_t *c;
	mfa_user_t *u = NULL;
	size_t npending;
	int r;

	user = next_word(&p);
	code = next_word(&p);
	idword = next_word(&p);
	if (code == NULL || next_word(&p) != NULL) {
		line_fail(b, user, "%s", _("not USER CODE [ID]"));
		goto out;
	}
	if ((r = mfa_username_check(user)) != MFA_OK) {
		line_fail_err(b, user, r);
		goto out;
	}
	if (account_fault(b, user) != 0)
		goto out;
	if (idword != NULL &&
	    mfactl_parse_uint(idword, 1, UINT32_MAX, &id) == -1) {
		line_fail(b, user, "%s: %s", idword,
		    _("not a credential id"));
		goto out;
	}
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
	r = mfa_user_totp_confirm(u, (unsigned)id, code);
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
	char *p, *reason;
	int r, status, stopped = 0;

	/* A bad --label would fail every line that has none. */
	if (o != NULL && o->label != NULL &&
	    (r = label_fault(o->label)) != LABEL_OK) {
		fprintf(stderr, "mfactl: %s: --label: ", cmd);
		if (r == LABEL_LENGTH)
			fprintf(stderr, _("label not 1 to %d bytes"),
			    MFA_LABEL_MAX);
		else
			fputs(_("label with a control character"), stderr);
		fputc('\n', stderr);
		return EXIT_USAGE;
	}
	if ((status = mfactl_need_root(cmd, NULL)) != EXIT_OK)
		return status;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return mfactl_error(m, cmd, file, MFA_ERR_NOMEM);
	b->m = m;
	b->cmd = cmd;
	b->file = file;
	b->fd = strcmp(file, "-") == 0 ? STDIN_FILENO :
	    open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (b->fd == -1) {
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

	while ((r = batch_next(b)) != 0) {
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
		for (p = b->line; is_blank(*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		b->nusers++;
		/* A warning of an earlier line is not this one's reason. */
		free(m->logmsg);
		m->logmsg = NULL;
		r = o != NULL ? add_line(b, o) : confirm_line(b);
		explicit_bzero(b->line, sizeof(b->line));
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
	if (b->fd != -1 && b->fd != STDIN_FILENO)
		(void)close(b->fd);
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
