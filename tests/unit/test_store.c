/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store.c: user names, the strict open (directory, files, modes,
 * owners, types, sizes), the file format, the atomic rewrite and the
 * per-user lock.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* base32 of the RFC 6238 SHA-1 seed "12345678901234567890". */
#define SECRET1	"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define SECRET2	"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA"

#define GOOD \
	"pam_mfa-store 1\n" \
	"user alice\n" \
	"next-id 4\n" \
	"totp 1 status=active alg=sha1 digits=6 period=30 " \
	"created=1700000000 label=my%20phone secret=" SECRET1 "\n" \
	"totp 3 status=pending alg=sha256 digits=8 period=60 " \
	"created=1700000001 label=%E6%90%BA%E5%B8%AF secret=" SECRET2 "\n"

struct fixture {
	char		*dir;
	mfa_ctx_t	*ctx;
};

static int
setup(void **state)
{
	struct fixture *f;

	assert_non_null(f = calloc(1, sizeof(*f)));
	f->dir = tu_mkstore();
	f->ctx = tu_ctx(f->dir);
	tu_log_reset();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	mfa_ctx_free(&f->ctx);
	tu_rmstore(f->dir);
	free(f);
	return 0;
}

/* Writes dir/NAME.state (fresh slots, mode) by state_init. */
static void
put_state(const char *dir, const char *name, mode_t mode)
{
	char	*p, *fn;
	int	 fd;

	assert_true(asprintf(&fn, "%s.state", name) > 0);
	p = tu_path(dir, fn);
	(void)unlink(p);
	assert_true((fd = open(p, O_RDWR | O_CREAT | O_EXCL, mode)) >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(state_init(fd, 1), MFA_OK);
	close(fd);
	free(p);
	free(fn);
}

/* Writes dir/NAME with text (mode) and a fresh state file. */
static void
put_user(const char *dir, const char *name, const char *text, mode_t mode)
{
	char	*p = tu_path(dir, name);

	tu_write(p, text, strlen(text), mode);
	free(p);
	put_state(dir, name, 0600);
}

/* Opens and closes again (so no lock is kept); returns the result. */
static int
open_in(mfa_ctx_t *ctx, const char *name, int flags)
{
	mfa_user_t	*u = NULL;
	int		 r;

	r = mfa_user_open(ctx, name, flags, &u);
	if (r == MFA_OK)
		assert_non_null(u);
	else
		assert_null(u);
	mfa_user_free(&u);
	assert_null(u);
	return r;
}

static int
open_user(struct fixture *f, const char *name, int flags)
{
	return open_in(f->ctx, name, flags);
}

/* Opens name in a store through a new context, as a login does. */
static int
open_fresh(const char *dir, const char *name)
{
	mfa_ctx_t	*ctx;
	int		 r;

	assert_non_null(ctx = tu_ctx(dir));
	r = open_in(ctx, name, MFA_OPEN_READ);
	mfa_ctx_free(&ctx);
	return r;
}

/* Makes PARENT/store holding alice's file TEXT; it must open. */
static char *
store_under(const char *parent, const char *text)
{
	char	*store = tu_path(parent, "store");

	assert_int_equal(mkdir(store, 0700), 0);
	put_user(store, "alice", text, 0600);
	assert_int_equal(open_fresh(store, "alice"), MFA_OK);
	return store;
}

/* Gives DIR mode MODE; alice in STORE then opens with WANT. */
static void
dir_mode_opens(const char *store, const char *dir, mode_t mode, int want)
{
	assert_int_equal(chmod(dir, mode), 0);
	assert_int_equal(open_fresh(store, "alice"), want);
}

static int
exists(const char *dir, const char *name)
{
	char		*p = tu_path(dir, name);
	struct stat	 sb;
	int		 r;

	r = lstat(p, &sb) == 0;
	free(p);
	return r;
}

static void
test_label_check(void **state)
{
	char	long_label[MFA_LABEL_MAX + 2];

	(void)state;
	assert_int_equal(mfa_label_check("phone"), MFA_OK);
	assert_int_equal(mfa_label_check("t\xc3\xa9l\xc3\xa9phone"), MFA_OK);
	assert_int_equal(mfa_label_check(""), MFA_ERR_INVAL);
	assert_int_equal(mfa_label_check(NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_label_check("a\tb"), MFA_ERR_INVAL);
	assert_int_equal(mfa_label_check("a\x7f"), MFA_ERR_INVAL);
	memset(long_label, 'x', MFA_LABEL_MAX);
	long_label[MFA_LABEL_MAX] = '\0';
	assert_int_equal(mfa_label_check(long_label), MFA_OK);
	long_label[MFA_LABEL_MAX] = 'x';
	long_label[MFA_LABEL_MAX + 1] = '\0';
	assert_int_equal(mfa_label_check(long_label), MFA_ERR_INVAL);
}

static void
test_username(void **state)
{
	char		 longname[301];
	size_t		 i;
	static const char *const good[] = {
		"alice", "a", "Bob_2", "a.b-c_d@example.com", "host$",
		"x-", "user.stateful",
	};
	static const char *const bad[] = {
		"", "../../etc/passwd", "a/b", "/", ".", "..", ".hidden",
		"-rf", "a b", "a\tb", "a\nb", "a\x01", "\x7f", "ali\xc3\xa9",
		"\xe3\x81\x82", "$", "a$b", "a$$", "a:b", "a~tmp", "a*",
		"alice.state", "a%2e", "a\\b",
	};

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (mfa_username_check(good[i]) != MFA_OK)
			fail_msg("rejected %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mfa_username_check(bad[i]) != MFA_ERR_USERNAME)
			fail_msg("accepted bad name %zu", i);
	assert_int_equal(mfa_username_check(NULL), MFA_ERR_USERNAME);
	memset(longname, 'a', sizeof(longname));
	longname[300] = '\0';
	assert_int_equal(mfa_username_check(longname), MFA_ERR_USERNAME);
	longname[MFA_USER_MAX + 1] = '\0';
	assert_int_equal(mfa_username_check(longname), MFA_ERR_USERNAME);
	longname[MFA_USER_MAX] = '\0';
	assert_int_equal(mfa_username_check(longname), MFA_OK);
}

static void
test_open_bad_name(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(open_user(f, "../../etc/passwd",
	    MFA_OPEN_WRITE | MFA_OPEN_CREATE), MFA_ERR_USERNAME);
	assert_int_equal(open_user(f, "a/b", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE), MFA_ERR_USERNAME);
	assert_int_equal(open_user(f, "", MFA_OPEN_READ), MFA_ERR_USERNAME);
	assert_int_equal(open_user(f, "..", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE), MFA_ERR_USERNAME);
	/* Nothing was created anywhere near the store. */
	assert_false(exists(f->dir, "..state"));
	assert_false(exists(f->dir, "a"));
	/* Bad flags. */
	assert_int_equal(open_user(f, "alice", MFA_OPEN_CREATE),
	    MFA_ERR_INVAL);
	assert_int_equal(open_user(f, "alice", 0x10), MFA_ERR_INVAL);
}

static void
test_round_trip(void **state)
{
	struct fixture		*f = *state;
	mfa_user_t		*u = NULL;
	const mfa_cred_t	*c;
	char			*out = NULL;
	size_t			 len;

	tu_require_root();
	put_user(f->dir, "alice", GOOD, 0600);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_cred_count(u), 2);
	assert_non_null(c = mfa_user_cred(u, 0));
	assert_int_equal(mfa_cred_id(c), 1);
	assert_int_equal(mfa_cred_type(c), MFA_CRED_TOTP);
	assert_int_equal(mfa_cred_status(c), MFA_STATUS_ACTIVE);
	assert_string_equal(mfa_cred_label(c), "my phone");
	assert_int_equal(mfa_cred_created(c), 1700000000);
	assert_int_equal(mfa_cred_last_used(c), 0);
	assert_int_equal(mfa_cred_totp_algorithm(c), MFA_TOTP_SHA1);
	assert_int_equal(mfa_cred_totp_digits(c), 6);
	assert_int_equal(mfa_cred_totp_period(c), 30);
	assert_int_equal(c->secret_len, 20);
	assert_memory_equal(c->secret, "12345678901234567890", 20);
	assert_non_null(c = mfa_user_cred(u, 1));
	assert_int_equal(mfa_cred_id(c), 3);
	assert_int_equal(mfa_cred_status(c), MFA_STATUS_PENDING);
	assert_string_equal(mfa_cred_label(c), "\xe6\x90\xba\xe5\xb8\xaf");
	assert_int_equal(mfa_cred_totp_algorithm(c), MFA_TOTP_SHA256);
	assert_int_equal(mfa_cred_totp_digits(c), 8);
	assert_int_equal(mfa_cred_totp_period(c), 60);
	assert_int_equal(c->secret_len, 32);
	assert_null(mfa_user_cred(u, 2));
	assert_int_equal(u->next_id, 4);
	/* Only active credentials count as a factor. */
	assert_int_equal(mfa_user_has_factor(u, MFA_FACTOR_TOTP), 1);
	assert_int_equal(mfa_user_has_factor(u, MFA_FACTOR_FIDO2), 0);
	assert_int_equal(mfa_user_has_factor(u, MFA_FACTOR_PASSWORD), 0);

	/* Formatting gives back exactly the canonical text. */
	assert_int_equal(store_format(u, &out, &len), MFA_OK);
	assert_int_equal(len, strlen(GOOD));
	assert_memory_equal(out, GOOD, len);
	free(out);
	/* A read-only handle cannot rewrite anything. */
	assert_int_equal(store_commit(u), MFA_ERR_INVAL);
	assert_int_equal(store_commit_state(u), MFA_ERR_INVAL);
	mfa_user_free(&u);
	assert_null(u);
	mfa_user_free(NULL);

	/* NULL-safe getters. */
	assert_int_equal(mfa_user_cred_count(NULL), 0);
	assert_null(mfa_user_cred(NULL, 0));
	assert_int_equal(mfa_cred_id(NULL), 0);
	assert_string_equal(mfa_cred_label(NULL), "");
}

static void
test_has_factor_pending_only(void **state)
{
	struct fixture	*f = *state;
	mfa_user_t	*u = NULL;

	tu_require_root();
	put_user(f->dir, "bob", "pam_mfa-store 1\nuser bob\nnext-id 2\n"
	    "totp 1 status=pending alg=sha1 digits=6 period=30 created=0 "
	    "label=x secret=" SECRET1 "\n", 0600);
	assert_int_equal(mfa_user_open(f->ctx, "bob", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_has_factor(u, MFA_FACTOR_TOTP), 0);
	mfa_user_free(&u);

	/* An empty store (no credentials) is valid. */
	put_user(f->dir, "carol", "pam_mfa-store 1\nuser carol\nnext-id 1\n",
	    0600);
	assert_int_equal(mfa_user_open(f->ctx, "carol", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_cred_count(u), 0);
	assert_int_equal(mfa_user_has_factor(u, MFA_FACTOR_TOTP), 0);
	mfa_user_free(&u);
}

#define HEAD "pam_mfa-store 1\nuser alice\nnext-id 5\n"
#define T1 "totp 1 status=active alg=sha1 digits=6 period=30 " \
	"created=1700000000 label=phone secret=" SECRET1
#define T2 "totp 2 status=active alg=sha1 digits=6 period=30 " \
	"created=1700000000 label=phone2 secret=" SECRET1

static void
test_parse_rejects(void **state)
{
	struct mfa_user	*u;
	size_t		 i;
	static const struct {
		const char	*text;
		int		 err;
	} cases[] = {
		{ "", MFA_ERR_FORMAT },
		{ "pam_mfa-store 2\nuser alice\nnext-id 1\n",
		    MFA_ERR_VERSION },
		{ "pam_mfa-store 0\nuser alice\nnext-id 1\n",
		    MFA_ERR_VERSION },
		{ "pam_mfa-store x\nuser alice\nnext-id 1\n",
		    MFA_ERR_FORMAT },
		{ "pam_mfa-stor 1\nuser alice\nnext-id 1\n",
		    MFA_ERR_FORMAT },
		{ "pam_mfa-store 1\n", MFA_ERR_FORMAT },
		{ "pam_mfa-store 1\nuser alice\n", MFA_ERR_FORMAT },
		{ "pam_mfa-store 1\nuser bob\nnext-id 1\n", MFA_ERR_FORMAT },
		{ "pam_mfa-store 1\nuser alice\nnext-id 0\n",
		    MFA_ERR_FORMAT },
		{ "pam_mfa-store 1\nuser alice\nnext-id 01\n",
		    MFA_ERR_FORMAT },
		{ "pam_mfa-store 1\nuser alice\nnext-id -1\n",
		    MFA_ERR_FORMAT },
		{ "pam_mfa-store 1\nnext-id 1\nuser alice\n",
		    MFA_ERR_FORMAT },
		{ "pam_mfa-store 1\r\nuser alice\nnext-id 1\n",
		    MFA_ERR_FORMAT },
		{ HEAD T1, MFA_ERR_FORMAT },			/* truncated */
		{ HEAD T1 "\ntotp 2 status=act", MFA_ERR_FORMAT },
		{ HEAD T1 "\n" T1 "\n", MFA_ERR_FORMAT },	/* dup id */
		{ HEAD T1 "\n\n", MFA_ERR_FORMAT },		/* blank */
		{ HEAD "# comment\n", MFA_ERR_FORMAT },
		{ HEAD "fido2 1 status=active\n", MFA_ERR_FORMAT },
		{ HEAD "hotp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD T1 " color=red\n", MFA_ERR_FORMAT },	/* unknown */
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x label=y secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },				/* dup key */
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 secret=" SECRET1 "\n", MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 " \n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1  status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=enabled alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=md5 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=SHA1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=5 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=9 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=0 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=-5 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label= secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=a%0Ab secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=a%ZZ secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaa secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=GEZDGNBV\n", MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=GEZDGNBVGY3TQOJ!GEZDGNBVGY3TQOJQ"
		    "\n", MFA_ERR_FORMAT },
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET2 SECRET2 SECRET2 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 0 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },
		{ HEAD "totp 5 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },				/* >= next */
		{ HEAD "totp 1 status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=\xc3\xa9 secret=" SECRET1 "\n",
		    MFA_ERR_FORMAT },			/* raw non-ASCII */
		{ HEAD "totp 1 status\n", MFA_ERR_FORMAT },
	};

	(void)state;
	assert_non_null(u = calloc(1, sizeof(*u)));
	(void)snprintf(u->name, sizeof(u->name), "%s", "alice");
	/* Sanity: the pieces themselves are fine. */
	assert_int_equal(store_parse(u, HEAD T1 "\n" T2 "\n",
	    strlen(HEAD T1 "\n" T2 "\n")), MFA_OK);
	assert_int_equal(u->ncreds, 2);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u->ncreds = 99;
		if (store_parse(u, cases[i].text, strlen(cases[i].text)) !=
		    cases[i].err)
			fail_msg("case %zu: not refused as %d", i,
			    cases[i].err);
		assert_int_equal(u->ncreds, 99);	/* untouched */
	}
	/* A NUL byte inside. */
	assert_int_equal(store_parse(u, HEAD "\0\n", sizeof(HEAD "\0\n") - 1),
	    MFA_ERR_FORMAT);
	free(u);
}

static void
test_parse_limit(void **state)
{
	struct mfa_user	*u;
	char		*buf;
	size_t		 len = 0;
	unsigned	 i;

	(void)state;
	assert_non_null(u = calloc(1, sizeof(*u)));
	(void)snprintf(u->name, sizeof(u->name), "%s", "alice");
	assert_non_null(buf = malloc(MFA_STORE_MAX));
	len = (size_t)snprintf(buf, MFA_STORE_MAX,
	    "pam_mfa-store 1\nuser alice\nnext-id 100\n");
	for (i = 1; i <= MFA_CREDS_MAX; i++)
		len += (size_t)snprintf(buf + len, MFA_STORE_MAX - len,
		    "totp %u status=active alg=sha1 digits=6 period=30 "
		    "created=0 label=x secret=" SECRET1 "\n", i);
	assert_int_equal(store_parse(u, buf, len), MFA_OK);
	assert_int_equal(u->ncreds, MFA_CREDS_MAX);
	len += (size_t)snprintf(buf + len, MFA_STORE_MAX - len,
	    "totp 99 status=active alg=sha1 digits=6 period=30 "
	    "created=0 label=x secret=" SECRET1 "\n");
	assert_int_equal(store_parse(u, buf, len), MFA_ERR_FORMAT);
	free(buf);
	free(u);
}

static void
test_reject_files(void **state)
{
	struct fixture	*f = *state;
	char		*p, *q, *big;
	const char	*text = "pam_mfa-store 1\nuser alice\nnext-id 1\n";

	tu_require_root();
	p = tu_path(f->dir, "alice");
	q = tu_path(f->dir, "alice.state");

	/* Not enrolled at all. */
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_NOTENROLLED);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_WRITE),
	    MFA_ERR_NOTENROLLED);
	assert_false(exists(f->dir, "alice.state"));

	put_user(f->dir, "alice", text, 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_WRITE), MFA_OK);

	/* Credentials file: modes. */
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chmod(p, 0604), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chmod(p, 0620), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chmod(p, 0602), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chmod(p, 0400), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);
	assert_int_equal(chmod(p, 0600), 0);

	/* Credentials file: owner. */
	assert_int_equal(chown(p, 65534, 0), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_non_null(strstr(tu_log_buf, "not owned by root"));
	assert_int_equal(chown(p, 0, 65534), 0);	/* group is fine */
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);
	assert_int_equal(chown(p, 0, 0), 0);

	/* State file: owner and modes (readable is fine, no secrets). */
	assert_int_equal(chown(q, 65534, 0), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chown(q, 0, 0), 0);
	assert_int_equal(chmod(q, 0620), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chmod(q, 0602), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_WRITE),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chmod(q, 0644), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);
	assert_int_equal(chmod(q, 0600), 0);

	/* Symlinks, even to a perfectly good file. */
	put_user(f->dir, "real", text, 0600);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("real", p), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(unlink(p), 0);
	tu_write(p, text, strlen(text), 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);
	assert_int_equal(unlink(q), 0);
	assert_int_equal(symlink("real.state", q), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE), MFA_ERR_UNSAFE);
	assert_int_equal(unlink(q), 0);

	/* A credentials file without its state: refused, not skipped. */
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_FORMAT);
	put_state(f->dir, "alice", 0600);

	/* FIFOs (must not block) and directories. */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(rmdir(p), 0);
	tu_write(p, text, strlen(text), 0600);
	assert_int_equal(unlink(q), 0);
	assert_int_equal(mkfifo(q, 0600), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_WRITE),
	    MFA_ERR_UNSAFE);
	assert_int_equal(unlink(q), 0);
	assert_int_equal(mkdir(q, 0700), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_WRITE),
	    MFA_ERR_UNSAFE);
	assert_int_equal(rmdir(q), 0);
	put_state(f->dir, "alice", 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);

	/* State file of the wrong size. */
	assert_int_equal(truncate(q, MFA_STATE_SLOT), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_FORMAT);
	assert_int_equal(truncate(q, 0), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_FORMAT);
	put_state(f->dir, "alice", 0600);

	/* Oversize credentials file. */
	assert_non_null(big = calloc(1, MFA_STORE_MAX + 2));
	memset(big, 'a', MFA_STORE_MAX + 1);
	memcpy(big, text, strlen(text));
	tu_write(p, big, MFA_STORE_MAX + 1, 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_TOOBIG);
	free(big);

	/* Unknown version, truncated file. */
	text = "pam_mfa-store 9\nuser alice\nnext-id 1\n";
	tu_write(p, text, strlen(text), 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_VERSION);
	tu_write(p, HEAD T1, strlen(HEAD T1) - 10, 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_FORMAT);
	tu_write(p, "", 0, 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_FORMAT);
	/* A file of another user renamed into place. */
	text = "pam_mfa-store 1\nuser bob\nnext-id 1\n";
	tu_write(p, text, strlen(text), 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_FORMAT);
	free(p);
	free(q);
}

