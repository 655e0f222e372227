/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared helpers of the PAM-level hardening tests; see hpam.h. */
#include "config.h"

#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "mfa.h"
#include "hpam.h"
#include "../digitrun.h"

#define LOG_CAP		(4 * 1024 * 1024)
#define SNAP_FILE_MAX	(16 * 1024 * 1024)

const char *hp_work;
char hp_conf[PATH_MAX];

static int log_fd = -1;
static char *logbuf;		/* the current call's lines */
static size_t loglen;
static char *alllog;		/* every line of the run */
static size_t alllen;
static FILE *logcopy;		/* MFA_HARDEN_LOGDIR/NAME.log */
static FILE *seccopy;		/* MFA_HARDEN_LOGDIR/NAME.secrets */

struct secret {
	char	*s;
	int	 code;
};
static struct secret *secrets;
static size_t nsecrets, capsecrets;

void
hp_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("harden: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	_exit(99);
}

/* ---- users ------------------------------------------------------- */

const char *
hp_user(int i)
{
	static char names[HP_NUSERS][16];

	if (i == HP_ODD_INDEX)
		return HP_ODD_USER;
	if (i < 0 || i >= HP_NUSERS)
		hp_die("no user %d", i);
	if (names[i][0] == '\0')
		(void)snprintf(names[i], sizeof(names[i]), "hz-user%02d", i);
	return names[i];
}

const char *
hp_password(int i)
{
	static char pw[HP_NUSERS + 1][24];

	if (i < 0 || i > HP_NUSERS)
		hp_die("no user %d", i);
	if (pw[i][0] == '\0')
		(void)snprintf(pw[i], sizeof(pw[i]), "Hz-Pw-%02d-q7Zr", i);
	return pw[i];
}

static void
append(const char *path, const char *line)
{
	FILE *f;

	if ((f = fopen(path, "a")) == NULL || fputs(line, f) == EOF ||
	    fclose(f) != 0)
		hp_die("%s: cannot append", path);
}

static void
add_users(void)
{
	struct crypt_data *cd;
	char line[512], salt[64];
	const char *hash;
	int i;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		hp_die("calloc");
	append("/etc/group", "hz-users:x:61000:\n");
	for (i = 0; i <= HP_NUSERS; i++) {
		/* Few rounds: the tests log in thousands of times. */
		if (crypt_gensalt_rn("$6$", 1000, NULL, 0, salt,
		    sizeof(salt)) == NULL ||
		    (hash = crypt_r(hp_password(i), salt, cd)) == NULL ||
		    hash[0] == '*')
			hp_die("crypt failed");
		(void)snprintf(line, sizeof(line), "%s:x:%d:61000::"
		    "/nonexistent:/usr/sbin/nologin\n", hp_user(i), 61001 + i);
		append("/etc/passwd", line);
		(void)snprintf(line, sizeof(line), "%s:%s:19000:0:99999:7:::\n",
		    hp_user(i), hash);
		append("/etc/shadow", line);
	}
	free(cd);
}

static void
add_service(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0)
		hp_die("%s: cannot write", path);
}

static void
write_services(const char *module)
{
	const char *dir;
	char text[2 * PATH_MAX];

	if ((dir = getenv("PAM_WRAPPER_SERVICE_DIR")) == NULL)
		hp_die("PAM_WRAPPER_SERVICE_DIR not set");
	(void)snprintf(text, sizeof(text), "auth required %s config=%s\n",
	    module, hp_conf);
	add_service(dir, HP_SERVICE, text);
	(void)snprintf(text, sizeof(text), "auth required %s config=%s "
	    "debug\n", module, hp_conf);
	add_service(dir, HP_SERVICE_DBG, text);
	add_service(dir, "other", "auth required pam_deny.so\n");
}

static int
on_tmpfs(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC;
}

/* ---- start and finish -------------------------------------------- */

