/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the configuration parser config_parse() over the
 * built-in defaults, then policy resolution (mfa_policy_get) and
 * evaluation for users, groups and services taken from the parsed
 * sections and a few fixed names.
 *
 * Checked: a refused file leaves the configuration untouched and says
 * "LINE: reason"; an accepted one has every value in its documented
 * range; each resolved setting comes from the section that the
 * documented precedence picks ([user], then the first [group] in file
 * order, then [service], then global, per setting), independently of
 * the order of the user's groups; the policy evaluates like its
 * expression.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

#define NAMES_MAX	6	/* users, groups or services tried */
#define COMBOS		81	/* 3^MFA_FACTOR_COUNT */

struct names {
	const char	*v[NAMES_MAX];
	size_t		 n;
};

/* A log line: bounded, one line. */
static void
log_check(void *arg, int priority, const char *msg)
{
	(void)arg;
	(void)priority;
	FUZZ_CHECK(msg != NULL);
	FUZZ_CHECK(strnlen(msg, 4096) < 4096);
	FUZZ_CHECK(strchr(msg, '\n') == NULL);
}

static void
names_add(struct names *nm, const char *s)
{
	if (nm->n < NAMES_MAX)
		nm->v[nm->n++] = s;
}

/* The fixed names, then the first names of sections of that kind. */
static void
names_collect(const struct mfa_config *cfg, int kind, const char *a,
    const char *b, struct names *nm)
{
	size_t	i;

	memset(nm, 0, sizeof(*nm));
	if (a != NULL)
		names_add(nm, a);
	if (b != NULL)
		names_add(nm, b);
	for (i = 1; i < cfg->nsections; i++)
		if (cfg->sections[i].kind == kind)
			names_add(nm, cfg->sections[i].name);
}

static void
check_err(const char *err, size_t errlen)
{
	size_t	i;

	FUZZ_CHECK(memchr(err, '\0', errlen) != NULL);
	for (i = 0; err[i] >= '0' && err[i] <= '9'; i++)
		continue;
	FUZZ_CHECK(i > 0 && err[i] == ':' && err[i + 1] == ' ');
	FUZZ_CHECK(err[i + 2] != '\0');
}

static void
check_config(const struct mfa_config *cfg)
{
	const struct mfa_section	*s;
	size_t				 i, n;

	FUZZ_CHECK(cfg->store[0] == '/');
	FUZZ_CHECK(strnlen(cfg->store, sizeof(cfg->store)) <
	    sizeof(cfg->store));
	FUZZ_CHECK(cfg->totp_window <= 10);
	FUZZ_CHECK(cfg->totp_digits >= 6 && cfg->totp_digits <= 8);
	FUZZ_CHECK(cfg->totp_algorithm >= MFA_TOTP_SHA1 &&
	    cfg->totp_algorithm <= MFA_TOTP_SHA512);
	n = strnlen(cfg->totp_issuer, sizeof(cfg->totp_issuer));
	FUZZ_CHECK(n >= 1 && n <= MFA_ISSUER_MAX);
	FUZZ_CHECK(strchr(cfg->totp_issuer, ':') == NULL);
	FUZZ_CHECK(cfg->lockout_attempts <= 1000);
	FUZZ_CHECK(cfg->lockout_time >= 1 && cfg->lockout_time <= 2592000);
	FUZZ_CHECK(cfg->fail_delay <= 60000);
	FUZZ_CHECK(strnlen(cfg->fido2_rp_id, sizeof(cfg->fido2_rp_id)) <=
	    MFA_RP_ID_MAX);
	FUZZ_CHECK(cfg->fido2_uv == MFA_UV_REQUIRED ||
	    cfg->fido2_uv == MFA_UV_PREFERRED ||
	    cfg->fido2_uv == MFA_UV_DISCOURAGED);
	FUZZ_CHECK(cfg->fido2_timeout >= 1 && cfg->fido2_timeout <= 300);
	FUZZ_CHECK(cfg->fido2_nalgs >= 1 &&
	    cfg->fido2_nalgs <= MFA_FIDO2_ALGS_MAX);
	for (i = 0; i < cfg->fido2_nalgs; i++) {
		FUZZ_CHECK(fido2_alg_name(cfg->fido2_algs[i]) != NULL);
		for (n = 0; n < i; n++)
			FUZZ_CHECK(cfg->fido2_algs[n] != cfg->fido2_algs[i]);
	}
	FUZZ_CHECK(cfg->fido2_naaguids <= MFA_FIDO2_AAGUIDS_MAX);
	for (i = 0; i < cfg->fido2_naaguids; i++)
		for (n = 0; n < i; n++)
			FUZZ_CHECK(memcmp(cfg->fido2_aaguids[n],
			    cfg->fido2_aaguids[i], MFA_AAGUID_LEN) != 0);
	FUZZ_CHECK(cfg->fido2_ca[0] == '\0' || cfg->fido2_ca[0] == '/');
	FUZZ_CHECK(strnlen(cfg->fido2_ca, sizeof(cfg->fido2_ca)) <
	    sizeof(cfg->fido2_ca));
	FUZZ_CHECK(cfg->fido2_attestation == MFA_ATTEST_ANY ||
	    cfg->fido2_attestation == MFA_ATTEST_VERIFIED);
	FUZZ_CHECK(cfg->fido2_counter == MFA_COUNTER_STRICT ||
	    cfg->fido2_counter == MFA_COUNTER_REQUIRE);
	FUZZ_CHECK(cfg->nsections >= 1 && cfg->sections != NULL);
	/* The defaults are underneath: global sets everything. */
	s = &cfg->sections[0];
	FUZZ_CHECK(s->kind == SECTION_GLOBAL);
	FUZZ_CHECK(s->require.n > 0 && s->password_mode != -1 &&
	    s->unenrolled != -1 && s->allow_empty_password != -1);
	for (i = 0; i < cfg->nsections; i++) {
		s = &cfg->sections[i];
		if (i > 0) {
			FUZZ_CHECK(s->kind == SECTION_USER ||
			    s->kind == SECTION_GROUP ||
			    s->kind == SECTION_SERVICE);
			n = strnlen(s->name, sizeof(s->name));
			FUZZ_CHECK(n >= 1 && n <= MFA_NAME_MAX);
		}
		FUZZ_CHECK(s->require.n <= MFA_EXPR_MAX);
		FUZZ_CHECK(s->password_mode >= -1 && s->password_mode <= 1);
		FUZZ_CHECK(s->unenrolled >= -1 && s->unenrolled <= 1);
		FUZZ_CHECK(s->allow_empty_password >= -1 &&
		    s->allow_empty_password <= 1);
	}
}

