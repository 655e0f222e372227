/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Allocation-failure injection into libmfa: linked with -Wl,--wrap for
 * malloc, calloc, realloc, reallocarray, strdup, strndup and asprintf,
 * so every allocation the library makes itself goes through the
 * wrappers below (allocations inside libc, liboath or OpenSSL do not:
 * tests/harden/test_allocpam covers those at the PAM level).  Each entry
 * point runs with allocation 1, 2, ... failing until a run needs fewer
 * allocations; every run with a failed allocation must return an error
 * (never MFA_OK, never a crash); the sanitizer build adds leak checks.
 *
 * Runs as root (store ownership), through tests/harden/run.sh so that
 * mfa_password_verify() has a user of its own in the namespace.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <crypt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfa.h"
#include "internal.h"
#include "../unit/util.h"

#define MAX_RUNS	10000
#define ALLOC_USER	"hz-alloc"
#define ALLOC_PW	"Hz-Alloc-pw-77"

void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void *__real_reallocarray(void *, size_t, size_t);
char *__real_strdup(const char *);
char *__real_strndup(const char *, size_t);
void *__wrap_malloc(size_t);
void *__wrap_calloc(size_t, size_t);
void *__wrap_realloc(void *, size_t);
void *__wrap_reallocarray(void *, size_t, size_t);
char *__wrap_strdup(const char *);
char *__wrap_strndup(const char *, size_t);
int __wrap_asprintf(char **, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static long fail_at;		/* 0: off */
static long seen;
static int fired;

static int
should_fail(void)
{
	if (fail_at == 0)
		return 0;
	if (++seen == fail_at) {
		fired = 1;
		return 1;
	}
	return 0;
}

void *
__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t m)
{
	return should_fail() ? NULL : __real_calloc(n, m);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t n, size_t m)
{
	return should_fail() ? NULL : __real_reallocarray(p, n, m);
}

char *
__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return should_fail() ? NULL : __real_strndup(s, n);
}

int
__wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (should_fail())
		return -1;
	va_start(ap, fmt);
	r = vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- fixtures ---------------------------------------------------- */

static char *store, *conf, *confdir;
static mfa_ctx_t *ctx;
static mfa_user_t *user;
static mfa_policy_t *policy;
static unsigned id1, id2;
static char code[MFA_CODE_MAX + 1];
static char *out;
static struct mfa_cred cred;
static int have_pw_user;

static void
die(const char *what, int r)
{
	fprintf(stderr, "test_alloc: set-up: %s: %s\n", what,
	    mfa_strerror(r));
	exit(99);
}

static void
fresh_store(void)
{
	if (store != NULL)
		tu_rmstore(store);
	store = tu_mkstore();
}

static void
open_user(const char *name, int flags)
{
	int r;

	if ((ctx = tu_ctx(store)) == NULL)
		die("tu_ctx", MFA_ERR_NOMEM);
	if ((r = mfa_user_open(ctx, name, flags, &user)) != MFA_OK)
		die("mfa_user_open", r);
}

static void
code_of(unsigned id, int64_t step)
{
	int r;

	if ((r = totp_code(store_cred(user, id), (uint64_t)step, code)) !=
	    MFA_OK)
		die("totp_code", r);
}

/* alice with one active TOTP credential; user left open for writing. */
static void
enrolled(void)
{
	int r;

	fresh_store();
	open_user("alice", MFA_OPEN_WRITE | MFA_OPEN_CREATE);
	if ((r = mfa_user_totp_add(user, "phone", NULL, -1, 0, &id1,
	    NULL)) != MFA_OK)
		die("totp_add", r);
	code_of(id1, tu_now / 30);
	if ((r = mfa_user_totp_confirm(user, id1, code)) != MFA_OK)
		die("totp_confirm", r);
}

static void
clean(void)
{
	mfa_user_free(&user);
	mfa_policy_free(&policy);
	mfa_ctx_free(&ctx);
	mfa_secret_free(&out);
}

static void
prep_none(void)
{
}

static void
prep_ctx(void)
{
	if ((ctx = mfa_ctx_new()) == NULL)
		die("mfa_ctx_new", MFA_ERR_NOMEM);
}

static void
prep_config(void)
{
	int r;

	prep_ctx();
	if ((r = mfa_ctx_load_config(ctx, conf)) != MFA_OK)
		die("load_config", r);
}

static void
prep_read(void)
{
	enrolled();
	clean();
	if ((ctx = tu_ctx(store)) == NULL)
		die("tu_ctx", MFA_ERR_NOMEM);
}

