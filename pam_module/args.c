/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Module options, from a table.  Anything not in the table is an error:
 * a typo in a PAM service file must not quietly weaken a factor.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "module.h"

#define ARG_FLAG	1	/* "name" */
#define ARG_PATH	2	/* "name=/absolute/path" */

struct arg_def {
	const char	*name;
	int		 type;
	size_t		 max;	/* ARG_PATH: bytes in the value */
	size_t		 off;	/* into struct module_args */
};

static const struct arg_def arg_table[] = {
	{ "config", ARG_PATH, MODULE_PATH_MAX,
	    offsetof(struct module_args, config) },
	{ "store", ARG_PATH, MODULE_PATH_MAX,
	    offsetof(struct module_args, store) },
	{ "debug", ARG_FLAG, 0, offsetof(struct module_args, debug) },
	{ "keyhint", ARG_FLAG, 0, offsetof(struct module_args, keyhint) },
};
#define NARGS	(sizeof(arg_table) / sizeof(arg_table[0]))

/* Whether s is printable ASCII without blanks (as libpam splits). */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Returns the table entry whose name is the option's name part. */
static const struct arg_def *
arg_lookup(const char *arg, const char **value)
{
	const char *eq;
	size_t i, len;

	eq = strchr(arg, '=');
	len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	for (i = 0; i < NARGS; i++) {
		if (strlen(arg_table[i].name) == len &&
		    strncmp(arg_table[i].name, arg, len) == 0) {
			*value = eq != NULL ? eq + 1 : NULL;
			return &arg_table[i];
		}
	}
	return NULL;
}

int
args_parse(pam_handle_t *pamh, int argc, const char **argv,
    struct module_args *out)
{
	struct module_args args;
	const struct arg_def *def;
	const char *value;
	unsigned seen = 0;
	int i, rc = PAM_SERVICE_ERR;

	memset(&args, 0, sizeof(args));
	for (i = 0; i < argc; i++) {
		if (argv[i] == NULL ||
		    strnlen(argv[i], MODULE_ARG_MAX + 1) > MODULE_ARG_MAX) {
			pam_syslog(pamh, LOG_ERR, "option %d too long", i + 1);
			goto out;
		}
		if ((def = arg_lookup(argv[i], &value)) == NULL) {
			/*
			 * Bounded above; not a secret, so name it, unless it
			 * holds bytes a log line must not carry.
			 */
			if (printable(argv[i]))
				pam_syslog(pamh, LOG_ERR, "unknown option "
				    "'%s'", argv[i]);
			else
				pam_syslog(pamh, LOG_ERR, "unknown option %d "
				    "(not printable ASCII)", i + 1);
			goto out;
		}
		if (seen & (1U << (def - arg_table))) {
			pam_syslog(pamh, LOG_ERR, "option '%s' given twice",
			    def->name);
			goto out;
		}
		seen |= 1U << (def - arg_table);
		switch (def->type) {
		case ARG_FLAG:
			if (value != NULL) {
				pam_syslog(pamh, LOG_ERR,
				    "option '%s' takes no value", def->name);
				goto out;
			}
			*(int *)(void *)((char *)&args + def->off) = 1;
			break;
		case ARG_PATH:
			if (value == NULL || value[0] != '/' ||
			    strlen(value) >= def->max) {
				pam_syslog(pamh, LOG_ERR, "option '%s' needs "
				    "an absolute path shorter than %zu bytes",
				    def->name, def->max);
				goto out;
			}
			*(const char **)(void *)((char *)&args + def->off) =
			    value;
			break;
		default:
			goto out;
		}
	}
	*out = args;
	rc = PAM_SUCCESS;
out:
	return rc;
}
