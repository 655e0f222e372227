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
#include <locale.h>

#include "mfa.h"

#define MFA_SECRET_MAX		64	/* bytes of a TOTP secret */
#define MFA_STORE_MAX		(64 * 1024)	/* cap on a store file */
#define MFA_CONFIG_MAX		(64 * 1024)	/* cap on the config file */
#define MFA_EXPR_MAX		32	/* nodes in a policy expression */
#define MFA_EXPR_TEXT_MAX	256
#define MFA_NAME_MAX		64	/* section names: user/group/service */
#define MFA_STATE_SLOT		4096	/* bytes per state slot */
#define MFA_STORE_VERSION	1
#define MFA_STATE_VERSION	1
#define MFA_RECOVERY_LEN	12	/* characters of a recovery code */
#define MFA_RECOVERY_INPUT_MAX	64	/* bytes of a typed one, as given */
#define MFA_RECOVERY_HASH_MAX	127	/* bytes of its stored hash */
#define MFA_SCRATCH_MAX		10	/* imported scratch codes per user */
#define MFA_SCRATCH_LEN		8	/* digits of a scratch code */
#define MFA_SCRATCH_BIT0	32	/* used mark of scratch code i: bit
					   MFA_SCRATCH_BIT0 + i */

/* FIDO2 limits and constants. */
#define MFA_RP_ID_MAX		255	/* bytes of an RP ID */
#define MFA_AAGUID_LEN		16
#define MFA_FIDO2_AAGUIDS_MAX	24	/* fido2_aaguids: fits a line */
#define MFA_FIDO2_ALGS_MAX	3	/* entries of fido2_algorithms */
#define MFA_FIDO2_CREDID_MAX	1023	/* bytes of a credential id */
#define MFA_FIDO2_PUBKEY_MAX	512	/* bytes of a DER public key */
/* COSE algorithm identifiers (RFC 8152), equal to libfido2's COSE_*. */
#define MFA_COSE_ES256		(-7)
#define MFA_COSE_EDDSA		(-8)
#define MFA_COSE_RS256		(-257)
/* fido2_attestation and fido2_counter values. */
#define MFA_ATTEST_ANY		0
#define MFA_ATTEST_VERIFIED	1
#define MFA_COUNTER_STRICT	0
#define MFA_COUNTER_REQUIRE	1

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
	int		allow_recovery;		/* 0/1 or -1 */
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
	/* FIDO2 */
	char		fido2_rp_id[MFA_RP_ID_MAX + 1];	/* "": pam://HOST */
	int		fido2_uv;		/* MFA_UV_* */
	unsigned	fido2_timeout;		/* seconds, 1..300 */
	size_t		fido2_nalgs;		/* 1..MFA_FIDO2_ALGS_MAX */
	int		fido2_algs[MFA_FIDO2_ALGS_MAX];	/* MFA_COSE_*, by
						   preference */
	size_t		fido2_naaguids;		/* 0: any model */
	unsigned char	fido2_aaguids[MFA_FIDO2_AAGUIDS_MAX][MFA_AAGUID_LEN];
	char		fido2_ca[PATH_MAX];	/* PEM bundle; "": none */
	int		fido2_attestation;	/* MFA_ATTEST_* */
	int		fido2_counter;		/* MFA_COUNTER_* */
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
	int		sync_mode;	/* MFA_SYNC_EACH or MFA_SYNC_DEFER */
	int		store_dirfd;	/* the checked store directory, or -1 */
	char		*store_dirpath;	/* the path it was opened as */
	/* The key list of the last mfa_fido2_present(), for one login. */
	struct fido2_devinfo *fido2_devs;
	size_t		fido2_ndevs;
	int64_t		fido2_devs_ms;	/* when taken (fido2_now_ms) */
	locale_t	c_locale;	/* for mfa_log_errno() */
};

/* Current time from the injected clock (default: time(2)). */
int64_t ctx_now(const mfa_ctx_t *ctx);
/* Unit tests only: inject a clock (not exported from libmfa.so). */
void ctx_set_clock(mfa_ctx_t *ctx, mfa_clock_fn *fn, void *arg);
/* The configuration in effect, or NULL when loading it failed. */
const struct mfa_config *ctx_config(const mfa_ctx_t *ctx);
/* Forgets the checked store directory (its path may have changed). */
void ctx_forget_store_dir(mfa_ctx_t *ctx);

