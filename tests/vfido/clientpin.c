/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authenticatorClientPIN with PIN/UV auth protocol 1 (CTAP 2.0 section
 * 5.5): getRetries, getKeyAgreement, setPIN, changePIN and getPINToken,
 * a persistent retry counter, and the pinAuth check the other commands
 * use for user verification.  A key with built-in user verification
 * (a fingerprint) also has CTAP 2.1's getUVRetries and its uvRetries
 * counter, which a right PIN sets back to the maximum, and the check
 * of the finger that the "uv" option asks for.
 */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "vfido_int.h"

#define PIN_PROTOCOL		1
#define SUB_GET_RETRIES		1
#define SUB_GET_KEY_AGREEMENT	2
#define SUB_SET_PIN		3
#define SUB_CHANGE_PIN		4
#define SUB_GET_PIN_TOKEN	5
#define SUB_GET_UV_RETRIES	7	/* CTAP 2.1 */
#define ARG_PROTOCOL		1
#define ARG_SUBCOMMAND		2
#define ARG_KEY_AGREEMENT	3
#define ARG_PIN_AUTH		4
#define ARG_NEW_PIN_ENC		5
#define ARG_PIN_HASH_ENC	6
#define RES_UV_RETRIES		5
#define ALG_ECDH_ES_HKDF_256	(-25)
#define PIN_MIN			4
#define PIN_ENC_LEN		64
#define MAX_FAILS_PER_BOOT	3

/* A new key agreement key and pinToken, as at power-up. */
void
vfido_pin_powerup(struct vfido_dev *d)
{
	EVP_PKEY_free(d->ka_key);
	d->ka_key = vfido_ec_generate();
	if (vfido_random(d->pin_token, sizeof(d->pin_token)) < 0)
		OPENSSL_cleanse(d->pin_token, sizeof(d->pin_token));
	d->pin_fails = 0;
}

static int
shared_secret(struct vfido_dev *d, const cbor_item_t *args,
    unsigned char shared[32])
{
	EVP_PKEY	*peer = NULL;
	int		 r;

	if (vfido_map_get(args, ARG_KEY_AGREEMENT) == NULL)
		return (CTAP2_ERR_MISSING_PARAMETER);
	if (d->ka_key == NULL)
		return (CTAP1_ERR_OTHER);
	if (vfido_cose_decode(vfido_map_get(args, ARG_KEY_AGREEMENT),
	    &peer) < 0)
		return (CTAP1_ERR_INVALID_PARAMETER);
	r = vfido_ecdh(d->ka_key, peer, shared) < 0 ?
	    CTAP1_ERR_INVALID_PARAMETER : CTAP2_OK;
	EVP_PKEY_free(peer);
	return (r);
}

/* pinAuth = LEFT(HMAC-SHA-256(key, m1 || m2), 16). */
static int
check_mac(const unsigned char *key, size_t keylen, const unsigned char *m1,
    size_t l1, const unsigned char *m2, size_t l2, const cbor_item_t *auth)
{
	const unsigned char	*p;
	unsigned char		 buf[PIN_ENC_LEN + 16], mac[32];
	size_t			 len;
	int			 r = -1;

	if (vfido_cbor_bytes(auth, &p, &len) < 0 || len != 16 ||
	    l1 + l2 > sizeof(buf))
		return (-1);
	memcpy(buf, m1, l1);
	if (l2 > 0)
		memcpy(buf + l1, m2, l2);
	if (vfido_hmac_sha256(key, keylen, buf, l1 + l2, mac) == 0 &&
	    CRYPTO_memcmp(mac, p, 16) == 0)
		r = 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	return (r);
}

/* Decrypts and checks newPinEnc; sets the PIN on success. */
static int
store_new_pin(struct vfido_dev *d, struct vfido_state *st,
    const unsigned char shared[32], const unsigned char *enc)
{
	unsigned char	pin[PIN_ENC_LEN], h[32];
	size_t		len;
	int		r = CTAP2_ERR_PIN_POLICY_VIOLATION;

	if (vfido_aes256_cbc(0, shared, enc, PIN_ENC_LEN, pin) < 0) {
		r = CTAP1_ERR_OTHER;
		goto out;
	}
	for (len = 0; len < sizeof(pin) && pin[len] != 0; len++)
		continue;
	if (len < PIN_MIN || len == sizeof(pin))
		goto out;
	vfido_sha256(pin, len, h);
	memcpy(st->pin_hash, h, sizeof(st->pin_hash));
	st->pin_set = true;
	st->pin_retries = VFIDO_PIN_RETRIES;
	vfido_pin_powerup(d);	/* outstanding pinTokens are void */
	r = CTAP2_OK;
out:
	OPENSSL_cleanse(pin, sizeof(pin));
	OPENSSL_cleanse(h, sizeof(h));
	return (r);
}

