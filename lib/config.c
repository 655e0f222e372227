/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_mfa.conf(5): the built-in defaults, the parser (from memory) and
 * the strict file loader.  Every key is described by one table; a key,
 * value or line the table does not describe is an error, never ignored:
 * a typo must not quietly weaken a factor.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"

#define CONFIG_LINE_MAX		1024	/* bytes per line, without '\n' */
#define CONFIG_SECTIONS_MAX	1024	/* sections, [global] included */
#define QUOTE_MAX		40	/* characters of input in messages */

#define DEFAULT_REQUIRE		"password AND (totp OR fido2)"

enum key_type {
	KEY_UINT,	/* parse_num() in [min, max] */
	KEY_ENUM,	/* one of values[], case-insensitive */
	KEY_EXPR,	/* policy expression */
	KEY_PATH,	/* absolute path, min..max bytes */
	KEY_TEXT,	/* printable text without ':', min..max bytes */
	KEY_RPID,	/* printable ASCII without blanks, min..max bytes */
	KEY_ALGS,	/* comma-separated FIDO2 algorithm names */
	KEY_AAGUIDS	/* comma-separated AAGUIDs */
};

/* Where a key may appear. */
#define SCOPE_GLOBAL	0x1	/* before any header or in [global] */
#define SCOPE_SECTION	0x2	/* also in [user], [group], [service] */

enum key_id {
	K_STORE,
	K_TOTP_WINDOW,
	K_TOTP_DIGITS,
	K_TOTP_ALGORITHM,
	K_TOTP_ISSUER,
	K_LOCKOUT_ATTEMPTS,
	K_LOCKOUT_TIME,
	K_FAIL_DELAY,
	K_REQUIRE,
	K_PASSWORD,
	K_UNENROLLED,
	K_ALLOW_EMPTY_PASSWORD,
	K_RECOVERY,
	K_FIDO2_RP_ID,
	K_FIDO2_UV,
	K_FIDO2_TIMEOUT,
	K_FIDO2_ALGORITHMS,
	K_FIDO2_AAGUIDS,
	K_FIDO2_CA,
	K_FIDO2_ATTESTATION,
	K_FIDO2_COUNTER,
	K_COUNT
};

struct enum_value {
	const char	*name;
	int		 value;
};

struct key {
	const char		*name;
	enum key_id		 id;
	enum key_type		 type;
	long long		 min;
	long long		 max;
	int			 scope;
	const struct enum_value	*values;
};

static const struct enum_value algorithms[] = {
	{ "sha1",	MFA_TOTP_SHA1 },
	{ "sha256",	MFA_TOTP_SHA256 },
	{ "sha512",	MFA_TOTP_SHA512 },
	{ NULL,		0 }
};

static const struct enum_value password_modes[] = {
	{ "builtin",	MFA_PASSWORD_BUILTIN },
	{ "stacked",	MFA_PASSWORD_STACKED },
	{ NULL,		0 }
};

static const struct enum_value unenrolled_modes[] = {
	{ "deny",	MFA_UNENROLLED_DENY },
	{ "allow",	MFA_UNENROLLED_ALLOW },
	{ NULL,		0 }
};

static const struct enum_value booleans[] = {
	{ "yes",	1 },
	{ "no",		0 },
	{ NULL,		0 }
};

static const struct enum_value uv_modes[] = {
	{ "required",		MFA_UV_REQUIRED },
	{ "preferred",		MFA_UV_PREFERRED },
	{ "discouraged",	MFA_UV_DISCOURAGED },
	{ NULL,			0 }
};

static const struct enum_value attestation_modes[] = {
	{ "verified",	MFA_ATTEST_VERIFIED },
	{ "any",	MFA_ATTEST_ANY },
	{ NULL,		0 }
};

static const struct enum_value counter_modes[] = {
	{ "strict",	MFA_COUNTER_STRICT },
	{ "require",	MFA_COUNTER_REQUIRE },
	{ NULL,		0 }
};

