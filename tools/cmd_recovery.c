/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl recovery USER [--count N]: issue a new set of one-time
 * recovery codes, replacing the old set.  The codes are shown this once
 * (libmfa keeps only salted slow hashes) and go out with write(2), so
 * that no stdio buffer keeps a copy; every copy is wiped.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfactl.h"

#define RECOVERY_USAGE	"USER [--count N]"

/* The codes, one per line, indented.  Returns 0, or -1 with errno. */
static int
put_codes(char **codes, unsigned count)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	unsigned i;
	ssize_t w;
	int ret = -1;

	for (i = 0; i < count; i++)
		cap += strlen(codes[i]) + 3;
	if ((buf = malloc(cap)) == NULL)
		return -1;
	for (i = 0; i < count; i++) {
		n = strlen(codes[i]);
		buf[len] = buf[len + 1] = ' ';
		memcpy(buf + len + 2, codes[i], n);
		buf[len + 2 + n] = '\n';
		len += n + 3;
	}
	if (fflush(stdout) == EOF)
		goto out;
	for (n = 0; n < len; n += (size_t)w) {
		if ((w = write(STDOUT_FILENO, buf + n, len - n)) == -1 &&
		    errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			goto out;
		}
	}
	ret = 0;
out:
	explicit_bzero(buf, cap);
	free(buf);
	return ret;
}

/* The id of the user's set of recovery codes, or 0. */
static unsigned
recovery_id(const mfa_user_t *u)
{
	const mfa_cred_t *c;
	size_t i;

	for (i = 0; i < mfa_user_cred_count(u); i++)
		if ((c = mfa_user_cred(u, i)) != NULL &&
		    mfa_cred_type(c) == MFA_CRED_RECOVERY)
			return mfa_cred_id(c);
	return 0;
}

int
cmd_recovery(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long count = MFA_RECOVERY_DEFAULT;
	char **codes = NULL, extra[32];
	mfa_user_t *u = NULL;
	const char *user;
	unsigned old, id = 0;
	int ch, r, status = EXIT_FAIL;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (mfactl_parse_uint(optarg, 1, MFA_RECOVERY_MAX,
			    &count) == -1) {
				fprintf(stderr, "mfactl: recovery: --count ");
				mfactl_print_safe(stderr, optarg);
				fputs(": ", stderr);
				fprintf(stderr, _("not a number from 1 to %d"),
				    MFA_RECOVERY_MAX);
				fputc('\n', stderr);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("%s: mfactl [%s] recovery %s\n", _("usage"),
			    _("global options"), RECOVERY_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "recovery", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind != 1)
		return mfactl_usage("recovery", RECOVERY_USAGE);
	user = argv[optind];

	if ((status = mfactl_need_root("recovery", user)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;
	if (mfactl_ctx(m, "recovery", user) != MFA_OK ||
	    mfactl_check_user(m, "recovery", user) != EXIT_OK)
		goto out;
	/*
	 * No store is created: recovery codes stand in for a second
	 * factor, so the user must be enrolled with one first.
	 */
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_WRITE, &u)) == MFA_OK) {
		old = recovery_id(u);
		r = mfa_user_recovery_generate(u, (unsigned)count, &codes);
		if (r == MFA_OK)
			id = recovery_id(u);
		(void)snprintf(extra, sizeof(extra), "count=%u",
		    (unsigned)count);
		mfactl_audit("recovery", user, id, MFA_CRED_RECOVERY, extra,
		    r == MFA_OK);
	}
	if (r != MFA_OK) {
		mfactl_error(m, "recovery", user, r);
		goto out;
	}
	printf(_("New recovery codes for %s; each works once, in place of "
	    "the second factor:"), user);
	putchar('\n');
	if (put_codes(codes, (unsigned)count) == -1) {
		mfactl_errorf("recovery", user,
		    _("cannot write the codes: %s"), strerror(errno));
		goto out;
	}
	if (old != 0)
		printf("%s\n", _("The recovery codes issued earlier are void "
		    "now."));
	printf("%s\n", _("They are shown only this once: give them to the "
	    "user to keep somewhere safe."));
	status = EXIT_OK;
out:
	mfa_recovery_codes_free(&codes, (unsigned)count);
	mfa_user_free(&u);
	return status;
}
