/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl check, the store: the directory and its parents (owner, mode),
 * every file in it (type, owner, mode, stray files), and every user
 * with a credentials file: readable by libmfa, an account to go with
 * it, lockout, pending and unused credentials, recovery codes left,
 * and a second factor that meets the user's policy.  This is the one
 * place that lists the store; libmfa opens users by name only.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define STATE_SUFFIX	".state"
#define TMP_SUFFIX	"~tmp"	/* libmfa's temporary files */
#define STORE_FILES_MAX	100000

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The store directory itself and every directory above it. */
static int
check_dir(struct check *c, const char *store)
{
	struct stat st;
	const char *why = NULL;
	char *path, *slash, *qstore;
	int ok = 1;

	if (lstat(store, &st) == -1)
		why = errno == ENOENT ? _("does not exist") : strerror(errno);
	else if (S_ISLNK(st.st_mode))
		why = _("is a symbolic link (libmfa refuses it)");
	else if (!S_ISDIR(st.st_mode))
		why = _("is not a directory");
	if (why != NULL) {
		check_add(c, "store-missing", CHECK_HIGH,
		    check_obj(CHECK_OBJ_STORE, "%s", store), check_fmt("%s",
		    _("create it (root, mode 0700) or fix 'store' in the "
		    "configuration")), "%s", why);
		return 0;
	}
	/* The commands of the advice are pasted into a shell. */
	if ((qstore = mfactl_shell_quote(store)) == NULL) {
		c->nomem = 1;
		return 0;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		check_add(c, "store-unsafe", CHECK_HIGH,
		    check_obj(CHECK_OBJ_STORE, "%s", store),
		    check_fmt(_("run 'chown root: %s; chmod 0700 %s'"), qstore,
		    qstore),
		    _("owned by uid %u with mode %04o: others can change "
		    "credentials (libmfa refuses the store)"),
		    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		ok = 0;
	} else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		check_add(c, "store-unsafe", CHECK_LOW,
		    check_obj(CHECK_OBJ_STORE, "%s", store),
		    check_fmt(_("run 'chmod 0700 %s'"), qstore), _("mode %04o: "
		    "others can see who is enrolled"),
		    (unsigned)(st.st_mode & 07777));
	free(qstore);
	if ((path = strdup(store)) == NULL) {
		c->nomem = 1;
		return 0;
	}
	while ((slash = strrchr(path, '/')) != NULL && slash != path) {
		*slash = '\0';
		if (stat(path, &st) == -1)
			break;
		if (st.st_uid != 0 || ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
		    !(st.st_mode & S_ISVTX))) {
			check_add(c, "store-unsafe", CHECK_HIGH,
			    check_obj(CHECK_OBJ_STORE, "%s", store),
			    check_fmt(_("make %s root's and not writable by "
			    "others"), path),
			    _("parent %s (uid %u, mode %04o) lets others "
			    "replace the store"), path, (unsigned)st.st_uid,
			    (unsigned)(st.st_mode & 07777));
			ok = 0;
		}
	}
	free(path);
	return ok;
}

/* What check_file() found. */
#define FILE_OTHER	0	/* not a credentials file */
#define FILE_USER	1	/* a user's credentials file */
#define FILE_REFUSED	2	/* one that libmfa refuses (reported) */

/* store/name as one word for the shell, or NULL (out of memory). */
static char *
file_quoted(struct check *c, const char *store, const char *name)
{
	char *path = NULL, *q = NULL;

	if (asprintf(&path, "%s/%s", store, name) < 0)
		path = NULL;
	if (path != NULL)
		q = mfactl_shell_quote(path);
	free(path);
	if (q == NULL)
		c->nomem = 1;
	return q;
}