static const struct key keys[] = {
	{ "store", K_STORE, KEY_PATH, 1, PATH_MAX - 1, SCOPE_GLOBAL, NULL },
	{ "totp_window", K_TOTP_WINDOW, KEY_UINT, 0, 10, SCOPE_GLOBAL,
	    NULL },
	{ "totp_digits", K_TOTP_DIGITS, KEY_UINT, 6, 8, SCOPE_GLOBAL, NULL },
	{ "totp_algorithm", K_TOTP_ALGORITHM, KEY_ENUM, 0, 0, SCOPE_GLOBAL,
	    algorithms },
	{ "totp_issuer", K_TOTP_ISSUER, KEY_TEXT, 1, MFA_ISSUER_MAX,
	    SCOPE_GLOBAL, NULL },
	{ "lockout_attempts", K_LOCKOUT_ATTEMPTS, KEY_UINT, 0, 1000,
	    SCOPE_GLOBAL, NULL },
	{ "lockout_time", K_LOCKOUT_TIME, KEY_UINT, 1, 2592000,
	    SCOPE_GLOBAL, NULL },
	{ "fail_delay", K_FAIL_DELAY, KEY_UINT, 0, 60000, SCOPE_GLOBAL,
	    NULL },
	{ "require", K_REQUIRE, KEY_EXPR, 0, 0,
	    SCOPE_GLOBAL | SCOPE_SECTION, NULL },
	{ "password", K_PASSWORD, KEY_ENUM, 0, 0,
	    SCOPE_GLOBAL | SCOPE_SECTION, password_modes },
	{ "unenrolled", K_UNENROLLED, KEY_ENUM, 0, 0,
	    SCOPE_GLOBAL | SCOPE_SECTION, unenrolled_modes },
	{ "allow_empty_password", K_ALLOW_EMPTY_PASSWORD, KEY_ENUM, 0, 0,
	    SCOPE_GLOBAL | SCOPE_SECTION, booleans },
	{ "recovery", K_RECOVERY, KEY_ENUM, 0, 0,
	    SCOPE_GLOBAL | SCOPE_SECTION, booleans },
	{ "fido2_rp_id", K_FIDO2_RP_ID, KEY_RPID, 1, MFA_RP_ID_MAX,
	    SCOPE_GLOBAL, NULL },
	{ "fido2_uv", K_FIDO2_UV, KEY_ENUM, 0, 0, SCOPE_GLOBAL, uv_modes },
	{ "fido2_timeout", K_FIDO2_TIMEOUT, KEY_UINT, 1, 300, SCOPE_GLOBAL,
	    NULL },
	{ "fido2_algorithms", K_FIDO2_ALGORITHMS, KEY_ALGS, 0, 0,
	    SCOPE_GLOBAL, NULL },
	{ "fido2_aaguids", K_FIDO2_AAGUIDS, KEY_AAGUIDS, 0, 0, SCOPE_GLOBAL,
	    NULL },
	{ "fido2_ca", K_FIDO2_CA, KEY_PATH, 1, PATH_MAX - 1, SCOPE_GLOBAL,
	    NULL },
	{ "fido2_attestation", K_FIDO2_ATTESTATION, KEY_ENUM, 0, 0,
	    SCOPE_GLOBAL, attestation_modes },
	{ "fido2_counter", K_FIDO2_COUNTER, KEY_ENUM, 0, 0, SCOPE_GLOBAL,
	    counter_modes },
};

static const char *const section_kinds[] = {
	[SECTION_GLOBAL] = "global",
	[SECTION_USER] = "user",
	[SECTION_GROUP] = "group",
	[SECTION_SERVICE] = "service",
};

