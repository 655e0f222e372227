/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl list USER [--json]: one line per credential (FIDO2 keys get a
 * second one with the AAGUID and the signature counter), or a JSON
 * object for scripts.  Never prints a secret: libmfa's public API does
 * not hand secrets out, except once as the enrolment URI.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mfactl.h"

#define LIST_USAGE	"USER [--json]"

/* Type-specific parameters for the text listing. */
static void
params(const mfa_user_t *u, const mfa_cred_t *c, char *buf, size_t len)
{
	const char *alg;

	if (mfa_cred_type(c) == MFA_CRED_TOTP)
		(void)snprintf(buf, len, "%s/%u/%u",
		    mfa_totp_algorithm_name(mfa_cred_totp_algorithm(c)),
		    mfa_cred_totp_digits(c), mfa_cred_totp_period(c));
	else if (mfa_cred_type(c) == MFA_CRED_FIDO2 &&
	    (alg = mfa_cred_fido2_algorithm(c)) != NULL)
		(void)snprintf(buf, len, "%s", alg);
	else if (mfa_cred_type(c) == MFA_CRED_RECOVERY)
		(void)snprintf(buf, len, _("%u left"),
		    mfa_user_recovery_remaining(u));
	else
		(void)snprintf(buf, len, "-");
}

/* A column of the text listing: translations may be wider characters. */
static void
column(const char *s, int width)
{
	mfactl_print_pad(stdout, s, width);
	putchar(' ');
}

static void
print_header(void)
{
	printf("%-4s ", "ID");
	column(_("TYPE"), 8);
	column(_("STATUS"), 8);
	/* TRANSLATORS: algorithm, digits and time step of a credential. */
	column(_("ALG/DIGITS/S"), 13);
	column(_("CREATED"), 20);
	column(_("LAST USED"), 20);
	printf("%s\n", _("LABEL"));
}

static void
print_cred(const mfa_user_t *u, const mfa_cred_t *c)
{
	char created[MFACTL_TIME_LEN], used[MFACTL_TIME_LEN], par[32];
	const char *label, *aaguid;

	params(u, c, par, sizeof(par));
	mfactl_format_time(mfa_cred_created(c), created, sizeof(created));
	mfactl_format_time(mfa_cred_last_used(c), used, sizeof(used));
	printf("%-4u %-8s ", mfa_cred_id(c),
	    mfactl_type_name(mfa_cred_type(c)));
	column(mfactl_status_text(mfa_cred_status(c)), 8);
	column(par, 13);
	column(created, 20);
	column(used, 20);
	label = mfa_cred_label(c);
	/*
	 * The label is the enroller's text: shown as it is when it is
	 * UTF-8, but no terminal escapes get out.
	 */
	mfactl_print_text(stdout, label != NULL ? label : "");
	putchar('\n');
	/* A key's model and its signature counter, on a line of their own. */
	if (mfa_cred_type(c) == MFA_CRED_FIDO2) {
		aaguid = mfa_cred_fido2_aaguid(c);
		printf(_("     aaguid %s counter %llu"),
		    aaguid != NULL ? aaguid : "-",
		    (unsigned long long)mfa_cred_fido2_counter(c));
		putchar('\n');
	}
}

static void
json_time(const char *key, int64_t t)
{
	char iso[MFACTL_TIME_LEN];

	/* Every credential has the same keys: a never has two nulls. */
	if (t <= 0) {
		printf(", \"%s\": null, \"%s_iso\": null", key, key);
		return;
	}
	mfactl_format_iso(t, iso, sizeof(iso));
	printf(", \"%s\": %" PRId64 ", \"%s_iso\": \"%s\"", key, t, key, iso);
}

static void
json_cred(const mfa_user_t *u, const mfa_cred_t *c)
{
	const char *s;

	printf("    {\"id\": %u, \"type\": \"%s\", \"status\": \"%s\", "
	    "\"label\": ", mfa_cred_id(c), mfactl_type_name(mfa_cred_type(c)),
	    mfactl_status_name(mfa_cred_status(c)));
	mfactl_json_str(stdout, mfa_cred_label(c));
	json_time("created", mfa_cred_created(c));
	json_time("last_used", mfa_cred_last_used(c));
	switch (mfa_cred_type(c)) {
	case MFA_CRED_TOTP:
		printf(", \"algorithm\": \"%s\", \"digits\": %u, "
		    "\"period\": %u",
		    mfa_totp_algorithm_name(mfa_cred_totp_algorithm(c)),
		    mfa_cred_totp_digits(c), mfa_cred_totp_period(c));
		break;
	case MFA_CRED_FIDO2:
		s = mfa_cred_fido2_algorithm(c);
		printf(", \"algorithm\": ");
		mfactl_json_str(stdout, s != NULL ? s : "");
		s = mfa_cred_fido2_aaguid(c);
		printf(", \"aaguid\": ");
		mfactl_json_str(stdout, s != NULL ? s : "");
		printf(", \"counter\": %" PRIu64, mfa_cred_fido2_counter(c));
		break;
	case MFA_CRED_RECOVERY:
		printf(", \"remaining\": %u", mfa_user_recovery_remaining(u));
		break;
	default:
		break;
	}
	putchar('}');
}

static void
json_list(const char *user, const mfa_user_t *u)
{
	size_t i, n = mfa_user_cred_count(u);

	printf("{\n  \"user\": ");
	mfactl_json_str(stdout, user);
	printf(",\n  \"recovery_codes_left\": %u,\n  \"credentials\": [",
	    mfa_user_recovery_remaining(u));
	for (i = 0; i < n; i++) {
		if (mfa_user_cred(u, i) == NULL)
			continue;
		printf("%s\n", i == 0 ? "" : ",");
		json_cred(u, mfa_user_cred(u, i));
	}
	printf("%s]\n}\n", n > 0 ? "\n  " : "");
}

int
cmd_list(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	mfa_user_t *u = NULL;
	const char *user;
	size_t i, n;
	int ch, r, json = 0, status = EXIT_FAIL;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("%s: mfactl [%s] list %s\n", _("usage"),
			    _("global options"), LIST_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "list", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
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
	status = EXIT_OK;
	if (json) {
		json_list(user, u);
		goto out;
	}
	if ((n = mfa_user_cred_count(u)) == 0) {
		printf(_("%s has no credentials"), user);
		putchar('\n');
		goto out;
	}
	print_header();
	for (i = 0; i < n; i++)
		if (mfa_user_cred(u, i) != NULL)
			print_cred(u, mfa_user_cred(u, i));
out:
	mfa_user_free(&u);
	return status;
}
