/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loads libfido2 when a FIDO2 factor is first used (see fido2_dl.h).
 * libfido2's functions are looked up in the global scope first, so that
 * an interposer (LD_PRELOAD) wins as it would with direct linking, then
 * in libfido2 itself; OpenSSL's only through libfido2's handle, that
 * is in the libcrypto libfido2 is linked with, because objects pass
 * between the two (es256_pk_to_EVP_PKEY(), EVP_PKEY_free()) and an
 * unversioned lookup in the global scope could find another libcrypto.
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#define FIDO2_DL_LOADER		/* the table, not the redirects */
#include "fido2_dl.h"

#ifndef FIDO2_SONAME
#define FIDO2_SONAME	"libfido2.so.1"
#endif

struct fido2_sym	fido2_sym;

/* Guards dl_handle and fido2_sym; a failed load is tried again later. */
static pthread_mutex_t	dl_lock = PTHREAD_MUTEX_INITIALIZER;
static void		*dl_handle;	/* NULL: not loaded */

static void *
dl_sym(void *handle, const char *name, int global)
{
	void	*p = NULL;

	if (global)
		p = dlsym(RTLD_DEFAULT, name);
	if (p == NULL)
		p = dlsym(handle, name);
	return p;
}

/* Opens libfido2 and fills the table; why[] gets the reason of a failure. */
static void *
dl_open(char *why, size_t whylen)
{
	const char	*err, *missing = NULL;
	void		*h, *p;

	(void)dlerror();
	if ((h = dlopen(FIDO2_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		err = dlerror();
		(void)snprintf(why, whylen, "%s", err != NULL ? err :
		    "dlopen failed");
		return NULL;
	}
#define DL_LOAD(name, global) \
	if ((p = dl_sym(h, #name, global)) == NULL) { \
		missing = #name; \
		goto fail; \
	} \
	fido2_sym.name = (__typeof__(fido2_sym.name))(uintptr_t)p;
#define DL_LOAD_FIDO(name)	DL_LOAD(name, 1)
#define DL_LOAD_CRYPTO(name)	DL_LOAD(name, 0)
	FIDO2_DL_FIDO(DL_LOAD_FIDO)
	FIDO2_DL_CRYPTO(DL_LOAD_CRYPTO)
#undef DL_LOAD_CRYPTO
#undef DL_LOAD_FIDO
#undef DL_LOAD
	/* No flags: no debug output, U2F fallback for older keys. */
	fido2_sym.fido_init(0);
	return h;
fail:
	err = dlerror();
	(void)snprintf(why, whylen, "%s", err != NULL ? err : missing);
	memset(&fido2_sym, 0, sizeof(fido2_sym));
	(void)dlclose(h);
	return NULL;
}

int
fido2_dl_load(const mfa_ctx_t *ctx)
{
	char	why[256];
	int	r = MFA_OK;

	why[0] = '\0';
	if (pthread_mutex_lock(&dl_lock) != 0)
		return MFA_ERR_CRYPTO;
	if (dl_handle == NULL &&
	    (dl_handle = dl_open(why, sizeof(why))) == NULL)
		r = MFA_ERR_CRYPTO;
	(void)pthread_mutex_unlock(&dl_lock);
	if (r != MFA_OK)
		mfa_log(ctx, LOG_ERR, "fido2: cannot load %s, FIDO2 "
		    "unavailable: %s", FIDO2_SONAME, why);
	return r;
}

/* libmfa is unloaded (pam_end() unloads the module): libfido2 goes too. */
static void __attribute__((destructor))
fido2_dl_unload(void)
{
	if (dl_handle == NULL)
		return;
	memset(&fido2_sym, 0, sizeof(fido2_sym));
	(void)dlclose(dl_handle);
	dl_handle = NULL;
}
