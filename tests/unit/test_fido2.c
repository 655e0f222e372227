/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FIDO2 without a device: the encodings (fido2_codec.c), the fido2
 * store record (storefmt.c: round trip and every rejection), the
 * getters (cred.c), authenticator data framing, error mapping and the
 * RP ID (fido2.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <fido.h>

#include "util.h"

#define HEAD	"pam_mfa-store 1\nuser alice\nnext-id 9\n"
#define AAGUID	"766669646f2d746573742d6b65792d31"
#define TOTP	"totp 1 status=active alg=sha1 digits=6 period=30 " \
		"created=0 label=phone secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

/* ---- helpers ------------------------------------------------------ */

/* DER SPKI of a fresh key of alg, base64 in out. */
static size_t
der_key(int alg, unsigned char *der, size_t cap)
{
	EVP_PKEY	*pk = NULL;
	unsigned char	*buf = NULL;
	int		 n;

	switch (alg) {
	case MFA_COSE_ES256:
		pk = EVP_EC_gen("P-256");
		break;
	case MFA_COSE_EDDSA:
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case MFA_COSE_RS256:
		pk = EVP_RSA_gen(2048);
		break;
	case 0:		/* P-384: a key of no accepted algorithm */
		pk = EVP_EC_gen("P-384");
		break;
	}
	assert_non_null(pk);
	n = i2d_PUBKEY(pk, &buf);
	assert_true(n > 0 && (size_t)n <= cap);
	memcpy(der, buf, (size_t)n);
	OPENSSL_free(buf);
	EVP_PKEY_free(pk);
	return (size_t)n;
}

static char *
b64(const unsigned char *p, size_t n, int url)
{
	char	*out;

	assert_non_null(out = malloc(4 * ((n + 2) / 3) + 1));
	assert_int_equal(b64_encode(p, n, url, out, 4 * ((n + 2) / 3) + 1),
	    MFA_OK);
	return out;
}

static struct mfa_user *
user_new(void)
{
	struct mfa_user	*u;

	assert_non_null(u = calloc(1, sizeof(*u)));
	memcpy(u->name, "alice", sizeof("alice"));
	return u;
}

/* A valid es256 fido2 record with id, credential id byte fill. */
static char *
record(unsigned id, unsigned char fill, const char *pubkey_b64)
{
	unsigned char	 credid[64];
	char		*cid, *rec;

	memset(credid, fill, sizeof(credid));
	cid = b64(credid, sizeof(credid), 1);
	assert_non_null(rec = malloc(4096));
	snprintf(rec, 4096, "fido2 %u status=active alg=es256 "
	    "created=1700000000 label=yubi%%20key credid=%s pubkey=%s "
	    "aaguid=" AAGUID " uv=1 up=1", id, cid, pubkey_b64);
	free(cid);
	return rec;
}

/* ---- codec ---------------------------------------------------------- */

static void
test_base64(void **state)
{
	static const struct {
		const char	*in;
		int		 url;
		const char	*out;
	} vec[] = {		/* RFC 4648 section 10 */
		{ "f", 0, "Zg==" }, { "fo", 0, "Zm8=" }, { "foo", 0, "Zm9v" },
		{ "foob", 0, "Zm9vYg==" }, { "fooba", 0, "Zm9vYmE=" },
		{ "foobar", 0, "Zm9vYmFy" },
		{ "f", 1, "Zg" }, { "fo", 1, "Zm8" },
		{ "foobar", 1, "Zm9vYmFy" },
		{ "\xfb\xff", 1, "-_8" }, { "\xfb\xff", 0, "+/8=" },
	};
	static const struct {
		const char	*in;
		int		 url;
	} bad[] = {
		{ "", 0 }, { "", 1 }, { "Z", 1 }, { "Zg", 0 }, { "Zg=", 0 },
		{ "Zg===", 0 }, { "Zh==", 0 }, { "Zm9=", 0 }, { "Zh", 1 },
		{ "Zm9", 0 }, { "Zg==", 1 }, { "Zm 9v", 0 }, { "Zm9v\n", 0 },
		{ "-_8=", 0 }, { "+/8", 1 }, { "Zm=v", 0 }, { "====", 0 },
		{ "Z===", 0 }, { "Zm9vYg==Zm9v", 0 }, { "Zm9v!A==", 0 },
	};
	unsigned char	 buf[64], rnd[64], out[64];
	char		 enc[128];
	size_t		 i, n, len;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		len = strlen(vec[i].in);
		assert_int_equal(b64_encode((const unsigned char *)vec[i].in,
		    len, vec[i].url, enc, sizeof(enc)), MFA_OK);
		assert_string_equal(enc, vec[i].out);
		assert_int_equal(b64_decode(vec[i].out, vec[i].url, buf,
		    sizeof(buf), &n), MFA_OK);
		assert_int_equal(n, len);
		assert_memory_equal(buf, vec[i].in, len);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 12345;
		if (b64_decode(bad[i].in, bad[i].url, buf, sizeof(buf), &n) !=
		    MFA_ERR_FORMAT)
			fail_msg("\"%s\" (url %d) accepted", bad[i].in,
			    bad[i].url);
		assert_int_equal(n, 12345);	/* untouched */
	}
	/* Every length round-trips both ways. */
	assert_int_equal(RAND_bytes(rnd, sizeof(rnd)), 1);
	for (len = 1; len <= sizeof(rnd); len++) {
		assert_int_equal(b64_encode(rnd, len, 1, enc, sizeof(enc)),
		    MFA_OK);
		assert_null(strchr(enc, '='));
		assert_int_equal(b64_decode(enc, 1, out, sizeof(out), &n),
		    MFA_OK);
		assert_int_equal(n, len);
		assert_memory_equal(out, rnd, len);
		assert_int_equal(b64_encode(rnd, len, 0, enc, sizeof(enc)),
		    MFA_OK);
		assert_int_equal(strlen(enc) % 4, 0);
		assert_int_equal(b64_decode(enc, 0, out, sizeof(out), &n),
		    MFA_OK);
		assert_int_equal(n, len);
		assert_memory_equal(out, rnd, len);
	}
	/* Output caps on both sides. */
	assert_int_equal(b64_decode("Zm9vYmFy", 0, buf, 5, &n),
	    MFA_ERR_TOOBIG);
	assert_int_equal(b64_decode("Zm9vYmFy", 0, buf, 6, &n), MFA_OK);
	assert_int_equal(b64_encode(rnd, 3, 0, enc, 4), MFA_ERR_INVAL);
	assert_int_equal(b64_encode(rnd, 3, 0, enc, 5), MFA_OK);
}

