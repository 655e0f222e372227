/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vfido's CBOR helpers over libcbor: typed accessors that refuse
 * anything unexpected (so malformed requests get a CTAP error, never a
 * crash), map builders with CTAP's small integer keys, and COSE_Key
 * encoding (EC2 P-256, OKP Ed25519, RSA) and decoding (EC2 P-256).
 */
#include "config.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>

#include "vfido_int.h"

#define COSE_KTY	1
#define COSE_ALG	3
#define COSE_CRV	(-1)
#define COSE_X		(-2)
#define COSE_Y		(-3)
#define COSE_N		(-1)	/* RSA */
#define COSE_E		(-2)	/* RSA */
#define COSE_KTY_OKP	1
#define COSE_KTY_EC2	2
#define COSE_KTY_RSA	3
#define COSE_CRV_P256	1
#define COSE_CRV_ED25519 6
#define RSA_N_LEN	256	/* RS256 keys are RSA-2048 */
#define RSA_E_LEN	3	/* as libfido2 wants it: 65537 */

/* Any CBOR integer that fits an int64_t. */
int
vfido_cbor_int(const cbor_item_t *item, int64_t *v)
{
	uint64_t u;

	if (item == NULL)
		return (-1);
	if (cbor_isa_uint(item)) {
		u = cbor_get_int(item);
		if (u > INT64_MAX)
			return (-1);
		*v = (int64_t)u;
		return (0);
	}
	if (cbor_isa_negint(item)) {
		u = cbor_get_int(item);
		if (u > INT64_MAX)
			return (-1);
		*v = -1 - (int64_t)u;
		return (0);
	}
	return (-1);
}

/* Value of integer key k in a definite map, or NULL. */
const cbor_item_t *
vfido_map_get(const cbor_item_t *map, int64_t k)
{
	struct cbor_pair	*p;
	int64_t			 v;

	if (map == NULL || !cbor_isa_map(map) || !cbor_map_is_definite(map))
		return (NULL);
	p = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++)
		if (vfido_cbor_int(p[i].key, &v) == 0 && v == k)
			return (p[i].value);
	return (NULL);
}

/* Value of text key k in a definite map, or NULL. */
const cbor_item_t *
vfido_map_get_str(const cbor_item_t *map, const char *k)
{
	struct cbor_pair *p;

	if (map == NULL || !cbor_isa_map(map) || !cbor_map_is_definite(map))
		return (NULL);
	p = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++)
		if (vfido_cbor_text_eq(p[i].key, k) == 0)
			return (p[i].value);
	return (NULL);
}

/*
 * CTAP requests use integer keys only (or text keys in nested maps);
 * a map whose keys are neither is malformed.
 */
int
vfido_cbor_check_keys(const cbor_item_t *map)
{
	struct cbor_pair *p;

	if (!cbor_isa_map(map) || !cbor_map_is_definite(map))
		return (-1);
	p = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++)
		if (!cbor_isa_uint(p[i].key) && !cbor_isa_negint(p[i].key) &&
		    !cbor_isa_string(p[i].key))
			return (-1);
	return (0);
}

int
vfido_cbor_bytes(const cbor_item_t *item, const unsigned char **ptr,
    size_t *len)
{
	if (item == NULL || !cbor_isa_bytestring(item) ||
	    !cbor_bytestring_is_definite(item))
		return (-1);
	*ptr = cbor_bytestring_handle(item);
	*len = cbor_bytestring_length(item);
	if (*ptr == NULL && *len != 0)
		return (-1);
	return (0);
}

/* Copies a definite text string without embedded NULs into buf. */
int
vfido_cbor_text(const cbor_item_t *item, char *buf, size_t size)
{
	size_t len;

	if (item == NULL || !cbor_isa_string(item) ||
	    !cbor_string_is_definite(item))
		return (-1);
	len = cbor_string_length(item);
	if (len >= size)
		return (-1);
	if (len > 0)
		memcpy(buf, cbor_string_handle(item), len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return (-1);
	return (0);
}

int
vfido_cbor_text_eq(const cbor_item_t *item, const char *s)
{
	size_t len = strlen(s);

	if (item == NULL || !cbor_isa_string(item) ||
	    !cbor_string_is_definite(item) || cbor_string_length(item) != len)
		return (-1);
	return (memcmp(cbor_string_handle(item), s, len) == 0 ? 0 : -1);
}

int
vfido_cbor_bool(const cbor_item_t *item, bool *v)
{
	if (item == NULL || !cbor_isa_float_ctrl(item) || !cbor_is_bool(item))
		return (-1);
	*v = cbor_get_bool(item);
	return (0);
}

/* Small integers as libfido2 wants them: the shortest encoding. */
cbor_item_t *
vfido_cbor_int_new(int64_t v)
{
	uint64_t u;

	if (v >= 0) {
		u = (uint64_t)v;
		if (u <= UINT8_MAX)
			return (cbor_build_uint8((uint8_t)u));
		if (u <= UINT16_MAX)
			return (cbor_build_uint16((uint16_t)u));
		if (u <= UINT32_MAX)
			return (cbor_build_uint32((uint32_t)u));
		return (cbor_build_uint64(u));
	}
	u = (uint64_t)(-1 - v);
	if (u <= UINT8_MAX)
		return (cbor_build_negint8((uint8_t)u));
	if (u <= UINT16_MAX)
		return (cbor_build_negint16((uint16_t)u));
	if (u <= UINT32_MAX)
		return (cbor_build_negint32((uint32_t)u));
	return (cbor_build_negint64(u));
}

/* Adds key -> val to map; always consumes both references. */
int
vfido_map_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *val)
{
	struct cbor_pair	pair;
	int			r = -1;

	if (map != NULL && key != NULL && val != NULL) {
		pair.key = key;
		pair.value = val;
		if (cbor_map_add(map, pair))
			r = 0;
	}
	if (key != NULL)
		cbor_decref(&key);
	if (val != NULL)
		cbor_decref(&val);
	return (r);
}

