/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Recovery codes: one-time codes that stand in for the second factor.
 *
 * A code is 12 characters in three groups, "A7QH-2MFD-XW9P".  The first
 * character is a slot letter (A, B, C, ... for the first, second, third
 * code of the set) and selects the one stored hash to check, so a
 * login costs one slow hash however many codes are left.  The other 11
 * characters are uniformly random over a 31-symbol alphabet without the
 * look-alikes 0, O, 1, I, L (log2(31) * 11 = 54.5 bits).  A code always
 * contains a letter, so it cannot be mistaken for a TOTP code.
 *
 * The credentials file keeps one "recovery" record per user with the
 * yescrypt hash of every code (libcrypt); the state file keeps which
 * are used, as a bit mask in the record's "counter", so consuming a
 * code is an in-place state write that works on a full disk.
 *
 * The same record may hold up to 10 legacy numeric codes: the 8-digit
 * scratch codes of an imported google-authenticator file ("scratch"
 * key; used marks from bit MFA_SCRATCH_BIT0).  Those have no slot
 * letter, so they all share one salt: a typed 8-digit code costs one
 * hash, compared with each of them.  An 8-digit reply is taken for one
 * only when the user has unused ones and no active 8-digit TOTP
 * credential, so it can never be that user's TOTP code.
 */
#include "config.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "internal.h"

/* The code alphabet: 2-9 and A-Z without I, L, O. */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define ALPHABET_LEN	(sizeof(code_alphabet) - 1)	/* 31 */
/* Slot letters, one per code of a set (MFA_RECOVERY_MAX of them). */
static const char slot_letters[] = "ABCDEFGHJKMNPQRSTUVW";

#define GROUP_LEN	4
#define HASH_PREFIX	"$y$"
#define HASH_TAIL_LEN	43	/* yescrypt's 256-bit result, crypt base64 */
#define DEFAULT_LABEL	"recovery"

_Static_assert(sizeof(slot_letters) - 1 == MFA_RECOVERY_MAX,
    "one slot letter per code");
_Static_assert(MFA_RECOVERY_MAX <= MFA_SCRATCH_BIT0 &&
    MFA_SCRATCH_BIT0 + MFA_SCRATCH_MAX <= 64,
    "used marks fit the state counter");
_Static_assert(MFA_SCRATCH_LEN <= MFA_CODE_MAX, "normalised as a code");
_Static_assert(MFA_RECOVERY_LEN % GROUP_LEN == 0 &&
    RECOVERY_SHOWN_SIZE == MFA_RECOVERY_LEN + MFA_RECOVERY_LEN / GROUP_LEN,
    "whole groups");

static int
writable(const struct mfa_user *u)
{
	return u != NULL && (u->flags & MFA_OPEN_WRITE) != 0 &&
	    u->statefd >= 0;
}

static int
in_alphabet(char c)
{
	return c != '\0' && strchr(code_alphabet, c) != NULL;
}

static int
slot_of(char c, unsigned *slot)
{
	const char	*p;

	if (c == '\0' || (p = strchr(slot_letters, c)) == NULL)
		return MFA_ERR_CODEFMT;
	*slot = (unsigned)(p - slot_letters);
	return MFA_OK;
}

int
recovery_normalize(const char *in, char *out, unsigned *slot)
{
	char		 buf[MFA_RECOVERY_LEN + 1];
	size_t		 i, n, o = 0;
	unsigned	 s;
	int		 r = MFA_ERR_CODEFMT;

	if (in == NULL || out == NULL)
		return MFA_ERR_INVAL;
	n = strnlen(in, MFA_RECOVERY_INPUT_MAX + 1);
	if (n > MFA_RECOVERY_INPUT_MAX)
		goto out;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (o == MFA_RECOVERY_LEN || !in_alphabet(c))
			goto out;
		buf[o++] = c;
	}
	buf[o] = '\0';
	if (o != MFA_RECOVERY_LEN || slot_of(buf[0], &s) != MFA_OK)
		goto out;
	memcpy(out, buf, sizeof(buf));
	if (slot != NULL)
		*slot = s;
	r = MFA_OK;
