/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * recovery.c: generating recovery codes (shape, uniqueness, storage as
 * hashes), recognising them at the one-time-code prompt, accepting each
 * once (lockout, replay, regeneration, another process, a full disk),
 * the store's recovery record, and renaming credentials (cred.c).
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define ALPHABET	"23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define SLOTS		"ABCDEFGHJKMNPQRSTUVW"

/* Well-formed yescrypt hashes (of nothing in particular). */
#define H_SETTING	"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$"
#define H1	H_SETTING "X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVAk6"
#define H2	H_SETTING "ZSk6Cw5i4OxoOhqSB9lD6ZWsVGDQMa3bwUmMmcjSD/7"
#define H3	H_SETTING "lTcNIGOeuQ8IXXBLk5j.QD5Z3C9EqSbXwQYFZK2mUYA"

#define HEAD	"pam_mfa-store 1\nuser alice\nnext-id 9\n"
#define REC(hashes) \
	"recovery 3 status=active created=1700000000 label=paper " \
	"hashes=" hashes "\n"
#define TOTP \
	"totp 1 status=active alg=sha1 digits=6 period=30 created=0 " \
	"label=x secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"

struct fixture {
	char		*dir;
	mfa_ctx_t	*ctx;
	mfa_user_t	*u;
};

static int
setup(void **state)
{
	struct fixture *f;

	assert_non_null(f = calloc(1, sizeof(*f)));
	f->dir = tu_mkstore();
	f->ctx = tu_ctx(f->dir);
	tu_now = 1700000000;
	tu_log_reset();
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &f->u), MFA_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	mfa_user_free(&f->u);
	mfa_ctx_free(&f->ctx);
	tu_rmstore(f->dir);
	free(f);
	return 0;
}

static void
reopen(struct fixture *f, int flags)
{
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", flags, &f->u),
	    MFA_OK);
}

static char *
file_text(struct fixture *f)
{
	char	*p = tu_path(f->dir, "alice"), *t;

	t = tu_read(p, NULL);
	free(p);
	return t;
}

/* The recovery credential of the user (there is at most one). */
static const mfa_cred_t *
rec_cred(const mfa_user_t *u)
{
	const mfa_cred_t	*c;
	size_t			 i;

	for (i = 0; i < mfa_user_cred_count(u); i++) {
		c = mfa_user_cred(u, i);
		if (mfa_cred_type(c) == MFA_CRED_RECOVERY)
			return c;
	}
	return NULL;
}

static unsigned
failures(const mfa_user_t *u)
{
	unsigned	n = 99;

	(void)mfa_user_lock_status(u, NULL, &n);
	return n;
}

/* s without its dashes, in lower case. */
static void
squash(const char *s, char *out)
{
	for (; *s != '\0'; s++)
		if (*s != '-')
			*out++ = (char)(*s >= 'A' && *s <= 'Z' ?
			    *s - 'A' + 'a' : *s);
	*out = '\0';
}

/* "XXXX-XXXX-XXXX": slot letter i first, then the code alphabet. */
static void
assert_shape(const char *code, unsigned i)
{
	size_t	k;

	assert_int_equal(strlen(code), 14);
	assert_int_equal(code[0], SLOTS[i]);
	for (k = 1; k < 14; k++) {
		if (k == 4 || k == 9)
			assert_int_equal(code[k], '-');
		else if (strchr(ALPHABET, code[k]) == NULL)
			fail_msg("code %u: bad character '%c'", i, code[k]);
	}
}