static int
in_list(const char *name, const struct names *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->v[i], name) == 0)
			return 1;
	return 0;
}

/* What sets setting k (0 require, 1 password, 2 unenrolled, 3 empty). */
static int
sets(const struct mfa_section *s, int k)
{
	switch (k) {
	case 0:
		return s->require.n > 0;
	case 1:
		return s->password_mode != -1;
	case 2:
		return s->unenrolled != -1;
	default:
		return s->allow_empty_password != -1;
	}
}

/* The documented precedence, written out again. */
static const struct mfa_section *
expect(const struct mfa_config *cfg, const char *user,
    const struct names *groups, const char *service, int k)
{
	const struct mfa_section	*s;
	size_t				 i;

	for (i = 1; user != NULL && i < cfg->nsections; i++) {
		s = &cfg->sections[i];
		if (s->kind == SECTION_USER && strcmp(s->name, user) == 0 &&
		    sets(s, k))
			return s;
	}
	for (i = 1; i < cfg->nsections; i++) {
		s = &cfg->sections[i];
		if (s->kind == SECTION_GROUP && in_list(s->name, groups) &&
		    sets(s, k))
			return s;
	}
	for (i = 1; service != NULL && i < cfg->nsections; i++) {
		s = &cfg->sections[i];
		if (s->kind == SECTION_SERVICE &&
		    strcmp(s->name, service) == 0 && sets(s, k))
			return s;
	}
	return &cfg->sections[0];
}

static mfa_policy_t *
get(const mfa_ctx_t *ctx, const char *user, const struct names *groups,
    const char *service)
{
	mfa_policy_t	*pol = NULL;

	FUZZ_CHECK(mfa_policy_get(ctx, user, groups->v, groups->n, service,
	    &pol) == MFA_OK);
	FUZZ_CHECK(pol != NULL);
	return pol;
}

