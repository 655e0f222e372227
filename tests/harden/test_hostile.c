/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hostile-input table: pam_mfa.so under the real Linux-PAM
 * (pam_wrapper, libpamtest) against hostile user names, codes, store
 * and state files, configurations, conversations and clocks.  Each row
 * gives the PAM result, the audit line's reason= and what may change in
 * the store, which is snapshotted (every entry: type, mode, owner,
 * bytes) before and after.  Only the rows marked POSITIVE (the
 * controls) may return PAM_SUCCESS.
 *
 * Run by tests/harden/run.sh inside tests/pam/ns-run.sh's namespace,
 * with tests/harden/faketime.c preloaded for the clock rows.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <security/pam_appl.h>

#include "mfa.h"
#include "hpam.h"

#define U0		0		/* the enrolled user's index */
#define STATE_SLOT	4096		/* MFA_STATE_SLOT */
#define CASE_TIMEOUT	20		/* seconds: nothing may hang */

/* What may change in the store. */
#define CH_NONE		0	/* nothing: byte for byte the same */
#define CH_STATE	1	/* NAME.state must change (failure counted) */
#define CH_POSITIVE	2	/* a positive control: state changes */

/* Set-ups applied after the enrolment of hz-user00. */
enum setup {
	S_NONE, S_NOT_ENROLLED, S_REPLAY, S_LOCKED,
	/* the credentials file NAME */
	S_TRUNC_HALF, S_TRUNC_ZERO, S_GARBAGE, S_BIG, S_OWNER, S_MODE666,
	S_MODE640, S_SYMLINK, S_DIR, S_FIFO, S_VERSION, S_DUP, S_UNKNOWN_REC,
	S_BAD_SECRET, S_USER_MISMATCH, S_NUL, S_NAME_MISSING,
	/* the state file NAME.state */
	S_ST_TRUNC, S_ST_ZERO, S_ST_GARBAGE, S_ST_BIG, S_ST_SYMLINK,
	S_ST_FIFO, S_ST_DIR, S_ST_MISSING, S_ST_MODE666, S_ST_OWNER,
	S_ST_BADSUM, S_ST_LOCKED_MAX, S_ST_BAD_VERSION,
	/* the configuration */
	C_UNKNOWN_KEY, C_BAD_SYNTAX, C_DUP_SECTION, C_DUP_KEY, C_DIR,
	C_FIFO, C_MISSING, C_MODE666, C_OWNER, C_BIG, C_NUL, C_BAD_EXPR,
	C_EMPTY_EXPR, C_NUM_OVERFLOW, C_NEGATIVE, C_REL_STORE,
	C_UNKNOWN_SECTION, C_LONG_LINE, C_SYMLINK_UNSAFE,
	/* the clock */
	K_PAST, K_FUTURE, K_EPOCH, K_NEGATIVE, K_FAR_BOTH, K_HUGE,
	K_HUGE_LOCK,
};

/* Answer tokens, resolved per row. */
#define A_PW		"\001pw"	/* hz-user00's password */
#define A_CODE		"\001code"	/* the right code (next step) */
#define A_CODE_SP	"\001code-sp"	/* "123 456" */
#define A_CODE_DASH	"\001code-dash"	/* "123-456" */
#define A_CODE_FW	"\001code-fw"	/* full-width digits */
#define A_CODE_AR	"\001code-ar"	/* Arabic-Indic digits */
#define A_CODE_NL	"\001code-nl"	/* with a trailing newline */
#define A_CODE_OLD	"\001code-old"	/* four steps ago */
#define A_CODE_PLUS	"\001code-plus"	/* "+123456" */
#define A_CODE_7	"\001code-7"	/* the right code and one digit */
#define A_WRONG		"\001wrong"	/* well-formed, wrong */
#define A_PW_BIG	"\001pw-big"	/* 64 KiB */
#define A_LONG_DIGITS	"\001digits-1000"
#define A_USER		"\001user"	/* hz-user00 (login prompt) */
#define A_ODD_PW	"\001odd-pw"	/* HP_ODD_USER's password */

/* User tokens. */
#define U_LONG300	"\001long300"
#define U_LONG65	"\001long65"
#define U_LONG64	"\001long64"
#define U_NULL		"\001null"	/* PAM asks for the name */

struct row {
	const char	*name;
	enum setup	 setup;
	const char	*user;
	const char	*a0, *a1, *a2;
	int		 conv;		/* HP_CONV_* */
	int		 fail_at;
	int		 rc;		/* expected PAM result */
	const char	*reason;	/* expected reason= */
	int		 change;	/* CH_* */
	int		 bug;		/* a known bug: only with --bugs */
};

#define POSITIVE	PAM_SUCCESS
#define AUTH		PAM_AUTH_ERR
#define SERVICE		PAM_SERVICE_ERR
#define USER0		"hz-user00"
#define ROW(n, s, u, a0, a1, rc, reason, ch) \
	{ n, s, u, a0, a1, NULL, HP_CONV_ANSWER, 0, rc, reason, ch, 0 }
/* A row that fails because of a known bug (see the report). */
#define BUGROW(n, s, u, a0, a1, rc, reason, ch) \
	{ n, s, u, a0, a1, NULL, HP_CONV_ANSWER, 0, rc, reason, ch, 1 }
