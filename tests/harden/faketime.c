/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only LD_PRELOAD clock: while MFA_FAKE_TIME holds a decimal
 * number of seconds since the epoch, time(2), gettimeofday(2) and
 * clock_gettime(CLOCK_REALTIME*) return it; otherwise the real clock.
 * The variable is read at every call, so a test can move the clock of
 * its own process (setenv) and of the children it forks.  Only the
 * hardening tests preload it; nothing installed uses it.
 */
#include "config.h"

#include <sys/syscall.h>
#include <sys/time.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

time_t time(time_t *);
int gettimeofday(struct timeval *restrict, void *restrict);
int clock_gettime(clockid_t, struct timespec *);

static int
fake_now(time_t *out)
{
	const char *s;
	char *end;
	long long v;
	int saved = errno;

	if ((s = getenv("MFA_FAKE_TIME")) == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0') {
		errno = saved;
		return 0;
	}
	errno = saved;
	*out = (time_t)v;
	return 1;
}

static int
real_clock(clockid_t id, struct timespec *ts)
{
	return (int)syscall(SYS_clock_gettime, id, ts);
}

time_t
time(time_t *tp)
{
	struct timespec ts;
	time_t t;

	if (!fake_now(&t)) {
		if (real_clock(CLOCK_REALTIME, &ts) != 0)
			return (time_t)-1;
		t = ts.tv_sec;
	}
	if (tp != NULL)
		*tp = t;
	return t;
}

int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;
	time_t t;

	(void)tz;
	if (real_clock(CLOCK_REALTIME, &ts) != 0)
		return -1;
	if (fake_now(&t)) {
		ts.tv_sec = t;
		ts.tv_nsec = 0;
	}
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	time_t t;

	if ((id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE) &&
	    fake_now(&t)) {
		ts->tv_sec = t;
		ts->tv_nsec = 0;
		return 0;
	}
	return real_clock(id, ts);
}
