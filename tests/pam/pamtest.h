/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the PAM-level test programs (test_pam_mfa.c, test_pam_fido2.c):
 * a recording conversation, the syslog capture on /dev/log with the
 * audit line checks, config and store fixtures, TOTP enrolment through
 * the public API, and phase 1 (users, re-execution under pam_wrapper).
 * See test_pam_mfa.c for how the two phases and ns-run.sh fit together.
 */
#ifndef PAMTEST_H
#define PAMTEST_H

#include <sys/types.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <security/pam_appl.h>

#define PROMPT_PASSWORD	"Password: "
#define PROMPT_CODE	"Verification code: "
#define PROMPT_RECOVERY	"Recovery code: "
#define LOG_NOTICE_PRI	"<85>"	/* LOG_AUTHPRIV | LOG_NOTICE */
#define LOG_INFO_PRI	"<86>"	/* LOG_AUTHPRIV | LOG_INFO */
#define MAX_PROMPTS	8
#define LOG_BUF_MAX	(256 * 1024)

/* Test users (added to the namespace's copies of the user database). */
#define ALICE		"mfa-alice"	/* enrolled in most tests */
#define ALICE_PW	"Alice-pw-601"
#define BOB		"mfa-bob"	/* never enrolled; in mfa-rollout */
#define BOB_PW		"Bob-pw-602"
#define CAROL		"mfa-carol"	/* never enrolled */
#define CAROL_PW	"Carol-pw-603"
#define DAVE		"mfa-dave"	/* shadow entry locked with '!' */
#define DAVE_PW		"Dave-pw-604"
#define MAX_DIALOGUE	2048

struct test_user {
	const char	*name;
	const char	*password;
	unsigned	 uid;
	int		 locked;
};

/* A TOTP credential enrolled through the public API. */
struct totp {
	unsigned char	key[64];
	size_t		keylen;
	uint64_t	step;		/* the step its confirmation used */
};

/* ---- conversation ---- */

#define CONV_ANSWER	0	/* answer from answers[] */
#define CONV_ERROR	1	/* prompt fail_at: return PAM_CONV_ERR */
#define CONV_NULL_ARRAY	2	/* prompt fail_at: success, *resp NULL */
#define CONV_NULL_TEXT	3	/* prompt fail_at: success, resp NULL */

struct conv {
	const char	*answers[MAX_PROMPTS];	/* NULL-terminated */
	int		 mode;
	int		 fail_at;
	char		*prompts[MAX_PROMPTS];
	int		 styles[MAX_PROMPTS];
	int		 nprompts;
	int		 nmessages;		/* info/error messages */
	char		*infos[MAX_PROMPTS];	/* their texts */
	char		*dialogue;	/* "? prompt\n" / "i info\n" lines */
	int		 overflow;
};

/* The global state of the test program (pamtest.c). */
extern const char *work;		/* MFA_PAMTEST_DIR */
extern char conf_path[PATH_MAX];	/* config= of every service */
extern char *store;			/* the current test's store */
extern char optstore_path[PATH_MAX];	/* store= of mfa-storeopt */
extern int log_fd;
extern char logbuf[];			/* "<PRI>message\n" per line */

void conv_reset(struct conv *cv);
/* Records every message; answers prompts from cv->answers[]. */
int conv_fn(int n, const struct pam_message **msg,
    struct pam_response **resp, void *arg);
/* Asserts the prompts shown, NULL-terminated, and no info messages. */
void assert_prompts(const struct conv *cv, ...);
/* Asserts the whole dialogue: "? PROMPT" and "i INFO" items, in order. */
void assert_dialogue(const struct conv *cv, ...);
void conv_answers(struct conv *cv, const char *a0, const char *a1);

void log_open(void);
void log_drain(void);
void log_reset(void);
int log_has(const char *needle);
/*
 * Whether the log holds s: as a substring, or, when s is 4 or more
 * digits (a code, a PIN), as a run of exactly those digits, so that a
 * longer number (an epoch, a counter) does not count.
 */
int log_has_secret(const char *s);
/* Exactly one audit line "pam_mfa(SERVICE:auth): " + expect. */
void assert_audit(const char *service, const char *expect);
void assert_no_secrets(const struct conv *cv, const char *user);
void run_auth(const char *service, const char *user, struct conv *cv,
    int expected);

void write_file(const char *path, const char *text, mode_t mode);
void write_config_at(const char *dir, const char *extra);
void write_config(const char *extra);
char *path_join(const char *dir, const char *name);
void rmtree(const char *path);
/*
 * The test's store: a new 0700 directory under the work directory
 * (store_new(), 0 or -1, for cmocka set-up functions) and its removal.
 */
int store_new(void);
void store_remove(void);

void totp_code(const struct totp *t, uint64_t step, char out[7]);
void wrong_code(const struct totp *t, char out[7]);
void enrol(const char *dir, const char *user, struct totp *t);
void next_code(const struct totp *t, char out[7]);
/* Recovery codes through the public API, as mfactl recovery does. */
char **recovery_issue(const char *dir, const char *user, unsigned count);
unsigned recovery_left(const char *dir, const char *user,
    unsigned *failures);

int on_tmpfs(const char *path);
void add_users(void);
/* Appends a line to a file (the namespace's /etc/passwd, group...). */
void append(const char *path, const char *line);
void add_service(const char *dir, const char *name, const char *text);
/*
 * Phase 1 done: re-executes the program with pam_wrapper (and extra,
 * when not NULL) preloaded after the sanitizer runtime of
 * MFA_SAN_PRELOAD.  Returns only on failure (99).
 */
int reexec_preloaded(char **argv, const char *extra);
/* Writes the PAM service files of all the tests (mfa, mfa-debug, ...). */
void write_services(const char *module);

struct CMUnitTest;
/*
 * The main program of a PAM-level test: checks that it runs inside
 * ns-run.sh, then phase 1 (users, services, re-execution with
 * pam_wrapper and extra_preload) or phase 2 (the syslog capture and the
 * tests).  Returns the exit status.
 */
int pamtest_main(char **argv, const struct CMUnitTest *tests,
    size_t ntests, const char *extra_preload);

#endif /* PAMTEST_H */
