/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: mfactl check's reading and exploring of a PAM service's
 * auth stack, ps_analyse() in tools/pam_stack.c and pam_stack_run.c.
 *
 * The input is a PAM directory: its pieces, split at lines "====", are
 * written (at most 18) to the files svc, other, a, b, ..., p of a
 * private directory made once per process, and service "svc" is
 * analysed in it with the current uid as owner.  So include, substack,
 * @include, loops, "other" and nesting past the 16-level limit are all
 * reachable.  Checked, from pam_stack.h and Linux-PAM's rules:
 *  - ps_analyse() returns 0 (memory never runs out here) and sets no
 *    "nomem"; the flags are 0 or 1; via_rootok only with can_succeed;
 *    via_path and via_line (>= 1) are set exactly when can_succeed is;
 *  - every issue has a known kind and a non-empty path, a "what" for
 *    the kinds that name something, line 0 for the whole-file kinds;
 *  - when no name can leave the directory (no '/' in the input):
 *    nothing is "unsafe" (the files are ours, 0600 in a 0700
 *    directory); pam_mfa lines only if some piece says "pam_mfa.so"; a
 *    way to success lies in one of the pieces, on one of its lines;
 *  - with every "pam_mfa.so" made "pam_deny.so" (fewer outcomes: only
 *    PAM_AUTH_ERR) the stack can succeed only if it could before, and
 *    made "pam_mfb.so" (an unknown module: any outcome) it can if it
 *    could before, and has no pam_mfa;
 *  - with "auth requisite pam_deny.so" put before the service's first
 *    line, the service has a stack of its own that never succeeds
 *    (requisite: PAM_AUTH_ERR is "die");
 *  - the pam_mfa lines: each file and line once, with a line of its
 *    piece (when closed);
 *  - with every "pam_rootok.so" made "pam_deny.so" (pam_rootok
 *    failing for a non-root user) it can succeed exactly when it could
 *    but not only through pam_rootok.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pam_stack.h"
#include "fuzz.h"

#define NFILES	18
#define SEP	"===="

static const char *const file_name[NFILES] = {
	"svc", "other", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
	"k", "l", "m", "n", "o", "p"
};

static char dir[64];

static void
cleanup(void)
{
	char path[sizeof(dir) + 16];
	size_t i;

	for (i = 0; i < NFILES; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, file_name[i]);
		(void)unlink(path);
	}
	(void)rmdir(dir);
}

static void
make_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0] != '\0')
		return;
	if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 32)
		tmp = "/tmp";
	(void)snprintf(dir, sizeof(dir), "%s/mfa-pamstack.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		abort();
	(void)atexit(cleanup);
}

/* The input split into pieces: start and length of each. */
struct pieces {
	const char	*p[NFILES];
	size_t		 len[NFILES];
	size_t		 n;
};

static void
split(const char *s, size_t size, struct pieces *pc)
{
	size_t i = 0, start = 0, seplen = strlen(SEP);

	pc->n = 0;
	while (pc->n < NFILES - 1) {
		/* A line "====" (at the start, or after a newline). */
		for (; i + seplen <= size; i++)
			if ((i == 0 || s[i - 1] == '\n') &&
			    memcmp(s + i, SEP, seplen) == 0 &&
			    (i + seplen == size || s[i + seplen] == '\n'))
				break;
		if (i + seplen > size)
			break;
		pc->p[pc->n] = s + start;
		pc->len[pc->n++] = i - start;
		i += seplen + 1;
		start = i;
		if (start > size)
			start = size;
	}
	pc->p[pc->n] = s + start;
	pc->len[pc->n++] = size - start;
}

/*
 * Writes the piece after "head", every "from" in it replaced by "to"
 * (or as is).
 */
static void
write_file(const char *name, const char *head, const char *s, size_t len,
    const char *from, const char *to)
{
	char path[sizeof(dir) + 16];
	size_t flen = from != NULL ? strlen(from) : 0, i, j;
	int fd;
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		abort();
	if (head != NULL)
		(void)fputs(head, fp);
	for (i = 0; i < len; i = j) {
		if (flen > 0 && len - i >= flen &&
		    memcmp(s + i, from, flen) == 0) {
			(void)fputs(to, fp);
			j = i + flen;
			continue;
		}
		(void)fputc(s[i], fp);
		j = i + 1;
	}
	if (fclose(fp) != 0)
		abort();
}

static void
write_dir(const struct pieces *pc, const char *from, const char *to)
{
	char path[sizeof(dir) + 16];
	size_t i;

	for (i = 0; i < NFILES; i++) {
		if (i < pc->n)
			write_file(file_name[i], NULL, pc->p[i], pc->len[i],
			    from, to);
		else {
			(void)snprintf(path, sizeof(path), "%s/%s", dir,
			    file_name[i]);
			(void)unlink(path);
		}
	}
}

static void
analyse(struct ps_result *r)
{
	int ret;

	ret = ps_analyse(dir, "svc", getuid(), r);
	FUZZ_CHECK(ret == 0 || ret == -1);
	/* Nothing here runs out of memory. */
	FUZZ_CHECK(ret == 0 && r->nomem == 0);
}

/* The piece a path of the directory names, or NULL. */
static const struct pieces *g_pc;