struct parser {
	struct mfa_config	*cfg;
	size_t			 cur;		/* the current section */
	unsigned		 line;
	int			 global_header;	/* saw [global] */
	unsigned		 global_seen[K_COUNT];	/* line, 0: not yet */
	unsigned		 section_seen[K_COUNT];
	char			*err;
	size_t			 errlen;
};

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Copies s[0..n) for an error message: printable, bounded. */
static void
quote(char *out, size_t outlen, const char *s, size_t n)
{
	size_t i, o = 0;

	if (outlen < sizeof("..."))
		return;
	for (i = 0; i < n && i < QUOTE_MAX && o + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[o] = '\0';
	if (i < n && o + sizeof("...") <= outlen)
		memcpy(out + o, "...", sizeof("..."));
}

static int
perr(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errlen == 0)
		return MFA_ERR_CONFIG;
	n = snprintf(p->err, p->errlen, "%u: ", p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return MFA_ERR_CONFIG;
	va_start(ap, fmt);
	(void)vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return MFA_ERR_CONFIG;
}

static const struct key *
key_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* "one of: a, b, c" for an error message. */
static void
enum_list(const struct enum_value *v, char *out, size_t outlen)
{
	size_t used = 0;
	int n;

	out[0] = '\0';
	for (; v->name != NULL; v++) {
		n = snprintf(out + used, outlen - used, "%s%s",
		    used == 0 ? "" : ", ", v->name);
		if (n < 0 || (size_t)n >= outlen - used)
			return;
		used += (size_t)n;
	}
}

static int
text_ok(const char *s, int allow_colon)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		/* Bytes >= 0x80 pass: issuers may be UTF-8. */
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c == ':' && !allow_colon)
			return 0;
	}
	return 1;
}

/*
 * Splits a comma-separated list in place: items trimmed of blanks,
 * none empty.  Returns the count, or -1 (more than max, empty item).
 */
static int
split_list(char *s, char **items, size_t max)
{
	char	*item, *end, *comma;
	size_t	 n = 0;

	for (item = s;; item = comma + 1) {
		comma = strchr(item, ',');
		if (comma != NULL)
			*comma = '\0';
		while (is_blank(*item))
			item++;
		for (end = item + strlen(item); end > item && is_blank(end[-1]);
		    end--)
			continue;
		*end = '\0';
		if (*item == '\0' || n == max)
			return -1;
		items[n++] = item;
		if (comma == NULL)
			return (int)n;
	}
}

