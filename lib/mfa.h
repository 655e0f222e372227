/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libmfa: the one installed header.  Per-user credential store, TOTP,
 * password check, lockout and policy for pam_mfa(8) and mfactl(8).
 *
 * Conventions: functions return MFA_OK (0) or a negative MFA_ERR_*;
 * output parameters are written only on success; mfa_x_free(&p) accepts
 * NULL and clears the caller's pointer.  The library is silent unless a
 * log handler is installed with mfa_ctx_set_log().
 */
#ifndef MFA_H
#define MFA_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes. */
#define MFA_OK			  0
#define MFA_ERR_NOMEM		 (-1)	/* out of memory */
#define MFA_ERR_INVAL		 (-2)	/* invalid argument */
#define MFA_ERR_USERNAME	 (-3)	/* user name not acceptable */
#define MFA_ERR_NOTENROLLED	 (-4)	/* no store file for the user */
#define MFA_ERR_UNSAFE		 (-5)	/* unsafe owner/mode/type of a file */
#define MFA_ERR_IO		 (-6)	/* I/O error */
#define MFA_ERR_FORMAT		 (-7)	/* malformed store or state file */
#define MFA_ERR_VERSION		 (-8)	/* unsupported store format version */
#define MFA_ERR_TOOBIG		 (-9)	/* file or field over its size cap */
#define MFA_ERR_CONFIG		(-10)	/* configuration error */
#define MFA_ERR_BADCODE		(-11)	/* one-time code wrong */
#define MFA_ERR_REPLAY		(-12)	/* one-time code already used */
#define MFA_ERR_LOCKED		(-13)	/* user locked out */
#define MFA_ERR_CRYPTO		(-14)	/* crypto library failure */
#define MFA_ERR_NOSPC		(-15)	/* no space left on the store device */
#define MFA_ERR_NOTFOUND	(-16)	/* no such credential */
#define MFA_ERR_LIMIT		(-17)	/* too many credentials */
#define MFA_ERR_BADPASS		(-18)	/* password wrong */
#define MFA_ERR_NOPASS		(-19)	/* account has no usable password */
#define MFA_ERR_CODEFMT		(-20)	/* code is not N ASCII digits */
#define MFA_ERR_PENDING		(-21)	/* credential not yet confirmed */
#define MFA_ERR_STATE		(-22)	/* credential in the wrong state */
#define MFA_ERR_NODEVICE	(-23)	/* no FIDO2 security key connected */
#define MFA_ERR_TIMEOUT		(-24)	/* no touch within the time limit */
#define MFA_ERR_DEVICE		(-25)	/* FIDO2 device error or bad reply */
#define MFA_ERR_ATTEST		(-26)	/* attestation missing or not allowed */
#define MFA_ERR_CLONED		(-27)	/* signature counter did not increase */
#define MFA_ERR_BADPIN		(-28)	/* security key PIN wrong or blocked */
#define MFA_ERR_EXCLUDED	(-29)	/* security key already registered */
#define MFA_ERR_BADSIG		(-30)	/* assertion did not verify */
#define MFA_ERR_UV		(-31)	/* user verification required, not done */

/*
 * Returns a static, English description of an MFA_ERR_* code; never NULL.
 */
const char *mfa_strerror(int err);

/* Factors, as named in pam_mfa.conf(5). */
#define MFA_FACTOR_PASSWORD	0
#define MFA_FACTOR_TOTP		1
#define MFA_FACTOR_FIDO2	2
#define MFA_FACTOR_RECOVERY	3
#define MFA_FACTOR_COUNT	4

/*
 * Returns "password", "totp", "fido2" or "recovery"; "?" otherwise.
 */
const char *mfa_factor_name(int factor);

/* Three-valued results of mfa_policy_eval(). */
#define MFA_FALSE	0
#define MFA_TRUE	1
#define MFA_UNKNOWN	2

/* Password modes and the handling of users without a second factor. */
#define MFA_PASSWORD_BUILTIN	0	/* verified by libmfa (shadow) */
#define MFA_PASSWORD_STACKED	1	/* verified by an earlier module */
#define MFA_UNENROLLED_DENY	0
#define MFA_UNENROLLED_ALLOW	1

