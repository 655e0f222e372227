/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl import FORMAT FILE: takes over credentials from pam_u2f,
 * pam_oath, google-authenticator and PSKC seed files of hardware TOTP
 * tokens, so that a site can migrate.  Each record is validated and
 * reported on stdout, one line per outcome:
 *	LINE N: imported USER credential ID (DESC, label L)
 *	LINE N: K scratch codes imported as recovery codes of USER ...
 *	LINE N: skipped: REASON
 * (KEY N for the keys of a PSKC file).  Each line is one translated
 * format, so that a language can order its parts; labels and reasons
 * are shown as check shows text (UTF-8 as it is, control bytes
 * escaped).  Secrets are never printed.  Exit status 0 when everything
 * was imported, 1 when anything was not.  Every credential written, or
 * refused once the user's store was open, is sent to the audit log
 * (op=import) as the other writing commands do; a dry run sends nothing.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfactl.h"
#include "import_pskc.h"
#include "input.h"

#define IMPORT_USAGE \
	"pam_u2f|pam_oath|google-authenticator|pskc FILE\n" \
	"       [--user USER] [--assign SERIAL=USER]... [--map FILE]\n" \
	"       [--label L] [--allow-unattested] [--dry-run]"
#define FILE_MAX	(16 * 1024 * 1024)	/* bytes of an input file */
#define MAP_MAX		(1024 * 1024)	/* bytes of a --map file */
#define FMT_PSKC	100
#define WHERE_LEN	64	/* "LINE n" or "KEY n", translated */

struct import {
	struct mfactl	*m;
	int		 format;
	const char	*file;
	const char	*user;		/* --user */
	const char	*label;		/* --label */
	int		 flags;		/* MFA_IMPORT_* */
	struct assign_list assigns;	/* --assign, --map */
	unsigned	 imported;
	unsigned	 failed;
};

/* The formats as the command line names them. */
static const struct {
	const char	*name;
	int		 format;
} formats[] = {
	{ "pam_u2f", MFA_IMPORT_PAM_U2F },
	{ "pam_oath", MFA_IMPORT_PAM_OATH },
	{ "google-authenticator", MFA_IMPORT_GAUTH },
	{ "pskc", FMT_PSKC },
};

static int
format_parse(const char *s, int *format)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(s, formats[i].name) == 0) {
			*format = formats[i].format;
			return 0;
		}
	return -1;
}

/* The format's name as the command line gives it. */
static const char *
format_name(int format)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].format == format)
			return formats[i].name;
	return "?";
}

/*
 * Reads a whole regular file of at most max bytes into a NUL-terminated
 * malloc'd buffer (wiped and freed by the caller: it holds secrets).
 */
static int
read_file(const char *path, size_t max, char **out, size_t *outlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;	/* shrank meanwhile: take what is there */
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	*out = buf;
	*outlen = len;
	return 0;
fail:
	saved = errno;
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
	close(fd);
	errno = saved;
	return -1;
}

static void
free_secret_buf(char *buf, size_t len)
{
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
}

/* --assign SERIAL=USER */
static int
assign_arg(struct import *im, const char *arg)
{
	const char *eq, *why;

	if ((eq = strchr(arg, '=')) == NULL)
		why = _("not SERIAL=USER");
	else
		why = assign_add(&im->assigns, arg, (size_t)(eq - arg),
		    eq + 1);
	if (why == NULL)
		return EXIT_OK;
	fprintf(stderr, "mfactl: import: --assign ");
	mfactl_print_safe(stderr, arg);
	fprintf(stderr, ": %s\n", why);
	return EXIT_USAGE;
}

/* --map FILE: lines "SERIAL USER" (input.c). */
static int
map_file(struct import *im, const char *path)
{
	const char *why;
	char *buf = NULL;
	size_t len = 0;
	unsigned lineno = 0;
	int r;

	if (read_file(path, MAP_MAX, &buf, &len) == -1)
		return mfactl_errorf("import", path, "%s", strerror(errno));
	r = map_parse(&im->assigns, buf, len, &lineno, &why);
	free(buf);
	if (r != 0)
		return mfactl_errorf("import", path, _("line %u: %s"), lineno,
		    why);
	return EXIT_OK;
}

