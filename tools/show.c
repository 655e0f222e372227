/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Presentation shared by list, status, check and import: names of
 * credential types and states, times, text from outside (labels) and
 * JSON strings.  Text for people is translated; what JSON shows is not.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "mfactl.h"

const char *
mfactl_type_name(int type)
{
	switch (type) {
	case MFA_CRED_TOTP:
		return "totp";
	case MFA_CRED_FIDO2:
		return "fido2";
	case MFA_CRED_RECOVERY:
		return "recovery";
	default:
		return "?";
	}
}

const char *
mfactl_status_name(int status)
{
	switch (status) {
	case MFA_STATUS_PENDING:
		return "pending";
	case MFA_STATUS_ACTIVE:
		return "active";
	default:
		return "?";
	}
}

const char *
mfactl_status_text(int status)
{
	switch (status) {
	case MFA_STATUS_PENDING:
		/* TRANSLATORS: state of a credential not yet confirmed. */
		return _("pending");
	case MFA_STATUS_ACTIVE:
		/* TRANSLATORS: state of a confirmed credential. */
		return _("active");
	default:
		return "?";
	}
}

/* ISO 8601 in UTC; -1 when t is not a time (<= 0) or cannot be shown. */
static int
iso_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || (int64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

void
mfactl_format_iso(int64_t t, char *buf, size_t len)
{
	if (iso_time(t, buf, len) == -1)
		(void)snprintf(buf, len, "%s", t <= 0 ? "never" : "?");
}

void
mfactl_format_time(int64_t t, char *buf, size_t len)
{
	const char *word;

	if (iso_time(t, buf, len) == 0)
		return;
	/* TRANSLATORS: in place of a time, at most 20 bytes. */
	word = t <= 0 ? _("never") :
	    /* TRANSLATORS: a time that cannot be shown, at most 20 bytes. */
	    _("?");
	/* A translation that does not fit is not cut in a character. */
	if ((size_t)snprintf(buf, len, "%s", word) >= len)
		(void)snprintf(buf, len, "%s", t <= 0 ? "never" : "?");
}

const mfa_cred_t *
mfactl_find_cred(const mfa_user_t *u, unsigned id)
{
	const mfa_cred_t *c;
	size_t i;

	for (i = 0; i < mfa_user_cred_count(u); i++)
		if ((c = mfa_user_cred(u, i)) != NULL && mfa_cred_id(c) == id)
			return c;
	return NULL;
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, at most U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	/* A NUL ends the string early: no read beyond it. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* U+0080..U+009F, the C1 controls (CSI among them) as UTF-8. */
static int
is_c1(const unsigned char *p)
{
	return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

void
mfactl_json_str(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', fp);
	while (p != NULL && *p != '\0') {
		if (*p == '"' || *p == '\\') {
			fputc('\\', fp);
			fputc(*p++, fp);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(fp, "\\u%04x", *p++);
		} else if ((n = utf8_len(p)) == 0) {
			fputs("\\ufffd", fp);
			p++;
		} else if (is_c1(p)) {
			fprintf(fp, "\\u%04x", p[1]);
			p += n;
		} else {
			fwrite(p, 1, n, fp);
			p += n;
		}
	}
	fputc('"', fp);
}

void
mfactl_print_safe(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
}

void
mfactl_print_text(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (p != NULL && *p != '\0') {
		if (*p < 0x20 || *p == 0x7f || *p == '\\' ||
		    (n = utf8_len(p)) == 0) {
			fprintf(fp, "\\x%02x", *p++);
			continue;
		}
		if (is_c1(p)) {
			fprintf(fp, "\\x%02x\\x%02x", p[0], p[1]);
			p += n;
			continue;
		}
		fwrite(p, 1, n, fp);
		p += n;
	}
}

int
mfactl_print_line(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "mfactl: %s\n", _("out of memory"));
		return -1;
	}
	mfactl_print_text(fp, line);
	fputc('\n', fp);
	free(line);
	return 0;
}

void
mfactl_print_pad(FILE *fp, const char *s, int width)
{
	mbstate_t st;
	wchar_t wc;
	size_t left = strlen(s), n;
	const char *p = s;
	int cols = 0, w;

	memset(&st, 0, sizeof(st));
	while (left > 0) {
		n = mbrtowc(&wc, p, left, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* Not a character of this locale: a column a byte. */
			memset(&st, 0, sizeof(st));
			n = 1;
			w = 1;
		} else if ((w = wcwidth(wc)) < 0)
			w = 1;
		cols += w;
		p += n;
		left -= n;
	}
	fputs(s, fp);
	for (; cols < width; cols++)
		fputc(' ', fp);
}
