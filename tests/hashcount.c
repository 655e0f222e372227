/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test program defines crypt_rn(), the libcrypt function libmfa
 * hashes passwords with: the executable comes first in the global
 * scope, so libmfa's calls (libmfa.so, and pam_mfa.so through it) come
 * here, are counted and are passed on to libcrypt's crypt_rn().
 * Nothing is installed or changed in the code under test; a program
 * that does not link this file hashes as usual.  The tests cannot time
 * a login (how long it takes is what they are about), so they count
 * the hashes: a login that hashes once fewer is the one that is faster
 * by a whole hash.
 */
#include "config.h"

#include <crypt.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "hashcount.h"

typedef char *(*crypt_rn_fn)(const char *, const char *, void *, int);

static unsigned hashes;

char *
crypt_rn(const char *phrase, const char *setting, void *data, int size)
{
	static crypt_rn_fn real;
	void *sym;

	if (real == NULL) {
		/* dlsym() returns an object pointer; POSIX allows this. */
		if ((sym = dlsym(RTLD_NEXT, "crypt_rn")) == NULL) {
			fprintf(stderr, "hashcount: no crypt_rn in libcrypt\n");
			abort();
		}
		*(void **)&real = sym;
	}
	hashes++;
	return real(phrase, setting, data, size);
}

unsigned
hash_count(void)
{
	return hashes;
}

void
hash_count_reset(void)
{
	hashes = 0;
}
