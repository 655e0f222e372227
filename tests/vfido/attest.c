/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test PKI for "full" packed attestation: a self-signed test CA, and an
 * attestation certificate it issues for a device (WebAuthn section
 * 8.2.1 requirements: version 3, subject C/O/OU=Authenticator
 * Attestation/CN, basicConstraints CA:FALSE, and the AAGUID in the
 * id-fido-gen-ce-aaguid extension).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "vfido_int.h"

#define OID_FIDO_AAGUID	"1.3.6.1.4.1.45724.1.1.4"
#define VALID_DAYS	3650

static X509_NAME *
make_name(const char *ou, const char *cn)
{
	X509_NAME *n;

	if ((n = X509_NAME_new()) == NULL)
		return (NULL);
	if (!X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
	    (const unsigned char *)"SE", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"pam_mfa tests", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_ASC,
	    (const unsigned char *)ou, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0)) {
		X509_NAME_free(n);
		return (NULL);
	}
	return (n);
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 r;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return (-1);
	r = X509_add_ext(x, ext, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(ext);
	return (r);
}

/* The AAGUID extension: an OCTET STRING wrapping an OCTET STRING. */
static int
add_aaguid(X509 *x, const unsigned char aaguid[16])
{
	ASN1_OBJECT		*obj = NULL;
	ASN1_OCTET_STRING	*inner = NULL, *outer = NULL;
	X509_EXTENSION		*ext = NULL;
	unsigned char		*der = NULL;
	int			 len, r = -1;

	if ((obj = OBJ_txt2obj(OID_FIDO_AAGUID, 1)) == NULL ||
	    (inner = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(inner, aaguid, 16) ||
	    (len = i2d_ASN1_OCTET_STRING(inner, &der)) <= 0 ||
	    (outer = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(outer, der, len) ||
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, outer)) == NULL ||
	    X509_add_ext(x, ext, -1) != 1)
		goto out;
	r = 0;
out:
	OPENSSL_free(der);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(outer);
	ASN1_OCTET_STRING_free(inner);
	ASN1_OBJECT_free(obj);
	return (r);
}

/* A certificate for key, signed by signer (issuer NULL: self-signed). */
static X509 *
make_cert(EVP_PKEY *key, EVP_PKEY *signer, X509 *issuer, const char *ou,
    const char *cn, bool ca)
{
	X509		*x;
	X509_NAME	*name;
	unsigned char	 serial[8];
	BIGNUM		*bn = NULL;
	bool		 ok = false;

	if ((x = X509_new()) == NULL)
		return (NULL);
	if ((name = make_name(ou, cn)) == NULL)
		goto out;
	if (vfido_random(serial, sizeof(serial)) < 0)
		goto out;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_set_version(x, 2) != 1 ||
	    X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -86400) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), VALID_DAYS, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto out;
	if (add_ext(x, issuer != NULL ? issuer : x, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "critical,CA:FALSE") < 0 ||
	    add_ext(x, issuer != NULL ? issuer : x, NID_key_usage,
	    ca ? "critical,keyCertSign,cRLSign" :
	    "critical,digitalSignature") < 0 ||
	    add_ext(x, issuer != NULL ? issuer : x,
	    NID_subject_key_identifier, "hash") < 0)
		goto out;
	if (X509_sign(x, signer, EVP_sha256()) == 0)
		goto out;
	ok = true;
out:
	BN_free(bn);
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return (x);
}

/* Creates a test CA: EC P-256 key and self-signed certificate, PEM. */
int
vfido_ca_create(const char *keyfile, const char *certfile)
{
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	FILE		*f = NULL;
	int		 r = -1;

	if ((key = vfido_ec_generate()) == NULL ||
	    (x = make_cert(key, key, NULL, "Test CA", "vfido test CA",
	    true)) == NULL)
		goto out;
	if ((f = fopen(keyfile, "wxe")) == NULL ||
	    PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    fclose(f) != 0) {
		f = NULL;
		goto out;
	}
	if ((f = fopen(certfile, "wxe")) == NULL ||
	    PEM_write_X509(f, x) != 1 || fclose(f) != 0) {
		f = NULL;
		goto out;
	}
	f = NULL;
	r = 0;
out:
	if (f != NULL)
		fclose(f);
	X509_free(x);
	EVP_PKEY_free(key);
	return (r);
}

static void *
read_pem(const char *path, bool is_key)
{
	FILE	*f;
	void	*p;

	if ((f = fopen(path, "re")) == NULL)
		return (NULL);
	if (is_key)
		p = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	else
		p = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return (p);
}

/*
 * Gives st a fresh attestation key and a certificate for it issued by
 * the CA in cakey/cacert (PEM), for the device's AAGUID.
 */
int
vfido_attest_issue(struct vfido_state *st, const char *cakey,
    const char *cacert)
{
	EVP_PKEY	*ca_key = NULL, *key = NULL;
	X509		*ca = NULL, *x = NULL;
	unsigned char	*der = NULL;
	int		 len = 0, r = -1;

	if ((ca_key = read_pem(cakey, true)) == NULL ||
	    (ca = read_pem(cacert, false)) == NULL ||
	    X509_check_private_key(ca, ca_key) != 1)
		goto out;
	if ((key = vfido_ec_generate()) == NULL ||
	    (x = make_cert(key, ca_key, ca, "Authenticator Attestation",
	    "vfido attestation", false)) == NULL)
		goto out;
	/* the AAGUID extension goes in before signing: sign again */
	if (add_aaguid(x, st->aaguid) < 0 ||
	    X509_sign(x, ca_key, EVP_sha256()) == 0)
		goto out;
	if ((len = i2d_X509(x, &der)) <= 0 ||
	    (size_t)len > sizeof(st->att_cert) ||
	    vfido_key_export(key, st->att_key, sizeof(st->att_key),
	    &st->att_key_len) < 0)
		goto out;
	memcpy(st->att_cert, der, (size_t)len);
	st->att_cert_len = (size_t)len;
	st->attest = VFIDO_ATTEST_X5C;
	r = 0;
out:
	OPENSSL_free(der);
	X509_free(x);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	return (r);
}
