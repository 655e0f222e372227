/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only LD_PRELOAD "durable shadow" of one store directory for
 * tests/harden/test_powerloss.c.  While HZ_POWERLOSS_STORE names the
 * store directory (as realpath() gives it) and HZ_POWERLOSS_SHADOW a
 * directory of the test's, every successful
 *	fsync(fd), fdatasync(fd)  of a regular file in the store: copies
 *		the file's bytes to SHADOW/ino.N (N: its inode number);
 *	fsync(fd), fdatasync(fd)  of the store directory: writes the
 *		directory's entries (inode number, name; regular files
 *		only) to SHADOW/dir;
 *	syncfs(fd), sync():  both, for every file of the store;
 * so SHADOW holds what a power cut at that moment could at worst leave
 * on a disk that keeps only what was flushed (see test_powerloss.c for
 * the model and what it cannot see).  A file's bytes follow its inode,
 * not its name: a temporary file flushed and then renamed keeps them,
 * and the name counts only from the next flush of the directory.
 * The variables are read at every call, so a test can aim the shadow
 * at another store, or switch it off, in its own process and in the
 * programs it starts.  Nothing installed uses it; never built with the
 * sanitizers (it is preloaded into programs that may not be).
 */
#undef _FORTIFY_SOURCE
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fsync(int);
int fdatasync(int);
int syncfs(int);
void sync(void);

typedef int fd_fn(int);
typedef void void_fn(void);

/* The next definition of name; aborts without one. */
static uintptr_t
real(const char *name)
{
	void *f;

	if ((f = dlsym(RTLD_NEXT, name)) == NULL)
		abort();
	return (uintptr_t)f;
}

/* The shadow's fault is the test's: say so and stop the process. */
static void
die(const char *what, const char *path)
{
	char line[2 * PATH_MAX];
	int n;

	n = snprintf(line, sizeof(line), "powerloss shim: %s %s: %s\n",
	    what, path, strerror(errno));
	if (n > 0)
		(void)!write(2, line, (size_t)n);
	abort();
}

/* Copies the file at path (or descriptor fd >= 0) to SHADOW/ino.N. */
static void
save_file(const char *shadow, const char *path, int fd)
{
	char out[PATH_MAX], tmp[PATH_MAX], buf[8192];
	struct stat sb;
	ssize_t n;
	int in, o;

	if (fd >= 0) {
		/* Reopened: the caller's descriptor may be write-only. */
		(void)snprintf(tmp, sizeof(tmp), "/proc/self/fd/%d", fd);
		in = open(tmp, O_RDONLY | O_CLOEXEC);
	} else
		in = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0 || fstat(in, &sb) != 0)
		die("open", path);
	(void)snprintf(out, sizeof(out), "%s/ino.%llu", shadow,
	    (unsigned long long)sb.st_ino);
	(void)snprintf(tmp, sizeof(tmp), "%s/ino.new", shadow);
	if ((o = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		die("create", tmp);
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(o, buf, (size_t)n) != n)
			die("copy", path);
	}
	if (close(o) != 0 || rename(tmp, out) != 0)
		die("save", out);
	(void)close(in);
}

/* Writes the store's entries to SHADOW/dir; with files, their bytes. */
static void
save_dir(const char *store, const char *shadow, int files)
{
	char out[PATH_MAX], tmp[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	FILE *f;
	DIR *d;

	(void)snprintf(out, sizeof(out), "%s/dir", shadow);
	(void)snprintf(tmp, sizeof(tmp), "%s/dir.new", shadow);
	if ((d = opendir(store)) == NULL)
		die("opendir", store);
	if ((f = fopen(tmp, "we")) == NULL)
		die("create", tmp);
	while ((de = readdir(d)) != NULL) {
		(void)snprintf(path, sizeof(path), "%s/%s", store,
		    de->d_name);
		if (lstat(path, &sb) != 0)
			die("lstat", path);
		if (!S_ISREG(sb.st_mode))
			continue;
		if (files)
			save_file(shadow, path, -1);
		fprintf(f, "%llu %s\n", (unsigned long long)sb.st_ino,
		    de->d_name);
	}
	(void)closedir(d);
	if (fclose(f) != 0 || rename(tmp, out) != 0)
		die("save", out);
}

/* After a successful flush of fd (all: every file of the store). */
static void
flushed(int fd, int all)
{
	const char *store, *shadow;
	char path[PATH_MAX], link[64];
	size_t len;
	ssize_t n;
	int saved = errno;

	if ((store = getenv("HZ_POWERLOSS_STORE")) == NULL ||
	    (shadow = getenv("HZ_POWERLOSS_SHADOW")) == NULL)
		goto out;
	if (all) {
		struct stat a, b;

		/* syncfs() of another file system flushes nothing here. */
		if (fd < 0 || (fstat(fd, &a) == 0 && stat(store, &b) == 0 &&
		    a.st_dev == b.st_dev))
			save_dir(store, shadow, 1);
		goto out;
	}
	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		goto out;
	path[n] = '\0';
	len = strlen(store);
	if (strcmp(path, store) == 0)
		save_dir(store, shadow, 0);
	else if (strncmp(path, store, len) == 0 && path[len] == '/' &&
	    strchr(path + len + 1, '/') == NULL &&
	    strstr(path, " (deleted)") == NULL)
		save_file(shadow, path, fd);
out:
	errno = saved;
}

int
fsync(int fd)
{
	static fd_fn *f;
	int r;

	if (f == NULL)
		f = (fd_fn *)real("fsync");
	if ((r = f(fd)) == 0)
		flushed(fd, 0);
	return r;
}

int
fdatasync(int fd)
{
	static fd_fn *f;
	int r;

	if (f == NULL)
		f = (fd_fn *)real("fdatasync");
	if ((r = f(fd)) == 0)
		flushed(fd, 0);
	return r;
}

int
syncfs(int fd)
{
	static fd_fn *f;
	int r;

	if (f == NULL)
		f = (fd_fn *)real("syncfs");
	if ((r = f(fd)) == 0)
		flushed(fd, 1);
	return r;
}

void
sync(void)
{
	static void_fn *f;

	if (f == NULL)
		f = (void_fn *)real("sync");
	f();
	flushed(-1, 1);
}
