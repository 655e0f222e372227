/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfa_audit() (lib/audit.c) against a recording stand-in for the three
 * libaudit calls it makes: this program's audit_open(),
 * audit_log_user_message() and audit_close() take the place of
 * libaudit's, as the library is linked in statically.  What reaches the
 * kernel with a real audit daemon is tests/pam/audit.sh's part.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#include "util.h"

#define FAKE_FD	42

/* What the stand-ins saw, and what they are to do. */
static struct {
	int	open_errno;	/* audit_open() fails with it if set */
	int	send_ret;	/* audit_log_user_message()'s return */
	int	send_errno;
	int	opened;
	int	closed;
	int	sent;
	int	type;
	char	msg[2048];
	char	host[512];
	char	addr[512];
	char	tty[512];
	int	result;
} fake;

int
audit_open(void)
{
	fake.opened++;
	if (fake.open_errno != 0) {
		errno = fake.open_errno;
		return -1;
	}
	return FAKE_FD;
}

void
audit_close(int fd)
{
	assert_int_equal(fd, FAKE_FD);
	fake.closed++;
}

static void
copy(char *out, size_t size, const char *in)
{
	/* NULL is recorded as "(null)": libaudit would look it up. */
	(void)snprintf(out, size, "%s", in != NULL ? in : "(null)");
}

int
audit_log_user_message(int audit_fd, int type, const char *message,
    const char *hostname, const char *addr, const char *tty, int result)
{
	assert_int_equal(audit_fd, FAKE_FD);
	fake.sent++;
	fake.type = type;
	copy(fake.msg, sizeof(fake.msg), message);
	copy(fake.host, sizeof(fake.host), hostname);
	copy(fake.addr, sizeof(fake.addr), addr);
	copy(fake.tty, sizeof(fake.tty), tty);
	fake.result = result;
	errno = fake.send_errno;
	return fake.send_ret;
}

static int
setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.send_ret = 1;
	return 0;
}

static void
test_auth_record(void **state)
{
	(void)state;
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "pam_mfa-auth", "alice",
	    "service=sshd factors=password,totp reason=ok", "192.0.2.7",
	    "/dev/pts/3", 1), MFA_OK);
	assert_int_equal(fake.sent, 1);
	assert_int_equal(fake.type, AUDIT_USER_AUTH);
	assert_string_equal(fake.msg, "op=pam_mfa-auth service=sshd "
	    "factors=password,totp reason=ok acct=\"alice\"");
	assert_string_equal(fake.host, "192.0.2.7");
	/* A numeric host is its own address: nothing to resolve. */
	assert_string_equal(fake.addr, "192.0.2.7");
	assert_string_equal(fake.tty, "pts/3");
	assert_int_equal(fake.result, 1);
	assert_int_equal(fake.opened, 1);
	assert_int_equal(fake.closed, 1);
}

static void
test_mgmt_record(void **state)
{
	(void)state;
	assert_int_equal(mfa_audit(MFA_AUDIT_MGMT, "pam_mfa-lockout", "bob",
	    NULL, "2001:db8::1", "ssh", 0), MFA_OK);
	assert_int_equal(fake.type, AUDIT_USER_MGMT);
	assert_string_equal(fake.msg, "op=pam_mfa-lockout acct=\"bob\"");
	assert_string_equal(fake.addr, "2001:db8::1");
	assert_int_equal(fake.result, 0);
	assert_int_equal(fake.closed, 1);
}

/* No user, host or tty: "?" throughout, and no look-ups by libaudit. */
static void
test_unknowns(void **state)
{
	(void)state;
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "pam_mfa-auth", NULL,
	    "", NULL, NULL, 0), MFA_OK);
	assert_string_equal(fake.msg, "op=pam_mfa-auth acct=\"?\"");
	assert_string_equal(fake.host, "");
	assert_string_equal(fake.addr, "?");
	assert_string_equal(fake.tty, "");
}

/*
 * Fields libaudit prints as they are cannot forge others: op, detail,
 * host and tty lose spaces, quotes and control characters; a host name
 * is not resolved; the account name is encoded by libaudit.
 */
