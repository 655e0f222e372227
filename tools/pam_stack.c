/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The auth stack of a PAM service, read and run as Linux-PAM does
 * (libpam's pam_handlers.c, pam_misc.c and pam_dispatch.c, and
 * pam.conf(5), are the reference for every rule here):
 *
 * Reading.  '#' ends a line; a line ending in a backslash goes on in the
 * next one.  A line is "type control module args": a type with a
 * leading '-' only silences load errors; an unknown type becomes a
 * handler of the stack being built that always fails.  "required",
 * "requisite", "optional" and "sufficient" (any case) are fixed tables
 * of actions; anything else is read as "[value=action ...]" (the
 * brackets are one token), where value is a return code name or
 * "default" (which fills the codes not yet given) and action is ignore,
 * ok, done, bad, die, reset or a jump N > 0; a parse error makes every
 * code "bad"; codes left unset are "bad".  "include" and "substack"
 * read another file's lines of the same type in place, a substack one
 * level deeper; an include that cannot be read, or nested 16 deep,
 * becomes a handler that always fails ("bad").  Debian's "@include
 * FILE" reads FILE in place.  A service whose file is missing or has
 * no auth lines runs "other"'s auth stack.  The words after the module
 * path are its arguments, split as the tokens of the line are (a
 * "[...]" word keeps its blanks); those of pam_mfa lines are kept for
 * the caller, which knows what the module takes.
 *
 * Running.  libpam keeps an impression (undefined, positive, negative)
 * and a status; ok/done take the module's code when the impression is
 * undefined or positive-with-success, done then ends the (sub)stack if
 * the impression is positive; bad/die make it negative unless it
 * already is, die ends the (sub)stack; reset restores what it was when
 * the substack was entered; a jump skips N handlers of its own level (a
 * substack counts as one) and a jump past the end fails.  The result is
 * PAM_SUCCESS only with a positive impression and a success status.
 *
 * Exploring.  Each handler returns one of a set of codes: pam_mfa any
 * of its failures (PAM_AUTH_ERR, PAM_SERVICE_ERR, PAM_BUF_ERR, or
 * PAM_MODULE_UNKNOWN when it cannot be loaded), pam_deny PAM_AUTH_ERR,
 * pam_permit PAM_SUCCESS, a line that always fails PAM_PERM_DENIED, any
 * other module any code but PAM_INCOMPLETE.  Only the action and
 * whether the code is PAM_SUCCESS matter, so the states are (handler,
 * impression-with-status, the states saved on entering each substack);
 * a depth-first search over them with memoisation is exact and small.
 */
#include "config.h"

#include <sys/stat.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "pam_stack.h"
#include "pam_stack_int.h"

/* Return code names of [value=action], in libpam's pam_tokens.h order. */
static const char *const ret_name[_PAM_RETURN_VALUES + 1] = {
	[PAM_SUCCESS] = "success",
	[PAM_OPEN_ERR] = "open_err",
	[PAM_SYMBOL_ERR] = "symbol_err",
	[PAM_SERVICE_ERR] = "service_err",
	[PAM_SYSTEM_ERR] = "system_err",
	[PAM_BUF_ERR] = "buf_err",
	[PAM_PERM_DENIED] = "perm_denied",
	[PAM_AUTH_ERR] = "auth_err",
	[PAM_CRED_INSUFFICIENT] = "cred_insufficient",
	[PAM_AUTHINFO_UNAVAIL] = "authinfo_unavail",
	[PAM_USER_UNKNOWN] = "user_unknown",
	[PAM_MAXTRIES] = "maxtries",
	[PAM_NEW_AUTHTOK_REQD] = "new_authtok_reqd",
	[PAM_ACCT_EXPIRED] = "acct_expired",
	[PAM_SESSION_ERR] = "session_err",
	[PAM_CRED_UNAVAIL] = "cred_unavail",
	[PAM_CRED_EXPIRED] = "cred_expired",
	[PAM_CRED_ERR] = "cred_err",
	[PAM_NO_MODULE_DATA] = "no_module_data",
	[PAM_CONV_ERR] = "conv_err",
	[PAM_AUTHTOK_ERR] = "authtok_err",
	[PAM_AUTHTOK_RECOVERY_ERR] = "authtok_recover_err",
	[PAM_AUTHTOK_LOCK_BUSY] = "authtok_lock_busy",
	[PAM_AUTHTOK_DISABLE_AGING] = "authtok_disable_aging",
	[PAM_TRY_AGAIN] = "try_again",
	[PAM_IGNORE] = "ignore",
	[PAM_ABORT] = "abort",
	[PAM_AUTHTOK_EXPIRED] = "authtok_expired",
	[PAM_MODULE_UNKNOWN] = "module_unknown",
	[PAM_BAD_ITEM] = "bad_item",
	[PAM_CONV_AGAIN] = "conv_again",
	[PAM_INCOMPLETE] = "incomplete",
	[_PAM_RETURN_VALUES] = "default",
};

