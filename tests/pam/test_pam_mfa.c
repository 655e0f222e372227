/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level tests of password, TOTP, user enumeration and lockout:
 * pam_mfa.so from the build tree loaded by the real Linux-PAM under
 * pam_wrapper, driven through libpamtest (main: pamtest_main() in
 * pamtest.c).  Run by tests/pam/ns-run.sh, which gives this program a
 * private mount namespace with its own copies of /etc/passwd,
 * /etc/group, /etc/shadow and its own /dev, so that:
 *   - phase 1 adds the test users to those copies and writes the PAM
 *     service files, then re-executes itself with pam_wrapper preloaded
 *     (pam_wrapper copies the service directory when it starts);
 *   - phase 2 binds a datagram socket at /dev/log, so every pam_syslog()
 *     line of the module is read back and checked.
 * Every call asserts the PAM return code, the prompts shown, the one
 * audit line (with its reason) and that no password or code was logged.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <crypt.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <liboath/oath.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "../hashcount.h"
#include "mfa.h"
#include "pamtest.h"

static int
setup(void **state)
{
	(void)state;
	if (store_new() != 0)
		return -1;
	write_config(NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_remove();
	rmtree(optstore_path);
	return 0;
}

/* ---- tests: success and the factors ------------------------------- */

static void
test_success(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
		pam_test(PAMTEST_SETCRED, PAM_SUCCESS),
	};

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	log_reset();
	assert_int_equal(_pamtest_conv("mfa", ALICE, conv_fn, &cv, tc, 2,
	    NULL), PAMTEST_ERR_OK);
	log_drain();
	assert_int_equal(tc[0].op_rv, PAM_SUCCESS);
	assert_int_equal(tc[1].op_rv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/* The same through libpamtest's own conversation (run_pamtest). */
static void
test_success_run_pamtest(void **state)
{
	struct totp t;
	char code[7];
	const char *answers[3] = { ALICE_PW, code, NULL };
	struct pamtest_conv_data data = { .in_echo_off = answers };
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	};

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	log_reset();
	assert_int_equal(run_pamtest("mfa", ALICE, &data, tc, NULL),
	    PAMTEST_ERR_OK);
	log_drain();
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");
	assert_false(log_has(ALICE_PW));
	assert_false(log_has_secret(code));
}

/* rhost and tty are logged, sanitised: no forged fields or lines. */
static void
test_audit_items(void **state)
{
	struct conv cv = { 0 };
	struct pam_conv pc = { conv_fn, &cv };
	pam_handle_t *ph = NULL;
	struct totp t;
	char code[7];
	int rc;

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	log_reset();
	assert_int_equal(pam_start("mfa", ALICE, &pc, &ph), PAM_SUCCESS);
	assert_int_equal(pam_set_item(ph, PAM_RHOST,
	    "evil host\nresult=success"), PAM_SUCCESS);
	assert_int_equal(pam_set_item(ph, PAM_TTY, "/dev/pts/7"),
	    PAM_SUCCESS);
	rc = pam_authenticate(ph, 0);
	assert_int_equal(pam_end(ph, rc), PAM_SUCCESS);
	log_drain();
	assert_int_equal(rc, PAM_SUCCESS);
	assert_audit("mfa", "user=" ALICE " service=mfa "
	    "rhost=evil?host?result=success tty=pts/7 "
	    "factors=password,totp result=success reason=ok");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/*
 * A host name as long as DNS allows is logged whole: cut at 64 bytes,
 * a name under the client owner's control could show only a trusted-
 * looking start (as the kernel audit record, which keeps 255 bytes,
 * would not).  What is past 255 bytes is cut.
 */
#define LONG_HOST_START	"trusted.corp.example."
#define LONG_HOST_END	".attacker.example"
static void
test_audit_long_rhost(void **state)
{
	struct conv cv = { 0 };
	struct pam_conv pc = { conv_fn, &cv };
	pam_handle_t *ph = NULL;
	struct totp t;
	char code[7], host[300], want[512];
	size_t n;
	int rc;

	(void)state;
	/* 21 + 217 + 17 = 255 bytes, then one more that is cut. */
	n = strlen(LONG_HOST_START);
	memcpy(host, LONG_HOST_START, n);
	memset(host + n, 'a', 255 - n - strlen(LONG_HOST_END));
	memcpy(host + 255 - strlen(LONG_HOST_END), LONG_HOST_END,
	    strlen(LONG_HOST_END));
	host[255] = 'z';
	host[256] = '\0';
	enrol(store, ALICE, &t);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	log_reset();
	assert_int_equal(pam_start("mfa", ALICE, &pc, &ph), PAM_SUCCESS);
	assert_int_equal(pam_set_item(ph, PAM_RHOST, host), PAM_SUCCESS);
	rc = pam_authenticate(ph, 0);
	assert_int_equal(pam_end(ph, rc), PAM_SUCCESS);
	log_drain();
	assert_int_equal(rc, PAM_SUCCESS);
	host[255] = '\0';
	(void)snprintf(want, sizeof(want), "user=" ALICE " service=mfa "
	    "rhost=%s tty=- factors=password,totp result=success reason=ok",
	    host);
	assert_audit("mfa", want);
	conv_reset(&cv);
}

static void
test_wrong_password(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	conv_answers(&cv, "not-" ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	/* The code is still asked for, but neither checked nor used up. */
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=bad_password");
	assert_no_secrets(&cv, NULL);

	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");
	conv_reset(&cv);
}

static void
test_wrong_code(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, ALICE, &t);
	wrong_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=failure reason=bad_code");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

static void
test_bad_code_format(void **state)
{
	struct conv cv = { 0 };
	struct totp t;

	(void)state;
	enrol(store, ALICE, &t);
	conv_answers(&cv, ALICE_PW, "12ab56");
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=failure reason=bad_code_format");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/* Authenticator apps show "123 456": the space is not part of it. */
static void
test_code_with_space(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], spaced[8];

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	(void)snprintf(spaced, sizeof(spaced), "%.3s %s", code, code + 3);
	conv_answers(&cv, ALICE_PW, spaced);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");
	assert_false(log_has_secret(code));
	conv_reset(&cv);
}

static void
test_replay(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");

	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=failure reason=replay");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/* With "password OR totp" a right password is enough: no code asked. */
static void
test_policy_or_stops_early(void **state)
{
	struct conv cv = { 0 };
	struct totp t;

	(void)state;
	enrol(store, ALICE, &t);
	write_config("require = password OR totp\n");
	conv_answers(&cv, ALICE_PW, NULL);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password result=success reason=ok");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/* ---- tests: no user enumeration ----------------------------------- */

/* The password hashes of one login that fails (tests/hashcount.c). */
static unsigned
login_hashes(const char *user, const char *password)
{
	struct conv cv = { 0 };

	conv_answers(&cv, password, "123456");
	hash_count_reset();
	run_auth("mfa", user, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	conv_reset(&cv);
	return hash_count();
}

/*
 * No time to tell a user who exists: the password step never does less
 * than an unknown user's one dummy hash.  Alice's SHA-512 hash is
 * cheaper, so the dummy is hashed after it; a yescrypt hash at the
 * dummy's cost (libxcrypt's default) is hashed alone, and a locked
 * account hashes the dummy.
 */
static void
test_password_hashes(void **state)
{
	const char *setting, *hash;
	char line[512];

	(void)state;
	assert_non_null(setting = crypt_gensalt("$y$", 0, NULL, 0));
	assert_non_null(hash = crypt("Yuki-pw-606", setting));
	append("/etc/passwd", "mfa-yuki:x:60006:60000::/nonexistent:"
	    "/usr/sbin/nologin\n");
	(void)snprintf(line, sizeof(line), "mfa-yuki:%s:19000:0:99999:7:::\n",
	    hash);
	append("/etc/shadow", line);

	assert_int_equal(login_hashes("mfa-nobody", ALICE_PW), 1);
	assert_int_equal(login_hashes(DAVE, DAVE_PW), 1);
	assert_int_equal(login_hashes("mfa-yuki", "not-Yuki-pw-606"), 1);
	/* Carol has no second factor: her right password fails too. */
	assert_int_equal(login_hashes(CAROL, CAROL_PW), 2);
	assert_int_equal(login_hashes(ALICE, "not-" ALICE_PW), 2);
}

static void
test_unknown_user(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", "mfa-nobody", &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=- service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=unknown_user");
	assert_no_secrets(&cv, "mfa-nobody");
	conv_reset(&cv);
}

/*
 * A password typed at the login prompt is neither used nor logged; the
 * password step costs the one hash an unknown user's costs.
 */
static void
test_bad_username(void **state)
{
	struct conv cv = { 0 };

	(void)state;
	conv_answers(&cv, ALICE_PW, "123456");
	hash_count_reset();
	run_auth("mfa", "pass word/../x", &cv, PAM_AUTH_ERR);
	assert_int_equal(hash_count(), 1);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=- service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=bad_username");
	assert_no_secrets(&cv, "pass word");
	conv_reset(&cv);
}

static void
test_not_enrolled_deny(void **state)
{
	struct conv cv = { 0 };

	(void)state;
	conv_answers(&cv, BOB_PW, "123456");
	run_auth("mfa", BOB, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" BOB " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=not_enrolled");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

static void
test_not_enrolled_allow(void **state)
{
	struct conv cv = { 0 };

	(void)state;
	write_config("unenrolled = allow\n");
	conv_answers(&cv, BOB_PW, NULL);
	run_auth("mfa", BOB, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, NULL);
	assert_audit("mfa", "user=" BOB " service=mfa rhost=- tty=- "
	    "factors=password result=success reason=not_enrolled");
	assert_no_secrets(&cv, NULL);

	/* The password still decides. */
	conv_answers(&cv, "not-" BOB_PW, NULL);
	run_auth("mfa", BOB, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, NULL);
	assert_audit("mfa", "user=" BOB " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=bad_password");
	assert_no_secrets(&cv, NULL);

	/* allow without a password in the policy is not a free pass. */
	write_config("unenrolled = allow\nrequire = totp\n");
	conv_answers(&cv, "123456", NULL);
	run_auth("mfa", BOB, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" BOB " service=mfa rhost=- tty=- "
	    "factors=- result=failure reason=not_enrolled");
	conv_reset(&cv);
}

/* pam_mfa(8)'s admins: a key instead of a code, no recovery codes. */
#define ADMINS_SECTION	"[group mfa-admins]\nrequire = password AND fido2\n" \
			"recovery = no\n"
#define PROMPT_HINT	"Verification code (or insert your security key " \
			"and press Enter): "

/* Alice is an admin (from the first test that asks, for the rest). */
static void
admins_group(void)
{
	static int added;

	if (!added)
		append("/etc/group", "mfa-admins:x:60020:" ALICE "\n");
	added = 1;
}

/*
 * No user enumeration through a [group] section: with the admins
 * section, alice (an admin) is asked what carol and an unknown user
 * are asked, the code prompt of the global policy, also with keyhint
 * and whatever the password; her code is not checked there (her policy
 * wants her key), so it is not used up.  Where only the global policy
 * has the recovery code prompt, she gets it too.
 */
static void
test_section_dialogue(void **state)
{
	static const char *const users[] = { ALICE, CAROL, "mfa-nobody" };
	struct conv cv = { 0 };
	struct totp t;
	char code[7];
	size_t i;

	(void)state;
	enrol(store, ALICE, &t);
	admins_group();
	write_config(ADMINS_SECTION);
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		conv_answers(&cv, "Some-pw-1", "123456");
		run_auth("mfa", users[i], &cv, PAM_AUTH_ERR);
		assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
		conv_answers(&cv, "Some-pw-1", "123456");
		run_auth("mfa-keyhint", users[i], &cv, PAM_AUTH_ERR);
		assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_HINT, NULL);
		assert_no_secrets(&cv, "mfa-nobody");
	}

	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=not_enrolled");
	write_config(NULL);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");

	write_config("require = password AND fido2\n"
	    "[group mfa-admins]\nrecovery = no\n");
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		conv_answers(&cv, "Some-pw-1", "");
		run_auth("mfa", users[i], &cv, PAM_AUTH_ERR);
		assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_RECOVERY, NULL);
	}
	conv_reset(&cv);
}

/* A [group] section applies through the user's supplementary groups. */
static void
test_group_policy(void **state)
{
	struct conv cv = { 0 };

	(void)state;
	write_config("[group mfa-rollout]\nunenrolled = allow\n");
	conv_answers(&cv, BOB_PW, NULL);
	run_auth("mfa", BOB, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, NULL);
	assert_audit("mfa", "user=" BOB " service=mfa rhost=- tty=- "
	    "factors=password result=success reason=not_enrolled");

	conv_answers(&cv, CAROL_PW, "123456");
	run_auth("mfa", CAROL, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" CAROL " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=not_enrolled");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/*
 * A passwd entry and a group entry longer than the first NSS buffer
 * (1 KiB), and more groups than the first getgrouplist() array (64):
 * the buffers grow, and the [group] section of the last group applies.
 */
static void
test_group_policy_big(void **state)
{
	struct conv cv = { 0 };
	char gecos[3001], line[4096], *buf = NULL, *hash = NULL, *end;
	size_t len = 0, n;
	FILE *f;
	int i;

	(void)state;
	/* The new user gets mfa-bob's password (his shadow hash). */
	assert_non_null(f = fopen("/etc/shadow", "re"));
	while (hash == NULL && getline(&buf, &len, f) > 0)
		if (strncmp(buf, BOB ":", strlen(BOB ":")) == 0 &&
		    (end = strchr(buf + strlen(BOB ":"), ':')) != NULL)
			hash = strndup(buf + strlen(BOB ":"),
			    (size_t)(end - buf) - strlen(BOB ":"));
	free(buf);
	assert_int_equal(fclose(f), 0);
	assert_non_null(hash);
	memset(gecos, 'w', sizeof(gecos) - 1);
	gecos[sizeof(gecos) - 1] = '\0';
	(void)snprintf(line, sizeof(line), "mfa-wide:x:60500:60000:%s:"
	    "/nonexistent:/usr/sbin/nologin\n", gecos);
	append("/etc/passwd", line);
	(void)snprintf(line, sizeof(line), "mfa-wide:%s:19000:0:99999:7:::\n",
	    hash);
	append("/etc/shadow", line);
	free(hash);
	for (i = 0; i < 80; i++) {
		(void)snprintf(line, sizeof(line), "mfa-g%02d:x:%d:mfa-wide\n",
		    i, 61000 + i);
		append("/etc/group", line);
	}
	/* The last group: 150 other members before the user. */
	n = (size_t)snprintf(line, sizeof(line), "mfa-late:x:61100:");
	for (i = 0; i < 150; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
		    "mfa-nobody%03d,", i);
	assert_true(n + sizeof("mfa-wide\n") <= sizeof(line));
	(void)snprintf(line + n, sizeof(line) - n, "mfa-wide\n");
	append("/etc/group", line);

	write_config("[group mfa-late]\nunenrolled = allow\n");
	conv_answers(&cv, BOB_PW, NULL);
	run_auth("mfa", "mfa-wide", &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, NULL);
	assert_audit("mfa", "user=mfa-wide service=mfa rhost=- tty=- "
	    "factors=password result=success reason=not_enrolled");
	/* Without the section the same user is refused. */
	write_config("");
	conv_answers(&cv, BOB_PW, NULL);
	run_auth("mfa", "mfa-wide", &cv, PAM_AUTH_ERR);
	assert_audit("mfa", "user=mfa-wide service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=not_enrolled");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/*
 * A group listed by name applies even when another group, listed
 * first, has the same gid (getgrgid_r() gives only that one's name).
 */
static void
test_group_shared_gid(void **state)
{
	struct conv cv = { 0 };

	(void)state;
	append("/etc/group", "mfa-legacy:x:60030:\n");
	append("/etc/group", "mfa-sec:x:60030:" BOB "\n");
	write_config("[group mfa-sec]\nunenrolled = allow\n");
	conv_answers(&cv, BOB_PW, NULL);
	run_auth("mfa", BOB, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, NULL);
	assert_audit("mfa", "user=" BOB " service=mfa rhost=- tty=- "
	    "factors=password result=success reason=not_enrolled");
	conv_reset(&cv);
}

/*
 * A [group] section whose group the user database does not give (gone,
 * or its back end down: glibc answers both alike) fails the login
 * rather than leave the user with the policy without it: here a
 * password and a valid code would meet [global], but the section may
 * be the user's and ask for more.
 */
static void
test_group_missing(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	write_config("[group mfa-gone]\nrequire = password AND fido2\n");
	enrol(store, ALICE, &t);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	/* The same dialogue as any attempt; nothing is verified. */
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=system_error");
	assert_true(log_has(": group mfa-gone does not exist: the groups' "
	    "sections cannot be applied"));
	assert_no_secrets(&cv, NULL);
	/* The code was not used up: it works once the group is there. */
	append("/etc/group", "mfa-gone:x:60040:\n");
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");
	conv_reset(&cv);
}

/*
 * fail_delay: what the module asks libpam for with pam_fail_delay(3).
 * An application's PAM_FAIL_DELAY function is called in place of
 * libpam's sleep with the delay in microseconds (libpam moves it by up
 * to half of it either way); with fail_delay = 0 nothing is asked.
 */
static int delay_calls, delay_status;
static unsigned delay_usec;

static void
delay_fn(int status, unsigned usec, void *arg)
{
	(void)arg;
	delay_calls++;
	delay_status = status;
	delay_usec = usec;
}

static int
auth_delay_fn(const char *user, struct conv *cv)
{
	struct pam_conv pc = { conv_fn, cv };
	pam_handle_t *pamh = NULL;
	int r;

	delay_calls = delay_status = 0;
	delay_usec = 0;
	log_reset();
	assert_int_equal(pam_start("mfa", user, &pc, &pamh), PAM_SUCCESS);
	assert_int_equal(pam_set_item(pamh, PAM_FAIL_DELAY,
	    (const void *)delay_fn), PAM_SUCCESS);
	r = pam_authenticate(pamh, 0);
	(void)pam_end(pamh, r);
	log_drain();
	return r;
}

static void
test_fail_delay(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char text[PATH_MAX + 64], bad[7];

	(void)state;
	enrol(store, ALICE, &t);
	wrong_code(&t, bad);
	(void)snprintf(text, sizeof(text), "store = %s\nfail_delay = 1500\n",
	    store);
	write_file(conf_path, text, 0644);
	conv_answers(&cv, ALICE_PW, bad);
	assert_int_equal(auth_delay_fn(ALICE, &cv), PAM_AUTH_ERR);
	assert_int_equal(delay_calls, 1);
	assert_int_equal(delay_status, PAM_AUTH_ERR);
	if (delay_usec < 1500000 / 2 || delay_usec > 1500000 * 3 / 2)
		fail_msg("delay %u us for fail_delay = 1500", delay_usec);
	/* A wrong password alone: the same delay. */
	conv_answers(&cv, "not-" ALICE_PW, bad);
	assert_int_equal(auth_delay_fn(ALICE, &cv), PAM_AUTH_ERR);
	assert_int_equal(delay_calls, 1);
	assert_true(delay_usec >= 1500000 / 2);

	(void)snprintf(text, sizeof(text), "store = %s\nfail_delay = 0\n",
	    store);
	write_file(conf_path, text, 0644);
	conv_answers(&cv, ALICE_PW, bad);
	assert_int_equal(auth_delay_fn(ALICE, &cv), PAM_AUTH_ERR);
	assert_true(delay_calls == 0 || delay_usec == 0);
	conv_reset(&cv);
}

/* ---- tests: lockout ----------------------------------------------- */

static void
test_lockout(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char bad[7], code[7];
	int i;

	(void)state;
	enrol(store, ALICE, &t);
	write_config("lockout_attempts = 3\nlockout_time = 900\n");
	wrong_code(&t, bad);
	for (i = 0; i < 3; i++) {
		conv_answers(&cv, ALICE_PW, bad);
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
		assert_audit("mfa", "user=" ALICE " service=mfa rhost=- "
		    "tty=- factors=password,totp result=failure "
		    "reason=bad_code");
		assert_no_secrets(&cv, NULL);
	}
	/* Locked: still asked both, the right code fails. */
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=locked");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/* ---- tests: audit records ---------------------------------------- */

/*
 * libaudit's audit_open(), as libmfa.so and libpam find it first in
 * this program: with MFA_TEST_AUDIT_ERRNO set, libmfa's call fails with
 * that errno (libpam's does not: it would deny on its own); otherwise
 * it is the next one (pam_wrapper's "no audit" stub, or libaudit's
 * when audit.sh preloads it).
 */
int audit_open(void);

int
audit_open(void)
{
	int (*next)(void);
	const char *e;
	Dl_info di;

	if ((e = getenv("MFA_TEST_AUDIT_ERRNO")) != NULL &&
	    dladdr(__builtin_return_address(0), &di) != 0 &&
	    di.dli_fname != NULL && strstr(di.dli_fname, "libmfa") != NULL) {
		errno = (int)strtol(e, NULL, 10);
		return -1;
	}
	if ((next = (int (*)(void))(uintptr_t)dlsym(RTLD_NEXT,
	    "audit_open")) == NULL) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	return next();
}

/*
 * An audit record the kernel refuses denies a login that would have
 * succeeded (as libpam does); no audit at all, or no right to it, is
 * silently fine.
 */
static void
test_audit_error(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], num[16];

	(void)state;
	enrol(store, ALICE, &t);
	(void)snprintf(num, sizeof(num), "%d", EMFILE);
	assert_int_equal(setenv("MFA_TEST_AUDIT_ERRNO", num, 1), 0);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=failure reason=audit_error");
	assert_true(log_has("<83>pam_mfa(mfa:auth): cannot write the audit "
	    "record: input/output error\n"));

	/* A failure stays a failure, with its own reason. */
	conv_answers(&cv, "not-" ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=bad_password");

	(void)snprintf(num, sizeof(num), "%d", EPERM);
	assert_int_equal(setenv("MFA_TEST_AUDIT_ERRNO", num, 1), 0);
	/* The first code was used up: the next step's, 60 s ahead. */
	write_config("totp_window = 2\n");
	t.step++;
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_false(log_has("audit record"));
	assert_int_equal(unsetenv("MFA_TEST_AUDIT_ERRNO"), 0);
	conv_reset(&cv);
}

/*
 * The logins whose audit records tests/pam/audit.sh looks for with
 * ausearch (it runs only this test, with and without an auditd): a
 * success, a recovery code, and a wrong code that locks the user out.
 * Whether or not an audit daemon takes the records, the user sees
 * nothing of it and the syslog lines are there.
 */
static void
test_audit_records(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], **codes;

	(void)state;
	enrol(store, ALICE, &t);
	codes = recovery_issue(store, ALICE, 10);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");
	assert_false(log_has("audit record"));

	conv_answers(&cv, ALICE_PW, codes[0]);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_dialogue(&cv, "? " PROMPT_PASSWORD, "? " PROMPT_CODE,
	    "i Recovery code accepted; 9 left.", NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,recovery result=success reason=ok");
	assert_false(log_has("audit record"));

	write_config("lockout_attempts = 1\n");
	wrong_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=failure reason=bad_code");
	assert_true(log_has("user " ALICE ": locked out after 1 failures"));
	assert_false(log_has("audit record"));
	assert_no_secrets(&cv, NULL);

	/* An unknown name (it may be a password): acct="?" in the record. */
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", "mfa-nobody", &cv, PAM_AUTH_ERR);
	assert_audit("mfa", "user=- service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=unknown_user");
	assert_false(log_has("audit record"));
	assert_no_secrets(&cv, "mfa-nobody");
	conv_reset(&cv);
	mfa_recovery_codes_free(&codes, 10);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_success, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_success_run_pamtest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_items, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_long_rhost, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_code, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_code_format, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_code_with_space, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_policy_or_stops_early, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_user, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_password_hashes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_username, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_enrolled_deny, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_enrolled_allow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_policy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_policy_big, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_shared_gid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_section_dialogue, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fail_delay, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lockout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_records, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_error, setup,
		    teardown),
	};

	(void)argc;
	return pamtest_main(argv, tests, sizeof(tests) / sizeof(tests[0]),
	    NULL);
}
