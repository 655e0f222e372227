/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The credentials file's text format (pam_mfa-store(5)): a strict
 * parser of the file into struct mfa_user and its serialiser.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define STORE_MAGIC	"pam_mfa-store"
#define LINE_MAX_LEN	4096	/* a fido2 record with the largest ids,
				   20 recovery and 10 scratch hashes of
				   the largest size */
#define TOKENS_MAX	16
#define SECRET_MIN	10	/* bytes: 80 bits, the oldest apps' size */
#define PERIOD_MAX	3600

/* Keys of every record, each required exactly once (parse_record). */
#define C_STATUS	0x001
#define C_CREATED	0x002
#define C_LABEL		0x004

/* Keys of a totp record, each required exactly once. */
#define K_ALG		0x008
#define K_DIGITS	0x010
#define K_PERIOD	0x020
#define K_SECRET	0x040
#define K_ALL		0x07f

/* Keys of a fido2 record, each required exactly once. */
#define F_ALG		0x008
#define F_CREDID	0x010
#define F_PUBKEY	0x020
#define F_AAGUID	0x040
#define F_UV		0x080
#define F_UP		0x100
#define F_ALL		0x1ff

/* Keys of a recovery record, each required exactly once. */
#define R_HASHES	0x008
#define R_SCRATCH	0x010	/* optional, like hashes: one of them */
#define R_ALL		0x007

/* Encoded sizes of the largest FIDO2 fields. */
#define CREDID_B64_MAX	(4 * ((MFA_FIDO2_CREDID_MAX + 2) / 3) + 1)
#define PUBKEY_B64_MAX	(4 * ((MFA_FIDO2_PUBKEY_MAX + 2) / 3) + 1)

struct outbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static int out_add(struct outbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
out_add(struct outbuf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		return MFA_ERR_TOOBIG;
	b->len += (size_t)n;
	return MFA_OK;
}

int
store_label_ok(const char *label)
{
	size_t	i, n = strnlen(label, MFA_LABEL_MAX + 1);

	if (n == 0 || n > MFA_LABEL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] < 0x20 ||
		    (unsigned char)label[i] == 0x7f)
			return 0;
	return 1;
}

int
mfa_label_check(const char *label)
{
	return label != NULL && store_label_ok(label) ? MFA_OK :
	    MFA_ERR_INVAL;
}

