/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_mfa.so internals: module options (args.c) and the conversation
 * helpers (conv.c).  Everything that decides is in libmfa.
 */
#ifndef PAM_MFA_MODULE_H
#define PAM_MFA_MODULE_H

#include <libintl.h>
#include <security/pam_modules.h>

#include "mfa.h"

/*
 * Prompts and user messages in the text domain "pam_mfa", bound once to
 * LOCALEDIR (pam_mfa.c); a module must not call textdomain(), which
 * belongs to the application.  Log lines stay in English.
 */
#define _(s)	dgettext(PACKAGE, s)
#define N_(s)	s

#define MODULE_PATH_MAX		1024	/* bytes in config=/store= values */
#define MODULE_ARG_MAX		(MODULE_PATH_MAX + 16)	/* bytes in an arg */

/* Module options; the strings point into argv (owned by libpam). */
struct module_args {
	const char	*config;	/* config=PATH, NULL: default */
	const char	*store;		/* store=DIR, NULL: from config */
	int		 debug;		/* debug: forward LOG_DEBUG */
	int		 keyhint;	/* keyhint: code prompt names the key */
};

/* Audit reasons; the order matches reason_name[] in pam_mfa.c. */
enum reason {
	REASON_OK,
	REASON_BAD_PASSWORD,
	REASON_NO_PASSWORD,
	REASON_BAD_CODE,
	REASON_BAD_CODE_FORMAT,
	REASON_REPLAY,
	REASON_LOCKED,
	REASON_NOT_ENROLLED,
	REASON_UNKNOWN_USER,
	REASON_BAD_USERNAME,
	REASON_STORE_ERROR,
	REASON_CONFIG_ERROR,
	REASON_CONV_ERROR,
	REASON_STACKED_NO_AUTHTOK,
	REASON_SYSTEM_ERROR,
	REASON_NO_DEVICE,
	REASON_TIMEOUT,
	REASON_UNREGISTERED_KEY,
	REASON_BAD_PIN,
	REASON_UV_REQUIRED,
	REASON_DEVICE_ERROR,
	REASON_BAD_SIGNATURE,
	REASON_CLONED_KEY,
	REASON_BAD_RECOVERY_CODE,
	REASON_USED_RECOVERY_CODE,
	REASON_RECOVERY_DISABLED,
	REASON_NO_CODE,
	REASON_AUDIT_ERROR,
	REASON_NO_STORE_ACCESS,
	REASON_COUNT
};

/* One pam_sm_authenticate() call. */
struct attempt {
	pam_handle_t		*pamh;
	int			 flags;
	struct module_args	 args;
	mfa_ctx_t		*ctx;
	mfa_policy_t		*policy;
	/*
	 * The policy of a user who has no [user] or [group] section (the
	 * service's): its questions are asked too (attempt_asks()).
	 */
	mfa_policy_t		*anon;
	const char		*user;		/* checked name, or NULL */
	char			*account;	/* the account's name, or NULL */
	char			*typed;		/* copy of PAM_USER, or NULL */
	int			 known;		/* user exists: may be logged */
	int			 enrolled;	/* has an active 2nd factor */
	int			 has_fido2;	/* has an active FIDO2 key */
	int			 password_only;	/* unenrolled = allow */
	int			 values[MFA_FACTOR_COUNT];
	unsigned		 tried;		/* bit per factor attempted */
	enum reason		 reason;	/* first failure; REASON_OK */
	int			 err;		/* MFA_ERR_* behind reason */
	/*
	 * A failure that leaves the policy a way out (no key, no touch,
	 * a key that is not the user's): logged only when the attempt
	 * fails without a reason of its own.
	 */
	enum reason		 soft;
	int			 fido2_asked;	/* the FIDO2 step ran */
	int			 key_present;	/* a key was connected then */
	int			 recovery_ok;	/* the policy allows codes */
	int			 code_asked;	/* a code prompt was shown */
	int			 locked_now;	/* this attempt locked the user */
	int64_t			 locked_until;	/* ... until then */
	unsigned		 lock_failures;	/* ... after so many */
};

