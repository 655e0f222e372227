/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FIDO2 step of a login and its prompts.  libmfa does the work
 * (devices, assertion, checks, counter, lockout) and calls back for
 * the two things only the application can do: ask for the key's PIN
 * (an echo-off prompt) and tell the user to touch the key (an
 * informational message, shown before libmfa blocks on the device).
 *
 * The flow (pam_mfa(8), FIDO2): the connected keys are listed for
 * every user alike; a user with a registered key and a key connected
 * is asked for a touch (and the PIN) only when libmfa's silent probe
 * finds one of the user's credentials on it, so a key that is not the
 * user's shows nothing.  With no key connected and a policy in which
 * the key can stand in for the code, an empty answer to the code prompt
 * tries the key again; with the keyhint option the prompt says so.
 * Neither depends on what the user has registered.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "mfa.h"
#include "module.h"

#define CODE_PROMPT	N_("Verification code: ")
#define HINT_PROMPT	N_("Verification code (or insert your security " \
			"key and press Enter): ")
#define TEXT_MAX	160

struct fido2_ui {
	struct attempt	*a;
	int		 conv_rc;	/* a failed conversation */
};

/* libmfa's prompt callback. */
static int
ui_cb(void *arg, int what, const char *desc, char **answer)
{
	struct fido2_ui *ui = arg;
	char text[TEXT_MAX];
	int rc;

	switch (what) {
	case MFA_UI_PIN:
		/* TRANSLATORS: %s is the key's product name. */
		(void)snprintf(text, sizeof(text), _("PIN for %s: "), desc);
		/* The library wipes and frees the answer. */
		rc = conv_prompt(ui->a->pamh, PAM_PROMPT_ECHO_OFF, text,
		    answer);
		break;
	case MFA_UI_TOUCH:
		/* TRANSLATORS: %s is the key's product name. */
		(void)snprintf(text, sizeof(text), _("Touch your security "
		    "key (%s)."), desc);
		rc = conv_info(ui->a->pamh, ui->a->flags, text);
		break;
	default:
		return MFA_ERR_INVAL;
	}
	if (rc != PAM_SUCCESS) {
		ui->conv_rc = rc;
		return rc == PAM_BUF_ERR ? MFA_ERR_NOMEM : MFA_ERR_IO;
	}
	return 0;
}

/* A failure the policy may still get round (another factor). */
static void
soft_fail(struct attempt *a, enum reason reason)
{
	if (a->soft == REASON_OK)
		a->soft = reason;
}

/* Records why the key did not log the user in. */
static void
fido2_failed(struct attempt *a, int err)
{
	switch (err) {
	case MFA_ERR_NODEVICE:
		soft_fail(a, REASON_NO_DEVICE);
		break;
	case MFA_ERR_TIMEOUT:
		soft_fail(a, REASON_TIMEOUT);
		break;
	case MFA_ERR_NOTFOUND:
		soft_fail(a, REASON_UNREGISTERED_KEY);
		break;
	case MFA_ERR_DEVICE:
		soft_fail(a, REASON_DEVICE_ERROR);
		break;
	case MFA_ERR_BADPIN:
		soft_fail(a, REASON_BAD_PIN);
		break;
	case MFA_ERR_UV:
		soft_fail(a, REASON_UV_REQUIRED);
		break;
	/* A reply that does not verify, or a clone: deny outright. */
	case MFA_ERR_BADSIG:
		attempt_fail(a, REASON_BAD_SIGNATURE, err);
		break;
	case MFA_ERR_CLONED:
		attempt_fail(a, REASON_CLONED_KEY, err);
		break;
	case MFA_ERR_LOCKED:
		attempt_fail(a, REASON_LOCKED, err);
		break;
	case MFA_ERR_NOTENROLLED:
		attempt_fail(a, REASON_NOT_ENROLLED, err);
		break;
	case MFA_ERR_CONFIG:
		attempt_fail(a, REASON_CONFIG_ERROR, err);
		break;
	case MFA_ERR_NOMEM:
	case MFA_ERR_CRYPTO:
		attempt_fail(a, REASON_SYSTEM_ERROR, err);
		break;
	default:
		attempt_fail(a, REASON_STORE_ERROR, err);
		break;
	}
}

