/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level tests: pam_mfa.so from the build tree loaded by the real
 * Linux-PAM under pam_wrapper, driven through libpamtest.  Run by
 * tests/pam/ns-run.sh, which gives this program a private mount
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
#include <linux/magic.h>
#include <crypt.h>
#include <dirent.h>
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

#include "mfa.h"

#define PROMPT_PASSWORD	"Password: "
#define PROMPT_CODE	"Verification code: "
#define LOG_NOTICE_PRI	"<85>"	/* LOG_AUTHPRIV | LOG_NOTICE */
#define LOG_INFO_PRI	"<86>"	/* LOG_AUTHPRIV | LOG_INFO */
#define MAX_PROMPTS	8
#define LOG_BUF_MAX	(256 * 1024)

/* Test users (added to the namespace's copies of the user database). */
#define ALICE		"mfa-alice"	/* enrolled in most tests */
#define ALICE_PW	"Alice-pw-601"
#define BOB		"mfa-bob"	/* never enrolled; in mfa-rollout */
#define BOB_PW		"Bob-pw-602"
#define CAROL		"mfa-carol"	/* never enrolled */
#define CAROL_PW	"Carol-pw-603"
#define DAVE		"mfa-dave"	/* shadow entry locked with '!' */
#define DAVE_PW		"Dave-pw-604"

struct test_user {
	const char	*name;
	const char	*password;
	unsigned	 uid;
	int		 locked;
};

static const struct test_user test_users[] = {
	{ ALICE, ALICE_PW, 60001, 0 },
	{ BOB, BOB_PW, 60002, 0 },
	{ CAROL, CAROL_PW, 60003, 0 },
	{ DAVE, DAVE_PW, 60004, 1 },
};
#define NUSERS	(sizeof(test_users) / sizeof(test_users[0]))

/* The global state of the test program. */
static const char *work;		/* MFA_PAMTEST_DIR */
static char conf_path[PATH_MAX];	/* config= of every service */
static char optstore_path[PATH_MAX];	/* store= of mfa-storeopt */
static char *store;			/* the current test's store */
static int log_fd = -1;
static char logbuf[LOG_BUF_MAX];	/* "<PRI>message\n" per line */
static size_t loglen;

/* A TOTP credential enrolled through the public API. */
struct totp {
	unsigned char	key[64];
	size_t		keylen;
	uint64_t	step;		/* the step its confirmation used */
};

/* ---- conversation ------------------------------------------------ */

#define CONV_ANSWER	0	/* answer from answers[] */
#define CONV_ERROR	1	/* prompt fail_at: return PAM_CONV_ERR */
#define CONV_NULL_ARRAY	2	/* prompt fail_at: success, *resp NULL */
#define CONV_NULL_TEXT	3	/* prompt fail_at: success, resp NULL */

struct conv {
	const char	*answers[MAX_PROMPTS];	/* NULL-terminated */
	int		 mode;
	int		 fail_at;
	char		*prompts[MAX_PROMPTS];
	int		 styles[MAX_PROMPTS];
	int		 nprompts;
	int		 nmessages;		/* info/error messages */
	int		 overflow;
};

static void
conv_reset(struct conv *cv)
{
	int i;

	for (i = 0; i < cv->nprompts; i++)
		free(cv->prompts[i]);
	memset(cv, 0, sizeof(*cv));
}

static int
conv_fn(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct conv *cv = arg;
	struct pam_response *r;
	const char *ans;
	int i, idx;

	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON) {
			cv->nmessages++;
			continue;
		}
		if ((idx = cv->nprompts) >= MAX_PROMPTS - 1) {
			cv->overflow = 1;
			goto fail;
		}
		cv->prompts[idx] = strdup(msg[i]->msg);
		cv->styles[idx] = msg[i]->msg_style;
		cv->nprompts++;
		if (cv->mode != CONV_ANSWER && idx == cv->fail_at) {
			if (cv->mode == CONV_ERROR)
				goto fail;
			if (cv->mode == CONV_NULL_ARRAY) {
				free(r);
				*resp = NULL;
				return PAM_SUCCESS;
			}
			continue;	/* CONV_NULL_TEXT: resp stays NULL */
		}
		if ((ans = cv->answers[idx]) == NULL) {
			cv->overflow = 1;	/* more prompts than answers */
			goto fail;
		}
		r[i].resp = strdup(ans);
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		free(r[i].resp);
	free(r);
	return PAM_CONV_ERR;
}

