/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user's passwd entry, through NSS with a growing, capped buffer
 * (getpwnam_r): reentrant, no static buffer.  The groups that matter are
 * libmfa's (mfa_policy_groups).
 */
#include "config.h"

#include <sys/types.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "mfa.h"
#include "module.h"

#define NSS_BUF_START	1024
#define NSS_BUF_MAX	(1024 * 1024)	/* cap on a passwd/group entry */

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

int
nss_account(const char *name, char **account, gid_t *gid)
{
	struct passwd pw;
	char *pwbuf = NULL, *acct = NULL;
	int found = 0, r;

	*account = NULL;
	*gid = (gid_t)-1;
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
	*account = acct;
	*gid = pw.pw_gid;
	acct = NULL;
	r = MFA_OK;
out:
	free(acct);
	free(pwbuf);
	return r;
}
