/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the credentials file parser store_parse() and, for what
 * it accepts, the round trip through store_format():
 *	parse(in) = u1, format(u1) = t1, parse(t1) = u2, format(u2) = t2
 * must give u1 == u2 and t1 == t2 (the serialiser's output is a fixed
 * point).  A failed parse must leave the user untouched.  TOTP and
 * FIDO2 records (with their public keys, credential ids, AAGUIDs and
 * the signature counters copied from the state) are covered.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

#define FUZZ_USER	"alice"

/* A few FIDO2 signature counters for store_parse() to copy. */
static void
state_fill(struct mfa_user *u)
{
	static const uint64_t	counters[] = { 7, 0, UINT64_C(1) << 40 };
	size_t			i;

	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		u->state.creds[i].id = (unsigned)i + 1;
		u->state.creds[i].counter = counters[i];
	}
	u->state.ncreds = i;
}

static struct mfa_user *
user_new(void)
{
	struct mfa_user	*u;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		abort();
	memcpy(u->name, FUZZ_USER, sizeof(FUZZ_USER));
	u->dirfd = -1;
	u->statefd = -1;
	state_fill(u);
	return u;
}

static int
hex_lower(const char *s, const unsigned char *bytes, size_t n)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++)
		if (s[2 * i] != digits[bytes[i] >> 4] ||
		    s[2 * i + 1] != digits[bytes[i] & 15])
			return 0;
	return s[2 * n] == '\0';
}

static void
check_totp(const struct mfa_cred *c)
{
	FUZZ_CHECK(c->algorithm >= MFA_TOTP_SHA1 &&
	    c->algorithm <= MFA_TOTP_SHA512);
	FUZZ_CHECK(c->digits >= 6 && c->digits <= MFA_CODE_MAX);
	FUZZ_CHECK(c->period >= 1);
	FUZZ_CHECK(c->secret_len >= 1 && c->secret_len <= MFA_SECRET_MAX);
	FUZZ_CHECK(c->counter == 0);
}

static void
check_fido2(const struct mfa_user *u, const struct mfa_cred *c)
{
	const struct mfa_cred	*o;
	size_t			 i;
	uint64_t		 want = 0;

	FUZZ_CHECK(fido2_alg_name(c->fido2_alg) != NULL);
	FUZZ_CHECK(c->credid_len >= 1 &&
	    c->credid_len <= MFA_FIDO2_CREDID_MAX);
	FUZZ_CHECK(c->pubkey_len >= 1 &&
	    c->pubkey_len <= MFA_FIDO2_PUBKEY_MAX);
	FUZZ_CHECK(fido2_pubkey_shape(c->fido2_alg, c->pubkey,
	    c->pubkey_len) == MFA_OK);
	FUZZ_CHECK(hex_lower(c->aaguid_hex, c->aaguid, MFA_AAGUID_LEN));
	FUZZ_CHECK(c->reg_uv == 0 || c->reg_uv == 1);
	FUZZ_CHECK(c->reg_up == 0 || c->reg_up == 1);
	/* The counter comes from the state; 0 without a state record. */
	for (i = 0; i < u->state.ncreds; i++)
		if (u->state.creds[i].id == c->id)
			want = u->state.creds[i].counter;
	FUZZ_CHECK(c->counter == want);
	/* No key registered twice. */
	for (o = u->creds; o < c; o++)
		FUZZ_CHECK(o->type != MFA_CRED_FIDO2 ||
		    o->credid_len != c->credid_len ||
		    memcmp(o->credid, c->credid, c->credid_len) != 0);
}

/* What the parser promises about every credential it accepts. */
static void
check_parsed(struct mfa_user *u)
{
	const struct mfa_cred	*c;
	size_t			 i, j, len;
	int			 active[MFA_CRED_RECOVERY + 1];

	memset(active, 0, sizeof(active));
	FUZZ_CHECK(u->ncreds <= MFA_CREDS_MAX);
	FUZZ_CHECK(u->next_id >= 1);
	for (i = 0; i < u->ncreds; i++) {
		c = &u->creds[i];
		FUZZ_CHECK(c->type == MFA_CRED_TOTP ||
		    c->type == MFA_CRED_FIDO2);
		FUZZ_CHECK(c->id >= 1 && c->id < u->next_id);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(u->creds[j].id != c->id);
		FUZZ_CHECK(c->status == MFA_STATUS_PENDING ||
		    c->status == MFA_STATUS_ACTIVE);
		len = strnlen(c->label, sizeof(c->label));
		FUZZ_CHECK(len >= 1 && len <= MFA_LABEL_MAX);
		for (j = 0; j < len; j++)
			FUZZ_CHECK((unsigned char)c->label[j] >= 0x20 &&
			    (unsigned char)c->label[j] != 0x7f);
		FUZZ_CHECK(c->created >= 0);
		if (c->type == MFA_CRED_TOTP)
			check_totp(c);
		else
			check_fido2(u, c);
		if (c->status == MFA_STATUS_ACTIVE)
			active[c->type] = 1;
		FUZZ_CHECK(store_cred(u, c->id) == c);
	}
	FUZZ_CHECK(mfa_user_cred_count(u) == u->ncreds);
	FUZZ_CHECK(mfa_user_has_factor(u, MFA_FACTOR_TOTP) ==
	    active[MFA_CRED_TOTP]);
	FUZZ_CHECK(mfa_user_has_factor(u, MFA_FACTOR_FIDO2) ==
	    active[MFA_CRED_FIDO2]);
	FUZZ_CHECK(mfa_user_has_factor(u, MFA_FACTOR_PASSWORD) == 0);
}

