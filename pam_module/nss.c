/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user's passwd entry and group names, through NSS with growing,
 * capped buffers (getpwnam_r, getgrouplist, getgrgid_r): reentrant, no
 * static buffers.
 */
#include "config.h"

#include <sys/types.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "mfa.h"
#include "module.h"

#define NSS_BUF_START	1024
#define NSS_BUF_MAX	(1024 * 1024)	/* cap on a passwd/group entry */
#define GROUPS_START	64
#define GROUPS_MAX	65536		/* Linux NGROUPS_MAX */

/*
 * getpwnam_r with a growing buffer.  *found is 0 for an unknown user;
 * returns MFA_OK, MFA_ERR_NOMEM or MFA_ERR_IO (NSS failure).
 */
static int
passwd_get(const char *name, struct passwd *pw, char **bufp, int *found)
{
	struct passwd *res = NULL;
	size_t sz = NSS_BUF_START;
	char *buf = NULL, *nbuf;
	int e, r;

	*found = 0;
	for (;;) {
		if ((nbuf = realloc(buf, sz)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		buf = nbuf;
		e = getpwnam_r(name, pw, buf, sz, &res);
		if (e != ERANGE)
			break;
		if (sz >= NSS_BUF_MAX) {
			r = MFA_ERR_IO;
			goto out;
		}
		sz *= 2;
	}
	if (e == ENOMEM) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	/* Some NSS modules report "no such user" as an errno. */
	if (e != 0 && e != ENOENT && e != ESRCH) {
		r = MFA_ERR_IO;
		goto out;
	}
	*found = res != NULL;
	*bufp = buf;
	buf = NULL;
	r = MFA_OK;
out:
	free(buf);
	return r;
}

void
groups_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The name of group gid in a fresh string, or NULL in *name if none. */
static int
group_name(gid_t gid, char **name)
{
	struct group gr, *res = NULL;
	size_t sz = NSS_BUF_START;
	char *buf = NULL, *nbuf;
	int e, r;

	*name = NULL;
	for (;;) {
		if ((nbuf = realloc(buf, sz)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		buf = nbuf;
		e = getgrgid_r(gid, &gr, buf, sz, &res);
		if (e != ERANGE)
			break;
		if (sz >= NSS_BUF_MAX) {
			r = MFA_ERR_IO;
			goto out;
		}
		sz *= 2;
	}
	if (e == ENOMEM) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (e != 0 && e != ENOENT && e != ESRCH) {
		r = MFA_ERR_IO;
		goto out;
	}
	if (res != NULL && (*name = strdup(gr.gr_name)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	r = MFA_OK;
out:
	free(buf);
	return r;
}

/* The names of all groups of pw (primary included), bounded. */
static int
user_groups(const struct passwd *pw, char ***namesp, size_t *np)
{
	gid_t *gids = NULL, *ngids;
	char **names = NULL;
	size_t i, n = 0;
	int cap = GROUPS_START, want, r;

	for (;;) {
		if ((ngids = reallocarray(gids, (size_t)cap,
		    sizeof(*gids))) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		gids = ngids;
		want = cap;
		if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &want) >= 0)
			break;
		/* Too small: glibc says how many there are. */
		if (want <= cap)
			want = cap * 2;
		if (want > GROUPS_MAX) {
			r = MFA_ERR_TOOBIG;
			goto out;
		}
		cap = want;
	}
	if ((names = calloc(want > 0 ? (size_t)want : 1,
	    sizeof(*names))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < (size_t)want; i++) {
		if ((r = group_name(gids[i], &names[n])) != MFA_OK)
			goto out;
		if (names[n] != NULL)
			n++;
	}
	*namesp = names;
	*np = n;
	names = NULL;
	n = 0;
	r = MFA_OK;
out:
	groups_free(names, n);
	free(gids);
	return r;
}

int
nss_user_groups(const char *name, int want_groups, char **account,
    char ***groups, size_t *ngroups)
{
	struct passwd pw;
	char *pwbuf = NULL, *acct = NULL, **names = NULL;
	size_t n = 0;
	int found = 0, r;

	*account = NULL;
	*groups = NULL;
	*ngroups = 0;
	if ((r = passwd_get(name, &pw, &pwbuf, &found)) != MFA_OK || !found)
		goto out;
	/*
	 * The account's own name, which may differ from the one asked
	 * for (case-insensitive or qualified names, aliases).
	 */
	if (pw.pw_name == NULL || (acct = strdup(pw.pw_name)) == NULL) {
		r = pw.pw_name == NULL ? MFA_ERR_IO : MFA_ERR_NOMEM;
		goto out;
	}
	if (want_groups && (r = user_groups(&pw, &names, &n)) != MFA_OK)
		goto out;
	*account = acct;
	*groups = names;
	*ngroups = n;
	acct = NULL;
	r = MFA_OK;
out:
	free(acct);
	free(pwbuf);
	return r;
}