void mfa_log(const mfa_ctx_t *ctx, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * strerror(3) of err in the "C" locale, for mfa_log(): log lines stay
 * English whatever the language of the program (a login program runs
 * in the user's).  The string lives as long as ctx.
 */
const char *mfa_log_errno(const mfa_ctx_t *ctx, int err);

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
	int		allow_recovery;
};

/* ---- state.c: two checksummed, sequence-numbered slots ----------- */

struct mfa_state_cred {
	unsigned	id;
	uint64_t	last_step;	/* TOTP: last accepted time step */
	uint64_t	counter;	/* FIDO2: signature counter;
					   recovery: bit i = code i used */
	int64_t		last_used;	/* 0: never */
};

struct mfa_state {
	uint64_t	seq;
	unsigned	failures;	/* consecutive second-factor failures */
	int64_t		locked_until;
	int64_t		last_failure;
	int		dir_unsynced;	/* a credentials file was replaced but
					   the directory sync failed: the old
					   file may come back after a crash */
	size_t		ncreds;
	struct mfa_state_cred creds[MFA_CREDS_MAX];
};

/* Writes two valid empty slots (seq 1 and 0); fsyncs when sync. */
int state_init(int fd, int sync);
/* Reads the valid slot with the higher seq; *slot gets its index. */
int state_read(int fd, struct mfa_state *st, int *slot);
/*
 * Increments st->seq and writes st into the other slot in place
 * (pwrite, and fdatasync when sync: no new blocks, so it works on a
 * full disk); *slot is updated on success.
 */
int state_write(int fd, struct mfa_state *st, int *slot, int sync);
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
	/* FIDO2 */
	int		fido2_alg;		/* MFA_COSE_* */
	unsigned char	credid[MFA_FIDO2_CREDID_MAX];
	size_t		credid_len;
	unsigned char	pubkey[MFA_FIDO2_PUBKEY_MAX];	/* DER SPKI */
	size_t		pubkey_len;
	unsigned char	aaguid[MFA_AAGUID_LEN];
	char		aaguid_hex[2 * MFA_AAGUID_LEN + 1];
	int		reg_uv;			/* flags at registration */
	int		reg_up;
	uint64_t	counter;		/* copied from the state */
	/* Recovery codes: the hash of code i (its first character names
	   i); which are used is in the state (mfa_state_cred.counter). */
	unsigned	rc_count;		/* 0..MFA_RECOVERY_MAX */
	char		rc_hash[MFA_RECOVERY_MAX][MFA_RECOVERY_HASH_MAX + 1];
	/* Imported 8-digit scratch codes of the same set, hashed with one
	   shared salt; used marks from bit MFA_SCRATCH_BIT0. */
	unsigned	sc_count;		/* 0..MFA_SCRATCH_MAX */
	char		sc_hash[MFA_SCRATCH_MAX][MFA_RECOVERY_HASH_MAX + 1];
};

struct mfa_user {
	mfa_ctx_t	*ctx;
	char		name[MFA_USER_MAX + 1];
	int		flags;
	int		dirfd;
	int		statefd;	/* holds the OFD lock */
	int		locked;		/* 0: let go by store_unlock() */
	int		replaced;	/* NAME.state replaced while let go */
	int		creds_existed;	/* NAME was there when read */
	unsigned	next_id;
	size_t		ncreds;
	struct mfa_cred	creds[MFA_CREDS_MAX];
	struct mfa_state state;
	int		slot;
};

/*
 * Parses a store file body into u->creds (u->name must be set); the
 * FIDO2 signature counters are copied from u->state.
 */
int store_parse(struct mfa_user *u, const char *buf, size_t len);
/* Serialises u into a malloc'd buffer (wiped and freed by caller). */
int store_format(const struct mfa_user *u, char **out, size_t *outlen);
/*
 * Rewrites the user's store file: temp file, fsync, rename, dir fsync.
 * An error means the file was not replaced: the caller puts memory back.
 * Once the rename is done the new file is in effect, so a failed
 * directory sync after it is logged (a crash may bring back the old
 * file) and sets u->state.dir_unsynced, written to the state file at
 * once (u->state as it is: callers commit their state changes before
 * this), but the result is MFA_OK: memory equals the file and the
 * change is not reported as failed.  The use of
 * a one-time code must therefore never be recorded through this, only
 * through store_commit_state(), whose sync failure fails.
 */
