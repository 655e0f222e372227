/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * enrol.c: adding, confirming and removing TOTP credentials, verifying
 * codes (window, replay, pending credentials), and logins on a full disk.
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

/* The code of credential id at time t, as an authenticator shows it. */
static void
code_at(mfa_user_t *u, unsigned id, int64_t t, char *out)
{
	struct mfa_cred	*c;

	assert_non_null(c = store_cred(u, id));
	assert_int_equal(totp_code(c, (uint64_t)t / c->period, out), MFA_OK);
}

/* Adds and confirms a credential; returns its id. */
static unsigned
enrol(mfa_user_t *u)
{
	char		code[MFA_CODE_MAX + 1];
	unsigned	id = 0;

	assert_int_equal(mfa_user_totp_add(u, "phone", NULL, MFA_TOTP_SHA1,
	    6, &id, NULL), MFA_OK);
	code_at(u, id, tu_now, code);
	assert_int_equal(mfa_user_totp_confirm(u, id, code), MFA_OK);
	return id;
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

static void
test_add(void **state)
{
	struct fixture		*f = *state;
	const mfa_cred_t	*c;
	char			*uri = NULL, *text, label[MFA_LABEL_MAX + 2];
	unsigned		 id = 0;

	assert_int_equal(mfa_user_totp_add(f->u, "my phone", "Example Co",
	    MFA_TOTP_SHA256, 8, &id, &uri), MFA_OK);
	assert_int_equal(id, 1);
	assert_non_null(uri);
	assert_int_equal(strncmp(uri, "otpauth://totp/", 15), 0);
	assert_non_null(strstr(uri, "secret="));
	assert_non_null(strstr(uri, "digits=8"));
	assert_non_null(strstr(uri, "alice"));
	mfa_secret_free(&uri);
	assert_null(uri);
	assert_non_null(c = mfa_user_cred(f->u, 0));
	assert_int_equal(mfa_cred_status(c), MFA_STATUS_PENDING);
	assert_int_equal(c->secret_len, 32);
	assert_int_equal(mfa_cred_created(c), tu_now);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_TOTP), 0);
	text = file_text(f);
	assert_non_null(strstr(text, "next-id 2\n"));
	assert_non_null(strstr(text, "totp 1 status=pending alg=sha256 "
	    "digits=8 period=30 created=1700000000 label=my%20phone "
	    "secret="));
	free(text);

	/* Defaults from the configuration. */
	assert_int_equal(mfa_user_totp_add(f->u, NULL, NULL, -1, 0, &id,
	    NULL), MFA_OK);
	assert_int_equal(id, 2);
	c = mfa_user_cred(f->u, 1);
	assert_string_equal(mfa_cred_label(c), "totp");
	assert_int_equal(mfa_cred_totp_algorithm(c), MFA_TOTP_SHA1);
	assert_int_equal(mfa_cred_totp_digits(c), 6);
	assert_int_equal(c->secret_len, 20);
	assert_int_equal(mfa_user_totp_add(f->u, "k", NULL, MFA_TOTP_SHA512,
	    7, &id, NULL), MFA_OK);
	assert_int_equal(mfa_user_cred(f->u, 2)->secret_len, 64);
	/* Two secrets never repeat. */
	assert_memory_not_equal(mfa_user_cred(f->u, 0)->secret,
	    mfa_user_cred(f->u, 1)->secret, 20);

	/* Bad arguments change nothing. */
	memset(label, 'x', sizeof(label));
	label[MFA_LABEL_MAX + 1] = '\0';
	assert_int_equal(mfa_user_totp_add(f->u, label, NULL, -1, 0, &id,
	    NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_add(f->u, "", NULL, -1, 0, &id,
	    NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_add(f->u, "a\nb", NULL, -1, 0, &id,
	    NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_add(f->u, "x", "a\x1b[2J", -1, 0,
	    &id, NULL), MFA_ERR_INVAL);
	/* The URI's label is ISSUER:ACCOUNT: no ':' in an issuer. */
	assert_int_equal(mfa_user_totp_add(f->u, "x", "ACME:IT", -1, 0,
	    &id, NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_add(f->u, "x", NULL, -1, 5, &id,
	    NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_add(f->u, "x", NULL, -1, 9, &id,
	    NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_add(f->u, "x", NULL, 3, 6, &id,
	    NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_totp_add(f->u, "x", NULL, -1, 6, NULL,
	    NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_user_cred_count(f->u), 3);

	/* What was written is what we have. */
	reopen(f, MFA_OPEN_READ);
	assert_int_equal(mfa_user_cred_count(f->u), 3);
	assert_string_equal(mfa_cred_label(mfa_user_cred(f->u, 0)),
	    "my phone");
	assert_int_equal(mfa_user_totp_add(f->u, "x", NULL, -1, 6, &id,
	    NULL), MFA_ERR_INVAL);	/* read-only handle */
}

/* totp_issuer's rule of pam_mfa.conf(5), for mfactl's --issuer. */
static void
test_issuer_check(void **state)
{
	char	longer[MFA_ISSUER_MAX + 2];

	(void)state;
	assert_int_equal(mfa_issuer_check("pam_mfa"), MFA_OK);
	assert_int_equal(mfa_issuer_check("ACME Co & Sons/IT"), MFA_OK);
	assert_int_equal(mfa_issuer_check("\xe5\x9b\xbd\xe4\xbf\x9d"),
	    MFA_OK);
	assert_int_equal(mfa_issuer_check("ACME:IT"), MFA_ERR_INVAL);
	assert_int_equal(mfa_issuer_check(":"), MFA_ERR_INVAL);
	assert_int_equal(mfa_issuer_check(""), MFA_ERR_INVAL);
	assert_int_equal(mfa_issuer_check(NULL), MFA_ERR_INVAL);
	assert_int_equal(mfa_issuer_check("a\tb"), MFA_ERR_INVAL);
	assert_int_equal(mfa_issuer_check("a\x7f"), MFA_ERR_INVAL);
	memset(longer, 'x', sizeof(longer));
	longer[MFA_ISSUER_MAX] = '\0';
	assert_int_equal(mfa_issuer_check(longer), MFA_OK);
	longer[MFA_ISSUER_MAX] = 'x';
	longer[MFA_ISSUER_MAX + 1] = '\0';
	assert_int_equal(mfa_issuer_check(longer), MFA_ERR_INVAL);
}

/*
 * A state record left with the id the new credential will get (a store
 * deleted by hand, a store write that failed after the state's): its
 * last accepted step must not carry over to the new secret.
 */
static void
test_add_stale_state(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state_cred	*sc;
	char			 code[MFA_CODE_MAX + 1];
	unsigned		 id = f->u->next_id, got = 0;

	assert_non_null(sc = state_cred(&f->u->state, id, 1));
	sc->last_step = (uint64_t)tu_now / 30 + 100;
	sc->last_used = tu_now;
	assert_int_equal(state_write(f->u->statefd, &f->u->state,
	    &f->u->slot, 1), MFA_OK);
	reopen(f, MFA_OPEN_WRITE | MFA_OPEN_CREATE);
	assert_non_null(state_cred(&f->u->state, id, 0));
	assert_int_equal(mfa_user_totp_add(f->u, "phone", NULL,
	    MFA_TOTP_SHA1, 6, &got, NULL), MFA_OK);
	assert_int_equal(got, id);
	code_at(f->u, id, tu_now, code);
	assert_int_equal(mfa_user_totp_confirm(f->u, id, code), MFA_OK);
	tu_now += 30;
	code_at(f->u, id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

static void
test_limit(void **state)
{
	struct fixture	*f = *state;
	unsigned	 i, id;

	for (i = 0; i < MFA_CREDS_MAX; i++)
		assert_int_equal(mfa_user_totp_add(f->u, "k", NULL, -1, 0,
		    &id, NULL), MFA_OK);
	assert_int_equal(mfa_user_totp_add(f->u, "k", NULL, -1, 0, &id,
	    NULL), MFA_ERR_LIMIT);
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_user_cred_count(f->u), MFA_CREDS_MAX);
	/* Removing one makes room; ids are never reused. */
	assert_int_equal(mfa_user_remove(f->u, 5), MFA_OK);
	assert_int_equal(mfa_user_totp_add(f->u, "k", NULL, -1, 0, &id,
	    NULL), MFA_OK);
	assert_int_equal(id, MFA_CREDS_MAX + 1);
}

static void
test_confirm(void **state)
{
	struct fixture		*f = *state;
	struct mfa_state_cred	*sc;
	char			 code[MFA_CODE_MAX + 1], bad[MFA_CODE_MAX + 1];
	char			 w[MFA_CODE_MAX + 1];
	unsigned		 id, id2;
	int			 i;

	assert_int_equal(mfa_user_totp_add(f->u, "a", NULL, -1, 6, &id,
	    NULL), MFA_OK);
	code_at(f->u, id, tu_now, code);
	/* A code that is wrong for every step of the window. */
	for (i = 0; ; i++) {
		snprintf(bad, sizeof(bad), "%06d", i % 1000000);
		code_at(f->u, id, tu_now - 30, w);
		if (strcmp(bad, w) == 0 || strcmp(bad, code) == 0)
			continue;
		code_at(f->u, id, tu_now + 30, w);
		if (strcmp(bad, w) != 0)
			break;
	}
	assert_int_equal(mfa_user_totp_confirm(f->u, id, bad),
	    MFA_ERR_BADCODE);
	assert_int_equal(mfa_user_totp_confirm(f->u, id, "12ab56"),
	    MFA_ERR_CODEFMT);
	assert_int_equal(mfa_cred_status(mfa_user_cred(f->u, 0)),
	    MFA_STATUS_PENDING);
	assert_int_equal(mfa_user_totp_confirm(f->u, 99, code),
	    MFA_ERR_NOTFOUND);

	/* Two pending: id 0 is ambiguous. */
	assert_int_equal(mfa_user_totp_add(f->u, "b", NULL, -1, 6, &id2,
	    NULL), MFA_OK);
	assert_int_equal(mfa_user_totp_confirm(f->u, 0, code),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_user_remove(f->u, id2), MFA_OK);

	/* One pending: id 0 finds it. */
	assert_int_equal(mfa_user_totp_confirm(f->u, 0, code), MFA_OK);
	assert_int_equal(mfa_cred_status(mfa_user_cred(f->u, 0)),
	    MFA_STATUS_ACTIVE);
	assert_int_equal(mfa_user_has_factor(f->u, MFA_FACTOR_TOTP), 1);
	assert_int_equal(mfa_user_totp_confirm(f->u, id, code),
	    MFA_ERR_STATE);
	assert_int_equal(mfa_user_totp_confirm(f->u, 0, code),
	    MFA_ERR_NOTFOUND);

	/* Durable: the status in the file, the step in the state. */
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_cred_status(mfa_user_cred(f->u, 0)),
	    MFA_STATUS_ACTIVE);
	assert_non_null(sc = state_cred(&f->u->state, id, 0));
	assert_int_equal(sc->last_step, (uint64_t)tu_now / 30);
	/* The confirming code is burnt. */
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_REPLAY);
}

static void
test_remove(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1], *text;
	unsigned	 id1, id2, got = 0;

	id1 = enrol(f->u);
	tu_now += 30;
	id2 = enrol(f->u);
	tu_now += 30;
	code_at(f->u, id2, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, &got), MFA_OK);
	assert_int_equal(got, id2);
	assert_non_null(state_cred(&f->u->state, id2, 0));

	assert_int_equal(mfa_user_remove(f->u, id2), MFA_OK);
	assert_int_equal(mfa_user_remove(f->u, id2), MFA_ERR_NOTFOUND);
	text = file_text(f);
	assert_null(strstr(text, "totp 2 "));
	assert_non_null(strstr(text, "totp 1 "));
	free(text);
	reopen(f, MFA_OPEN_READ);
	assert_int_equal(mfa_user_cred_count(f->u), 1);
	assert_int_equal(mfa_cred_id(mfa_user_cred(f->u, 0)), id1);
	/* Its state record went with it. */
	assert_null(state_cred(&f->u->state, id2, 0));
	assert_non_null(state_cred(&f->u->state, id1, 0));
	assert_int_equal(mfa_user_remove(f->u, id1), MFA_ERR_INVAL);
}

static void
test_verify(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1], spaced[16];
	unsigned	 id, got = 0;
	unsigned	 failures = 99;

	id = enrol(f->u);
	tu_now += 30;
	code_at(f->u, id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, &got), MFA_OK);
	assert_int_equal(got, id);
	assert_int_equal(mfa_cred_last_used(mfa_user_cred(f->u, 0)), tu_now);

	/* The same code again: replay, counted as a failure. */
	assert_int_equal(mfa_user_totp_verify(f->u, code, &got),
	    MFA_ERR_REPLAY);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 1);

	/* Durable across a reopen (and another process would see it). */
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_cred_last_used(mfa_user_cred(f->u, 0)), tu_now);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_REPLAY);

	/* The next step's code works and resets the failures. */
	tu_now += 30;
	code_at(f->u, id, tu_now, code);
	snprintf(spaced, sizeof(spaced), "%.3s %.3s", code, code + 3);
	assert_int_equal(mfa_user_totp_verify(f->u, spaced, NULL), MFA_OK);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, &failures),
	    MFA_OK);
	assert_int_equal(failures, 0);

	/* Malformed codes: refused (and counted). */
	assert_int_equal(mfa_user_totp_verify(f->u, "12345", NULL),
	    MFA_ERR_CODEFMT);
	assert_int_equal(mfa_user_totp_verify(f->u, "", NULL),
	    MFA_ERR_CODEFMT);
	assert_int_equal(mfa_user_totp_verify(f->u,
	    "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95"
	    "\xef\xbc\x96", NULL), MFA_ERR_CODEFMT);	/* full width */
	assert_int_equal(mfa_user_totp_verify(f->u, NULL, NULL),
	    MFA_ERR_INVAL);

	/* A read-only handle cannot verify (it could not record). */
	reopen(f, MFA_OPEN_READ);
	code_at(f->u, id, tu_now + 300, code);
	tu_now += 300;
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_INVAL);
}

