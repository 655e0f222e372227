/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level tests of the store checks, the configuration and module
 * options, broken conversations and the password modes: pam_mfa.so
 * from the build tree loaded by the real Linux-PAM under pam_wrapper,
 * driven through libpamtest (main: pamtest_main() in pamtest.c).  Run
 * by tests/pam/ns-run.sh, which gives this program a private mount
 * namespace with its own copies of /etc/passwd, /etc/group, /etc/shadow
 * and its own /dev, so that:
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
#include <sys/wait.h>
#include <linux/magic.h>
#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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

/* ---- tests: the store --------------------------------------------- */

#define BREAK_DIR_MISSING	0
#define BREAK_DIR_WRITABLE	1
#define BREAK_DIR_SYMLINK	2
#define BREAK_DIR_OWNER		3
#define BREAK_FILE_WRITABLE	4
#define BREAK_FILE_SYMLINK	5
#define BREAK_FILE_OWNER	6
#define BREAK_STATE_WRITABLE	7
#define BREAK_COUNT		8

static void
break_store(int how)
{
	char *file, *other, *link;

	file = path_join(store, ALICE);
	other = path_join(store, "elsewhere");
	if (asprintf(&link, "%s-link", store) < 0)
		fail_msg("asprintf");
	switch (how) {
	case BREAK_DIR_MISSING:
		write_config_at(other, NULL);
		break;
	case BREAK_DIR_WRITABLE:
		assert_int_equal(chmod(store, 0777), 0);
		break;
	case BREAK_DIR_SYMLINK:
		assert_int_equal(symlink(store, link), 0);
		write_config_at(link, NULL);
		break;
	case BREAK_DIR_OWNER:
		assert_int_equal(chown(store, 60001, 0), 0);
		break;
	case BREAK_FILE_WRITABLE:
		assert_int_equal(chmod(file, 0666), 0);
		break;
	case BREAK_FILE_SYMLINK:
		assert_int_equal(rename(file, other), 0);
		assert_int_equal(symlink(other, file), 0);
		break;
	case BREAK_FILE_OWNER:
		assert_int_equal(chown(file, 60001, 0), 0);
		break;
	case BREAK_STATE_WRITABLE:
		free(file);
		file = path_join(store, ALICE ".state");
		assert_int_equal(chmod(file, 0666), 0);
		break;
	default:
		fail_msg("no such case %d", how);
	}
	free(file);
	free(other);
	free(link);
}

static void
test_store_unsafe(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], *link;
	int how;

	(void)state;
	for (how = 0; how < BREAK_COUNT; how++) {
		print_message("store broken: case %d\n", how);
		rmtree(store);
		assert_int_equal(mkdir(store, 0700), 0);
		write_config(NULL);
		enrol(store, ALICE, &t);
		break_store(how);
		next_code(&t, code);
		conv_answers(&cv, ALICE_PW, code);
		run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
		/* Same prompts: a per-user store problem tells nothing. */
		assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
		assert_audit("mfa", "user=" ALICE " service=mfa rhost=- "
		    "tty=- factors=password result=failure "
		    "reason=store_error");
		assert_no_secrets(&cv, NULL);
		if (asprintf(&link, "%s-link", store) < 0)
			fail_msg("asprintf");
		(void)unlink(link);
		free(link);
	}
	conv_reset(&cv);
}

/* store= on the module line overrides the config's store. */
static void
test_store_option(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7], *missing;

	(void)state;
	assert_int_equal(mkdir(optstore_path, 0700), 0);
	enrol(optstore_path, ALICE, &t);
	missing = path_join(store, "missing");
	write_config_at(missing, NULL);
	free(missing);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa-storeopt", ALICE, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa-storeopt", "user=" ALICE " service=mfa-storeopt "
	    "rhost=- tty=- factors=password,totp result=success reason=ok");
	conv_reset(&cv);
}

/* ---- tests: configuration and options ----------------------------- */

