/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl's input files, parsed apart from the commands that act on them
 * so that the fuzz targets (tests/fuzz/fuzz_batch.c, fuzz_map.c,
 * fuzz_u2f_lines.c) build them alone: the lines of totp add --batch and
 * totp confirm --batch (cmd_totp_batch.c), import's --map FILE and
 * which lines of a pam_u2f authfile pam_u2f itself reads
 * (cmd_import.c).  input.c uses mfa.h, gettext and libc only;
 * mfactl_parse_uint() (mfactl.h) is in it too.
 */
#ifndef MFACTL_INPUT_H
#define MFACTL_INPUT_H

#include <stddef.h>

/* ---- --batch FILE ------------------------------------------------------ */

#define BATCH_LINE_MAX	512	/* bytes in a line, newline excluded */
#define BATCH_BUF	16384	/* bytes read at a time */

/* batch_next() results besides -1 (error, errno set). */
#define BATCH_END	0	/* no more lines */
#define BATCH_LINE	1	/* a line in line[] */
#define BATCH_LONG	2	/* longer than BATCH_LINE_MAX, not kept */
#define BATCH_NUL	3	/* holds a NUL byte, not kept */

/*
 * Reads fd line by line with read(2) into its own buffer, so that no
 * stdio buffer keeps a copy of a code: both buffers are the caller's
 * to wipe.  Set fd and zero the rest before the first batch_next().
 */
struct batch_reader {
	int		 fd;
	int		 eof;
	unsigned	 lineno;	/* of the line last read, from 1 */
	size_t		 off, len;	/* the unread bytes of buf */
	char		 buf[BATCH_BUF];
	char		 line[BATCH_LINE_MAX + 2];	/* and a '\r' */
};

/*
 * Reads the next line into r->line, without its newline (nor one '\r'
 * before it), and counts it in r->lineno.  Returns BATCH_LINE,
 * BATCH_END at the end of the input, BATCH_LONG or BATCH_NUL for a line
 * consumed but not kept, or -1 with errno set (EFBIG after UINT_MAX
 * lines).
 */
int batch_next(struct batch_reader *r);

/* 1 when line is blank or its first word starts with '#'. */
int batch_skipped(const char *line);

/* batch_add_line() and batch_confirm_line() results. */
#define BATCH_OK		0
#define BATCH_SKIP		1	/* batch_skipped() */
#define BATCH_BAD_SHAPE		2	/* not USER CODE [ID] */
#define BATCH_BAD_USER		3	/* mfa_username_check() refused */
#define BATCH_BAD_LABEL_LENGTH	4	/* not 1 to MFA_LABEL_MAX bytes */
#define BATCH_BAD_LABEL_CONTROL	5	/* mfa_label_check() refused */
#define BATCH_BAD_ID		6	/* not a number 1..UINT32_MAX */

/* Whether the store takes label: BATCH_OK or BATCH_BAD_LABEL_*. */
int batch_label_fault(const char *label);

/*
 * "USER [LABEL]", split in place: words are separated by spaces and
 * tabs; the label is the rest of the line without blanks at its ends,
 * or deflabel (which may be NULL) when there is none.  The checks come
 * in this order: the user name (out->err gets mfa_username_check()'s
 * error), then the label; out->user is set unless BATCH_SKIP.
 */
struct batch_add {
	char		*user;
	const char	*label;
	int		 err;
};
int batch_add_line(char *line, const char *deflabel, struct batch_add *out);

/*
 * "USER CODE [ID]", split in place into words separated by spaces and
 * tabs.  The checks come in this order: three words at most and a code
 * (BATCH_BAD_SHAPE), the user name (out->err set), the id when given
 * (mfactl_parse_uint() in 1..UINT32_MAX; out->id, else 0).  The code is
 * not looked at: the library normalises and checks it.
 */
struct batch_confirm {
	char		*user;
	char		*code;
	char		*idword;
	unsigned	 id;
	int		 err;
};
int batch_confirm_line(char *line, struct batch_confirm *out);

/* ---- import --assign SERIAL=USER, --map FILE --------------------------- */

struct assign {
	char		*serial;
	char		*user;
	unsigned	 used;
};

struct assign_list {
	struct assign	*v;
	size_t		 n;
};

/*
 * Adds SERIAL -> USER (serial[0..slen), not NUL-terminated): the serial
 * 1..PSKC_SERIAL_MAX bytes of printable ASCII without spaces or '=',
 * not assigned yet, the user name acceptable.  Returns NULL, or why not
 * (translated).
 */
const char *assign_add(struct assign_list *l, const char *serial,
    size_t slen, const char *user);

/*
 * Parses a --map file, buf[0..len) followed by a NUL (changed in place):
 * lines "SERIAL USER" (blanks around and between the words; a '\r'
 * before the newline), '#' comments and blank lines, each assignment
 * added with assign_add().  A NUL byte refuses the whole file.  Returns
 * 0, or -1 with *lineno and *why (translated) of the first bad line;
 * the assignments of the lines before it stay in l.
 */
int map_parse(struct assign_list *l, char *buf, size_t len,
    unsigned *lineno, const char **why);

/* Frees the assignments; l is empty again. */
void assign_list_free(struct assign_list *l);

/* ---- import pam_u2f: a user's last line --------------------------------- */

/*
 * pam_u2f reads only the last line that names a user, as
 * strtok(3) with ":" finds the name: its first field, leading colons
 * skipped, up to a colon, a NUL byte or the end of the line.  For the
 * lines of buf[0..len), cut at '\n' and numbered from 1 as import
 * reads them (no line after a final '\n'), (*later)[n - 1] is the
 * number of the last line naming the same user as line n when that is
 * a later one, else 0; *nlines is their count.  A line that names
 * nobody (blank, or only colons) is 0.  Returns 0, or -1 with errno set
 * (ENOMEM; EFBIG beyond UINT_MAX lines); the caller frees *later.
 */
int u2f_later_lines(const char *buf, size_t len, unsigned **later,
    size_t *nlines);

#endif /* MFACTL_INPUT_H */
