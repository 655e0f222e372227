/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Recovery codes at login (pam_mfa(8), RECOVERY CODES).  A recovery
 * code is typed at the one-time-code prompt; a reply with its shape
 * (it contains letters, so it is never a TOTP code) goes here instead
 * of to the TOTP check.  Where the policy has no code prompt but a
 * recovery code can stand in for its second factor (for example
 * "password AND fido2" with the key missing), a prompt of its own is
 * shown last.
 *
 * Imported google-authenticator scratch codes (8 digits) are recovery
 * codes too, but a reply of 8 digits at the code prompt is taken for
 * one only when recovery codes are allowed and libmfa finds that the
 * user has unused ones and no active 8-digit TOTP credential, so it can
 * never be the user's TOTP code; otherwise it goes to the TOTP check as
 * before.  At the recovery prompt of its own, it is always a recovery
 * code (a wrong one where it cannot be a scratch code).
 *
 * An accepted code makes every factor but the password true
 * (pam_mfa.conf(5)); libmfa marks it used durably before it says so.
 * Wrong, used, disabled (recovery = no) and, for a user without codes,
 * any codes count towards the lockout like a wrong TOTP code.
 *
 * No user enumeration: whether the prompts appear depends only on the
 * policy and on what the user has answered correctly so far, never on
 * whether the user has recovery codes; the one message shown after an
 * accepted code needs a valid code.  A checked reply with a recovery
 * code's shape costs one slow hash whether the user has a set or not,
 * and where recovery = no (libmfa and count_wrong's caller).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <security/pam_appl.h>
#include <security/pam_modules.h>

#include "mfa.h"
#include "module.h"

#define RECOVERY_PROMPT	N_("Recovery code: ")
#define RECOVERY_FEW	2	/* this many left or fewer: get new ones */
#define TEXT_MAX	256
#define SCRATCH_DIGITS	8	/* google-authenticator scratch codes */

/*
 * Whether an accepted code could still satisfy the policy: it makes
 * every factor but the password true, so the password decides.
 */
static int
could_succeed(const struct attempt *a)
{
	int v[MFA_FACTOR_COUNT];

	memcpy(v, a->values, sizeof(v));
	v[MFA_FACTOR_TOTP] = MFA_TRUE;
	v[MFA_FACTOR_FIDO2] = MFA_TRUE;
	v[MFA_FACTOR_RECOVERY] = MFA_TRUE;
	return mfa_policy_eval(a->policy, v) != MFA_FALSE;
}

static enum reason
recovery_reason(int err)
{
	switch (err) {
	case MFA_ERR_BADCODE:
	case MFA_ERR_CODEFMT:
	case MFA_ERR_NOTENROLLED:
		return REASON_BAD_RECOVERY_CODE;
	case MFA_ERR_REPLAY:
		return REASON_USED_RECOVERY_CODE;
	case MFA_ERR_LOCKED:
		return REASON_LOCKED;
	case MFA_ERR_CONFIG:
		return REASON_CONFIG_ERROR;
	case MFA_ERR_NOMEM:
	case MFA_ERR_CRYPTO:
		return REASON_SYSTEM_ERROR;
	default:
		return REASON_STORE_ERROR;
	}
}

/*
 * A recovery-shaped reply where none is accepted (recovery = no) or
 * the user has none: a wrong code, counted.  Returns the reason's
 * error, or the store's when the failure could not be recorded.
 */
static int
count_wrong(mfa_user_t *u, int err)
{
	int r;

	if ((r = mfa_user_record_failure(u)) != MFA_OK)
		return r;
	return err;
}

/*
 * Tells the user how many codes are left.  Sent after the store's lock
 * is released; a conversation that fails here changes nothing, as the
 * code has been used and the login is decided.
 */
static void
tell_left(struct attempt *a, unsigned left)
{
	char text[TEXT_MAX];

	if (left <= RECOVERY_FEW)
		(void)snprintf(text, sizeof(text), _("Recovery code "
		    "accepted; %u left. Ask your administrator for new "
		    "recovery codes."), left);
	else
		(void)snprintf(text, sizeof(text), _("Recovery code "
		    "accepted; %u left."), left);
	(void)conv_info(a->pamh, a->flags, text);
}

/* 8 digits once spaces and '-' are removed: maybe a scratch code. */
static int
scratch_shaped(const char *code)
{
	char buf[MFA_CODE_MAX + 1];
	int r;

	r = mfa_code_normalize(code, SCRATCH_DIGITS, buf) == MFA_OK;
	explicit_bzero(buf, sizeof(buf));
	return r;
}

/* Not a TOTP code: that factor is decided by this reply. */
static void
not_totp(struct attempt *a)
{
	if (a->values[MFA_FACTOR_TOTP] == MFA_UNKNOWN)
		a->values[MFA_FACTOR_TOTP] = MFA_FALSE;
}

/*
 * Checks a reply as a recovery code.  at_code: it was typed at the
 * one-time-code prompt, where 8 digits are a scratch code only when
 * libmfa says they cannot be a TOTP code.  Returns 1 when the reply is
 * the TOTP check's (nothing done), 0 when handled, -1 never.
 */
static int
check_code(struct attempt *a, const char *code, int at_code)
{
	mfa_user_t *u = NULL;
	unsigned left = 0;
	int r, maybe = 0;

	if (at_code && !mfa_recovery_code_like(code)) {
		if (!scratch_shaped(code) || !a->recovery_ok)
			return 1;
		maybe = 1;
	}
	/* As for a TOTP code: not checked, used or counted in vain. */
	if (a->reason != REASON_OK || !could_succeed(a)) {
		if (maybe)
			return 1;
		not_totp(a);
		return 0;
	}
	if ((r = mfa_user_open(a->ctx, a->user, MFA_OPEN_WRITE, &u)) !=
	    MFA_OK) {
		if (maybe && r == MFA_ERR_NOTENROLLED)
			return 1;
		not_totp(a);
		a->tried |= 1U << MFA_FACTOR_RECOVERY;
		attempt_fail(a, r == MFA_ERR_NOTENROLLED ?
		    REASON_NOT_ENROLLED : recovery_reason(r), r);
		goto out;
	}
	if (!a->recovery_ok) {
		not_totp(a);
		a->tried |= 1U << MFA_FACTOR_RECOVERY;
		/* The hash of a check: no time tells the policy or a set. */
		if (mfa_recovery_code_like(code))
			(void)mfa_password_dummy(code);
		r = count_wrong(u, MFA_ERR_BADCODE);
		attempt_fail(a, r == MFA_ERR_BADCODE ?
		    REASON_RECOVERY_DISABLED : recovery_reason(r), r);
		if (r == MFA_ERR_BADCODE)
			attempt_note_lock(a, u);
		goto out;
	}
	r = mfa_user_recovery_verify(u, code, &left);
	/* 8 digits that can be a TOTP code of the user: TOTP's turn. */
	if (maybe && r == MFA_ERR_NOTENROLLED) {
		mfa_user_free(&u);
		return 1;
	}
	/* Whatever came of it, it was not a TOTP code. */
	not_totp(a);
	a->tried |= 1U << MFA_FACTOR_RECOVERY;
	/* libmfa does not count a user without codes; we do. */
	if (r == MFA_ERR_NOTENROLLED)
		r = count_wrong(u, MFA_ERR_BADCODE);
	if (r != MFA_OK) {
		attempt_fail(a, recovery_reason(r), r);
		if (r != MFA_ERR_LOCKED)
			attempt_note_lock(a, u);
		goto out;
	}
	a->values[MFA_FACTOR_TOTP] = MFA_TRUE;
	a->values[MFA_FACTOR_FIDO2] = MFA_TRUE;
	a->values[MFA_FACTOR_RECOVERY] = MFA_TRUE;
	mfa_user_free(&u);
	tell_left(a, left);
out:
	mfa_user_free(&u);
	return 0;
}

/*
 * A reply to the one-time-code prompt: a recovery code when it has
 * their shape, a scratch code when it has 8 digits that cannot be a
 * TOTP code of the user.  Returns 1 when it is for the TOTP check.
 */
int
recovery_code(struct attempt *a, const char *code)
{
	return check_code(a, code, 1);
}

/* The policy allows recovery codes and a factor they stand in for. */
static int
policy_wants(const mfa_policy_t *p)
{
	return p != NULL && mfa_policy_allow_recovery(p) &&
	    (mfa_policy_uses(p, MFA_FACTOR_TOTP) ||
	    mfa_policy_uses(p, MFA_FACTOR_FIDO2) ||
	    mfa_policy_uses(p, MFA_FACTOR_RECOVERY));
}

/*
 * The user's policy or a user's without a section (attempt_asks())
 * allows recovery codes and a second factor they can stand in for, but
 * no code prompt was shown: they get one.  Depends on the policies
 * only.  Where only the other policy wants it, a code typed there is
 * judged by the user's (recovery = no: a wrong one, counted).
 */
int
recovery_prompt_wanted(const struct attempt *a)
{
	return !a->code_asked &&
	    (policy_wants(a->policy) || policy_wants(a->anon));
}

int
recovery_prompt(struct attempt *a)
{
	char *code = NULL;
	int r, ret = 0;

	a->code_asked = 1;
	r = conv_prompt(a->pamh, PAM_PROMPT_ECHO_OFF, _(RECOVERY_PROMPT),
	    &code);
	if (r != PAM_SUCCESS) {
		attempt_fail_conv(a, r);
		return -1;
	}
	/* Enter alone: no code, nothing to check or count. */
	if (code[0] != '\0')
		ret = check_code(a, code, 0);
	conv_free(&code);
	return ret;
}
