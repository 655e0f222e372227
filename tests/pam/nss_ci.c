/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A test-only NSS module (never installed) that answers user look-ups
 * the way SSSD or winbind can: names are matched without regard to
 * case, and "NAME@DOMAIN" finds NAME when DOMAIN is NSS_CI_DOMAIN; the
 * entry returned carries the account's own name, as in the file.  It is
 * loaded by nss_wrapper's module backend (NSS_WRAPPER_MODULE_SO_PATH,
 * NSS_WRAPPER_MODULE_FN_PREFIX=ci), which asks it before its own files,
 * so that tests/pam/test_pam_names.c can log in as "MFA-ALICE".
 *
 *   NSS_CI_PASSWD	the passwd(5) file to read (required)
 *   NSS_CI_DOMAIN	the domain of qualified names (optional)
 *   NSS_CI_GROUP_DOWN	a group name whose look-up fails as when its
 *			server does not answer (optional)
 *   NSS_CI_PASSWD_DOWN	the same for a user name (optional)
 *
 * Only passwd entries by name and uid; groups and enumeration are left
 * to nss_wrapper's files (NOTFOUND here), so that nothing is listed
 * twice.
 */
#include "config.h"

#include <sys/types.h>
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_CI	1024

/* Declared here: a module has no header of its own. */
enum nss_status _nss_ci_getpwnam_r(const char *, struct passwd *, char *,
    size_t, int *);
enum nss_status _nss_ci_getpwuid_r(uid_t, struct passwd *, char *,
    size_t, int *);
enum nss_status _nss_ci_setpwent(void);
enum nss_status _nss_ci_getpwent_r(struct passwd *, char *, size_t,
    int *);
enum nss_status _nss_ci_endpwent(void);
enum nss_status _nss_ci_getgrnam_r(const char *, struct group *, char *,
    size_t, int *);
enum nss_status _nss_ci_getgrgid_r(gid_t, struct group *, char *,
    size_t, int *);
enum nss_status _nss_ci_setgrent(void);
enum nss_status _nss_ci_getgrent_r(struct group *, char *, size_t,
    int *);
enum nss_status _nss_ci_endgrent(void);
enum nss_status _nss_ci_initgroups_dyn(const char *, gid_t, long int *,
    long int *, gid_t **, long int, int *);

/* Splits a passwd line into its 7 fields in place; 0 on success. */
static int
split(char *line, char *f[7])
{
	size_t i;
	char *p = line;

	line[strcspn(line, "\n")] = '\0';
	for (i = 0; i < 7; i++) {
		f[i] = p;
		if ((p = strchr(p, ':')) == NULL)
			break;
		*p++ = '\0';
	}
	return i == 6 && p == NULL ? 0 : -1;
}

static unsigned long
number(const char *s, int *bad)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		*bad = 1;
	return v;
}

/* Copies the fields into buf for pw; NSS_STATUS_TRYAGAIN when small. */
static enum nss_status
fill(char *f[7], struct passwd *pw, char *buf, size_t len, int *errnop)
{
	char **dst[5] = { &pw->pw_name, &pw->pw_passwd, &pw->pw_gecos,
	    &pw->pw_dir, &pw->pw_shell };
	const int idx[5] = { 0, 1, 4, 5, 6 };
	size_t i, n, off = 0;
	int bad = 0;

	pw->pw_uid = (uid_t)number(f[2], &bad);
	pw->pw_gid = (gid_t)number(f[3], &bad);
	if (bad) {
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	for (i = 0; i < 5; i++) {
		n = strlen(f[idx[i]]) + 1;
		if (n > len - off) {
			*errnop = ERANGE;
			return NSS_STATUS_TRYAGAIN;
		}
		memcpy(buf + off, f[idx[i]], n);
		*dst[i] = buf + off;
		off += n;
	}
	return NSS_STATUS_SUCCESS;
}

/* The entry of name (any case, maybe @NSS_CI_DOMAIN) or of uid. */
static enum nss_status
lookup(const char *name, uid_t uid, struct passwd *pw, char *buf,
    size_t len, int *errnop)
{
	const char *path, *domain, *at;
	char line[LINE_MAX_CI], *f[7];
	size_t nlen = 0;
	enum nss_status st = NSS_STATUS_NOTFOUND;
	int bad;
	FILE *fp;

	if ((path = getenv("NSS_CI_PASSWD")) == NULL) {
		*errnop = ENOENT;
		return NSS_STATUS_UNAVAIL;
	}
	/* NSS_CI_PASSWD_DOWN=NAME: that user's server does not answer. */
	if (name != NULL && getenv("NSS_CI_PASSWD_DOWN") != NULL &&
	    strcmp(getenv("NSS_CI_PASSWD_DOWN"), name) == 0) {
		*errnop = EAGAIN;
		return NSS_STATUS_UNAVAIL;
	}
	if (name != NULL) {
		nlen = strlen(name);
		domain = getenv("NSS_CI_DOMAIN");
		if ((at = strchr(name, '@')) != NULL && domain != NULL &&
		    strcasecmp(at + 1, domain) == 0)
			nlen = (size_t)(at - name);
	}
	if ((fp = fopen(path, "re")) == NULL) {
		*errnop = errno;
		return NSS_STATUS_UNAVAIL;
	}
	*errnop = ENOENT;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (split(line, f) != 0)
			continue;
		bad = 0;
		if (name != NULL && (strlen(f[0]) != nlen ||
		    strncasecmp(f[0], name, nlen) != 0))
			continue;
		if (name == NULL && ((uid_t)number(f[2], &bad) != uid || bad))
			continue;
		st = fill(f, pw, buf, len, errnop);
		break;
	}
	(void)fclose(fp);
	return st;
}

enum nss_status
_nss_ci_getpwnam_r(const char *name, struct passwd *pw, char *buf,
    size_t len, int *errnop)
{
	return lookup(name, 0, pw, buf, len, errnop);
}

enum nss_status
_nss_ci_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
    int *errnop)
{
	return lookup(NULL, uid, pw, buf, len, errnop);
}

enum nss_status
_nss_ci_setpwent(void)
{
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_ci_getpwent_r(struct passwd *pw, char *buf, size_t len, int *errnop)
{
	(void)pw;
	(void)buf;
	(void)len;
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

enum nss_status
_nss_ci_endpwent(void)
{
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_ci_getgrnam_r(const char *name, struct group *gr, char *buf,
    size_t len, int *errnop)
{
	(void)gr;
	(void)buf;
	(void)len;
	/* NSS_CI_GROUP_DOWN=NAME: that group's server does not answer. */
	if (getenv("NSS_CI_GROUP_DOWN") != NULL &&
	    strcmp(getenv("NSS_CI_GROUP_DOWN"), name) == 0) {
		*errnop = EAGAIN;
		return NSS_STATUS_UNAVAIL;
	}
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

enum nss_status
_nss_ci_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
    int *errnop)
{
	(void)gid;
	(void)gr;
	(void)buf;
	(void)len;
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

enum nss_status
_nss_ci_setgrent(void)
{
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_ci_getgrent_r(struct group *gr, char *buf, size_t len, int *errnop)
{
	(void)gr;
	(void)buf;
	(void)len;
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

enum nss_status
_nss_ci_endgrent(void)
{
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_ci_initgroups_dyn(const char *user, gid_t gid, long int *start,
    long int *size, gid_t **groups, long int limit, int *errnop)
{
	(void)user;
	(void)gid;
	(void)start;
	(void)size;
	(void)groups;
	(void)limit;
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}
