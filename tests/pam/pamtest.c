/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the PAM-level test programs; see pamtest.h.
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
#include <locale.h>
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
#include "../digitrun.h"

/* The global state of the test program. */
const char *work;
char conf_path[PATH_MAX];
char *store;
char optstore_path[PATH_MAX];
int log_fd = -1;
char logbuf[LOG_BUF_MAX];
static size_t loglen;

static const struct test_user test_users[] = {
	{ ALICE, ALICE_PW, 60001, 0 },
	{ BOB, BOB_PW, 60002, 0 },
	{ CAROL, CAROL_PW, 60003, 0 },
	{ DAVE, DAVE_PW, 60004, 1 },
};
#define NUSERS	(sizeof(test_users) / sizeof(test_users[0]))

/* ---- conversation ------------------------------------------------ */

void
conv_reset(struct conv *cv)
{
	int i;

	for (i = 0; i < cv->nprompts; i++)
		free(cv->prompts[i]);
	for (i = 0; i < cv->nmessages && i < MAX_PROMPTS; i++)
		free(cv->infos[i]);
	free(cv->dialogue);
	memset(cv, 0, sizeof(*cv));
}

/* Appends "KIND TEXT\n" to the dialogue. */
static void
dialogue_add(struct conv *cv, char kind, const char *text)
{
	size_t len = cv->dialogue != NULL ? strlen(cv->dialogue) : 0;
	char *d;

	if (len + strlen(text) + 4 > MAX_DIALOGUE ||
	    (d = realloc(cv->dialogue, len + strlen(text) + 4)) == NULL) {
		cv->overflow = 1;
		return;
	}
	(void)snprintf(d + len, strlen(text) + 4, "%c %s\n", kind, text);
	cv->dialogue = d;
}

int
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
			if (cv->nmessages < MAX_PROMPTS)
				cv->infos[cv->nmessages] = strdup(msg[i]->msg);
			cv->nmessages++;
			dialogue_add(cv, msg[i]->msg_style == PAM_TEXT_INFO ?
			    'i' : 'e', msg[i]->msg);
			continue;
		}
		dialogue_add(cv, msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ?
		    '?' : '!', msg[i]->msg);
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

/*
 * Asserts the whole dialogue, NULL-terminated: items "? PROMPT" (echo
 * off) and "i INFO" in the order shown.
 */
void
assert_dialogue(const struct conv *cv, ...)
{
	char want[MAX_DIALOGUE + 1] = "";
	const char *p;
	size_t n;
	va_list ap;

	assert_false(cv->overflow);
	va_start(ap, cv);
	while ((p = va_arg(ap, const char *)) != NULL) {
		n = strlen(want);
		if ((size_t)snprintf(want + n, sizeof(want) - n, "%s\n", p) >=
		    sizeof(want) - n)
			fail_msg("dialogue too long");
	}
	va_end(ap);
	if (strcmp(want, cv->dialogue != NULL ? cv->dialogue : "") != 0)
		fail_msg("dialogue:\n%swant:\n%s", cv->dialogue != NULL ?
		    cv->dialogue : "(none)\n", want);
}

/* Asserts the prompts shown, NULL-terminated; all are echo-off. */
void
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

void
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
void
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

void
log_reset(void)
{
	log_drain();
	loglen = 0;
	logbuf[0] = '\0';
}

int
log_has(const char *needle)
{
	return strstr(logbuf, needle) != NULL;
}

int
log_has_secret(const char *s)
{
	return digitrun_shaped(s) ? digitrun_in(logbuf, s) : log_has(s);
}

/*
 * Asserts exactly one audit line from pam_mfa, at the priority that goes
 * with its result, equal to "pam_mfa(SERVICE:auth): " + expect.
 */
void
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
void
assert_no_secrets(const struct conv *cv, const char *user)
{
	int i;

	for (i = 0; i < MAX_PROMPTS && cv->answers[i] != NULL; i++)
		if (cv->answers[i][0] != '\0' && log_has_secret(cv->answers[i]))
			fail_msg("log contains answer %d:\n%s", i, logbuf);
	if (user != NULL && log_has(user))
		fail_msg("log contains the rejected user name:\n%s", logbuf);
}

/* ---- running PAM -------------------------------------------------- */

/* pam_authenticate() through libpamtest with the recording conv. */
void
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
void
conv_answers(struct conv *cv, const char *a0, const char *a1)
{
	conv_reset(cv);
	cv->answers[0] = a0;
	cv->answers[1] = a1;
}

/* ---- fixtures ----------------------------------------------------- */

void
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
void
write_config_at(const char *dir, const char *extra)
{
	char text[4096];

	(void)snprintf(text, sizeof(text), "# test config\nstore = %s\n"
	    "fail_delay = 0\n%s", dir, extra != NULL ? extra : "");
	write_file(conf_path, text, 0644);
}

