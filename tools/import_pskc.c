/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSKC (RFC 6030) seed files of hardware TOTP tokens, through libpskc:
 * what each key holds, checked against what pam_mfa can verify.  An
 * encrypted container (pre-shared or PBKDF2 key) is refused as a whole,
 * naming what to do; decrypting it is out of scope (see mfactl(8)).
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <pskc/pskc.h>

#include "import_pskc.h"

/*
 * The reasons are English, marked with N_() for po/: mfactl translates
 * them when it prints them (the fuzz target builds this file alone).
 */
#define N_(s)	(s)

#define URN_PSKC	"urn:ietf:params:xml:ns:keyprov:pskc"
#define SECRET_MIN	10
#define PERIOD_MAX	3600
#define DEFAULT_DIGITS	6
#define DEFAULT_PERIOD	30

/* The reason for too many keys names the limit; catalogs hold it. */
#if PSKC_KEYS_MAX != 10000
#error "PSKC_KEYS_MAX changed: change the reason that names it"
#endif

/*
 * libpskc (2.6.7) reads the text of some elements and the value of
 * every attribute it knows without checking that there is one: an
 * empty <Manufacturer/>, <StartDate/> or <KeyUsage/>, or an attribute
 * such as Length="", crashes it.  The file is therefore parsed here
 * first, with the same libxml2 options, and refused unless the
 * elements libpskc walks into are well formed in the way libpskc
 * assumes.  The table lists the element names libpskc knows (local
 * names, in any namespace, as libpskc compares them).
 */
#define EL_TEXT		0x1	/* must hold text (its first child) */
#define EL_ATTRS	0x2	/* libpskc reads all its attributes */
#define EL_WALK		0x4	/* libpskc reads its child elements */
#define EL_MANY		0x8	/* may repeat among its siblings */
#define EL_CRYPT	0x10	/* of an encrypted container */
#define TREE_DEPTH_MAX	8	/* KeyContainer/KeyPackage/Key/Data/... */

static const struct pskc_el {
	const char	*name;
	unsigned	 flags;
} pskc_els[] = {
	{ "KeyContainer",		EL_ATTRS | EL_WALK },
	{ "KeyPackage",			EL_WALK | EL_MANY },
	{ "Signature",			0 },
	{ "DeviceInfo",			EL_WALK },
	{ "CryptoModuleInfo",		EL_WALK },
	{ "Key",			EL_ATTRS | EL_WALK },
	{ "Manufacturer",		EL_TEXT },
	{ "SerialNo",			EL_TEXT },
	{ "Model",			EL_TEXT },
	{ "IssueNo",			EL_TEXT },
	{ "DeviceBinding",		EL_TEXT },
	{ "StartDate",			EL_TEXT },
	{ "ExpiryDate",			EL_TEXT },
	{ "UserId",			EL_TEXT },
	{ "Id",				EL_TEXT },
	{ "Issuer",			EL_TEXT },
	{ "AlgorithmParameters",	EL_WALK },
	{ "KeyProfileId",		EL_TEXT },
	{ "KeyReference",		EL_TEXT },
	{ "FriendlyName",		EL_TEXT },
	{ "Data",			EL_WALK },
	{ "Policy",			EL_WALK },
	{ "Suite",			EL_TEXT },
	{ "ChallengeFormat",		EL_ATTRS },
	{ "ResponseFormat",		EL_ATTRS },
	{ "Secret",			EL_WALK },
	{ "Counter",			EL_WALK },
	{ "Time",			EL_WALK },
	{ "TimeInterval",		EL_WALK },
	{ "TimeDrift",			EL_WALK },
	{ "PlainValue",			EL_TEXT },
	{ "PINPolicy",			EL_ATTRS },
	{ "KeyUsage",			EL_TEXT | EL_MANY },
	{ "NumberOfTransactions",	EL_TEXT },
	/* RFC 6030 6.1-6.2: libpskc would call the file "not PSKC". */
	{ "EncryptionKey",		EL_CRYPT },
	{ "MACMethod",			EL_CRYPT },
	{ "EncryptedValue",		EL_CRYPT },
};

/* Where the pre-check stopped: the reason and the line of the node. */
struct tree_err {
	const char	*why;
	unsigned	 line;
};

static int
tree_fail(struct tree_err *te, const xmlNode *n, const char *why)
{
	long	line = xmlGetLineNo(n);

	te->why = why;
	te->line = line > 0 && line <= 0xffffffL ? (unsigned)line : 0;
	return -1;
}

/* Index of a known element name in pskc_els, or -1. */
static int
el_find(const xmlNode *n)
{
	size_t	i;

	for (i = 0; i < sizeof(pskc_els) / sizeof(pskc_els[0]); i++)
		if (strcmp((const char *)n->name, pskc_els[i].name) == 0)
			return (int)i;
	return -1;
}

