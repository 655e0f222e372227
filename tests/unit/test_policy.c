/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of lib/policy.c: the expression parser and its canonical
 * text, three-valued evaluation, and the section precedence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define T	MFA_TRUE
#define F	MFA_FALSE
#define U	MFA_UNKNOWN

static void
test_expr_accept(void **state)
{
	static const struct {
		const char *in;
		const char *canon;
		size_t nodes;
	} t[] = {
		{ "password", "password", 1 },
		{ "totp", "totp", 1 },
		{ "fido2", "fido2", 1 },
		{ "recovery", "recovery", 1 },
		{ "password AND (totp OR fido2)",
		    "password AND (totp OR fido2)", 5 },
		{ "PASSWORD and TOTP", "password AND totp", 3 },
		{ "Password And Totp oR Fido2", "password AND totp OR fido2",
		    5 },
		{ "  totp\tOR   fido2  ", "totp OR fido2", 3 },
		{ "password AND(totp OR fido2)",
		    "password AND (totp OR fido2)", 5 },
		{ "(password AND totp) OR recovery",
		    "password AND totp OR recovery", 5 },
		{ "(totp OR fido2) AND password",
		    "(totp OR fido2) AND password", 5 },
		{ "password AND (totp AND fido2)",
		    "password AND totp AND fido2", 5 },
		{ "(totp OR fido2) OR recovery", "totp OR fido2 OR recovery",
		    5 },
		{ "((((password))))", "password", 1 },
		{ "((((((((totp))))))))", "totp", 1 },	/* 8 levels */
		{ "(password OR recovery) AND (totp OR fido2)",
		    "(password OR recovery) AND (totp OR fido2)", 7 },
		{ "totp OR totp", "totp OR totp", 3 },
	};
	struct mfa_expr e, e2;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (expr_parse(&e, t[i].in, err, sizeof(err)) != MFA_OK)
			fail_msg("\"%s\": %s", t[i].in, err);
		assert_string_equal(e.text, t[i].canon);
		assert_int_equal(e.n, t[i].nodes);
		/* The canonical text parses to the same text. */
		assert_int_equal(expr_parse(&e2, e.text, err, sizeof(err)),
		    MFA_OK);
		assert_string_equal(e2.text, e.text);
		assert_int_equal(e2.n, e.n);
	}
}

/* Node 0 is the root; children refer to nodes inside the array. */
static void
test_expr_tree(void **state)
{
	struct mfa_expr e;
	size_t i;

	(void)state;
	assert_int_equal(expr_parse(&e, "password AND (totp OR fido2)", NULL,
	    0), MFA_OK);
	assert_int_equal(e.n, 5);
	assert_int_equal(e.node[0].op, EXPR_AND);
	assert_int_equal(e.node[e.node[0].left].op, EXPR_FACTOR);
	assert_int_equal(e.node[e.node[0].left].factor, MFA_FACTOR_PASSWORD);
	assert_int_equal(e.node[e.node[0].right].op, EXPR_OR);
	for (i = 0; i < e.n; i++) {
		if (e.node[i].op == EXPR_FACTOR)
			continue;
		assert_true(e.node[i].left > 0 &&
		    (size_t)e.node[i].left < e.n);
		assert_true(e.node[i].right > 0 &&
		    (size_t)e.node[i].right < e.n);
	}
}