static FILE *
open_copy(const char *argv0, const char *ext)
{
	const char *dir, *base;
	char path[PATH_MAX];
	FILE *f;

	if ((dir = getenv("MFA_HARDEN_LOGDIR")) == NULL || *dir == '\0')
		return NULL;
	base = strrchr(argv0, '/') != NULL ? strrchr(argv0, '/') + 1 : argv0;
	(void)snprintf(path, sizeof(path), "%s/%s.%ld.%s", dir, base,
	    (long)getpid(), ext);
	if ((f = fopen(path, "w")) == NULL)
		hp_die("%s: %s", path, strerror(errno));
	/*
	 * A line at a time.  Fully buffered, a forked child (test_crash's
	 * trials) that registers secrets of its own fills the buffer it
	 * inherited and writes out the parent's pending lines with its
	 * own, through the shared offset, over what the parent writes
	 * later: fragments such as "4" were then taken for secrets that
	 * leaked into every log; and the secrets a child registered were
	 * lost at its _exit().
	 */
	if (setvbuf(f, NULL, _IOLBF, 0) != 0)
		hp_die("%s: setvbuf", path);
	return f;
}

static void
log_open(void)
{
	struct sockaddr_un sun;
	int sz = 4 * 1024 * 1024;

	(void)unlink("/dev/log");
	if ((log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		hp_die("socket: %s", strerror(errno));
	/* Many children may log before the parent drains. */
	(void)setsockopt(log_fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)snprintf(sun.sun_path, sizeof(sun.sun_path), "/dev/log");
	if (bind(log_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		hp_die("bind /dev/log: %s", strerror(errno));
}

void
hp_start(int argc, char **argv, int how, const char *extra_preload)
{
	const char *module, *san, *dir;
	char preload[4 * PATH_MAX];

	(void)argc;
	if ((hp_work = getenv("MFA_PAMTEST_DIR")) == NULL ||
	    !on_tmpfs("/etc/passwd") || !on_tmpfs("/etc/shadow") ||
	    !on_tmpfs(hp_work)) {
		fprintf(stderr, "run this test through tests/harden/run.sh\n");
		exit(77);
	}
	if ((module = getenv("MFA_PAM_MODULE")) == NULL || *module != '/')
		hp_die("MFA_PAM_MODULE: absolute path needed");
	(void)snprintf(hp_conf, sizeof(hp_conf), "%s/hz.conf", hp_work);

	if (getenv("MFA_PAMTEST_PHASE") == NULL) {
		add_users();
		write_services(module);
		san = getenv("MFA_SAN_PRELOAD");
		(void)snprintf(preload, sizeof(preload),
		    "%s%s%s%s%s%s",
		    san != NULL ? san : "", san != NULL && *san ? ":" : "",
		    how == HP_PAM_WRAPPER ? "libpam_wrapper.so:" : "",
		    HP_FAKETIME_SO, extra_preload != NULL ? ":" : "",
		    extra_preload != NULL ? extra_preload : "");
		if (how == HP_PAM_BIND) {
			/* Private mount namespace: gone when the test ends. */
			dir = getenv("PAM_WRAPPER_SERVICE_DIR");
			if (dir == NULL || mount(dir, "/etc/pam.d", NULL,
			    MS_BIND, NULL) != 0)
				hp_die("bind /etc/pam.d: %s", strerror(errno));
			(void)unsetenv("PAM_WRAPPER");
		} else if (setenv("PAM_WRAPPER", "1", 1) != 0 ||
		    setenv("PAM_WRAPPER_USE_SYSLOG", "1", 1) != 0)
			hp_die("setenv failed");
		if (setenv("MFA_PAMTEST_PHASE", "2", 1) != 0 ||
		    setenv("LD_PRELOAD", preload, 1) != 0)
			hp_die("setenv failed");
		/* Not /proc/self/exe itself: valgrind's tool under valgrind. */
		{
			char self[PATH_MAX];
			ssize_t n;

			if ((n = readlink("/proc/self/exe", self,
			    sizeof(self) - 1)) <= 0)
				hp_die("readlink: %s", strerror(errno));
			self[n] = '\0';
			execv(self, argv);
		}
		hp_die("execv: %s", strerror(errno));
	}
	if (oath_init() != OATH_OK)
		hp_die("oath_init failed");
	if ((logbuf = malloc(LOG_CAP + 1)) == NULL ||
	    (alllog = malloc(LOG_CAP + 1)) == NULL)
		hp_die("malloc");
	logbuf[0] = alllog[0] = '\0';
	logcopy = open_copy(argv[0], "log");
	seccopy = open_copy(argv[0], "secrets");
	log_open();
	hp_clock_real();
}

int
hp_finish(void)
{
	size_t i;
	int leaks = 0;

	hp_log_drain();
	for (i = 0; i < nsecrets; i++) {
		if (secrets[i].code ? digitrun_in(alllog, secrets[i].s) :
		    strstr(alllog, secrets[i].s) != NULL) {
			fprintf(stderr, "LEAK: the log contains %s \"%s\"\n",
			    secrets[i].code ? "code" : "secret",
			    secrets[i].s);
			leaks++;
		}
	}
	printf("# secrets: %zu registered, %zu log bytes checked, %d "
	    "leaked\n", nsecrets, alllen, leaks);
	for (i = 0; i < nsecrets; i++)
		free(secrets[i].s);
	free(secrets);
	secrets = NULL;
	nsecrets = capsecrets = 0;
	if (logcopy != NULL)
		(void)fclose(logcopy);
	if (seccopy != NULL)
		(void)fclose(seccopy);
	logcopy = seccopy = NULL;
	(void)close(log_fd);
	log_fd = -1;
	(void)unlink("/dev/log");
	free(logbuf);
	free(alllog);
	logbuf = alllog = NULL;
	oath_done();
	return leaks;
}

/* ---- clock ------------------------------------------------------- */

void
hp_clock_set(int64_t t)
{
	char buf[32];

	(void)snprintf(buf, sizeof(buf), "%lld", (long long)t);
	if (setenv("MFA_FAKE_TIME", buf, 1) != 0)
		hp_die("setenv");
}

void
hp_clock_real(void)
{
	(void)unsetenv("MFA_FAKE_TIME");
}

int64_t
hp_now(void)
{
	return (int64_t)time(NULL);
}

/* ---- secrets ----------------------------------------------------- */

static void
secret_add(const char *s, int code)
{
	struct secret *n;
	size_t i;

	if (s == NULL || *s == '\0')
		return;
	for (i = 0; i < nsecrets; i++)
		if (secrets[i].code == code && strcmp(secrets[i].s, s) == 0)
			return;
	if (nsecrets == capsecrets) {
		capsecrets = capsecrets ? 2 * capsecrets : 256;
		if ((n = reallocarray(secrets, capsecrets,
		    sizeof(*n))) == NULL)
			hp_die("realloc");
		secrets = n;
	}
	if ((secrets[nsecrets].s = strdup(s)) == NULL)
		hp_die("strdup");
	secrets[nsecrets++].code = code;
	if (seccopy != NULL)
		fprintf(seccopy, "%s %s\n", code ? "code" : "secret", s);
}

void
hp_secret(const char *s)
{
	secret_add(s, 0);
}

void
hp_secret_code(const char *code)
{
	secret_add(code, 1);
}

/* ---- log capture ------------------------------------------------- */

static void
keep(char *buf, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > LOG_CAP)
		hp_die("log buffer full");
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/*
 * Keeps "<PRI>MESSAGE" per datagram: syslog(3) sends "<PRI>Mmm dd
 * hh:mm:ss IDENT[PID]: MESSAGE"; the time and pid never count.
 */
void
hp_log_drain(void)
{
	char dgram[8192], *msg, *end;
	ssize_t n;
	size_t plen, mlen;

	if (log_fd < 0)
		return;
	for (;;) {
		n = recv(log_fd, dgram, sizeof(dgram) - 1, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		dgram[n] = '\0';
		if ((end = strchr(dgram, '>')) == NULL ||
		    strlen(end + 1) < 16 ||
		    (msg = strstr(end + 1 + 16, ": ")) == NULL) {
			msg = dgram;	/* odd, keep it whole */
			plen = 0;
		} else {
			plen = (size_t)(end - dgram) + 1;
			msg += 2;
		}
		mlen = strcspn(msg, "\n");
		keep(logbuf, &loglen, dgram, plen);
		keep(logbuf, &loglen, msg, mlen);
		keep(logbuf, &loglen, "\n", 1);
		keep(alllog, &alllen, dgram, plen);
		keep(alllog, &alllen, msg, mlen);
		keep(alllog, &alllen, "\n", 1);
		if (logcopy != NULL)
			fprintf(logcopy, "%.*s%.*s\n", (int)plen, dgram,
			    (int)mlen, msg);
	}
	if (logcopy != NULL)
		(void)fflush(logcopy);
}

void
hp_log_reset(void)
{
	hp_log_drain();
	loglen = 0;
	logbuf[0] = '\0';
}

const char *
hp_log(void)
{
	return logbuf;
}

int
hp_log_has(const char *needle)
{
	return strstr(logbuf, needle) != NULL;
}

int
hp_audit_reason(const char *service, char *reason, size_t len)
{
	char prefix[128];
	const char *line, *p, *r;
	size_t n;
	int count = 0;

	(void)snprintf(prefix, sizeof(prefix), "pam_mfa(%s:auth): user=",
	    service);
	if (len > 0)
		reason[0] = '\0';
	for (line = logbuf; *line != '\0'; line += n + (line[n] != '\0')) {
		n = strcspn(line, "\n");
		if ((p = strchr(line, '>')) == NULL || p > line + n)
			continue;
		if (strncmp(p + 1, prefix, strlen(prefix)) != 0)
			continue;
		if ((r = memmem(line, n, " reason=", 8)) == NULL)
			continue;
		if (count++ == 0 && len > 0)
			(void)snprintf(reason, len, "%.*s",
			    (int)(n - (size_t)(r + 8 - line)), r + 8);
	}
	return count;
}

pid_t
hp_waitpid(pid_t pid, int *status)
{
	struct pollfd pfd;
	pid_t r;

	for (;;) {
		if ((r = waitpid(pid, status, WNOHANG)) != 0) {
			hp_log_drain();
			return r;
		}
		pfd.fd = log_fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 2);
		hp_log_drain();
	}
}

int
hp_log_count(const char *needle)
{
	const char *line;
	size_t n;
	int count = 0;

	for (line = logbuf; *line != '\0'; line += n + (line[n] != '\0')) {
		n = strcspn(line, "\n");
		if (memmem(line, n, needle, strlen(needle)) != NULL)
			count++;
	}
	return count;
}

int
hp_user_state(const char *dir, const char *user, unsigned *failures,
    int64_t *until, size_t *ncreds)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	int r;

	if ((ctx = mfa_ctx_new()) == NULL)
		hp_die("mfa_ctx_new");
	if ((r = mfa_ctx_set_store(ctx, dir)) == MFA_OK &&
	    (r = mfa_user_open(ctx, user, MFA_OPEN_READ, &u)) == MFA_OK) {
		*until = 0;
		*failures = 0;
		(void)mfa_user_lock_status(u, until, failures);
		*ncreds = mfa_user_cred_count(u);
	}
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return r;
}

int
hp_audit_count(const char *result)
{
	char needle[64];
	const char *p = logbuf;
	int count = 0;

	(void)snprintf(needle, sizeof(needle), " result=%s ", result);
	while ((p = strstr(p, needle)) != NULL) {
		count++;
		p++;
	}
	return count;
}

/* ---- conversation ------------------------------------------------ */

void
hp_conv_set(struct hp_conv *cv, const char *a0, const char *a1)
{
	memset(cv, 0, sizeof(*cv));
	cv->answers[0] = a0;
	cv->answers[1] = a0 != NULL ? a1 : NULL;
}

int
hp_conv_fn(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct hp_conv *cv = arg;
	struct pam_response *r;
	const char *ans;
	int i, idx, rc = PAM_CONV_ERR;

	if (n <= 0 || (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		if ((idx = cv->nprompts++) >= HP_MAX_PROMPTS - 1) {
			cv->overflow = 1;
			goto fail;
		}
		if (cv->mode != HP_CONV_ANSWER && idx == cv->fail_at) {
			switch (cv->mode) {
			case HP_CONV_ERROR:
				goto fail;
			case HP_CONV_BUF_ERR:
				rc = PAM_BUF_ERR;
				goto fail;
			case HP_CONV_NULL_ARRAY:
				free(r);
				*resp = NULL;
				return PAM_SUCCESS;
			default:
				continue;	/* NULL text */
			}
		}
		if ((ans = cv->answers[idx]) == NULL) {
			cv->overflow = 1;
			goto fail;
		}
		if ((r[i].resp = strdup(ans)) == NULL) {
			rc = PAM_BUF_ERR;
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		free(r[i].resp);
	free(r);
	return rc;
}

int
hp_auth(const char *service, const char *user, struct hp_conv *cv)
{
	struct pam_testcase tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	};
	enum pamtest_err perr;
	int i;

	for (i = 0; i < HP_MAX_PROMPTS && cv->answers[i] != NULL; i++)
		if ((cv->public_mask & (1U << i)) == 0) {
			/*
			 * A code-shaped answer leaks as a run of exactly its
			 * digits; as a substring it would also match inside
			 * any longer number the log holds (an epoch, a
			 * refused config value), 999999 in 99999999999.
			 */
			if (digitrun_shaped(cv->answers[i]))
				hp_secret_code(cv->answers[i]);
			else
				hp_secret(cv->answers[i]);
		}
	hp_log_reset();
	perr = _pamtest_conv(service, user, hp_conv_fn, cv, tc, 1, NULL);
	hp_log_drain();
	if (perr != PAMTEST_ERR_OK && perr != PAMTEST_ERR_CASE)
		hp_die("libpamtest: %s", pamtest_strerror(perr));
	return tc[0].op_rv;
}

/* ---- TOTP -------------------------------------------------------- */

static size_t
base32_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outmax)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	const char *c;
	unsigned bits = 0, acc = 0;
	size_t i, n = 0;

	for (i = 0; i < inlen && in[i] != '='; i++) {
		if (in[i] == '\0' || (c = strchr(alpha, in[i])) == NULL)
			hp_die("bad base32 in URI");
		acc = (acc << 5) | (unsigned)(c - alpha);
		bits += 5;
		if (bits >= 8) {
			if (n == outmax)
				hp_die("secret too long");
			out[n++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
			acc &= (1U << bits) - 1;
		}
	}
	return n;
}

void
hp_code(const struct hp_totp *t, uint64_t step, char out[7])
{
	int r;

	r = oath_totp_generate2((const char *)t->key, t->keylen,
	    (time_t)(step * HP_PERIOD), HP_PERIOD, 0, 6, 0, out);
	if (r != OATH_OK)
		hp_die("oath_totp_generate2: %s", oath_strerror(r));
	hp_secret_code(out);
}

void
hp_wrong_code(const struct hp_totp *t, uint64_t step, char out[7])
{
	char near[9][7];
	unsigned v;
	int i, clash;

	for (i = 0; i < 9; i++)
		hp_code(t, step - 4 + (uint64_t)i, near[i]);
	for (v = 0; v < 50; v++) {
		(void)snprintf(out, 7, "%06u", (123457U + v * 104729U) %
		    1000000U);
		for (clash = 0, i = 0; i < 9; i++)
			clash |= strcmp(out, near[i]) == 0;
		if (!clash)
			return;
	}
	hp_die("no wrong code");
}

int
hp_enrol(const char *dir, const char *user, struct hp_totp *t, int must)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	char *uri = NULL, code[7], hex[129];
	const char *s;
	unsigned id = 0;
	size_t i, n;
	int r;

	if ((ctx = mfa_ctx_new()) == NULL)
		hp_die("mfa_ctx_new");
	if ((r = mfa_ctx_set_store(ctx, dir)) != MFA_OK)
		goto out;
	r = mfa_user_open(ctx, user, MFA_OPEN_WRITE | MFA_OPEN_CREATE, &u);
	if (r != MFA_OK)
		goto out;
	if ((r = mfa_user_totp_add(u, "phone", NULL, -1, 0, &id,
	    &uri)) != MFA_OK)
		goto out;
	if ((s = strstr(uri, "secret=")) == NULL)
		hp_die("no secret= in the URI");
	s += strlen("secret=");
	n = strcspn(s, "&");
	memset(t, 0, sizeof(*t));
	t->keylen = base32_decode(s, n, t->key, sizeof(t->key));
	{
		char b32[128];

		(void)snprintf(b32, sizeof(b32), "%.*s", (int)n, s);
		hp_secret(b32);
	}
	for (i = 0; i < t->keylen; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", t->key[i]);
	hp_secret(hex);
	hp_secret(uri);
	t->step = (uint64_t)hp_now() / HP_PERIOD;
	hp_code(t, t->step, code);
	r = mfa_user_totp_confirm(u, id, code);
out:
	if (r != MFA_OK && must)
		hp_die("enrol %s in %s: %s", user, dir, mfa_strerror(r));
	mfa_secret_free(&uri);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return r;
}

/* ---- recovery codes ---------------------------------------------- */

void
hp_recovery_new(const char *dir, const char *user, unsigned count,
    char ***codes)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	unsigned i;
	int r;

	if ((ctx = mfa_ctx_new()) == NULL)
		hp_die("mfa_ctx_new");
	if ((r = mfa_ctx_set_store(ctx, dir)) != MFA_OK ||
	    (r = mfa_user_open(ctx, user, MFA_OPEN_WRITE | MFA_OPEN_CREATE,
	    &u)) != MFA_OK ||
	    (r = mfa_user_recovery_generate(u, count, codes)) != MFA_OK)
		hp_die("recovery codes for %s: %s", user, mfa_strerror(r));
	for (i = 0; i < count; i++)
		hp_secret((*codes)[i]);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
}

/* ---- FIDO2 ------------------------------------------------------- */

#ifdef VFIDO_CTL
/* Runs vfido-ctl with the NULL-terminated arguments (at most 8). */
static void
vfido_ctl(const char *arg, ...)
{
	const char *argv[10];
	va_list ap;
	pid_t pid;
	int n = 0, st;

	argv[n++] = VFIDO_CTL;
	va_start(ap, arg);
	for (; arg != NULL && n < 9; arg = va_arg(ap, const char *))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	if ((pid = fork()) < 0)
		hp_die("fork: %s", strerror(errno));
	if (pid == 0) {
		/* The shims are for the programs under test. */
		(void)unsetenv("LD_PRELOAD");
		execv(VFIDO_CTL, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		hp_die("vfido-ctl %s failed", argv[1]);
}
#endif

char *
hp_vfido_new(void)
{
#ifdef VFIDO_CTL
	static int n;
	char *key;

	if (asprintf(&key, "%s/tmp/vfido-key%d", hp_work, n++) < 0)
		hp_die("asprintf");
	vfido_ctl("init", key, "--pin", HP_PIN, (const char *)NULL);
	if (setenv("VFIDO_STATE", key, 1) != 0)
		hp_die("setenv");
	return key;
#else
	hp_die("built without tests/vfido");
#endif
}

void
hp_vfido_set_counter(const char *key, uint64_t counter)
{
#ifdef VFIDO_CTL
	char kv[32];

	(void)snprintf(kv, sizeof(kv), "counter=%llu",
	    (unsigned long long)counter);
	vfido_ctl("set", key, kv, (const char *)NULL);
#else
	(void)key;
	(void)counter;
	hp_die("built without tests/vfido");
#endif
}

uint64_t
hp_vfido_counter(const char *key)
{
	char line[8192], *end;
	unsigned long long v = 0;
	FILE *f;
	int found = 0;

	if ((f = fopen(key, "re")) == NULL)
		hp_die("%s: %s", key, strerror(errno));
	while (!found && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "counter ", 8) == 0) {
			errno = 0;
			v = strtoull(line + 8, &end, 10);
			found = errno == 0 && end != line + 8 && *end == '\n';
		}
	(void)fclose(f);
	if (!found)
		hp_die("%s: no counter", key);
	return v;
}

static int
pin_cb(void *arg, int what, const char *desc, char **answer)
{
	(void)arg;
	(void)desc;
	if (what == MFA_UI_PIN)
		return (*answer = strdup(HP_PIN)) == NULL ? MFA_ERR_NOMEM : 0;
	return 0;
}

void
hp_fido2_enrol(const char *dir, const char *user)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	unsigned id = 0;
	int r;

	if ((ctx = mfa_ctx_new()) == NULL)
		hp_die("mfa_ctx_new");
	if ((r = mfa_ctx_load_config(ctx, hp_conf)) != MFA_OK ||
	    (r = mfa_ctx_set_store(ctx, dir)) != MFA_OK ||
	    (r = mfa_user_open(ctx, user, MFA_OPEN_WRITE | MFA_OPEN_CREATE,
	    &u)) != MFA_OK ||
	    (r = mfa_user_fido2_add(u, NULL, "vfido", pin_cb, NULL,
	    &id)) != MFA_OK)
		hp_die("register a key for %s: %s", user, mfa_strerror(r));
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
}

/* ---- files ------------------------------------------------------- */

void
hp_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;

	(void)unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		hp_die("%s: %s", path, strerror(errno));
	if ((len > 0 && write(fd, data, len) != (ssize_t)len) ||
	    fchmod(fd, mode) != 0 || close(fd) != 0)
		hp_die("%s: write failed", path);
}

void
hp_write_config(const char *dir, const char *extra)
{
	char text[8192];

	(void)snprintf(text, sizeof(text), "# hardening test config\n"
	    "store = %s\nfail_delay = 0\n%s", dir,
	    extra != NULL ? extra : "");
	hp_write_file(hp_conf, text, strlen(text), 0644);
}

char *
hp_path(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		hp_die("asprintf");
	return p;
}

char *
hp_mkstore(void)
{
	char *p;

	if (asprintf(&p, "%s/tmp/store-XXXXXX", hp_work) < 0)
		hp_die("asprintf");
	if (mkdtemp(p) == NULL || chmod(p, 0700) != 0)
		hp_die("mkdtemp: %s", strerror(errno));
	return p;
}

void
hp_rmtree(const char *path)
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
	(void)chmod(path, 0700);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			p = hp_path(path, de->d_name);
			hp_rmtree(p);
			free(p);
		}
		closedir(d);
	}
	(void)rmdir(path);
}

