/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A power cut after a login or an enrolment returned.  kill -9
 * (test_crash) keeps the page cache, so it cannot show a missing flush;
 * this test can.  tests/harden/powerloss.c, preloaded into this program
 * and the mfactl it runs, keeps a "durable shadow" of the store: what
 * a disk holds that writes back only what was flushed.  After each step
 * that returned success (and after a refused login, whose failure count
 * must stay), the test builds two copies of the store:
 *   live     the files as they are (what kill -9 would leave);
 *   durable  the shadow's view (what a power cut could leave);
 * and runs the same probes against both through a second config that
 * points pam_mfa at the copy.  Both must give the answer the live store
 * gives:
 *   - enrolment (mfactl totp add + confirm): the credential is there
 *     and active: a fresh code logs in; the code that confirmed it is
 *     refused as a replay;
 *   - recovery generate: a new code logs in;
 *   - a TOTP login: the same code again is refused as a replay, the
 *     next step's code logs in;
 *   - a recovery-code login: the same code is refused, another one
 *     logs in;
 *   - a wrong code: the failure count is there;
 *   - bulk enrolment (mfactl totp add --batch, totp confirm --batch):
 *     after the add each user has a pending credential; after the
 *     confirm a fresh code logs in and the confirming one is a replay;
 *   - with tests/vfido's virtual key (where it is built): after the
 *     key's enrolment a login works; after a login the stored
 *     signature counter is at least the one accepted, the key rewound
 *     to repeat that counter is refused, and a higher one logs in.
 *
 * The disk model (conservative; ext4 data=ordered without its
 * rename and fsync heuristics, or worse):
 *   - a file's bytes are those of its last successful fsync() or
 *     fdatasync(); anything written after that is lost (not torn:
 *     test_crash covers torn writes of a process killed mid-write);
 *   - the directory's entries (which name is which file) are those of
 *     its last successful fsync(); a create, rename or unlink since
 *     then is lost.  A name whose file was never flushed reads as an
 *     empty file;
 *   - syncfs()/sync() flush every file and the directory.
 * What it cannot catch: writes made durable by other means (O_SYNC,
 * O_DSYNC, sync_file_range(), msync()) are taken as lost, so such a
 * change would make the test fail rather than pass; a flush of a file
 * whose name was unlinked is not recorded; an inode number reused
 * while the old entry is still the durable one would mix the two (the
 * tmpfs of the test does not reuse them); a disk that lies about its
 * flushes, a torn 4096-byte slot, or file system metadata other than
 * names and bytes (modes, owners, sizes beyond the bytes) are not
 * modelled; only the store directory is shadowed, not its parents.
 * MFA_SYNC_DEFER is the only weaker sync mode (an API setting, not a
 * config key): mfactl totp add/confirm --batch skip the flushes and
 * call syncfs() once before they report success (pam_mfa-store(5)),
 * so after they return the durable view must hold the whole batch;
 * that is what is checked.  What the page documents as lost, new
 * users' files of a batch cut off before its final flush, concerns a
 * batch that never returned and is not checked here.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <security/pam_appl.h>

#include "mfa.h"
#include "hpam.h"

#define USER		0	/* TOTP and recovery codes */
#define FUSER		1	/* a FIDO2 key (tests/vfido) */
#define BUSER0		2	/* bulk enrolment: users 2 .. */
#define NBATCH		2
#define NCODES		3
#define T0		1800000000LL	/* a multiple of HP_PERIOD */
#define OUT_MAX		8192

static char *store, *shadow, *viewdir;
static struct hp_totp key;
static char rcodes[NCODES][64];
static char *vkey;			/* the virtual key; NULL: none */
static int failed;

static void
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	failed++;
}

/* ---- mfactl ------------------------------------------------------ */

/*
 * Runs mfactl --store store ARGS... with the test clock and the shadow
 * preloaded; its stdout into out[OUT_MAX].  Returns its exit status.
 */