static void
prep_fresh(void)
{
	fresh_store();
	if ((ctx = tu_ctx(store)) == NULL)
		die("tu_ctx", MFA_ERR_NOMEM);
}

static void
prep_verify(void)
{
	enrolled();
	tu_now += 30;
	code_of(id1, tu_now / 30);
}

static void
prep_pending(void)
{
	int r;

	enrolled();
	if ((r = mfa_user_totp_add(user, "second", NULL, -1, 0, &id2,
	    NULL)) != MFA_OK)
		die("totp_add", r);
	tu_now += 30;
	code_of(id2, tu_now / 30);
}

static void
prep_cred(void)
{
	memset(&cred, 0, sizeof(cred));
	cred.type = MFA_CRED_TOTP;
	cred.algorithm = MFA_TOTP_SHA1;
	cred.digits = 6;
	cred.period = 30;
	cred.secret_len = 20;
	memset(cred.secret, 0x5a, cred.secret_len);
	(void)snprintf(cred.label, sizeof(cred.label), "my phone");
}

/* ---- entry points ------------------------------------------------ */

static int
run_ctx_new(void)
{
	mfa_ctx_t *c = mfa_ctx_new();
	int r = c != NULL ? MFA_OK : MFA_ERR_NOMEM;

	mfa_ctx_free(&c);
	return r;
}

static int
run_load_config(void)
{
	return mfa_ctx_load_config(ctx, conf);
}

static int
run_set_store(void)
{
	return mfa_ctx_set_store(ctx, "/var/lib/elsewhere");
}

static int
run_policy_get(void)
{
	static const char *const groups[] = { "staff", "mynumber" };

	return mfa_policy_get(ctx, "alice", groups, 2, "sshd", &policy);
}

static int
run_open_read(void)
{
	return mfa_user_open(ctx, "alice", MFA_OPEN_READ, &user);
}

static int
run_open_create(void)
{
	return mfa_user_open(ctx, "bob", MFA_OPEN_WRITE | MFA_OPEN_CREATE,
	    &user);
}

static int
run_verify(void)
{
	return mfa_user_totp_verify(user, code, NULL);
}

static int
run_add(void)
{
	unsigned id;

	return mfa_user_totp_add(user, "tablet", "Issuer", -1, 0, &id, &out);
}

static int
run_confirm(void)
{
	return mfa_user_totp_confirm(user, id2, code);
}

static int
run_remove(void)
{
	return mfa_user_remove(user, id2);
}

static int
run_record_failure(void)
{
	return mfa_user_record_failure(user);
}

static int
run_unlock(void)
{
	return mfa_user_unlock(user);
}

static int
run_password(void)
{
	return mfa_password_verify(ALLOC_USER, ALLOC_PW, 0);
}

static int
run_uri(void)
{
	return otpauth_uri(&cred, "alice", "Example Union", &out);
}

static int
run_base32(void)
{
	char enc[64];
	unsigned char dec[64];
	size_t n;
	int r;

	if ((r = base32_encode(cred.secret, cred.secret_len, enc,
	    sizeof(enc))) != MFA_OK)
		return r;
	return base32_decode(enc, dec, sizeof(dec), &n);
}

static int
run_normalize(void)
{
	char norm[MFA_CODE_MAX + 1];

	return mfa_code_normalize("123 456", 6, norm);
}

static int
run_store_format(void)
{
	size_t len;
	int r;

	if ((r = store_format(user, &out, &len)) == MFA_OK)
		explicit_bzero(out, len);
	return r;
}

/*
 * mfa_user_remove() commits the store first; a failure updating the
 * state after that is documented as harmless (the stale record is
 * dropped later) and the removal stands: MFA_OK is right if it did.
 */
static int
removed(void)
{
	mfa_ctx_t *c;
	mfa_user_t *u = NULL;
	int gone = 0;

	if ((c = tu_ctx(store)) != NULL &&
	    mfa_user_open(c, "alice", MFA_OPEN_READ, &u) == MFA_OK)
		gone = mfa_user_cred_count(u) == 1;
	mfa_user_free(&u);
	mfa_ctx_free(&c);
	return gone;
}

struct entry {
	const char	*name;
	void		(*prep)(void);
	int		(*run)(void);
	int		 want;		/* the result without failures */
	int		(*done)(void);	/* MFA_OK allowed if it took effect */
};