/* Asserts the prompts shown, NULL-terminated; all are echo-off. */
static void
assert_prompts(const struct conv *cv, ...)
{
	const char *p;
	va_list ap;
	int i = 0;

	assert_false(cv->overflow);
	va_start(ap, cv);
	while ((p = va_arg(ap, const char *)) != NULL) {
		if (i >= cv->nprompts)
			fail_msg("prompt %d (\"%s\") was not shown", i, p);
		assert_string_equal(cv->prompts[i], p);
		assert_int_equal(cv->styles[i], PAM_PROMPT_ECHO_OFF);
		i++;
	}
	va_end(ap);
	assert_int_equal(cv->nprompts, i);
	/* The module sends no info/error messages: all failures alike. */
	assert_int_equal(cv->nmessages, 0);
}

/* ---- syslog capture ------------------------------------------------- */

static void
log_open(void)
{
	struct sockaddr_un sun;

	(void)unlink("/dev/log");
	if ((log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		fail_msg("socket: %s", strerror(errno));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)snprintf(sun.sun_path, sizeof(sun.sun_path), "/dev/log");
	if (bind(log_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		fail_msg("bind /dev/log: %s", strerror(errno));
}

/*
 * Reads every pending datagram.  syslog(3) sends "<PRI>Mmm dd hh:mm:ss
 * IDENT: MESSAGE" (IDENT[PID] with LOG_PID); kept is "<PRI>MESSAGE",
 * one per line, so that the secret checks never match a time or pid.
 */
static void
log_drain(void)
{
	char dgram[4096], *msg, *end;
	ssize_t n;
	size_t plen, mlen;

	for (;;) {
		n = recv(log_fd, dgram, sizeof(dgram) - 1, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		dgram[n] = '\0';
		if ((end = strchr(dgram, '>')) == NULL ||
		    strlen(end + 1) < 16)
			fail_msg("odd syslog datagram: %s", dgram);
		plen = (size_t)(end - dgram) + 1;
		/* The timestamp is 16 bytes; the ident ends at ": ". */
		if ((msg = strstr(end + 1 + 16, ": ")) == NULL)
			fail_msg("odd syslog datagram: %s", dgram);
		msg += 2;
		mlen = strcspn(msg, "\n");
		if (loglen + plen + mlen + 2 > sizeof(logbuf))
			fail_msg("log buffer full");
		memcpy(logbuf + loglen, dgram, plen);
		memcpy(logbuf + loglen + plen, msg, mlen);
		loglen += plen + mlen;
		logbuf[loglen++] = '\n';
		logbuf[loglen] = '\0';
	}
}

static void
log_reset(void)
{
	log_drain();
	loglen = 0;
	logbuf[0] = '\0';
}

static int
log_has(const char *needle)
{
	return strstr(logbuf, needle) != NULL;
}

/*
 * Asserts exactly one audit line from pam_mfa, at the priority that goes
 * with its result, equal to "pam_mfa(SERVICE:auth): " + expect.
 */
static void
assert_audit(const char *service, const char *expect)
{
	char prefix[128];
	const char *line, *p, *found = NULL;
	size_t len;
	int count = 0;

	(void)snprintf(prefix, sizeof(prefix), "pam_mfa(%s:auth): ",
	    service);
	for (line = logbuf; *line != '\0'; line += len + 1) {
		len = strcspn(line, "\n");
		if ((p = strchr(line, '>')) == NULL || p > line + len)
			continue;
		p++;
		if (strncmp(p, prefix, strlen(prefix)) != 0)
			continue;
		p += strlen(prefix);
		if (memmem(p, len - (size_t)(p - line), " result=", 8) ==
		    NULL)
			continue;
		if (count++ == 0)
			found = line;
	}
	if (count != 1)
		fail_msg("%d audit lines, want 1; log:\n%s", count, logbuf);
	len = strcspn(found, "\n");
	p = strchr(found, '>') + 1 + strlen(prefix);
	if (strlen(expect) != len - (size_t)(p - found) ||
	    strncmp(p, expect, strlen(expect)) != 0)
		fail_msg("audit line\n  %.*s\nwant\n  %s", (int)len, found,
		    expect);
	if (strstr(expect, "result=success") != NULL)
		assert_memory_equal(found, LOG_INFO_PRI, 4);
	else
		assert_memory_equal(found, LOG_NOTICE_PRI, 4);
}

/* No answer given (password, code, rejected user name) is ever logged. */
static void
assert_no_secrets(const struct conv *cv, const char *user)
{
	int i;

	for (i = 0; i < MAX_PROMPTS && cv->answers[i] != NULL; i++)
		if (cv->answers[i][0] != '\0' && log_has(cv->answers[i]))
			fail_msg("log contains answer %d:\n%s", i, logbuf);
	if (user != NULL && log_has(user))
		fail_msg("log contains the rejected user name:\n%s", logbuf);
}

/* ---- running PAM -------------------------------------------------- */

/* pam_authenticate() through libpamtest with the recording conv. */
static void
run_auth(const char *service, const char *user, struct conv *cv,
    int expected)
{
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, expected),
	};
	enum pamtest_err perr;

	log_reset();
	perr = _pamtest_conv(service, user, conv_fn, cv, tc, 1, NULL);
	log_drain();
	if (getenv("MFA_PAMTEST_VERBOSE") != NULL)
		print_message("%s", logbuf);
	if (tc[0].op_rv != expected)
		fail_msg("pam_authenticate: %d (%s), want %d; log:\n%s",
		    tc[0].op_rv, pam_strerror(NULL, tc[0].op_rv), expected,
		    logbuf);
	assert_int_equal(perr, PAMTEST_ERR_OK);
}

/* The usual two answers. */
static void
conv_answers(struct conv *cv, const char *a0, const char *a1)
{
	conv_reset(cv);
	cv->answers[0] = a0;
	cv->answers[1] = a1;
}

/* ---- fixtures ----------------------------------------------------- */

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f;

	(void)unlink(path);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	if (fputs(text, f) == EOF || fclose(f) != 0)
		fail_msg("%s: write failed", path);
	if (chmod(path, mode) != 0)
		fail_msg("chmod %s: %s", path, strerror(errno));
}

/* Config: a store, no fail delay, then extra lines (from line 4). */
static void
write_config_at(const char *dir, const char *extra)
{
	char text[4096];

	(void)snprintf(text, sizeof(text), "# test config\nstore = %s\n"
	    "fail_delay = 0\n%s", dir, extra != NULL ? extra : "");
	write_file(conf_path, text, 0644);
}

static void
write_config(const char *extra)
{
	write_config_at(store, extra);
}

static char *
path_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		fail_msg("asprintf");
	return p;
}