static void
test_escaping(void **state)
{
	(void)state;
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "op x'\"\n",
	    "bad user\"", "a=b\"  c='d'\n res=success  ",
	    "evil host\nres=success", "tty 1\"", 0), MFA_OK);
	assert_string_equal(fake.msg, "op=op?x??? a=b? c=?d?? res=success "
	    "acct=626164207573657222");
	assert_string_equal(fake.host, "evil?host?res?success");
	assert_string_equal(fake.addr, "?");
	assert_string_equal(fake.tty, "tty?1?");

	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", "carol", NULL,
	    "host.example.org", "\x01\xc3\xa9", 1), MFA_OK);
	assert_string_equal(fake.host, "host.example.org");
	assert_string_equal(fake.addr, "?");
	assert_string_equal(fake.tty, "???");
}

/* Over-long fields are cut, never the record refused. */
static void
test_long_fields(void **state)
{
	char detail[2000], host[600], want[600];

	(void)state;
	memset(detail, 'd', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", "dave", detail,
	    host, NULL, 1), MFA_OK);
	/* "op=x " + 512 bytes of detail + " acct=\"dave\"". */
	assert_int_equal(strlen(fake.msg), 5 + 512 + 12);
	memset(want, 'h', 255);
	want[255] = '\0';
	assert_string_equal(fake.host, want);

	/* A "user name" longer than any valid one is not recorded. */
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", detail, NULL, NULL,
	    NULL, 1), MFA_OK);
	assert_string_equal(fake.msg, "op=x acct=\"?\"");
}

static void
test_bad_args(void **state)
{
	(void)state;
	assert_int_equal(mfa_audit(0, "x", NULL, NULL, NULL, NULL, 1),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_audit(3, "x", NULL, NULL, NULL, NULL, 1),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, NULL, NULL, NULL, NULL,
	    NULL, 1), MFA_ERR_INVAL);
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "", NULL, NULL, NULL,
	    NULL, 1), MFA_ERR_INVAL);
	assert_int_equal(fake.opened, 0);
}

/* No audit in the kernel: nothing sent, silently fine. */
static void
test_no_kernel_audit(void **state)
{
	static const int no[] = { EPROTONOSUPPORT, EINVAL, EAFNOSUPPORT };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		fake.open_errno = no[i];
		assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", "alice", NULL,
		    NULL, NULL, 1), MFA_OK);
	}
	assert_int_equal(fake.sent, 0);
	assert_int_equal(fake.closed, 0);
	/* Anything else is an error the caller logs. */
	fake.open_errno = EMFILE;
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", "alice", NULL, NULL,
	    NULL, 1), MFA_ERR_IO);
}

/* Auditing disabled or no daemon: fine; a real failure is an error. */
static void
test_send_results(void **state)
{
	(void)state;
	fake.send_ret = 0;	/* libaudit hid ECONNREFUSED */
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", "alice", NULL, NULL,
	    NULL, 1), MFA_OK);
	fake.send_ret = -ECONNREFUSED;
	fake.send_errno = ECONNREFUSED;
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", "alice", NULL, NULL,
	    NULL, 1), MFA_OK);
	fake.send_ret = -ENOBUFS;
	fake.send_errno = ENOBUFS;
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", "alice", NULL, NULL,
	    NULL, 1), MFA_ERR_IO);
	/* EPERM: no right to audit (no CAP_AUDIT_WRITE, a container). */
	fake.send_ret = -EPERM;
	fake.send_errno = EPERM;
	assert_int_equal(mfa_audit(MFA_AUDIT_AUTH, "x", "alice", NULL, NULL,
	    NULL, 1), MFA_OK);
	/* The socket is closed every time. */
	assert_int_equal(fake.closed, fake.opened);
	assert_int_equal(fake.closed, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_auth_record, setup),
		cmocka_unit_test_setup(test_mgmt_record, setup),
		cmocka_unit_test_setup(test_unknowns, setup),
		cmocka_unit_test_setup(test_escaping, setup),
		cmocka_unit_test_setup(test_long_fields, setup),
		cmocka_unit_test_setup(test_bad_args, setup),
		cmocka_unit_test_setup(test_no_kernel_audit, setup),
		cmocka_unit_test_setup(test_send_results, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
