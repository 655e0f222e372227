/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exploring an auth stack read by pam_stack.c: libpam's
 * _pam_dispatch_aux() run over every outcome of every module (see
 * pam_stack.c for the rules), as a depth-first search over (handler,
 * impression-with-status, states saved on entering each substack) with
 * memoisation: exact, and small since the handlers only go forward.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pam_stack_int.h"

struct memo {
	uint64_t	*key;
	size_t		 n;
	size_t		 cap;
};

struct explore {
	const struct handler *h;
	size_t		 n;
	struct memo	*memo;
	int		 rootok_fails;
	size_t		 via;		/* on success: a module on the way */
	int		 nomem;
};

/* Returns 1 when the state was seen already (or memory ran out). */
static int
seen_state(struct explore *e, size_t i, uint64_t key)
{
	struct memo *m = &e->memo[i];
	uint64_t *nk;
	size_t j;

	for (j = 0; j < m->n; j++)
		if (m->key[j] == key)
			return 1;
	if (m->n == m->cap) {
		if ((nk = reallocarray(m->key, m->cap ? m->cap * 2 : 8,
		    sizeof(*nk))) == NULL) {
			e->nomem = 1;
			return 1;
		}
		m->key = nk;
		m->cap = m->cap ? m->cap * 2 : 8;
	}
	m->key[m->n++] = key;
	return 0;
}

/* The index after the last handler of i's (sub)stack. */
static size_t
stack_end(const struct explore *e, size_t i)
{
	int level = e->h[i].level;

	while (i + 1 < e->n && e->h[i + 1].level >= level)
		i++;
	return i + 1;
}

/*
 * The outcomes of handler h: (action, success) pairs, at most
 * _PAM_RETURN_VALUES; returns how many.
 */
static size_t
outcomes(const struct explore *e, const struct handler *h, int *act,
    int *ok)
{
	static const int mfa_codes[] = {
		PAM_AUTH_ERR, PAM_SERVICE_ERR, PAM_BUF_ERR, PAM_MODULE_UNKNOWN
	};
	size_t n = 0, j;
	int r, a, s;

	for (r = 0; r < _PAM_RETURN_VALUES; r++) {
		if (h->type == H_FAIL)
			s = r == PAM_PERM_DENIED;
		else if (h->module == M_MFA) {
			for (s = 0, j = 0; j < sizeof(mfa_codes) /
			    sizeof(mfa_codes[0]); j++)
				s |= r == mfa_codes[j];
		} else if (h->module == M_PERMIT)
			s = r == PAM_SUCCESS;
		else if (h->module == M_DENY ||
		    (h->module == M_ROOTOK && e->rootok_fails))
			s = r == PAM_AUTH_ERR;
		else
			s = r != PAM_INCOMPLETE;
		if (!s)
			continue;
		a = h->act[r];
		for (j = 0; j < n; j++)
			if (act[j] == a && ok[j] == (r == PAM_SUCCESS))
				break;
		if (j == n) {
			act[n] = a;
			ok[n++] = r == PAM_SUCCESS;
		}
	}
	return n;
}

/*
 * Whether running on from handler i, the previous one at level prev,
 * in state cur with saved[] (the state on entering each level), can
 * end in PAM_SUCCESS.  "via" is the last module on the way that jumped
 * or ended its stack ("skip" set), or else the one that made the state
 * a success.
 */
static int
run(struct explore *e, size_t i, int prev, int cur,
    const unsigned char *saved_in, size_t via, int skip)
{
	unsigned char saved[MAX_LEVEL + 1];
	int act[_PAM_RETURN_VALUES], ok[_PAM_RETURN_VALUES];
	const struct handler *h;
	uint64_t key;
	size_t n, k, next, v;
	int level, c, a, jump, sk;

	if (i >= e->n) {
		if (cur == S_POS_OK)
			e->via = via;
		return cur == S_POS_OK;
	}
	h = &e->h[i];
	level = h->level;
	memcpy(saved, saved_in, sizeof(saved));
	if (prev < level)
		saved[level] = (unsigned char)cur;
	/* Deeper levels are saved afresh before they are used again. */
	key = (uint64_t)cur;
	for (k = 1; k <= (size_t)level; k++)
		key |= (uint64_t)saved[k] << (2 * k);
	if (seen_state(e, i, key))
		return 0;
	if (h->type == H_SUBSTACK)
		return run(e, i + 1, level, cur, saved, via, skip);
	n = outcomes(e, h, act, ok);
	for (k = 0; k < n && !e->nomem; k++) {
		a = act[k];
		c = cur;
		next = i + 1;
		v = via;
		sk = skip;
		switch (a) {
		case A_RESET:
			c = level > 0 ? saved[level] : S_UNDEF;
			break;
		case A_OK:
		case A_DONE:
			if (c == S_UNDEF || c == S_POS_OK) {
				c = ok[k] ? S_POS_OK : S_POS_FAIL;
				if (c == S_POS_OK && cur != S_POS_OK && !sk)
					v = i;
			}
			if (a == A_DONE && c != S_UNDEF && c != S_NEG) {
				next = stack_end(e, i);
				v = i;
				sk = 1;
			}
			break;
		case A_IGNORE:
			break;
		case A_BAD:
		case A_DIE:
		default:
			if (a <= 0) {
				c = S_NEG;
				if (a == A_DIE)
					next = stack_end(e, i);
				break;
			}
			/* A jump: a substack counts as one handler. */
			jump = a;
			next = i;
			while (next + 1 < e->n && e->h[next + 1].level >= level &&
			    jump > 0) {
				do
					next++;
				while (next + 1 < e->n &&
				    e->h[next + 1].level > level);
				jump--;
			}
			next++;
			if (jump > 0)
				c = S_NEG;
			v = i;
			sk = 1;
			break;
		}
		if (run(e, next, level, c, saved, v, sk))
			return 1;
	}
	return 0;
}

/* Returns 1 when the stack can succeed, 0 if not, -1 out of memory. */
int
ps_explore(const struct handler *h, size_t n, int rootok_fails, size_t *via)
{
	unsigned char saved[MAX_LEVEL + 1];
	struct explore e;
	size_t i;
	int r;

	memset(&e, 0, sizeof(e));
	memset(saved, S_UNDEF, sizeof(saved));
	e.h = h;
	e.n = n;
	e.rootok_fails = rootok_fails;
	if (n == 0)
		return 0;	/* libpam: "no modules loaded", fails */
	if ((e.memo = calloc(n, sizeof(*e.memo))) == NULL)
		return -1;
	r = run(&e, 0, 0, S_UNDEF, saved, 0, 0);
	for (i = 0; i < n; i++)
		free(e.memo[i].key);
	free(e.memo);
	if (e.nomem)
		return -1;
	*via = e.via;
	return r;
}
