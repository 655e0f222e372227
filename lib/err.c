/* SPDX-License-Identifier: BSD-2-Clause */
/* Error and factor names. */
#include "config.h"

#include "internal.h"

const char *
mfa_strerror(int err)
{
	switch (err) {
	case MFA_OK:
		return "success";
	case MFA_ERR_NOMEM:
		return "out of memory";
	case MFA_ERR_INVAL:
		return "invalid argument";
	case MFA_ERR_USERNAME:
		return "user name not acceptable";
	case MFA_ERR_NOTENROLLED:
		return "user not enrolled";
	case MFA_ERR_UNSAFE:
		return "unsafe ownership or permissions";
	case MFA_ERR_IO:
		return "input/output error";
	case MFA_ERR_FORMAT:
		return "malformed store file";
	case MFA_ERR_VERSION:
		return "unsupported store version";
	case MFA_ERR_TOOBIG:
		return "file or field too large";
	case MFA_ERR_CONFIG:
		return "configuration error";
	case MFA_ERR_BADCODE:
		return "wrong code";
	case MFA_ERR_REPLAY:
		return "code already used";
	case MFA_ERR_LOCKED:
		return "user locked out";
	case MFA_ERR_CRYPTO:
		return "cryptographic library failure";
	case MFA_ERR_NOSPC:
		return "no space left on the store device";
	case MFA_ERR_NOTFOUND:
		return "no such credential";
	case MFA_ERR_LIMIT:
		return "too many credentials";
	case MFA_ERR_BADPASS:
		return "wrong password";
	case MFA_ERR_NOPASS:
		return "account has no usable password";
	case MFA_ERR_CODEFMT:
		return "code is not the expected number of digits";
	case MFA_ERR_PENDING:
		return "credential not confirmed";
	case MFA_ERR_STATE:
		return "credential in the wrong state";
	case MFA_ERR_NODEVICE:
		return "no security key connected";
	case MFA_ERR_TIMEOUT:
		return "security key not touched in time";
	case MFA_ERR_DEVICE:
		return "security key error";
	case MFA_ERR_ATTEST:
		return "attestation not accepted";
	case MFA_ERR_CLONED:
		return "signature counter did not increase (cloned key?)";
	case MFA_ERR_BADPIN:
		return "security key PIN wrong or blocked";
	case MFA_ERR_EXCLUDED:
		return "security key already registered";
	case MFA_ERR_BADSIG:
		return "assertion signature did not verify";
	case MFA_ERR_UV:
		return "user verification required";
	default:
		return "unknown error";
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
