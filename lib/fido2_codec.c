/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Encodings of the FIDO2 fields of the store (pam_mfa-store(5)):
 * base64url credential ids, base64 DER public keys, hex AAGUIDs and
 * algorithm names, all strict and canonical; and the conversions
 * between the stored DER keys and libfido2's key types.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <fido.h>
#include <fido/eddsa.h>
#include <fido/es256.h>
#include <fido/rs256.h>

#include "internal.h"
#include "fido2_dl.h"

#if MFA_COSE_ES256 != COSE_ES256 || MFA_COSE_EDDSA != COSE_EDDSA || \
    MFA_COSE_RS256 != COSE_RS256
#error "MFA_COSE_* differ from libfido2's COSE_*"
#endif

#define RSA_BITS	2048

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
b64_encode(const unsigned char *in, size_t n, int url, char *out,
    size_t outlen)
{
	const char	*alpha = url ? b64_url : b64_std;
	size_t		 i, o = 0;
	uint32_t	 v;

	if ((in == NULL && n > 0) || out == NULL || n > SIZE_MAX / 2 ||
	    outlen < 4 * ((n + 2) / 3) + 1)
		return MFA_ERR_INVAL;
	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 0x3f];
		out[o++] = alpha[(v >> 6) & 0x3f];
		out[o++] = alpha[v & 0x3f];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 0x3f];
		if (!url) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 0x3f];
		out[o++] = alpha[(v >> 6) & 0x3f];
		if (!url)
			out[o++] = '=';
	}
	out[o] = '\0';
	return MFA_OK;
}

static int
b64_val(char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

int
b64_decode(const char *in, int url, unsigned char *out, size_t outlen,
    size_t *n)
{
	size_t		 len, pad = 0, full, rest, i, o = 0;
	uint32_t	 v;
	int		 d, k;

	if (in == NULL || out == NULL || n == NULL)
		return MFA_ERR_INVAL;
	len = strlen(in);
	if (len == 0)
		return MFA_ERR_FORMAT;
	if (!url) {
		if (len % 4 != 0)
			return MFA_ERR_FORMAT;
		while (pad < 2 && in[len - 1 - pad] == '=')
			pad++;
		len -= pad;
	}
	rest = len % 4;
	if (rest == 1 || (!url && pad != (rest == 0 ? 0 : 4 - rest)))
		return MFA_ERR_FORMAT;
	full = len - rest;
	if (full / 4 * 3 + (rest == 0 ? 0 : rest - 1) > outlen)
		return MFA_ERR_TOOBIG;
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (k = 0; k < 4; k++) {
			if (i + (size_t)k >= len) {
				v <<= 6;
				continue;
			}
			if ((d = b64_val(in[i + (size_t)k], url)) < 0)
				return MFA_ERR_FORMAT;
			v = v << 6 | (uint32_t)d;
		}
		if (i + 4 <= len) {
			out[o++] = (unsigned char)(v >> 16);
			out[o++] = (unsigned char)(v >> 8);
			out[o++] = (unsigned char)v;
		} else if (rest == 2) {
			/* 12 bits carry 8: the other 4 must be zero. */
			if ((v & 0xffff) != 0)
				return MFA_ERR_FORMAT;
			out[o++] = (unsigned char)(v >> 16);
		} else {
			if ((v & 0xff) != 0)
				return MFA_ERR_FORMAT;
			out[o++] = (unsigned char)(v >> 16);
			out[o++] = (unsigned char)(v >> 8);
		}
	}
	*n = o;
	return MFA_OK;
}

int
hex_encode(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	if ((in == NULL && n > 0) || out == NULL || n > SIZE_MAX / 2 - 1 ||
	    outlen < 2 * n + 1)
		return MFA_ERR_INVAL;
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
	return MFA_OK;
}

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
hex_digit_any(char c)
{
	return hex_digit(c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c);
}