/* An AAGUID: 32 hex digits, or a UUID with its four dashes. */
static int
aaguid_parse(const char *s, unsigned char *out)
{
	char	hex[2 * MFA_AAGUID_LEN + 1];
	size_t	i, o = 0, n = strlen(s);

	if (n != 2 * MFA_AAGUID_LEN && n != 2 * MFA_AAGUID_LEN + 4)
		return MFA_ERR_CONFIG;
	for (i = 0; i < n; i++) {
		if (n > 2 * MFA_AAGUID_LEN &&
		    (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return MFA_ERR_CONFIG;
			continue;
		}
		if (o == 2 * MFA_AAGUID_LEN)
			return MFA_ERR_CONFIG;
		if (s[i] >= 'A' && s[i] <= 'F')
			hex[o++] = (char)(s[i] - 'A' + 'a');
		else
			hex[o++] = s[i];
	}
	hex[o] = '\0';
	return hex_decode(hex, out, MFA_AAGUID_LEN) == MFA_OK ? MFA_OK :
	    MFA_ERR_CONFIG;
}

static int
parse_algorithms(struct parser *p, const struct key *k, const char *value,
    int *algs, size_t *nalgs)
{
	char	 buf[CONFIG_LINE_MAX + 1], lower[16], q[QUOTE_MAX + 8];
	char	*items[MFA_FIDO2_ALGS_MAX];
	size_t	 i, j, len;
	int	 n;

	len = strlen(value);
	quote(q, sizeof(q), value, len);
	if (len >= sizeof(buf))
		return perr(p, "bad value '%s' for '%s'", q, k->name);
	memcpy(buf, value, len + 1);
	if ((n = split_list(buf, items, MFA_FIDO2_ALGS_MAX)) < 0)
		return perr(p, "bad value '%s' for '%s' (expected a "
		    "comma-separated list of es256, eddsa, rs256)", q,
		    k->name);
	for (i = 0; i < (size_t)n; i++) {
		len = strlen(items[i]);
		quote(q, sizeof(q), items[i], len);
		if (len >= sizeof(lower))
			return perr(p, "unknown algorithm '%s' in '%s' "
			    "(expected es256, eddsa, rs256)", q, k->name);
		for (j = 0; j <= len; j++)
			lower[j] = (items[i][j] >= 'A' && items[i][j] <= 'Z') ?
			    (char)(items[i][j] - 'A' + 'a') : items[i][j];
		if (fido2_alg_parse(lower, &algs[i]) != MFA_OK)
			return perr(p, "unknown algorithm '%s' in '%s' "
			    "(expected es256, eddsa, rs256)", q, k->name);
		for (j = 0; j < i; j++)
			if (algs[j] == algs[i])
				return perr(p, "algorithm '%s' listed twice in "
				    "'%s'", q, k->name);
	}
	*nalgs = (size_t)n;
	return MFA_OK;
}

static int
parse_aaguids(struct parser *p, const struct key *k, const char *value,
    unsigned char (*aaguids)[MFA_AAGUID_LEN], size_t *naaguids)
{
	char	 buf[CONFIG_LINE_MAX + 1], q[QUOTE_MAX + 8];
	char	*items[MFA_FIDO2_AAGUIDS_MAX];
	size_t	 i, j, len;
	int	 n;

	len = strlen(value);
	quote(q, sizeof(q), value, len);
	if (len >= sizeof(buf))
		return perr(p, "bad value '%s' for '%s'", q, k->name);
	memcpy(buf, value, len + 1);
	if ((n = split_list(buf, items, MFA_FIDO2_AAGUIDS_MAX)) < 0)
		return perr(p, "bad value '%s' for '%s' (expected a "
		    "comma-separated list of 1 to %d AAGUIDs)", q, k->name,
		    MFA_FIDO2_AAGUIDS_MAX);
	for (i = 0; i < (size_t)n; i++) {
		quote(q, sizeof(q), items[i], strlen(items[i]));
		if (aaguid_parse(items[i], aaguids[i]) != MFA_OK)
			return perr(p, "bad AAGUID '%s' in '%s' (expected 32 "
			    "hex digits)", q, k->name);
		for (j = 0; j < i; j++)
			if (ct_equal(aaguids[j], aaguids[i], MFA_AAGUID_LEN))
				return perr(p, "AAGUID '%s' listed twice in "
				    "'%s'", q, k->name);
	}
	*naaguids = (size_t)n;
	return MFA_OK;
}

static int
rpid_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static int
set_value(struct parser *p, const struct key *k, const char *value)
{
	struct mfa_config *cfg = p->cfg;
	struct mfa_section *sec = &cfg->sections[p->cur];
	const struct enum_value *ev;
	struct mfa_expr expr = { .n = 0 };
	char q[QUOTE_MAX + 8], why[MFA_EXPR_TEXT_MAX];
	unsigned char aaguids[MFA_FIDO2_AAGUIDS_MAX][MFA_AAGUID_LEN];
	int algs[MFA_FIDO2_ALGS_MAX];
	long long num = 0;
	size_t len = strlen(value), nalgs = 0, naaguids = 0;
	int ev_value = 0, r;

	quote(q, sizeof(q), value, len);
	switch (k->type) {
	case KEY_UINT:
		if (parse_num(value, k->min, k->max, &num) != 0)
			return perr(p, "bad value '%s' for '%s' (expected an "
			    "integer from %lld to %lld)", q, k->name, k->min,
			    k->max);
		break;
	case KEY_ENUM:
		for (ev = k->values; ev->name != NULL; ev++)
			if (strcasecmp(ev->name, value) == 0)
				break;
		if (ev->name == NULL) {
			enum_list(k->values, why, sizeof(why));
			return perr(p, "bad value '%s' for '%s' (expected "
			    "one of: %s)", q, k->name, why);
		}
		ev_value = ev->value;
		break;
	case KEY_EXPR:
		if (expr_parse(&expr, value, why, sizeof(why)) != MFA_OK)
			return perr(p, "bad value for '%s': %s", k->name, why);
		break;
	case KEY_PATH:
		if (value[0] != '/' || len < (size_t)k->min ||
		    len > (size_t)k->max || !text_ok(value, 1))
			return perr(p, "bad value '%s' for '%s' (expected an "
			    "absolute path)", q, k->name);
		break;
	case KEY_TEXT:
		if (len < (size_t)k->min || len > (size_t)k->max ||
		    !text_ok(value, 0))
			return perr(p, "bad value '%s' for '%s' (expected "
			    "%lld to %lld printable characters without ':')",
			    q, k->name, k->min, k->max);
		break;
	case KEY_RPID:
		if (len < (size_t)k->min || len > (size_t)k->max ||
		    !rpid_ok(value))
			return perr(p, "bad value '%s' for '%s' (expected %lld "
			    "to %lld printable ASCII characters without "
			    "blanks)", q, k->name, k->min, k->max);
		break;
	case KEY_ALGS:
		if ((r = parse_algorithms(p, k, value, algs, &nalgs)) !=
		    MFA_OK)
			return r;
		break;
	case KEY_AAGUIDS:
		if ((r = parse_aaguids(p, k, value, aaguids, &naaguids)) !=
		    MFA_OK)
			return r;
		break;
	}

	switch (k->id) {
	case K_STORE:
		memcpy(cfg->store, value, len + 1);
		break;
	case K_TOTP_WINDOW:
		cfg->totp_window = (unsigned)num;
		break;
	case K_TOTP_DIGITS:
		cfg->totp_digits = (unsigned)num;
		break;
	case K_TOTP_ALGORITHM:
		cfg->totp_algorithm = ev_value;
		break;
	case K_TOTP_ISSUER:
		memcpy(cfg->totp_issuer, value, len + 1);
		break;
	case K_LOCKOUT_ATTEMPTS:
		cfg->lockout_attempts = (unsigned)num;
		break;
	case K_LOCKOUT_TIME:
		cfg->lockout_time = (unsigned)num;
		break;
	case K_FAIL_DELAY:
		cfg->fail_delay = (unsigned)num;
		break;
	case K_REQUIRE:
		sec->require = expr;
		break;
	case K_PASSWORD:
		sec->password_mode = ev_value;
		break;
	case K_UNENROLLED:
		sec->unenrolled = ev_value;
		break;
	case K_ALLOW_EMPTY_PASSWORD:
		sec->allow_empty_password = ev_value;
		break;
	case K_RECOVERY:
		sec->allow_recovery = ev_value;
		break;
	case K_FIDO2_RP_ID:
		memcpy(cfg->fido2_rp_id, value, len + 1);
		break;
	case K_FIDO2_UV:
		cfg->fido2_uv = ev_value;
		break;
	case K_FIDO2_TIMEOUT:
		cfg->fido2_timeout = (unsigned)num;
		break;
	case K_FIDO2_ALGORITHMS:
		memcpy(cfg->fido2_algs, algs, nalgs * sizeof(algs[0]));
		cfg->fido2_nalgs = nalgs;
		break;
	case K_FIDO2_AAGUIDS:
		memcpy(cfg->fido2_aaguids, aaguids, naaguids * MFA_AAGUID_LEN);
		cfg->fido2_naaguids = naaguids;
		break;
	case K_FIDO2_CA:
		memcpy(cfg->fido2_ca, value, len + 1);
		break;
	case K_FIDO2_ATTESTATION:
		cfg->fido2_attestation = ev_value;
		break;
	case K_FIDO2_COUNTER:
		cfg->fido2_counter = ev_value;
		break;
	case K_COUNT:
		return perr(p, "internal error");
	}
	return MFA_OK;
}

static int
parse_assignment(struct parser *p, char *l)
{
	const struct mfa_section *sec = &p->cfg->sections[p->cur];
	const struct key *k;
	unsigned *seen;
	char *eq, *key, *value, *end;
	char q[QUOTE_MAX + 8];

	if ((eq = strchr(l, '=')) == NULL)
		return perr(p, "malformed line (expected 'key = value', a "
		    "[section] or a comment)");
	key = l;
	for (end = eq; end > key && is_blank(end[-1]); end--)
		continue;
	*end = '\0';
	for (value = eq + 1; is_blank(*value); value++)
		continue;
	if (*key == '\0')
		return perr(p, "malformed line (no key before '=')");
	quote(q, sizeof(q), key, strlen(key));
	if ((k = key_find(key)) == NULL)
		return perr(p, "unknown key '%s'", q);
	if (sec->kind != SECTION_GLOBAL && (k->scope & SCOPE_SECTION) == 0)
		return perr(p, "key '%s' is allowed only in the global "
		    "section, not in [%s %s]", k->name,
		    section_kinds[sec->kind], sec->name);
	seen = sec->kind == SECTION_GLOBAL ? p->global_seen : p->section_seen;
	if (seen[k->id] != 0)
		return perr(p, "duplicate key '%s' (first set on line %u)",
		    k->name, seen[k->id]);
	if (*value == '\0')
		return perr(p, "missing value for '%s'", k->name);
	seen[k->id] = p->line;
	return set_value(p, k, value);
}

static int
section_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > MFA_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '[' || c == ']')
			return 0;
	}
	return 1;
}

