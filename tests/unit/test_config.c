/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of lib/config.c: defaults, every key, every error. */
#include "config.h"

#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define DEFAULT_REQUIRE	"password AND (totp OR fido2)"

static void
assert_defaults(const struct mfa_config *c)
{
	const struct mfa_section *g;

	assert_string_equal(c->store, MFA_STORE_DIR);
	assert_int_equal(c->totp_window, 1);
	assert_int_equal(c->totp_digits, 6);
	assert_int_equal(c->totp_algorithm, MFA_TOTP_SHA1);
	assert_string_equal(c->totp_issuer, "pam_mfa");
	assert_int_equal(c->lockout_attempts, 5);
	assert_int_equal(c->lockout_time, 900);
	assert_int_equal(c->fail_delay, 2000);
	assert_string_equal(c->fido2_rp_id, "");
	assert_int_equal(c->fido2_uv, MFA_UV_REQUIRED);
	assert_int_equal(c->fido2_timeout, 30);
	assert_int_equal(c->fido2_nalgs, 3);
	assert_int_equal(c->fido2_algs[0], MFA_COSE_ES256);
	assert_int_equal(c->fido2_algs[1], MFA_COSE_EDDSA);
	assert_int_equal(c->fido2_algs[2], MFA_COSE_RS256);
	assert_int_equal(c->fido2_naaguids, 0);
	assert_string_equal(c->fido2_ca, "");
	assert_int_equal(c->fido2_attestation, MFA_ATTEST_VERIFIED);
	assert_int_equal(c->fido2_counter, MFA_COUNTER_STRICT);
	assert_int_equal(c->nsections, 1);
	assert_non_null(c->sections);
	g = &c->sections[0];
	assert_int_equal(g->kind, SECTION_GLOBAL);
	assert_true(g->require.n > 0);
	assert_string_equal(g->require.text, DEFAULT_REQUIRE);
	assert_int_equal(g->password_mode, MFA_PASSWORD_BUILTIN);
	assert_int_equal(g->unenrolled, MFA_UNENROLLED_DENY);
	assert_int_equal(g->allow_empty_password, 0);
	assert_int_equal(g->allow_recovery, 1);
}

/* Defaults + parse of text, which must succeed. */
static void
parse_ok(struct mfa_config *c, const char *text)
{
	char err[256] = "";
	int r;

	assert_int_equal(config_defaults(c), MFA_OK);
	r = config_parse(c, text, strlen(text), err, sizeof(err));
	if (r != MFA_OK)
		fail_msg("parse of \"%s\" failed: %s", text, err);
}

/*
 * Defaults + parse of buf[0..len), which must fail with an error
 * starting with "LINE: " and containing want; cfg stays the defaults.
 */
static void
parse_err_len(const char *buf, size_t len, unsigned line, const char *want)
{
	struct mfa_config c;
	char err[256] = "", prefix[32];

	assert_int_equal(config_defaults(&c), MFA_OK);
	assert_int_equal(config_parse(&c, buf, len, err, sizeof(err)),
	    MFA_ERR_CONFIG);
	snprintf(prefix, sizeof(prefix), "%u: ", line);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err,
		    prefix);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	assert_defaults(&c);
	config_release(&c);
}

static void
parse_err(const char *text, unsigned line, const char *want)
{
	parse_err_len(text, strlen(text), line, want);
}

static void
test_defaults(void **state)
{
	struct mfa_config c;

	(void)state;
	assert_int_equal(config_defaults(&c), MFA_OK);
	assert_defaults(&c);
	config_release(&c);
	assert_null(c.sections);
	assert_int_equal(c.nsections, 0);
	config_release(&c);		/* twice is fine */
	config_release(NULL);
	assert_int_equal(config_defaults(NULL), MFA_ERR_INVAL);
}

static void
test_empty_and_comments(void **state)
{
	struct mfa_config c;

	(void)state;
	parse_ok(&c, "");
	assert_defaults(&c);
	config_release(&c);
	parse_ok(&c, "\n\n# comment\n   ; another\n\t# indented\n \t \n");
	assert_defaults(&c);
	config_release(&c);
	/* A comment line may say anything, even name unknown keys. */
	parse_ok(&c, "# bogus = 1\n;[user x y z]\n");
	assert_defaults(&c);
	config_release(&c);
}

static void
test_every_key_valid(void **state)
{
	struct mfa_config c;
	const struct mfa_section *g;

	(void)state;
	parse_ok(&c,
	    "store = /srv/mfa store\n"
	    "totp_window = 3\n"
	    "totp_digits = 8\n"
	    "totp_algorithm = sha256\n"
	    "totp_issuer = Example Union 2025\n"
	    "lockout_attempts = 0\n"
	    "lockout_time = 60\n"
	    "fail_delay = 0\n"
	    "require = totp OR fido2\n"
	    "password = stacked\n"
	    "unenrolled = allow\n"
	    "allow_empty_password = yes\n"
	    "recovery = no\n");
	assert_string_equal(c.store, "/srv/mfa store");
	assert_int_equal(c.totp_window, 3);
	assert_int_equal(c.totp_digits, 8);
	assert_int_equal(c.totp_algorithm, MFA_TOTP_SHA256);
	assert_string_equal(c.totp_issuer, "Example Union 2025");
	assert_int_equal(c.lockout_attempts, 0);
	assert_int_equal(c.lockout_time, 60);
	assert_int_equal(c.fail_delay, 0);
	assert_int_equal(c.nsections, 1);
	g = &c.sections[0];
	assert_string_equal(g->require.text, "totp OR fido2");
	assert_int_equal(g->password_mode, MFA_PASSWORD_STACKED);
	assert_int_equal(g->unenrolled, MFA_UNENROLLED_ALLOW);
	assert_int_equal(g->allow_empty_password, 1);
	assert_int_equal(g->allow_recovery, 0);
	config_release(&c);
}

