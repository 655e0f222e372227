/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policy: the "require" expression (parser, canonical text, three-valued
 * evaluation) and the resolution of a user's policy from the sections
 * of pam_mfa.conf(5).
 *
 *	expr := term ( OR term )*
 *	term := atom ( AND atom )*
 *	atom := FACTOR | '(' expr ')'
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "internal.h"

#define EXPR_INPUT_MAX	512	/* bytes of expression text */
#define EXPR_DEPTH_MAX	8	/* nested parentheses */
#define EXPR_QUOTE_MAX	32	/* characters of a token in messages */

enum tok_kind {
	TOK_END,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_AND,
	TOK_OR,
	TOK_FACTOR,
	TOK_WORD,	/* a word that is no keyword or factor */
	TOK_BAD		/* a character that starts no token */
};

struct token {
	enum tok_kind	 kind;
	const char	*s;
	size_t		 n;
	int		 factor;
};

struct eparser {
	const char		*s;
	size_t			 pos;
	struct token		 tok;
	struct mfa_expr_node	 node[MFA_EXPR_MAX];
	size_t			 n;
	int			 depth;
	char			*err;
	size_t			 errlen;
};

static const char *const factor_names[MFA_FACTOR_COUNT] = {
	[MFA_FACTOR_PASSWORD] = "password",
	[MFA_FACTOR_TOTP] = "totp",
	[MFA_FACTOR_FIDO2] = "fido2",
	[MFA_FACTOR_RECOVERY] = "recovery",
};