/* TOTP hash algorithms. */
#define MFA_TOTP_SHA1		0
#define MFA_TOTP_SHA256		1
#define MFA_TOTP_SHA512		2

/* Credential types and status. */
#define MFA_CRED_TOTP		1
#define MFA_CRED_FIDO2		2
#define MFA_CRED_RECOVERY	3
#define MFA_STATUS_PENDING	0
#define MFA_STATUS_ACTIVE	1

/* Limits. */
#define MFA_USER_MAX		64	/* bytes in a user name */
#define MFA_LABEL_MAX		64	/* bytes in a credential label */
#define MFA_ISSUER_MAX		64	/* bytes in a TOTP issuer */
#define MFA_CODE_MAX		8	/* digits in a TOTP code */
#define MFA_CREDS_MAX		32	/* credentials per user */

/* Log priorities are syslog(3)'s LOG_ERR ... LOG_DEBUG. */
typedef void mfa_log_fn(void *arg, int priority, const char *msg);

typedef struct mfa_ctx mfa_ctx_t;
typedef struct mfa_policy mfa_policy_t;
typedef struct mfa_user mfa_user_t;
typedef struct mfa_cred mfa_cred_t;

/*
 * Context: configuration, store location, log handler.  Not shared
 * between threads.  Returns NULL on out of memory.
 */
mfa_ctx_t *mfa_ctx_new(void);
void mfa_ctx_free(mfa_ctx_t **ctxp);

/* Installs a log handler (NULL: silent).  The message has no newline. */
void mfa_ctx_set_log(mfa_ctx_t *ctx, mfa_log_fn *fn, void *arg);

/*
 * Reads the configuration file at path (NULL: the compiled-in default,
 * mfa_default_config()).  On
 * any error (unreadable, unknown key, bad value, syntax) returns
 * MFA_ERR_CONFIG and logs one line "FILE:LINE: reason" at LOG_ERR; the
 * context then keeps no configuration and every later call that needs
 * one fails.  A context that never loads a file uses the built-in
 * defaults, which equal the installed default file.
 */
int mfa_ctx_load_config(mfa_ctx_t *ctx, const char *path);

/* Compiled-in default paths: SYSCONFDIR/security/pam_mfa.conf and
 * LOCALSTATEDIR/lib/pam_mfa. */
const char *mfa_default_config(void);
const char *mfa_default_store(void);

/* Overrides the store directory of the configuration (copied). */
int mfa_ctx_set_store(mfa_ctx_t *ctx, const char *dir);

/* The store directory in effect; owned by ctx. */
const char *mfa_ctx_store(const mfa_ctx_t *ctx);

/*
 * Durability of the store writes made through ctx.  MFA_SYNC_EACH (the
 * default) puts every change on disk (fsync/fdatasync) before the call
 * that made it returns.  MFA_SYNC_DEFER, for bulk enrolment only
 * (mfactl --batch), skips those syncs: the changes are durable once
 * mfa_ctx_sync() has returned MFA_OK, and a crash before that may leave
 * the stores of users new to the batch failing closed (refused as
 * malformed) until removed.  A store file that existed before is still
 * synced before it is replaced, so its user keeps the old file or the
 * new one.
 */
#define MFA_SYNC_EACH	0
#define MFA_SYNC_DEFER	1
int mfa_ctx_set_sync(mfa_ctx_t *ctx, int mode);
/* Flushes the file system of the store directory (syncfs(2)). */
int mfa_ctx_sync(mfa_ctx_t *ctx);

