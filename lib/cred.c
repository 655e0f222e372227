/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Access to a user's credentials: listing them (never their secrets)
 * and renaming one.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <syslog.h>

#include "internal.h"

struct mfa_cred *
store_cred(struct mfa_user *u, unsigned id)
{
	size_t	i;

	if (u == NULL || id == 0)
		return NULL;
	for (i = 0; i < u->ncreds; i++)
		if (u->creds[i].id == id)
			return &u->creds[i];
	return NULL;
}

int
mfa_user_has_factor(const mfa_user_t *user, int factor)
{
	int	type;
	size_t	i;

	if (user == NULL)
		return 0;
	switch (factor) {
	case MFA_FACTOR_TOTP:
		type = MFA_CRED_TOTP;
		break;
	case MFA_FACTOR_FIDO2:
		type = MFA_CRED_FIDO2;
		break;
	case MFA_FACTOR_RECOVERY:
		/* A set whose codes are all used is no factor. */
		return mfa_user_recovery_remaining(user) > 0;
	default:
		return 0;
	}
	for (i = 0; i < user->ncreds; i++)
		if (user->creds[i].type == type &&
		    user->creds[i].status == MFA_STATUS_ACTIVE)
			return 1;
	return 0;
}

size_t
mfa_user_cred_count(const mfa_user_t *user)
{
	return user == NULL ? 0 : user->ncreds;
}

const mfa_cred_t *
mfa_user_cred(const mfa_user_t *user, size_t idx)
{
	if (user == NULL || idx >= user->ncreds)
		return NULL;
	return &user->creds[idx];
}

unsigned
mfa_cred_id(const mfa_cred_t *cred)
{
	return cred == NULL ? 0 : cred->id;
}

int
mfa_cred_type(const mfa_cred_t *cred)
{
	return cred == NULL ? 0 : cred->type;
}

int
mfa_cred_status(const mfa_cred_t *cred)
{
	return cred == NULL ? MFA_STATUS_PENDING : cred->status;
}

const char *
mfa_cred_label(const mfa_cred_t *cred)
{
	return cred == NULL ? "" : cred->label;
}

int64_t
mfa_cred_created(const mfa_cred_t *cred)
{
	return cred == NULL ? 0 : cred->created;
}

int64_t
mfa_cred_last_used(const mfa_cred_t *cred)
{
	return cred == NULL ? 0 : cred->last_used;
}

int
mfa_cred_totp_algorithm(const mfa_cred_t *cred)
{
	return cred == NULL || cred->type != MFA_CRED_TOTP ? -1 :
	    cred->algorithm;
}

unsigned
mfa_cred_totp_digits(const mfa_cred_t *cred)
{
	return cred == NULL || cred->type != MFA_CRED_TOTP ? 0 :
	    cred->digits;
}

unsigned
mfa_cred_totp_period(const mfa_cred_t *cred)
{
	return cred == NULL || cred->type != MFA_CRED_TOTP ? 0 :
	    cred->period;
}

const char *
mfa_cred_fido2_algorithm(const mfa_cred_t *cred)
{
	if (cred == NULL || cred->type != MFA_CRED_FIDO2)
		return NULL;
	return fido2_alg_name(cred->fido2_alg);
}

uint64_t
mfa_cred_fido2_counter(const mfa_cred_t *cred)
{
	return cred == NULL || cred->type != MFA_CRED_FIDO2 ? 0 :
	    cred->counter;
}

const char *
mfa_cred_fido2_aaguid(const mfa_cred_t *cred)
{
	if (cred == NULL || cred->type != MFA_CRED_FIDO2)
		return NULL;
	return cred->aaguid_hex;
}

int
mfa_user_rename(mfa_user_t *user, unsigned id, const char *label)
{
	struct mfa_cred	*c;
	char		 old[MFA_LABEL_MAX + 1];
	int		 r;

	if (user == NULL || !(user->flags & MFA_OPEN_WRITE) || label == NULL)
		return MFA_ERR_INVAL;
	if ((c = store_cred(user, id)) == NULL)
		return MFA_ERR_NOTFOUND;
	if (!store_label_ok(label))
		return MFA_ERR_INVAL;
	memcpy(old, c->label, sizeof(old));
	memcpy(c->label, label, strlen(label) + 1);
	if ((r = store_commit(user)) != MFA_OK) {
		memcpy(c->label, old, sizeof(old));
		return r;
	}
	mfa_log(user->ctx, LOG_INFO, "user %s: credential %u renamed",
	    user->name, id);
	return MFA_OK;
}
