/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/totp.c: RFC 6238 vectors, window, replay, secrets, normalisation. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* RFC 6238 Appendix B seeds: "1234567890" repeated to the hash size. */
static void
seed_cred(struct mfa_cred *c, int algorithm, unsigned digits,
    unsigned period)
{
	static const char	ten[] = "1234567890";
	size_t			i, n;

	n = algorithm == MFA_TOTP_SHA1 ? 20 :
	    algorithm == MFA_TOTP_SHA256 ? 32 : 64;
	memset(c, 0, sizeof(*c));
	c->id = 1;
	c->type = MFA_CRED_TOTP;
	c->status = MFA_STATUS_ACTIVE;
	c->algorithm = algorithm;
	c->digits = digits;
	c->period = period;
	for (i = 0; i < n; i++)
		c->secret[i] = (unsigned char)ten[i % 10];
	c->secret_len = n;
}

static const struct {
	int64_t		 time;
	int		 algorithm;
	const char	*code;
} rfc6238[] = {
	{ 59,		MFA_TOTP_SHA1,		"94287082" },
	{ 59,		MFA_TOTP_SHA256,	"46119246" },
	{ 59,		MFA_TOTP_SHA512,	"90693936" },
	{ 1111111109,	MFA_TOTP_SHA1,		"07081804" },
	{ 1111111109,	MFA_TOTP_SHA256,	"68084774" },
	{ 1111111109,	MFA_TOTP_SHA512,	"25091201" },
	{ 1111111111,	MFA_TOTP_SHA1,		"14050471" },
	{ 1111111111,	MFA_TOTP_SHA256,	"67062674" },
	{ 1111111111,	MFA_TOTP_SHA512,	"99943326" },
	{ 1234567890,	MFA_TOTP_SHA1,		"89005924" },
	{ 1234567890,	MFA_TOTP_SHA256,	"91819424" },
	{ 1234567890,	MFA_TOTP_SHA512,	"93441116" },
	{ 2000000000,	MFA_TOTP_SHA1,		"69279037" },
	{ 2000000000,	MFA_TOTP_SHA256,	"90698825" },
	{ 2000000000,	MFA_TOTP_SHA512,	"38618901" },
	{ 20000000000,	MFA_TOTP_SHA1,		"65353130" },
	{ 20000000000,	MFA_TOTP_SHA256,	"77737706" },
	{ 20000000000,	MFA_TOTP_SHA512,	"47863826" },
};
#define NVEC	(sizeof(rfc6238) / sizeof(rfc6238[0]))

static void
test_rfc6238_vectors(void **state)
{
	struct mfa_cred	 c;
	char		 out[MFA_CODE_MAX + 1];
	uint64_t	 step;
	size_t		 i;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		seed_cred(&c, rfc6238[i].algorithm, 8, 30);
		memset(out, 'X', sizeof(out));
		assert_int_equal(totp_code(&c, (uint64_t)rfc6238[i].time / 30,
		    out), MFA_OK);
		assert_string_equal(out, rfc6238[i].code);
		/* and matched at that time, without a window */
		assert_int_equal(totp_match(&c, rfc6238[i].code,
		    rfc6238[i].time, 0, 0, &step), MFA_OK);
		assert_true(step == (uint64_t)rfc6238[i].time / 30);
	}
}

/* A 6-digit code is the low six digits of the 8-digit one. */
static void
test_six_digits(void **state)
{
	struct mfa_cred	 c;
	char		 out[MFA_CODE_MAX + 1];
	size_t		 i;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		seed_cred(&c, rfc6238[i].algorithm, 6, 30);
		assert_int_equal(totp_code(&c, (uint64_t)rfc6238[i].time / 30,
		    out), MFA_OK);
		assert_int_equal(strlen(out), 6);
		assert_string_equal(out, rfc6238[i].code + 2);
	}
	seed_cred(&c, MFA_TOTP_SHA1, 7, 30);
	assert_int_equal(totp_code(&c, 1, out), MFA_OK);
	assert_string_equal(out, "4287082");
}

