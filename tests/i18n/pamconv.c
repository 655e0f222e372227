/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pamconv SERVICE USER: authenticates USER through the PAM service
 * SERVICE as a login program does, for tests/i18n/prompts.sh.  Unlike
 * pamtester(1), it takes its locale from the environment
 * (setlocale(LC_ALL, "")), as login(1), sshd and display managers do,
 * so a module's gettext messages come out in the user's language.
 *
 * Every message of the conversation is printed on standard output as
 * one line "KIND [TEXT]", KIND being prompt-off, prompt-on, info or
 * error, so that a test can match a prompt exactly, trailing blanks
 * included.  Prompts are answered with the lines of standard input; at
 * its end the conversation fails.  The last line is "result N" with
 * the pam_authenticate() return value.  Exit status: 0 on PAM_SUCCESS,
 * 1 on another result, 2 on a usage or setup error.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

static void
answer_free(struct pam_response *resp, int n)
{
	int i;

	if (resp == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (resp[i].resp != NULL) {
			explicit_bzero(resp[i].resp, strlen(resp[i].resp));
			free(resp[i].resp);
		}
	}
	free(resp);
}

/* The next line of standard input without its newline, or NULL. */
static char *
read_answer(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if ((n = getline(&line, &cap, stdin)) == -1) {
		free(line);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **out,
    void *arg)
{
	struct pam_response *resp;
	const char *kind;
	int i, rc = PAM_CONV_ERR;

	(void)arg;
	*out = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((resp = calloc((size_t)n, sizeof(*resp))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			kind = "prompt-off";
			break;
		case PAM_PROMPT_ECHO_ON:
			kind = "prompt-on";
			break;
		case PAM_TEXT_INFO:
			kind = "info";
			break;
		case PAM_ERROR_MSG:
			kind = "error";
			break;
		default:
			goto out;
		}
		printf("%s [%s]\n", kind,
		    msg[i]->msg != NULL ? msg[i]->msg : "");
		fflush(stdout);
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
			if ((resp[i].resp = read_answer()) == NULL)
				goto out;
		}
	}
	*out = resp;
	resp = NULL;
	rc = PAM_SUCCESS;
out:
	answer_free(resp, n);
	return rc;
}

int
main(int argc, char **argv)
{
	struct pam_conv pc = { conv, NULL };
	pam_handle_t *pamh = NULL;
	int rc;

	(void)setlocale(LC_ALL, "");
	if (argc != 3) {
		fprintf(stderr, "usage: pamconv SERVICE USER\n");
		return 2;
	}
	if ((rc = pam_start(argv[1], argv[2], &pc, &pamh)) != PAM_SUCCESS) {
		fprintf(stderr, "pamconv: pam_start: %d\n", rc);
		return 2;
	}
	rc = pam_authenticate(pamh, 0);
	printf("result %d\n", rc);
	(void)pam_end(pamh, rc);
	return rc == PAM_SUCCESS ? 0 : 1;
}