static int
piece_of(const char *path, const char **s, size_t *len)
{
	size_t dlen = strlen(dir), i;
	const char *base;

	if (strncmp(path, dir, dlen) != 0 || path[dlen] != '/')
		return 0;
	base = strrchr(path, '/') + 1;
	for (i = 0; i < g_pc->n; i++)
		if (strcmp(base, file_name[i]) == 0) {
			*s = g_pc->p[i];
			*len = g_pc->len[i];
			return 1;
		}
	return 0;
}

static unsigned
count_lines(const char *s, size_t len)
{
	unsigned n = 1;
	size_t i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void
check_result(const struct ps_result *r, int closed)
{
	const struct ps_issue *is;
	const struct ps_mfa_line *ml;
	const char *s;
	size_t i, j, len;

	FUZZ_CHECK(r->other == 0 || r->other == 1);
	FUZZ_CHECK(r->can_succeed == 0 || r->can_succeed == 1);
	FUZZ_CHECK(r->via_rootok == 0 || r->via_rootok == 1);
	FUZZ_CHECK(!r->via_rootok || r->can_succeed);
	if (r->can_succeed) {
		FUZZ_CHECK(r->via_path != NULL && r->via_path[0] != '\0');
		FUZZ_CHECK(r->via_line >= 1);
	} else
		FUZZ_CHECK(r->via_path == NULL && r->via_module == NULL &&
		    r->via_line == 0);
	FUZZ_CHECK(r->nissues == 0 || r->issues != NULL);
	for (i = 0; i < r->nissues; i++) {
		is = &r->issues[i];
		FUZZ_CHECK(is->kind >= PS_ISSUE_CONTROL &&
		    is->kind <= PS_ISSUE_NOFILE);
		FUZZ_CHECK(is->path != NULL && is->path[0] != '\0');
		switch (is->kind) {
		case PS_ISSUE_CONTROL:
		case PS_ISSUE_TYPE:
		case PS_ISSUE_INCLUDE:
		case PS_ISSUE_LOOP:
			FUZZ_CHECK(is->what != NULL);
			break;
		case PS_ISSUE_NOFILE:
			FUZZ_CHECK(is->what != NULL && is->line == 0);
			break;
		case PS_ISSUE_UNSAFE:
			FUZZ_CHECK(is->what == NULL && is->line == 0);
			FUZZ_CHECK(!closed);
			break;
		default:
			break;
		}
		if (closed && is->line > 0 && piece_of(is->path, &s, &len))
			FUZZ_CHECK(is->line <= count_lines(s, len));
	}
	/* A pam_mfa line for each file and line that calls pam_mfa. */
	for (i = 0; i < r->nmfa; i++) {
		ml = &r->mfa[i];
		FUZZ_CHECK(ml->path != NULL && ml->path[0] != '\0');
		FUZZ_CHECK(ml->line >= 1 && ml->argc >= 0);
		FUZZ_CHECK(ml->argc == 0 || ml->argv != NULL);
		for (j = 0; j < (size_t)ml->argc; j++)
			FUZZ_CHECK(ml->argv[j] != NULL);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(r->mfa[j].line != ml->line ||
			    strcmp(r->mfa[j].path, ml->path) != 0);
		if (closed)
			FUZZ_CHECK(piece_of(ml->path, &s, &len) &&
			    ml->line <= count_lines(s, len));
	}
	if (closed && r->can_succeed) {
		FUZZ_CHECK(piece_of(r->via_path, &s, &len));
		FUZZ_CHECK(r->via_line <= count_lines(s, len));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_result r, v;
	struct pieces pc;
	const char *s = (const char *)data;
	int closed;

	make_dir();
	split(s, size, &pc);
	g_pc = &pc;
	closed = memchr(data, '/', size) == NULL;
	write_dir(&pc, NULL, NULL);
	analyse(&r);
	check_result(&r, closed);
	/* A first line that fails and ends the stack: nothing succeeds. */
	write_file(file_name[0], "auth requisite pam_deny.so\n", pc.p[0],
	    pc.len[0], NULL, NULL);
	analyse(&v);
	check_result(&v, 0);
	FUZZ_CHECK(v.can_succeed == 0 && v.other == 0);
	ps_result_free(&v);
	if (!closed)
		goto out;
	if (memmem(data, size, "pam_mfa.so", 10) == NULL) {
		FUZZ_CHECK(r.nmfa == 0);
	} else {
		write_dir(&pc, "pam_mfa.so", "pam_deny.so");
		analyse(&v);
		check_result(&v, closed);
		FUZZ_CHECK(v.nmfa == 0);
		FUZZ_CHECK(!v.can_succeed || r.can_succeed);
		ps_result_free(&v);
		write_dir(&pc, "pam_mfa.so", "pam_mfb.so");
		analyse(&v);
		check_result(&v, closed);
		FUZZ_CHECK(v.nmfa == 0);
		FUZZ_CHECK(!r.can_succeed || v.can_succeed);
		ps_result_free(&v);
	}
	if (memmem(data, size, "pam_rootok.so", 13) != NULL) {
		write_dir(&pc, "pam_rootok.so", "pam_deny.so");
		analyse(&v);
		check_result(&v, closed);
		FUZZ_CHECK(v.can_succeed == (r.can_succeed && !r.via_rootok));
		ps_result_free(&v);
	}
out:
	ps_result_free(&r);
	FUZZ_CHECK(r.issues == NULL && r.nissues == 0 && r.via_path == NULL);
	return 0;
}