/* Every attribute has a value (libpskc dereferences its first child). */
static int
attrs_check(const xmlNode *n, struct tree_err *te)
{
	const xmlAttr	*a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->children == NULL || a->children->content == NULL ||
		    a->children->content[0] == '\0')
			return tree_fail(te, n, N_("an attribute has no "
			    "value"));
	return 0;
}

/* The only child is text (libpskc takes the first as the value). */
static int
text_check(const xmlNode *n, struct tree_err *te)
{
	const xmlNode	*c = n->children;

	if (c == NULL || (c->type != XML_TEXT_NODE &&
	    c->type != XML_CDATA_SECTION_NODE) || c->content == NULL ||
	    c->content[0] == '\0')
		return tree_fail(te, n, N_("an element that holds a value "
		    "is empty"));
	/*
	 * libpskc reads the first text node only: "MTIz<!-- -->NDU2" or
	 * a CDATA section followed by text would import part of a
	 * secret, or of a serial number, as if it were all of it.
	 */
	if (c->next != NULL)
		return tree_fail(te, n, N_("an element that holds a value "
		    "has more in it than its text (a comment, CDATA section "
		    "or element)"));
	return 0;
}

/* The element children of n, as libpskc will walk them. */
static int
tree_check(const xmlNode *n, unsigned depth, struct tree_err *te)
{
	const xmlNode	*c;
	uint64_t	 seen = 0;
	int		 k;

	if (depth > TREE_DEPTH_MAX)
		return tree_fail(te, n, N_("elements nested too deeply"));
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		/* Unknown elements: libpskc refuses the file, unread. */
		if ((k = el_find(c)) == -1)
			continue;
		if (pskc_els[k].flags & EL_CRYPT)
			return tree_fail(te, c, N_("an encrypted PSKC file "
			    "(EncryptionKey, MACMethod, EncryptedValue) is not "
			    "supported: decrypt it with the vendor's tool "
			    "first"));
		if (!(pskc_els[k].flags & EL_MANY)) {
			if (seen & (UINT64_C(1) << k))
				return tree_fail(te, c, N_("an element "
				    "that may appear once is repeated"));
			seen |= UINT64_C(1) << k;
		}
		if ((pskc_els[k].flags & EL_ATTRS) && attrs_check(c, te) != 0)
			return -1;
		if ((pskc_els[k].flags & EL_TEXT) && text_check(c, te) != 0)
			return -1;
		if ((pskc_els[k].flags & EL_WALK) &&
		    tree_check(c, depth + 1, te) != 0)
			return -1;
	}
	return 0;
}

/*
 * 0 when libpskc may parse buf, else -1 with te set.  The parse errors
 * of libxml2 quote the file's lines, which may hold a secret: they go
 * nowhere (XML_PARSE_NOERROR here, a silent handler around libpskc's
 * own parse).
 */
static int
tree_precheck(const char *buf, size_t len, struct tree_err *te)
{
	xmlDoc		*doc;
	const xmlNode	*root;
	int		 r = -1;

	te->why = N_("not a PSKC (RFC 6030) KeyContainer");
	te->line = 0;
	if (len > INT_MAX)
		return -1;
	doc = xmlReadMemory(buf, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return -1;
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		te->why = N_("a document type declaration (DOCTYPE) is not "
		    "allowed");
		goto out;
	}
	if ((root = xmlDocGetRootElement(doc)) == NULL ||
	    strcmp((const char *)root->name, "KeyContainer") != 0)
		goto out;
	if (attrs_check(root, te) != 0 || tree_check(root, 1, te) != 0)
		goto out;
	r = 0;
out:
	xmlFreeDoc(doc);
	return r;
}

/* libxml2's errors during libpskc's parse: dropped (see above). */
#if LIBXML_VERSION >= 21200
static void
xml_error_drop(void *ctx, const xmlError *err)
#else
static void
xml_error_drop(void *ctx, xmlError *err)
#endif
{
	(void)ctx;
	(void)err;
}

static int
reject(struct pskc_entry *e, const char *why)
{
	e->ok = 0;
	(void)snprintf(e->why, sizeof(e->why), "%s", why);
	explicit_bzero(e->secret, sizeof(e->secret));
	e->secret_len = 0;
	return -1;
}

/*
 * The hash of the HMAC, from <Suite> (RFC 6030 4.3.4: for an HMAC-based
 * OTP algorithm it names the hash's strength).  Vendors write
 * "HMAC-SHA256", "SHA256" or "SHA-256"; no Suite is RFC 6238's SHA-1.
 * -1: a suite pam_mfa cannot verify, which must not be taken for SHA-1.
 */