static void
test_generate(void **state)
{
	struct fixture		*f = *state;
	const mfa_cred_t	*c;
	char			**codes = NULL, *text, *p, sq[16];
	unsigned		 i, j, n;
	mfa_user_t		*ro = NULL;

	/* Bounds and arguments. */
	assert_int_equal(mfa_user_recovery_generate(f->u, 0, &codes),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_user_recovery_generate(f->u,
	    MFA_RECOVERY_MAX + 1, &codes), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_recovery_generate(f->u, 1, NULL),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_user_recovery_generate(NULL, 1, &codes),
	    MFA_ERR_INVAL);
	assert_null(codes);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 0);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_RECOVERY), 0);

	/* The largest set. */
	assert_int_equal(mfa_user_recovery_generate(f->u, MFA_RECOVERY_MAX,
	    &codes), MFA_OK);
	assert_non_null(codes);
	for (i = 0; i < MFA_RECOVERY_MAX; i++) {
		assert_shape(codes[i], i);
		assert_true(mfa_recovery_code_like(codes[i]));
		for (j = 0; j < i; j++)
			assert_string_not_equal(codes[i] + 1, codes[j] + 1);
	}
	assert_int_equal(mfa_user_recovery_remaining(f->u), MFA_RECOVERY_MAX);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_RECOVERY), 1);
	assert_int_equal(mfa_user_cred_count(f->u), 1);
	assert_non_null(c = rec_cred(f->u));
	assert_int_equal(mfa_cred_id(c), 1);
	assert_int_equal(mfa_cred_status(c), MFA_STATUS_ACTIVE);
	assert_string_equal(mfa_cred_label(c), "recovery");
	assert_int_equal(mfa_cred_created(c), tu_now);
	assert_int_equal(mfa_cred_last_used(c), 0);

	/* Only hashes are stored: no code, in any spelling. */
	text = file_text(f);
	assert_non_null(strstr(text, "next-id 2\n"));
	assert_non_null(p = strstr(text, "\nrecovery 1 status=active "
	    "created=1700000000 label=recovery hashes=$y$"));
	for (n = 1; *p != '\0'; p++)
		n += *p == ',';
	assert_int_equal(n, MFA_RECOVERY_MAX);
	for (i = 0; i < MFA_RECOVERY_MAX; i++) {
		assert_null(strstr(text, codes[i]));
		squash(codes[i], sq);
		assert_null(strcasestr(text, sq));
	}
	free(text);
	assert_non_null(strstr(tu_log_buf, "user alice: 20 new recovery "
	    "codes"));
	for (i = 0; i < MFA_RECOVERY_MAX; i++)
		assert_null(strstr(tu_log_buf, codes[i]));
	mfa_recovery_codes_free(&codes, MFA_RECOVERY_MAX);
	assert_null(codes);
	mfa_recovery_codes_free(&codes, 3);	/* NULL is fine */
	mfa_recovery_codes_free(NULL, 3);

	/* The smallest set; it replaces the other. */
	assert_int_equal(mfa_user_recovery_generate(f->u, 1, &codes),
	    MFA_OK);
	assert_shape(codes[0], 0);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 1);
	assert_int_equal(mfa_user_cred_count(f->u), 1);
	assert_int_equal(mfa_cred_id(rec_cred(f->u)), 2);
	mfa_recovery_codes_free(&codes, 1);

	/* Read-only: refused. */
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_READ, &ro),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_remaining(ro), 1);
	assert_int_equal(mfa_user_recovery_generate(ro, 1, &codes),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_user_recovery_verify(ro, "AAAA-AAAA-AAAA",
	    NULL), MFA_ERR_INVAL);
	mfa_user_free(&ro);
	reopen(f, MFA_OPEN_WRITE);
}

/*
 * The symbols after the slot letter are uniform over the alphabet: over
 * 100000 codes each is within 3% of its share (5.7 standard
 * deviations; a modulo bias would put some 12% off).
 */
static void
test_generate_alphabet(void **state)
{
	char		norm[MFA_RECOVERY_LEN + 1], shown[RECOVERY_SHOWN_SIZE];
	unsigned long	seen[256], want;
	unsigned	i, k;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 100000; i++) {
		assert_int_equal(recovery_code_make(i % MFA_RECOVERY_MAX, norm,
		    shown), MFA_OK);
		assert_int_equal(strlen(norm), MFA_RECOVERY_LEN);
		assert_int_equal(norm[0], SLOTS[i % MFA_RECOVERY_MAX]);
		assert_int_equal(shown[4], '-');
		assert_int_equal(shown[9], '-');
		assert_int_equal(strlen(shown), RECOVERY_SHOWN_SIZE - 1);
		for (k = 1; k < MFA_RECOVERY_LEN; k++)
			seen[(unsigned char)norm[k]]++;
	}
	want = 100000UL * (MFA_RECOVERY_LEN - 1) / 31;
	for (k = 0; k < 256; k++) {
		if (k == 0 || strchr(ALPHABET, (int)k) == NULL)
			assert_int_equal(seen[k], 0);
		else if (seen[k] < want - want * 3 / 100 ||
		    seen[k] > want + want * 3 / 100)
			fail_msg("symbol '%c' seen %lu times, not about %lu",
			    (char)k, seen[k], want);
	}
	assert_int_equal(recovery_code_make(MFA_RECOVERY_MAX, norm, shown),
	    MFA_ERR_INVAL);
}