/* TOTP window (steps either side), lockout attempts and seconds. */
unsigned mfa_ctx_totp_window(const mfa_ctx_t *ctx);
unsigned mfa_ctx_lockout_attempts(const mfa_ctx_t *ctx);
unsigned mfa_ctx_lockout_time(const mfa_ctx_t *ctx);
/* Delay after a failed login, in milliseconds (pam_fail_delay). */
unsigned mfa_ctx_fail_delay(const mfa_ctx_t *ctx);
/* Defaults for enrolment: digits, algorithm, issuer (owned by ctx). */
unsigned mfa_ctx_totp_digits(const mfa_ctx_t *ctx);
int mfa_ctx_totp_algorithm(const mfa_ctx_t *ctx);
const char *mfa_ctx_totp_issuer(const mfa_ctx_t *ctx);

/*
 * Checks a user name before it becomes a path: 1..MFA_USER_MAX bytes of
 * [A-Za-z0-9._-] and '@' (and a trailing '$' for machine accounts),
 * not starting with '.' or '-', not ending in ".state" (the name of a
 * user's state file).  Returns MFA_OK or MFA_ERR_USERNAME.
 */
int mfa_username_check(const char *user);

/*
 * Resolves the policy for a user (member of groups[0..ngroups-1]) and a
 * PAM service: [user NAME], then the first matching [group NAME] in file
 * order, then [service NAME], then the global section.  *out is freed
 * with mfa_policy_free().
 */
int mfa_policy_get(const mfa_ctx_t *ctx, const char *user,
    const char *const *groups, size_t ngroups, const char *service,
    mfa_policy_t **out);
void mfa_policy_free(mfa_policy_t **policyp);
/*
 * 1 when the configuration has [group NAME] sections, so that
 * mfa_policy_get() must be given the user's groups; 0 when it has none
 * (the caller may skip looking the groups up).  1 without a
 * configuration.
 */
int mfa_policy_needs_groups(const mfa_ctx_t *ctx);
/*
 * Looks name up in the user database (getpwnam_r): *account gets the
 * account's own name (pw_name, which may differ from name: SSSD and
 * winbind find alice for "ALICE" or "alice@corp.example") in a fresh
 * string, or NULL when there is no such user, and *gid its primary
 * group.  MFA_OK, MFA_ERR_NOMEM, or MFA_ERR_IO when the database fails.
 */
int mfa_account(const char *name, char **account, gid_t *gid);
/*
 * The names of the [group NAME] sections that apply to an account (its
 * own name and primary gid, from its passwd entry), in file order, for
 * mfa_policy_get(); freed with mfa_policy_groups_free(groups, n).  Each
 * configured group is looked up by name: the account is a member when
 * the group's gid is among its groups (getgrouplist, primary included)
 * or the group lists it.  MFA_ERR_IO, logged with the section's line,
 * when a configured group does not exist or cannot be looked up: the
 * caller must then refuse, not fall back to a policy without the
 * groups.  Without [group] sections: MFA_OK, none, and no look-ups.
 */
int mfa_policy_groups(const mfa_ctx_t *ctx, const char *account, gid_t gid,
    char ***groups, size_t *n);
void mfa_policy_groups_free(char ***groups, size_t n);

/* Returns 1 when the factor appears in the policy's expression. */
int mfa_policy_uses(const mfa_policy_t *policy, int factor);

/*
 * Evaluates the expression over values[MFA_FACTOR_COUNT], each
 * MFA_TRUE, MFA_FALSE or MFA_UNKNOWN; returns one of those.
 */
int mfa_policy_eval(const mfa_policy_t *policy, const int *values);

int mfa_policy_password_mode(const mfa_policy_t *policy);
int mfa_policy_unenrolled(const mfa_policy_t *policy);
int mfa_policy_allow_empty_password(const mfa_policy_t *policy);
/*
 * Returns 1 when recovery codes may stand in for the second factor
 * (pam_mfa.conf(5) recovery = yes), else 0 (also for NULL).
 */
int mfa_policy_allow_recovery(const mfa_policy_t *policy);

/* The expression in canonical text form; owned by policy. */
const char *mfa_policy_text(const mfa_policy_t *policy);