static void
test_bad_config(void **state)
{
	struct conv cv = { 0 };
	char want[PATH_MAX + 16];

	(void)state;
	write_config("no_such_key = 1\n");
	conv_answers(&cv, ALICE_PW, "123456");
	run_auth("mfa", ALICE, &cv, PAM_SERVICE_ERR);
	assert_prompts(&cv, NULL);
	(void)snprintf(want, sizeof(want), "%s:4:", conf_path);
	if (!log_has(want))
		fail_msg("no line naming %s:\n%s", want, logbuf);
	assert_audit("mfa", "user=- service=mfa rhost=- tty=- factors=- "
	    "result=failure reason=config_error");

	/* An unreadable (here: missing) file is an error, not defaults. */
	assert_int_equal(unlink(conf_path), 0);
	conv_answers(&cv, ALICE_PW, "123456");
	run_auth("mfa", ALICE, &cv, PAM_SERVICE_ERR);
	assert_prompts(&cv, NULL);
	assert_true(log_has(conf_path));
	assert_audit("mfa", "user=- service=mfa rhost=- tty=- factors=- "
	    "result=failure reason=config_error");
	conv_reset(&cv);
}

/* A bad module option denies with PAM_SERVICE_ERR, before any prompt. */
static void
test_bad_options(void **state)
{
	static const struct {
		const char *service;
		const char *line;
	} cases[] = {
		{ "mfa-badopt", "unknown option 'bogus=1'" },
		{ "mfa-relpath", "option 'config' needs an absolute path" },
		{ "mfa-twice", "option 'debug' given twice" },
		{ "mfa-flagval", "option 'debug' takes no value" },
	};
	struct conv cv = { 0 };
	char want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		conv_answers(&cv, ALICE_PW, "123456");
		run_auth(cases[i].service, ALICE, &cv, PAM_SERVICE_ERR);
		assert_prompts(&cv, NULL);
		(void)snprintf(want, sizeof(want), "<83>pam_mfa(%s:auth): %s",
		    cases[i].service, cases[i].line);
		if (!log_has(want))
			fail_msg("no line \"%s\" in:\n%s", want, logbuf);
		(void)snprintf(want, sizeof(want), "user=- service=%s rhost=- "
		    "tty=- factors=- result=failure reason=config_error",
		    cases[i].service);
		assert_audit(cases[i].service, want);
	}
	conv_reset(&cv);
}

/* debug adds LOG_DEBUG lines, still without secrets. */
static void
test_debug_option(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	assert_false(log_has("<87>"));		/* LOG_AUTHPRIV|LOG_DEBUG */

	wrong_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa-debug", ALICE, &cv, PAM_AUTH_ERR);
	assert_true(log_has("<87>pam_mfa(mfa-debug:auth): factor "
	    "password: ok"));
	assert_audit("mfa-debug", "user=" ALICE " service=mfa-debug "
	    "rhost=- tty=- factors=password,totp result=failure "
	    "reason=bad_code");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/* ---- tests: the conversation -------------------------------------- */

static void
test_conv_failures(void **state)
{
	static const int modes[] = { CONV_ERROR, CONV_NULL_ARRAY,
	    CONV_NULL_TEXT };
	struct conv cv = { 0 };
	struct totp t;
	char code[7];
	size_t i;
	int at;

	(void)state;
	enrol(store, ALICE, &t);
	next_code(&t, code);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		for (at = 0; at < 2; at++) {
			print_message("conv mode %d at prompt %d\n",
			    modes[i], at);
			conv_answers(&cv, ALICE_PW, code);
			cv.mode = modes[i];
			cv.fail_at = at;
			run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
			/* Asking stops at the broken prompt. */
			if (at == 0)
				assert_prompts(&cv, PROMPT_PASSWORD, NULL);
			else
				assert_prompts(&cv, PROMPT_PASSWORD,
				    PROMPT_CODE, NULL);
			assert_audit("mfa", at == 0 ?
			    "user=" ALICE " service=mfa rhost=- tty=- "
			    "factors=- result=failure reason=conv_error" :
			    "user=" ALICE " service=mfa rhost=- tty=- "
			    "factors=password result=failure "
			    "reason=conv_error");
			assert_no_secrets(&cv, NULL);
		}
	}
	/* No code was consumed by the failed conversations. */
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa", ALICE, &cv, PAM_SUCCESS);
	conv_reset(&cv);
}

/* ---- tests: password modes ---------------------------------------- */

