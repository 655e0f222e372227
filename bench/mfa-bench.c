/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfa-bench: the benchmark driver (bench/README.md, make bench).  Runs
 * N authentications of one PAM service through the real Linux-PAM
 * (pam_start_confdir, so the service file comes from a private
 * directory and /etc/pam.d is never read), times pam_authenticate()
 * alone, and prints one line of key=value figures: latency
 * p50/p90/p99/max, successes, peak RSS, wall time and throughput.  It
 * also times each whole transaction, pam_start() to pam_end(), and
 * prints its p50 (txn_p50_us=; -r FILE gets these samples in
 * FILE.txn): a module that loads a library inside pam_authenticate()
 * rather than with the module at pam_start() pays for it in the first
 * figure only.
 *
 * Before pam_start the driver looks the user up with getpwnam_r, as
 * sshd does before it starts PAM, so that every module (pam_permit
 * too) runs in a process whose user database is already mapped.
 *
 * The conversation answers like a person: a PIN prompt gets -I, a
 * password prompt -P, any other hidden or echoed prompt the TOTP code of
 * the user's known secret (-x: POPULATION secrets of 20 bytes, user i at
 * offset 20 * i), computed with liboath for the time step at which the
 * user was picked.
 *
 * Fairness (-l LEDGER): a TOTP code may be accepted once, so each user
 * logs in at most once per time step.  The ledger is a small file
 * shared through mmap by all processes and runs of one store: the
 * current step and one byte per user.  Users are picked at random among
 * those used neither in the current step nor in the previous one (a
 * login picked at the end of a step may still be running when the next
 * begins); when none is left, the process sleeps until the next step
 * (time not counted in any latency; reported as waits=).
 *
 * -k K forks K processes that start together on a barrier and each run
 * N authentications; throughput is successes over the wall time from
 * the barrier to the last exit.  --same T: T tries in which K processes
 * authenticate the same user with the same code at once; prints how
 * many succeeded in each try.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <security/pam_appl.h>

#define SECRET_LEN	20
#define USER_MAX	64
#define CODE_MAX	8

struct opts {
	const char	*confdir;
	const char	*service;
	const char	*prefix;
	const char	*secrets;
	const char	*ledger;
	const char	*password;
	const char	*pin;
	const char	*raw;
	unsigned long	 pop;
	unsigned long	 n;
	unsigned long	 k;
	unsigned long	 period;
	unsigned long	 digits;
	unsigned long	 same;
	int		 nss;
};

struct ledger_hdr {
	int64_t		step;
	uint64_t	used;
};

/* Shared by the processes of one run (MAP_SHARED | MAP_ANONYMOUS). */
struct shared {
	uint64_t	ok;
	uint64_t	fail;
	uint64_t	waits;
	long		maxrss;		/* KiB */
	int		firsterr;
	uint64_t	lat[];		/* ns: k * n pam_authenticate, then
					   k * n whole transactions */
};

struct answers {
	const char	*password;
	const char	*pin;
	char		 code[CODE_MAX + 1];
	unsigned	 prompts;
};

static struct opts o;
static int secrets_fd = -1;		/* pop * SECRET_LEN bytes */
static struct ledger_hdr *ledger;
static unsigned char *ledger_used;
static int ledger_fd = -1;

static void
die(const char *what, const char *arg)
{
	fprintf(stderr, "mfa-bench: %s: %s\n", what, arg);
	exit(2);
}

