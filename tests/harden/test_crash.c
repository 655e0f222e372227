/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kill -9 during store updates.  Each trial forks a child that does one
 * update of one user's store and kills it (or finds it finished):
 *   0  TOTP login through PAM (state: last step, last used, failures)
 *   1  wrong code through PAM (lockout counting)
 *   2  enrolment with the library (store rewrite, state, rewrite)
 *   3  removal of the extra credentials (one store rewrite each)
 *   4  unlock with the library (state update)
 *   5  recovery-code login through PAM (the code's used mark)
 *   6  FIDO2 login through PAM with tests/vfido's virtual key, through
 *      the real libfido2 (the signature counter); skipped where vfido
 *      is not built
 *   7  import of a pam_oath TOTP record with the library
 *   8  the first enrolment of a user who has no store yet
 * Two kinds of kill:
 *   - a sweep: each update is killed just before its 1st, 2nd, ...
 *     call that changes a file of the store (write, pwrite, fsync,
 *     fdatasync, ftruncate, fchmod, creating openat, renameat,
 *     unlinkat; tests/harden/killpoint.c, preloaded, counts them)
 *     until it runs to the end: every state a kill can leave;
 *   - random moments: the child sleeps a random number of
 *     microseconds within the update's usual duration and is then
 *     SIGKILLed, as a machine would be (also catches a change the
 *     kill points would miss).
 * Afterwards the store must parse (the library opens it) and hold the
 * old state or one the update passes through; an update that was not
 * killed must have succeeded and left its final state.  Then:
 *   - a recovery code is either still unused (and the login was not
 *     reported as a success) or marked used: submitted again it is
 *     accepted exactly when it was still unused, never twice;
 *   - the stored FIDO2 signature counter is the old one or the one
 *     the key last issued, never lower than before; an assertion
 *     carrying the key's last counter (the key rewound) is accepted
 *     exactly when no login accepted that counter before;
 *   - an imported credential is whole: a code of its secret logs in;
 *   - a user whose first enrolment was killed has no store or a valid
 *     one with its credential, and enrolling again succeeds;
 *   - the next login of that user and of another one succeeds (the
 *     clock, faked with tests/harden/faketime.c, moves on so every
 *     login has a fresh code); leftover temporary files stay bounded.
 * Prints the kill points of each update and the number of random kills
 * that hit an update before it finished.
 *
 * Usage: test_crash [TRIALS]   (random kills, default 1000; through
 * crash.sh)
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "mfa.h"
#include "hpam.h"

#define NTOTP		4	/* users 0..3: TOTP, recovery codes */
#define FIDO_USER0	4	/* users 4, 5: a security key */
#define NFIDO		2
#define NEW_USER	6	/* user 6: enrolled from nothing, again */
#define NALL		7
#define NCODES		2	/* recovery codes given at a time */
#define CALIBRATE	7
#define SWEEP_MAX	200	/* kill points of one update, at most */
#define TRIAL_SECONDS	150	/* five steps per trial */
#define TMP_SUFFIX	"~tmp"

#define OP_LOGIN	0
#define OP_WRONG	1
#define OP_ENROL	2
#define OP_REMOVE	3
#define OP_UNLOCK	4
#define OP_RECOVERY	5
#define OP_FIDO2	6
#define OP_IMPORT	7
#define OP_CREATE	8
#define NOPS		9

/* What a store after an update is, next to the one before. */
#define V_NONE		(-1)	/* nothing the update could leave */
#define V_OLD		0	/* the old state */
#define V_NEW		1	/* what the finished update leaves */
#define V_PART		2	/* a state the update passes through */

struct view {
	int		r;		/* mfa_user_open() */
	unsigned	failures;
	int64_t		until;
	unsigned	left;		/* unused recovery codes */
	size_t		n;
	struct {
		unsigned	id;
		int		type;
		int		status;
		int64_t		last_used;
		uint64_t	counter;	/* FIDO2 */
	}		c[MFA_CREDS_MAX];
};

/* One update, as the parent prepares it for the child. */
struct trial {
	int		op;
	int		user;
	int64_t		now;
	char		code[7];	/* TOTP login, wrong code */
	const char	*rcode;		/* recovery code */
	char		record[128];	/* the pam_oath record to import */
	struct hp_totp	imp;		/* its secret */
	uint64_t	key_after;	/* the key's counter afterwards */
};

typedef void arm_fn(const char *, long);

static const char *const op_name[NOPS] = {
	"TOTP login", "wrong code", "enrolment", "removal", "unlock",
	"recovery", "FIDO2", "import", "creation",
};

/*
 * The random kills: a round of trials has one of each update, but for
 * the slow ones: a recovery-code trial hashes codes with a slow hash
 * (yescrypt) three times, some 15 times as long as a TOTP trial, so
 * only every 8th round has one; a FIDO2 trial has three logins with
 * the key, every 2nd.  The sweep kills both at every point all the
 * same.
 */
static const int every[NOPS] = { 1, 1, 1, 1, 1, 8, 2, 1, 1 };

static char *store;
static struct hp_totp keys[NALL];
static char **rcodes[NTOTP];		/* the users' recovery codes */
static unsigned rnext[NTOTP];		/* the next one to use */
static char *vkey;			/* the virtual key; NULL: none */
static uint64_t key_step;		/* counter increments of a login */
static arm_fn *arm;
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

static void
view_get(int user, struct view *v)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	const mfa_cred_t *c;
	size_t i;

	memset(v, 0, sizeof(*v));
	if ((ctx = mfa_ctx_new()) == NULL)
		hp_die("mfa_ctx_new");
	if ((v->r = mfa_ctx_set_store(ctx, store)) == MFA_OK &&
	    (v->r = mfa_user_open(ctx, hp_user(user), MFA_OPEN_READ,
	    &u)) == MFA_OK) {
		(void)mfa_user_lock_status(u, &v->until, &v->failures);
		v->left = mfa_user_recovery_remaining(u);
		v->n = mfa_user_cred_count(u);
		for (i = 0; i < v->n && i < MFA_CREDS_MAX; i++) {
			c = mfa_user_cred(u, i);
			v->c[i].id = mfa_cred_id(c);
			v->c[i].type = mfa_cred_type(c);
			v->c[i].status = mfa_cred_status(c);
			v->c[i].last_used = mfa_cred_last_used(c);
			v->c[i].counter = mfa_cred_fido2_counter(c);
		}
	}
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
}

