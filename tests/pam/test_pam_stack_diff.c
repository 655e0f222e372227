/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl check's PAM stack analysis (tools/pam_stack.c) against the
 * real Linux-PAM: many small generated auth stacks (required,
 * requisite, sufficient, optional, [value=action] with jumps, reset,
 * done and die, include and substack, -auth, comments and continued
 * lines) of pam_permit, pam_deny, a pam_mfa stand-in and "free"
 * modules.  The stand-in and the free modules are the test-only
 * pam_choice.so (the stand-in through a symbolic link named
 * pam_mfa.so), returning the code this program picks for each line.
 * For every stack, pam_authenticate runs (pam_start_confdir on the
 * generated service directory) for every assignment of codes: the
 * stand-in one of pam_mfa's failures, a free module any of the codes
 * the generated controls tell apart.  The analysis must say "can
 * succeed without pam_mfa" exactly when some assignment succeeds.
 * libpam reads the directory itself, includes and "other" as well.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "../../tools/pam_stack.h"

#define STACKS		600
#define MAX_IDS		8
#define SEED		0x5eed2025u

static const int free_codes[] = {
	PAM_SUCCESS, PAM_AUTH_ERR, PAM_IGNORE, PAM_SERVICE_ERR,
	PAM_NEW_AUTHTOK_REQD, PAM_PERM_DENIED
};
#define NFREE_CODES	(sizeof(free_codes) / sizeof(free_codes[0]))
static const int mfa_codes[] = { PAM_AUTH_ERR, PAM_SERVICE_ERR, PAM_BUF_ERR };
#define NMFA_CODES	(sizeof(mfa_codes) / sizeof(mfa_codes[0]))

static uint32_t rng = SEED;

static unsigned
pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng % n;
}

struct gen {
	const char	*dir;		/* service directory */
	const char	*mfa;		/* the stand-in's path */
	int		 kind[MAX_IDS];	/* 1: stand-in, 0: free */
	int		 nid;
	int		 nfree;
	int		 nmfa;
	int		 included;	/* an include file is used */
};

static void
put_control(FILE *fp)
{
	static const char *const keys[] = {
		"success", "auth_err", "ignore", "service_err",
		"new_authtok_reqd", "default"
	};
	static const char *const acts[] = {
		"ok", "done", "bad", "die", "ignore", "reset", "1", "2", "3"
	};
	static const char *const words[] = {
		"required", "requisite", "sufficient", "optional", "Required",
		"SUFFICIENT"
	};
	unsigned n, i;

	if (pick(10) < 6) {
		fputs(words[pick(6)], fp);
		return;
	}
	fputc('[', fp);
	n = 1 + pick(3);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%s=%s", i ? " " : "", keys[pick(6)],
		    acts[pick(9)]);
	fputc(']', fp);
}

static void
put_module(struct gen *g, FILE *fp)
{
	unsigned r = pick(20);

	if (r < 3)
		fputs(" pam_permit.so", fp);
	else if (r < 5)
		fputs(" pam_deny.so", fp);
	else if (r < 10 && g->nmfa < 2 && g->nid < MAX_IDS) {
		fprintf(fp, " %s id=%d", g->mfa, g->nid);
		g->kind[g->nid++] = 1;
		g->nmfa++;
	} else if (g->nfree < 3 && g->nid < MAX_IDS) {
		fprintf(fp, " %s id=%d", PAM_CHOICE_SO, g->nid);
		g->kind[g->nid++] = 0;
		g->nfree++;
	} else
		fputs(" pam_permit.so", fp);
}

