/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only LD_PRELOAD allocator that fails the Nth allocation made on
 * behalf of pam_mfa.so or libmfa.so: malloc, calloc and realloc (glibc
 * routes strdup, asprintf, fopen, getpwnam_r ... through them) are
 * counted while armed when the innermost caller outside the system
 * libraries (libc, libcrypt, liboath, libcrypto, libfido2 and their
 * helpers, which only act for their caller) is one of ours.  An
 * allocation on behalf of libpam, pam_wrapper or the test program is
 * never failed: a module cannot be blamed for the application's
 * out-of-memory handling.
 *
 * The test drives it through hz_failalloc_arm() / hz_failalloc_disarm()
 * (found with dlsym).  glibc only: it allocates with __libc_malloc and
 * friends.  Never built with the sanitizers, whose allocator would come
 * first anyway.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);

void *malloc(size_t);
void *calloc(size_t, size_t);
void *realloc(void *, size_t);
void hz_failalloc_arm(long);
long hz_failalloc_disarm(int *);

#define RANGES_MAX	64
#define FRAMES_MAX	48

#define KIND_OTHER	0
#define KIND_OURS	1
#define KIND_SYSTEM	2	/* acts for its caller */
#define KIND_SELF	3

struct range {
	uintptr_t	lo, hi;
	int		kind;
};

static struct range ranges[RANGES_MAX];
static size_t nranges;
static long fail_at;		/* 0: disarmed */
static long seen;		/* eligible allocations while armed */
static int fired;
static __thread int busy;
static long trace;

/*
 * Callers that absorb an allocation failure by design, not counted:
 *   _IO_file_doallocate  glibc's stdio buffer: the stream goes unbuffered;
 *   mfa_fido2_present    "is a key connected?" (0/1): a failed device
 *                        enumeration means no key, which grants nothing.
 *   bindtextdomain       the message catalogue's directory: without it
 *                        the prompts are in English, which grants nothing
 *                        (it allocates only the first time a process
 *                        binds the domain).
 */
static const char *const absorbers[] = {
	"_IO_file_doallocate", "mfa_fido2_present", "bindtextdomain", NULL,
};
#define ABSORB_MAX	4
static uintptr_t absorb_lo[ABSORB_MAX], absorb_hi[ABSORB_MAX];

static const char *const system_libs[] = {
	"/libc.so", "/libcrypt.so", "/liboath.so", "/libcrypto.so",
	"/libssl.so", "/libfido2.so", "/libcbor.so", "/libudev.so",
	"/libz.so", "/ld-linux", "/libgcc_s.so", "/libm.so", "/libxml2",
	"/libicu", "/liblzma", "/libnss_", NULL,
};

static int
kind_of(const char *name)
{
	size_t i;

	if (name == NULL || *name == '\0')
		return KIND_OTHER;	/* the main program */
	if (strstr(name, "/libmfa.so") != NULL ||
	    strstr(name, "/pam_mfa.so") != NULL)
		return KIND_OURS;
	if (strstr(name, "/libhz_failalloc.so") != NULL)
		return KIND_SELF;
	for (i = 0; system_libs[i] != NULL; i++)
		if (strstr(name, system_libs[i]) != NULL)
			return KIND_SYSTEM;
	return KIND_OTHER;
}

static int
add_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t lo, hi;
	ElfW(Half) i;
	int kind;

	(void)size;
	(void)arg;
	kind = kind_of(info->dlpi_name);
	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD ||
		    nranges == RANGES_MAX)
			continue;
		lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		hi = lo + info->dlpi_phdr[i].p_memsz;
		ranges[nranges].lo = lo;
		ranges[nranges].hi = hi;
		ranges[nranges].kind = kind;
		nranges++;
	}
	return 0;
}

static int
kind_at(uintptr_t pc)
{
	size_t i;

	for (i = 0; i < nranges; i++)
		if (pc >= ranges[i].lo && pc < ranges[i].hi)
			return ranges[i].kind;
	return KIND_OTHER;
}

/* Is this allocation made on behalf of pam_mfa.so or libmfa.so? */
static int
eligible(void)
{
	void *frames[FRAMES_MAX];
	int n, i, k;

	n = backtrace(frames, FRAMES_MAX);
	for (i = 0; i < n; i++) {
		for (k = 0; k < ABSORB_MAX; k++)
			if ((uintptr_t)frames[i] > absorb_lo[k] &&
			    (uintptr_t)frames[i] <= absorb_hi[k])
				return 0;
	}
	for (i = 0; i < n; i++) {
		k = kind_at((uintptr_t)frames[i]);
		if (k == KIND_SELF || k == KIND_SYSTEM)
			continue;
		return k == KIND_OURS;
	}
	return 0;
}

/* 1 when this allocation is to fail. */
static int
should_fail(void)
{
	int r = 0;

	if (fail_at == 0 || busy)
		return 0;
	busy = 1;
	if (eligible() && ++seen == fail_at) {
		fired = 1;
		r = 1;
		/* HZ_FAILALLOC_TRACE=N: where allocation N failed. */
		if (trace == fail_at) {
			void *frames[FRAMES_MAX];

			backtrace_symbols_fd(frames, backtrace(frames,
			    FRAMES_MAX), 2);
		}
		errno = ENOMEM;
	}
	busy = 0;
	return r;
}

void
hz_failalloc_arm(long n)
{
	void *frames[4];
	size_t i;

	busy = 1;
	(void)backtrace(frames, 4);	/* loads the unwinder first */
	nranges = 0;
	(void)dl_iterate_phdr(add_object, NULL);
	/* Looked up again: libmfa.so may have been loaded since. */
	for (i = 0; absorbers[i] != NULL && i < ABSORB_MAX; i++) {
		void *sym = dlsym(RTLD_DEFAULT, absorbers[i]);
		void *extra = NULL;
		const ElfW(Sym) *es;
		Dl_info di;

		absorb_lo[i] = absorb_hi[i] = 0;
		if (sym != NULL && dladdr1(sym, &di, &extra,
		    RTLD_DL_SYMENT) != 0 && (es = extra) != NULL) {
			absorb_lo[i] = (uintptr_t)sym;
			absorb_hi[i] = absorb_lo[i] + es->st_size;
		}
	}
	busy = 0;
	seen = 0;
	fired = 0;
	trace = getenv("HZ_FAILALLOC_TRACE") != NULL ?
	    strtol(getenv("HZ_FAILALLOC_TRACE"), NULL, 10) : 0;
	fail_at = n;
}

/* Disarms; returns how many eligible allocations there were. */
long
hz_failalloc_disarm(int *firedp)
{
	fail_at = 0;
	if (firedp != NULL)
		*firedp = fired;
	return seen;
}

void *
malloc(size_t n)
{
	return should_fail() ? NULL : __libc_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	return should_fail() ? NULL : __libc_calloc(n, m);
}

void *
realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees: never "fails". */
	if (n != 0 && should_fail())
		return NULL;
	return __libc_realloc(p, n);
}