static void
rmtree(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char *p;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void)unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			p = path_join(path, de->d_name);
			rmtree(p);
			free(p);
		}
		closedir(d);
	}
	(void)rmdir(path);
}

static int
setup(void **state)
{
	(void)state;
	if (asprintf(&store, "%s/tmp/store-XXXXXX", work) < 0)
		return -1;
	if (mkdtemp(store) == NULL || chmod(store, 0700) != 0)
		return -1;
	write_config(NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rmtree(store);
	free(store);
	store = NULL;
	rmtree(optstore_path);
	return 0;
}

static size_t
base32_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outmax)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	const char *c;
	unsigned bits = 0, acc = 0;
	size_t i, n = 0;

	for (i = 0; i < inlen && in[i] != '='; i++) {
		if ((c = strchr(alpha, in[i])) == NULL || in[i] == '\0')
			fail_msg("bad base32 in URI");
		acc = (acc << 5) | (unsigned)(c - alpha);
		bits += 5;
		if (bits >= 8) {
			if (n == outmax)
				fail_msg("secret too long");
			out[n++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
			acc &= (1U << bits) - 1;
		}
	}
	return n;
}

static void
totp_code(const struct totp *t, uint64_t step, char out[7])
{
	int r;

	r = oath_totp_generate2((const char *)t->key, t->keylen,
	    (time_t)(step * 30), 30, 0, 6, 0, out);
	if (r != OATH_OK)
		fail_msg("oath_totp_generate2: %s", oath_strerror(r));
}

