/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libfido2, and the libcrypto it is linked with, loaded at run time:
 * libmfa.so is not linked against them, so a login that uses no FIDO2
 * factor never maps them.  fido2_dl_load() opens libfido2 and fills a
 * table of pointers to every function of libfido2 and OpenSSL that
 * fido2.c, fido2_codec.c, fido2_enrol.c and fido2_assert.c call; this
 * header then redefines each of those names to call through the table,
 * so that the code keeps calling them by their own names, with the
 * prototypes of <fido.h> and <openssl/...> checked by the compiler.
 *
 * Include it after the system headers and "internal.h".  A function
 * added to the FIDO2 code needs an entry in FIDO2_DL_FIDO or
 * FIDO2_DL_CRYPTO and a redirect below: the compiler checks that every
 * entry has its redirect; a call with neither leaves libmfa.so with an
 * undefined symbol, which fails every program that loads it (-z now),
 * and linking libfido2 instead fails tests/pam/pam_lazy.sh.
 */
#ifndef MFA_FIDO2_DL_H
#define MFA_FIDO2_DL_H

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fido.h>
#include <fido/eddsa.h>
#include <fido/es256.h>
#include <fido/rs256.h>

#include "internal.h"

/* libfido2's own functions: an interposer in the global scope wins. */
#define FIDO2_DL_FIDO(X) \
	X(fido_init) \
	X(fido_strerr) \
	X(fido_dev_info_new) \
	X(fido_dev_info_free) \
	X(fido_dev_info_manifest) \
	X(fido_dev_info_ptr) \
	X(fido_dev_info_path) \
	X(fido_dev_info_product_string) \
	X(fido_dev_new) \
	X(fido_dev_free) \
	X(fido_dev_open) \
	X(fido_dev_close) \
	X(fido_dev_set_timeout) \
	X(fido_dev_is_fido2) \
	X(fido_dev_has_pin) \
	X(fido_dev_has_uv) \
	X(fido_dev_supports_pin) \
	X(fido_dev_get_uv_retry_count) \
	X(fido_dev_get_cbor_info) \
	X(fido_dev_make_cred) \
	X(fido_dev_get_assert) \
	X(fido_cbor_info_new) \
	X(fido_cbor_info_free) \
	X(fido_cbor_info_algorithm_count) \
	X(fido_cbor_info_algorithm_cose) \
	X(fido_cbor_info_options_len) \
	X(fido_cbor_info_options_name_ptr) \
	X(fido_cbor_info_options_value_ptr) \
	X(fido_cred_new) \
	X(fido_cred_free) \
	X(fido_cred_set_type) \
	X(fido_cred_set_clientdata_hash) \
	X(fido_cred_set_rp) \
	X(fido_cred_set_user) \
	X(fido_cred_set_rk) \
	X(fido_cred_set_uv) \
	X(fido_cred_exclude) \
	X(fido_cred_type) \
	X(fido_cred_flags) \
	X(fido_cred_fmt) \
	X(fido_cred_sigcount) \
	X(fido_cred_id_ptr) \
	X(fido_cred_id_len) \
	X(fido_cred_aaguid_ptr) \
	X(fido_cred_aaguid_len) \
	X(fido_cred_pubkey_ptr) \
	X(fido_cred_pubkey_len) \
	X(fido_cred_authdata_raw_ptr) \
	X(fido_cred_authdata_raw_len) \
	X(fido_cred_x5c_ptr) \
	X(fido_cred_x5c_len) \
	X(fido_cred_verify) \
	X(fido_cred_verify_self) \
	X(fido_assert_new) \
	X(fido_assert_free) \
	X(fido_assert_set_rp) \
	X(fido_assert_set_clientdata_hash) \
	X(fido_assert_allow_cred) \
	X(fido_assert_set_up) \
	X(fido_assert_set_uv) \
	X(fido_assert_count) \
	X(fido_assert_flags) \
	X(fido_assert_sigcount) \
	X(fido_assert_id_ptr) \
	X(fido_assert_id_len) \
	X(fido_assert_authdata_ptr) \
	X(fido_assert_authdata_len) \
	X(fido_assert_sig_ptr) \
	X(fido_assert_sig_len) \
	X(fido_assert_verify) \
	X(es256_pk_new) \
	X(es256_pk_free) \
	X(es256_pk_from_ptr) \
	X(es256_pk_from_EVP_PKEY) \
	X(es256_pk_to_EVP_PKEY) \
	X(eddsa_pk_new) \
	X(eddsa_pk_free) \
	X(eddsa_pk_from_ptr) \
	X(eddsa_pk_from_EVP_PKEY) \
	X(eddsa_pk_to_EVP_PKEY) \
	X(rs256_pk_new) \
	X(rs256_pk_free) \
	X(rs256_pk_from_ptr) \
	X(rs256_pk_from_EVP_PKEY) \
	X(rs256_pk_to_EVP_PKEY)

