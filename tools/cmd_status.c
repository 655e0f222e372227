/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl status USER: the lockout state (consecutive failures, locked
 * until when), the enrolment per factor (active and pending
 * credentials, last use) and the recovery codes left.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mfactl.h"

#define STATUS_USAGE	"USER"

struct factor_sum {
	unsigned	active;
	unsigned	pending;
	int64_t		last_used;
};

static void
summarise(const mfa_user_t *u, int type, struct factor_sum *f)
{
	const mfa_cred_t *c;
	size_t i;

	f->active = f->pending = 0;
	f->last_used = 0;
	for (i = 0; i < mfa_user_cred_count(u); i++) {
		if ((c = mfa_user_cred(u, i)) == NULL ||
		    mfa_cred_type(c) != type)
			continue;
		if (mfa_cred_status(c) == MFA_STATUS_ACTIVE)
			f->active++;
		else
			f->pending++;
		if (mfa_cred_last_used(c) > f->last_used)
			f->last_used = mfa_cred_last_used(c);
	}
}

static void
print_factor(const mfa_user_t *u, int type)
{
	struct factor_sum f;
	char used[MFACTL_TIME_LEN];

	summarise(u, type, &f);
	printf("  %-6s ", mfactl_type_name(type));
	if (f.active == 0 && f.pending == 0) {
		printf("%s\n", _("not enrolled"));
		return;
	}
	printf(_("%u active, %u pending"), f.active, f.pending);
	mfactl_format_time(f.last_used, used, sizeof(used));
	printf(_("; last used %s"), used);
	putchar('\n');
}

/*
 * What the user logs in with when no TOTP or FIDO2 credential is
 * active: as pam_mfa decides (and mfactl check says), unused recovery
 * codes the user's policy accepts stand in for the second factor.
 * Returns 1 when they do, 0 when they do not, -1 when the policy
 * cannot be resolved (a group look-up failed, out of memory).
 */
static int
recovery_logs_in(struct mfactl *m, const char *user, const mfa_user_t *u)
{
	mfa_policy_t *p = NULL;
	char **g = NULL;
	size_t ng = 0;
	int r = -1, why;

	if (!mfa_user_has_factor(u, MFA_FACTOR_RECOVERY))
		return 0;
	if (mfactl_user_groups(m->ctx, user, &g, &ng, &why) < 0 ||
	    mfa_policy_get(m->ctx, user, (const char *const *)g, ng, NULL,
	    &p) != MFA_OK)
		goto out;
	r = mfactl_recovery_stands_in(p, u);
out:
	mfa_policy_free(&p);
	mfa_policy_groups_free(&g, ng);
	return r;
}

int
cmd_status(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char until_s[MFACTL_TIME_LEN];
	mfa_user_t *u = NULL;
	const char *user;
	int64_t until = 0;
	unsigned failures = 0;
	int ch, r, status = EXIT_FAIL;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s: mfactl [%s] status %s\n", _("usage"),
			    _("global options"), STATUS_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "status", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind != 1)
		return mfactl_usage("status", STATUS_USAGE);
	user = argv[optind];

	if (mfactl_ctx(m, "status", user) != MFA_OK ||
	    mfactl_check_user(m, "status", user) != EXIT_OK)
		goto out;
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_READ, &u)) != MFA_OK) {
		mfactl_error(m, "status", user, r);
		goto out;
	}
	printf(_("user %s"), user);
	putchar('\n');
	r = mfa_user_lock_status(u, &until, &failures);
	if (r == MFA_ERR_LOCKED) {
		mfactl_format_time(until, until_s, sizeof(until_s));
		printf(_("  locked out until %s (%u consecutive failures); "
		    "'mfactl unlock %s' ends it"), until_s, failures, user);
	} else
		printf(_("  not locked out (%u consecutive failures)"),
		    failures);
	putchar('\n');
	print_factor(u, MFA_CRED_TOTP);
	print_factor(u, MFA_CRED_FIDO2);
	printf(_("  recovery codes left: %u"), mfa_user_recovery_remaining(u));
	putchar('\n');
	if (!mfa_user_has_factor(u, MFA_FACTOR_TOTP) &&
	    !mfa_user_has_factor(u, MFA_FACTOR_FIDO2)) {
		r = recovery_logs_in(m, user, u);
		printf("%s\n", r == 1 ? _("  no active TOTP or FIDO2 "
		    "credential: logs in only with a recovery code, until "
		    "they run out") : r == 0 ? _("  no active second factor") :
		    _("  no active TOTP or FIDO2 credential; whether the "
		    "recovery codes are accepted is not known: run 'mfactl "
		    "check'"));
	}
	status = EXIT_OK;
out:
	mfa_user_free(&u);
	return status;
}
