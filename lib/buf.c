/* SPDX-License-Identifier: BSD-2-Clause */
/* Wiping and constant-time comparison of secrets. */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

void
wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

int
ct_equal(const void *a, const void *b, size_t n)
{
	if (n == 0)
		return 1;
	return CRYPTO_memcmp(a, b, n) == 0;
}