static void
test_code_like(void **state)
{
	static const char *const yes[] = {
		"A7QH-2MFD-XW9P", "a7qh-2mfd-xw9p", "A7QH2MFDXW9P",
		"a7qh2mfdxw9p", "A7QH 2MFD XW9P", " a7Qh - 2mFd - xW9p ",
		"W222-2222-2222", "BZZZ-ZZZZ-ZZZZ",
	};
	static const char *const no[] = {
		"", " ", "-", "123456", "12345678", "123 456", "123-456",
		"1234-5678-9012", "2345-6789-2345", "234523452345",
		"0000-0000-0000", "23456789", "2345 6789 2345",
		/* wrong length */
		"A7QH-2MFD-XW9", "A7QH-2MFD-XW9PP", "A",
		/* not a slot letter first */
		"X7QH-2MFD-XW9P", "Z7QH-2MFD-XW9P", "27QH-2MFD-XW9P",
		/* look-alikes are not in the alphabet */
		"A7QH-2MFD-XW9O", "A7QH-2MFD-XW90", "A7QH-2MFD-XW91",
		"A7QH-2MFD-XW9I", "A7QH-2MFD-XW9L", "A7QH-2MFD-XW9l",
		"O7QH-2MFD-XW9P", "I7QH-2MFD-XW9P",
		/* other separators, other characters */
		"A7QH_2MFD_XW9P", "A7QH.2MFD.XW9P", "A7QH\t2MFD\tXW9P",
		"A7QH-2MFD-XW9P\n", "A7QH-2MFD-XW9P!",
		/* non-ASCII */
		"A7QH-2MFD-XW9\xc3\x9f", "\xef\xbc\xa1" "7QH-2MFD-XW9P",
		"A7QH-2MFD-XW9\xff",
	};
	char	long_in[MFA_RECOVERY_INPUT_MAX + 8];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!mfa_recovery_code_like(yes[i]))
			fail_msg("\"%s\" not taken for a recovery code",
			    yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (mfa_recovery_code_like(no[i]))
			fail_msg("\"%s\" taken for a recovery code", no[i]);
	assert_false(mfa_recovery_code_like(NULL));

	/* No string of digits, blanks and dashes is ever one. */
	for (i = 0; i < 4096; i++) {
		char	d[20];

		snprintf(d, sizeof(d), "%04zu-%04zu-%04zu", i, 9999 - i,
		    i * 7 % 10000);
		assert_false(mfa_recovery_code_like(d));
		snprintf(d, sizeof(d), "%012zu",
		    i * 2654435761u % 1000000000000);
		assert_false(mfa_recovery_code_like(d));
		snprintf(d, sizeof(d), "%06zu", i * 97 % 1000000);
		assert_false(mfa_recovery_code_like(d));
	}

	/* The length cap applies to the input as typed. */
	memset(long_in, '-', sizeof(long_in));
	memcpy(long_in, "A7QH2MFDXW9P", 12);
	long_in[MFA_RECOVERY_INPUT_MAX] = '\0';
	assert_true(mfa_recovery_code_like(long_in));
	long_in[MFA_RECOVERY_INPUT_MAX] = '-';
	long_in[MFA_RECOVERY_INPUT_MAX + 1] = '\0';
	assert_false(mfa_recovery_code_like(long_in));
}

static void
test_verify_once(void **state)
{
	struct fixture	*f = *state;
	char		**codes = NULL, sq[16];
	unsigned	 left = 99, i;

	assert_int_equal(mfa_user_recovery_generate(f->u, 3, &codes),
	    MFA_OK);
	tu_now += 60;
	tu_log_reset();
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[1], &left),
	    MFA_OK);
	assert_int_equal(left, 2);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	assert_int_equal(mfa_cred_last_used(rec_cred(f->u)), tu_now);
	assert_non_null(strstr(tu_log_buf,
	    "user alice: recovery code used (2 left)"));
	assert_int_equal(failures(f->u), 0);

	/* Used: refused, counted, *remaining untouched. */
	left = 99;
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[1], &left),
	    MFA_ERR_REPLAY);
	assert_int_equal(left, 99);
	assert_int_equal(failures(f->u), 1);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	assert_non_null(strstr(tu_log_buf, "used recovery code was tried"));

	/* Any spelling of the code; a success resets the failures. */
	squash(codes[0], sq);
	assert_int_equal(mfa_user_recovery_verify(f->u, sq, NULL), MFA_OK);
	assert_int_equal(failures(f->u), 0);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 1);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_RECOVERY), 1);

	/* The last one: the factor is gone, the set stays listed. */
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[2], &left),
	    MFA_OK);
	assert_int_equal(left, 0);
	assert_non_null(strstr(tu_log_buf, "(0 left)"));
	assert_int_equal(mfa_user_recovery_remaining(f->u), 0);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_RECOVERY), 0);
	assert_non_null(rec_cred(f->u));
	for (i = 0; i < 3; i++)
		assert_int_equal(mfa_user_recovery_verify(f->u, codes[i],
		    NULL), MFA_ERR_REPLAY);

	/* Never a code in the log. */
	for (i = 0; i < 3; i++) {
		assert_null(strstr(tu_log_buf, codes[i]));
		squash(codes[i], sq);
		assert_null(strcasestr(tu_log_buf, sq));
	}
	mfa_recovery_codes_free(&codes, 3);
}

