/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Import of credentials from other modules' files (mfactl import): strict
 * parsers of a pam_u2f authfile line, a pam_oath usersfile line and a
 * google-authenticator file into credentials, and the functions that add
 * a credential taken over from a working authenticator to a user's store
 * as an active one.  Reasons for a refusal never quote the input: it
 * may hold a secret.
 *
 * The reasons and notes are for the administrator (mfactl prints them):
 * each is one whole sentence marked with N_() for po/ and translated
 * when it is recorded, in the text domain PACKAGE that mfactl and the
 * module bind, in the caller's locale (English in the "C" locale).
 * Log lines (mfa_log()) stay in English.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#ifdef ENABLE_NLS
#include <libintl.h>
#endif

#include "internal.h"

#ifdef ENABLE_NLS
#define L_(s)	dgettext(PACKAGE, s)
#else
#define L_(s)	(s)
#endif
#define N_(s)	(s)

#define WHY_MAX		512	/* bytes: room for a translation in UTF-8 */
#define NOTE_MAX	1024	/* bytes: three notes, translated */
#define DESC_MAX	48
#define SECRET_MIN	10	/* bytes: the store's minimum */
#define PERIOD_MAX	3600	/* seconds: the store's maximum */
/* pam_google_authenticator refuses a STEP_SIZE above this. */
#define GA_STEP_MAX	60
#define GA_PERIOD	30
#define GA_DIGITS	6
#define GA_SCRATCH_LEN	MFA_SCRATCH_LEN	/* digits of a scratch code */
#define U2F_POINT_LEN	65	/* 0x04 || x || y */
#define U2F_FIELDS_MAX	4	/* KH,PK,COSE,OPTIONS */

struct mfa_import {
	int		 format;
	char		 user[MFA_USER_MAX + 1];	/* "": none */
	size_t		 n;
	struct mfa_cred	*creds;		/* MFA_CREDS_MAX */
	char		 desc[MFA_CREDS_MAX][DESC_MAX];
	unsigned	 scratch;	/* distinct scratch codes */
	char		 scratch_codes[MFA_SCRATCH_MAX][GA_SCRATCH_LEN + 1];
	char		 note[NOTE_MAX];
	char		 why[WHY_MAX];
	unsigned	 line;
};

mfa_import_t *
mfa_import_new(void)
{
	struct mfa_import	*imp;

	if ((imp = calloc(1, sizeof(*imp))) == NULL)
		return NULL;
	if ((imp->creds = calloc(MFA_CREDS_MAX, sizeof(*imp->creds))) ==
	    NULL) {
		free(imp);
		return NULL;
	}
	return imp;
}

static void
import_reset(struct mfa_import *imp)
{
	wipe(imp->creds, MFA_CREDS_MAX * sizeof(*imp->creds));
	imp->n = 0;
	imp->format = 0;
	imp->user[0] = '\0';
	imp->scratch = 0;
	wipe(imp->scratch_codes, sizeof(imp->scratch_codes));
	imp->note[0] = '\0';
	imp->why[0] = '\0';
	imp->line = 0;
}

void
mfa_import_free(mfa_import_t **impp)
{
	struct mfa_import	*imp;

	if (impp == NULL || (imp = *impp) == NULL)
		return;
	import_reset(imp);
	free(imp->creds);
	free(imp);
	*impp = NULL;
}

/*
 * After a truncating snprintf() into s: drops a UTF-8 sequence cut off
 * at the end, so that a long translation never ends in half a character.
 */
