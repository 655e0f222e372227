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
 * An accepted code makes every factor but the password true
 * (pam_mfa.conf(5)); libmfa marks it used durably before it says so.
 * Wrong, used, disabled (recovery = no) and, for a user without codes,
 * any codes count towards the lockout like a wrong TOTP code.
 *
 * No user enumeration: whether the prompts appear depends only on the
 * policy and on what the user has answered correctly so far, never on
 * whether the user has recovery codes; the one message shown after an
 * accepted code needs a valid code.
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

int
recovery_code(struct attempt *a, const char *code)
{
	mfa_user_t *u = NULL;
	unsigned left = 0;
	int r;

	/* Whatever comes of it, it was not a TOTP code. */
	if (a->values[MFA_FACTOR_TOTP] == MFA_UNKNOWN)
		a->values[MFA_FACTOR_TOTP] = MFA_FALSE;
	/* As for a TOTP code: not checked, used or counted in vain. */
	if (a->reason != REASON_OK || !could_succeed(a))
		return 0;
	a->tried |= 1U << MFA_FACTOR_RECOVERY;
	if ((r = mfa_user_open(a->ctx, a->user, MFA_OPEN_WRITE, &u)) !=
	    MFA_OK) {
		attempt_fail(a, r == MFA_ERR_NOTENROLLED ?
		    REASON_NOT_ENROLLED : recovery_reason(r), r);
		goto out;
	}
	if (!a->recovery_ok) {
		r = count_wrong(u, MFA_ERR_BADCODE);
		attempt_fail(a, r == MFA_ERR_BADCODE ?
		    REASON_RECOVERY_DISABLED : recovery_reason(r), r);
		if (r == MFA_ERR_BADCODE)
			attempt_note_lock(a, u);
		goto out;
	}
	r = mfa_user_recovery_verify(u, code, &left);
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
 * The policy allows recovery codes and a second factor they can stand
 * in for, but has no code prompt (no totp): they get one.  Depends on
 * the policy only.
 */
int
recovery_prompt_wanted(const struct attempt *a)
{
	return a->recovery_ok && !a->code_asked &&
	    (mfa_policy_uses(a->policy, MFA_FACTOR_TOTP) ||
	    mfa_policy_uses(a->policy, MFA_FACTOR_FIDO2) ||
	    mfa_policy_uses(a->policy, MFA_FACTOR_RECOVERY));
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
		ret = recovery_code(a, code);
	conv_free(&code);
	return ret;
}