/* OpenSSL: always the libcrypto that libfido2 itself uses. */
#define FIDO2_DL_CRYPTO(X) \
	X(CRYPTO_free) \
	X(ERR_clear_error) \
	X(BIO_new_mem_buf) \
	X(BIO_free) \
	X(EVP_PKEY_free) \
	X(EVP_PKEY_is_a) \
	X(EVP_PKEY_get_bits) \
	X(EVP_PKEY_get_utf8_string_param) \
	X(d2i_PUBKEY) \
	X(i2d_PUBKEY) \
	X(d2i_X509) \
	X(X509_free) \
	X(PEM_X509_INFO_read_bio) \
	X(X509_INFO_free) \
	X(OPENSSL_sk_num) \
	X(OPENSSL_sk_value) \
	X(OPENSSL_sk_pop_free) \
	X(X509_STORE_new) \
	X(X509_STORE_free) \
	X(X509_STORE_add_cert) \
	X(X509_STORE_CTX_new) \
	X(X509_STORE_CTX_free) \
	X(X509_STORE_CTX_init) \
	X(X509_STORE_CTX_get_error) \
	X(X509_verify_cert) \
	X(X509_verify_cert_error_string)

/* Every member has the type of a pointer to the function it stands for. */
#define FIDO2_DL_MEMBER(name)	__typeof__(name) *(name);
struct fido2_sym {
	FIDO2_DL_FIDO(FIDO2_DL_MEMBER)
	FIDO2_DL_CRYPTO(FIDO2_DL_MEMBER)
};
#undef FIDO2_DL_MEMBER

/* Filled by fido2_dl_load(); read only after it returned MFA_OK. */
extern struct fido2_sym fido2_sym;

/*
 * Loads libfido2 (dlopen, RTLD_NOW | RTLD_LOCAL) and resolves every
 * function of the table, then calls fido_init(0); thread-safe, done
 * once per load of libmfa.  A failure (library missing or unusable, a
 * function missing) is logged on ctx (may be NULL) with the loader's
 * reason and returns MFA_ERR_CRYPTO; the next call tries again.  Every
 * FIDO2 entry point calls it before any function of the table.
 */
int fido2_dl_load(const mfa_ctx_t *ctx);

#ifndef FIDO2_DL_LOADER
/* libfido2 */
#define fido_init			(*fido2_sym.fido_init)
#define fido_strerr			(*fido2_sym.fido_strerr)
#define fido_dev_info_new		(*fido2_sym.fido_dev_info_new)
#define fido_dev_info_free		(*fido2_sym.fido_dev_info_free)
#define fido_dev_info_manifest		(*fido2_sym.fido_dev_info_manifest)
#define fido_dev_info_ptr		(*fido2_sym.fido_dev_info_ptr)
#define fido_dev_info_path		(*fido2_sym.fido_dev_info_path)
#define fido_dev_info_product_string	\
	(*fido2_sym.fido_dev_info_product_string)
#define fido_dev_new			(*fido2_sym.fido_dev_new)
#define fido_dev_free			(*fido2_sym.fido_dev_free)
#define fido_dev_open			(*fido2_sym.fido_dev_open)
#define fido_dev_close			(*fido2_sym.fido_dev_close)
#define fido_dev_set_timeout		(*fido2_sym.fido_dev_set_timeout)
#define fido_dev_is_fido2		(*fido2_sym.fido_dev_is_fido2)
#define fido_dev_has_pin		(*fido2_sym.fido_dev_has_pin)
#define fido_dev_has_uv			(*fido2_sym.fido_dev_has_uv)
#define fido_dev_supports_pin		(*fido2_sym.fido_dev_supports_pin)
#define fido_dev_get_uv_retry_count	(*fido2_sym.fido_dev_get_uv_retry_count)
#define fido_dev_get_cbor_info		(*fido2_sym.fido_dev_get_cbor_info)
#define fido_dev_make_cred		(*fido2_sym.fido_dev_make_cred)
#define fido_dev_get_assert		(*fido2_sym.fido_dev_get_assert)
#define fido_cbor_info_new		(*fido2_sym.fido_cbor_info_new)
#define fido_cbor_info_free		(*fido2_sym.fido_cbor_info_free)
#define fido_cbor_info_algorithm_count	\
	(*fido2_sym.fido_cbor_info_algorithm_count)
