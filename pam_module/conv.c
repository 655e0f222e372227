/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Talking to the user through the application's conversation function.
 * Done by hand rather than with pam_prompt(3) so that every failure
 * shape of a conversation function (an error, a NULL response array, a
 * NULL answer) is handled in one place and every answer is wiped.
 *
 * The module sends no error messages about a login: all failures look
 * the same to the user ("Account locked", "wrong code" and "unknown
 * user" would each tell an attacker something).  The reason is in the
 * audit line for the administrator.  Its one error message is about
 * the program, the same for every user: one that does not run as root
 * cannot use the store (pam_mfa.c).  Its two informational messages need
 * the user's key or code: the request to touch a security key that
 * holds one of the user's credentials (fido2.c), and how many recovery
 * codes are left after one was accepted (recovery.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>
#include <security/pam_modules.h>

#include "module.h"

void
conv_free(char **respp)
{
	if (respp == NULL || *respp == NULL)
		return;
	explicit_bzero(*respp, strlen(*respp));
	free(*respp);
	*respp = NULL;
}

/*
 * One message through the conversation function; on PAM_SUCCESS *resp
 * gets the answer (may be NULL), which the caller releases.
 */
static int
conv_one(pam_handle_t *pamh, int style, const char *text, char **resp)
{
	const struct pam_conv *conv;
	const void *item = NULL;
	struct pam_message msg;
	const struct pam_message *msgp = &msg;
	struct pam_response *reply = NULL;
	int rc;

	*resp = NULL;
	if (pam_get_item(pamh, PAM_CONV, &item) != PAM_SUCCESS ||
	    item == NULL) {
		rc = PAM_CONV_ERR;
		goto out;
	}
	conv = item;
	if (conv->conv == NULL) {
		rc = PAM_CONV_ERR;
		goto out;
	}
	msg.msg_style = style;
	msg.msg = text;
	rc = conv->conv(1, &msgp, &reply, conv->appdata_ptr);
	if (rc != PAM_SUCCESS) {
		/* PAM_BUF_ERR stays; PAM_ABORT etc. are a failed dialogue. */
		if (rc != PAM_BUF_ERR)
			rc = PAM_CONV_ERR;
		goto out;
	}
	if (reply != NULL) {
		*resp = reply[0].resp;
		reply[0].resp = NULL;
	} else if (style == PAM_PROMPT_ECHO_OFF ||
	    style == PAM_PROMPT_ECHO_ON) {
		rc = PAM_CONV_ERR;
		goto out;
	}
	rc = PAM_SUCCESS;
out:
	/* An application may hand back an answer even on failure. */
	if (reply != NULL) {
		conv_free(&reply[0].resp);
		free(reply);
	}
	return rc;
}

int
conv_prompt(pam_handle_t *pamh, int style, const char *text, char **resp)
{
	int rc;

	if ((rc = conv_one(pamh, style, text, resp)) != PAM_SUCCESS)
		return rc;
	if (*resp == NULL)
		return PAM_CONV_ERR;
	return PAM_SUCCESS;
}

/* A message that needs no answer, unless PAM_SILENT. */
static int
conv_message(pam_handle_t *pamh, int flags, int style, const char *text)
{
	char *resp = NULL;
	int rc;

	if ((flags & PAM_SILENT) != 0)
		return PAM_SUCCESS;
	/* Some applications answer a message; nothing to keep. */
	rc = conv_one(pamh, style, text, &resp);
	conv_free(&resp);
	return rc;
}

int
conv_info(pam_handle_t *pamh, int flags, const char *text)
{
	return conv_message(pamh, flags, PAM_TEXT_INFO, text);
}

int
conv_error(pam_handle_t *pamh, int flags, const char *text)
{
	return conv_message(pamh, flags, PAM_ERROR_MSG, text);
}
