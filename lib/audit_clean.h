/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The text of an audit record (lib/audit.c): how op, the detail, the
 * host name and the terminal are reduced to characters that cannot
 * start another field or record before libaudit prints them as they
 * are.  Internal; a header of its own so that the fuzz target
 * (tests/fuzz/fuzz_escape.c) reaches the functions.
 */
#ifndef MFA_AUDIT_CLEAN_H
#define MFA_AUDIT_CLEAN_H

#include <stddef.h>

#define AUDIT_OP_MAX		64	/* bytes of op */
#define AUDIT_DETAIL_MAX	512	/* bytes of detail */
#define AUDIT_HOST_MAX		255	/* bytes of a host name */
#define AUDIT_TTY_MAX		64	/* bytes of a terminal name */

/* Characters kept in op, in detail (besides single spaces), elsewhere. */
#define AUDIT_OP_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"0123456789_.:-"
#define AUDIT_DETAIL_CHARS	AUDIT_OP_CHARS ",/@=+"

/*
 * Copies at most max bytes of in into out[max + 1], NUL-terminated; a
 * byte not in allowed (NULL: printable ASCII but space, quotes, '=' and
 * '\\') becomes '?'.  Nothing else changes, so the output has as many
 * bytes as the input, up to max.
 */
void audit_clean(char *out, const char *in, size_t max, const char *allowed);

/*
 * detail into out[AUDIT_DETAIL_MAX + 1]: each byte as audit_clean() with
 * AUDIT_DETAIL_CHARS, but spaces kept, runs of them squeezed to one and
 * none at either end, so that every field is key=value; at most
 * AUDIT_DETAIL_MAX bytes of output.
 */
void audit_clean_detail(char *out, const char *in);

#endif /* MFA_AUDIT_CLEAN_H */
