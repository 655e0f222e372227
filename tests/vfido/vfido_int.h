/* SPDX-License-Identifier: BSD-2-Clause */
/* vfido internals shared between its files and vfido-ctl. */
#ifndef TESTS_VFIDO_VFIDO_INT_H
#define TESTS_VFIDO_VFIDO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cbor.h>
#include <openssl/evp.h>

#include "vfido.h"

#define VFIDO_REPORT_LEN	64
#define VFIDO_MAX_MSG		(57 + 128 * 59)	/* CTAPHID limit: 7609 */
#define VFIDO_MAX_CREDS		32
#define VFIDO_CRED_ID_LEN	32
#define VFIDO_USER_ID_MAX	64
#define VFIDO_PIN_RETRIES	8
#define VFIDO_UV_RETRIES	5		/* CTAP 2.1 uvRetries */
#define VFIDO_KEY_MAX		1280		/* DER private key (RSA-2048) */
#define VFIDO_SIG_MAX		512		/* a signature, any algorithm */
#define VFIDO_CERT_MAX		2048		/* DER attestation cert */
#define VFIDO_STATE_MAX		262144		/* state file size cap */

/* COSE algorithms of credential keys (RFC 8152, WebAuthn). */
#define VFIDO_COSE_ES256	(-7)
#define VFIDO_COSE_EDDSA	(-8)
#define VFIDO_COSE_RS256	(-257)
/* Device algorithm set: bits; none set means ES256 only. */
#define VFIDO_ALG_ES256		0x01
#define VFIDO_ALG_EDDSA		0x02
#define VFIDO_ALG_RS256		0x04

/* CTAP2 status codes (CTAP 2.0 section 6.3). */
#define CTAP2_OK			0x00
#define CTAP1_ERR_INVALID_COMMAND	0x01
#define CTAP1_ERR_INVALID_PARAMETER	0x02
#define CTAP1_ERR_INVALID_LENGTH	0x03
#define CTAP1_ERR_OTHER			0x7f
#define CTAP2_ERR_CBOR_UNEXPECTED_TYPE	0x11
#define CTAP2_ERR_INVALID_CBOR		0x12
#define CTAP2_ERR_MISSING_PARAMETER	0x14
#define CTAP2_ERR_LIMIT_EXCEEDED	0x15
#define CTAP2_ERR_CREDENTIAL_EXCLUDED	0x19
#define CTAP2_ERR_UNSUPPORTED_ALGORITHM	0x26
#define CTAP2_ERR_OPERATION_DENIED	0x27
#define CTAP2_ERR_KEY_STORE_FULL	0x28
#define CTAP2_ERR_UNSUPPORTED_OPTION	0x2b
#define CTAP2_ERR_INVALID_OPTION	0x2c
#define CTAP2_ERR_KEEPALIVE_CANCEL	0x2d
#define CTAP2_ERR_NO_CREDENTIALS	0x2e
#define CTAP2_ERR_PIN_INVALID		0x31
#define CTAP2_ERR_PIN_BLOCKED		0x32
#define CTAP2_ERR_PIN_AUTH_INVALID	0x33
#define CTAP2_ERR_PIN_AUTH_BLOCKED	0x34
#define CTAP2_ERR_PIN_NOT_SET		0x35
#define CTAP2_ERR_PIN_REQUIRED		0x36
#define CTAP2_ERR_PIN_POLICY_VIOLATION	0x37
#define CTAP2_ERR_UV_BLOCKED		0x3c	/* CTAP 2.1 */
#define CTAP2_ERR_UV_INVALID		0x3f	/* CTAP 2.1 */

/* Not a CTAP status: the command waits for a touch that never comes. */
#define VFIDO_NOREPLY			0x100
/* Not a CTAP status: the device vanished (I/O errors from now on). */
#define VFIDO_GONE			0x101
/* Not CTAP statuses: send the reply with broken CTAPHID framing. */
#define VFIDO_TRUNCATE			0x102
#define VFIDO_OVERSIZE			0x103

/* CTAP2 command bytes. */
#define CTAP2_MAKE_CREDENTIAL	0x01
#define CTAP2_GET_ASSERTION	0x02
#define CTAP2_GET_INFO		0x04
#define CTAP2_CLIENT_PIN	0x06
#define CTAP2_RESET		0x07

/* authData flags. */
#define VFIDO_FLAG_UP	0x01
#define VFIDO_FLAG_UV	0x04
#define VFIDO_FLAG_AT	0x40

enum vfido_touch {
	VFIDO_TOUCH_AUTO = 0,	/* the user touches at once */
	VFIDO_TOUCH_DENY,	/* the user refuses: OPERATION_DENIED */
	VFIDO_TOUCH_NEVER,	/* nobody touches: no reply at all */
};

