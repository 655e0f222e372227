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

static unsigned n_fsync, n_fdatasync, n_syncfs, n_dir_failed, n_renames;
static int fail_sync;		/* fsync and fdatasync fail with EIO */
static int fail_dir_sync;	/* fsync of a directory fails with EIO */
static int fail_dir_once;	/* the next one does (Linux reports a
				   write-back error once per open file) */

int
fsync(int fd)
{
	struct stat	sb;

	n_fsync++;
	if (fail_sync) {
		errno = EIO;
		return -1;
	}
	if ((fail_dir_sync || fail_dir_once) && fstat(fd, &sb) == 0 &&
	    S_ISDIR(sb.st_mode)) {
		fail_dir_once = 0;
		n_dir_failed++;
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

int
renameat(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath)
{
	n_renames++;
	return (int)syscall(SYS_renameat, olddirfd, oldpath, newdirfd,
	    newpath);
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

/* Adds a pending TOTP credential to name's existing store. */
static void
add_pending(mfa_ctx_t *ctx, const char *name)
{
	mfa_user_t	*u = NULL;
	unsigned	 id = 0;

	assert_int_equal(mfa_user_open(ctx, name, MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_totp_add(u, "tablet", NULL, MFA_TOTP_SHA1,
	    6, &id, NULL), MFA_OK);
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

	/*
	 * A batch over a user whose file was on disk before it: the new
	 * file is synced before it replaces the old one (one fsync, no
	 * fdatasync, no directory sync), so that a crash leaves one of
	 * the two, never an empty file.
	 */
	count_reset();
	add_pending(ctx, "user0");
	assert_int_equal(n_fsync, 1);
	assert_int_equal(n_fdatasync, 0);
	assert_int_equal(n_syncfs, 0);

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

/* The id of the user's recovery codes, or 0. */
static unsigned
recovery_id(mfa_user_t *u)
{
	size_t	i;

	for (i = 0; i < mfa_user_cred_count(u); i++)
		if (mfa_cred_type(mfa_user_cred(u, i)) == MFA_CRED_RECOVERY)
			return mfa_cred_id(mfa_user_cred(u, i));
	return 0;
}

/*
 * The directory sync after the rename of a new credentials file fails.
 * The new file is in effect, so the change stands: new recovery codes
 * are returned to be shown (the old ones are void), memory equals the
 * file, and the log says a crash may bring back the previous version.
 * Should that happen, a code used before stays used: the state keeps
 * the old set's record, and says so in the file (dir-unsynced), so
 * that later logins keep it too, until a sync of the directory works.
 * A sync failure before the rename still fails and leaves the old set.
 */
static void
test_dir_sync_fails(void **state)
{
	mfa_ctx_t		*ctx;
	mfa_user_t		*u = NULL;
	struct mfa_state_cred	*sc;
	char			*dir = tu_mkstore(), *p, *before, *after;
	char			**old = NULL, **fresh = NULL, want[32];
	size_t			 len;
	unsigned		 oldid, newid, left;

	(void)state;
	assert_non_null(ctx = tu_ctx(dir));
	enrol(ctx, "alice");
	p = tu_path(dir, "alice");
	assert_int_equal(mfa_user_open(ctx, "alice", MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_generate(u, 3, &old), MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(u, old[0], &left), MFA_OK);
	oldid = recovery_id(u);
	before = tu_read(p, &len);

	/* Before the rename: an error, and nothing changed. */
	fail_sync = 1;
	assert_int_equal(mfa_user_recovery_generate(u, 3, &fresh),
	    MFA_ERR_IO);
	fail_sync = 0;
	assert_null(fresh);
	assert_int_equal(recovery_id(u), oldid);
	after = tu_read(p, NULL);
	assert_string_equal(after, before);
	free(after);

	/* After the rename: done, and said so. */
	tu_log_reset();
	fail_dir_sync = 1;
	n_dir_failed = 0;
	assert_int_equal(mfa_user_recovery_generate(u, 3, &fresh), MFA_OK);
	fail_dir_sync = 0;
	/* After the rename, and again before the old set's record goes. */
	assert_int_equal(n_dir_failed, 2);
	assert_non_null(fresh);
	assert_non_null(strstr(tu_log_buf, "replaced, but the directory "
	    "sync failed"));
	assert_non_null(strstr(tu_log_buf, "a crash may bring back the "
	    "previous version"));
	newid = recovery_id(u);
	assert_true(newid > oldid);
	assert_int_equal(mfa_user_recovery_remaining(u), 3);
	after = tu_read(p, NULL);
	(void)snprintf(want, sizeof(want), "\nrecovery %u ", newid);
	assert_non_null(strstr(after, want));
	free(after);
	/* The old set's used marks are kept in the state file. */
	assert_non_null(sc = state_cred(&u->state, oldid, 0));
	assert_int_equal(sc->counter & 1, 1);
	mfa_user_free(&u);

	/* What is on disk is what was returned. */
	assert_int_equal(mfa_user_open(ctx, "alice", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(recovery_id(u), newid);
	assert_non_null(sc = state_cred(&u->state, oldid, 0));
	assert_int_equal(u->state.dir_unsynced, 1);
	mfa_user_free(&u);

	/*
	 * The next login, the directory sync still failing (tried again):
	 * it writes the state, and keeps the old set's record.
	 */
	fail_dir_sync = 1;
	n_dir_failed = 0;
	assert_int_equal(mfa_user_open(ctx, "alice", MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(u, fresh[0], NULL), MFA_OK);
	mfa_user_free(&u);
	fail_dir_sync = 0;
	assert_int_equal(n_dir_failed, 1);
	assert_int_equal(mfa_user_open(ctx, "alice", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_non_null(sc = state_cred(&u->state, oldid, 0));
	assert_int_equal(sc->counter & 1, 1);
	assert_int_equal(u->state.dir_unsynced, 1);
	mfa_user_free(&u);

	/* A crash brings the old file back: its used code stays used. */
	tu_write(p, before, len, 0600);
	assert_int_equal(mfa_user_open(ctx, "alice", MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_int_equal(recovery_id(u), oldid);
	/*
	 * The directory sync works again: the first state update (the
	 * replay's failure count) drops the flag, and with it the record
	 * of the set this file does not have.
	 */
	tu_log_reset();
	assert_int_equal(mfa_user_recovery_verify(u, old[0], NULL),
	    MFA_ERR_REPLAY);
	assert_int_equal(mfa_user_recovery_verify(u, old[1], NULL), MFA_OK);
	assert_int_equal(u->state.dir_unsynced, 0);
	assert_null(state_cred(&u->state, newid, 0));
	assert_non_null(strstr(tu_log_buf, "written again and the directory "
	    "synced"));
	mfa_user_free(&u);
	assert_int_equal(mfa_user_open(ctx, "alice", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(u->state.dir_unsynced, 0);
	assert_null(state_cred(&u->state, newid, 0));
	assert_non_null(sc = state_cred(&u->state, oldid, 0));
	assert_int_equal(sc->counter & 3, 3);
	mfa_user_free(&u);

	mfa_recovery_codes_free(&old, 3);
	mfa_recovery_codes_free(&fresh, 3);
	free(before);
	free(p);
	mfa_ctx_free(&ctx);
	tu_rmstore(dir);
}

/*
 * Linux reports a lost write-back once per open file and then syncs
 * "successfully" without writing it again: a second fsync of the
 * directory after a failed one proves nothing.  The flag goes only
 * after the credentials file was written anew and the directory
 * synced after that rename.
 */
static void
test_dir_sync_fails_once(void **state)
{
	mfa_ctx_t	*ctx;
	mfa_user_t	*u = NULL;
	char		*dir = tu_mkstore(), **old = NULL, **fresh = NULL;
	unsigned	 oldid;

	(void)state;
	assert_non_null(ctx = tu_ctx(dir));
	enrol(ctx, "alice");
	assert_int_equal(mfa_user_open(ctx, "alice", MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_generate(u, 3, &old), MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(u, old[0], NULL), MFA_OK);
	oldid = recovery_id(u);

	tu_log_reset();
	fail_dir_once = 1;
	n_dir_failed = n_renames = 0;
	assert_int_equal(mfa_user_recovery_generate(u, 3, &fresh), MFA_OK);
	assert_int_equal(n_dir_failed, 1);
	/* The replacement, then the file again: its sync is the proof. */
	assert_int_equal(n_renames, 2);
	assert_int_equal(u->state.dir_unsynced, 0);
	assert_null(state_cred(&u->state, oldid, 0));
	assert_non_null(strstr(tu_log_buf, "written again and the directory "
	    "synced"));
	mfa_user_free(&u);
	assert_int_equal(mfa_user_open(ctx, "alice", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(u->state.dir_unsynced, 0);
	assert_int_equal(recovery_id(u), oldid + 1);
	mfa_user_free(&u);

	mfa_recovery_codes_free(&old, 3);
	mfa_recovery_codes_free(&fresh, 3);
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
		cmocka_unit_test(test_dir_sync_fails),
		cmocka_unit_test(test_dir_sync_fails_once),
	};

	tu_require_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
