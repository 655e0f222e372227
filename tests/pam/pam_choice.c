/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only PAM module, never installed: pam_authenticate returns the
 * code the test program chose for this line.  The line's argument
 * "id=N" picks the Nth number of the environment variable
 * PAM_CHOICE_RC ("0,7,25"); without one it fails (PAM_AUTH_ERR).
 */
#include <stdlib.h>
#include <string.h>

#include <security/pam_modules.h>

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	const char *rc = getenv("PAM_CHOICE_RC");
	char *end;
	long id = -1, i, v;
	int a;

	(void)pamh;
	(void)flags;
	for (a = 0; a < argc; a++)
		if (strncmp(argv[a], "id=", 3) == 0)
			id = strtol(argv[a] + 3, NULL, 10);
	if (rc == NULL || id < 0)
		return PAM_AUTH_ERR;
	for (i = 0; ; i++) {
		v = strtol(rc, &end, 10);
		if (end == rc)
			return PAM_AUTH_ERR;
		if (i == id)
			return (int)v;
		if (*end != ',')
			return PAM_AUTH_ERR;
		rc = end + 1;
	}
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
