/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/uri.c: base32, percent-encoding, otpauth:// URIs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "util.h"

/* RFC 4648 section 10, with and without the padding. */
static const struct {
	const char	*plain;
	const char	*padded;
	const char	*bare;
} b32vec[] = {
	{ "",		"",			"" },
	{ "f",		"MY======",		"MY" },
	{ "fo",		"MZXQ====",		"MZXQ" },
	{ "foo",	"MZXW6===",		"MZXW6" },
	{ "foob",	"MZXW6YQ=",		"MZXW6YQ" },
	{ "fooba",	"MZXW6YTB",		"MZXW6YTB" },
	{ "foobar",	"MZXW6YTBOI======",	"MZXW6YTBOI" },
};
#define NB32	(sizeof(b32vec) / sizeof(b32vec[0]))

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void
test_base32_vectors(void **state)
{
	char		 enc[40], low[40];
	unsigned char	 dec[32];
	size_t		 i, n, plen;

	(void)state;
	for (i = 0; i < NB32; i++) {
		plen = strlen(b32vec[i].plain);
		assert_int_equal(base32_encode(
		    (const unsigned char *)b32vec[i].plain, plen, enc,
		    sizeof(enc)), MFA_OK);
		assert_string_equal(enc, b32vec[i].bare);

		n = 99;
		assert_int_equal(base32_decode(b32vec[i].padded, dec,
		    sizeof(dec), &n), MFA_OK);
		assert_int_equal(n, plen);
		assert_memory_equal(dec, b32vec[i].plain, plen);

		n = 99;
		assert_int_equal(base32_decode(b32vec[i].bare, dec,
		    sizeof(dec), &n), MFA_OK);
		assert_int_equal(n, plen);
		assert_memory_equal(dec, b32vec[i].plain, plen);

		snprintf(low, sizeof(low), "%s", b32vec[i].padded);
		lower(low);
		n = 99;
		assert_int_equal(base32_decode(low, dec, sizeof(dec), &n),
		    MFA_OK);
		assert_int_equal(n, plen);
		assert_memory_equal(dec, b32vec[i].plain, plen);
	}
	/* the whole alphabet, in order */
	assert_int_equal(base32_decode("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	    dec, sizeof(dec), &n), MFA_OK);
	assert_int_equal(n, 20);
	assert_int_equal(base32_encode(dec, n, enc, sizeof(enc)), MFA_OK);
	assert_string_equal(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
	assert_memory_equal(dec, "\x00\x44\x32\x14\xc7\x42\x54\xb6\x35\xcf"
	    "\x84\x65\x3a\x56\xd7\xc6\x75\xbe\x77\xdf", 20);
}

static void
test_base32_reject(void **state)
{
	static const char *const bad[] = {
		"MZXW6YT1",	/* '1', '0', '8', '9' are not base32 */
		"MZXW6YT0",
		"MZXW6YT8",
		"MZXW6YT9",
		"MZXW6YT@",	/* just below 'A' */
		"MZXW6YT[",	/* just after 'Z' */
		"MZXW6YT`",	/* just below 'a' */
		"MZXW6YT{",	/* just after 'z' */
		"MZXW 6YTB",	/* spaces are not skipped */
		" MZXW6YTB",
		"MZXW6YTB ",
		"MZXW6YTB\n",
		"MZXW-6YTB",
		"MZXW6YT\xc3\x89",
		"M",		/* impossible lengths */
		"MZX",
		"MZXW6Y",
		"M=======",
		"MY=",		/* padding must complete the group */
		"MY=======",
		"MY======MY",	/* and only at the end */
		"=MY",
		"========",
		"MZ",		/* non-zero leftover bits */
		"MZXR",
		"MZXW7",
		"MZXW6YR",
		"MZXW6YTBOJ",
	};
	unsigned char	 dec[32];
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 99;
		memset(dec, 0xa5, sizeof(dec));
		if (base32_decode(bad[i], dec, sizeof(dec), &n) !=
		    MFA_ERR_FORMAT)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(n, 99);
	}
	/* out too small: nothing written */
	memset(dec, 0xa5, sizeof(dec));
	assert_int_equal(base32_decode("MZXW6YTB", dec, 4, &n),
	    MFA_ERR_TOOBIG);
	assert_int_equal(dec[0], 0xa5);
	assert_int_equal(base32_decode("MZXW6YTB", dec, 5, &n), MFA_OK);
	assert_int_equal(n, 5);
	assert_int_equal(base32_decode(NULL, dec, 5, &n), MFA_ERR_INVAL);
	assert_int_equal(base32_decode("MY", NULL, 5, &n), MFA_ERR_INVAL);
	assert_int_equal(base32_decode("MY", dec, 5, NULL), MFA_ERR_INVAL);
}

static void
test_base32_encode_limits(void **state)
{
	char	enc[16];

	(void)state;
	/* "fooba" needs 8 characters and the NUL */
	memset(enc, 'X', sizeof(enc));
	assert_int_equal(base32_encode((const unsigned char *)"fooba", 5, enc,
	    8), MFA_ERR_TOOBIG);
	assert_int_equal(enc[0], 'X');
	assert_int_equal(base32_encode((const unsigned char *)"fooba", 5, enc,
	    9), MFA_OK);
	assert_string_equal(enc, "MZXW6YTB");
	assert_int_equal(base32_encode((const unsigned char *)"f", 1, enc, 2),
	    MFA_ERR_TOOBIG);
	assert_int_equal(base32_encode((const unsigned char *)"f", 1, enc, 3),
	    MFA_OK);
	assert_int_equal(base32_encode(NULL, 0, enc, 1), MFA_OK);
	assert_string_equal(enc, "");
	assert_int_equal(base32_encode(NULL, 1, enc, 8), MFA_ERR_INVAL);
	assert_int_equal(base32_encode((const unsigned char *)"f", 1, NULL,
	    8), MFA_ERR_INVAL);
}

static void
test_base32_roundtrip(void **state)
{
	unsigned char	 in[80], dec[80];
	char		 enc[8 * 16 + 1];
	size_t		 n, len;
	int		 k;

	(void)state;
	for (k = 0; k < 20; k++) {
		for (len = 0; len <= sizeof(in); len++) {
			assert_int_equal(RAND_bytes(in, (int)sizeof(in)), 1);
			assert_int_equal(base32_encode(in, len, enc,
			    sizeof(enc)), MFA_OK);
			assert_int_equal(strlen(enc), (len * 8 + 4) / 5);
			n = 999;
			assert_int_equal(base32_decode(enc, dec, sizeof(dec),
			    &n), MFA_OK);
			assert_int_equal(n, len);
			assert_memory_equal(dec, in, len);
		}
	}
}

static void
test_pct_encode(void **state)
{
	char	out[128];

	(void)state;
	assert_int_equal(uri_pct_encode("AZaz09-._~", out, sizeof(out)),
	    MFA_OK);
	assert_string_equal(out, "AZaz09-._~");
	assert_int_equal(uri_pct_encode("a b:c&d/e?f=g#h%i+j@k", out,
	    sizeof(out)), MFA_OK);
	assert_string_equal(out,
	    "a%20b%3Ac%26d%2Fe%3Ff%3Dg%23h%25i%2Bj%40k");
	assert_int_equal(uri_pct_encode("caf\xc3\xa9 \xe2\x82\xac\x7f\x01",
	    out, sizeof(out)), MFA_OK);
	assert_string_equal(out, "caf%C3%A9%20%E2%82%AC%7F%01");
	assert_int_equal(uri_pct_encode("", out, sizeof(out)), MFA_OK);
	assert_string_equal(out, "");
	/* exact fit, and one byte short */
	memset(out, 'X', sizeof(out));
	assert_int_equal(uri_pct_encode("a b", out, 5), MFA_ERR_TOOBIG);
	assert_int_equal(out[0], 'X');
	assert_int_equal(uri_pct_encode("a b", out, 6), MFA_OK);
	assert_string_equal(out, "a%20b");
	assert_int_equal(uri_pct_encode(NULL, out, 6), MFA_ERR_INVAL);
	assert_int_equal(uri_pct_encode("a", NULL, 6), MFA_ERR_INVAL);
}

static void
test_pct_decode(void **state)
{
	static const char *const bad[] = {
		"%",		/* truncated or malformed escapes */
		"a%",
		"a%4",
		"%G0",
		"%0G",
		"%%41",
		"%-1",
		"%00",		/* NUL and control characters */
		"a%00b",
		"%0A",
		"%0d",
		"%1F",
		"%7f",
		"a b",		/* raw space, control, DEL, 8-bit */
		"a\tb",
		"a\nb",
		"a\x7f",
		"caf\xc3\xa9",
	};
	char	out[64], back[64];
	size_t	i;

	(void)state;
	assert_int_equal(uri_pct_decode("a%20b%3Ac%26d", out, sizeof(out)),
	    MFA_OK);
	assert_string_equal(out, "a b:c&d");
	assert_int_equal(uri_pct_decode("%3a%2f%c3%a9", out, sizeof(out)),
	    MFA_OK);
	assert_string_equal(out, ":/\xc3\xa9");
	assert_int_equal(uri_pct_decode("plain-label_1.~", out, sizeof(out)),
	    MFA_OK);
	assert_string_equal(out, "plain-label_1.~");
	assert_int_equal(uri_pct_decode("", out, sizeof(out)), MFA_OK);
	assert_string_equal(out, "");
	/* round trip through the encoder */
	assert_int_equal(uri_pct_encode("Bob's phone: \xe2\x98\x8e & co", out,
	    sizeof(out)), MFA_OK);
	assert_int_equal(uri_pct_decode(out, back, sizeof(back)), MFA_OK);
	assert_string_equal(back, "Bob's phone: \xe2\x98\x8e & co");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'X', sizeof(out));
		if (uri_pct_decode(bad[i], out, sizeof(out)) !=
		    MFA_ERR_FORMAT)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(out[0], 'X');
	}
	/* output size: "a b" needs 4 bytes */
	memset(out, 'X', sizeof(out));
	assert_int_equal(uri_pct_decode("a%20b", out, 3), MFA_ERR_TOOBIG);
	assert_int_equal(out[0], 'X');
	assert_int_equal(uri_pct_decode("a%20b", out, 4), MFA_OK);
	assert_string_equal(out, "a b");
	assert_int_equal(uri_pct_decode(NULL, out, 4), MFA_ERR_INVAL);
	assert_int_equal(uri_pct_decode("a", NULL, 4), MFA_ERR_INVAL);
}

