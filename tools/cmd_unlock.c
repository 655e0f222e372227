/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl unlock USER: end a lockout (and clear the count of failed
 * attempts) before lockout_time runs out, e.g. once the user has been
 * reached and the failures explained.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "mfactl.h"

#define UNLOCK_USAGE	"USER"

int
cmd_unlock(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char until_s[MFACTL_TIME_LEN], extra[48];
	mfa_user_t *u = NULL;
	const char *user;
	int64_t until = 0;
	unsigned failures = 0;
	int ch, r, locked, status = EXIT_FAIL;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s: mfactl [%s] unlock %s\n", _("usage"),
			    _("global options"), UNLOCK_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "unlock", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind != 1)
		return mfactl_usage("unlock", UNLOCK_USAGE);
	user = argv[optind];

	if ((status = mfactl_need_root("unlock", user)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;
	if (mfactl_ctx(m, "unlock", user) != MFA_OK ||
	    mfactl_check_user(m, "unlock", user) != EXIT_OK)
		goto out;
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_WRITE, &u)) != MFA_OK) {
		mfactl_error(m, "unlock", user, r);
		goto out;
	}
	locked = mfa_user_lock_status(u, &until, &failures) == MFA_ERR_LOCKED;
	r = mfa_user_unlock(u);
	(void)snprintf(extra, sizeof(extra), "failures=%u locked=%s",
	    failures, locked ? "yes" : "no");
	mfactl_audit("unlock", user, 0, 0, extra, r == MFA_OK);
	if (r != MFA_OK) {
		mfactl_error(m, "unlock", user, r);
		goto out;
	}
	if (locked) {
		mfactl_format_time(until, until_s, sizeof(until_s));
		printf(_("unlocked %s (locked until %s after %u failed "
		    "attempts)"), user, until_s, failures);
	} else if (failures > 0)
		printf(_("%s was not locked out; cleared %u failed attempts"),
		    user, failures);
	else
		printf(_("%s was not locked out"), user);
	putchar('\n');
	status = EXIT_OK;
out:
	mfa_user_free(&u);
	return status;
}
