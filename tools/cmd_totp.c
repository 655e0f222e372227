/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl totp add | confirm: enrol a TOTP authenticator (pending until a
 * right code confirms it) and activate a pending one.  The new secret
 * goes out once: as the otpauth:// URI, as a QR code on the terminal,
 * and, when asked, as a QR code in a PNG file for printing.  With
 * --batch FILE both commands take one user per line instead
 * (cmd_totp_batch.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_totp.h"

#define ADD_USAGE	"add USER [--label L] [--issuer I] " \
			"[--algorithm sha1|sha256|sha512] [--digits N] " \
			"[--qr] [--qr-png FILE]"
#define ADD_BATCH_USAGE	"add --batch FILE [--label L] [--issuer I] " \
			"[--algorithm sha1|sha256|sha512] [--digits N]"
#define CONFIRM_USAGE	"confirm USER CODE [--id ID]"
#define CONFIRM_BATCH_USAGE	"confirm --batch FILE"
#define CONFIRM_TRIES	3

int
totp_put_secret_line(const char *s)
{
	size_t len = strlen(s), off = 0;
	ssize_t n;

	if (fflush(stdout) == EOF)
		return -1;
	while (off <= len) {
		/* The terminating NUL's place carries the newline. */
		if (off == len)
			n = write(STDOUT_FILENO, "\n", 1);
		else
			n = write(STDOUT_FILENO, s + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/* Tells how to activate a pending credential later. */
static void
print_pending(const struct mfactl *m, const char *user, unsigned id)
{
	char *q;

	printf(_("credential %u is pending; activate it with:"), id);
	printf("\n  mfactl");
	/* A command line to paste: the paths as words of the shell. */
	if (m->store != NULL) {
		q = mfactl_shell_quote(m->store);
		printf(" --store %s", q != NULL ? q : "DIR");
		free(q);
	}
	if (m->config != NULL) {
		q = mfactl_shell_quote(m->config);
		printf(" --config %s", q != NULL ? q : "FILE");
		free(q);
	}
	printf(" totp confirm %s CODE --id %u\n", user, id);
}

/*
 * One confirmation attempt.  The store is opened (and locked) only for
 * the attempt, so that the user's logins do not wait on a human typing.
 */
static int
confirm_once(struct mfactl *m, const char *user, unsigned id,
    const char *code)
{
	mfa_user_t *u = NULL;
	int r;

	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_WRITE, &u)) != MFA_OK)
		goto out;
	r = mfa_user_totp_confirm(u, id, code);
out:
	mfa_user_free(&u);
	return r;
}

/* Asks for codes on the terminal; EXIT_OK once the credential is active. */
static int
confirm_interactive(struct mfactl *m, const char *user, unsigned id)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int i, r, status = EXIT_FAIL;

	/* No stdio buffer keeps a copy of the code. */
	(void)setvbuf(stdin, NULL, _IONBF, 0);
	for (i = 0; i < CONFIRM_TRIES; i++) {
		fputs(_("Enter a code from the authenticator to confirm: "),
		    stderr);
		fflush(stderr);
		if ((n = getline(&line, &cap, stdin)) == -1) {
			fputc('\n', stderr);
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		r = confirm_once(m, user, id, line);
		explicit_bzero(line, cap);
		mfactl_audit("totp-confirm", user, id, MFA_CRED_TOTP, NULL,
		    r == MFA_OK);
		if (r == MFA_OK) {
			printf(_("activated credential %u"), id);
			putchar('\n');
			status = EXIT_OK;
			goto out;
		}
		mfactl_error(m, "totp add", user, r);
		if (r != MFA_ERR_BADCODE && r != MFA_ERR_CODEFMT &&
		    r != MFA_ERR_REPLAY)
			break;
	}
	print_pending(m, user, id);
out:
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	return status;
}

static int
totp_add(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "issuer", required_argument, NULL, 'i' },
		{ "algorithm", required_argument, NULL, 'a' },
		{ "digits", required_argument, NULL, 'd' },
		{ "qr", no_argument, NULL, 'q' },
		{ "qr-png", required_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'b' },
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct totp_add_opts o;
	const char *label = NULL, *issuer = NULL, *png = NULL, *batch = NULL;
	const char *user;
	unsigned long long digits = 0;
	int algorithm = -1, qr = 0, pngfd = -1, ch, r, status = EXIT_FAIL;
	mfa_user_t *u = NULL;
	char *uri = NULL;
	unsigned id = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			label = optarg;
			break;
		case 'i':
			issuer = optarg;
			break;
		case 'a':
			if (mfa_totp_algorithm_parse(optarg, &algorithm) !=
			    MFA_OK) {
				fprintf(stderr, "mfactl: totp add: --algorithm "
				    "%s: %s\n", optarg,
				    _("not sha1, sha256 or sha512"));
				return EXIT_USAGE;
			}
			break;
		case 'd':
			if (mfactl_parse_uint(optarg, 6, MFA_CODE_MAX,
			    &digits) == -1) {
				fprintf(stderr, "mfactl: totp add: --digits "
				    "%s: ", optarg);
				fprintf(stderr, _("not a number from 6 to %d"),
				    MFA_CODE_MAX);
				fputc('\n', stderr);
				return EXIT_USAGE;
			}
			break;
		case 'q':
			qr = 1;
			break;
		case 'p':
			if (optarg[0] == '\0') {
				fprintf(stderr, "mfactl: totp add: --qr-png: "
				    "%s\n", _("empty file name"));
				return EXIT_USAGE;
			}
			png = optarg;
			break;
		case 'b':
			if (optarg[0] == '\0') {
				fprintf(stderr, "mfactl: totp add: --batch: "
				    "%s\n", _("empty file name"));
				return EXIT_USAGE;
			}
			batch = optarg;
			break;
		case 'h':
			printf("%s: mfactl [%s] totp %s\n"
			    "       mfactl [%s] totp %s\n", _("usage"),
			    _("global options"), ADD_USAGE,
			    _("global options"), ADD_BATCH_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "totp add", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	/* Refused before anything is made, as an option out of range. */
	if ((label != NULL && mfactl_label_arg("totp add", NULL, "--label",
	    label) != EXIT_OK) || (issuer != NULL &&
	    mfactl_issuer_arg("totp add", issuer) != EXIT_OK))
		return EXIT_USAGE;
	if (batch != NULL) {
		/* Many secrets go out as URIs only: no QR codes. */
		if (argc - optind != 0 || qr || png != NULL)
			return mfactl_usage("totp", ADD_BATCH_USAGE);
		o.label = label;
		o.issuer = issuer;
		o.algorithm = algorithm;
		o.digits = (unsigned)digits;
		return totp_add_batch(m, batch, &o);
	}
	if (argc - optind != 1)
		return mfactl_usage("totp", ADD_USAGE);
	user = argv[optind];

	if ((status = mfactl_need_root("totp add", user)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;
	if (mfactl_ctx(m, "totp add", user) != MFA_OK ||
	    mfactl_check_user(m, "totp add", user) != EXIT_OK)
		goto out;
	/* The PNG's file first: no credential when it cannot be made. */
	if (png != NULL && (pngfd = mfactl_qr_png_create(png)) == -1) {
		mfactl_errorf("totp add", user, "%s: %s%s", png,
		    strerror(errno), errno == EEXIST ?
		    _(" (not overwritten)") : "");
		goto out;
	}
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_WRITE | MFA_OPEN_CREATE,
	    &u)) == MFA_OK) {
		r = mfa_user_totp_add(u, label, issuer, algorithm,
		    (unsigned)digits, &id, &uri);
		mfactl_audit("totp-add", user, id, MFA_CRED_TOTP, NULL,
		    r == MFA_OK);
	}
	if (r != MFA_OK) {
		mfactl_error(m, "totp add", user, r);
		goto out;
	}
	mfa_user_free(&u);

	/* The URI on a line of its own, for a QR encoder or a copy. */
	if (totp_put_secret_line(uri) == -1) {
		mfactl_errorf("totp add", user, _("cannot write the URI: %s"),
		    strerror(errno));
		goto out;
	}
	/* The QR code for the app's camera, where someone can see it. */
	if ((qr || isatty(STDOUT_FILENO)) && mfactl_qr_terminal(uri) == -1) {
		mfactl_errorf("totp add", user,
		    _("cannot show the QR code: %s"), strerror(errno));
		goto out;
	}
	if (pngfd != -1) {
		r = mfactl_qr_png_write(pngfd, uri);
		pngfd = -1;
		if (r == -1) {
			mfactl_errorf("totp add", user, "%s: %s", png,
			    strerror(errno));
			(void)unlink(png);
			goto out;
		}
		printf(_("QR code written to %s; it holds the secret: "
		    "destroy it after use"), png);
		putchar('\n');
	}
	mfa_secret_free(&uri);

	if (isatty(STDIN_FILENO))
		status = confirm_interactive(m, user, id);
	else {
		print_pending(m, user, id);
		status = EXIT_OK;
	}
out:
	if (pngfd != -1) {
		/* Made for a credential that does not exist: take it away. */
		(void)close(pngfd);
		(void)unlink(png);
	}
	mfa_secret_free(&uri);
	mfa_user_free(&u);
	return status;
}

