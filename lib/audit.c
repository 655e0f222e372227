/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Records for auditors in the Linux audit log, through libaudit, as
 * pam_faillock and libpam itself do.  One record per call, in the shape
 * libpam's own authentication records have, so that ausearch(8) and
 * aureport(8) read them alike:
 *
 *   op=pam_mfa-auth service=sshd factors=password,totp reason=ok
 *   acct="alice" exe="/usr/sbin/sshd" hostname=192.0.2.7 addr=192.0.2.7
 *   terminal=ssh res=success
 *
 * libaudit escapes the account name (audit_encode_nv_string) but prints
 * op, the host name and the terminal as they are, so those are reduced
 * here to characters that cannot start another field or record.  The
 * address is given explicitly (the host name when it is a numeric
 * address, else "?"): libaudit would otherwise resolve the host name,
 * and a login must not wait for DNS.
 *
 * Without audit support in the kernel, with auditing disabled, or
 * without the right to audit, nothing is written and MFA_OK is
 * returned: the caller's syslog line is the record then.  Other
 * failures are MFA_ERR_IO (MFA_ERR_NOMEM when memory runs out).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#include "internal.h"
#include "audit_clean.h"

/* op, space, detail, space, the encoded account name and its key. */
#define AUDIT_MSG_MAX		(AUDIT_OP_MAX + AUDIT_DETAIL_MAX + \
				 2 * MFA_USER_MAX + 32)

void
audit_clean(char *out, const char *in, size_t max, const char *allowed)
{
	size_t	i;
	int	c;

	for (i = 0; i < max && in[i] != '\0'; i++) {
		c = (unsigned char)in[i];
		if (allowed != NULL)
			out[i] = c != 0 && strchr(allowed, c) != NULL ?
			    (char)c : '?';
		else
			out[i] = c > ' ' && c < 0x7f && c != '"' &&
			    c != '\'' && c != '=' && c != '\\' ? (char)c : '?';
	}
	out[i] = '\0';
}

void
audit_clean_detail(char *out, const char *in)
{
	size_t	i, o = 0;

	for (i = 0; in[i] != '\0' && o < AUDIT_DETAIL_MAX; i++) {
		if (in[i] == ' ') {
			if (o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
			continue;
		}
		audit_clean(out + o, in + i, 1, AUDIT_DETAIL_CHARS);
		o++;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static int
numeric_address(const char *host)
{
	unsigned char	a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/*
 * Errors that mean "no audit here" rather than "audit failed": no
 * audit in the kernel, auditing disabled (ECONNREFUSED, also in a user
 * namespace), or no right to audit: a caller without CAP_AUDIT_WRITE,
 * or any process in a container's PID namespace (EPERM), as libpam
 * treats it.
 */
static int
no_audit(int err)
{
	return err == EPROTONOSUPPORT || err == EINVAL ||
	    err == EAFNOSUPPORT || err == ECONNREFUSED || err == EPERM;
}

int
mfa_audit(int kind, const char *op, const char *user, const char *detail,
    const char *rhost, const char *tty, int success)
{
	char	 opbuf[AUDIT_OP_MAX + 1], detbuf[AUDIT_DETAIL_MAX + 1];
	char	 host[AUDIT_HOST_MAX + 1], term[AUDIT_TTY_MAX + 1];
	char	 msg[AUDIT_MSG_MAX];
	char	*acct = NULL;
	int	 fd = -1, type, n, r, e;

	if (kind == MFA_AUDIT_AUTH)
		type = AUDIT_USER_AUTH;
	else if (kind == MFA_AUDIT_MGMT)
		type = AUDIT_USER_MGMT;
	else
		return MFA_ERR_INVAL;
	if (op == NULL || *op == '\0')
		return MFA_ERR_INVAL;
	audit_clean(opbuf, op, AUDIT_OP_MAX, AUDIT_OP_CHARS);
	audit_clean_detail(detbuf, detail != NULL ? detail : "");
	host[0] = term[0] = '\0';
	if (rhost != NULL)
		audit_clean(host, rhost, AUDIT_HOST_MAX, NULL);
	if (tty != NULL) {
		if (strncmp(tty, "/dev/", 5) == 0)
			tty += 5;
		audit_clean(term, tty, AUDIT_TTY_MAX, NULL);
	}
	/* Longer than any acceptable user name: recorded as "?". */
	if (user != NULL && strnlen(user, MFA_USER_MAX + 1) > MFA_USER_MAX)
		user = NULL;
	if ((acct = audit_encode_nv_string("acct", user, 0)) == NULL)
		return MFA_ERR_NOMEM;
	n = snprintf(msg, sizeof(msg), "op=%s%s%s %s", opbuf,
	    detbuf[0] != '\0' ? " " : "", detbuf, acct);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		r = MFA_ERR_TOOBIG;
		goto out;
	}

	errno = 0;
	if ((fd = audit_open()) < 0) {
		r = no_audit(errno) ? MFA_OK : MFA_ERR_IO;
		goto out;
	}
	/*
	 * Empty strings become "?" in libaudit; a NULL tty it would look
	 * up on the process's descriptors, which are not the user's in a
	 * daemon.
	 */
	errno = 0;
	n = audit_log_user_message(fd, type, msg, host,
	    host[0] != '\0' && numeric_address(host) ? host : "?", term,
	    success != 0);
	e = errno;
	/* > 0: sent; 0: libaudit hid a refusal (no audit daemon, EPERM). */
	if (n >= 0 || no_audit(-n) || no_audit(e))
		r = MFA_OK;
	else
		r = MFA_ERR_IO;
out:
	if (fd >= 0)
		audit_close(fd);
	free(acct);
	return r;
}