static unsigned long
num(const char *s, unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end = NULL;

	if (s == NULL || *s < '0' || *s > '9')
		die("bad number", s == NULL ? "(none)" : s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		die("number out of range", s);
	return v;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int64_t
cur_step(void)
{
	return (int64_t)time(NULL) / (int64_t)o.period;
}

/*
 * Opens the secrets file.  Each login reads its user's 20 bytes with
 * pread(): mapped, the file (2 MB at 100,000 users) would fill the
 * driver's resident set as random users are picked and count against
 * the module in the peak-RSS figure.
 */
static void
open_secrets(void)
{
	struct stat st;

	if ((secrets_fd = open(o.secrets, O_RDONLY | O_CLOEXEC)) == -1)
		die("cannot open", o.secrets);
	if (fstat(secrets_fd, &st) == -1 ||
	    (uint64_t)st.st_size < (uint64_t)o.pop * SECRET_LEN)
		die(o.secrets, "shorter than the population");
}

static void
map_ledger(void)
{
	size_t len = sizeof(*ledger) + o.pop;
	struct stat st;
	void *p;

	ledger_fd = open(o.ledger, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (ledger_fd == -1)
		die("cannot open", o.ledger);
	if (fstat(ledger_fd, &st) == -1)
		die("cannot stat", o.ledger);
	if ((uint64_t)st.st_size != len && ftruncate(ledger_fd,
	    (off_t)len) == -1)
		die("cannot size", o.ledger);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, ledger_fd, 0);
	if (p == MAP_FAILED)
		die("cannot map", o.ledger);
	ledger = p;
	ledger_used = (unsigned char *)(ledger + 1);
}

/*
 * A forked process opens the ledger again: flock() locks belong to the
 * open file description, which fork() shares, so processes locking
 * the inherited descriptor would not exclude each other (two of them
 * could pick the same user, and pam_mfa rightly refuses the second
 * login as a replay).  The mapping is inherited and stays.
 */
static void
ledger_reopen(void)
{
	int fd;

	if (ledger == NULL)
		return;
	if ((fd = open(o.ledger, O_RDWR | O_CLOEXEC)) == -1)
		die("cannot open", o.ledger);
	(void)close(ledger_fd);
	ledger_fd = fd;
}

/*
 * Moves the ledger to step s.  A user picked at the very end of step
 * s - 1 may still be logging in with that step's code when step s
 * begins; were the user picked again at once, the code of step s could
 * be accepted first and the older one then be refused, rightly, as a
 * replay.  So a user used in the previous step stays out for this one
 * too (bit 1: this step, bit 2: the previous one).
 */
static void
ledger_advance(int64_t s)
{
	unsigned long u;
	uint64_t used = 0;

	for (u = 0; u < o.pop; u++) {
		ledger_used[u] = ledger->step == s - 1 ?
		    (unsigned char)((ledger_used[u] & 1) << 1) : 0;
		used += ledger_used[u] != 0;
	}
	ledger->step = s;
	ledger->used = used;
}

/*
 * Picks a user not yet used in the current step and marks it; *step
 * gets that step.  Without a ledger: any user at random.
 */
static unsigned long
pick_user(unsigned short xs[3], int64_t *step, uint64_t *waits)
{
	unsigned long u, i;
	int64_t s;

	if (ledger == NULL) {
		*step = cur_step();
		return (unsigned long)nrand48(xs) % o.pop;
	}
	for (;;) {
		if (flock(ledger_fd, LOCK_EX) == -1)
			die("flock", o.ledger);
		s = cur_step();
		if (ledger->step != s)
			ledger_advance(s);
		if (ledger->used < o.pop)
			break;
		flock(ledger_fd, LOCK_UN);
		/* Everyone has logged in this step: wait for the next. */
		(*waits)++;
		while (cur_step() == s)
			usleep(20000);
	}
	u = (unsigned long)nrand48(xs) % o.pop;
	for (i = 0; i < 8 && ledger_used[u]; i++)
		u = (unsigned long)nrand48(xs) % o.pop;
	while (ledger_used[u])
		u = (u + 1) % o.pop;
	ledger_used[u] = 1;
	ledger->used++;
	flock(ledger_fd, LOCK_UN);
	*step = s;
	return u;
}

static void
make_code(unsigned long u, int64_t step, char *code)
{
	int r;

	unsigned char secret[SECRET_LEN];

	code[0] = '\0';
	if (secrets_fd == -1)
		return;
	if (pread(secrets_fd, secret, sizeof(secret),
	    (off_t)u * SECRET_LEN) != (ssize_t)sizeof(secret))
		die("cannot read", o.secrets);
	r = oath_totp_generate((const char *)secret, SECRET_LEN,
	    (time_t)(step * (int64_t)o.period + 1), (unsigned)o.period, 0,
	    (unsigned)o.digits, code);
	explicit_bzero(secret, sizeof(secret));
	if (r != OATH_OK)
		die("oath_totp_generate", oath_strerror(r));
}

static int
conv(int nmsg, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct answers *a = arg;
	struct pam_response *r;
	const char *ans, *p;
	int i;

	if (nmsg <= 0 || (r = calloc((size_t)nmsg, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (i = 0; i < nmsg; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		a->prompts++;
		p = msg[i]->msg != NULL ? msg[i]->msg : "";
		if (strstr(p, "PIN") != NULL)
			ans = a->pin;
		else if (strstr(p, "assword") != NULL &&
		    strstr(p, "One-time") == NULL)
			ans = a->password;
		else
			ans = a->code;
		if ((r[i].resp = strdup(ans != NULL ? ans : "")) == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

/*
 * One login; returns the PAM result, *ns the pam_authenticate time and
 * *txn that of the whole transaction, pam_start to pam_end (what a
 * login program pays for the module: loading it, authenticating,
 * unloading it).
 */
static int
login(unsigned long u, int64_t step, uint64_t *ns, uint64_t *txn)
{
	struct answers a;
	struct pam_conv c = { conv, &a };
	pam_handle_t *pamh = NULL;
	struct passwd pw, *res = NULL;
	char user[USER_MAX + 1], pwbuf[1024];
	uint64_t t0, ts;
	int r;

	memset(&a, 0, sizeof(a));
	a.password = o.password;
	a.pin = o.pin;
	make_code(u, step, a.code);
	snprintf(user, sizeof(user), "%s%lu", o.prefix, u);
	/*
	 * Like sshd (getpwnamallow before PAM), the login program has
	 * looked the user up already: the user database is mapped and
	 * warm for every module alike, pam_permit included.
	 */
	if (getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &res) != 0 ||
	    res == NULL)
		return PAM_USER_UNKNOWN;
	ts = now_ns();
	if ((r = pam_start_confdir(o.service, user, &c, o.confdir, &pamh)) !=
	    PAM_SUCCESS)
		return r;
	t0 = now_ns();
	r = pam_authenticate(pamh, 0);
	*ns = now_ns() - t0;
	pam_end(pamh, r);
	*txn = now_ns() - ts;
	return r;
}

static void
child_loop(struct shared *sh, unsigned long idx, int barrier)
{
	unsigned short xs[3];
	struct rusage ru;
	unsigned long i, u;
	uint64_t ns, txn, waits = 0, ok = 0, fail = 0;
	int64_t step;
	char c;
	int r;

	xs[0] = (unsigned short)getpid();
	xs[1] = (unsigned short)idx;
	xs[2] = (unsigned short)now_ns();
	ledger_reopen();
	if (read(barrier, &c, 1) == -1)
		_exit(3);
	for (i = 0; i < o.n; i++) {
		u = pick_user(xs, &step, &waits);
		r = login(u, step, &ns, &txn);
		sh->lat[idx * o.n + i] = ns;
		sh->lat[o.k * o.n + idx * o.n + i] = txn;
		if (r == PAM_SUCCESS)
			ok++;
		else {
			fail++;
			if (__atomic_exchange_n(&sh->firsterr, r,
			    __ATOMIC_SEQ_CST) == 0)
				fprintf(stderr, "mfa-bench: %s: %s%lu: %s\n",
				    o.service, o.prefix, u, "login failed");
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	__atomic_add_fetch(&sh->ok, ok, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->fail, fail, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->waits, waits, __ATOMIC_SEQ_CST);
	/* Max over the children. */
	for (;;) {
		long cur = __atomic_load_n(&sh->maxrss, __ATOMIC_SEQ_CST);

		if (cur >= ru.ru_maxrss || __atomic_compare_exchange_n(
		    &sh->maxrss, &cur, ru.ru_maxrss, 0, __ATOMIC_SEQ_CST,
		    __ATOMIC_SEQ_CST))
			break;
	}
	_exit(0);
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n-1], in microseconds. */
static double
pct(const uint64_t *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)((p / 100.0) * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1000.0;
}

/* Forks k processes, releases them together, waits for all. */
static int
run_group(void (*fn)(struct shared *, unsigned long, int),
    struct shared *sh, unsigned long k, uint64_t *wall)
{
	unsigned long i;
	int p[2], status, bad = 0;
	uint64_t t0;
	pid_t pid;

	if (pipe(p) == -1)
		die("pipe", strerror(errno));
	fflush(NULL);
	for (i = 0; i < k; i++) {
		if ((pid = fork()) == -1)
			die("fork", strerror(errno));
		if (pid == 0) {
			close(p[1]);
			fn(sh, i, p[0]);
		}
	}
	close(p[0]);
	/* Let the children reach the barrier. */
	usleep(20000);
	t0 = now_ns();
	close(p[1]);		/* EOF: every read returns */
	for (i = 0; i < k; i++) {
		if (wait(&status) == -1)
			die("wait", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	}
	*wall = now_ns() - t0;
	return bad;
}

static unsigned long same_user;
static int64_t same_step;

static void
child_same(struct shared *sh, unsigned long idx, int barrier)
{
	uint64_t ns, txn;
	char c;
	int r;

	if (read(barrier, &c, 1) == -1)
		_exit(3);
	r = login(same_user, same_step, &ns, &txn);
	sh->lat[idx] = ns;
	__atomic_add_fetch(r == PAM_SUCCESS ? &sh->ok : &sh->fail, 1,
	    __ATOMIC_SEQ_CST);
	_exit(0);
}

static size_t
shared_size(unsigned long nlat)
{
	return sizeof(struct shared) + nlat * sizeof(uint64_t);
}

static struct shared *
shared_new(unsigned long nlat)
{
	void *p;

	p = mmap(NULL, shared_size(nlat), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", strerror(errno));
	return p;
}

static int
run_same(void)
{
	unsigned short xs[3] = { 1, 2, 3 };
	unsigned long t, exact = 0;
	struct shared *sh;
	uint64_t wall, waits = 0;
	int bad = 0;

	xs[0] = (unsigned short)getpid();
	xs[2] = (unsigned short)now_ns();
	printf("service=%s pop=%lu k=%lu tries=%lu same=", o.service, o.pop,
	    o.k, o.same);
	for (t = 0; t < o.same; t++) {
		sh = shared_new(o.k);
		same_user = pick_user(xs, &same_step, &waits);
		bad += run_group(child_same, sh, o.k, &wall);
		printf("%s%" PRIu64, t > 0 ? "," : "", sh->ok);
		if (sh->ok == 1)
			exact++;
		munmap(sh, shared_size(o.k));
	}
	printf(" exactly_one=%lu\n", exact);
	return bad != 0;
}

/* Times getpwnam_r of random users of the population (no PAM). */
static int
run_nss(void)
{
	unsigned short xs[3] = { 7, 8, 9 };
	struct passwd pw, *res;
	char buf[4096], user[USER_MAX + 1];
	uint64_t *lat, t0;
	unsigned long i, miss = 0;

	if ((lat = calloc(o.n, sizeof(*lat))) == NULL)
		die("calloc", "out of memory");
	for (i = 0; i < o.n; i++) {
		snprintf(user, sizeof(user), "%s%lu", o.prefix,
		    (unsigned long)nrand48(xs) % o.pop);
		t0 = now_ns();
		if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 ||
		    res == NULL)
			miss++;
		lat[i] = now_ns() - t0;
	}
	qsort(lat, o.n, sizeof(*lat), cmp64);
	printf("nss pop=%lu n=%lu miss=%lu p50_us=%.1f p99_us=%.1f\n", o.pop,
	    o.n, miss, pct(lat, o.n, 50), pct(lat, o.n, 99));
	free(lat);
	return miss != 0;
}

/* Appends the latencies (microseconds, one a line) to FILE. */
static void
write_raw(const char *file, const uint64_t *lat, unsigned long n)
{
	unsigned long i;
	FILE *fp;

	if ((fp = fopen(file, "a")) == NULL)
		die("cannot open", file);
	for (i = 0; i < n; i++)
		fprintf(fp, "%.1f\n", (double)lat[i] / 1000.0);
	if (fclose(fp) != 0)
		die("write error", file);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: mfa-bench -c CONFDIR -s SERVICE -p POPULATION [-n N] "
	    "[-k K]\n"
	    "         [-x SECRETS] [-l LEDGER] [-P PASSWORD] [-I PIN] "
	    "[-U PREFIX]\n"
	    "         [-T PERIOD] [-d DIGITS] [--same TRIES] [--nss]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "same", required_argument, NULL, 'S' },
		{ "nss", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct shared *sh;
	unsigned long total;
	uint64_t wall, *txn;
	char path[PATH_MAX];
	int ch, bad;

	o.prefix = "user";
	o.n = 100;
	o.k = 1;
	o.period = 30;
	o.digits = 6;
	while ((ch = getopt_long(argc, argv, "c:s:p:n:k:x:l:P:I:U:T:d:r:",
	    lopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o.confdir = optarg; break;
		case 's': o.service = optarg; break;
		case 'p': o.pop = num(optarg, 1, 100000000); break;
		case 'n': o.n = num(optarg, 1, 100000000); break;
		case 'k': o.k = num(optarg, 1, 256); break;
		case 'x': o.secrets = optarg; break;
		case 'l': o.ledger = optarg; break;
		case 'P': o.password = optarg; break;
		case 'I': o.pin = optarg; break;
		case 'U': o.prefix = optarg; break;
		case 'T': o.period = num(optarg, 1, 3600); break;
		case 'd': o.digits = num(optarg, 6, 8); break;
		case 'S': o.same = num(optarg, 1, 1000); break;
		case 'N': o.nss = 1; break;
		case 'r': o.raw = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || o.pop == 0)
		usage();
	if (o.nss)
		return run_nss();
	if (o.confdir == NULL || o.service == NULL)
		usage();
	if (oath_init() != OATH_OK)
		die("oath_init", "failed");
	if (o.secrets != NULL)
		open_secrets();
	if (o.ledger != NULL)
		map_ledger();
	if (o.same != 0)
		return run_same();

	total = o.k * o.n;
	sh = shared_new(2 * total);
	bad = run_group(child_loop, sh, o.k, &wall);
	txn = sh->lat + total;
	qsort(sh->lat, total, sizeof(uint64_t), cmp64);
	qsort(txn, total, sizeof(uint64_t), cmp64);
	if (o.raw != NULL) {
		write_raw(o.raw, sh->lat, total);
		if (snprintf(path, sizeof(path), "%s.txn", o.raw) >=
		    (int)sizeof(path))
			die("path too long", o.raw);
		write_raw(path, txn, total);
	}
	printf("service=%s pop=%lu k=%lu n=%lu ok=%" PRIu64 " fail=%" PRIu64
	    " p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f"
	    " txn_p50_us=%.1f"
	    " rss_kib=%ld wall_s=%.3f tput=%.1f waits=%" PRIu64 "\n",
	    o.service, o.pop, o.k, total, sh->ok, sh->fail,
	    pct(sh->lat, total, 50), pct(sh->lat, total, 90),
	    pct(sh->lat, total, 99), pct(sh->lat, total, 100),
	    pct(txn, total, 50), sh->maxrss,
	    (double)wall / 1e9, (double)sh->ok / ((double)wall / 1e9),
	    sh->waits);
	return bad != 0;
}