static int
suite_hash(const char *suite)
{
	static const struct {
		const char	*name;
		int		 alg;
	} hashes[] = {
		{ "SHA1",	MFA_TOTP_SHA1 },
		{ "SHA-1",	MFA_TOTP_SHA1 },
		{ "SHA256",	MFA_TOTP_SHA256 },
		{ "SHA-256",	MFA_TOTP_SHA256 },
		{ "SHA512",	MFA_TOTP_SHA512 },
		{ "SHA-512",	MFA_TOTP_SHA512 },
	};
	size_t	i;

	if (suite == NULL)
		return MFA_TOTP_SHA1;
	if (strncasecmp(suite, "HMAC-", 5) == 0)
		suite += 5;
	for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (strcasecmp(suite, hashes[i].name) == 0)
			return hashes[i].alg;
	return -1;
}

/*
 * Whether alg is the PSKC algorithm name (totp, hotp): RFC 6030's form
 * URN_PSKC ":totp", or URN_PSKC "#totp" of the algorithm-profiles draft
 * that token vendors' files still carry; in any case, as other PSKC
 * readers compare them.
 */
static int
alg_is(const char *alg, const char *name)
{
	size_t	n = sizeof(URN_PSKC) - 1;

	return alg != NULL && strncasecmp(alg, URN_PSKC, n) == 0 &&
	    (alg[n] == ':' || alg[n] == '#') &&
	    strcasecmp(alg + n + 1, name) == 0;
}

/*
 * RFC 6030 5: a key whose Policy does not let it be used for OTP now
 * must not be used.  pam_mfa checks neither a PIN nor dates at login,
 * so the key is refused here: when its KeyUsage leaves out OTP, when
 * the server must check a PIN with each code (PINUsageMode other than
 * Local: every code alone would fail), or outside StartDate..ExpiryDate.
 * NULL: the policy allows the import.
 */
static const char *
policy_why(pskc_key_t *key, time_t now)
{
	const struct tm	*tm;
	struct tm	 t;
	int		 present = 0, usages;

	usages = pskc_get_key_policy_keyusages(key, &present);
	if (present && (usages & PSKC_KEYUSAGE_OTP) == 0)
		return N_("its policy's KeyUsage does not include OTP");
	present = 0;
	if (pskc_get_key_policy_pinusagemode(key, &present) !=
	    PSKC_PINUSAGEMODE_LOCAL && present)
		return N_("its PIN policy sends a PIN with the code "
		    "(PINUsageMode not Local): pam_mfa cannot check it");
	if ((tm = pskc_get_key_policy_startdate(key)) != NULL) {
		t = *tm;
		if (timegm(&t) > now)
			return N_("its policy's StartDate is still to come");
	}
	if ((tm = pskc_get_key_policy_expirydate(key)) != NULL) {
		t = *tm;
		if (timegm(&t) <= now)
			return N_("its policy's ExpiryDate has passed");
	}
	return NULL;
}

static int
check_key(pskc_key_t *key, struct pskc_entry *e, time_t now)
{
	const char	*alg, *serial, *secret, *why;
	size_t		 len = 0;
	uint32_t	 v;
	int		 present = 0;

	memset(e, 0, sizeof(*e));
	serial = pskc_get_device_serialno(key);
	if (serial != NULL && pskc_serial_ok(serial))
		memcpy(e->serial, serial, strlen(serial) + 1);
	alg = pskc_get_key_algorithm(key);
	if (serial == NULL)
		return reject(e, N_("no serial number"));
	if (e->serial[0] == '\0')
		return reject(e, N_("serial number not 1..48 printable "
		    "characters without spaces or '='"));
	if (alg_is(alg, "hotp"))
		return reject(e, N_("event-based HOTP key: pam_mfa does "
		    "time-based TOTP only"));
	if (!alg_is(alg, "totp"))
		return reject(e, N_("algorithm is not "
		    "urn:ietf:params:xml:ns:keyprov:pskc:totp"));
	if ((why = policy_why(key, now)) != NULL)
		return reject(e, why);
	if ((e->algorithm = suite_hash(pskc_get_key_algparm_suite(key))) ==
	    -1)
		return reject(e, N_("suite is not HMAC-SHA1, HMAC-SHA256 or "
		    "HMAC-SHA512"));
	v = pskc_get_key_algparm_resp_length(key, &present);
	e->digits = present ? v : DEFAULT_DIGITS;
	if (e->digits < 6 || e->digits > MFA_CODE_MAX)
		return reject(e, N_("response length not 6..8 digits"));
	present = 0;
	if (pskc_get_key_algparm_resp_encoding(key, &present) !=
	    PSKC_VALUEFORMAT_DECIMAL && present)
		return reject(e, N_("response encoding is not DECIMAL"));
	present = 0;
	v = pskc_get_key_data_timeinterval(key, &present);
	e->period = present ? v : DEFAULT_PERIOD;
	if (e->period < 1 || e->period > PERIOD_MAX)
		return reject(e, N_("time interval not 1..3600 seconds"));
	if ((secret = pskc_get_key_data_secret(key, &len)) == NULL)
		return reject(e, N_("no secret (Data/Secret/PlainValue)"));
	if (len < SECRET_MIN || len > sizeof(e->secret))
		return reject(e, N_("secret not 10..64 bytes"));
	memcpy(e->secret, secret, len);
	e->secret_len = len;
	e->ok = 1;
	return 0;
}