static void
uri_cred(struct mfa_cred *c, int alg, unsigned digits, unsigned period)
{
	memset(c, 0, sizeof(*c));
	c->id = 1;
	c->type = MFA_CRED_TOTP;
	c->algorithm = alg;
	c->digits = digits;
	c->period = period;
	memcpy(c->secret, "12345678901234567890", 20);
	c->secret_len = 20;
}

static void
test_otpauth(void **state)
{
	struct mfa_cred	 c;
	char		*uri = NULL, want[200];
	const char	*p;

	(void)state;
	uri_cred(&c, MFA_TOTP_SHA1, 6, 30);
	assert_int_equal(otpauth_uri(&c, "alice", "ACME", &uri), MFA_OK);
	assert_string_equal(uri, "otpauth://totp/ACME:alice?"
	    "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"
	    "&algorithm=SHA1&digits=6&period=30");
	mfa_secret_free(&uri);
	assert_null(uri);

	/* spaces, ':', '&', '@' and UTF-8 in both parts */
	uri_cred(&c, MFA_TOTP_SHA256, 8, 60);
	assert_int_equal(otpauth_uri(&c, "alice smith@host:1&x",
	    "ACME Co. \xc3\x89tat", &uri), MFA_OK);
	assert_string_equal(uri, "otpauth://totp/ACME%20Co.%20%C3%89tat:"
	    "alice%20smith%40host%3A1%26x?"
	    "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&issuer=ACME%20Co.%20%C3%89tat&algorithm=SHA256&digits=8"
	    "&period=60");
	mfa_secret_free(&uri);

	/* no issuer: label is the account alone */
	uri_cred(&c, MFA_TOTP_SHA512, 7, 30);
	assert_int_equal(otpauth_uri(&c, "bob", NULL, &uri), MFA_OK);
	assert_string_equal(uri, "otpauth://totp/bob?"
	    "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&algorithm=SHA512&digits=7&period=30");
	mfa_secret_free(&uri);
	assert_int_equal(otpauth_uri(&c, "bob", "", &uri), MFA_OK);
	assert_string_equal(uri, "otpauth://totp/bob?"
	    "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&algorithm=SHA512&digits=7&period=30");
	mfa_secret_free(&uri);

	/* a 64-byte secret (SHA-512 size) fits: 102 x '7' and 'Y' */
	memset(c.secret, 0xff, 64);
	c.secret_len = 64;
	memset(want, '7', 102);
	snprintf(want + 102, sizeof(want) - 102,
	    "Y&issuer=X&algorithm=SHA512&digits=7&period=30");
	assert_int_equal(otpauth_uri(&c, "bob", "X", &uri), MFA_OK);
	assert_non_null(p = strstr(uri, "?secret="));
	assert_string_equal(p + strlen("?secret="), want);
	mfa_secret_free(&uri);
}