static void
test_hex(void **state)
{
	unsigned char	in[16], out[16];
	char		hex[33];

	(void)state;
	assert_int_equal(RAND_bytes(in, sizeof(in)), 1);
	assert_int_equal(hex_encode(in, sizeof(in), hex, sizeof(hex)),
	    MFA_OK);
	assert_int_equal(strlen(hex), 32);
	assert_int_equal(hex_decode(hex, out, sizeof(out)), MFA_OK);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(hex_encode(in, sizeof(in), hex, 32), MFA_ERR_INVAL);
	assert_int_equal(hex_decode(AAGUID, out, 16), MFA_OK);
	assert_memory_equal(out, "vfido-test-key-1", 16);
	assert_int_equal(hex_decode("766669646F2D746573742D6B65792D31", out,
	    16), MFA_ERR_FORMAT);			/* upper case */
	assert_int_equal(hex_decode(AAGUID "00", out, 16), MFA_ERR_FORMAT);
	assert_int_equal(hex_decode("766669646f2d746573742d6b65792d3", out,
	    16), MFA_ERR_FORMAT);
	assert_int_equal(hex_decode("g66669646f2d746573742d6b65792d31", out,
	    16), MFA_ERR_FORMAT);
}

static void
test_alg_names(void **state)
{
	int	alg = 0;

	(void)state;
	assert_string_equal(fido2_alg_name(MFA_COSE_ES256), "es256");
	assert_string_equal(fido2_alg_name(MFA_COSE_EDDSA), "eddsa");
	assert_string_equal(fido2_alg_name(MFA_COSE_RS256), "rs256");
	assert_null(fido2_alg_name(-35));
	assert_int_equal(fido2_alg_parse("eddsa", &alg), MFA_OK);
	assert_int_equal(alg, MFA_COSE_EDDSA);
	assert_int_equal(fido2_alg_parse("ES256", &alg), MFA_ERR_INVAL);
	assert_int_equal(fido2_alg_parse("es384", &alg), MFA_ERR_INVAL);
	assert_int_equal(fido2_alg_parse("", &alg), MFA_ERR_INVAL);
}