/*
 * Opens a user's store and takes the per-user lock (shared with
 * MFA_OPEN_READ, exclusive with MFA_OPEN_WRITE); the lock is held until
 * mfa_user_free() and dies with the process.  It belongs to the
 * handle, not to the process, so opens in other threads (each with its
 * own context) wait for it as other processes do; and so a thread
 * holding a handle must not open the same user again unless both are
 * MFA_OPEN_READ: it would wait for itself forever.  MFA_OPEN_CREATE
 * (with MFA_OPEN_WRITE) creates an empty store for a user who has none.
 * Returns MFA_ERR_NOTENROLLED when the user has no store, MFA_ERR_UNSAFE
 * when a file or the directory fails the ownership/mode checks.
 */
#define MFA_OPEN_READ	0x0
#define MFA_OPEN_WRITE	0x1
#define MFA_OPEN_CREATE	0x2
int mfa_user_open(mfa_ctx_t *ctx, const char *user, int flags,
    mfa_user_t **out);

/* Releases the lock and wipes the secrets held in memory. */
void mfa_user_free(mfa_user_t **userp);

/* Returns 1 when the user has an active credential for factor. */
int mfa_user_has_factor(const mfa_user_t *user, int factor);

/*
 * MFA_OK when not locked out, MFA_ERR_LOCKED (and *until, when not NULL)
 * when locked; *failures gets the consecutive failure count.
 */
int mfa_user_lock_status(const mfa_user_t *user, int64_t *until,
    unsigned *failures);

/*
 * Verifies a TOTP code against the user's active TOTP credentials and
 * records the result durably before returning (needs MFA_OPEN_WRITE):
 * success stores the accepted time step (later codes at or before it
 * are refused as MFA_ERR_REPLAY) and resets the failure count; a wrong
 * or replayed code counts a failure and locks the user after the
 * configured number of attempts.  A locked user gets MFA_ERR_LOCKED
 * even with a right code.  *cred_id (may be NULL) gets the matching
 * credential.  code is normalised by mfa_code_normalize() first.
 */
int mfa_user_totp_verify(mfa_user_t *user, const char *code,
    unsigned *cred_id);

/*
 * Counts one failed second-factor attempt for another factor (same
 * lockout rules as above).
 */
int mfa_user_record_failure(mfa_user_t *user);

/* Clears the failure count and lock (needs MFA_OPEN_WRITE). */
int mfa_user_unlock(mfa_user_t *user);

/*
 * Enrols a pending TOTP credential with a fresh CSPRNG secret (20 bytes
 * for SHA-1, 32 for SHA-256, 64 for SHA-512).  label may be NULL
 * ("totp"); issuer NULL, algorithm -1 and digits 0 take the
 * configuration's totp_issuer, totp_algorithm and totp_digits; digits
 * must be 6..8, issuer "" (none in the URI) or as mfa_issuer_check()
 * takes it, label as mfa_label_check() does.  *id gets the new credential id; *uri (may be NULL)
 * gets a malloc'd otpauth:// URI holding the secret, to be released
 * with mfa_secret_free().  The store is rewritten atomically.
 */
int mfa_user_totp_add(mfa_user_t *user, const char *label,
    const char *issuer, int algorithm, unsigned digits, unsigned *id,
    char **uri);

/*
 * Activates a pending TOTP credential (id 0: the only pending one) when
 * code is right for it; the code's time step is recorded as used.
 */
int mfa_user_totp_confirm(mfa_user_t *user, unsigned id, const char *code);

/* Removes a credential and rewrites the store atomically. */
int mfa_user_remove(mfa_user_t *user, unsigned id);

/* Credentials, in store order; the pointer is owned by user. */
size_t mfa_user_cred_count(const mfa_user_t *user);
const mfa_cred_t *mfa_user_cred(const mfa_user_t *user, size_t idx);
unsigned mfa_cred_id(const mfa_cred_t *cred);
int mfa_cred_type(const mfa_cred_t *cred);
int mfa_cred_status(const mfa_cred_t *cred);
const char *mfa_cred_label(const mfa_cred_t *cred);
int64_t mfa_cred_created(const mfa_cred_t *cred);
int64_t mfa_cred_last_used(const mfa_cred_t *cred);	/* 0: never */
int mfa_cred_totp_algorithm(const mfa_cred_t *cred);
unsigned mfa_cred_totp_digits(const mfa_cred_t *cred);
unsigned mfa_cred_totp_period(const mfa_cred_t *cred);
const char *mfa_totp_algorithm_name(int algorithm);	/* "sha1".. */
int mfa_totp_algorithm_parse(const char *name, int *algorithm);