static void
test_reject_dir(void **state)
{
	struct fixture	*f = *state;
	char		*sub, *mid, *link, *store2;
	mfa_ctx_t	*ctx;
	const char	*text = "pam_mfa-store 1\nuser alice\nnext-id 1\n";

	tu_require_root();
	put_user(f->dir, "alice", text, 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);

	assert_int_equal(chmod(f->dir, 0770), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chmod(f->dir, 0702), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	/* Sticky does not excuse the store directory itself. */
	assert_int_equal(chmod(f->dir, 01777), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);
	assert_int_equal(chown(f->dir, 65534, 0), 0);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ),
	    MFA_ERR_UNSAFE);
	assert_int_equal(chown(f->dir, 0, 0), 0);
	assert_int_equal(chmod(f->dir, 0700), 0);

	/* A symlink to a good store directory. */
	link = tu_path(f->dir, "link");
	assert_int_equal(symlink(f->dir, link), 0);
	assert_non_null(ctx = tu_ctx(link));
	assert_int_equal(open_in(ctx, "alice", MFA_OPEN_READ), MFA_ERR_UNSAFE);
	mfa_ctx_free(&ctx);
	free(link);

	/* A missing store directory is an error, not "not enrolled". */
	store2 = tu_path(f->dir, "missing");
	assert_non_null(ctx = tu_ctx(store2));
	assert_int_equal(open_in(ctx, "alice", MFA_OPEN_READ), MFA_ERR_IO);
	mfa_ctx_free(&ctx);

	/*
	 * A parent writable by others (not sticky): unsafe.  Parents are
	 * checked when a context first opens the store, so each check
	 * gets a new context (as each login does).
	 */
	sub = tu_path(f->dir, "sub");
	assert_int_equal(mkdir(sub, 0700), 0);
	free(store2);
	store2 = store_under(sub, text);
	dir_mode_opens(store2, sub, 0777, MFA_ERR_UNSAFE);
	dir_mode_opens(store2, sub, 01777, MFA_OK);	/* like /tmp */
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chown(sub, 65534, 0), 0);
	assert_int_equal(open_fresh(store2, "alice"), MFA_ERR_UNSAFE);
	assert_int_equal(chown(sub, 0, 0), 0);

	/* Further up: sub is now the store's grandparent, then above. */
	mid = tu_path(sub, "mid");
	assert_int_equal(mkdir(mid, 0755), 0);
	free(store2);
	store2 = store_under(mid, text);
	dir_mode_opens(store2, sub, 0777, MFA_ERR_UNSAFE);
	dir_mode_opens(store2, sub, 0755, MFA_OK);
	dir_mode_opens(store2, f->dir, 0777, MFA_ERR_UNSAFE);
	dir_mode_opens(store2, f->dir, 0700, MFA_OK);

	/*
	 * A context that has checked its store keeps the directory open:
	 * the directory itself is checked again at every open, its
	 * parents are not (opens go through the descriptor).
	 */
	assert_non_null(ctx = tu_ctx(store2));
	assert_int_equal(open_in(ctx, "alice", MFA_OPEN_READ), MFA_OK);
	assert_int_equal(chmod(store2, 0770), 0);
	assert_int_equal(open_in(ctx, "alice", MFA_OPEN_READ), MFA_ERR_UNSAFE);
	assert_int_equal(chmod(store2, 0700), 0);
	assert_int_equal(chmod(sub, 0777), 0);
	assert_int_equal(open_in(ctx, "alice", MFA_OPEN_READ), MFA_OK);
	assert_int_equal(chmod(sub, 0755), 0);
	mfa_ctx_free(&ctx);
	free(store2);
	free(mid);
	free(sub);
}