/* A key package's serial number, to sort them. */
struct serial_ref {
	const char	*serial;
	size_t		 entry;		/* index in the entries */
};

static int
serial_cmp(const void *a, const void *b)
{
	const struct serial_ref	*x = a, *y = b;

	return strcmp(x->serial, y->serial);
}

/*
 * A serial number in more than one key package: --assign SERIAL=USER
 * cannot say which key the token holds (one may be of a token the user
 * does not have), so none of them is imported.  -1: out of memory.
 */
static int
reject_repeated_serials(struct pskc_entry *e, size_t n)
{
	struct serial_ref	*p;
	size_t			 i, j, k;

	if ((p = calloc(n, sizeof(*p))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		p[i].serial = e[i].serial;
		p[i].entry = i;
	}
	qsort(p, n, sizeof(*p), serial_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n &&
		    strcmp(p[i].serial, p[j].serial) == 0; j++)
			continue;
		if (j - i < 2 || p[i].serial[0] == '\0')
			continue;
		for (k = i; k < j; k++)
			(void)reject(&e[p[k].entry], N_("serial number in more "
			    "than one key package: which key the token holds "
			    "is ambiguous"));
	}
	free(p);
	return 0;
}

int
import_pskc_load(const char *buf, size_t len, struct pskc_entry **out,
    size_t *n, char *why, size_t whylen, unsigned *line)
{
	pskc_t			*c = NULL;
	pskc_key_t		*key;
	struct pskc_entry	*e = NULL;
	struct tree_err		 te;
	size_t			 i, count = 0;
	time_t			 now = time(NULL);
	int			 r = -1, pr;

	*line = 0;
	if (pskc_global_init() != PSKC_OK) {
		(void)snprintf(why, whylen, "%s", N_("libpskc cannot start"));
		return -1;
	}
	if (tree_precheck(buf, len, &te) != 0) {
		(void)snprintf(why, whylen, "%s", te.why);
		*line = te.line;
		goto out;
	}
	if (pskc_init(&c) != PSKC_OK) {
		(void)snprintf(why, whylen, "%s", N_("out of memory"));
		goto out;
	}
	xmlSetStructuredErrorFunc(NULL, xml_error_drop);
	pr = pskc_parse_from_memory(c, len, buf);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (pr != PSKC_OK) {
		(void)snprintf(why, whylen, "%s", N_("not a PSKC (RFC 6030) "
		    "KeyContainer"));
		goto out;
	}
	while (count <= PSKC_KEYS_MAX && pskc_get_keypackage(c, count) !=
	    NULL)
		count++;
	if (count == 0 || count > PSKC_KEYS_MAX) {
		(void)snprintf(why, whylen, "%s", count == 0 ?
		    N_("no key package") : N_("more than 10000 key packages"));
		goto out;
	}
	if ((e = calloc(count, sizeof(*e))) == NULL) {
		(void)snprintf(why, whylen, "%s", N_("out of memory"));
		goto out;
	}
	for (i = 0; i < count; i++) {
		key = pskc_get_keypackage(c, i);
		(void)check_key(key, &e[i], now);
	}
	if (reject_repeated_serials(e, count) == -1) {
		(void)snprintf(why, whylen, "%s", N_("out of memory"));
		goto out;
	}
	*out = e;
	*n = count;
	e = NULL;
	r = 0;
out:
	/* libpskc keeps the secrets in its own memory until pskc_done. */
	if (c != NULL)
		pskc_done(c);
	pskc_global_done();
	import_pskc_free(&e, count);
	return r;
}

void
import_pskc_free(struct pskc_entry **entries, size_t n)
{
	if (entries == NULL || *entries == NULL)
		return;
	explicit_bzero(*entries, n * sizeof(**entries));
	free(*entries);
	*entries = NULL;
}
