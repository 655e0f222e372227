/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual authenticator through the real libfido2: the program
 * re-executes itself with the LD_PRELOAD shim, so devices are found by
 * fido_dev_info_manifest() and opened by path exactly as the module and
 * mfactl do.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fido.h>
#include <fido/es256.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "testutil.h"

#define RP	"example.org"
#define PIN	"1234"

static fido_dev_t *
dev_open(const char *path)
{
	fido_dev_t *dev;

	assert_non_null(dev = fido_dev_new());
	assert_int_equal(fido_dev_open(dev, path), FIDO_OK);
	return (dev);
}

static void
dev_close(fido_dev_t **dev)
{
	fido_dev_close(*dev);
	fido_dev_free(dev);
}

static void
cdh(unsigned char out[32], const char *what)
{
	vfido_sha256(what, strlen(what), out);
}

/* A credential for rp; uv: the "uv" option (FIDO_OPT_OMIT: none). */
static int
make_cred_uv(fido_dev_t *dev, const char *rp, const char *pin,
    fido_opt_t uv, const fido_cred_t *excl, fido_cred_t **out)
{
	fido_cred_t	*c;
	unsigned char	 h[32], uid[16];
	int		 r;

	cdh(h, "make");
	memset(uid, 0x42, sizeof(uid));
	assert_non_null(c = fido_cred_new());
	assert_int_equal(fido_cred_set_type(c, COSE_ES256), FIDO_OK);
	assert_int_equal(fido_cred_set_clientdata_hash(c, h, sizeof(h)),
	    FIDO_OK);
	assert_int_equal(fido_cred_set_rp(c, rp, NULL), FIDO_OK);
	assert_int_equal(fido_cred_set_user(c, uid, sizeof(uid), "alice",
	    NULL, NULL), FIDO_OK);
	if (excl != NULL)
		assert_int_equal(fido_cred_exclude(c, fido_cred_id_ptr(excl),
		    fido_cred_id_len(excl)), FIDO_OK);
	assert_int_equal(fido_cred_set_uv(c, uv), FIDO_OK);
	r = fido_dev_make_cred(dev, c, pin);
	if (r == FIDO_OK && out != NULL)
		*out = c;
	else
		fido_cred_free(&c);
	return (r);
}

static int
make_cred(fido_dev_t *dev, const char *rp, const char *pin,
    const fido_cred_t *excl, fido_cred_t **out)
{
	return (make_cred_uv(dev, rp, pin, FIDO_OPT_OMIT, excl, out));
}

/* An assertion of cred for rp; uv: the "uv" option (FIDO_OPT_OMIT). */
static int
get_assert_uv(fido_dev_t *dev, const char *rp, const fido_cred_t *cred,
    fido_opt_t up, fido_opt_t uv, const char *pin, fido_assert_t **out)
{
	fido_assert_t	*a;
	unsigned char	 h[32];
	int		 r;

	cdh(h, "assert");
	assert_non_null(a = fido_assert_new());
	assert_int_equal(fido_assert_set_clientdata_hash(a, h, sizeof(h)),
	    FIDO_OK);
	assert_int_equal(fido_assert_set_rp(a, rp), FIDO_OK);
	assert_int_equal(fido_assert_allow_cred(a, fido_cred_id_ptr(cred),
	    fido_cred_id_len(cred)), FIDO_OK);
	assert_int_equal(fido_assert_set_up(a, up), FIDO_OK);
	assert_int_equal(fido_assert_set_uv(a, uv), FIDO_OK);
	r = fido_dev_get_assert(dev, a, pin);
	if (r == FIDO_OK && out != NULL)
		*out = a;
	else
		fido_assert_free(&a);
	return (r);
}

static int
get_assert(fido_dev_t *dev, const char *rp, const fido_cred_t *cred,
    fido_opt_t up, const char *pin, fido_assert_t **out)
{
	return (get_assert_uv(dev, rp, cred, up, FIDO_OPT_OMIT, pin, out));
}

static int
verify_assert(fido_assert_t *a, const fido_cred_t *cred, fido_opt_t up,
    fido_opt_t uv)
{
	es256_pk_t	*pk;
	int		 r;

	assert_non_null(pk = es256_pk_new());
	assert_int_equal(es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(cred),
	    fido_cred_pubkey_len(cred)), FIDO_OK);
	assert_int_equal(fido_assert_set_up(a, up), FIDO_OK);
	assert_int_equal(fido_assert_set_uv(a, uv), FIDO_OK);
	r = fido_assert_verify(a, 0, COSE_ES256, pk);
	es256_pk_free(&pk);
	return (r);
}

