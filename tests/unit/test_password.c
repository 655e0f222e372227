/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib/password.c against a shadow database the test controls: in a
 * private mount namespace a copy of /etc/shadow with test entries is
 * bind-mounted over /etc/shadow.  Needs root.
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <crypt.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "../hashcount.h"

#define LONG_LEN	511	/* libcrypt's longest passphrase */

static char	long_pw[LONG_LEN + 2];

static const char *
make_hash(const char *prefix, const char *password)
{
	const char	*setting, *h;

	if ((setting = crypt_gensalt(prefix, 0, NULL, 0)) == NULL)
		return NULL;
	if ((h = crypt(password, setting)) == NULL || h[0] == '*')
		return NULL;
	return h;
}

static int
add_entry(FILE *f, const char *user, const char *hash)
{
	return fprintf(f, "%s:%s:19700:0:99999:7:::\n", user, hash) < 0 ?
	    -1 : 0;
}

/*
 * Writes /etc/shadow plus the test entries to a temporary file and
 * binds it over /etc/shadow in a new private mount namespace.
 */
static int
setup_shadow(void)
{
	char		 path[] = "/tmp/mfa-shadow-XXXXXX";
	const char	*h;
	char		*orig;
	size_t		 len;
	FILE		*f = NULL;
	int		 fd, r = 1;

	/* "none": the type is ignored here, but valgrind wants a string */
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		fprintf(stderr, "skipped: no private mount namespace: %s\n",
		    strerror(errno));
		return 77;
	}
	memset(long_pw, 'p', LONG_LEN);
	long_pw[LONG_LEN] = '\0';
	orig = tu_read("/etc/shadow", &len);
	if ((fd = mkstemp(path)) < 0) {
		free(orig);
		return 1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		goto out;
	}
	if (fwrite(orig, 1, len, f) != len)
		goto out;
	if ((h = make_hash("$y$", "yes-secret")) == NULL ||
	    add_entry(f, "mfa_t_yescrypt", h) != 0 ||
	    (h = make_hash("$6$", "sha-secret")) == NULL ||
	    add_entry(f, "mfa_t_sha512", h) != 0 ||
	    (h = make_hash("$y$", long_pw)) == NULL ||
	    add_entry(f, "mfa_t_long", h) != 0)
		goto out;
	/* yescrypt at a lower cost than libxcrypt's default: j7T */
	if ((h = crypt_gensalt("$y$", 3, NULL, 0)) == NULL ||
	    (h = crypt("cheap-secret", h)) == NULL || h[0] == '*' ||
	    add_entry(f, "mfa_t_ycheap", h) != 0)
		goto out;
	/* locked: '!' before a valid hash of "locked-secret", and '*' forms */
	if ((h = make_hash("$6$", "locked-secret")) == NULL ||
	    fprintf(f, "mfa_t_bang:!%s:19700:0:99999:7:::\n", h) < 0 ||
	    add_entry(f, "mfa_t_star", "*") != 0 ||
	    add_entry(f, "mfa_t_bangstar", "!*") != 0 ||
	    add_entry(f, "mfa_t_lk", "*LK*") != 0 ||
	    add_entry(f, "mfa_t_bang2", "!") != 0 ||
	    add_entry(f, "mfa_t_empty", "") != 0 ||
	    add_entry(f, "mfa_t_bogus", "$99$garbage") != 0)
		goto out;
	r = fclose(f);
	f = NULL;
	if (r != 0 || chmod(path, 0640) != 0) {
		r = 1;
		goto out;
	}
	if (mount(path, "/etc/shadow", "none", MS_BIND, NULL) != 0) {
		fprintf(stderr, "bind mount over /etc/shadow: %s\n",
		    strerror(errno));
		r = 1;
		goto out;
	}
	r = 0;
out:
	if (f != NULL)
		fclose(f);
	free(orig);
	/* The mount keeps the inode; nothing is left behind on exit. */
	(void)unlink(path);
	return r;
}

static void
test_right(void **state)
{
	(void)state;
	assert_int_equal(mfa_password_verify("mfa_t_yescrypt", "yes-secret",
	    0), MFA_OK);
	assert_int_equal(mfa_password_verify("mfa_t_sha512", "sha-secret", 0),
	    MFA_OK);
	/* allow_empty changes nothing for a set password */
	assert_int_equal(mfa_password_verify("mfa_t_sha512", "sha-secret", 1),
	    MFA_OK);
}

static void
test_wrong(void **state)
{
	(void)state;
	assert_int_equal(mfa_password_verify("mfa_t_yescrypt", "yes-secreT",
	    0), MFA_ERR_BADPASS);
	assert_int_equal(mfa_password_verify("mfa_t_yescrypt", "yes-secret ",
	    0), MFA_ERR_BADPASS);
	assert_int_equal(mfa_password_verify("mfa_t_yescrypt", "", 1),
	    MFA_ERR_BADPASS);
	assert_int_equal(mfa_password_verify("mfa_t_sha512", "yes-secret", 0),
	    MFA_ERR_BADPASS);
	assert_int_equal(mfa_password_verify("mfa_t_sha512", "", 0),
	    MFA_ERR_BADPASS);
	/* a user's password is not valid for another user */
	assert_int_equal(mfa_password_verify("mfa_t_yescrypt", "sha-secret",
	    0), MFA_ERR_BADPASS);
}