static void
test_create(void **state)
{
	struct fixture	*f = *state;
	mfa_user_t	*u = NULL;
	char		*q;
	struct stat	 sb;

	tu_require_root();
	assert_int_equal(mfa_user_open(f->ctx, "dave", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &u), MFA_OK);
	assert_int_equal(mfa_user_cred_count(u), 0);
	assert_int_equal(u->next_id, 1);
	q = tu_path(f->dir, "dave.state");
	assert_int_equal(stat(q, &sb), 0);
	assert_int_equal(sb.st_size, 2 * MFA_STATE_SLOT);
	assert_int_equal(sb.st_mode & 07777, 0600);
	/* NAME appears only with the first commit. */
	assert_false(exists(f->dir, "dave"));
	mfa_user_free(&u);
	assert_int_equal(open_user(f, "dave", MFA_OPEN_READ),
	    MFA_ERR_NOTENROLLED);
	/* An empty state (enrolment died before preallocating). */
	assert_int_equal(truncate(q, 0), 0);
	assert_int_equal(open_user(f, "dave", MFA_OPEN_READ),
	    MFA_ERR_NOTENROLLED);
	assert_int_equal(open_user(f, "dave", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE), MFA_OK);
	assert_int_equal(stat(q, &sb), 0);
	assert_int_equal(sb.st_size, 2 * MFA_STATE_SLOT);
	/*
	 * Killed while writing the slots: the first page only.  Still
	 * not enrolled, for a login and for a writer; set up anew.
	 */
	assert_int_equal(truncate(q, MFA_STATE_SLOT), 0);
	assert_int_equal(open_user(f, "dave", MFA_OPEN_READ),
	    MFA_ERR_NOTENROLLED);
	assert_int_equal(open_user(f, "dave", MFA_OPEN_WRITE),
	    MFA_ERR_NOTENROLLED);
	assert_int_equal(open_user(f, "dave", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE), MFA_OK);
	assert_int_equal(stat(q, &sb), 0);
	assert_int_equal(sb.st_size, 2 * MFA_STATE_SLOT);
	/* A full-size state that does not parse is damage, not new. */
	tu_write(q, "", 0, 0600);
	assert_int_equal(truncate(q, 2 * MFA_STATE_SLOT), 0);
	assert_int_equal(open_user(f, "dave", MFA_OPEN_READ),
	    MFA_ERR_FORMAT);
	free(q);

	assert_int_equal(mfa_user_open(f->ctx, "dave", MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &u), MFA_OK);
	assert_int_equal(store_commit(u), MFA_OK);
	mfa_user_free(&u);
	assert_int_equal(open_user(f, "dave", MFA_OPEN_READ), MFA_OK);
}