static int
eerr(struct eparser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
eerr(struct eparser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err != NULL && p->errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return MFA_ERR_CONFIG;
}

/* The current token for a message: 'word' or "end of expression". */
static void
tok_describe(const struct token *t, char *out, size_t outlen)
{
	size_t i, o = 0;

	if (t->kind == TOK_END) {
		(void)snprintf(out, outlen, "end of expression");
		return;
	}
	out[o++] = '\'';
	for (i = 0; i < t->n && i < EXPR_QUOTE_MAX && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)t->s[i];

		out[o++] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < t->n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '\'';
	out[o] = '\0';
}

static int
is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static void
next_token(struct eparser *p)
{
	struct token *t = &p->tok;
	const char *s;
	int i;

	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
	s = p->s + p->pos;
	t->s = s;
	t->n = 0;
	t->factor = -1;
	if (*s == '\0') {
		t->kind = TOK_END;
		return;
	}
	if (*s == '(' || *s == ')') {
		t->kind = *s == '(' ? TOK_LPAREN : TOK_RPAREN;
		t->n = 1;
		p->pos++;
		return;
	}
	if (!is_word((unsigned char)*s)) {
		t->kind = TOK_BAD;
		t->n = 1;
		p->pos++;
		return;
	}
	while (is_word((unsigned char)s[t->n]))
		t->n++;
	p->pos += t->n;
	t->kind = TOK_WORD;
	if (t->n == 3 && strncasecmp(s, "and", 3) == 0)
		t->kind = TOK_AND;
	else if (t->n == 2 && strncasecmp(s, "or", 2) == 0)
		t->kind = TOK_OR;
	for (i = 0; i < MFA_FACTOR_COUNT && t->kind == TOK_WORD; i++)
		if (strlen(factor_names[i]) == t->n &&
		    strncasecmp(factor_names[i], s, t->n) == 0) {
			t->kind = TOK_FACTOR;
			t->factor = i;
		}
}

static int
new_node(struct eparser *p, int op, int factor, int left, int right,
    int *idx)
{
	struct mfa_expr_node *nd;

	if (p->n >= MFA_EXPR_MAX)
		return eerr(p, "expression too complex (more than %d factors "
		    "and operators)", MFA_EXPR_MAX);
	nd = &p->node[p->n];
	nd->op = op;
	nd->factor = factor;
	nd->left = left;
	nd->right = right;
	*idx = (int)p->n++;
	return MFA_OK;
}

static int parse_or(struct eparser *, int *);

static int
parse_atom(struct eparser *p, int *idx)
{
	char what[EXPR_QUOTE_MAX + 8];
	int r;

	tok_describe(&p->tok, what, sizeof(what));
	switch (p->tok.kind) {
	case TOK_FACTOR:
		if ((r = new_node(p, EXPR_FACTOR, p->tok.factor, -1, -1,
		    idx)) != MFA_OK)
			return r;
		next_token(p);
		return MFA_OK;
	case TOK_LPAREN:
		if (++p->depth > EXPR_DEPTH_MAX)
			return eerr(p, "expression nested too deeply (more "
			    "than %d levels of parentheses)", EXPR_DEPTH_MAX);
		next_token(p);
		if ((r = parse_or(p, idx)) != MFA_OK)
			return r;
		if (p->tok.kind != TOK_RPAREN) {
			tok_describe(&p->tok, what, sizeof(what));
			return eerr(p, "expected ')' at %s", what);
		}
		p->depth--;
		next_token(p);
		return MFA_OK;
	case TOK_WORD:
		return eerr(p, "unknown factor %s (expected password, totp, "
		    "fido2 or recovery)", what);
	case TOK_BAD:
		return eerr(p, "unexpected character %s", what);
	default:
		return eerr(p, "expected a factor or '(' at %s", what);
	}
}

static int
parse_and(struct eparser *p, int *idx)
{
	int left = -1, right = -1, r;

	if ((r = parse_atom(p, &left)) != MFA_OK)
		return r;
	while (p->tok.kind == TOK_AND) {
		next_token(p);
		if ((r = parse_atom(p, &right)) != MFA_OK)
			return r;
		if ((r = new_node(p, EXPR_AND, -1, left, right,
		    &left)) != MFA_OK)
			return r;
	}
	*idx = left;
	return MFA_OK;
}

static int
parse_or(struct eparser *p, int *idx)
{
	int left = -1, right = -1, r;

	if ((r = parse_and(p, &left)) != MFA_OK)
		return r;
	while (p->tok.kind == TOK_OR) {
		next_token(p);
		if ((r = parse_and(p, &right)) != MFA_OK)
			return r;
		if ((r = new_node(p, EXPR_OR, -1, left, right,
		    &left)) != MFA_OK)
			return r;
	}
	*idx = left;
	return MFA_OK;
}

/* Copies the tree under p->node[from] into e in preorder (root at 0). */
static int
renumber(const struct eparser *p, int from, struct mfa_expr *e)
{
	const struct mfa_expr_node *src = &p->node[from];
	int idx = (int)e->n++;

	e->node[idx] = *src;
	if (src->op != EXPR_FACTOR) {
		e->node[idx].left = renumber(p, src->left, e);
		e->node[idx].right = renumber(p, src->right, e);
	}
	return idx;
}

static int
append(char *buf, size_t buflen, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (n >= buflen - *used)
		return -1;
	memcpy(buf + *used, s, n + 1);
	*used += n;
	return 0;
}

/*
 * Canonical text: factors in lower case, AND/OR in upper case, and
 * parentheses only around an OR under an AND.
 */
static int
format_node(const struct mfa_expr *e, int idx, int parent, char *buf,
    size_t buflen, size_t *used)
{
	const struct mfa_expr_node *nd = &e->node[idx];
	int paren;

	if (nd->op == EXPR_FACTOR)
		return append(buf, buflen, used, factor_names[nd->factor]);
	paren = nd->op == EXPR_OR && parent == EXPR_AND;
	if ((paren && append(buf, buflen, used, "(") != 0) ||
	    format_node(e, nd->left, nd->op, buf, buflen, used) != 0 ||
	    append(buf, buflen, used,
	    nd->op == EXPR_AND ? " AND " : " OR ") != 0 ||
	    format_node(e, nd->right, nd->op, buf, buflen, used) != 0 ||
	    (paren && append(buf, buflen, used, ")") != 0))
		return -1;
	return 0;
}

int
expr_parse(struct mfa_expr *expr, const char *text, char *err,
    size_t errlen)
{
	struct eparser p;
	struct mfa_expr e;
	size_t used = 0;
	int root, r;

	memset(&p, 0, sizeof(p));
	p.err = err;
	p.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (expr == NULL || text == NULL)
		return MFA_ERR_INVAL;
	if (strnlen(text, EXPR_INPUT_MAX + 1) > EXPR_INPUT_MAX)
		return eerr(&p, "expression too long (more than %d bytes)",
		    EXPR_INPUT_MAX);
	p.s = text;
	next_token(&p);
	if (p.tok.kind == TOK_END)
		return eerr(&p, "empty expression");
	if ((r = parse_or(&p, &root)) != MFA_OK)
		return r;
	if (p.tok.kind != TOK_END) {
		char what[EXPR_QUOTE_MAX + 8];

		tok_describe(&p.tok, what, sizeof(what));
		if (p.tok.kind == TOK_BAD)
			return eerr(&p, "unexpected character %s", what);
		return eerr(&p, "unexpected %s after a complete expression",
		    what);
	}
	memset(&e, 0, sizeof(e));
	(void)renumber(&p, root, &e);
	if (format_node(&e, 0, 0, e.text, sizeof(e.text), &used) != 0)
		return eerr(&p, "expression too long");
	*expr = e;
	return MFA_OK;
}

static int
eval_node(const struct mfa_expr *e, int idx, const int *values, int depth)
{
	const struct mfa_expr_node *nd;
	int l, r;

	/* Fail closed on a malformed tree. */
	if (idx < 0 || (size_t)idx >= e->n || depth > MFA_EXPR_MAX)
		return MFA_FALSE;
	nd = &e->node[idx];
	switch (nd->op) {
	case EXPR_FACTOR:
		if (nd->factor < 0 || nd->factor >= MFA_FACTOR_COUNT)
			return MFA_FALSE;
		if (values[nd->factor] == MFA_TRUE)
			return MFA_TRUE;
		if (values[nd->factor] == MFA_UNKNOWN)
			return MFA_UNKNOWN;
		return MFA_FALSE;
	case EXPR_AND:
		l = eval_node(e, nd->left, values, depth + 1);
		r = eval_node(e, nd->right, values, depth + 1);
		if (l == MFA_FALSE || r == MFA_FALSE)
			return MFA_FALSE;
		if (l == MFA_TRUE && r == MFA_TRUE)
			return MFA_TRUE;
		return MFA_UNKNOWN;
	case EXPR_OR:
		l = eval_node(e, nd->left, values, depth + 1);
		r = eval_node(e, nd->right, values, depth + 1);
		if (l == MFA_TRUE || r == MFA_TRUE)
			return MFA_TRUE;
		if (l == MFA_FALSE && r == MFA_FALSE)
			return MFA_FALSE;
		return MFA_UNKNOWN;
	default:
		return MFA_FALSE;
	}
}

int
expr_eval(const struct mfa_expr *expr, const int *values)
{
	if (expr == NULL || values == NULL || expr->n == 0 ||
	    expr->n > MFA_EXPR_MAX)
		return MFA_FALSE;
	return eval_node(expr, 0, values, 0);
}

/* ---- resolution ---------------------------------------------------- */

enum pkey {
	PK_REQUIRE,
	PK_PASSWORD,
	PK_UNENROLLED,
	PK_ALLOW_EMPTY,
	PK_RECOVERY,
	PK_COUNT
};

static int
section_sets(const struct mfa_section *s, enum pkey k)
{
	switch (k) {
	case PK_REQUIRE:
		return s->require.n > 0;
	case PK_PASSWORD:
		return s->password_mode != -1;
	case PK_UNENROLLED:
		return s->unenrolled != -1;
	case PK_ALLOW_EMPTY:
		return s->allow_empty_password != -1;
	case PK_RECOVERY:
		return s->allow_recovery != -1;
	case PK_COUNT:
		break;
	}
	return 0;
}

static int
in_groups(const char *name, const char *const *groups, size_t ngroups)
{
	size_t i;

	for (i = 0; i < ngroups; i++)
		if (groups[i] != NULL && strcmp(groups[i], name) == 0)
			return 1;
	return 0;
}

static const struct mfa_section *
find_section(const struct mfa_config *cfg, int kind, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 1; i < cfg->nsections; i++)
		if (cfg->sections[i].kind == kind &&
		    strcmp(cfg->sections[i].name, name) == 0)
			return &cfg->sections[i];
	return NULL;
}