static int
parse_header(struct parser *p, char *l, size_t len)
{
	struct mfa_config *cfg = p->cfg;
	struct mfa_section *sec, *nsec;
	char q[QUOTE_MAX + 8];
	char *word, *name, *end;
	size_t i, wlen, nlen;
	int kind = -1;

	quote(q, sizeof(q), l, len);
	if (len < 2 || l[len - 1] != ']')
		return perr(p, "bad section header '%s' (no closing ']')", q);
	l[len - 1] = '\0';
	for (word = l + 1; is_blank(*word); word++)
		continue;
	for (end = l + len - 1; end > word && is_blank(end[-1]); end--)
		continue;
	*end = '\0';
	wlen = strcspn(word, " \t");
	for (name = word + wlen; is_blank(*name); name++)
		continue;
	nlen = strlen(name);
	for (i = 0; i < sizeof(section_kinds) / sizeof(section_kinds[0]); i++)
		if (strlen(section_kinds[i]) == wlen &&
		    strncmp(section_kinds[i], word, wlen) == 0)
			kind = (int)i;
	if (kind < 0)
		return perr(p, "bad section header '%s' (expected [global], "
		    "[user NAME], [group NAME] or [service NAME])", q);

	if (kind == SECTION_GLOBAL) {
		if (nlen != 0)
			return perr(p, "bad section header '%s' ([global] "
			    "takes no name)", q);
		if (p->global_header)
			return perr(p, "duplicate section [global] (first on "
			    "line %u)", cfg->sections[0].line);
		p->global_header = 1;
		cfg->sections[0].line = p->line;
		p->cur = 0;
		return MFA_OK;
	}

	if (!section_name_ok(name, nlen))
		return perr(p, "bad section header '%s' (NAME must be 1 to %d "
		    "printable characters without blanks or brackets)", q,
		    MFA_NAME_MAX);
	/*
	 * libpam lower-cases the service name (pam_start), so a section
	 * with a capital letter would apply to no service, silently.
	 */
	if (kind == SECTION_SERVICE)
		for (i = 0; i < nlen; i++)
			if (name[i] >= 'A' && name[i] <= 'Z')
				return perr(p, "bad section header '%s' "
				    "(libpam lower-cases service names: write "
				    "[service %.*s] in lower case)", q,
				    (int)nlen, name);
	for (i = 1; i < cfg->nsections; i++) {
		sec = &cfg->sections[i];
		if (sec->kind == kind && strcmp(sec->name, name) == 0)
			return perr(p, "duplicate section [%s %s] (first on "
			    "line %u)", section_kinds[kind], name, sec->line);
	}
	if (cfg->nsections >= CONFIG_SECTIONS_MAX)
		return perr(p, "too many sections (at most %d)",
		    CONFIG_SECTIONS_MAX);
	nsec = reallocarray(cfg->sections, cfg->nsections + 1,
	    sizeof(*cfg->sections));
	if (nsec == NULL)
		return MFA_ERR_NOMEM;
	cfg->sections = nsec;
	sec = &cfg->sections[cfg->nsections];
	memset(sec, 0, sizeof(*sec));
	sec->kind = kind;
	memcpy(sec->name, name, nlen + 1);
	sec->line = p->line;
	sec->password_mode = -1;
	sec->unenrolled = -1;
	sec->allow_empty_password = -1;
	sec->allow_recovery = -1;
	p->cur = cfg->nsections++;
	memset(p->section_seen, 0, sizeof(p->section_seen));
	return MFA_OK;
}