static void
test_pubkey(void **state)
{
	static const int algs[] = {
		MFA_COSE_ES256, MFA_COSE_EDDSA, MFA_COSE_RS256
	};
	unsigned char	der[MFA_FIDO2_PUBKEY_MAX + 8], raw[64];
	unsigned char	der2[MFA_FIDO2_PUBKEY_MAX];
	void		*pk = NULL;
	size_t		 i, j, n, n2;

	(void)state;
	for (i = 0; i < 3; i++) {
		n = der_key(algs[i], der, sizeof(der));
		assert_int_equal(fido2_pubkey_check(algs[i], der, n), MFA_OK);
		for (j = 0; j < 3; j++)
			if (j != i)
				assert_int_equal(fido2_pubkey_check(algs[j],
				    der, n), MFA_ERR_FORMAT);
		/* Trailing garbage, truncation, one flipped tag. */
		der[n] = 0;
		assert_int_equal(fido2_pubkey_check(algs[i], der, n + 1),
		    MFA_ERR_FORMAT);
		assert_int_equal(fido2_pubkey_check(algs[i], der, n - 1),
		    MFA_ERR_FORMAT);
		der[0] ^= 0x20;
		assert_int_equal(fido2_pubkey_check(algs[i], der, n),
		    MFA_ERR_FORMAT);
		der[0] ^= 0x20;
		assert_int_equal(fido2_pk_load(algs[i], der, n, &pk), MFA_OK);
		assert_non_null(pk);
		fido2_pk_free(algs[i], &pk);
		assert_null(pk);
	}
	n = der_key(0, der, sizeof(der));		/* P-384 */
	assert_int_equal(fido2_pubkey_check(MFA_COSE_ES256, der, n),
	    MFA_ERR_FORMAT);
	assert_int_equal(fido2_pk_load(MFA_COSE_ES256, der, n, &pk),
	    MFA_ERR_FORMAT);
	assert_int_equal(fido2_pubkey_check(MFA_COSE_ES256, der, 0),
	    MFA_ERR_FORMAT);

	/* libfido2's raw x||y -> DER: the point is the DER's last 64. */
	n = der_key(MFA_COSE_ES256, der, sizeof(der));
	memcpy(raw, der + n - 64, 64);
	assert_int_equal(der[n - 65], 0x04);		/* uncompressed */
	assert_int_equal(fido2_pubkey_der(MFA_COSE_ES256, raw, 64, der2,
	    sizeof(der2), &n2), MFA_OK);
	assert_int_equal(n2, n);
	assert_memory_equal(der2, der, n);
	assert_int_equal(fido2_pubkey_der(MFA_COSE_ES256, raw, 63, der2,
	    sizeof(der2), &n2), MFA_ERR_DEVICE);
	memset(raw, 0x11, sizeof(raw));		/* not on the curve */
	assert_int_equal(fido2_pubkey_der(MFA_COSE_ES256, raw, 64, der2,
	    sizeof(der2), &n2), MFA_ERR_DEVICE);
	n = der_key(MFA_COSE_EDDSA, der, sizeof(der));
	assert_int_equal(fido2_pubkey_der(MFA_COSE_EDDSA, der + n - 32, 32,
	    der2, sizeof(der2), &n2), MFA_OK);
	assert_int_equal(n2, n);
	assert_memory_equal(der2, der, n);
}