/*
 * Checks pinHashEnc against the stored PIN hash, spending one retry
 * (persisted before the answer is known, as a real key must).
 */
static int
check_pin_hash(struct vfido_dev *d, struct vfido_state *st,
    const unsigned char shared[32], const cbor_item_t *item, bool *dirty)
{
	const unsigned char	*enc;
	unsigned char		 h[16];
	size_t			 len;
	int			 r;

	if (!st->pin_set)
		return (CTAP2_ERR_PIN_NOT_SET);
	if (item == NULL)
		return (CTAP2_ERR_MISSING_PARAMETER);
	if (vfido_cbor_bytes(item, &enc, &len) < 0 || len != sizeof(h))
		return (CTAP1_ERR_INVALID_PARAMETER);
	if (st->pin_retries == 0)
		return (CTAP2_ERR_PIN_BLOCKED);
	if (d->pin_fails >= MAX_FAILS_PER_BOOT)
		return (CTAP2_ERR_PIN_AUTH_BLOCKED);
	st->pin_retries--;
	*dirty = true;
	if (vfido_aes256_cbc(0, shared, enc, sizeof(h), h) < 0)
		return (CTAP1_ERR_OTHER);
	if (CRYPTO_memcmp(h, st->pin_hash, sizeof(h)) != 0) {
		EVP_PKEY_free(d->ka_key);
		d->ka_key = vfido_ec_generate();
		d->pin_fails++;
		if (st->pin_retries == 0)
			r = CTAP2_ERR_PIN_BLOCKED;
		else if (d->pin_fails >= MAX_FAILS_PER_BOOT)
			r = CTAP2_ERR_PIN_AUTH_BLOCKED;
		else
			r = CTAP2_ERR_PIN_INVALID;
	} else {
		st->pin_retries = VFIDO_PIN_RETRIES;
		/* CTAP 2.1: the right PIN unblocks the finger too */
		if (st->builtin_uv)
			st->uv_retries = VFIDO_UV_RETRIES;
		d->pin_fails = 0;
		r = CTAP2_OK;
	}
	OPENSSL_cleanse(h, sizeof(h));
	return (r);
}

static int
get_new_pin_enc(const cbor_item_t *args, const unsigned char **enc)
{
	size_t len;

	if (vfido_map_get(args, ARG_PIN_AUTH) == NULL ||
	    vfido_map_get(args, ARG_NEW_PIN_ENC) == NULL)
		return (CTAP2_ERR_MISSING_PARAMETER);
	if (vfido_cbor_bytes(vfido_map_get(args, ARG_NEW_PIN_ENC), enc,
	    &len) < 0 || len != PIN_ENC_LEN)
		return (CTAP1_ERR_INVALID_PARAMETER);
	return (CTAP2_OK);
}

static int
set_pin(struct vfido_dev *d, struct vfido_state *st, const cbor_item_t *args,
    bool *dirty)
{
	const unsigned char	*enc;
	unsigned char		 shared[32];
	int			 r;

	if (st->pin_set)
		return (CTAP2_ERR_PIN_AUTH_INVALID);
	if ((r = get_new_pin_enc(args, &enc)) != CTAP2_OK ||
	    (r = shared_secret(d, args, shared)) != CTAP2_OK)
		goto out;
	if (check_mac(shared, sizeof(shared), enc, PIN_ENC_LEN, NULL, 0,
	    vfido_map_get(args, ARG_PIN_AUTH)) < 0) {
		r = CTAP2_ERR_PIN_AUTH_INVALID;
		goto out;
	}
	if ((r = store_new_pin(d, st, shared, enc)) == CTAP2_OK)
		*dirty = true;
out:
	OPENSSL_cleanse(shared, sizeof(shared));
	return (r);
}