static int
parse_line(struct parser *p, const char *s, size_t len)
{
	char l[CONFIG_LINE_MAX + 1];
	char *start;
	size_t n = len;

	if (memchr(s, '\0', len) != NULL)
		return perr(p, "NUL byte in line");
	if (len > CONFIG_LINE_MAX)
		return perr(p, "line too long (more than %d bytes)",
		    CONFIG_LINE_MAX);
	memcpy(l, s, len);
	l[len] = '\0';
	for (start = l; is_blank(*start); start++)
		n--;
	while (n > 0 && is_blank(start[n - 1]))
		start[--n] = '\0';
	if (n == 0 || *start == '#' || *start == ';')
		return MFA_OK;
	if (*start == '[')
		return parse_header(p, start, n);
	return parse_assignment(p, start);
}

/* Deep copy of src (or the defaults when src has no sections). */
static int
config_copy(struct mfa_config *dst, const struct mfa_config *src)
{
	if (src->nsections == 0 || src->sections == NULL ||
	    src->sections[0].kind != SECTION_GLOBAL)
		return config_defaults(dst);
	*dst = *src;
	dst->sections = calloc(src->nsections, sizeof(*src->sections));
	if (dst->sections == NULL)
		return MFA_ERR_NOMEM;
	memcpy(dst->sections, src->sections,
	    src->nsections * sizeof(*src->sections));
	return MFA_OK;
}