static int
view_eq(const struct view *a, const struct view *b)
{
	size_t i;

	if (a->r != b->r || a->failures != b->failures ||
	    a->until != b->until || a->left != b->left || a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->c[i].id != b->c[i].id ||
		    a->c[i].type != b->c[i].type ||
		    a->c[i].status != b->c[i].status ||
		    a->c[i].last_used != b->c[i].last_used ||
		    a->c[i].counter != b->c[i].counter)
			return 0;
	return 1;
}

/* b with one credential added at the end, as a has it. */
static int
one_added(const struct view *b, const struct view *a, int type)
{
	struct view w = *b;

	if (a->n != b->n + 1 || a->c[b->n].type != type ||
	    (b->n > 0 && a->c[b->n].id <= b->c[b->n - 1].id) ||
	    a->c[b->n].last_used != 0)
		return 0;
	w.n++;
	w.c[b->n] = a->c[b->n];
	return view_eq(a, &w);
}

/* b without the credentials at [from, to). */
static void
view_cut(const struct view *b, size_t from, size_t to, struct view *w)
{
	size_t i;

	*w = *b;
	w->n = from;
	for (i = to; i < b->n; i++)
		w->c[w->n++] = b->c[i];
	w->left = 0;
	for (i = 0; i < w->n; i++)
		if (w->c[i].type == MFA_CRED_RECOVERY)
			w->left = b->left;
}