static void
test_manifest_and_info(void **state)
{
	struct devopt	 o = { .pin = PIN };
	char		*d0 = vt_mkdev(&(struct devopt){ 0 }), *d1 = vt_mkdev(&o);
	fido_dev_info_t	*list;
	fido_dev_t	*dev;
	fido_cbor_info_t *ci;
	size_t		 n, found = 0;
	const fido_dev_info_t *di = NULL;

	(void)state;
	vt_set_devices(d0, d1);
	assert_non_null(list = fido_dev_info_new(16));
	assert_int_equal(fido_dev_info_manifest(list, 16, &n), FIDO_OK);
	for (size_t i = 0; i < n; i++) {
		const fido_dev_info_t *e = fido_dev_info_ptr(list, i);

		if (strcmp(fido_dev_info_path(e), "vfido:1") == 0)
			di = e;
		if (strncmp(fido_dev_info_path(e), "vfido:", 6) == 0)
			found++;
	}
	assert_int_equal(found, 2);
	assert_non_null(di);
	assert_string_equal(fido_dev_info_product_string(di), VFIDO_PRODUCT);
	/* the fido_dev_new_with_info() + fido_dev_open_with_info() route */
	assert_non_null(dev = fido_dev_new_with_info(di));
	assert_int_equal(fido_dev_open_with_info(dev), FIDO_OK);
	assert_true(fido_dev_is_fido2(dev));
	assert_true(fido_dev_has_pin(dev));
	assert_non_null(ci = fido_cbor_info_new());
	assert_int_equal(fido_dev_get_cbor_info(dev, ci), FIDO_OK);
	assert_int_equal(fido_cbor_info_versions_len(ci), 1);
	assert_string_equal(fido_cbor_info_versions_ptr(ci)[0], "FIDO_2_0");
	assert_memory_equal(fido_cbor_info_aaguid_ptr(ci), "vfido-test-key-1",
	    16);
	assert_int_equal(fido_cbor_info_protocols_len(ci), 1);
	assert_int_equal(fido_cbor_info_protocols_ptr(ci)[0], 1);
	assert_int_equal(fido_cbor_info_algorithm_cose(ci, 0), COSE_ES256);
	fido_cbor_info_free(&ci);
	dev_close(&dev);
	/* vfido:0 has no PIN */
	dev = dev_open("vfido:0");
	assert_false(fido_dev_has_pin(dev));
	assert_true(fido_dev_supports_pin(dev));
	dev_close(&dev);
	/* no such device */
	assert_non_null(dev = fido_dev_new());
	assert_int_not_equal(fido_dev_open(dev, "vfido:2"), FIDO_OK);
	fido_dev_free(&dev);
	fido_dev_info_free(&list, 16);
	free(d0);
	free(d1);
}

/* The I/O hooks alone, as an application would install them. */
static void
test_io_hooks_direct(void **state)
{
	static const fido_dev_io_t io = { vfido_io_open, vfido_io_close,
		vfido_io_read, vfido_io_write };
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;

	(void)state;
	vt_set_devices(d0, NULL);
	assert_non_null(dev = fido_dev_new());
	assert_int_equal(fido_dev_set_io_functions(dev, &io), FIDO_OK);
	assert_int_equal(fido_dev_open(dev, "vfido:0"), FIDO_OK);
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	assert_int_equal(fido_cred_verify_self(c), FIDO_OK);
	fido_cred_free(&c);
	dev_close(&dev);
	free(d0);
}

static void
test_makecred_self(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	assert_string_equal(fido_cred_fmt(c), "packed");
	assert_int_equal(fido_cred_x5c_len(c), 0);
	assert_int_equal(fido_cred_id_len(c), VFIDO_CRED_ID_LEN);
	assert_memory_equal(fido_cred_aaguid_ptr(c), "vfido-test-key-1", 16);
	assert_true(fido_cred_flags(c) & VFIDO_FLAG_UP);
	assert_false(fido_cred_flags(c) & VFIDO_FLAG_UV);
	assert_int_equal(fido_cred_verify_self(c), FIDO_OK);
	/* self attestation has no certificate: the x5c path refuses */
	assert_int_equal(fido_cred_verify(c), FIDO_ERR_INVALID_ARGUMENT);
	fido_cred_free(&c);
	dev_close(&dev);
	free(d0);
}

