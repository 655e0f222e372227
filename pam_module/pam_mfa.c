/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_mfa: the PAM entry points.  Thin on purpose: it reads options,
 * asks the questions and hands every decision to libmfa (policy,
 * password, TOTP, lockout).  See pam_mfa(8) for the flow.
 *
 * No user enumeration: an unknown user, an unacceptable user name, an
 * unenrolled (deny mode), locked or unreadable user is asked exactly
 * the questions an enrolled user is asked and fails at the end.  The
 * first reason found is the one logged.
 */
#include "config.h"

#include <sys/types.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "mfa.h"
#include "module.h"

#define CODE_PROMPT	"Verification code: "
#define NSS_BUF_START	1024
#define NSS_BUF_MAX	(1024 * 1024)	/* cap on a passwd/group entry */
#define GROUPS_START	64
#define GROUPS_MAX	65536		/* Linux NGROUPS_MAX */
#define AUDIT_FIELD_MAX	64		/* bytes of rhost/tty/service */

/* Audit reasons; the order matches reason_name[]. */
enum reason {
	REASON_OK,
	REASON_BAD_PASSWORD,
	REASON_NO_PASSWORD,
	REASON_BAD_CODE,
	REASON_BAD_CODE_FORMAT,
	REASON_REPLAY,
	REASON_LOCKED,
	REASON_NOT_ENROLLED,
	REASON_UNKNOWN_USER,
	REASON_BAD_USERNAME,
	REASON_STORE_ERROR,
	REASON_CONFIG_ERROR,
	REASON_CONV_ERROR,
	REASON_STACKED_NO_AUTHTOK,
	REASON_SYSTEM_ERROR,
};

static const char *const reason_name[] = {
	"ok", "bad_password", "no_password", "bad_code", "bad_code_format",
	"replay", "locked", "not_enrolled", "unknown_user", "bad_username",
	"store_error", "config_error", "conv_error", "stacked_no_authtok",
	"system_error",
};

/* Factors in the order they are asked for. */
static const int factor_order[] = {
	MFA_FACTOR_PASSWORD, MFA_FACTOR_TOTP, MFA_FACTOR_FIDO2,
	MFA_FACTOR_RECOVERY,
};

struct attempt {
	pam_handle_t		*pamh;
	int			 flags;
	struct module_args	 args;
	mfa_ctx_t		*ctx;
	mfa_policy_t		*policy;
	const char		*user;		/* checked name, or NULL */
	int			 known;		/* user exists: may be logged */
	int			 enrolled;	/* has an active 2nd factor */
	int			 password_only;	/* unenrolled = allow */
	int			 values[MFA_FACTOR_COUNT];
	unsigned		 tried;		/* bit per factor attempted */
	enum reason		 reason;	/* first failure; REASON_OK */
	int			 err;		/* MFA_ERR_* behind reason */
};

/*
 * Records the first failure, except that a configuration error, which
 * concerns every login, always wins.
 */
static void
fail(struct attempt *a, enum reason reason, int err)
{
	if (a->reason != REASON_OK && reason != REASON_CONFIG_ERROR)
		return;
	a->reason = reason;
	a->err = err;
}

/* As fail(), but running out of memory is its own reason. */
static void
fail_err(struct attempt *a, enum reason reason, int err)
{
	fail(a, err == MFA_ERR_NOMEM ? REASON_SYSTEM_ERROR : reason, err);
}

/* A conversation that failed (PAM_BUF_ERR: out of memory). */
static void
fail_conv(struct attempt *a, int pam_rc)
{
	fail(a, REASON_CONV_ERROR, pam_rc == PAM_BUF_ERR ? MFA_ERR_NOMEM : 0);
}

/* The one place where results become PAM codes.  Never PAM_IGNORE. */
static int
result_to_pam(const struct attempt *a, int outcome)
{
	if (a->reason == REASON_OK && outcome == MFA_TRUE)
		return PAM_SUCCESS;
	if (a->reason == REASON_CONFIG_ERROR)
		return PAM_SERVICE_ERR;
	if (a->err == MFA_ERR_NOMEM)
		return PAM_BUF_ERR;
	return PAM_AUTH_ERR;
}

static void
log_forward(void *arg, int priority, const char *msg)
{
	const struct attempt *a = arg;

	if (priority >= LOG_DEBUG && !a->args.debug)
		return;
	pam_syslog(a->pamh, priority, "%s", msg);
}

