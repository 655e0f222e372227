/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: which lines of a pam_u2f authfile pam_u2f reads,
 * u2f_later_lines() in tools/input.c, on the input as the file's bytes
 * (without a NUL after them: ASan sees a read past the end).
 *
 * Checked against a plain model, written out again here from
 * pam_u2f's parser: the lines are cut at '\n' (none after a final
 * '\n'); a line's user is what strtok_r(line, ":") returns first, so
 * leading colons are skipped and the name ends at a colon or a NUL
 * byte; each line gets the number of the last line with the same user
 * when that is a later line, else 0 (and 0 when it has no user).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mfactl.h"
#include "input.h"
#include "fuzz.h"

struct ref_line {
	const char	*s;
	size_t		 len;
	const char	*user;	/* strtok's first field; NULL: none */
	size_t		 ulen;
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ref_line	*ref;
	unsigned	*later = NULL, want;
	const char	*buf, *p, *end;
	char		*copy;
	size_t		 n = 0, nlines = 99, i, j;

	if (size > 4096)	/* the model is quadratic */
		return 0;
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	buf = copy;
	FUZZ_CHECK(u2f_later_lines(buf, size, &later, &nlines) == 0);
	if ((ref = calloc(size + 1, sizeof(*ref))) == NULL)
		abort();
	for (p = buf; p < buf + size; n++) {
		if ((end = memchr(p, '\n', (size_t)(buf + size - p))) == NULL)
			end = buf + size;
		ref[n].s = p;
		ref[n].len = (size_t)(end - p);
		p = end < buf + size ? end + 1 : end;
	}
	FUZZ_CHECK(nlines == n);
	FUZZ_CHECK(n == 0 || later != NULL);
	for (i = 0; i < n; i++) {
		p = ref[i].s;
		end = p + ref[i].len;
		if (memchr(p, '\0', ref[i].len) != NULL)
			end = memchr(p, '\0', ref[i].len);
		while (p < end && *p == ':')
			p++;
		ref[i].user = p;
		while (p < end && *p != ':')
			p++;
		ref[i].ulen = (size_t)(p - ref[i].user);
		if (ref[i].ulen == 0)
			ref[i].user = NULL;
	}
	for (i = 0; i < n; i++) {
		want = 0;
		for (j = i + 1; ref[i].user != NULL && j < n; j++)
			if (ref[j].user != NULL && ref[j].ulen == ref[i].ulen &&
			    memcmp(ref[j].user, ref[i].user, ref[i].ulen) == 0)
				want = (unsigned)j + 1;
		FUZZ_CHECK(later[i] == want);
	}
	free(ref);
	free(later);
	free(copy);
	return 0;
}
