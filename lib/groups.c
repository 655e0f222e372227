/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which [group NAME] sections apply to an account.  Each configured group
 * is looked up by name (getgrnam_r); the account is a member when the
 * group's gid is one of its groups (getgrouplist, primary included) or
 * when the group lists it as a member.  A group that cannot be looked up
 * fails the whole answer: getgrouplist() does not report a back end that
 * is down (it returns what the others gave), and a group database that
 * fails, or a section whose group has gone, must not quietly leave the
 * account with the weaker policy of its service or of [global].
 * Looking up by name also finds membership of a group that shares its
 * gid with another, whose name getgrgid_r() would not give.
 */
#include "config.h"

#include <sys/types.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "internal.h"

#define GIDS_START	64
#define GIDS_MAX	65536		/* Linux NGROUPS_MAX */

/* The account's gids, primary included, in *gidsp[0..*np). */
static int
account_gids(const char *account, gid_t gid, gid_t **gidsp, size_t *np)
{
	gid_t	*gids = NULL, *ngids;
	int	 cap = GIDS_START, want;

	for (;;) {
		if ((ngids = reallocarray(gids, (size_t)cap,
		    sizeof(*gids))) == NULL) {
			free(gids);
			return MFA_ERR_NOMEM;
		}
		gids = ngids;
		want = cap;
		if (getgrouplist(account, gid, gids, &want) >= 0)
			break;
		/* Too small: glibc says how many there are. */
		if (want <= cap)
			want = cap * 2;
		if (want > GIDS_MAX) {
			free(gids);
			return MFA_ERR_TOOBIG;
		}
		cap = want;
	}
	*gidsp = gids;
	*np = want > 0 ? (size_t)want : 0;
	return MFA_OK;
}

/*
 * Whether account is a member of group name: 1 or 0 in *member.
 * MFA_ERR_NOTFOUND when there is no such group, MFA_ERR_IO when the
 * group database fails.
 */
static int
group_member(const char *name, const char *account, const gid_t *gids,
    size_t ngids, int *member)
{
	struct group	 gr;
	size_t		 i;
	char		*buf = NULL, **m;
	int		 r;

	*member = 0;
	if ((r = nss_lookup(NSS_GROUP, name, &gr, &buf)) != MFA_OK)
		goto out;
	for (i = 0; i < ngids; i++)
		if (gids[i] == gr.gr_gid)
			*member = 1;
	for (m = gr.gr_mem; !*member && m != NULL && *m != NULL; m++)
		if (strcmp(*m, account) == 0)
			*member = 1;
out:
	free(buf);
	return r;
}

int
mfa_policy_groups(const mfa_ctx_t *ctx, const char *account, gid_t gid,
    char ***groupsp, size_t *np)
{
	const struct mfa_config	*cfg;
	const struct mfa_section *s;
	gid_t			*gids = NULL;
	char			**names = NULL;
	size_t			 ngids = 0, n = 0, i;
	int			 member, r;

	if (groupsp != NULL)
		*groupsp = NULL;
	if (np != NULL)
		*np = 0;
	if (ctx == NULL || account == NULL || groupsp == NULL || np == NULL)
		return MFA_ERR_INVAL;
	if ((cfg = ctx_config(ctx)) == NULL || cfg->sections == NULL)
		return MFA_ERR_CONFIG;
	if (!mfa_policy_needs_groups(ctx))
		return MFA_OK;
	if ((r = account_gids(account, gid, &gids, &ngids)) != MFA_OK)
		goto out;
	if ((names = calloc(cfg->nsections, sizeof(*names))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 1; i < cfg->nsections; i++) {
		s = &cfg->sections[i];
		if (s->kind != SECTION_GROUP)
			continue;
		r = group_member(s->name, account, gids, ngids, &member);
		if (r == MFA_ERR_NOTFOUND || r == MFA_ERR_IO) {
			mfa_log(ctx, LOG_ERR, "configuration line %u: group "
			    "%s %s: the groups' sections cannot be applied",
			    s->line, s->name, r == MFA_ERR_NOTFOUND ?
			    "does not exist" : "cannot be looked up");
			r = MFA_ERR_IO;
		}
		if (r != MFA_OK)
			goto out;
		if (member && (names[n++] = strdup(s->name)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
	}
	*groupsp = names;
	*np = n;
	names = NULL;
	n = 0;
	r = MFA_OK;
out:
	mfa_policy_groups_free(&names, n);
	free(gids);
	return r;
}

void
mfa_policy_groups_free(char ***groupsp, size_t n)
{
	size_t	i;

	if (groupsp == NULL || *groupsp == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*groupsp)[i]);
	free(*groupsp);
	*groupsp = NULL;
}
