/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: the typed-code normaliser mfa_code_normalize() for 6, 7
 * and 8 digits (and refused digit counts).  The result is compared with
 * the documented rule, written out again here: drop ASCII spaces and
 * '-', then exactly N ASCII digits; inputs over CODE_INPUT bytes are
 * refused.  The output is written only on success, into a buffer of
 * exactly MFA_CODE_MAX + 1 bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

#define CODE_INPUT	64	/* bytes of a typed code, spaces included */

/* The expected code into want[CODE_INPUT + 1]; 1 when acceptable. */
static int
reference(const char *in, unsigned digits, char *want)
{
	size_t	i, n = 0;

	if (strlen(in) > CODE_INPUT)
		return 0;
	for (i = 0; in[i] != '\0'; i++) {
		if (in[i] == ' ' || in[i] == '-')
			continue;
		if (in[i] < '0' || in[i] > '9')
			return 0;
		want[n++] = in[i];
	}
	want[n] = '\0';
	return n == digits;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned	 bad[] = { 0, 1, 5, 9, 10, 64, UINT32_MAX };
	char			*in, *out, want[CODE_INPUT + 1];
	unsigned		 d;
	size_t			 i;
	int			 r, ok;

	in = fuzz_cstr(data, size);
	if ((out = malloc(MFA_CODE_MAX + 1)) == NULL)
		abort();
	for (d = 6; d <= MFA_CODE_MAX; d++) {
		memset(out, 'X', MFA_CODE_MAX + 1);
		r = mfa_code_normalize(in, d, out);
		ok = reference(in, d, want);
		FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_CODEFMT);
		FUZZ_CHECK((r == MFA_OK) == ok);
		if (r != MFA_OK) {
			for (i = 0; i < MFA_CODE_MAX + 1; i++)
				FUZZ_CHECK(out[i] == 'X');
			continue;
		}
		FUZZ_CHECK(strnlen(out, MFA_CODE_MAX + 1) == d);
		for (i = 0; i < d; i++)
			FUZZ_CHECK(out[i] >= '0' && out[i] <= '9');
		FUZZ_CHECK(strcmp(out, want) == 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'X', MFA_CODE_MAX + 1);
		FUZZ_CHECK(mfa_code_normalize(in, bad[i], out) ==
		    MFA_ERR_INVAL);
		FUZZ_CHECK(memchr(out, '\0', MFA_CODE_MAX + 1) == NULL);
	}
	free(out);
	free(in);
	return 0;
}