static void
test_locked(void **state)
{
	static const char *const users[] = {
		"mfa_t_bang", "mfa_t_star", "mfa_t_bangstar", "mfa_t_lk",
		"mfa_t_bang2",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		assert_int_equal(mfa_password_verify(users[i],
		    "locked-secret", 0), MFA_ERR_NOPASS);
		assert_int_equal(mfa_password_verify(users[i],
		    "locked-secret", 1), MFA_ERR_NOPASS);
		assert_int_equal(mfa_password_verify(users[i], "", 1),
		    MFA_ERR_NOPASS);
		assert_int_equal(mfa_password_verify(users[i], "*", 1),
		    MFA_ERR_NOPASS);
	}
	/* an unknown hash method cannot match anything either */
	assert_int_equal(mfa_password_verify("mfa_t_bogus", "$99$garbage",
	    0), MFA_ERR_NOPASS);
}

static void
test_empty(void **state)
{
	(void)state;
	assert_int_equal(mfa_password_verify("mfa_t_empty", "", 0),
	    MFA_ERR_NOPASS);
	assert_int_equal(mfa_password_verify("mfa_t_empty", "anything", 0),
	    MFA_ERR_NOPASS);
	assert_int_equal(mfa_password_verify("mfa_t_empty", "", 1), MFA_OK);
	assert_int_equal(mfa_password_verify("mfa_t_empty", "anything", 1),
	    MFA_ERR_BADPASS);
}

static void
test_unknown_user(void **state)
{
	(void)state;
	assert_int_equal(mfa_password_verify("mfa_t_nosuchuser", "x", 0),
	    MFA_ERR_BADPASS);
	assert_int_equal(mfa_password_verify("mfa_t_nosuchuser", "", 1),
	    MFA_ERR_BADPASS);
	assert_int_equal(mfa_password_verify("", "", 1), MFA_ERR_BADPASS);
	/* a hash of the dummy's is no way in */
	assert_int_equal(mfa_password_verify("mfa_t_nosuchuser",
	    "pam_mfa-dummy-password", 1), MFA_ERR_BADPASS);
	/*
	 * Without a user: never a match, whatever the password (even the
	 * dummy's own), and each one hashed, an over-long one included.
	 */
	hash_count_reset();
	assert_int_equal(mfa_password_dummy("pam_mfa-dummy-password"),
	    MFA_ERR_BADPASS);
	assert_int_equal(mfa_password_dummy(""), MFA_ERR_BADPASS);
	assert_int_equal(mfa_password_dummy(long_pw), MFA_ERR_BADPASS);
	assert_int_equal(hash_count(), 3);
}

static void
test_long(void **state)
{
	(void)state;
	/* 511 bytes is the longest password considered */
	assert_int_equal(strlen(long_pw), LONG_LEN);
	assert_int_equal(mfa_password_verify("mfa_t_long", long_pw, 0),
	    MFA_OK);
	long_pw[LONG_LEN] = 'p';
	long_pw[LONG_LEN + 1] = '\0';
	assert_int_equal(mfa_password_verify("mfa_t_long", long_pw, 0),
	    MFA_ERR_BADPASS);
	long_pw[LONG_LEN] = '\0';
	assert_int_equal(mfa_password_verify("mfa_t_long", long_pw + 1, 0),
	    MFA_ERR_BADPASS);
}

/* The password hashes one check computes (tests/hashcount.c). */
static unsigned
hashes(const char *user, const char *password, int want)
{
	hash_count_reset();
	assert_int_equal(mfa_password_verify(user, password, 0), want);
	return hash_count();
}

/*
 * Never less work than for an unknown user: one dummy hash there, and
 * after a hash whose method or cost is not the dummy's (SHA-512, a
 * cheaper yescrypt, an unknown method) the dummy as well, whether the
 * password was right or not.  A yescrypt hash at libxcrypt's default
 * cost, the dummy's, is hashed once.
 */
static void
test_hash_work(void **state)
{
	(void)state;
	assert_int_equal(hashes("mfa_t_nosuchuser", "x", MFA_ERR_BADPASS), 1);
	assert_int_equal(hashes("mfa_t_bang", "x", MFA_ERR_NOPASS), 1);
	assert_int_equal(hashes("mfa_t_empty", "x", MFA_ERR_NOPASS), 1);
	assert_int_equal(hashes("mfa_t_yescrypt", "x", MFA_ERR_BADPASS), 1);
	assert_int_equal(hashes("mfa_t_yescrypt", "yes-secret", MFA_OK), 1);
	assert_int_equal(hashes("mfa_t_sha512", "x", MFA_ERR_BADPASS), 2);
	assert_int_equal(hashes("mfa_t_sha512", "sha-secret", MFA_OK), 2);
	assert_int_equal(hashes("mfa_t_ycheap", "x", MFA_ERR_BADPASS), 2);
	assert_int_equal(hashes("mfa_t_ycheap", "cheap-secret", MFA_OK), 2);
	assert_int_equal(hashes("mfa_t_bogus", "x", MFA_ERR_NOPASS), 2);
	hash_count_reset();
	assert_int_equal(mfa_password_dummy("x"), MFA_ERR_BADPASS);
	assert_int_equal(hash_count(), 1);
}

static void
test_invalid(void **state)
{
	(void)state;
	assert_int_equal(mfa_password_verify(NULL, "x", 0), MFA_ERR_INVAL);
	assert_int_equal(mfa_password_verify("mfa_t_sha512", NULL, 0),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_password_dummy(NULL), MFA_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_right),
		cmocka_unit_test(test_wrong),
		cmocka_unit_test(test_locked),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unknown_user),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_hash_work),
		cmocka_unit_test(test_invalid),
	};
	int	r;

	tu_require_root();
	if ((r = setup_shadow()) != 0) {
		if (r != 77)
			fprintf(stderr, "test shadow setup failed\n");
		return r;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