/*
 * Normalises a typed code into out[MFA_CODE_MAX + 1]: removes ASCII
 * spaces and '-' (as authenticator apps show "123 456"), then requires
 * exactly digits ASCII digits.  Returns MFA_ERR_CODEFMT otherwise.
 */
int mfa_code_normalize(const char *in, unsigned digits, char *out);

/*
 * Verifies a password against the shadow database (getspnam_r and
 * crypt).  Locked ("!", "*") accounts give MFA_ERR_NOPASS, as do empty
 * hashes unless allow_empty; a wrong password, or a user without a
 * shadow entry (after a dummy hash, for even timing) MFA_ERR_BADPASS.
 * A hash of another method or cost than the dummy's (yescrypt at
 * libxcrypt's default) is followed by the dummy too: no check costs
 * less than an unknown user's.
 */
int mfa_password_verify(const char *user, const char *password,
    int allow_empty);
/*
 * For a caller that has no account whose password it may check (a
 * user name it refuses): the work mfa_password_verify() does for a
 * user without a shadow entry, a dummy hash of password, so that the
 * answer takes as long.  Returns MFA_ERR_BADPASS (MFA_ERR_INVAL for a
 * NULL password).
 */
int mfa_password_dummy(const char *password);

/*
 * FIDO2.  The library talks to the user only through a callback: with
 * MFA_UI_TOUCH it tells the caller to ask for a touch of the key named
 * by desc (before blocking on the device; *answer unused); with
 * MFA_UI_PIN it asks for the key's PIN, returned in *answer as a
 * malloc'd string that the library wipes and frees.  A callback error
 * (non-zero) aborts the operation with that error.
 */
#define MFA_UI_TOUCH	1
#define MFA_UI_PIN	2
typedef int mfa_ui_fn(void *arg, int what, const char *desc, char **answer);

/* User verification policy (config fido2_uv). */
#define MFA_UV_REQUIRED		0
#define MFA_UV_PREFERRED	1
#define MFA_UV_DISCOURAGED	2

/*
 * Returns 1 when at least one FIDO2 device is connected, 0 when none is
 * (or the devices cannot be listed), MFA_ERR_NOMEM when out of memory,
 * MFA_ERR_INVAL when ctx is NULL.
 * When it returns 1 the list stays on ctx: the next
 * mfa_user_fido2_login() (or _verify()) on ctx within 2 seconds opens
 * those devices instead of listing them again (once; later calls list
 * anew).
 */
int mfa_fido2_present(mfa_ctx_t *ctx);

/*
 * Registers a security key for the user (MFA_OPEN_WRITE): makes a
 * credential for the configured RP ID on device (a path from the
 * device list; NULL: the first key found), excluding the user's
 * registered keys, verifies its attestation against the configured
 * allow-list, stores it and rewrites the store atomically.  As in a
 * login (below), the lock is let go while ui asks for the PIN and taken
 * again, the store read anew, before the key is asked; credential
 * pointers (mfa_user_cred()) taken before the call are stale after it.
 */
int mfa_user_fido2_add(mfa_user_t *user, const char *device,
    const char *label, mfa_ui_fn *ui, void *arg, unsigned *id);