static void
test_expr_reject(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} t[] = {
		{ "", "empty expression" },
		{ " \t ", "empty expression" },
		{ "password AND", "expected a factor or '(' at end of "
		    "expression" },
		{ "AND password", "expected a factor or '(' at 'AND'" },
		{ "(totp", "expected ')' at end of expression" },
		{ "(totp fido2)", "expected ')' at 'fido2'" },
		{ "totp OR OR fido2", "expected a factor or '(' at 'OR'" },
		{ "totp OR sms", "unknown factor 'sms'" },
		{ "passwd", "unknown factor 'passwd'" },
		{ "totp fido2", "unexpected 'fido2' after a complete "
		    "expression" },
		{ "totp)", "unexpected ')'" },
		{ "()", "expected a factor or '(' at ')'" },
		{ "totp & fido2", "unexpected character '&'" },
		{ "totp || fido2", "unexpected character '|'" },
		{ "totp,fido2", "unexpected character ','" },
		{ "totp\nOR fido2", "unexpected character '?'" },
		{ "NOT totp", "unknown factor 'NOT'" },
		{ "(((((((((totp)))))))))", "nested too deeply" },
		{ "totp OR (fido2 AND ((((((((password))))))))))",
		    "nested too deeply" },
		{ "totpANDfido2", "unknown factor 'totpANDfido2'" },
	};
	struct mfa_expr e;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&e, 0x5a, sizeof(e));
		err[0] = '\0';
		if (expr_parse(&e, t[i].in, err, sizeof(err)) !=
		    MFA_ERR_CONFIG)
			fail_msg("\"%s\" was accepted", t[i].in);
		if (strstr(err, t[i].want) == NULL)
			fail_msg("\"%s\": error \"%s\" lacks \"%s\"",
			    t[i].in, err, t[i].want);
		/* Output untouched on error. */
		assert_int_equal(((unsigned char *)&e)[0], 0x5a);
	}
	assert_int_equal(expr_parse(NULL, "totp", NULL, 0), MFA_ERR_INVAL);
	assert_int_equal(expr_parse(&e, NULL, NULL, 0), MFA_ERR_INVAL);
}