out:
	wipe(buf, sizeof(buf));
	return r;
}

int
mfa_recovery_code_like(const char *s)
{
	char	norm[MFA_RECOVERY_LEN + 1];
	int	r;

	r = recovery_normalize(s, norm, NULL) == MFA_OK;
	wipe(norm, sizeof(norm));
	return r;
}

static int
b64_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '/';
}

/*
 * "$y$PARAMS$SALT$HASH": each field non-empty crypt base64, the hash
 * 43 characters.  What libcrypt makes; it checks the fields' meaning.
 */
int
recovery_hash_ok(const char *h)
{
	size_t	i, n, field = 0, flen = 0;

	if (h == NULL)
		return 0;
	n = strnlen(h, MFA_RECOVERY_HASH_MAX + 1);
	if (n > MFA_RECOVERY_HASH_MAX ||
	    strncmp(h, HASH_PREFIX, sizeof(HASH_PREFIX) - 1) != 0)
		return 0;
	for (i = sizeof(HASH_PREFIX) - 1; i < n; i++) {
		if (h[i] == '$') {
			if (flen == 0 || ++field > 2)
				return 0;
			flen = 0;
		} else if (b64_char(h[i]))
			flen++;
		else
			return 0;
	}
	return field == 2 && flen == HASH_TAIL_LEN;
}

/* The user's set of recovery codes, or NULL. */
static const struct mfa_cred *
recovery_cred(const struct mfa_user *u)
{
	size_t	i;

	for (i = 0; i < u->ncreds; i++)
		if (u->creds[i].type == MFA_CRED_RECOVERY &&
		    u->creds[i].status == MFA_STATUS_ACTIVE &&
		    (u->creds[i].rc_count > 0 || u->creds[i].sc_count > 0))
			return &u->creds[i];
	return NULL;
}

/* The used marks of set c (a state lookup that needs no write access). */
static uint64_t
used_mask(const struct mfa_user *u, const struct mfa_cred *c)
{
	size_t	i;

	for (i = 0; i < u->state.ncreds && i < MFA_CREDS_MAX; i++)
		if (u->state.creds[i].id == c->id)
			return u->state.creds[i].counter;
	return 0;
}

static unsigned
unused_count(const struct mfa_cred *c, uint64_t used)
{
	unsigned	i, n = 0;

	for (i = 0; i < c->rc_count; i++)
		if ((used & ((uint64_t)1 << i)) == 0)
			n++;
	for (i = 0; i < c->sc_count; i++)
		if ((used & ((uint64_t)1 << (MFA_SCRATCH_BIT0 + i))) == 0)
			n++;
	return n;
}

/* Bytes of h up to its last '$': the setting (cost and salt). */
static size_t
setting_len(const char *h)
{
	const char	*p = strrchr(h, '$');

	return p == NULL ? 0 : (size_t)(p - h) + 1;
}

int
recovery_scratch_ok(const struct mfa_cred *c)
{
	size_t		slen;
	unsigned	i, j;

	if (c == NULL || c->sc_count == 0 || c->sc_count > MFA_SCRATCH_MAX)
		return 0;
	for (i = 0; i < c->sc_count; i++)
		if (strnlen(c->sc_hash[i], sizeof(c->sc_hash[i])) >
		    MFA_RECOVERY_HASH_MAX || !recovery_hash_ok(c->sc_hash[i]))
			return 0;
	slen = setting_len(c->sc_hash[0]);
	for (i = 0; i < c->sc_count; i++) {
		if (setting_len(c->sc_hash[i]) != slen ||
		    strncmp(c->sc_hash[i], c->sc_hash[0], slen) != 0)
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(c->sc_hash[i], c->sc_hash[j]) == 0)
				return 0;
	}
	return 1;
}

/* Whether u has an active TOTP credential with 8-digit codes. */
static int
has_totp8(const struct mfa_user *u)
{
	size_t	i;

	for (i = 0; i < u->ncreds; i++)
		if (u->creds[i].type == MFA_CRED_TOTP &&
		    u->creds[i].status == MFA_STATUS_ACTIVE &&
		    u->creds[i].digits == MFA_SCRATCH_LEN)
			return 1;
	return 0;
}