static void
utf8_trim(char *s)
{
	size_t		len = strlen(s), i = len, need;
	unsigned char	lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	if (lead < 0xc0)
		return;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

static int
fail(struct mfa_import *imp, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Records why the record is refused, fmt (marked with N_()) translated;
 * returns MFA_ERR_FORMAT.
 */
static int
fail(struct mfa_import *imp, unsigned line, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(imp->why, sizeof(imp->why), L_(fmt), ap);
	va_end(ap);
	if (n < 0)
		imp->why[0] = '\0';
	else if ((size_t)n >= sizeof(imp->why))
		utf8_trim(imp->why);
	imp->line = line;
	return MFA_ERR_FORMAT;
}

/* Adds note what (marked with N_()), translated, once. */
static void
add_note(struct mfa_import *imp, const char *what)
{
	size_t	len = strlen(imp->note);
	int	n;

	what = L_(what);
	if (strstr(imp->note, what) != NULL)
		return;
	n = snprintf(imp->note + len, sizeof(imp->note) - len, "%s%s",
	    len > 0 ? "; " : "", what);
	if (n > 0 && (size_t)n >= sizeof(imp->note) - len)
		utf8_trim(imp->note);
}

/* Hex of either case into out[cap]; -1 when not hex or too long. */
static int
hex_any(const char *s, unsigned char *out, size_t cap, size_t *n)
{
	size_t	len = strlen(s), i;
	int	hi, lo;

	if (len == 0 || len % 2 != 0 || len / 2 > cap)
		return -1;
	for (i = 0; i < len; i += 2) {
		if ((hi = hex_digit_any(s[i])) < 0 ||
		    (lo = hex_digit_any(s[i + 1])) < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

/* A decimal number without sign or leading zero in [min, max]. */
static int
decimal(const char *s, size_t len, unsigned min, unsigned max, unsigned *out)
{
	unsigned long	v = 0;
	size_t		i;

	if (len == 0 || len > 9 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static void
totp_desc(struct mfa_import *imp, size_t k)
{
	const struct mfa_cred	*c = &imp->creds[k];

	(void)snprintf(imp->desc[k], sizeof(imp->desc[k]), "totp %s/%u/%u",
	    mfa_totp_algorithm_name(c->algorithm), c->digits, c->period);
}

/* ---- pam_u2f ---------------------------------------------------- */

/* "+presence", "+verification", "+pin", in any order, or nothing. */
static int
u2f_options(const char *s, int *up, int *uv)
{
	static const struct {
		const char	*name;
		int		 uv;
	} opts[] = {
		{ "+presence", 0 },
		{ "+verification", 1 },
		{ "+pin", 1 },
	};
	size_t	i, len;

	*up = *uv = 0;
	while (*s != '\0') {
		for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
			len = strlen(opts[i].name);
			if (strncmp(s, opts[i].name, len) == 0 &&
			    (s[len] == '\0' || s[len] == '+'))
				break;
		}
		if (i == sizeof(opts) / sizeof(opts[0]))
			return -1;
		if (opts[i].uv)
			*uv = 1;
		else
			*up = 1;
		s += strlen(opts[i].name);
	}
	return 0;
}

static int
cose_parse(const char *s, int *alg)
{
	if (strcasecmp(s, "es256") == 0)
		*alg = MFA_COSE_ES256;
	else if (strcasecmp(s, "eddsa") == 0)
		*alg = MFA_COSE_EDDSA;
	else if (strcasecmp(s, "rs256") == 0)
		*alg = MFA_COSE_RS256;
	else
		return -1;
	return 0;
}

/* Public key in a form of mfa_user_fido2_import() into DER in c. */
static int
pubkey_to_der(struct mfa_cred *c, int alg, const unsigned char *pk,
    size_t len)
{
	int	r;

	if ((r = fido2_pubkey_check(alg, pk, len)) == MFA_OK) {
		if (len > sizeof(c->pubkey))
			return MFA_ERR_FORMAT;
		memcpy(c->pubkey, pk, len);
		c->pubkey_len = len;
		return MFA_OK;
	}
	/* No libfido2 (or memory) to check with: not the key's fault. */
	if (r == MFA_ERR_CRYPTO || r == MFA_ERR_NOMEM)
		return r;
	if (alg == MFA_COSE_ES256 && len == U2F_POINT_LEN && pk[0] == 0x04) {
		pk++;
		len--;
	}
	r = fido2_pubkey_der(alg, pk, len, c->pubkey, sizeof(c->pubkey),
	    &c->pubkey_len);
	if (r == MFA_OK || r == MFA_ERR_CRYPTO || r == MFA_ERR_NOMEM)
		return r;
	return MFA_ERR_FORMAT;
}

/* One "KH,PK[,COSE[,OPTIONS]]" of a pam_u2f line (k: 1-based). */
static int
u2f_cred(struct mfa_import *imp, char *item, size_t k)
{
	struct mfa_cred	*c = &imp->creds[imp->n];
	unsigned char	 pk[MFA_FIDO2_PUBKEY_MAX];
	char		*f[U2F_FIELDS_MAX + 1], *p;
	size_t		 nf = 0, pklen = 0;
	int		 alg, up, uv, old, r;

	memset(c, 0, sizeof(*c));
	for (p = item; nf < U2F_FIELDS_MAX + 1; ) {
		f[nf++] = p;
		if ((p = strchr(p, ',')) == NULL)
			break;
		*p++ = '\0';
	}
	if (p != NULL || nf < 2 || nf > U2F_FIELDS_MAX)
		return fail(imp, 1, N_("credential %zu: not KEYHANDLE,PUBLICKEY"
		    "[,COSETYPE[,OPTIONS]]"), k);
	if (strcmp(f[0], "*") == 0)
		return fail(imp, 1, N_("credential %zu: resident credential "
		    "(key handle \"*\"): pam_mfa needs its credential id; "
		    "register the key with mfactl fido2 add"), k);
	old = nf == 2;
	if (old) {
		/* pamu2fcfg <= 1.0.8: U2F, websafe key handle, hex point. */
		alg = MFA_COSE_ES256;
		up = 1;
		uv = 0;
		if (b64_decode(f[0], 1, c->credid, sizeof(c->credid),
		    &c->credid_len) != MFA_OK || c->credid_len == 0)
			return fail(imp, 1, N_("credential %zu: key handle is "
			    "not base64url"), k);
		if (hex_any(f[1], pk, sizeof(pk), &pklen) != 0 ||
		    pklen != U2F_POINT_LEN || pk[0] != 0x04)
			return fail(imp, 1, N_("credential %zu: public key is "
			    "not a hex uncompressed P-256 point"), k);
	} else {
		if (b64_decode(f[0], 0, c->credid, sizeof(c->credid),
		    &c->credid_len) != MFA_OK || c->credid_len == 0)
			return fail(imp, 1, N_("credential %zu: key handle is "
			    "not base64 (or longer than %d bytes)"), k,
			    MFA_FIDO2_CREDID_MAX);
		if (b64_decode(f[1], 0, pk, sizeof(pk), &pklen) != MFA_OK)
			return fail(imp, 1, N_("credential %zu: public key is "
			    "not base64"), k);
		if (cose_parse(f[2], &alg) != 0)
			return fail(imp, 1, N_("credential %zu: COSE type not "
			    "es256, eddsa or rs256"), k);
		if (u2f_options(nf == 4 ? f[3] : "", &up, &uv) != 0)
			return fail(imp, 1, N_("credential %zu: options not "
			    "+presence, +verification, +pin"), k);
	}
	r = pubkey_to_der(c, alg, pk, pklen);
	wipe(pk, sizeof(pk));
	if (r == MFA_ERR_CRYPTO || r == MFA_ERR_NOMEM)
		return r == MFA_ERR_NOMEM ? fail(imp, 1, N_("credential %zu: "
		    "public key cannot be checked: out of memory"), k) :
		    fail(imp, 1, N_("credential %zu: public key cannot be "
		    "checked: FIDO2 support (libfido2) is not available"), k);
	if (r != MFA_OK)
		return fail(imp, 1, N_("credential %zu: public key is not a "
		    "valid %s key"), k, fido2_alg_name(alg));
	c->type = MFA_CRED_FIDO2;
	c->status = MFA_STATUS_ACTIVE;
	c->fido2_alg = alg;
	c->reg_up = up;
	c->reg_uv = uv;
	(void)snprintf(imp->desc[imp->n], sizeof(imp->desc[0]),
	    "fido2 %s%s%s%s", fido2_alg_name(alg), old ? " u2f" : "",
	    up ? " presence" : "", uv ? " verification" : "");
	imp->n++;
	return MFA_OK;
}

static int
parse_u2f(struct mfa_import *imp, char *s)
{
	char	*p, *next;
	size_t	 i, k;
	int	 r;

	if ((p = strchr(s, ':')) == NULL)
		return fail(imp, 1, N_("no ':' after the user name"));
	*p++ = '\0';
	if (mfa_username_check(s) != MFA_OK)
		return fail(imp, 1, N_("user name not acceptable"));
	memcpy(imp->user, s, strlen(s) + 1);
	for (k = 1; ; k++, p = next) {
		if ((next = strchr(p, ':')) != NULL)
			*next++ = '\0';
		if (*p == '\0')
			return fail(imp, 1, N_("credential %zu is empty"), k);
		if (imp->n >= MFA_CREDS_MAX)
			return fail(imp, 1, N_("more than %d credentials"),
			    MFA_CREDS_MAX);
		if ((r = u2f_cred(imp, p, k)) != MFA_OK)
			return r;
		/* The same key twice in a line is a broken line. */
		for (i = 0; i + 1 < imp->n; i++)
			if (imp->creds[i].credid_len ==
			    imp->creds[imp->n - 1].credid_len &&
			    ct_equal(imp->creds[i].credid,
			    imp->creds[imp->n - 1].credid,
			    imp->creds[i].credid_len))
				return fail(imp, 1, N_("credential %zu repeats "
				    "credential %zu"), k, i + 1);
		if (next == NULL)
			break;
	}
	return MFA_OK;
}

/* ---- pam_oath ----------------------------------------------------- */

/* "HOTP/Tn[/D]": *period, *digits; -1 (why set) otherwise. */
static int
oath_type(struct mfa_import *imp, const char *t, unsigned *period,
    unsigned *digits)
{
	const char	*slash;

	if (strcmp(t, "HOTP") == 0 || strncmp(t, "HOTP/E", 6) == 0)
		return fail(imp, 1, N_("event-based HOTP token (%s): pam_mfa "
		    "does time-based TOTP only"), strncmp(t, "HOTP/E", 6) ==
		    0 ? "HOTP/E" : "HOTP");
	if (strncmp(t, "HOTP/T", 6) != 0)
		return fail(imp, 1, N_("unknown token type (not HOTP/Tn[/D])"));
	t += 6;
	slash = strchr(t, '/');
	if (decimal(t, slash != NULL ? (size_t)(slash - t) : strlen(t), 1,
	    PERIOD_MAX, period) != 0)
		return fail(imp, 1, N_("token type: time step not 1..%d "
		    "seconds"), PERIOD_MAX);
	*digits = 6;
	if (slash != NULL && decimal(slash + 1, strlen(slash + 1), 6,
	    MFA_CODE_MAX, digits) != 0)
		return fail(imp, 1, N_("token type: digits not 6..%d"),
		    MFA_CODE_MAX);
	return 0;
}

static int
parse_oath(struct mfa_import *imp, char *s)
{
	struct mfa_cred	*c = &imp->creds[0];
	char		*tok[4], *p = s;
	size_t		 n = 0;
	unsigned	 period, digits;

	while (n < 4) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		tok[n++] = p;
		p += strcspn(p, " \t");
		if (*p != '\0')
			*p++ = '\0';
	}
	if (n < 4)
		return fail(imp, 1, N_("not TYPE USER PASSWORD SECRET"));
	if (oath_type(imp, tok[0], &period, &digits) != 0)
		return MFA_ERR_FORMAT;
	if (mfa_username_check(tok[1]) != MFA_OK)
		return fail(imp, 1, N_("user name not acceptable"));
	memcpy(imp->user, tok[1], strlen(tok[1]) + 1);
	memset(c, 0, sizeof(*c));
	if (hex_any(tok[3], c->secret, sizeof(c->secret), &c->secret_len) !=
	    0)
		return fail(imp, 1, N_("secret is not hex of at most %d bytes"),
		    MFA_SECRET_MAX);
	if (c->secret_len < SECRET_MIN)
		return fail(imp, 1, N_("secret shorter than %d bytes"),
		    SECRET_MIN);
	if (strcmp(tok[2], "-") != 0)
		add_note(imp, N_("its pam_oath password is not imported "
		    "(pam_mfa checks the account password)"));
	c->type = MFA_CRED_TOTP;
	c->status = MFA_STATUS_ACTIVE;
	c->algorithm = MFA_TOTP_SHA1;
	c->digits = digits;
	c->period = period;
	totp_desc(imp, 0);
	imp->n = 1;
	return MFA_OK;
}

/* ---- google-authenticator ------------------------------------------ */

static int
scratch_code(const char *s)
{
	size_t	i;

	for (i = 0; i < GA_SCRATCH_LEN; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[GA_SCRATCH_LEN] == '\0';
}

/* Keeps scratch code s once; -1 when there are too many. */
static int
add_scratch(struct mfa_import *imp, const char *s)
{
	unsigned	i;

	for (i = 0; i < imp->scratch; i++)
		if (strlen(imp->scratch_codes[i]) == strlen(s) &&
		    ct_equal(imp->scratch_codes[i], s, strlen(s)))
			return 0;
	if (imp->scratch == MFA_SCRATCH_MAX)
		return -1;
	memcpy(imp->scratch_codes[imp->scratch++], s, GA_SCRATCH_LEN + 1);
	return 0;
}

/*
 * The options of a google-authenticator file: those that say what the
 * secret is (GA_TOTP_AUTH, GA_HOTP_COUNTER, GA_STEP_SIZE), those
 * pam_mfa has its own rules for, and the state lines
 * pam_google_authenticator writes at logins (TIME_SKEW, LAST0..LAST9).
 */
enum ga_opt {
	GA_TOTP_AUTH,
	GA_HOTP_COUNTER,
	GA_STEP_SIZE,
	GA_WINDOW_SIZE,
	GA_RATE_LIMIT,
	GA_DISALLOW_REUSE,
	GA_TIME_SKEW,
	GA_RESETTING_TIME_SKEW,
	GA_LAST0,		/* ... GA_LAST0 + 9: LAST9 */
	GA_OPT_COUNT = GA_LAST0 + 10
};

static const char *const ga_opt_names[GA_OPT_COUNT] = {
	"TOTP_AUTH", "HOTP_COUNTER", "STEP_SIZE", "WINDOW_SIZE",
	"RATE_LIMIT", "DISALLOW_REUSE", "TIME_SKEW", "RESETTING_TIME_SKEW",
	"LAST0", "LAST1", "LAST2", "LAST3", "LAST4", "LAST5", "LAST6",
	"LAST7", "LAST8", "LAST9",
};

/*
 * One '" NAME [ARGS]' line; *totp, *hotp, *period as found.  *seen has
 * a bit per option already read: an option given twice refuses the
 * file.  google-authenticator writes each once (and rewrites the file
 * with the others dropped); pam_google_authenticator reads the first,
 * the last would win here: which one was meant is not known.
 */
static int
ga_option(struct mfa_import *imp, const char *s, unsigned line, int *totp,
    int *hotp, unsigned *period, uint32_t *seen)
{
	const char	*arg;
	size_t		 len;
	int		 opt;

	s += 2;
	len = strcspn(s, " ");
	arg = s + len + strspn(s + len, " ");
	for (opt = 0; opt < GA_OPT_COUNT; opt++)
		if (strlen(ga_opt_names[opt]) == len &&
		    strncmp(s, ga_opt_names[opt], len) == 0)
			break;
	if (opt == GA_OPT_COUNT)
		/* TRANSLATORS: also mfactl's, before an option's name. */
		return fail(imp, line, N_("unknown option"));
	if (*seen & (UINT32_C(1) << opt))
		return fail(imp, line, N_("option %s given more than once: "
		    "which one applies is ambiguous"), ga_opt_names[opt]);
	*seen |= UINT32_C(1) << opt;
	switch (opt) {
	case GA_TOTP_AUTH:
		if (*arg != '\0')
			return fail(imp, line, N_("TOTP_AUTH takes no value"));
		*totp = 1;
		break;
	case GA_HOTP_COUNTER:
		*hotp = 1;
		break;
	case GA_STEP_SIZE:
		/* A file its own module would refuse is refused here. */
		if (decimal(arg, strlen(arg), 1, GA_STEP_MAX, period) != 0)
			return fail(imp, line, N_("STEP_SIZE not 1..%d"),
			    GA_STEP_MAX);
		break;
	case GA_WINDOW_SIZE:
	case GA_RATE_LIMIT:
	case GA_DISALLOW_REUSE:
		/* pam_mfa's own window, replay rule and lockout apply. */
		add_note(imp, N_("google-authenticator options WINDOW_SIZE, "
		    "RATE_LIMIT, DISALLOW_REUSE are not carried over "
		    "(pam_mfa's totp_window and lockout apply)"));
		break;
	case GA_TIME_SKEW:
	case GA_RESETTING_TIME_SKEW:
		/*
		 * State pam_google_authenticator writes as it learns the
		 * device's clock skew.  Left behind, no code is accepted
		 * that pam_mfa's window would not take: nothing weakens.
		 */
		add_note(imp, N_("its learned clock skew (TIME_SKEW) is not "
		    "carried over: the device's clock must be right within "
		    "totp_window"));
		break;
	default:
		/*
		 * LAST0..LAST9, grace_period's record of recent logins
		 * (host and time): pam_mfa has no such grace, it asks at
		 * every login.
		 */
		add_note(imp, N_("its grace_period logins (LAST0..LAST9) "
		    "are not carried over: pam_mfa asks for a code at every "
		    "login"));
		break;
	}
	return 0;
}

static int
parse_gauth(struct mfa_import *imp, char *s)
{
	struct mfa_cred	*c = &imp->creds[0];
	char		*p, *next;
	unsigned	 line, period = GA_PERIOD, hotp_line = 0;
	uint32_t	 seen = 0;
	int		 totp = 0, hotp = 0, dead = 0;

	memset(c, 0, sizeof(*c));
	for (line = 1, p = s; p != NULL; line++, p = next) {
		if ((next = strchr(p, '\n')) != NULL)
			*next++ = '\0';
		if (line == 1) {
			if (base32_decode(p, c->secret, sizeof(c->secret),
			    &c->secret_len) != MFA_OK)
				return fail(imp, 1, N_("secret is not base32 "
				    "of at most %d bytes"), MFA_SECRET_MAX);
			if (c->secret_len < SECRET_MIN)
				return fail(imp, 1, N_("secret shorter than %d "
				    "bytes"), SECRET_MIN);
			continue;
		}
		if (p[0] == '"' && p[1] == ' ') {
			if (ga_option(imp, p, line, &totp, &hotp, &period,
			    &seen) != 0)
				return MFA_ERR_FORMAT;
			if (hotp && hotp_line == 0)
				hotp_line = line;
		} else if (scratch_code(p)) {
			/*
			 * pam_google_authenticator stops reading scratch
			 * codes at one below 10000000: neither that code
			 * nor any after it ever logged in, and none may
			 * now.  (google-authenticator writes none such.)
			 */
			if (p[0] == '0')
				dead = 1;
			if (dead)
				add_note(imp, N_("scratch codes from the first "
				    "one that starts with 0 on are not "
				    "imported: pam_google_authenticator stops "
				    "reading scratch codes there, so they "
				    "never worked"));
			else if (add_scratch(imp, p) != 0)
				return fail(imp, line, N_("more than %d "
				    "scratch codes"), MFA_SCRATCH_MAX);
		} else if (*p != '\0' || next != NULL)
			/* Only the end of the last line may be empty. */
			return fail(imp, line, N_("neither an option nor an "
			    "8-digit scratch code"));
	}
	if (hotp)
		return fail(imp, hotp_line, N_("counter-based secret "
		    "(HOTP_COUNTER): pam_mfa does time-based TOTP only"));
	if (!totp)
		return fail(imp, 1, N_("no \" TOTP_AUTH line: not a time-based "
		    "secret"));
	c->type = MFA_CRED_TOTP;
	c->status = MFA_STATUS_ACTIVE;
	c->algorithm = MFA_TOTP_SHA1;
	c->digits = GA_DIGITS;
	c->period = period;
	totp_desc(imp, 0);
	imp->n = 1;
	/* The scratch codes: one more "credential", the recovery set. */
	if (imp->scratch > 0) {
		imp->creds[1].type = MFA_CRED_RECOVERY;
		imp->creds[1].status = MFA_STATUS_ACTIVE;
		(void)snprintf(imp->desc[1], sizeof(imp->desc[1]),
		    "recovery: %u scratch code%s", imp->scratch,
		    imp->scratch == 1 ? "" : "s");
		imp->n = 2;
	}
	return MFA_OK;
}

int
mfa_import_parse(mfa_import_t *imp, int format, const char *text,
    size_t len)
{
	char	*s = NULL;
	int	 r;

	if (imp == NULL || (text == NULL && len > 0))
		return MFA_ERR_INVAL;
	import_reset(imp);
	if (format != MFA_IMPORT_PAM_U2F && format != MFA_IMPORT_PAM_OATH &&
	    format != MFA_IMPORT_GAUTH)
		return MFA_ERR_INVAL;
	imp->format = format;
	if (len > MFA_IMPORT_MAX) {
		(void)fail(imp, 1, N_("longer than %d bytes"), MFA_IMPORT_MAX);
		return MFA_ERR_TOOBIG;
	}
	if (len > 0 && memchr(text, '\0', len) != NULL)
		return fail(imp, 1, N_("NUL byte"));
	if ((s = malloc(len + 1)) == NULL)
		return MFA_ERR_NOMEM;
	if (len > 0)
		memcpy(s, text, len);
	s[len] = '\0';
	if (format != MFA_IMPORT_GAUTH && strchr(s, '\n') != NULL)
		r = fail(imp, 1, N_("more than one line"));
	else if (format == MFA_IMPORT_PAM_U2F)
		r = parse_u2f(imp, s);
	else if (format == MFA_IMPORT_PAM_OATH)
		r = parse_oath(imp, s);
	else
		r = parse_gauth(imp, s);
	if (r != MFA_OK) {
		/* Nothing of a refused record stays usable. */
		wipe(imp->creds, MFA_CREDS_MAX * sizeof(*imp->creds));
		imp->n = 0;
		imp->user[0] = '\0';
		imp->scratch = 0;
		wipe(imp->scratch_codes, sizeof(imp->scratch_codes));
		imp->note[0] = '\0';
	}
	wipe(s, len + 1);
	free(s);
	return r;
}

const char *
mfa_import_why(const mfa_import_t *imp, unsigned *line)
{
	if (imp == NULL)
		return "";
	if (line != NULL)
		*line = imp->line;
	return imp->why;
}

const char *
mfa_import_user(const mfa_import_t *imp)
{
	if (imp == NULL || imp->user[0] == '\0')
		return NULL;
	return imp->user;
}

size_t
mfa_import_count(const mfa_import_t *imp)
{
	return imp == NULL ? 0 : imp->n;
}

int
mfa_import_type(const mfa_import_t *imp, size_t idx)
{
	if (imp == NULL || idx >= imp->n)
		return 0;
	return imp->creds[idx].type;
}

const char *
mfa_import_desc(const mfa_import_t *imp, size_t idx)
{
	if (imp == NULL || idx >= imp->n)
		return "";
	return imp->desc[idx];
}

const char *
mfa_import_note(const mfa_import_t *imp)
{
	if (imp == NULL || imp->note[0] == '\0')
		return NULL;
	return imp->note;
}

unsigned
mfa_import_scratch_codes(const mfa_import_t *imp)
{
	return imp == NULL ? 0 : imp->scratch;
}

/* ---- adding to a store ------------------------------------------- */

static const char *
format_label(int format)
{
	switch (format) {
	case MFA_IMPORT_PAM_U2F:
		return "pam_u2f";
	case MFA_IMPORT_PAM_OATH:
		return "pam_oath";
	case MFA_IMPORT_GAUTH:
		return "google-authenticator";
	default:
		return "imported";
	}
}

/* Whether the configuration of ctx takes the FIDO2 credential c. */
static int
config_accepts(const mfa_ctx_t *ctx, const struct mfa_cred *c, int flags)
{
	const struct mfa_config	*cfg;
	size_t			 i;

	if (c->type != MFA_CRED_FIDO2)
		return MFA_OK;
	if ((cfg = ctx_config(ctx)) == NULL)
		return MFA_ERR_CONFIG;
	for (i = 0; i < cfg->fido2_nalgs; i++)
		if (cfg->fido2_algs[i] == c->fido2_alg)
			break;
	if (i == cfg->fido2_nalgs) {
		mfa_log(ctx, LOG_WARNING, "fido2 import: algorithm %s is not "
		    "in fido2_algorithms", fido2_alg_name(c->fido2_alg));
		return MFA_ERR_ATTEST;
	}
	/* An imported key has no attestation: its model is unproven. */
	if ((flags & MFA_IMPORT_UNATTESTED) == 0 &&
	    (cfg->fido2_naaguids > 0 ||
	    cfg->fido2_attestation == MFA_ATTEST_VERIFIED)) {
		mfa_log(ctx, LOG_WARNING, "fido2 import: an imported key has "
		    "no attestation, and %s", cfg->fido2_naaguids > 0 ?
		    "fido2_aaguids is set" : "fido2_attestation = verified");
		return MFA_ERR_ATTEST;
	}
	return MFA_OK;
}

static int
values_ok(const struct mfa_cred *c)
{
	if (!store_label_ok(c->label))
		return 0;
	switch (c->type) {
	case MFA_CRED_TOTP:
		return c->secret_len >= SECRET_MIN &&
		    c->secret_len <= sizeof(c->secret) &&
		    c->algorithm >= MFA_TOTP_SHA1 &&
		    c->algorithm <= MFA_TOTP_SHA512 &&
		    c->digits >= 6 && c->digits <= MFA_CODE_MAX &&
		    c->period >= 1 && c->period <= PERIOD_MAX;
	case MFA_CRED_FIDO2:
		return fido2_alg_name(c->fido2_alg) != NULL &&
		    c->credid_len > 0 && c->credid_len <= sizeof(c->credid) &&
		    (c->reg_up == 0 || c->reg_up == 1) &&
		    (c->reg_uv == 0 || c->reg_uv == 1) &&
		    fido2_pubkey_check(c->fido2_alg, c->pubkey,
		    c->pubkey_len) == MFA_OK;
	default:
		return 0;
	}
}

/* The user's credential that c duplicates, or NULL. */
static const struct mfa_cred *
duplicate(const struct mfa_user *u, const struct mfa_cred *c)
{
	const struct mfa_cred	*o;
	size_t			 i;

	for (i = 0; i < u->ncreds; i++) {
		o = &u->creds[i];
		if (o->type != c->type)
			continue;
		if (c->type == MFA_CRED_TOTP &&
		    o->secret_len == c->secret_len &&
		    ct_equal(o->secret, c->secret, c->secret_len))
			return o;
		if (c->type == MFA_CRED_FIDO2 &&
		    o->credid_len == c->credid_len &&
		    ct_equal(o->credid, c->credid, c->credid_len))
			return o;
	}
	return NULL;
}

/*
 * Validates c (label set) and, unless a dry run, adds it to u as an
 * active credential: the state record first (a leftover of a deleted
 * store must not carry over), then the store.
 */
static int
cred_import(struct mfa_user *u, struct mfa_cred *c, int flags,
    unsigned *id)
{
	const struct mfa_cred	*dup;
	struct mfa_state_cred	*sc;
	struct mfa_state	 saved;
	int			 r, dry = (flags & MFA_IMPORT_DRYRUN) != 0;

	if (id == NULL || !values_ok(c))
		return MFA_ERR_INVAL;
	if (u == NULL) {
		if (!dry)
			return MFA_ERR_INVAL;
		*id = 0;
		return MFA_OK;
	}
	if (!dry && ((u->flags & MFA_OPEN_WRITE) == 0 || u->statefd < 0))
		return MFA_ERR_INVAL;
	if (ctx_config(u->ctx) == NULL)
		return MFA_ERR_CONFIG;
	if ((r = config_accepts(u->ctx, c, flags)) != MFA_OK)
		return r;
	if ((dup = duplicate(u, c)) != NULL) {
		mfa_log(u->ctx, LOG_WARNING, "user %s: the imported %s "
		    "credential is credential %u already", u->name,
		    c->type == MFA_CRED_TOTP ? "totp" : "fido2", dup->id);
		return MFA_ERR_EXCLUDED;
	}
	if (u->ncreds >= MFA_CREDS_MAX || u->next_id == UINT_MAX)
		return MFA_ERR_LIMIT;
	if (dry) {
		*id = 0;
		return MFA_OK;
	}

	c->id = u->next_id;
	c->status = MFA_STATUS_ACTIVE;
	c->created = ctx_now(u->ctx);
	if (c->created < 0)
		c->created = 0;
	c->counter = 0;
	c->last_used = 0;
	/* The model of an imported key is unknown: all-zero AAGUID. */
	if (c->type == MFA_CRED_FIDO2)
		(void)hex_encode(c->aaguid, sizeof(c->aaguid), c->aaguid_hex,
		    sizeof(c->aaguid_hex));
	saved = u->state;
	if ((sc = state_cred(&u->state, c->id, 1)) == NULL) {
		u->state = saved;
		r = MFA_ERR_LIMIT;
		goto out;
	}
	sc->last_step = 0;
	sc->counter = 0;
	sc->last_used = 0;
	if ((r = store_commit_state(u)) != MFA_OK) {
		u->state = saved;
		goto out;
	}
	u->creds[u->ncreds++] = *c;
	u->next_id++;
	if ((r = store_commit(u)) != MFA_OK) {
		u->next_id--;
		u->ncreds--;
		wipe(&u->creds[u->ncreds], sizeof(u->creds[0]));
		goto out;
	}
	mfa_log(u->ctx, LOG_INFO, "user %s: %s credential %u imported",
	    u->name, c->type == MFA_CRED_TOTP ? "totp" : "fido2", c->id);
	*id = c->id;
	r = MFA_OK;
out:
	wipe(&saved, sizeof(saved));
	return r;
}

static int
set_label(struct mfa_cred *c, const char *label)
{
	if (!store_label_ok(label))
		return MFA_ERR_INVAL;
	memcpy(c->label, label, strlen(label) + 1);
	return MFA_OK;
}

int
mfa_import_check(mfa_ctx_t *ctx, const mfa_import_t *imp, size_t idx,
    int flags)
{
	if (ctx == NULL || imp == NULL || idx >= imp->n)
		return MFA_ERR_INVAL;
	return config_accepts(ctx, &imp->creds[idx], flags);
}

int
mfa_user_import(mfa_user_t *user, const mfa_import_t *imp, size_t idx,
    const char *label, int flags, unsigned *id)
{
	struct mfa_cred	*c;
	int		 r;

	if (imp == NULL || idx >= imp->n || id == NULL)
		return MFA_ERR_INVAL;
	if (imp->creds[idx].type == MFA_CRED_RECOVERY)
		return recovery_scratch_import(user, &imp->scratch_codes[0][0],
		    imp->scratch, label != NULL ? label :
		    format_label(imp->format), flags & MFA_IMPORT_DRYRUN, id,
		    NULL);
	if ((c = malloc(sizeof(*c))) == NULL)
		return MFA_ERR_NOMEM;
	*c = imp->creds[idx];
	if ((r = set_label(c, label != NULL ? label :
	    format_label(imp->format))) == MFA_OK)
		r = cred_import(user, c, flags & (MFA_IMPORT_DRYRUN |
		    MFA_IMPORT_UNATTESTED), id);
	wipe(c, sizeof(*c));
	free(c);
	return r;
}

int
mfa_user_totp_import(mfa_user_t *user, const char *label, int algorithm,
    unsigned digits, unsigned period, const unsigned char *secret,
    size_t len, int flags, unsigned *id)
{
	struct mfa_cred	*c;
	int		 r;

	if (secret == NULL || len < SECRET_MIN || len > MFA_SECRET_MAX)
		return MFA_ERR_INVAL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return MFA_ERR_NOMEM;
	c->type = MFA_CRED_TOTP;
	c->algorithm = algorithm;
	c->digits = digits;
	c->period = period;
	memcpy(c->secret, secret, len);
	c->secret_len = len;
	if ((r = set_label(c, label != NULL ? label : "totp")) == MFA_OK)
		r = cred_import(user, c, flags & MFA_IMPORT_DRYRUN, id);
	wipe(c, sizeof(*c));
	free(c);
	return r;
}

int
mfa_user_fido2_import(mfa_user_t *user, const char *label, int cose_alg,
    const unsigned char *credid, size_t credid_len,
    const unsigned char *pubkey, size_t pubkey_len, int flags, unsigned *id)
{
	struct mfa_cred	*c;
	int		 r;

	if (credid == NULL || credid_len == 0 ||
	    credid_len > MFA_FIDO2_CREDID_MAX || pubkey == NULL ||
	    fido2_alg_name(cose_alg) == NULL)
		return MFA_ERR_INVAL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return MFA_ERR_NOMEM;
	c->type = MFA_CRED_FIDO2;
	c->fido2_alg = cose_alg;
	memcpy(c->credid, credid, credid_len);
	c->credid_len = credid_len;
	c->reg_up = (flags & MFA_IMPORT_UP) != 0;
	c->reg_uv = (flags & MFA_IMPORT_UV) != 0;
	if ((r = pubkey_to_der(c, cose_alg, pubkey, pubkey_len)) != MFA_OK &&
	    r != MFA_ERR_CRYPTO && r != MFA_ERR_NOMEM)
		r = MFA_ERR_INVAL;
	else if ((r = set_label(c, label != NULL ? label : "fido2")) ==
	    MFA_OK)
		r = cred_import(user, c, flags & (MFA_IMPORT_DRYRUN |
		    MFA_IMPORT_UNATTESTED), id);
	wipe(c, sizeof(*c));
	free(c);
	return r;
}

int
mfa_ctx_fido2_rp_id(mfa_ctx_t *ctx, char *out, size_t outlen)
{
	if (ctx == NULL)
		return MFA_ERR_INVAL;
	return fido2_rp_id(ctx, out, outlen);
}