/* ---- snapshots --------------------------------------------------- */

struct snap_entry {
	char	*name;		/* relative path */
	mode_t	 mode;		/* type and permissions */
	uid_t	 uid;
	gid_t	 gid;
	off_t	 size;
	char	*data;		/* file bytes or link target */
	size_t	 len;
};

struct hp_snap {
	struct snap_entry	*e;
	size_t			 n, cap;
};

static void
snap_add(struct hp_snap *s, const char *rel, const struct stat *st,
    char *data, size_t len)
{
	struct snap_entry *n;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		if ((n = reallocarray(s->e, s->cap, sizeof(*n))) == NULL)
			hp_die("realloc");
		s->e = n;
	}
	n = &s->e[s->n++];
	if ((n->name = strdup(rel)) == NULL)
		hp_die("strdup");
	n->mode = st->st_mode;
	n->uid = st->st_uid;
	n->gid = st->st_gid;
	n->size = st->st_size;
	n->data = data;
	n->len = len;
}

/* Reads a regular file without following links or blocking. */
static char *
read_bytes(const char *path, size_t *len)
{
	char *buf;
	ssize_t r;
	size_t got = 0;
	int fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) < 0)
		return NULL;
	if ((buf = malloc(SNAP_FILE_MAX)) == NULL)
		hp_die("malloc");
	while (got < SNAP_FILE_MAX &&
	    (r = read(fd, buf + got, SNAP_FILE_MAX - got)) > 0)
		got += (size_t)r;
	(void)close(fd);
	*len = got;
	return buf;
}

