/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wiping and constant-time comparison of secrets, and the random bytes
 * they are made of: the kernel's CSPRNG, so that no login needs a
 * crypto library for them.
 */
#include "config.h"

#include <sys/random.h>
#include <errno.h>
#include <string.h>

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
	const volatile unsigned char	*x = a, *y = b;
	unsigned char			 d = 0;
	size_t				 i;

	/* Every byte is looked at: no early exit on a difference. */
	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

int
random_bytes(void *buf, size_t n)
{
	unsigned char	*p = buf;
	size_t		 got = 0;
	ssize_t		 k;

	if (buf == NULL && n > 0)
		return MFA_ERR_INVAL;
	while (got < n) {
		/* Blocks only until the pool is first seeded, at boot. */
		k = getrandom(p + got, n - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			wipe(buf, n);
			return MFA_ERR_CRYPTO;
		}
		got += (size_t)k;
	}
	return MFA_OK;
}