static int
chain_ok(const fido_cred_t *c, const char *cafile)
{
	const unsigned char	*p = fido_cred_x5c_ptr(c);
	X509			*leaf, *ca;
	X509_STORE		*store;
	X509_STORE_CTX		*ctx;
	FILE			*f;
	int			 ok;

	assert_non_null(leaf = d2i_X509(NULL, &p,
	    (long)fido_cred_x5c_len(c)));
	assert_non_null(f = fopen(cafile, "r"));
	assert_non_null(ca = PEM_read_X509(f, NULL, NULL, NULL));
	fclose(f);
	assert_non_null(store = X509_STORE_new());
	assert_int_equal(X509_STORE_add_cert(store, ca), 1);
	assert_non_null(ctx = X509_STORE_CTX_new());
	assert_int_equal(X509_STORE_CTX_init(ctx, store, leaf, NULL), 1);
	ok = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(ca);
	X509_free(leaf);
	return (ok);
}

static void
test_makecred_x5c(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ .x5c = true });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	assert_string_equal(fido_cred_fmt(c), "packed");
	assert_true(fido_cred_x5c_len(c) > 0);
	assert_int_equal(fido_cred_verify(c), FIDO_OK);
	assert_int_equal(fido_cred_verify_self(c), FIDO_ERR_INVALID_ARGUMENT);
	assert_true(chain_ok(c, vt_ca_cert));
	assert_false(chain_ok(c, vt_ca2_cert));	/* another CA: refused */
	fido_cred_free(&c);
	dev_close(&dev);
	free(d0);
}

static void
test_exclude_list(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	assert_int_equal(make_cred(dev, RP, NULL, c, NULL),
	    FIDO_ERR_CREDENTIAL_EXCLUDED);
	/* bound to the RP: another RP may register the same key */
	assert_int_equal(make_cred(dev, "other.example", NULL, c, NULL),
	    FIDO_OK);
	fido_cred_free(&c);
	dev_close(&dev);
	free(d0);
}

static void
test_assert_counter(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;
	fido_assert_t	*a = NULL;
	uint32_t	 c1, c2, c3;
	pid_t		 pid;
	int		 status;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, &a),
	    FIDO_OK);
	assert_int_equal(verify_assert(a, c, FIDO_OPT_TRUE, FIDO_OPT_OMIT),
	    FIDO_OK);
	assert_true(fido_assert_flags(a, 0) & VFIDO_FLAG_UP);
	c1 = fido_assert_sigcount(a, 0);
	fido_assert_free(&a);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, &a),
	    FIDO_OK);
	c2 = fido_assert_sigcount(a, 0);
	assert_true(c2 > c1);
	fido_assert_free(&a);
	dev_close(&dev);
	/* another process, as at the next login */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fido_dev_t *d = fido_dev_new();

		if (d == NULL || fido_dev_open(d, "vfido:0") != FIDO_OK ||
		    get_assert(d, RP, c, FIDO_OPT_OMIT, NULL, NULL) != FIDO_OK)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(vt_state_counter(d0), c2 + 1);
	dev = dev_open("vfido:0");
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, &a),
	    FIDO_OK);
	c3 = fido_assert_sigcount(a, 0);
	assert_int_equal(c3, c2 + 2);
	/* a wrong signature or RP is caught by the verifier */
	assert_int_equal(fido_assert_set_rp(a, "evil.example"), FIDO_OK);
	assert_int_not_equal(verify_assert(a, c, FIDO_OPT_TRUE,
	    FIDO_OPT_OMIT), FIDO_OK);
	fido_assert_free(&a);
	/* another RP, or another device, does not know the credential */
	assert_int_equal(get_assert(dev, "other.example", c, FIDO_OPT_OMIT,
	    NULL, NULL), FIDO_ERR_NO_CREDENTIALS);
	dev_close(&dev);
	fido_cred_free(&c);
	free(d0);
}

