/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the fuzz targets (tests/fuzz/fuzz_*.c) and the replay
 * driver (replay.c).  A target checks invariants of the code under
 * test with FUZZ_CHECK(): a violation aborts, which libFuzzer records
 * as a crash with its input and the replay test reports as a failure.
 */
#ifndef MFA_FUZZ_H
#define MFA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry point, defined once per target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant violated: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/*
 * A NUL-terminated copy of the input, in a buffer of exactly size + 1
 * bytes so that AddressSanitizer catches a read past its end.  Aborts
 * when out of memory: that is no finding, but must not pass silently.
 */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* MFA_FUZZ_H */
