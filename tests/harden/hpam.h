/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared helpers of the PAM-level hardening tests (tests/harden): the
 * namespace set-up (users, PAM service files, re-execution under
 * pam_wrapper and the test clock), the /dev/log capture, a recording
 * conversation, TOTP enrolment through the public API, byte-for-byte
 * snapshots of a store directory and the register of every secret a
 * test used (checked against the captured log).
 *
 * Every program using this runs inside tests/pam/ns-run.sh's private
 * mount namespace; see tests/harden/run.sh.
 */
#ifndef TESTS_HARDEN_HPAM_H
#define TESTS_HARDEN_HPAM_H

#include <sys/types.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define HP_SERVICE	"hz"		/* auth required pam_mfa.so config= */
#define HP_SERVICE_DBG	"hz-debug"	/* the same with debug */
#define HP_NUSERS	40		/* hz-user00 .. hz-user39 */
#define HP_ODD_USER	"hz.a_b-c@d"	/* odd but valid user name */
#define HP_ODD_INDEX	HP_NUSERS	/* its index for hp_password() */
#define HP_MAX_PROMPTS	8
#define HP_PERIOD	30

/* Set by hp_start(). */
extern const char *hp_work;		/* the namespace's tmpfs */
extern char hp_conf[PATH_MAX];		/* config= of the services */

/* User i (0 .. HP_NUSERS, the last being HP_ODD_USER) and password. */
const char *hp_user(int i);
const char *hp_password(int i);

/*
 * Phase 1 (first run): checks the namespace, adds the users, writes the
 * service files and re-executes the program with the test clock and
 * extra_preload (may be NULL) preloaded, and either pam_wrapper
 * (HP_PAM_WRAPPER) or the service files bind-mounted over /etc/pam.d
 * inside the namespace (HP_PAM_BIND: for programs that fork many PAM
 * processes; pam_wrapper gives each forked child its own /tmp/pam.X,
 * left behind when it is killed).  Phase 2: opens the /dev/log capture
 * and returns.  Exits 77 outside a namespace.
 */
#define HP_PAM_WRAPPER	0
#define HP_PAM_BIND	1
void hp_start(int argc, char **argv, int how, const char *extra_preload);
/*
 * Checks the whole captured log against every registered secret, closes
 * the capture; returns the number of leaks found (each printed).
 */
int hp_finish(void);

/*
 * The test clock (tests/harden/faketime.c, preloaded): hp_clock_set()
 * fixes time(2) for this process and its children, hp_clock_real()
 * returns to the real clock; hp_now() is time(2) as the module sees it.
 */
void hp_clock_set(int64_t t);
void hp_clock_real(void);
int64_t hp_now(void);

/* ---- conversation ------------------------------------------------ */

#define HP_CONV_ANSWER		0	/* answer from answers[] */
#define HP_CONV_ERROR		1	/* prompt fail_at: PAM_CONV_ERR */
#define HP_CONV_NULL_ARRAY	2	/* prompt fail_at: *resp NULL */
#define HP_CONV_NULL_TEXT	3	/* prompt fail_at: resp NULL */
#define HP_CONV_BUF_ERR		4	/* prompt fail_at: PAM_BUF_ERR */

struct hp_conv {
	const char	*answers[HP_MAX_PROMPTS];	/* NULL-terminated */
	int		 mode;
	int		 fail_at;
	int		 nprompts;
	int		 overflow;	/* more prompts than answers */
	unsigned	 public_mask;	/* answers that are not secrets */
};

struct pam_message;
struct pam_response;
/* The conversation function; arg is a struct hp_conv. */
int hp_conv_fn(int n, const struct pam_message **msg,
    struct pam_response **resp, void *arg);

/* Answers a0, a1 (either may be NULL: no more answers). */
void hp_conv_set(struct hp_conv *cv, const char *a0, const char *a1);

/*
 * pam_authenticate() for user (may be NULL) on service with cv, then
 * pam_end(); the log is reset before and drained after.  Returns the
 * PAM result.
 */
int hp_auth(const char *service, const char *user, struct hp_conv *cv);

/*
 * waitpid() for a child, draining /dev/log meanwhile (children block on
 * a full datagram queue otherwise).  Returns pid or -1.
 */
pid_t hp_waitpid(pid_t pid, int *status);

/* Counts the lines of the current log that contain needle. */
int hp_log_count(const char *needle);

/*
 * The user's state as the library reads it (shared lock): failures and
 * locked-until; returns the mfa_user_open() result.
 */