unsigned
totp_only_pending(const mfa_user_t *u, size_t *npending)
{
	const mfa_cred_t *c;
	unsigned id = 0;
	size_t i;

	*npending = 0;
	for (i = 0; i < mfa_user_cred_count(u); i++) {
		c = mfa_user_cred(u, i);
		if (c != NULL && mfa_cred_type(c) == MFA_CRED_TOTP &&
		    mfa_cred_status(c) == MFA_STATUS_PENDING) {
			id = mfa_cred_id(c);
			(*npending)++;
		}
	}
	return *npending == 1 ? id : 0;
}

static int
totp_confirm(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "batch", required_argument, NULL, 'b' },
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long id = 0;
	const char *user, *batch = NULL;
	char *code;
	mfa_user_t *u = NULL;
	const mfa_cred_t *c;
	size_t npending;
	int ch, r, status = EXIT_FAIL;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			if (mfactl_parse_uint(optarg, 1, UINT32_MAX,
			    &id) == -1) {
				fprintf(stderr, "mfactl: totp confirm: --id "
				    "%s: %s\n", optarg,
				    _("not a credential id"));
				return EXIT_USAGE;
			}
			break;
		case 'b':
			if (optarg[0] == '\0') {
				fprintf(stderr, "mfactl: totp confirm: "
				    "--batch: %s\n", _("empty file name"));
				return EXIT_USAGE;
			}
			batch = optarg;
			break;
		case 'h':
			printf("%s: mfactl [%s] totp %s\n"
			    "       mfactl [%s] totp %s\n", _("usage"),
			    _("global options"), CONFIRM_USAGE,
			    _("global options"), CONFIRM_BATCH_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "totp confirm", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (batch != NULL) {
		/* Ids and codes come from the file's lines. */
		if (argc - optind != 0 || id != 0)
			return mfactl_usage("totp", CONFIRM_BATCH_USAGE);
		return totp_confirm_batch(m, batch);
	}
	if (argc - optind != 2)
		return mfactl_usage("totp", CONFIRM_USAGE);
	user = argv[optind];
	code = argv[optind + 1];

	if ((status = mfactl_need_root("totp confirm", user)) != EXIT_OK)
		goto out;
	status = EXIT_FAIL;
	if (mfactl_ctx(m, "totp confirm", user) != MFA_OK ||
	    mfactl_check_user(m, "totp confirm", user) != EXIT_OK)
		goto out;
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_WRITE, &u)) != MFA_OK) {
		mfactl_error(m, "totp confirm", user, r);
		goto out;
	}
	if (id != 0 && (c = mfactl_find_cred(u, (unsigned)id)) != NULL &&
	    mfa_cred_status(c) != MFA_STATUS_PENDING) {
		mfactl_errorf("totp confirm", user,
		    _("credential %u is not pending"), (unsigned)id);
		goto out;
	}
	if (id == 0) {
		if ((id = totp_only_pending(u, &npending)) == 0) {
			mfactl_errorf("totp confirm", user, "%s", npending == 0 ?
			    _("no pending TOTP credential") :
			    _("several pending TOTP credentials; choose one "
			    "with --id"));
			goto out;
		}
	}
	r = mfa_user_totp_confirm(u, (unsigned)id, code);
	mfactl_audit("totp-confirm", user, (unsigned)id, MFA_CRED_TOTP, NULL,
	    r == MFA_OK);
	if (r != MFA_OK) {
		mfactl_error(m, "totp confirm", user, r);
		goto out;
	}
	printf(_("activated credential %u"), (unsigned)id);
	putchar('\n');
	status = EXIT_OK;
out:
	/* Even a one-time code does not stay in our memory. */
	mfactl_wipe_str(code);
	mfa_user_free(&u);
	return status;
}

static void
totp_usage(FILE *fp)
{
	fprintf(fp, "%s: mfactl [%s] totp %s\n", _("usage"),
	    _("global options"), ADD_USAGE);
	fprintf(fp, "       mfactl [%s] totp %s\n", _("global options"),
	    ADD_BATCH_USAGE);
	fprintf(fp, "       mfactl [%s] totp %s\n", _("global options"),
	    CONFIRM_USAGE);
	fprintf(fp, "       mfactl [%s] totp %s\n", _("global options"),
	    CONFIRM_BATCH_USAGE);
}

int
cmd_totp(struct mfactl *m, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return totp_add(m, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "confirm") == 0)
		return totp_confirm(m, argc - 1, argv + 1);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		totp_usage(stdout);
		return EXIT_OK;
	}
	totp_usage(stderr);
	return EXIT_USAGE;
}