int
hex_decode(const char *in, unsigned char *out, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (in == NULL || out == NULL || strnlen(in, 2 * n + 1) != 2 * n)
		return MFA_ERR_FORMAT;
	for (i = 0; i < n; i++) {
		if ((hi = hex_digit(in[2 * i])) < 0 ||
		    (lo = hex_digit(in[2 * i + 1])) < 0)
			return MFA_ERR_FORMAT;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return MFA_OK;
}

const char *
fido2_alg_name(int alg)
{
	switch (alg) {
	case MFA_COSE_ES256:
		return "es256";
	case MFA_COSE_EDDSA:
		return "eddsa";
	case MFA_COSE_RS256:
		return "rs256";
	default:
		return NULL;
	}
}

int
fido2_alg_parse(const char *name, int *alg)
{
	static const int	algs[] = {
		MFA_COSE_ES256, MFA_COSE_EDDSA, MFA_COSE_RS256
	};
	size_t			i;

	if (name == NULL || alg == NULL)
		return MFA_ERR_INVAL;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(name, fido2_alg_name(algs[i])) == 0) {
			*alg = algs[i];
			return MFA_OK;
		}
	return MFA_ERR_INVAL;
}

/* Whether pkey is a key of the COSE algorithm alg. */
static int
pkey_is(const EVP_PKEY *pkey, int alg)
{
	char	group[32];
	size_t	glen = 0;

	switch (alg) {
	case MFA_COSE_ES256:
		return EVP_PKEY_is_a(pkey, "EC") &&
		    EVP_PKEY_get_utf8_string_param(pkey, "group", group,
		    sizeof(group), &glen) == 1 &&
		    strcmp(group, "prime256v1") == 0;
	case MFA_COSE_EDDSA:
		return EVP_PKEY_is_a(pkey, "ED25519");
	case MFA_COSE_RS256:
		return EVP_PKEY_is_a(pkey, "RSA") &&
		    EVP_PKEY_get_bits(pkey) == RSA_BITS;
	default:
		return 0;
	}
}

/* Parses DER SPKI that must be canonical and of alg. */
static EVP_PKEY *
pkey_from_der(int alg, const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;
	unsigned char		*re = NULL;
	EVP_PKEY		*pkey = NULL;
	int			 relen, ok = 0;

	if (der == NULL || len == 0 || len > MFA_FIDO2_PUBKEY_MAX)
		return NULL;
	if ((pkey = d2i_PUBKEY(NULL, &p, (long)len)) == NULL ||
	    p != der + len || !pkey_is(pkey, alg))
		goto out;
	if ((relen = i2d_PUBKEY(pkey, &re)) <= 0 || (size_t)relen != len ||
	    !ct_equal(re, der, len))
		goto out;
	ok = 1;
out:
	OPENSSL_free(re);
	if (!ok) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
		/* Leave the caller's OpenSSL error queue as it was. */
		ERR_clear_error();
	}
	return pkey;
}

int
fido2_pubkey_check(int alg, const unsigned char *der, size_t len)
{
	EVP_PKEY	*pkey;
	int		 r;

	if ((r = fido2_dl_load(NULL)) != MFA_OK)
		return r;
	if ((pkey = pkey_from_der(alg, der, len)) == NULL)
		return MFA_ERR_FORMAT;
	EVP_PKEY_free(pkey);
	return MFA_OK;
}

/* SubjectPublicKeyInfo up to the key bytes (RFC 5480, RFC 8410). */
static const unsigned char spki_p256[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
	0x07, 0x03, 0x42, 0x00, 0x04,
};
static const unsigned char spki_ed25519[] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21,
	0x00,
};
/* rsaEncryption with NULL parameters (RFC 3279). */
static const unsigned char spki_rsa_alg[] = {
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
	0x01, 0x01, 0x05, 0x00,
};

/*
 * The header of a DER element of tag at der[*off] whose content ends
 * exactly at end (minimal definite length, at most 2 bytes): its
 * content length, *off moved to the content; -1 otherwise.
 */
static long
der_elem(const unsigned char *der, size_t end, size_t *off, unsigned tag)
{
	size_t	o = *off, n;

	if (o + 2 > end || der[o] != tag)
		return -1;
	o++;
	if (der[o] < 0x80)
		n = der[o++];
	else if (der[o] == 0x81 && o + 2 <= end && der[o + 1] >= 0x80) {
		n = der[o + 1];
		o += 2;
	} else if (der[o] == 0x82 && o + 3 <= end && der[o + 1] != 0) {
		n = (size_t)der[o + 1] << 8 | der[o + 2];
		o += 3;
	} else
		return -1;
	if (n != end - o)
		return -1;
	*off = o;
	return (long)n;
}

/*
 * The DER structure of an RSA-2048 SubjectPublicKeyInfo: a 2048-bit
 * modulus and any exponent, each a minimal INTEGER.  No OpenSSL, so
 * that reading a store needs no libfido2 (see fido2_pubkey_shape()).
 */
