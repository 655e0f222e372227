/* SPDX-License-Identifier: BSD-2-Clause */
/* mfactl remove USER ID: delete one credential from the user's store. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "mfactl.h"

#define REMOVE_USAGE	"USER ID"

int
cmd_remove(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long id;
	mfa_user_t *u = NULL;
	const mfa_cred_t *c;
	const char *user;
	int ch, r, type, status = EXIT_FAIL;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s: mfactl [%s] remove %s\n", _("usage"),
			    _("global options"), REMOVE_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "remove", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind != 2)
		return mfactl_usage("remove", REMOVE_USAGE);
	user = argv[optind];
	if (mfactl_parse_uint(argv[optind + 1], 1, UINT32_MAX, &id) == -1) {
		fprintf(stderr, "mfactl: remove ");
		mfactl_print_safe(stderr, user);
		fputs(": ", stderr);
		mfactl_print_safe(stderr, argv[optind + 1]);
		fprintf(stderr, ": %s\n", _("not a credential id"));
		return EXIT_USAGE;
	}

	if ((status = mfactl_need_root("remove", user)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;
	if (mfactl_ctx(m, "remove", user) != MFA_OK ||
	    mfactl_check_user(m, "remove", user) != EXIT_OK)
		goto out;
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_WRITE, &u)) == MFA_OK) {
		c = mfactl_find_cred(u, (unsigned)id);
		type = c != NULL ? mfa_cred_type(c) : 0;
		r = mfa_user_remove(u, (unsigned)id);
		mfactl_audit("remove", user, (unsigned)id, type, NULL,
		    r == MFA_OK);
	}
	if (r != MFA_OK) {
		mfactl_error(m, "remove", user, r);
		goto out;
	}
	printf(_("removed credential %u of %s"), (unsigned)id, user);
	putchar('\n');
	status = EXIT_OK;
out:
	mfa_user_free(&u);
	return status;
}
