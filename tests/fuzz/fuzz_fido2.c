/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the FIDO2 fields of the store and what a security key
 * sends back (fido2_codec.c, fido2_authdata_raw()).
 *
 * The input, as a string, is decoded as base64 and base64url (only the
 * canonical form may be accepted: re-encoding gives the input back),
 * as hex and as an algorithm name; as bytes it is encoded and decoded
 * back, checked as a DER public key of each algorithm (at most one may
 * accept it, and what is accepted must load as a libfido2 key), taken
 * as a raw libfido2 public key (byte 0: algorithm, then the key) whose
 * DER form must pass the store's check, and parsed as the CBOR byte
 * string around authenticator data.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

#define ENCODE_MAX	4096	/* bytes encoded and decoded back */

static const int algs[] = { MFA_COSE_ES256, MFA_COSE_EDDSA, MFA_COSE_RS256 };
#define NALGS	(sizeof(algs) / sizeof(algs[0]))

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		abort();
	return p;
}

static void
check_b64_decode(const char *s, int url)
{
	unsigned char	*out, *small;
	char		*enc;
	size_t		 len = strlen(s), cap, n = 0, k;
	int		 r;

	cap = len / 4 * 3 + 3;
	out = xmalloc(cap);
	r = b64_decode(s, url, out, cap, &n);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_FORMAT);
	if (r == MFA_OK) {
		FUZZ_CHECK(len > 0 && n > 0 && n <= cap);
		/* Canonical: encoding the result gives the input. */
		enc = xmalloc(4 * ((n + 2) / 3) + 1);
		FUZZ_CHECK(b64_encode(out, n, url, enc,
		    4 * ((n + 2) / 3) + 1) == MFA_OK);
		FUZZ_CHECK(strcmp(enc, s) == 0);
		free(enc);
		/* One byte short: refused, nothing written past. */
		small = xmalloc(n - 1);
		FUZZ_CHECK(b64_decode(s, url, small, n - 1, &k) ==
		    MFA_ERR_TOOBIG);
		free(small);
	}
	free(out);
}

static void
check_b64_encode(const uint8_t *data, size_t size, int url)
{
	unsigned char	*back;
	char		*enc;
	size_t		 need, n = 0;

	if (size > ENCODE_MAX)
		size = ENCODE_MAX;
	need = 4 * ((size + 2) / 3) + 1;
	enc = xmalloc(need);
	back = xmalloc(size);
	FUZZ_CHECK(b64_encode(data, size, url, enc, need) == MFA_OK);
	FUZZ_CHECK(strlen(enc) < need);
	FUZZ_CHECK(strchr(enc, '=') == NULL || !url);
	if (size > 0) {
		FUZZ_CHECK(b64_decode(enc, url, back, size, &n) == MFA_OK);
		FUZZ_CHECK(n == size && memcmp(back, data, size) == 0);
	} else
		FUZZ_CHECK(b64_decode(enc, url, back, size, &n) ==
		    MFA_ERR_FORMAT);
	FUZZ_CHECK(b64_encode(data, size, url, enc, need - 1) != MFA_OK);
	free(back);
	free(enc);
}

static void
check_hex(const char *s)
{
	unsigned char	*out;
	char		*enc;
	size_t		 len = strlen(s), n = len / 2;
	int		 r;

	out = xmalloc(n);
	r = hex_decode(s, out, n);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_FORMAT);
	if (len % 2 != 0)
		FUZZ_CHECK(r == MFA_ERR_FORMAT);
	if (r == MFA_OK) {
		enc = xmalloc(2 * n + 1);
		FUZZ_CHECK(hex_encode(out, n, enc, 2 * n + 1) == MFA_OK);
		FUZZ_CHECK(strcmp(enc, s) == 0);
		FUZZ_CHECK(hex_encode(out, n, enc, 2 * n) != MFA_OK);
		free(enc);
	}
	free(out);
}

