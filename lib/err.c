/* SPDX-License-Identifier: BSD-2-Clause */
/* Error and factor names. */
#include "config.h"

#include "internal.h"

/*
 * The reasons are English (log lines use them); mfactl shows them
 * through gettext, so N_() marks them for po/.
 */
#define N_(s)	(s)

const char *
mfa_strerror(int err)
{
	switch (err) {
	case MFA_OK:
		return N_("success");
	case MFA_ERR_NOMEM:
		return N_("out of memory");
	case MFA_ERR_INVAL:
		return N_("invalid argument");
	case MFA_ERR_USERNAME:
		return N_("user name not acceptable");
	case MFA_ERR_NOTENROLLED:
		return N_("user not enrolled");
	case MFA_ERR_UNSAFE:
		return N_("unsafe ownership or permissions");
	case MFA_ERR_IO:
		return N_("input/output error");
	case MFA_ERR_FORMAT:
		return N_("malformed store file");
	case MFA_ERR_VERSION:
		return N_("unsupported store version");
	case MFA_ERR_TOOBIG:
		return N_("file or field too large");
	case MFA_ERR_CONFIG:
		return N_("configuration error");
	case MFA_ERR_BADCODE:
		return N_("wrong code");
	case MFA_ERR_REPLAY:
		return N_("code already used");
	case MFA_ERR_LOCKED:
		return N_("user locked out");
	case MFA_ERR_CRYPTO:
		return N_("cryptographic library failure");
	case MFA_ERR_NOSPC:
		return N_("no space left on the store device");
	case MFA_ERR_NOTFOUND:
		return N_("no such credential");
	case MFA_ERR_LIMIT:
		return N_("too many credentials");
	case MFA_ERR_BADPASS:
		return N_("wrong password");
	case MFA_ERR_NOPASS:
		return N_("account has no usable password");
	case MFA_ERR_CODEFMT:
		return N_("code is not the expected number of digits");
	case MFA_ERR_PENDING:
		return N_("credential not confirmed");
	case MFA_ERR_STATE:
		return N_("credential in the wrong state");
	case MFA_ERR_NODEVICE:
		return N_("no security key connected");
	case MFA_ERR_TIMEOUT:
		return N_("security key not touched in time");
	case MFA_ERR_DEVICE:
		return N_("security key error");
	case MFA_ERR_ATTEST:
		return N_("attestation not accepted");
	case MFA_ERR_CLONED:
		return N_("signature counter did not increase (cloned key?)");
	case MFA_ERR_BADPIN:
		return N_("security key PIN wrong or blocked");
	case MFA_ERR_EXCLUDED:
		return N_("security key already registered");
	case MFA_ERR_BADSIG:
		return N_("assertion signature did not verify");
	case MFA_ERR_UV:
		return N_("user verification required");
	default:
		return N_("unknown error");
	}
}

const char *
mfa_factor_name(int factor)
{
	switch (factor) {
	case MFA_FACTOR_PASSWORD:
		return "password";
	case MFA_FACTOR_TOTP:
		return "totp";
	case MFA_FACTOR_FIDO2:
		return "fido2";
	case MFA_FACTOR_RECOVERY:
		return "recovery";
	default:
		return "?";
	}
}
