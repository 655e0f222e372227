/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kill -9 at random moments during store updates.  Each trial forks a
 * child that does one update of one user's store, sleeps a random
 * number of microseconds and SIGKILLs it (or finds it finished):
 *   0  TOTP login through PAM (state: last step, last used, failures)
 *   1  wrong code through PAM (lockout counting)
 *   2  enrolment with the library (store rewrite, state, rewrite)
 *   3  removal of the extra credentials (one store rewrite each)
 *   4  unlock with the library (state update)
 * Afterwards the store must parse (the library opens it) and hold the
 * old state or a new one the update could have produced; the next
 * login of that user and of another one must succeed (the clock, faked
 * with tests/harden/faketime.c, moves on so every login has a fresh
 * code); leftover temporary files must stay bounded.  Prints the
 * number of trials and how many of them killed an update.
 *
 * Usage: test_crash [TRIALS]   (default 1000; through crash.sh)
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
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

#define NUSERS		4
#define NOPS		5
#define CALIBRATE	7
#define TRIAL_SECONDS	150	/* five steps per trial */
#define TMP_SUFFIX	"~tmp"

struct view {
	int		r;		/* mfa_user_open() */
	unsigned	failures;
	int64_t		until;
	size_t		n;
	struct {
		unsigned	id;
		int		status;
		int64_t		last_used;
	}		c[MFA_CREDS_MAX];
};

static const char *const op_name[NOPS] = {
	"TOTP login", "wrong code", "enrolment", "removal", "unlock",
};

static char *store;
static struct hp_totp keys[NUSERS];
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
		v->n = mfa_user_cred_count(u);
		for (i = 0; i < v->n && i < MFA_CREDS_MAX; i++) {
			c = mfa_user_cred(u, i);
			v->c[i].id = mfa_cred_id(c);
			v->c[i].status = mfa_cred_status(c);
			v->c[i].last_used = mfa_cred_last_used(c);
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
	    a->until != b->until || a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->c[i].id != b->c[i].id ||
		    a->c[i].status != b->c[i].status ||
		    a->c[i].last_used != b->c[i].last_used)
			return 0;
	return 1;
}

/* Is after a state that op, started on before at time now, leaves? */
static int
view_allowed(int op, const struct view *b, const struct view *a,
    int64_t now)
{
	struct view w = *b;
	size_t i, j;

	if (a->r != MFA_OK)
		return 0;
	if (view_eq(a, b))
		return 1;		/* the old state */
	switch (op) {
	case 0:
		w.failures = 0;
		w.until = 0;
		w.c[0].last_used = now;
		return view_eq(a, &w);
	case 1:
		w.failures++;
		return view_eq(a, &w);
	case 2:
		/* One new credential, pending (added) or active. */
		if (a->n != b->n + 1 || a->c[b->n].id <= b->c[b->n - 1].id ||
		    a->c[b->n].last_used != 0)
			return 0;
		w.n++;
		w.c[b->n] = a->c[b->n];
		return view_eq(a, &w);
	case 3:
		/* The extra credentials removed in order, some or all. */
		for (j = 1; j < b->n; j++) {
			w.n = 1;
			for (i = j + 1; i < b->n; i++)
				w.c[w.n++] = b->c[i];
			if (view_eq(a, &w))
				return 1;
		}
		return 0;
	case 4:
		w.failures = 0;
		w.until = 0;
		return view_eq(a, &w);
	}
	return 0;
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

static int
lib_op(int op, int user)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	struct hp_totp t;
	size_t n;
	int r;

	if (op == 2)
		return hp_enrol(store, hp_user(user), &t, 0);
	if ((ctx = mfa_ctx_new()) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = mfa_ctx_set_store(ctx, store)) != MFA_OK ||
	    (r = mfa_user_open(ctx, hp_user(user), MFA_OPEN_WRITE,
	    &u)) != MFA_OK)
		goto out;
	if (op == 4) {
		r = mfa_user_unlock(u);
		goto out;
	}
	/* op 3: remove every credential but the first, oldest first. */
	while ((n = mfa_user_cred_count(u)) > 1)
		if ((r = mfa_user_remove(u, mfa_cred_id(mfa_user_cred(u,
		    1)))) != MFA_OK)
			goto out;
out:
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return r;
}

static void
child(int op, int user, const char *code)
{
	int r;

	switch (op) {
	case 0:
	case 1:
		r = pam_login(user, code);
		_exit(op == 0 ? r != PAM_SUCCESS : r != PAM_AUTH_ERR);
	default:
		r = lib_op(op, user);
		_exit(r != MFA_OK);
	}
}

/* Runs op in a child; kills it after delay us (< 0: never). */
static int
run_op(int op, int user, const char *code, long delay, int *killed)
{
	struct timespec ts;
	pid_t pid;
	int st;

	if ((pid = fork()) < 0)
		hp_die("fork: %s", strerror(errno));
	if (pid == 0)
		child(op, user, code);
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
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
		*killed = 1;
		return 0;
	}
	if (!WIFEXITED(st))
		hp_die("child died with signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

static long
usec_since(const struct timespec *t0)
{
	struct timespec t1;

	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000000L +
	    (t1.tv_nsec - t0->tv_nsec) / 1000);
}

static int
long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
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

