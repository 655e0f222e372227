/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The builtin password factor: the shadow database (getspnam_r) and
 * libcrypt, like pam_unix does for local accounts.
 */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <shadow.h>
#include <stdlib.h>
#include <string.h>


#include "internal.h"

/* Longer passwords always fail: libcrypt takes 511 bytes and the NUL. */
#define PASSWORD_MAX	(CRYPT_MAX_PASSPHRASE_SIZE - 1)
#define SPBUF_START	1024
#define SPBUF_MAX	(64 * 1024)	/* cap on a shadow entry */
#define PW_USER_MAX	256

/*
 * Hashed when there is no real hash to check (unknown user, locked or
 * empty entry, overlong password), so those answers take about as long
 * as a wrong password: yescrypt at libxcrypt's default cost.  Its method
 * and parameters, the setting up to the salt, are DUMMY_PARAMS.
 */
#define DUMMY_PARAMS	"$y$j9T$"
static const char dummy_hash[] = DUMMY_PARAMS
    "FfmkFpewhy4Tu.mv9biwy0$l78wfDfdqxpsNrnCG.pyivpEammC0Bbf5paaoFkVg03";

/*
 * Hashes password with setting; compares with setting when check.
 * Returns MFA_OK on a match, MFA_ERR_BADPASS on a mismatch.
 */
static int
hash_check(const char *password, const char *setting, int check)
{
	struct crypt_data	*cd;
	const char		*h;
	size_t			 hlen, slen;
	int			 r;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return MFA_ERR_NOMEM;
	errno = 0;
	h = crypt_rn(password, setting, cd, (int)sizeof(*cd));
	if (h == NULL) {
		/* An unusable method or setting: no password can match. */
		r = (errno == ENOMEM) ? MFA_ERR_NOMEM :
		    (errno == EINVAL ? MFA_ERR_NOPASS : MFA_ERR_CRYPTO);
		goto out;
	}
	r = MFA_ERR_BADPASS;
	if (!check)
		goto out;
	hlen = strlen(h);
	slen = strlen(setting);
	if (hlen == slen && ct_equal(h, setting, hlen))
		r = MFA_OK;
out:
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return r;
}

/* Looks up user's shadow entry; *buf holds its strings (wipe, free). */
static int
shadow_get(const char *user, struct spwd *sp, char **bufp, size_t *bufsz,
    int *found)
{
	struct spwd	*res = NULL;
	char		*nbuf;
	size_t		 sz = SPBUF_START;
	int		 e;

	*found = 0;
	for (;;) {
		/* The old buffer was wiped: realloc may copy it anywhere. */
		if ((nbuf = realloc(*bufp, sz)) == NULL)
			return MFA_ERR_NOMEM;
		*bufp = nbuf;
		*bufsz = sz;
		e = getspnam_r(user, sp, nbuf, sz, &res);
		if (e != ERANGE)
			break;
		explicit_bzero(nbuf, sz);
		if (sz >= SPBUF_MAX)
			return MFA_ERR_TOOBIG;
		sz *= 2;
	}
	if (e == 0 && res != NULL) {
		*found = 1;
		return MFA_OK;
	}
	/* No entry: glibc reports 0 or ENOENT with a NULL result. */
	if (e == 0 || e == ENOENT)
		return MFA_OK;
	return MFA_ERR_IO;
}

/*
 * The work of a password check without a hash to check against: the
 * dummy, hashed with password ("" when it is too long to hash).
 * MFA_ERR_BADPASS, or the error that kept it from being done.
 */
static int
dummy_check(const char *password)
{
	if (strnlen(password, PASSWORD_MAX + 1) > PASSWORD_MAX)
		password = "";
	return hash_check(password, dummy_hash, 0);
}

int
mfa_password_dummy(const char *password)
{
	if (password == NULL)
		return MFA_ERR_INVAL;
	(void)dummy_check(password);
	return MFA_ERR_BADPASS;
}

int
mfa_password_verify(const char *user, const char *password,
    int allow_empty)
{
	struct spwd	 sp;
	const char	*hash;
	char		*buf = NULL;
	size_t		 bufsz = 0;
	int		 found = 0, d, r;

	memset(&sp, 0, sizeof(sp));
	if (user == NULL || password == NULL) {
		r = MFA_ERR_INVAL;
		goto out;
	}
	if (strnlen(password, PASSWORD_MAX + 1) > PASSWORD_MAX ||
	    *user == '\0' || strnlen(user, PW_USER_MAX + 1) > PW_USER_MAX) {
		(void)dummy_check(password);
		r = MFA_ERR_BADPASS;
		goto out;
	}
	if ((r = shadow_get(user, &sp, &buf, &bufsz, &found)) != MFA_OK)
		goto out;
	if (!found || sp.sp_pwdp == NULL) {
		(void)dummy_check(password);
		r = MFA_ERR_BADPASS;
		goto out;
	}
	hash = sp.sp_pwdp;
	if (hash[0] == '!' || hash[0] == '*') {
		(void)dummy_check(password);
		r = MFA_ERR_NOPASS;
		goto out;
	}
	if (hash[0] == '\0') {
		(void)dummy_check(password);
		if (!allow_empty)
			r = MFA_ERR_NOPASS;
		else
			r = password[0] == '\0' ? MFA_OK : MFA_ERR_BADPASS;
		goto out;
	}
	r = hash_check(password, hash, 1);
	/*
	 * A hash of another method or cost may be cheaper than the dummy
	 * (SHA-512 crypt: a few ms against some 20): then the dummy too,
	 * so that a user who exists never answers sooner than one who
	 * does not (pam_mfa(8), PASSWORD MODES).  Right or wrong alike;
	 * when it cannot be done (out of memory), neither is the check.
	 */
	if (strncmp(hash, DUMMY_PARAMS, sizeof(DUMMY_PARAMS) - 1) != 0 &&
	    (d = dummy_check(password)) != MFA_ERR_BADPASS)
		r = d;
out:
	if (buf != NULL) {
		explicit_bzero(buf, bufsz);
		free(buf);
	}
	explicit_bzero(&sp, sizeof(sp));
	return r;
}

void
mfa_secret_free(char **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	explicit_bzero(*sp, strlen(*sp));
	free(*sp);
	*sp = NULL;
}
