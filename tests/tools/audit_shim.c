/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LD_PRELOAD shim (tests only, never installed): stands in for the
 * three libaudit calls of mfa_audit() (lib/audit.c), so that a test
 * sees the audit records an unmodified mfactl sends without owning the
 * kernel's audit daemon slot (tests/pam/audit.sh does that part).
 * Each record is appended as one line to the file that MFA_AUDIT_LOG
 * names, in the form ausearch prints them:
 *
 *   type=USER_MGMT op=import id=1 type=totp format=pam_oath
 *   acct="alice" hostname=? addr=? terminal=? res=success
 *
 * (on one line).  Without MFA_AUDIT_LOG, audit_open() fails as it does
 * with auditing disabled, so mfa_audit() sends nothing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libaudit.h>

int
audit_open(void)
{
	const char	*path = getenv("MFA_AUDIT_LOG");
	int		 fd;

	if (path == NULL || *path == '\0') {
		errno = ECONNREFUSED;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	return fd;
}

static const char *
field(const char *s)
{
	return s != NULL && *s != '\0' ? s : "?";
}

int
audit_log_user_message(int audit_fd, int type, const char *message,
    const char *hostname, const char *addr, const char *tty, int result)
{
	const char	*name;
	char		 line[4096], num[16];
	int		 n;

	if (type == AUDIT_USER_MGMT)
		name = "USER_MGMT";
	else if (type == AUDIT_USER_AUTH)
		name = "USER_AUTH";
	else {
		(void)snprintf(num, sizeof(num), "%d", type);
		name = num;
	}
	n = snprintf(line, sizeof(line), "type=%s %s hostname=%s addr=%s "
	    "terminal=%s res=%s\n", name, field(message), field(hostname),
	    field(addr), field(tty), result ? "success" : "failed");
	if (n < 0 || (size_t)n >= sizeof(line)) {
		errno = EMSGSIZE;
		return -EMSGSIZE;
	}
	if (write(audit_fd, line, (size_t)n) != n)
		return -errno;
	return n;
}

void
audit_close(int fd)
{
	if (fd >= 0)
		(void)close(fd);
}