/* ---- the store record --------------------------------------------- */

static char *edit(const char *, const char *, const char *);

static void
test_record_round_trip(void **state)
{
	struct mfa_user		*u = user_new();
	const mfa_cred_t	*c;
	unsigned char		 der[MFA_FIDO2_PUBKEY_MAX];
	char			*pk, *r1, *r3, *text, *pend, *out = NULL;
	size_t			 n, len;

	(void)state;
	n = der_key(MFA_COSE_ES256, der, sizeof(der));
	pk = b64(der, n, 0);
	r1 = record(2, 0xa5, pk);
	r3 = record(3, 0x5a, pk);
	assert_non_null(text = malloc(16384));
	len = (size_t)snprintf(text, 16384, HEAD TOTP "\n%s\n%s\n", r1, r3);
	/* The counter comes from the state already read. */
	u->state.ncreds = 1;
	u->state.creds[0].id = 3;
	u->state.creds[0].counter = 41;
	assert_int_equal(store_parse(u, text, len), MFA_OK);
	assert_int_equal(u->ncreds, 3);
	c = mfa_user_cred(u, 1);
	assert_int_equal(mfa_cred_type(c), MFA_CRED_FIDO2);
	assert_int_equal(mfa_cred_id(c), 2);
	assert_int_equal(mfa_cred_status(c), MFA_STATUS_ACTIVE);
	assert_string_equal(mfa_cred_label(c), "yubi key");
	assert_int_equal(mfa_cred_created(c), 1700000000);
	assert_string_equal(mfa_cred_fido2_algorithm(c), "es256");
	assert_string_equal(mfa_cred_fido2_aaguid(c), AAGUID);
	assert_int_equal(mfa_cred_fido2_counter(c), 0);
	assert_int_equal(mfa_cred_totp_algorithm(c), -1);
	assert_int_equal(mfa_cred_totp_digits(c), 0);
	assert_int_equal(u->creds[1].credid_len, 64);
	assert_int_equal(u->creds[1].credid[0], 0xa5);
	assert_int_equal(u->creds[1].pubkey_len, n);
	assert_memory_equal(u->creds[1].pubkey, der, n);
	assert_int_equal(u->creds[1].reg_uv, 1);
	assert_int_equal(u->creds[1].reg_up, 1);
	assert_int_equal(mfa_cred_fido2_counter(mfa_user_cred(u, 2)), 41);
	/* TOTP credentials have no FIDO2 details. */
	assert_null(mfa_cred_fido2_algorithm(mfa_user_cred(u, 0)));
	assert_null(mfa_cred_fido2_aaguid(mfa_user_cred(u, 0)));
	assert_int_equal(mfa_cred_fido2_counter(mfa_user_cred(u, 0)), 0);
	assert_null(mfa_cred_fido2_algorithm(NULL));
	assert_true(mfa_user_has_factor(u, MFA_FACTOR_FIDO2));
	assert_true(mfa_user_has_factor(u, MFA_FACTOR_TOTP));

	/* Formatting gives back exactly the same text. */
	assert_int_equal(store_format(u, &out, &n), MFA_OK);
	assert_int_equal(n, len);
	assert_memory_equal(out, text, len);
	free(out);

	/* Pending keys do not count as the factor. */
	pend = edit(r1, "status", "status=pending");
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", pend);
	free(pend);
	assert_int_equal(store_parse(u, text, len), MFA_OK);
	assert_int_equal(u->ncreds, 1);
	assert_int_equal(mfa_cred_status(mfa_user_cred(u, 0)),
	    MFA_STATUS_PENDING);
	assert_false(mfa_user_has_factor(u, MFA_FACTOR_FIDO2));
	assert_int_equal(store_format(u, &out, &n), MFA_OK);
	assert_int_equal(n, len);
	assert_memory_equal(out, text, len);
	free(out);

	free(text);
	free(r1);
	free(r3);
	free(pk);
	free(u);
}