static void
test_wrong_code(void **state)
{
	struct fixture	*f = *state;
	char		**codes = NULL, wrong[16];
	size_t		 k;

	/* No codes: not enrolled, and not counted. */
	assert_int_equal(mfa_user_recovery_verify(f->u, "A7QH-2MFD-XW9P",
	    NULL), MFA_ERR_NOTENROLLED);
	assert_int_equal(failures(f->u), 0);

	assert_int_equal(mfa_user_recovery_generate(f->u, 3, &codes),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(f->u, NULL, NULL),
	    MFA_ERR_INVAL);
	/* One character off. */
	memcpy(wrong, codes[0], 15);
	k = 13;
	wrong[k] = wrong[k] == 'Z' ? 'Y' : 'Z';
	assert_int_equal(mfa_user_recovery_verify(f->u, wrong, NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(failures(f->u), 1);
	/* Another slot's letter in front of a right code. */
	memcpy(wrong, codes[0], 15);
	wrong[0] = 'B';
	assert_int_equal(mfa_user_recovery_verify(f->u, wrong, NULL),
	    MFA_ERR_BADCODE);
	/* A slot the set does not have. */
	wrong[0] = 'W';
	assert_int_equal(mfa_user_recovery_verify(f->u, wrong, NULL),
	    MFA_ERR_BADCODE);
	/* Not a code at all: counted as well. */
	assert_int_equal(mfa_user_recovery_verify(f->u, "123456", NULL),
	    MFA_ERR_CODEFMT);
	assert_int_equal(failures(f->u), 4);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 3);
	/* The right one still works. */
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[0], NULL),
	    MFA_OK);
	mfa_recovery_codes_free(&codes, 3);
}

static void
test_lockout(void **state)
{
	struct fixture	*f = *state;
	char		**codes = NULL;
	int64_t		 until = 0;
	unsigned	 i;

	assert_int_equal(mfa_user_recovery_generate(f->u, 2, &codes),
	    MFA_OK);
	for (i = 0; i < 5; i++)
		assert_int_equal(mfa_user_recovery_verify(f->u,
		    "B7QH-2MFD-XW9P", NULL), MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_lock_status(f->u, &until, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(until, tu_now + 900);
	assert_non_null(strstr(tu_log_buf, "locked out"));

	/* Locked: a right code is refused and not consumed or counted. */
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[0], NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	assert_int_equal(failures(f->u), 5);
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);

	/* After the lock: accepted, and the count starts again. */
	tu_now += 900;
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[0], NULL),
	    MFA_OK);
	assert_int_equal(failures(f->u), 0);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL), MFA_OK);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 1);
	mfa_recovery_codes_free(&codes, 2);
}

static void
test_regenerate(void **state)
{
	struct fixture	*f = *state;
	char		**old = NULL, **new = NULL;
	unsigned	 old_id, new_id, id;
	size_t		 i;

	assert_int_equal(mfa_user_totp_add(f->u, "phone", NULL, -1, 0, &id,
	    NULL), MFA_OK);
	assert_int_equal(mfa_user_recovery_generate(f->u, 2, &old), MFA_OK);
	old_id = mfa_cred_id(rec_cred(f->u));
	assert_int_equal(mfa_user_rename(f->u, old_id, "paper in the safe"),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(f->u, old[0], NULL),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 1);

	tu_now += 100;
	assert_int_equal(mfa_user_recovery_generate(f->u, 2, &new), MFA_OK);
	new_id = mfa_cred_id(rec_cred(f->u));
	assert_true(new_id > old_id);
	assert_int_equal(mfa_user_cred_count(f->u), 2);
	/* Same place in the list, same name, new date, all unused. */
	assert_int_equal(mfa_cred_id(mfa_user_cred(f->u, 1)), new_id);
	assert_string_equal(mfa_cred_label(rec_cred(f->u)),
	    "paper in the safe");
	assert_int_equal(mfa_cred_created(rec_cred(f->u)), tu_now);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	assert_non_null(strstr(tu_log_buf, "the old ones are void"));
	/* The old set's state is gone. */
	for (i = 0; i < f->u->state.ncreds; i++)
		assert_int_not_equal(f->u->state.creds[i].id, old_id);

	reopen(f, MFA_OPEN_WRITE);
	/* Old codes, used or not, are worthless now. */
	assert_int_equal(mfa_user_recovery_verify(f->u, old[1], NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_recovery_verify(f->u, old[0], NULL),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_recovery_verify(f->u, new[0], NULL),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_verify(f->u, new[1], NULL),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 0);

	/* Removing the set: no factor, nothing to verify against. */
	assert_int_equal(mfa_user_remove(f->u, new_id), MFA_OK);
	assert_null(rec_cred(f->u));
	assert_int_equal(mfa_user_recovery_verify(f->u, new[0], NULL),
	    MFA_ERR_NOTENROLLED);
	mfa_recovery_codes_free(&old, 2);
	mfa_recovery_codes_free(&new, 2);
}

static void
test_limit(void **state)
{
	struct fixture	*f = *state;
	char		**codes = NULL;
	unsigned	 i, id;

	for (i = 0; i < MFA_CREDS_MAX; i++)
		assert_int_equal(mfa_user_totp_add(f->u, "t", NULL, -1, 0,
		    &id, NULL), MFA_OK);
	assert_int_equal(mfa_user_recovery_generate(f->u, 1, &codes),
	    MFA_ERR_LIMIT);
	assert_null(codes);
	assert_int_equal(mfa_user_remove(f->u, id), MFA_OK);
	/* The set is one credential; replacing it needs no room. */
	assert_int_equal(mfa_user_recovery_generate(f->u, 1, &codes),
	    MFA_OK);
	mfa_recovery_codes_free(&codes, 1);
	assert_int_equal(mfa_user_cred_count(f->u), MFA_CREDS_MAX);
	assert_int_equal(mfa_user_recovery_generate(f->u, 2, &codes),
	    MFA_OK);
	mfa_recovery_codes_free(&codes, 2);
	assert_int_equal(mfa_user_cred_count(f->u), MFA_CREDS_MAX);
	assert_int_equal(mfa_user_totp_add(f->u, "t", NULL, -1, 0, &id,
	    NULL), MFA_ERR_LIMIT);
}

static void
test_other_process(void **state)
{
	struct fixture	*f = *state;
	mfa_user_t	*u = NULL;
	char		**codes = NULL;
	int		 status;
	pid_t		 pid;

	assert_int_equal(mfa_user_recovery_generate(f->u, 4, &codes),
	    MFA_OK);
	mfa_user_free(&f->u);
	if ((pid = fork()) == 0) {
		unsigned left = 0;

		if (mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &u) !=
		    MFA_OK ||
		    mfa_user_recovery_verify(u, codes[2], &left) != MFA_OK ||
		    left != 3)
			_exit(1);
		mfa_user_free(&u);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_recovery_remaining(u), 3);
	assert_int_equal(mfa_user_has_factor(u, MFA_FACTOR_RECOVERY), 1);
	assert_int_equal(mfa_cred_last_used(rec_cred(u)), tu_now);
	mfa_user_free(&u);
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[2], NULL),
	    MFA_ERR_REPLAY);
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[3], NULL),
	    MFA_OK);
	mfa_recovery_codes_free(&codes, 4);
}

