/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mfactl's input files: the lines of totp add/confirm --batch FILE, the
 * assignments of import --assign and --map FILE, and the numbers of the
 * command line.  Only parsing and checks that need nothing but the text:
 * what needs the system (the user database, the store) is the
 * commands'.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfactl.h"
#include "import_pskc.h"
#include "input.h"

int
mfactl_parse_uint(const char *s, unsigned long long min,
    unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned d;
	size_t i;

	/* pam_mfa.conf(5)'s rule: digits, no sign, no leading zero. */
	if (s == NULL || s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---- --batch FILE ------------------------------------------------------ */

int
batch_next(struct batch_reader *b)
{
	const char *p, *nl;
	size_t n = 0, take;
	ssize_t got;
	int seen = 0, result = BATCH_LINE;

	explicit_bzero(b->line, sizeof(b->line));
	for (;;) {
		if (b->off == b->len) {
			if (b->eof)
				break;
			got = read(b->fd, b->buf, sizeof(b->buf));
			if (got == -1 && errno == EINTR)
				continue;
			if (got == -1)
				return -1;
			b->off = 0;
			b->len = (size_t)got;
			if (got == 0) {
				b->eof = 1;
				break;
			}
		}
		seen = 1;
		p = b->buf + b->off;
		nl = memchr(p, '\n', b->len - b->off);
		take = nl != NULL ? (size_t)(nl - p) : b->len - b->off;
		/* One byte more: a '\r' before the newline is not counted. */
		if (result == BATCH_LINE && take <= BATCH_LINE_MAX + 1 - n) {
			memcpy(b->line + n, p, take);
			n += take;
		} else
			result = BATCH_LONG;
		b->off += take + (nl != NULL);
		if (nl != NULL)
			break;
	}
	if (!seen)
		return BATCH_END;
	if (b->lineno == UINT_MAX) {
		errno = EFBIG;
		return -1;
	}
	b->lineno++;
	if (result != BATCH_LINE)
		return result;
	if (n > 0 && b->line[n - 1] == '\r')
		n--;
	if (n > BATCH_LINE_MAX)
		return BATCH_LONG;
	if (memchr(b->line, '\0', n) != NULL)
		return BATCH_NUL;
	b->line[n] = '\0';
	return BATCH_LINE;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int
batch_skipped(const char *line)
{
	while (is_blank(*line))
		line++;
	return *line == '\0' || *line == '#';
}

/* The word at *pp (NUL-terminated in place), or NULL; *pp moves on. */
static char *
next_word(char **pp)
{
	char *p = *pp, *w;

	while (is_blank(*p))
		p++;
	if (*p == '\0') {
		*pp = p;
		return NULL;
	}
	w = p;
	while (*p != '\0' && !is_blank(*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return w;
}

/* The rest of the line without blanks around it, or NULL when empty. */
static char *
rest_of_line(char *p)
{
	size_t n;

	while (is_blank(*p))
		p++;
	n = strlen(p);
	while (n > 0 && is_blank(p[n - 1]))
		p[--n] = '\0';
	return n > 0 ? p : NULL;
}

int
batch_label_fault(const char *label)
{
	size_t n = strlen(label);

	/* The rule is the library's; only the message is chosen here. */
	if (mfa_label_check(label) == MFA_OK)
		return BATCH_OK;
	return (n == 0 || n > MFA_LABEL_MAX) ? BATCH_BAD_LABEL_LENGTH :
	    BATCH_BAD_LABEL_CONTROL;
}

int
batch_add_line(char *line, const char *deflabel, struct batch_add *out)
{
	char *p = line;

	memset(out, 0, sizeof(*out));
	if (batch_skipped(line))
		return BATCH_SKIP;
	out->user = next_word(&p);
	if ((out->label = rest_of_line(p)) == NULL)
		out->label = deflabel;
	if ((out->err = mfa_username_check(out->user)) != MFA_OK)
		return BATCH_BAD_USER;
	if (out->label != NULL)
		return batch_label_fault(out->label);
	return BATCH_OK;
}

int
batch_confirm_line(char *line, struct batch_confirm *out)
{
	unsigned long long id = 0;
	char *p = line;

	memset(out, 0, sizeof(*out));
	if (batch_skipped(line))
		return BATCH_SKIP;
	out->user = next_word(&p);
	out->code = next_word(&p);
	out->idword = next_word(&p);
	if (out->code == NULL || next_word(&p) != NULL)
		return BATCH_BAD_SHAPE;
	if ((out->err = mfa_username_check(out->user)) != MFA_OK)
		return BATCH_BAD_USER;
	if (out->idword != NULL &&
	    mfactl_parse_uint(out->idword, 1, UINT32_MAX, &id) == -1)
		return BATCH_BAD_ID;
	out->id = (unsigned)id;
	return BATCH_OK;
}

/* ---- import --assign SERIAL=USER, --map FILE --------------------------- */

const char *
assign_add(struct assign_list *l, const char *serial, size_t slen,
    const char *user)
{
	struct assign *a;
	size_t i;

	if (slen == 0 || slen > PSKC_SERIAL_MAX)
		return _("serial number not 1..48 characters");
	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i].serial) == slen &&
		    strncmp(l->v[i].serial, serial, slen) == 0)
			return _("serial number assigned twice");
	if (mfa_username_check(user) != MFA_OK)
		return _(mfa_strerror(MFA_ERR_USERNAME));
	if ((a = reallocarray(l->v, l->n + 1, sizeof(*a))) == NULL)
		return _("out of memory");
	l->v = a;
	a = &l->v[l->n];
	memset(a, 0, sizeof(*a));
	if ((a->serial = strndup(serial, slen)) == NULL ||
	    (a->user = strdup(user)) == NULL) {
		free(a->serial);
		return _("out of memory");
	}
	if (!pskc_serial_ok(a->serial)) {
		free(a->serial);
		free(a->user);
		return _("serial number not printable without spaces or '='");
	}
	l->n++;
	return NULL;
}

/* A NUL byte refuses the file: the lines are cut at NULs below. */
int
map_parse(struct assign_list *l, char *buf, size_t len, unsigned *lineno,
    const char **why)
{
	char *line, *next, *serial, *user, *end, *nul;
	size_t slen;
	unsigned n;

	*why = NULL;
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		for (n = 1, line = buf; line < nul; line++)
			n += *line == '\n';
		*lineno = n;
		*why = _("NUL byte");
		return -1;
	}
	for (n = 1, line = buf; line != NULL && *why == NULL;
	    n++, line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		serial = line + strspn(line, " \t\r");
		if (*serial == '\0' || *serial == '#')
			continue;
		slen = strcspn(serial, " \t\r");
		user = serial + slen + strspn(serial + slen, " \t");
		end = user + strcspn(user, " \t\r");
		if (*user == '\0' || end[strspn(end, " \t\r")] != '\0')
			*why = _("not SERIAL USER");
		else {
			*end = '\0';
			*why = assign_add(l, serial, slen, user);
		}
	}
	if (*why == NULL)
		return 0;
	*lineno = n - 1;
	return -1;
}

void
assign_list_free(struct assign_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].serial);
		free(l->v[i].user);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- import pam_u2f: a user's last line --------------------------------- */

