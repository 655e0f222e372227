/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A full disk, through PAM and mfactl: the store lives on a small tmpfs
 * of the test's own (mounted inside tests/pam/ns-run.sh's namespace),
 * filled to the last block after enrolment.  Logins keep succeeding
 * (state updates are in place), replays and wrong codes keep failing
 * (and are still counted), `mfactl totp add` fails with one clear line,
 * and no store file is truncated or changed but the state files, which
 * keep their size.
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "mfa.h"
#include "hpam.h"

#define NUSERS	3

static int nchecks, nfailed;

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (!ok)
		nfailed++;
	printf("%s %d - ", ok ? "ok" : "not ok", nchecks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int
login(int user, const char *code, char *reason, size_t len)
{
	struct hp_conv cv;
	int rc;

	hp_conv_set(&cv, hp_password(user), code);
	rc = hp_auth(HP_SERVICE, hp_user(user), &cv);
	(void)hp_audit_reason(HP_SERVICE, reason, len);
	return rc;
}

/* Fills the file system of dir to its last byte; returns bytes free. */
static unsigned long long
fill(const char *dir)
{
	struct statvfs sv;
	char *path, buf[65536];
	size_t chunk;
	ssize_t n;
	int fd;

	path = hp_path(dir, "filler");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		hp_die("%s: %s", path, strerror(errno));
	memset(buf, 'f', sizeof(buf));
	for (chunk = sizeof(buf); chunk > 0; chunk /= 2)
		while ((n = write(fd, buf, chunk)) > 0)
			;
	(void)close(fd);
	/* More names, until no inode or directory block is left either. */
	for (n = 0; n < 100000; n++) {
		free(path);
		if (asprintf(&path, "%s/f%zd", dir, n) < 0)
			hp_die("asprintf");
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) < 0)
			break;
		if (write(fd, "x", 1) != 1) {
			(void)close(fd);
			break;
		}
		(void)close(fd);
	}
	free(path);
	if (statvfs(dir, &sv) != 0)
		hp_die("statvfs: %s", strerror(errno));
	return (unsigned long long)sv.f_bavail * sv.f_frsize;
}

/* Runs mfactl; stderr into err[len]; returns its exit status. */
static int
mfactl(const char *store, const char *user, char *err, size_t len)
{
	const char *top;
	char prog[PATH_MAX];
	int pfd[2], st, devnull;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if ((top = getenv("MFA_TOP_BUILDDIR")) == NULL)
		hp_die("MFA_TOP_BUILDDIR not set");
	(void)snprintf(prog, sizeof(prog), "%s/tools/mfactl", top);
	if (pipe(pfd) != 0)
		hp_die("pipe");
	if ((pid = fork()) == 0) {
		devnull = open("/dev/null", O_RDWR);
		(void)dup2(devnull, 0);
		(void)dup2(devnull, 1);
		(void)dup2(pfd[1], 2);
		/* mfactl may be a libtool wrapper: no sanitizer in sh. */
		(void)unsetenv("LD_PRELOAD");
		execl(prog, prog, "--store", store, "--config", hp_conf,
		    "totp", "add", user, (char *)NULL);
		_exit(127);
	}
	(void)close(pfd[1]);
	while (got + 1 < len && (n = read(pfd[0], err + got,
	    len - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	(void)close(pfd[0]);
	if (hp_waitpid(pid, &st) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int
main(int argc, char **argv)
{
	struct hp_totp keys[NUSERS];
	struct hp_snap *before, *after;
	const char *skip[NUSERS + 1];
	char *mnt, *store, code[7], reason[64], err[1024], why[256];
	char names[NUSERS][80];
	unsigned long long left;
	unsigned failures;
	int64_t base, until;
	size_t ncreds;
	int i, rc, step, lines;

	hp_start(argc, argv, HP_PAM_BIND, NULL);
	mnt = hp_path(hp_work, "tmp/full");
	if (mkdir(mnt, 0700) != 0 ||
	    mount("mfa-diskfull", mnt, "tmpfs", 0, "size=256k,mode=0700") !=
	    0)
		hp_die("mount tmpfs on %s: %s", mnt, strerror(errno));
	store = hp_path(mnt, "store");
	if (mkdir(store, 0700) != 0)
		hp_die("mkdir %s", store);
	hp_write_config(store, NULL);
	base = ((int64_t)hp_now() / HP_PERIOD) * HP_PERIOD;
	hp_clock_set(base);
	for (i = 0; i < NUSERS; i++) {
		hp_enrol(store, hp_user(i), &keys[i], 1);
		(void)snprintf(names[i], sizeof(names[i]), "%s.state",
		    hp_user(i));
		skip[i] = names[i];
	}
	skip[NUSERS] = NULL;
	before = hp_snap_take(store);
	left = fill(mnt);
	check(left == 0, "the store's file system is full (%llu bytes "
	    "free)", left);

	/* Logins keep working; every step a fresh code. */
	for (step = 1; step <= 5; step++) {
		hp_clock_set(base + step * HP_PERIOD);
		for (i = 0; i < NUSERS; i++) {
			hp_code(&keys[i], (uint64_t)(base / HP_PERIOD + step),
			    code);
			rc = login(i, code, reason, sizeof(reason));
			check(rc == PAM_SUCCESS, "login of %s at step +%d "
			    "on a full disk (%s)", hp_user(i), step, reason);
			rc = login(i, code, reason, sizeof(reason));
			check(rc == PAM_AUTH_ERR &&
			    strcmp(reason, "replay") == 0, "its replay "
			    "fails: %s", reason);
		}
	}
	hp_wrong_code(&keys[0], (uint64_t)(base / HP_PERIOD + 5), code);
	rc = login(0, code, reason, sizeof(reason));
	check(rc == PAM_AUTH_ERR && strcmp(reason, "bad_code") == 0,
	    "a wrong code fails: %s", reason);
	failures = 0;
	rc = hp_user_state(store, hp_user(0), &failures, &until, &ncreds);
	check(rc == MFA_OK && failures == 2, "and is counted (failures %u: "
	    "the replay and the wrong code)", failures);

	/* Enrolment needs new blocks: it fails, in one line. */
	rc = mfactl(store, hp_user(2), err, sizeof(err));
	for (lines = 0, i = 0; err[i] != '\0'; i++)
		lines += err[i] == '\n';
	check(rc == 1 && lines == 1 && strncmp(err, "mfactl: totp add ",
	    17) == 0 && strstr(err, "no space") != NULL,
	    "mfactl totp add fails clearly: exit %d, \"%.*s\"", rc,
	    (int)strcspn(err, "\n"), err);

	/* Nothing truncated: only the state files changed, same size. */
	after = hp_snap_take(store);
	check(hp_snap_diff(before, after, skip, why, sizeof(why)) == 0,
	    "store unchanged but the state (%s)",
	    hp_snap_diff(before, after, skip, why, sizeof(why)) == 0 ?
	    "same" : why);
	for (i = 0; i < NUSERS; i++)
		check(hp_user_state(store, hp_user(i), &failures, &until,
		    &ncreds) == MFA_OK && ncreds == 1, "%s's store opens, "
		    "1 credential", hp_user(i));
	hp_snap_free(&before);
	hp_snap_free(&after);

	hp_clock_real();
	if (umount2(mnt, MNT_DETACH) != 0 || rmdir(mnt) != 0)
		hp_die("umount %s: %s", mnt, strerror(errno));
	free(store);
	free(mnt);
	printf("# disk full: %d checks, %d failed\n", nchecks, nfailed);
	return hp_finish() != 0 || nfailed != 0 ? 1 : 0;
}