static void
test_code_invalid(void **state)
{
	struct mfa_cred	 c;
	char		 out[MFA_CODE_MAX + 1];

	(void)state;
	memset(out, 'X', sizeof(out));
	seed_cred(&c, MFA_TOTP_SHA1, 5, 30);
	assert_int_equal(totp_code(&c, 1, out), MFA_ERR_INVAL);
	c.digits = 9;
	assert_int_equal(totp_code(&c, 1, out), MFA_ERR_INVAL);
	c.digits = 6;
	c.period = 0;
	assert_int_equal(totp_code(&c, 1, out), MFA_ERR_INVAL);
	c.period = 30;
	c.secret_len = 0;
	assert_int_equal(totp_code(&c, 1, out), MFA_ERR_INVAL);
	c.secret_len = MFA_SECRET_MAX + 1;
	assert_int_equal(totp_code(&c, 1, out), MFA_ERR_INVAL);
	c.secret_len = 20;
	c.algorithm = 3;
	assert_int_equal(totp_code(&c, 1, out), MFA_ERR_INVAL);
	c.algorithm = MFA_TOTP_SHA1;
	assert_int_equal(totp_code(&c, (uint64_t)INT64_MAX + 1, out),
	    MFA_ERR_INVAL);
	assert_int_equal(totp_code(NULL, 1, out), MFA_ERR_INVAL);
	assert_int_equal(totp_code(&c, 1, NULL), MFA_ERR_INVAL);
	/* out untouched by the failures */
	assert_memory_equal(out, "XXXXXXXXX", sizeof(out));
}

static void
test_period(void **state)
{
	struct mfa_cred	 c;
	char		 out[MFA_CODE_MAX + 1];
	uint64_t	 step = 0;

	(void)state;
	/* step 1 is t = 60..119 with a 60 s period */
	seed_cred(&c, MFA_TOTP_SHA1, 8, 60);
	assert_int_equal(totp_code(&c, 1, out), MFA_OK);
	assert_string_equal(out, "94287082");
	assert_int_equal(totp_match(&c, "94287082", 119, 0, 0, &step),
	    MFA_OK);
	assert_true(step == 1);
	assert_int_equal(totp_match(&c, "94287082", 59, 0, 0, &step),
	    MFA_ERR_BADCODE);
}

static void
test_window(void **state)
{
	struct mfa_cred	 c;
	char		 code[MFA_CODE_MAX + 1];
	const int64_t	 now = 1700000000;
	const uint64_t	 cur = (uint64_t)now / 30;
	uint64_t	 step = 0;
	int		 d;

	(void)state;
	seed_cred(&c, MFA_TOTP_SHA256, 6, 30);
	for (d = -1; d <= 1; d++) {
		assert_int_equal(totp_code(&c, cur + (uint64_t)d, code),
		    MFA_OK);
		step = 0;
		assert_int_equal(totp_match(&c, code, now, 1, 0, &step),
		    MFA_OK);
		assert_true(step == cur + (uint64_t)d);
		/* window 0 accepts only the current step */
		assert_int_equal(totp_match(&c, code, now, 0, 0, &step),
		    d == 0 ? MFA_OK : MFA_ERR_BADCODE);
	}
	/* two steps away: outside a window of 1, inside one of 2 */
	assert_int_equal(totp_code(&c, cur + 2, code), MFA_OK);
	step = 7;
	assert_int_equal(totp_match(&c, code, now, 1, 0, &step),
	    MFA_ERR_BADCODE);
	assert_true(step == 7);
	assert_int_equal(totp_match(&c, code, now, 2, 0, &step), MFA_OK);
	assert_true(step == cur + 2);
	assert_int_equal(totp_code(&c, cur - 2, code), MFA_OK);
	assert_int_equal(totp_match(&c, code, now, 1, 0, &step),
	    MFA_ERR_BADCODE);
	/* a code of the wrong length never matches */
	assert_int_equal(totp_code(&c, cur, code), MFA_OK);
	code[5] = '\0';
	assert_int_equal(totp_match(&c, code, now, 1, 0, &step),
	    MFA_ERR_BADCODE);
	assert_int_equal(totp_match(&c, "12345678", now, 1, 0, &step),
	    MFA_ERR_BADCODE);
}

/* Near the epoch the window is clamped at step 0. */
static void
test_window_clamp(void **state)
{
	struct mfa_cred	 c;
	uint64_t	 step = 99;

	(void)state;
	seed_cred(&c, MFA_TOTP_SHA1, 8, 30);
	/* step 1's code at t = 0: steps 0..5 are searched, not 2^64 - 5.. */
	assert_int_equal(totp_match(&c, "94287082", 0, 5, 0, &step), MFA_OK);
	assert_true(step == 1);
	step = 99;
	assert_int_equal(totp_match(&c, "94287082", 0, 5, UINT64_MAX,
	    &step), MFA_ERR_REPLAY);
	/* step 0's code is at or before after = 0 */
	assert_int_equal(totp_match(&c, "84755224", 10, 1, 0, &step),
	    MFA_ERR_REPLAY);
	assert_true(step == 99);
	assert_int_equal(totp_match(&c, "00000000", 10, 1, 0, &step),
	    MFA_ERR_BADCODE);
	assert_int_equal(totp_match(&c, "94287082", -1, 1, 0, &step),
	    MFA_ERR_INVAL);
	assert_int_equal(totp_match(&c, NULL, 10, 1, 0, &step),
	    MFA_ERR_INVAL);
	assert_int_equal(totp_match(&c, "94287082", 10, 1, 0, NULL),
	    MFA_ERR_INVAL);
	assert_int_equal(totp_match(NULL, "94287082", 10, 1, 0, &step),
	    MFA_ERR_INVAL);
}