/*
 * In a child with a private mount namespace: a tiny tmpfs as the store,
 * filled up.  Returns 0 on success, 77 to skip, another value naming
 * the failed check.
 */
static int
full_disk_child(const char *dir)
{
	mfa_ctx_t	*ctx;
	mfa_user_t	*u = NULL;
	char		**codes = NULL, **more = NULL, *filler, buf[4096];
	unsigned	 left = 0, n;
	int		 fd;

	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700") != 0)
		return 77;
	if ((ctx = mfa_ctx_new()) == NULL ||
	    mfa_ctx_set_store(ctx, dir) != MFA_OK)
		return 2;
	ctx_set_clock(ctx, tu_clock, NULL);
	if (mfa_user_open(ctx, "alice", MFA_OPEN_WRITE | MFA_OPEN_CREATE,
	    &u) != MFA_OK ||
	    mfa_user_recovery_generate(u, 3, &codes) != MFA_OK)
		return 3;
	mfa_user_free(&u);

	if (asprintf(&filler, "%s/filler", dir) < 0 ||
	    (fd = open(filler, O_WRONLY | O_CREAT, 0600)) < 0)
		return 4;
	memset(buf, 'f', sizeof(buf));
	while (write(fd, buf, sizeof(buf)) > 0)
		;
	if (errno != ENOSPC)
		return 5;
	close(fd);
	free(filler);

	/* A code is still consumed, once; failures are still counted. */
	if (mfa_user_open(ctx, "alice", MFA_OPEN_WRITE, &u) != MFA_OK)
		return 6;
	if (mfa_user_recovery_verify(u, codes[1], &left) != MFA_OK ||
	    left != 2)
		return 7;
	if (mfa_user_recovery_verify(u, codes[1], NULL) != MFA_ERR_REPLAY)
		return 8;
	/* New codes cannot be written; the old ones stay valid. */
	if (mfa_user_recovery_generate(u, 3, &more) != MFA_ERR_NOSPC ||
	    more != NULL)
		return 9;
	if (asprintf(&filler, "%s/alice~tmp", dir) < 0 ||
	    access(filler, F_OK) == 0)
		return 10;
	free(filler);
	if (mfa_user_recovery_verify(u, codes[0], &left) != MFA_OK ||
	    left != 1)
		return 11;
	mfa_user_free(&u);
	if (mfa_user_open(ctx, "alice", MFA_OPEN_READ, &u) != MFA_OK ||
	    mfa_user_recovery_remaining(u) != 1 ||
	    mfa_user_lock_status(u, NULL, &n) != MFA_OK || n != 0)
		return 12;
	mfa_user_free(&u);
	mfa_recovery_codes_free(&codes, 3);
	mfa_ctx_free(&ctx);
	return 0;
}