/* Action names; the index is minus the action. */
static const char *const action_name[] = {
	"ignore", "ok", "done", "bad", "die", "reset"
};

struct parser {
	const char	*dir;
	uid_t		 owner;
	struct handler	*h;
	size_t		 nh;
	char		**paths;	/* files and directories seen */
	size_t		 npaths;
	dev_t		 chain_dev[MAX_LEVEL + 1];	/* files being read */
	ino_t		 chain_ino[MAX_LEVEL + 1];
	int		 nchain;
	int		 full;		/* MAX_HANDLERS reached */
	struct ps_result *r;
};

static void
add_issue(struct parser *p, int kind, const char *path, unsigned line,
    const char *what)
{
	struct ps_issue *ni;
	struct ps_result *r = p->r;

	if ((ni = reallocarray(r->issues, r->nissues + 1,
	    sizeof(*ni))) == NULL) {
		r->nomem = 1;
		return;
	}
	r->issues = ni;
	ni += r->nissues;
	ni->kind = kind;
	ni->line = line;
	ni->path = strdup(path != NULL ? path : "-");
	ni->what = what != NULL ? strdup(what) : NULL;
	if (ni->path == NULL || (what != NULL && ni->what == NULL)) {
		free(ni->path);
		free(ni->what);
		r->nomem = 1;
		return;
	}
	r->nissues++;
}

/* The path as kept in p->paths; *seen is set when it was there already. */
static const char *
keep_path(struct parser *p, const char *path, int *seen)
{
	char **np;
	size_t i;

	*seen = 0;
	for (i = 0; i < p->npaths; i++)
		if (strcmp(p->paths[i], path) == 0) {
			*seen = 1;
			return p->paths[i];
		}
	if ((np = reallocarray(p->paths, p->npaths + 1, sizeof(*np))) ==
	    NULL) {
		p->r->nomem = 1;
		return NULL;
	}
	p->paths = np;
	if ((np[p->npaths] = strdup(path)) == NULL) {
		p->r->nomem = 1;
		return NULL;
	}
	return np[p->npaths++];
}

/* Root's alone (OpenSSH's StrictModes): owner and no group/other write. */
static void
check_safe(struct parser *p, const char *path, const struct stat *st)
{
	if (st->st_uid != p->owner || (st->st_mode & 022) != 0)
		add_issue(p, PS_ISSUE_UNSAFE, path, 0, NULL);
}

static void
check_dir_of(struct parser *p, const char *path)
{
	struct stat st;
	char *d, *slash;
	int seen;

	if ((d = strdup(path)) == NULL) {
		p->r->nomem = 1;
		return;
	}
	if ((slash = strrchr(d, '/')) != NULL) {
		if (slash == d)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (keep_path(p, d, &seen) != NULL && !seen &&
		    stat(d, &st) == 0)
			check_safe(p, d, &st);
	}
	free(d);
}

static int
module_kind(const char *modpath)
{
	const char *b = strrchr(modpath, '/');

	b = b != NULL ? b + 1 : modpath;
	if (strcmp(b, "pam_mfa.so") == 0)
		return M_MFA;
	if (strcmp(b, "pam_permit.so") == 0)
		return M_PERMIT;
	if (strcmp(b, "pam_deny.so") == 0)
		return M_DENY;
	if (strcmp(b, "pam_rootok.so") == 0)
		return M_ROOTOK;
	return M_FREE;
}

static void
set_default(int *act, int a)
{
	int i;

	for (i = 0; i < _PAM_RETURN_VALUES; i++)
		if (act[i] == A_UNDEF)
			act[i] = a;
}