int
main(int argc, char **argv)
{
	struct view before, after;
	struct timespec t0;
	long window[NOPS], delay;
	int64_t base, now;
	char code[7];
	int trials = 1000, k, i, op, user, other, killed, nkilled = 0;
	int per_op_killed[NOPS] = { 0 }, tmp, maxtmp = 0, r, leaks;
	char *end;

	hp_start(argc, argv, HP_PAM_BIND, NULL);
	if (argc > 1) {
		errno = 0;
		trials = (int)strtol(argv[1], &end, 10);
		if (errno != 0 || *end != '\0' || trials < 1)
			hp_die("bad trial count");
	}
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	store = hp_mkstore();
	/* No lockout in the way: failures are counted, never lock. */
	hp_write_config(store, "lockout_attempts = 1000\n");
	base = ((int64_t)time(NULL) / HP_PERIOD) * HP_PERIOD;
	hp_clock_set(base);
	for (i = 0; i < NUSERS; i++)
		hp_enrol(store, hp_user(i), &keys[i], 1);

	/* Calibrate: how long each update takes, unkilled (median). */
	for (op = 0; op < NOPS; op++) {
		long runs[CALIBRATE];

		for (i = 0; i < CALIBRATE; i++) {
			base += TRIAL_SECONDS;
			hp_clock_set(base);
			hp_code(&keys[0], (uint64_t)base / HP_PERIOD, code);
			if (op == 1)
				hp_wrong_code(&keys[0],
				    (uint64_t)base / HP_PERIOD, code);
			hp_log_reset();
			(void)clock_gettime(CLOCK_MONOTONIC, &t0);
			if ((r = run_op(op, 0, code, -1, &killed)) != 0)
				hp_die("calibration: %s failed (%d); log:\n%s",
				    op_name[op], r, hp_log());
			runs[i] = usec_since(&t0);
		}
		qsort(runs, CALIBRATE, sizeof(runs[0]), long_cmp);
		window[op] = runs[CALIBRATE / 2] + 1;
		printf("# %-10s takes %ld us (median); kills at 0..%ld us\n",
		    op_name[op], runs[CALIBRATE / 2], window[op]);
	}

	for (k = 0; k < trials; k++) {
		op = k % NOPS;
		user = (k / NOPS) % NUSERS;
		other = (user + 1) % NUSERS;
		base += TRIAL_SECONDS;
		now = base;
		hp_clock_set(now);
		if (op == 1)
			hp_wrong_code(&keys[user], (uint64_t)now / HP_PERIOD,
			    code);
		else
			hp_code(&keys[user], (uint64_t)now / HP_PERIOD, code);
		view_get(user, &before);
		if (before.r != MFA_OK)
			hp_die("trial %d: store unreadable before", k);
		delay = random() % (window[op] + 1);
		alarm(60);
		(void)run_op(op, user, code, delay, &killed);
		nkilled += killed;
		per_op_killed[op] += killed;

		view_get(user, &after);
		if (after.r != MFA_OK)
			fail("trial %d (%s %s, killed %d after %ld us): "
			    "store does not open: %s", k, op_name[op],
			    hp_user(user), killed, delay,
			    mfa_strerror(after.r));
		else if (!view_allowed(op, &before, &after, now))
			fail("trial %d (%s %s, killed %d after %ld us): "
			    "neither the old nor a new state (failures "
			    "%u -> %u, %zu -> %zu credentials)", k,
			    op_name[op], hp_user(user), killed, delay,
			    before.failures, after.failures, before.n,
			    after.n);
		if ((tmp = count_tmp()) > maxtmp)
			maxtmp = tmp;
		if (tmp > NUSERS)
			fail("trial %d: %d temporary files", k, tmp);

		/* Nothing left behind blocks the next logins. */
		hp_clock_set(now + 2 * HP_PERIOD);
		hp_code(&keys[user], (uint64_t)(now / HP_PERIOD + 2), code);
		if ((r = pam_login(user, code)) != PAM_SUCCESS)
			fail("trial %d (%s, killed %d): next login of %s: "
			    "%s", k, op_name[op], killed, hp_user(user),
			    pam_strerror(NULL, r));
		hp_code(&keys[other], (uint64_t)(now / HP_PERIOD + 2), code);
		if ((r = pam_login(other, code)) != PAM_SUCCESS)
			fail("trial %d (%s, killed %d): login of another "
			    "user %s: %s", k, op_name[op], killed,
			    hp_user(other), pam_strerror(NULL, r));
		alarm(0);
		hp_log_drain();
		if (failed > 20)
			break;
	}
	hp_clock_real();
	printf("# %d trials of kill -9: %d killed the update before it "
	    "finished (", k, nkilled);
	for (op = 0; op < NOPS; op++)
		printf("%s%s %d", op ? ", " : "", op_name[op],
		    per_op_killed[op]);
	printf("), %d failed; at most %d temporary files at a time, %d "
	    "left\n", failed, maxtmp, count_tmp());
	hp_rmtree(store);
	free(store);
	leaks = hp_finish();
	if (k < trials || nkilled < trials / 10) {
		printf("FAIL: too few trials killed an update\n");
		failed++;
	}
	return failed != 0 || leaks != 0 ? 1 : 0;
}