/*
 * The section that decides key k: the user's section, else the first
 * matching group section (file order) that sets k, else the service's
 * section, else the global one.  NULL when even global does not set k.
 */
static const struct mfa_section *
resolve(const struct mfa_config *cfg, const struct mfa_section *usec,
    const char *const *groups, size_t ngroups,
    const struct mfa_section *ssec, enum pkey k)
{
	const struct mfa_section *s;
	size_t i;

	if (usec != NULL && section_sets(usec, k))
		return usec;
	for (i = 1; i < cfg->nsections; i++) {
		s = &cfg->sections[i];
		if (s->kind == SECTION_GROUP && section_sets(s, k) &&
		    in_groups(s->name, groups, ngroups))
			return s;
	}
	if (ssec != NULL && section_sets(ssec, k))
		return ssec;
	if (section_sets(&cfg->sections[0], k))
		return &cfg->sections[0];
	return NULL;
}

int
mfa_policy_get(const mfa_ctx_t *ctx, const char *user,
    const char *const *groups, size_t ngroups, const char *service,
    mfa_policy_t **out)
{
	const struct mfa_config *cfg;
	const struct mfa_section *usec, *ssec, *s[PK_COUNT];
	struct mfa_policy *pol = NULL;
	int r;

	if (ctx == NULL || out == NULL || (groups == NULL && ngroups > 0))
		return MFA_ERR_INVAL;
	if ((cfg = ctx_config(ctx)) == NULL || cfg->nsections == 0 ||
	    cfg->sections == NULL ||
	    cfg->sections[0].kind != SECTION_GLOBAL)
		return MFA_ERR_CONFIG;
	usec = find_section(cfg, SECTION_USER, user);
	ssec = find_section(cfg, SECTION_SERVICE, service);
	s[PK_REQUIRE] = resolve(cfg, usec, groups, ngroups, ssec, PK_REQUIRE);
	s[PK_PASSWORD] = resolve(cfg, usec, groups, ngroups, ssec,
	    PK_PASSWORD);
	s[PK_UNENROLLED] = resolve(cfg, usec, groups, ngroups, ssec,
	    PK_UNENROLLED);
	s[PK_ALLOW_EMPTY] = resolve(cfg, usec, groups, ngroups, ssec,
	    PK_ALLOW_EMPTY);
	s[PK_RECOVERY] = resolve(cfg, usec, groups, ngroups, ssec,
	    PK_RECOVERY);
	if (s[PK_REQUIRE] == NULL || s[PK_PASSWORD] == NULL ||
	    s[PK_UNENROLLED] == NULL || s[PK_ALLOW_EMPTY] == NULL ||
	    s[PK_RECOVERY] == NULL) {
		r = MFA_ERR_CONFIG;
		goto out;
	}
	if ((pol = calloc(1, sizeof(*pol))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	pol->require = s[PK_REQUIRE]->require;
	pol->password_mode = s[PK_PASSWORD]->password_mode;
	pol->unenrolled = s[PK_UNENROLLED]->unenrolled;
	pol->allow_empty_password = s[PK_ALLOW_EMPTY]->allow_empty_password;
	pol->allow_recovery = s[PK_RECOVERY]->allow_recovery;
	/* No user name here: it may be a password typed at the wrong prompt. */
	mfa_log(ctx, LOG_DEBUG, "policy: require \"%s\" (line %u), password "
	    "%s (line %u), unenrolled %s (line %u), allow_empty_password %s "
	    "(line %u), recovery %s (line %u)", pol->require.text,
	    s[PK_REQUIRE]->line,
	    pol->password_mode == MFA_PASSWORD_STACKED ? "stacked" : "builtin",
	    s[PK_PASSWORD]->line,
	    pol->unenrolled == MFA_UNENROLLED_ALLOW ? "allow" : "deny",
	    s[PK_UNENROLLED]->line, pol->allow_empty_password ? "yes" : "no",
	    s[PK_ALLOW_EMPTY]->line, pol->allow_recovery == 1 ? "yes" : "no",
	    s[PK_RECOVERY]->line);
	*out = pol;
	pol = NULL;
	r = MFA_OK;
 out:
	free(pol);
	return r;
}

int
mfa_policy_needs_groups(const mfa_ctx_t *ctx)
{
	const struct mfa_config *cfg;
	size_t i;

	if ((cfg = ctx_config(ctx)) == NULL || cfg->sections == NULL)
		return 1;
	for (i = 0; i < cfg->nsections; i++)
		if (cfg->sections[i].kind == SECTION_GROUP)
			return 1;
	return 0;
}

void
mfa_policy_free(mfa_policy_t **policyp)
{
	if (policyp == NULL || *policyp == NULL)
		return;
	free(*policyp);
	*policyp = NULL;
}

int
mfa_policy_uses(const mfa_policy_t *policy, int factor)
{
	size_t i;

	if (policy == NULL)
		return 0;
	for (i = 0; i < policy->require.n && i < MFA_EXPR_MAX; i++)
		if (policy->require.node[i].op == EXPR_FACTOR &&
		    policy->require.node[i].factor == factor)
			return 1;
	return 0;
}

int
mfa_policy_eval(const mfa_policy_t *policy, const int *values)
{
	if (policy == NULL)
		return MFA_FALSE;
	return expr_eval(&policy->require, values);
}

/* Without a policy, the strictest answers. */
int
mfa_policy_password_mode(const mfa_policy_t *policy)
{
	if (policy == NULL)
		return MFA_PASSWORD_BUILTIN;
	return policy->password_mode == MFA_PASSWORD_STACKED ?
	    MFA_PASSWORD_STACKED : MFA_PASSWORD_BUILTIN;
}

int
mfa_policy_unenrolled(const mfa_policy_t *policy)
{
	if (policy == NULL)
		return MFA_UNENROLLED_DENY;
	return policy->unenrolled == MFA_UNENROLLED_ALLOW ?
	    MFA_UNENROLLED_ALLOW : MFA_UNENROLLED_DENY;
}

int
mfa_policy_allow_empty_password(const mfa_policy_t *policy)
{
	if (policy == NULL)
		return 0;
	return policy->allow_empty_password == 1;
}

int
mfa_policy_allow_recovery(const mfa_policy_t *policy)
{
	if (policy == NULL)
		return 0;
	return policy->allow_recovery == 1;
}

const char *
mfa_policy_text(const mfa_policy_t *policy)
{
	if (policy == NULL)
		return "";
	return policy->require.text;
}