int store_commit(struct mfa_user *u);
/*
 * Writes u->state into the state file in place, dropping the records of
 * credentials u no longer has.  While u->state.dir_unsynced is set it
 * first writes the credentials file anew and syncs the directory
 * (MFA_SYNC_EACH; a second sync of the old change would prove nothing);
 * until that succeeds the flag stays and so do those records (the old
 * credentials file, with those credentials, may come back).
 */
int store_commit_state(struct mfa_user *u);
/*
 * Lets go of the user's lock for a wait on a person (a prompt), keeping
 * what was read; the two commits above refuse until store_relock().
 */
void store_unlock(struct mfa_user *u);
/*
 * Takes the lock again and reads the state and the store anew (another
 * login or mfactl may have changed them meanwhile).  On an error the
 * handle stays unlocked.
 */
int store_relock(struct mfa_user *u);
/* Returns the credential with id, or NULL. */
struct mfa_cred *store_cred(struct mfa_user *u, unsigned id);
/* A label: 1..MFA_LABEL_MAX bytes, no control characters (storefmt.c). */
int store_label_ok(const char *label);

/* ---- recovery.c ---------------------------------------------------- */

/*
 * Normalises a typed recovery code into out[MFA_RECOVERY_LEN + 1]:
 * ASCII spaces and '-' removed, letters upper-cased, then exactly
 * MFA_RECOVERY_LEN characters of the code alphabet with a slot letter
 * first.  MFA_ERR_CODEFMT otherwise.  *slot (may be NULL) gets the
 * code's position in its set.
 */
int recovery_normalize(const char *in, char *out, unsigned *slot);
/* 1 when h is a well-formed stored hash (yescrypt, "$y$..."), else 0. */
int recovery_hash_ok(const char *h);
/* Bytes of a code as shown, "XXXX-XXXX-XXXX", with the NUL. */
#define RECOVERY_SHOWN_SIZE	(MFA_RECOVERY_LEN + MFA_RECOVERY_LEN / 4)
/*
 * Makes a fresh code for position slot of a set from the CSPRNG:
 * norm[MFA_RECOVERY_LEN + 1] as stored (hashed), shown[RECOVERY_SHOWN_SIZE]
 * as shown to the user.
 */
int recovery_code_make(unsigned slot, char *norm, char *shown);
/*
 * 1 when the scratch hashes of set c (1..MFA_SCRATCH_MAX) are well
 * formed, distinct and share one yescrypt setting (salt and cost).
 */
int recovery_scratch_ok(const struct mfa_cred *c);
/*
 * Adds the 8-digit scratch codes (google-authenticator's) codes[0..n),
 * code i at codes + i * (MFA_SCRATCH_LEN + 1), NUL-terminated, to u's
 * recovery set, creating one labelled label when u has none;
 * codes already in the set are skipped, MFA_ERR_EXCLUDED when all are.
 * MFA_ERR_LIMIT past MFA_SCRATCH_MAX.  flags: MFA_IMPORT_DRYRUN (u may
 * then be NULL or read-only).  *id gets the set's id (0 in a dry run),
 * *added (may be NULL) how many codes are new.
 */
int recovery_scratch_import(struct mfa_user *u, const char *codes,
    unsigned n, const char *label, int flags, unsigned *id,
    unsigned *added);

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

/* ---- fido2_codec.c: encodings of the FIDO2 store fields ---------- */

/*
 * RFC 4648 base64: url = 1 gives base64url without padding (credential
 * ids), url = 0 standard base64 with padding (public keys).  Encoding
 * needs outlen >= 4 * ceil(n / 3) + 1.  Decoding accepts only the
 * canonical form (what the encoder writes: no whitespace, no
 * non-zero trailing bits) and returns MFA_ERR_FORMAT otherwise,
 * MFA_ERR_TOOBIG when the result exceeds outlen.
 */
int b64_encode(const unsigned char *in, size_t n, int url, char *out,
    size_t outlen);
int b64_decode(const char *in, int url, unsigned char *out, size_t outlen,
    size_t *n);
/* Lower-case hex; decoding wants exactly 2 * n lower-case digits. */
int hex_encode(const unsigned char *in, size_t n, char *out, size_t outlen);
int hex_decode(const char *in, unsigned char *out, size_t n);
/* The value of a lower-case hex digit (of either case), or -1. */
int hex_digit(char c);
int hex_digit_any(char c);
/* "es256", "eddsa", "rs256" <-> MFA_COSE_*; NULL / MFA_ERR_INVAL. */
const char *fido2_alg_name(int alg);
int fido2_alg_parse(const char *name, int *alg);
/*
 * Checks a stored public key: DER SubjectPublicKeyInfo that parses,
 * re-encodes to the same bytes and is a key of alg (P-256, Ed25519,
 * RSA-2048).  MFA_OK or MFA_ERR_FORMAT; MFA_ERR_CRYPTO when libfido2
 * cannot be loaded (as for fido2_pubkey_der() and fido2_pk_load()).
 */