/* A six-digit code that none of the steps around t->step accepts. */
static void
wrong_code(const struct totp *t, char out[7])
{
	char near[7][7];
	unsigned v;
	int i, clash;

	for (i = 0; i < 7; i++)
		totp_code(t, t->step - 3 + (uint64_t)i, near[i]);
	for (v = 0; v < 8; v++) {
		(void)snprintf(out, 7, "%06u", 123456U + v * 111111U);
		for (clash = 0, i = 0; i < 7; i++)
			clash |= strcmp(out, near[i]) == 0;
		if (!clash)
			return;
	}
	fail_msg("no wrong code");
}

/*
 * Enrols and confirms a TOTP credential for user in dir with the
 * public API, as mfactl does; the secret comes from the otpauth URI.
 */
static void
enrol(const char *dir, const char *user, struct totp *t)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	char *uri = NULL, code[7];
	const char *s;
	unsigned id = 0;
	int r;

	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_set_store(ctx, dir), MFA_OK);
	r = mfa_user_open(ctx, user, MFA_OPEN_WRITE | MFA_OPEN_CREATE, &u);
	if (r != MFA_OK)
		fail_msg("mfa_user_open %s: %s", user, mfa_strerror(r));
	r = mfa_user_totp_add(u, "phone", NULL, -1, 0, &id, &uri);
	if (r != MFA_OK)
		fail_msg("mfa_user_totp_add: %s", mfa_strerror(r));
	assert_non_null(uri);
	if ((s = strstr(uri, "secret=")) == NULL)
		fail_msg("no secret= in the URI");
	s += strlen("secret=");
	memset(t, 0, sizeof(*t));
	t->keylen = base32_decode(s, strcspn(s, "&"), t->key,
	    sizeof(t->key));
	assert_true(t->keylen >= 20);
	t->step = (uint64_t)time(NULL) / 30;
	totp_code(t, t->step, code);
	r = mfa_user_totp_confirm(u, id, code);
	if (r != MFA_OK)
		fail_msg("mfa_user_totp_confirm: %s", mfa_strerror(r));
	mfa_secret_free(&uri);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
}

