/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl list USER: one line per credential (FIDO2 keys get a second
 * one with the AAGUID and the signature counter).  Never prints a secret:
 * libmfa's public API does not hand secrets out, except once as the
 * enrolment URI.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mfactl.h"

#define LIST_USAGE	"USER"
#define TIME_LEN	sizeof("YYYY-MM-DDTHH:MM:SSZ")

static const char *
type_name(int type)
{
	switch (type) {
	case MFA_CRED_TOTP:
		return "totp";
	case MFA_CRED_FIDO2:
		return "fido2";
	case MFA_CRED_RECOVERY:
		return "recovery";
	default:
		return "?";
	}
}

static const char *
status_name(int status)
{
	switch (status) {
	case MFA_STATUS_PENDING:
		return "pending";
	case MFA_STATUS_ACTIVE:
		return "active";
	default:
		return "?";
	}
}

/* ISO 8601 in UTC, or "never" for 0. */
static void
format_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(buf, len, "%s", t <= 0 ? "never" : "?");
}

static void
print_cred(const mfa_cred_t *c)
{
	char created[TIME_LEN], used[TIME_LEN], params[32];
	const char *label, *alg, *aaguid;

	if (mfa_cred_type(c) == MFA_CRED_TOTP)
		(void)snprintf(params, sizeof(params), "%s/%u/%u",
		    mfa_totp_algorithm_name(mfa_cred_totp_algorithm(c)),
		    mfa_cred_totp_digits(c), mfa_cred_totp_period(c));
	else if (mfa_cred_type(c) == MFA_CRED_FIDO2 &&
	    (alg = mfa_cred_fido2_algorithm(c)) != NULL)
		(void)snprintf(params, sizeof(params), "%s", alg);
	else
		(void)snprintf(params, sizeof(params), "-");
	format_time(mfa_cred_created(c), created, sizeof(created));
	format_time(mfa_cred_last_used(c), used, sizeof(used));
	printf("%-4u %-8s %-8s %-13s %-20s %-20s ", mfa_cred_id(c),
	    type_name(mfa_cred_type(c)), status_name(mfa_cred_status(c)),
	    params, created, used);
	label = mfa_cred_label(c);
	/* The label is the enroller's text: no terminal escapes get out. */
	mfactl_print_safe(stdout, label != NULL ? label : "");
	putchar('\n');
	/* A key's model and its signature counter, on a line of their own. */
	if (mfa_cred_type(c) == MFA_CRED_FIDO2) {
		aaguid = mfa_cred_fido2_aaguid(c);
		printf("     aaguid %s counter %" PRIu64 "\n",
		    aaguid != NULL ? aaguid : "-", mfa_cred_fido2_counter(c));
	}
}

int
cmd_list(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	mfa_user_t *u = NULL;
	const char *user;
	size_t i, n;
	int ch, r, status = EXIT_FAIL;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("usage: mfactl [global options] list %s\n",
			    LIST_USAGE);
			return EXIT_OK;
		default:
			return mfactl_badopt("list", ch, argv);
		}
	}
	if (argc - optind != 1)
		return mfactl_usage("list", LIST_USAGE);
	user = argv[optind];

	if (mfactl_ctx(m, "list", user) != MFA_OK ||
	    mfactl_check_user(m, "list", user) != EXIT_OK)
		goto out;
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_READ, &u)) != MFA_OK) {
		mfactl_error(m, "list", user, r);
		goto out;
	}
	if ((n = mfa_user_cred_count(u)) == 0) {
		printf("%s has no credentials\n", user);
		status = EXIT_OK;
		goto out;
	}
	printf("%-4s %-8s %-8s %-13s %-20s %-20s %s\n", "ID", "TYPE",
	    "STATUS", "ALG/DIGITS/S", "CREATED", "LAST USED", "LABEL");
	for (i = 0; i < n; i++)
		if (mfa_user_cred(u, i) != NULL)
			print_cred(mfa_user_cred(u, i));
	status = EXIT_OK;
out:
	mfa_user_free(&u);
	return status;
}
