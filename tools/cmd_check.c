/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl check [--json] [--stale-days N] [--group G ...] [--service S ...]
 * [--pam-dir DIR]: inspects the configuration, the store, the users and
 * the PAM services' auth stacks, and prints one line per
 * finding saying what is wrong and what to do (or a JSON array of the
 * findings).  Exits 1 when there is any finding, 0 when there is none.
 * It only reads: the store's files are opened with shared locks.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "pam_stack.h"

#define CHECK_USAGE	"[--json] [--stale-days N] [--group G]... " \
	"[--service S]... [--pam-dir DIR]"
#define PAM_DIR_DEFAULT	"/etc/pam.d"
#define STALE_DEFAULT	90
#define STALE_MAX	36500

char *
check_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

struct check_object
check_obj(int type, const char *fmt, ...)
{
	struct check_object o;
	va_list ap;
	int n;

	o.type = type;
	o.name = NULL;
	va_start(ap, fmt);
	n = vasprintf(&o.name, fmt, ap);
	va_end(ap);
	if (n < 0)
		o.name = NULL;
	return o;
}

void
check_add(struct check *c, const char *kind, int severity,
    struct check_object object, char *action, const char *fmt, ...)
{
	struct check_finding *nf;
	va_list ap;
	char *problem = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&problem, fmt, ap);
	va_end(ap);
	if (n < 0)
		problem = NULL;
	if (object.name == NULL || action == NULL || problem == NULL ||
	    (nf = reallocarray(c->f, c->nf + 1, sizeof(*c->f))) == NULL) {
		c->nomem = 1;
		free(object.name);
		free(action);
		free(problem);
		return;
	}
	c->f = nf;
	nf[c->nf].kind = kind;
	nf[c->nf].severity = severity;
	nf[c->nf].object = object;
	nf[c->nf].problem = problem;
	nf[c->nf].action = action;
	c->nf++;
}

static const char *
severity_name(int s)
{
	return s >= CHECK_HIGH ? "high" : s == CHECK_MEDIUM ? "medium" :
	    "low";
}

/* The object as scripts see it: English, "user bob". */
static char *
object_json(const struct check_object *o)
{
	switch (o->type) {
	case CHECK_OBJ_CONFIG:
		return check_fmt("config %s", o->name);
	case CHECK_OBJ_DEFAULTS:
		return check_fmt("config (built-in defaults)");
	case CHECK_OBJ_STORE:
		return check_fmt("store %s", o->name);
	case CHECK_OBJ_FILE:
		return check_fmt("file %s", o->name);
	case CHECK_OBJ_USER:
		return check_fmt("user %s", o->name);
	case CHECK_OBJ_SERVICE:
		return check_fmt("pam-service %s", o->name);
	case CHECK_OBJ_PAMFILE:
		return check_fmt("pam-file %s", o->name);
	default:
		return check_fmt("group %s", o->name);
	}
}

/* The object for people, translated. */
static char *
object_text(const struct check_object *o)
{
	switch (o->type) {
	case CHECK_OBJ_CONFIG:
		/* TRANSLATORS: the configuration file PATH. */
		return check_fmt(_("config %s"), o->name);
	case CHECK_OBJ_DEFAULTS:
		return check_fmt("%s", _("config (built-in defaults)"));
	case CHECK_OBJ_STORE:
		/* TRANSLATORS: the store directory PATH. */
		return check_fmt(_("store %s"), o->name);
	case CHECK_OBJ_FILE:
		/* TRANSLATORS: a file PATH in the store. */
		return check_fmt(_("file %s"), o->name);
	case CHECK_OBJ_USER:
		return check_fmt(_("user %s"), o->name);
	case CHECK_OBJ_SERVICE:
		/* TRANSLATORS: a PAM service, e.g. sshd. */
		return check_fmt(_("PAM service %s"), o->name);
	case CHECK_OBJ_PAMFILE:
		/* TRANSLATORS: a file or directory PATH of PAM's. */
		return check_fmt(_("PAM file %s"), o->name);
	default:
		return check_fmt(_("group %s"), o->name);
	}
}

static void
print_text(const struct check *c)
{
	char *obj;
	size_t i;

	for (i = 0; i < c->nf; i++) {
		obj = object_text(&c->f[i].object);
		mfactl_print_text(stdout, obj != NULL ? obj :
		    c->f[i].object.name);
		free(obj);
		fputs(": ", stdout);
		mfactl_print_text(stdout, c->f[i].problem);
		fputs(": ", stdout);
		mfactl_print_text(stdout, c->f[i].action);
		putchar('\n');
	}
	if (c->nf == 0)
		printf("%s\n", _("no problems found"));
}