static void
test_stacked(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, ALICE, &t);
	write_config("password = stacked\n");
	next_code(&t, code);

	/* pam_unix asks for and checks the password; we ask the code. */
	conv_answers(&cv, ALICE_PW, code);
	run_auth("mfa-stacked", ALICE, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa-stacked", "user=" ALICE " service=mfa-stacked "
	    "rhost=- tty=- factors=password,totp result=success reason=ok");
	assert_no_secrets(&cv, NULL);

	/* A wrong password stops at the requisite pam_unix. */
	conv_answers(&cv, "not-" ALICE_PW, NULL);
	run_auth("mfa-stacked", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, NULL);
	assert_false(log_has("pam_mfa("));
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/* stacked without an earlier module: no PAM_AUTHTOK, no login. */
static void
test_stacked_no_authtok(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, ALICE, &t);
	write_config("password = stacked\n");
	next_code(&t, code);
	conv_answers(&cv, code, NULL);
	run_auth("mfa", ALICE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=stacked_no_authtok");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/* builtin: a shadow entry locked with '!' never authenticates. */
static void
test_builtin_locked_shadow(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	enrol(store, DAVE, &t);
	next_code(&t, code);
	conv_answers(&cv, DAVE_PW, code);
	run_auth("mfa", DAVE, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" DAVE " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=no_password");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/*
 * A program that authenticates as the user (most screen lockers): the
 * module runs with the user's ids, cannot use the root-only store, and
 * says so at once, before the password or a code is asked for, the
 * same for every user.  A setuid-root program run by the user (su,
 * sudo: real uid the user's, effective uid 0) is not such a program.
 * pam_start() runs as root, as pam_wrapper's copy of the services is
 * root's; the ids change before pam_authenticate().
 */
#define AS_USER		0	/* real, effective, saved: the user's */
#define AS_SETUID	1	/* real the user's, effective root */

static void
auth_as(const char *user, int how, struct conv *cv, int *rc)
{
	struct pam_conv pc = { conv_fn, NULL };
	pam_handle_t *ph = NULL;
	char buf[MAX_DIALOGUE + 16];
	int fds[2], status, r;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	pc.appdata_ptr = cv;
	log_reset();
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		(void)close(fds[0]);
		if (pam_start("mfa", user, &pc, &ph) != PAM_SUCCESS ||
		    setgroups(0, NULL) != 0 ||
		    setresgid(60000, 60000, 60000) != 0 ||
		    (how == AS_USER ? setresuid(60001, 60001, 60001) :
		    setresuid(60001, 0, 0)) != 0)
			_exit(3);
		r = pam_authenticate(ph, 0);
		(void)pam_end(ph, r);
		(void)dprintf(fds[1], "%d\n%s", r, cv->dialogue != NULL ?
		    cv->dialogue : "");
		_exit(0);
	}
	assert_true(pid > 0);
	(void)close(fds[1]);
	while (len < sizeof(buf) - 1 &&
	    (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	(void)close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	log_drain();
	/* The child's dialogue replaces the (empty) parent's. */
	conv_reset(cv);
	assert_int_equal(sscanf(buf, "%d", rc), 1);
	if ((cv->dialogue = strdup(strchr(buf, '\n') + 1)) == NULL)
		fail_msg("strdup");
}

static void
test_not_root(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];
	int rc;

	(void)state;
	enrol(store, ALICE, &t);
	/* What a real system has: config 0644, /dev/log writable. */
	assert_int_equal(chmod(work, 0711), 0);
	assert_int_equal(chmod("/dev/log", 0666), 0);

	conv_answers(&cv, ALICE_PW, "000000");
	auth_as(ALICE, AS_USER, &cv, &rc);
	assert_int_equal(rc, PAM_AUTH_ERR);
	assert_string_equal(cv.dialogue, "e This program cannot check a "
	    "second factor: pam_mfa needs root.\n");
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=- result=failure reason=no_store_access");
	assert_non_null(strstr(logbuf, ": Permission denied to uid 60001 "
	    "(euid 60001): pam_mfa needs root"));
	/* Unknown users are told the same, and asked nothing. */
	conv_answers(&cv, ALICE_PW, "000000");
	auth_as("mfa-nobody", AS_USER, &cv, &rc);
	assert_int_equal(rc, PAM_AUTH_ERR);
	assert_string_equal(cv.dialogue, "e This program cannot check a "
	    "second factor: pam_mfa needs root.\n");

	/* su and sudo: the effective uid decides, and it is root's. */
	next_code(&t, code);
	conv_answers(&cv, ALICE_PW, code);
	auth_as(ALICE, AS_SETUID, &cv, &rc);
	assert_int_equal(rc, PAM_SUCCESS);
	assert_audit("mfa", "user=" ALICE " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
	assert_int_equal(chmod(work, 0700), 0);
}

/* pam_authenticate() with flags, the recording conversation. */
static void
run_auth_flags(const char *user, int flags, struct conv *cv, int expected)
{
	struct pam_testcase tc[] = {
		pam_test_flags(PAMTEST_AUTHENTICATE, expected, flags),
	};
	enum pamtest_err perr;

	log_reset();
	perr = _pamtest_conv("mfa", user, conv_fn, cv, tc, 1, NULL);
	log_drain();
	if (tc[0].op_rv != expected)
		fail_msg("pam_authenticate(flags %#x): %d (%s), want %d; "
		    "log:\n%s", (unsigned)flags, tc[0].op_rv,
		    pam_strerror(NULL, tc[0].op_rv), expected, logbuf);
	assert_int_equal(perr, PAMTEST_ERR_OK);
}

/*
 * builtin, an account whose shadow hash is empty: refused unless
 * allow_empty_password = yes, and then still refused when the
 * application passes PAM_DISALLOW_NULL_AUTHTOK (sshd does, unless
 * PermitEmptyPasswords).  The code is asked for alike and, as the
 * password already failed, not used up.
 */
#define EMPTY		"mfa-empty"

static void
test_empty_password(void **state)
{
	struct conv cv = { 0 };
	struct totp t;
	char code[7];

	(void)state;
	append("/etc/passwd", EMPTY ":x:60007:60000::/nonexistent:"
	    "/usr/sbin/nologin\n");
	append("/etc/shadow", EMPTY "::19000:0:99999:7:::\n");
	enrol(store, EMPTY, &t);
	next_code(&t, code);

	conv_answers(&cv, "", code);
	run_auth_flags(EMPTY, 0, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" EMPTY " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=no_password");

	write_config("allow_empty_password = yes\n");
	conv_answers(&cv, "", code);
	run_auth_flags(EMPTY, PAM_DISALLOW_NULL_AUTHTOK, &cv, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" EMPTY " service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=no_password");
	assert_no_secrets(&cv, NULL);

	/* Without the flag: allowed, with the code not used before. */
	conv_answers(&cv, "", code);
	run_auth_flags(EMPTY, 0, &cv, PAM_SUCCESS);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	assert_audit("mfa", "user=" EMPTY " service=mfa rhost=- tty=- "
	    "factors=password,totp result=success reason=ok");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

/*
 * An application may set PAM_USER again from its conversation function
 * (libpam frees the old string).  The name typed for an unknown user is
 * still needed after the password prompt, for the dummy hash: the
 * module keeps its own copy (a use after free otherwise, which the
 * sanitizer and valgrind passes report).
 */
static pam_handle_t *swap_pamh;

static int
swap_conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	pam_handle_t *ph = swap_pamh;

	swap_pamh = NULL;
	if (ph != NULL && pam_set_item(ph, PAM_USER, CAROL) != PAM_SUCCESS)
		return PAM_CONV_ERR;
	return conv_fn(n, msg, resp, arg);
}

static void
test_user_set_again(void **state)
{
	struct conv cv = { 0 };
	struct pam_conv pc = { swap_conv, NULL };
	pam_handle_t *ph = NULL;
	int rc;

	(void)state;
	conv_answers(&cv, CAROL_PW, "123456");
	pc.appdata_ptr = &cv;
	log_reset();
	assert_int_equal(pam_start("mfa", "mfa-nobody", &pc, &ph),
	    PAM_SUCCESS);
	swap_pamh = ph;
	rc = pam_authenticate(ph, 0);
	(void)pam_end(ph, rc);
	log_drain();
	assert_int_equal(rc, PAM_AUTH_ERR);
	assert_prompts(&cv, PROMPT_PASSWORD, PROMPT_CODE, NULL);
	/* The attempt stays the typed name's: unknown, not CAROL's. */
	assert_audit("mfa", "user=- service=mfa rhost=- tty=- "
	    "factors=password result=failure reason=unknown_user");
	assert_no_secrets(&cv, NULL);
	conv_reset(&cv);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_unsafe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_option, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_config, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_debug_option, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conv_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stacked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stacked_no_authtok, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_builtin_locked_shadow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_root, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_password, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_user_set_again, setup,
		    teardown),
	};

	(void)argc;
	return pamtest_main(argv, tests, sizeof(tests) / sizeof(tests[0]),
	    NULL);
}