int fido2_pubkey_check(int alg, const unsigned char *der, size_t len);
/*
 * The cheap check used when a store is read: the fixed DER framing of a
 * P-256 or Ed25519 SubjectPublicKeyInfo, the DER structure of an
 * RSA-2048 one; no OpenSSL.  Keys get the full check when they enter
 * the store (enrolment, import) and are loaded, with the curve check,
 * only when a login uses them; parsing OpenSSL keys on every store read
 * cost about 1 ms per login for every user with a security key, and
 * would load libfido2 for TOTP logins.
 */
int fido2_pubkey_shape(int alg, const unsigned char *der, size_t len);
/* The first characters of a credential id in base64url, for logs. */
void fido2_credid_short(const unsigned char *id, size_t len, char *out,
    size_t outlen);

/*
 * Converts a public key as libfido2 returns it (fido_cred_pubkey_ptr:
 * es256 x||y, eddsa 32 bytes, rs256 n||e) into DER SPKI in der[cap].
 */
int fido2_pubkey_der(int alg, const unsigned char *raw, size_t rawlen,
    unsigned char *der, size_t cap, size_t *len);
/*
 * Loads a stored DER key as the libfido2 type of alg (es256_pk_t,
 * eddsa_pk_t, rs256_pk_t) for fido_assert_verify(); free with
 * fido2_pk_free().
 */
int fido2_pk_load(int alg, const unsigned char *der, size_t len, void **pk);
void fido2_pk_free(int alg, void **pk);

/* ---- fido2.c: devices, user prompts, errors (fido2_enrol.c, -----
 *      fido2_assert.c) */

struct fido_dev;			/* libfido2's fido_dev_t */
struct fido_cbor_info;		/* libfido2's fido_cbor_info_t */

#define FIDO2_DEVS_MAX		16	/* devices looked at */
#define FIDO2_PATH_MAX		256
#define FIDO2_DESC_MAX		64
struct fido2_devinfo {
	char	path[FIDO2_PATH_MAX];
	char	desc[FIDO2_DESC_MAX];	/* manufacturer/product, printable */
};

/*
 * Lists up to max connected devices; *n may be 0.  This and
 * fido2_open() load libfido2 first (fido2_dl.h): MFA_ERR_CRYPTO, logged,
 * when it cannot be loaded.
 */
int fido2_enumerate(const mfa_ctx_t *ctx, struct fido2_devinfo *devs,
    size_t max, size_t *n);
/*
 * The keys for a login: the list mfa_fido2_present() took
 * on ctx less than FIDO2_LIST_REUSE_MS ago, if it named a key (handed
 * over once: the next call lists again), else a fresh one.  *devsp
 * gets a malloc'd array of FIDO2_DEVS_MAX entries for free().
 */
#define FIDO2_LIST_REUSE_MS	2000
int fido2_devices(mfa_ctx_t *ctx, struct fido2_devinfo **devsp,
    size_t *n);
/* Drops the list mfa_fido2_present() kept on ctx. */
void fido2_devices_forget(mfa_ctx_t *ctx);
/* Opens path with a transaction timeout of timeout seconds. */
int fido2_open(const mfa_ctx_t *ctx, const char *path, unsigned timeout,
    struct fido_dev **out);
void fido2_close(struct fido_dev **devp);
/* The RP ID in effect: fido2_rp_id or "pam://" + host name. */
int fido2_rp_id(const mfa_ctx_t *ctx, char *out, size_t outlen);
/* A monotonic clock in milliseconds. */
int64_t fido2_now_ms(void);
/*
 * Maps a libfido2 error to MFA_ERR_*; a receive failure that took the
 * whole timeout (elapsed ms of timeout s) is MFA_ERR_TIMEOUT.
 */
int fido2_error(int fido_r, int64_t elapsed, unsigned timeout);
/*
 * Whether the getInfo options ci (NULL: none, a U2F key) hold option
 * (e.g. "alwaysUv", "clientPin") set to true: 1, else 0.
 */