static void
test_full_disk(void **state)
{
	struct fixture	*f = *state;
	char		*dir;
	int		 status;
	pid_t		 pid;

	tu_require_root();
	dir = tu_path(f->dir, "small");
	assert_int_equal(mkdir(dir, 0700), 0);
	if ((pid = fork()) == 0) {
		status = full_disk_child(dir);
		free(dir);
		_exit(status);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	free(dir);
	if (WEXITSTATUS(status) == 77)
		skip();		/* no mount namespaces here */
	if (WEXITSTATUS(status) != 0)
		fail_msg("full disk check %d failed", WEXITSTATUS(status));
}

/* ---- the store record ----------------------------------------------- */

static void
test_parse(void **state)
{
	static const struct {
		const char	*what;
		const char	*text;
	} bad[] = {
		{ "not yescrypt", HEAD REC("$6$saltsalt$"
		    "X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVAk6") },
		{ "no hash", HEAD REC("") },
		{ "short hash", HEAD REC(H_SETTING
		    "X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVAk") },
		{ "long hash", HEAD REC(H1 "x") },
		{ "bad character", HEAD REC(H_SETTING
		    "X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVAk*") },
		{ "extra field", HEAD REC("$y$j9T$F5Jx$5fExrKuPp53xLKQ..1$"
		    "X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVAk6") },
		{ "empty field", HEAD REC("$y$$F5Jx5fExrKuPp53xLKQ..1$"
		    "X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVAk6") },
		{ "plain code", HEAD REC("A7QH-2MFD-XW9P") },
		{ "empty item", HEAD REC(H1 ",," H2) },
		{ "trailing comma", HEAD REC(H1 "," H2 ",") },
		{ "leading comma", HEAD REC("," H1) },
		{ "duplicate hash", HEAD REC(H1 "," H2 "," H1) },
		{ "two sets", HEAD REC(H1) "recovery 4 status=active "
		    "created=0 label=x hashes=" H2 "\n" },
		{ "pending", HEAD "recovery 3 status=pending created=0 "
		    "label=x hashes=" H1 "\n" },
		{ "missing key", HEAD "recovery 3 status=active created=0 "
		    "hashes=" H1 "\n" },
		{ "duplicate key", HEAD "recovery 3 status=active created=0 "
		    "label=x hashes=" H1 " hashes=" H2 "\n" },
		{ "replaced key", HEAD "recovery 3 status=active created=0 "
		    "label=x codes=" H1 "\n" },
		{ "unknown key", HEAD "recovery 3 status=active created=0 "
		    "label=x hashes=" H1 " used=0\n" },
		{ "id too big", "pam_mfa-store 1\nuser alice\nnext-id 3\n"
		    REC(H1) },
		{ "duplicate id", HEAD "totp 3 status=active alg=sha1 "
		    "digits=6 period=30 created=0 label=x "
		    "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n" REC(H1) },
		{ "bad label", HEAD "recovery 3 status=active created=0 "
		    "label=%01 hashes=" H1 "\n" },
	};
	struct mfa_user	*u;
	const char	*text;
	char		*buf, *fmt = NULL, hashes[4096];
	size_t		 i, len, flen;

	(void)state;
	assert_non_null(u = calloc(1, sizeof(*u)));
	(void)snprintf(u->name, sizeof(u->name), "%s", "alice");

	/* Good, and written back the same. */
	text = HEAD TOTP REC(H1 "," H2 "," H3);
	assert_int_equal(store_parse(u, text, strlen(text)), MFA_OK);
	assert_int_equal(u->ncreds, 2);
	assert_int_equal(u->creds[1].type, MFA_CRED_RECOVERY);
	assert_int_equal(u->creds[1].id, 3);
	assert_int_equal(u->creds[1].rc_count, 3);
	assert_string_equal(u->creds[1].rc_hash[2], H3);
	assert_string_equal(u->creds[1].label, "paper");
	assert_int_equal(store_format(u, &fmt, &flen), MFA_OK);
	assert_int_equal(flen, strlen(text));
	assert_memory_equal(fmt, text, flen);
	free(fmt);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		u->ncreds = 99;
		if (store_parse(u, bad[i].text, strlen(bad[i].text)) !=
		    MFA_ERR_FORMAT)
			fail_msg("%s: not refused", bad[i].what);
		assert_int_equal(u->ncreds, 99);
	}

	/* MFA_RECOVERY_MAX hashes, and one more. */
	hashes[0] = '\0';
	for (i = 0; i <= MFA_RECOVERY_MAX; i++) {
		len = strlen(hashes);
		snprintf(hashes + len, sizeof(hashes) - len, "%s" H_SETTING
		    "X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVA%02zu",
		    i == 0 ? "" : ",", i);
		assert_true(asprintf(&buf, HEAD "recovery 3 status=active "
		    "created=0 label=x hashes=%s\n", hashes) > 0);
		assert_int_equal(store_parse(u, buf, strlen(buf)),
		    i < MFA_RECOVERY_MAX ? MFA_OK : MFA_ERR_FORMAT);
		free(buf);
	}

	/* The serialiser refuses what the parser would. */
	text = HEAD REC(H1 "," H2);
	assert_int_equal(store_parse(u, text, strlen(text)), MFA_OK);
	memcpy(u->creds[0].rc_hash[1], H1, sizeof(H1));
	assert_int_equal(store_format(u, &fmt, &flen), MFA_ERR_INVAL);
	u->creds[0].rc_count = 0;
	assert_int_equal(store_format(u, &fmt, &flen), MFA_ERR_INVAL);
	u->creds[0].rc_count = 1;
	u->creds[0].status = MFA_STATUS_PENDING;
	assert_int_equal(store_format(u, &fmt, &flen), MFA_ERR_INVAL);
	u->creds[0].status = MFA_STATUS_ACTIVE;
	u->creds[0].rc_hash[0][0] = '*';
	assert_int_equal(store_format(u, &fmt, &flen), MFA_ERR_INVAL);
	free(u);
}