/*
 * Authenticates the user with any connected key holding one of the
 * user's active FIDO2 credentials: a fresh random challenge, touch
 * (bounded by fido2_timeout), PIN when user verification is required,
 * signature, RP ID hash, UP/UV flags and a strictly increasing
 * signature counter are all checked; the new counter and last-used time
 * are stored durably.  Needs MFA_OPEN_WRITE; lockout as for TOTP.
 *
 * The lock is not held while ui waits on the user: after the silent
 * probe the library lets it go, asks for the PIN and sends the touch
 * message, then takes it again, reads the store anew (a credential
 * removed or a lockout reached meanwhile ends the login) and only then
 * sends the PIN and waits for the touch.  The handle is returned
 * locked and up to date (credential pointers taken before the call are
 * stale), or with the error of taking the lock again.  A failure counts,
 * and a lockout lasts, from the time it happens, however long the
 * prompt waited.
 *
 * flags MFA_FIDO2_REHEARSE (a handle opened with MFA_OPEN_READ is
 * enough): for a login that has already failed, asks what a login
 * would ask (the probe, then the PIN and the touch message when a key
 * holds one of the credentials) but never sends the PIN nor waits for
 * a touch, counts nothing and writes nothing; MFA_ERR_STATE after the
 * touch message.  mfa_user_fido2_verify() is flags 0.
 */
#define MFA_FIDO2_REHEARSE	0x1
int mfa_user_fido2_login(mfa_user_t *user, int flags, mfa_ui_fn *ui,
    void *arg, unsigned *cred_id);
int mfa_user_fido2_verify(mfa_user_t *user, mfa_ui_fn *ui, void *arg,
    unsigned *cred_id);

/* FIDO2 credential details (NULL/0 for other types). */
const char *mfa_cred_fido2_algorithm(const mfa_cred_t *cred); /* "es256" */
uint64_t mfa_cred_fido2_counter(const mfa_cred_t *cred);
/* AAGUID as 32 lower-case hex digits; owned by cred. */
const char *mfa_cred_fido2_aaguid(const mfa_cred_t *cred);

/*
 * Recovery codes: one-time codes that stand in for the second factor
 * (every factor but password) when the configuration allows them
 * (recovery = yes).  Their format cannot be mistaken for a TOTP code
 * (they contain letters and dashes).  Only salted slow hashes are
 * stored; each code is accepted once, consumed durably, audited and
 * subject to lockout.
 */
#define MFA_RECOVERY_DEFAULT	10
#define MFA_RECOVERY_MAX	20

/*
 * Replaces the user's recovery codes with count fresh ones (1 ..
 * MFA_RECOVERY_MAX) and rewrites the store atomically (MFA_OPEN_WRITE).
 * *codes gets a malloc'd array of count malloc'd strings to show once,
 * released with mfa_recovery_codes_free().
 */
int mfa_user_recovery_generate(mfa_user_t *user, unsigned count,
    char ***codes);
void mfa_recovery_codes_free(char ***codes, unsigned count);

/* Returns 1 when s has the shape of a recovery code, else 0. */
int mfa_recovery_code_like(const char *s);

/*
 * Accepts an unused recovery code once (MFA_OPEN_WRITE): lockout first,
 * then the code is checked and marked used durably before returning
 * MFA_OK; a wrong or used code counts a failure (MFA_ERR_BADCODE /
 * MFA_ERR_REPLAY).  *remaining (may be NULL) gets the unused count.
 * A code of 8 digits is taken for an imported google-authenticator
 * scratch code (same rules) only when the user has unused ones and no
 * active 8-digit TOTP credential; otherwise MFA_ERR_NOTENROLLED is
 * returned at once, nothing counted, so the caller can check it as a
 * TOTP code.  A user without a set gets MFA_ERR_NOTENROLLED, nothing
 * counted, after the one slow hash a check costs.
 */
int mfa_user_recovery_verify(mfa_user_t *user, const char *code,
    unsigned *remaining);

/* Unused recovery codes of the user, imported scratch codes included
 * (0 when none). */
unsigned mfa_user_recovery_remaining(const mfa_user_t *user);

/*
 * A credential label as the store accepts it: 1..MFA_LABEL_MAX bytes, no
 * control characters.  MFA_OK or MFA_ERR_INVAL.
 */
int mfa_label_check(const char *label);

/*
 * A TOTP issuer as pam_mfa.conf(5) takes totp_issuer: 1..MFA_ISSUER_MAX
 * bytes, no control characters and no ':' (the otpauth:// label puts
 * one between the issuer and the account).  MFA_OK or MFA_ERR_INVAL.
 */