int hp_user_state(const char *dir, const char *user, unsigned *failures,
    int64_t *until, size_t *ncreds);

/* ---- log capture ------------------------------------------------- */

void hp_log_reset(void);
void hp_log_drain(void);
const char *hp_log(void);		/* "<PRI>message\n" per line */
int hp_log_has(const char *needle);
/*
 * Finds the audit lines of service ("... result=X reason=Y"); returns
 * how many, and copies the reason of the first into reason[len].
 */
int hp_audit_reason(const char *service, char *reason, size_t len);
/* Counts audit lines with result=success / result=failure. */
int hp_audit_count(const char *result);

/* ---- secrets ----------------------------------------------------- */

/* Registers a secret: a substring that must never be logged. */
void hp_secret(const char *s);
/* Registers a one-time code: must never be logged as a digit run. */
void hp_secret_code(const char *code);

/* ---- TOTP -------------------------------------------------------- */

struct hp_totp {
	unsigned char	key[64];
	size_t		keylen;
	uint64_t	step;		/* the step its confirmation used */
};

/* Computes the 6-digit SHA-1 code of t at step (and registers it). */
void hp_code(const struct hp_totp *t, uint64_t step, char out[7]);
/* A well-formed code accepted by none of the steps around step. */
void hp_wrong_code(const struct hp_totp *t, uint64_t step, char out[7]);
/*
 * Enrols and confirms a TOTP credential of user in dir (created with
 * the library when missing) at hp_now(); registers the secret.
 * Returns MFA_OK or the library error (fails the program on others
 * when must is set).
 */
int hp_enrol(const char *dir, const char *user, struct hp_totp *t,
    int must);

/* ---- recovery codes ---------------------------------------------- */

/*
 * Gives user in dir (created when missing) count new recovery codes,
 * replacing any old ones, with the public API as mfactl recovery does;
 * registers them as secrets.  *codes is released with
 * mfa_recovery_codes_free().
 */
void hp_recovery_new(const char *dir, const char *user, unsigned count,
    char ***codes);

/* ---- FIDO2: tests/vfido's virtual security key ------------------- */

/*
 * What the services need for a key: the RP ID, and room for slow
 * machines where the key is asked (no touch is ever waited for).
 */
#define HP_FIDO2_CONFIG	"fido2_rp_id = pam://hz-test\nfido2_timeout = 10\n"
#define HP_PIN		"4711"

/*
 * A new virtual key with the PIN HP_PIN in the namespace's tmp (made
 * with vfido-ctl, programs built with VFIDO_CTL only), connected as
 * the only key (VFIDO_STATE); returns its state file (malloc'd).  The
 * program must have tests/vfido's shim preloaded (hp_start).
 */
char *hp_vfido_new(void);
/* Sets the key's signature counter (vfido-ctl set). */
void hp_vfido_set_counter(const char *key, uint64_t counter);
/* The key's signature counter, from its state file. */
uint64_t hp_vfido_counter(const char *key);
/*
 * Registers the connected key for user in dir (created when missing)
 * with the public API, as mfactl fido2 add does, under the config
 * hp_write_config() wrote (which must hold HP_FIDO2_CONFIG).
 */
void hp_fido2_enrol(const char *dir, const char *user);

/* ---- files ------------------------------------------------------- */

/* Config: "store = dir", "fail_delay = 0", then extra (may be NULL). */
void hp_write_config(const char *dir, const char *extra);
void hp_write_file(const char *path, const void *data, size_t len,
    mode_t mode);
char *hp_path(const char *dir, const char *name);	/* malloc'd */
/* Makes a fresh 0700 store directory under the namespace's tmp. */
char *hp_mkstore(void);
void hp_rmtree(const char *path);

/* A snapshot of every entry below a directory (type, mode, owner, bytes). */
struct hp_snap;
struct hp_snap *hp_snap_take(const char *dir);
/*
 * Compares two snapshots; entries named in skip (NULL-terminated, may
 * be NULL) are compared by type/mode/owner/size only.  Returns 0 when
 * equal, else 1 with a description in why.
 */
int hp_snap_diff(const struct hp_snap *a, const struct hp_snap *b,
    const char *const *skip, char *why, size_t whylen);
/* 1 when the named entry's bytes differ between the snapshots. */
int hp_snap_changed(const struct hp_snap *a, const struct hp_snap *b,
    const char *name);
void hp_snap_free(struct hp_snap **sp);

/* Prints to stderr and exits 99: the test set-up itself failed. */
void hp_die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

#endif
