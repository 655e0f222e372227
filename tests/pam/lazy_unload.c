/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libfido2 comes and goes with libmfa.so (lib/fido2_dl.c), as it must
 * when libpam loads pam_mfa.so at pam_start() and unloads it at
 * pam_end(): this program, linked with none of them, dlopen()s
 * libmfa.so, checks that loading it maps no libfido2, that using FIDO2
 * (mfa_fido2_present()) does, and that dlclose() unmaps both.
 * Usage: lazy_unload PATH_OF_LIBMFA_SO.  Exit status 0 or 1.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mfa.h"

#define LIB_FIDO2	"/libfido2.so"
#define LIB_MFA		"/libmfa.so"

/* 1 when a file whose path contains name is mapped, -1 on error. */
static int
mapped(const char *name)
{
	char	line[PATH_MAX + 256];
	FILE	*f;
	int	found = 0;

	if ((f = fopen("/proc/self/maps", "re")) == NULL) {
		fprintf(stderr, "/proc/self/maps: %s\n", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, name) != NULL)
			found = 1;
	(void)fclose(f);
	return found;
}

static int
failed(const char *what)
{
	fprintf(stderr, "lazy_unload: %s\n", what);
	return 1;
}

int
main(int argc, char **argv)
{
	__typeof__(mfa_ctx_new)		*ctx_new;
	__typeof__(mfa_ctx_free)	*ctx_free;
	__typeof__(mfa_fido2_present)	*present;
	mfa_ctx_t			*ctx;
	void				*h;
	int				 r;

	if (argc != 2) {
		fprintf(stderr, "usage: lazy_unload LIBMFA_SO\n");
		return 2;
	}
	if (mapped(LIB_FIDO2) != 0 || mapped(LIB_MFA) != 0)
		return failed("libfido2 or libmfa mapped at start");
	if ((h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		return failed("cannot load libmfa");
	}
	if ((ctx_new = (__typeof__(ctx_new))(uintptr_t)dlsym(h,
	    "mfa_ctx_new")) == NULL ||
	    (ctx_free = (__typeof__(ctx_free))(uintptr_t)dlsym(h,
	    "mfa_ctx_free")) == NULL ||
	    (present = (__typeof__(present))(uintptr_t)dlsym(h,
	    "mfa_fido2_present")) == NULL)
		return failed("libmfa lacks its API");
	if (mapped(LIB_FIDO2) != 0)
		return failed("loading libmfa mapped libfido2");
	if ((ctx = ctx_new()) == NULL)
		return failed("mfa_ctx_new");
	/* 0 or 1: libfido2 listed the devices (none, here). */
	if ((r = present(ctx)) != 0 && r != 1)
		return failed("mfa_fido2_present failed");
	ctx_free(&ctx);
	if (mapped(LIB_FIDO2) != 1)
		return failed("using FIDO2 did not map libfido2");
	if (dlclose(h) != 0)
		return failed("dlclose libmfa");
	if (mapped(LIB_MFA) != 0)
		return failed("libmfa still mapped after dlclose");
	if (mapped(LIB_FIDO2) != 0)
		return failed("libfido2 still mapped after libmfa was "
		    "unloaded");
	return 0;
}