struct bound {
	const char	*line;
	size_t		 off;	/* offsetof the unsigned field */
	unsigned	 want;
};

static void
test_bounds_valid(void **state)
{
	static const struct bound b[] = {
		{ "totp_window = 0", offsetof(struct mfa_config,
		    totp_window), 0 },
		{ "totp_window = 10", offsetof(struct mfa_config,
		    totp_window), 10 },
		{ "totp_digits = 6", offsetof(struct mfa_config,
		    totp_digits), 6 },
		{ "totp_digits = 7", offsetof(struct mfa_config,
		    totp_digits), 7 },
		{ "lockout_attempts = 1000", offsetof(struct mfa_config,
		    lockout_attempts), 1000 },
		{ "lockout_time = 1", offsetof(struct mfa_config,
		    lockout_time), 1 },
		{ "lockout_time = 2592000", offsetof(struct mfa_config,
		    lockout_time), 2592000 },
		{ "fail_delay = 60000", offsetof(struct mfa_config,
		    fail_delay), 60000 },
	};
	struct mfa_config c;
	size_t i;
	unsigned v;

	(void)state;
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		parse_ok(&c, b[i].line);
		memcpy(&v, (const char *)&c + b[i].off, sizeof(v));
		if (v != b[i].want)
			fail_msg("%s: got %u", b[i].line, v);
		config_release(&c);
	}
	parse_ok(&c, "totp_algorithm = SHA512");	/* enum: any case */
	assert_int_equal(c.totp_algorithm, MFA_TOTP_SHA512);
	config_release(&c);
	parse_ok(&c, "totp_algorithm = sha1\nallow_empty_password = No");
	assert_int_equal(c.totp_algorithm, MFA_TOTP_SHA1);
	assert_int_equal(c.sections[0].allow_empty_password, 0);
	config_release(&c);
	/* 64 bytes of issuer is the maximum; UTF-8 passes. */
	parse_ok(&c, "totp_issuer = "
	    "0123456789012345678901234567890123456789012345678901234567890123");
	assert_int_equal(strlen(c.totp_issuer), MFA_ISSUER_MAX);
	config_release(&c);
	parse_ok(&c, "totp_issuer = \xe5\x9b\xbd\xe4\xbf\x9d");
	assert_string_equal(c.totp_issuer, "\xe5\x9b\xbd\xe4\xbf\x9d");
	config_release(&c);
}

static void
test_bad_values(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} t[] = {
		{ "totp_window = 11", "bad value '11' for 'totp_window'" },
		{ "totp_window = -1", "bad value '-1' for 'totp_window'" },
		{ "totp_window = abc", "bad value 'abc'" },
		{ "totp_window = +1", "bad value '+1'" },
		{ "totp_window = 0x1", "bad value '0x1'" },
		{ "totp_window = 1 # one", "bad value '1 # one'" },
		{ "totp_window = 99999999999999999999", "bad value" },
		/* Integers are strict: no sign, no leading zero. */
		{ "totp_window = 01", "bad value '01' for 'totp_window' "
		    "(expected an integer from 0 to 10)" },
		{ "totp_window = -0", "bad value '-0' for 'totp_window'" },
		{ "totp_window = 00", "bad value '00'" },
		{ "totp_digits = 08", "bad value '08' for 'totp_digits'" },
		{ "lockout_time = 0900", "bad value '0900'" },
		{ "fail_delay = -0", "bad value '-0' for 'fail_delay'" },
		{ "fido2_timeout = 030", "bad value '030'" },
		{ "totp_digits = 5", "from 6 to 8" },
		{ "totp_digits = 9", "'totp_digits'" },
		{ "totp_algorithm = md5", "one of: sha1, sha256, sha512" },
		{ "totp_algorithm = sha1 ", NULL },	/* trailing blank ok */
		{ "totp_issuer = a:b", "without ':'" },
		{ "totp_issuer = "
		    "01234567890123456789012345678901234567890123456789"
		    "012345678901234", "'totp_issuer'" },
		{ "totp_issuer = a\x01z", "bad value 'a?z'" },
		{ "lockout_attempts = 1001", "'lockout_attempts'" },
		{ "lockout_time = 0", "'lockout_time'" },
		{ "lockout_time = 2592001", "'lockout_time'" },
		{ "fail_delay = 60001", "'fail_delay'" },
		{ "store = var/lib/pam_mfa", "absolute path" },
		{ "store = /a\x7f", "absolute path" },
		{ "require = password AND", "bad value for 'require'" },
		{ "require = password OR sms", "unknown factor 'sms'" },
		{ "password = both", "one of: builtin, stacked" },
		{ "unenrolled = maybe", "one of: deny, allow" },
		{ "allow_empty_password = 1", "one of: yes, no" },
		{ "recovery = 1", "bad value '1' for 'recovery' (expected "
		    "one of: yes, no)" },
		{ "recovery = true", "one of: yes, no" },
		{ "recovery = yes please", "one of: yes, no" },
		{ "recovery =", "missing value for 'recovery'" },
		{ "recovery_codes = yes", "unknown key 'recovery_codes'" },
		{ "totp_window =", "missing value for 'totp_window'" },
		{ "require = \t ", "missing value for 'require'" },
	};
	struct mfa_config c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].want == NULL) {
			parse_ok(&c, t[i].text);
			config_release(&c);
			continue;
		}
		parse_err(t[i].text, 1, t[i].want);
	}
}