/* Where a report line's record is: "LINE n", or "KEY n" in a PSKC file. */
static void
where_fmt(char *buf, size_t len, int key, unsigned n)
{
	/* TRANSLATORS: a line of the imported file, or a key of a PSKC one. */
	(void)snprintf(buf, len, key ? _("KEY %u") : _("LINE %u"), n);
}

/* "skipped: REASON" for a library error, with its log line if any. */
static void
report_error(struct import *im, const char *where, const char *user, int r)
{
	struct mfactl *m = im->m;
	const char *reason;
	char *detail = NULL, *hint = NULL;

	switch (r) {
	case MFA_ERR_EXCLUDED:
		reason = _("already imported");
		break;
	case MFA_ERR_ATTEST:
		reason = _("refused by the FIDO2 configuration");
		break;
	default:
		reason = _(mfa_strerror(r));
		break;
	}
	/* The library's own words on the refusal (English, as logged). */
	if (m->logmsg != NULL) {
		if (asprintf(&detail, "%s (%s)", reason, m->logmsg) == -1)
			detail = NULL;
		else
			reason = detail;
		free(m->logmsg);
		m->logmsg = NULL;
	}
	if (r == MFA_ERR_ATTEST &&
	    (im->flags & MFA_IMPORT_UNATTESTED) == 0) {
		if (asprintf(&hint, _("%s; --allow-unattested accepts keys "
		    "without attestation"), reason) == -1)
			hint = NULL;
		else
			reason = hint;
	}
	if (user != NULL)
		/* TRANSLATORS: "LINE 3: skipped: alice: already imported" */
		(void)mfactl_print_line(stdout, _("%s: skipped: %s: %s"), where,
		    user, reason);
	else
		(void)mfactl_print_line(stdout, _("%s: skipped: %s"), where,
		    reason);
	free(detail);
	free(hint);
	im->failed++;
}

static void
report_ok(struct import *im, const char *where, const char *user,
    unsigned id, const char *desc, const char *label)
{
	if (im->flags & MFA_IMPORT_DRYRUN)
		/* TRANSLATORS: where, user, kind of credential, label. */
		(void)mfactl_print_line(stdout, _("%s: would import %s "
		    "credential (%s, label %s)"), where, user, desc, label);
	else
		/* TRANSLATORS: where, user, id, kind of credential, label. */
		(void)mfactl_print_line(stdout, _("%s: imported %s credential "
		    "%u (%s, label %s)"), where, user, id, desc, label);
	im->imported++;
}

/*
 * The audit record of one credential (of type) written to user's store,
 * or refused (r): "format=F", then more (NULL: nothing) such as the
 * token's serial number.  A dry run writes nothing, so sends nothing.
 */
static void
audit_import(struct import *im, const char *user, unsigned id, int type,
    const char *more, int r)
{
	char extra[128];

	if (im->flags & MFA_IMPORT_DRYRUN)
		return;
	(void)snprintf(extra, sizeof(extra), "format=%s%s%s",
	    format_name(im->format), more != NULL ? " " : "",
	    more != NULL ? more : "");
	mfactl_audit("import", user, r == MFA_OK ? id : 0, type, extra,
	    r == MFA_OK);
}

/*
 * Opens the user's store for the import: for writing (created when
 * missing), or for reading in a dry run (*u NULL when there is none).
 */
static int
open_user(struct import *im, const char *user, mfa_user_t **u)
{
	char *account = NULL;
	int r;

	*u = NULL;
	/*
	 * As for every command (mfactl_check_user()): logins use the
	 * account's own name, so credentials stored under another name
	 * of it would never be read.  The reason goes where the library's
	 * would, into report_error()'s line.
	 */
	r = mfactl_account(user, &account);
	if (r == -1 || r == MFACTL_ACCOUNT_OTHER) {
		free(im->m->logmsg);
		im->m->logmsg = NULL;
		if (r == -1)
			im->m->logmsg = strdup(_("cannot look the user up in "
			    "the user database"));
		else if (asprintf(&im->m->logmsg, _("another name of the "
		    "account %s, which is the name pam_mfa uses: give that "
		    "name"), account) == -1)
			im->m->logmsg = NULL;
		free(account);
		return r == -1 ? MFA_ERR_IO : MFA_ERR_USERNAME;
	}
	if ((im->flags & MFA_IMPORT_DRYRUN) == 0)
		return mfa_user_open(im->m->ctx, user,
		    MFA_OPEN_WRITE | MFA_OPEN_CREATE, u);
	r = mfa_user_open(im->m->ctx, user, MFA_OPEN_READ, u);
	return r == MFA_ERR_NOTENROLLED ? MFA_OK : r;
}

