/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only LD_PRELOAD kill points for tests/harden/test_crash.c: once
 * a process is armed with hz_killpoint_arm(dir, n) (found with dlsym),
 * it SIGKILLs itself just before its nth call that changes a file in
 * directory dir, or dir itself:
 *	write, pwrite, ftruncate, fchmod, fsync, fdatasync and syncfs on
 *	a descriptor of such a file or of dir;
 *	openat with O_CREAT, renameat and unlinkat of a name in dir;
 * or in the middle of a write of more than a page, after its first
 * page (as the kernel can leave a write when SIGKILL comes).
 * Those are all the calls libmfa makes to change a store (lib/store.c,
 * lib/state.c), so killing before point 1, 2, ... N in turn, and
 * letting it run to the end, leaves every store a kill -9 at any
 * moment could leave (a new kind of call there must be added here).
 * Calls on other files (the virtual security key's state, the log) are
 * not counted.  Armed only in the forked child that is to die; the
 * test program itself never is.  Nothing installed uses it; never
 * built with the sanitizers (it is preloaded into programs that may
 * not be).  HZ_KILLPOINT_TRACE set: each point counted is written to
 * stderr.
 */
/*
 * Defines write(), openat() ...: glibc's fortified inline versions of
 * them must not be in the way.
 */
#undef _FORTIFY_SOURCE
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * With large-file support on a 32-bit system the headers turn pwrite
 * and the others into pwrite64 ...: the definitions below then define
 * those, and the real ones are looked up under those names.
 */
#if defined(__USE_FILE_OFFSET64) && !defined(__LP64__)
#define LFS(name)	name "64"
#else
#define LFS(name)	name
#endif

void hz_killpoint_arm(const char *, long);

ssize_t write(int, const void *, size_t);
ssize_t pwrite(int, const void *, size_t, off_t);
int ftruncate(int, off_t);
int fchmod(int, mode_t);
int fsync(int);
int fdatasync(int);
int syncfs(int);
int openat(int, const char *, int, ...);
int renameat(int, const char *, int, const char *);
int unlinkat(int, const char *, int);

static char	dir[PATH_MAX];
static size_t	dirlen;
static long	kill_at;	/* 0: disarmed */
static long	seen;

/* The next definition of name; aborts without one. */
static uintptr_t
real(const char *name)
{
	void *f;

	if ((f = dlsym(RTLD_NEXT, name)) == NULL)
		abort();
	return (uintptr_t)f;
}

/* Is path (NUL-terminated) dir or a name in it? */
static int
in_dir(const char *path)
{
	return strncmp(path, dir, dirlen) == 0 &&
	    (path[dirlen] == '\0' || (path[dirlen] == '/' &&
	    strchr(path + dirlen + 1, '/') == NULL));
}

/* The path of descriptor fd (AT_FDCWD: the working directory). */
static int
fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	if (fd == AT_FDCWD)
		return getcwd(buf, len) != NULL ? 0 : -1;
	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, buf, len - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Counts a point; 1 when it is the one to die at. */
static int
reached(const char *call, const char *path, const char *how)
{
	char line[PATH_MAX + 64];
	int n;

	++seen;
	if (getenv("HZ_KILLPOINT_TRACE") != NULL) {
		n = snprintf(line, sizeof(line), "killpoint %ld: %s %s%s\n",
		    seen, call, path, how);
		if (n > 0)
			(void)!write(2, line, (size_t)n);
	}
	return seen == kill_at;
}

static void
point(const char *call, const char *path)
{
	if (reached(call, path, ""))
		(void)kill(getpid(), SIGKILL);
}

/* A change through descriptor fd. */
static void
fd_point(const char *call, int fd)
{
	char path[PATH_MAX];
	int saved = errno;

	if (kill_at != 0 && fd_path(fd, path, sizeof(path)) == 0 &&
	    in_dir(path))
		point(call, path);
	errno = saved;
}

/*
 * A write of len bytes through fd at offset off (-1: the current one):
 * a point before it and, for a write across a page boundary, one after
 * its first page.  The kernel copies a write page by page and stops at
 * a boundary when the process has SIGKILL pending, so a kill -9 can
 * leave a write torn there.  Returns the bytes to write before dying
 * at that second point, else 0.
 */
static size_t
write_point(const char *call, int fd, size_t len, off_t off)
{
	char path[PATH_MAX];
	long page = sysconf(_SC_PAGESIZE);
	size_t part = 0;
	int saved = errno;

	if (kill_at == 0 || fd_path(fd, path, sizeof(path)) != 0 ||
	    !in_dir(path))
		goto out;
	point(call, path);
	if (off < 0 && (off = lseek(fd, 0, SEEK_CUR)) < 0)
		off = 0;
	if (page > 0 && (size_t)(page - off % page) < len &&
	    reached(call, path, " (torn after its first page)"))
		part = (size_t)(page - off % page);
out:
	errno = saved;
	return part;
}

/* A change of name in directory dirfd. */
static void
name_point(const char *call, int dirfd, const char *name)
{
	char path[PATH_MAX];
	int saved = errno;

	if (kill_at == 0 || name == NULL)
		goto out;
	if (name[0] == '/') {
		if (in_dir(name))
			point(call, name);
	} else if (strchr(name, '/') == NULL &&
	    fd_path(dirfd, path, sizeof(path)) == 0 &&
	    strcmp(path, dir) == 0)
		point(call, name);
out:
	errno = saved;
}

/* Kill before the nth change in d (n 0: never). */
void
hz_killpoint_arm(const char *d, long n)
{
	kill_at = 0;
	seen = 0;
	/* The path /proc/self/fd shows. */
	if (realpath(d, dir) == NULL)
		abort();
	dirlen = strlen(dir);
	kill_at = n;
}

typedef ssize_t write_fn(int, const void *, size_t);
typedef ssize_t pwrite_fn(int, const void *, size_t, off_t);
typedef int fd_off_fn(int, off_t);
typedef int fd_mode_fn(int, mode_t);
typedef int fd_fn(int);
typedef int openat_fn(int, const char *, int, ...);
typedef int renameat_fn(int, const char *, int, const char *);
typedef int unlinkat_fn(int, const char *, int);

ssize_t
write(int fd, const void *buf, size_t len)
{
	static write_fn *f;

	size_t part;

	if (f == NULL)
		f = (write_fn *)real("write");
	if ((part = write_point("write", fd, len, -1)) > 0) {
		(void)f(fd, buf, part);
		(void)kill(getpid(), SIGKILL);
	}
	return f(fd, buf, len);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	static pwrite_fn *f;

	size_t part;

	if (f == NULL)
		f = (pwrite_fn *)real(LFS("pwrite"));
	if ((part = write_point("pwrite", fd, len, off)) > 0) {
		(void)f(fd, buf, part, off);
		(void)kill(getpid(), SIGKILL);
	}
	return f(fd, buf, len, off);
}
int
ftruncate(int fd, off_t len)
{
	static fd_off_fn *f;

	if (f == NULL)
		f = (fd_off_fn *)real(LFS("ftruncate"));
	fd_point("ftruncate", fd);
	return f(fd, len);
}
int
fchmod(int fd, mode_t mode)
{
	static fd_mode_fn *f;

	if (f == NULL)
		f = (fd_mode_fn *)real("fchmod");
	fd_point("fchmod", fd);
	return f(fd, mode);
}

int
fsync(int fd)
{
	static fd_fn *f;

	if (f == NULL)
		f = (fd_fn *)real("fsync");
	fd_point("fsync", fd);
	return f(fd);
}

int
fdatasync(int fd)
{
	static fd_fn *f;

	if (f == NULL)
		f = (fd_fn *)real("fdatasync");
	fd_point("fdatasync", fd);
	return f(fd);
}

int
syncfs(int fd)
{
	static fd_fn *f;

	if (f == NULL)
		f = (fd_fn *)real("syncfs");
	fd_point("syncfs", fd);
	return f(fd);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	static openat_fn *f;
	va_list ap;
	mode_t mode = 0;

	if (f == NULL)
		f = (openat_fn *)real(LFS("openat"));
	if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if ((flags & O_CREAT) != 0)
		name_point("openat", dirfd, path);
	return f(dirfd, path, flags, mode);
}

int
renameat(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath)
{
	static renameat_fn *f;

	if (f == NULL)
		f = (renameat_fn *)real("renameat");
	name_point("renameat", newdirfd, newpath);
	return f(olddirfd, oldpath, newdirfd, newpath);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	static unlinkat_fn *f;

	if (f == NULL)
		f = (unlinkat_fn *)real("unlinkat");
	name_point("unlinkat", dirfd, path);
	return f(dirfd, path, flags);
}