static void
print_json(const struct check *c)
{
	const struct check_finding *f;
	char *obj;
	size_t i;

	putchar('[');
	for (i = 0; i < c->nf; i++) {
		f = &c->f[i];
		printf("%s\n  {\"severity\": \"%s\", \"kind\": \"%s\", "
		    "\"object\": ", i == 0 ? "" : ",",
		    severity_name(f->severity), f->kind);
		obj = object_json(&f->object);
		mfactl_json_str(stdout, obj != NULL ? obj : f->object.name);
		free(obj);
		printf(", \"problem\": ");
		mfactl_json_str(stdout, f->problem);
		printf(", \"action\": ");
		mfactl_json_str(stdout, f->action);
		putchar('}');
	}
	printf("%s]\n", c->nf > 0 ? "\n" : "");
}

static void
check_free(struct check *c)
{
	size_t i;

	for (i = 0; i < c->nf; i++) {
		free(c->f[i].object.name);
		free(c->f[i].problem);
		free(c->f[i].action);
	}
	free(c->f);
	for (i = 0; i < c->nsec; i++)
		free(c->sec[i].name);
	free(c->sec);
	free(c->users);
}

int
cmd_check(struct mfactl *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stale-days", required_argument, NULL, 's' },
		{ "group", required_argument, NULL, 'g' },
		{ "service", required_argument, NULL, 'S' },
		{ "pam-dir", required_argument, NULL, 'P' },
		MFACTL_GLOBAL_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long days = STALE_DEFAULT;
	struct check c;
	int ch, r, json = 0, status = EXIT_FAIL;

	memset(&c, 0, sizeof(c));
	c.pam_dir = PAM_DIR_DEFAULT;
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			if (mfactl_parse_uint(optarg, 1, STALE_MAX, &days) ==
			    -1) {
				fprintf(stderr, "mfactl: check: --stale-days ");
				mfactl_print_safe(stderr, optarg);
				fputs(": ", stderr);
				fprintf(stderr, _("not a number from 1 to %d"),
				    STALE_MAX);
				fputc('\n', stderr);
				return EXIT_USAGE;
			}
			break;
		case 'g':
			if (optarg[0] == '\0' ||
			    c.ngroups >= CHECK_GROUPS_MAX) {
				fprintf(stderr, "mfactl: check: --group: %s\n",
				    optarg[0] == '\0' ? _("empty group name") :
				    _("too many groups"));
				return EXIT_USAGE;
			}
			c.groups[c.ngroups++] = optarg;
			break;
		case 'S':
			if (!ps_service_name_ok(optarg) ||
			    c.nservices >= CHECK_SERVICES_MAX) {
				fprintf(stderr, "mfactl: check: --service ");
				mfactl_print_safe(stderr, optarg);
				fprintf(stderr, ": %s\n",
				    c.nservices >= CHECK_SERVICES_MAX ?
				    _("too many services") :
				    _("not a PAM service name"));
				return EXIT_USAGE;
			}
			c.services[c.nservices++] = optarg;
			break;
		case 'P':
			if (optarg[0] == '\0') {
				fprintf(stderr, "mfactl: check: --pam-dir: "
				    "%s\n", _("empty directory name"));
				return EXIT_USAGE;
			}
			c.pam_dir = optarg;
			break;
		case 'h':
			printf("%s: mfactl [%s] check %s\n", _("usage"),
			    _("global options"), CHECK_USAGE);
			return EXIT_OK;
		default:
			if (mfactl_global_opt(m, "check", ch, argv) !=
			    EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind != 0)
		return mfactl_usage("check", CHECK_USAGE);
	/* Every store file is root's and mode 0600. */
	if ((status = mfactl_need_root("check", NULL)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;

	c.m = m;
	c.now = (int64_t)time(NULL);
	c.stale = (int64_t)days * 86400;
	if ((r = mfactl_ctx_quiet(m, &c.config)) != MFA_OK) {
		/* A configuration that does not load is the first finding. */
		check_add(&c, "config-load", CHECK_HIGH,
		    check_obj(CHECK_OBJ_CONFIG, "%s", c.config != NULL ?
		    c.config : mfa_default_config()),
		    check_fmt("%s", _("fix it (see pam_mfa.conf(5)); until "
		    "then every login through pam_mfa fails")),
		    "%s: %s", _("does not load"), m->logmsg != NULL ?
		    m->logmsg : _(mfa_strerror(r)));
	} else {
		check_config(&c);
		check_store(&c);
		check_covered(&c);
	}
	check_pam(&c);
	if (c.nomem) {
		mfactl_error(m, "check", NULL, MFA_ERR_NOMEM);
		goto out;
	}
	if (json)
		print_json(&c);
	else
		print_text(&c);
	status = c.nf == 0 ? EXIT_OK : EXIT_FAIL;
out:
	check_free(&c);
	return status;
}