static const struct entry entries[] = {
	{ "mfa_ctx_new", prep_none, run_ctx_new, MFA_OK, NULL },
	{ "mfa_ctx_load_config", prep_ctx, run_load_config, MFA_OK, NULL },
	{ "mfa_ctx_set_store", prep_ctx, run_set_store, MFA_OK, NULL },
	{ "mfa_policy_get", prep_config, run_policy_get, MFA_OK, NULL },
	{ "mfa_user_open (read)", prep_read, run_open_read, MFA_OK, NULL },
	{ "mfa_user_open (create)", prep_fresh, run_open_create, MFA_OK, NULL },
	{ "mfa_user_totp_verify", prep_verify, run_verify, MFA_OK, NULL },
	{ "mfa_user_totp_add", enrolled, run_add, MFA_OK, NULL },
	{ "mfa_user_totp_confirm", prep_pending, run_confirm, MFA_OK, NULL },
	{ "mfa_user_remove", prep_pending, run_remove, MFA_OK, removed },
	{ "mfa_user_record_failure", enrolled, run_record_failure, MFA_OK,
	    NULL },
	{ "mfa_user_unlock", enrolled, run_unlock, MFA_OK, NULL },
	{ "mfa_password_verify", prep_none, run_password, MFA_OK, NULL },
	{ "otpauth_uri", prep_cred, run_uri, MFA_OK, NULL },
	{ "base32_encode/decode", prep_cred, run_base32, MFA_OK, NULL },
	{ "mfa_code_normalize", prep_none, run_normalize, MFA_OK, NULL },
	{ "store_format", enrolled, run_store_format, MFA_OK, NULL },
};

static int
on_tmpfs(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC;
}

static void
add_pw_user(void)
{
	FILE *f;
	const char *hash;

	if (getenv("MFA_PAMTEST_DIR") == NULL || !on_tmpfs("/etc/shadow") ||
	    !on_tmpfs("/etc/passwd"))
		return;
	if ((hash = crypt(ALLOC_PW, "$6$hzalloc$")) == NULL || *hash == '*')
		die("crypt", MFA_ERR_CRYPTO);
	if ((f = fopen("/etc/passwd", "a")) == NULL)
		die("/etc/passwd", MFA_ERR_IO);
	fprintf(f, "%s:x:61900:61900::/nonexistent:/usr/sbin/nologin\n",
	    ALLOC_USER);
	(void)fclose(f);
	if ((f = fopen("/etc/shadow", "a")) == NULL)
		die("/etc/shadow", MFA_ERR_IO);
	fprintf(f, "%s:%s:19000:0:99999:7:::\n", ALLOC_USER, hash);
	(void)fclose(f);
	have_pw_user = 1;
}

int
main(void)
{
	static const char text[] = "require = password AND (totp OR fido2)\n"
	    "lockout_attempts = 5\ntotp_issuer = Example Union\n"
	    "[user alice]\nrequire = password AND totp\n"
	    "[group mynumber]\nunenrolled = deny\n"
	    "[service sshd]\npassword = builtin\n";
	size_t i;
	long n;
	int r, failed = 0, total_runs = 0, bad, absorbed, done;

	tu_require_root();
	add_pw_user();
	tu_now = 1700000000;
	store = tu_mkstore();
	confdir = tu_mkstore();
	conf = tu_path(confdir, "pam_mfa.conf");
	tu_write(conf, text, sizeof(text) - 1, 0644);

	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		const struct entry *e = &entries[i];

		if (e->run == run_password && !have_pw_user) {
			printf("# %-26s skipped: not in a namespace\n",
			    e->name);
			continue;
		}
		bad = absorbed = 0;
		for (n = 1; n <= MAX_RUNS; n++) {
			e->prep();
			seen = 0;
			fired = 0;
			fail_at = n;
			r = e->run();
			fail_at = 0;
			clean();
			done = fired && r == MFA_OK && e->done != NULL &&
			    e->done();
			if (!fired) {
				if (r != e->want) {
					printf("FAIL: %s without failures: "
					    "%s\n", e->name, mfa_strerror(r));
					failed++;
				}
				break;
			}
			total_runs++;
			if (done) {
				absorbed++;
			} else if (r == MFA_OK) {
				printf("FAIL: %s returned MFA_OK with "
				    "allocation %ld failing\n", e->name, n);
				bad++;
			}
		}
		failed += bad;
		printf("# %-26s %3ld allocation(s) failing in turn: %ld "
		    "errors, %d done anyway (documented), %d wrong\n",
		    e->name, n - 1, n - 1 - bad - absorbed, absorbed, bad);
	}
	tu_rmstore(store);
	tu_rmstore(confdir);
	free(conf);
	printf("# %d runs with a failed allocation, %d wrong\n", total_runs,
	    failed);
	return failed != 0;
}
