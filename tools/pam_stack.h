/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The auth stack of a PAM service as Linux-PAM builds and runs it:
 * pam_stack.c reads the service file (comments, continued lines,
 * include, substack, Debian's @include, the [value=action] syntax) into
 * libpam's list of handlers, then explores every outcome of
 * pam_authenticate() with pam_mfa failing, to say whether a login can
 * succeed without pam_mfa.  Used by mfactl check (check_pam.c) and by
 * the tests; it knows nothing of the findings' format.
 */
#ifndef MFACTL_PAM_STACK_H
#define MFACTL_PAM_STACK_H

#include <sys/types.h>
#include <stddef.h>

/* Something in the files the analysis could not take as well-formed. */
#define PS_ISSUE_CONTROL	1	/* unknown control: line always fails */
#define PS_ISSUE_TYPE		2	/* unknown module type */
#define PS_ISSUE_SYNTAX		3	/* no control or no module on a line */
#define PS_ISSUE_INCLUDE	4	/* include file missing or unreadable */
#define PS_ISSUE_DEPTH		5	/* includes nested too deep */
#define PS_ISSUE_LOOP		6	/* a file includes itself */
#define PS_ISSUE_UNSAFE		7	/* file or directory others can write */
#define PS_ISSUE_LIMIT		8	/* too many lines: not analysed */
#define PS_ISSUE_NOFILE		9	/* neither the service nor "other" */
struct ps_issue {
	int		 kind;		/* PS_ISSUE_* */
	char		*path;		/* file or directory */
	unsigned	 line;		/* 0: about the whole file */
	char		*what;		/* the offending word, or NULL */
};

/*
 * A pam_mfa line of the auth stack, with its arguments as libpam splits
 * them for the module (blanks separate; "[...]" is one word, blanks
 * kept, "\]" standing for ']').  Each file and line once.
 */
struct ps_mfa_line {
	char		*path;
	unsigned	 line;
	char		**argv;		/* argc words */
	int		 argc;
	int		 silent;	/* "-auth": skipped if the module is missing */
};

struct ps_result {
	int		 other;		/* no stack of its own: "other"'s */
	int		 can_succeed;	/* PAM_SUCCESS with pam_mfa failing */
	int		 via_rootok;	/* ... only through pam_rootok */
	char		*via_path;	/* a module on such a way */
	unsigned	 via_line;
	char		*via_module;	/* its module path as written */
	struct ps_issue	*issues;
	size_t		 nissues;
	struct ps_mfa_line *mfa;	/* the pam_mfa lines read (none:
					   pam_mfa.so is not in the stack) */
	size_t		 nmfa;
	int		 nomem;		/* the result is incomplete */
};

/*
 * Reads the auth stack of "service" from the PAM directory "dir" (and
 * "other" when libpam would use it) and explores it.  Files and
 * directories not owned by "owner" or writable by group or others are
 * issues.  Fills *r (free it with ps_result_free); returns 0, or -1
 * when out of memory.
 */
int ps_analyse(const char *dir, const char *service, uid_t owner,
    struct ps_result *r);
void ps_result_free(struct ps_result *r);

/* 1 when "name" is acceptable as a service name (--service). */
int ps_service_name_ok(const char *name);

#endif /* MFACTL_PAM_STACK_H */