static void
snap_walk(struct hp_snap *s, const char *dir, const char *rel)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	char *path, *sub, *data;
	size_t len;
	ssize_t r;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		path = hp_path(dir, de->d_name);
		if (*rel != '\0')
			sub = hp_path(rel, de->d_name);
		else if ((sub = strdup(de->d_name)) == NULL)
			hp_die("strdup");
		data = NULL;
		len = 0;
		if (lstat(path, &st) != 0)
			hp_die("lstat %s: %s", path, strerror(errno));
		if (S_ISREG(st.st_mode)) {
			data = read_bytes(path, &len);
		} else if (S_ISLNK(st.st_mode)) {
			if ((data = calloc(1, PATH_MAX)) == NULL)
				hp_die("calloc");
			if ((r = readlink(path, data, PATH_MAX - 1)) > 0)
				len = (size_t)r;
		}
		snap_add(s, sub, &st, data, len);
		if (S_ISDIR(st.st_mode))
			snap_walk(s, path, sub);
		free(path);
		free(sub);
	}
	closedir(d);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct snap_entry *)a)->name,
	    ((const struct snap_entry *)b)->name);
}

struct hp_snap *
hp_snap_take(const char *dir)
{
	struct hp_snap *s;
	struct stat st;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		hp_die("calloc");
	/* The directory itself, as ".". */
	if (lstat(dir, &st) == 0) {
		snap_add(s, ".", &st, NULL, 0);
		if (S_ISDIR(st.st_mode))
			snap_walk(s, dir, "");
	}
	qsort(s->e, s->n, sizeof(*s->e), entry_cmp);
	return s;
}