/*
 * Whether an 8-digit reply is a scratch code for u (set c): u has
 * unused ones and no TOTP code it could be.
 */
static int
scratch_applies(const struct mfa_user *u, const struct mfa_cred *c)
{
	uint64_t	used;
	unsigned	i;

	if (c == NULL || c->sc_count == 0 || has_totp8(u))
		return 0;
	used = used_mask(u, c);
	for (i = 0; i < c->sc_count; i++)
		if ((used & ((uint64_t)1 << (MFA_SCRATCH_BIT0 + i))) == 0)
			return 1;
	return 0;
}

unsigned
mfa_user_recovery_remaining(const mfa_user_t *user)
{
	const struct mfa_cred	*c;

	if (user == NULL || (c = recovery_cred(user)) == NULL)
		return 0;
	return unused_count(c, used_mask(user, c));
}

void
mfa_recovery_codes_free(char ***codes, unsigned count)
{
	unsigned	i;

	if (codes == NULL || *codes == NULL)
		return;
	for (i = 0; i < count; i++)
		mfa_secret_free(&(*codes)[i]);
	free(*codes);
	*codes = NULL;
}

/*
 * Random bytes are cut to 5 bits and 31 is rejected, so every symbol
 * is equally likely (no modulo bias).
 */
int
recovery_code_make(unsigned slot, char *norm, char *disp)
{
	unsigned char	rnd[32];
	size_t		i, o, used = sizeof(rnd);
	unsigned	v;
	int		r;

	if (slot >= MFA_RECOVERY_MAX || norm == NULL || disp == NULL)
		return MFA_ERR_INVAL;
	norm[0] = slot_letters[slot];
	for (i = 1; i < MFA_RECOVERY_LEN; ) {
		if (used == sizeof(rnd)) {
			if ((r = random_bytes(rnd, sizeof(rnd))) != MFA_OK)
				goto out;
			used = 0;
		}
		v = rnd[used++] & 0x1f;
		if (v >= ALPHABET_LEN)
			continue;
		norm[i++] = code_alphabet[v];
	}
	norm[MFA_RECOVERY_LEN] = '\0';
	for (i = o = 0; i < MFA_RECOVERY_LEN; i++) {
		if (i > 0 && i % GROUP_LEN == 0)
			disp[o++] = '-';
		disp[o++] = norm[i];
	}
	disp[o] = '\0';
	r = MFA_OK;
out:
	wipe(rnd, sizeof(rnd));
	return r;
}

/* A fresh yescrypt setting in salt[CRYPT_GENSALT_OUTPUT_SIZE]. */
static int
new_setting(char *salt)
{
	/* Count 0: libcrypt's default cost; NULL: it gets the entropy. */
	if (crypt_gensalt_rn(HASH_PREFIX, 0, NULL, 0, salt,
	    CRYPT_GENSALT_OUTPUT_SIZE) == NULL)
		return MFA_ERR_CRYPTO;
	return MFA_OK;
}

/*
 * Hashes norm with setting (a fresh one when NULL) into
 * out[MFA_RECOVERY_HASH_MAX + 1].
 */
static int
code_hash(const char *norm, const char *setting, struct crypt_data *cd,
    char *out)
{
	char		 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char	*h;
	size_t		 n;

	if (setting == NULL) {
		if (new_setting(salt) != MFA_OK)
			return MFA_ERR_CRYPTO;
		setting = salt;
	}
	h = crypt_rn(norm, setting, cd, (int)sizeof(*cd));
	if (h == NULL || !recovery_hash_ok(h) ||
	    (n = strlen(h)) > MFA_RECOVERY_HASH_MAX)
		return MFA_ERR_CRYPTO;
	memcpy(out, h, n + 1);
	return MFA_OK;
}

