/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_mfa: the PAM entry points.  Thin on purpose: it reads options,
 * asks the questions and hands every decision to libmfa (policy,
 * password, TOTP, FIDO2, lockout).  See pam_mfa(8) for the flow; the
 * FIDO2 step and its prompts are in fido2.c; the user and group database
 * look-ups are libmfa's (mfa_account, mfa_policy_groups).
 *
 * No user enumeration: an unknown user, an unacceptable user name, an
 * unenrolled (deny mode), locked or unreadable user is asked exactly
 * the questions an enrolled user is asked and fails at the end (for
 * the FIDO2 prompts, which need the user's key, see fido2.c; for the
 * recovery code prompt, recovery.c; for [user] and [group] sections,
 * run_factors()).  The first reason found is the one logged, in the
 * syslog line and in the audit record (libmfa's mfa_audit()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libintl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "mfa.h"
#include "module.h"

#define AUDIT_DETAIL_MAX	256	/* bytes of a record's detail */

/* Indexed by enum reason (module.h). */
static const char *const reason_name[] = {
	"ok", "bad_password", "no_password", "bad_code", "bad_code_format",
	"replay", "locked", "not_enrolled", "unknown_user", "bad_username",
	"store_error", "config_error", "conv_error", "stacked_no_authtok",
	"system_error", "no_device", "timeout", "unregistered_key",
	"bad_pin", "uv_required", "device_error", "bad_signature",
	"cloned_key", "bad_recovery_code", "used_recovery_code",
	"recovery_disabled", "no_code", "audit_error", "no_store_access",
};
_Static_assert(sizeof(reason_name) / sizeof(reason_name[0]) ==
    REASON_COUNT, "reason_name[] and enum reason differ");

/*
 * Factors in the order they are asked for: a security key, when one is
 * connected, before the code it can stand in for (see pam_mfa(8)).
 */
static const int factor_order[] = {
	MFA_FACTOR_PASSWORD, MFA_FACTOR_FIDO2, MFA_FACTOR_TOTP,
	MFA_FACTOR_RECOVERY,
};

/*
 * Records the first failure, except that a configuration error, which
 * concerns every login, always wins.
 */
void
attempt_fail(struct attempt *a, enum reason reason, int err)
{
	if (a->reason != REASON_OK && reason != REASON_CONFIG_ERROR)
		return;
	a->reason = reason;
	a->err = err;
}

/* As attempt_fail(), but running out of memory is its own reason. */
static void
fail_err(struct attempt *a, enum reason reason, int err)
{
	attempt_fail(a, err == MFA_ERR_NOMEM ? REASON_SYSTEM_ERROR : reason,
	    err);
}

/* A conversation that failed (PAM_BUF_ERR: out of memory). */
void
attempt_fail_conv(struct attempt *a, int pam_rc)
{
	attempt_fail(a, REASON_CONV_ERROR,
	    pam_rc == PAM_BUF_ERR ? MFA_ERR_NOMEM : 0);
}

void
attempt_note_lock(struct attempt *a, const mfa_user_t *u)
{
	int64_t until = 0;
	unsigned failures = 0;

	/* The store was not locked when the attempt began (read_store). */
	if (u != NULL && mfa_user_lock_status(u, &until, &failures) ==
	    MFA_ERR_LOCKED) {
		a->locked_now = 1;
		a->locked_until = until;
		a->lock_failures = failures;
	}
}

/* The one place where results become PAM codes.  Never PAM_IGNORE. */
static int
result_to_pam(const struct attempt *a, int outcome)
{
	if (a->reason == REASON_OK && outcome == MFA_TRUE)
		return PAM_SUCCESS;
	if (a->reason == REASON_CONFIG_ERROR)
		return PAM_SERVICE_ERR;
	if (a->err == MFA_ERR_NOMEM)
		return PAM_BUF_ERR;
	return PAM_AUTH_ERR;
}

static void
log_forward(void *arg, int priority, const char *msg)
{
	const struct attempt *a = arg;

	if (priority >= LOG_DEBUG && !a->args.debug)
		return;
	pam_syslog(a->pamh, priority, "%s", msg);
}

static const char *
pam_item_str(pam_handle_t *pamh, int type)
{
	const void *item = NULL;

	if (pam_get_item(pamh, type, &item) != PAM_SUCCESS)
		return NULL;
	return item;
}

/* The factors checked, "password,totp", in the order of mfa.h. */
static void
factor_list(const struct attempt *a, char *out, size_t size)
{
	size_t n = 0;
	int f, w;

	for (f = 0; f < MFA_FACTOR_COUNT; f++) {
		if ((a->tried & (1U << f)) == 0)
			continue;
		/* Four short names always fit. */
		w = snprintf(out + n, size - n, "%s%s", n > 0 ? "," : "",
		    mfa_factor_name(f));
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	if (n == 0)
		(void)snprintf(out, size, "-");
}

/*
 * A failure without a reason of its own: a soft one, else the user
 * lacks a factor the policy needs (the outcome is false), else a code
 * that could still have decided it was not given (Enter alone at the
 * recovery code prompt).
 */
static const char *
reason_text(const struct attempt *a, int rc)
{
	if (rc == PAM_SUCCESS)
		return reason_name[a->password_only ? REASON_NOT_ENROLLED :
		    REASON_OK];
	if (a->reason != REASON_OK)
		return reason_name[a->reason];
	if (a->soft != REASON_OK)
		return reason_name[a->soft];
	if (a->policy != NULL && attempt_outcome(a) == MFA_UNKNOWN)
		return reason_name[REASON_NO_CODE];
	return reason_name[REASON_NOT_ENROLLED];
}

/* One record through libmfa; a failure to write it is logged. */
static int
audit_record(const struct attempt *a, int kind, const char *op,
    const char *detail, int success)
{
	int r;

	r = mfa_audit(kind, op, a->known ? a->user : NULL, detail,
	    pam_item_str(a->pamh, PAM_RHOST), pam_item_str(a->pamh, PAM_TTY),
	    success);
	if (r != MFA_OK)
		pam_syslog(a->pamh, LOG_ERR, "cannot write the audit record: "
		    "%s", mfa_strerror(r));
	return r;
}

/*
 * The result is recorded for the administrator and the auditors:
 * exactly one syslog line and one audit record per attempt (and a
 * second record when a failure of this attempt locked the user out);
 * never a secret or a rejected name.  Where there is no audit (no
 * kernel support, auditing disabled, no permission) libmfa writes
 * nothing and says nothing.  A success whose record the kernel refuses
 * for another reason is denied (reason audit_error), as libpam does
 * with its own record.  Returns the final PAM code.
 */
static int
audit(struct attempt *a, int rc)
{
	char service[LOG_ITEM_MAX + 1], rhost[LOG_HOST_MAX + 1];
	char tty[LOG_ITEM_MAX + 1], factors[64];
	char detail[AUDIT_DETAIL_MAX];
	int r;

	log_item(service, LOG_ITEM_MAX, pam_item_str(a->pamh, PAM_SERVICE),
	    NULL);
	log_item(rhost, LOG_HOST_MAX, pam_item_str(a->pamh, PAM_RHOST), NULL);
	log_item(tty, LOG_ITEM_MAX, pam_item_str(a->pamh, PAM_TTY), "/dev/");
	factor_list(a, factors, sizeof(factors));

	(void)snprintf(detail, sizeof(detail), "service=%s factors=%s "
	    "reason=%s", service, factors, reason_text(a, rc));
	r = audit_record(a, MFA_AUDIT_AUTH, "pam_mfa-auth", detail,
	    rc == PAM_SUCCESS);
	if (r != MFA_OK && rc == PAM_SUCCESS) {
		attempt_fail(a, REASON_AUDIT_ERROR, r);
		rc = result_to_pam(a, MFA_FALSE);
	}
	pam_syslog(a->pamh, rc == PAM_SUCCESS ? LOG_INFO : LOG_NOTICE,
	    "user=%s service=%s rhost=%s tty=%s factors=%s result=%s "
	    "reason=%s", a->known ? a->user : "-", service, rhost, tty,
	    factors, rc == PAM_SUCCESS ? "success" : "failure",
	    reason_text(a, rc));

	if (a->locked_now && a->known) {
		(void)snprintf(detail, sizeof(detail), "service=%s "
		    "failures=%u until=%" PRId64, service, a->lock_failures,
		    a->locked_until);
		(void)audit_record(a, MFA_AUDIT_MGMT, "pam_mfa-lockout",
		    detail, 1);
	}
	return rc;
}

/* Once per process: where the module's translations are. */
static pthread_once_t textdomain_once = PTHREAD_ONCE_INIT;

static void
textdomain_bind(void)
{
	(void)bindtextdomain(PACKAGE, LOCALEDIR);
}

/* Step 1: options, configuration, store override, fail delay. */
static int
setup(struct attempt *a, int argc, const char **argv)
{
	unsigned delay;
	int r;

	if (args_parse(a->pamh, argc, argv, &a->args) != PAM_SUCCESS) {
		attempt_fail(a, REASON_CONFIG_ERROR, MFA_ERR_CONFIG);
		return -1;
	}
	if ((a->ctx = mfa_ctx_new()) == NULL) {
		attempt_fail(a, REASON_SYSTEM_ERROR, MFA_ERR_NOMEM);
		return -1;
	}
	mfa_ctx_set_log(a->ctx, log_forward, a);
	/* The library logs "FILE:LINE: reason" itself. */
	if ((r = mfa_ctx_load_config(a->ctx, a->args.config)) != MFA_OK) {
		fail_err(a, REASON_CONFIG_ERROR,
		    r == MFA_ERR_NOMEM ? r : MFA_ERR_CONFIG);
		return -1;
	}
	if (a->args.store != NULL &&
	    (r = mfa_ctx_set_store(a->ctx, a->args.store)) != MFA_OK) {
		pam_syslog(a->pamh, LOG_ERR, "store=%s: %s", a->args.store,
		    mfa_strerror(r));
		fail_err(a, REASON_CONFIG_ERROR,
		    r == MFA_ERR_NOMEM ? r : MFA_ERR_CONFIG);
		return -1;
	}
	if ((delay = mfa_ctx_fail_delay(a->ctx)) != 0)
		(void)pam_fail_delay(a->pamh, delay * 1000U);
	return 0;
}

/*
 * Steps 2 and 3: the user and the policy.  Failures to identify the user
 * are recorded and the attempt goes on with the service's policy so the
 * prompts stay the same; only a broken configuration stops here.
 *
 * The name typed is only the key to the user database: the account it
 * finds may have another name (SSSD or winbind answer "ALICE" and
 * "alice@corp.example" with alice), and everything pam_mfa does from
 * here on (password, store, [user] section, lockout, log and audit)
 * is for the account's own name, so that no spelling of it gets a
 * store, a section or a lockout of its own.
 */
static int
resolve_user(struct attempt *a)
{
	const char *name = NULL, *service;
	char **groups = NULL;
	size_t ngroups = 0;
	gid_t gid;
	int r, ret = -1;

	r = pam_get_user(a->pamh, &name, NULL);
	if (r != PAM_SUCCESS) {
		attempt_fail_conv(a, r);
		goto out;
	}
	if (name == NULL || mfa_username_check(name) != MFA_OK) {
		/* Never logged: it may be a password typed too early. */
		attempt_fail(a, REASON_BAD_USERNAME, MFA_ERR_USERNAME);
	} else {
		/*
		 * Unknown: the typed name, for the dummy password check.
		 * A copy: libpam's string goes if the application sets
		 * PAM_USER again while a later question waits.
		 */
		a->typed = strdup(name);
		a->user = a->typed;
		r = a->typed == NULL ? MFA_ERR_NOMEM :
		    mfa_account(name, &a->account, &gid);
		if (r != MFA_OK) {
			attempt_fail(a, REASON_SYSTEM_ERROR, r);
		} else if (a->account == NULL) {
			attempt_fail(a, REASON_UNKNOWN_USER, MFA_ERR_NOTFOUND);
		} else if (mfa_username_check(a->account) != MFA_OK) {
			/*
			 * An account name that cannot be a store file: the
			 * typed name must not stand in for it.  Never logged,
			 * as a rejected name.
			 */
			a->user = NULL;
			attempt_fail(a, REASON_BAD_USERNAME,
			    MFA_ERR_USERNAME);
		} else {
			a->user = a->account;
			a->known = 1;
			/*
			 * The [group] sections that apply (none looked up
			 * without any).  A group that cannot be looked up
			 * fails the attempt: the policy without it may be
			 * weaker (logged by libmfa).
			 */
			r = mfa_policy_groups(a->ctx, a->account, gid, &groups,
			    &ngroups);
			if (r != MFA_OK)
				attempt_fail(a, REASON_SYSTEM_ERROR, r);
		}
	}
	if ((service = pam_item_str(a->pamh, PAM_SERVICE)) == NULL)
		service = "";
	r = mfa_policy_get(a->ctx, a->user, (const char *const *)groups,
	    ngroups, service, &a->policy);
	/* Whose questions everyone is asked as well: no name, no group. */
	if (r == MFA_OK)
		r = mfa_policy_get(a->ctx, NULL, NULL, 0, service, &a->anon);
	if (r != MFA_OK) {
		fail_err(a, REASON_CONFIG_ERROR,
		    r == MFA_ERR_NOMEM ? r : MFA_ERR_CONFIG);
		goto out;
	}
	ret = 0;
out:
	mfa_policy_groups_free(&groups, ngroups);
	return ret;
}

/*
 * Whether this process may read and write the store, with its effective
 * ids and capabilities, as the opens will: not so in a program that
 * authenticates as the user itself (most screen lockers).  Decided
 * once the user is known (pam_get_user() may have asked for the name,
 * which screen lockers set beforehand) and before the password or a
 * code is asked for, the same for every user: such a program never
 * gets a password or a code asked for that cannot be checked, and the
 * user is told why (pam_mfa(8), "Programs that do not run as root").
 * Any other error (no such directory, ...) is left to the store's own
 * checks.
 */
static int
store_access(struct attempt *a)
{
	const char *dir = mfa_ctx_store(a->ctx);
	int e;

	if (dir == NULL || faccessat(AT_FDCWD, dir, R_OK | W_OK | X_OK,
	    AT_EACCESS) == 0 || (errno != EACCES && errno != EPERM))
		return 0;
	e = errno;
	/* Not strerror(): log lines stay English in a Japanese login. */
	pam_syslog(a->pamh, LOG_ERR, "store %s: %s to uid %lu (euid %lu): "
	    "pam_mfa needs root; a program that authenticates as the user "
	    "cannot use it", dir, e == EPERM ? "Operation not permitted" :
	    "Permission denied", (unsigned long)getuid(),
	    (unsigned long)geteuid());
	(void)conv_error(a->pamh, a->flags, _("This program cannot check "
	    "a second factor: pam_mfa needs root."));
	attempt_fail(a, REASON_NO_STORE_ACCESS, MFA_ERR_IO);
	return -1;
}

/*
 * Step 4: what the user has enrolled and whether they are locked, read
 * under the shared lock, which is dropped again before any prompt.
 */
static void
read_store(struct attempt *a)
{
	mfa_user_t *u = NULL;
	int64_t until;
	unsigned failures;
	int f, r;

	for (f = 0; f < MFA_FACTOR_COUNT; f++)
		a->values[f] = mfa_policy_uses(a->policy, f) ? MFA_UNKNOWN :
		    MFA_FALSE;
	/* With recovery = no the factor never holds (pam_mfa.conf(5)). */
	a->recovery_ok = mfa_policy_allow_recovery(a->policy);
	if (!a->recovery_ok)
		a->values[MFA_FACTOR_RECOVERY] = MFA_FALSE;
	if (!a->known)
		return;

	r = mfa_user_open(a->ctx, a->user, MFA_OPEN_READ, &u);
	if (r == MFA_OK) {
		/*
		 * Unused recovery codes alone make a user enrolled when
		 * the policy accepts them; a set that is used up does not.
		 */
		for (f = MFA_FACTOR_TOTP; f < MFA_FACTOR_COUNT; f++) {
			if (mfa_user_has_factor(u, f) &&
			    (f != MFA_FACTOR_RECOVERY || a->recovery_ok))
				a->enrolled = 1;
			else
				a->values[f] = MFA_FALSE;
		}
		a->has_fido2 = mfa_user_has_factor(u, MFA_FACTOR_FIDO2);
		if (mfa_user_lock_status(u, &until, &failures) ==
		    MFA_ERR_LOCKED)
			attempt_fail(a, REASON_LOCKED, MFA_ERR_LOCKED);
		mfa_user_free(&u);
	} else if (r == MFA_ERR_NOTENROLLED) {
		for (f = MFA_FACTOR_TOTP; f < MFA_FACTOR_COUNT; f++)
			a->values[f] = MFA_FALSE;
	} else {
		fail_err(a, REASON_STORE_ERROR, r);
		return;
	}
	if (a->enrolled || a->reason != REASON_OK)
		return;
	/*
	 * No second factor: deny, or (unenrolled = allow, a rollout
	 * setting) let the password alone decide, when there is one.
	 */
	if (mfa_policy_unenrolled(a->policy) == MFA_UNENROLLED_ALLOW &&
	    mfa_policy_uses(a->policy, MFA_FACTOR_PASSWORD))
		a->password_only = 1;
	else
		attempt_fail(a, REASON_NOT_ENROLLED, MFA_ERR_NOTENROLLED);
}

int
attempt_outcome(const struct attempt *a)
{
	if (a->password_only)
		return a->values[MFA_FACTOR_PASSWORD];
	return mfa_policy_eval(a->policy, a->values);
}

int
attempt_asks(const struct attempt *a, int f)
{
	return mfa_policy_uses(a->policy, f) ||
	    (a->anon != NULL && mfa_policy_uses(a->anon, f));
}

/* Returns -1 when the conversation broke down: stop asking. */
static int
factor_password(struct attempt *a)
{
	const void *item = NULL;
	const char *tok = NULL;
	int allow_empty, r;

	if (mfa_policy_password_mode(a->policy) == MFA_PASSWORD_STACKED) {
		/*
		 * An earlier required/requisite module verified it; its
		 * PAM_AUTHTOK is the evidence.  Without one, fail.
		 */
		a->tried |= 1U << MFA_FACTOR_PASSWORD;
		if (pam_get_item(a->pamh, PAM_AUTHTOK, &item) ==
		    PAM_SUCCESS && item != NULL) {
			a->values[MFA_FACTOR_PASSWORD] = MFA_TRUE;
		} else {
			a->values[MFA_FACTOR_PASSWORD] = MFA_FALSE;
			attempt_fail(a, REASON_STACKED_NO_AUTHTOK, MFA_ERR_NOPASS);
		}
		return 0;
	}
	r = pam_get_authtok(a->pamh, PAM_AUTHTOK, &tok, NULL);
	if (r != PAM_SUCCESS || tok == NULL) {
		attempt_fail_conv(a, r);
		return -1;
	}
	a->tried |= 1U << MFA_FACTOR_PASSWORD;
	a->values[MFA_FACTOR_PASSWORD] = MFA_FALSE;
	if (a->user == NULL) {
		/*
		 * A refused name, typed or the account's own, has already
		 * failed; it costs the hash an unknown user's check costs.
		 */
		(void)mfa_password_dummy(tok);
		return 0;
	}
	allow_empty = mfa_policy_allow_empty_password(a->policy) &&
	    (a->flags & PAM_DISALLOW_NULL_AUTHTOK) == 0;
	/* Also for unknown users: libmfa hashes a dummy for even timing. */
	switch ((r = mfa_password_verify(a->user, tok, allow_empty))) {
	case MFA_OK:
		a->values[MFA_FACTOR_PASSWORD] = MFA_TRUE;
		break;
	case MFA_ERR_BADPASS:
		attempt_fail(a, REASON_BAD_PASSWORD, r);
		break;
	case MFA_ERR_NOPASS:
		attempt_fail(a, REASON_NO_PASSWORD, r);
		break;
	default:
		attempt_fail(a, REASON_SYSTEM_ERROR, r);
		break;
	}
	return 0;
}

static enum reason
totp_reason(int err)
{
	switch (err) {
	case MFA_ERR_BADCODE:
		return REASON_BAD_CODE;
	case MFA_ERR_CODEFMT:
		return REASON_BAD_CODE_FORMAT;
	case MFA_ERR_REPLAY:
		return REASON_REPLAY;
	case MFA_ERR_LOCKED:
		return REASON_LOCKED;
	case MFA_ERR_NOTENROLLED:
	case MFA_ERR_NOTFOUND:
		return REASON_NOT_ENROLLED;
	case MFA_ERR_NOMEM:
		return REASON_SYSTEM_ERROR;
	default:
		return REASON_STORE_ERROR;
	}
}

/*
 * The code is always asked for (same prompts for everyone); it is
 * checked, and so consumed or counted as a failure, only when it can
 * still change the outcome.  When the prompt offered the security key
 * instead, an empty answer from a user with a key runs the FIDO2 step.
 * A reply shaped like a recovery code (letters: never a TOTP code) is
 * one, and so are 8 digits that cannot be a TOTP code of the user when
 * they have imported scratch codes (recovery.c).
 */
static int
factor_totp(struct attempt *a)
{
	mfa_user_t *u = NULL;
	const char *prompt;
	char *code = NULL;
	int hint = 0, r, ret = 0;

	prompt = fido2_code_prompt(a, &hint);
	a->code_asked = 1;
	r = conv_prompt(a->pamh, PAM_PROMPT_ECHO_OFF, prompt, &code);
	if (r != PAM_SUCCESS) {
		attempt_fail_conv(a, r);
		ret = -1;
		goto out;
	}
	if (hint && code[0] == '\0' && a->has_fido2) {
		a->values[MFA_FACTOR_TOTP] = MFA_FALSE;
		a->values[MFA_FACTOR_FIDO2] = MFA_UNKNOWN;
		ret = factor_fido2(a);
		goto out;
	}
	if ((ret = recovery_code(a, code)) != 1)
		goto out;
	ret = 0;
	if (a->reason != REASON_OK ||
	    a->values[MFA_FACTOR_TOTP] != MFA_UNKNOWN ||
	    attempt_outcome(a) == MFA_FALSE) {
		a->values[MFA_FACTOR_TOTP] = MFA_FALSE;
		goto out;
	}
	a->tried |= 1U << MFA_FACTOR_TOTP;
	a->values[MFA_FACTOR_TOTP] = MFA_FALSE;
	if ((r = mfa_user_open(a->ctx, a->user, MFA_OPEN_WRITE, &u)) ==
	    MFA_OK)
		r = mfa_user_totp_verify(u, code, NULL);
	if (r == MFA_OK) {
		a->values[MFA_FACTOR_TOTP] = MFA_TRUE;
	} else {
		attempt_fail(a, totp_reason(r), r);
		if (r != MFA_ERR_LOCKED)
			attempt_note_lock(a, u);
	}
out:
	mfa_user_free(&u);
	conv_free(&code);
	return ret;
}

/*
 * Step 5: ask for each factor the policy uses until it holds.  Recovery
 * codes are typed at the code prompt; where the policy has none, a
 * prompt of their own comes last (recovery_prompt_wanted()).
 *
 * No user enumeration through the policy: a [group admins] section
 * that asks for a key instead of a code must not show as a missing
 * code prompt to someone who types an admin's name and any password.
 * So the second-factor steps are those of the user's policy and those
 * of the policy of a user without a section (attempt_asks()), decided
 * from the two policies alone, before and whatever the answers: a
 * member and an unknown user are asked alike, and a member is asked
 * alike whether the password was right or not.  Answers to a question
 * that only the other policy has are handled as the user's policy
 * says, and it has no use for them: a code is not checked, a key is
 * not asked for.  Following the other policy only after a wrong
 * password would tell the password apart instead.  The password
 * prompt itself stays the user's policy's, the first question, asked
 * before anything is known (pam_mfa(8), Policy sections).
 */
static void
run_factors(struct attempt *a)
{
	size_t i;
	int f, r = 0;

	for (i = 0; i < sizeof(factor_order) / sizeof(factor_order[0]); i++) {
		f = factor_order[i];
		if (attempt_outcome(a) == MFA_TRUE)
			break;
		if (a->password_only && f != MFA_FACTOR_PASSWORD)
			continue;
		if (f == MFA_FACTOR_RECOVERY ? !recovery_prompt_wanted(a) :
		    f == MFA_FACTOR_PASSWORD ? !mfa_policy_uses(a->policy, f) :
		    !attempt_asks(a, f))
			continue;
		switch (f) {
		case MFA_FACTOR_PASSWORD:
			r = factor_password(a);
			break;
		case MFA_FACTOR_TOTP:
			r = factor_totp(a);
			break;
		case MFA_FACTOR_FIDO2:
			r = factor_fido2(a);
			break;
		default:
			r = recovery_prompt(a);
			break;
		}
		if (a->args.debug)
			pam_syslog(a->pamh, LOG_DEBUG, "factor %s: %s",
			    mfa_factor_name(f), a->values[f] == MFA_TRUE ?
			    "ok" : "failed or not checked");
		if (r != 0)
			break;
	}
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct attempt a;
	int result = MFA_FALSE, rc;

	(void)pthread_once(&textdomain_once, textdomain_bind);
	memset(&a, 0, sizeof(a));
	a.pamh = pamh;
	a.flags = flags;
	if (setup(&a, argc, argv) != 0 || resolve_user(&a) != 0 ||
	    store_access(&a) != 0)
		goto out;
	read_store(&a);
	run_factors(&a);
	result = attempt_outcome(&a);
out:
	rc = audit(&a, result_to_pam(&a, result));
	mfa_policy_free(&a.policy);
	mfa_policy_free(&a.anon);
	mfa_ctx_free(&a.ctx);
	free(a.account);
	if (a.typed != NULL) {
		explicit_bzero(a.typed, strlen(a.typed));
		free(a.typed);
	}
	explicit_bzero(&a, sizeof(a));
	return rc;
}

/* No credentials to establish: pam_mfa only authenticates. */
int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
