/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl check, the users: who the policy covers (members of the groups
 * given with --group or named in [group] sections, and the users of
 * [user] sections, as NSS knows them) and whether each has a second
 * factor that meets the policy in effect for them.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define NSS_BUF_START	1024
#define NSS_BUF_MAX	(1024 * 1024)

/* A growing list of names (sorted by the caller). */
struct names {
	char	**v;
	size_t	  n;
};

static int
names_add(struct names *l, const char *s)
{
	char **nv, *d;

	if ((d = strdup(s)) == NULL ||
	    (nv = reallocarray(l->v, l->n + 1, sizeof(*nv))) == NULL) {
		free(d);
		return -1;
	}
	l->v = nv;
	l->v[l->n++] = d;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
names_free(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * getgrnam_r with a buffer that grows on ERANGE.  Return 1 found, 0 not
 * found, -1 error; *bufp is the caller's to free.
 */
static int
get_gr(const char *name, struct group *gr, char **bufp)
{
	struct group *res = NULL;
	size_t len;
	char *nb;
	int e;

	for (len = NSS_BUF_START; len <= NSS_BUF_MAX; len *= 2) {
		if ((nb = realloc(*bufp, len)) == NULL)
			return -1;
		*bufp = nb;
		e = getgrnam_r(name, gr, nb, len, &res);
		if (e == ERANGE)
			continue;
		if (e != 0 && e != ENOENT && e != ESRCH)
			return -1;
		return res != NULL;
	}
	return -1;
}

int
check_account(const char *user)
{
	char *account = NULL;
	gid_t gid;
	int r;

	if (mfa_account(user, &account, &gid) != MFA_OK)
		return -1;
	r = account != NULL;
	free(account);
	return r;
}

/* Whether user is an account's own name. */
static int
check_account_named(const char *user)
{
	char *account = NULL;
	int r;

	r = mfactl_account(user, &account);
	free(account);
	return r == MFACTL_ACCOUNT_SAME;
}

int
check_group_exists(const char *group)
{
	struct group gr;
	char *buf = NULL;
	int r;

	r = get_gr(group, &gr, &buf);
	free(buf);
	return r;
}

/* The first factor (totp, fido2) that would complete the policy. */
static const char *
missing_factor(const mfa_policy_t *p, int totp, int fido2)
{
	int v[MFA_FACTOR_COUNT];

	v[MFA_FACTOR_PASSWORD] = MFA_TRUE;
	v[MFA_FACTOR_RECOVERY] = MFA_FALSE;
	v[MFA_FACTOR_TOTP] = MFA_TRUE;
	v[MFA_FACTOR_FIDO2] = fido2 ? MFA_TRUE : MFA_FALSE;
	if (!totp && mfa_policy_eval(p, v) == MFA_TRUE)
		return "totp";
	v[MFA_FACTOR_TOTP] = totp ? MFA_TRUE : MFA_FALSE;
	v[MFA_FACTOR_FIDO2] = MFA_TRUE;
	if (!fido2 && mfa_policy_eval(p, v) == MFA_TRUE)
		return "fido2";
	return NULL;
}

static int
has_pending(const mfa_user_t *u)
{
	size_t i;

	for (i = 0; i < mfa_user_cred_count(u); i++)
		if (mfa_cred_status(mfa_user_cred(u, i)) ==
		    MFA_STATUS_PENDING)
			return 1;
	return 0;
}

void
check_user_policy(struct check *c, const char *user, const mfa_user_t *u)
{
	mfa_policy_t *p = NULL;
	const char *miss;
	char **g = NULL;
	size_t ng = 0;
	int v[MFA_FACTOR_COUNT], totp, fido2, rec, why;

	if (mfactl_user_groups(c->m->ctx, user, &g, &ng, &why) < 0) {
		/*
		 * A configured group that is missing or cannot be looked
		 * up is the configuration's finding (for every user alike);
		 * the user database failing for this user is this one.
		 */
		if (why == MFA_ERR_IO && g == NULL && check_account(user) < 0)
			check_add(c, "user-lookup", CHECK_HIGH,
			    check_obj(CHECK_OBJ_USER, "%s", user),
			    check_fmt("%s", _("check the user database "
			    "(nsswitch.conf, SSSD, LDAP)")), "%s",
			    _("the user database failed for this user: "
			    "logins are refused"));
		else if (why != MFA_ERR_IO)
			c->nomem = 1;
		goto out;
	}
	if (mfa_policy_get(c->m->ctx, user, (const char *const *)g, ng,
	    NULL, &p) != MFA_OK) {
		c->nomem = 1;
		goto out;
	}
	v[MFA_FACTOR_PASSWORD] = MFA_TRUE;
	v[MFA_FACTOR_TOTP] = v[MFA_FACTOR_FIDO2] = MFA_FALSE;
	v[MFA_FACTOR_RECOVERY] = MFA_FALSE;
	/* A policy met by the password alone is the config's finding. */
	if (mfa_policy_eval(p, v) == MFA_TRUE)
		goto out;
	totp = u != NULL && mfa_user_has_factor(u, MFA_FACTOR_TOTP);
	fido2 = u != NULL && mfa_user_has_factor(u, MFA_FACTOR_FIDO2);
	rec = u != NULL && mfactl_recovery_stands_in(p, u);
	v[MFA_FACTOR_TOTP] = totp ? MFA_TRUE : MFA_FALSE;
	v[MFA_FACTOR_FIDO2] = fido2 ? MFA_TRUE : MFA_FALSE;
	if (!totp && !fido2) {
		check_add(c, "user-no-factor", rec ? CHECK_MEDIUM : CHECK_HIGH,
		    check_obj(CHECK_OBJ_USER, "%s", user),
		    u != NULL && has_pending(u) ?
		    check_fmt(_("confirm the pending credential ('mfactl "
		    "totp confirm %s CODE') or run 'mfactl totp add %s'"),
		    user, user) :
		    check_fmt(_("run 'mfactl totp add %s' or 'mfactl fido2 "
		    "add %s'"), user, user), "%s", rec ?
		    _("no second factor enrolled: logs in only with a "
		    "recovery code, until they run out") :
		    mfa_policy_unenrolled(p) != MFA_UNENROLLED_ALLOW ?
		    _("no second factor enrolled: cannot log in "
		    "(unenrolled = deny)") :
		    mfa_policy_uses(p, MFA_FACTOR_PASSWORD) ?
		    _("no second factor enrolled: logs in with the password "
		    "alone (unenrolled = allow)") :
		    _("no second factor enrolled: cannot log in (unenrolled "
		    "= allow lets the password alone decide only where "
		    "'require' asks for it)"));
	} else if (mfa_policy_eval(p, v) != MFA_TRUE) {
		miss = missing_factor(p, totp, fido2);
		check_add(c, "user-policy-unmet", rec ? CHECK_MEDIUM :
		    CHECK_HIGH, check_obj(CHECK_OBJ_USER, "%s", user),
		    miss != NULL ?
		    check_fmt(_("run 'mfactl %s add %s'"), miss, user) :
		    check_fmt("%s", _("check 'require' for this user")),
		    _("the enrolled factors (%s) do not meet the policy "
		    "'%s': %s"), totp && fido2 ? "totp, fido2" :
		    totp ? "totp" : "fido2", mfa_policy_text(p), rec ?
		    _("logs in only with a recovery code, until they run "
		    "out") : _("cannot log in"));
	}
out:
	mfa_policy_free(&p);
	mfa_policy_groups_free(&g, ng);
}

/* 1 when user is one of the store's users. */
static int
in_store(const struct check *c, const char *user)
{
	const char *s = c->users;
	size_t i;

	for (i = 0; i < c->nusers; i++, s += strlen(s) + 1)
		if (strcmp(s, user) == 0)
			return 1;
	return 0;
}

/* Members of group name: listed ones, and those whose primary it is. */
static int
group_members(struct check *c, const char *name, struct names *users,
    int given)
{
	struct group gr;
	struct passwd pw, *res;
	char *grbuf = NULL, *pwbuf = NULL, *nb, **mem;
	size_t len = NSS_BUF_START;
	int r, e, ret = -1;

	if ((r = get_gr(name, &gr, &grbuf)) <= 0) {
		/*
		 * [group] sections that are unknown or cannot be looked up
		 * are check_config()'s findings.
		 */
		if (r == 0 && given)
			check_add(c, "group-unknown", CHECK_LOW,
			    check_obj(CHECK_OBJ_GROUP, "%s", name),
			    check_fmt("%s", _("check the name given with "
			    "--group")), "%s", _("no such group"));
		else if (given)
			check_add(c, "group-lookup", CHECK_HIGH,
			    check_obj(CHECK_OBJ_GROUP, "%s", name),
			    check_fmt("%s", _("check the group database "
			    "(nsswitch.conf, SSSD, LDAP)")), "%s",
			    _("the group cannot be looked up: its members are "
			    "not checked"));
		ret = 0;
		goto out;
	}
	for (mem = gr.gr_mem; mem != NULL && *mem != NULL; mem++)
		if (names_add(users, *mem) == -1)
			goto out;
	if ((pwbuf = malloc(len)) == NULL)
		goto out;
	setpwent();
	for (;;) {
		e = getpwent_r(&pw, pwbuf, len, &res);
		if (e == ERANGE && len < NSS_BUF_MAX) {
			if ((nb = realloc(pwbuf, len * 2)) == NULL)
				break;
			pwbuf = nb;
			len *= 2;
			continue;
		}
		if (e != 0 || res == NULL)
			break;
		if (pw.pw_gid == gr.gr_gid && names_add(users, pw.pw_name) ==
		    -1) {
			endpwent();
			goto out;
		}
	}
	endpwent();
	ret = 0;
out:
	free(grbuf);
	free(pwbuf);
	return ret;
}

void
check_covered(struct check *c)
{
	struct names users = { NULL, 0 };
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (group_members(c, c->groups[i], &users, 1) == -1)
			c->nomem = 1;
	for (i = 0; i < c->nsec; i++) {
		if (c->sec[i].kind == CHECK_SEC_GROUP &&
		    group_members(c, c->sec[i].name, &users, 0) == -1)
			c->nomem = 1;
		/* Not another name of an account: that section is idle. */
		if (c->sec[i].kind == CHECK_SEC_USER &&
		    check_account_named(c->sec[i].name) &&
		    names_add(&users, c->sec[i].name) == -1)
			c->nomem = 1;
	}
	if (users.n > 1)
		qsort(users.v, users.n, sizeof(*users.v), cmp_str);
	for (i = 0; i < users.n; i++) {
		if (i > 0 && strcmp(users.v[i], users.v[i - 1]) == 0)
			continue;
		/* Users with a store were looked at by check_store(). */
		if (in_store(c, users.v[i]) ||
		    mfa_username_check(users.v[i]) != MFA_OK)
			continue;
		check_user_policy(c, users.v[i], NULL);
	}
	names_free(&users);
}
