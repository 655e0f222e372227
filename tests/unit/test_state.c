/* SPDX-License-Identifier: BSD-2-Clause */
/* state.c: the two checksummed, sequence-numbered slots of NAME.state. */
#include "config.h"

#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

struct fixture {
	char	*dir;
	char	*path;
	int	 fd;
};

static int
setup(void **state)
{
	struct fixture *f;

	assert_non_null(f = calloc(1, sizeof(*f)));
	f->dir = tu_mkstore();
	f->path = tu_path(f->dir, "alice.state");
	f->fd = open(f->path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(f->fd >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close(f->fd);
	free(f->path);
	tu_rmstore(f->dir);
	free(f);
	return 0;
}

/* Writes text + its sha256 line, NUL padded, into slot idx. */
static void
put_slot(int fd, int idx, const char *text)
{
	char		*buf;
	unsigned char	 md[32];
	unsigned int	 mdlen = 0;
	size_t		 len = strlen(text), i;

	assert_non_null(buf = calloc(1, MFA_STATE_SLOT));
	assert_true(len + 7 + 64 + 1 <= MFA_STATE_SLOT);
	memcpy(buf, text, len);
	assert_int_equal(EVP_Digest(text, len, md, &mdlen, EVP_sha256(),
	    NULL), 1);
	memcpy(buf + len, "sha256 ", 7);
	for (i = 0; i < 32; i++)
		snprintf(buf + len + 7 + 2 * i, 3, "%02x", md[i]);
	buf[len + 7 + 64] = '\n';
	assert_int_equal(pwrite(fd, buf, MFA_STATE_SLOT,
	    (off_t)idx * MFA_STATE_SLOT), MFA_STATE_SLOT);
	free(buf);
}

static void
zero_slot(int fd, int idx)
{
	char	*buf;

	assert_non_null(buf = calloc(1, MFA_STATE_SLOT));
	assert_int_equal(pwrite(fd, buf, MFA_STATE_SLOT,
	    (off_t)idx * MFA_STATE_SLOT), MFA_STATE_SLOT);
	free(buf);
}

static void
test_init(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state	 st;
	struct stat		 sb;
	int			 slot = -1;

	assert_int_equal(state_init(f->fd, 1), MFA_OK);
	assert_int_equal(fstat(f->fd, &sb), 0);
	assert_int_equal(sb.st_size, 2 * MFA_STATE_SLOT);
	/* Preallocated with real data, not a sparse file. */
	assert_true(sb.st_blocks * 512 >= 2 * MFA_STATE_SLOT);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	assert_int_equal(slot, 0);
	assert_int_equal(st.seq, 1);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.locked_until, 0);
	assert_int_equal(st.ncreds, 0);
}

static void
test_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state	 st, back;
	struct mfa_state_cred	*c;
	int			 slot, slot2;

	assert_int_equal(state_init(f->fd, 1), MFA_OK);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	st.failures = 3;
	st.locked_until = 1700000900;
	st.last_failure = 1700000000;
	assert_non_null(c = state_cred(&st, 7, 1));
	c->last_step = 56666666;
	c->counter = 42;
	c->last_used = 1699999999;
	assert_non_null(c = state_cred(&st, 2, 1));
	c->last_step = 1;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	assert_int_equal(slot, 1);
	assert_int_equal(st.seq, 2);

	assert_int_equal(state_read(f->fd, &back, &slot2), MFA_OK);
	assert_int_equal(slot2, 1);
	assert_int_equal(back.seq, 2);
	assert_int_equal(back.failures, 3);
	assert_int_equal(back.locked_until, 1700000900);
	assert_int_equal(back.last_failure, 1700000000);
	assert_int_equal(back.ncreds, 2);
	assert_non_null(c = state_cred(&back, 7, 0));
	assert_int_equal(c->last_step, 56666666);
	assert_int_equal(c->counter, 42);
	assert_int_equal(c->last_used, 1699999999);
	assert_non_null(c = state_cred(&back, 2, 0));
	assert_int_equal(c->last_step, 1);
	assert_null(state_cred(&back, 3, 0));

	/* The next write goes to the other slot again. */
	back.failures = 0;
	assert_int_equal(state_write(f->fd, &back, &slot2, 1), MFA_OK);
	assert_int_equal(slot2, 0);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	assert_int_equal(slot, 0);
	assert_int_equal(st.seq, 3);
	assert_int_equal(st.failures, 0);
}