static void
test_atomic_update(void **state)
{
	struct fixture	*f = *state;
	mfa_user_t	*u = NULL;
	char		*p, *t, *tb, *text;
	struct stat	 sb;

	tu_require_root();
	put_user(f->dir, "alice", GOOD, 0600);
	p = tu_path(f->dir, "alice");
	t = tu_path(f->dir, "alice~tmp");
	tb = tu_path(f->dir, "bob~tmp");

	/* Stale temp files from a crash: only alice's is touched. */
	tu_write(t, "junk", 4, 0600);
	tu_write(tb, "junk", 4, 0600);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);
	assert_true(exists(f->dir, "alice~tmp"));	/* read: no change */
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_false(exists(f->dir, "alice~tmp"));
	assert_true(exists(f->dir, "bob~tmp"));

	/* A stale temp appearing later does not disturb a commit. */
	tu_write(t, "junk", 4, 0644);
	assert_int_equal(mfa_user_remove(u, 3), MFA_OK);
	assert_int_equal(mfa_user_cred_count(u), 1);
	assert_false(exists(f->dir, "alice~tmp"));
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_uid, 0);
	text = tu_read(p, NULL);
	assert_null(strstr(text, "totp 3"));
	assert_non_null(strstr(text, "totp 1 "));
	free(text);
	assert_int_equal(mfa_user_remove(u, 3), MFA_ERR_NOTFOUND);
	assert_int_equal(mfa_user_remove(u, 0), MFA_ERR_NOTFOUND);

	/*
	 * A commit that cannot create its temp file fails cleanly: the
	 * old file stays, memory is unchanged.
	 */
	assert_int_equal(mkdir(t, 0700), 0);
	assert_int_equal(mfa_user_remove(u, 1), MFA_ERR_IO);
	assert_int_equal(mfa_user_cred_count(u), 1);
	assert_int_equal(mfa_cred_id(mfa_user_cred(u, 0)), 1);
	text = tu_read(p, NULL);
	assert_non_null(strstr(text, "totp 1 "));
	free(text);
	assert_int_equal(rmdir(t), 0);
	mfa_user_free(&u);

	/* The file after the commit parses. */
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_cred_count(u), 1);
	assert_string_equal(mfa_cred_label(mfa_user_cred(u, 0)), "my phone");
	mfa_user_free(&u);
	free(p);
	free(t);
	free(tb);
}