static void
test_expr_limits(void **state)
{
	struct mfa_expr e;
	char buf[1024], err[256];
	size_t i, n;

	(void)state;
	/* 16 factors, 15 operators: 31 nodes, fine. */
	buf[0] = '\0';
	for (i = 0; i < 16; i++) {
		n = strlen(buf);
		assert_true((size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    i == 0 ? "" : (i % 2 ? " AND " : " OR "),
		    i % 4 == 3 ? "recovery" : "password") < sizeof(buf) - n);
	}
	assert_int_equal(expr_parse(&e, buf, err, sizeof(err)), MFA_OK);
	assert_int_equal(e.n, 31);
	assert_true(strlen(e.text) < sizeof(e.text));
	/* 17 factors: 33 nodes, too many. */
	n = strlen(buf);
	assert_true((size_t)snprintf(buf + n, sizeof(buf) - n, " OR fido2") <
	    sizeof(buf) - n);
	assert_int_equal(expr_parse(&e, buf, err, sizeof(err)),
	    MFA_ERR_CONFIG);
	assert_non_null(strstr(err, "too complex"));
	/* Parentheses cost nothing: 16 factors under 8 levels. */
	assert_int_equal(expr_parse(&e, "((((((((totp OR fido2 OR totp OR "
	    "fido2 OR totp OR fido2 OR totp OR fido2 OR totp OR fido2 OR "
	    "totp OR fido2 OR totp OR fido2 OR totp OR fido2))))))))", err,
	    sizeof(err)), MFA_OK);
	assert_int_equal(e.n, 31);
	/* Input longer than 512 bytes, even if mostly blanks. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + 600, "totp", 5);
	assert_int_equal(expr_parse(&e, buf, err, sizeof(err)),
	    MFA_ERR_CONFIG);
	assert_non_null(strstr(err, "too long"));
	memcpy(buf + 400, "totp", 5);
	assert_int_equal(expr_parse(&e, buf, err, sizeof(err)), MFA_OK);
	assert_string_equal(e.text, "totp");
	/* An overlong unknown word is quoted in part only. */
	memset(buf, 'x', 100);
	buf[100] = '\0';
	assert_int_equal(expr_parse(&e, buf, err, sizeof(err)),
	    MFA_ERR_CONFIG);
	assert_non_null(strstr(err,
	    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"));
}

static int
eval(const char *text, int password, int totp, int fido2, int recovery)
{
	struct mfa_expr e;
	int v[MFA_FACTOR_COUNT];

	v[MFA_FACTOR_PASSWORD] = password;
	v[MFA_FACTOR_TOTP] = totp;
	v[MFA_FACTOR_FIDO2] = fido2;
	v[MFA_FACTOR_RECOVERY] = recovery;
	assert_int_equal(expr_parse(&e, text, NULL, 0), MFA_OK);
	return expr_eval(&e, v);
}

static void
test_eval_truth_tables(void **state)
{
	/* Kleene: a, b in {F, T, U}. */
	static const int vals[3] = { F, T, U };
	static const int and_tab[3][3] = {
		/*	   F  T  U */
		/* F */	{ F, F, F },
		/* T */	{ F, T, U },
		/* U */	{ F, U, U },
	};
	static const int or_tab[3][3] = {
		/* F */	{ F, T, U },
		/* T */	{ T, T, T },
		/* U */	{ U, T, U },
	};
	int a, b;

	(void)state;
	for (a = 0; a < 3; a++) {
		assert_int_equal(eval("totp", F, vals[a], F, F), vals[a]);
		for (b = 0; b < 3; b++) {
			assert_int_equal(eval("password AND totp", vals[a],
			    vals[b], U, U), and_tab[a][b]);
			assert_int_equal(eval("password OR totp", vals[a],
			    vals[b], U, U), or_tab[a][b]);
		}
	}
}

static void
test_eval_default_policy(void **state)
{
	static const char *p = "password AND (totp OR fido2)";

	(void)state;
	/* Nothing known yet: keep asking. */
	assert_int_equal(eval(p, U, U, U, U), U);
	/* Password right, second factor not asked yet. */
	assert_int_equal(eval(p, T, U, U, F), U);
	assert_int_equal(eval(p, T, T, U, F), T);
	assert_int_equal(eval(p, T, U, T, F), T);
	assert_int_equal(eval(p, T, F, U, F), U);	/* fido2 may still do */
	assert_int_equal(eval(p, T, F, F, F), F);
	/* A wrong password decides at once. */
	assert_int_equal(eval(p, F, T, T, T), F);
	assert_int_equal(eval(p, F, U, U, U), F);
	/* Recovery is not in this expression. */
	assert_int_equal(eval(p, T, F, F, T), F);
	/* Precedence: AND binds tighter than OR. */
	assert_int_equal(eval("password AND totp OR fido2", F, F, T, F), T);
	assert_int_equal(eval("password AND (totp OR fido2)", F, F, T, F), F);
}

static void
test_eval_fail_closed(void **state)
{
	struct mfa_expr e;
	int v[MFA_FACTOR_COUNT] = { T, T, T, T };

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(expr_eval(&e, v), F);		/* no expression */
	assert_int_equal(expr_eval(NULL, v), F);
	assert_int_equal(expr_parse(&e, "totp", NULL, 0), MFA_OK);
	assert_int_equal(expr_eval(&e, NULL), F);
	/* Any value other than TRUE/UNKNOWN counts as FALSE. */
	v[MFA_FACTOR_TOTP] = 42;
	assert_int_equal(expr_eval(&e, v), F);
	v[MFA_FACTOR_TOTP] = -1;
	assert_int_equal(expr_eval(&e, v), F);
	/* A corrupt tree evaluates to FALSE, never TRUE. */
	v[MFA_FACTOR_TOTP] = T;
	e.node[0].factor = 99;
	assert_int_equal(expr_eval(&e, v), F);
	assert_int_equal(expr_parse(&e, "totp AND fido2", NULL, 0), MFA_OK);
	e.node[0].right = 0;				/* a cycle */
	assert_int_equal(expr_eval(&e, v), F);
	e.node[0].right = 17;				/* out of range */
	assert_int_equal(expr_eval(&e, v), F);
}

/* ---- resolution -------------------------------------------------- */

static const char precedence_conf[] =
    "require = password AND totp\n"			/* 1 */
    "[service sshd]\n"					/* 2 */
    "require = password AND fido2\n"			/* 3 */
    "unenrolled = allow\n"				/* 4 */
    "[group staff]\n"					/* 5 */
    "password = stacked\n"				/* 6 */
    "[group admins]\n"					/* 7 */
    "require = password AND fido2 AND totp\n"		/* 8 */
    "allow_empty_password = yes\n"			/* 9 */
    "password = builtin\n"				/* 10 */
    "[group ops]\n"					/* 11 */
    "require = fido2\n"					/* 12 */
    "[user alice]\n"					/* 13 */
    "require = totp OR recovery\n";			/* 14 */

static mfa_ctx_t *
ctx_with(const char *text)
{
	mfa_ctx_t *ctx = tu_ctx(NULL);
	char err[256] = "";

	/* mfa_ctx_new() holds the defaults; parse on top of them. */
	if (config_parse(ctx->config, text, strlen(text), err,
	    sizeof(err)) != MFA_OK)
		fail_msg("config: %s", err);
	return ctx;
}

struct expect {
	const char	*require;
	int		 password;
	int		 unenrolled;
	int		 allow_empty;
};

static void
check(const mfa_ctx_t *ctx, const char *user, const char *const *groups,
    size_t ngroups, const char *service, const struct expect *want)
{
	mfa_policy_t *pol = NULL;

	assert_int_equal(mfa_policy_get(ctx, user, groups, ngroups, service,
	    &pol), MFA_OK);
	assert_non_null(pol);
	assert_string_equal(mfa_policy_text(pol), want->require);
	assert_int_equal(mfa_policy_password_mode(pol), want->password);
	assert_int_equal(mfa_policy_unenrolled(pol), want->unenrolled);
	assert_int_equal(mfa_policy_allow_empty_password(pol),
	    want->allow_empty);
	mfa_policy_free(&pol);
	assert_null(pol);
}

static void
test_precedence(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const staff[] = { "staff" };
	static const char *const admins_staff[] = { "admins", "staff" };
	static const char *const ops_admins[] = { "users", "ops", "admins" };
	static const char *const others[] = { "users", "Staff", "staf" };
	mfa_ctx_t *ctx = ctx_with(precedence_conf);
	const struct expect global = { "password AND totp",
	    MFA_PASSWORD_BUILTIN, MFA_UNENROLLED_DENY, 0 };
	const struct expect sshd = { "password AND fido2",
	    MFA_PASSWORD_BUILTIN, MFA_UNENROLLED_ALLOW, 0 };
	const struct expect staff_sshd = { "password AND fido2",
	    MFA_PASSWORD_STACKED, MFA_UNENROLLED_ALLOW, 0 };
	const struct expect staff_login = { "password AND totp",
	    MFA_PASSWORD_STACKED, MFA_UNENROLLED_DENY, 0 };
	/* staff comes first in the file, admins sets require. */
	const struct expect admins_staff_sshd = {
	    "password AND fido2 AND totp", MFA_PASSWORD_STACKED,
	    MFA_UNENROLLED_ALLOW, 1 };
	/* admins (line 7) comes before ops (line 11) in the file. */
	const struct expect ops_admins_login = {
	    "password AND fido2 AND totp", MFA_PASSWORD_BUILTIN,
	    MFA_UNENROLLED_DENY, 1 };
	const struct expect alice_login = { "totp OR recovery",
	    MFA_PASSWORD_BUILTIN, MFA_UNENROLLED_DENY, 0 };
	const struct expect alice_admins_sshd = { "totp OR recovery",
	    MFA_PASSWORD_STACKED, MFA_UNENROLLED_ALLOW, 1 };

	(void)state;
	/* Nothing matches: global. */
	check(ctx, "bob", NULL, 0, "login", &global);
	check(ctx, "bob", none, 1, "login", &global);
	check(ctx, "bob", others, 3, "login", &global);
	check(ctx, NULL, NULL, 0, NULL, &global);
	/* Service over global; exact, case-sensitive names. */
	check(ctx, "bob", NULL, 0, "sshd", &sshd);
	check(ctx, "bob", NULL, 0, "SSHD", &global);
	check(ctx, "bob", NULL, 0, "sshd2", &global);
	/* Group over service, key by key. */
	check(ctx, "bob", staff, 1, "sshd", &staff_sshd);
	check(ctx, "bob", staff, 1, "login", &staff_login);
	check(ctx, "bob", admins_staff, 2, "sshd", &admins_staff_sshd);
	/* First matching group in file order, not in list order. */
	check(ctx, "bob", ops_admins, 3, "login", &ops_admins_login);
	/* User over everything, for the keys the user section sets. */
	check(ctx, "alice", NULL, 0, "login", &alice_login);
	check(ctx, "alice", NULL, 0, "sshd", &(const struct expect){
	    "totp OR recovery", MFA_PASSWORD_BUILTIN, MFA_UNENROLLED_ALLOW,
	    0 });
	check(ctx, "alice", admins_staff, 2, "sshd", &alice_admins_sshd);
	check(ctx, "Alice", NULL, 0, "login", &global);
	check(ctx, "alic", NULL, 0, "login", &global);
	check(ctx, "alice2", NULL, 0, "login", &global);
	mfa_ctx_free(&ctx);
}

static void
test_uses(void **state)
{
	mfa_ctx_t *ctx = ctx_with("[user a]\nrequire = password AND "
	    "(totp OR recovery)\n[user b]\nrequire = fido2\n");
	mfa_policy_t *pol = NULL;

	(void)state;
	assert_int_equal(mfa_policy_get(ctx, "a", NULL, 0, "x", &pol),
	    MFA_OK);
	assert_int_equal(mfa_policy_uses(pol, MFA_FACTOR_PASSWORD), 1);
	assert_int_equal(mfa_policy_uses(pol, MFA_FACTOR_TOTP), 1);
	assert_int_equal(mfa_policy_uses(pol, MFA_FACTOR_FIDO2), 0);
	assert_int_equal(mfa_policy_uses(pol, MFA_FACTOR_RECOVERY), 1);
	assert_int_equal(mfa_policy_uses(pol, -1), 0);
	assert_int_equal(mfa_policy_uses(pol, MFA_FACTOR_COUNT), 0);
	mfa_policy_free(&pol);
	assert_int_equal(mfa_policy_get(ctx, "b", NULL, 0, "x", &pol),
	    MFA_OK);
	assert_int_equal(mfa_policy_uses(pol, MFA_FACTOR_PASSWORD), 0);
	assert_int_equal(mfa_policy_uses(pol, MFA_FACTOR_FIDO2), 1);
	mfa_policy_free(&pol);
	mfa_ctx_free(&ctx);
}

static void
test_policy_eval(void **state)
{
	mfa_ctx_t *ctx = tu_ctx(NULL);	/* built-in defaults */
	mfa_policy_t *pol = NULL;
	int v[MFA_FACTOR_COUNT] = { T, F, T, F };

	(void)state;
	assert_int_equal(mfa_policy_get(ctx, "u", NULL, 0, "login", &pol),
	    MFA_OK);
	assert_string_equal(mfa_policy_text(pol),
	    "password AND (totp OR fido2)");
	assert_int_equal(mfa_policy_eval(pol, v), T);
	v[MFA_FACTOR_FIDO2] = U;
	assert_int_equal(mfa_policy_eval(pol, v), U);
	v[MFA_FACTOR_FIDO2] = F;
	assert_int_equal(mfa_policy_eval(pol, v), F);
	assert_int_equal(mfa_policy_password_mode(pol),
	    MFA_PASSWORD_BUILTIN);
	assert_int_equal(mfa_policy_unenrolled(pol), MFA_UNENROLLED_DENY);
	assert_int_equal(mfa_policy_allow_empty_password(pol), 0);
	mfa_policy_free(&pol);
	mfa_ctx_free(&ctx);
}

static void
test_policy_errors(void **state)
{
	static const char *const bad_groups[] = { NULL, "staff" };
	mfa_ctx_t *ctx = ctx_with("[group staff]\nunenrolled = allow\n");
	mfa_policy_t *pol = NULL;
	int v[MFA_FACTOR_COUNT] = { T, T, T, T };

	(void)state;
	assert_int_equal(mfa_policy_get(NULL, "u", NULL, 0, "x", &pol),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_policy_get(ctx, "u", NULL, 0, "x", NULL),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_policy_get(ctx, "u", NULL, 1, "x", &pol),
	    MFA_ERR_INVAL);
	assert_null(pol);
	/* NULL entries in the group list are skipped. */
	assert_int_equal(mfa_policy_get(ctx, "u", bad_groups, 2, "x", &pol),
	    MFA_OK);
	assert_int_equal(mfa_policy_unenrolled(pol), MFA_UNENROLLED_ALLOW);
	mfa_policy_free(&pol);

	/* No configuration (a failed load): MFA_ERR_CONFIG. */
	ctx->config_failed = 1;
	assert_int_equal(mfa_policy_get(ctx, "u", NULL, 0, "x", &pol),
	    MFA_ERR_CONFIG);
	assert_null(pol);
	ctx->config_failed = 0;
	/* A global section that lost a setting also fails closed. */
	ctx->config->sections[0].unenrolled = -1;
	assert_int_equal(mfa_policy_get(ctx, "u", NULL, 0, "x", &pol),
	    MFA_ERR_CONFIG);
	assert_null(pol);
	mfa_ctx_free(&ctx);

	/* Accessors without a policy give the strictest answers. */
	assert_int_equal(mfa_policy_eval(NULL, v), F);
	assert_int_equal(mfa_policy_uses(NULL, MFA_FACTOR_TOTP), 0);
	assert_int_equal(mfa_policy_password_mode(NULL),
	    MFA_PASSWORD_BUILTIN);
	assert_int_equal(mfa_policy_unenrolled(NULL), MFA_UNENROLLED_DENY);
	assert_int_equal(mfa_policy_allow_empty_password(NULL), 0);
	assert_string_equal(mfa_policy_text(NULL), "");
	mfa_policy_free(NULL);
	mfa_policy_free(&pol);
}

static void
test_policy_log(void **state)
{
	mfa_ctx_t *ctx = ctx_with(precedence_conf);
	mfa_policy_t *pol = NULL;

	(void)state;
	tu_log_reset();
	assert_int_equal(mfa_policy_get(ctx, "alice", NULL, 0, "sshd", &pol),
	    MFA_OK);
	/* The debug line says where each setting came from ... */
	assert_non_null(strstr(tu_log_buf, "require \"totp OR recovery\" "
	    "(line 13)"));
	assert_non_null(strstr(tu_log_buf, "unenrolled allow (line 2)"));
	/* ... but never the user name. */
	assert_null(strstr(tu_log_buf, "alice"));
	mfa_policy_free(&pol);
	mfa_ctx_free(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expr_accept),
		cmocka_unit_test(test_expr_tree),
		cmocka_unit_test(test_expr_reject),
		cmocka_unit_test(test_expr_limits),
		cmocka_unit_test(test_eval_truth_tables),
		cmocka_unit_test(test_eval_default_policy),
		cmocka_unit_test(test_eval_fail_closed),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_uses),
		cmocka_unit_test(test_policy_eval),
		cmocka_unit_test(test_policy_errors),
		cmocka_unit_test(test_policy_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
