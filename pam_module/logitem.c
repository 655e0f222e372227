/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PAM items on the module's log line (PAM_SERVICE, PAM_RHOST,
 * PAM_TTY): set by the application from what others chose (a client's
 * host name as sshd resolved it, a terminal name), so reduced to
 * bytes that cannot start another field or line.  A file of its own
 * so that its fuzz target (tests/fuzz/fuzz_logitem.c) builds it alone.
 */
#include "config.h"

#include <string.h>

#include "module.h"

void
log_item(char *out, size_t max, const char *in, const char *strip)
{
	size_t	i, n = 0;

	if (in != NULL && strip != NULL &&
	    strncmp(in, strip, strlen(strip)) == 0)
		in += strlen(strip);
	if (in == NULL || *in == '\0') {
		out[n++] = '-';
	} else {
		for (i = 0; in[i] != '\0' && n < max; i++)
			out[n++] = in[i] > ' ' && in[i] < 0x7f ? in[i] : '?';
	}
	out[n] = '\0';
}
