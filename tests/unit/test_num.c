/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_num(), mfa_strerror(), mfa_factor_name(), ct_equal(), ctx,
 * sha256(). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "util.h"

static void
test_parse_num_ok(void **state)
{
	long long v = -1;

	(void)state;
	assert_int_equal(parse_num("0", 0, 10, &v), MFA_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse_num("10", 0, 10, &v), MFA_OK);
	assert_int_equal(v, 10);
	/* A negative minimum admits no sign: no input is negative. */
	assert_int_equal(parse_num("5", -10, 10, &v), MFA_OK);
	assert_int_equal(v, 5);
	assert_int_equal(parse_num("9223372036854775807", 0, INT64_MAX, &v),
	    MFA_OK);
	assert_true(v == INT64_MAX);
}

static void
test_parse_num_bad(void **state)
{
	static const char *bad[] = {
		"", " 1", "1 ", "+1", "0x10", "1e3", "11", "-11", "abc", "1a",
		"99999999999999999999", "--1", "-", "\t1", "１",
		/* Strict: no sign, no leading zero (strtoll takes these). */
		"-5", "-0", "-1", "+0", "00", "01", "010", "0010", "1\n",
	};
	long long v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_num(bad[i], -10, 10, &v),
		    MFA_ERR_INVAL);
		assert_int_equal(v, 42);	/* untouched on failure */
	}
	/* Overflow, one past the largest long long and far beyond. */
	assert_int_equal(parse_num("9223372036854775808", 0, INT64_MAX, &v),
	    MFA_ERR_INVAL);
	/* 2^64 + 5: wrapped around, it would be 5. */
	assert_int_equal(parse_num("18446744073709551621", 0, 10, &v),
	    MFA_ERR_INVAL);
	assert_int_equal(parse_num("92233720368547758070", 0, INT64_MAX, &v),
	    MFA_ERR_INVAL);
	assert_int_equal(v, 42);
	assert_int_equal(parse_num(NULL, 0, 1, &v), MFA_ERR_INVAL);
	assert_int_equal(parse_num("1", 2, 1, &v), MFA_ERR_INVAL);
}

static void
test_parse_canon(void **state)
{
	static const char *bad[] = { "", "01", "-1", "+1", " 1", "1a", "11" };
	long long v = 7;
	size_t i;

	(void)state;
	assert_int_equal(parse_canon("0", 0, 10, &v), MFA_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse_canon("10", 0, 10, &v), MFA_OK);
	assert_int_equal(v, 10);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_canon(bad[i], 0, 10, &v),
		    MFA_ERR_FORMAT);
	assert_int_equal(v, 10);
}

static void
test_tokenize_line(void **state)
{
	char line[16], *tok[3];

	(void)state;
	assert_int_equal(tokenize_line("a bc d", 6, line, sizeof(line), tok,
	    3), 3);
	assert_string_equal(tok[0], "a");
	assert_string_equal(tok[1], "bc");
	assert_string_equal(tok[2], "d");
	/* Double or edge spaces, too many tokens, control bytes, length. */
	assert_int_equal(tokenize_line("a  b", 4, line, sizeof(line), tok,
	    3), -1);
	assert_int_equal(tokenize_line(" a", 2, line, sizeof(line), tok, 3),
	    -1);
	assert_int_equal(tokenize_line("a ", 2, line, sizeof(line), tok, 3),
	    -1);
	assert_int_equal(tokenize_line("a b c d", 7, line, sizeof(line), tok,
	    3), -1);
	assert_int_equal(tokenize_line("a\tb", 3, line, sizeof(line), tok,
	    3), -1);
	assert_int_equal(tokenize_line("0123456789abcdef", 16, line,
	    sizeof(line), tok, 3), -1);
	assert_int_equal(tokenize_line("", 0, line, sizeof(line), tok, 3),
	    -1);
}

static void
test_strerror(void **state)
{
	int e;

	(void)state;
	assert_string_equal(mfa_strerror(MFA_OK), "success");
	for (e = MFA_ERR_UV; e < MFA_OK; e++) {
		assert_non_null(mfa_strerror(e));
		assert_string_not_equal(mfa_strerror(e), "unknown error");
	}
	assert_string_equal(mfa_strerror(-999), "unknown error");
	assert_string_equal(mfa_factor_name(MFA_FACTOR_TOTP), "totp");
	assert_string_equal(mfa_factor_name(MFA_FACTOR_COUNT), "?");
}

static void
test_ct_equal(void **state)
{
	(void)state;
	assert_true(ct_equal("abc", "abc", 3));
	assert_false(ct_equal("abc", "abd", 3));
	assert_true(ct_equal("x", "y", 0));
}

static void
test_ctx(void **state)
{
	mfa_ctx_t *ctx;

	(void)state;
	assert_non_null(ctx = mfa_ctx_new());
	assert_string_equal(mfa_ctx_store(ctx), MFA_STORE_DIR);
	assert_int_equal(mfa_ctx_set_store(ctx, "relative"), MFA_ERR_INVAL);
	assert_int_equal(mfa_ctx_set_store(ctx, "/x/y"), MFA_OK);
	assert_string_equal(mfa_ctx_store(ctx), "/x/y");
	assert_int_equal(mfa_ctx_totp_window(ctx), 1);
	assert_int_equal(mfa_ctx_lockout_attempts(ctx), 5);
	assert_int_equal(mfa_ctx_lockout_time(ctx), 900);
	/* A failed load leaves no configuration: fail closed. */
	tu_log_reset();
	mfa_ctx_set_log(ctx, tu_log, NULL);
	assert_int_equal(mfa_ctx_load_config(ctx, "/nonexistent/pam_mfa.conf"),
	    MFA_ERR_CONFIG);
	assert_null(ctx_config(ctx));
	assert_non_null(strstr(tu_log_buf, "/nonexistent/pam_mfa.conf:"));
	assert_int_equal(mfa_ctx_totp_window(ctx), 0);
	ctx_set_clock(ctx, tu_clock, NULL);
	tu_now = 12345;
	assert_int_equal(ctx_now(ctx), 12345);
	mfa_ctx_free(&ctx);
	assert_null(ctx);
	mfa_ctx_free(&ctx);
	mfa_ctx_free(NULL);
}

/* FIPS 180-4 / NIST examples, and agreement with OpenSSL. */
static void
test_sha256(void **state)
{
	static const struct {
		const char *msg;
		const char *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	unsigned char md[SHA256_LEN], ref[SHA256_LEN], buf[300];
	char hex[2 * SHA256_LEN + 1];
	unsigned int n;
	size_t i, j, len;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256(v[i].msg, strlen(v[i].msg), md);
		for (j = 0; j < SHA256_LEN; j++)
			snprintf(hex + 2 * j, 3, "%02x", md[j]);
		assert_string_equal(hex, v[i].hex);
	}
	/* Every length around the block and padding boundaries. */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	for (len = 0; len <= sizeof(buf); len++) {
		sha256(buf, len, md);
		assert_int_equal(EVP_Digest(buf, len, ref, &n, EVP_sha256(),
		    NULL), 1);
		assert_memory_equal(md, ref, SHA256_LEN);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_num_ok),
		cmocka_unit_test(test_parse_num_bad),
		cmocka_unit_test(test_parse_canon),
		cmocka_unit_test(test_tokenize_line),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_ct_equal),
		cmocka_unit_test(test_ctx),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
