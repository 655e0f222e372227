/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PAM-level tests of the lazy loading of libfido2 (lib/fido2_dl.c):
 * pam_mfa.so under the real Linux-PAM with pam_wrapper (see
 * test_pam_mfa.c for the two phases and ns-run.sh).  This program is
 * linked with neither libfido2 nor libcrypto, so /proc/self/maps shows
 * what the module loaded.  Run twice by tests/pam/pam_lazy.sh, each a
 * fresh process:
 *   test_lazy_*    a TOTP login maps neither library, not even for a
 *		    user with a security key; a login whose policy has
 *		    fido2 maps libfido2 when the FIDO2 step runs;
 *   test_masked_*  with the library file replaced by an empty one (a
 *		    bind mount in ns-run.sh's private namespace), a login
 *		    that needs the key is denied and the log says why,
 *		    and TOTP logins still succeed.
 * Whatever needs libfido2 to set up (importing a key checks it) runs in
 * a child process.
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "mfa.h"
#include "pamtest.h"

#define Q_PASSWORD	"? " PROMPT_PASSWORD
#define Q_CODE		"? " PROMPT_CODE
/* Two codes of one enrolment in a test: steps + 1 and + 2. */
#define CONFIG		"fido2_rp_id = pam://mfa-test\nfido2_timeout = 1\n" \
			"recovery = no\ntotp_window = 3\n"
#define AUDIT(user, factors, result, reason) \
	"user=" user " service=mfa rhost=- tty=- factors=" factors \
	" result=" result " reason=" reason
#define LOAD_FAILED	"fido2: cannot load " FIDO2_SONAME ", FIDO2 " \
			"unavailable: "
/* A P-256 point (x || y) of a test key, its private half thrown away. */
#define KEY_XY		"043e0575a7ba9d7c67c0a330e424c1c9c3e92a0b24a914a3" \
			"cfb8130ac1e1976e11f3bee3427b2234573a77620970bdee" \
			"4d643a2ca4fd66d91cbcc79ffe8cb0a9"
/* An RSA-2048 key (DER SubjectPublicKeyInfo), the same. */
#define KEY_RSA_DER	"30820122300d06092a864886f70d01010105000382010f00" \
			"3082010a0282010100c819621c9709e974c4e8a598a4c130" \
			"b750f166998211869971ac6e92c2f92531387cd017074cd0" \
			"3362dca353969c448f3e8b5c9cb9935ec6eeb8784eed60a9" \
			"64e2cc1737d1435be4ac6c1308de1b6ec34f27443814a0eb" \
			"423f0ebd055b44a0a512dfeb7b9823d8c111d24e3f1f6f43" \
			"dc8111d95b5d4f7601c2d3d424ad13037a58ea80e43ba7ca" \
			"5b50540618bef8f8f277bfef1a9801c365b6cd7cd78e5a70" \
			"b13a685584ab0db822726d5e9550515758947d364d9c909d" \
			"f7b11253af8abcb60a0b58ee39dec9be8b79c5915fe46f43" \
			"07e3f19597941a2f057f038bb3d9af3b844825764f9067f9" \
			"b8694030d65da6a0726caee10f0b6c677311e3d95f2a1ad8" \
			"9d0203010001"

#define LIB_FIDO2	"/libfido2.so"
#define LIB_CRYPTO	"/libcrypto.so"
#define LIB_CBOR	"/libcbor.so"

/* The library file hidden by test_masked_*, for the teardown. */
static char *masked;

/* 1 when a file whose path contains name is mapped into this process. */
static int
mapped(const char *name)
{
	char	line[PATH_MAX + 256];
	FILE	*f;
	int	found = 0;

	if ((f = fopen("/proc/self/maps", "re")) == NULL)
		fail_msg("/proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, name) != NULL)
			found = 1;
	(void)fclose(f);
	return found;
}

/* A conversation that notes, at each prompt, which libraries are mapped. */
struct probe {
	struct conv	cv;
	int		n;		/* prompts seen */
	int		fido2[MAX_PROMPTS];
	int		crypto[MAX_PROMPTS];
	int		cbor[MAX_PROMPTS];
};

static int
probe_conv(int n, const struct pam_message **msg,
    struct pam_response **resp, void *arg)
{
	struct probe	*p = arg;
	int		 i;

	for (i = 0; i < n; i++) {
		if (p->n >= MAX_PROMPTS ||
		    (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON))
			continue;
		p->fido2[p->n] = mapped(LIB_FIDO2);
		p->crypto[p->n] = mapped(LIB_CRYPTO);
		p->cbor[p->n] = mapped(LIB_CBOR);
		p->n++;
	}
	return conv_fn(n, msg, resp, &p->cv);
}

/* pam_authenticate() with the password and code as answers. */
static void
login(struct probe *p, const char *code, int expected)
{
	struct pam_testcase	 tc[] = {
		pam_test(PAMTEST_AUTHENTICATE, expected),
	};
	enum pamtest_err	 perr;

	conv_reset(&p->cv);
	memset(p, 0, sizeof(*p));
	p->cv.answers[0] = ALICE_PW;
	p->cv.answers[1] = code;
	log_reset();
	perr = _pamtest_conv("mfa", ALICE, probe_conv, p, tc, 1, NULL);
	log_drain();
	if (tc[0].op_rv != expected)
		fail_msg("pam_authenticate: %d (%s), want %d; log:\n%s",
		    tc[0].op_rv, pam_strerror(NULL, tc[0].op_rv), expected,
		    logbuf);
	assert_int_equal(perr, PAMTEST_ERR_OK);
	assert_no_secrets(&p->cv, NULL);
}

static void
config(const char *require)
{
	char	text[512];

	(void)snprintf(text, sizeof(text), "%srequire = %s\n", CONFIG,
	    require);
	write_config(text);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes hex into out[n]: 0, or -1 unless it is exactly 2n digits. */
static int
unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (strlen(hex) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = hexval(hex[2 * i])) < 0 ||
		    (lo = hexval(hex[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* Imports an ES256 and an RS256 key for user: 0 on success. */
static int
import_key_child(const char *user)
{
	unsigned char	 credid[64], xy[64], rsa[sizeof(KEY_RSA_DER) / 2];
	mfa_ctx_t	*ctx;
	mfa_user_t	*u = NULL;
	unsigned	 id = 0;
	int		 r;

	if (unhex(KEY_XY, xy, sizeof(xy)) != 0 ||
	    unhex(KEY_RSA_DER, rsa, sizeof(rsa)) != 0)
		return 2;
	if ((ctx = mfa_ctx_new()) == NULL ||
	    mfa_ctx_load_config(ctx, conf_path) != MFA_OK ||
	    mfa_user_open(ctx, user, MFA_OPEN_WRITE | MFA_OPEN_CREATE, &u) !=
	    MFA_OK)
		return 3;
	memset(credid, 0x5a, sizeof(credid));
	r = mfa_user_fido2_import(u, "key", -7, credid, sizeof(credid), xy,
	    sizeof(xy), MFA_IMPORT_UP | MFA_IMPORT_UNATTESTED, &id);
	memset(credid, 0xa5, sizeof(credid));
	if (r == MFA_OK)
		r = mfa_user_fido2_import(u, "rsa key", -257, credid,
		    sizeof(credid), rsa, sizeof(rsa), MFA_IMPORT_UP |
		    MFA_IMPORT_UNATTESTED, &id);
	if (r != MFA_OK)
		fprintf(stderr, "mfa_user_fido2_import: %s\n",
		    mfa_strerror(r));
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return r == MFA_OK ? 0 : 1;
}

/*
 * Registers two security keys for user.  The import checks them with
 * libfido2, which this process must not load: a child does it.
 */
static void
import_key(const char *user)
{
	pid_t	pid;
	int	status;

	assert_true((pid = fork()) >= 0);
	if (pid == 0)
		_exit(import_key_child(user));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("importing a security key failed (status %d)",
		    status);
}

/*
 * In a child: 0 when dlopen(FIDO2_SONAME) works, writing the file it
 * mapped to fd, 1 when it fails.
 */
static int
dlopen_child(int fd)
{
	struct link_map	*lm = NULL;
	void		*h;
	size_t		 len;

	if ((h = dlopen(FIDO2_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return 1;
	if (fd >= 0) {
		if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || lm == NULL ||
		    lm->l_name == NULL)
			return 2;
		len = strlen(lm->l_name);
		if (write(fd, lm->l_name, len) != (ssize_t)len)
			return 2;
	}
	return 0;
}

/* Whether libfido2 can be loaded, tried in a child; *file its path. */
static int
can_load(char **file)
{
	char	buf[PATH_MAX], real[PATH_MAX];
	size_t	len = 0;
	ssize_t	n;
	pid_t	pid;
	int	fds[2], status;

	assert_int_equal(pipe(fds), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		(void)close(fds[0]);
		_exit(dlopen_child(file != NULL ? fds[1] : -1));
	}
	(void)close(fds[1]);
	while (len < sizeof(buf) - 1 &&
	    (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		assert_true(n > 0);
		len += (size_t)n;
	}
	buf[len] = '\0';
	(void)close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) <= 1);
	if (WEXITSTATUS(status) != 0)
		return 0;
	if (file != NULL) {
		if (realpath(buf, real) == NULL)
			fail_msg("realpath %s: %s", buf, strerror(errno));
		assert_non_null(*file = strdup(real));
	}
	return 1;
}

static int
setup(void **state)
{
	(void)state;
	if (store_new() != 0)
		return -1;
	config("password AND totp");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (masked != NULL) {
		(void)umount2(masked, MNT_DETACH);
		free(masked);
		masked = NULL;
	}
	store_remove();
	return 0;
}

/* ---- tests --------------------------------------------------------- */

/* TOTP only: neither library is ever mapped, keys or no keys. */
static void
test_lazy_totp(void **state)
{
	struct probe	p = { 0 };
	struct totp	t;
	char		code[7], bad[7];
	int		i;

	(void)state;
	/* Else this test could not see what the module maps. */
	if (mapped(LIB_FIDO2) || mapped(LIB_CRYPTO))
		fail_msg("libfido2 or libcrypto mapped before any login "
		    "(linked into the test program or preloaded?)");
	enrol(store, ALICE, &t);
	import_key(ALICE);
	next_code(&t, code);
	login(&p, code, PAM_SUCCESS);
	assert_dialogue(&p.cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	assert_int_equal(p.n, 2);
	for (i = 0; i < p.n; i++) {
		assert_false(p.fido2[i]);
		assert_false(p.crypto[i]);
		assert_false(p.cbor[i]);
	}
	/* A wrong code changes nothing. */
	wrong_code(&t, bad);
	login(&p, bad, PAM_AUTH_ERR);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "failure",
	    "bad_code"));
	assert_int_equal(p.n, 2);
	assert_false(p.fido2[1] || p.crypto[1] || p.cbor[1]);
	assert_false(mapped(LIB_FIDO2));
	assert_false(mapped(LIB_CRYPTO));
	assert_false(mapped(LIB_CBOR));
	assert_false(log_has(LOAD_FAILED));
	conv_reset(&p.cv);
}

/* A policy with fido2: libfido2 comes in with the FIDO2 step. */
static void
test_lazy_fido2(void **state)
{
	struct probe	p = { 0 };
	struct totp	t;
	char		code[7];

	(void)state;
	enrol(store, ALICE, &t);
	import_key(ALICE);
	config("password AND (totp OR fido2)");
	next_code(&t, code);
	/* No key connected: the code stands in for it. */
	login(&p, code, PAM_SUCCESS);
	assert_dialogue(&p.cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	assert_int_equal(p.n, 2);
	/* At the password prompt the FIDO2 step has not run yet. */
	assert_false(p.fido2[0]);
	assert_false(p.crypto[0]);
	/* It ran (no key found) before the code prompt: loaded. */
	assert_true(p.fido2[1]);
	assert_true(p.crypto[1]);
	assert_true(p.cbor[1]);
	assert_false(log_has(LOAD_FAILED));
	conv_reset(&p.cv);
}

/* libfido2 unusable: FIDO2 fails closed, logged; TOTP still works. */
static void
test_masked_fido2(void **state)
{
	struct probe	 p = { 0 };
	struct totp	 t;
	char		 code[7], *empty;

	(void)state;
	if (mapped(LIB_FIDO2))
		skip();		/* loaded already: run alone (pam_lazy.sh) */
	enrol(store, ALICE, &t);
	import_key(ALICE);
	assert_true(can_load(&masked));
	empty = path_join(work, "tmp/empty.so");
	write_file(empty, "", 0644);
	if (mount(empty, masked, "none", MS_BIND, NULL) != 0)
		fail_msg("bind mount over %s: %s", masked, strerror(errno));
	free(empty);
	/* The mask works: nothing loads it now. */
	assert_false(can_load(NULL));

	/* The key is required: denied, and the log says why. */
	config("password AND fido2");
	login(&p, NULL, PAM_AUTH_ERR);
	assert_dialogue(&p.cv, Q_PASSWORD, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password", "failure",
	    "no_device"));
	assert_true(log_has(LOAD_FAILED));

	/* The key or the code: the code. */
	config("password AND (totp OR fido2)");
	next_code(&t, code);
	login(&p, code, PAM_SUCCESS);
	assert_dialogue(&p.cv, Q_PASSWORD, Q_CODE, NULL);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	assert_true(log_has(LOAD_FAILED));

	/* TOTP only never tries. */
	config("password AND totp");
	totp_code(&t, t.step + 2, code);
	login(&p, code, PAM_SUCCESS);
	assert_audit("mfa", AUDIT(ALICE, "password,totp", "success", "ok"));
	assert_false(log_has(LOAD_FAILED));
	assert_false(mapped(LIB_FIDO2));
	conv_reset(&p.cv);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lazy_totp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lazy_fido2, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_masked_fido2, setup,
		    teardown),
	};

	(void)argc;
	return pamtest_main(argv, tests, sizeof(tests) / sizeof(tests[0]),
	    NULL);
}