/* Reads one byte from fd (the child's "ready"). */
static void
wait_byte(int fd)
{
	char	c;

	assert_int_equal(read(fd, &c, 1), 1);
}

static void
test_lock(void **state)
{
	struct fixture	*f = *state;
	mfa_user_t	*u = NULL;
	struct flock	 fl;
	char		*q;
	int		 ready[2], fd, status;
	unsigned	 failures;
	pid_t		 pid;

	tu_require_root();
	put_user(f->dir, "alice", GOOD, 0600);
	put_user(f->dir, "bob", "pam_mfa-store 1\nuser bob\nnext-id 1\n",
	    0600);
	q = tu_path(f->dir, "alice.state");
	alarm(30);	/* a broken lock must fail the test, not hang it */

	assert_int_equal(pipe(ready), 0);
	if ((pid = fork()) == 0) {
		mfa_user_t *cu = NULL;

		close(ready[0]);
		if (mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &cu) !=
		    MFA_OK)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(3);
		/* Give the parent time to block on the lock. */
		usleep(200 * 1000);
		if (mfa_user_record_failure(cu) != MFA_OK)
			_exit(2);
		mfa_user_free(&cu);
		_exit(0);
	}
	assert_true(pid > 0);
	close(ready[1]);
	wait_byte(ready[0]);

	/* The child holds an exclusive lock on alice.state ... */
	assert_true((fd = open(q, O_RDONLY)) >= 0);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	assert_int_equal(fcntl(fd, F_GETLK, &fl), 0);
	assert_int_equal(fl.l_type, F_WRLCK);
	assert_int_equal(fl.l_pid, -1);		/* an OFD lock: no owner */
	close(fd);
	/* ... which does not stop another user. */
	assert_int_equal(open_user(f, "bob", MFA_OPEN_WRITE), MFA_OK);

	/* Our open waits for the child, so it sees the child's update. */
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_READ, &u),
	    MFA_OK);
	assert_int_equal(mfa_user_lock_status(u, NULL, &failures), MFA_OK);
	assert_int_equal(failures, 1);
	mfa_user_free(&u);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ready[0]);

	/* A lock dies with its process, even on SIGKILL. */
	assert_int_equal(pipe(ready), 0);
	if ((pid = fork()) == 0) {
		mfa_user_t *cu = NULL;

		close(ready[0]);
		if (mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &cu) !=
		    MFA_OK)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	assert_true(pid > 0);
	close(ready[1]);
	wait_byte(ready[0]);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_WRITE), MFA_OK);
	close(ready[0]);

	/* Readers share the lock. */
	assert_int_equal(pipe(ready), 0);
	if ((pid = fork()) == 0) {
		mfa_user_t *cu = NULL;

		close(ready[0]);
		if (mfa_user_open(f->ctx, "alice", MFA_OPEN_READ, &cu) !=
		    MFA_OK)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	assert_true(pid > 0);
	close(ready[1]);
	wait_byte(ready[0]);
	assert_int_equal(open_user(f, "alice", MFA_OPEN_READ), MFA_OK);
	assert_true((fd = open(q, O_RDWR)) >= 0);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	assert_int_equal(fcntl(fd, F_GETLK, &fl), 0);
	assert_int_equal(fl.l_type, F_RDLCK);	/* a writer would wait */
	close(fd);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(ready[0]);
	alarm(0);
	free(q);
}

