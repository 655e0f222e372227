/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: what a login reads from the conversation and PAM_USER
 * before anything else sees it.
 *  - mfa_code_normalize() for 6, 7 and 8 digits (and refused digit
 *    counts): drop ASCII spaces and '-', then exactly N ASCII digits;
 *    inputs over CODE_INPUT bytes are refused.  The output is written
 *    only on success, into a buffer of exactly MFA_CODE_MAX + 1 bytes.
 *  - recovery_normalize() and mfa_recovery_code_like() (every answer
 *    at the code prompt goes through them): drop spaces and '-',
 *    upper-case ASCII letters, then exactly MFA_RECOVERY_LEN symbols
 *    of the code alphabet, the first a slot letter; inputs over
 *    MFA_RECOVERY_INPUT_MAX bytes are refused; out is written only on
 *    success (pam_mfa-store(5)).
 *  - mfa_username_check(): 1 to MFA_USER_MAX bytes of ASCII letters,
 *    digits, '.', '_', '-' and '@', one '$' allowed as the last of
 *    two or more, not starting with '.' or '-', not ending in
 *    ".state"; so never '/', "." or "..", or a control byte.
 * Each result is compared with the rule, written out again here.
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

#define CODE_ALPHABET	"23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define SLOT_LETTERS	"ABCDEFGHJKMNPQRSTUVW"

/* The expected recovery code into want[MFA_RECOVERY_LEN + 1]; 1: good. */
static int
recovery_reference(const char *in, char *want)
{
	size_t	i, n = 0;
	char	c;

	if (strlen(in) > MFA_RECOVERY_INPUT_MAX)
		return 0;
	for (i = 0; in[i] != '\0'; i++) {
		c = in[i];
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == MFA_RECOVERY_LEN || strchr(CODE_ALPHABET, c) == NULL)
			return 0;
		want[n++] = c;
	}
	want[n] = '\0';
	return n == MFA_RECOVERY_LEN && strchr(SLOT_LETTERS, want[0]) != NULL;
}

/* 1 when name is an acceptable user name. */
static int
username_reference(const char *name)
{
	size_t	i, n = strlen(name);
	char	c;

	if (n == 0 || n > MFA_USER_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		c = name[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("._-@", c) != NULL)
			continue;
		if (c == '$' && i == n - 1 && n >= 2)
			continue;
		return 0;
	}
	return n < 6 || strcmp(name + n - 6, ".state") != 0;
}

static void
check_recovery(const char *in)
{
	char		out[MFA_RECOVERY_LEN + 1], want[MFA_RECOVERY_LEN + 1];
	unsigned	slot = 99;
	size_t		i;
	int		r, ok;

	memset(out, 'X', sizeof(out));
	r = recovery_normalize(in, out, &slot);
	ok = recovery_reference(in, want);
	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_CODEFMT);
	FUZZ_CHECK((r == MFA_OK) == ok);
	FUZZ_CHECK(mfa_recovery_code_like(in) == ok);
	if (r != MFA_OK) {
		for (i = 0; i < sizeof(out); i++)
			FUZZ_CHECK(out[i] == 'X');
		FUZZ_CHECK(slot == 99);
		return;
	}
	FUZZ_CHECK(strcmp(out, want) == 0);
	FUZZ_CHECK(slot < MFA_RECOVERY_MAX &&
	    SLOT_LETTERS[slot] == out[0]);
}

static void
check_username(const char *name)
{
	int	r = mfa_username_check(name);

	FUZZ_CHECK(r == MFA_OK || r == MFA_ERR_USERNAME);
	FUZZ_CHECK((r == MFA_OK) == username_reference(name));
	if (r == MFA_OK)
		FUZZ_CHECK(strchr(name, '/') == NULL &&
		    strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
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
	check_recovery(in);
	check_username(in);
	free(out);
	free(in);
	return 0;
}
