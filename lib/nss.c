/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * User and group database look-ups by name (getpwnam_r, getgrnam_r)
 * with a buffer that grows on ERANGE up to a cap: reentrant, no static
 * buffers.  mfa_account() is the module's and mfactl's way to an
 * account's own name.
 */
#include "config.h"

#include <sys/types.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NSS_BUF_START	1024
#define NSS_BUF_MAX	(1024 * 1024)	/* cap on one entry */

int
nss_lookup(int db, const char *key, void *ent, char **bufp)
{
	void	*res = NULL;
	size_t	 sz = NSS_BUF_START;
	char	*nbuf;
	int	 e;

	if (key == NULL || ent == NULL || bufp == NULL ||
	    (db != NSS_PASSWD && db != NSS_GROUP))
		return MFA_ERR_INVAL;
	for (;;) {
		if ((nbuf = realloc(*bufp, sz)) == NULL)
			return MFA_ERR_NOMEM;
		*bufp = nbuf;
		if (db == NSS_PASSWD)
			e = getpwnam_r(key, ent, nbuf, sz,
			    (struct passwd **)&res);
		else
			e = getgrnam_r(key, ent, nbuf, sz,
			    (struct group **)&res);
		if (e != ERANGE)
			break;
		if (sz >= NSS_BUF_MAX)
			return MFA_ERR_IO;
		sz *= 2;
	}
	if (e == ENOMEM)
		return MFA_ERR_NOMEM;
	/* Some NSS modules report "no such entry" as an errno. */
	if (e != 0 && e != ENOENT && e != ESRCH)
		return MFA_ERR_IO;
	return res != NULL ? MFA_OK : MFA_ERR_NOTFOUND;
}

int
mfa_account(const char *name, char **account, gid_t *gid)
{
	struct passwd	 pw;
	char		*buf = NULL;
	int		 r;

	if (account != NULL)
		*account = NULL;
	if (name == NULL || account == NULL || gid == NULL)
		return MFA_ERR_INVAL;
	*gid = (gid_t)-1;
	r = nss_lookup(NSS_PASSWD, name, &pw, &buf);
	if (r == MFA_ERR_NOTFOUND) {
		r = MFA_OK;
		goto out;
	}
	if (r != MFA_OK)
		goto out;
	if (pw.pw_name == NULL) {
		r = MFA_ERR_IO;
		goto out;
	}
	if ((*account = strdup(pw.pw_name)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	*gid = pw.pw_gid;
out:
	free(buf);
	return r;
}