/* One file of the store: FILE_*. */
static int
check_file(struct check *c, int dfd, const char *store, const char *name)
{
	struct stat st;
	char base[MFA_USER_MAX + 1], *qfile;
	size_t n = strlen(name);
	int state = ends_with(name, STATE_SUFFIX);

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return FILE_OTHER;
	if (ends_with(name, TMP_SUFFIX) && S_ISREG(st.st_mode)) {
		check_add(c, "store-stray", CHECK_LOW,
		    check_obj(CHECK_OBJ_FILE, "%s/%s", store, name),
		    check_fmt("%s", _("remove it when no mfactl is running")),
		    "%s", _("temporary file left by an interrupted change"));
		return FILE_OTHER;
	}
	if (state)
		n -= strlen(STATE_SUFFIX);
	if (n > MFA_USER_MAX)
		n = MFA_USER_MAX;
	memcpy(base, name, n);
	base[n] = '\0';
	if (mfa_username_check(base) != MFA_OK ||
	    (state && strlen(name) != n + strlen(STATE_SUFFIX))) {
		check_add(c, "store-stray", CHECK_LOW,
		    check_obj(CHECK_OBJ_FILE, "%s/%s", store, name),
		    check_fmt("%s", _("move it out of the store")), "%s",
		    _("not a file of pam_mfa"));
		return FILE_OTHER;
	}
	if (!S_ISREG(st.st_mode)) {
		check_add(c, "store-file", CHECK_HIGH,
		    check_obj(CHECK_OBJ_FILE, "%s/%s", store, name),
		    check_fmt("%s", _("remove it; re-enrol the user if "
		    "needed")), "%s", S_ISLNK(st.st_mode) ?
		    _("is a symbolic link (libmfa refuses it)") :
		    _("is not a regular file (libmfa refuses it)"));
		return state ? FILE_OTHER : FILE_REFUSED;
	}
	if (st.st_uid != 0 || (st.st_mode & 077) != 0) {
		qfile = file_quoted(c, store, name);
		check_add(c, "store-file", CHECK_HIGH,
		    check_obj(CHECK_OBJ_FILE, "%s/%s", store, name),
		    qfile == NULL ? NULL :
		    check_fmt(_("run 'chown root: %s; chmod 0600 %s' "
		    "and, if others could read it, re-enrol the user"),
		    qfile, qfile), _("owned by uid %u with mode "
		    "%04o: others can read or change it (libmfa refuses it)"),
		    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		free(qfile);
		return state ? FILE_OTHER : FILE_REFUSED;
	}
	return state ? FILE_OTHER : FILE_USER;
}

static void
check_creds(struct check *c, const char *user, const mfa_user_t *u)
{
	const mfa_cred_t *cr;
	char when[MFACTL_TIME_LEN];
	const char *type;
	int64_t used, created;
	unsigned id, left;
	size_t i;
	int recovery = 0;

	for (i = 0; i < mfa_user_cred_count(u); i++) {
		cr = mfa_user_cred(u, i);
		id = mfa_cred_id(cr);
		type = mfactl_type_name(mfa_cred_type(cr));
		used = mfa_cred_last_used(cr);
		created = mfa_cred_created(cr);
		if (mfa_cred_type(cr) == MFA_CRED_RECOVERY) {
			recovery = 1;
			continue;
		}
		if (mfa_cred_status(cr) == MFA_STATUS_PENDING) {
			mfactl_format_time(created, when, sizeof(when));
			check_add(c, "user-pending", CHECK_LOW,
			    check_obj(CHECK_OBJ_USER, "%s", user),
			    check_fmt(_("confirm it with 'mfactl totp confirm "
			    "%s CODE --id %u' or run 'mfactl remove %s %u'"),
			    user, id, user, id),
			    _("credential %u (%s '%s') pending since %s"), id,
			    type, mfa_cred_label(cr), when);
		} else if (used > c->now || (used <= 0 && created > c->now)) {
			/*
			 * Ahead of the clock: no age can be told, and the
			 * clock may have been set back (TOTP steps already
			 * used stay refused until it catches up).
			 */
			mfactl_format_time(used > 0 ? used : created, when,
			    sizeof(when));
			check_add(c, "user-clock", CHECK_MEDIUM,
			    check_obj(CHECK_OBJ_USER, "%s", user),
			    check_fmt("%s", _("check the system clock and its "
			    "time source: it may have been set back")),
			    used > 0 ? _("credential %u (%s '%s') last used "
			    "at %s, later than the clock: its age is not "
			    "known") : _("credential %u (%s '%s') added at %s, "
			    "later than the clock: its age is not known"), id,
			    type, mfa_cred_label(cr), when);
		} else if (used > 0 && c->now - used > c->stale) {
			mfactl_format_time(used, when, sizeof(when));
			check_add(c, "user-stale", CHECK_MEDIUM,
			    check_obj(CHECK_OBJ_USER, "%s", user),
			    check_fmt(_("ask %s whether it is still in use; if "
			    "not, run 'mfactl remove %s %u'"), user, user, id),
			    _("credential %u (%s '%s') unused since %s"), id,
			    type, mfa_cred_label(cr), when);
		} else if (used <= 0 && c->now - created > c->stale) {
			mfactl_format_time(created, when, sizeof(when));
			check_add(c, "user-unused", CHECK_MEDIUM,
			    check_obj(CHECK_OBJ_USER, "%s", user),
			    check_fmt(_("ask %s whether it is still in use; if "
			    "not, run 'mfactl remove %s %u'"), user, user, id),
			    _("credential %u (%s '%s') never used since it "
			    "was added on %s"), id, type, mfa_cred_label(cr),
			    when);
		}
	}
	left = mfa_user_recovery_remaining(u);
	if (recovery && left < CHECK_RECOVERY_LOW)
		check_add(c, "user-recovery-low", left == 0 ? CHECK_MEDIUM :
		    CHECK_LOW, check_obj(CHECK_OBJ_USER, "%s", user),
		    check_fmt(_("run 'mfactl recovery %s' for a new set"),
		    user), _("%u recovery codes left"), left);
}

/*
 * Credentials under another name of an account (made before mfactl
 * refused such names, or by hand): logins use the account's own name
 * (pam_mfa(8)), so these are never read.  1 when reported.
 */
static int
check_other_name(struct check *c, const char *user)
{
	const char *store = mfa_ctx_store(c->m->ctx);
	char *account = NULL;

	if (mfactl_account(user, &account) != MFACTL_ACCOUNT_OTHER)
		return 0;
	check_add(c, "user-other-name", CHECK_MEDIUM,
	    check_obj(CHECK_OBJ_USER, "%s", user), check_fmt(_("enrol %s if "
	    "needed, then delete %s/%s and %s/%s.state"), account, store,
	    user, store, user), _("credentials under another name of the "
	    "account %s: pam_mfa never reads them"), account);
	free(account);
	return 1;
}

static void
check_user(struct check *c, const char *user)
{
	mfa_user_t *u = NULL;
	char until_s[MFACTL_TIME_LEN];
	int64_t until = 0;
	unsigned failures = 0;
	int known, r;

	if (check_other_name(c, user))
		return;
	if ((r = mfa_user_open(c->m->ctx, user, MFA_OPEN_READ, &u)) !=
	    MFA_OK) {
		check_add(c, "store-unreadable", CHECK_HIGH,
		    check_obj(CHECK_OBJ_USER, "%s", user), check_fmt("%s",
		    _("repair or remove the user's files and re-enrol (see "
		    "pam_mfa-store(5)); until then the user cannot log in")),
		    "%s: %s%s%s%s", _("credentials cannot be read"),
		    _(mfa_strerror(r)), c->m->logmsg != NULL ? " (" : "",
		    c->m->logmsg != NULL ? c->m->logmsg : "",
		    c->m->logmsg != NULL ? ")" : "");
		free(c->m->logmsg);
		c->m->logmsg = NULL;
		return;
	}
	if ((known = check_account(user)) == 0)
		check_add(c, "user-no-account", CHECK_MEDIUM,
		    check_obj(CHECK_OBJ_USER, "%s", user), check_fmt(_("if the "
		    "account is gone for good, remove its credentials ('mfactl "
		    "list %s', then 'mfactl remove %s ID')"), user, user), "%s",
		    _("has credentials but no account"));
	r = mfa_user_lock_status(u, &until, &failures);
	if (r == MFA_ERR_LOCKED) {
		mfactl_format_time(until, until_s, sizeof(until_s));
		check_add(c, "user-locked", CHECK_MEDIUM,
		    check_obj(CHECK_OBJ_USER, "%s", user), check_fmt(_("find "
		    "out who made the attempts, then run 'mfactl unlock %s'"),
		    user),
		    _("locked out until %s after %u failed attempts"),
		    until_s, failures);
	} else if (r == MFA_OK && failures > 0) {
		/* Below the lockout, or with none: someone may be trying. */
		check_add(c, "user-failures", CHECK_LOW,
		    check_obj(CHECK_OBJ_USER, "%s", user), check_fmt("%s",
		    _("find out who made them in pam_mfa's log and audit "
		    "lines; a successful login resets the count")),
		    _("%u failed attempts since the last successful login"),
		    failures);
	}
	check_creds(c, user, u);
	/* A failed look-up too: check_user_policy() reports it. */
	if (known != 0)
		check_user_policy(c, user, u);
	mfa_user_free(&u);
}

void
check_store(struct check *c)
{
	const char *store = mfa_ctx_store(c->m->ctx);
	struct dirent *de;
	DIR *d = NULL;
	char **names = NULL, **nn, *s;
	size_t n = 0, i, len;
	int dfd, kind;

	if (store == NULL || !check_dir(c, store))
		return;
	if ((dfd = open(store, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (d = fdopendir(dfd)) == NULL) {
		if (dfd != -1)
			close(dfd);
		check_add(c, "store-missing", CHECK_HIGH,
		    check_obj(CHECK_OBJ_STORE, "%s", store), check_fmt("%s",
		    _("run mfactl check as root")), "%s", strerror(errno));
		return;
	}
	/* Sorted, so that the report reads the same each time. */
	while ((de = readdir(d)) != NULL && n < STORE_FILES_MAX) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((nn = reallocarray(names, n + 1, sizeof(*nn))) == NULL ||
		    (nn[n] = strdup(de->d_name)) == NULL) {
			if (nn != NULL)
				names = nn;
			c->nomem = 1;
			goto out;
		}
		names = nn;
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if ((kind = check_file(c, dirfd(d), store, names[i])) ==
		    FILE_OTHER)
			continue;
		/*
		 * Remember the user for check_covered(), a refused file
		 * too: its finding says what to do, and pam_mfa refuses
		 * the user's logins rather than treating them as
		 * unenrolled.
		 */
		len = strlen(names[i]) + 1;
		if ((s = realloc(c->users, c->userslen + len)) == NULL) {
			c->nomem = 1;
			goto out;
		}
		c->users = s;
		memcpy(c->users + c->userslen, names[i], len);
		c->userslen += len;
		c->nusers++;
		if (kind == FILE_USER)
			check_user(c, names[i]);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
}