#define fido_cbor_info_algorithm_cose	\
	(*fido2_sym.fido_cbor_info_algorithm_cose)
#define fido_cbor_info_options_len	(*fido2_sym.fido_cbor_info_options_len)
#define fido_cbor_info_options_name_ptr	\
	(*fido2_sym.fido_cbor_info_options_name_ptr)
#define fido_cbor_info_options_value_ptr	\
	(*fido2_sym.fido_cbor_info_options_value_ptr)
#define fido_cred_new			(*fido2_sym.fido_cred_new)
#define fido_cred_free			(*fido2_sym.fido_cred_free)
#define fido_cred_set_type		(*fido2_sym.fido_cred_set_type)
#define fido_cred_set_clientdata_hash	\
	(*fido2_sym.fido_cred_set_clientdata_hash)
#define fido_cred_set_rp		(*fido2_sym.fido_cred_set_rp)
#define fido_cred_set_user		(*fido2_sym.fido_cred_set_user)
#define fido_cred_set_rk		(*fido2_sym.fido_cred_set_rk)
#define fido_cred_set_uv		(*fido2_sym.fido_cred_set_uv)
#define fido_cred_exclude		(*fido2_sym.fido_cred_exclude)
#define fido_cred_type			(*fido2_sym.fido_cred_type)
#define fido_cred_flags			(*fido2_sym.fido_cred_flags)
#define fido_cred_fmt			(*fido2_sym.fido_cred_fmt)
#define fido_cred_sigcount		(*fido2_sym.fido_cred_sigcount)
#define fido_cred_id_ptr		(*fido2_sym.fido_cred_id_ptr)
#define fido_cred_id_len		(*fido2_sym.fido_cred_id_len)
#define fido_cred_aaguid_ptr		(*fido2_sym.fido_cred_aaguid_ptr)
#define fido_cred_aaguid_len		(*fido2_sym.fido_cred_aaguid_len)
#define fido_cred_pubkey_ptr		(*fido2_sym.fido_cred_pubkey_ptr)
#define fido_cred_pubkey_len		(*fido2_sym.fido_cred_pubkey_len)
#define fido_cred_authdata_raw_ptr	(*fido2_sym.fido_cred_authdata_raw_ptr)
#define fido_cred_authdata_raw_len	(*fido2_sym.fido_cred_authdata_raw_len)
#define fido_cred_x5c_ptr		(*fido2_sym.fido_cred_x5c_ptr)
#define fido_cred_x5c_len		(*fido2_sym.fido_cred_x5c_len)
#define fido_cred_verify		(*fido2_sym.fido_cred_verify)
#define fido_cred_verify_self		(*fido2_sym.fido_cred_verify_self)
#define fido_assert_new			(*fido2_sym.fido_assert_new)
#define fido_assert_free		(*fido2_sym.fido_assert_free)
#define fido_assert_set_rp		(*fido2_sym.fido_assert_set_rp)
#define fido_assert_set_clientdata_hash	\
	(*fido2_sym.fido_assert_set_clientdata_hash)