static int
view_class(const struct trial *t, const struct view *b,
    const struct view *a)
{
	struct view w = *b;
	size_t i;

	if (t->op == OP_CREATE) {
		if (a->r == MFA_ERR_NOTENROLLED)
			return V_OLD;
		if (a->r != MFA_OK || a->n != 1 ||
		    a->c[0].type != MFA_CRED_TOTP || a->failures != 0 ||
		    a->until != 0 || a->left != 0)
			return V_NONE;
		return a->c[0].status == MFA_STATUS_ACTIVE ? V_NEW : V_PART;
	}
	if (a->r != MFA_OK)
		return V_NONE;
	switch (t->op) {
	case OP_LOGIN:
		w.failures = 0;
		w.until = 0;
		w.c[0].last_used = t->now;
		break;
	case OP_WRONG:
		w.failures++;
		break;
	case OP_ENROL:
		/* One new credential, pending (added) or active. */
		if (one_added(b, a, MFA_CRED_TOTP))
			return a->c[b->n].status == MFA_STATUS_ACTIVE ?
			    V_NEW : V_PART;
		break;
	case OP_REMOVE:
		/* The extra credentials removed in order, some or all. */
		view_cut(b, 1, b->n, &w);
		if (view_eq(a, &w))
			return V_NEW;
		for (i = 2; i < b->n; i++) {
			view_cut(b, 1, i, &w);
			if (view_eq(a, &w))
				return V_PART;
		}
		w = *b;
		break;
	case OP_UNLOCK:
		w.failures = 0;
		w.until = 0;
		break;
	case OP_RECOVERY:
		for (i = 0; i < b->n; i++)
			if (b->c[i].type == MFA_CRED_RECOVERY)
				w.c[i].last_used = t->now;
		w.failures = 0;
		w.until = 0;
		w.left = b->left - 1;
		break;
	case OP_FIDO2:
		w.failures = 0;
		w.until = 0;
		w.c[0].last_used = t->now;
		w.c[0].counter = t->key_after;
		break;
	case OP_IMPORT:
		if (one_added(b, a, MFA_CRED_TOTP) &&
		    a->c[b->n].status == MFA_STATUS_ACTIVE)
			return V_NEW;
		break;
	}
	if (t->op != OP_ENROL && t->op != OP_IMPORT && t->op != OP_REMOVE &&
	    view_eq(a, &w))
		return V_NEW;
	return view_eq(a, b) ? V_OLD : V_NONE;
}

/* ---- the updates, in the child ----------------------------------- */

static int
pam_login(int user, const char *code)
{
	struct hp_conv cv;
	struct pam_conv pc = { hp_conv_fn, &cv };
	pam_handle_t *ph = NULL;
	int rc;

	hp_conv_set(&cv, hp_password(user), code);
	if ((rc = pam_start(HP_SERVICE, hp_user(user), &pc, &ph)) !=
	    PAM_SUCCESS)
		return rc;
	rc = pam_authenticate(ph, 0);
	(void)pam_end(ph, rc);
	return rc;
}

/* Removal (every credential but the first, oldest first), unlock, import. */
static int
lib_op(const struct trial *t)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	mfa_import_t *imp = NULL;
	unsigned id;
	size_t n;
	int r;

	if ((ctx = mfa_ctx_new()) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = mfa_ctx_set_store(ctx, store)) != MFA_OK ||
	    (r = mfa_user_open(ctx, hp_user(t->user), MFA_OPEN_WRITE,
	    &u)) != MFA_OK)
		goto out;
	switch (t->op) {
	case OP_UNLOCK:
		r = mfa_user_unlock(u);
		break;
	case OP_IMPORT:
		if ((imp = mfa_import_new()) == NULL) {
			r = MFA_ERR_NOMEM;
			break;
		}
		if ((r = mfa_import_parse(imp, MFA_IMPORT_PAM_OATH, t->record,
		    strlen(t->record))) == MFA_OK)
			r = mfa_user_import(u, imp, 0, "imported", 0, &id);
		break;
	default:
		while ((n = mfa_user_cred_count(u)) > 1)
			if ((r = mfa_user_remove(u, mfa_cred_id(
			    mfa_user_cred(u, 1)))) != MFA_OK)
				goto out;
		break;
	}
out:
	mfa_import_free(&imp);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return r;
}