static int
rsa_shape(const unsigned char *der, size_t len)
{
	size_t	off = 0;
	long	n;

	if (der_elem(der, len, &off, 0x30) < 0 ||
	    len - off < sizeof(spki_rsa_alg) ||
	    !ct_equal(der + off, spki_rsa_alg, sizeof(spki_rsa_alg)))
		return MFA_ERR_FORMAT;
	off += sizeof(spki_rsa_alg);
	/* BIT STRING without unused bits, holding RSAPublicKey. */
	if (der_elem(der, len, &off, 0x03) < 1 || der[off++] != 0x00 ||
	    der_elem(der, len, &off, 0x30) < 0)
		return MFA_ERR_FORMAT;
	/* modulus: 0x00, then 256 bytes with the top bit set */
	if (len - off < 4 + 257 || der[off] != 0x02 || der[off + 1] != 0x82 ||
	    der[off + 2] != 0x01 || der[off + 3] != 0x01 ||
	    der[off + 4] != 0x00 || der[off + 5] < 0x80)
		return MFA_ERR_FORMAT;
	off += 4 + 257;
	/* publicExponent, to the end */
	if ((n = der_elem(der, len, &off, 0x02)) < 1)
		return MFA_ERR_FORMAT;
	if (n > 1 && ((der[off] == 0x00 && der[off + 1] < 0x80) ||
	    (der[off] == 0xff && der[off + 1] >= 0x80)))
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

int
fido2_pubkey_shape(int alg, const unsigned char *der, size_t len)
{
	if (der == NULL)
		return MFA_ERR_FORMAT;
	switch (alg) {
	case MFA_COSE_ES256:
		if (len != sizeof(spki_p256) + 64 ||
		    !ct_equal(der, spki_p256, sizeof(spki_p256)))
			return MFA_ERR_FORMAT;
		return MFA_OK;
	case MFA_COSE_EDDSA:
		if (len != sizeof(spki_ed25519) + 32 ||
		    !ct_equal(der, spki_ed25519, sizeof(spki_ed25519)))
			return MFA_ERR_FORMAT;
		return MFA_OK;
	case MFA_COSE_RS256:
		return rsa_shape(der, len);
	default:
		return MFA_ERR_FORMAT;
	}
}

int
fido2_pubkey_der(int alg, const unsigned char *raw, size_t rawlen,
    unsigned char *der, size_t cap, size_t *len)
{
	es256_pk_t	*es = NULL;
	eddsa_pk_t	*ed = NULL;
	rs256_pk_t	*rs = NULL;
	EVP_PKEY	*pkey = NULL;
	unsigned char	*buf = NULL;
	int		 n, r;

	if (raw == NULL || der == NULL || len == NULL)
		return MFA_ERR_INVAL;
	if ((r = fido2_dl_load(NULL)) != MFA_OK)
		return r;
	r = MFA_ERR_DEVICE;
	switch (alg) {
	case MFA_COSE_ES256:
		if (rawlen != 64 || (es = es256_pk_new()) == NULL ||
		    es256_pk_from_ptr(es, raw, rawlen) != FIDO_OK)
			goto out;
		pkey = es256_pk_to_EVP_PKEY(es);
		break;
	case MFA_COSE_EDDSA:
		if (rawlen != 32 || (ed = eddsa_pk_new()) == NULL ||
		    eddsa_pk_from_ptr(ed, raw, rawlen) != FIDO_OK)
			goto out;
		pkey = eddsa_pk_to_EVP_PKEY(ed);
		break;
	case MFA_COSE_RS256:
		if (rawlen != 259 || (rs = rs256_pk_new()) == NULL ||
		    rs256_pk_from_ptr(rs, raw, rawlen) != FIDO_OK)
			goto out;
		pkey = rs256_pk_to_EVP_PKEY(rs);
		break;
	default:
		r = MFA_ERR_INVAL;
		goto out;
	}
	if (pkey == NULL || !pkey_is(pkey, alg))
		goto out;
	if ((n = i2d_PUBKEY(pkey, &buf)) <= 0) {
		r = MFA_ERR_CRYPTO;
		goto out;
	}
	if ((size_t)n > cap || (size_t)n > MFA_FIDO2_PUBKEY_MAX) {
		r = MFA_ERR_TOOBIG;
		goto out;
	}
	memcpy(der, buf, (size_t)n);
	*len = (size_t)n;
	r = MFA_OK;
out:
	if (r != MFA_OK)
		ERR_clear_error();
	OPENSSL_free(buf);
	EVP_PKEY_free(pkey);
	es256_pk_free(&es);
	eddsa_pk_free(&ed);
	rs256_pk_free(&rs);
	return r;
}

int
fido2_pk_load(int alg, const unsigned char *der, size_t len, void **pk)
{
	EVP_PKEY	*pkey;
	es256_pk_t	*es = NULL;
	eddsa_pk_t	*ed = NULL;
	rs256_pk_t	*rs = NULL;
	int		 r;

	if (pk == NULL)
		return MFA_ERR_INVAL;
	if ((r = fido2_dl_load(NULL)) != MFA_OK)
		return r;
	r = MFA_ERR_FORMAT;
	/*
	 * The two common key types have one DER form each: take the key
	 * bytes after the fixed prefix, without OpenSSL's decoders (which
	 * cost a fresh process most of a millisecond per key).  libfido2
	 * checks the point or key when it takes the bytes.
	 */
	if (alg == MFA_COSE_ES256 && der != NULL &&
	    len == sizeof(spki_p256) + 2 * 32 &&
	    ct_equal(der, spki_p256, sizeof(spki_p256))) {
		/* The prefix ends with the 0x04 of the uncompressed point. */
		if ((es = es256_pk_new()) != NULL &&
		    es256_pk_from_ptr(es, der + sizeof(spki_p256) - 1,
		    1 + 2 * 32) == FIDO_OK) {
			*pk = es;
			es = NULL;
			r = MFA_OK;
		}
		es256_pk_free(&es);
		return r;
	}
	if (alg == MFA_COSE_EDDSA && der != NULL &&
	    len == sizeof(spki_ed25519) + 32 &&
	    ct_equal(der, spki_ed25519, sizeof(spki_ed25519))) {
		if ((ed = eddsa_pk_new()) != NULL &&
		    eddsa_pk_from_ptr(ed, der + sizeof(spki_ed25519), 32) ==
		    FIDO_OK) {
			*pk = ed;
			ed = NULL;
			r = MFA_OK;
		}
		eddsa_pk_free(&ed);
		return r;
	}
	if ((pkey = pkey_from_der(alg, der, len)) == NULL)
		return MFA_ERR_FORMAT;
	switch (alg) {
	case MFA_COSE_ES256:
		if ((es = es256_pk_new()) != NULL &&
		    es256_pk_from_EVP_PKEY(es, pkey) == FIDO_OK) {
			*pk = es;
			es = NULL;
			r = MFA_OK;
		}
		break;
	case MFA_COSE_EDDSA:
		if ((ed = eddsa_pk_new()) != NULL &&
		    eddsa_pk_from_EVP_PKEY(ed, pkey) == FIDO_OK) {
			*pk = ed;
			ed = NULL;
			r = MFA_OK;
		}
		break;
	case MFA_COSE_RS256:
		if ((rs = rs256_pk_new()) != NULL &&
		    rs256_pk_from_EVP_PKEY(rs, pkey) == FIDO_OK) {
			*pk = rs;
			rs = NULL;
			r = MFA_OK;
		}
		break;
	}
	EVP_PKEY_free(pkey);
	es256_pk_free(&es);
	eddsa_pk_free(&ed);
	rs256_pk_free(&rs);
	return r;
}

void
fido2_pk_free(int alg, void **pk)
{
	es256_pk_t	*es;
	eddsa_pk_t	*ed;
	rs256_pk_t	*rs;

	if (pk == NULL || *pk == NULL)
		return;
	switch (alg) {
	case MFA_COSE_ES256:
		es = *pk;
		es256_pk_free(&es);
		break;
	case MFA_COSE_EDDSA:
		ed = *pk;
		eddsa_pk_free(&ed);
		break;
	case MFA_COSE_RS256:
		rs = *pk;
		rs256_pk_free(&rs);
		break;
	}
	*pk = NULL;
}

void
fido2_credid_short(const unsigned char *id, size_t len, char *out,
    size_t outlen)
{
	char	buf[4 * ((12 + 2) / 3) + 1];

	if (out == NULL || outlen == 0)
		return;
	out[0] = '\0';
	/* 12 bytes make 16 characters: enough to tell keys apart. */
	if (id == NULL || len == 0 ||
	    b64_encode(id, len < 12 ? len : 12, 1, buf, sizeof(buf)) !=
	    MFA_OK)
		return;
	(void)snprintf(out, outlen, "%.10s", buf);
}
