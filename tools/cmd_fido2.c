/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl fido2 add: registers a FIDO2 security key for a user.  libmfa
 * makes the credential and checks it (attestation, allow-lists,
 * exclude list); this file asks for the key's PIN and the touch.
 *
 * The PIN is read without echo from the terminal when standard input
 * is one, else as one line from standard input (as fido2-token(1)
 * does), so that scripts can pipe it in.  It is wiped after use.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include "mfactl.h"

#define ADD_USAGE	"add USER [--device PATH] [--label L]"
#define PIN_LINE_MAX	256	/* bytes read; keys take at most 63 */

struct pin_ui {
	int	no_pin;		/* nothing to read: say so */
	int	too_long;
	int	echo_failed;	/* the terminal's echo stayed on */
};

/*
 * Reads one line from standard input into a fresh string, with the
 * terminal's echo off when it is a terminal.  Returns 0, or -1 at end
 * of input or on a read error.
 */
static int
read_pin(struct pin_ui *ui, const char *desc, char **out)
{
	struct termios saved, quiet;
	sigset_t block, old;
	char *line = NULL, *pin = NULL;
	size_t cap = 0;
	ssize_t n;
	int tty, echo_off = 0, ret = -1;

	/* No stdio buffer keeps a copy of the PIN. */
	(void)setvbuf(stdin, NULL, _IONBF, 0);
	tty = isatty(STDIN_FILENO);
	if (tty) {
		/* ^C or ^Z must not leave the terminal without echo. */
		sigemptyset(&block);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGTSTP);
		sigaddset(&block, SIGQUIT);
		(void)sigprocmask(SIG_BLOCK, &block, &old);
		/* Echo off before the prompt: a fast typist is not shown. */
		if (tcgetattr(STDIN_FILENO, &saved) == 0) {
			quiet = saved;
			quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
			echo_off = tcsetattr(STDIN_FILENO, TCSANOW,
			    &quiet) == 0;
		}
		if (!echo_off) {
			/* Never read a PIN that the terminal would show. */
			(void)sigprocmask(SIG_SETMASK, &old, NULL);
			ui->echo_failed = 1;
			goto out;
		}
		fprintf(stderr, _("Enter the PIN of %s: "), desc);
		fflush(stderr);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		if (echo_off)
			(void)tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		fputc('\n', stderr);
	}
	if (n <= 0) {
		ui->no_pin = 1;
		goto out;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if ((size_t)n >= PIN_LINE_MAX) {
		ui->too_long = 1;
		goto out;
	}
	if ((pin = strdup(line)) == NULL)
		goto out;
	*out = pin;
	ret = 0;
out:
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	return ret;
}

/* libmfa's prompt callback: the PIN, then the touch. */
static int
ui_cb(void *arg, int what, const char *desc, char **answer)
{
	struct pin_ui *ui = arg;

	switch (what) {
	case MFA_UI_PIN:
		if (read_pin(ui, desc, answer) != 0)
			return ui->too_long ? MFA_ERR_BADPIN : MFA_ERR_INVAL;
		return 0;
	case MFA_UI_TOUCH:
		fprintf(stderr, _("Touch your security key (%s) to register "
		    "it."), desc);
		fputc('\n', stderr);
		fflush(stderr);
		return 0;
	default:
		return MFA_ERR_INVAL;
	}
}

static int
fido2_add(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "label", required_argument, NULL, 'l' },
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = NULL, *label = NULL, *user;
	struct pin_ui ui;
	mfa_user_t *u = NULL;
	unsigned id = 0;
	int ch, r, status;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			device = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		case 'h':
			printf("%s: mfactl [%s] fido2 %s\n", _("usage"),
			    _("global options"), ADD_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "fido2 add", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind != 1)
		return mfactl_usage("fido2", ADD_USAGE);
	user = argv[optind];
	if (label != NULL && mfactl_label_arg("fido2 add", NULL, "--label",
	    label) != EXIT_OK)
		return EXIT_USAGE;

	if ((status = mfactl_need_root("fido2 add", user)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;
	/* The key's rejections are notices: keep them for the reason. */
	m->loglevel = LOG_NOTICE;
	if (mfactl_ctx(m, "fido2 add", user) != MFA_OK ||
	    mfactl_check_user(m, "fido2 add", user) != EXIT_OK)
		goto out;
	if ((r = mfa_user_open(m->ctx, user, MFA_OPEN_WRITE | MFA_OPEN_CREATE,
	    &u)) != MFA_OK) {
		mfactl_error(m, "fido2 add", user, r);
		goto out;
	}
	memset(&ui, 0, sizeof(ui));
	r = mfa_user_fido2_add(u, device, label, ui_cb, &ui, &id);
	mfactl_audit("fido2-add", user, id, MFA_CRED_FIDO2, NULL, r == MFA_OK);
	if (r != MFA_OK) {
		if (ui.echo_failed)
			mfactl_errorf("fido2 add", user, "%s",
			    _("cannot turn off the terminal's echo to read "
			    "the PIN"));
		else if (ui.no_pin)
			mfactl_errorf("fido2 add", user, "%s",
			    _("the key needs its PIN and none was given"));
		else if (ui.too_long)
			mfactl_errorf("fido2 add", user, "%s",
			    _("PIN longer than any key accepts"));
		else
			mfactl_error(m, "fido2 add", user, r);
		goto out;
	}
	printf(_("added fido2 credential %u for %s"), id, user);
	putchar('\n');
	status = EXIT_OK;
out:
	mfa_user_free(&u);
	return status;
}

int
cmd_fido2(struct mfactl *m, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return fido2_add(m, argc - 1, argv + 1);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("%s: mfactl [%s] fido2 %s\n", _("usage"),
		    _("global options"), ADD_USAGE);
		return EXIT_OK;
	}
	fprintf(stderr, "%s: mfactl [%s] fido2 %s\n", _("usage"),
	    _("global options"), ADD_USAGE);
	return EXIT_USAGE;
}