int mfa_issuer_check(const char *issuer);

/* Changes a credential's label and rewrites the store atomically. */
int mfa_user_rename(mfa_user_t *user, unsigned id, const char *label);

/*
 * Audit records for auditors, besides the caller's syslog line: one
 * record to the Linux audit subsystem through libaudit, as pam_faillock
 * does -- MFA_AUDIT_AUTH (AUDIT_USER_AUTH) for an authentication result,
 * MFA_AUDIT_MGMT (AUDIT_USER_MGMT) for an enrolment change, a lockout or
 * an unlock.  op names the event ("pam_mfa-auth", "totp-add", "unlock",
 * ...), detail is an optional short key=value text without secrets
 * (factors, reason, credential id), user/rhost/tty may be NULL.  Where
 * the kernel has no audit or auditd is not running it does nothing and
 * returns MFA_OK: the caller's syslog line remains.
 */
#define MFA_AUDIT_AUTH	1
#define MFA_AUDIT_MGMT	2
int mfa_audit(int kind, const char *op, const char *user,
    const char *detail, const char *rhost, const char *tty, int success);

/* Wipes a NUL-terminated secret string and frees it; clears *sp. */
void mfa_secret_free(char **sp);

/*
 * Import: credentials taken over from other modules' files so that sites
 * can migrate (mfactl import).  An imported credential is active at
 * once: it comes from an authenticator already in use.  Parsing never
 * writes; mfa_user_import() and the two lower-level functions below
 * validate everything first and then rewrite the store atomically
 * (MFA_OPEN_WRITE).  Secrets never appear in a reason or a log line.
 */
#define MFA_IMPORT_PAM_U2F	1	/* one line of a pam_u2f authfile */
#define MFA_IMPORT_PAM_OATH	2	/* one line of a pam_oath usersfile */
#define MFA_IMPORT_GAUTH	3	/* a whole ~/.google_authenticator */
#define MFA_IMPORT_MAX		(64 * 1024)	/* bytes of one record */

/* Flags of the import functions. */
#define MFA_IMPORT_DRYRUN	0x1	/* validate only; user may be NULL or
					   opened MFA_OPEN_READ */
#define MFA_IMPORT_UNATTESTED	0x2	/* FIDO2: accept a key that has no
					   attestation although
					   fido2_attestation = verified */
#define MFA_IMPORT_UP		0x4	/* FIDO2: registered with presence */
#define MFA_IMPORT_UV		0x8	/* FIDO2: registered with UV/PIN */

typedef struct mfa_import mfa_import_t;

/* A parsed record (user name, credentials); NULL on out of memory. */
mfa_import_t *mfa_import_new(void);
/* Wipes the secrets it holds and frees it. */
void mfa_import_free(mfa_import_t **impp);

/*
 * Parses text[0..len) (no NUL needed; at most MFA_IMPORT_MAX bytes) as
 * one record of format, replacing what imp held: a pam_u2f line
 * "USER:KH,PK[,COSE[,OPTIONS]][:...]" (U2F form: base64url key handle
 * and hex EC point; FIDO2 form: base64 credential id and key, es256,
 * eddsa or rs256, +presence +verification +pin), a pam_oath line
 * "HOTP/Tn[/D] USER PASSWORD HEXSECRET [...]", or a google-authenticator
 * file (base32 secret, '" ' options, scratch codes).  Event-based HOTP,
 * resident pam_u2f credentials ("*") and malformed input give
 * MFA_ERR_FORMAT; mfa_import_why() then says why.  Every credential is
 * checked in full (public keys parsed, secrets 10..64 bytes).
 */
int mfa_import_parse(mfa_import_t *imp, int format, const char *text,
    size_t len);

/*
 * Why the last parse failed ("" after a success); *line (may be NULL)
 * gets the 1-based line of text it is about.  Owned by imp.  In the
 * language of the locale (LC_MESSAGES) when the application has bound
 * the "pam_mfa" text domain, as mfactl does; English otherwise.
 */