static void
test_replay(void **state)
{
	struct mfa_cred	 c;
	char		 code[MFA_CODE_MAX + 1];
	const int64_t	 now = 1700000000;
	const uint64_t	 cur = (uint64_t)now / 30;
	uint64_t	 step = 0;

	(void)state;
	seed_cred(&c, MFA_TOTP_SHA512, 6, 30);
	assert_int_equal(totp_code(&c, cur, code), MFA_OK);
	assert_int_equal(totp_match(&c, code, now, 1, cur - 1, &step),
	    MFA_OK);
	assert_true(step == cur);
	/* the same code again, now that cur is recorded */
	step = 5;
	assert_int_equal(totp_match(&c, code, now, 1, cur, &step),
	    MFA_ERR_REPLAY);
	assert_true(step == 5);
	/* an older step's code, after a later one was used */
	assert_int_equal(totp_code(&c, cur - 1, code), MFA_OK);
	assert_int_equal(totp_match(&c, code, now, 1, cur, &step),
	    MFA_ERR_REPLAY);
	/* a later code is still fine */
	assert_int_equal(totp_code(&c, cur + 1, code), MFA_OK);
	assert_int_equal(totp_match(&c, code, now, 1, cur, &step), MFA_OK);
	assert_true(step == cur + 1);
}

/*
 * With the RFC SHA-1 seed and 6 digits, steps 57017782 and 57017784 both
 * give 882938 (found by search): with the first used, the second must
 * still be accepted.
 */
static void
test_fresh_beats_replayed(void **state)
{
	struct mfa_cred	 c;
	char		 code[MFA_CODE_MAX + 1];
	const uint64_t	 a = 57017782, b = 57017784;
	const int64_t	 now = (int64_t)(a + 1) * 30 + 7;
	uint64_t	 step = 0;

	(void)state;
	seed_cred(&c, MFA_TOTP_SHA1, 6, 30);
	assert_int_equal(totp_code(&c, a, code), MFA_OK);
	assert_string_equal(code, "882938");
	assert_int_equal(totp_code(&c, b, code), MFA_OK);
	assert_string_equal(code, "882938");
	assert_int_equal(totp_code(&c, a + 1, code), MFA_OK);
	assert_string_not_equal(code, "882938");

	assert_int_equal(totp_match(&c, "882938", now, 1, a, &step), MFA_OK);
	assert_true(step == b);
	/* neither used: the later step is recorded */
	step = 0;
	assert_int_equal(totp_match(&c, "882938", now, 1, 0, &step), MFA_OK);
	assert_true(step == b);
	/* both used */
	assert_int_equal(totp_match(&c, "882938", now, 1, b, &step),
	    MFA_ERR_REPLAY);
}

static void
test_secret_generate(void **state)
{
	static const struct {
		int	alg;
		size_t	len;
	} t[] = {
		{ MFA_TOTP_SHA1, 20 },
		{ MFA_TOTP_SHA256, 32 },
		{ MFA_TOTP_SHA512, 64 },
	};
	struct mfa_cred	 a, b;
	unsigned char	 zero[MFA_SECRET_MAX];
	size_t		 i;

	(void)state;
	memset(zero, 0, sizeof(zero));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		a.algorithm = b.algorithm = t[i].alg;
		assert_int_equal(totp_secret_generate(&a), MFA_OK);
		assert_int_equal(totp_secret_generate(&b), MFA_OK);
		assert_int_equal(a.secret_len, t[i].len);
		assert_int_equal(b.secret_len, t[i].len);
		assert_memory_not_equal(a.secret, b.secret, t[i].len);
		assert_memory_not_equal(a.secret, zero, t[i].len);
		/* nothing beyond the secret's size */
		if (t[i].len < MFA_SECRET_MAX)
			assert_memory_equal(a.secret + t[i].len, zero,
			    MFA_SECRET_MAX - t[i].len);
	}
	memset(&a, 0, sizeof(a));
	a.algorithm = 7;
	assert_int_equal(totp_secret_generate(&a), MFA_ERR_INVAL);
	assert_int_equal(a.secret_len, 0);
	assert_int_equal(totp_secret_generate(NULL), MFA_ERR_INVAL);
}