static int
parse_status(const char *val, int *status)
{
	if (strcmp(val, "pending") == 0)
		*status = MFA_STATUS_PENDING;
	else if (strcmp(val, "active") == 0)
		*status = MFA_STATUS_ACTIVE;
	else
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

static int
parse_flag(const char *val, int *flag)
{
	if (strcmp(val, "0") == 0)
		*flag = 0;
	else if (strcmp(val, "1") == 0)
		*flag = 1;
	else
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

/*
 * One KEY=VALUE of a record, the keys that are not every record's:
 * *bit gets the key's bit; MFA_ERR_FORMAT for a key the record does not
 * have or a malformed value.
 */
typedef int field_fn(struct mfa_cred *c, const char *key, char *val,
    unsigned *bit);

/*
 * "TYPE ID KEY=VALUE...": the id, then every pair, each key at most
 * once: status, created and label here, the record's own keys by fn.
 * *seen gets the bits of the keys present.
 */
static int
parse_record(struct mfa_cred *c, char **tok, int ntok, int type,
    field_fn *fn, unsigned *seen)
{
	unsigned	 bit;
	char		*key, *val;
	long long	 v;
	int		 i;

	*seen = 0;
	if (parse_canon(tok[1], 1, UINT_MAX, &v) != MFA_OK)
		return MFA_ERR_FORMAT;
	c->id = (unsigned)v;
	c->type = type;
	for (i = 2; i < ntok; i++) {
		key = tok[i];
		if ((val = strchr(key, '=')) == NULL)
			return MFA_ERR_FORMAT;
		*val++ = '\0';
		if (strcmp(key, "status") == 0) {
			bit = C_STATUS;
			if (parse_status(val, &c->status) != MFA_OK)
				return MFA_ERR_FORMAT;
		} else if (strcmp(key, "created") == 0) {
			bit = C_CREATED;
			if (parse_canon(val, 0, LLONG_MAX, &v) != MFA_OK)
				return MFA_ERR_FORMAT;
			c->created = v;
		} else if (strcmp(key, "label") == 0) {
			bit = C_LABEL;
			if (uri_pct_decode(val, c->label, sizeof(c->label)) !=
			    MFA_OK || !store_label_ok(c->label))
				return MFA_ERR_FORMAT;
		} else if (fn(c, key, val, &bit) != MFA_OK)
			return MFA_ERR_FORMAT;
		if (*seen & bit)
			return MFA_ERR_FORMAT;
		*seen |= bit;
	}
	return MFA_OK;
}

static int
fido2_field(struct mfa_cred *c, const char *key, char *val, unsigned *bit)
{
	size_t	n;

	if (strcmp(key, "alg") == 0) {
		*bit = F_ALG;
		return fido2_alg_parse(val, &c->fido2_alg);
	}
	if (strcmp(key, "credid") == 0) {
		*bit = F_CREDID;
		if (b64_decode(val, 1, c->credid, sizeof(c->credid), &n) !=
		    MFA_OK || n == 0)
			return MFA_ERR_FORMAT;
		c->credid_len = n;
		return MFA_OK;
	}
	if (strcmp(key, "pubkey") == 0) {
		*bit = F_PUBKEY;
		if (b64_decode(val, 0, c->pubkey, sizeof(c->pubkey), &n) !=
		    MFA_OK || n == 0)
			return MFA_ERR_FORMAT;
		c->pubkey_len = n;
		return MFA_OK;
	}
	if (strcmp(key, "aaguid") == 0) {
		*bit = F_AAGUID;
		if (hex_decode(val, c->aaguid, sizeof(c->aaguid)) != MFA_OK)
			return MFA_ERR_FORMAT;
		memcpy(c->aaguid_hex, val, sizeof(c->aaguid_hex));
		return MFA_OK;
	}
	if (strcmp(key, "uv") == 0) {
		*bit = F_UV;
		return parse_flag(val, &c->reg_uv);
	}
	if (strcmp(key, "up") == 0) {
		*bit = F_UP;
		return parse_flag(val, &c->reg_up);
	}
	return MFA_ERR_FORMAT;
}

/*
 * fido2 ID status=S alg=A created=T label=L credid=B64URL pubkey=B64
 * aaguid=HEX uv=0|1 up=0|1
 */
static int
parse_fido2(struct mfa_cred *c, char **tok, int ntok)
{
	unsigned	seen;

	if (ntok != 11 || parse_record(c, tok, ntok, MFA_CRED_FIDO2,
	    fido2_field, &seen) != MFA_OK || seen != F_ALL)
		return MFA_ERR_FORMAT;
	/*
	 * The key must have the DER framing of the algorithm named; the
	 * full check ran when it entered the store and runs again when a
	 * login loads it.
	 */
	return fido2_pubkey_shape(c->fido2_alg, c->pubkey, c->pubkey_len);
}

/*
 * The comma-separated hashes of a recovery record, in slot order: 1 to
 * MFA_RECOVERY_MAX well-formed ones, no two alike.
 */
static int
parse_hashes(struct mfa_cred *c, char *val)
{
	char		*item, *comma;
	size_t		 n;
	unsigned	 i;

	c->rc_count = 0;
	for (item = val;; item = comma + 1) {
		if ((comma = strchr(item, ',')) != NULL)
			*comma = '\0';
		n = strlen(item);
		if (c->rc_count == MFA_RECOVERY_MAX || n == 0 ||
		    n > MFA_RECOVERY_HASH_MAX || !recovery_hash_ok(item))
			return MFA_ERR_FORMAT;
		for (i = 0; i < c->rc_count; i++)
			if (strcmp(c->rc_hash[i], item) == 0)
				return MFA_ERR_FORMAT;
		memcpy(c->rc_hash[c->rc_count++], item, n + 1);
		if (comma == NULL)
			return MFA_OK;
	}
}

/*
 * The comma-separated hashes of imported scratch codes: 1 to
 * MFA_SCRATCH_MAX, no two alike, all with the same setting.
 */
static int
parse_scratch(struct mfa_cred *c, char *val)
{
	char	*item, *comma;
	size_t	 n;

	c->sc_count = 0;
	for (item = val;; item = comma + 1) {
		if ((comma = strchr(item, ',')) != NULL)
			*comma = '\0';
		n = strlen(item);
		if (c->sc_count == MFA_SCRATCH_MAX || n == 0 ||
		    n > MFA_RECOVERY_HASH_MAX)
			return MFA_ERR_FORMAT;
		memcpy(c->sc_hash[c->sc_count++], item, n + 1);
		if (comma == NULL)
			break;
	}
	return recovery_scratch_ok(c) ? MFA_OK : MFA_ERR_FORMAT;
}

/*
 * recovery ID status=active created=T label=L [hashes=H,H,...]
 *     [scratch=H,H,...] (at least one of the two)
 */
static int
recovery_field(struct mfa_cred *c, const char *key, char *val,
    unsigned *bit)
{
	if (strcmp(key, "hashes") == 0) {
		*bit = R_HASHES;
		return parse_hashes(c, val);
	}
	if (strcmp(key, "scratch") == 0) {
		*bit = R_SCRATCH;
		return parse_scratch(c, val);
	}
	return MFA_ERR_FORMAT;
}

static int
parse_recovery(struct mfa_cred *c, char **tok, int ntok)
{
	unsigned	seen;

	if ((ntok != 6 && ntok != 7) || parse_record(c, tok, ntok,
	    MFA_CRED_RECOVERY, recovery_field, &seen) != MFA_OK)
		return MFA_ERR_FORMAT;
	/* Codes are usable as soon as they are shown. */
	if (c->status != MFA_STATUS_ACTIVE)
		return MFA_ERR_FORMAT;
	return (seen & R_ALL) == R_ALL && (seen & (R_HASHES | R_SCRATCH)) ?
	    MFA_OK : MFA_ERR_FORMAT;
}

/* totp ID status=S alg=A digits=D period=P created=T label=L secret=B32 */
static int
totp_field(struct mfa_cred *c, const char *key, char *val, unsigned *bit)
{
	long long	v;
	size_t		n;
	int		a;

	if (strcmp(key, "alg") == 0) {
		*bit = K_ALG;
		for (a = MFA_TOTP_SHA1; a <= MFA_TOTP_SHA512; a++)
			if (strcmp(val, mfa_totp_algorithm_name(a)) == 0) {
				c->algorithm = a;
				return MFA_OK;
			}
		return MFA_ERR_FORMAT;
	}
	if (strcmp(key, "digits") == 0) {
		*bit = K_DIGITS;
		if (parse_canon(val, 6, MFA_CODE_MAX, &v) != MFA_OK)
			return MFA_ERR_FORMAT;
		c->digits = (unsigned)v;
		return MFA_OK;
	}
	if (strcmp(key, "period") == 0) {
		*bit = K_PERIOD;
		if (parse_canon(val, 1, PERIOD_MAX, &v) != MFA_OK)
			return MFA_ERR_FORMAT;
		c->period = (unsigned)v;
		return MFA_OK;
	}
	if (strcmp(key, "secret") == 0) {
		*bit = K_SECRET;
		if (base32_decode(val, c->secret, sizeof(c->secret), &n) !=
		    MFA_OK || n < SECRET_MIN) {
			wipe(c->secret, sizeof(c->secret));
			return MFA_ERR_FORMAT;
		}
		c->secret_len = n;
		return MFA_OK;
	}
	return MFA_ERR_FORMAT;
}

static int
parse_totp(struct mfa_cred *c, char **tok, int ntok)
{
	unsigned	seen;

	if (ntok != 9 || parse_record(c, tok, ntok, MFA_CRED_TOTP,
	    totp_field, &seen) != MFA_OK)
		return MFA_ERR_FORMAT;
	return seen == K_ALL ? MFA_OK : MFA_ERR_FORMAT;
}

int
store_parse(struct mfa_user *u, const char *buf, size_t len)
{
	struct mfa_cred	*creds = NULL;
	struct mfa_state_cred *sc;
	char		*line = NULL, *tok[TOKENS_MAX];
	const char	*p, *nl, *end;
	size_t		 ncreds = 0, ncap = 0, lineno, i;
	unsigned	 next_id = 0;
	long long	 v;
	int		 n, r, pr;

	if (u == NULL || (buf == NULL && len > 0))
		return MFA_ERR_INVAL;
	if (len > MFA_STORE_MAX)
		return MFA_ERR_TOOBIG;
	/* Empty, truncated (no final newline) or binary: malformed. */
	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\0', len))
		return MFA_ERR_FORMAT;
	/*
	 * Room for one credential per line after the three header lines,
	 * at most MFA_CREDS_MAX: a login touches (and wipes) only that.
	 */
	for (p = buf; p < buf + len && ncap < MFA_CREDS_MAX + 3; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		ncap++;
	}
	ncap = ncap > 3 ? ncap - 3 : 1;
	if (ncap > MFA_CREDS_MAX)
		ncap = MFA_CREDS_MAX;
	if ((creds = calloc(ncap, sizeof(*creds))) == NULL ||
	    (line = malloc(LINE_MAX_LEN)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	r = MFA_ERR_FORMAT;
	end = buf + len;
	for (p = buf, lineno = 0; p < end; p = nl + 1, lineno++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if ((n = tokenize_line(p, (size_t)(nl - p), line, LINE_MAX_LEN,
		    tok, TOKENS_MAX)) < 0)
			goto out;
		if (lineno == 0) {
			if (n != 2 || strcmp(tok[0], STORE_MAGIC) != 0 ||
			    parse_canon(tok[1], 0, INT_MAX, &v) != MFA_OK)
				goto out;
			if (v != MFA_STORE_VERSION) {
				r = MFA_ERR_VERSION;
				goto out;
			}
		} else if (lineno == 1) {
			if (n != 2 || strcmp(tok[0], "user") != 0 ||
			    strcmp(tok[1], u->name) != 0)
				goto out;
		} else if (lineno == 2) {
			if (n != 2 || strcmp(tok[0], "next-id") != 0 ||
			    parse_canon(tok[1], 1, UINT_MAX, &v) != MFA_OK)
				goto out;
			next_id = (unsigned)v;
		} else if (strcmp(tok[0], "totp") == 0 ||
		    strcmp(tok[0], "fido2") == 0 ||
		    strcmp(tok[0], "recovery") == 0) {
			if (ncreds == ncap)
				goto out;
			if (tok[0][0] == 't')
				pr = parse_totp(&creds[ncreds], tok, n);
			else if (tok[0][0] == 'f')
				pr = parse_fido2(&creds[ncreds], tok, n);
			else
				pr = parse_recovery(&creds[ncreds], tok, n);
			if (pr != MFA_OK)
				goto out;
			for (i = 0; i < ncreds; i++) {
				if (creds[i].id == creds[ncreds].id)
					goto out;
				/* One set of recovery codes per user. */
				if (creds[i].type == MFA_CRED_RECOVERY &&
				    creds[ncreds].type == MFA_CRED_RECOVERY)
					goto out;
				/* One key registered twice: a corrupt file. */
				if (creds[i].type == MFA_CRED_FIDO2 &&
				    creds[ncreds].type == MFA_CRED_FIDO2 &&
				    creds[i].credid_len ==
				    creds[ncreds].credid_len &&
				    ct_equal(creds[i].credid,
				    creds[ncreds].credid,
				    creds[i].credid_len))
					goto out;
			}
			if (creds[ncreds].id >= next_id)
				goto out;
			ncreds++;
		} else
			goto out;	/* unknown record type */
	}
	if (lineno < 3)
		goto out;
	for (i = 0; i < ncreds; i++) {
		if (creds[i].type != MFA_CRED_FIDO2)
			continue;
		sc = state_cred(&u->state, creds[i].id, 0);
		creds[i].counter = sc != NULL ? sc->counter : 0;
	}
	/* Entries from u->ncreds on are zero (every removal wipes). */
	wipe(u->creds, (u->ncreds < MFA_CREDS_MAX ? u->ncreds :
	    MFA_CREDS_MAX) * sizeof(u->creds[0]));
	memcpy(u->creds, creds, ncreds * sizeof(*creds));
	u->ncreds = ncreds;
	u->next_id = next_id;
	r = MFA_OK;
out:
	if (creds != NULL) {
		wipe(creds, ncap * sizeof(*creds));
		free(creds);
	}
	if (line != NULL) {
		wipe(line, LINE_MAX_LEN);
		free(line);
	}
	return r;
}

/* What parse_recovery() accepts. */
static int
recovery_set_ok(const struct mfa_cred *c)
{
	unsigned	i, j;

	if (c->status != MFA_STATUS_ACTIVE || c->rc_count > MFA_RECOVERY_MAX ||
	    c->sc_count > MFA_SCRATCH_MAX ||
	    c->rc_count + c->sc_count == 0)
		return 0;
	if (c->sc_count > 0 && !recovery_scratch_ok(c))
		return 0;
	for (i = 0; i < c->rc_count; i++) {
		if (strnlen(c->rc_hash[i], sizeof(c->rc_hash[i])) >
		    MFA_RECOVERY_HASH_MAX || !recovery_hash_ok(c->rc_hash[i]))
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(c->rc_hash[i], c->rc_hash[j]) == 0)
				return 0;
	}
	return 1;
}

static int
format_recovery(struct outbuf *b, const struct mfa_cred *c,
    const char *label)
{
	unsigned	i;
	int		r;

	if ((r = out_add(b, "recovery %u status=active created=%lld "
	    "label=%s", c->id, (long long)c->created, label)) != MFA_OK)
		return r;
	for (i = 0; i < c->rc_count; i++)
		if ((r = out_add(b, "%s%s", i == 0 ? " hashes=" : ",",
		    c->rc_hash[i])) != MFA_OK)
			return r;
	for (i = 0; i < c->sc_count; i++)
		if ((r = out_add(b, "%s%s", i == 0 ? " scratch=" : ",",
		    c->sc_hash[i])) != MFA_OK)
			return r;
	return out_add(b, "\n");
}

static int
cred_ok(const struct mfa_cred *c, unsigned next_id)
{
	if (c->id == 0 || c->id >= next_id || !store_label_ok(c->label) ||
	    c->created < 0 || (c->status != MFA_STATUS_PENDING &&
	    c->status != MFA_STATUS_ACTIVE))
		return 0;
	switch (c->type) {
	case MFA_CRED_TOTP:
		return c->secret_len >= SECRET_MIN &&
		    c->secret_len <= sizeof(c->secret) &&
		    c->digits >= 6 && c->digits <= MFA_CODE_MAX &&
		    c->period > 0 && c->period <= PERIOD_MAX &&
		    c->algorithm >= MFA_TOTP_SHA1 &&
		    c->algorithm <= MFA_TOTP_SHA512;
	case MFA_CRED_FIDO2:
		return fido2_alg_name(c->fido2_alg) != NULL &&
		    c->credid_len > 0 && c->credid_len <= sizeof(c->credid) &&
		    (c->reg_uv == 0 || c->reg_uv == 1) &&
		    (c->reg_up == 0 || c->reg_up == 1) &&
		    fido2_pubkey_shape(c->fido2_alg, c->pubkey,
		    c->pubkey_len) == MFA_OK;
	case MFA_CRED_RECOVERY:
		return recovery_set_ok(c);
	default:
		return 0;
	}
}

static int
format_fido2(struct outbuf *b, const struct mfa_cred *c, const char *label)
{
	char	*credid = NULL, *pubkey = NULL;
	char	 aaguid[2 * MFA_AAGUID_LEN + 1];
	int	 r;

	if ((credid = malloc(CREDID_B64_MAX)) == NULL ||
	    (pubkey = malloc(PUBKEY_B64_MAX)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if ((r = b64_encode(c->credid, c->credid_len, 1, credid,
	    CREDID_B64_MAX)) != MFA_OK ||
	    (r = b64_encode(c->pubkey, c->pubkey_len, 0, pubkey,
	    PUBKEY_B64_MAX)) != MFA_OK ||
	    (r = hex_encode(c->aaguid, sizeof(c->aaguid), aaguid,
	    sizeof(aaguid))) != MFA_OK)
		goto out;
	r = out_add(b, "fido2 %u status=%s alg=%s created=%lld label=%s "
	    "credid=%s pubkey=%s aaguid=%s uv=%d up=%d\n", c->id,
	    c->status == MFA_STATUS_ACTIVE ? "active" : "pending",
	    fido2_alg_name(c->fido2_alg), (long long)c->created, label,
	    credid, pubkey, aaguid, c->reg_uv, c->reg_up);
out:
	free(credid);
	free(pubkey);
	return r;
}

int
store_format(const struct mfa_user *u, char **out, size_t *outlen)
{
	const struct mfa_cred	*c;
	struct outbuf		 b;
	char			 label[3 * MFA_LABEL_MAX + 1];
	char			 secret[8 * ((MFA_SECRET_MAX + 4) / 5) + 1];
	size_t			 i;
	int			 r;

	if (u == NULL || out == NULL || outlen == NULL ||
	    u->ncreds > MFA_CREDS_MAX)
		return MFA_ERR_INVAL;
	memset(secret, 0, sizeof(secret));
	b.len = 0;
	b.cap = MFA_STORE_MAX;
	if ((b.p = malloc(b.cap)) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = out_add(&b, "%s %d\nuser %s\nnext-id %u\n", STORE_MAGIC,
	    MFA_STORE_VERSION, u->name, u->next_id)) != MFA_OK)
		goto out;
	for (i = 0; i < u->ncreds; i++) {
		c = &u->creds[i];
		if (!cred_ok(c, u->next_id)) {
			r = MFA_ERR_INVAL;
			goto out;
		}
		if ((r = uri_pct_encode(c->label, label, sizeof(label))) !=
		    MFA_OK)
			goto out;
		if (c->type == MFA_CRED_FIDO2) {
			if ((r = format_fido2(&b, c, label)) != MFA_OK)
				goto out;
			continue;
		}
		if (c->type == MFA_CRED_RECOVERY) {
			if ((r = format_recovery(&b, c, label)) != MFA_OK)
				goto out;
			continue;
		}
		if ((r = base32_encode(c->secret, c->secret_len, secret,
		    sizeof(secret))) != MFA_OK)
			goto out;
		if ((r = out_add(&b, "totp %u status=%s alg=%s digits=%u "
		    "period=%u created=%lld label=%s secret=%s\n", c->id,
		    c->status == MFA_STATUS_ACTIVE ? "active" : "pending",
		    mfa_totp_algorithm_name(c->algorithm), c->digits,
		    c->period, (long long)c->created, label, secret)) !=
		    MFA_OK)
			goto out;
	}
	*out = b.p;
	*outlen = b.len;
	b.p = NULL;
	r = MFA_OK;
out:
	wipe(secret, sizeof(secret));
	if (b.p != NULL) {
		wipe(b.p, b.cap);
		free(b.p);
	}
	return r;
}
