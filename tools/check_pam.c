/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl check, the PAM services: whether the auth stack of each login
 * service (login, sshd and the greeters whose files exist, and each
 * --service) calls pam_mfa, and whether pam_authenticate() can succeed
 * without pam_mfa succeeding (pam_stack.c explores that).  What it
 * cannot read or take as well-formed is reported, never passed over.
 * The options of each pam_mfa line are read by the module's own parser
 * (check_args.c); a configuration or store they name that this run
 * did not inspect is said, with the command that does.
 */
#include "config.h"

#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "check_args.h"
#include "pam_stack.h"

/* The services through which people log in at a terminal. */
static const char *const login_services[] = {
	"login", "sshd", "gdm-password", "lightdm", "sddm"
};

/* Services where the caller is the user: pam_rootok means "already root". */
static const char *const su_services[] = {
	"su", "su-l", "runuser", "runuser-l"
};

static int
is_su(const char *service)
{
	size_t i;

	for (i = 0; i < sizeof(su_services) / sizeof(su_services[0]); i++)
		if (strcmp(service, su_services[i]) == 0)
			return 1;
	return 0;
}

/* Already found for another service (files such as common-auth are shared). */
static int
reported(const struct check *c, const char *kind, const char *obj,
    const char *problem)
{
	size_t i;

	for (i = 0; i < c->nf; i++)
		if (strcmp(c->f[i].kind, kind) == 0 &&
		    c->f[i].object.type == CHECK_OBJ_PAMFILE &&
		    c->f[i].object.name != NULL &&
		    strcmp(c->f[i].object.name, obj) == 0 &&
		    strcmp(c->f[i].problem, problem) == 0)
			return 1;
	return 0;
}

/*
 * A finding about a PAM file, once per file and problem (files such as
 * common-auth are shared by services).  Takes over problem and action
 * (malloc'd; NULL: out of memory).
 */
static void
file_finding(struct check *c, const char *kind, int severity,
    const char *path, char *problem, char *action)
{
	if (problem == NULL || action == NULL)
		c->nomem = 1;
	else if (!reported(c, kind, path, problem)) {
		check_add(c, kind, severity, check_obj(CHECK_OBJ_PAMFILE, "%s",
		    path), action, "%s", problem);
		action = NULL;
	}
	free(action);
	free(problem);
}

static void
add_issue(struct check *c, const struct ps_issue *is)
{
	char *problem = NULL, *action, *q;
	const char *what = is->what != NULL ? is->what : "";

	switch (is->kind) {
	case PS_ISSUE_CONTROL:
		problem = check_fmt(_("line %u: control '%s' is unknown to "
		    "Linux-PAM, which fails the line"), is->line, what);
		break;
	case PS_ISSUE_TYPE:
		problem = check_fmt(_("line %u: module type '%s' is unknown "
		    "to Linux-PAM, which fails the line"), is->line, what);
		break;
	case PS_ISSUE_SYNTAX:
		problem = check_fmt(is->what != NULL ? _("line %u: continued "
		    "past the end of the file, which fails the file") :
		    _("line %u: no control or no module, which fails the "
		    "line"), is->line);
		break;
	case PS_ISSUE_INCLUDE:
		problem = is->line == 0 ? check_fmt("%s", _("cannot be "
		    "read")) : check_fmt(_("line %u: cannot read %s, which "
		    "fails the line"), is->line, what);
		break;
	case PS_ISSUE_DEPTH:
		problem = check_fmt(_("line %u: includes %s nested too deep "
		    "(16 levels), which fails the line"), is->line, what);
		break;
	case PS_ISSUE_LOOP:
		problem = check_fmt(_("line %u: includes %s, which includes "
		    "this file again"), is->line, what);
		break;
	case PS_ISSUE_LIMIT:
		problem = check_fmt(_("line %u: more auth lines than mfactl "
		    "analyses (1024)"), is->line);
		break;
	case PS_ISSUE_NOFILE:
		problem = check_fmt(_("neither %s nor other exists: every "
		    "login through it fails"), what);
		break;
	default:
		problem = check_fmt("%s", _("writable by others than root, "
		    "who could turn MFA off"));
		break;
	}
	if (is->kind == PS_ISSUE_UNSAFE) {
		/* The path as one word for the shell, as elsewhere. */
		q = mfactl_shell_quote(is->path);
		action = q == NULL ? NULL : check_fmt(_("run 'chown root %s' "
		    "and 'chmod go-w %s'"), q, q);
		free(q);
	} else
		action = check_fmt("%s", _("fix it (see pam.conf(5)); until "
		    "then mfactl cannot tell whether logins need pam_mfa"));
	file_finding(c, is->kind == PS_ISSUE_UNSAFE ? "pam-unsafe" :
	    "pam-unknown", CHECK_MEDIUM, is->path, problem, action);
}