int fido2_info_option(const struct fido_cbor_info *ci, const char *option);
/*
 * Whether dev's authenticatorGetInfo options say alwaysUv = true (CTAP
 * 2.1: no assertion or registration without user verification): *yes.
 * A round trip to the key: libfido2 keeps no copy of the options it
 * read at open.  MFA_ERR_DEVICE (logged) when the key does not answer.
 */
int fido2_always_uv(const mfa_ctx_t *ctx, struct fido_dev *dev,
    const char *desc, int *yes);
/*
 * How to do user verification on dev for policy (MFA_UV_*): *pin = 1
 * to ask for the PIN, *uv = 1 to request built-in UV, which comes
 * first; the PIN when the key has no built-in UV or when the key says
 * (getUVRetries, no touch) that its built-in UV is blocked.  always:
 * the key insists on UV for this operation (alwaysUv, fido2_always_uv;
 * at registration also a key that makes no credential without it),
 * planned as under required whatever the policy.  MFA_ERR_UV (logged)
 * when policy is required, or always is set, and the key can do
 * neither.
 */
int fido2_uv_plan(const mfa_ctx_t *ctx, struct fido_dev *dev,
    const char *desc, int policy, int always, int *pin, int *uv);
/* Asks the caller for the PIN (checked: 4..63 bytes, no NUL). */
int fido2_ask_pin(mfa_ui_fn *ui, void *arg, const char *desc, char **pin);
/* Tells the caller to ask for a touch. */
int fido2_ask_touch(mfa_ui_fn *ui, void *arg, const char *desc);
/*
 * Finds the authenticator data inside its CBOR byte string (as
 * fido_assert_authdata_ptr returns it); at least 37 bytes.
 */
int fido2_authdata_raw(const unsigned char *cbor, size_t len,
    const unsigned char **raw, size_t *rawlen);

/* authenticator data flags */
#define FIDO2_FLAG_UP		0x01
#define FIDO2_FLAG_UV		0x04
#define FIDO2_FLAG_AT		0x40
#define FIDO2_FLAG_ED		0x80

/* ---- buf.c: secrets ---------------------------------------------- */

void wipe(void *p, size_t n);
/* Constant-time equality of two n-byte buffers: 1 if equal. */
int ct_equal(const void *a, const void *b, size_t n);
/*
 * Fills buf[0..n) from the kernel's CSPRNG (getrandom(2)): MFA_OK, or
 * MFA_ERR_CRYPTO (buf wiped) when it cannot.
 */
int random_bytes(void *buf, size_t n);

/* ---- lockout.c ----------------------------------------------------- */

/* MFA_ERR_LOCKED when u is locked at now. */
int lockout_check(const struct mfa_user *u, int64_t now);
/* Counts a failure into u->state (not written). */
void lockout_fail(struct mfa_user *u, int64_t now);
/* Resets the counters in u->state (not written). */
void lockout_success(struct mfa_user *u);

/* ---- sha256.c ------------------------------------------------------ */

#define SHA256_LEN	32
/* SHA-256 of data[0..len) into md (FIPS 180-4). */
void sha256(const void *data, size_t len, unsigned char md[SHA256_LEN]);

/* ---- num.c ----------------------------------------------------------- */

/*
 * A decimal number in [min, max]: digits only, no sign, no leading zero
 * ("0" itself), no overflow; the whole string.  MFA_ERR_INVAL if not.
 */
int parse_num(const char *s, long long min, long long max, long long *out);
/*
 * The stored files' numbers: canonical unsigned decimal (no sign, no
 * leading zero) in [min, max]; MFA_ERR_FORMAT otherwise.
 */
int parse_canon(const char *s, long long min, long long max,
    long long *out);
/*
 * Copies the line [s, s + len) (no newline) into line[linecap] and
 * splits it into at most maxtok tokens separated by exactly one space;
 * printable ASCII only.  Returns the number of tokens or -1.
 */
int tokenize_line(const char *s, size_t len, char *line, size_t linecap,
    char **tok, int maxtok);

/* ---- nss.c ------------------------------------------------------- */

#define NSS_PASSWD	1	/* getpwnam_r, ent a struct passwd */
#define NSS_GROUP	2	/* getgrnam_r, ent a struct group */
/*
 * Looks key up in database db into *ent, whose strings are in *bufp
 * (grown as needed; the caller frees it, also on error).  MFA_OK,
 * MFA_ERR_NOTFOUND, MFA_ERR_NOMEM or MFA_ERR_IO (the database failed,
 * or an entry over 1 MiB).
 */
int nss_lookup(int db, const char *key, void *ent, char **bufp);

#endif /* MFA_INTERNAL_H */
