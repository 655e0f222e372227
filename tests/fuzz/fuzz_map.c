/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: mfactl import pskc --map FILE, map_parse() in
 * tools/input.c, on the input as the file's bytes.
 *
 * Checked against mfactl(8), written out again here: a file with a NUL
 * byte is refused as a whole, naming the NUL's line, with nothing
 * assigned; otherwise each line, without spaces, tabs and '\r' at its
 * ends, is empty, a '#' comment, or "SERIAL USER" (two words separated
 * by spaces and tabs), the serial 1..48 bytes of printable ASCII without
 * '=' and not given before, the user name one mfa_username_check()
 * accepts.  The first line that is none of these refuses the file with
 * its number and a reason, the lines before it assigned; an accepted
 * file assigns every SERIAL USER line, in order.  So no assigned serial
 * or user ever holds a blank, a control byte or a byte >= 0x7f.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"
#include "input.h"
#include "fuzz.h"

#define SERIAL_MAX	48	/* PSKC_SERIAL_MAX, as mfactl(8) says */

static int
edge(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
serial_ref(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > SERIAL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || s[i] == '=')
			return 0;
	return 1;
}

/*
 * One line (NUL-terminated copy, changed): -1 skipped, 0 bad, 1 good
 * with *serial and *user pointing into it.
 */
static int
line_ref(char *s, char **serial, char **user)
{
	size_t	n = strlen(s), i, j;

	while (n > 0 && edge(s[n - 1]))
		s[--n] = '\0';
	while (edge(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return -1;
	for (i = 0; s[i] != '\0' && !edge(s[i]); i++)
		continue;
	for (j = i; s[j] == ' ' || s[j] == '\t'; j++)
		continue;
	if (j == i || s[j] == '\0')
		return 0;
	*serial = s;
	*user = s + j;
	s[i] = '\0';
	for (; s[j] != '\0'; j++)
		if (edge(s[j]))
			return 0;
	return 1;
}

static void
check_list(const struct assign_list *l)
{
	size_t	i, j, n;

	for (i = 0; i < l->n; i++) {
		n = strlen(l->v[i].serial);
		FUZZ_CHECK(serial_ref(l->v[i].serial, n));
		FUZZ_CHECK(mfa_username_check(l->v[i].user) == MFA_OK);
		FUZZ_CHECK(l->v[i].used == 0);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(l->v[j].serial, l->v[i].serial) != 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assign_list	 l = { NULL, 0 };
	const char		*why = NULL, *nul;
	char			*buf, *text, *line, *next, *serial, *user;
	unsigned		 lineno = 0, want_line = 0, n;
	size_t			 good = 0, i;
	int			 r, k, bad = 0;

	buf = fuzz_cstr(data, size);
	text = fuzz_cstr(data, size);
	r = map_parse(&l, buf, size, &lineno, &why);
	FUZZ_CHECK(r == 0 || r == -1);
	if ((nul = memchr(text, '\0', size)) != NULL) {
		for (n = 1, line = text; line < nul; line++)
			n += *line == '\n';
		FUZZ_CHECK(r == -1 && lineno == n && l.n == 0);
		FUZZ_CHECK(why != NULL && strcmp(why, "NUL byte") == 0);
		goto out;
	}
	for (n = 1, line = text; line != NULL && !bad; n++, line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((k = line_ref(line, &serial, &user)) == -1)
			continue;
		if (k == 1 && serial_ref(serial, strlen(serial)) &&
		    mfa_username_check(user) == MFA_OK) {
			for (i = 0; i < good; i++)
				if (strcmp(l.v[i].serial, serial) == 0)
					break;
			if (i == good && good < l.n &&
			    strcmp(l.v[good].serial, serial) == 0 &&
			    strcmp(l.v[good].user, user) == 0) {
				good++;
				continue;
			}
			/* A repeat; or map_parse() did not take it. */
			FUZZ_CHECK(i < good);
		}
		bad = 1;
		want_line = n;
	}
	FUZZ_CHECK(l.n == good);
	if (!bad) {
		FUZZ_CHECK(r == 0 && why == NULL);
	} else {
		FUZZ_CHECK(r == -1 && lineno == want_line);
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	}
	check_list(&l);
out:
	assign_list_free(&l);
	FUZZ_CHECK(l.v == NULL && l.n == 0);
	free(text);
	free(buf);
	return 0;
}