/* Whether a and b name the same file: as written, or resolved. */
static int
same_path(const char *a, const char *b)
{
	char *ra, *rb;
	int same;

	if (strcmp(a, b) == 0)
		return 1;
	ra = realpath(a, NULL);
	rb = realpath(b, NULL);
	same = ra != NULL && rb != NULL && strcmp(ra, rb) == 0;
	free(ra);
	free(rb);
	return same;
}

/*
 * "mfactl [--config FILE] [--store DIR] check": what inspects the
 * configuration and store of a pam_mfa line, paths one word each for
 * the shell.  NULL when out of memory.
 */
static char *
check_command(const char *config, const char *store)
{
	char *qc = NULL, *qs = NULL, *cmd = NULL;

	if (config != NULL && (qc = mfactl_shell_quote(config)) == NULL)
		goto out;
	if (store != NULL && (qs = mfactl_shell_quote(store)) == NULL)
		goto out;
	cmd = check_fmt("mfactl%s%s%s%s check", qc != NULL ? " --config " :
	    "", qc != NULL ? qc : "", qs != NULL ? " --store " : "",
	    qs != NULL ? qs : "");
out:
	free(qc);
	free(qs);
	return cmd;
}

/*
 * A pam_mfa line: its options as the module reads them (pam-args), and
 * the configuration and store they make it use against those this run
 * inspected (pam-config).  cfg_store: the store of the run's
 * configuration without --store (NULL: not known).
 */
static void
check_mfa_line(struct check *c, const struct ps_mfa_line *ml,
    const char *cfg_store)
{
	char why[256];
	const char *config, *store, *run_config, *run_store, *line_store;
	char *problem = NULL, *cmd;
	int rc, cfg_other, store_other;

	/*
	 * "-auth ... pam_mfa.so": were the module ever missing (removed,
	 * a failed upgrade), libpam would skip the line without a word
	 * and every login would pass without a second factor.
	 */
	if (ml->silent)
		file_finding(c, "pam-silent", CHECK_MEDIUM, ml->path,
		    check_fmt(_("line %u: pam_mfa is on a '-auth' line, "
		    "which Linux-PAM skips without a word when the module is "
		    "missing: logins would then need no second factor"),
		    ml->line), check_fmt("%s", _("write 'auth' without the "
		    "'-'")));
	rc = check_mfa_args(ml->argc, ml->argv, &config, &store, why,
	    sizeof(why));
	if (rc == -2) {
		c->nomem = 1;
		return;
	}
	if (rc == -1) {
		file_finding(c, "pam-args", CHECK_MEDIUM, ml->path,
		    /* TRANSLATORS: %s is pam_mfa's log line, in English. */
		    check_fmt(_("line %u: pam_mfa refuses its options (%s), "
		    "which fails every login through this line"), ml->line,
		    why), check_fmt("%s", _("correct them as pam_mfa(8) lists "
		    "them")));
		return;
	}
	/* What the module reads, against what this run looked at. */
	run_config = c->m->config != NULL ? c->m->config :
	    mfa_default_config();
	run_store = c->m->ctx != NULL ? mfa_ctx_store(c->m->ctx) : NULL;
	if (config != NULL && strcmp(config, mfa_default_config()) == 0)
		config = NULL;
	cfg_other = !same_path(config != NULL ? config :
	    mfa_default_config(), run_config);
	/* Without store=, the store of its configuration. */
	line_store = store != NULL ? store : cfg_other ? NULL : cfg_store;
	store_other = line_store != NULL && run_store != NULL &&
	    !same_path(line_store, run_store);
	if (!cfg_other && !store_other)
		return;
	if (cfg_other && store_other)
		problem = check_fmt(_("line %u: pam_mfa reads configuration "
		    "%s and store %s, which this check did not inspect"),
		    ml->line, config != NULL ? config : mfa_default_config(),
		    store);
	else if (cfg_other)
		problem = check_fmt(_("line %u: pam_mfa reads configuration "
		    "%s, which this check did not inspect"), ml->line,
		    config != NULL ? config : mfa_default_config());
	else
		problem = check_fmt(_("line %u: pam_mfa uses store %s, which "
		    "this check did not inspect"), ml->line, line_store);
	cmd = check_command(config, store);
	file_finding(c, "pam-config", CHECK_LOW, ml->path, problem,
	    cmd == NULL ? NULL : check_fmt(_("inspect it too: run '%s'"),
	    cmd));
	free(cmd);
}