static void
test_two_devices(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	char		*d1 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev0, *dev1;
	fido_cred_t	*c = NULL;

	(void)state;
	vt_set_devices(d0, d1);
	dev0 = dev_open("vfido:0");
	dev1 = dev_open("vfido:1");
	assert_int_equal(make_cred(dev0, RP, NULL, NULL, &c), FIDO_OK);
	assert_int_equal(get_assert(dev1, RP, c, FIDO_OPT_OMIT, NULL, NULL),
	    FIDO_ERR_NO_CREDENTIALS);
	assert_int_equal(get_assert(dev0, RP, c, FIDO_OPT_OMIT, NULL, NULL),
	    FIDO_OK);
	fido_cred_free(&c);
	dev_close(&dev0);
	dev_close(&dev1);
	free(d0);
	free(d1);
}

static void
test_silent_assertion(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;
	fido_assert_t	*a = NULL;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	/* no touch needed, even from a key nobody touches */
	vt_set_state(d0, "touch", "never");
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_FALSE, NULL, &a),
	    FIDO_OK);
	assert_false(fido_assert_flags(a, 0) & VFIDO_FLAG_UP);
	assert_int_equal(verify_assert(a, c, FIDO_OPT_FALSE, FIDO_OPT_OMIT),
	    FIDO_OK);
	/* a verifier that requires UP refuses it */
	assert_int_equal(verify_assert(a, c, FIDO_OPT_TRUE, FIDO_OPT_OMIT),
	    FIDO_ERR_INVALID_PARAM);
	fido_assert_free(&a);
	fido_cred_free(&c);
	dev_close(&dev);
	free(d0);
}

static int
retries(fido_dev_t *dev)
{
	int n = -1;

	assert_int_equal(fido_dev_get_retry_count(dev, &n), FIDO_OK);
	return (n);
}

static void
test_pin(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;
	fido_assert_t	*a = NULL;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(fido_dev_set_pin(dev, "12", NULL),
	    FIDO_ERR_PIN_POLICY_VIOLATION);
	assert_int_equal(fido_dev_set_pin(dev, PIN, NULL), FIDO_OK);
	dev_close(&dev);
	dev = dev_open("vfido:0");
	assert_true(fido_dev_has_pin(dev));
	assert_int_equal(retries(dev), 8);
	assert_int_equal(make_cred(dev, RP, NULL, NULL, NULL),
	    FIDO_ERR_PIN_REQUIRED);
	assert_int_equal(make_cred(dev, RP, "9999", NULL, NULL),
	    FIDO_ERR_PIN_INVALID);
	assert_int_equal(retries(dev), 7);
	assert_int_equal(make_cred(dev, RP, PIN, NULL, &c), FIDO_OK);
	assert_true(fido_cred_flags(c) & VFIDO_FLAG_UV);
	assert_int_equal(retries(dev), 8);
	/* without the PIN: an assertion without UV */
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, &a),
	    FIDO_OK);
	assert_false(fido_assert_flags(a, 0) & VFIDO_FLAG_UV);
	assert_int_equal(verify_assert(a, c, FIDO_OPT_TRUE, FIDO_OPT_TRUE),
	    FIDO_ERR_INVALID_PARAM);
	fido_assert_free(&a);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, "0000", NULL),
	    FIDO_ERR_PIN_INVALID);
	assert_int_equal(retries(dev), 7);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, PIN, &a),
	    FIDO_OK);
	assert_true(fido_assert_flags(a, 0) & VFIDO_FLAG_UV);
	assert_int_equal(verify_assert(a, c, FIDO_OPT_TRUE, FIDO_OPT_TRUE),
	    FIDO_OK);
	fido_assert_free(&a);
	assert_int_equal(retries(dev), 8);
	/* three wrong PINs: blocked until the key is plugged in again */
	for (int i = 0; i < 2; i++)
		assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, "0000",
		    NULL), FIDO_ERR_PIN_INVALID);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, "0000",
	    NULL), FIDO_ERR_PIN_AUTH_BLOCKED);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, PIN, NULL),
	    FIDO_ERR_PIN_AUTH_BLOCKED);
	dev_close(&dev);
	dev = dev_open("vfido:0");
	assert_int_equal(retries(dev), 5);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, PIN, NULL),
	    FIDO_OK);
	/* the last retry spent: blocked for good */
	vt_set_state(d0, "pin-retries", "1");
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, "0000",
	    NULL), FIDO_ERR_PIN_BLOCKED);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, PIN, NULL),
	    FIDO_ERR_PIN_BLOCKED);
	assert_int_equal(retries(dev), 0);
	dev_close(&dev);
	fido_cred_free(&c);
	free(d0);
}