/* Replaces "KEY=..." in rec by repl (NULL: drops the field). */
static char *
edit(const char *rec, const char *key, const char *repl)
{
	const char	*s, *e;
	char		*out;
	size_t		 klen = strlen(key);

	assert_non_null(out = malloc(strlen(rec) + 4096));
	for (s = rec; (s = strstr(s, key)) != NULL; s++)
		if (s[-1] == ' ' && s[klen] == '=')
			break;
	assert_non_null(s);
	e = strchr(s, ' ');
	if (e == NULL)
		e = s + strlen(s);
	/* The record up to the key (less its space when it ends the
	 * record and is dropped), the replacement, the rest. */
	(void)snprintf(out, strlen(rec) + 4096, "%.*s%s%s",
	    (int)(s - rec) - (repl == NULL && s[-1] == ' ' && *e == '\0'),
	    rec, repl != NULL ? repl : "",
	    repl == NULL && *e == ' ' ? e + 1 : e);
	return out;
}

static void
test_record_rejects(void **state)
{
	struct mfa_user	*u = user_new();
	unsigned char	 der[MFA_FIDO2_PUBKEY_MAX], big[MFA_FIDO2_CREDID_MAX +
			     1];
	char		*pk, *pk_ed, *pk_p384, *rec, *bad, *text, *cid;
	char		 field[4096];
	size_t		 n, len, i;
	const struct {
		const char	*key;
		const char	*repl;
	} cases[] = {
		{ "status", NULL }, { "alg", NULL }, { "created", NULL },
		{ "label", NULL }, { "credid", NULL }, { "pubkey", NULL },
		{ "aaguid", NULL }, { "uv", NULL }, { "up", NULL },
		{ "status", "status=revoked" }, { "status", "status=" },
		{ "status", "status=ACTIVE" },
		{ "alg", "alg=es384" }, { "alg", "alg=ES256" },
		{ "alg", "alg=rs256" }, { "alg", "alg=eddsa" },
		{ "created", "created=-1" }, { "created", "created=01" },
		{ "created", "created=1e9" }, { "created",
		    "created=99999999999999999999" },
		{ "label", "label=" }, { "label", "label=a%0Ab" },
		{ "label", "label=a%zz" }, { "label", "label=%00" },
		{ "credid", "credid=" }, { "credid", "credid=AA==" },
		{ "credid", "credid=A" }, { "credid", "credid=AB" },
		{ "credid", "credid=A+" }, { "credid", "credid=A/" },
		{ "aaguid", "aaguid=" }, { "aaguid",
		    "aaguid=766669646F2D746573742D6B65792D31" },
		{ "aaguid", "aaguid=766669646f2d746573742d6b65792d3100" },
		{ "aaguid", "aaguid=766669646f2d746573742d6b65792d3" },
		{ "aaguid", "aaguid=766669646f2d7465-73742d6b65792d31" },
		{ "uv", "uv=2" }, { "uv", "uv=yes" }, { "uv", "uv=" },
		{ "uv", "uv=01" }, { "up", "up=true" }, { "up", "up=-1" },
		{ "up", "bogus=1" }, { "uv", "uv=1 uv=1" },
		{ "status", "status=active status=active" },
		{ "pubkey", "pubkey=AAAA" }, { "pubkey", "pubkey=" },
		{ "up", "up=1 extra=1" },
	};

	(void)state;
	n = der_key(MFA_COSE_ES256, der, sizeof(der));
	pk = b64(der, n, 0);
	n = der_key(MFA_COSE_EDDSA, der, sizeof(der));
	pk_ed = b64(der, n, 0);
	n = der_key(0, der, sizeof(der));
	pk_p384 = b64(der, n, 0);
	rec = record(2, 0x11, pk);
	assert_non_null(text = malloc(16384));
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", rec);
	assert_int_equal(store_parse(u, text, len), MFA_OK);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = edit(rec, cases[i].key, cases[i].repl);
		assert_string_not_equal(bad, rec);
		len = (size_t)snprintf(text, 16384, HEAD "%s\n", bad);
		u->ncreds = 99;
		if (store_parse(u, text, len) != MFA_ERR_FORMAT)
			fail_msg("case %zu (%s -> %s) accepted: %s", i,
			    cases[i].key, cases[i].repl ? cases[i].repl :
			    "(none)", bad);
		assert_int_equal(u->ncreds, 99);
		free(bad);
	}

	/* The key must be of the algorithm named. */
	snprintf(field, sizeof(field), "pubkey=%s", pk_ed);
	bad = edit(rec, "pubkey", field);
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", bad);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	free(bad);
	bad = edit(rec, "alg", "alg=eddsa");
	free(rec);
	rec = edit(bad, "pubkey", field);
	free(bad);
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", rec);
	assert_int_equal(store_parse(u, text, len), MFA_OK);	/* eddsa ok */
	snprintf(field, sizeof(field), "pubkey=%s", pk_p384);
	bad = edit(rec, "pubkey", field);
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", bad);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	free(bad);
	/* A pubkey with a line break inside (as base64 tools wrap it). */
	snprintf(field, sizeof(field), "pubkey=%.20s\n%s", pk_ed, pk_ed + 20);
	bad = edit(rec, "pubkey", field);
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", bad);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	free(bad);

	/* The longest credential id fits; one byte more does not. */
	memset(big, 0x42, sizeof(big));
	cid = b64(big, MFA_FIDO2_CREDID_MAX, 1);
	snprintf(field, sizeof(field), "credid=%s", cid);
	free(cid);
	bad = edit(rec, "credid", field);
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", bad);
	assert_int_equal(store_parse(u, text, len), MFA_OK);
	assert_int_equal(u->creds[0].credid_len, MFA_FIDO2_CREDID_MAX);
	free(bad);
	cid = b64(big, MFA_FIDO2_CREDID_MAX + 1, 1);
	snprintf(field, sizeof(field), "credid=%s", cid);
	free(cid);
	bad = edit(rec, "credid", field);
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", bad);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	free(bad);

	/* Token count: a missing id, an id of 0, an id >= next-id. */
	len = (size_t)snprintf(text, 16384, HEAD "%s\n", rec + 8);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	len = (size_t)snprintf(text, 16384, HEAD "fido2 0%s\n", rec + 7);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	len = (size_t)snprintf(text, 16384, HEAD "fido2 9%s\n", rec + 7);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	len = (size_t)snprintf(text, 16384, HEAD "fido2 8%s\n", rec + 7);
	assert_int_equal(store_parse(u, text, len), MFA_OK);
	/* Two spaces, a trailing space, a tab. */
	len = (size_t)snprintf(text, 16384, HEAD "fido2 8 %s\n", rec + 7);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	len = (size_t)snprintf(text, 16384, HEAD "%s \n", rec);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	len = (size_t)snprintf(text, 16384, HEAD "fido2\t8%s\n", rec + 7);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	/* The same id twice; the same key (credential id) twice. */
	len = (size_t)snprintf(text, 16384, HEAD "%s\n%s\n", rec, rec);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	len = (size_t)snprintf(text, 16384, HEAD "%s\nfido2 3%s\n", rec,
	    rec + 7);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);
	/* A totp record with the same id as a fido2 one. */
	len = (size_t)snprintf(text, 16384, HEAD "%s\ntotp 2%s\n", rec,
	    TOTP + 6);
	assert_int_equal(store_parse(u, text, len), MFA_ERR_FORMAT);

	free(text);
	free(rec);
	free(pk);
	free(pk_ed);
	free(pk_p384);
	free(u);
}