int
vfido_map_put_int(cbor_item_t *map, int64_t k, cbor_item_t *val)
{
	return (vfido_map_put(map, vfido_cbor_int_new(k), val));
}

/* COSE_Key of an Ed25519 public key: kty OKP, alg EdDSA, crv, x. */
static cbor_item_t *
cose_okp(EVP_PKEY *pkey)
{
	unsigned char	 x[32];
	size_t		 xlen = sizeof(x);
	cbor_item_t	*map;

	if (EVP_PKEY_get_raw_public_key(pkey, x, &xlen) != 1 ||
	    xlen != sizeof(x) || (map = cbor_new_definite_map(4)) == NULL)
		return (NULL);
	if (vfido_map_put_int(map, COSE_KTY,
	    vfido_cbor_int_new(COSE_KTY_OKP)) < 0 ||
	    vfido_map_put_int(map, COSE_ALG,
	    vfido_cbor_int_new(VFIDO_COSE_EDDSA)) < 0 ||
	    vfido_map_put_int(map, COSE_CRV,
	    vfido_cbor_int_new(COSE_CRV_ED25519)) < 0 ||
	    vfido_map_put_int(map, COSE_X, cbor_build_bytestring(x, 32)) < 0) {
		cbor_decref(&map);
		return (NULL);
	}
	return (map);
}

/* COSE_Key of an RSA-2048 public key: kty RSA, alg RS256, n, e. */
static cbor_item_t *
cose_rsa(EVP_PKEY *pkey)
{
	unsigned char	 n[RSA_N_LEN], e[RSA_E_LEN];
	BIGNUM		*bn = NULL, *be = NULL;
	cbor_item_t	*map = NULL;

	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &bn) != 1 ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &be) != 1 ||
	    BN_bn2binpad(bn, n, sizeof(n)) != (int)sizeof(n) ||
	    BN_bn2binpad(be, e, sizeof(e)) != (int)sizeof(e) ||
	    (map = cbor_new_definite_map(4)) == NULL)
		goto out;
	if (vfido_map_put_int(map, COSE_KTY,
	    vfido_cbor_int_new(COSE_KTY_RSA)) < 0 ||
	    vfido_map_put_int(map, COSE_ALG,
	    vfido_cbor_int_new(VFIDO_COSE_RS256)) < 0 ||
	    vfido_map_put_int(map, COSE_N, cbor_build_bytestring(n,
	    sizeof(n))) < 0 ||
	    vfido_map_put_int(map, COSE_E, cbor_build_bytestring(e,
	    sizeof(e))) < 0)
		cbor_decref(&map);
out:
	BN_free(bn);
	BN_free(be);
	return (map);
}

/*
 * COSE_Key of a public key: Ed25519 and RSA keys as themselves, EC2
 * P-256 keys with the given alg (ES256, or ECDH-ES+HKDF-256 for the
 * PIN protocol's key agreement key).
 */
cbor_item_t *
vfido_cose_encode(EVP_PKEY *pkey, int64_t alg)
{
	unsigned char	 x[32], y[32];
	cbor_item_t	*map;

	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519)
		return (cose_okp(pkey));
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA)
		return (cose_rsa(pkey));
	if (vfido_ec_xy(pkey, x, y) < 0 ||
	    (map = cbor_new_definite_map(5)) == NULL)
		return (NULL);
	if (vfido_map_put_int(map, COSE_KTY,
	    vfido_cbor_int_new(COSE_KTY_EC2)) < 0 ||
	    vfido_map_put_int(map, COSE_ALG, vfido_cbor_int_new(alg)) < 0 ||
	    vfido_map_put_int(map, COSE_CRV,
	    vfido_cbor_int_new(COSE_CRV_P256)) < 0 ||
	    vfido_map_put_int(map, COSE_X, cbor_build_bytestring(x, 32)) < 0 ||
	    vfido_map_put_int(map, COSE_Y, cbor_build_bytestring(y, 32)) < 0) {
		cbor_decref(&map);
		return (NULL);
	}
	return (map);
}

/* The platform's key agreement key (EC2, P-256); checked on curve. */
int
vfido_cose_decode(const cbor_item_t *map, EVP_PKEY **pkey)
{
	const unsigned char	*x, *y;
	size_t			 xlen, ylen;
	int64_t			 kty, crv;

	if (vfido_cbor_int(vfido_map_get(map, COSE_KTY), &kty) < 0 ||
	    vfido_cbor_int(vfido_map_get(map, COSE_CRV), &crv) < 0 ||
	    kty != COSE_KTY_EC2 || crv != COSE_CRV_P256 ||
	    vfido_cbor_bytes(vfido_map_get(map, COSE_X), &x, &xlen) < 0 ||
	    vfido_cbor_bytes(vfido_map_get(map, COSE_Y), &y, &ylen) < 0 ||
	    xlen != 32 || ylen != 32)
		return (-1);
	if ((*pkey = vfido_ec_from_xy(x, y)) == NULL)
		return (-1);
	return (0);
}
