/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TOTP (RFC 6238) on top of liboath: code generation, window matching
 * with replay detection, secret generation and code normalisation.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <liboath/oath.h>

#include "internal.h"

#define CODE_INPUT_MAX	64	/* bytes of a typed code, spaces included */

/*
 * oath_init() and oath_done() act on process-global state and the module
 * lives in long-running processes (sshd) next to other users of liboath:
 * initialise once, never deinitialise.
 */
static pthread_once_t	oath_once = PTHREAD_ONCE_INIT;
static int		oath_ready;

static void
oath_setup(void)
{
	if (oath_init() == OATH_OK)
		oath_ready = 1;
}

static int
oath_ensure(void)
{
	if (pthread_once(&oath_once, oath_setup) != 0 || !oath_ready)
		return MFA_ERR_CRYPTO;
	return MFA_OK;
}

static int
alg_flags(int algorithm, int *flags)
{
	switch (algorithm) {
	case MFA_TOTP_SHA1:
		*flags = 0;
		return MFA_OK;
	case MFA_TOTP_SHA256:
		*flags = OATH_TOTP_HMAC_SHA256;
		return MFA_OK;
	case MFA_TOTP_SHA512:
		*flags = OATH_TOTP_HMAC_SHA512;
		return MFA_OK;
	}
	return MFA_ERR_INVAL;
}

static size_t
alg_secret_len(int algorithm)
{
	switch (algorithm) {
	case MFA_TOTP_SHA1:
		return 20;
	case MFA_TOTP_SHA256:
		return 32;
	case MFA_TOTP_SHA512:
		return 64;
	}
	return 0;
}

static int
cred_check(const struct mfa_cred *cred)
{
	int flags;

	if (cred == NULL || cred->digits < 6 || cred->digits > MFA_CODE_MAX ||
	    cred->period == 0 || cred->secret_len == 0 ||
	    cred->secret_len > sizeof(cred->secret) ||
	    alg_flags(cred->algorithm, &flags) != MFA_OK)
		return MFA_ERR_INVAL;
	return MFA_OK;
}

int
totp_code(const struct mfa_cred *cred, uint64_t step, char *out)
{
	char	 buf[MFA_CODE_MAX + 1];
	int	 flags = 0, r;

	memset(buf, 0, sizeof(buf));
	if (out == NULL || (r = cred_check(cred)) != MFA_OK) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if (step > INT64_MAX) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if ((r = oath_ensure()) != MFA_OK)
		goto out;
	if ((r = alg_flags(cred->algorithm, &flags)) != MFA_OK)
		goto out;
	/*
	 * A time step size of 1 with "now" = step makes liboath's counter
	 * T = step exactly, without multiplying by the period (overflow).
	 */
	if (oath_totp_generate2((const char *)cred->secret, cred->secret_len,
	    (time_t)step, 1, 0, cred->digits, flags, buf) != OATH_OK ||
	    strlen(buf) != cred->digits) {
		r = MFA_ERR_CRYPTO;
		goto out;
	}
	memcpy(out, buf, (size_t)cred->digits + 1);
	r = MFA_OK;
out:
	explicit_bzero(buf, sizeof(buf));
	return r;
}