struct u2f_name {
	const char	*s;	/* the user field, not NUL-terminated */
	size_t		 len;
	unsigned	 line;
};

/* By name, then by line number. */
static int
u2f_name_cmp(const void *a, const void *b)
{
	const struct u2f_name *x = a, *y = b;
	int c;

	/* A name holds no NUL: strncmp() compares all of its bytes. */
	c = strncmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int
u2f_later_lines(const char *buf, size_t len, unsigned **later,
    size_t *nlines)
{
	struct u2f_name *names = NULL;
	const char *line = buf, *end, *p;
	unsigned *v = NULL;
	size_t n = 0, k = 0, i, j, left = len;

	for (p = buf; p < buf + len; p++)
		n += *p == '\n';
	if (len > 0 && buf[len - 1] != '\n')
		n++;
	if (n > UINT_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (n > 0 && ((v = calloc(n, sizeof(*v))) == NULL ||
	    (names = calloc(n, sizeof(*names))) == NULL)) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((end = memchr(line, '\n', left)) == NULL)
			end = line + left;
		/* As strtok_r(line, ":"): colons first are no field. */
		for (p = line; p < end && *p == ':'; p++)
			continue;
		names[k].s = p;
		while (p < end && *p != ':' && *p != '\0')
			p++;
		names[k].len = (size_t)(p - names[k].s);
		names[k].line = (unsigned)i + 1;
		if (names[k].len > 0)
			k++;
		left -= (size_t)(end - line);
		line = end;
		if (left > 0) {
			line++;
			left--;
		}
	}
	if (k > 1)
		qsort(names, k, sizeof(*names), u2f_name_cmp);
	for (i = 0; i < k; i = j) {
		for (j = i + 1; j < k && names[j].len == names[i].len &&
		    strncmp(names[j].s, names[i].s, names[i].len) == 0; j++)
			continue;
		/* names[i..j) name one user; names[j - 1] is its last. */
		while (i + 1 < j)
			v[names[i++].line - 1] = names[j - 1].line;
	}
	free(names);
	*later = v;
	*nlines = n;
	return 0;
}
