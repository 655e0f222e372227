/* SPDX-License-Identifier: BSD-2-Clause */
/* mfactl rename USER ID LABEL: change the label of one credential. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "mfactl.h"

#define RENAME_USAGE	"USER ID LABEL"

int
cmd_rename(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long id;
	mfa_user_t *u = NULL;
	const mfa_cred_t *c;
	const char *user, *label;
	int ch, r, type, status = EXIT_FAIL;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s: mfactl [%s] rename %s\n", _("usage"),
			    _("global options"), RENAME_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "rename", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind != 3)
		return mfactl_usage("rename", RENAME_USAGE);
	user = argv[optind];
	label = argv[optind + 2];
	if (mfactl_parse_uint(argv[optind + 1], 1, UINT32_MAX, &id) == -1) {
		fprintf(stderr, "mfactl: rename ");
		mfactl_print_safe(stderr, user);
		fputs(": ", stderr);
		mfactl_print_safe(stderr, argv[optind + 1]);
		fprintf(stderr, ": %s\n", _("not a credential id"));
		return EXIT_USAGE;
	}
	if (mfactl_label_arg("rename", user, "LABEL", label) != EXIT_OK)
		return EXIT_USAGE;

	if ((status = mfactl_need_root("rename", user)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;
	if (mfactl_ctx(m, "rename", user) != MFA_OK ||
	    mfactl_check_user(m, "rename", user) != EXIT_OK)
		goto out;
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_WRITE, &u)) == MFA_OK) {
		c = mfactl_find_cred(u, (unsigned)id);
		type = c != NULL ? mfa_cred_type(c) : 0;
		r = mfa_user_rename(u, (unsigned)id, label);
		/* The label is the administrator's text, not a secret. */
		mfactl_audit("rename", user, (unsigned)id, type, NULL,
		    r == MFA_OK);
	}
	if (r != MFA_OK) {
		mfactl_error(m, "rename", user, r);
		goto out;
	}
	/* The label as list shows it: UTF-8 as it is, no escapes. */
	(void)mfactl_print_line(stdout, _("renamed credential %u of %s to %s"),
	    (unsigned)id, user, label);
	status = EXIT_OK;
out:
	mfa_user_free(&u);
	return status;
}