static int
mfactl(char *out, const char *const *args)
{
	const char *top;
	char *argv[16], prog[PATH_MAX], preload[4 * PATH_MAX];
	const char *san;
	int pfd[2], st, devnull;
	ssize_t n;
	size_t got = 0, i, k;
	pid_t pid;

	if ((top = getenv("MFA_TOP_BUILDDIR")) == NULL)
		hp_die("MFA_TOP_BUILDDIR not set");
	/*
	 * The program itself, not libtool's wrapper script (whose sed
	 * would run with the sanitizer preload too); run.sh puts
	 * lib/.libs on LD_LIBRARY_PATH.
	 */
	(void)snprintf(prog, sizeof(prog), "%s/tools/.libs/mfactl", top);
	if (access(prog, X_OK) != 0)
		(void)snprintf(prog, sizeof(prog), "%s/tools/mfactl", top);
	if (pipe(pfd) != 0)
		hp_die("pipe");
	if ((pid = fork()) == 0) {
		devnull = open("/dev/null", O_RDWR);
		(void)dup2(devnull, 0);
		(void)dup2(pfd[1], 1);
		/*
		 * The test clock and the shadow, without pam_wrapper; under
		 * --enable-sanitizers the sanitized library needs its
		 * runtime first (as tests/tools/fido2.sh runs mfactl).
		 */
		san = getenv("MFA_SAN_PRELOAD");
		(void)snprintf(preload, sizeof(preload), "%s%s%s:%s",
		    san != NULL ? san : "", san != NULL && *san != '\0' ?
		    ":" : "", HP_FAKETIME_SO, HZ_POWERLOSS_SO);
		if (setenv("LD_PRELOAD", preload, 1) != 0)
			_exit(127);
		k = 0;
		argv[k++] = prog;
		argv[k++] = strdup("--store");
		argv[k++] = store;
		argv[k++] = strdup("--config");
		argv[k++] = hp_conf;
		for (i = 0; args[i] != NULL && k < 15; i++)
			argv[k++] = strdup(args[i]);
		argv[k] = NULL;
		execv(prog, argv);
		_exit(127);
	}
	(void)close(pfd[1]);
	while (got + 1 < OUT_MAX && (n = read(pfd[0], out + got,
	    OUT_MAX - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	(void)close(pfd[0]);
	if (hp_waitpid(pid, &st) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* The secret of the first otpauth URI in text (registered). */
static void
key_from_uri(const char *text, struct hp_totp *k)
{
	char b32[128], *raw = NULL;
	const char *s;
	size_t n, rawlen;

	if ((s = strstr(text, "secret=")) == NULL)
		hp_die("mfactl totp add: no secret= in its output");
	s += strlen("secret=");
	n = strcspn(s, "&\n");
	(void)snprintf(b32, sizeof(b32), "%.*s", (int)n, s);
	hp_secret(b32);
	if (oath_base32_decode(b32, strlen(b32), &raw, &rawlen) != OATH_OK ||
	    rawlen > sizeof(k->key))
		hp_die("mfactl totp add: bad secret");
	memset(k, 0, sizeof(*k));
	memcpy(k->key, raw, rawlen);
	k->keylen = rawlen;
	free(raw);
}

/* mfactl totp add + confirm at T0; key gets the secret. */
static void
enrol(void)
{
	const char *add[] = { "totp", "add", hp_user(USER), NULL };
	char out[OUT_MAX], code[7], id[16];
	const char *confirm[] = { "totp", "confirm", hp_user(USER), code,
	    "--id", id, NULL };
	const char *p;
	int rc;

	if ((rc = mfactl(out, add)) != 0)
		hp_die("mfactl totp add: exit %d", rc);
	key_from_uri(out, &key);
	if ((p = strstr(out, "credential ")) == NULL ||
	    sscanf(p, "credential %15[0-9]", id) != 1)
		hp_die("mfactl totp add: no credential id in its output");
	key.step = (uint64_t)T0 / HP_PERIOD;
	hp_code(&key, key.step, code);
	if ((rc = mfactl(out, confirm)) != 0)
		hp_die("mfactl totp confirm: exit %d", rc);
}

/* mfactl recovery USER --count NCODES: rcodes get the codes. */
static void
recovery(void)
{
	const char *args[] = { "recovery", hp_user(USER), "--count", "3",
	    NULL };
	char out[OUT_MAX];
	const char *p;
	int rc, n = 0;

	if ((rc = mfactl(out, args)) != 0)
		hp_die("mfactl recovery: exit %d", rc);
	for (p = out; p != NULL && *p != '\0' && n < NCODES;
	    p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL)
		if (p[0] == ' ' && p[1] == ' ' &&
		    sscanf(p + 2, "%63[A-Za-z0-9-]", rcodes[n]) == 1)
			hp_secret(rcodes[n++]);
	if (n != NCODES)
		hp_die("mfactl recovery: %d codes in its output", n);
}

/* ---- the two views ----------------------------------------------- */

static void
copy_file(const char *from, const char *to)
{
	char buf[8192];
	ssize_t n;
	int in = -1, out;

	if (from != NULL && (in = open(from, O_RDONLY | O_CLOEXEC)) < 0 &&
	    errno != ENOENT)
		hp_die("open %s: %s", from, strerror(errno));
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		hp_die("create %s: %s", to, strerror(errno));
	/* A file never flushed: empty. */
	while (in >= 0 && (n = read(in, buf, sizeof(buf))) != 0)
		if (n < 0 || write(out, buf, (size_t)n) != n)
			hp_die("copy %s: %s", from, strerror(errno));
	if (close(out) != 0)
		hp_die("close %s", to);
	if (in >= 0)
		(void)close(in);
}

/* Builds viewdir afresh: the durable view, or a copy of the store. */
static void
make_view(int durable)
{
	char line[PATH_MAX], name[NAME_MAX + 1], *from, *to, *list;
	unsigned long long ino;
	struct dirent *de;
	FILE *f;
	DIR *d;

	hp_rmtree(viewdir);
	if (mkdir(viewdir, 0700) != 0)
		hp_die("mkdir %s: %s", viewdir, strerror(errno));
	if (!durable) {
		if ((d = opendir(store)) == NULL)
			hp_die("opendir %s", store);
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			from = hp_path(store, de->d_name);
			to = hp_path(viewdir, de->d_name);
			copy_file(from, to);
			free(from);
			free(to);
		}
		(void)closedir(d);
		return;
	}
	list = hp_path(shadow, "dir");
	if ((f = fopen(list, "re")) == NULL) {
		/* The directory was never flushed: empty. */
		free(list);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%llu %255[^\n]", &ino, name) != 2)
			hp_die("%s: bad line", list);
		if (asprintf(&from, "%s/ino.%llu", shadow, ino) < 0)
			hp_die("asprintf");
		to = hp_path(viewdir, name);
		copy_file(from, to);
		free(from);
		free(to);
	}
	(void)fclose(f);
	free(list);
}

/* ---- probes ------------------------------------------------------ */

/* The result of a login with answer at t; the audit reason in reason. */
static int
login(const char *dir, int user, const char *answer, int64_t t,
    char *reason, size_t len)
{
	struct hp_conv cv;
	int rc;

	hp_clock_set(t);
	hp_write_config(dir, HP_FIDO2_CONFIG);
	hp_conv_set(&cv, hp_password(user), answer);
	rc = hp_auth(HP_SERVICE, hp_user(user), &cv);
	reason[0] = '\0';
	(void)hp_audit_reason(HP_SERVICE, reason, len);
	hp_write_config(store, HP_FIDO2_CONFIG);
	return rc;
}

/* The login on the real store; must give want. */
static void
step(const char *what, const char *answer, int64_t t, int want)
{
	char reason[64];
	int rc;

	if ((rc = login(store, USER, answer, t, reason, sizeof(reason))) !=
	    want)
		hp_die("%s: PAM %d (%s), want %d", what, rc, reason, want);
}

/*
 * The same login in the live and the durable view: PAM result want
 * and, when why is not NULL, that audit reason.
 */
static void
probe_user(int user, const char *what, const char *answer, int64_t t,
    int want, const char *why)
{
	char reason[64];
	int durable, rc;

	for (durable = 0; durable <= 1; durable++) {
		make_view(durable);
		rc = login(viewdir, user, answer, t, reason, sizeof(reason));
		if (rc != want || (why != NULL && strcmp(reason, why) != 0))
			fail("%s, %s view: PAM %d reason=%s, want %d%s%s",
			    what, durable ? "durable" : "live", rc, reason,
			    want, why != NULL ? " reason=" : "",
			    why != NULL ? why : "");
	}
}

static void
probe(const char *what, const char *answer, int64_t t, int want,
    const char *why)
{
	probe_user(USER, what, answer, t, want, why);
}

/* The failure count in the live and the durable view must be want. */
static void
probe_failures(const char *what, unsigned want)
{
	unsigned failures;
	int64_t until;
	size_t ncreds;
	int durable, r;

	for (durable = 0; durable <= 1; durable++) {
		make_view(durable);
		r = hp_user_state(viewdir, hp_user(USER), &failures, &until,
		    &ncreds);
		if (r != MFA_OK || failures != want)
			fail("%s, %s view: %s, %u failures, want %u", what,
			    durable ? "durable" : "live", mfa_strerror(r),
			    r == MFA_OK ? failures : 0, want);
	}
}

/*
 * Bulk enrolment (MFA_SYNC_DEFER: no flush per user, one syncfs() at
 * the end, success reported after it): mfactl totp add --batch and
 * totp confirm --batch for BUSER0 .. BUSER0 + NBATCH - 1.  After the
 * add each user has one pending credential in both views; after the
 * confirm a fresh code logs in and the confirming one is a replay.
 */
static void
batch(void)
{
	struct hp_totp k[NBATCH];
	char out[OUT_MAX], text[1024], *file, code[7];
	const char *add[] = { "totp", "add", "--batch", NULL, NULL };
	const char *confirm[] = { "totp", "confirm", "--batch", NULL, NULL };
	const mfa_cred_t *c;
	mfa_ctx_t *ctx;
	mfa_user_t *u;
	const char *p;
	unsigned id[NBATCH];
	size_t len;
	int64_t t = T0 + 20 * HP_PERIOD;
	uint64_t s = (uint64_t)t / HP_PERIOD;
	int i, durable, rc, r, ok;

	file = hp_path(hp_work, "tmp/batch");
	add[3] = confirm[3] = file;
	hp_clock_set(t);
	for (i = 0, len = 0; i < NBATCH; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s\n", hp_user(BUSER0 + i));
	hp_write_file(file, text, len, 0600);
	if ((rc = mfactl(out, add)) != 0)
		hp_die("mfactl totp add --batch: exit %d", rc);
	for (i = 0, len = 0; i < NBATCH; i++) {
		if ((p = strstr(out, hp_user(BUSER0 + i))) == NULL ||
		    sscanf(p + strlen(hp_user(BUSER0 + i)), " %u", &id[i]) !=
		    1)
			hp_die("mfactl totp add --batch: no line for %s",
			    hp_user(BUSER0 + i));
		key_from_uri(p, &k[i]);
		hp_code(&k[i], s, code);
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s %s %u\n", hp_user(BUSER0 + i), code, id[i]);
	}
	for (durable = 0; durable <= 1; durable++) {
		make_view(durable);
		for (i = 0; i < NBATCH; i++) {
			if ((ctx = mfa_ctx_new()) == NULL)
				hp_die("mfa_ctx_new");
			u = NULL;
			r = mfa_ctx_set_store(ctx, viewdir);
			if (r == MFA_OK)
				r = mfa_user_open(ctx, hp_user(BUSER0 + i),
				    MFA_OPEN_READ, &u);
			ok = r == MFA_OK && mfa_user_cred_count(u) == 1 &&
			    (c = mfa_user_cred(u, 0)) != NULL &&
			    mfa_cred_id(c) == id[i] &&
			    mfa_cred_status(c) == MFA_STATUS_PENDING;
			if (!ok)
				fail("after totp add --batch, %s view: %s has "
				    "no pending credential %u (%s)",
				    durable ? "durable" : "live",
				    hp_user(BUSER0 + i), id[i],
				    mfa_strerror(r));
			mfa_user_free(&u);
			mfa_ctx_free(&ctx);
		}
	}
	hp_write_file(file, text, len, 0600);
	if ((rc = mfactl(out, confirm)) != 0)
		hp_die("mfactl totp confirm --batch: exit %d", rc);
	for (i = 0; i < NBATCH; i++) {
		probe_user(BUSER0 + i, "after totp confirm --batch, its code",
		    (hp_code(&k[i], s, code), code), t, PAM_AUTH_ERR,
		    "replay");
		probe_user(BUSER0 + i, "after totp confirm --batch, a fresh "
		    "code", (hp_code(&k[i], s + 1, code), code),
		    t + HP_PERIOD, PAM_SUCCESS, NULL);
	}
	explicit_bzero(text, sizeof(text));
	hp_rmtree(file);
	free(file);
}

#ifdef VFIDO_PRELOAD_SO
/* The stored signature counter of FUSER's key in dir; -1: none. */
static long long
stored_counter(const char *dir)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	const mfa_cred_t *c;
	long long v = -1;
	size_t i;

	if ((ctx = mfa_ctx_new()) == NULL)
		hp_die("mfa_ctx_new");
	if (mfa_ctx_set_store(ctx, dir) == MFA_OK &&
	    mfa_user_open(ctx, hp_user(FUSER), MFA_OPEN_READ, &u) == MFA_OK)
		for (i = 0; i < mfa_user_cred_count(u); i++)
			if (mfa_cred_type(c = mfa_user_cred(u, i)) ==
			    MFA_CRED_FIDO2)
				v = (long long)mfa_cred_fido2_counter(c);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return v;
}

/*
 * FIDO2 with the virtual key: enrolment, then a login; in both views
 * the stored counter must be at least the one the login accepted, an
 * assertion carrying that counter again (the key rewound) is refused
 * and one above it logs in.
 */
static void
fido2(void)
{
	char reason[64];
	uint64_t c0, accepted, step;
	long long got;
	int durable, rc, i;
	int64_t t = T0 + 10 * HP_PERIOD;

	vkey = hp_vfido_new();
	hp_clock_set(t);
	hp_fido2_enrol(store, hp_user(FUSER));
	c0 = hp_vfido_counter(vkey);
	for (durable = 0; durable <= 1; durable++) {
		make_view(durable);
		if ((rc = login(viewdir, FUSER, HP_PIN, t, reason,
		    sizeof(reason))) != PAM_SUCCESS)
			fail("after FIDO2 enrolment, a login, %s view: PAM "
			    "%d reason=%s", durable ? "durable" : "live", rc,
			    reason);
		hp_vfido_set_counter(vkey, c0);
	}
	/* Two logins: the second one's counter is above any stored. */
	for (i = 0; i < 2; i++)
		if ((rc = login(store, FUSER, HP_PIN, t, reason,
		    sizeof(reason))) != PAM_SUCCESS)
			hp_die("FIDO2 login: PAM %d (%s)", rc, reason);
	accepted = hp_vfido_counter(vkey);
	if ((step = (accepted - c0) / 2) == 0 || accepted != c0 + 2 * step)
		hp_die("FIDO2 login: the key's counter moved by %llu",
		    (unsigned long long)(accepted - c0));
	for (durable = 0; durable <= 1; durable++) {
		const char *v = durable ? "durable" : "live";

		make_view(durable);
		if ((got = stored_counter(viewdir)) < (long long)accepted)
			fail("after a FIDO2 login, %s view: stored counter "
			    "%lld, the login accepted %llu", v, got,
			    (unsigned long long)accepted);
		/* The key rewound: its assertion carries `accepted`. */
		hp_vfido_set_counter(vkey, accepted - step);
		rc = login(viewdir, FUSER, HP_PIN, t, reason, sizeof(reason));
		if (rc != PAM_AUTH_ERR)
			fail("after a FIDO2 login, %s view: its counter again "
			    "gave PAM %d reason=%s, want %d", v, rc, reason,
			    PAM_AUTH_ERR);
		make_view(durable);
		hp_vfido_set_counter(vkey, accepted);
		rc = login(viewdir, FUSER, HP_PIN, t, reason, sizeof(reason));
		if (rc != PAM_SUCCESS)
			fail("after a FIDO2 login, %s view: a higher counter "
			    "gave PAM %d reason=%s", v, rc, reason);
		hp_vfido_set_counter(vkey, accepted);
	}
}
#endif

static const char *
code_at(uint64_t s, char buf[7])
{
	hp_code(&key, s, buf);
	return buf;
}

int
main(int argc, char **argv)
{
	char *real;
	char c[7], wrong[7];
	uint64_t s0 = (uint64_t)T0 / HP_PERIOD;
	int leaks;

	hp_start(argc, argv, HP_PAM_WRAPPER, HZ_POWERLOSS_SO
#ifdef VFIDO_PRELOAD_SO
	    ":" VFIDO_PRELOAD_SO
#endif
	    );
	store = hp_mkstore();
	viewdir = hp_path(hp_work, "tmp/view");
	shadow = hp_path(hp_work, "tmp/shadow");
	if (mkdir(shadow, 0700) != 0 || (real = realpath(store, NULL)) ==
	    NULL || setenv("HZ_POWERLOSS_STORE", real, 1) != 0 ||
	    setenv("HZ_POWERLOSS_SHADOW", shadow, 1) != 0)
		hp_die("shadow set-up: %s", strerror(errno));
	free(real);
	hp_write_config(store, HP_FIDO2_CONFIG);

	/* Enrolment: mfactl totp add + confirm at T0. */
	hp_clock_set(T0);
	enrol();
	probe("after enrolment, its confirmation code", code_at(s0, c), T0,
	    PAM_AUTH_ERR, "replay");
	probe("after enrolment, a fresh code", code_at(s0 + 1, c),
	    T0 + HP_PERIOD, PAM_SUCCESS, NULL);

	/* Recovery codes. */
	hp_clock_set(T0 + 2 * HP_PERIOD);
	recovery();
	probe("after recovery generate, a new code", rcodes[2],
	    T0 + 2 * HP_PERIOD, PAM_SUCCESS, NULL);

	/* A TOTP login. */
	step("TOTP login", code_at(s0 + 3, c), T0 + 3 * HP_PERIOD,
	    PAM_SUCCESS);
	probe("after a TOTP login, its code again", c, T0 + 3 * HP_PERIOD,
	    PAM_AUTH_ERR, "replay");
	probe("after a TOTP login, the next code", code_at(s0 + 4, c),
	    T0 + 4 * HP_PERIOD, PAM_SUCCESS, NULL);

	/* A wrong code, twice: the failure count. */
	hp_wrong_code(&key, s0 + 5, wrong);
	step("wrong code", wrong, T0 + 5 * HP_PERIOD, PAM_AUTH_ERR);
	probe_failures("after a wrong code", 1);
	step("wrong code", wrong, T0 + 5 * HP_PERIOD, PAM_AUTH_ERR);
	probe_failures("after two wrong codes", 2);

	/* A recovery-code login (it also clears the failures). */
	step("recovery login", rcodes[0], T0 + 6 * HP_PERIOD, PAM_SUCCESS);
	probe_failures("after a recovery login", 0);
	probe("after a recovery login, its code again", rcodes[0],
	    T0 + 6 * HP_PERIOD, PAM_AUTH_ERR, NULL);
	probe("after a recovery login, another code", rcodes[1],
	    T0 + 6 * HP_PERIOD, PAM_SUCCESS, NULL);

	batch();
#ifdef VFIDO_PRELOAD_SO
	fido2();
#else
	printf("# no virtual security key (built without libcbor): no "
	    "FIDO2 logins\n");
#endif
	hp_rmtree(viewdir);
	leaks = hp_finish();
	printf("# power-loss probes: %d failed\n", failed);
	return failed > 0 || leaks > 0 ? 1 : 0;
}
