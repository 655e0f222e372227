/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Durability modes of a context (mfa_ctx_set_sync, mfa_ctx_sync): by
 * default every store write is synced before the call returns; with
 * MFA_SYNC_DEFER none is, and mfa_ctx_sync() flushes the store's file
 * system once.  The test program counts the sync calls the library
 * makes by defining fsync, fdatasync and syncfs itself (they forward
 * to the kernel, or fail with EIO when a test asks), which is possible
 * because it links the library's objects statically.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static unsigned n_fsync, n_fdatasync, n_syncfs;
static int fail_sync;		/* fsync and fdatasync fail with EIO */

int
fsync(int fd)
{
	n_fsync++;
	if (fail_sync) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

int
fdatasync(int fd)
{
	n_fdatasync++;
	if (fail_sync) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fdatasync, fd);
}

int
syncfs(int fd)
{
	n_syncfs++;
	return (int)syscall(SYS_syncfs, fd);
}

static void
count_reset(void)
{
	n_fsync = n_fdatasync = n_syncfs = 0;
}

/* Enrols name with a confirmed TOTP credential through ctx. */
static void
enrol(mfa_ctx_t *ctx, const char *name)
{
	mfa_user_t	*u = NULL;
	struct mfa_cred	*c;
	char		 code[MFA_CODE_MAX + 1];
	unsigned	 id = 0;

	assert_int_equal(mfa_user_open(ctx, name, MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &u), MFA_OK);
	assert_int_equal(mfa_user_totp_add(u, "phone", NULL, MFA_TOTP_SHA1,
	    6, &id, NULL), MFA_OK);
	assert_non_null(c = store_cred(u, id));
	assert_int_equal(totp_code(c, (uint64_t)tu_now / c->period, code),
	    MFA_OK);
	assert_int_equal(mfa_user_totp_confirm(u, id, code), MFA_OK);
	mfa_user_free(&u);
}

/* The stored user reads back with one active credential. */
static void
check_enrolled(mfa_ctx_t *ctx, const char *name)
{
	mfa_user_t	*u = NULL;

	assert_int_equal(mfa_user_open(ctx, name, 0, &u), MFA_OK);
	assert_int_equal(mfa_user_cred_count(u), 1);
	assert_int_equal(mfa_cred_status(mfa_user_cred(u, 0)),
	    MFA_STATUS_ACTIVE);
	mfa_user_free(&u);
}

static void
test_each(void **state)
{
	mfa_ctx_t	*ctx;
	char		*dir = tu_mkstore();

	(void)state;
	assert_non_null(ctx = tu_ctx(dir));
	count_reset();
	enrol(ctx, "alice");
	/* State file created, two store rewrites (file + directory). */
	assert_true(n_fsync >= 5);
	assert_true(n_fdatasync >= 1);
	assert_int_equal(n_syncfs, 0);
	check_enrolled(ctx, "alice");
	mfa_ctx_free(&ctx);
	tu_rmstore(dir);
}

static void
test_defer(void **state)
{
	mfa_ctx_t	*ctx, *other;
	char		*dir = tu_mkstore();
	char		 name[16];
	int		 i;

	(void)state;
	assert_non_null(ctx = tu_ctx(dir));
	assert_int_equal(mfa_ctx_set_sync(ctx, 7), MFA_ERR_INVAL);
	assert_int_equal(mfa_ctx_set_sync(NULL, MFA_SYNC_DEFER),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_ctx_set_sync(ctx, MFA_SYNC_DEFER), MFA_OK);
	count_reset();
	for (i = 0; i < 20; i++) {
		(void)snprintf(name, sizeof(name), "user%d", i);
		enrol(ctx, name);
	}
	assert_int_equal(n_fsync, 0);
	assert_int_equal(n_fdatasync, 0);
	assert_int_equal(n_syncfs, 0);
	assert_int_equal(mfa_ctx_sync(ctx), MFA_OK);
	assert_int_equal(n_syncfs, 1);
	assert_int_equal(n_fsync + n_fdatasync, 0);

	/* Another context (a login) sees them, and syncs its writes. */
	assert_non_null(other = tu_ctx(dir));
	for (i = 0; i < 20; i++) {
		(void)snprintf(name, sizeof(name), "user%d", i);
		check_enrolled(other, name);
	}
	count_reset();
	enrol(other, "bob");
	assert_true(n_fsync + n_fdatasync > 0);
	mfa_ctx_free(&other);

	/* Back to MFA_SYNC_EACH. */
	assert_int_equal(mfa_ctx_set_sync(ctx, MFA_SYNC_EACH), MFA_OK);
	count_reset();
	enrol(ctx, "carol");
	assert_true(n_fsync >= 5);
	mfa_ctx_free(&ctx);
	tu_rmstore(dir);
}

static void
test_sync_errors(void **state)
{
	mfa_ctx_t	*ctx;
	char		*dir = tu_mkstore(), *missing;

	(void)state;
	assert_int_equal(mfa_ctx_sync(NULL), MFA_ERR_INVAL);
	/* A store that is not there, or not safe, is not synced. */
	missing = tu_path(dir, "missing");
	assert_non_null(ctx = tu_ctx(missing));
	count_reset();
	assert_int_equal(mfa_ctx_sync(ctx), MFA_ERR_IO);
	assert_int_equal(n_syncfs, 0);
	mfa_ctx_free(&ctx);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_non_null(ctx = tu_ctx(dir));
	assert_int_equal(mfa_ctx_sync(ctx), MFA_ERR_UNSAFE);
	assert_int_equal(n_syncfs, 0);
	mfa_ctx_free(&ctx);
	assert_int_equal(chmod(dir, 0700), 0);
	free(missing);
	tu_rmstore(dir);
}

/*
 * The disk reports an error when a login's state is synced: the right
 * code is refused (the step could not be recorded for sure), the error
 * is logged, and the store stays usable: the next code logs in.
 */
/* A minute on, name's store opened for writing and its current code. */
static mfa_user_t *
next_login(mfa_ctx_t *ctx, const char *name, char code[MFA_CODE_MAX + 1])
{
	mfa_user_t		*u = NULL;
	const struct mfa_cred	*c;

	tu_now += 60;
	assert_int_equal(mfa_user_open(ctx, name, MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_non_null(c = mfa_user_cred(u, 0));
	assert_int_equal(totp_code(c, (uint64_t)tu_now / c->period, code),
	    MFA_OK);
	return u;
}

static void
test_sync_fails(void **state)
{
	mfa_ctx_t	*ctx;
	mfa_user_t	*u;
	char		*dir = tu_mkstore(), code[MFA_CODE_MAX + 1];

	(void)state;
	assert_non_null(ctx = tu_ctx(dir));
	enrol(ctx, "alice");
	u = next_login(ctx, "alice", code);
	tu_log_reset();
	fail_sync = 1;
	count_reset();
	assert_int_equal(mfa_user_totp_verify(u, code, NULL), MFA_ERR_IO);
	fail_sync = 0;
	assert_int_equal(n_fdatasync, 1);
	assert_non_null(strstr(tu_log_buf, "cannot update"));
	mfa_user_free(&u);

	u = next_login(ctx, "alice", code);
	assert_int_equal(mfa_user_totp_verify(u, code, NULL), MFA_OK);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	tu_rmstore(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each),
		cmocka_unit_test(test_defer),
		cmocka_unit_test(test_sync_errors),
		cmocka_unit_test(test_sync_fails),
	};

	tu_require_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