/*
 * The lock serialises two handles of one process as it does two
 * processes: a thread of a multi-threaded PAM host, with a context of
 * its own, waits while another thread has the user open for writing,
 * and then sees that thread's update, so a TOTP code both were given
 * is accepted once.  (A process-owned fcntl lock let both in at once,
 * both read the same state and both accepted the code.)
 */
struct waiter {
	const char	*dir;
	const char	*code;
	atomic_int	 started;
	atomic_int	*released;	/* set by the holder just before free */
	int		 released_seen;	/* *released when our open returned */
	int		 r_open;
	int		 r_verify;
};

static atomic_int holder_released;

static void *
waiter_run(void *arg)
{
	struct waiter	*w = arg;
	mfa_ctx_t	*ctx;
	mfa_user_t	*u = NULL;

	/* No cmocka asserts here: the main thread checks the results. */
	w->r_open = w->r_verify = MFA_ERR_INVAL;
	if ((ctx = tu_ctx(w->dir)) == NULL) {
		atomic_store(&w->started, 1);
		return NULL;
	}
	atomic_store(&w->started, 1);
	w->r_open = mfa_user_open(ctx, "alice", MFA_OPEN_WRITE, &u);
	w->released_seen = atomic_load(w->released);
	if (w->r_open == MFA_OK)
		w->r_verify = mfa_user_totp_verify(u, w->code, NULL);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return NULL;
}