static void
check_policy(const mfa_ctx_t *ctx, const struct mfa_config *cfg,
    const char *user, const struct names *groups, const char *service)
{
	const struct mfa_section	*s;
	mfa_policy_t			*pol, *rev;
	struct names			 back;
	int				 v[MFA_FACTOR_COUNT], used, f;
	unsigned			 c, x;
	size_t				 i;

	pol = get(ctx, user, groups, service);
	memset(&back, 0, sizeof(back));
	for (i = groups->n; i > 0; i--)
		names_add(&back, groups->v[i - 1]);
	rev = get(ctx, user, &back, service);

	s = expect(cfg, user, groups, service, 0);
	FUZZ_CHECK(strcmp(mfa_policy_text(pol), s->require.text) == 0);
	FUZZ_CHECK(strcmp(mfa_policy_text(rev), s->require.text) == 0);
	for (c = 0; c < COMBOS; c++) {
		for (f = 0, x = c; f < MFA_FACTOR_COUNT; f++, x /= 3)
			v[f] = (int)(x % 3);
		FUZZ_CHECK(mfa_policy_eval(pol, v) ==
		    expr_eval(&s->require, v));
	}
	for (f = 0; f < MFA_FACTOR_COUNT; f++) {
		used = 0;
		for (i = 0; i < s->require.n; i++)
			if (s->require.node[i].op == EXPR_FACTOR &&
			    s->require.node[i].factor == f)
				used = 1;
		FUZZ_CHECK(mfa_policy_uses(pol, f) == used);
	}
	s = expect(cfg, user, groups, service, 1);
	FUZZ_CHECK(mfa_policy_password_mode(pol) == s->password_mode);
	FUZZ_CHECK(mfa_policy_password_mode(rev) == s->password_mode);
	s = expect(cfg, user, groups, service, 2);
	FUZZ_CHECK(mfa_policy_unenrolled(pol) == s->unenrolled);
	FUZZ_CHECK(mfa_policy_unenrolled(rev) == s->unenrolled);
	s = expect(cfg, user, groups, service, 3);
	FUZZ_CHECK(mfa_policy_allow_empty_password(pol) ==
	    s->allow_empty_password);
	FUZZ_CHECK(mfa_policy_allow_empty_password(rev) ==
	    s->allow_empty_password);
	mfa_policy_free(&pol);
	mfa_policy_free(&rev);
	FUZZ_CHECK(pol == NULL && rev == NULL);
}

static void
check_policies(const struct mfa_config *cfg)
{
	struct names	 users, groups, services, none;
	mfa_ctx_t	*ctx;
	size_t		 i, j;

	if ((ctx = mfa_ctx_new()) == NULL)
		abort();
	mfa_ctx_set_log(ctx, log_check, NULL);
	/* The context takes over the parsed configuration. */
	config_release(ctx->config);
	*ctx->config = *cfg;
	cfg = ctx->config;

	FUZZ_CHECK(mfa_ctx_totp_window(ctx) == cfg->totp_window);
	FUZZ_CHECK(mfa_ctx_lockout_attempts(ctx) == cfg->lockout_attempts);
	FUZZ_CHECK(mfa_ctx_lockout_time(ctx) == cfg->lockout_time);
	FUZZ_CHECK(mfa_ctx_fail_delay(ctx) == cfg->fail_delay);
	FUZZ_CHECK(mfa_ctx_totp_digits(ctx) == cfg->totp_digits);
	FUZZ_CHECK(mfa_ctx_totp_algorithm(ctx) == cfg->totp_algorithm);
	FUZZ_CHECK(strcmp(mfa_ctx_totp_issuer(ctx), cfg->totp_issuer) == 0);
	FUZZ_CHECK(strcmp(mfa_ctx_store(ctx), cfg->store) == 0);

	names_collect(cfg, SECTION_USER, "root", "alice", &users);
	names_collect(cfg, SECTION_GROUP, "wheel", NULL, &groups);
	names_collect(cfg, SECTION_SERVICE, "sshd", "login", &services);
	memset(&none, 0, sizeof(none));
	for (i = 0; i < users.n; i++) {
		for (j = 0; j < services.n; j++) {
			check_policy(ctx, cfg, users.v[i], &none,
			    services.v[j]);
			check_policy(ctx, cfg, users.v[i], &groups,
			    services.v[j]);
		}
		check_policy(ctx, cfg, users.v[i], &groups, NULL);
	}
	check_policy(ctx, cfg, NULL, &none, NULL);
	mfa_ctx_free(&ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_config	*cfg, *snap;
	struct mfa_section	 sec0;
	char			 err[256], tiny[4];
	int			 r;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL ||
	    (snap = malloc(sizeof(*snap))) == NULL)
		abort();
	FUZZ_CHECK(config_defaults(cfg) == MFA_OK);
	memcpy(snap, cfg, sizeof(*cfg));
	sec0 = cfg->sections[0];
	memset(err, 'x', sizeof(err));
	r = config_parse(cfg, (const char *)data, size, err, sizeof(err));
	if (r != MFA_OK) {
		FUZZ_CHECK(r == MFA_ERR_CONFIG);
		check_err(err, sizeof(err));
		/* Untouched: same values, same sections. */
		FUZZ_CHECK(memcmp(cfg, snap, sizeof(*cfg)) == 0);
		FUZZ_CHECK(memcmp(&cfg->sections[0], &sec0,
		    sizeof(sec0)) == 0);
		FUZZ_CHECK(config_parse(cfg, (const char *)data, size, tiny,
		    sizeof(tiny)) == r);
		FUZZ_CHECK(memchr(tiny, '\0', sizeof(tiny)) != NULL);
		FUZZ_CHECK(config_parse(cfg, (const char *)data, size, NULL,
		    0) == r);
		config_release(cfg);
		goto out;
	}
	FUZZ_CHECK(err[0] == '\0');
	check_config(cfg);
	check_policies(cfg);	/* takes cfg->sections */
out:
	free(snap);
	free(cfg);
	return 0;
}