/*
 * "[value=action ...]" as libpam's _pam_parse_control reads it: names
 * are matched as prefixes in table order.  Returns 0, or -1 after
 * making every code "bad" as libpam does on a parse error.
 */
static int
parse_control(int *act, const char *tok)
{
	size_t len;
	int ret, a;

	while (*tok != '\0') {
		while (*tok == ' ' || *tok == '\t' || *tok == '\n')
			tok++;
		if (*tok == '\0')
			break;
		for (ret = 0; ret <= _PAM_RETURN_VALUES; ret++) {
			len = strlen(ret_name[ret]);
			if (strncmp(ret_name[ret], tok, len) == 0)
				break;
		}
		if (ret > _PAM_RETURN_VALUES || tok[len] == '\0')
			goto bad;
		tok += len;
		while (*tok == ' ' || *tok == '\t' || *tok == '\n')
			tok++;
		if (*tok++ != '=')
			goto bad;
		while (*tok == ' ' || *tok == '\t' || *tok == '\n')
			tok++;
		if (*tok == '\0')
			goto bad;
		for (a = 0; a < (int)(sizeof(action_name) /
		    sizeof(action_name[0])); a++) {
			len = strlen(action_name[a]);
			if (strncmp(action_name[a], tok, len) == 0)
				break;
		}
		if (a < (int)(sizeof(action_name) / sizeof(action_name[0]))) {
			a = -a;
			tok += len;
		} else {
			if (*tok < '0' || *tok > '9')
				goto bad;
			a = 0;
			do {
				/* Beyond any stack: a jump past the end. */
				if (a < MAX_JUMP)
					a = a * 10 + (*tok - '0');
				tok++;
			} while (*tok >= '0' && *tok <= '9');
			if (a == 0)
				goto bad;
		}
		if (ret == _PAM_RETURN_VALUES)
			set_default(act, a);
		else
			act[ret] = a;
	}
	return 0;
bad:
	for (ret = 0; ret < _PAM_RETURN_VALUES; ret++)
		act[ret] = A_BAD;
	return -1;
}

/*
 * The next token of *s (spaces, tabs, newlines between); a token that
 * starts with '[' runs to the first ']', "\]" standing for ']'.
 */
static char *
next_token(char **s)
{
	char *from = *s, *to, *end;

	if (from == NULL)
		return NULL;
	from += strspn(from, " \t\n");
	if (*from == '\0') {
		*s = NULL;
		return NULL;
	}
	if (*from == '[') {
		for (to = end = ++from; *end != '\0' && *end != ']';
		    ++to, ++end) {
			if (end[0] == '\\' && end[1] == ']')
				++end;
			*to = *end;
		}
		if (to != end)
			*to = '\0';
	} else
		end = from + strcspn(from, " \t\n");
	if (*end != '\0')
		*end++ = '\0';
	*s = *end != '\0' ? end : NULL;
	return from;
}

static int
add_handler(struct parser *p, int type, int level, const int *act,
    const char *path, unsigned line, const char *modpath)
{
	struct handler *nh, *h;

	if (p->nh >= MAX_HANDLERS) {
		if (!p->full)
			add_issue(p, PS_ISSUE_LIMIT, path, line, NULL);
		p->full = 1;
		return -1;
	}
	if ((nh = reallocarray(p->h, p->nh + 1, sizeof(*nh))) == NULL) {
		p->r->nomem = 1;
		return -1;
	}
	p->h = nh;
	h = &nh[p->nh];
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->level = level;
	memcpy(h->act, act, sizeof(h->act));
	h->path = path;
	h->line = line;
	h->module = type == H_MODULE && modpath != NULL ?
	    module_kind(modpath) : M_FREE;
	if (modpath != NULL && (h->modpath = strdup(modpath)) == NULL) {
		p->r->nomem = 1;
		return -1;
	}
	p->nh++;
	return 0;
}

/*
 * Keeps the words after the module path of a pam_mfa line ("rest", cut
 * by next_token() as libpam's _pam_mkargv() cuts them), once per file
 * and line: a file read twice (include) gives the same words.
 */