static void
check_same(const struct mfa_user *a, const struct mfa_user *b)
{
	const struct mfa_cred	*x, *y;
	size_t			 i;

	FUZZ_CHECK(a->next_id == b->next_id);
	FUZZ_CHECK(a->ncreds == b->ncreds);
	for (i = 0; i < a->ncreds; i++) {
		x = &a->creds[i];
		y = &b->creds[i];
		FUZZ_CHECK(x->id == y->id);
		FUZZ_CHECK(x->type == y->type);
		FUZZ_CHECK(x->status == y->status);
		FUZZ_CHECK(strcmp(x->label, y->label) == 0);
		FUZZ_CHECK(x->created == y->created);
		FUZZ_CHECK(x->counter == y->counter);
		if (x->type == MFA_CRED_FIDO2) {
			FUZZ_CHECK(x->fido2_alg == y->fido2_alg);
			FUZZ_CHECK(x->credid_len == y->credid_len);
			FUZZ_CHECK(memcmp(x->credid, y->credid,
			    x->credid_len) == 0);
			FUZZ_CHECK(x->pubkey_len == y->pubkey_len);
			FUZZ_CHECK(memcmp(x->pubkey, y->pubkey,
			    x->pubkey_len) == 0);
			FUZZ_CHECK(memcmp(x->aaguid, y->aaguid,
			    sizeof(x->aaguid)) == 0);
			FUZZ_CHECK(strcmp(x->aaguid_hex, y->aaguid_hex) == 0);
			FUZZ_CHECK(x->reg_uv == y->reg_uv);
			FUZZ_CHECK(x->reg_up == y->reg_up);
			continue;
		}
		FUZZ_CHECK(x->algorithm == y->algorithm);
		FUZZ_CHECK(x->digits == y->digits);
		FUZZ_CHECK(x->period == y->period);
		FUZZ_CHECK(x->secret_len == y->secret_len);
		FUZZ_CHECK(memcmp(x->secret, y->secret, x->secret_len) == 0);
	}
}

/* A formatted store: text lines, no NUL, ending in a newline. */
static void
check_text(const char *t, size_t len)
{
	FUZZ_CHECK(t != NULL);
	FUZZ_CHECK(len > 0 && len <= MFA_STORE_MAX);
	FUZZ_CHECK(memchr(t, '\0', len) == NULL);
	FUZZ_CHECK(t[len - 1] == '\n');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_user	*u1, *u2, *snap;
	char		*t1 = NULL, *t2 = NULL;
	size_t		 len1 = 0, len2 = 0;
	int		 r;

	u1 = user_new();
	u2 = user_new();
	snap = user_new();
	r = store_parse(u1, (const char *)data, size);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_FORMAT ||
	    r == MFA_ERR_VERSION || r == MFA_ERR_TOOBIG);
	if (size > MFA_STORE_MAX)
		FUZZ_CHECK(r == MFA_ERR_TOOBIG);
	if (r != MFA_OK) {
		/* Output parameters are written only on success. */
		FUZZ_CHECK(memcmp(u1, snap, sizeof(*u1)) == 0);
		goto out;
	}
	check_parsed(u1);

	FUZZ_CHECK(store_format(u1, &t1, &len1) == MFA_OK);
	check_text(t1, len1);
	FUZZ_CHECK(store_parse(u2, t1, len1) == MFA_OK);
	check_same(u1, u2);
	FUZZ_CHECK(store_format(u2, &t2, &len2) == MFA_OK);
	check_text(t2, len2);
	FUZZ_CHECK(len1 == len2 && memcmp(t1, t2, len1) == 0);
out:
	if (t1 != NULL) {
		wipe(t1, len1);
		free(t1);
	}
	if (t2 != NULL) {
		wipe(t2, len2);
		free(t2);
	}
	wipe(u1, sizeof(*u1));
	wipe(u2, sizeof(*u2));
	free(u1);
	free(u2);
	free(snap);
	return 0;
}
