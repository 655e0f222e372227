/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Presentation shared by list, status and check: names of credential
 * types and states, times, and JSON strings.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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

void
mfactl_format_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
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
		} else {
			fwrite(p, 1, n, fp);
			p += n;
		}
	}
	fputc('"', fp);
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
		fwrite(p, 1, n, fp);
		p += n;
	}
}
