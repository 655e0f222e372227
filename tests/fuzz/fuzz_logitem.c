/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: log_item() (pam_module/logitem.c), which puts the PAM
 * items PAM_SERVICE, PAM_RHOST and PAM_TTY on the module's log line.
 * The remote host comes from sshd (a DNS name a client's owner chose),
 * the terminal and service from the application.  The input, up to
 * its first NUL, is the item; each is tried without a prefix to strip
 * and with "/dev/", at the bounds pam_mfa.c uses and a few more.
 *
 * Checked against the contract in module.h, written out again here:
 * without the prefix (when the item starts with it), an empty item or
 * none gives "-"; otherwise exactly min(strlen, max) bytes, each the
 * item's byte when it is printable ASCII other than space, else '?',
 * then a NUL, and nothing written beyond out[max].  So no output holds
 * a space, a control byte, DEL or a byte >= 0x80: a host name cannot
 * add a field or a line to the log.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "fuzz.h"

#define GUARD		16	/* bytes after out[max] that stay 'X' */
#define BOUND_MAX	1024	/* the largest max tried */

/* Static: see fuzz_escape.c (fresh buffers cost page faults). */
static char	out[BOUND_MAX + 1 + GUARD];

static void
check_item(const char *in, size_t max, const char *strip)
{
	const char	*p = in;
	size_t		 i, len;

	memset(out, 'X', sizeof(out));
	log_item(out, max, in, strip);
	if (p != NULL && strip != NULL &&
	    strncmp(p, strip, strlen(strip)) == 0)
		p += strlen(strip);
	if (p == NULL || *p == '\0') {
		FUZZ_CHECK(strcmp(out, "-") == 0);
		len = 1;
	} else {
		len = strnlen(p, max);
		FUZZ_CHECK(out[len] == '\0');
		for (i = 0; i < len; i++) {
			if (p[i] > ' ' && p[i] < 0x7f)
				FUZZ_CHECK(out[i] == p[i]);
			else
				FUZZ_CHECK(out[i] == '?');
		}
	}
	for (i = 0; i < len; i++)
		FUZZ_CHECK(out[i] > ' ' && out[i] < 0x7f);
	for (i = len + 1; i < sizeof(out); i++)
		FUZZ_CHECK(out[i] == 'X');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 bounds[] = { 1, 2, 5, LOG_ITEM_MAX,
	    LOG_HOST_MAX, BOUND_MAX };
	char			*in = fuzz_cstr(data, size);
	size_t			 i;

	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		check_item(in, bounds[i], NULL);
		check_item(in, bounds[i], "/dev/");
	}
	check_item(NULL, LOG_ITEM_MAX, "/dev/");
	free(in);
	return 0;
}