/*
 * Copies a PAM item for the audit line: at most AUDIT_FIELD_MAX bytes,
 * anything but printable non-space ASCII becomes '?', so that a remote
 * host name cannot forge key=value pairs or lines.
 */
static void
audit_field(char *out, const char *in, const char *strip)
{
	size_t i, n = 0;

	if (in != NULL && strip != NULL &&
	    strncmp(in, strip, strlen(strip)) == 0)
		in += strlen(strip);
	if (in == NULL || *in == '\0') {
		out[n++] = '-';
	} else {
		for (i = 0; in[i] != '\0' && n < AUDIT_FIELD_MAX; i++)
			out[n++] = (in[i] > ' ' && in[i] < 0x7f) ? in[i] : '?';
	}
	out[n] = '\0';
}

static const char *
pam_item_str(pam_handle_t *pamh, int type)
{
	const void *item = NULL;

	if (pam_get_item(pamh, type, &item) != PAM_SUCCESS)
		return NULL;
	return item;
}

/* Exactly one line per attempt; never a secret or a rejected name. */
static void
audit(const struct attempt *a, int rc)
{
	char service[AUDIT_FIELD_MAX + 1], rhost[AUDIT_FIELD_MAX + 1];
	char tty[AUDIT_FIELD_MAX + 1], factors[64];
	const char *reason;
	size_t i, n;
	int f, w;

	audit_field(service, pam_item_str(a->pamh, PAM_SERVICE), NULL);
	audit_field(rhost, pam_item_str(a->pamh, PAM_RHOST), NULL);
	audit_field(tty, pam_item_str(a->pamh, PAM_TTY), "/dev/");
	n = 0;
	for (i = 0; i < sizeof(factor_order) / sizeof(factor_order[0]); i++) {
		f = factor_order[i];
		if ((a->tried & (1U << f)) == 0)
			continue;
		/* Four short names always fit. */
		w = snprintf(factors + n, sizeof(factors) - n, "%s%s",
		    n > 0 ? "," : "", mfa_factor_name(f));
		if (w < 0 || (size_t)w >= sizeof(factors) - n)
			break;
		n += (size_t)w;
	}
	if (n == 0)
		(void)snprintf(factors, sizeof(factors), "-");
	if (rc == PAM_SUCCESS)
		reason = a->password_only ? reason_name[REASON_NOT_ENROLLED] :
		    reason_name[REASON_OK];
	else
		reason = reason_name[a->reason == REASON_OK ?
		    REASON_NOT_ENROLLED : a->reason];
	pam_syslog(a->pamh, rc == PAM_SUCCESS ? LOG_INFO : LOG_NOTICE,
	    "user=%s service=%s rhost=%s tty=%s factors=%s result=%s "
	    "reason=%s", a->known ? a->user : "-", service, rhost, tty,
	    factors, rc == PAM_SUCCESS ? "success" : "failure", reason);
}

/* Step 1: options, configuration, store override, fail delay. */
static int
setup(struct attempt *a, int argc, const char **argv)
{
	unsigned delay;
	int r;

	if (args_parse(a->pamh, argc, argv, &a->args) != PAM_SUCCESS) {
		fail(a, REASON_CONFIG_ERROR, MFA_ERR_CONFIG);
		return -1;
	}
	if ((a->ctx = mfa_ctx_new()) == NULL) {
		fail(a, REASON_SYSTEM_ERROR, MFA_ERR_NOMEM);
		return -1;
	}
	mfa_ctx_set_log(a->ctx, log_forward, a);
	/* The library logs "FILE:LINE: reason" itself. */
	if ((r = mfa_ctx_load_config(a->ctx, a->args.config)) != MFA_OK) {
		fail_err(a, REASON_CONFIG_ERROR,
		    r == MFA_ERR_NOMEM ? r : MFA_ERR_CONFIG);
		return -1;
	}
	if (a->args.store != NULL &&
	    (r = mfa_ctx_set_store(a->ctx, a->args.store)) != MFA_OK) {
		pam_syslog(a->pamh, LOG_ERR, "store=%s: %s", a->args.store,
		    mfa_strerror(r));
		fail_err(a, REASON_CONFIG_ERROR,
		    r == MFA_ERR_NOMEM ? r : MFA_ERR_CONFIG);
		return -1;
	}
	if ((delay = mfa_ctx_fail_delay(a->ctx)) != 0)
		(void)pam_fail_delay(a->pamh, delay * 1000U);
	return 0;
}

/*
 * getpwnam_r with a growing buffer.  *found is 0 for an unknown user;
 * returns MFA_OK, MFA_ERR_NOMEM or MFA_ERR_IO (NSS failure).
 */
