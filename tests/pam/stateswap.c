/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only LD_PRELOAD shim for tests/pam/test_pam_admin_race.c: an
 * administrator deleting or replacing a user's NAME.state by hand in
 * the window between a login's open of it and its lock.  Once armed
 * with stateswap_arm(path, how, n) (found with dlsym), the next n
 * times a process asks for a lock (F_OFD_SETLKW, not F_UNLCK) on the
 * file that is at path at that moment, just before the lock is taken:
 *	STATESWAP_REPLACE: a copy of the file is renamed over path (the
 *	    descriptor now holds a file no longer at any name);
 *	STATESWAP_DELETE: path is unlinked.
 * stateswap_done() tells how many times that was done.  No sleeps, no
 * timing: the file changes exactly where a race would change it.  A
 * step that fails aborts the test program.  Nothing installed uses it;
 * never built with the sanitizers (it is preloaded into programs that
 * may not be).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The name the headers give the fcntl() that the library calls. */
#if defined(__USE_TIME_BITS64)
#define FCNTL_NAME	"__fcntl_time64"
#elif defined(__USE_FILE_OFFSET64)
#define FCNTL_NAME	"fcntl64"
#else
#define FCNTL_NAME	"fcntl"
#endif

#define STATESWAP_REPLACE	1
#define STATESWAP_DELETE	2
#define COPY_MAX		65536	/* a state file is 8 KiB */

void stateswap_arm(const char *, int, int);
int stateswap_done(void);

static char	target[PATH_MAX];
static int	how;
static int	left;		/* 0: disarmed */
static int	done;

void
stateswap_arm(const char *path, int h, int n)
{
	if (strlen(path) >= sizeof(target))
		abort();
	memcpy(target, path, strlen(path) + 1);
	how = h;
	left = n;
	done = 0;
}

int
stateswap_done(void)
{
	return done;
}

static void
die(const char *what)
{
	char line[PATH_MAX + 128];
	int n;

	n = snprintf(line, sizeof(line), "stateswap: %s %s: %s\n", what,
	    target, strerror(errno));
	if (n > 0)
		(void)!write(2, line, (size_t)n);
	abort();
}

/* Is fd the file now at target? */
static int
is_target(int fd)
{
	struct stat fsb, nsb;

	return fstat(fd, &fsb) == 0 && stat(target, &nsb) == 0 &&
	    fsb.st_dev == nsb.st_dev && fsb.st_ino == nsb.st_ino;
}

/* A copy of target, with its bytes and mode, renamed over it. */
static void
replace(void)
{
	static char buf[COPY_MAX];
	char tmp[sizeof(target) + sizeof("~swap")];
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(target, O_RDONLY | O_CLOEXEC)) < 0)
		die("open");
	while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	if (n < 0 || len == sizeof(buf))
		die("read");
	(void)close(fd);
	(void)snprintf(tmp, sizeof(tmp), "%s~swap", target);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		die("create copy of");
	if (write(fd, buf, len) != (ssize_t)len || close(fd) != 0)
		die("write copy of");
	if (rename(tmp, target) != 0)
		die("rename over");
}

static void
swap(void)
{
	int saved = errno;

	left--;
	done++;
	if (how == STATESWAP_REPLACE)
		replace();
	else if (unlink(target) != 0)
		die("unlink");
	errno = saved;
}

/*
 * The third argument is an int or a pointer, or absent, as the command
 * says: it is taken and passed on as a pointer, as other fcntl()
 * interposers do (the same registers or stack slot on Linux ABIs).
 */
int
fcntl(int fd, int cmd, ...)
{
	static int (*real)(int, int, ...);
	const struct flock *fl;
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (real == NULL &&
	    (real = (int (*)(int, int, ...))(uintptr_t)dlsym(RTLD_NEXT,
	    FCNTL_NAME)) == NULL)
		abort();
	fl = arg;
	if (left > 0 && cmd == F_OFD_SETLKW && fl != NULL &&
	    fl->l_type != F_UNLCK && is_target(fd))
		swap();
	return real(fd, cmd, arg);
}
