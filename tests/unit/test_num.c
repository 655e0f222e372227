/* SPDX-License-Identifier: BSD-2-Clause */
/* parse_num(), mfa_strerror(), mfa_factor_name(), ct_equal(), ctx. */
#include "config.h"

#include <string.h>

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
	assert_int_equal(parse_num("-5", -10, 10, &v), MFA_OK);
	assert_int_equal(v, -5);
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
	};
	long long v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_num(bad[i], -10, 10, &v),
		    MFA_ERR_INVAL);
		assert_int_equal(v, 42);	/* untouched on failure */
	}
	assert_int_equal(parse_num(NULL, 0, 1, &v), MFA_ERR_INVAL);
	assert_int_equal(parse_num("1", 2, 1, &v), MFA_ERR_INVAL);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_num_ok),
		cmocka_unit_test(test_parse_num_bad),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_ct_equal),
		cmocka_unit_test(test_ctx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
