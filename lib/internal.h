/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libmfa internals: struct bodies and the prototypes shared between the
 * library's files.  Not installed.  Unit tests include it through the
 * libmfa_internal.la convenience library.
 */
#ifndef MFA_INTERNAL_H
#define MFA_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

#include "mfa.h"

#define MFA_SECRET_MAX		64	/* bytes of a TOTP secret */
#define MFA_ISSUER_MAX		64
#define MFA_STORE_MAX		(64 * 1024)	/* cap on a store file */
#define MFA_CONFIG_MAX		(64 * 1024)	/* cap on the config file */
#define MFA_EXPR_MAX		32	/* nodes in a policy expression */
#define MFA_EXPR_TEXT_MAX	256
#define MFA_NAME_MAX		64	/* section names: user/group/service */
#define MFA_STATE_SLOT		4096	/* bytes per state slot */
#define MFA_STORE_VERSION	1
#define MFA_STATE_VERSION	1

/* ---- ctx.c, log.c ------------------------------------------------- */

typedef int64_t mfa_clock_fn(void *arg);

/* Policy expression: nodes in an array, node 0 is the root. */
#define EXPR_FACTOR	1
#define EXPR_AND	2
#define EXPR_OR		3
struct mfa_expr_node {
	int		op;		/* EXPR_* */
	int		factor;		/* EXPR_FACTOR: MFA_FACTOR_* */
	int		left;		/* EXPR_AND/OR: node indices */
	int		right;
};
struct mfa_expr {
	size_t			n;	/* 0: no expression */
	struct mfa_expr_node	node[MFA_EXPR_MAX];
	char			text[MFA_EXPR_TEXT_MAX];	/* canonical */
};

#define SECTION_GLOBAL	0
#define SECTION_USER	1
#define SECTION_GROUP	2
#define SECTION_SERVICE	3
/* Per-section settings; -1 (or expr.n == 0) means "not set here". */
struct mfa_section {
	int		kind;			/* SECTION_* */
	char		name[MFA_NAME_MAX + 1];
	unsigned	line;			/* where it starts */
	struct mfa_expr	require;
	int		password_mode;		/* MFA_PASSWORD_* or -1 */
	int		unenrolled;		/* MFA_UNENROLLED_* or -1 */
	int		allow_empty_password;	/* 0/1 or -1 */
};

struct mfa_config {
	char		store[PATH_MAX];
	unsigned	totp_window;		/* steps either side, 0..10 */
	unsigned	totp_digits;		/* default for enrolment */
	int		totp_algorithm;		/* default for enrolment */
	char		totp_issuer[MFA_ISSUER_MAX + 1];
	unsigned	lockout_attempts;	/* 0: no lockout */
	unsigned	lockout_time;		/* seconds */
	unsigned	fail_delay;		/* milliseconds, 0..60000 */
	size_t		nsections;		/* sections[0] is global */
	struct mfa_section *sections;
};

struct mfa_ctx {
	struct mfa_config *config;	/* NULL after a failed load */
	int		config_failed;
	char		*store_override;
	mfa_log_fn	*log_fn;
	void		*log_arg;
	mfa_clock_fn	*clock_fn;
	void		*clock_arg;
};

/* Current time from the injected clock (default: time(2)). */
int64_t ctx_now(const mfa_ctx_t *ctx);
/* Unit tests only: inject a clock (not exported from libmfa.so). */
void ctx_set_clock(mfa_ctx_t *ctx, mfa_clock_fn *fn, void *arg);
/* The configuration in effect, or NULL when loading it failed. */
const struct mfa_config *ctx_config(const mfa_ctx_t *ctx);