static int
uv_retries(fido_dev_t *dev)
{
	int n = -1;

	assert_int_equal(fido_dev_get_uv_retry_count(dev, &n), FIDO_OK);
	return (n);
}

/*
 * Built-in user verification (a fingerprint, as a YubiKey Bio with its
 * PIN set): getInfo says "uv", the "uv" option verifies without the
 * PIN and sets the UV flag, no credential is made without either; a
 * finger that does not match spends one of uvRetries, none left blocks
 * the finger at once, and a right finger or the PIN restores them;
 * under fault uvpin the key wants its PIN instead of the finger; a
 * reset forgets the finger.  A key without it refuses the option, as
 * before; one with a finger and no PIN makes no credential without
 * the finger either.
 */
static void
test_builtin_uv(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ .pin = PIN,
			    .uv = true });
	char		*d1 = vt_mkdev(&(struct devopt){ .pin = PIN });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;
	fido_assert_t	*a = NULL;
	int		 n;

	(void)state;
	vt_set_devices(d0, d1);
	dev = dev_open("vfido:0");
	assert_true(fido_dev_has_uv(dev));
	assert_true(fido_dev_has_pin(dev));
	assert_int_equal(uv_retries(dev), VFIDO_UV_RETRIES);
	/* CTAP 2.1: no credential without verification, PIN or finger */
	assert_int_equal(make_cred(dev, RP, NULL, NULL, NULL),
	    FIDO_ERR_PIN_REQUIRED);
	assert_int_equal(make_cred_uv(dev, RP, NULL, FIDO_OPT_TRUE, NULL,
	    &c), FIDO_OK);
	assert_true(fido_cred_flags(c) & VFIDO_FLAG_UV);
	assert_true(fido_cred_flags(c) & VFIDO_FLAG_UP);
	/* the finger: UV and UP, no PIN */
	assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
	    FIDO_OPT_TRUE, NULL, &a), FIDO_OK);
	assert_true(fido_assert_flags(a, 0) & VFIDO_FLAG_UV);
	assert_int_equal(verify_assert(a, c, FIDO_OPT_TRUE, FIDO_OPT_TRUE),
	    FIDO_OK);
	fido_assert_free(&a);
	/* not asked for: no UV flag; the silent probe still answers */
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, &a),
	    FIDO_OK);
	assert_false(fido_assert_flags(a, 0) & VFIDO_FLAG_UV);
	fido_assert_free(&a);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_FALSE, NULL, NULL),
	    FIDO_OK);
	/* nobody puts a finger on it */
	vt_set_state(d0, "touch", "deny");
	assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
	    FIDO_OPT_TRUE, NULL, NULL), FIDO_ERR_OPERATION_DENIED);
	vt_set_state(d0, "touch", "auto");
	assert_int_equal(uv_retries(dev), VFIDO_UV_RETRIES);
	/* wrong fingers, each one spent; a right one restores them */
	vt_set_state(d0, "finger", "nomatch");
	assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
	    FIDO_OPT_TRUE, NULL, NULL), FIDO_ERR_UV_INVALID);
	assert_int_equal(uv_retries(dev), VFIDO_UV_RETRIES - 1);
	vt_set_state(d0, "finger", "match");
	assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
	    FIDO_OPT_TRUE, NULL, NULL), FIDO_OK);
	assert_int_equal(uv_retries(dev), VFIDO_UV_RETRIES);
	vt_set_state(d0, "finger", "nomatch");
	for (n = VFIDO_UV_RETRIES - 1; n >= 0; n--) {
		assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
		    FIDO_OPT_TRUE, NULL, NULL), FIDO_ERR_UV_INVALID);
		assert_int_equal(uv_retries(dev), n);
	}
	/* none left: blocked at once, even for the right finger */
	vt_set_state(d0, "finger", "match");
	assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
	    FIDO_OPT_TRUE, NULL, NULL), FIDO_ERR_UV_BLOCKED);
	assert_int_equal(make_cred_uv(dev, RP, NULL, FIDO_OPT_TRUE, NULL,
	    NULL), FIDO_ERR_UV_BLOCKED);
	assert_int_equal(uv_retries(dev), 0);
	/* the PIN still verifies, and unblocks the finger */
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, PIN, &a),
	    FIDO_OK);
	assert_true(fido_assert_flags(a, 0) & VFIDO_FLAG_UV);
	fido_assert_free(&a);
	assert_int_equal(uv_retries(dev), VFIDO_UV_RETRIES);
	assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
	    FIDO_OPT_TRUE, NULL, NULL), FIDO_OK);
	/* fault uvpin: the key wants its PIN instead, and takes it */
	vt_set_state(d0, "fault", "uvpin");
	assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
	    FIDO_OPT_TRUE, NULL, NULL), FIDO_ERR_PIN_REQUIRED);
	assert_int_equal(make_cred_uv(dev, RP, NULL, FIDO_OPT_TRUE, NULL,
	    NULL), FIDO_ERR_PIN_REQUIRED);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, PIN, NULL),
	    FIDO_OK);
	assert_int_equal(make_cred(dev, RP, PIN, NULL, NULL), FIDO_OK);
	vt_set_state(d0, "fault", "none");
	/* a reset forgets the finger with the PIN */
	assert_int_equal(fido_dev_reset(dev), FIDO_OK);
	dev_close(&dev);
	dev = dev_open("vfido:0");
	assert_false(fido_dev_has_uv(dev));
	assert_int_equal(make_cred_uv(dev, RP, NULL, FIDO_OPT_TRUE, NULL,
	    NULL), FIDO_ERR_UNSUPPORTED_OPTION);
	dev_close(&dev);
	/* a key without built-in UV: the option refused, no uvRetries */
	dev = dev_open("vfido:1");
	assert_false(fido_dev_has_uv(dev));
	assert_int_equal(make_cred_uv(dev, RP, NULL, FIDO_OPT_TRUE, NULL,
	    NULL), FIDO_ERR_UNSUPPORTED_OPTION);
	assert_int_equal(get_assert_uv(dev, RP, c, FIDO_OPT_OMIT,
	    FIDO_OPT_TRUE, NULL, NULL), FIDO_ERR_UNSUPPORTED_OPTION);
	assert_int_not_equal(fido_dev_get_uv_retry_count(dev, &n), FIDO_OK);
	dev_close(&dev);
	free(d1);
	/* a finger and no PIN: the finger is needed all the same */
	d1 = vt_mkdev(&(struct devopt){ .uv = true });
	vt_set_devices(d1, NULL);
	dev = dev_open("vfido:0");
	assert_true(fido_dev_has_uv(dev));
	assert_false(fido_dev_has_pin(dev));
	assert_int_equal(make_cred(dev, RP, NULL, NULL, NULL),
	    FIDO_ERR_PIN_REQUIRED);
	assert_int_equal(make_cred_uv(dev, RP, NULL, FIDO_OPT_TRUE, NULL,
	    NULL), FIDO_OK);
	dev_close(&dev);
	fido_cred_free(&c);
	free(d0);
	free(d1);
}

