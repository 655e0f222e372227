/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Base32 (RFC 4648) for TOTP secrets, percent-encoding (RFC 3986) for
 * labels, and otpauth:// URIs (Google Authenticator's Key URI Format).
 *
 * The base32 coder maps characters by arithmetic, not table lookups or
 * per-character branches, so its timing does not depend on the secret.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define URI_FIELD_MAX	256	/* bytes of an account name or issuer */

/*
 * 5-bit value to 'A'..'Z' (0..25) or '2'..'7' (26..31).  (25 - v) >> 8
 * is all ones exactly when v > 25 (arithmetic shift of a small int).
 */
static char
b32_char(unsigned v)
{
	int	x = (int)(v & 31);

	return (char)('A' + x + (((25 - x) >> 8) & ('2' - 'A' - 26)));
}

/*
 * Character to its 5-bit value, or -1.  Each term adds (c - base) only
 * when lo < c < hi, computed with masks instead of branches.
 */
static int
b32_value(unsigned char ch)
{
	int	c = ch, v = -1;

	v += (((64 - c) & (c - 91)) >> 8) & (c - 64);		/* A-Z */
	v += (((96 - c) & (c - 123)) >> 8) & (c - 96);		/* a-z */
	v += (((49 - c) & (c - 56)) >> 8) & (c - 49 + 26);	/* 2-7 */
	return v;
}

int
base32_encode(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	size_t		 i, j = 0, need;
	unsigned	 bits = 0;
	uint32_t	 acc = 0;

	if ((in == NULL && n > 0) || out == NULL || n > SIZE_MAX / 16)
		return MFA_ERR_INVAL;
	need = (n * 8 + 4) / 5 + 1;
	if (outlen < need)
		return MFA_ERR_TOOBIG;
	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[j++] = b32_char(acc >> bits);
		}
		acc &= (1U << bits) - 1;
	}
	if (bits > 0)
		out[j++] = b32_char(acc << (5 - bits));
	out[j] = '\0';
	explicit_bzero(&acc, sizeof(acc));
	return MFA_OK;
}