static void
test_lock_threads(void **state)
{
	struct fixture	*f = *state;
	struct waiter	 w;
	mfa_user_t	*u = NULL;
	pthread_t	 t;
	char		 code[MFA_CODE_MAX + 1];

	tu_require_root();
	put_user(f->dir, "alice", GOOD, 0600);
	alarm(30);	/* a lock that never comes free fails, not hangs */
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_int_equal(totp_code(store_cred(u, 1),
	    (uint64_t)tu_now / 30, code), MFA_OK);

	memset(&w, 0, sizeof(w));
	w.dir = f->dir;
	w.code = code;
	atomic_init(&w.started, 0);
	atomic_store(&holder_released, 0);
	w.released = &holder_released;
	assert_int_equal(pthread_create(&t, NULL, waiter_run, &w), 0);
	while (!atomic_load(&w.started))
		usleep(1000);
	/* Time for the waiter to reach the lock: a broken one lets it in. */
	usleep(200 * 1000);
	assert_int_equal(mfa_user_totp_verify(u, code, NULL), MFA_OK);
	atomic_store(&holder_released, 1);
	mfa_user_free(&u);
	assert_int_equal(pthread_join(t, NULL), 0);
	alarm(0);

	assert_int_equal(w.r_open, MFA_OK);
	assert_int_equal(w.released_seen, 1);	/* it waited for us */
	assert_int_equal(w.r_verify, MFA_ERR_REPLAY);	/* and saw the use */
}