static void
test_torn_slot(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state	 st;
	int			 slot;
	char			 junk[100];

	assert_int_equal(state_init(f->fd, 1), MFA_OK);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	st.failures = 1;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	st.failures = 2;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	assert_int_equal(slot, 0);	/* seq 3 in slot 0, seq 2 in 1 */

	/* A torn write of slot 0: its first bytes replaced. */
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(pwrite(f->fd, junk, 10, 20), 10);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	assert_int_equal(slot, 1);
	assert_int_equal(st.seq, 2);
	assert_int_equal(st.failures, 1);

	/* The next write repairs slot 0 with a higher seq. */
	st.failures = 5;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	assert_int_equal(slot, 0);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	assert_int_equal(st.seq, 3);
	assert_int_equal(st.failures, 5);

	/* Garbage in the padding also invalidates a slot. */
	assert_int_equal(pwrite(f->fd, "z", 1, MFA_STATE_SLOT - 1), 1);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	assert_int_equal(slot, 1);
	assert_int_equal(st.failures, 1);
}

static void
test_both_bad(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state	 st;
	int			 slot = 7;

	assert_int_equal(state_init(f->fd, 1), MFA_OK);
	assert_int_equal(pwrite(f->fd, "X", 1, 0), 1);
	assert_int_equal(pwrite(f->fd, "X", 1, MFA_STATE_SLOT + 3), 1);
	st.seq = 99;
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_ERR_FORMAT);
	assert_int_equal(slot, 7);	/* outputs untouched */
	assert_int_equal(st.seq, 99);

	/* All zeroes (e.g. a crash right after preallocation). */
	zero_slot(f->fd, 0);
	zero_slot(f->fd, 1);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_ERR_FORMAT);

	/* A short file. */
	assert_int_equal(ftruncate(f->fd, MFA_STATE_SLOT + 10), 0);
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_ERR_FORMAT);
}

static void
test_seq_order(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state	 st, back;
	int			 slot;

	assert_int_equal(state_init(f->fd, 1), MFA_OK);
	memset(&st, 0, sizeof(st));
	st.seq = 4;
	slot = 1;
	st.failures = 5;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	assert_int_equal(slot, 0);		/* seq 5 in slot 0 */
	st.seq = 8;
	st.failures = 9;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	assert_int_equal(slot, 1);		/* seq 9 in slot 1 */
	assert_int_equal(state_read(f->fd, &back, &slot), MFA_OK);
	assert_int_equal(slot, 1);
	assert_int_equal(back.seq, 9);
	assert_int_equal(back.failures, 9);

	/* The higher seq wins wherever it is. */
	st.seq = 9;
	st.failures = 10;
	slot = 1;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	assert_int_equal(state_read(f->fd, &back, &slot), MFA_OK);
	assert_int_equal(slot, 0);
	assert_int_equal(back.seq, 10);
	assert_int_equal(back.failures, 10);

	/* Bad slot index. */
	slot = 2;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_ERR_INVAL);
}

#define HDR "pam_mfa-state 1\nseq 3\nfailures 0\nlocked-until 0\n" \
	"last-failure 0\n"