static void
test_change_pin_and_reset(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ .pin = PIN });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(fido_dev_set_pin(dev, "5678", "0000"),
	    FIDO_ERR_PIN_INVALID);
	assert_int_equal(fido_dev_set_pin(dev, "5678", PIN), FIDO_OK);
	assert_int_equal(make_cred(dev, RP, PIN, NULL, NULL),
	    FIDO_ERR_PIN_INVALID);
	assert_int_equal(make_cred(dev, RP, "5678", NULL, &c), FIDO_OK);
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, NULL),
	    FIDO_OK);
	/* a reset forgets the PIN and every credential */
	assert_int_equal(fido_dev_reset(dev), FIDO_OK);
	dev_close(&dev);
	dev = dev_open("vfido:0");
	assert_false(fido_dev_has_pin(dev));
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, NULL),
	    FIDO_ERR_NO_CREDENTIALS);
	fido_cred_free(&c);
	dev_close(&dev);
	free(d0);
}

static void
test_touch_deny(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	vt_set_state(d0, "touch", "deny");
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, NULL),
	    FIDO_ERR_OPERATION_DENIED);
	assert_int_equal(make_cred(dev, RP, NULL, NULL, NULL),
	    FIDO_ERR_OPERATION_DENIED);
	fido_cred_free(&c);
	dev_close(&dev);
	free(d0);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
