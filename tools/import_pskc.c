/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSKC (RFC 6030) seed files of hardware TOTP tokens, through libpskc:
 * what each key holds, checked against what pam_mfa can verify.  An
 * encrypted container (pre-shared or PBKDF2 key) has no plain secret
 * here; decrypting it is out of scope (see mfactl(8)).
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pskc/pskc.h>

#include "import_pskc.h"

/*
 * The reasons are English, marked with N_() for po/: mfactl translates
 * them when it prints them (the fuzz target builds this file alone).
 */
#define N_(s)	(s)

#define URN_TOTP	"urn:ietf:params:xml:ns:keyprov:pskc:totp"
#define URN_HOTP	"urn:ietf:params:xml:ns:keyprov:pskc:hotp"
#define SECRET_MIN	10
#define PERIOD_MAX	3600
#define DEFAULT_DIGITS	6
#define DEFAULT_PERIOD	30

/* The reason for too many keys names the limit; catalogs hold it. */
#if PSKC_KEYS_MAX != 10000
#error "PSKC_KEYS_MAX changed: change the reason that names it"
#endif

/*
 * libxml2 reports a malformed file on stderr quoting its lines, which
 * may hold a secret: stderr points to /dev/null during the parse.
 * Returns the saved descriptor, or -1 (then nothing was changed).
 */
static int
quiet_begin(void)
{
	int	saved, nul;

	(void)fflush(stderr);
	if ((saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	if ((nul = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1 ||
	    dup2(nul, STDERR_FILENO) == -1) {
		if (nul != -1)
			close(nul);
		close(saved);
		return -1;
	}
	close(nul);
	return saved;
}

static void
quiet_end(int saved)
{
	if (saved == -1)
		return;
	(void)dup2(saved, STDERR_FILENO);
	close(saved);
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

/* Printable ASCII without spaces: usable in --assign and in a label. */
static int
serial_ok(const char *s)
{
	size_t	i, n = strnlen(s, PSKC_SERIAL_MAX + 1);

	if (n == 0 || n > PSKC_SERIAL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '=')
			return 0;
	return 1;
}

static int
check_key(pskc_key_t *key, struct pskc_entry *e)
{
	const char	*alg, *serial, *secret;
	size_t		 len = 0;
	uint32_t	 v;
	int		 present = 0;

	memset(e, 0, sizeof(*e));
	serial = pskc_get_device_serialno(key);
	if (serial != NULL && serial_ok(serial))
		memcpy(e->serial, serial, strlen(serial) + 1);
	alg = pskc_get_key_algorithm(key);
	if (serial == NULL)
		return reject(e, N_("no serial number"));
	if (e->serial[0] == '\0')
		return reject(e, N_("serial number not 1..48 printable "
		    "characters without spaces or '='"));
	if (alg != NULL && strcmp(alg, URN_HOTP) == 0)
		return reject(e, N_("event-based HOTP key: pam_mfa does "
		    "time-based TOTP only"));
	if (alg == NULL || strcmp(alg, URN_TOTP) != 0)
		return reject(e, N_("algorithm is not "
		    "urn:ietf:params:xml:ns:keyprov:pskc:totp"));
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
		return reject(e, N_("no plain secret (an encrypted PSKC "
		    "file is not supported: decrypt it first)"));
	if (len < SECRET_MIN || len > sizeof(e->secret))
		return reject(e, N_("secret not 10..64 bytes"));
	memcpy(e->secret, secret, len);
	e->secret_len = len;
	e->ok = 1;
	return 0;
}

int
import_pskc_load(const char *buf, size_t len, struct pskc_entry **out,
    size_t *n, char *why, size_t whylen)
{
	pskc_t			*c = NULL;
	pskc_key_t		*key;
	struct pskc_entry	*e = NULL;
	size_t			 i, count = 0;
	int			 r = -1, pr, saved;

	if (pskc_global_init() != PSKC_OK) {
		(void)snprintf(why, whylen, "%s", N_("libpskc cannot start"));
		return -1;
	}
	if (pskc_init(&c) != PSKC_OK) {
		(void)snprintf(why, whylen, "%s", N_("out of memory"));
		goto out;
	}
	saved = quiet_begin();
	pr = pskc_parse_from_memory(c, len, buf);
	quiet_end(saved);
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
		(void)check_key(key, &e[i]);
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