static void
test_fido2_keys(void **state)
{
	static const unsigned char y5[16] = {
		0xcb, 0x69, 0x48, 0x1e, 0x8f, 0xf7, 0x40, 0x39,
		0x93, 0xec, 0x0a, 0x27, 0x29, 0xa1, 0x54, 0xa8
	};
	struct mfa_config c;
	char line[1200];
	size_t i, n;

	(void)state;
	parse_ok(&c,
	    "fido2_rp_id = pam://fleet.example.org\n"
	    "fido2_uv = Preferred\n"
	    "fido2_timeout = 300\n"
	    "fido2_algorithms = EdDSA,rs256 ,  es256\n"
	    "fido2_aaguids = cb69481e-8ff7-4039-93ec-0a2729a154a8, "
	    "766669646F2D746573742D6B65792D31\n"
	    "fido2_ca = /etc/security/pam_mfa-ca.pem\n"
	    "fido2_attestation = any\n"
	    "fido2_counter = require\n");
	assert_string_equal(c.fido2_rp_id, "pam://fleet.example.org");
	assert_int_equal(c.fido2_uv, MFA_UV_PREFERRED);
	assert_int_equal(c.fido2_timeout, 300);
	assert_int_equal(c.fido2_nalgs, 3);
	assert_int_equal(c.fido2_algs[0], MFA_COSE_EDDSA);
	assert_int_equal(c.fido2_algs[1], MFA_COSE_RS256);
	assert_int_equal(c.fido2_algs[2], MFA_COSE_ES256);
	assert_int_equal(c.fido2_naaguids, 2);
	assert_memory_equal(c.fido2_aaguids[0], y5, 16);
	assert_memory_equal(c.fido2_aaguids[1], "vfido-test-key-1", 16);
	assert_string_equal(c.fido2_ca, "/etc/security/pam_mfa-ca.pem");
	assert_int_equal(c.fido2_attestation, MFA_ATTEST_ANY);
	assert_int_equal(c.fido2_counter, MFA_COUNTER_REQUIRE);
	config_release(&c);

	parse_ok(&c, "fido2_uv = discouraged\nfido2_timeout = 1\n"
	    "fido2_algorithms = es256\nfido2_rp_id = x\n");
	assert_int_equal(c.fido2_uv, MFA_UV_DISCOURAGED);
	assert_int_equal(c.fido2_timeout, 1);
	assert_int_equal(c.fido2_nalgs, 1);
	assert_int_equal(c.fido2_algs[0], MFA_COSE_ES256);
	assert_string_equal(c.fido2_rp_id, "x");
	config_release(&c);

	/* The most AAGUIDs a list may hold, then one more. */
	n = (size_t)snprintf(line, sizeof(line), "fido2_aaguids = ");
	for (i = 0; i < MFA_FIDO2_AAGUIDS_MAX; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s"
		    "00000000-0000-0000-0000-0000000000%02zx", i == 0 ? "" :
		    ", ", i);
	assert_true(n < 1024);
	parse_ok(&c, line);
	assert_int_equal(c.fido2_naaguids, MFA_FIDO2_AAGUIDS_MAX);
	assert_int_equal(c.fido2_aaguids[23][15], 0x17);
	config_release(&c);
	(void)snprintf(line + n, sizeof(line) - n, ",%032x", 7);
	parse_err(line, 1, "list of 1 to 24 AAGUIDs");

	/* 255 bytes of RP ID are the most. */
	memset(line, 'r', sizeof(line));
	memcpy(line, "fido2_rp_id = ", 14);
	line[14 + MFA_RP_ID_MAX] = '\0';
	parse_ok(&c, line);
	assert_int_equal(strlen(c.fido2_rp_id), MFA_RP_ID_MAX);
	config_release(&c);
	line[14 + MFA_RP_ID_MAX] = 'r';
	line[14 + MFA_RP_ID_MAX + 1] = '\0';
	parse_err(line, 1, "'fido2_rp_id'");
}