/* Imported scratch codes: a "scratch" key, hashes with one setting. */
#define H4	"$y$j9T$Ab3x5fExrKuPp53xLKQ..1$" \
		"X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVAk6"
#define SREC(keys) \
	"recovery 3 status=active created=1700000000 label=paper " keys "\n"

static void
test_parse_scratch(void **state)
{
	static const struct {
		const char	*what;
		const char	*text;
	} bad[] = {
		{ "two settings", HEAD SREC("scratch=" H1 "," H4) },
		{ "duplicate", HEAD SREC("scratch=" H1 "," H2 "," H1) },
		{ "empty", HEAD SREC("scratch=") },
		{ "plain code", HEAD SREC("scratch=12345678") },
		{ "twice", HEAD SREC("scratch=" H1 " scratch=" H2) },
		{ "neither", HEAD SREC("") },
	};
	struct mfa_user	*u;
	const char	*text;
	char		*buf, *fmt = NULL, hashes[4096];
	size_t		 i, len, flen;

	(void)state;
	assert_non_null(u = calloc(1, sizeof(*u)));
	(void)snprintf(u->name, sizeof(u->name), "%s", "alice");
	/* Scratch codes alone, and with recovery codes; written back. */
	text = HEAD TOTP SREC("scratch=" H1 "," H2);
	assert_int_equal(store_parse(u, text, strlen(text)), MFA_OK);
	assert_int_equal(u->creds[1].rc_count, 0);
	assert_int_equal(u->creds[1].sc_count, 2);
	assert_string_equal(u->creds[1].sc_hash[1], H2);
	assert_int_equal(store_format(u, &fmt, &flen), MFA_OK);
	assert_int_equal(flen, strlen(text));
	assert_memory_equal(fmt, text, flen);
	free(fmt);
	text = HEAD SREC("hashes=" H4 " scratch=" H1 "," H2 "," H3);
	assert_int_equal(store_parse(u, text, strlen(text)), MFA_OK);
	assert_int_equal(u->creds[0].rc_count, 1);
	assert_int_equal(u->creds[0].sc_count, 3);
	assert_int_equal(store_format(u, &fmt, &flen), MFA_OK);
	assert_memory_equal(fmt, text, flen);
	free(fmt);
	/* The serialiser refuses what the parser would. */
	memcpy(u->creds[0].sc_hash[2], H4, sizeof(H4));
	assert_int_equal(store_format(u, &fmt, &flen), MFA_ERR_INVAL);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		u->ncreds = 99;
		if (store_parse(u, bad[i].text, strlen(bad[i].text)) !=
		    MFA_ERR_FORMAT)
			fail_msg("%s: not refused", bad[i].what);
		assert_int_equal(u->ncreds, 99);
	}
	/* 10 scratch hashes, and one more. */
	hashes[0] = '\0';
	for (i = 0; i <= 10; i++) {
		len = strlen(hashes);
		snprintf(hashes + len, sizeof(hashes) - len, "%s" H_SETTING
		    "X3DrtcJNYNbNRPPaWvUrJGPkjqAkPD0EnxMZTkAVA%02zu",
		    i == 0 ? "" : ",", i);
		assert_true(asprintf(&buf, HEAD "recovery 3 status=active "
		    "created=0 label=x hashes=" H1 " scratch=%s\n",
		    hashes) > 0);
		assert_int_equal(store_parse(u, buf, strlen(buf)),
		    i < 10 ? MFA_OK : MFA_ERR_FORMAT);
		free(buf);
	}
	free(u);
}