static void
check_alg_name(const char *s)
{
	int	alg = 12345;

	if (fido2_alg_parse(s, &alg) != MFA_OK) {
		FUZZ_CHECK(alg == 12345);
		return;
	}
	FUZZ_CHECK(fido2_alg_name(alg) != NULL);
	FUZZ_CHECK(strcmp(fido2_alg_name(alg), s) == 0);
}

/* A stored public key: at most one algorithm, and it loads. */
static void
check_der(const uint8_t *der, size_t len)
{
	void	*pk;
	size_t	 i;
	int	 ok = 0, r;

	for (i = 0; i < NALGS; i++) {
		r = fido2_pubkey_check(algs[i], der, len);
		FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_FORMAT);
		pk = NULL;
		if (r != MFA_OK) {
			FUZZ_CHECK(fido2_pk_load(algs[i], der, len, &pk) !=
			    MFA_OK && pk == NULL);
			continue;
		}
		FUZZ_CHECK(len <= MFA_FIDO2_PUBKEY_MAX);
		ok++;
		FUZZ_CHECK(fido2_pk_load(algs[i], der, len, &pk) == MFA_OK);
		FUZZ_CHECK(pk != NULL);
		fido2_pk_free(algs[i], &pk);
		FUZZ_CHECK(pk == NULL);
	}
	FUZZ_CHECK(ok <= 1);
}

/* A key as libfido2 returns it becomes DER the store accepts. */
static void
check_raw(const uint8_t *data, size_t size)
{
	unsigned char	*der;
	size_t		 len = 0;
	int		 alg, r;

	if (size < 1)
		return;
	alg = algs[data[0] % NALGS];
	der = xmalloc(MFA_FIDO2_PUBKEY_MAX);
	r = fido2_pubkey_der(alg, data + 1, size - 1, der,
	    MFA_FIDO2_PUBKEY_MAX, &len);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_DEVICE ||
	    r == MFA_ERR_TOOBIG || r == MFA_ERR_CRYPTO);
	if (r == MFA_OK) {
		FUZZ_CHECK(len > 0 && len <= MFA_FIDO2_PUBKEY_MAX);
		FUZZ_CHECK(fido2_pubkey_check(alg, der, len) == MFA_OK);
		check_der(der, len);
	}
	free(der);
}

static void
check_authdata(const uint8_t *data, size_t size)
{
	const unsigned char	*raw = NULL;
	size_t			 rawlen = 0;

	if (fido2_authdata_raw(data, size, &raw, &rawlen) != MFA_OK) {
		FUZZ_CHECK(raw == NULL && rawlen == 0);
		return;
	}
	FUZZ_CHECK(raw > data && raw <= data + 3);
	FUZZ_CHECK(raw + rawlen == data + size);
	FUZZ_CHECK(rawlen >= 37);
}

static void
check_credid_short(const uint8_t *data, size_t size)
{
	char	out[11], full[4 * ((12 + 2) / 3) + 1];
	size_t	n;

	memset(out, 'x', sizeof(out));
	fido2_credid_short(data, size, out, sizeof(out));
	n = strnlen(out, sizeof(out));
	FUZZ_CHECK(n < sizeof(out));
	if (size == 0) {
		FUZZ_CHECK(n == 0);
		return;
	}
	FUZZ_CHECK(b64_encode(data, size < 12 ? size : 12, 1, full,
	    sizeof(full)) == MFA_OK);
	FUZZ_CHECK(n > 0 && strncmp(out, full, n) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	s = fuzz_cstr(data, size);
	check_b64_decode(s, 0);
	check_b64_decode(s, 1);
	check_hex(s);
	check_alg_name(s);
	free(s);
	check_b64_encode(data, size, 0);
	check_b64_encode(data, size, 1);
	check_der(data, size);
	check_raw(data, size);
	check_authdata(data, size);
	check_credid_short(data, size);
	return 0;
}