void mfa_log(const mfa_ctx_t *ctx, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- config.c, policy.c ----------------------------------------- */

/* Fills cfg with the built-in defaults (one global section). */
int config_defaults(struct mfa_config *cfg);
/*
 * Parses a config from memory; on error writes "LINE: reason" into err
 * and returns MFA_ERR_CONFIG.
 */
int config_parse(struct mfa_config *cfg, const char *buf, size_t len,
    char *err, size_t errlen);
void config_release(struct mfa_config *cfg);
/*
 * Reads and parses a config file (regular, root-owned, not group/other
 * writable, size-capped); on error err gets "LINE: reason" ("0: ..."
 * for file-level errors) and MFA_ERR_CONFIG is returned.
 */
int config_load_file(struct mfa_config *cfg, const char *path, char *err,
    size_t errlen);

/* Parses "password AND (totp OR fido2)"; MFA_ERR_CONFIG on error. */
int expr_parse(struct mfa_expr *expr, const char *text, char *err,
    size_t errlen);
int expr_eval(const struct mfa_expr *expr, const int *values);

struct mfa_policy {
	struct mfa_expr	require;
	int		password_mode;
	int		unenrolled;
	int		allow_empty_password;
};

/* ---- state.c: two checksummed, sequence-numbered slots ----------- */

struct mfa_state_cred {
	unsigned	id;
	uint64_t	last_step;	/* TOTP: last accepted time step */
	uint64_t	counter;	/* FIDO2: signature counter */
	int64_t		last_used;	/* 0: never */
};

struct mfa_state {
	uint64_t	seq;
	unsigned	failures;	/* consecutive second-factor failures */
	int64_t		locked_until;
	int64_t		last_failure;
	size_t		ncreds;
	struct mfa_state_cred creds[MFA_CREDS_MAX];
};

/* Writes two valid empty slots (seq 1 and 0) and fsyncs. */
int state_init(int fd);
/* Reads the valid slot with the higher seq; *slot gets its index. */
int state_read(int fd, struct mfa_state *st, int *slot);
/*
 * Increments st->seq and writes st into the other slot in place
 * (pwrite + fdatasync: no new blocks, so it works on a full disk);
 * *slot is updated on success.
 */
int state_write(int fd, struct mfa_state *st, int *slot);
/* Finds the record of credential id; with create, adds one. */
struct mfa_state_cred *state_cred(struct mfa_state *st, unsigned id,
    int create);

/* ---- store.c ----------------------------------------------------- */

struct mfa_cred {
	unsigned	id;
	int		type;		/* MFA_CRED_* */
	int		status;		/* MFA_STATUS_* */
	char		label[MFA_LABEL_MAX + 1];
	int64_t		created;
	int64_t		last_used;	/* copied from the state */
	/* TOTP */
	int		algorithm;
	unsigned	digits;
	unsigned	period;
	unsigned char	secret[MFA_SECRET_MAX];
	size_t		secret_len;
};

struct mfa_user {
	mfa_ctx_t	*ctx;
	char		name[MFA_USER_MAX + 1];
	int		flags;
	int		dirfd;
	int		statefd;	/* holds the fcntl lock */
	unsigned	next_id;
	size_t		ncreds;
	struct mfa_cred	creds[MFA_CREDS_MAX];
	struct mfa_state state;
	int		slot;
};

/* Parses a store file body into u->creds (u->name must be set). */
int store_parse(struct mfa_user *u, const char *buf, size_t len);
/* Serialises u into a malloc'd buffer (wiped and freed by caller). */
int store_format(const struct mfa_user *u, char **out, size_t *outlen);
/* Rewrites the user's store file: temp file, fsync, rename, dir fsync. */
int store_commit(struct mfa_user *u);
/* Writes u->state into the state file in place. */
int store_commit_state(struct mfa_user *u);
/* Returns the credential with id, or NULL. */
struct mfa_cred *store_cred(struct mfa_user *u, unsigned id);

/* ---- totp.c, uri.c ----------------------------------------------- */

/* Computes the code of cred for time step into out[digits + 1]. */
int totp_code(const struct mfa_cred *cred, uint64_t step, char *out);
/*
 * Looks for a step in [now/period - window, now/period + window] whose
 * code equals code (constant-time compare).  A matching step <= after
 * gives MFA_ERR_REPLAY; none MFA_ERR_BADCODE; else *step = the step.
 */
int totp_match(const struct mfa_cred *cred, const char *code, int64_t now,
    unsigned window, uint64_t after, uint64_t *step);
/* Fills cred->secret with the algorithm's secret size from the CSPRNG. */
int totp_secret_generate(struct mfa_cred *cred);

/* RFC 4648 base32 without padding; out must hold 8 * ceil(n/5) + 1. */
int base32_encode(const unsigned char *in, size_t n, char *out,
    size_t outlen);
/* Decodes base32 (upper/lower case, optional '=' padding). */
int base32_decode(const char *in, unsigned char *out, size_t outlen,
    size_t *n);
/* Percent-encodes everything outside RFC 3986 unreserved. */
int uri_pct_encode(const char *in, char *out, size_t outlen);
/* Decodes %XX escapes; rejects bad escapes and NUL. */
int uri_pct_decode(const char *in, char *out, size_t outlen);
/* otpauth://totp/ISSUER:USER?secret=..&issuer=..&algorithm=..&... */
int otpauth_uri(const struct mfa_cred *cred, const char *account,
    const char *issuer, char **out);

/* ---- buf.c: secrets ---------------------------------------------- */

void wipe(void *p, size_t n);
/* Constant-time equality of two n-byte buffers: 1 if equal. */
int ct_equal(const void *a, const void *b, size_t n);

/* ---- lockout.c ----------------------------------------------------- */

/* MFA_ERR_LOCKED when u is locked at now. */
int lockout_check(const struct mfa_user *u, int64_t now);
/* Counts a failure into u->state (not written). */
void lockout_fail(struct mfa_user *u, int64_t now);
/* Resets the counters in u->state (not written). */
void lockout_success(struct mfa_user *u);

/* ---- num.c ----------------------------------------------------------- */

/* strtonum-style: whole string, base 10, in [min, max]. */
int parse_num(const char *s, long long min, long long max, long long *out);

#endif /* MFA_INTERNAL_H */