static int
change_pin(struct vfido_dev *d, struct vfido_state *st,
    const cbor_item_t *args, bool *dirty)
{
	const unsigned char	*enc, *hash_enc;
	unsigned char		 shared[32];
	size_t			 len;
	int			 r;

	if (!st->pin_set)
		return (CTAP2_ERR_PIN_NOT_SET);
	if ((r = get_new_pin_enc(args, &enc)) != CTAP2_OK ||
	    (r = shared_secret(d, args, shared)) != CTAP2_OK)
		goto out;
	if (vfido_cbor_bytes(vfido_map_get(args, ARG_PIN_HASH_ENC), &hash_enc,
	    &len) < 0 || len != 16) {
		r = CTAP2_ERR_MISSING_PARAMETER;
		goto out;
	}
	if (check_mac(shared, sizeof(shared), enc, PIN_ENC_LEN, hash_enc, 16,
	    vfido_map_get(args, ARG_PIN_AUTH)) < 0) {
		r = CTAP2_ERR_PIN_AUTH_INVALID;
		goto out;
	}
	if ((r = check_pin_hash(d, st, shared,
	    vfido_map_get(args, ARG_PIN_HASH_ENC), dirty)) != CTAP2_OK)
		goto out;
	r = store_new_pin(d, st, shared, enc);
out:
	OPENSSL_cleanse(shared, sizeof(shared));
	return (r);
}

static int
get_pin_token(struct vfido_dev *d, struct vfido_state *st,
    const cbor_item_t *args, cbor_item_t **reply, bool *dirty)
{
	unsigned char	shared[32], enc[sizeof(d->pin_token)];
	cbor_item_t	*m = NULL;
	int		r;

	if (!st->pin_set)
		return (CTAP2_ERR_PIN_NOT_SET);
	if ((r = shared_secret(d, args, shared)) != CTAP2_OK ||
	    (r = check_pin_hash(d, st, shared,
	    vfido_map_get(args, ARG_PIN_HASH_ENC), dirty)) != CTAP2_OK)
		goto out;
	if (vfido_aes256_cbc(1, shared, d->pin_token, sizeof(d->pin_token),
	    enc) < 0 || (m = cbor_new_definite_map(1)) == NULL ||
	    vfido_map_put_int(m, 2, cbor_build_bytestring(enc,
	    sizeof(enc))) < 0) {
		r = CTAP1_ERR_OTHER;
		goto out;
	}
	*reply = m;
	m = NULL;
out:
	if (m != NULL)
		cbor_decref(&m);
	OPENSSL_cleanse(shared, sizeof(shared));
	OPENSSL_cleanse(enc, sizeof(enc));
	return (r);
}

static int
get_key_agreement(struct vfido_dev *d, cbor_item_t **reply)
{
	cbor_item_t *m;

	if (d->ka_key == NULL || (m = cbor_new_definite_map(1)) == NULL)
		return (CTAP1_ERR_OTHER);
	if (vfido_map_put_int(m, 1, vfido_cose_encode(d->ka_key,
	    ALG_ECDH_ES_HKDF_256)) < 0) {
		cbor_decref(&m);
		return (CTAP1_ERR_OTHER);
	}
	*reply = m;
	return (CTAP2_OK);
}

static int
get_retries(const struct vfido_state *st, cbor_item_t **reply)
{
	cbor_item_t *m;

	if ((m = cbor_new_definite_map(1)) == NULL)
		return (CTAP1_ERR_OTHER);
	if (vfido_map_put_int(m, 3, vfido_cbor_int_new(st->pin_retries)) < 0) {
		cbor_decref(&m);
		return (CTAP1_ERR_OTHER);
	}
	*reply = m;
	return (CTAP2_OK);
}

/* CTAP 2.1 getUVRetries: only a key with built-in UV knows it. */
static int
get_uv_retries(const struct vfido_state *st, cbor_item_t **reply)
{
	cbor_item_t *m;

	if (!st->builtin_uv)
		return (CTAP1_ERR_INVALID_PARAMETER);
	if ((m = cbor_new_definite_map(1)) == NULL)
		return (CTAP1_ERR_OTHER);
	if (vfido_map_put_int(m, RES_UV_RETRIES,
	    vfido_cbor_int_new(st->uv_retries)) < 0) {
		cbor_decref(&m);
		return (CTAP1_ERR_OTHER);
	}
	*reply = m;
	return (CTAP2_OK);
}