/* The formatter refuses what the parser would refuse. */
static void
test_format_rejects(void **state)
{
	struct mfa_user	*u = user_new();
	struct mfa_cred	*c;
	char		*out = NULL;
	size_t		 len;

	(void)state;
	u->next_id = 3;
	u->ncreds = 1;
	c = &u->creds[0];
	c->id = 2;
	c->type = MFA_CRED_FIDO2;
	c->status = MFA_STATUS_ACTIVE;
	memcpy(c->label, "key", 4);
	c->fido2_alg = MFA_COSE_ES256;
	c->credid_len = 16;
	c->pubkey_len = der_key(MFA_COSE_ES256, c->pubkey,
	    sizeof(c->pubkey));
	c->reg_uv = 1;
	c->reg_up = 1;
	assert_int_equal(store_format(u, &out, &len), MFA_OK);
	assert_non_null(strstr(out, "fido2 2 status=active alg=es256 "
	    "created=0 label=key credid=AAAAAAAAAAAAAAAAAAAAAA pubkey="));
	assert_non_null(strstr(out, " aaguid=00000000000000000000000000000000"
	    " uv=1 up=1\n"));
	free(out);
	c->fido2_alg = MFA_COSE_EDDSA;		/* key of another alg */
	assert_int_equal(store_format(u, &out, &len), MFA_ERR_INVAL);
	c->fido2_alg = MFA_COSE_ES256;
	c->credid_len = 0;
	assert_int_equal(store_format(u, &out, &len), MFA_ERR_INVAL);
	c->credid_len = 16;
	c->reg_uv = 2;
	assert_int_equal(store_format(u, &out, &len), MFA_ERR_INVAL);
	c->reg_uv = 0;
	c->pubkey_len = 0;
	assert_int_equal(store_format(u, &out, &len), MFA_ERR_INVAL);
	free(u);
}