const char *mfa_import_why(const mfa_import_t *imp, unsigned *line);

/* The user the record names; NULL for a google-authenticator file. */
const char *mfa_import_user(const mfa_import_t *imp);

/* Credentials in the record, their MFA_CRED_* type and a description
 * without secrets, e.g. "totp sha1/6/30" or "fido2 es256 u2f". */
size_t mfa_import_count(const mfa_import_t *imp);
int mfa_import_type(const mfa_import_t *imp, size_t idx);
const char *mfa_import_desc(const mfa_import_t *imp, size_t idx);

/*
 * What the record held that is not imported (a pam_oath password,
 * google-authenticator options), or NULL.  Owned by imp.  Translated
 * like mfa_import_why().
 */
const char *mfa_import_note(const mfa_import_t *imp);

/*
 * Distinct google-authenticator scratch codes seen (at most 10).  They
 * are the record's last credential, of type MFA_CRED_RECOVERY:
 * mfa_user_import() adds them to the user's recovery codes (a set is
 * created when the user has none; codes the set has already are
 * skipped, MFA_ERR_EXCLUDED when all are; MFA_ERR_LIMIT past 10).
 */
unsigned mfa_import_scratch_codes(const mfa_import_t *imp);

/*
 * Checks credential idx of imp against the configuration of ctx without
 * a store (what mfa_user_import() checks besides duplicates and the
 * limit): MFA_OK or MFA_ERR_ATTEST as below.
 */
int mfa_import_check(mfa_ctx_t *ctx, const mfa_import_t *imp, size_t idx,
    int flags);

/*
 * Adds credential idx of imp to user as an active credential labelled
 * label (NULL: the format's name).  MFA_ERR_EXCLUDED when the user has
 * it already (same TOTP secret, same FIDO2 credential id), MFA_ERR_LIMIT
 * when full, MFA_ERR_ATTEST for a FIDO2 key the configuration cannot
 * accept without attestation (fido2_aaguids set, or fido2_attestation =
 * verified without MFA_IMPORT_UNATTESTED) or whose algorithm is not in
 * fido2_algorithms.  flags: MFA_IMPORT_DRYRUN, MFA_IMPORT_UNATTESTED.
 * *id gets the new id (0 in a dry run).  In a dry run user may be NULL
 * (a user without a store): then only the values are checked.
 */
int mfa_user_import(mfa_user_t *user, const mfa_import_t *imp, size_t idx,
    const char *label, int flags, unsigned *id);

/*
 * Imports a TOTP secret (10..64 bytes) as an active credential:
 * algorithm MFA_TOTP_*, digits 6..8, period 1..3600 seconds.  Same
 * rules and flags as mfa_user_import().
 */
int mfa_user_totp_import(mfa_user_t *user, const char *label,
    int algorithm, unsigned digits, unsigned period,
    const unsigned char *secret, size_t len, int flags, unsigned *id);

/*
 * Imports a FIDO2 credential registered elsewhere: its raw credential
 * id, its public key as DER SubjectPublicKeyInfo or in the raw form of
 * libfido2 and pam_u2f (ES256 x||y or 0x04||x||y, EdDSA 32 bytes, RS256
 * n||e), cose_alg its COSE algorithm (-7 ES256, -8 EdDSA, -257 RS256).
 * flags may add MFA_IMPORT_UP and MFA_IMPORT_UV (how it was
 * registered).  The credential only works when the RP ID in effect
 * (mfa_ctx_fido2_rp_id()) equals the one it was registered for.  Same
 * rules as mfa_user_import().
 */
int mfa_user_fido2_import(mfa_user_t *user, const char *label,
    int cose_alg, const unsigned char *credid, size_t credid_len,
    const unsigned char *pubkey, size_t pubkey_len, int flags,
    unsigned *id);

/* The FIDO2 RP ID in effect (fido2_rp_id, or "pam://" + host name). */
int mfa_ctx_fido2_rp_id(mfa_ctx_t *ctx, char *out, size_t outlen);

#ifdef __cplusplus
}
#endif

#endif /* MFA_H */
