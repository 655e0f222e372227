/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the policy expression ("require = ...") parser
 * expr_parse() and its evaluator expr_eval().
 *
 * For an accepted expression:
 *  - the node array is a well-formed tree (children after parents);
 *  - its canonical text reparses to the same canonical text and the
 *    same function on all 3^4 combinations of factor values;
 *  - on the 2^4 two-valued combinations it agrees with a small
 *    independent evaluator of the input text in this file (AND binds
 *    tighter than OR, words are case-insensitive);
 *  - three-valued results are exact for a formula without negation:
 *    TRUE iff TRUE with every UNKNOWN taken as FALSE, FALSE iff FALSE
 *    with every UNKNOWN taken as TRUE (an unknown factor never grants);
 *  - it is monotone, and a factor that does not occur does not matter.
 * A refused expression leaves *expr untouched and explains why.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "fuzz.h"

#define COMBOS		81	/* 3^MFA_FACTOR_COUNT */

static const char *const names[MFA_FACTOR_COUNT] = {
	"password", "totp", "fido2", "recovery"
};

/* ---- reference evaluator over the text, two-valued ---------------- */

enum { R_END, R_LP, R_RP, R_AND, R_OR, R_FACTOR, R_BAD };

struct ref {
	const char	*s;
	size_t		 pos;
	const int	*v;	/* 0/1 per factor */
	int		 bad;
};

static int
ref_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* The next token; consumes it when take is set.  *f gets a factor. */
static int
ref_tok(struct ref *p, int take, int *f)
{
	size_t	pos = p->pos, n = 0;
	int	kind, i;

	while (p->s[pos] == ' ' || p->s[pos] == '\t')
		pos++;
	if (p->s[pos] == '\0')
		kind = R_END;
	else if (p->s[pos] == '(' || p->s[pos] == ')') {
		kind = p->s[pos] == '(' ? R_LP : R_RP;
		n = 1;
	} else {
		while (ref_word((unsigned char)p->s[pos + n]))
			n++;
		kind = R_BAD;
		if (n == 3 && strncasecmp(p->s + pos, "and", 3) == 0)
			kind = R_AND;
		else if (n == 2 && strncasecmp(p->s + pos, "or", 2) == 0)
			kind = R_OR;
		for (i = 0; i < MFA_FACTOR_COUNT && n > 0; i++)
			if (strlen(names[i]) == n &&
			    strncasecmp(p->s + pos, names[i], n) == 0) {
				kind = R_FACTOR;
				*f = i;
			}
	}
	if (take)
		p->pos = pos + n;
	return kind;
}

static int ref_or(struct ref *);

static int
ref_atom(struct ref *p)
{
	int	f = -1, v;

	switch (ref_tok(p, 1, &f)) {
	case R_FACTOR:
		return p->v[f];
	case R_LP:
		v = ref_or(p);
		if (ref_tok(p, 1, &f) != R_RP)
			p->bad = 1;
		return v;
	default:
		p->bad = 1;
		return 0;
	}
}

static int
ref_and(struct ref *p)
{
	int	f, v, w;

	v = ref_atom(p);
	while (!p->bad && ref_tok(p, 0, &f) == R_AND) {
		(void)ref_tok(p, 1, &f);
		w = ref_atom(p);
		v = v && w;
	}
	return v;
}

static int
ref_or(struct ref *p)
{
	int	f, v, w;

	v = ref_and(p);
	while (!p->bad && ref_tok(p, 0, &f) == R_OR) {
		(void)ref_tok(p, 1, &f);
		w = ref_and(p);
		v = v || w;
	}
	return v;
}

/* The value of text for two-valued v[], or -1 when it does not parse. */
static int
ref_eval(const char *text, const int *v)
{
	struct ref	p;
	int		f, r;

	memset(&p, 0, sizeof(p));
	p.s = text;
	p.v = v;
	r = ref_or(&p);
	if (p.bad || ref_tok(&p, 0, &f) != R_END)
		return -1;
	return r;
}

/* ---- checks ------------------------------------------------------- */

static void
combo(unsigned c, int *v)
{
	int	i;

	for (i = 0; i < MFA_FACTOR_COUNT; i++, c /= 3)
		v[i] = (int)(c % 3);	/* MFA_FALSE, MFA_TRUE, MFA_UNKNOWN */
}

/* Position in the truth order FALSE < UNKNOWN < TRUE. */
static int
rank(int v)
{
	return v == MFA_FALSE ? 0 : v == MFA_UNKNOWN ? 1 : 2;
}

