/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: mfa_import_parse() of a pam_u2f authfile line (both
 * the U2F and the FIDO2 form); the invariants are in fuzz_import.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_import.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(MFA_IMPORT_PAM_U2F, data, size);
	return 0;
}