static void
child(const struct trial *t, long killat, int done)
{
	struct hp_totp k;
	int ok;

	if (killat > 0)
		arm(store, killat);
	switch (t->op) {
	case OP_LOGIN:
		ok = pam_login(t->user, t->code) == PAM_SUCCESS;
		break;
	case OP_WRONG:
		ok = pam_login(t->user, t->code) == PAM_AUTH_ERR;
		break;
	case OP_RECOVERY:
		ok = pam_login(t->user, t->rcode) == PAM_SUCCESS;
		break;
	case OP_FIDO2:
		ok = pam_login(t->user, HP_PIN) == PAM_SUCCESS;
		break;
	case OP_ENROL:
	case OP_CREATE:
		ok = hp_enrol(store, hp_user(t->user), &k, 0) == MFA_OK;
		break;
	default:
		ok = lib_op(t) == MFA_OK;
		break;
	}
	/* Tells the parent the update is over (the exit takes a while). */
	(void)!write(done, "d", 1);
	/* _exit: no atexit/destructor of the parent's in the child. */
	_exit(ok ? 0 : 1);
}

static long
usec_since(const struct timespec *t0)
{
	struct timespec t1;

	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000000L +
	    (t1.tv_nsec - t0->tv_nsec) / 1000);
}

/*
 * Runs t in a child; kills it after delay us (< 0: never) or at its
 * kill point killat (0: none).  Returns its exit status (0: the update
 * succeeded), *killed whether it was killed, *took (may be NULL) the
 * us from the fork to the end of the update, the span in which a delay
 * can hit it.
 */