/* A set whose codes are all used is no factor. */
static void
test_parse_used_state(void **state)
{
	struct fixture	*f = *state;
	char		**codes = NULL;
	unsigned	 id;

	assert_int_equal(mfa_user_recovery_generate(f->u, 2, &codes),
	    MFA_OK);
	id = mfa_cred_id(rec_cred(f->u));
	/* Marks past the end of the set change nothing. */
	assert_non_null(state_cred(&f->u->state, id, 1));
	state_cred(&f->u->state, id, 0)->counter = 0xfffffffcu;
	assert_int_equal(store_commit_state(f->u), MFA_OK);
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 2);
	state_cred(&f->u->state, id, 0)->counter = 0x3;
	assert_int_equal(store_commit_state(f->u), MFA_OK);
	reopen(f, MFA_OPEN_READ);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 0);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_RECOVERY), 0);
	mfa_recovery_codes_free(&codes, 2);
}

/*
 * A state record left with the id the new set will get (a credential
 * whose store write failed after its state was written, then the id
 * handed out again): the new set starts with every code unused.
 */
static void
test_generate_stale_state(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state_cred	*sc;
	char			**codes = NULL;
	unsigned		 id = f->u->next_id;

	assert_non_null(sc = state_cred(&f->u->state, id, 1));
	sc->counter = 0x7;		/* codes 0, 1 and 2 used */
	sc->last_used = tu_now;
	assert_int_equal(state_write(f->u->statefd, &f->u->state,
	    &f->u->slot, 1), MFA_OK);
	reopen(f, MFA_OPEN_WRITE | MFA_OPEN_CREATE);
	assert_non_null(state_cred(&f->u->state, id, 0));
	assert_int_equal(mfa_user_recovery_generate(f->u, 3, &codes),
	    MFA_OK);
	assert_int_equal(mfa_cred_id(rec_cred(f->u)), id);
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_user_recovery_remaining(f->u), 3);
	assert_int_equal(mfa_cred_last_used(rec_cred(f->u)), 0);
	assert_int_equal(mfa_user_recovery_verify(f->u, codes[0], NULL),
	    MFA_OK);
	mfa_recovery_codes_free(&codes, 3);
}

/* ---- rename (cred.c) -------------------------------------------- */

static void
test_rename(void **state)
{
	struct fixture	*f = *state;
	char		**codes = NULL, *text, label[MFA_LABEL_MAX + 2];
	unsigned	 tid, rid;

	assert_int_equal(mfa_user_totp_add(f->u, "phone", NULL, -1, 0, &tid,
	    NULL), MFA_OK);
	assert_int_equal(mfa_user_recovery_generate(f->u, 1, &codes),
	    MFA_OK);
	mfa_recovery_codes_free(&codes, 1);
	rid = mfa_cred_id(rec_cred(f->u));

	assert_int_equal(mfa_user_rename(f->u, tid, "old phone"), MFA_OK);
	assert_int_equal(mfa_user_rename(f->u, rid, "\xe7\xb4\x99"), MFA_OK);
	assert_non_null(strstr(tu_log_buf, "credential 1 renamed"));
	text = file_text(f);
	assert_non_null(strstr(text, "label=old%20phone "));
	assert_non_null(strstr(text, "label=%E7%B4%99 "));
	free(text);

	/* Bad labels and ids change nothing. */
	memset(label, 'x', sizeof(label));
	label[MFA_LABEL_MAX + 1] = '\0';
	assert_int_equal(mfa_user_rename(f->u, tid, label), MFA_ERR_INVAL);
	label[MFA_LABEL_MAX] = '\0';
	assert_int_equal(mfa_user_rename(f->u, tid, label), MFA_OK);
	assert_int_equal(mfa_user_rename(f->u, tid, ""), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_rename(f->u, tid, "a\tb"), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_rename(f->u, tid, "a\nb"), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_rename(f->u, tid, "a\x7f"), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_rename(f->u, tid, NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_rename(f->u, 0, "x"), MFA_ERR_NOTFOUND);
	assert_int_equal(mfa_user_rename(f->u, 99, "x"), MFA_ERR_NOTFOUND);
	assert_int_equal(mfa_user_rename(NULL, tid, "x"), MFA_ERR_INVAL);
	assert_string_equal(mfa_cred_label(mfa_user_cred(f->u, 0)), label);

	reopen(f, MFA_OPEN_READ);
	assert_string_equal(mfa_cred_label(mfa_user_cred(f->u, 0)), label);
	assert_string_equal(mfa_cred_label(rec_cred(f->u)), "\xe7\xb4\x99");
	assert_int_equal(mfa_user_rename(f->u, tid, "x"), MFA_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_generate, setup,
		    teardown),
		cmocka_unit_test(test_generate_alphabet),
		cmocka_unit_test(test_code_like),
		cmocka_unit_test_setup_teardown(test_verify_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_code, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lockout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_regenerate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_process, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_full_disk, setup,
		    teardown),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_scratch),
		cmocka_unit_test_setup_teardown(test_generate_stale_state,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_used_state, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup,
		    teardown),
	};

	tu_require_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