int
totp_match(const struct mfa_cred *cred, const char *code, int64_t now,
    unsigned window, uint64_t after, uint64_t *step)
{
	char		 want[MFA_CODE_MAX + 1], cand[MFA_CODE_MAX + 1];
	uint64_t	 cur, lo, hi, s, fresh = 0;
	int		 r, have_fresh = 0, have_replay = 0, eq;

	memset(want, 0, sizeof(want));
	memset(cand, 0, sizeof(cand));
	if (code == NULL || step == NULL || now < 0 ||
	    (r = cred_check(cred)) != MFA_OK) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if (strnlen(code, MFA_CODE_MAX + 1) != cred->digits) {
		/* e.g. an 8-digit code tried against a 6-digit credential */
		r = MFA_ERR_BADCODE;
		goto out;
	}
	memcpy(want, code, cred->digits);
	cur = (uint64_t)now / cred->period;
	lo = cur >= window ? cur - window : 0;
	hi = cur <= (uint64_t)INT64_MAX - window ? cur + window :
	    (uint64_t)INT64_MAX;
	/* Every step is computed and compared: no early exit on a match. */
	for (s = lo; ; s++) {
		if ((r = totp_code(cred, s, cand)) != MFA_OK)
			goto out;
		eq = ct_equal(cand, want, cred->digits);
		if (eq && s <= after)
			have_replay = 1;
		else if (eq) {
			/* The latest fresh step burns the most codes. */
			fresh = s;
			have_fresh = 1;
		}
		if (s == hi)
			break;
	}
	if (have_fresh) {
		*step = fresh;
		r = MFA_OK;
	} else if (have_replay)
		r = MFA_ERR_REPLAY;
	else
		r = MFA_ERR_BADCODE;
out:
	explicit_bzero(want, sizeof(want));
	explicit_bzero(cand, sizeof(cand));
	return r;
}

int
totp_secret_generate(struct mfa_cred *cred)
{
	unsigned char	 buf[MFA_SECRET_MAX];
	size_t		 n;
	int		 r;

	if (cred == NULL || (n = alg_secret_len(cred->algorithm)) == 0 ||
	    n > sizeof(buf) || n > sizeof(cred->secret)) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if ((r = random_bytes(buf, n)) != MFA_OK)
		goto out;
	explicit_bzero(cred->secret, sizeof(cred->secret));
	memcpy(cred->secret, buf, n);
	cred->secret_len = n;
	r = MFA_OK;
out:
	explicit_bzero(buf, sizeof(buf));
	return r;
}

int
mfa_code_normalize(const char *in, unsigned digits, char *out)
{
	char	 buf[MFA_CODE_MAX + 1];
	size_t	 i, len, n = 0;
	int	 r;

	memset(buf, 0, sizeof(buf));
	if (in == NULL || out == NULL || digits < 6 ||
	    digits > MFA_CODE_MAX) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if ((len = strnlen(in, CODE_INPUT_MAX + 1)) > CODE_INPUT_MAX) {
		r = MFA_ERR_CODEFMT;
		goto out;
	}
	r = MFA_ERR_CODEFMT;
	for (i = 0; i < len; i++) {
		if (in[i] == ' ' || in[i] == '-')
			continue;
		/* ASCII only: no isdigit(), which follows the locale. */
		if (in[i] < '0' || in[i] > '9' || n >= digits)
			goto out;
		buf[n++] = in[i];
	}
	if (n != digits)
		goto out;
	memcpy(out, buf, n + 1);
	r = MFA_OK;
out:
	explicit_bzero(buf, sizeof(buf));
	return r;
}

static const struct {
	int		 algorithm;
	const char	*name;
} alg_names[] = {
	{ MFA_TOTP_SHA1,	"sha1" },
	{ MFA_TOTP_SHA256,	"sha256" },
	{ MFA_TOTP_SHA512,	"sha512" },
};

const char *
mfa_totp_algorithm_name(int algorithm)
{
	size_t	i;

	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++)
		if (alg_names[i].algorithm == algorithm)
			return alg_names[i].name;
	return "?";
}

/* ASCII case-insensitive equality, independent of the locale. */
static int
ascii_caseeq(const char *a, const char *b)
{
	unsigned char	ca, cb;

	for (;; a++, b++) {
		ca = (unsigned char)*a;
		cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb - 'A' + 'a');
		if (ca != cb)
			return 0;
		if (ca == '\0')
			return 1;
	}
}

int
mfa_totp_algorithm_parse(const char *name, int *algorithm)
{
	size_t	i;

	if (name == NULL || algorithm == NULL)
		return MFA_ERR_INVAL;
	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
		if (ascii_caseeq(name, alg_names[i].name)) {
			*algorithm = alg_names[i].algorithm;
			return MFA_OK;
		}
	}
	return MFA_ERR_INVAL;
}