static void
keep_mfa_line(struct parser *p, const char *path, unsigned line, int silent,
    char *rest)
{
	struct ps_result *r = p->r;
	struct ps_mfa_line *nm, *m;
	char **nv, *tok;
	size_t i;

	for (i = 0; i < r->nmfa; i++)
		if (r->mfa[i].line == line && strcmp(r->mfa[i].path, path) == 0)
			return;
	if ((nm = reallocarray(r->mfa, r->nmfa + 1, sizeof(*nm))) == NULL) {
		r->nomem = 1;
		return;
	}
	r->mfa = nm;
	m = &nm[r->nmfa];
	memset(m, 0, sizeof(*m));
	if ((m->path = strdup(path)) == NULL)
		goto nomem;
	m->line = line;
	m->silent = silent;
	r->nmfa++;
	while ((tok = next_token(&rest)) != NULL) {
		if (m->argc == INT_MAX - 1 || (nv = reallocarray(m->argv,
		    (size_t)m->argc + 1, sizeof(*nv))) == NULL)
			goto nomem;
		m->argv = nv;
		if ((nv[m->argc] = strdup(tok)) == NULL)
			goto nomem;
		m->argc++;
	}
	return;
nomem:
	r->nomem = 1;
}

static void
fail_handler(struct parser *p, int level, const char *path, unsigned line)
{
	int act[_PAM_RETURN_VALUES];
	int i;

	for (i = 0; i < _PAM_RETURN_VALUES; i++)
		act[i] = A_BAD;
	(void)add_handler(p, H_FAIL, level, act, path, line, NULL);
}

static int load_file(struct parser *, const char *, const char *, unsigned,
    int, int);

/*
 * One configuration line of file "path" (its first line "line").
 * Returns 0, or -1 when libpam gives up on the whole file.
 */
static int
parse_line(struct parser *p, char *buf, const char *path, unsigned line,
    int incl, int level)
{
	int act[_PAM_RETURN_VALUES];
	char *rest = buf, *tok;
	int i, type = H_MODULE, include = 0, substack = 0, silent = 0;

	for (i = 0; i < _PAM_RETURN_VALUES; i++)
		act[i] = A_UNDEF;
	if ((tok = next_token(&rest)) == NULL) {
		add_issue(p, PS_ISSUE_SYNTAX, path, line, NULL);
		fail_handler(p, level, path, line);
		return 0;
	}
	if (strcmp(tok, "@include") == 0) {
		/* Debian's libpam gives up on the file if it fails. */
		tok = next_token(&rest);
		return load_file(p, tok, path, line, incl + 1, level) == 0 ?
		    0 : -1;
	}
	/* "-auth": libpam skips the line when the module is missing. */
	if (*tok == '-') {
		silent = 1;
		tok++;
	}
	if (strcasecmp(tok, "session") == 0 ||
	    strcasecmp(tok, "account") == 0 ||
	    strcasecmp(tok, "password") == 0)
		return 0;
	if (strcasecmp(tok, "auth") != 0) {
		/* libpam puts it in the stack it is building, failing. */
		add_issue(p, PS_ISSUE_TYPE, path, line, tok);
		type = H_FAIL;
	}
	if ((tok = next_token(&rest)) == NULL) {
		add_issue(p, PS_ISSUE_SYNTAX, path, line, NULL);
		fail_handler(p, level, path, line);
		return 0;
	}
	if (strcasecmp(tok, "required") == 0 ||
	    strcasecmp(tok, "requisite") == 0) {
		act[PAM_SUCCESS] = A_OK;
		act[PAM_NEW_AUTHTOK_REQD] = A_OK;
		act[PAM_IGNORE] = A_IGNORE;
		set_default(act, strcasecmp(tok, "required") == 0 ? A_BAD :
		    A_DIE);
	} else if (strcasecmp(tok, "optional") == 0 ||
	    strcasecmp(tok, "sufficient") == 0) {
		act[PAM_SUCCESS] = act[PAM_NEW_AUTHTOK_REQD] =
		    strcasecmp(tok, "optional") == 0 ? A_OK : A_DONE;
		set_default(act, A_IGNORE);
	} else if (strcasecmp(tok, "include") == 0)
		include = 1;
	else if (strcasecmp(tok, "substack") == 0)
		include = substack = 1;
	else {
		if (parse_control(act, tok) == -1)
			add_issue(p, PS_ISSUE_CONTROL, path, line, tok);
		set_default(act, A_BAD);
	}
	tok = next_token(&rest);
	if (include && type == H_MODULE) {
		if (substack && add_handler(p, H_SUBSTACK, level, act, path,
		    line, NULL) == -1)
			return 0;
		if (load_file(p, tok, path, line, incl + 1, level +
		    substack) != 0)
			fail_handler(p, level, path, line);
		return 0;
	}
	if (include)
		set_default(act, A_BAD);
	if (tok == NULL) {
		add_issue(p, PS_ISSUE_SYNTAX, path, line, NULL);
		type = H_FAIL;
	}
	if (add_handler(p, type, level, act, path, line, tok) == 0 &&
	    p->h[p->nh - 1].type == H_MODULE &&
	    p->h[p->nh - 1].module == M_MFA)
		keep_mfa_line(p, path, line, silent, rest);
	return 0;
}