/* ---- fido2.c helpers ------------------------------------------------ */

static void
test_authdata_raw(void **state)
{
	unsigned char		 buf[400];
	const unsigned char	*raw = NULL;
	size_t			 n = 0;

	(void)state;
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x58;
	buf[1] = 37;
	assert_int_equal(fido2_authdata_raw(buf, 39, &raw, &n), MFA_OK);
	assert_ptr_equal(raw, buf + 2);
	assert_int_equal(n, 37);
	assert_int_equal(fido2_authdata_raw(buf, 40, &raw, &n),
	    MFA_ERR_DEVICE);			/* trailing byte */
	assert_int_equal(fido2_authdata_raw(buf, 38, &raw, &n),
	    MFA_ERR_DEVICE);			/* truncated */
	buf[1] = 36;
	assert_int_equal(fido2_authdata_raw(buf, 38, &raw, &n),
	    MFA_ERR_DEVICE);			/* too short */
	buf[0] = 0x59;
	buf[1] = 0x01;
	buf[2] = 0x2c;
	assert_int_equal(fido2_authdata_raw(buf, 303, &raw, &n), MFA_OK);
	assert_int_equal(n, 300);
	buf[0] = 0x5f;				/* indefinite length */
	assert_int_equal(fido2_authdata_raw(buf, 303, &raw, &n),
	    MFA_ERR_DEVICE);
	buf[0] = 0x78;				/* a text string */
	buf[1] = 37;
	assert_int_equal(fido2_authdata_raw(buf, 39, &raw, &n),
	    MFA_ERR_DEVICE);
	buf[0] = 0x5a;				/* 4-byte length */
	assert_int_equal(fido2_authdata_raw(buf, 300, &raw, &n),
	    MFA_ERR_DEVICE);
	assert_int_equal(fido2_authdata_raw(NULL, 0, &raw, &n),
	    MFA_ERR_DEVICE);
}