void
write_config(const char *extra)
{
	write_config_at(store, extra);
}

char *
path_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		fail_msg("asprintf");
	return p;
}

int
store_new(void)
{
	if (asprintf(&store, "%s/tmp/store-XXXXXX", work) < 0) {
		store = NULL;
		return -1;
	}
	if (mkdtemp(store) == NULL || chmod(store, 0700) != 0)
		return -1;
	return 0;
}

void
store_remove(void)
{
	if (store == NULL)
		return;
	rmtree(store);
	free(store);
	store = NULL;
}

void
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

void
totp_code(const struct totp *t, uint64_t step, char out[7])
{
	int r;

	r = oath_totp_generate2((const char *)t->key, t->keylen,
	    (time_t)(step * 30), 30, 0, 6, 0, out);
	if (r != OATH_OK)
		fail_msg("oath_totp_generate2: %s", oath_strerror(r));
}

/* A six-digit code that none of the steps around t->step accepts. */
void
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
void
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
void
next_code(const struct totp *t, char out[7])
{
	totp_code(t, t->step + 1, out);
}

/* Issues count recovery codes to user in dir with the public API. */
char **
recovery_issue(const char *dir, const char *user, unsigned count)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	char **codes = NULL;
	int r;

	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_set_store(ctx, dir), MFA_OK);
	r = mfa_user_open(ctx, user, MFA_OPEN_WRITE | MFA_OPEN_CREATE, &u);
	if (r != MFA_OK)
		fail_msg("mfa_user_open %s: %s", user, mfa_strerror(r));
	r = mfa_user_recovery_generate(u, count, &codes);
	if (r != MFA_OK)
		fail_msg("mfa_user_recovery_generate: %s", mfa_strerror(r));
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return codes;
}

/* The user's unused recovery codes and failure count, from the store. */
unsigned
recovery_left(const char *dir, const char *user, unsigned *failures)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	unsigned left;

	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_set_store(ctx, dir), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, user, MFA_OPEN_READ, &u),
	    MFA_OK);
	left = mfa_user_recovery_remaining(u);
	if (failures != NULL)
		(void)mfa_user_lock_status(u, NULL, failures);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return left;
}

/* ---- phase 1: users and service files ----------------------------- */

int
on_tmpfs(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC;
}

void
append(const char *path, const char *line)
{
	FILE *f;

	if ((f = fopen(path, "a")) == NULL || fputs(line, f) == EOF ||
	    fclose(f) != 0) {
		fprintf(stderr, "%s: cannot append\n", path);
		exit(99);
	}
}

void
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

void
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

int
reexec_preloaded(char **argv, const char *extra)
{
	const char *san, *before;
	char preload[4 * PATH_MAX];

	/* Sanitizer runtimes, when built with them, must come first. */
	san = getenv("MFA_SAN_PRELOAD");
	/*
	 * pam_wrapper stubs audit_open() (EPROTONOSUPPORT: "no audit"),
	 * which is how the module runs in these tests; audit.sh puts
	 * libaudit before it (MFA_PAMTEST_PRELOAD) to reach the kernel.
	 */
	before = getenv("MFA_PAMTEST_PRELOAD");
	(void)snprintf(preload, sizeof(preload),
	    "%s%s%s%slibpam_wrapper.so%s%s",
	    san != NULL ? san : "", san != NULL && *san ? ":" : "",
	    before != NULL ? before : "", before != NULL && *before ? ":" : "",
	    extra != NULL ? ":" : "", extra != NULL ? extra : "");
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

void
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
	(void)snprintf(text, sizeof(text), "auth required %s config=%s "
	    "keyhint\n", module, conf_path);
	add_service(dir, "mfa-keyhint", text);
	add_service(dir, "other", "auth required pam_deny.so\n");
}

int
pamtest_main(char **argv, const struct CMUnitTest *tests, size_t ntests,
    const char *extra_preload)
{
	const char *module, *filter;
	int rc;

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
		return reexec_preloaded(argv, extra_preload);
	}

	if (oath_init() != OATH_OK) {
		fprintf(stderr, "oath_init failed\n");
		return 99;
	}
	/*
	 * The module's messages follow the locale (ns-run.sh sets LC_ALL,
	 * C unless MFA_PAMTEST_LOCALE says otherwise); the tests compare
	 * them in English.
	 */
	(void)setlocale(LC_ALL, "");
	/* Only some tests (e.g. "test_audit*"), as tests/pam/audit.sh runs. */
	if ((filter = getenv("MFA_PAMTEST_FILTER")) != NULL)
		cmocka_set_test_filter(filter);
	log_open();
	rc = _cmocka_run_group_tests(argv[0], tests, ntests, NULL, NULL);
	(void)close(log_fd);
	(void)unlink("/dev/log");
	oath_done();
	return rc;
}