/*
 * google-authenticator scratch codes: added to the user's recovery
 * codes; the count is the new ones (codes imported before are skipped).
 * secret_r is what became of the file's TOTP secret, imported just
 * before.  The codes come only with it: a secret the user had already
 * (MFA_ERR_EXCLUDED) means the file was imported before, and its codes
 * may since have been used and their set replaced or removed, which
 * leaves no trace of them to compare with; added again, a used code
 * would work again.
 */
static void
import_scratch(struct import *im, const mfa_import_t *imp, size_t i,
    mfa_user_t *u, const char *user, int secret_r)
{
	unsigned before, n, id = 0, total = mfa_import_scratch_codes(imp);
	char where[WHERE_LEN], more[32];
	int r;

	where_fmt(where, sizeof(where), 0, 1);
	if (secret_r != MFA_OK) {
		/* TRANSLATORS: "LINE 1: skipped: gina: already imported ..." */
		(void)mfactl_print_line(stdout, _("%s: skipped: %s: %s"),
		    where, user, secret_r == MFA_ERR_EXCLUDED ?
		    _("already imported (the scratch codes of a file whose "
		    "secret the user has are not added again)") :
		    _("scratch codes are imported only with their secret"));
		im->failed++;
		return;
	}
	before = u != NULL ? mfa_user_recovery_remaining(u) : 0;
	r = MFA_OK;
	if (u == NULL)
		r = mfa_import_check(im->m->ctx, imp, i, im->flags);
	if (r == MFA_OK)
		r = mfa_user_import(u, imp, i, NULL, im->flags, &id);
	if (r != MFA_OK) {
		if (u != NULL)
			audit_import(im, user, 0, MFA_CRED_RECOVERY, NULL, r);
		report_error(im, where, user, r);
		return;
	}
	if (im->flags & MFA_IMPORT_DRYRUN) {
		(void)mfactl_print_line(stdout, ngettext("%s: would import %u "
		    "scratch code of %s as recovery codes", "%s: would import "
		    "%u scratch codes of %s as recovery codes", total), where,
		    total, user);
		im->imported++;
		return;
	}
	n = mfa_user_recovery_remaining(u) - before;
	(void)snprintf(more, sizeof(more), "scratch=%u", n);
	audit_import(im, user, id, MFA_CRED_RECOVERY, more, MFA_OK);
	if (n < total)
		(void)mfactl_print_line(stdout, ngettext("%s: %u scratch code "
		    "imported as recovery codes of %s (credential %u, %u "
		    "imported before)", "%s: %u scratch codes imported as "
		    "recovery codes of %s (credential %u, %u imported before)",
		    n), where, n, user, id, total - n);
	else
		(void)mfactl_print_line(stdout, ngettext("%s: %u scratch code "
		    "imported as recovery codes of %s (credential %u)",
		    "%s: %u scratch codes imported as recovery codes of %s "
		    "(credential %u)", n), where, n, user, id);
	im->imported++;
}

/* Imports every credential of a parsed record for user. */
static void
import_record(struct import *im, const mfa_import_t *imp, const char *user,
    unsigned lineno)
{
	const char *label, *note;
	mfa_user_t *u = NULL;
	char where[WHERE_LEN];
	unsigned id;
	size_t i, n = mfa_import_count(imp);
	int r, secret_r = MFA_ERR_NOTFOUND;

	where_fmt(where, sizeof(where), 0, lineno);
	if ((r = open_user(im, user, &u)) != MFA_OK) {
		report_error(im, where, user, r);
		return;
	}
	for (i = 0; i < n; i++) {
		label = im->label;
		if (label == NULL)
			label = format_name(im->format);
		/* --label names the TOTP credential, not the codes. */
		if (mfa_import_type(imp, i) == MFA_CRED_RECOVERY) {
			import_scratch(im, imp, i, u, user, secret_r);
			continue;
		}
		r = MFA_OK;
		id = 0;
		if (u == NULL)
			r = mfa_import_check(im->m->ctx, imp, i, im->flags);
		if (r == MFA_OK)
			r = mfa_user_import(u, imp, i, label, im->flags, &id);
		if (u != NULL)
			audit_import(im, user, id, mfa_import_type(imp, i),
			    NULL, r);
		if (mfa_import_type(imp, i) == MFA_CRED_TOTP)
			secret_r = r;
		if (r != MFA_OK)
			report_error(im, where, user, r);
		else
			report_ok(im, where, user, id, mfa_import_desc(imp, i),
			    label);
	}
	mfa_user_free(&u);
	if ((note = mfa_import_note(imp)) != NULL)
		(void)mfactl_print_line(stdout, _("%s: note: %s"), where, note);
}

