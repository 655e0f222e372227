/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vfido's cryptography, all through OpenSSL 3: ES256, EdDSA (Ed25519)
 * and RS256 keys and signatures, the ECDH + AES-256-CBC + HMAC-SHA-256
 * of PIN protocol 1.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "vfido_int.h"

int
vfido_random(void *buf, size_t len)
{
	if (len > INT_MAX || RAND_bytes(buf, (int)len) != 1)
		return (-1);
	return (0);
}

void
vfido_sha256(const void *data, size_t len, unsigned char out[32])
{
	SHA256(data, len, out);
}

EVP_PKEY *
vfido_ec_generate(void)
{
	return (EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
}

/* A new credential key for a COSE algorithm (ES256, EdDSA, RS256). */
EVP_PKEY *
vfido_key_generate(int64_t alg)
{
	switch (alg) {
	case VFIDO_COSE_ES256:
		return (vfido_ec_generate());
	case VFIDO_COSE_EDDSA:
		return (EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
	case VFIDO_COSE_RS256:
		return (EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048));
	default:
		return (NULL);
	}
}

/* The COSE signature algorithm of a key, or 0 for other keys. */
int64_t
vfido_key_alg(const EVP_PKEY *pkey)
{
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_EC:
		return (VFIDO_COSE_ES256);
	case EVP_PKEY_ED25519:
		return (VFIDO_COSE_EDDSA);
	case EVP_PKEY_RSA:
		return (EVP_PKEY_get_bits(pkey) == 2048 ? VFIDO_COSE_RS256 : 0);
	default:
		return (0);
	}
}

/* Writes the private key as DER (traditional or PKCS#8) into buf. */
int
vfido_key_export(EVP_PKEY *pkey, unsigned char *buf, size_t size,
    size_t *len)
{
	unsigned char	*der = NULL;
	int		 n;
	int		 r = -1;

	if ((n = i2d_PrivateKey(pkey, &der)) <= 0)
		goto out;
	if ((size_t)n > size)
		goto out;
	memcpy(buf, der, (size_t)n);
	*len = (size_t)n;
	r = 0;
out:
	if (der != NULL)
		OPENSSL_clear_free(der, n > 0 ? (size_t)n : 0);
	return (r);
}

/* Reads a DER private key of any type vfido makes, all of it. */
EVP_PKEY *
vfido_key_import(const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;
	EVP_PKEY		*pkey;

	if (len > LONG_MAX)
		return (NULL);
	if ((pkey = d2i_AutoPrivateKey(NULL, &p, (long)len)) == NULL)
		return (NULL);
	if (p != der + len || vfido_key_alg(pkey) == 0) {
		EVP_PKEY_free(pkey);
		return (NULL);
	}
	return (pkey);
}

static int
bn_to_32(const BIGNUM *bn, unsigned char out[32])
{
	return (BN_bn2binpad(bn, out, 32) == 32 ? 0 : -1);
}

int
vfido_ec_xy(EVP_PKEY *pkey, unsigned char x[32], unsigned char y[32])
{
	BIGNUM	*bx = NULL, *by = NULL;
	int	 r = -1;

	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &bx) != 1 ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &by) != 1)
		goto out;
	if (bn_to_32(bx, x) < 0 || bn_to_32(by, y) < 0)
		goto out;
	r = 0;
out:
	BN_free(bx);
	BN_free(by);
	return (r);
}

/* A P-256 public key from its affine coordinates (checked on curve). */
EVP_PKEY *
vfido_ec_from_xy(const unsigned char x[32], const unsigned char y[32])
{
	unsigned char	 point[65];
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL, *chk = NULL;
	EVP_PKEY	*pkey = NULL;

	point[0] = 0x04;
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "P-256", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    point, sizeof(point)) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto out;
	if ((chk = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
	    EVP_PKEY_public_check(chk) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
out:
	EVP_PKEY_CTX_free(chk);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return (pkey);
}

/*
 * The signature of the key's COSE algorithm over m1 || m2: ES256
 * (ECDSA-SHA-256, DER), EdDSA (Ed25519, pure, one shot) or RS256
 * (RSASSA-PKCS1-v1_5 with SHA-256).  *siglen is the size of sig on
 * input (VFIDO_SIG_MAX is enough) and the signature length on output.
 */
int
vfido_sign(EVP_PKEY *pkey, const unsigned char *m1, size_t l1,
    const unsigned char *m2, size_t l2, unsigned char *sig, size_t *siglen)
{
	EVP_MD_CTX	*md = NULL;
	unsigned char	*tbs = NULL;
	size_t		 need;
	int		 r = -1;

	if (EVP_PKEY_get_size(pkey) <= 0 ||
	    (size_t)EVP_PKEY_get_size(pkey) > *siglen ||
	    (md = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (vfido_key_alg(pkey) == VFIDO_COSE_EDDSA) {
		/* Ed25519 signs the message itself: no streaming */
		if (l1 > SIZE_MAX - l2 || (tbs = malloc(l1 + l2 + 1)) == NULL)
			goto out;
		memcpy(tbs, m1, l1);
		memcpy(tbs + l1, m2, l2);
		need = *siglen;
		if (EVP_DigestSignInit(md, NULL, NULL, NULL, pkey) != 1 ||
		    EVP_DigestSign(md, sig, &need, tbs, l1 + l2) != 1)
			goto out;
		*siglen = need;
	} else if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
	    pkey) != 1 ||
	    EVP_DigestSignUpdate(md, m1, l1) != 1 ||
	    EVP_DigestSignUpdate(md, m2, l2) != 1 ||
	    EVP_DigestSignFinal(md, sig, siglen) != 1)
		goto out;
	r = 0;
out:
	if (tbs != NULL) {
		explicit_bzero(tbs, l1 + l2 + 1);
		free(tbs);
	}
	EVP_MD_CTX_free(md);
	return (r);
}

/* PIN protocol 1: shared secret = SHA-256(x coordinate of ECDH). */
int
vfido_ecdh(EVP_PKEY *priv, EVP_PKEY *peer, unsigned char shared[32])
{
	EVP_PKEY_CTX	*ctx = NULL;
	unsigned char	 z[32];
	size_t		 zlen = sizeof(z);
	int		 r = -1;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, peer) != 1 ||
	    EVP_PKEY_derive(ctx, z, &zlen) != 1 || zlen != sizeof(z))
		goto out;
	vfido_sha256(z, sizeof(z), shared);
	r = 0;
out:
	OPENSSL_cleanse(z, sizeof(z));
	EVP_PKEY_CTX_free(ctx);
	return (r);
}

/* AES-256-CBC with a zero IV and no padding (len a multiple of 16). */
int
vfido_aes256_cbc(int enc, const unsigned char key[32],
    const unsigned char *in, size_t len, unsigned char *out)
{
	static const unsigned char iv[16];
	EVP_CIPHER_CTX	*ctx = NULL;
	int		 n = 0, fin = 0;
	int		 r = -1;

	if (len == 0 || len % 16 != 0 || len > INT_MAX)
		return (-1);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv,
	    enc) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(ctx, out + n, &fin) != 1 ||
	    (size_t)(n + fin) != len)
		goto out;
	r = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return (r);
}

int
vfido_hmac_sha256(const unsigned char *key, size_t keylen,
    const unsigned char *data, size_t len, unsigned char out[32])
{
	size_t outlen = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen,
	    data, len, out, 32, &outlen) == NULL || outlen != 32)
		return (-1);
	return (0);
}