int
base32_decode(const char *in, unsigned char *out, size_t outlen, size_t *n)
{
	size_t		 len, pad, i, j = 0, need;
	unsigned	 bits = 0;
	uint32_t	 acc = 0;
	int		 v, bad = 0;

	if (in == NULL || out == NULL || n == NULL)
		return MFA_ERR_INVAL;
	len = strlen(in);
	for (pad = 0; pad < len && in[len - 1 - pad] == '='; pad++)
		;
	len -= pad;
	/* Padding, when present, completes a group of 8 characters. */
	if (pad > 0 && (pad > 6 || (len + pad) % 8 != 0))
		return MFA_ERR_FORMAT;
	switch (len % 8) {
	case 1:
	case 3:
	case 6:
		return MFA_ERR_FORMAT;
	}
	need = len / 8 * 5 + (len % 8) * 5 / 8;
	if (outlen < need)
		return MFA_ERR_TOOBIG;
	for (i = 0; i < len; i++) {
		v = b32_value((unsigned char)in[i]);
		bad |= v;	/* negative (sign bit set) for a bad char */
		acc = (acc << 5) | (uint32_t)(v & 31);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[j++] = (unsigned char)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	/* Leftover bits must be zero (canonical encoding). */
	bad |= -(int)(acc != 0);
	explicit_bzero(&acc, sizeof(acc));
	if (bad < 0) {
		explicit_bzero(out, need);
		return MFA_ERR_FORMAT;
	}
	*n = j;
	return MFA_OK;
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

int
uri_pct_encode(const char *in, char *out, size_t outlen)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	size_t			 need = 1, j = 0;

	if (in == NULL || out == NULL)
		return MFA_ERR_INVAL;
	for (p = (const unsigned char *)in; *p != '\0'; p++) {
		if (need > SIZE_MAX - 3)
			return MFA_ERR_TOOBIG;
		need += unreserved(*p) ? 1 : 3;
	}
	if (outlen < need)
		return MFA_ERR_TOOBIG;
	for (p = (const unsigned char *)in; *p != '\0'; p++) {
		if (unreserved(*p))
			out[j++] = (char)*p;
		else {
			out[j++] = '%';
			out[j++] = hex[*p >> 4];
			out[j++] = hex[*p & 15];
		}
	}
	out[j] = '\0';
	return MFA_OK;
}

/*
 * Decodes one unit at in[*i] into *c: %XX or a printable ASCII byte.
 * Control characters, DEL and NUL are refused in either form.
 */
static int
pct_unit(const unsigned char *in, size_t *i, unsigned char *c)
{
	int	hi, lo;

	if (in[*i] == '%') {
		if ((hi = hex_digit_any((char)in[*i + 1])) < 0 ||
		    (lo = hex_digit_any((char)in[*i + 2])) < 0)
			return MFA_ERR_FORMAT;
		*c = (unsigned char)(hi << 4 | lo);
		*i += 3;
		if (*c < 0x20 || *c == 0x7f)
			return MFA_ERR_FORMAT;
		return MFA_OK;
	}
	*c = in[*i];
	*i += 1;
	/* Raw bytes: visible ASCII only (space and 8-bit must be escaped). */
	if (*c <= 0x20 || *c >= 0x7f)
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

int
uri_pct_decode(const char *in, char *out, size_t outlen)
{
	const unsigned char	*p = (const unsigned char *)in;
	unsigned char		 c;
	size_t			 i, j, need = 1;
	int			 r;

	if (in == NULL || out == NULL)
		return MFA_ERR_INVAL;
	/* First pass validates and measures: out is written on success. */
	for (i = 0; p[i] != '\0'; need++)
		if ((r = pct_unit(p, &i, &c)) != MFA_OK)
			return r;
	if (outlen < need)
		return MFA_ERR_TOOBIG;
	for (i = 0, j = 0; p[i] != '\0'; j++) {
		(void)pct_unit(p, &i, &c);
		out[j] = (char)c;
	}
	out[j] = '\0';
	return MFA_OK;
}

/* Percent-encodes s into a malloc'd string. */
static int
pct_dup(const char *s, char **out)
{
	size_t	len, cap;
	char	*p;
	int	r;

	if ((len = strnlen(s, URI_FIELD_MAX + 1)) > URI_FIELD_MAX)
		return MFA_ERR_TOOBIG;
	cap = len * 3 + 1;
	if ((p = malloc(cap)) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = uri_pct_encode(s, p, cap)) != MFA_OK) {
		free(p);
		return r;
	}
	*out = p;
	return MFA_OK;
}

static const char *
alg_uri_name(int algorithm)
{
	switch (algorithm) {
	case MFA_TOTP_SHA1:
		return "SHA1";
	case MFA_TOTP_SHA256:
		return "SHA256";
	case MFA_TOTP_SHA512:
		return "SHA512";
	}
	return NULL;
}

/* Formats the URI from already encoded parts (iss may be NULL). */
static int
uri_format(char *buf, size_t cap, const struct mfa_cred *cred,
    const char *alg, const char *acc, const char *iss, const char *b32)
{
	if (iss != NULL)
		return snprintf(buf, cap, "otpauth://totp/%s:%s?secret=%s"
		    "&issuer=%s&algorithm=%s&digits=%u&period=%u", iss, acc,
		    b32, iss, alg, cred->digits, cred->period);
	return snprintf(buf, cap, "otpauth://totp/%s?secret=%s"
	    "&algorithm=%s&digits=%u&period=%u", acc, b32, alg, cred->digits,
	    cred->period);
}

int
otpauth_uri(const struct mfa_cred *cred, const char *account,
    const char *issuer, char **out)
{
	char		 b32[(MFA_SECRET_MAX + 4) / 5 * 8 + 1];
	char		*acc = NULL, *iss = NULL, *uri = NULL;
	const char	*alg;
	size_t		 cap = 0;
	int		 len, r;

	memset(b32, 0, sizeof(b32));
	if (cred == NULL || account == NULL || out == NULL ||
	    *account == '\0' || cred->secret_len == 0 ||
	    cred->secret_len > sizeof(cred->secret) ||
	    (alg = alg_uri_name(cred->algorithm)) == NULL ||
	    cred->digits < 6 || cred->digits > MFA_CODE_MAX ||
	    cred->period == 0) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if (issuer != NULL && *issuer == '\0')
		issuer = NULL;
	if ((r = base32_encode(cred->secret, cred->secret_len, b32,
	    sizeof(b32))) != MFA_OK ||
	    (r = pct_dup(account, &acc)) != MFA_OK ||
	    (issuer != NULL && (r = pct_dup(issuer, &iss)) != MFA_OK))
		goto out;
	/*
	 * Measure, then format into an exact buffer: asprintf() could leave
	 * copies of the secret in memory it reallocates.
	 */
	r = MFA_ERR_NOMEM;
	if ((len = uri_format(NULL, 0, cred, alg, acc, iss, b32)) < 0)
		goto out;
	cap = (size_t)len + 1;
	if ((uri = malloc(cap)) == NULL)
		goto out;
	len = uri_format(uri, cap, cred, alg, acc, iss, b32);
	if (len < 0 || (size_t)len + 1 != cap)
		goto out;
	*out = uri;
	uri = NULL;
	r = MFA_OK;
out:
	explicit_bzero(b32, sizeof(b32));
	if (uri != NULL) {
		explicit_bzero(uri, cap);
		free(uri);
	}
	free(acc);
	free(iss);
	return r;
}