int
config_defaults(struct mfa_config *cfg)
{
	struct mfa_config c;
	struct mfa_section *g;
	int n, r = MFA_ERR_NOMEM;

	if (cfg == NULL)
		return MFA_ERR_INVAL;
	memset(&c, 0, sizeof(c));
	n = snprintf(c.store, sizeof(c.store), "%s", MFA_STORE_DIR);
	if (n < 0 || (size_t)n >= sizeof(c.store)) {
		r = MFA_ERR_CONFIG;
		goto out;
	}
	c.totp_window = 1;
	c.totp_digits = 6;
	c.totp_algorithm = MFA_TOTP_SHA1;
	memcpy(c.totp_issuer, "pam_mfa", sizeof("pam_mfa"));
	c.lockout_attempts = 5;
	c.lockout_time = 900;
	c.fail_delay = 2000;
	c.fido2_rp_id[0] = '\0';	/* pam://HOST, resolved when used */
	c.fido2_uv = MFA_UV_REQUIRED;
	c.fido2_timeout = 30;
	c.fido2_algs[0] = MFA_COSE_ES256;
	c.fido2_algs[1] = MFA_COSE_EDDSA;
	c.fido2_algs[2] = MFA_COSE_RS256;
	c.fido2_nalgs = 3;
	c.fido2_naaguids = 0;
	c.fido2_ca[0] = '\0';
	c.fido2_attestation = MFA_ATTEST_VERIFIED;
	c.fido2_counter = MFA_COUNTER_STRICT;
	if ((c.sections = calloc(1, sizeof(*c.sections))) == NULL)
		goto out;
	c.nsections = 1;
	g = &c.sections[0];
	g->kind = SECTION_GLOBAL;
	if ((r = expr_parse(&g->require, DEFAULT_REQUIRE, NULL, 0)) != MFA_OK)
		goto out;
	g->password_mode = MFA_PASSWORD_BUILTIN;
	g->unenrolled = MFA_UNENROLLED_DENY;
	g->allow_empty_password = 0;
	g->allow_recovery = 1;
	*cfg = c;
	c.sections = NULL;
	r = MFA_OK;
 out:
	free(c.sections);
	return r;
}