static void
test_normalize(void **state)
{
	static const struct {
		const char	*in;
		unsigned	 digits;
		int		 r;
		const char	*out;
	} t[] = {
		{ "123456",		6, MFA_OK, "123456" },
		{ "123 456",		6, MFA_OK, "123456" },
		{ "123-456",		6, MFA_OK, "123456" },
		{ " 1 2-3 4-5 6 ",	6, MFA_OK, "123456" },
		{ "012345",		6, MFA_OK, "012345" },
		{ "1234 5678",		8, MFA_OK, "12345678" },
		{ "1234567",		7, MFA_OK, "1234567" },
		{ "12345a",		6, MFA_ERR_CODEFMT, NULL },
		{ "abcdef",		6, MFA_ERR_CODEFMT, NULL },
		{ "12345",		6, MFA_ERR_CODEFMT, NULL },
		{ "1234567",		6, MFA_ERR_CODEFMT, NULL },
		{ "123456",		8, MFA_ERR_CODEFMT, NULL },
		{ "12345678901234567890", 6, MFA_ERR_CODEFMT, NULL },
		{ "12345678901234567890", 8, MFA_ERR_CODEFMT, NULL },
		/* full-width digits U+FF11..U+FF16 */
		{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94"
		  "\xef\xbc\x95\xef\xbc\x96", 6, MFA_ERR_CODEFMT, NULL },
		/* Arabic-Indic digit zero U+0660 in the middle */
		{ "123\xd9\xa0" "45",	6, MFA_ERR_CODEFMT, NULL },
		{ "",			6, MFA_ERR_CODEFMT, NULL },
		{ "      ",		6, MFA_ERR_CODEFMT, NULL },
		{ "123\t456",		6, MFA_ERR_CODEFMT, NULL },
		{ "123_456",		6, MFA_ERR_CODEFMT, NULL },
		{ "+123456",		6, MFA_ERR_CODEFMT, NULL },
		{ "123456\n",		6, MFA_ERR_CODEFMT, NULL },
		/* 64 bytes is the cap on the input, spaces included */
		{ "123456                                                "
		  "          ",		6, MFA_OK, "123456" },
		{ "123456                                                "
		  "           ",	6, MFA_ERR_CODEFMT, NULL },
		{ "123456",		5, MFA_ERR_INVAL, NULL },
		{ "123456789",		9, MFA_ERR_INVAL, NULL },
	};
	char	out[MFA_CODE_MAX + 1];
	size_t	i;

	(void)state;
	assert_int_equal(strlen(t[22].in), 64);
	assert_int_equal(strlen(t[23].in), 65);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'X', sizeof(out));
		if (mfa_code_normalize(t[i].in, t[i].digits, out) != t[i].r)
			fail_msg("case %zu \"%s\": want %d", i, t[i].in,
			    t[i].r);
		if (t[i].out != NULL)
			assert_string_equal(out, t[i].out);
		else
			assert_memory_equal(out, "XXXXXXXXX", sizeof(out));
	}
	assert_int_equal(mfa_code_normalize(NULL, 6, out), MFA_ERR_INVAL);
	assert_int_equal(mfa_code_normalize("123456", 6, NULL),
	    MFA_ERR_INVAL);
}

static void
test_algorithm_names(void **state)
{
	int	alg = -1;

	(void)state;
	assert_string_equal(mfa_totp_algorithm_name(MFA_TOTP_SHA1), "sha1");
	assert_string_equal(mfa_totp_algorithm_name(MFA_TOTP_SHA256),
	    "sha256");
	assert_string_equal(mfa_totp_algorithm_name(MFA_TOTP_SHA512),
	    "sha512");
	assert_string_equal(mfa_totp_algorithm_name(3), "?");
	assert_string_equal(mfa_totp_algorithm_name(-1), "?");
	assert_int_equal(mfa_totp_algorithm_parse("sha1", &alg), MFA_OK);
	assert_int_equal(alg, MFA_TOTP_SHA1);
	assert_int_equal(mfa_totp_algorithm_parse("SHA256", &alg), MFA_OK);
	assert_int_equal(alg, MFA_TOTP_SHA256);
	assert_int_equal(mfa_totp_algorithm_parse("Sha512", &alg), MFA_OK);
	assert_int_equal(alg, MFA_TOTP_SHA512);
	alg = 42;
	assert_int_equal(mfa_totp_algorithm_parse("sha-1", &alg),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_totp_algorithm_parse("sha", &alg),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_totp_algorithm_parse("sha5120", &alg),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_totp_algorithm_parse("", &alg), MFA_ERR_INVAL);
	assert_int_equal(mfa_totp_algorithm_parse("md5", &alg),
	    MFA_ERR_INVAL);
	assert_int_equal(alg, 42);
	assert_int_equal(mfa_totp_algorithm_parse(NULL, &alg), MFA_ERR_INVAL);
	assert_int_equal(mfa_totp_algorithm_parse("sha1", NULL),
	    MFA_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_six_digits),
		cmocka_unit_test(test_code_invalid),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_window_clamp),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_fresh_beats_replayed),
		cmocka_unit_test(test_secret_generate),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_algorithm_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
