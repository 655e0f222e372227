/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl check, the configuration: after libmfa has loaded the file
 * (so it is known to be well-formed), the policy in effect for each
 * section is tried against every combination of factors, and the
 * global keys are looked at for settings that weaken the module.
 *
 * libmfa's public API does not list the sections or give fido2_uv and
 * fido2_attestation, so this file reads those from the file itself:
 * only section headers and those two global keys.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"

#define LINE_MAX_LEN	1024	/* as pam_mfa.conf(5) */
#define VALUE_LEN	16

/* Groups whose members administer the machine. */
static const char *const admin_groups[] = {
	"root", "sudo", "wheel", "admin"
};

/* What a policy lets through. */
struct facts {
	int	unsat;		/* never met */
	int	only_recovery;	/* met only with a recovery code */
	int	pw_alone;	/* met by the password alone */
	int	totp_alone;	/* met by a TOTP code without the password */
	int	fido2_alone;	/* met by a security key without it */
	int	recovery_alone;	/* met by a recovery code without it */
	int	unenrolled;	/* unenrolled = allow */
	int	empty_pw;	/* allow_empty_password = yes */
	int	uses_fido2;
};

struct raw {
	char	uv[VALUE_LEN];		/* fido2_uv */
	char	attest[VALUE_LEN];	/* fido2_attestation */
};

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static void
add_section(struct check *c, const char *kind, const char *name,
    unsigned line)
{
	struct check_section *ns;
	int k;

	if (strcmp(kind, "user") == 0)
		k = CHECK_SEC_USER;
	else if (strcmp(kind, "group") == 0)
		k = CHECK_SEC_GROUP;
	else if (strcmp(kind, "service") == 0)
		k = CHECK_SEC_SERVICE;
	else
		return;
	if ((ns = reallocarray(c->sec, c->nsec + 1, sizeof(*ns))) == NULL) {
		c->nomem = 1;
		return;
	}
	c->sec = ns;
	if ((ns[c->nsec].name = strdup(name)) == NULL) {
		c->nomem = 1;
		return;
	}
	ns[c->nsec].kind = k;
	ns[c->nsec].line = line;
	c->nsec++;
}