int
vfido_client_pin(struct vfido_dev *d, struct vfido_state *st,
    const cbor_item_t *args, cbor_item_t **reply, bool *dirty)
{
	int64_t proto, sub;

	if (args == NULL || vfido_map_get(args, ARG_PROTOCOL) == NULL ||
	    vfido_map_get(args, ARG_SUBCOMMAND) == NULL)
		return (CTAP2_ERR_MISSING_PARAMETER);
	if (vfido_cbor_int(vfido_map_get(args, ARG_PROTOCOL), &proto) < 0 ||
	    vfido_cbor_int(vfido_map_get(args, ARG_SUBCOMMAND), &sub) < 0)
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	if (proto != PIN_PROTOCOL)
		return (CTAP1_ERR_INVALID_PARAMETER);
	switch (sub) {
	case SUB_GET_RETRIES:
		return (get_retries(st, reply));
	case SUB_GET_KEY_AGREEMENT:
		return (get_key_agreement(d, reply));
	case SUB_SET_PIN:
		return (set_pin(d, st, args, dirty));
	case SUB_CHANGE_PIN:
		return (change_pin(d, st, args, dirty));
	case SUB_GET_PIN_TOKEN:
		return (get_pin_token(d, st, args, reply, dirty));
	case SUB_GET_UV_RETRIES:
		return (get_uv_retries(st, reply));
	default:
		return (CTAP1_ERR_INVALID_PARAMETER);
	}
}

/*
 * User verification through pinAuth = LEFT(HMAC(pinToken, cdh), 16):
 * CTAP2_OK, or the CTAP error to return.
 */
int
vfido_pin_check_auth(struct vfido_dev *d, const struct vfido_state *st,
    const cbor_item_t *auth, const cbor_item_t *proto,
    const unsigned char *cdh, size_t cdhlen)
{
	int64_t p;

	if (proto == NULL)
		return (CTAP2_ERR_MISSING_PARAMETER);
	if (vfido_cbor_int(proto, &p) < 0)
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	if (p != PIN_PROTOCOL)
		return (CTAP2_ERR_PIN_AUTH_INVALID);
	if (!st->pin_set)
		return (CTAP2_ERR_PIN_NOT_SET);
	if (check_mac(d->pin_token, sizeof(d->pin_token), cdh, cdhlen, NULL,
	    0, auth) < 0)
		return (CTAP2_ERR_PIN_AUTH_INVALID);
	return (CTAP2_OK);
}

/*
 * Built-in user verification, as the "uv" option asks for it (CTAP 2.1
 * performBuiltInUv): none left, CTAP2_ERR_UV_BLOCKED at once, without
 * waiting for a finger; otherwise the finger on the sensor, which is
 * also the touch (so touch deny/never apply), and a finger that does
 * not match spends one of uvRetries (saved: *dirty) and gives
 * CTAP2_ERR_UV_INVALID; a match restores them.  CTAP2_OK when the user
 * is verified.
 */
int
vfido_uv_builtin(struct vfido_state *st, bool *dirty)
{
	int r;

	/* Fault uvpin: a key with a PIN set that wants it instead. */
	if (st->fault == VFIDO_FAULT_UVPIN && st->pin_set)
		return (CTAP2_ERR_PIN_REQUIRED);
	if (st->uv_retries == 0)
		return (CTAP2_ERR_UV_BLOCKED);
	if ((r = vfido_touch(st)) != CTAP2_OK)
		return (r);
	if (st->uv_nomatch) {
		st->uv_retries--;
		*dirty = true;
		return (CTAP2_ERR_UV_INVALID);
	}
	if (st->uv_retries != VFIDO_UV_RETRIES) {
		st->uv_retries = VFIDO_UV_RETRIES;
		*dirty = true;
	}
	return (CTAP2_OK);
}

/*
 * A zero-length pinAuth asks "touch me, then tell whether a PIN is
 * set" (used by platforms to select a key): returns 0 when auth is not
 * such a probe, otherwise the status to answer with.
 */
int
vfido_pin_empty_auth(const struct vfido_state *st, const cbor_item_t *auth)
{
	const unsigned char	*p;
	size_t			 len;
	int			 r;

	if (auth == NULL || vfido_cbor_bytes(auth, &p, &len) < 0 || len != 0)
		return (0);
	if ((r = vfido_touch(st)) != CTAP2_OK)
		return (r);
	return (st->pin_set ? CTAP2_ERR_PIN_INVALID : CTAP2_ERR_PIN_NOT_SET);
}