static void
check_service(struct check *c, const char *service, const char *cfg_store)
{
	struct ps_result r;
	size_t i;

	if (ps_analyse(c->pam_dir, service, 0, &r) == -1) {
		c->nomem = 1;
		ps_result_free(&r);
		return;
	}
	for (i = 0; i < r.nissues; i++)
		add_issue(c, &r.issues[i]);
	for (i = 0; i < r.nmfa; i++)
		check_mfa_line(c, &r.mfa[i], cfg_store);
	if (!r.can_succeed) {
		/* No login through it at all: nothing to bypass. */
	} else if (r.via_rootok && is_su(service))
		check_add(c, "pam-rootok", CHECK_LOW,
		    check_obj(CHECK_OBJ_SERVICE, "%s", service),
		    check_fmt("%s", _("nothing to do: the caller is root "
		    "already")),
		    _("root needs no pam_mfa: pam_rootok (%s line %u) lets "
		    "it in"), r.via_path, r.via_line);
	else if (r.nmfa == 0)
		check_add(c, "pam-no-mfa", CHECK_HIGH,
		    check_obj(CHECK_OBJ_SERVICE, "%s", service),
		    check_fmt("%s", _("add 'auth required pam_mfa.so' after "
		    "the password module (see pam_mfa(8))")),
		    r.other ? _("no auth stack of its own, and other's never "
		    "calls pam_mfa: logins need no second factor") :
		    _("its auth stack never calls pam_mfa: logins need no "
		    "second factor"));
	else
		check_add(c, "pam-bypass", CHECK_HIGH,
		    check_obj(CHECK_OBJ_SERVICE, "%s", service),
		    check_fmt("%s", _("make pam_mfa required, and no module "
		    "before it sufficient or a jump over it (see "
		    "pam_mfa(8))")),
		    _("a login can succeed without pam_mfa: through %s (%s "
		    "line %u)"), r.via_module != NULL ? r.via_module :
		    "-", r.via_path, r.via_line);
	if (r.nomem)
		c->nomem = 1;
	ps_result_free(&r);
}

/*
 * The store of the run's configuration as a pam_mfa line without
 * store= uses it: --store set aside.  A malloc'd string, or NULL when
 * not known (the configuration did not load) or out of memory.
 */
static char *
config_store(const struct check *c)
{
	mfa_ctx_t *ctx;
	const char *s;
	char *copy = NULL;

	if (c->m->store == NULL) {
		s = c->m->ctx != NULL ? mfa_ctx_store(c->m->ctx) : NULL;
		return s != NULL ? strdup(s) : NULL;
	}
	if ((ctx = mfa_ctx_new()) == NULL)
		return NULL;
	if ((c->config == NULL || mfa_ctx_load_config(ctx, c->config) ==
	    MFA_OK) && (s = mfa_ctx_store(ctx)) != NULL)
		copy = strdup(s);
	mfa_ctx_free(&ctx);
	return copy;
}

void
check_pam(struct check *c)
{
	struct stat st;
	char *path, *cfg_store;
	size_t i, j;
	int dup;

	if (stat(c->pam_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		check_add(c, "pam-unknown", CHECK_MEDIUM,
		    check_obj(CHECK_OBJ_PAMFILE, "%s", c->pam_dir),
		    check_fmt("%s", _("give the PAM directory with "
		    "--pam-dir")), "%s", _("not a directory that can be "
		    "read: no PAM service checked"));
		return;
	}
	cfg_store = config_store(c);
	for (i = 0; i < sizeof(login_services) / sizeof(login_services[0]);
	    i++) {
		for (dup = 0, j = 0; j < c->nservices; j++)
			dup |= strcmp(c->services[j], login_services[i]) == 0;
		if (dup)
			continue;
		if (asprintf(&path, "%s/%s", c->pam_dir, login_services[i]) ==
		    -1) {
			c->nomem = 1;
			goto out;
		}
		if (access(path, F_OK) == 0)
			check_service(c, login_services[i], cfg_store);
		free(path);
	}
	for (i = 0; i < c->nservices; i++) {
		for (dup = 0, j = 0; j < i; j++)
			dup |= strcmp(c->services[j], c->services[i]) == 0;
		if (!dup)
			check_service(c, c->services[i], cfg_store);
	}
out:
	free(cfg_store);
}