/*
 * Records the first failure of an attempt, which then fails; a
 * configuration error always wins (pam_mfa.c).
 */
void attempt_fail(struct attempt *a, enum reason reason, int err);
/* A conversation that failed with pam_rc. */
void attempt_fail_conv(struct attempt *a, int pam_rc);
/* The policy's value over what is known so far: MFA_TRUE/FALSE/UNKNOWN. */
int attempt_outcome(const struct attempt *a);
/*
 * Whether the dialogue has the step of second factor f: when the user's
 * policy or a user's without a section (a->anon) uses it, so that a
 * [user] or [group] section does not show in the questions.  Only the
 * user's policy decides what an answer is worth.
 */
int attempt_asks(const struct attempt *a, int f);

/*
 * After a failed second factor counted by libmfa on the open store u:
 * notes when that failure locked the user (for the audit record).
 */
void attempt_note_lock(struct attempt *a, const mfa_user_t *u);

/*
 * Recovery codes (recovery.c).  recovery_code() handles a reply to the
 * code prompt that has the shape of a recovery code, or 8 digits that
 * can only be an imported scratch code of the user; it returns 1 when
 * the reply is for the TOTP check after all, else 0.  recovery_prompt()
 * asks for a code where the policy has no TOTP prompt for one, when
 * recovery_prompt_wanted(), and returns -1 when the conversation broke
 * down.
 */
int recovery_code(struct attempt *a, const char *code);
int recovery_prompt_wanted(const struct attempt *a);
int recovery_prompt(struct attempt *a);

/*
 * The FIDO2 step (fido2.c): when a key is connected and the user has
 * one registered, verifies it, asking for the PIN and the touch through
 * the conversation.  Returns -1 when the conversation broke down.
 */
int factor_fido2(struct attempt *a);

/*
 * The prompt for the TOTP code: with the keyhint option, a policy (the
 * user's or a user's without a section) where a security key can stand
 * in for the code and no key connected, it says so.  *hint is set to 1
 * when an empty answer means "try the key" (with or without the
 * option), which needs a key in the user's policy.
 */
const char *fido2_code_prompt(const struct attempt *a, int *hint);

/*
 * A PAM item for the log line, into out[max + 1] (max >= 1): in without
 * a leading strip (may be NULL), cut at max bytes, each byte that is
 * not printable ASCII or is a space as '?'; "-" when in is NULL or
 * empty, or nothing is left after strip.
 */
#define LOG_ITEM_MAX		64	/* bytes of service and tty */
#define LOG_HOST_MAX		255	/* bytes of rhost: a DNS name */
void log_item(char *out, size_t max, const char *in, const char *strip);

/*
 * Parses the module arguments from the PAM service file.  An unknown,
 * repeated, empty, relative or overlong option is logged with
 * pam_syslog() at LOG_ERR and gives PAM_SERVICE_ERR; PAM_SUCCESS
 * otherwise.  args is filled on success only.
 */
int args_parse(pam_handle_t *pamh, int argc, const char **argv,
    struct module_args *args);

/*
 * Asks one question through the application's conversation function
 * (style PAM_PROMPT_ECHO_OFF or PAM_PROMPT_ECHO_ON).  On PAM_SUCCESS
 * *resp gets the malloc'd answer, to be released with conv_free();
 * a failed conversation, a NULL response array or a NULL answer give
 * PAM_CONV_ERR (PAM_BUF_ERR when out of memory) and *resp stays NULL.
 */
int conv_prompt(pam_handle_t *pamh, int style, const char *text,
    char **resp);

/*
 * Shows an informational message (PAM_TEXT_INFO), unless the
 * application asked for silence (PAM_SILENT in flags).  PAM_SUCCESS,
 * PAM_CONV_ERR or PAM_BUF_ERR.
 */
int conv_info(pam_handle_t *pamh, int flags, const char *text);

/* An error message (PAM_ERROR_MSG), unless flags has PAM_SILENT. */
int conv_error(pam_handle_t *pamh, int flags, const char *text);

/* Wipes and frees an answer from conv_prompt(); clears *respp. */
void conv_free(char **respp);

#endif /* PAM_MFA_MODULE_H */