#define fido_assert_allow_cred		(*fido2_sym.fido_assert_allow_cred)
#define fido_assert_set_up		(*fido2_sym.fido_assert_set_up)
#define fido_assert_set_uv		(*fido2_sym.fido_assert_set_uv)
#define fido_assert_count		(*fido2_sym.fido_assert_count)
#define fido_assert_flags		(*fido2_sym.fido_assert_flags)
#define fido_assert_sigcount		(*fido2_sym.fido_assert_sigcount)
#define fido_assert_id_ptr		(*fido2_sym.fido_assert_id_ptr)
#define fido_assert_id_len		(*fido2_sym.fido_assert_id_len)
#define fido_assert_authdata_ptr	(*fido2_sym.fido_assert_authdata_ptr)
#define fido_assert_authdata_len	(*fido2_sym.fido_assert_authdata_len)
#define fido_assert_sig_ptr		(*fido2_sym.fido_assert_sig_ptr)
#define fido_assert_sig_len		(*fido2_sym.fido_assert_sig_len)
#define fido_assert_verify		(*fido2_sym.fido_assert_verify)
#define es256_pk_new			(*fido2_sym.es256_pk_new)
#define es256_pk_free			(*fido2_sym.es256_pk_free)
#define es256_pk_from_ptr		(*fido2_sym.es256_pk_from_ptr)
#define es256_pk_from_EVP_PKEY		(*fido2_sym.es256_pk_from_EVP_PKEY)
#define es256_pk_to_EVP_PKEY		(*fido2_sym.es256_pk_to_EVP_PKEY)
#define eddsa_pk_new			(*fido2_sym.eddsa_pk_new)
#define eddsa_pk_free			(*fido2_sym.eddsa_pk_free)
#define eddsa_pk_from_ptr		(*fido2_sym.eddsa_pk_from_ptr)
#define eddsa_pk_from_EVP_PKEY		(*fido2_sym.eddsa_pk_from_EVP_PKEY)
#define eddsa_pk_to_EVP_PKEY		(*fido2_sym.eddsa_pk_to_EVP_PKEY)
#define rs256_pk_new			(*fido2_sym.rs256_pk_new)
#define rs256_pk_free			(*fido2_sym.rs256_pk_free)
#define rs256_pk_from_ptr		(*fido2_sym.rs256_pk_from_ptr)
#define rs256_pk_from_EVP_PKEY		(*fido2_sym.rs256_pk_from_EVP_PKEY)
#define rs256_pk_to_EVP_PKEY		(*fido2_sym.rs256_pk_to_EVP_PKEY)
/* OpenSSL (OPENSSL_free() and sk_*() are macros over these) */
#define CRYPTO_free			(*fido2_sym.CRYPTO_free)
#define ERR_clear_error			(*fido2_sym.ERR_clear_error)
#define BIO_new_mem_buf			(*fido2_sym.BIO_new_mem_buf)
#define BIO_free			(*fido2_sym.BIO_free)
#define EVP_PKEY_free			(*fido2_sym.EVP_PKEY_free)
#define EVP_PKEY_is_a			(*fido2_sym.EVP_PKEY_is_a)
#define EVP_PKEY_get_bits		(*fido2_sym.EVP_PKEY_get_bits)
#define EVP_PKEY_get_utf8_string_param	\
	(*fido2_sym.EVP_PKEY_get_utf8_string_param)
#define d2i_PUBKEY			(*fido2_sym.d2i_PUBKEY)
#define i2d_PUBKEY			(*fido2_sym.i2d_PUBKEY)
#define d2i_X509			(*fido2_sym.d2i_X509)
#define X509_free			(*fido2_sym.X509_free)
#define PEM_X509_INFO_read_bio		(*fido2_sym.PEM_X509_INFO_read_bio)
#define X509_INFO_free			(*fido2_sym.X509_INFO_free)
#define OPENSSL_sk_num			(*fido2_sym.OPENSSL_sk_num)
#define OPENSSL_sk_value		(*fido2_sym.OPENSSL_sk_value)
#define OPENSSL_sk_pop_free		(*fido2_sym.OPENSSL_sk_pop_free)
#define X509_STORE_new			(*fido2_sym.X509_STORE_new)
#define X509_STORE_free			(*fido2_sym.X509_STORE_free)
#define X509_STORE_add_cert		(*fido2_sym.X509_STORE_add_cert)
#define X509_STORE_CTX_new		(*fido2_sym.X509_STORE_CTX_new)
#define X509_STORE_CTX_free		(*fido2_sym.X509_STORE_CTX_free)
#define X509_STORE_CTX_init		(*fido2_sym.X509_STORE_CTX_init)
#define X509_STORE_CTX_get_error	(*fido2_sym.X509_STORE_CTX_get_error)
#define X509_verify_cert		(*fido2_sym.X509_verify_cert)
#define X509_verify_cert_error_string	\
	(*fido2_sym.X509_verify_cert_error_string)

/*
 * Every table entry has its redirect: a name that expands to itself
 * would call the real symbol, which libmfa.so is not linked with.
 */
#define FIDO2_DL_STR_(x)	#x
#define FIDO2_DL_STR(x)		FIDO2_DL_STR_(x)
#define FIDO2_DL_CHECK(name)	_Static_assert(sizeof(FIDO2_DL_STR(name)) > \
	sizeof(#name), "fido2_dl.h: no redirect for " #name);
FIDO2_DL_FIDO(FIDO2_DL_CHECK)
FIDO2_DL_CRYPTO(FIDO2_DL_CHECK)
#undef FIDO2_DL_CHECK
#endif /* !FIDO2_DL_LOADER */

#endif /* MFA_FIDO2_DL_H */