static void
test_fido2_bad_values(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} t[] = {
		{ "fido2_uv = always", "one of: required, preferred, "
		    "discouraged" },
		{ "fido2_uv = yes", "'fido2_uv'" },
		{ "fido2_timeout = 0", "from 1 to 300" },
		{ "fido2_timeout = 301", "'fido2_timeout'" },
		{ "fido2_timeout = 30s", "bad value '30s'" },
		{ "fido2_algorithms = es384", "unknown algorithm 'es384'" },
		{ "fido2_algorithms = es256,", "comma-separated list of "
		    "es256, eddsa, rs256" },
		{ "fido2_algorithms = ,es256", "comma-separated list" },
		{ "fido2_algorithms = es256,,eddsa", "comma-separated list" },
		{ "fido2_algorithms = es256 eddsa", "unknown algorithm "
		    "'es256 eddsa'" },
		{ "fido2_algorithms = es256, ES256", "algorithm 'ES256' "
		    "listed twice" },
		{ "fido2_algorithms = es256,eddsa,rs256,es256",
		    "comma-separated list" },
		{ "fido2_aaguids = 766669646f2d746573742d6b65792d3",
		    "bad AAGUID '766669646f2d746573742d6b65792d3'" },
		{ "fido2_aaguids = 766669646f2d746573742d6b65792d3g",
		    "bad AAGUID" },
		{ "fido2_aaguids = 766669646f2d746573742d6b65792d3100",
		    "bad AAGUID" },
		{ "fido2_aaguids = cb69481e8-ff7-4039-93ec-0a2729a154a8",
		    "bad AAGUID" },
		{ "fido2_aaguids = cb69481e-8ff7-4039-93ec-0a2729a154a8-",
		    "bad AAGUID" },
		{ "fido2_aaguids = any", "bad AAGUID 'any'" },
		{ "fido2_aaguids = 766669646f2d746573742d6b65792d31,"
		    "766669646F2D746573742D6B65792D31", "listed twice" },
		{ "fido2_aaguids = 766669646f2d746573742d6b65792d31,",
		    "comma-separated list" },
		{ "fido2_rp_id = pam://my host", "'fido2_rp_id' (expected 1 "
		    "to 255 printable ASCII characters without blanks)" },
		{ "fido2_rp_id = pam://h\xc3\xa9", "'fido2_rp_id'" },
		{ "fido2_ca = ca.pem", "absolute path" },
		{ "fido2_attestation = self", "one of: verified, any" },
		{ "fido2_counter = off", "one of: strict, require" },
		{ "fido2_counter = ignore", "one of: strict, require" },
		{ "fido2_ca =", "missing value for 'fido2_ca'" },
		{ "fido2_aaguids =", "missing value for 'fido2_aaguids'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		parse_err(t[i].text, 1, t[i].want);
	parse_err("fido2_uv = required\nfido2_uv = preferred\n", 2,
	    "duplicate key 'fido2_uv'");
}

static void
test_unknown_key(void **state)
{
	(void)state;
	parse_err("# pam_mfa.conf\n"
	    "\n"
	    "totp_window = 1\n"
	    "; comment\n"
	    "[user alice]\n"
	    "require = totp\n"
	    "lockout_attemps = 3\n", 7, "unknown key 'lockout_attemps'");
	parse_err("Require = totp\n", 1, "unknown key 'Require'");
	parse_err("lockout attempts = 3\n", 1,
	    "unknown key 'lockout attempts'");
	/* An overlong key is quoted in part only. */
	parse_err("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxx = 1",
	    1, "unknown key 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
}

static void
test_wrong_scope(void **state)
{
	static const char *const global_only[] = {
		"store = /x", "totp_window = 1", "totp_digits = 6",
		"totp_algorithm = sha1", "totp_issuer = x",
		"lockout_attempts = 5", "lockout_time = 900",
		"fail_delay = 0", "fido2_rp_id = pam://x",
		"fido2_uv = required", "fido2_timeout = 30",
		"fido2_algorithms = es256", "fido2_aaguids = "
		"766669646f2d746573742d6b65792d31", "fido2_ca = /x.pem",
		"fido2_attestation = any", "fido2_counter = require",
	};
	static const char *const headers[] = {
		"[user alice]", "[group staff]", "[service sshd]",
	};
	char buf[128];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(global_only) / sizeof(global_only[0]); i++)
		for (j = 0; j < sizeof(headers) / sizeof(headers[0]); j++) {
			snprintf(buf, sizeof(buf), "%s\n\n%s\n", headers[j],
			    global_only[i]);
			parse_err(buf, 3, "allowed only in the global section");
		}
	parse_err("[service sshd]\nstore = /x\n", 2, "not in [service sshd]");
	/* After [global] they are fine again. */
	{
		struct mfa_config c;

		parse_ok(&c, "[user a]\nrequire = totp\n[global]\n"
		    "totp_window = 2\n");
		assert_int_equal(c.totp_window, 2);
		config_release(&c);
	}
}

static void
test_duplicate_key(void **state)
{
	struct mfa_config c;

	(void)state;
	parse_err("totp_window = 1\ntotp_window = 2\n", 2,
	    "duplicate key 'totp_window' (first set on line 1)");
	parse_err("require = totp\n[global]\nrequire = fido2\n", 3,
	    "duplicate key 'require' (first set on line 1)");
	parse_err("[user a]\npassword = builtin\n#\npassword = stacked\n", 4,
	    "duplicate key 'password' (first set on line 2)");
	parse_err("[user a]\nunenrolled = allow\n[user b]\n[global]\n"
	    "unenrolled = deny\nunenrolled = deny\n", 6,
	    "duplicate key 'unenrolled' (first set on line 5)");
	parse_err("recovery = yes\n[global]\nrecovery = no\n", 3,
	    "duplicate key 'recovery' (first set on line 1)");
	parse_err("[group a]\nrecovery = yes\nrecovery = yes\n", 3,
	    "duplicate key 'recovery' (first set on line 2)");
	/* Same key in different sections is fine. */
	parse_ok(&c, "unenrolled = deny\n[user a]\nunenrolled = allow\n"
	    "[user b]\nunenrolled = allow\n[group a]\nunenrolled = deny\n");
	assert_int_equal(c.nsections, 4);
	config_release(&c);
}

static void
test_sections(void **state)
{
	struct mfa_config c;
	const struct mfa_section *s;

	(void)state;
	parse_ok(&c,
	    "require = password AND totp\n"		/* 1 */
	    "[user alice]\n"				/* 2 */
	    "require = fido2\n"				/* 3 */
	    "[ group  wheel ]\n"			/* 4 */
	    "password = stacked\n"			/* 5 */
	    "allow_empty_password = yes\n"		/* 6 */
	    "[service gdm-password]\n"			/* 7 */
	    "unenrolled = allow\n"			/* 8 */
	    "[user Alice]\n"				/* 9 */
	    "[global]\n"				/* 10 */
	    "password = builtin\n"			/* 11 */
	    "[service sshd]\n"				/* 12 */
	    "recovery = NO\n");				/* 13 */
	assert_int_equal(c.nsections, 6);
	s = &c.sections[0];
	assert_int_equal(s->allow_recovery, 1);
	assert_int_equal(s->kind, SECTION_GLOBAL);
	assert_int_equal(s->line, 10);
	assert_string_equal(s->require.text, "password AND totp");
	assert_int_equal(s->password_mode, MFA_PASSWORD_BUILTIN);
	s = &c.sections[1];
	assert_int_equal(s->kind, SECTION_USER);
	assert_string_equal(s->name, "alice");
	assert_int_equal(s->line, 2);
	assert_string_equal(s->require.text, "fido2");
	assert_int_equal(s->password_mode, -1);
	assert_int_equal(s->unenrolled, -1);
	assert_int_equal(s->allow_empty_password, -1);
	assert_int_equal(s->allow_recovery, -1);
	s = &c.sections[2];
	assert_int_equal(s->kind, SECTION_GROUP);
	assert_string_equal(s->name, "wheel");
	assert_int_equal(s->line, 4);
	assert_int_equal(s->require.n, 0);
	assert_int_equal(s->password_mode, MFA_PASSWORD_STACKED);
	assert_int_equal(s->allow_empty_password, 1);
	s = &c.sections[3];
	assert_int_equal(s->kind, SECTION_SERVICE);
	assert_string_equal(s->name, "gdm-password");
	assert_int_equal(s->unenrolled, MFA_UNENROLLED_ALLOW);
	s = &c.sections[4];
	assert_int_equal(s->kind, SECTION_USER);
	assert_string_equal(s->name, "Alice");
	assert_int_equal(s->require.n, 0);
	assert_int_equal(s->allow_recovery, -1);
	s = &c.sections[5];
	assert_int_equal(s->kind, SECTION_SERVICE);
	assert_int_equal(s->allow_recovery, 0);
	config_release(&c);

	/* 64-byte names are the maximum. */
	parse_ok(&c, "[group "
	    "g123456789012345678901234567890123456789012345678901234567890123]"
	    "\n");
	assert_int_equal(strlen(c.sections[1].name), MFA_NAME_MAX);
	config_release(&c);
}

static void
test_duplicate_section(void **state)
{
	struct mfa_config c;

	(void)state;
	parse_err("[user alice]\n\n[user alice]\n", 3,
	    "duplicate section [user alice] (first on line 1)");
	parse_err("[global]\n[user a]\n[global]\n", 3,
	    "duplicate section [global] (first on line 1)");
	parse_err("[service sshd]\n[group x]\n[ service sshd ]\n", 3,
	    "duplicate section [service sshd]");
	/* Same name, different kinds: distinct sections. */
	parse_ok(&c, "[user x]\n[group x]\n[service x]\n");
	assert_int_equal(c.nsections, 4);
	config_release(&c);
	/*
	 * libpam lower-cases service names: a capital letter is an error,
	 * in a service section only (user and group names keep theirs).
	 */
	parse_err("[service SSHD]\n", 1, "libpam lower-cases service names");
	parse_err("[service gdm-Password]\n", 1, "write [service "
	    "gdm-Password] in lower case");
	parse_ok(&c, "[user Alice]\n[group Staff]\n[service sudo-i]\n");
	assert_int_equal(c.nsections, 4);
	config_release(&c);
}

static void
test_bad_header(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} t[] = {
		{ "[user]", "NAME must be" },
		{ "[user a b]", "NAME must be" },
		{ "[user a]b]", "NAME must be" },
		{ "[user a[b]", "NAME must be" },
		{ "[user \x01]", "NAME must be" },
		{ "[user g12345678901234567890123456789012345678901234567890"
		    "12345678901234]", "NAME must be 1 to 64" },
		{ "[foo bar]", "expected [global], [user NAME]" },
		{ "[User alice]", "expected [global]" },
		{ "[]", "bad section header '[]'" },
		{ "[global x]", "[global] takes no name" },
		{ "[user alice", "no closing ']'" },
		{ "[", "no closing ']'" },
		{ "[user alice] # admin", "no closing ']'" },
		{ "user alice]", "malformed line" },
		{ "hello", "malformed line" },
		{ "= 3", "no key before '='" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		parse_err(t[i].text, 1, t[i].want);
}

static void
test_long_lines(void **state)
{
	struct mfa_config c;
	char buf[1100], err[256];

	(void)state;
	/* 1024 bytes, then '\n': fine. */
	memset(buf, '#', 1024);
	buf[1024] = '\n';
	assert_int_equal(config_defaults(&c), MFA_OK);
	assert_int_equal(config_parse(&c, buf, 1025, err, sizeof(err)),
	    MFA_OK);
	/* Same without the newline at the end of the file. */
	assert_int_equal(config_parse(&c, buf, 1024, err, sizeof(err)),
	    MFA_OK);
	config_release(&c);
	/* 1025 bytes: too long, even as a comment. */
	memset(buf, '#', 1025);
	buf[1025] = '\n';
	parse_err_len(buf, 1026, 1, "line too long");
	/* On line 3. */
	memcpy(buf, "\n\n", 2);
	memset(buf + 2, '#', 1025);
	buf[1027] = '\n';
	parse_err_len(buf, 1028, 3, "line too long");
}

static void
test_nul_and_size(void **state)
{
	static const char nul[] = "totp_window = 1\n# x\0y\nfail_delay = 0\n";
	char *big;

	(void)state;
	parse_err_len(nul, sizeof(nul) - 1, 2, "NUL byte");
	parse_err_len("totp_window = 1\0", 16, 1, "NUL byte");
	/* MFA_CONFIG_MAX bytes of comments are fine, one more is not. */
	assert_non_null(big = malloc(MFA_CONFIG_MAX + 1));
	memset(big, '\n', MFA_CONFIG_MAX + 1);
	big[0] = '#';
	{
		struct mfa_config c;
		char err[256];

		assert_int_equal(config_defaults(&c), MFA_OK);
		assert_int_equal(config_parse(&c, big, MFA_CONFIG_MAX, err,
		    sizeof(err)), MFA_OK);
		config_release(&c);
	}
	parse_err_len(big, MFA_CONFIG_MAX + 1, 0, "file too large");
	free(big);
}

static void
test_line_endings(void **state)
{
	struct mfa_config c;

	(void)state;
	/* CRLF and a missing final newline are accepted. */
	parse_ok(&c, "totp_window = 2\r\n[user a]\r\nrequire = totp\r\n"
	    "\r\nunenrolled = allow");
	assert_int_equal(c.totp_window, 2);
	assert_int_equal(c.nsections, 2);
	assert_string_equal(c.sections[1].require.text, "totp");
	assert_int_equal(c.sections[1].unenrolled, MFA_UNENROLLED_ALLOW);
	config_release(&c);
	/* Blanks around key, '=' and value. */
	parse_ok(&c, "  \t totp_issuer\t=\t  My Org  \t\n");
	assert_string_equal(c.totp_issuer, "My Org");
	config_release(&c);
	/* Only the first '=' separates. */
	parse_ok(&c, "totp_issuer = a=b\n");
	assert_string_equal(c.totp_issuer, "a=b");
	config_release(&c);
	/* The line number counts every line, CR or not. */
	parse_err("\r\n\r\n\r\nbogus = 1\r\n", 4, "unknown key 'bogus'");
}

static void
test_parse_keeps_cfg_on_error(void **state)
{
	struct mfa_config c;
	char err[256];

	(void)state;
	parse_ok(&c, "totp_window = 4\n[user a]\nrequire = totp\n");
	/* A second parse starts from c and changes nothing on error. */
	assert_int_equal(config_parse(&c, "totp_digits = 7\nbogus = 1\n", 26,
	    err, sizeof(err)), MFA_ERR_CONFIG);
	assert_string_equal(err, "2: unknown key 'bogus'");
	assert_int_equal(c.totp_window, 4);
	assert_int_equal(c.totp_digits, 6);
	assert_int_equal(c.nsections, 2);
	/* A NULL error buffer is allowed. */
	assert_int_equal(config_parse(&c, "x", 1, NULL, 0), MFA_ERR_CONFIG);
	/* A tiny one is never overrun. */
	memset(err, 'Z', sizeof(err));
	assert_int_equal(config_parse(&c, "x", 1, err, 4), MFA_ERR_CONFIG);
	assert_string_equal(err, "1: ");
	assert_int_equal(err[4], 'Z');
	config_release(&c);
}

/* The installed file parses and says exactly the built-in defaults. */
static void
test_installed_file(void **state)
{
	const char *srcdir = getenv("srcdir");
	struct mfa_config c;
	char *path, *text, err[256] = "";
	size_t len;

	(void)state;
	if (srcdir == NULL || *srcdir == '\0')
		srcdir = ".";
	path = tu_path(srcdir, "etc/pam_mfa.conf");
	text = tu_read(path, &len);
	assert_int_equal(config_defaults(&c), MFA_OK);
	if (config_parse(&c, text, len, err, sizeof(err)) != MFA_OK)
		fail_msg("%s:%s", path, err);
	assert_defaults(&c);
	/* And it shows every key. */
	assert_non_null(strstr(text, "\n#store = "));
	assert_non_null(strstr(text, "\ntotp_window = "));
	assert_non_null(strstr(text, "\ntotp_digits = "));
	assert_non_null(strstr(text, "\ntotp_algorithm = "));
	assert_non_null(strstr(text, "\ntotp_issuer = "));
	assert_non_null(strstr(text, "\nlockout_attempts = "));
	assert_non_null(strstr(text, "\nlockout_time = "));
	assert_non_null(strstr(text, "\nfail_delay = "));
	assert_non_null(strstr(text, "\nrequire = "));
	assert_non_null(strstr(text, "\npassword = "));
	assert_non_null(strstr(text, "\nunenrolled = "));
	assert_non_null(strstr(text, "\nallow_empty_password = "));
	assert_non_null(strstr(text, "\nrecovery = "));
	assert_non_null(strstr(text, "\n#fido2_rp_id = "));
	assert_non_null(strstr(text, "\nfido2_uv = "));
	assert_non_null(strstr(text, "\nfido2_timeout = "));
	assert_non_null(strstr(text, "\nfido2_algorithms = "));
	assert_non_null(strstr(text, "\n#fido2_aaguids = "));
	assert_non_null(strstr(text, "\n#fido2_ca = "));
	assert_non_null(strstr(text, "\nfido2_attestation = "));
	assert_non_null(strstr(text, "\nfido2_counter = "));
	config_release(&c);
	free(text);
	free(path);
}

/* ---- files ------------------------------------------------------- */

static void
load_err(const char *path, const char *want)
{
	struct mfa_config c;
	char err[256] = "";

	assert_int_equal(config_defaults(&c), MFA_OK);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
	    MFA_ERR_CONFIG);
	if (strstr(err, want) == NULL)
		fail_msg("%s: error \"%s\" lacks \"%s\"", path, err, want);
	assert_defaults(&c);
	config_release(&c);
}

static void
test_load_file(void **state)
{
	static const char good[] = "totp_window = 0\n[user bob]\n"
	    "require = password\n";
	struct mfa_config c;
	char *dir, *path, *link, *big, err[256] = "";

	(void)state;
	if (geteuid() != 0)
		skip();
	dir = tu_mkstore();
	path = tu_path(dir, "pam_mfa.conf");
	link = tu_path(dir, "link.conf");

	tu_write(path, good, sizeof(good) - 1, 0644);
	assert_int_equal(config_defaults(&c), MFA_OK);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
	    MFA_OK);
	assert_int_equal(c.totp_window, 0);
	assert_int_equal(c.nsections, 2);
	assert_string_equal(c.sections[1].name, "bob");
	config_release(&c);

	/* Read-only for everybody and 0600 are fine too. */
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(config_defaults(&c), MFA_OK);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
	    MFA_OK);
	config_release(&c);

	assert_int_equal(chmod(path, 0664), 0);
	load_err(path, "0: unsafe file (writable by group or other)");
	assert_int_equal(chmod(path, 0646), 0);
	load_err(path, "0: unsafe file (writable by group or other)");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(chown(path, 1, 0), 0);
	load_err(path, "0: unsafe file (not owned by root)");
	assert_int_equal(chown(path, 0, 1), 0);	/* group does not matter */
	assert_int_equal(config_defaults(&c), MFA_OK);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
	    MFA_OK);
	config_release(&c);

	assert_int_equal(symlink(path, link), 0);
	load_err(link, "0: unsafe file (symbolic link)");
	load_err(dir, "0: unsafe file (not a regular file)");
	free(link);
	link = tu_path(dir, "missing.conf");
	load_err(link, "0: cannot open: No such file or directory");

	tu_write(path, "\n\nbogus = 1\n", 12, 0644);
	load_err(path, "3: unknown key 'bogus'");

	assert_non_null(big = malloc(MFA_CONFIG_MAX + 1));
	memset(big, '\n', MFA_CONFIG_MAX + 1);
	tu_write(path, big, MFA_CONFIG_MAX + 1, 0644);
	load_err(path, "0: file too large");
	tu_write(path, big, MFA_CONFIG_MAX, 0644);
	assert_int_equal(config_defaults(&c), MFA_OK);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
	    MFA_OK);
	config_release(&c);
	free(big);

	free(link);
	free(path);
	tu_rmstore(dir);
}