/*
 * Reads file "name" (relative to the PAM directory) at include level
 * "incl" and substack level "level".  Returns 0, or where libpam fails
 * to read it (the caller adds the failing handler libpam adds), with
 * the issue recorded against "from":"line", -1 if it cannot open it,
 * -2 if it fails part way.
 */
static int
load_file(struct parser *p, const char *name, const char *from,
    unsigned line, int incl, int level)
{
	struct stat st;
	FILE *fp = NULL;
	char *path = NULL, *buf = NULL, *chunk = NULL, *c, *e, *nb;
	const char *kept;
	size_t cap = 0, len = 0, clen;
	ssize_t n;
	unsigned lineno = 0, first = 0;
	int i, eol, seen, fd = -1, ret = -1;

	if (incl >= MAX_LEVEL) {
		add_issue(p, PS_ISSUE_DEPTH, from, line, name);
		return -1;
	}
	if (name == NULL) {
		add_issue(p, PS_ISSUE_SYNTAX, from, line, NULL);
		return -1;
	}
	if (name[0] == '/')
		path = strdup(name);
	else if (asprintf(&path, "%s/%s", p->dir, name) == -1)
		path = NULL;
	if (path == NULL) {
		p->r->nomem = 1;
		return -1;
	}
	/*
	 * O_NONBLOCK: an include naming a FIFO (or a device) must not
	 * hang the check in open(); anything but a regular file is an
	 * issue, and on a regular file the flag changes nothing.
	 */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY)) == -1 || fstat(fd, &st) == -1 ||
	    !S_ISREG(st.st_mode) || st.st_size > MAX_FILE ||
	    (fp = fdopen(fd, "r")) == NULL) {
		add_issue(p, PS_ISSUE_INCLUDE, from != NULL ? from : path, line,
		    path);
		goto out;
	}
	fd = -1;	/* fp's now */
	for (i = 0; i < p->nchain; i++)
		if (p->chain_dev[i] == st.st_dev &&
		    p->chain_ino[i] == st.st_ino) {
			add_issue(p, PS_ISSUE_LOOP, from, line, path);
			goto out;
		}
	if ((kept = keep_path(p, path, &seen)) == NULL)
		goto out;
	if (!seen) {
		check_safe(p, path, &st);
		check_dir_of(p, path);
	}
	p->chain_dev[p->nchain] = st.st_dev;
	p->chain_ino[p->nchain] = st.st_ino;
	p->nchain++;
	/* Physical lines into configuration lines, as libpam joins them. */
	while ((n = getline(&chunk, &cap, fp)) != -1 && !p->full) {
		lineno++;
		if (len == 0)
			first = lineno;
		c = chunk;
		e = chunk + n;
		if ((eol = strchr(c, '#') != NULL))
			c[strcspn(c, "#")] = '\0';
		else {
			while (e > c && (e[-1] == ' ' || e[-1] == '\t' ||
			    e[-1] == '\n'))
				e--;
			if (e > c && e[-1] == '\\') {
				e[-1] = ' ';
				*e = '\0';
			} else
				eol = 1;
		}
		c += strspn(c, " \t");
		/* libpam keeps an empty first piece of a line only ... */
		if (len == 0 && (c[0] == '\0' || (eol && c[0] == '\n'))) {
			if (eol)
				continue;
			c[0] = '\0';
		}
		clen = strlen(c);
		if ((nb = realloc(buf, len + clen + 1)) == NULL) {
			p->r->nomem = 1;
			break;
		}
		buf = nb;
		memcpy(buf + len, c, clen + 1);
		len += clen;
		/* ... and reads a line once something is in it. */
		if (eol && len > 0 &&
		    parse_line(p, buf, kept, first, incl, level) == -1) {
			p->nchain--;
			ret = -2;
			goto out;
		}
		if (eol)
			len = 0;
	}
	p->nchain--;
	if ((len > 0 || ferror(fp)) && !p->full && !p->r->nomem) {
		/* A backslash on the last line: libpam fails the file. */
		add_issue(p, PS_ISSUE_SYNTAX, kept, first, "\\");
		ret = -2;
		goto out;
	}
	ret = 0;