enum vfido_attest {
	VFIDO_ATTEST_SELF = 0,	/* packed, signed by the credential key */
	VFIDO_ATTEST_X5C,	/* packed, attestation key + certificate */
	VFIDO_ATTEST_NONE,	/* "none": no attestation statement */
};

/* Faults injected into replies, for the callers' error paths. */
enum vfido_fault {
	VFIDO_FAULT_NONE = 0,
	VFIDO_FAULT_BADSIG,	/* assertion signature does not verify */
	VFIDO_FAULT_WRONGRP,	/* assertion or credential for another RP
				   ID hash */
	VFIDO_FAULT_BADCBOR,	/* assertion reply is not valid CBOR */
	VFIDO_FAULT_WRONGTYPE,	/* assertion reply with wrong CBOR types */
	VFIDO_FAULT_TRUNCATE,	/* assertion reply: only the first frame */
	VFIDO_FAULT_OVERSIZE,	/* assertion reply: absurd frame length */
	VFIDO_FAULT_VANISH,	/* device gone after an assertion request */
	VFIDO_FAULT_NOUP,	/* assertion or credential without the UP
				   flag */
	VFIDO_FAULT_BADATTEST,	/* make-credential: bad attestation sig */
	VFIDO_FAULT_NOUV,	/* assertion or credential without the UV
				   flag, even after the PIN */
	VFIDO_FAULT_WRONGCRED,	/* assertion naming another credential id */
	VFIDO_FAULT_ALWAYSUV,	/* alwaysUv: getInfo says so; no assertion
				   or credential without the PIN,
				   PIN_REQUIRED instead */
	VFIDO_FAULT_UVNOTRQD,	/* CTAP 2.1 makeCredUvNotRqd: getInfo says
				   so; a non-resident credential is made
				   without the PIN though one is set */
	VFIDO_FAULT_UVPIN,	/* a key with built-in UV and its PIN set
				   answers the "uv" option with
				   PIN_REQUIRED (CTAP 2.0 makeCredential
				   step 7 read literally) */
};

struct vfido_cred {
	unsigned char	 id[VFIDO_CRED_ID_LEN];
	unsigned char	 rp_hash[32];
	unsigned char	 user_id[VFIDO_USER_ID_MAX];
	size_t		 user_id_len;
	unsigned char	 key[VFIDO_KEY_MAX];	/* DER private key (its alg) */
	size_t		 key_len;
};

/* Everything that survives a "power cycle": the state file. */
struct vfido_state {
	unsigned char	 aaguid[16];
	enum vfido_touch touch;
	enum vfido_attest attest;
	enum vfido_fault fault;
	uint32_t	 fault_at;	/* 0: always; N: N-th GetAssertion */
	uint32_t	 fault_count;	/* GetAssertions since fault set */
	unsigned int	 algs;		/* VFIDO_ALG_* the device supports */
	bool		 counter_zero;	/* a key without a usage counter */
	bool		 u2f;		/* U2F only (CTAP1 over MSG, no CBOR) */
	bool		 pin_set;
	unsigned char	 pin_hash[16];	/* LEFT(SHA-256(PIN), 16) */
	unsigned int	 pin_retries;
	/*
	 * Built-in user verification (a fingerprint enrolled): getInfo
	 * says "uv": true and the "uv" option is honoured; uv_nomatch:
	 * the finger on the sensor is not the enrolled one.
	 */
	bool		 builtin_uv;
	bool		 uv_nomatch;
	unsigned int	 uv_retries;
	uint32_t	 counter;
	unsigned char	 att_key[VFIDO_KEY_MAX];
	size_t		 att_key_len;
	unsigned char	 att_cert[VFIDO_CERT_MAX];
	size_t		 att_cert_len;
	struct vfido_cred creds[VFIDO_MAX_CREDS];
	size_t		 ncreds;
};

/* One open handle: CTAPHID framing plus the volatile CTAP state. */
struct vfido_dev {
	char		*state_path;
	bool		 gone;
	/* reassembly of the request being received */
	bool		 rx_busy;
	uint32_t	 rx_cid;
	uint8_t		 rx_cmd;
	size_t		 rx_need;
	size_t		 rx_have;
	uint8_t		 rx_seq;
	unsigned char	 rx_buf[VFIDO_MAX_MSG];
	/* queued reply reports */
	unsigned char	 tx_q[130][VFIDO_REPORT_LEN];
	size_t		 tx_head;
	size_t		 tx_count;
	uint32_t	 next_cid;
	/* a request waiting for a touch that never comes */
	bool		 pending;
	uint32_t	 pending_cid;
	/* volatile ClientPIN state (regenerated at each power-up) */
	EVP_PKEY	*ka_key;
	unsigned char	 pin_token[32];
	unsigned int	 pin_fails;	/* consecutive, this power-up */
};