#define CONV(n, mode, at, rc, reason) \
	{ n, S_NONE, USER0, A_PW, A_CODE, NULL, mode, at, rc, reason, \
	    CH_NONE, 0 }

static const struct row rows[] = {
	/* Positive controls: the only rows that may succeed. */
	ROW("control: right password and code", S_NONE, USER0, A_PW, A_CODE,
	    POSITIVE, "ok", CH_POSITIVE),
	ROW("control: code typed as 123 456", S_NONE, USER0, A_PW,
	    A_CODE_SP, POSITIVE, "ok", CH_POSITIVE),
	ROW("control: code typed as 123-456", S_NONE, USER0, A_PW,
	    A_CODE_DASH, POSITIVE, "ok", CH_POSITIVE),
	ROW("control: odd but valid user name", S_NONE, HP_ODD_USER,
	    A_ODD_PW, A_CODE, POSITIVE, "ok", CH_POSITIVE),
	ROW("control: clock in 2100 at enrolment and login", K_FAR_BOTH,
	    USER0, A_PW, A_CODE, POSITIVE, "ok", CH_POSITIVE),
	{ "control: user name from the login prompt", S_NONE, U_NULL,
	    A_USER, A_PW, A_CODE, HP_CONV_ANSWER, 0, POSITIVE, "ok",
	    CH_POSITIVE, 0 },

	/* User names. */
	ROW("user ../../etc/passwd", S_NONE, "../../etc/passwd", A_PW,
	    A_CODE, AUTH, "bad_username", CH_NONE),
	ROW("user a/b", S_NONE, "a/b", A_PW, A_CODE, AUTH, "bad_username",
	    CH_NONE),
	ROW("user empty", S_NONE, "", A_PW, A_CODE, AUTH, "bad_username",
	    CH_NONE),
	ROW("user 300 characters", S_NONE, U_LONG300, A_PW, A_CODE, AUTH,
	    "bad_username", CH_NONE),
	ROW("user 65 characters", S_NONE, U_LONG65, A_PW, A_CODE, AUTH,
	    "bad_username", CH_NONE),
	ROW("user 64 characters (valid, unknown)", S_NONE, U_LONG64, A_PW,
	    A_CODE, AUTH, "unknown_user", CH_NONE),
	ROW("user leading -", S_NONE, "-hz-user00", A_PW, A_CODE, AUTH,
	    "bad_username", CH_NONE),
	ROW("user leading .", S_NONE, ".hz-user00", A_PW, A_CODE, AUTH,
	    "bad_username", CH_NONE),
	ROW("user ..", S_NONE, "..", A_PW, A_CODE, AUTH, "bad_username",
	    CH_NONE),
	ROW("user newline and forged audit", S_NONE,
	    "hz-user00\nresult=success", A_PW, A_CODE, AUTH, "bad_username",
	    CH_NONE),
	ROW("user tab", S_NONE, "hz\tuser00", A_PW, A_CODE, AUTH,
	    "bad_username", CH_NONE),
	ROW("user escape sequence", S_NONE, "\033[31mhz-user00", A_PW,
	    A_CODE, AUTH, "bad_username", CH_NONE),
	ROW("user non-ASCII (Japanese)", S_NONE,
	    "\xe5\x88\xa9\xe7\x94\xa8\xe8\x80\x85", A_PW, A_CODE, AUTH,
	    "bad_username", CH_NONE),
	ROW("user non-ASCII (Latin-1 look-alike)", S_NONE, "hz-us\xc3\xa9r00",
	    A_PW, A_CODE, AUTH, "bad_username", CH_NONE),
	ROW("user ending in .state", S_NONE, "hz-user00.state", A_PW,
	    A_CODE, AUTH, "bad_username", CH_NONE),
	ROW("user format string", S_NONE, "%s%n%x", A_PW, A_CODE, AUTH,
	    "bad_username", CH_NONE),
	ROW("user trailing space", S_NONE, "hz-user00 ", A_PW, A_CODE, AUTH,
	    "bad_username", CH_NONE),
	ROW("user upper case (unknown)", S_NONE, "HZ-USER00", A_PW, A_CODE,
	    AUTH, "unknown_user", CH_NONE),
	ROW("user root, not enrolled", S_NONE, "root", A_PW, A_CODE, AUTH,
	    "not_enrolled", CH_NONE),

	/* Codes and passwords. */
	ROW("code letters", S_NONE, USER0, A_PW, "abcdef", AUTH,
	    "bad_code_format", CH_STATE),
	ROW("code too short", S_NONE, USER0, A_PW, "12345", AUTH,
	    "bad_code_format", CH_STATE),
	ROW("code 7 digits", S_NONE, USER0, A_PW, A_CODE_7, AUTH,
	    "bad_code_format", CH_STATE),
	ROW("code 20 digits", S_NONE, USER0, A_PW, "12345678901234567890",
	    AUTH, "bad_code_format", CH_STATE),
	ROW("code 1000 digits", S_NONE, USER0, A_PW, A_LONG_DIGITS, AUTH,
	    "bad_code_format", CH_STATE),
	ROW("code spaces only", S_NONE, USER0, A_PW, "      ", AUTH,
	    "bad_code_format", CH_STATE),
	ROW("code empty", S_NONE, USER0, A_PW, "", AUTH, "bad_code_format",
	    CH_STATE),
	ROW("code full-width digits of the right code", S_NONE, USER0, A_PW,
	    A_CODE_FW, AUTH, "bad_code_format", CH_STATE),
	ROW("code Arabic-Indic digits of the right code", S_NONE, USER0,
	    A_PW, A_CODE_AR, AUTH, "bad_code_format", CH_STATE),
	ROW("code with a trailing newline", S_NONE, USER0, A_PW, A_CODE_NL,
	    AUTH, "bad_code_format", CH_STATE),
	ROW("code with a plus sign", S_NONE, USER0, A_PW, A_CODE_PLUS, AUTH,
	    "bad_code_format", CH_STATE),
	ROW("code format string", S_NONE, USER0, A_PW, "%n%n%n", AUTH,
	    "bad_code_format", CH_STATE),
	ROW("code wrong", S_NONE, USER0, A_PW, A_WRONG, AUTH, "bad_code",
	    CH_STATE),
	ROW("code from four steps ago", S_NONE, USER0, A_PW, A_CODE_OLD,
	    AUTH, "bad_code", CH_STATE),
	ROW("code replayed", S_REPLAY, USER0, A_PW, A_CODE, AUTH, "replay",
	    CH_STATE),
	ROW("right code while locked out", S_LOCKED, USER0, A_PW, A_CODE,
	    AUTH, "locked", CH_NONE),
	ROW("wrong password, right code (not consumed)", S_NONE, USER0,
	    "not-the-password", A_CODE, AUTH, "bad_password", CH_NONE),
	ROW("password 64 KiB", S_NONE, USER0, A_PW_BIG, A_CODE, AUTH,
	    "bad_password", CH_NONE),
	ROW("password empty", S_NONE, USER0, "", A_CODE, AUTH,
	    "bad_password", CH_NONE),
	ROW("user not enrolled", S_NOT_ENROLLED, USER0, A_PW, "123456", AUTH,
	    "not_enrolled", CH_NONE),

	/* The credentials file. */
	ROW("store truncated to half", S_TRUNC_HALF, USER0, A_PW, A_CODE,
	    AUTH, "store_error", CH_NONE),
	ROW("store truncated to 0 bytes", S_TRUNC_ZERO, USER0, A_PW, A_CODE,
	    AUTH, "store_error", CH_NONE),
	ROW("store binary garbage", S_GARBAGE, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store 10 MB", S_BIG, USER0, A_PW, A_CODE, AUTH, "store_error",
	    CH_NONE),
	ROW("store wrong owner", S_OWNER, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store mode 0666", S_MODE666, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store mode 0640", S_MODE640, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store symlink", S_SYMLINK, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store is a directory", S_DIR, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store is a FIFO (no hang)", S_FIFO, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store unknown version", S_VERSION, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store duplicate record", S_DUP, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store unknown record type", S_UNKNOWN_REC, USER0, A_PW, A_CODE,
	    AUTH, "store_error", CH_NONE),
	ROW("store bad secret", S_BAD_SECRET, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store of another user", S_USER_MISMATCH, USER0, A_PW, A_CODE,
	    AUTH, "store_error", CH_NONE),
	ROW("store with a NUL byte", S_NUL, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("store file missing, state present", S_NAME_MISSING, USER0,
	    A_PW, A_CODE, AUTH, "not_enrolled", CH_NONE),

	/* The state file. */
	ROW("state truncated", S_ST_TRUNC, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("state all zero", S_ST_ZERO, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("state binary garbage", S_ST_GARBAGE, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("state 1 MB", S_ST_BIG, USER0, A_PW, A_CODE, AUTH, "store_error",
	    CH_NONE),
	ROW("state symlink", S_ST_SYMLINK, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("state is a FIFO (no hang)", S_ST_FIFO, USER0, A_PW, A_CODE,
	    AUTH, "store_error", CH_NONE),
	ROW("state is a directory", S_ST_DIR, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	/* Safer than the brief's NOTENROLLED: no "unenrolled = allow". */
	ROW("state missing", S_ST_MISSING, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("state mode 0666", S_ST_MODE666, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("state wrong owner", S_ST_OWNER, USER0, A_PW, A_CODE, AUTH,
	    "store_error", CH_NONE),
	ROW("state checksums broken", S_ST_BADSUM, USER0, A_PW, A_CODE,
	    AUTH, "store_error", CH_NONE),
	ROW("state locked until INT64_MAX", S_ST_LOCKED_MAX, USER0, A_PW,
	    A_CODE, AUTH, "locked", CH_NONE),
	ROW("state unknown version", S_ST_BAD_VERSION, USER0, A_PW, A_CODE,
	    AUTH, "store_error", CH_NONE),

	/* The configuration. */
	ROW("config unknown key", C_UNKNOWN_KEY, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config bad syntax", C_BAD_SYNTAX, USER0, A_PW, A_CODE, SERVICE,
	    "config_error", CH_NONE),
	ROW("config duplicated section", C_DUP_SECTION, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config duplicated key", C_DUP_KEY, USER0, A_PW, A_CODE, SERVICE,
	    "config_error", CH_NONE),
	ROW("config unreadable (a directory)", C_DIR, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	/* BUG: config_load_file() opens without O_NONBLOCK and hangs. */
	ROW("config is a FIFO (no hang)", C_FIFO, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config missing", C_MISSING, USER0, A_PW, A_CODE, SERVICE,
	    "config_error", CH_NONE),
	ROW("config mode 0666", C_MODE666, USER0, A_PW, A_CODE, SERVICE,
	    "config_error", CH_NONE),
	ROW("config wrong owner", C_OWNER, USER0, A_PW, A_CODE, SERVICE,
	    "config_error", CH_NONE),
	ROW("config 10 MB", C_BIG, USER0, A_PW, A_CODE, SERVICE,
	    "config_error", CH_NONE),
	ROW("config with a NUL byte", C_NUL, USER0, A_PW, A_CODE, SERVICE,
	    "config_error", CH_NONE),
	ROW("config require dangling AND", C_BAD_EXPR, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config require empty", C_EMPTY_EXPR, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config number overflow", C_NUM_OVERFLOW, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config negative number", C_NEGATIVE, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config relative store", C_REL_STORE, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config unknown section", C_UNKNOWN_SECTION, USER0, A_PW, A_CODE,
	    SERVICE, "config_error", CH_NONE),
	ROW("config 100 KB line", C_LONG_LINE, USER0, A_PW, A_CODE, SERVICE,
	    "config_error", CH_NONE),
	ROW("config symlink to a world-writable file", C_SYMLINK_UNSAFE,
	    USER0, A_PW, A_CODE, SERVICE, "config_error", CH_NONE),

	/* The conversation. */
	CONV("conversation error at the password", HP_CONV_ERROR, 0, AUTH,
	    "conv_error"),
	CONV("conversation error at the code", HP_CONV_ERROR, 1, AUTH,
	    "conv_error"),
	CONV("conversation NULL response array (password)",
	    HP_CONV_NULL_ARRAY, 0, AUTH, "conv_error"),
	CONV("conversation NULL response array (code)", HP_CONV_NULL_ARRAY,
	    1, AUTH, "conv_error"),
	CONV("conversation NULL response text (password)", HP_CONV_NULL_TEXT,
	    0, AUTH, "conv_error"),
	CONV("conversation NULL response text (code)", HP_CONV_NULL_TEXT, 1,
	    AUTH, "conv_error"),
	CONV("conversation PAM_BUF_ERR at the code", HP_CONV_BUF_ERR, 1,
	    PAM_BUF_ERR, "conv_error"),
	{ "conversation error at the login prompt", S_NONE, U_NULL, A_USER,
	    A_PW, A_CODE, HP_CONV_ERROR, 0, AUTH, "conv_error", CH_NONE, 0 },

	/* The clock. */
	ROW("clock in 1970 at login", K_PAST, USER0, A_PW, A_CODE, AUTH,
	    "bad_code", CH_STATE),
	ROW("clock in 2262 at login", K_FUTURE, USER0, A_PW, A_CODE, AUTH,
	    "bad_code", CH_STATE),
	ROW("clock at the epoch, code of step 0", K_EPOCH, USER0, A_PW,
	    A_CODE, AUTH, "replay", CH_STATE),
	/* Every user looks locked before 1970 (locked-until 0 > now). */
	ROW("clock before the epoch", K_NEGATIVE, USER0, A_PW, A_CODE, AUTH,
	    "locked", CH_NONE),
	ROW("clock near INT64_MAX", K_HUGE, USER0, A_PW, A_CODE, AUTH,
	    "bad_code", CH_STATE),
	/* locked-until = now + lockout_time saturates, never wraps. */
	ROW("clock near INT64_MAX, locking failure", K_HUGE_LOCK, USER0,
	    A_PW, A_CODE, AUTH, "bad_code", CH_STATE),
};
#define NROWS	(sizeof(rows) / sizeof(rows[0]))

static char *store;
static struct hp_totp tot;
static char code_buf[7];
static int positives;		/* PAM_SUCCESS results seen */
static const char *current;	/* row name, for the alarm */

static void
on_alarm(int sig)
{
	static const char msg[] = "hostile: a login hung (timeout)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0 || current == NULL ||
	    write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0)
		exit(1);
	/* exit, not _exit: pam_wrapper's destructor removes its /tmp dir. */
	exit(1);
}

/* ---- answers ----------------------------------------------------- */

/* Digit d of the code as a multi-byte character from base. */
static char *
code_wide(const char *code, unsigned char b0, unsigned char b1,
    unsigned char b2, int three)
{
	char *out, *p;
	size_t i;

	if ((out = calloc(1, 4 * strlen(code) + 1)) == NULL)
		fail_msg("calloc");
	for (p = out, i = 0; code[i] != '\0'; i++) {
		if (three) {
			*p++ = (char)b0;
			*p++ = (char)b1;
			*p++ = (char)(b2 + (code[i] - '0'));
		} else {
			*p++ = (char)b0;
			*p++ = (char)(b1 + (code[i] - '0'));
		}
	}
	return out;
}

/* Resolves an answer token into a malloc'd string (NULL stays NULL). */
static char *
resolve(const char *a)
{
	char *s = NULL, c7[7];
	size_t n;

	if (a == NULL)
		return NULL;
	if (a[0] != '\001') {
		s = strdup(a);
	} else if (strcmp(a, A_PW) == 0) {
		s = strdup(hp_password(U0));
	} else if (strcmp(a, A_ODD_PW) == 0) {
		s = strdup(hp_password(HP_ODD_INDEX));
	} else if (strcmp(a, A_USER) == 0) {
		s = strdup(USER0);
	} else if (strcmp(a, A_CODE) == 0) {
		s = strdup(code_buf);
	} else if (strcmp(a, A_CODE_SP) == 0) {
		if (asprintf(&s, "%.3s %s", code_buf, code_buf + 3) < 0)
			s = NULL;
	} else if (strcmp(a, A_CODE_DASH) == 0) {
		if (asprintf(&s, "%.3s-%s", code_buf, code_buf + 3) < 0)
			s = NULL;
	} else if (strcmp(a, A_CODE_FW) == 0) {
		s = code_wide(code_buf, 0xef, 0xbc, 0x90, 1);
	} else if (strcmp(a, A_CODE_AR) == 0) {
		s = code_wide(code_buf, 0xd9, 0xa0, 0, 0);
	} else if (strcmp(a, A_CODE_NL) == 0) {
		if (asprintf(&s, "%s\n", code_buf) < 0)
			s = NULL;
	} else if (strcmp(a, A_CODE_PLUS) == 0) {
		if (asprintf(&s, "+%s", code_buf) < 0)
			s = NULL;
	} else if (strcmp(a, A_CODE_7) == 0) {
		if (asprintf(&s, "%s0", code_buf) < 0)
			s = NULL;
	} else if (strcmp(a, A_CODE_OLD) == 0) {
		hp_code(&tot, tot.step - 4, c7);
		s = strdup(c7);
	} else if (strcmp(a, A_WRONG) == 0) {
		hp_wrong_code(&tot, tot.step + 1, c7);
		s = strdup(c7);
	} else if (strcmp(a, A_PW_BIG) == 0) {
		n = 64 * 1024;
		if ((s = malloc(n + 1)) != NULL) {
			memset(s, 'p', n);
			s[n] = '\0';
		}
	} else if (strcmp(a, A_LONG_DIGITS) == 0) {
		n = 1000;
		if ((s = malloc(n + 1)) != NULL) {
			memset(s, '7', n);
			s[n] = '\0';
		}
	} else {
		fail_msg("unknown token %s", a + 1);
	}
	if (s == NULL)
		fail_msg("out of memory");
	return s;
}

static char *
resolve_user(const char *u)
{
	char *s;
	size_t n;

	if (strcmp(u, U_NULL) == 0)
		return NULL;
	if (strcmp(u, U_LONG300) == 0)
		n = 300;
	else if (strcmp(u, U_LONG65) == 0)
		n = 65;
	else if (strcmp(u, U_LONG64) == 0)
		n = 64;
	else
		return strdup(u);
	if ((s = malloc(n + 1)) == NULL)
		fail_msg("malloc");
	memset(s, 'u', n);
	s[n] = '\0';
	return s;
}

/* ---- set-ups ----------------------------------------------------- */

static char *
read_all(const char *path, size_t *len)
{
	FILE *f;
	char *buf;
	size_t cap = 1 << 20;

	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	if ((buf = malloc(cap + 1)) == NULL)
		fail_msg("malloc");
	*len = fread(buf, 1, cap, f);
	buf[*len] = '\0';
	(void)fclose(f);
	return buf;
}

/* Replaces the first occurrence of from in the file at path by to. */
static void
edit(const char *path, const char *from, const char *to)
{
	char *buf, *p, *out;
	size_t len;

	buf = read_all(path, &len);
	if ((p = strstr(buf, from)) == NULL)
		fail_msg("%s: no \"%s\" in:\n%s", path, from, buf);
	if (asprintf(&out, "%.*s%s%s", (int)(p - buf), buf, to,
	    p + strlen(from)) < 0)
		fail_msg("asprintf");
	hp_write_file(path, out, strlen(out), 0600);
	free(out);
	free(buf);
}

static void
fill(const char *path, size_t len, int garbage, mode_t mode)
{
	unsigned char *buf;
	size_t i;
	uint32_t x = 0x9e3779b9;

	if ((buf = malloc(len > 0 ? len : 1)) == NULL)
		fail_msg("malloc");
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = garbage ? (unsigned char)x : (unsigned char)('a' +
		    i % 26);
		if (!garbage && i % 64 == 63)
			buf[i] = '\n';
	}
	hp_write_file(path, buf, len, mode);
	free(buf);
}

/* A state slot with a valid checksum: text, sha256 line, NULs. */
static void
write_state(const char *path, int version, const char *body)
{
	unsigned char md[32], *buf;
	unsigned int mdlen = 0;
	size_t len, i;
	int slot;

	if ((buf = calloc(2, STATE_SLOT)) == NULL)
		fail_msg("calloc");
	for (slot = 0; slot < 2; slot++) {
		char *b = (char *)buf + slot * STATE_SLOT;

		(void)snprintf(b, STATE_SLOT, "pam_mfa-state %d\nseq %d\n%s",
		    version, slot == 0 ? 900 : 901, body);
		len = strlen(b);
		if (EVP_Digest(b, len, md, &mdlen, EVP_sha256(), NULL) != 1)
			fail_msg("EVP_Digest");
		len += (size_t)snprintf(b + len, STATE_SLOT - len, "sha256 ");
		for (i = 0; i < 32; i++)
			len += (size_t)snprintf(b + len, STATE_SLOT - len,
			    "%02x", md[i]);
		(void)snprintf(b + len, STATE_SLOT - len, "\n");
	}
	hp_write_file(path, buf, 2 * STATE_SLOT, 0600);
	free(buf);
}

static void
apply_setup(const struct row *r)
{
	char *file, *state, *other, *cfg;
	char extra[PATH_MAX + 16];
	size_t len;
	struct hp_conv cv;
	char bad[7];
	int i;

	file = hp_path(store, USER0);
	state = hp_path(store, USER0 ".state");
	other = hp_path(hp_work, "tmp/hostile-other");
	hp_rmtree(other);
	switch (r->setup) {
	case S_NONE:
	case S_NOT_ENROLLED:
	case K_FAR_BOTH:
		break;
	case S_REPLAY:
		hp_conv_set(&cv, hp_password(U0), code_buf);
		assert_int_equal(hp_auth(HP_SERVICE, USER0, &cv), PAM_SUCCESS);
		break;
	case S_LOCKED:
		hp_write_config(store, "lockout_attempts = 3\n");
		hp_wrong_code(&tot, tot.step + 1, bad);
		for (i = 0; i < 3; i++) {
			hp_conv_set(&cv, hp_password(U0), bad);
			assert_int_equal(hp_auth(HP_SERVICE, USER0, &cv),
			    PAM_AUTH_ERR);
		}
		break;
	case S_TRUNC_HALF:
		assert_int_equal(truncate(file, 60), 0);
		break;
	case S_TRUNC_ZERO:
		assert_int_equal(truncate(file, 0), 0);
		break;
	case S_GARBAGE:
		fill(file, 4096, 1, 0600);
		break;
	case S_BIG:
		fill(file, 10 * 1024 * 1024, 0, 0600);
		break;
	case S_OWNER:
		assert_int_equal(chown(file, 61001, 0), 0);
		break;
	case S_MODE666:
		assert_int_equal(chmod(file, 0666), 0);
		break;
	case S_MODE640:
		assert_int_equal(chmod(file, 0640), 0);
		break;
	case S_SYMLINK:
		assert_int_equal(rename(file, other), 0);
		assert_int_equal(symlink(other, file), 0);
		break;
	case S_DIR:
		assert_int_equal(unlink(file), 0);
		assert_int_equal(mkdir(file, 0700), 0);
		break;
	case S_FIFO:
		assert_int_equal(unlink(file), 0);
		assert_int_equal(mkfifo(file, 0600), 0);
		break;
	case S_VERSION:
		edit(file, "pam_mfa-store 1\n", "pam_mfa-store 2\n");
		break;
	case S_DUP: {
		char *buf, *line, *out;

		buf = read_all(file, &len);
		if ((line = strstr(buf, "\ntotp ")) == NULL)
			fail_msg("no totp record:\n%s", buf);
		line++;
		if (asprintf(&out, "%s%.*s", buf, (int)(strcspn(line, "\n") +
		    1), line) < 0)
			fail_msg("asprintf");
		hp_write_file(file, out, strlen(out), 0600);
		free(out);
		free(buf);
		break;
	}
	case S_UNKNOWN_REC:
		edit(file, "\ntotp ", "\nfrob 9 x=y\ntotp ");
		break;
	case S_BAD_SECRET:
		edit(file, "secret=", "secret=!!!!");
		break;
	case S_USER_MISMATCH:
		edit(file, "user " USER0 "\n", "user hz-user01\n");
		break;
	case S_NUL:
		edit(file, "totp ", "totp\001");
		{
			/* Make the \001 a NUL byte. */
			char *buf = read_all(file, &len), *p;

			if ((p = memchr(buf, '\001', len)) == NULL)
				fail_msg("edit lost");
			*p = '\0';
			hp_write_file(file, buf, len, 0600);
			free(buf);
		}
		break;
	case S_NAME_MISSING:
		assert_int_equal(unlink(file), 0);
		break;
	case S_ST_TRUNC:
		assert_int_equal(truncate(state, 100), 0);
		break;
	case S_ST_ZERO:
		{
			char *z = calloc(2, STATE_SLOT);

			if (z == NULL)
				fail_msg("calloc");
			hp_write_file(state, z, 2 * STATE_SLOT, 0600);
			free(z);
		}
		break;
	case S_ST_GARBAGE:
		fill(state, 2 * STATE_SLOT, 1, 0600);
		break;
	case S_ST_BIG:
		fill(state, 1024 * 1024, 0, 0600);
		break;
	case S_ST_SYMLINK:
		assert_int_equal(rename(state, other), 0);
		assert_int_equal(symlink(other, state), 0);
		break;
	case S_ST_FIFO:
		assert_int_equal(unlink(state), 0);
		assert_int_equal(mkfifo(state, 0600), 0);
		break;
	case S_ST_DIR:
		assert_int_equal(unlink(state), 0);
		assert_int_equal(mkdir(state, 0700), 0);
		break;
	case S_ST_MISSING:
		assert_int_equal(unlink(state), 0);
		break;
	case S_ST_MODE666:
		assert_int_equal(chmod(state, 0666), 0);
		break;
	case S_ST_OWNER:
		assert_int_equal(chown(state, 61001, 0), 0);
		break;
	case S_ST_BADSUM: {
		char *buf = read_all(state, &len);

		if (len != 2 * STATE_SLOT)
			fail_msg("state is %zu bytes", len);
		buf[20] ^= 1;
		buf[STATE_SLOT + 20] ^= 1;
		hp_write_file(state, buf, len, 0600);
		free(buf);
		break;
	}
	case S_ST_LOCKED_MAX:
		write_state(state, 1, "failures 5\n"
		    "locked-until 9223372036854775807\nlast-failure 0\n");
		break;
	case S_ST_BAD_VERSION:
		write_state(state, 2, "failures 0\n"
		    "locked-until 0\nlast-failure 0\n");
		break;
	case C_UNKNOWN_KEY:
		hp_write_config(store, "totp_windw = 1\n");
		break;
	case C_BAD_SYNTAX:
		hp_write_config(store, "this line has no equals sign\n");
		break;
	case C_DUP_SECTION:
		hp_write_config(store, "[user " USER0 "]\nunenrolled = deny\n"
		    "[user " USER0 "]\nunenrolled = allow\n");
		break;
	case C_DUP_KEY:
		hp_write_config(store, "totp_window = 1\ntotp_window = 2\n");
		break;
	case C_DIR:
		assert_int_equal(unlink(hp_conf), 0);
		assert_int_equal(mkdir(hp_conf, 0755), 0);
		break;
	case C_FIFO:
		assert_int_equal(unlink(hp_conf), 0);
		assert_int_equal(mkfifo(hp_conf, 0644), 0);
		break;
	case C_MISSING:
		assert_int_equal(unlink(hp_conf), 0);
		break;
	case C_MODE666:
		assert_int_equal(chmod(hp_conf, 0666), 0);
		break;
	case C_OWNER:
		assert_int_equal(chown(hp_conf, 61001, 0), 0);
		break;
	case C_BIG:
		fill(hp_conf, 10 * 1024 * 1024, 0, 0644);
		break;
	case C_NUL:
		hp_write_config(store, "totp_window = 1\n");
		{
			char *buf = read_all(hp_conf, &len);

			buf[len - 2] = '\0';	/* "1" -> NUL */
			hp_write_file(hp_conf, buf, len, 0644);
			free(buf);
		}
		break;
	case C_BAD_EXPR:
		hp_write_config(store, "require = password AND\n");
		break;
	case C_EMPTY_EXPR:
		hp_write_config(store, "require =\n");
		break;
	case C_NUM_OVERFLOW:
		hp_write_config(store,
		    "lockout_attempts = 99999999999999999999999\n");
		break;
	case C_NEGATIVE:
		hp_write_config(store, "totp_window = -1\n");
		break;
	case C_REL_STORE:
		(void)snprintf(extra, sizeof(extra), "store = tmp/store\n");
		hp_write_file(hp_conf, extra, strlen(extra), 0644);
		break;
	case C_UNKNOWN_SECTION:
		hp_write_config(store, "[frob " USER0 "]\nrequire = "
		    "password\n");
		break;
	case C_LONG_LINE:
		len = 100 * 1024;
		if ((cfg = malloc(len + 32)) == NULL)
			fail_msg("malloc");
		memcpy(cfg, "totp_issuer = ", 14);
		memset(cfg + 14, 'x', len);
		(void)snprintf(cfg + 14 + len, 18, "\n");
		hp_write_config(store, cfg);
		free(cfg);
		break;
	case C_SYMLINK_UNSAFE:
		(void)snprintf(extra, sizeof(extra), "%s-unsafe", hp_conf);
		assert_int_equal(rename(hp_conf, extra), 0);
		assert_int_equal(chmod(extra, 0666), 0);
		assert_int_equal(symlink(extra, hp_conf), 0);
		break;
	case K_PAST:
		hp_clock_set(1000);
		break;
	case K_FUTURE:
		hp_clock_set(9214646400LL);	/* 2262 */
		break;
	case K_EPOCH:
		hp_clock_set(10);
		hp_code(&tot, 0, code_buf);
		break;
	case K_NEGATIVE:
		hp_clock_set(-1000000000LL);
		break;
	case K_HUGE:
		hp_clock_set(INT64_MAX - 10);
		break;
	case K_HUGE_LOCK:
		/* locked-until = now + lockout_time must not overflow. */
		hp_write_config(store, "lockout_attempts = 1\n");
		hp_clock_set(INT64_MAX - 10);
		break;
	default:
		fail_msg("no set-up %d", (int)r->setup);
	}
	free(file);
	free(state);
	free(other);
}

/* ---- the test ---------------------------------------------------- */

static void
cleanup_conf(void)
{
	char extra[PATH_MAX + 16];

	(void)snprintf(extra, sizeof(extra), "%s-unsafe", hp_conf);
	(void)unlink(extra);
	hp_rmtree(hp_conf);
}

static int
row_setup(void **state)
{
	(void)state;
	hp_clock_real();
	cleanup_conf();
	store = hp_mkstore();
	hp_write_config(store, NULL);
	return 0;
}

static int
row_teardown(void **state)
{
	char *other;

	(void)state;
	hp_clock_real();
	hp_rmtree(store);
	free(store);
	store = NULL;
	other = hp_path(hp_work, "tmp/hostile-other");
	hp_rmtree(other);
	free(other);
	cleanup_conf();
	return 0;
}

static void
run_row(void **state)
{
	const struct row *r = *state;
	const char *skip_state[2] = { NULL, NULL };
	char statename[128];
	struct hp_snap *before, *after;
	struct hp_conv cv;
	char reason[64], why[256], *user, *a[3];
	int rc, i, n;

	current = r->name;
	if (r->setup == K_FAR_BOTH)
		hp_clock_set(4102444800LL);	/* 2100-01-01 */
	if (r->setup != S_NOT_ENROLLED) {
		/* Two users; the one logging in last, so tot is its key. */
		if (strcmp(r->user, HP_ODD_USER) == 0) {
			hp_enrol(store, USER0, &tot, 1);
			hp_enrol(store, HP_ODD_USER, &tot, 1);
		} else {
			hp_enrol(store, HP_ODD_USER, &tot, 1);
			hp_enrol(store, USER0, &tot, 1);
		}
		hp_code(&tot, tot.step + 1, code_buf);
	} else {
		(void)snprintf(code_buf, sizeof(code_buf), "123456");
	}
	apply_setup(r);

	user = resolve_user(r->user);
	a[0] = resolve(r->a0);
	a[1] = resolve(r->a1);
	a[2] = resolve(r->a2);
	hp_conv_set(&cv, a[0], a[1]);
	cv.answers[2] = a[1] != NULL ? a[2] : NULL;
	if (r->a0 != NULL && strcmp(r->a0, A_USER) == 0)
		cv.public_mask = 1;	/* a user name, not a secret */
	cv.mode = r->conv;
	cv.fail_at = r->fail_at;

	(void)snprintf(statename, sizeof(statename), "%s.state",
	    strcmp(r->user, HP_ODD_USER) == 0 ? HP_ODD_USER : USER0);
	skip_state[0] = statename;
	before = hp_snap_take(store);
	alarm(CASE_TIMEOUT);
	rc = hp_auth(HP_SERVICE, user, &cv);
	alarm(0);
	after = hp_snap_take(store);
	hp_clock_real();

	if (rc == PAM_SUCCESS)
		positives++;
	if (rc != r->rc)
		fail_msg("%s: PAM %d (%s), want %d (%s); log:\n%s", r->name,
		    rc, pam_strerror(NULL, rc), r->rc,
		    pam_strerror(NULL, r->rc), hp_log());
	n = hp_audit_reason(HP_SERVICE, reason, sizeof(reason));
	if (n != 1 || strcmp(reason, r->reason) != 0)
		fail_msg("%s: %d audit lines, reason=%s, want 1 with "
		    "reason=%s; log:\n%s", r->name, n, reason, r->reason,
		    hp_log());
	/* The result in the audit line matches the PAM result. */
	assert_int_equal(hp_audit_count(rc == PAM_SUCCESS ? "success" :
	    "failure"), 1);
	if (hp_snap_diff(before, after, r->change == CH_NONE ? NULL :
	    skip_state, why, sizeof(why)) != 0)
		fail_msg("%s: store changed: %s", r->name, why);
	if (r->change != CH_NONE &&
	    !hp_snap_changed(before, after, statename))
		fail_msg("%s: the state file did not change", r->name);
	/* Nothing typed is ever logged, nor a rejected user name. */
	for (i = 0; i < 3; i++)
		if (a[i] != NULL && strlen(a[i]) >= 4 && hp_log_has(a[i]) &&
		    strcmp(a[i], USER0) != 0)
			fail_msg("%s: answer %d logged:\n%s", r->name, i,
			    hp_log());
	if (user != NULL && strcmp(reason, "bad_username") == 0 &&
	    *user != '\0' && strcmp(user, "..") != 0 && hp_log_has(user))
		fail_msg("%s: rejected user name logged:\n%s", r->name,
		    hp_log());
	hp_snap_free(&before);
	hp_snap_free(&after);
	for (i = 0; i < 3; i++)
		free(a[i]);
	free(user);
	current = NULL;
}

/* The last test: the whole log against every secret used. */
static void
test_summary(void **state)
{
	size_t i;
	int controls = 0, nbugs = 0;

	(void)state;
	for (i = 0; i < NROWS; i++) {
		controls += rows[i].rc == PAM_SUCCESS;
		nbugs += rows[i].bug;
	}
	print_message("hostile: %zu rows run (%d known-bug rows left to "
	    "--bugs), %d positive controls, %d PAM_SUCCESS results\n",
	    NROWS - (size_t)nbugs, nbugs, controls, positives);
	assert_true(NROWS - (size_t)nbugs >= 50);
	assert_int_equal(positives, controls);
}

int
main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	size_t i, n = 0;
	int rc, leaks, bugs;

	hp_start(argc, argv, HP_PAM_WRAPPER, NULL);
	(void)signal(SIGALRM, on_alarm);
	if ((tests = calloc(NROWS + 1, sizeof(*tests))) == NULL)
		return 99;
	/* --bugs: only the rows of known bugs (not part of make check). */
	bugs = argc > 1 && strcmp(argv[1], "--bugs") == 0;
	for (i = 0; i < NROWS; i++) {
		if (rows[i].bug != bugs)
			continue;
		tests[n].name = rows[i].name;
		tests[n].test_func = run_row;
		tests[n].setup_func = row_setup;
		tests[n].teardown_func = row_teardown;
		tests[n].initial_state = (void *)(uintptr_t)&rows[i];
		n++;
	}
	if (!bugs) {
		tests[n].name = "summary: only the controls succeeded";
		tests[n].test_func = test_summary;
		n++;
	}
	rc = _cmocka_run_group_tests("hostile", tests, n, NULL, NULL);
	free(tests);
	leaks = hp_finish();
	return rc != 0 || leaks != 0 ? 1 : 0;
}