/* The code a login should use: the step after the confirmation's. */
static void
next_code(const struct totp *t, char out[7])
{
	totp_code(t, t->step + 1, out);
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
	assert_false(log_has(code));
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
	assert_false(log_has(code));
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

/* A password typed at the login prompt is neither used nor logged. */
static void
test_bad_username(void **state)
{
	struct conv cv = { 0 };

	(void)state;
	conv_answers(&cv, ALICE_PW, "123456");
	run_auth("mfa", "pass word/../x", &cv, PAM_AUTH_ERR);
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

/* ---- phase 1: users and service files ----------------------------- */

static int
on_tmpfs(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC;
}

static void
append(const char *path, const char *line)
{
	FILE *f;

	if ((f = fopen(path, "a")) == NULL || fputs(line, f) == EOF ||
	    fclose(f) != 0) {
		fprintf(stderr, "%s: cannot append\n", path);
		exit(99);
	}
}

static void
add_users(void)
{
	const struct test_user *u;
	char line[512];
	const char *salt, *hash;
	size_t i;

	append("/etc/group", "mfa-users:x:60000:\n");
	append("/etc/group", "mfa-rollout:x:60010:" BOB "\n");
	for (i = 0; i < NUSERS; i++) {
		u = &test_users[i];
		if ((salt = crypt_gensalt("$6$", 0, NULL, 0)) == NULL ||
		    (hash = crypt(u->password, salt)) == NULL ||
		    hash[0] == '*') {
			fprintf(stderr, "crypt failed\n");
			exit(99);
		}
		(void)snprintf(line, sizeof(line), "%s:x:%u:60000::"
		    "/nonexistent:/usr/sbin/nologin\n", u->name, u->uid);
		append("/etc/passwd", line);
		(void)snprintf(line, sizeof(line), "%s:%s%s:19000:0:99999:7"
		    ":::\n", u->name, u->locked ? "!" : "", hash);
		append("/etc/shadow", line);
	}
}

static void
add_service(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0) {
		fprintf(stderr, "%s: cannot write\n", path);
		exit(99);
	}
}

static void
write_services(const char *module)
{
	const char *dir;
	char text[3 * PATH_MAX];

	if ((dir = getenv("PAM_WRAPPER_SERVICE_DIR")) == NULL) {
		fprintf(stderr, "PAM_WRAPPER_SERVICE_DIR not set\n");
		exit(99);
	}
	(void)snprintf(text, sizeof(text), "auth required %s config=%s\n",
	    module, conf_path);
	add_service(dir, "mfa", text);
	(void)snprintf(text, sizeof(text), "auth required %s config=%s "
	    "debug\n", module, conf_path);
	add_service(dir, "mfa-debug", text);
	(void)snprintf(text, sizeof(text), "auth required %s config=%s "
	    "store=%s\n", module, conf_path, optstore_path);
	add_service(dir, "mfa-storeopt", text);
	(void)snprintf(text, sizeof(text), "auth required %s config=%s "
	    "bogus=1\n", module, conf_path);
	add_service(dir, "mfa-badopt", text);
	(void)snprintf(text, sizeof(text), "auth required %s "
	    "config=pam_mfa.conf\n", module);
	add_service(dir, "mfa-relpath", text);
	(void)snprintf(text, sizeof(text), "auth required %s config=%s "
	    "debug debug\n", module, conf_path);
	add_service(dir, "mfa-twice", text);
	(void)snprintf(text, sizeof(text), "auth required %s config=%s "
	    "debug=1\n", module, conf_path);
	add_service(dir, "mfa-flagval", text);
	(void)snprintf(text, sizeof(text), "auth requisite pam_unix.so "
	    "nodelay\nauth required %s config=%s\n", module, conf_path);
	add_service(dir, "mfa-stacked", text);
	add_service(dir, "other", "auth required pam_deny.so\n");
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_success, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_success_run_pamtest,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_items, setup,
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
		cmocka_unit_test_setup_teardown(test_policy_or_stops_early,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_user, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_username, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_enrolled_deny,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_enrolled_allow,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_policy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lockout, setup,
		    teardown),
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
		cmocka_unit_test_setup_teardown(test_stacked_no_authtok,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_locked_shadow,
		    setup, teardown),
	};
	const char *module, *san;
	char preload[2 * PATH_MAX];
	int rc;

	(void)argc;
	/* Only ever inside ns-run.sh's namespace: we edit /etc files. */
	if ((work = getenv("MFA_PAMTEST_DIR")) == NULL ||
	    !on_tmpfs("/etc/passwd") || !on_tmpfs("/etc/shadow") ||
	    !on_tmpfs("/etc/group") || !on_tmpfs(work)) {
		fprintf(stderr, "run this test through tests/pam/ns-run.sh\n");
		return 77;
	}
	if ((module = getenv("MFA_PAM_MODULE")) == NULL || *module != '/') {
		fprintf(stderr, "MFA_PAM_MODULE: absolute path needed\n");
		return 99;
	}
	(void)snprintf(conf_path, sizeof(conf_path), "%s/mfa.conf", work);
	(void)snprintf(optstore_path, sizeof(optstore_path), "%s/optstore",
	    work);

	if (getenv("MFA_PAMTEST_PHASE") == NULL) {
		add_users();
		write_services(module);
		/* Sanitizer runtimes, when built with them, must come first. */
		san = getenv("MFA_SAN_PRELOAD");
		(void)snprintf(preload, sizeof(preload), "%s%slibpam_wrapper.so",
		    san != NULL ? san : "", san != NULL && *san ? ":" : "");
		if (setenv("MFA_PAMTEST_PHASE", "2", 1) != 0 ||
		    setenv("PAM_WRAPPER", "1", 1) != 0 ||
		    setenv("PAM_WRAPPER_USE_SYSLOG", "1", 1) != 0 ||
		    setenv("LD_PRELOAD", preload, 1) != 0) {
			fprintf(stderr, "setenv failed\n");
			return 99;
		}
		execv("/proc/self/exe", argv);
		fprintf(stderr, "execv: %s\n", strerror(errno));
		return 99;
	}

	if (oath_init() != OATH_OK) {
		fprintf(stderr, "oath_init failed\n");
		return 99;
	}
	log_open();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	(void)close(log_fd);
	(void)unlink("/dev/log");
	oath_done();
	return rc;
}