/* ctap2.c */
int	vfido_ctap2(struct vfido_dev *, const unsigned char *, size_t,
	    unsigned char *, size_t *);
int	vfido_touch(const struct vfido_state *);
int	vfido_cred_find(const struct vfido_state *, const unsigned char *,
	    size_t, const unsigned char [32]);

/* makecred.c, getassert.c */
int	vfido_make_credential(struct vfido_dev *, struct vfido_state *,
	    const cbor_item_t *, cbor_item_t **, bool *);
int	vfido_get_assertion(struct vfido_dev *, struct vfido_state *,
	    const cbor_item_t *, cbor_item_t **, bool *);

/* u2f.c */
int	vfido_u2f(struct vfido_dev *, const unsigned char *, size_t,
	    unsigned char *, size_t *);
int	vfido_is_u2f(const char *);

/* clientpin.c */
int	vfido_client_pin(struct vfido_dev *, struct vfido_state *,
	    const cbor_item_t *, cbor_item_t **, bool *);
int	vfido_pin_check_auth(struct vfido_dev *, const struct vfido_state *,
	    const cbor_item_t *, const cbor_item_t *, const unsigned char *,
	    size_t);
int	vfido_pin_empty_auth(const struct vfido_state *,
	    const cbor_item_t *);
void	vfido_pin_powerup(struct vfido_dev *);
int	vfido_uv_builtin(struct vfido_state *, bool *);

/* cborx.c */
const cbor_item_t *vfido_map_get(const cbor_item_t *, int64_t);
const cbor_item_t *vfido_map_get_str(const cbor_item_t *, const char *);
int	vfido_cbor_int(const cbor_item_t *, int64_t *);
int	vfido_cbor_bytes(const cbor_item_t *, const unsigned char **,
	    size_t *);
int	vfido_cbor_text(const cbor_item_t *, char *, size_t);
int	vfido_cbor_text_eq(const cbor_item_t *, const char *);
int	vfido_cbor_bool(const cbor_item_t *, bool *);
int	vfido_map_put(cbor_item_t *, cbor_item_t *, cbor_item_t *);
int	vfido_map_put_int(cbor_item_t *, int64_t, cbor_item_t *);
cbor_item_t *vfido_cbor_int_new(int64_t);
cbor_item_t *vfido_cose_encode(EVP_PKEY *, int64_t);
int	vfido_cose_decode(const cbor_item_t *, EVP_PKEY **);
int	vfido_cbor_check_keys(const cbor_item_t *);

/* crypto.c */
EVP_PKEY *vfido_ec_generate(void);
EVP_PKEY *vfido_key_generate(int64_t);
int64_t	vfido_key_alg(const EVP_PKEY *);
int	vfido_key_export(EVP_PKEY *, unsigned char *, size_t, size_t *);
EVP_PKEY *vfido_key_import(const unsigned char *, size_t);
int	vfido_ec_xy(EVP_PKEY *, unsigned char [32], unsigned char [32]);
EVP_PKEY *vfido_ec_from_xy(const unsigned char [32],
	    const unsigned char [32]);
int	vfido_sign(EVP_PKEY *, const unsigned char *, size_t,
	    const unsigned char *, size_t, unsigned char *, size_t *);
int	vfido_ecdh(EVP_PKEY *, EVP_PKEY *, unsigned char [32]);
int	vfido_aes256_cbc(int, const unsigned char [32], const unsigned char *,
	    size_t, unsigned char *);
int	vfido_hmac_sha256(const unsigned char *, size_t, const unsigned char *,
	    size_t, unsigned char [32]);
void	vfido_sha256(const void *, size_t, unsigned char [32]);
int	vfido_random(void *, size_t);

/* store.c */
int	vfido_state_lock(const char *);
void	vfido_state_unlock(int);
int	vfido_state_load(const char *, struct vfido_state *);
int	vfido_state_save(const char *, const struct vfido_state *);
void	vfido_state_wipe(struct vfido_state *);
int	vfido_state_set(struct vfido_state *, const char *, const char *);
const char *vfido_touch_name(enum vfido_touch);
const char *vfido_attest_name(enum vfido_attest);
const char *vfido_fault_name(enum vfido_fault);
unsigned int vfido_algs(const struct vfido_state *);
int	vfido_algs_parse(const char *, unsigned int *);
void	vfido_algs_format(unsigned int, char *, size_t);
int64_t	vfido_alg_cose(unsigned int);

/* attest.c */
int	vfido_ca_create(const char *, const char *);
int	vfido_attest_issue(struct vfido_state *, const char *, const char *);

#endif