static int
skipped(const char *name, const char *const *skip)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(name, *skip) == 0)
			return 1;
	return 0;
}

int
hp_snap_diff(const struct hp_snap *a, const struct hp_snap *b,
    const char *const *skip, char *why, size_t whylen)
{
	const struct snap_entry *x, *y;
	size_t i = 0, j = 0;
	int c;

	while (i < a->n || j < b->n) {
		x = i < a->n ? &a->e[i] : NULL;
		y = j < b->n ? &b->e[j] : NULL;
		c = x == NULL ? 1 : y == NULL ? -1 : strcmp(x->name, y->name);
		if (c < 0) {
			(void)snprintf(why, whylen, "%s disappeared", x->name);
			return 1;
		}
		if (c > 0) {
			(void)snprintf(why, whylen, "%s appeared", y->name);
			return 1;
		}
		if (x->mode != y->mode || x->uid != y->uid ||
		    x->gid != y->gid || x->size != y->size) {
			(void)snprintf(why, whylen, "%s: mode/owner/size "
			    "%o/%u/%lld -> %o/%u/%lld", x->name,
			    (unsigned)x->mode, (unsigned)x->uid,
			    (long long)x->size, (unsigned)y->mode,
			    (unsigned)y->uid, (long long)y->size);
			return 1;
		}
		if (!skipped(x->name, skip) && (x->len != y->len ||
		    (x->len > 0 && memcmp(x->data, y->data, x->len) != 0))) {
			(void)snprintf(why, whylen, "%s: bytes changed",
			    x->name);
			return 1;
		}
		i++;
		j++;
	}
	return 0;
}

int
hp_snap_changed(const struct hp_snap *a, const struct hp_snap *b,
    const char *name)
{
	const struct snap_entry *x = NULL, *y = NULL;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->e[i].name, name) == 0)
			x = &a->e[i];
	for (i = 0; i < b->n; i++)
		if (strcmp(b->e[i].name, name) == 0)
			y = &b->e[i];
	if (x == NULL || y == NULL)
		return x != y;
	return x->len != y->len ||
	    (x->len > 0 && memcmp(x->data, y->data, x->len) != 0);
}

void
hp_snap_free(struct hp_snap **sp)
{
	struct hp_snap *s;
	size_t i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->e[i].name);
		free(s->e[i].data);
	}
	free(s->e);
	free(s);
	*sp = NULL;
}