static void
test_strict(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state	 st;
	int			 slot;
	size_t			 i;
	static const char *const bad[] = {
		"pam_mfa-state 1\nseq 3\nfailures 0\nlocked-until 0\n",
		"pam_mfa-state 1\nseq 03\nfailures 0\nlocked-until 0\n"
		    "last-failure 0\n",
		"pam_mfa-state 1\nseq 3\nfailures -1\nlocked-until 0\n"
		    "last-failure 0\n",
		"pam_mfa-state 1\nseq +3\nfailures 0\nlocked-until 0\n"
		    "last-failure 0\n",
		"pam_mfa-state 1\nseq  3\nfailures 0\nlocked-until 0\n"
		    "last-failure 0\n",
		"pam_mfa-state 1\nseq 3 \nfailures 0\nlocked-until 0\n"
		    "last-failure 0\n",
		"pam_mfa-state 1\nfailures 0\nseq 3\nlocked-until 0\n"
		    "last-failure 0\n",
		"pam_mfa-state 1\r\nseq 3\nfailures 0\nlocked-until 0\n"
		    "last-failure 0\n",
		HDR "cred 1 step 5 counter 0\n",
		HDR "cred 0 step 5 counter 0 used 0\n",
		HDR "cred 1 step 5 counter 0 used 0\ncred 1 step 6 "
		    "counter 0 used 0\n",
		HDR "cred 1 steps 5 counter 0 used 0\n",
		HDR "fido 1 step 5 counter 0 used 0\n",
		HDR "cred 1 step 99999999999999999999 counter 0 used 0\n",
		HDR "\n",
		HDR "unknown\n",
		HDR "dir-unsynced 0\n",
		HDR "dir-unsynced 2\n",
		HDR "dir-unsynced 01\n",
		HDR "dir-unsynced\n",
		HDR "dir-unsynced 1 1\n",
		HDR "dir-unsynced 1\ndir-unsynced 1\n",
		HDR "cred 4 step 5 counter 6 used 7\ndir-unsynced 1\n",
		"pam_mfa-state 1\nseq 3\nfailures 0\nlocked-until 0\n"
		    "dir-unsynced 1\nlast-failure 0\n",
	};

	/* The helper itself produces a valid slot. */
	zero_slot(f->fd, 1);
	put_slot(f->fd, 0, HDR "cred 4 step 5 counter 6 used 7\n");
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	assert_int_equal(slot, 0);
	assert_int_equal(st.seq, 3);
	assert_int_equal(st.ncreds, 1);
	assert_int_equal(st.creds[0].id, 4);
	assert_int_equal(st.creds[0].last_step, 5);
	assert_int_equal(st.creds[0].counter, 6);
	assert_int_equal(st.creds[0].last_used, 7);
	assert_int_equal(st.dir_unsynced, 0);

	/* The flag of a failed directory sync: only right after the header. */
	put_slot(f->fd, 0, HDR "dir-unsynced 1\ncred 4 step 5 counter 6 "
	    "used 7\n");
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_OK);
	assert_int_equal(st.dir_unsynced, 1);
	assert_int_equal(st.ncreds, 1);
	assert_int_equal(st.creds[0].id, 4);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_slot(f->fd, 0, bad[i]);
		if (state_read(f->fd, &st, &slot) != MFA_ERR_FORMAT)
			fail_msg("accepted bad slot %zu", i);
	}

	/* Another version, intact: refused as such. */
	put_slot(f->fd, 0, "pam_mfa-state 2\nseq 3\nfailures 0\n"
	    "locked-until 0\nlast-failure 0\n");
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_ERR_VERSION);

	/* A wrong checksum. */
	put_slot(f->fd, 0, HDR);
	assert_int_equal(pwrite(f->fd, "4", 1, 20), 1);	/* seq 3 -> 4 */
	assert_int_equal(state_read(f->fd, &st, &slot), MFA_ERR_FORMAT);
}

static void
test_state_cred(void **state)
{
	struct mfa_state	st;
	unsigned		i;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_null(state_cred(&st, 1, 0));
	assert_null(state_cred(&st, 0, 1));
	for (i = 1; i <= MFA_CREDS_MAX; i++)
		assert_non_null(state_cred(&st, i, 1));
	assert_int_equal(st.ncreds, MFA_CREDS_MAX);
	assert_null(state_cred(&st, MFA_CREDS_MAX + 1, 1));
	assert_ptr_equal(state_cred(&st, 5, 1), &st.creds[4]);
	assert_int_equal(st.ncreds, MFA_CREDS_MAX);
}

static void
test_full_slot(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state	 st, back;
	struct mfa_state_cred	*c;
	unsigned		 i;
	int			 slot = 0;

	/* The largest possible state still fits a slot. */
	assert_int_equal(state_init(f->fd, 1), MFA_OK);
	memset(&st, 0, sizeof(st));
	st.seq = 1;
	st.failures = UINT32_MAX;
	st.locked_until = INT64_MAX;
	st.last_failure = INT64_MAX;
	st.dir_unsynced = 1;
	for (i = 0; i < MFA_CREDS_MAX; i++) {
		assert_non_null(c = state_cred(&st, UINT32_MAX - i, 1));
		c->last_step = INT64_MAX;
		c->counter = INT64_MAX;
		c->last_used = INT64_MAX;
	}
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	assert_int_equal(state_read(f->fd, &back, &slot), MFA_OK);
	assert_int_equal(back.ncreds, MFA_CREDS_MAX);
	assert_int_equal(back.failures, UINT32_MAX);
	assert_int_equal(back.creds[31].counter, INT64_MAX);
	assert_int_equal(back.dir_unsynced, 1);
	/* Written only when set; no other value. */
	st.dir_unsynced = 0;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_OK);
	assert_int_equal(state_read(f->fd, &back, &slot), MFA_OK);
	assert_int_equal(back.dir_unsynced, 0);
	st.dir_unsynced = 2;
	assert_int_equal(state_write(f->fd, &st, &slot, 1), MFA_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_torn_slot, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_both_bad, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_seq_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_strict, setup, teardown),
		cmocka_unit_test(test_state_cred),
		cmocka_unit_test_setup_teardown(test_full_slot, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
