/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_mfa.so internals: module options (args.c) and the conversation
 * helpers (conv.c).  Everything that decides is in libmfa.
 */
#ifndef PAM_MFA_MODULE_H
#define PAM_MFA_MODULE_H

#include <security/pam_modules.h>

#define MODULE_PATH_MAX		1024	/* bytes in config=/store= values */
#define MODULE_ARG_MAX		(MODULE_PATH_MAX + 16)	/* bytes in an arg */

/* Module options; the strings point into argv (owned by libpam). */
struct module_args {
	const char	*config;	/* config=PATH, NULL: default */
	const char	*store;		/* store=DIR, NULL: from config */
	int		 debug;		/* debug: forward LOG_DEBUG */
};

/*
 * Parses the module arguments from the PAM service file.  An unknown,
 * repeated, empty, relative or overlong option is logged with
 * pam_syslog() at LOG_ERR and gives PAM_SERVICE_ERR; PAM_SUCCESS
 * otherwise.  args is filled on success only.
 */
int args_parse(pam_handle_t *pamh, int argc, const char **argv,
    struct module_args *args);

/*
 * Asks one question through the application's conversation function
 * (style PAM_PROMPT_ECHO_OFF or PAM_PROMPT_ECHO_ON).  On PAM_SUCCESS
 * *resp gets the malloc'd answer, to be released with conv_free();
 * a failed conversation, a NULL response array or a NULL answer give
 * PAM_CONV_ERR (PAM_BUF_ERR when out of memory) and *resp stays NULL.
 */
int conv_prompt(pam_handle_t *pamh, int style, const char *text,
    char **resp);

/* Wipes and frees an answer from conv_prompt(); clears *respp. */
void conv_free(char **respp);

#endif /* PAM_MFA_MODULE_H */
