/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by pam_stack.c (reading a service's auth stack into libpam's
 * list of handlers) and pam_stack_run.c (exploring its outcomes).
 */
#ifndef MFACTL_PAM_STACK_INT_H
#define MFACTL_PAM_STACK_INT_H

#include <stddef.h>

#include <security/pam_appl.h>

#define MAX_LEVEL	16	/* libpam's PAM_SUBSTACK_MAX_LEVEL */
#define MAX_HANDLERS	1024
#define MAX_FILE	(1024 * 1024)
#define MAX_JUMP	1000000

/* libpam's actions (pam_private.h): jumps are positive. */
#define A_IGNORE	0
#define A_OK		(-1)
#define A_DONE		(-2)
#define A_BAD		(-3)
#define A_DIE		(-4)
#define A_RESET		(-5)
#define A_UNDEF		(-6)

#define H_MODULE	0
#define H_FAIL		1	/* libpam's PAM_HT_MUST_FAIL */
#define H_SUBSTACK	2

#define M_FREE		0
#define M_MFA		1
#define M_PERMIT	2
#define M_DENY		3
#define M_ROOTOK	4

/* Impression and status, as far as the result can tell them apart. */
#define S_UNDEF		0
#define S_POS_OK	1	/* positive, PAM_SUCCESS */
#define S_POS_FAIL	2	/* positive, another code */
#define S_NEG		3

/* One handler of libpam's list: a module line, a failing line, a substack. */
struct handler {
	int		 type;		/* H_* */
	int		 module;	/* M_* */
	int		 level;
	int		 act[_PAM_RETURN_VALUES];
	const char	*path;		/* in struct parser's paths */
	unsigned	 line;
	char		*modpath;
};

/*
 * Whether the n handlers h can make pam_authenticate() succeed with
 * pam_mfa failing (pam_rootok failing too when rootok_fails): 1, with
 * *via the index of a module on such a way, 0 if not, -1 out of memory.
 */
int ps_explore(const struct handler *h, size_t n, int rootok_fails,
    size_t *via);

#endif /* MFACTL_PAM_STACK_INT_H */