/* Section headers, and the global keys the API does not give. */
static void
scan_file(struct check *c, struct raw *raw)
{
	FILE *fp;
	char *line = NULL, *l, *name, *eq;
	size_t cap = 0;
	unsigned lineno = 0;
	int global = 1;

	snprintf(raw->uv, sizeof(raw->uv), "required");
	snprintf(raw->attest, sizeof(raw->attest), "verified");
	if (c->config == NULL || (fp = fopen(c->config, "re")) == NULL)
		return;
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		l = trim(line);
		if (*l == '\0' || *l == '#' || *l == ';' ||
		    strlen(l) > LINE_MAX_LEN)
			continue;
		if (*l == '[') {
			l = trim(l + 1);
			if (l[0] != '\0' && l[strlen(l) - 1] == ']')
				l[strlen(l) - 1] = '\0';
			name = l + strcspn(l, " \t");
			if (*name != '\0')
				*name++ = '\0';
			name = trim(name);
			global = strcmp(l, "global") == 0;
			if (!global)
				add_section(c, l, name, lineno);
			continue;
		}
		if (!global || (eq = strchr(l, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strcmp(trim(l), "fido2_uv") == 0)
			snprintf(raw->uv, sizeof(raw->uv), "%s", trim(eq + 1));
		else if (strcmp(trim(l), "fido2_attestation") == 0)
			snprintf(raw->attest, sizeof(raw->attest), "%s",
			    trim(eq + 1));
	}
	free(line);
	fclose(fp);
}

static int
ev(const mfa_policy_t *p, int pw, int totp, int fido2, int rec)
{
	int v[MFA_FACTOR_COUNT];

	v[MFA_FACTOR_PASSWORD] = pw ? MFA_TRUE : MFA_FALSE;
	v[MFA_FACTOR_TOTP] = totp ? MFA_TRUE : MFA_FALSE;
	v[MFA_FACTOR_FIDO2] = fido2 ? MFA_TRUE : MFA_FALSE;
	v[MFA_FACTOR_RECOVERY] = rec ? MFA_TRUE : MFA_FALSE;
	return mfa_policy_eval(p, v) == MFA_TRUE;
}

static void
facts_of(const mfa_policy_t *p, struct facts *f)
{
	int rec = mfa_policy_allow_recovery(p);

	memset(f, 0, sizeof(*f));
	/* An accepted recovery code makes every factor but password true. */
	f->unsat = !ev(p, 1, 1, 1, rec);
	f->only_recovery = !f->unsat && !ev(p, 1, 1, 1, 0);
	f->pw_alone = ev(p, 1, 0, 0, 0);
	f->totp_alone = ev(p, 0, 1, 0, 0);
	f->fido2_alone = ev(p, 0, 0, 1, 0);
	f->recovery_alone = rec && ev(p, 0, 1, 1, 1);
	f->unenrolled = mfa_policy_unenrolled(p) == MFA_UNENROLLED_ALLOW;
	f->empty_pw = mfa_policy_allow_empty_password(p);
	f->uses_fido2 = mfa_policy_uses(p, MFA_FACTOR_FIDO2);
}

static struct check_object
config_object(const struct check *c)
{
	return c->config != NULL ?
	    check_obj(CHECK_OBJ_CONFIG, "%s", c->config) :
	    check_obj(CHECK_OBJ_DEFAULTS, "%s", "");
}

/*
 * Reports what f lets through and base (the global section's facts, or
 * NULL) does not: a section is blamed only for what it changes.
 */
static void
report(struct check *c, const mfa_policy_t *p, const struct facts *f,
    const struct facts *base, const char *where)
{
	const char *text = mfa_policy_text(p);

#define NEW(x)	(f->x && (base == NULL || !base->x))
	if (NEW(unsat))
		check_add(c, "config-require", CHECK_HIGH, config_object(c),
		    check_fmt(_("fix 'require' in %s"), where),
		    _("%s: require '%s' can never be met: every login fails"),
		    where, text);
	if (NEW(only_recovery))
		check_add(c, "config-require", CHECK_MEDIUM, config_object(c),
		    check_fmt(_("name totp or fido2 in 'require' in %s"),
		    where), _("%s: require '%s' can be met only with a "
		    "recovery code, and they run out"), where, text);
	if (NEW(pw_alone))
		check_add(c, "config-require", CHECK_HIGH, config_object(c),
		    check_fmt(_("require a second factor in %s, e.g. "
		    "'require = password AND (totp OR fido2)'"), where),
		    _("%s: require '%s' is met by the password alone"), where,
		    text);
	if (NEW(totp_alone) || NEW(fido2_alone))
		check_add(c, "config-require", CHECK_MEDIUM, config_object(c),
		    check_fmt(_("put 'password AND' in front of 'require' in "
		    "%s, unless one factor is meant to be enough"), where),
		    _("%s: require '%s' is met by %s alone, without the "
		    "password"), where, text, f->totp_alone ? "totp" :
		    "fido2");
	if (NEW(recovery_alone) && !f->totp_alone && !f->fido2_alone)
		check_add(c, "config-recovery", CHECK_HIGH, config_object(c),
		    check_fmt(_("require the password, or set 'recovery = "
		    "no', in %s"), where), _("%s: a recovery code alone "
		    "logs in (require '%s' does not need the password)"),
		    where, text);
	if (NEW(unenrolled))
		check_add(c, "config-unenrolled", CHECK_HIGH, config_object(c),
		    check_fmt(_("enrol everyone ('mfactl check --group "
		    "GROUP' lists who is missing), then set 'unenrolled = "
		    "deny' in %s"), where), _("%s: unenrolled = allow: users "
		    "without a second factor log in with the password "
		    "alone"), where);
	if (NEW(empty_pw))
		check_add(c, "config-empty-password", CHECK_HIGH,
		    config_object(c), check_fmt(_("set "
		    "'allow_empty_password = no' in %s"), where),
		    _("%s: allow_empty_password = yes: an account without a "
		    "password needs only the second factor"), where);
#undef NEW
}

static int
section_policy(struct check *c, const struct check_section *s,
    mfa_policy_t **p)
{
	const char *g[1];

	switch (s->kind) {
	case CHECK_SEC_USER:
		return mfa_policy_get(c->m->ctx, s->name, NULL, 0, NULL, p);
	case CHECK_SEC_GROUP:
		g[0] = s->name;
		return mfa_policy_get(c->m->ctx, NULL, g, 1, NULL, p);
	default:
		return mfa_policy_get(c->m->ctx, NULL, NULL, 0, s->name, p);
	}
}

static const char *const sec_kinds[] = { "", "user", "group", "service" };

/* "[user bob] (line 7)": where a section is, malloc'd (or NULL). */
static char *
section_where(const struct check_section *s)
{
	/* TRANSLATORS: a section header of pam_mfa.conf and its line. */
	return check_fmt(_("[%s %s] (line %u)"), sec_kinds[s->kind], s->name,
	    s->line);
}

/*
 * A [user] section naming another name of an account: logins use the
 * account's own name (pam_mfa(8)), so it applies to no one.  1 when
 * reported.
 */
static int
check_user_other_name(struct check *c, const struct check_section *s)
{
	char *account = NULL, *where;

	if (mfactl_account(s->name, &account) != MFACTL_ACCOUNT_OTHER)
		return 0;
	if ((where = section_where(s)) == NULL) {
		c->nomem = 1;
	} else {
		check_add(c, "config-user-other-name", CHECK_MEDIUM,
		    config_object(c), check_fmt(_("name the section [user "
		    "%s]"), account), _("%s: another name of the account %s: "
		    "logins use the account's name, so the section applies "
		    "to no one"), where, account);
		free(where);
	}
	free(account);
	return 1;
}

/* Sections naming users or groups that NSS does not know. */
static void
check_names(struct check *c, const struct check_section *s)
{
	char *where;
	int r;

	if (s->kind == CHECK_SEC_SERVICE)
		return;
	if (s->kind == CHECK_SEC_USER && check_user_other_name(c, s))
		return;
	r = s->kind == CHECK_SEC_USER ? check_account(s->name) :
	    check_group_exists(s->name);
	if (r > 0)
		return;
	if ((where = section_where(s)) == NULL) {
		c->nomem = 1;
		return;
	}
	if (r < 0 && s->kind == CHECK_SEC_GROUP)
		check_add(c, "config-group-lookup", CHECK_HIGH,
		    config_object(c), check_fmt("%s", _("check the group "
		    "database (nsswitch.conf, SSSD, LDAP)")), _("%s: the "
		    "group cannot be looked up: every login of a known user "
		    "is refused"), where);
	else if (r < 0)
		check_add(c, "config-user-lookup", CHECK_HIGH,
		    config_object(c), check_fmt("%s", _("check the user "
		    "database (nsswitch.conf, SSSD, LDAP)")), _("%s: the "
		    "user cannot be looked up"), where);
	else if (s->kind == CHECK_SEC_USER)
		check_add(c, "config-unknown-user", CHECK_LOW,
		    config_object(c), check_fmt("%s", _("check the name, or "
		    "remove the section")), _("%s: no such user: the section "
		    "applies to no one"), where);
	else
		check_add(c, "config-unknown-group", CHECK_HIGH,
		    config_object(c), check_fmt("%s", _("check the name, or "
		    "remove the section")), _("%s: no such group: every "
		    "login of a known user is refused"), where);
	free(where);
}

/* Recovery codes standing in for administrators' second factor. */
static void
check_admin_recovery(struct check *c)
{
	const char *g[1];
	mfa_policy_t *p = NULL;
	size_t i, j;
	int named;

	for (i = 0; i < sizeof(admin_groups) / sizeof(admin_groups[0]); i++) {
		named = 0;
		for (j = 0; j < c->nsec; j++)
			if (c->sec[j].kind == CHECK_SEC_GROUP &&
			    strcmp(c->sec[j].name, admin_groups[i]) == 0)
				named = 1;
		for (j = 0; j < c->ngroups; j++)
			if (strcmp(c->groups[j], admin_groups[i]) == 0)
				named = 1;
		if (!named)
			continue;
		g[0] = admin_groups[i];
		if (mfa_policy_get(c->m->ctx, NULL, g, 1, NULL, &p) != MFA_OK)
			continue;
		if (mfa_policy_allow_recovery(p))
			check_add(c, "config-recovery-admin", CHECK_MEDIUM,
			    config_object(c), check_fmt(_("set 'recovery = "
			    "no' in [group %s] (add the section if needed)"),
			    admin_groups[i]), _("[group %s]: recovery codes "
			    "stand in for the second factor of "
			    "administrators"), admin_groups[i]);
		mfa_policy_free(&p);
	}
}

void
check_config(struct check *c)
{
	struct facts gf, sf;
	struct raw raw;
	mfa_policy_t *p = NULL;
	char *where;
	size_t i;
	int fido2 = 0, r;

	memset(&raw, 0, sizeof(raw));
	scan_file(c, &raw);
	if ((r = mfa_policy_get(c->m->ctx, NULL, NULL, 0, NULL, &p)) !=
	    MFA_OK) {
		check_add(c, "config-load", CHECK_HIGH, config_object(c),
		    check_fmt("%s", _("fix it (see pam_mfa.conf(5))")),
		    "%s: %s", _("no policy"), _(mfa_strerror(r)));
		return;
	}
	facts_of(p, &gf);
	fido2 = gf.uses_fido2;
	report(c, p, &gf, NULL, _("the global section"));
	mfa_policy_free(&p);
	for (i = 0; i < c->nsec; i++) {
		check_names(c, &c->sec[i]);
		if (section_policy(c, &c->sec[i], &p) != MFA_OK)
			continue;
		facts_of(p, &sf);
		fido2 |= sf.uses_fido2;
		if ((where = section_where(&c->sec[i])) == NULL)
			c->nomem = 1;
		else
			report(c, p, &sf, &gf, where);
		free(where);
		mfa_policy_free(&p);
	}

	if (mfa_ctx_lockout_attempts(c->m->ctx) == 0)
		check_add(c, "config-lockout", CHECK_HIGH, config_object(c),
		    check_fmt("%s", _("set 'lockout_attempts = 5' (or "
		    "another small number)")), "%s", _("lockout_attempts = "
		    "0: nothing limits guessing one-time codes"));
	if (mfa_ctx_totp_window(c->m->ctx) > 2)
		check_add(c, "config-totp-window", CHECK_LOW, config_object(c),
		    check_fmt("%s", _("set 'totp_window = 1' unless clocks "
		    "drift that much")), _("totp_window = %u: a code stays "
		    "valid for %u time steps"),
		    mfa_ctx_totp_window(c->m->ctx),
		    2 * mfa_ctx_totp_window(c->m->ctx) + 1);
	if (fido2 && strcasecmp(raw.attest, "any") == 0)
		check_add(c, "config-fido2-attestation", CHECK_MEDIUM,
		    config_object(c), check_fmt("%s", _("set "
		    "'fido2_attestation = verified' (and fido2_aaguids for "
		    "the models in use)")), "%s", _("fido2_attestation = "
		    "any: keys of any make, software authenticators "
		    "included, can be registered"));
	if (fido2 && strcasecmp(raw.uv, "discouraged") == 0)
		check_add(c, "config-fido2-uv", CHECK_MEDIUM, config_object(c),
		    check_fmt("%s", _("set 'fido2_uv = required'")), "%s",
		    _("fido2_uv = discouraged: a security key counts without "
		    "its PIN, so whoever holds it has the factor"));
	else if (fido2 && strcasecmp(raw.uv, "preferred") == 0)
		check_add(c, "config-fido2-uv", CHECK_LOW, config_object(c),
		    check_fmt("%s", _("set 'fido2_uv = required' once every "
		    "key has a PIN")), "%s", _("fido2_uv = preferred: keys "
		    "without a PIN count without one"));
	check_admin_recovery(c);
}