int
mfa_user_recovery_generate(mfa_user_t *user, unsigned count, char ***codes)
{
	struct mfa_state_cred	*sc;
	struct mfa_cred		*c = NULL, *saved = NULL;
	struct crypt_data	*cd = NULL;
	char			 norm[MFA_RECOVERY_LEN + 1];
	char			**out = NULL;
	size_t			 i, idx;
	int			 r, replace;

	memset(norm, 0, sizeof(norm));
	if (!writable(user) || codes == NULL || count == 0 ||
	    count > MFA_RECOVERY_MAX)
		return MFA_ERR_INVAL;
	for (idx = 0; idx < user->ncreds; idx++)
		if (user->creds[idx].type == MFA_CRED_RECOVERY)
			break;
	replace = idx < user->ncreds;
	/* A new set counts as one credential; a replacement takes its place. */
	if ((!replace && user->ncreds >= MFA_CREDS_MAX) ||
	    user->next_id == UINT_MAX)
		return MFA_ERR_LIMIT;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (saved = calloc(1, sizeof(*saved))) == NULL ||
	    (cd = calloc(1, sizeof(*cd))) == NULL ||
	    (out = calloc(count, sizeof(*out))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	c->id = user->next_id;
	c->type = MFA_CRED_RECOVERY;
	c->status = MFA_STATUS_ACTIVE;
	/* A new set keeps the name the administrator gave the old one. */
	if (replace)
		memcpy(c->label, user->creds[idx].label, sizeof(c->label));
	else
		memcpy(c->label, DEFAULT_LABEL, sizeof(DEFAULT_LABEL));
	c->created = ctx_now(user->ctx);
	if (c->created < 0)
		c->created = 0;
	for (i = 0; i < count; i++) {
		if ((out[i] = calloc(1, RECOVERY_SHOWN_SIZE)) == NULL) {
			r = MFA_ERR_NOMEM;
			goto out;
		}
		if ((r = recovery_code_make((unsigned)i, norm,
		    out[i])) != MFA_OK ||
		    (r = code_hash(norm, NULL, cd, c->rc_hash[i])) != MFA_OK)
			goto out;
	}
	c->rc_count = count;

	/* A leftover state record with the new id must not mark codes used. */
	if ((sc = state_cred(&user->state, c->id, 0)) != NULL) {
		sc->last_step = 0;
		sc->counter = 0;
		sc->last_used = 0;
		if ((r = store_commit_state(user)) != MFA_OK)
			goto out;
	}

	if (replace) {
		*saved = user->creds[idx];
		user->creds[idx] = *c;
	} else
		user->creds[user->ncreds++] = *c;
	user->next_id++;
	if ((r = store_commit(user)) != MFA_OK) {
		/* Memory stays equal to the file, which kept the old set. */
		user->next_id--;
		if (replace)
			user->creds[idx] = *saved;
		else {
			user->ncreds--;
			wipe(&user->creds[user->ncreds],
			    sizeof(user->creds[0]));
		}
		goto out;
	}
	/*
	 * The old set's used marks go (store_commit_state() keeps them
	 * while a crash may bring the old set back); a failure here is
	 * harmless.
	 */
	if (replace && store_commit_state(user) != MFA_OK)
		mfa_log(user->ctx, LOG_WARNING, "user %s: stale state of "
		    "recovery codes %u kept", user->name, saved->id);
	mfa_log(user->ctx, LOG_NOTICE, "user %s: %u new recovery codes "
	    "(credential %u)%s", user->name, count, c->id,
	    !replace ? "" : saved->sc_count > 0 ? ", the old ones are void, "
	    "imported scratch codes too" : ", the old ones are void");
	*codes = out;
	out = NULL;
	r = MFA_OK;
out:
	wipe(norm, sizeof(norm));
	mfa_recovery_codes_free(&out, count);
	if (cd != NULL) {
		wipe(cd, sizeof(*cd));
		free(cd);
	}
	if (saved != NULL) {
		wipe(saved, sizeof(*saved));
		free(saved);
	}
	if (c != NULL) {
		wipe(c, sizeof(*c));
		free(c);
	}
	return r;
}

/* Counts a failed attempt durably; returns fail, or the write's error. */
static int
count_failure(struct mfa_user *u, int fail)
{
	int	r;

	if ((r = mfa_user_record_failure(u)) != MFA_OK)
		return r;
	return fail;
}

/*
 * Checks the letter code norm (position slot) against set c: *match,
 * *bit its used mark.  One hash; a slot past the end of the set still
 * costs one (against slot 0's salt), so the time taken tells nothing.
 */
static int
letter_match(const struct mfa_cred *c, const char *norm, unsigned slot,
    struct crypt_data *cd, int *match, uint64_t *bit)
{
	const char	*h, *want;
	size_t		 wlen;

	if (c->rc_count == 0) {
		*match = 0;
		*bit = 0;
		return MFA_OK;
	}
	want = c->rc_hash[slot < c->rc_count ? slot : 0];
	h = crypt_rn(norm, want, cd, (int)sizeof(*cd));
	if (h == NULL || h[0] != '$')
		return MFA_ERR_CRYPTO;
	wlen = strlen(want);
	*match = slot < c->rc_count && strlen(h) == wlen &&
	    ct_equal(h, want, wlen);
	*bit = (uint64_t)1 << slot;
	return MFA_OK;
}

/*
 * Checks the 8 digits against every scratch code of set c: they share
 * one setting, so one hash, compared with each (all of them, in
 * constant time).  *match, *bit as above.
 */
static int
scratch_match(const struct mfa_cred *c, const char *digits,
    struct crypt_data *cd, int *match, uint64_t *bit)
{
	const char	*h;
	size_t		 hlen;
	unsigned	 i, idx = 0;
	int		 eq, any = 0;

	h = crypt_rn(digits, c->sc_hash[0], cd, (int)sizeof(*cd));
	if (h == NULL || h[0] != '$')
		return MFA_ERR_CRYPTO;
	hlen = strlen(h);
	for (i = 0; i < c->sc_count; i++) {
		eq = strlen(c->sc_hash[i]) == hlen &&
		    ct_equal(h, c->sc_hash[i], hlen);
		any |= eq;
		idx = eq ? i : idx;
	}
	*match = any;
	*bit = (uint64_t)1 << (MFA_SCRATCH_BIT0 + idx);
	return MFA_OK;
}

int
mfa_user_recovery_verify(mfa_user_t *user, const char *code,
    unsigned *remaining)
{
	const struct mfa_cred	*c;
	struct mfa_state_cred	*sc;
	struct mfa_state	 saved;
	struct crypt_data	*cd = NULL;
	char			 norm[MFA_RECOVERY_LEN + 1];
	char			 digits[MFA_CODE_MAX + 1];
	uint64_t		 used, bit = 0;
	int64_t			 now;
	unsigned		 slot = 0, left;
	int			 r, match = 0, scratch;

	memset(norm, 0, sizeof(norm));
	memset(digits, 0, sizeof(digits));
	memset(&saved, 0, sizeof(saved));
	if (!writable(user) || code == NULL)
		return MFA_ERR_INVAL;
	if (ctx_config(user->ctx) == NULL)
		return MFA_ERR_CONFIG;
	now = ctx_now(user->ctx);
	c = recovery_cred(user);
	/*
	 * 8 digits are a scratch code only where they cannot be a TOTP
	 * code of the user; otherwise the caller takes them for one.
	 */
	scratch = mfa_code_normalize(code, MFA_SCRATCH_LEN, digits) == MFA_OK;
	if (scratch && !scratch_applies(user, c)) {
		r = MFA_ERR_NOTENROLLED;
		goto out;
	}
	/* Locked: refuse without looking at the code (not consumed). */
	if ((r = lockout_check(user, now)) != MFA_OK)
		goto out;
	if (c == NULL) {
		/*
		 * The slow hash a check of a set costs, so that the time
		 * taken does not tell that the user has none.
		 */
		if (!scratch && recovery_normalize(code, norm, NULL) == MFA_OK)
			(void)mfa_password_dummy(norm);
		r = MFA_ERR_NOTENROLLED;
		goto out;
	}
	if (!scratch && recovery_normalize(code, norm, &slot) != MFA_OK) {
		r = count_failure(user, MFA_ERR_CODEFMT);
		goto out;
	}
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (scratch)
		r = scratch_match(c, digits, cd, &match, &bit);
	else
		r = letter_match(c, norm, slot, cd, &match, &bit);
	if (r != MFA_OK) {
		mfa_log(user->ctx, LOG_ERR, "user %s: cannot hash a recovery "
		    "code", user->name);
		r = MFA_ERR_CRYPTO;	/* deny, not counted */
		goto out;
	}
	used = used_mask(user, c);
	if (!match) {
		r = count_failure(user, MFA_ERR_BADCODE);
		goto out;
	}
	if ((used & bit) != 0) {
		mfa_log(user->ctx, LOG_NOTICE, "user %s: a used %s code was "
		    "tried again", user->name, scratch ? "scratch" :
		    "recovery");
		r = count_failure(user, MFA_ERR_REPLAY);
		goto out;
	}

	saved = user->state;
	if ((sc = state_cred(&user->state, c->id, 1)) == NULL) {
		r = MFA_ERR_LIMIT;
		goto out;
	}
	sc->counter |= bit;
	sc->last_used = now < 0 ? 0 : now;
	lockout_success(user);
	/* Not durable, not accepted: otherwise the code could be reused. */
	if ((r = store_commit_state(user)) != MFA_OK) {
		user->state = saved;
		goto out;
	}
	left = unused_count(c, used | bit);
	mfa_log(user->ctx, LOG_NOTICE, "user %s: %s code used (%u left)",
	    user->name, scratch ? "imported scratch" : "recovery", left);
	if (remaining != NULL)
		*remaining = left;
	r = MFA_OK;
out:
	wipe(norm, sizeof(norm));
	wipe(digits, sizeof(digits));
	wipe(&saved, sizeof(saved));
	if (cd != NULL) {
		wipe(cd, sizeof(*cd));
		free(cd);
	}
	return r;
}

/* Adds the new ones of codes to set c (its hashes), counted in *added. */
static int
scratch_merge(struct mfa_cred *c, const char *codes, unsigned n,
    struct crypt_data *cd, unsigned *added)
{
	char		 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	char		 h[MFA_RECOVERY_HASH_MAX + 1];
	const char	*code;
	unsigned	 i, j;
	int		 r;

	*added = 0;
	if (c->sc_count == 0 && (r = new_setting(salt)) != MFA_OK)
		return r;
	for (i = 0; i < n; i++) {
		code = codes + (size_t)i * (MFA_SCRATCH_LEN + 1);
		if ((r = code_hash(code, c->sc_count > 0 ? c->sc_hash[0] :
		    salt, cd, h)) != MFA_OK)
			goto out;
		for (j = 0; j < c->sc_count; j++)
			if (strcmp(c->sc_hash[j], h) == 0)
				break;
		if (j < c->sc_count)
			continue;	/* imported before */
		if (c->sc_count == MFA_SCRATCH_MAX) {
			r = MFA_ERR_LIMIT;
			goto out;
		}
		memcpy(c->sc_hash[c->sc_count++], h, sizeof(h));
		(*added)++;
	}
	r = *added > 0 ? MFA_OK : MFA_ERR_EXCLUDED;
out:
	wipe(h, sizeof(h));
	return r;
}

int
recovery_scratch_import(struct mfa_user *u, const char *codes, unsigned n,
    const char *label, int flags, unsigned *id, unsigned *added)
{
	struct mfa_state_cred	*sc;
	struct mfa_state	 saved;
	struct mfa_cred		*c = NULL, *old = NULL;
	struct crypt_data	*cd = NULL;
	const char		*code;
	size_t			 idx;
	unsigned		 i, first = 0, nadded = 0;
	int			 r, fresh, dry;

	memset(&saved, 0, sizeof(saved));
	dry = (flags & MFA_IMPORT_DRYRUN) != 0;
	if (id == NULL || codes == NULL || n == 0 || n > MFA_SCRATCH_MAX ||
	    label == NULL || !store_label_ok(label))
		return MFA_ERR_INVAL;
	for (i = 0; i < n; i++) {
		code = codes + (size_t)i * (MFA_SCRATCH_LEN + 1);
		if (strspn(code, "0123456789") != MFA_SCRATCH_LEN ||
		    code[MFA_SCRATCH_LEN] != '\0')
			return MFA_ERR_INVAL;
	}
	*id = 0;
	if (added != NULL)
		*added = 0;
	if (u == NULL)
		return dry ? MFA_OK : MFA_ERR_INVAL;
	if (!dry && !writable(u))
		return MFA_ERR_INVAL;
	for (idx = 0; idx < u->ncreds; idx++)
		if (u->creds[idx].type == MFA_CRED_RECOVERY)
			break;
	fresh = idx == u->ncreds;
	if (fresh && (u->ncreds >= MFA_CREDS_MAX || u->next_id == UINT_MAX))
		return MFA_ERR_LIMIT;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (old = calloc(1, sizeof(*old))) == NULL ||
	    (cd = calloc(1, sizeof(*cd))) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	if (!fresh) {
		/* Kept with the recovery codes it has: both sets work. */
		*c = u->creds[idx];
		*old = u->creds[idx];
	} else {
		c->id = u->next_id;
		c->type = MFA_CRED_RECOVERY;
		c->status = MFA_STATUS_ACTIVE;
		memcpy(c->label, label, strlen(label) + 1);
		c->created = ctx_now(u->ctx);
		if (c->created < 0)
			c->created = 0;
	}
	first = c->sc_count;
	if ((r = scratch_merge(c, codes, n, cd, &nadded)) != MFA_OK) {
		if (r == MFA_ERR_EXCLUDED)
			mfa_log(u->ctx, LOG_WARNING, "user %s: the imported "
			    "scratch codes are in recovery codes %u already",
			    u->name, c->id);
		else if (r == MFA_ERR_LIMIT)
			mfa_log(u->ctx, LOG_WARNING, "user %s: more than %d "
			    "scratch codes", u->name, MFA_SCRATCH_MAX);
		goto out;
	}
	if (dry) {
		if (added != NULL)
			*added = nadded;
		r = MFA_OK;
		goto out;
	}

	/* No used mark may be left where the new codes go. */
	saved = u->state;
	if ((sc = state_cred(&u->state, c->id, 1)) == NULL) {
		u->state = saved;
		r = MFA_ERR_LIMIT;
		goto out;
	}
	for (i = first; i < c->sc_count; i++)
		sc->counter &= ~((uint64_t)1 << (MFA_SCRATCH_BIT0 + i));
	if (fresh) {
		sc->last_step = 0;
		sc->counter = 0;
		sc->last_used = 0;
	}
	if ((r = store_commit_state(u)) != MFA_OK) {
		u->state = saved;
		goto out;
	}
	if (fresh) {
		u->creds[u->ncreds++] = *c;
		u->next_id++;
	} else
		u->creds[idx] = *c;
	if ((r = store_commit(u)) != MFA_OK) {
		/* Memory stays equal to the file, which is unchanged. */
		if (fresh) {
			u->next_id--;
			u->ncreds--;
			wipe(&u->creds[u->ncreds], sizeof(u->creds[0]));
		} else
			u->creds[idx] = *old;
		goto out;
	}
	mfa_log(u->ctx, LOG_NOTICE, "user %s: %u scratch codes imported as "
	    "recovery codes (credential %u)", u->name, nadded, c->id);
	*id = c->id;
	if (added != NULL)
		*added = nadded;
	r = MFA_OK;
out:
	wipe(&saved, sizeof(saved));
	if (cd != NULL) {
		wipe(cd, sizeof(*cd));
		free(cd);
	}
	if (old != NULL) {
		wipe(old, sizeof(*old));
		free(old);
	}
	if (c != NULL) {
		wipe(c, sizeof(*c));
		free(c);
	}
	return r;
}