/*
 * Closing another descriptor of the state file in the process keeps
 * the lock: with a process-owned fcntl lock the close dropped it.
 */
static void
test_lock_close(void **state)
{
	struct fixture	*f = *state;
	mfa_user_t	*u = NULL;
	struct flock	 fl;
	char		*q;
	int		 fd, status;
	pid_t		 pid;

	tu_require_root();
	put_user(f->dir, "alice", GOOD, 0600);
	q = tu_path(f->dir, "alice.state");
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &u),
	    MFA_OK);
	assert_true((fd = open(q, O_RDONLY)) >= 0);
	close(fd);
	/* Another process asks who holds the lock now. */
	if ((pid = fork()) == 0) {
		if ((fd = open(q, O_RDONLY)) < 0)
			_exit(2);
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_RDLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_GETLK, &fl) != 0)
			_exit(3);
		_exit(fl.l_type == F_WRLCK ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	mfa_user_free(&u);
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_username),
		cmocka_unit_test(test_label_check),
		cmocka_unit_test_setup_teardown(test_open_bad_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_has_factor_pending_only,
		    setup, teardown),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_limit),
		cmocka_unit_test_setup_teardown(test_reject_files, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reject_dir, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_threads, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_close, setup,
		    teardown),
	};

	tu_require_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