static void
test_window(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	unsigned	 id;

	id = enrol(f->u);
	/* One step back and one ahead are accepted (default window 1). */
	tu_now += 300;
	code_at(f->u, id, tu_now - 30, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
	tu_now += 300;
	code_at(f->u, id, tu_now + 30, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
	/* That burnt the current step too. */
	code_at(f->u, id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_REPLAY);
	/* Two steps away: refused. */
	tu_now += 300;
	code_at(f->u, id, tu_now - 60, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_BADCODE);
	code_at(f->u, id, tu_now + 60, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_BADCODE);

	/* Window 0: only the current step. */
	f->ctx->config->totp_window = 0;
	tu_now += 300;
	code_at(f->u, id, tu_now - 30, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_BADCODE);
	code_at(f->u, id, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

static void
test_pending_refused(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	unsigned	 pend, act;

	assert_int_equal(mfa_user_totp_add(f->u, "p", NULL, -1, 6, &pend,
	    NULL), MFA_OK);
	code_at(f->u, pend, tu_now, code);
	/* No active credential at all. */
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_NOTENROLLED);
	act = enrol(f->u);
	assert_true(act != pend);
	tu_now += 30;
	code_at(f->u, pend, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_BADCODE);
	code_at(f->u, act, tu_now, code);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL), MFA_OK);
}

static void
test_rfc6238(void **state)
{
	struct fixture	*f = *state;
	char		 b1[128], b2[128], b3[128], *text, *p;
	unsigned	 got = 0;
	static const char s64[] = "1234567890123456789012345678901234567890"
	    "123456789012345678901234";

	(void)state;
	tu_require_root();
	/* RFC 6238 Appendix B seeds, written as an administrator would. */
	assert_int_equal(base32_encode((const unsigned char *)s64, 20, b1,
	    sizeof(b1)), MFA_OK);
	assert_int_equal(base32_encode((const unsigned char *)s64, 32, b2,
	    sizeof(b2)), MFA_OK);
	assert_int_equal(base32_encode((const unsigned char *)s64, 64, b3,
	    sizeof(b3)), MFA_OK);
	assert_true(asprintf(&text, "pam_mfa-store 1\nuser alice\n"
	    "next-id 4\n"
	    "totp 1 status=active alg=sha1 digits=8 period=30 created=0 "
	    "label=a secret=%s\n"
	    "totp 2 status=active alg=sha256 digits=8 period=30 created=0 "
	    "label=b secret=%s\n"
	    "totp 3 status=active alg=sha512 digits=8 period=30 created=0 "
	    "label=c secret=%s\n", b1, b2, b3) > 0);
	mfa_user_free(&f->u);
	p = tu_path(f->dir, "alice");
	tu_write(p, text, strlen(text), 0600);
	free(p);
	free(text);
	reopen(f, MFA_OPEN_WRITE);
	tu_now = 59;
	assert_int_equal(mfa_user_totp_verify(f->u, "94287082", &got),
	    MFA_OK);
	assert_int_equal(got, 1);
	assert_int_equal(mfa_user_totp_verify(f->u, "46119246", &got),
	    MFA_OK);
	assert_int_equal(got, 2);
	assert_int_equal(mfa_user_totp_verify(f->u, "90693936", &got),
	    MFA_OK);
	assert_int_equal(got, 3);
	tu_now = 1111111109;
	assert_int_equal(mfa_user_totp_verify(f->u, "0708 1804", &got),
	    MFA_OK);
	assert_int_equal(got, 1);
	tu_now = 2000000000;
	assert_int_equal(mfa_user_totp_verify(f->u, "38618901", &got),
	    MFA_OK);
	assert_int_equal(got, 3);
}

static void
test_replay_other_process(void **state)
{
	struct fixture	*f = *state;
	char		 code[MFA_CODE_MAX + 1];
	unsigned	 id;
	int		 status;
	pid_t		 pid;

	id = enrol(f->u);
	tu_now += 30;
	code_at(f->u, id, tu_now, code);
	mfa_user_free(&f->u);
	if ((pid = fork()) == 0) {
		mfa_user_t *u = NULL;

		if (mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &u) !=
		    MFA_OK || mfa_user_totp_verify(u, code, NULL) != MFA_OK)
			_exit(1);
		mfa_user_free(&u);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	reopen(f, MFA_OPEN_WRITE);
	assert_int_equal(mfa_user_totp_verify(f->u, code, NULL),
	    MFA_ERR_REPLAY);
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
	struct mfa_cred	*c;
	char		 code[MFA_CODE_MAX + 1], *filler, buf[4096];
	unsigned	 id, failures;
	int		 fd, r;

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
	    mfa_user_totp_add(u, "p", NULL, -1, 6, &id, NULL) != MFA_OK ||
	    (c = store_cred(u, id)) == NULL ||
	    totp_code(c, (uint64_t)tu_now / 30, code) != MFA_OK ||
	    mfa_user_totp_confirm(u, id, code) != MFA_OK)
		return 3;
	mfa_user_free(&u);

	/* Fill the file system. */
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

	/* Logins still work, with replay protection and lockout. */
	if (mfa_user_open(ctx, "alice", MFA_OPEN_WRITE, &u) != MFA_OK)
		return 6;
	tu_now += 30;
	if ((c = store_cred(u, id)) == NULL ||
	    totp_code(c, (uint64_t)tu_now / 30, code) != MFA_OK ||
	    mfa_user_totp_verify(u, code, NULL) != MFA_OK)
		return 7;
	if (mfa_user_totp_verify(u, code, NULL) != MFA_ERR_REPLAY)
		return 8;
	/* Enrolment fails cleanly. */
	if ((r = mfa_user_totp_add(u, "q", NULL, -1, 6, &id, NULL)) !=
	    MFA_ERR_NOSPC)
		return 9;
	if (asprintf(&filler, "%s/alice~tmp", dir) < 0 ||
	    access(filler, F_OK) == 0 || mfa_user_cred_count(u) != 1)
		return 10;
	free(filler);
	mfa_user_free(&u);
	if (mfa_user_open(ctx, "alice", MFA_OPEN_READ, &u) != MFA_OK ||
	    mfa_user_lock_status(u, NULL, &failures) != MFA_OK ||
	    failures != 1 || mfa_user_cred_count(u) != 1)
		return 11;
	mfa_user_free(&u);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add, setup, teardown),
		cmocka_unit_test(test_issuer_check),
		cmocka_unit_test_setup_teardown(test_add_stale_state, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rfc6238, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replay_other_process,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_disk, setup,
		    teardown),
	};

	tu_require_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