int
factor_fido2(struct attempt *a)
{
	struct fido2_ui ui;
	mfa_user_t *u = NULL;
	int dry, r;

	a->fido2_asked = 1;
	/* Listed for every user alike: no timing difference. */
	if ((r = mfa_fido2_present(a->ctx)) < 0) {
		/* Out of memory: deny rather than fall back to the code. */
		attempt_fail(a, REASON_SYSTEM_ERROR, r);
		a->values[MFA_FACTOR_FIDO2] = MFA_FALSE;
		return 0;
	}
	a->key_present = r;
	if (!a->has_fido2 || a->values[MFA_FACTOR_FIDO2] != MFA_UNKNOWN) {
		a->values[MFA_FACTOR_FIDO2] = MFA_FALSE;
		return 0;
	}
	memset(&ui, 0, sizeof(ui));
	ui.a = a;
	ui.conv_rc = PAM_SUCCESS;
	/*
	 * While fido2 is still unknown: can the key change the outcome?
	 * If not (a wrong password), a rehearsal: the same questions, so
	 * that the prompts do not tell, but nothing sent to the key,
	 * counted or written, and the store opened only to read.
	 */
	dry = a->reason != REASON_OK || attempt_outcome(a) == MFA_FALSE;
	a->values[MFA_FACTOR_FIDO2] = MFA_FALSE;
	if (!a->key_present) {
		soft_fail(a, REASON_NO_DEVICE);
		return 0;
	}
	/*
	 * libmfa lets the user's lock go while the PIN is asked and takes
	 * it again for the touch (bounded by fido2_timeout), under which
	 * it records the counter and the result.
	 */
	if ((r = mfa_user_open(a->ctx, a->user, dry ? MFA_OPEN_READ :
	    MFA_OPEN_WRITE, &u)) == MFA_OK) {
		r = mfa_user_fido2_login(u, dry ? MFA_FIDO2_REHEARSE : 0,
		    ui_cb, &ui, NULL);
		if (r != MFA_OK && r != MFA_ERR_LOCKED && !dry)
			attempt_note_lock(a, u);
	}
	mfa_user_free(&u);
	if (ui.conv_rc != PAM_SUCCESS) {
		attempt_fail_conv(a, ui.conv_rc);
		return -1;
	}
	if (dry)
		return 0;
	a->tried |= 1U << MFA_FACTOR_FIDO2;
	if (r == MFA_OK)
		a->values[MFA_FACTOR_FIDO2] = MFA_TRUE;
	else
		fido2_failed(a, r);
	return 0;
}

/*
 * Whether a key can stand in for the code in the policy, whatever the
 * user has registered and whatever the password was: with the other
 * factors true, (totp false, fido2 true) and (totp true, fido2 false)
 * both satisfy it.
 */
static int
key_or_code(const mfa_policy_t *p)
{
	int v[MFA_FACTOR_COUNT], f;

	if (p == NULL || !mfa_policy_uses(p, MFA_FACTOR_FIDO2) ||
	    !mfa_policy_uses(p, MFA_FACTOR_TOTP))
		return 0;
	for (f = 0; f < MFA_FACTOR_COUNT; f++)
		v[f] = f == MFA_FACTOR_RECOVERY ? MFA_FALSE : MFA_TRUE;
	v[MFA_FACTOR_TOTP] = MFA_FALSE;
	if (mfa_policy_eval(p, v) != MFA_TRUE)
		return 0;
	v[MFA_FACTOR_TOTP] = MFA_TRUE;
	v[MFA_FACTOR_FIDO2] = MFA_FALSE;
	return mfa_policy_eval(p, v) == MFA_TRUE;
}

/*
 * The prompt follows the user's policy and a user's without a section
 * (attempt_asks()), so that a section does not show in it; the key is
 * tried on Enter only where the user's policy has one.
 */
const char *
fido2_code_prompt(const struct attempt *a, int *hint)
{
	*hint = 0;
	if (!a->fido2_asked || a->key_present ||
	    (!key_or_code(a->policy) && !key_or_code(a->anon)))
		return _(CODE_PROMPT);
	*hint = mfa_policy_uses(a->policy, MFA_FACTOR_FIDO2);
	return a->args.keyhint ? _(HINT_PROMPT) : _(CODE_PROMPT);
}