out:
	if (fp != NULL)
		fclose(fp);
	if (fd != -1)
		close(fd);
	free(chunk);
	free(buf);
	free(path);
	return ret;
}

int
ps_service_name_ok(const char *name)
{
	size_t i;

	if (name[0] == '\0' || name[0] == '.' || strlen(name) > 64)
		return 0;
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '_' || name[i] == '.' ||
		    name[i] == '+'))
			return 0;
	return 1;
}

static void
free_handlers(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->nh; i++)
		free(p->h[i].modpath);
	free(p->h);
	p->h = NULL;
	p->nh = 0;
	p->full = 0;
}

static int
has_auth_file(const char *dir, const char *name)
{
	struct stat st;
	char *path;
	int r;

	if (asprintf(&path, "%s/%s", dir, name) == -1)
		return -1;
	r = stat(path, &st) == 0;
	free(path);
	return r;
}

int
ps_analyse(const char *dir, const char *service, uid_t owner,
    struct ps_result *r)
{
	struct parser p;
	struct stat st;
	size_t via = 0, i, issues;
	int ok, seen, broken = 0;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.dir = dir;
	p.owner = owner;
	p.r = r;
	if (keep_path(&p, dir, &seen) != NULL && stat(dir, &st) == 0)
		check_safe(&p, dir, &st);
	/* A missing service file, or one without auth lines: "other". */
	issues = r->nissues;
	if (has_auth_file(dir, service) == 1 &&
	    load_file(&p, service, NULL, 0, 0, 0) == -2)
		broken = 1;	/* libpam: "error reading", all fails */
	if (p.nh == 0 && !p.full && !broken) {
		r->other = 1;
		/* What was wrong with the service's file stays reported. */
		if (has_auth_file(dir, "other") != 1) {
			if (issues == r->nissues)
				add_issue(&p, PS_ISSUE_NOFILE, dir, 0, service);
		} else if (load_file(&p, "other", NULL, 0, 0, 0) == -2)
			broken = 1;
	}
	/* No handlers: libpam's "no modules loaded", which fails. */
	if (p.nh > 0 && !p.full && !broken && !r->nomem) {
		ok = ps_explore(p.h, p.nh, 0, &via);
		if (ok == 1) {
			r->can_succeed = 1;
			r->via_line = p.h[via].line;
			if ((r->via_path = strdup(p.h[via].path)) == NULL ||
			    (p.h[via].modpath != NULL && (r->via_module =
			    strdup(p.h[via].modpath)) == NULL))
				r->nomem = 1;
			/* Only through pam_rootok: su's root exception. */
			if (ps_explore(p.h, p.nh, 1, &via) == 0)
				r->via_rootok = 1;
		} else if (ok == -1)
			r->nomem = 1;
	}
	free_handlers(&p);
	for (i = 0; i < p.npaths; i++)
		free(p.paths[i]);
	free(p.paths);
	return r->nomem ? -1 : 0;
}

void
ps_result_free(struct ps_result *r)
{
	size_t i;
	int j;

	for (i = 0; i < r->nissues; i++) {
		free(r->issues[i].path);
		free(r->issues[i].what);
	}
	free(r->issues);
	for (i = 0; i < r->nmfa; i++) {
		free(r->mfa[i].path);
		for (j = 0; j < r->mfa[i].argc; j++)
			free(r->mfa[i].argv[j]);
		free(r->mfa[i].argv);
	}
	free(r->mfa);
	free(r->via_path);
	free(r->via_module);
	memset(r, 0, sizeof(*r));
}