test_touch_never_times_out(void **state)
{
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;
	double		 t0, dt;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	vt_set_state(d0, "touch", "never");
	assert_int_equal(fido_dev_set_timeout(dev, 1000), FIDO_OK);
	t0 = now();
	assert_int_not_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL,
	    NULL), FIDO_OK);
	dt = now() - t0;
	assert_true(dt >= 0.9 && dt < 3.0);
	dev_close(&dev);
	/* the counter did not move and the key works once touched */
	vt_set_state(d0, "touch", "auto");
	dev = dev_open("vfido:0");
	assert_int_equal(get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, NULL),
	    FIDO_OK);
	assert_int_equal(vt_state_counter(d0), 2);
	dev_close(&dev);
	fido_cred_free(&c);
	free(d0);
}

/* Injected faults surface as libfido2 errors, never as a success. */
static void
test_faults(void **state)
{
	static const struct {
		const char	*fault;
		bool		 get_fails;
	} t[] = {
		{ "badsig", false }, { "wrongrp", false }, { "noup", false },
		{ "badcbor", true }, { "wrongtype", true },
		{ "truncate", true }, { "oversize", true }, { "vanish", true },
	};
	char		*d0 = vt_mkdev(&(struct devopt){ 0 });
	fido_dev_t	*dev;
	fido_cred_t	*c = NULL;
	fido_assert_t	*a;
	int		 r;

	(void)state;
	vt_set_devices(d0, NULL);
	dev = dev_open("vfido:0");
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	dev_close(&dev);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		vt_set_state(d0, "fault", t[i].fault);
		dev = dev_open("vfido:0");
		a = NULL;
		r = get_assert(dev, RP, c, FIDO_OPT_OMIT, NULL, &a);
		if (t[i].get_fails) {
			if (r == FIDO_OK)
				fail_msg("fault %s: assertion accepted",
				    t[i].fault);
		} else {
			assert_int_equal(r, FIDO_OK);
			if (verify_assert(a, c, FIDO_OPT_TRUE,
			    FIDO_OPT_OMIT) == FIDO_OK)
				fail_msg("fault %s: verified", t[i].fault);
		}
		fido_assert_free(&a);
		dev_close(&dev);
	}
	vt_set_state(d0, "fault", "badattest");
	dev = dev_open("vfido:0");
	fido_cred_free(&c);
	assert_int_equal(make_cred(dev, RP, NULL, NULL, &c), FIDO_OK);
	assert_int_equal(fido_cred_verify_self(c), FIDO_ERR_INVALID_SIG);
	fido_cred_free(&c);
	dev_close(&dev);
	free(d0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_and_info),
		cmocka_unit_test(test_io_hooks_direct),
		cmocka_unit_test(test_makecred_self),
		cmocka_unit_test(test_makecred_x5c),
		cmocka_unit_test(test_exclude_list),
		cmocka_unit_test(test_assert_counter),
		cmocka_unit_test(test_two_devices),
		cmocka_unit_test(test_silent_assertion),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_builtin_uv),
		cmocka_unit_test(test_change_pin_and_reset),
		cmocka_unit_test(test_touch_deny),
		cmocka_unit_test(test_touch_never_times_out),
		cmocka_unit_test(test_faults),
	};
	const char	*pre = getenv("LD_PRELOAD");
	char		*env;
	int		 r;

	(void)argc;
	/* run under the shim, like pamtester or mfactl in the tests */
	if (getenv("VFIDO_TEST_PRELOADED") == NULL) {
		if (access(VFIDO_PRELOAD_SO, R_OK) != 0) {
			fprintf(stderr, "%s: not built\n", VFIDO_PRELOAD_SO);
			return (99);
		}
		if (asprintf(&env, "%s%s%s", VFIDO_PRELOAD_SO,
		    pre != NULL ? " " : "", pre != NULL ? pre : "") < 0 ||
		    setenv("LD_PRELOAD", env, 1) != 0 ||
		    setenv("VFIDO_TEST_PRELOADED", "1", 1) != 0)
			return (99);
		/* with --enable-sanitizers the shim precedes libasan */
		if (getenv("ASAN_OPTIONS") == NULL &&
		    setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 1) != 0)
			return (99);
		execv("/proc/self/exe", argv);
		perror("execv");
		return (99);
	}
	fido_init(0);
	if (vt_setup() < 0)
		return (99);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	vt_teardown();
	return (r);
}