static int
write_file(struct gen *g, const char *name, const char *inc, int lines)
{
	char path[4096];
	FILE *fp;
	int i;
	unsigned r;

	(void)snprintf(path, sizeof(path), "%s/%s", g->dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	if (pick(4) == 0)
		fputs("# generated\n\n", fp);
	for (i = 0; i < lines; i++) {
		r = pick(20);
		if (r == 0) {
			fputs("session required pam_deny.so\n", fp);
			continue;
		}
		if (r <= 3 && inc != NULL && !g->included) {
			/*
			 * Absolute: libpam 1.5.2 looks for includes in
			 * /etc/pam.d even with pam_start_confdir.
			 */
			g->included = 1;
			fprintf(fp, r == 1 ? "auth include %s/%s\n" : r == 2 ?
			    "auth substack %s/%s\n" : "@include %s/%s\n",
			    g->dir, inc);
			continue;
		}
		fputs(r == 4 ? "-auth " : r == 5 ? "Auth\t" : "auth ", fp);
		put_control(fp);
		if (r == 6)
			fputs(" \\\n   ", fp);
		put_module(g, fp);
		fputs(r == 7 ? " # note\n" : "\n", fp);
	}
	return fclose(fp) == 0 ? 0 : -1;
}

static int
conv_none(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	return PAM_CONV_ERR;
}

static void
show(const char *dir, const char *name)
{
	char path[4096], line[1024];
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	fprintf(stderr, "--- %s\n", name);
	while (fgets(line, sizeof(line), fp) != NULL)
		fputs(line, stderr);
	fclose(fp);
}

/* Whether some assignment of codes makes pam_authenticate succeed. */
static int
real_can_succeed(const struct gen *g, const char *service, char *how,
    size_t howlen)
{
	struct pam_conv conv = { conv_none, NULL };
	pam_handle_t *pamh = NULL;
	int idx[MAX_IDS] = { 0 };
	char rc[256];
	size_t off;
	int i, r, found = 0;

	if (pam_start_confdir(service, "nobody", &conv, g->dir, &pamh) !=
	    PAM_SUCCESS)
		return -1;
	for (;;) {
		off = 0;
		rc[0] = '\0';
		for (i = 0; i < g->nid; i++)
			off += (size_t)snprintf(rc + off, sizeof(rc) - off,
			    "%s%d", i ? "," : "", g->kind[i] ?
			    mfa_codes[idx[i]] : free_codes[idx[i]]);
		if (setenv("PAM_CHOICE_RC", rc, 1) != 0)
			return -1;
		r = pam_authenticate(pamh, PAM_SILENT);
		if (r == PAM_SUCCESS) {
			(void)snprintf(how, howlen, "%s", rc);
			found = 1;
			break;
		}
		for (i = 0; i < g->nid; i++) {
			if (++idx[i] < (int)(g->kind[i] ? NMFA_CODES :
			    NFREE_CODES))
				break;
			idx[i] = 0;
		}
		if (i == g->nid)
			break;
	}
	pam_end(pamh, PAM_SUCCESS);
	return found;
}

static int
compare(const char *top)
{
	char dir[2048], mfa[4096], service[32], inc[32], how[256];
	struct ps_result res;
	struct gen g;
	FILE *fp;
	size_t i;
	int s, real, nreal = 0, nmfa = 0, fails = 0;

	(void)snprintf(dir, sizeof(dir), "%s/svc", top);
	(void)snprintf(mfa, sizeof(mfa), "%s/other", dir);
	if ((fp = fopen(mfa, "w")) == NULL ||
	    fputs("auth required pam_deny.so\n", fp) == EOF ||
	    fclose(fp) != 0) {
		perror("other");
		return 99;
	}
	(void)snprintf(mfa, sizeof(mfa), "%s/mod/pam_mfa.so", top);
	for (s = 0; s < STACKS; s++) {
		memset(&g, 0, sizeof(g));
		g.dir = dir;
		g.mfa = mfa;
		(void)snprintf(service, sizeof(service), "s%d", s);
		(void)snprintf(inc, sizeof(inc), "i%d", s);
		if (write_file(&g, service, inc, 1 + (int)pick(5)) == -1 ||
		    write_file(&g, inc, NULL, g.included ? 1 + (int)pick(3) :
		    0) == -1) {
			perror("write");
			return 99;
		}
		how[0] = '\0';
		if ((real = real_can_succeed(&g, service, how,
		    sizeof(how))) == -1) {
			fprintf(stderr, "pam_start/setenv failed\n");
			return 99;
		}
		if (ps_analyse(dir, service, getuid(), &res) == -1) {
			fprintf(stderr, "ps_analyse: out of memory\n");
			return 99;
		}
		nreal += real;
		nmfa += res.nmfa > 0;
		if (res.can_succeed != real || res.nissues != 0) {
			fprintf(stderr, "stack %d: libpam %s (codes %s), "
			    "analysis %s, %zu issues\n", s, real ?
			    "succeeds" : "never succeeds", how,
			    res.can_succeed ? "can succeed" : "cannot",
			    res.nissues);
			for (i = 0; i < res.nissues; i++)
				fprintf(stderr, "issue %d: %s line %u %s\n",
				    res.issues[i].kind, res.issues[i].path,
				    res.issues[i].line, res.issues[i].what ?
				    res.issues[i].what : "");
			show(dir, service);
			if (g.included)
				show(dir, inc);
			fails++;
		}
		ps_result_free(&res);
		if (fails >= 5)
			break;
	}
	printf("%d stacks, %d can succeed, %d with pam_mfa, %d disagree\n",
	    s, nreal, nmfa, fails);
	/* The generator must give both answers, often. */
	if (fails == 0 && (nreal < STACKS / 5 || nreal > STACKS * 4 / 5 ||
	    nmfa < STACKS / 3)) {
		fprintf(stderr, "generator out of balance\n");
		return 1;
	}
	return fails == 0 ? 0 : 1;
}

int
main(void)
{
	char top[] = "/tmp/pamdiff.XXXXXX", path[4096];
	pid_t pid;
	int r = 99;

	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	(void)snprintf(path, sizeof(path), "%s/svc", top);
	if (mkdir(path, 0700) == -1)
		perror("mkdir");
	else {
		(void)snprintf(path, sizeof(path), "%s/mod", top);
		if (mkdir(path, 0700) == -1)
			perror("mkdir");
		else {
			(void)snprintf(path, sizeof(path),
			    "%s/mod/pam_mfa.so", top);
			if (symlink(PAM_CHOICE_SO, path) == -1)
				perror("symlink");
			else
				r = compare(top);
		}
	}
	if ((pid = fork()) == 0) {
		execlp("rm", "rm", "-rf", top, (char *)NULL);
		_exit(1);
	}
	if (pid > 0)
		(void)waitpid(pid, NULL, 0);
	return r;
}
