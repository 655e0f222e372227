/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl check: the self-inspection for administrators and auditors.
 * cmd_check.c runs the parts and prints the findings; check_config.c
 * looks at the configuration, check_store.c at the store directory and
 * every user in it, check_users.c at the users the policy covers,
 * check_pam.c at the PAM services' auth stacks.
 */
#ifndef MFACTL_CHECK_H
#define MFACTL_CHECK_H

#include <stdint.h>

#include "mfactl.h"

/* How urgent a finding is. */
#define CHECK_LOW	1
#define CHECK_MEDIUM	2
#define CHECK_HIGH	3

#define CHECK_GROUPS_MAX	256	/* --group options */
#define CHECK_SERVICES_MAX	64	/* --service options */
#define CHECK_RECOVERY_LOW	3	/* fewer recovery codes left: say so */

/*
 * What a finding is about: a type and a name ("user" "bob"), shown as
 * "user bob" in JSON and translated in the text report.
 */
#define CHECK_OBJ_CONFIG	1	/* the configuration file */
#define CHECK_OBJ_DEFAULTS	2	/* no file: the built-in defaults */
#define CHECK_OBJ_STORE		3	/* the store directory */
#define CHECK_OBJ_FILE		4	/* a file in the store */
#define CHECK_OBJ_USER		5
#define CHECK_OBJ_GROUP		6
#define CHECK_OBJ_SERVICE	7	/* a PAM service */
#define CHECK_OBJ_PAMFILE	8	/* a file or directory of PAM's */
struct check_object {
	int		 type;		/* CHECK_OBJ_* */
	char		*name;		/* malloc'd; NULL: out of memory */
};

struct check_finding {
	const char	*kind;		/* stable key, e.g. "user-no-factor" */
	int		 severity;
	struct check_object object;
	char		*problem;
	char		*action;	/* what to do */
};

/* A [user], [group] or [service] section of the configuration file. */
#define CHECK_SEC_USER		1
#define CHECK_SEC_GROUP		2
#define CHECK_SEC_SERVICE	3
struct check_section {
	int		 kind;
	char		*name;
	unsigned	 line;
};

struct check {
	struct mfactl		*m;
	const char		*config;	/* file in effect, or NULL */
	int64_t			 now;
	int64_t			 stale;		/* seconds */
	const char		*groups[CHECK_GROUPS_MAX];	/* --group */
	size_t			 ngroups;
	const char		*pam_dir;	/* --pam-dir */
	const char		*services[CHECK_SERVICES_MAX];	/* --service */
	size_t			 nservices;
	struct check_finding	*f;
	size_t			 nf;
	int			 nomem;		/* a finding was lost */
	struct check_section	*sec;
	size_t			 nsec;
	char			*users;		/* store users, NUL-separated */
	size_t			 nusers;
	size_t			 userslen;
};

/*
 * Records a finding.  The object's name and action are malloc'd strings
 * (from check_obj() and check_fmt()) that the check takes over; NULL
 * counts as out of memory.
 */
void check_add(struct check *c, const char *kind, int severity,
    struct check_object object, char *action, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* A malloc'd formatted string, or NULL. */
char *check_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An object of type CHECK_OBJ_* with a formatted name (NULL: no memory). */
struct check_object check_obj(int type, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* check_config.c: reads the sections, checks the policies and keys. */
void check_config(struct check *c);
/* check_store.c: the store directory, its files, each user in it. */
void check_store(struct check *c);
/* check_users.c: users of the groups that the policy covers. */
void check_covered(struct check *c);
/*
 * The user's enrolment against the policy for the user (u NULL: no
 * store): no second factor, or factors that do not meet the policy.
 */
void check_user_policy(struct check *c, const char *user,
    const mfa_user_t *u);
/* check_pam.c: the auth stacks of the login services and --service. */
void check_pam(struct check *c);
/* 1 when an account of that name exists (NSS), 0 if not, -1 on error. */
int check_account(const char *user);
/* 1 when a group of that name exists (NSS), 0 if not, -1 on error. */
int check_group_exists(const char *group);

#endif /* MFACTL_CHECK_H */
