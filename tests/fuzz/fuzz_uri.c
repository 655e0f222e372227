/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: base32 (RFC 4648) and percent-encoding (RFC 3986) of
 * uri.c, and the otpauth:// URI generator.
 *
 * The whole input, as a string, goes through base32_decode() and
 * uri_pct_decode() (compared with small reference decoders in this
 * file, with exact and too small output buffers) and through the
 * encoders and back.  Then the input is read as a credential and an
 * account and issuer:
 *	byte 0: algorithm (% 4) and digits (5 + / 4 % 5), byte 1: period,
 *	byte 2: secret length (% 66), the secret, then the account up to
 *	a NUL and the issuer after it (none without a NUL)
 * and otpauth_uri() must refuse bad parameters and, when it accepts,
 * produce a URI that the parser here takes apart into exactly those
 * values: nothing in an account or issuer can add or change a field.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

#define SAFE_FIELD	64	/* account/issuer bytes always accepted */
#define PREFIX		"otpauth://totp/"

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static int
hexdig(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Reference percent-decoder of s[0..n) into out (n + 1 bytes): %XX
 * escapes, other bytes as they are; with strict, only unreserved bytes
 * may appear unescaped.  Returns the decoded length or -1.
 */
static long
ref_pct(const char *s, size_t n, int strict, char *out)
{
	size_t	i, j = 0;
	int	hi, lo;

	for (i = 0; i < n; j++) {
		if (s[i] == '%') {
			if (i + 2 >= n ||
			    (hi = hexdig((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexdig((unsigned char)s[i + 2])) < 0)
				return -1;
			out[j] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		if (strict && !unreserved((unsigned char)s[i]))
			return -1;
		out[j] = s[i++];
	}
	out[j] = '\0';
	return (long)j;
}

/*
 * Reference base32 decoder: A-Z, a-z, 2-7, '=' padding (1 to 6) only
 * to complete a group of 8, zero leftover bits.  Returns the byte count or -1.
 */
static long
ref_b32(const char *s, size_t len, unsigned char *out)
{
	size_t		pad = 0, i, j = 0;
	unsigned	acc = 0, bits = 0;
	int		v;

	while (pad < len && s[len - 1 - pad] == '=')
		pad++;
	len -= pad;
	/* At most 6: a group of 8 with no data is no padding. */
	if (pad > 6 || (pad > 0 && (len + pad) % 8 != 0))
		return -1;
	if (len % 8 == 1 || len % 8 == 3 || len % 8 == 6)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			v = s[i] - 'A';
		else if (s[i] >= 'a' && s[i] <= 'z')
			v = s[i] - 'a';
		else if (s[i] >= '2' && s[i] <= '7')
			v = s[i] - '2' + 26;
		else
			return -1;
		acc = (acc << 5 | (unsigned)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[j++] = (unsigned char)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	if (acc != 0)
		return -1;
	return (long)j;
}

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		abort();
	return p;
}

static void
check_base32(const char *s)
{
	unsigned char	*out, *ref, *small;
	char		*enc;
	size_t		 len = strlen(s), cap, n = 0, i, k;
	long		 want;
	int		 r;

	cap = len * 5 / 8 + 1;
	out = xmalloc(cap);
	ref = xmalloc(cap);
	r = base32_decode(s, out, cap, &n);
	want = ref_b32(s, len, ref);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_FORMAT);
	FUZZ_CHECK((r == MFA_OK) == (want >= 0));
	if (r == MFA_OK) {
		FUZZ_CHECK(n == (size_t)want && n < cap);
		FUZZ_CHECK(memcmp(out, ref, n) == 0);
		/* Re-encoding gives the input, upper case, unpadded. */
		enc = xmalloc(8 * ((n + 4) / 5) + 1);
		FUZZ_CHECK(base32_encode(out, n, enc, 8 * ((n + 4) / 5) + 1) ==
		    MFA_OK);
		for (k = 0; k < len && s[k] != '='; k++)
			FUZZ_CHECK(enc[k] == (s[k] >= 'a' && s[k] <= 'z' ?
			    s[k] - 'a' + 'A' : s[k]));
		FUZZ_CHECK(enc[k] == '\0');
		for (i = k; i < len; i++)
			FUZZ_CHECK(s[i] == '=');
		free(enc);
		if (n > 0) {
			/* One byte short: refused, nothing written past. */
			small = xmalloc(n - 1);
			FUZZ_CHECK(base32_decode(s, small, n - 1, &k) ==
			    MFA_ERR_TOOBIG);
			free(small);
		}
	}
	free(out);
	free(ref);
}

static void
check_pct(const char *s)
{
	char	*out, *ref, *enc, *back, *small;
	size_t	 len = strlen(s), i;
	long	 want;
	int	 r, plain = 1;

	out = xmalloc(len + 1);
	ref = xmalloc(len + 1);
	r = uri_pct_decode(s, out, len + 1);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_FORMAT);
	want = ref_pct(s, len, 0, ref);
	if (r == MFA_OK) {
		FUZZ_CHECK(want >= 0 && strlen(out) == (size_t)want);
		FUZZ_CHECK(strcmp(out, ref) == 0);
		for (i = 0; out[i] != '\0'; i++)
			FUZZ_CHECK((unsigned char)out[i] >= 0x20 &&
			    (unsigned char)out[i] != 0x7f);
		/* Exactly too small: refused, nothing written past it. */
		free(out);
		out = xmalloc((size_t)want);
		FUZZ_CHECK(uri_pct_decode(s, out, (size_t)want) ==
		    MFA_ERR_TOOBIG);
	} else if ((want = ref_pct(s, len, 1, ref)) >= 0) {
		/* Strictly encoded: refused only for a control byte. */
		for (i = 0; i < (size_t)want; i++)
			if ((unsigned char)ref[i] < 0x20 ||
			    (unsigned char)ref[i] == 0x7f)
				break;
		FUZZ_CHECK(i < (size_t)want);
	}
	free(out);

	/* Encoding: only unreserved bytes and %XX, and back again. */
	enc = xmalloc(3 * len + 1);
	FUZZ_CHECK(uri_pct_encode(s, enc, 3 * len + 1) == MFA_OK);
	for (i = 0; enc[i] != '\0'; i++) {
		if (enc[i] == '%') {
			FUZZ_CHECK(hexdig((unsigned char)enc[i + 1]) >= 0 &&
			    hexdig((unsigned char)enc[i + 2]) >= 0);
			FUZZ_CHECK(!(enc[i + 1] >= 'a' && enc[i + 1] <= 'f') &&
			    !(enc[i + 2] >= 'a' && enc[i + 2] <= 'f'));
			i += 2;
		} else
			FUZZ_CHECK(unreserved((unsigned char)enc[i]));
	}
	FUZZ_CHECK(ref_pct(enc, strlen(enc), 1, ref) == (long)len);
	FUZZ_CHECK(memcmp(ref, s, len + 1) == 0);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			plain = 0;
	back = xmalloc(len + 1);
	r = uri_pct_decode(enc, back, len + 1);
	FUZZ_CHECK((r == MFA_OK) == plain);
	if (r == MFA_OK)
		FUZZ_CHECK(strcmp(back, s) == 0);
	if (len > 0) {
		/* One byte short: refused, nothing written past. */
		small = xmalloc(strlen(enc));
		FUZZ_CHECK(uri_pct_encode(s, small, strlen(enc)) ==
		    MFA_ERR_TOOBIG);
		free(small);
	}
	free(back);
	free(enc);
	free(ref);
}

/* base32_encode() of raw bytes and back. */
static void
check_encode(const uint8_t *data, size_t size)
{
	unsigned char	*back;
	char		*enc;
	size_t		 need, n = 0;

	if (size > 4096)
		size = 4096;
	need = (size * 8 + 4) / 5 + 1;
	enc = xmalloc(need);
	back = xmalloc(size);
	FUZZ_CHECK(base32_encode(data, size, enc, need) == MFA_OK);
	FUZZ_CHECK(strlen(enc) == need - 1);
	FUZZ_CHECK(base32_decode(enc, back, size, &n) == MFA_OK);
	FUZZ_CHECK(n == size && memcmp(back, data, size) == 0);
	FUZZ_CHECK(base32_encode(data, size, enc, need - 1) ==
	    MFA_ERR_TOOBIG);
	free(back);
	free(enc);
}

/* Decodes the strictly encoded field s[0..n) and compares with want. */
static void
check_field(const char *s, size_t n, const char *want)
{
	char	*dec;

	dec = xmalloc(n + 1);
	FUZZ_CHECK(ref_pct(s, n, 1, dec) == (long)strlen(want));
	FUZZ_CHECK(memcmp(dec, want, strlen(want)) == 0);
	free(dec);
}

static void
check_number(const char *s, size_t n, unsigned want)
{
	char	buf[16];
	int	len;

	len = snprintf(buf, sizeof(buf), "%u", want);
	FUZZ_CHECK(len > 0 && (size_t)len == n && memcmp(buf, s, n) == 0);
}

static void
check_uri(const char *uri, const struct mfa_cred *cred,
    const char *account, const char *issuer)
{
	static const char *const algs[] = { "SHA1", "SHA256", "SHA512" };
	unsigned char	 secret[MFA_SECRET_MAX + 8];
	const char	*p, *q, *amp, *eq, *colon;
	size_t		 klen, vlen;
	long		 n;
	int		 seen_secret = 0, seen_issuer = 0, seen_alg = 0;
	int		 seen_digits = 0, seen_period = 0;

	for (p = uri; *p != '\0'; p++)
		FUZZ_CHECK(*p > 0x20 && *p < 0x7f);
	FUZZ_CHECK(strncmp(uri, PREFIX, sizeof(PREFIX) - 1) == 0);
	p = uri + sizeof(PREFIX) - 1;
	FUZZ_CHECK((q = strchr(p, '?')) != NULL);
	/* The label: ISSUER:ACCOUNT or ACCOUNT, one raw ':' at most. */
	colon = memchr(p, ':', (size_t)(q - p));
	if (issuer != NULL) {
		FUZZ_CHECK(colon != NULL);
		check_field(p, (size_t)(colon - p), issuer);
		p = colon + 1;
	} else
		FUZZ_CHECK(colon == NULL);
	check_field(p, (size_t)(q - p), account);

	for (p = q + 1; ; p = amp + 1) {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		FUZZ_CHECK((eq = memchr(p, '=', (size_t)(amp - p))) != NULL);
		klen = (size_t)(eq - p);
		q = eq + 1;
		vlen = (size_t)(amp - q);
		if (klen == 6 && memcmp(p, "secret", 6) == 0) {
			FUZZ_CHECK(!seen_secret++);
			FUZZ_CHECK(vlen <= 8 * ((MFA_SECRET_MAX + 4) / 5));
			n = ref_b32(q, vlen, secret);
			FUZZ_CHECK(n >= 0 && (size_t)n == cred->secret_len);
			FUZZ_CHECK(memcmp(secret, cred->secret,
			    (size_t)n) == 0);
			FUZZ_CHECK(memchr(q, '=', vlen) == NULL);
		} else if (klen == 6 && memcmp(p, "issuer", 6) == 0) {
			FUZZ_CHECK(!seen_issuer++ && issuer != NULL);
			check_field(q, vlen, issuer);
		} else if (klen == 9 && memcmp(p, "algorithm", 9) == 0) {
			FUZZ_CHECK(!seen_alg++);
			FUZZ_CHECK(vlen == strlen(algs[cred->algorithm]) &&
			    memcmp(q, algs[cred->algorithm], vlen) == 0);
		} else if (klen == 6 && memcmp(p, "digits", 6) == 0) {
			FUZZ_CHECK(!seen_digits++);
			check_number(q, vlen, cred->digits);
		} else if (klen == 6 && memcmp(p, "period", 6) == 0) {
			FUZZ_CHECK(!seen_period++);
			check_number(q, vlen, cred->period);
		} else
			FUZZ_CHECK(!"unknown URI parameter");
		if (*amp == '\0')
			break;
	}
	FUZZ_CHECK(seen_secret && seen_alg && seen_digits && seen_period);
	FUZZ_CHECK(seen_issuer == (issuer != NULL));
	wipe(secret, sizeof(secret));
}

static void
check_generator(const uint8_t *data, size_t size)
{
	struct mfa_cred	 cred;
	const uint8_t	*nul;
	char		*account, *issuer = NULL, *uri = NULL;
	size_t		 slen, rest, alen, ilen = 0;
	int		 r, valid;

	if (size < 3)
		return;
	memset(&cred, 0, sizeof(cred));
	cred.type = MFA_CRED_TOTP;
	cred.status = MFA_STATUS_ACTIVE;
	cred.algorithm = data[0] % 4;	/* 3: no algorithm */
	cred.digits = 5 + data[0] / 4 % 5;	/* 5..9 */
	cred.period = data[1];
	slen = data[2] % 66;
	data += 3;
	size -= 3;
	if (slen > size)
		slen = size;
	memcpy(cred.secret, data, slen < MFA_SECRET_MAX ? slen :
	    MFA_SECRET_MAX);
	cred.secret_len = slen;
	data += slen;
	size -= slen;
	nul = memchr(data, '\0', size);
	rest = nul != NULL ? (size_t)(nul - data) : size;
	account = fuzz_cstr(data, rest);
	alen = rest;
	if (nul != NULL) {
		issuer = fuzz_cstr(nul + 1, size - rest - 1);
		ilen = strlen(issuer);
	}
	r = otpauth_uri(&cred, account, issuer, &uri);
	valid = cred.algorithm <= MFA_TOTP_SHA512 && cred.digits >= 6 &&
	    cred.digits <= 8 && cred.period >= 1 && slen >= 1 &&
	    slen <= MFA_SECRET_MAX && alen >= 1;
	if (!valid)
		FUZZ_CHECK(r != MFA_OK);
	else if (alen <= SAFE_FIELD && ilen <= SAFE_FIELD)
		FUZZ_CHECK(r == MFA_OK);
	if (r == MFA_OK) {
		FUZZ_CHECK(valid && uri != NULL);
		check_uri(uri, &cred, account, ilen > 0 ? issuer : NULL);
		mfa_secret_free(&uri);
		FUZZ_CHECK(uri == NULL);
	} else
		FUZZ_CHECK(uri == NULL);
	wipe(&cred, sizeof(cred));
	free(account);
	free(issuer);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	s = fuzz_cstr(data, size);
	check_base32(s);
	check_pct(s);
	free(s);
	check_encode(data, size);
	check_generator(data, size);
	return 0;
}