int
config_parse(struct mfa_config *cfg, const char *buf, size_t len,
    char *err, size_t errlen)
{
	struct mfa_config tmp;
	struct parser p;
	const char *s, *nl;
	size_t pos = 0, n;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	memset(&p, 0, sizeof(p));
	p.err = err;
	p.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (cfg == NULL || (buf == NULL && len > 0)) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if (len > MFA_CONFIG_MAX) {
		r = perr(&p, "file too large (more than %d bytes)",
		    MFA_CONFIG_MAX);
		goto out;
	}
	if ((r = config_copy(&tmp, cfg)) != MFA_OK)
		goto out;
	p.cfg = &tmp;
	p.cur = 0;
	while (pos < len) {
		p.line++;
		s = buf + pos;
		nl = memchr(s, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - s) : len - pos;
		if ((r = parse_line(&p, s, n)) != MFA_OK)
			goto out;
		pos += n + 1;
	}
	free(cfg->sections);
	*cfg = tmp;
	tmp.sections = NULL;
	r = MFA_OK;
 out:
	free(tmp.sections);
	if (r == MFA_ERR_NOMEM && err != NULL && errlen > 0)
		(void)snprintf(err, errlen, "%u: out of memory", p.line);
	return r;
}

void
config_release(struct mfa_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->sections);
	cfg->sections = NULL;
	cfg->nsections = 0;
}

static int
file_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
file_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return MFA_ERR_CONFIG;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return MFA_ERR_CONFIG;
}

int
config_load_file(struct mfa_config *cfg, const char *path, char *err,
    size_t errlen)
{
	struct stat st;
	char ebuf[128];
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd = -1, r;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (cfg == NULL || path == NULL) {
		r = file_err(err, errlen, "0: invalid argument");
		goto out;
	}
	/* O_NONBLOCK: a FIFO must be refused by the fstat check below, not
	 * hang every login in open(). */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			r = file_err(err, errlen,
			    "0: unsafe file (symbolic link)");
		else
			r = file_err(err, errlen, "0: cannot open: %s",
			    strerror_r(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = file_err(err, errlen, "0: cannot stat: %s",
		    strerror_r(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = file_err(err, errlen, "0: unsafe file (not a regular "
		    "file)");
		goto out;
	}
	if (st.st_uid != 0) {
		r = file_err(err, errlen, "0: unsafe file (not owned by "
		    "root)");
		goto out;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		r = file_err(err, errlen, "0: unsafe file (writable by group "
		    "or other)");
		goto out;
	}
	if (st.st_size > MFA_CONFIG_MAX) {
		r = file_err(err, errlen, "0: file too large (more than %d "
		    "bytes)", MFA_CONFIG_MAX);
		goto out;
	}
	/* One byte more than the cap, to notice a file that grew. */
	if ((buf = malloc(MFA_CONFIG_MAX + 1)) == NULL) {
		r = file_err(err, errlen, "0: out of memory");
		goto out;
	}
	for (;;) {
		n = read(fd, buf + len, MFA_CONFIG_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = file_err(err, errlen, "0: cannot read: %s",
			    strerror_r(errno, ebuf, sizeof(ebuf)));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > MFA_CONFIG_MAX) {
			r = file_err(err, errlen, "0: file too large (more "
			    "than %d bytes)", MFA_CONFIG_MAX);
			goto out;
		}
	}
	r = config_parse(cfg, buf, len, err, errlen);
	if (r != MFA_OK)
		r = MFA_ERR_CONFIG;
 out:
	if (fd >= 0)
		(void)close(fd);
	free(buf);
	return r;
}