/* Through the public API: the log line names the file and line. */
static void
test_ctx_load_config(void **state)
{
	static const char good[] = "totp_window = 2\nlockout_attempts = 3\n"
	    "lockout_time = 60\nfail_delay = 0\ntotp_digits = 8\n"
	    "totp_algorithm = sha512\ntotp_issuer = Org\nstore = /srv/m\n";
	mfa_ctx_t *ctx;
	mfa_policy_t *pol = NULL;
	char *dir, *path, want[512];

	(void)state;
	if (geteuid() != 0)
		skip();
	dir = tu_mkstore();
	path = tu_path(dir, "pam_mfa.conf");

	tu_write(path, good, sizeof(good) - 1, 0644);
	ctx = tu_ctx(NULL);
	assert_int_equal(mfa_ctx_load_config(ctx, path), MFA_OK);
	assert_int_equal(mfa_ctx_totp_window(ctx), 2);
	assert_int_equal(mfa_ctx_lockout_attempts(ctx), 3);
	assert_int_equal(mfa_ctx_lockout_time(ctx), 60);
	assert_int_equal(mfa_ctx_fail_delay(ctx), 0);
	assert_int_equal(mfa_ctx_totp_digits(ctx), 8);
	assert_int_equal(mfa_ctx_totp_algorithm(ctx), MFA_TOTP_SHA512);
	assert_string_equal(mfa_ctx_totp_issuer(ctx), "Org");
	assert_string_equal(mfa_ctx_store(ctx), "/srv/m");
	assert_int_equal(mfa_policy_get(ctx, "u", NULL, 0, "login", &pol),
	    MFA_OK);
	assert_string_equal(mfa_policy_text(pol), DEFAULT_REQUIRE);
	mfa_policy_free(&pol);

	/* A bad file: one log line, and no configuration afterwards. */
	tu_write(path, "# x\n[user a]\nstore = /x\n", 24, 0644);
	tu_log_reset();
	assert_int_equal(mfa_ctx_load_config(ctx, path), MFA_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s:3: key 'store' is allowed only in "
	    "the global section", path);
	if (strstr(tu_log_buf, want) == NULL)
		fail_msg("log \"%s\" lacks \"%s\"", tu_log_buf, want);
	assert_int_equal(mfa_policy_get(ctx, "u", NULL, 0, "login", &pol),
	    MFA_ERR_CONFIG);
	assert_null(pol);
	mfa_ctx_free(&ctx);

	/* A missing file fails the same way. */
	ctx = tu_ctx(NULL);
	free(path);
	path = tu_path(dir, "nonexistent.conf");
	tu_log_reset();
	assert_int_equal(mfa_ctx_load_config(ctx, path), MFA_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s:0: cannot open", path);
	if (strstr(tu_log_buf, want) == NULL)
		fail_msg("log \"%s\" lacks \"%s\"", tu_log_buf, want);
	assert_int_equal(mfa_policy_get(ctx, "u", NULL, 0, "login", &pol),
	    MFA_ERR_CONFIG);
	mfa_ctx_free(&ctx);

	free(path);
	tu_rmstore(dir);
}

/* recovery = yes|no through mfa_policy_get(): section precedence. */
static void
test_recovery_policy(void **state)
{
	static const char conf[] =
	    "recovery = no\n"
	    "[service sshd]\n"
	    "recovery = yes\n"
	    "[group staff]\n"
	    "require = password AND totp\n"
	    "[group nocodes]\n"
	    "recovery = no\n"
	    "[group codes]\n"
	    "recovery = yes\n"
	    "[user alice]\n"
	    "recovery = no\n"
	    "[user bob]\n"
	    "require = password AND fido2\n";
	static const struct {
		const char		*user;
		const char *const	 groups[3];
		size_t			 ngroups;
		const char		*service;
		int			 want;
	} t[] = {
		{ "carol", { NULL }, 0, "login", 0 },	/* global */
		{ "carol", { NULL }, 0, "sshd", 1 },	/* service */
		{ "carol", { "staff" }, 1, "sshd", 1 },	/* group sets none */
		{ "carol", { "nocodes" }, 1, "sshd", 0 }, /* group first */
		{ "carol", { "codes" }, 1, "login", 1 },
		/* The first matching group in file order, not list order. */
		{ "carol", { "codes", "nocodes" }, 2, "login", 0 },
		{ "alice", { "codes" }, 1, "sshd", 0 },	/* user first */
		{ "bob", { NULL }, 0, "sshd", 1 },	/* user sets none */
		{ "bob", { NULL }, 0, NULL, 0 },
	};
	mfa_ctx_t *ctx;
	mfa_policy_t *pol = NULL;
	char err[256] = "";
	size_t i;

	(void)state;
	/* Built-in defaults: allowed. */
	ctx = tu_ctx(NULL);
	assert_int_equal(mfa_policy_get(ctx, "carol", NULL, 0, "login",
	    &pol), MFA_OK);
	assert_int_equal(mfa_policy_allow_recovery(pol), 1);
	mfa_policy_free(&pol);
	if (config_parse(ctx->config, conf, strlen(conf), err,
	    sizeof(err)) != MFA_OK)
		fail_msg("config: %s", err);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(mfa_policy_get(ctx, t[i].user, t[i].groups,
		    t[i].ngroups, t[i].service, &pol), MFA_OK);
		if (mfa_policy_allow_recovery(pol) != t[i].want)
			fail_msg("case %zu: recovery %d, not %d", i,
			    mfa_policy_allow_recovery(pol), t[i].want);
		mfa_policy_free(&pol);
	}
	/* Without a policy: not allowed. */
	assert_int_equal(mfa_policy_allow_recovery(NULL), 0);
	/* A global section without the key (a corrupt config) fails. */
	ctx->config->sections[0].allow_recovery = -1;
	assert_int_equal(mfa_policy_get(ctx, "carol", NULL, 0, "login",
	    &pol), MFA_ERR_CONFIG);
	assert_null(pol);
	mfa_ctx_free(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_and_comments),
		cmocka_unit_test(test_every_key_valid),
		cmocka_unit_test(test_bounds_valid),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_fido2_keys),
		cmocka_unit_test(test_fido2_bad_values),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_scope),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_duplicate_section),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_nul_and_size),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_parse_keeps_cfg_on_error),
		cmocka_unit_test(test_installed_file),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_ctx_load_config),
		cmocka_unit_test(test_recovery_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