static int
passwd_get(const char *name, struct passwd *pw, char **bufp, int *found)
{
	struct passwd *res = NULL;
	size_t sz = NSS_BUF_START;
	char *buf = NULL, *nbuf;
	int e, r;

	*found = 0;
	for (;;) {
		if ((nbuf = realloc(buf, sz)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		buf = nbuf;
		e = getpwnam_r(name, pw, buf, sz, &res);
		if (e != ERANGE)
			break;
		if (sz >= NSS_BUF_MAX) {
			r = MFA_ERR_IO;
			goto out;
		}
		sz *= 2;
	}
	if (e == ENOMEM) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	/* Some NSS modules report "no such user" as an errno. */
	if (e != 0 && e != ENOENT && e != ESRCH) {
		r = MFA_ERR_IO;
		goto out;
	}
	*found = res != NULL;
	*bufp = buf;
	buf = NULL;
	r = MFA_OK;
out:
	free(buf);
	return r;
}

static void
groups_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The name of group gid in a fresh string, or NULL in *name if none. */
static int
group_name(gid_t gid, char **name)
{
	struct group gr, *res = NULL;
	size_t sz = NSS_BUF_START;
	char *buf = NULL, *nbuf;
	int e, r;

	*name = NULL;
	for (;;) {
		if ((nbuf = realloc(buf, sz)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		buf = nbuf;
		e = getgrgid_r(gid, &gr, buf, sz, &res);
		if (e != ERANGE)
			break;
		if (sz >= NSS_BUF_MAX) {
			r = MFA_ERR_IO;
			goto out;
		}
		sz *= 2;
	}
	if (e == ENOMEM) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (e != 0 && e != ENOENT && e != ESRCH) {
		r = MFA_ERR_IO;
		goto out;
	}
	if (res != NULL && (*name = strdup(gr.gr_name)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	r = MFA_OK;
out:
	free(buf);
	return r;
}

/* The names of all groups of pw (primary included), bounded. */
static int
user_groups(const struct passwd *pw, char ***namesp, size_t *np)
{
	gid_t *gids = NULL, *ngids;
	char **names = NULL;
	size_t i, n = 0;
	int cap = GROUPS_START, want, r;

	for (;;) {
		if ((ngids = reallocarray(gids, (size_t)cap,
		    sizeof(*gids))) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		gids = ngids;
		want = cap;
		if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &want) >= 0)
			break;
		/* Too small: glibc says how many there are. */
		if (want <= cap)
			want = cap * 2;
		if (want > GROUPS_MAX) {
			r = MFA_ERR_TOOBIG;
			goto out;
		}
		cap = want;
	}
	if ((names = calloc(want > 0 ? (size_t)want : 1,
	    sizeof(*names))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < (size_t)want; i++) {
		if ((r = group_name(gids[i], &names[n])) != MFA_OK)
			goto out;
		if (names[n] != NULL)
			n++;
	}
	*namesp = names;
	*np = n;
	names = NULL;
	n = 0;
	r = MFA_OK;
out:
	groups_free(names, n);
	free(gids);
	return r;
}

/*
 * Steps 2 and 3: the user and the policy.  Failures to identify the user
 * are recorded and the attempt goes on with the service's policy so the
 * prompts stay the same; only a broken configuration stops here.
 */
static int
resolve_user(struct attempt *a)
{
	struct passwd pw;
	const char *name = NULL, *service;
	char *pwbuf = NULL, **groups = NULL;
	size_t ngroups = 0;
	int found = 0, r, ret = -1;

	r = pam_get_user(a->pamh, &name, NULL);
	if (r != PAM_SUCCESS) {
		fail_conv(a, r);
		goto out;
	}
	if (name == NULL || mfa_username_check(name) != MFA_OK) {
		/* Never logged: it may be a password typed too early. */
		fail(a, REASON_BAD_USERNAME, MFA_ERR_USERNAME);
	} else {
		a->user = name;
		r = passwd_get(name, &pw, &pwbuf, &found);
		if (r != MFA_OK)
			fail(a, REASON_SYSTEM_ERROR, r);
		else if (!found)
			fail(a, REASON_UNKNOWN_USER, MFA_ERR_NOTFOUND);
		else if ((r = user_groups(&pw, &groups, &ngroups)) != MFA_OK)
			fail(a, REASON_SYSTEM_ERROR, r);
		else
			a->known = 1;
	}
	if ((service = pam_item_str(a->pamh, PAM_SERVICE)) == NULL)
		service = "";
	r = mfa_policy_get(a->ctx, a->user, (const char *const *)groups,
	    ngroups, service, &a->policy);
	if (r != MFA_OK) {
		fail_err(a, REASON_CONFIG_ERROR,
		    r == MFA_ERR_NOMEM ? r : MFA_ERR_CONFIG);
		goto out;
	}
	ret = 0;
out:
	groups_free(groups, ngroups);
	free(pwbuf);
	return ret;
}

/*
 * Step 4: what the user has enrolled and whether they are locked, read
 * under the shared lock, which is dropped again before any prompt.
 */
static void
read_store(struct attempt *a)
{
	mfa_user_t *u = NULL;
	int64_t until;
	unsigned failures;
	int f, r;

	for (f = 0; f < MFA_FACTOR_COUNT; f++)
		a->values[f] = mfa_policy_uses(a->policy, f) ? MFA_UNKNOWN :
		    MFA_FALSE;
	/*
	 * TODO(issue #3 FIDO2, issue #4 recovery codes): not implemented
	 * yet, so they never hold; nothing may set them TRUE before their
	 * verification exists.
	 */
	a->values[MFA_FACTOR_FIDO2] = MFA_FALSE;
	a->values[MFA_FACTOR_RECOVERY] = MFA_FALSE;
	if (!a->known)
		return;

	r = mfa_user_open(a->ctx, a->user, MFA_OPEN_READ, &u);
	if (r == MFA_OK) {
		for (f = MFA_FACTOR_TOTP; f < MFA_FACTOR_COUNT; f++) {
			if (mfa_user_has_factor(u, f))
				a->enrolled = 1;
			else
				a->values[f] = MFA_FALSE;
		}
		if (mfa_user_lock_status(u, &until, &failures) ==
		    MFA_ERR_LOCKED)
			fail(a, REASON_LOCKED, MFA_ERR_LOCKED);
		mfa_user_free(&u);
	} else if (r == MFA_ERR_NOTENROLLED) {
		for (f = MFA_FACTOR_TOTP; f < MFA_FACTOR_COUNT; f++)
			a->values[f] = MFA_FALSE;
	} else {
		fail_err(a, REASON_STORE_ERROR, r);
		return;
	}
	if (a->enrolled || a->reason != REASON_OK)
		return;
	/*
	 * No second factor: deny, or (unenrolled = allow, a rollout
	 * setting) let the password alone decide, when there is one.
	 */
	if (mfa_policy_unenrolled(a->policy) == MFA_UNENROLLED_ALLOW &&
	    mfa_policy_uses(a->policy, MFA_FACTOR_PASSWORD))
		a->password_only = 1;
	else
		fail(a, REASON_NOT_ENROLLED, MFA_ERR_NOTENROLLED);
}

static int
outcome(const struct attempt *a)
{
	if (a->password_only)
		return a->values[MFA_FACTOR_PASSWORD];
	return mfa_policy_eval(a->policy, a->values);
}

/* Returns -1 when the conversation broke down: stop asking. */
static int
factor_password(struct attempt *a)
{
	const void *item = NULL;
	const char *tok = NULL;
	int allow_empty, r;

	if (mfa_policy_password_mode(a->policy) == MFA_PASSWORD_STACKED) {
		/*
		 * An earlier required/requisite module verified it; its
		 * PAM_AUTHTOK is the evidence.  Without one, fail.
		 */
		a->tried |= 1U << MFA_FACTOR_PASSWORD;
		if (pam_get_item(a->pamh, PAM_AUTHTOK, &item) ==
		    PAM_SUCCESS && item != NULL) {
			a->values[MFA_FACTOR_PASSWORD] = MFA_TRUE;
		} else {
			a->values[MFA_FACTOR_PASSWORD] = MFA_FALSE;
			fail(a, REASON_STACKED_NO_AUTHTOK, MFA_ERR_NOPASS);
		}
		return 0;
	}
	r = pam_get_authtok(a->pamh, PAM_AUTHTOK, &tok, NULL);
	if (r != PAM_SUCCESS || tok == NULL) {
		fail_conv(a, r);
		return -1;
	}
	a->tried |= 1U << MFA_FACTOR_PASSWORD;
	a->values[MFA_FACTOR_PASSWORD] = MFA_FALSE;
	if (a->user == NULL)
		return 0;	/* bad user name: already failed */
	allow_empty = mfa_policy_allow_empty_password(a->policy) &&
	    (a->flags & PAM_DISALLOW_NULL_AUTHTOK) == 0;
	/* Also for unknown users: libmfa hashes a dummy for even timing. */
	switch ((r = mfa_password_verify(a->user, tok, allow_empty))) {
	case MFA_OK:
		a->values[MFA_FACTOR_PASSWORD] = MFA_TRUE;
		break;
	case MFA_ERR_BADPASS:
		fail(a, REASON_BAD_PASSWORD, r);
		break;
	case MFA_ERR_NOPASS:
		fail(a, REASON_NO_PASSWORD, r);
		break;
	default:
		fail(a, REASON_SYSTEM_ERROR, r);
		break;
	}
	return 0;
}

static enum reason
totp_reason(int err)
{
	switch (err) {
	case MFA_ERR_BADCODE:
		return REASON_BAD_CODE;
	case MFA_ERR_CODEFMT:
		return REASON_BAD_CODE_FORMAT;
	case MFA_ERR_REPLAY:
		return REASON_REPLAY;
	case MFA_ERR_LOCKED:
		return REASON_LOCKED;
	case MFA_ERR_NOTENROLLED:
	case MFA_ERR_NOTFOUND:
		return REASON_NOT_ENROLLED;
	case MFA_ERR_NOMEM:
		return REASON_SYSTEM_ERROR;
	default:
		return REASON_STORE_ERROR;
	}
}

/*
 * The code is always asked for (same prompts for everyone); it is
 * checked, and so consumed or counted as a failure, only when it can
 * still change the outcome.
 */
static int
factor_totp(struct attempt *a)
{
	mfa_user_t *u = NULL;
	char *code = NULL;
	int r, ret = 0;

	r = conv_prompt(a->pamh, PAM_PROMPT_ECHO_OFF, CODE_PROMPT, &code);
	if (r != PAM_SUCCESS) {
		fail_conv(a, r);
		ret = -1;
		goto out;
	}
	if (a->reason != REASON_OK ||
	    a->values[MFA_FACTOR_TOTP] != MFA_UNKNOWN ||
	    outcome(a) == MFA_FALSE) {
		a->values[MFA_FACTOR_TOTP] = MFA_FALSE;
		goto out;
	}
	a->tried |= 1U << MFA_FACTOR_TOTP;
	a->values[MFA_FACTOR_TOTP] = MFA_FALSE;
	if ((r = mfa_user_open(a->ctx, a->user, MFA_OPEN_WRITE, &u)) ==
	    MFA_OK)
		r = mfa_user_totp_verify(u, code, NULL);
	if (r == MFA_OK)
		a->values[MFA_FACTOR_TOTP] = MFA_TRUE;
	else
		fail(a, totp_reason(r), r);
out:
	mfa_user_free(&u);
	conv_free(&code);
	return ret;
}

/* Step 5: ask for each factor the policy uses until it holds. */
static void
run_factors(struct attempt *a)
{
	size_t i;
	int f, r = 0;

	for (i = 0; i < sizeof(factor_order) / sizeof(factor_order[0]); i++) {
		f = factor_order[i];
		if (!mfa_policy_uses(a->policy, f) || outcome(a) == MFA_TRUE)
			continue;
		if (a->password_only && f != MFA_FACTOR_PASSWORD)
			continue;
		switch (f) {
		case MFA_FACTOR_PASSWORD:
			r = factor_password(a);
			break;
		case MFA_FACTOR_TOTP:
			r = factor_totp(a);
			break;
		default:
			/* TODO(issue #3 FIDO2, issue #4 recovery codes). */
			continue;
		}
		if (a->args.debug)
			pam_syslog(a->pamh, LOG_DEBUG, "factor %s: %s",
			    mfa_factor_name(f), a->values[f] == MFA_TRUE ?
			    "ok" : "failed or not checked");
		if (r != 0)
			break;
	}
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct attempt a;
	int result = MFA_FALSE, rc;

	memset(&a, 0, sizeof(a));
	a.pamh = pamh;
	a.flags = flags;
	if (setup(&a, argc, argv) != 0 || resolve_user(&a) != 0)
		goto out;
	read_store(&a);
	run_factors(&a);
	result = outcome(&a);
out:
	rc = result_to_pam(&a, result);
	audit(&a, rc);
	mfa_policy_free(&a.policy);
	mfa_ctx_free(&a.ctx);
	explicit_bzero(&a, sizeof(a));
	return rc;
}

/* No credentials to establish: pam_mfa only authenticates. */
int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