static void
check_tree(const struct mfa_expr *e, int *used)
{
	const struct mfa_expr_node	*nd;
	size_t				 i;

	FUZZ_CHECK(e->n >= 1 && e->n <= MFA_EXPR_MAX);
	FUZZ_CHECK(strnlen(e->text, sizeof(e->text)) < sizeof(e->text));
	FUZZ_CHECK(e->text[0] != '\0');
	memset(used, 0, MFA_FACTOR_COUNT * sizeof(*used));
	for (i = 0; i < e->n; i++) {
		nd = &e->node[i];
		if (nd->op == EXPR_FACTOR) {
			FUZZ_CHECK(nd->factor >= 0 &&
			    nd->factor < MFA_FACTOR_COUNT);
			used[nd->factor] = 1;
			continue;
		}
		FUZZ_CHECK(nd->op == EXPR_AND || nd->op == EXPR_OR);
		FUZZ_CHECK(nd->left > (int)i && (size_t)nd->left < e->n);
		FUZZ_CHECK(nd->right > (int)i && (size_t)nd->right < e->n);
	}
}

static void
check_values(const struct mfa_expr *e, const struct mfa_expr *canon,
    const char *text, const int *used)
{
	int		v[MFA_FACTOR_COUNT], lo[MFA_FACTOR_COUNT];
	int		hi[MFA_FACTOR_COUNT], res[COMBOS];
	unsigned	c, d;
	int		i, r;

	for (c = 0; c < COMBOS; c++) {
		combo(c, v);
		r = res[c] = expr_eval(e, v);
		FUZZ_CHECK(r == MFA_FALSE || r == MFA_TRUE ||
		    r == MFA_UNKNOWN);
		FUZZ_CHECK(expr_eval(canon, v) == r);
		for (i = 0; i < MFA_FACTOR_COUNT; i++) {
			lo[i] = v[i] == MFA_UNKNOWN ? MFA_FALSE : v[i];
			hi[i] = v[i] == MFA_UNKNOWN ? MFA_TRUE : v[i];
		}
		FUZZ_CHECK((r == MFA_TRUE) == (expr_eval(e, lo) == MFA_TRUE));
		FUZZ_CHECK((r == MFA_FALSE) ==
		    (expr_eval(e, hi) == MFA_FALSE));
		for (i = 0; i < MFA_FACTOR_COUNT; i++)
			if (v[i] == MFA_UNKNOWN)
				break;
		if (i == MFA_FACTOR_COUNT) {
			/* Two-valued: the reference agrees. */
			FUZZ_CHECK(r != MFA_UNKNOWN);
			FUZZ_CHECK(ref_eval(text, v) == r);
			FUZZ_CHECK(ref_eval(e->text, v) == r);
		}
	}
	/*
	 * Monotone in FALSE < UNKNOWN < TRUE; a factor that does not occur
	 * is inert.  c runs over the combinations where factor i is FALSE:
	 * c + 2d has it UNKNOWN, c + d TRUE.
	 */
	for (c = 0; c < COMBOS; c++) {
		combo(c, v);
		for (i = 0, d = 1; i < MFA_FACTOR_COUNT; i++, d *= 3) {
			if (v[i] != MFA_FALSE)
				continue;
			FUZZ_CHECK(rank(res[c]) <= rank(res[c + 2 * d]));
			FUZZ_CHECK(rank(res[c + 2 * d]) <= rank(res[c + d]));
			if (!used[i])
				FUZZ_CHECK(res[c] == res[c + d] &&
				    res[c] == res[c + 2 * d]);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_expr	*e, *canon, *snap;
	char		*text, err[MFA_EXPR_TEXT_MAX], *tiny;
	int		 used[MFA_FACTOR_COUNT], r;

	text = fuzz_cstr(data, size);
	if ((e = malloc(sizeof(*e))) == NULL ||
	    (canon = malloc(sizeof(*canon))) == NULL ||
	    (snap = malloc(sizeof(*snap))) == NULL ||
	    (tiny = malloc(4)) == NULL)
		abort();
	memset(e, 0x5a, sizeof(*e));
	memcpy(snap, e, sizeof(*e));
	memset(err, 'x', sizeof(err));
	r = expr_parse(e, text, err, sizeof(err));
	if (r != MFA_OK) {
		FUZZ_CHECK(r == MFA_ERR_CONFIG);
		FUZZ_CHECK(memcmp(e, snap, sizeof(*e)) == 0);
		FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
		/* A short message buffer is truncated, not overrun. */
		FUZZ_CHECK(expr_parse(e, text, tiny, 4) == r);
		FUZZ_CHECK(memchr(tiny, '\0', 4) != NULL);
		FUZZ_CHECK(expr_parse(e, text, NULL, 0) == r);
		goto out;
	}
	check_tree(e, used);
	memset(canon, 0, sizeof(*canon));
	FUZZ_CHECK(expr_parse(canon, e->text, NULL, 0) == MFA_OK);
	FUZZ_CHECK(strcmp(canon->text, e->text) == 0);
	FUZZ_CHECK(canon->n == e->n);
	check_values(e, canon, text, used);
out:
	free(tiny);
	free(snap);
	free(canon);
	free(e);
	free(text);
	return 0;
}
