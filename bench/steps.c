/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark diagnostic (bench/README.md), never installed and never
 * used by the tests: preloaded into the driver for the "steps" cells,
 * it splits each pam_authenticate() of a FIDO2 service into three
 * parts that mean the same for every module:
 *   before  from the call to the first fido_dev_open() (user look-up,
 *           the module's own files, listing the keys);
 *   key     from there to the return of the last fido_dev_get_assert()
 *           (libfido2 and the authenticator: the probe, the PIN, the
 *           assertion);
 *   after   from there to the return of pam_authenticate() (checking
 *           the signature, and whatever the module records).
 * It also adds up the time spent in fdatasync(2) after the key (pam_mfa's
 * durable state write; the virtual key syncs with fsync()) and the time
 * spent inside fido_dev_open() and fido_dev_get_assert() themselves
 * (libfido2 and the key, without what the module does between them).
 * One line "before key after sync calls" in microseconds per login that
 * reached the key is appended to the file named by BENCH_STEPS.
 *
 * The wrappers call the next definition (the virtual key's shim, then
 * libfido2); modules that resolve libfido2 at run time find these first
 * in the global scope, as do modules linked with it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct pam_handle;
struct fido_dev;
struct fido_assert;

int	pam_authenticate(struct pam_handle *, int);
int	fido_dev_open(struct fido_dev *, const char *);
int	fido_dev_get_assert(struct fido_dev *, struct fido_assert *,
	    const char *);
int	fdatasync(int);

static int	 inside;	/* within pam_authenticate() */
static uint64_t	 t_start, t_key, t_key_end, t_sync, t_calls;

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *
next(const char *name)
{
	void	*p;

	if ((p = dlsym(RTLD_NEXT, name)) == NULL) {
		(void)fprintf(stderr, "steps.so: no %s\n", name);
		abort();
	}
	return p;
}

/* Written with one write(2): the driver's processes end with _exit(). */
static void
record(uint64_t end)
{
	static int	 fd = -1;
	const char	*path;

	if (t_key == 0 || t_key_end < t_key)
		return;		/* the login never reached a key */
	if (fd < 0) {
		if ((path = getenv("BENCH_STEPS")) == NULL ||
		    (fd = open(path, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0600)) < 0)
			return;
	}
	(void)dprintf(fd, "%.1f %.1f %.1f %.1f %.1f\n",
	    (double)(t_key - t_start) / 1e3,
	    (double)(t_key_end - t_key) / 1e3,
	    (double)(end - t_key_end) / 1e3, (double)t_sync / 1e3,
	    (double)t_calls / 1e3);
}

int
pam_authenticate(struct pam_handle *pamh, int flags)
{
	static int	(*real)(struct pam_handle *, int);
	int		 r;

	if (real == NULL)
		real = (int (*)(struct pam_handle *, int))
		    next("pam_authenticate");
	t_key = t_key_end = t_sync = t_calls = 0;
	inside = 1;
	t_start = now_ns();
	r = real(pamh, flags);
	record(now_ns());
	inside = 0;
	return r;
}

int
fido_dev_open(struct fido_dev *dev, const char *path)
{
	static int	(*real)(struct fido_dev *, const char *);
	uint64_t	 t0;
	int		 r;

	if (real == NULL)
		real = (int (*)(struct fido_dev *, const char *))
		    next("fido_dev_open");
	if (!inside)
		return real(dev, path);
	t0 = now_ns();
	if (t_key == 0)
		t_key = t0;
	r = real(dev, path);
	t_calls += now_ns() - t0;
	return r;
}

int
fido_dev_get_assert(struct fido_dev *dev, struct fido_assert *a,
    const char *pin)
{
	static int	(*real)(struct fido_dev *, struct fido_assert *,
			    const char *);
	uint64_t	 t0;
	int		 r;

	if (real == NULL)
		real = (int (*)(struct fido_dev *, struct fido_assert *,
		    const char *))next("fido_dev_get_assert");
	t0 = now_ns();
	r = real(dev, a, pin);
	if (inside) {
		t_key_end = now_ns();
		t_calls += t_key_end - t0;
		t_sync = 0;	/* count only the syncs after the key */
	}
	return r;
}

int
fdatasync(int fd)
{
	static int	(*real)(int);
	uint64_t	 t0;
	int		 r;

	if (real == NULL)
		real = (int (*)(int))next("fdatasync");
	if (!inside)
		return real(fd);
	t0 = now_ns();
	r = real(fd);
	t_sync += now_ns() - t0;
	return r;
}