static int
run_op(const struct trial *t, long delay, long killat, int *killed,
    long *took)
{
	struct timespec ts, t0;
	pid_t pid;
	int st, done[2];
	char c;

	if (pipe2(done, O_CLOEXEC) != 0)
		hp_die("pipe: %s", strerror(errno));
	if ((pid = fork()) < 0)
		hp_die("fork: %s", strerror(errno));
	if (pid == 0) {
		(void)close(done[0]);
		child(t, killat, done[1]);
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	(void)close(done[1]);
	if (took != NULL) {
		while (read(done[0], &c, 1) < 0 && errno == EINTR)
			;
		*took = usec_since(&t0);
	}
	*killed = 0;
	if (delay >= 0) {
		ts.tv_sec = delay / 1000000;
		ts.tv_nsec = (delay % 1000000) * 1000;
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		(void)kill(pid, SIGKILL);
	}
	if (hp_waitpid(pid, &st) != pid)
		hp_die("waitpid: %s", strerror(errno));
	(void)close(done[0]);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
		*killed = 1;
		return 0;
	}
	if (!WIFEXITED(st))
		hp_die("child died with signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

/* ---- trials, in the parent --------------------------------------- */

static void
remove_extras(int user)
{
	struct trial t;
	int r;

	memset(&t, 0, sizeof(t));
	t.op = OP_REMOVE;
	t.user = user;
	if ((r = lib_op(&t)) != MFA_OK)
		hp_die("removing credentials of %s: %s", hp_user(user),
		    mfa_strerror(r));
}

static void
unlink_store_files(int user)
{
	static const char *const suffix[] = { "", ".state", TMP_SUFFIX };
	char name[128], *p;
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		(void)snprintf(name, sizeof(name), "%s%s", hp_user(user),
		    suffix[i]);
		p = hp_path(store, name);
		if (unlink(p) != 0 && errno != ENOENT)
			hp_die("unlink %s: %s", p, strerror(errno));
		free(p);
	}
}

/* A fresh TOTP secret and the pam_oath record that holds it. */
static void
import_record(struct trial *t)
{
	char hex[2 * 20 + 1];
	size_t i;

	memset(&t->imp, 0, sizeof(t->imp));
	t->imp.keylen = 20;
	for (i = 0; i < t->imp.keylen; i++) {
		t->imp.key[i] = (unsigned char)(random() >> 7);
		(void)snprintf(hex + 2 * i, 3, "%02x", t->imp.key[i]);
	}
	hp_secret(hex);
	(void)snprintf(t->record, sizeof(t->record), "HOTP/T%d %s - %s",
	    HP_PERIOD, hp_user(t->user), hex);
}

/*
 * Sets the clock to t->now and what the update needs: its code,
 * recovery codes, an import record, credentials to remove, no store.
 */
static void
prepare(struct trial *t)
{
	struct hp_totp extra;
	struct view v;
	uint64_t step = (uint64_t)t->now / HP_PERIOD;

	hp_clock_set(t->now);
	memset(t->code, 0, sizeof(t->code));
	t->rcode = NULL;
	t->record[0] = '\0';
	if (t->op == OP_CREATE) {
		unlink_store_files(t->user);
		return;
	}
	view_get(t->user, &v);
	if (v.r != MFA_OK)
		hp_die("%s: store unreadable before", hp_user(t->user));
	switch (t->op) {
	case OP_LOGIN:
		hp_code(&keys[t->user], step, t->code);
		break;
	case OP_WRONG:
		hp_wrong_code(&keys[t->user], step, t->code);
		break;
	case OP_ENROL:
	case OP_IMPORT:
		if (v.n > MFA_CREDS_MAX / 2)
			remove_extras(t->user);
		if (t->op == OP_IMPORT)
			import_record(t);
		break;
	case OP_REMOVE:
		/* Something to remove: at least two more credentials. */
		while (v.n < 3) {
			hp_enrol(store, hp_user(t->user), &extra, 1);
			v.n++;
		}
		break;
	case OP_RECOVERY:
		if (v.left == 0 || rnext[t->user] == NCODES) {
			mfa_recovery_codes_free(&rcodes[t->user], NCODES);
			hp_recovery_new(store, hp_user(t->user), NCODES,
			    &rcodes[t->user]);
			rnext[t->user] = 0;
		}
		t->rcode = rcodes[t->user][rnext[t->user]++];
		break;
	default:
		break;
	}
}

/* Logs user in with a fresh code (TOTP key k) at t->now + 2 steps. */
static void
next_login(const struct trial *t, int user, const struct hp_totp *k,
    const char *what, int killed)
{
	char code[7] = "";
	int r;

	hp_clock_set(t->now + 2 * HP_PERIOD);
	if (k != NULL)
		hp_code(k, (uint64_t)(t->now / HP_PERIOD + 2), code);
	if ((r = pam_login(user, k != NULL ? code : HP_PIN)) != PAM_SUCCESS)
		fail("%s %s (killed %d): %s of %s: %s", op_name[t->op],
		    hp_user(t->user), killed, what, hp_user(user),
		    pam_strerror(NULL, r));
	hp_clock_set(t->now);
}

/*
 * The recovery code again: accepted exactly when it is still unused,
 * never after a login reported it accepted.
 */
static void
recovery_again(const struct trial *t, const struct view *b,
    const struct view *a, int killed, int reported)
{
	int r, unused = a->left == b->left;

	hp_log_reset();
	r = pam_login(t->user, t->rcode);
	hp_log_drain();
	if (reported && r == PAM_SUCCESS)
		fail("recovery %s: a login reported the code accepted, and "
		    "it was accepted again", hp_user(t->user));
	else if (unused && r != PAM_SUCCESS)
		fail("recovery %s (killed %d): the code is unused, but "
		    "refused: %s", hp_user(t->user), killed,
		    pam_strerror(NULL, r));
	else if (!unused && r != PAM_AUTH_ERR)
		fail("recovery %s (killed %d): the code was accepted twice "
		    "(%s)", hp_user(t->user), killed, pam_strerror(NULL, r));
	else if (!unused && !hp_log_has("reason=used_recovery_code"))
		fail("recovery %s (killed %d): refused, but not as used:\n%s",
		    hp_user(t->user), killed, hp_log());
}

/*
 * The key rewound so that its next assertion carries the counter of
 * its last one: accepted exactly when no login has accepted it yet
 * (the stored counter is below it); the counter stored then.
 */
static void
fido2_again(const struct trial *t, const struct view *a, int killed,
    int reported)
{
	struct view v;
	int r, fresh = a->c[0].counter < t->key_after;

	if (t->key_after < key_step)
		return;		/* no counter to rewind to (not after setup) */
	hp_vfido_set_counter(vkey, t->key_after - key_step);
	hp_log_reset();
	r = pam_login(t->user, HP_PIN);
	hp_log_drain();
	if (hp_vfido_counter(vkey) != t->key_after)
		hp_die("the key's counter moved by other than %llu",
		    (unsigned long long)key_step);
	if (fresh && r != PAM_SUCCESS)
		fail("FIDO2 %s (killed %d): counter %llu above the stored "
		    "%llu refused: %s", hp_user(t->user), killed,
		    (unsigned long long)t->key_after,
		    (unsigned long long)a->c[0].counter,
		    pam_strerror(NULL, r));
	else if (!fresh && r != PAM_AUTH_ERR)
		fail("FIDO2 %s (killed %d): an assertion with counter %llu "
		    "was accepted twice (%s)", hp_user(t->user), killed,
		    (unsigned long long)t->key_after, pam_strerror(NULL, r));
	else if (!fresh && !hp_log_has("reason=cloned_key"))
		fail("FIDO2 %s (killed %d): refused, but not as a clone:\n%s",
		    hp_user(t->user), killed, hp_log());
	else if (fresh && reported)
		fail("FIDO2 %s: a login reported a success but its counter "
		    "%llu was not stored (%llu): accepted twice",
		    hp_user(t->user), (unsigned long long)t->key_after,
		    (unsigned long long)a->c[0].counter);
	view_get(t->user, &v);
	if (v.r != MFA_OK || v.c[0].counter != t->key_after)
		fail("FIDO2 %s (killed %d): counter %llu stored after an "
		    "assertion with %llu", hp_user(t->user), killed,
		    (unsigned long long)v.c[0].counter,
		    (unsigned long long)t->key_after);
}

static int
count_tmp(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;
	size_t len;

	if ((d = opendir(store)) == NULL)
		hp_die("opendir %s", store);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > strlen(TMP_SUFFIX) && strcmp(de->d_name + len -
		    strlen(TMP_SUFFIX), TMP_SUFFIX) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * One trial: t prepared, killed after delay us or at kill point killat
 * (see run_op()), checked.  Returns whether it was killed.
 */
static int
trial(struct trial *t, long delay, long killat)
{
	struct view before, after;
	char how[64];
	uint64_t key_before = 0;
	int killed, status, cls, r, other;

	if (killat > 0)
		(void)snprintf(how, sizeof(how), "at kill point %ld", killat);
	else
		(void)snprintf(how, sizeof(how), "after %ld us", delay);
	prepare(t);
	view_get(t->user, &before);
	if (t->op == OP_FIDO2)
		key_before = hp_vfido_counter(vkey);
	hp_log_reset();
	alarm(60);
	status = run_op(t, delay, killat, &killed, NULL);
	if (t->op == OP_FIDO2)
		t->key_after = hp_vfido_counter(vkey);
	view_get(t->user, &after);
	hp_log_drain();

	cls = view_class(t, &before, &after);
	if (after.r != MFA_OK && !(t->op == OP_CREATE &&
	    after.r == MFA_ERR_NOTENROLLED))
		fail("%s %s (killed %d %s): store does not open: %s",
		    op_name[t->op], hp_user(t->user), killed, how,
		    mfa_strerror(after.r));
	else if (cls == V_NONE)
		fail("%s %s (killed %d %s): neither the old nor a new "
		    "state (failures %u -> %u, %zu -> %zu credentials, %u -> "
		    "%u recovery codes)", op_name[t->op], hp_user(t->user),
		    killed, how, before.failures, after.failures,
		    before.n, after.n, before.left, after.left);
	else if (!killed && status != 0)
		fail("%s %s: failed without a kill; log:\n%s",
		    op_name[t->op], hp_user(t->user), hp_log());
	else if (!killed && cls != V_NEW)
		fail("%s %s: finished, but left %s state", op_name[t->op],
		    hp_user(t->user), cls == V_OLD ? "the old" :
		    "an unfinished");
	if (t->op == OP_FIDO2 && after.r == MFA_OK &&
	    (after.c[0].counter < before.c[0].counter ||
	    after.c[0].counter > t->key_after ||
	    key_before > t->key_after))
		fail("FIDO2 %s (killed %d): counter %llu -> %llu, the key's "
		    "%llu -> %llu", hp_user(t->user), killed,
		    (unsigned long long)before.c[0].counter,
		    (unsigned long long)after.c[0].counter,
		    (unsigned long long)key_before,
		    (unsigned long long)t->key_after);
	if (count_tmp() > NALL)
		fail("%s: %d temporary files", op_name[t->op], count_tmp());

	/* What was used is used once; nothing left blocks the user. */
	other = t->user < NTOTP ? (t->user + 1) % NTOTP : 0;
	switch (t->op) {
	case OP_RECOVERY:
		if (after.r == MFA_OK)
			recovery_again(t, &before, &after, killed,
			    !killed && status == 0);
		break;
	case OP_FIDO2:
		if (after.r == MFA_OK)
			fido2_again(t, &after, killed, !killed &&
			    status == 0);
		break;
	case OP_CREATE:
		if ((r = hp_enrol(store, hp_user(t->user), &keys[t->user],
		    0)) != MFA_OK)
			fail("creation %s (killed %d %s): enrolling "
			    "again: %s", hp_user(t->user), killed, how,
			    mfa_strerror(r));
		break;
	default:
		break;
	}
	if (t->op == OP_FIDO2)
		next_login(t, t->user, NULL, "next login", killed);
	else if (t->op == OP_IMPORT && after.n > before.n)
		next_login(t, t->user, &t->imp, "login with the imported "
		    "secret", killed);
	else
		next_login(t, t->user, &keys[t->user], "next login", killed);
	next_login(t, other, &keys[other], "login of another user", killed);
	alarm(0);
	hp_log_drain();
	return killed;
}

/* The user an op works on in trial round k. */
static int
op_user(int op, int k)
{
	switch (op) {
	case OP_FIDO2:
		return FIDO_USER0 + k % NFIDO;
	case OP_CREATE:
		return NEW_USER;
	default:
		return k % NTOTP;
	}
}

static int
long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static void
setup(int64_t now)
{
	char extra[512];
	uint64_t c0;
	int i;

	(void)snprintf(extra, sizeof(extra), "lockout_attempts = 1000\n%s",
	    HP_FIDO2_CONFIG);
	/* No lockout in the way: failures are counted, never lock. */
	hp_write_config(store, extra);
	hp_clock_set(now);
	for (i = 0; i < NTOTP; i++)
		hp_enrol(store, hp_user(i), &keys[i], 1);
#ifdef VFIDO_PRELOAD_SO
	vkey = hp_vfido_new();
	for (i = FIDO_USER0; i < FIDO_USER0 + NFIDO; i++)
		hp_fido2_enrol(store, hp_user(i));
	/* How far a login moves the key's counter (probe, assertion). */
	c0 = hp_vfido_counter(vkey);
	hp_log_reset();
	if (pam_login(FIDO_USER0, HP_PIN) != PAM_SUCCESS)
		hp_die("FIDO2 login failed; log:\n%s", hp_log());
	if ((key_step = hp_vfido_counter(vkey) - c0) == 0)
		hp_die("FIDO2 login: the key's counter did not move");
#else
	(void)c0;
	printf("# no virtual security key (built without libcbor): no "
	    "FIDO2 logins\n");
#endif
}

int
main(int argc, char **argv)
{
	struct trial t;
	long window[NOPS], runs[CALIBRATE], n, points[NOPS];
	int64_t base;
	int trials = 1000, k, i, op, nops = 0, ops[NOPS], nkilled = 0;
	int per_op_killed[NOPS] = { 0 }, per_op_trials[NOPS] = { 0 };
	int r, killed, leaks, round;
	char preload[2 * 4096], *end;

	(void)snprintf(preload, sizeof(preload), "%s%s%s", HZ_KILLPOINT_SO,
#ifdef VFIDO_PRELOAD_SO
	    ":", VFIDO_PRELOAD_SO
#else
	    "", ""
#endif
	    );
	hp_start(argc, argv, HP_PAM_BIND, preload);
	/* Each line out before a fork, and before hp_die()'s _exit(). */
	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	if ((arm = (arm_fn *)(uintptr_t)dlsym(RTLD_DEFAULT,
	    "hz_killpoint_arm")) == NULL)
		hp_die("killpoint not preloaded");
	if (argc > 1) {
		errno = 0;
		trials = (int)strtol(argv[1], &end, 10);
		if (errno != 0 || *end != '\0' || trials < 1)
			hp_die("bad trial count");
	}
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	store = hp_mkstore();
	base = ((int64_t)time(NULL) / HP_PERIOD) * HP_PERIOD;
	setup(base);
	for (op = 0; op < NOPS; op++)
		if (op != OP_FIDO2 || vkey != NULL)
			ops[nops++] = op;

	/* Every kill point of every update. */
	for (i = 0; i < nops; i++) {
		op = ops[i];
		for (n = 1; n <= SWEEP_MAX; n++) {
			memset(&t, 0, sizeof(t));
			t.op = op;
			t.user = op_user(op, 1);
			t.now = base += TRIAL_SECONDS;
			if (!trial(&t, -1, n))
				break;
		}
		points[op] = n - 1;
		if (n > SWEEP_MAX)
			fail("%s: more than %d kill points", op_name[op],
			    SWEEP_MAX);
		if (n == 1)
			fail("%s: no kill point", op_name[op]);
		if (failed > 20)
			break;
	}
	printf("# kill points (each killed in turn):");
	for (i = 0; i < nops; i++)
		printf("%s %s %ld", i ? "," : "", op_name[ops[i]],
		    points[ops[i]]);
	printf("\n");

	/* Calibrate: how long each update takes, unkilled (median). */
	for (i = 0; i < nops; i++) {
		op = ops[i];
		for (k = 0; k < CALIBRATE; k++) {
			memset(&t, 0, sizeof(t));
			t.op = op;
			t.user = op_user(op, 0);
			t.now = base += TRIAL_SECONDS;
			prepare(&t);
			hp_log_reset();
			if ((r = run_op(&t, -1, 0, &killed, &runs[k])) != 0)
				hp_die("calibration: %s failed (%d); log:\n%s",
				    op_name[op], r, hp_log());
			hp_log_drain();
			if (op == OP_IMPORT)
				remove_extras(t.user);
		}
		qsort(runs, CALIBRATE, sizeof(runs[0]), long_cmp);
		window[op] = runs[CALIBRATE / 2] + 1;
		printf("# %-10s takes %ld us (median); kills at 0..%ld us\n",
		    op_name[op], runs[CALIBRATE / 2], window[op]);
	}

	for (k = 0, round = 0; k < trials && failed <= 20; round++)
		for (i = 0; i < nops && k < trials; i++) {
			op = ops[i];
			if (round % every[op] != 0)
				continue;
			memset(&t, 0, sizeof(t));
			t.op = op;
			t.user = op_user(op, round);
			t.now = base += TRIAL_SECONDS;
			killed = trial(&t, random() % (window[op] + 1), 0);
			nkilled += killed;
			per_op_killed[op] += killed;
			per_op_trials[op]++;
			k++;
		}
	hp_clock_real();
	printf("# %d trials of kill -9 at random moments: %d killed the "
	    "update before it finished (", k, nkilled);
	for (i = 0; i < nops; i++)
		printf("%s%s %d of %d", i ? ", " : "", op_name[ops[i]],
		    per_op_killed[ops[i]], per_op_trials[ops[i]]);
	printf("), %d failed; %d temporary files left\n", failed,
	    count_tmp());
	for (i = 0; i < NTOTP; i++)
		mfa_recovery_codes_free(&rcodes[i], NCODES);
	free(vkey);
	hp_rmtree(store);
	free(store);
	leaks = hp_finish();
	if (k < trials || nkilled < trials / 10) {
		printf("FAIL: too few trials killed an update\n");
		failed++;
	}
	return failed != 0 || leaks != 0 ? 1 : 0;
}