static void
test_otpauth_invalid(void **state)
{
	struct mfa_cred	 c;
	char		*uri = NULL, big[300];

	(void)state;
	uri_cred(&c, MFA_TOTP_SHA1, 6, 30);
	assert_int_equal(otpauth_uri(NULL, "a", "b", &uri), MFA_ERR_INVAL);
	assert_int_equal(otpauth_uri(&c, NULL, "b", &uri), MFA_ERR_INVAL);
	assert_int_equal(otpauth_uri(&c, "", "b", &uri), MFA_ERR_INVAL);
	assert_int_equal(otpauth_uri(&c, "a", "b", NULL), MFA_ERR_INVAL);
	c.algorithm = 9;
	assert_int_equal(otpauth_uri(&c, "a", "b", &uri), MFA_ERR_INVAL);
	uri_cred(&c, MFA_TOTP_SHA1, 5, 30);
	assert_int_equal(otpauth_uri(&c, "a", "b", &uri), MFA_ERR_INVAL);
	uri_cred(&c, MFA_TOTP_SHA1, 6, 0);
	assert_int_equal(otpauth_uri(&c, "a", "b", &uri), MFA_ERR_INVAL);
	uri_cred(&c, MFA_TOTP_SHA1, 6, 30);
	c.secret_len = 0;
	assert_int_equal(otpauth_uri(&c, "a", "b", &uri), MFA_ERR_INVAL);
	uri_cred(&c, MFA_TOTP_SHA1, 6, 30);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(otpauth_uri(&c, big, "b", &uri), MFA_ERR_TOOBIG);
	assert_int_equal(otpauth_uri(&c, "a", big, &uri), MFA_ERR_TOOBIG);
	assert_null(uri);
}

static void
test_secret_free(void **state)
{
	char	*s = NULL;

	(void)state;
	mfa_secret_free(NULL);
	mfa_secret_free(&s);
	assert_null(s);
	assert_non_null(s = strdup("otpauth://totp/x?secret=ABC"));
	mfa_secret_free(&s);
	assert_null(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base32_vectors),
		cmocka_unit_test(test_base32_reject),
		cmocka_unit_test(test_base32_encode_limits),
		cmocka_unit_test(test_base32_roundtrip),
		cmocka_unit_test(test_pct_encode),
		cmocka_unit_test(test_pct_decode),
		cmocka_unit_test(test_otpauth),
		cmocka_unit_test(test_otpauth_invalid),
		cmocka_unit_test(test_secret_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