static void
report_parse_error(struct import *im, const mfa_import_t *imp,
    unsigned base)
{
	unsigned line = 0;
	const char *why = mfa_import_why(imp, &line);
	char where[WHERE_LEN];

	where_fmt(where, sizeof(where), 0, base + (line > 0 ? line - 1 : 0));
	(void)mfactl_print_line(stdout, _("%s: skipped: %s"), where,
	    why[0] != '\0' ? why : _("not understood"));
	im->failed++;
}

/*
 * pam_u2f and pam_oath: one record per line of buf[0..buflen).  The
 * lines are cut by length, not at a NUL byte: a line holding one goes
 * to the parser whole, which refuses it, and the lines after it are
 * still read.
 */
static void
import_lines(struct import *im, mfa_import_t *imp, char *buf, size_t buflen)
{
	char *line, *next, *end, *p, where[WHERE_LEN];
	unsigned *later = NULL;
	size_t len, left, nlines = 0;
	unsigned lineno;
	int r;

	/* pam_u2f reads a user's last line only: the others never worked. */
	if (im->format == MFA_IMPORT_PAM_U2F &&
	    u2f_later_lines(buf, buflen, &later, &nlines) == -1) {
		(void)mfactl_errorf("import", im->file, "%s", strerror(errno));
		im->failed++;
		return;
	}
	for (lineno = 1, line = buf, left = buflen; left > 0;
	    lineno++, line = next) {
		if ((end = memchr(line, '\n', left)) != NULL) {
			len = (size_t)(end - line);
			*end = '\0';
			next = end + 1;
		} else {
			len = left;
			next = line + left;
		}
		left -= (size_t)(next - line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		/* Blank or a comment; with a NUL byte in it, neither. */
		if (memchr(line, '\0', len) == NULL) {
			p = line + strspn(line, " \t");
			if (*p == '\0' || *p == '#')
				continue;
		}
		if (later != NULL && lineno <= nlines &&
		    later[lineno - 1] != 0) {
			where_fmt(where, sizeof(where), 0, lineno);
			(void)mfactl_print_line(stdout, _("%s: skipped: line %u "
			    "names the same user, and pam_u2f reads only a "
			    "user's last line"), where, later[lineno - 1]);
			im->failed++;
			continue;
		}
		r = mfa_import_parse(imp, im->format, line, len);
		if (r != MFA_OK)
			report_parse_error(im, imp, lineno);
		else
			import_record(im, imp, mfa_import_user(imp), lineno);
	}
	free(later);
}

static void
import_gauth(struct import *im, mfa_import_t *imp, const char *buf,
    size_t len)
{
	if (mfa_import_parse(imp, MFA_IMPORT_GAUTH, buf, len) != MFA_OK) {
		report_parse_error(im, imp, 1);
		return;
	}
	/* The secret, then its scratch codes as recovery codes. */
	import_record(im, imp, im->user, 1);
}

static const struct assign *
assigned(struct import *im, const char *serial)
{
	size_t i;

	for (i = 0; i < im->assigns.n; i++)
		if (strcmp(im->assigns.v[i].serial, serial) == 0) {
			im->assigns.v[i].used++;
			return &im->assigns.v[i];
		}
	return NULL;
}

static void
import_pskc(struct import *im, const char *buf, size_t len)
{
	struct pskc_entry *e = NULL;
	const struct assign *a;
	const char *reason;
	mfa_user_t *u = NULL;
	char why[PSKC_WHY_MAX], label[MFA_LABEL_MAX + 1], desc[32];
	char where[WHERE_LEN], more[PSKC_SERIAL_MAX + 8];
	size_t n = 0, i;
	unsigned id, line;
	int r;

	if (import_pskc_load(buf, len, &e, &n, why, sizeof(why),
	    &line) == -1) {
		if (line > 0) {
			where_fmt(where, sizeof(where), 0, line);
			mfactl_errorf("import", im->file, "%s: %s", where,
			    _(why));
		} else
			mfactl_errorf("import", im->file, "%s", _(why));
		im->failed++;
		return;
	}
	for (i = 0; i < n; i++) {
		a = e[i].serial[0] != '\0' ? assigned(im, e[i].serial) : NULL;
		where_fmt(where, sizeof(where), 1, (unsigned)i + 1);
		if (!e[i].ok || a == NULL) {
			/* import_pskc.c's reasons are marked for po/. */
			reason = !e[i].ok ? _(e[i].why) : _("not assigned to a "
			    "user (--assign SERIAL=USER or --map FILE)");
			if (e[i].serial[0] != '\0')
				(void)mfactl_print_line(stdout,
				    _("%s: skipped: serial %s: %s"), where,
				    e[i].serial, reason);
			else
				(void)mfactl_print_line(stdout,
				    _("%s: skipped: %s"), where, reason);
			im->failed++;
			continue;
		}
		if (im->label != NULL)
			(void)snprintf(label, sizeof(label), "%s", im->label);
		else
			(void)snprintf(label, sizeof(label), "token %s",
			    e[i].serial);
		id = 0;
		if ((r = open_user(im, a->user, &u)) == MFA_OK) {
			r = mfa_user_totp_import(u, label, e[i].algorithm,
			    e[i].digits, e[i].period, e[i].secret,
			    e[i].secret_len, im->flags, &id);
			(void)snprintf(more, sizeof(more), "serial=%s",
			    e[i].serial);
			audit_import(im, a->user, id, MFA_CRED_TOTP, more, r);
		}
		mfa_user_free(&u);
		if (r != MFA_OK) {
			report_error(im, where, a->user, r);
			continue;
		}
		(void)snprintf(desc, sizeof(desc), "totp %s/%u/%u",
		    e[i].algorithm == MFA_TOTP_SHA512 ? "sha512" :
		    e[i].algorithm == MFA_TOTP_SHA256 ? "sha256" : "sha1",
		    e[i].digits, e[i].period);
		report_ok(im, where, a->user, id, desc, label);
	}
	import_pskc_free(&e, n);
	for (i = 0; i < im->assigns.n; i++)
		if (im->assigns.v[i].used == 0) {
			(void)mfactl_print_line(stdout, _("NOTE: serial %s "
			    "(assigned to %s) is not in the file"),
			    im->assigns.v[i].serial, im->assigns.v[i].user);
			im->failed++;
		}
}

/* A clearer message than the library's when the store is missing. */
static int
store_check(struct mfactl *m)
{
	const char *store = mfa_ctx_store(m->ctx);
	struct stat st;

	if (store == NULL)
		return EXIT_OK;
	if (stat(store, &st) == -1)
		return mfactl_errorf("import", NULL, _("store %s: %s"), store,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return mfactl_errorf("import", NULL, _("store %s: %s"), store,
		    strerror(ENOTDIR));
	return EXIT_OK;
}

/* Tells once under which RP ID imported FIDO2 keys will be asked. */
static void
rp_id_note(struct import *im)
{
	char rp[256];

	if (mfa_ctx_fido2_rp_id(im->m->ctx, rp, sizeof(rp)) != MFA_OK)
		(void)snprintf(rp, sizeof(rp), "%s", _("(unknown)"));
	(void)mfactl_print_line(stdout, _("NOTE: pam_mfa asks security keys "
	    "for RP ID %s; an imported key works only if pam_u2f used the "
	    "same origin (appid for old U2F lines; pam_u2f's default is "
	    "pam://HOSTNAME)"), rp);
	free(im->m->logmsg);
	im->m->logmsg = NULL;
}

int
cmd_import(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "assign", required_argument, NULL, 'a' },
		{ "map", required_argument, NULL, 'M' },
		{ "label", required_argument, NULL, 'l' },
		{ "allow-unattested", no_argument, NULL, 'A' },
		{ "dry-run", no_argument, NULL, 'n' },
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import im;
	mfa_import_t *imp = NULL;
	const char *map = NULL;
	char *buf = NULL;
	size_t len = 0;
	int ch, status = EXIT_FAIL;

	memset(&im, 0, sizeof(im));
	im.m = m;
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			im.user = optarg;
			break;
		case 'a':
			if ((status = assign_arg(&im, optarg)) != EXIT_OK)
				goto out;
			break;
		case 'M':
			map = optarg;
			break;
		case 'l':
			im.label = optarg;
			break;
		case 'A':
			im.flags |= MFA_IMPORT_UNATTESTED;
			break;
		case 'n':
			im.flags |= MFA_IMPORT_DRYRUN;
			break;
		case 'h':
			printf("%s: mfactl [%s] import %s\n", _("usage"),
			    _("global options"), IMPORT_USAGE);
			status = EXIT_OK;
			goto out;
		default:
			if (mfactl_global_opt(m, "import", ch, argv) !=
			    EXIT_OK) {
				status = EXIT_USAGE;
				goto out;
			}
			break;
		}
	}
	status = EXIT_USAGE;
	if (argc - optind != 2) {
		mfactl_usage("import", IMPORT_USAGE);
		goto out;
	}
	if (format_parse(argv[optind], &im.format) == -1) {
		fprintf(stderr, "mfactl: import: ");
		mfactl_print_safe(stderr, argv[optind]);
		fprintf(stderr, ": %s\n", _("not pam_u2f, pam_oath, "
		    "google-authenticator or pskc"));
		goto out;
	}
	im.file = argv[optind + 1];
	if ((im.format == MFA_IMPORT_GAUTH) != (im.user != NULL)) {
		fprintf(stderr, "mfactl: import: %s\n", im.user == NULL ?
		    _("--user USER is needed for google-authenticator") :
		    _("--user USER is for google-authenticator only"));
		goto out;
	}
	if (im.format != FMT_PSKC && (im.assigns.n > 0 || map != NULL)) {
		fprintf(stderr, "mfactl: import: %s\n",
		    _("--assign and --map are for pskc only"));
		goto out;
	}
	if (im.label != NULL && mfactl_label_arg("import", NULL, "--label",
	    im.label) != EXIT_OK)
		goto out;
	if (im.user != NULL && mfa_username_check(im.user) != MFA_OK) {
		status = mfactl_error(m, "import", im.user, MFA_ERR_USERNAME);
		goto out;
	}

	if ((status = mfactl_need_root("import", im.file)) != EXIT_OK)
		goto out;
	status = EXIT_FAIL;
	if (map != NULL && map_file(&im, map) != EXIT_OK)
		goto out;
	if (im.format == FMT_PSKC && im.assigns.n == 0) {
		status = mfactl_errorf("import", im.file, "%s", _("no token "
		    "is assigned to a user: use --assign SERIAL=USER or --map "
		    "FILE"));
		goto out;
	}
	if (mfactl_ctx(m, "import", im.file) != MFA_OK)
		goto out;
	if (store_check(m) != EXIT_OK)
		goto out;
	if (read_file(im.file, FILE_MAX, &buf, &len) == -1) {
		status = mfactl_errorf("import", im.file, "%s",
		    strerror(errno));
		goto out;
	}
	if ((imp = mfa_import_new()) == NULL) {
		status = mfactl_error(m, "import", im.file, MFA_ERR_NOMEM);
		goto out;
	}

	if (im.format == MFA_IMPORT_PAM_U2F)
		rp_id_note(&im);
	if (im.format == MFA_IMPORT_GAUTH)
		import_gauth(&im, imp, buf, len);
	else if (im.format == FMT_PSKC)
		import_pskc(&im, buf, len);
	else
		import_lines(&im, imp, buf, len);
	if (im.imported == 0 && im.failed == 0) {
		printf("%s\n", _("NOTE: no credential in the file"));
		im.failed++;
	}
	if (im.flags & MFA_IMPORT_DRYRUN)
		printf(_("%u would be imported, %u skipped (dry run: nothing "
		    "written)"), im.imported, im.failed);
	else
		printf(_("%u imported, %u skipped"), im.imported, im.failed);
	putchar('\n');
	status = im.failed == 0 ? EXIT_OK : EXIT_FAIL;
out:
	mfa_import_free(&imp);
	free_secret_buf(buf, len);
	assign_list_free(&im.assigns);
	return status;
}