static void
test_error_map(void **state)
{
	(void)state;
	assert_int_equal(fido2_error(FIDO_OK, 0, 30), MFA_OK);
	assert_int_equal(fido2_error(FIDO_ERR_PIN_INVALID, 0, 30),
	    MFA_ERR_BADPIN);
	assert_int_equal(fido2_error(FIDO_ERR_PIN_BLOCKED, 0, 30),
	    MFA_ERR_BADPIN);
	assert_int_equal(fido2_error(FIDO_ERR_PIN_AUTH_BLOCKED, 0, 30),
	    MFA_ERR_BADPIN);
	assert_int_equal(fido2_error(FIDO_ERR_PIN_REQUIRED, 0, 30),
	    MFA_ERR_UV);
	assert_int_equal(fido2_error(FIDO_ERR_ACTION_TIMEOUT, 0, 30),
	    MFA_ERR_TIMEOUT);
	assert_int_equal(fido2_error(FIDO_ERR_OPERATION_DENIED, 0, 30),
	    MFA_ERR_TIMEOUT);
	assert_int_equal(fido2_error(FIDO_ERR_NO_CREDENTIALS, 0, 30),
	    MFA_ERR_NOTFOUND);
	assert_int_equal(fido2_error(FIDO_ERR_CREDENTIAL_EXCLUDED, 0, 30),
	    MFA_ERR_EXCLUDED);
	assert_int_equal(fido2_error(FIDO_ERR_INVALID_SIG, 0, 30),
	    MFA_ERR_BADSIG);
	assert_int_equal(fido2_error(FIDO_ERR_INVALID_CBOR, 0, 30),
	    MFA_ERR_DEVICE);
	assert_int_equal(fido2_error(FIDO_ERR_RX_INVALID_CBOR, 0, 30),
	    MFA_ERR_DEVICE);
	/* A receive failure: silence for the whole timeout, or garbage. */
	assert_int_equal(fido2_error(FIDO_ERR_RX, 30000, 30),
	    MFA_ERR_TIMEOUT);
	assert_int_equal(fido2_error(FIDO_ERR_RX, 29800, 30),
	    MFA_ERR_TIMEOUT);
	assert_int_equal(fido2_error(FIDO_ERR_RX, 100, 30), MFA_ERR_DEVICE);
	assert_int_equal(fido2_error(FIDO_ERR_TX, 5, 1), MFA_ERR_DEVICE);
}

static void
test_rp_id(void **state)
{
	mfa_ctx_t	*ctx;
	char		 rp[MFA_RP_ID_MAX + 1], host[256], want[300];
	const char	*conf = "fido2_rp_id = pam://fleet.example\n";
	char		*dir, *path;

	(void)state;
	assert_non_null(ctx = mfa_ctx_new());
	memset(host, 0, sizeof(host));
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	snprintf(want, sizeof(want), "pam://%s", host);
	assert_int_equal(fido2_rp_id(ctx, rp, sizeof(rp)), MFA_OK);
	assert_string_equal(rp, want);
	assert_int_equal(fido2_rp_id(ctx, rp, 4), MFA_ERR_TOOBIG);
	if (geteuid() == 0) {
		dir = tu_mkstore();
		path = tu_path(dir, "pam_mfa.conf");
		tu_write(path, conf, strlen(conf), 0644);
		assert_int_equal(mfa_ctx_load_config(ctx, path), MFA_OK);
		assert_int_equal(fido2_rp_id(ctx, rp, sizeof(rp)), MFA_OK);
		assert_string_equal(rp, "pam://fleet.example");
		free(path);
		tu_rmstore(dir);
	}
	mfa_ctx_free(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_alg_names),
		cmocka_unit_test(test_pubkey),
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_record_rejects),
		cmocka_unit_test(test_format_rejects),
		cmocka_unit_test(test_authdata_raw),
		cmocka_unit_test(test_error_map),
		cmocka_unit_test(test_rp_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
