/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authenticatorMakeCredential (CTAP 2.0 section 5.1; with the faults
 * alwaysuv and uvnotrqd, and on a key with built-in user verification,
 * CTAP 2.1's rules for those options): a key per
 * credential, of the first algorithm in pubKeyCredParams the device
 * supports (ES256, EdDSA, RS256), a random credential ID, the
 * credential kept in the state file, and "packed" attestation, either
 * self attestation (the credential key's algorithm) or signed by an
 * attestation key (its own algorithm) whose certificate (issued by a
 * test CA) goes into x5c.
 */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "vfido_int.h"

#define ARG_CDH		1
#define ARG_RP		2
#define ARG_USER	3
#define ARG_PARAMS	4
#define ARG_EXCLUDE	5
#define ARG_OPTIONS	7
#define ARG_PIN_AUTH	8
#define ARG_PIN_PROTO	9
#define RP_ID_MAX	256
/* an RSA-2048 COSE_Key is the biggest: 256 + 3 bytes and headers */
#define AUTHDATA_MAX	(37 + 16 + 2 + VFIDO_CRED_ID_LEN + 320)

struct mc_req {
	const unsigned char	*cdh;
	size_t			 cdh_len;
	unsigned char		 rp_hash[32];
	const unsigned char	*user_id;
	size_t			 user_id_len;
	int64_t			 alg;	/* COSE algorithm of the new key */
	bool			 rk;	/* a discoverable credential asked for */
	bool			 uv_opt;	/* the "uv" option */
	bool			 uv;	/* the user was verified */
};

/* The first public-key algorithm in params that the device supports. */
static int
pick_alg(const struct vfido_state *st, const cbor_item_t *params,
    int64_t *out)
{
	cbor_item_t	**v;
	const unsigned int algs = vfido_algs(st);
	int64_t		  alg;

	if (!cbor_isa_array(params) || !cbor_array_is_definite(params))
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	v = cbor_array_handle(params);
	for (size_t i = 0; i < cbor_array_size(params); i++) {
		if (!cbor_isa_map(v[i]))
			return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
		if (vfido_cbor_text_eq(vfido_map_get_str(v[i], "type"),
		    "public-key") != 0 ||
		    vfido_cbor_int(vfido_map_get_str(v[i], "alg"), &alg) < 0)
			continue;
		for (unsigned int bit = 1; bit <= VFIDO_ALG_RS256; bit <<= 1)
			if ((algs & bit) != 0 && vfido_alg_cose(bit) == alg) {
				*out = alg;
				return (CTAP2_OK);
			}
	}
	return (CTAP2_ERR_UNSUPPORTED_ALGORITHM);
}

static int
parse_options(const struct vfido_state *st, const cbor_item_t *opt,
    struct mc_req *q)
{
	bool v = false;

	if (opt == NULL)
		return (CTAP2_OK);
	if (!cbor_isa_map(opt))
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	if (vfido_map_get_str(opt, "up") != NULL &&
	    (vfido_cbor_bool(vfido_map_get_str(opt, "up"), &v) < 0 || !v))
		return (CTAP2_ERR_INVALID_OPTION);
	if (vfido_map_get_str(opt, "rk") != NULL &&
	    vfido_cbor_bool(vfido_map_get_str(opt, "rk"), &q->rk) < 0)
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	/* without built-in user verification, uv only through a PIN */
	if (vfido_map_get_str(opt, "uv") != NULL &&
	    (vfido_cbor_bool(vfido_map_get_str(opt, "uv"), &v) < 0 ||
	    (v && !st->builtin_uv)))
		return (CTAP2_ERR_UNSUPPORTED_OPTION);
	q->uv_opt = vfido_map_get_str(opt, "uv") != NULL && v;
	return (CTAP2_OK);
}

static int
parse_req(const struct vfido_state *st, const cbor_item_t *args,
    struct mc_req *q)
{
	const cbor_item_t	*rp, *user;
	char			 rp_id[RP_ID_MAX + 1];
	int			 r;

	if (args == NULL || vfido_map_get(args, ARG_CDH) == NULL ||
	    (rp = vfido_map_get(args, ARG_RP)) == NULL ||
	    (user = vfido_map_get(args, ARG_USER)) == NULL ||
	    vfido_map_get(args, ARG_PARAMS) == NULL)
		return (CTAP2_ERR_MISSING_PARAMETER);
	if (vfido_cbor_bytes(vfido_map_get(args, ARG_CDH), &q->cdh,
	    &q->cdh_len) < 0 || !cbor_isa_map(rp) || !cbor_isa_map(user))
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	if (q->cdh_len != 32)
		return (CTAP1_ERR_INVALID_LENGTH);
	if (vfido_map_get_str(rp, "id") == NULL ||
	    vfido_map_get_str(user, "id") == NULL)
		return (CTAP2_ERR_MISSING_PARAMETER);
	if (vfido_cbor_text(vfido_map_get_str(rp, "id"), rp_id,
	    sizeof(rp_id)) < 0 ||
	    vfido_cbor_bytes(vfido_map_get_str(user, "id"), &q->user_id,
	    &q->user_id_len) < 0)
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	if (q->user_id_len > VFIDO_USER_ID_MAX)
		return (CTAP1_ERR_INVALID_LENGTH);
	vfido_sha256(rp_id, strlen(rp_id), q->rp_hash);
	if ((r = pick_alg(st, vfido_map_get(args, ARG_PARAMS), &q->alg)) !=
	    CTAP2_OK)
		return (r);
	if (vfido_map_get(args, ARG_EXCLUDE) != NULL &&
	    (!cbor_isa_array(vfido_map_get(args, ARG_EXCLUDE)) ||
	    !cbor_array_is_definite(vfido_map_get(args, ARG_EXCLUDE))))
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	return (parse_options(st, vfido_map_get(args, ARG_OPTIONS), q));
}

static bool
excluded(const struct vfido_state *st, const cbor_item_t *list,
    const unsigned char rp_hash[32])
{
	cbor_item_t		**v;
	const unsigned char	 *id;
	size_t			  len;

	if (list == NULL)
		return (false);
	v = cbor_array_handle(list);
	for (size_t i = 0; i < cbor_array_size(list); i++)
		if (vfido_cbor_bytes(vfido_map_get_str(v[i], "id"), &id,
		    &len) == 0 && vfido_cred_find(st, id, len, rp_hash) >= 0)
			return (true);
	return (false);
}

/* rpIdHash | flags | counter | AAGUID | L | credential ID | COSE_Key */
static int
build_authdata(const struct vfido_state *st, const struct mc_req *q,
    const struct vfido_cred *c, EVP_PKEY *key, unsigned char *ad,
    size_t *adlen)
{
	cbor_item_t	*cose;
	size_t		 n, off = 0;
	const uint32_t	 ctr = st->counter_zero ? 0 : st->counter;

	if (st->fault == VFIDO_FAULT_WRONGRP)
		vfido_sha256("evil.example", strlen("evil.example"), ad);
	else
		memcpy(ad, q->rp_hash, 32);
	off = 32;
	ad[off++] = (st->fault != VFIDO_FAULT_NOUP ? VFIDO_FLAG_UP : 0) |
	    VFIDO_FLAG_AT |
	    (q->uv && st->fault != VFIDO_FAULT_NOUV ? VFIDO_FLAG_UV : 0);
	ad[off++] = (unsigned char)(ctr >> 24);
	ad[off++] = (unsigned char)(ctr >> 16);
	ad[off++] = (unsigned char)(ctr >> 8);
	ad[off++] = (unsigned char)ctr;
	memcpy(ad + off, st->aaguid, 16);
	off += 16;
	ad[off++] = 0;
	ad[off++] = VFIDO_CRED_ID_LEN;
	memcpy(ad + off, c->id, VFIDO_CRED_ID_LEN);
	off += VFIDO_CRED_ID_LEN;
	if ((cose = vfido_cose_encode(key, q->alg)) == NULL)
		return (-1);
	n = cbor_serialize(cose, ad + off, AUTHDATA_MAX - off);
	cbor_decref(&cose);
	if (n == 0)
		return (-1);
	*adlen = off + n;
	return (0);
}

/*
 * packed attStmt: alg is the signer's own algorithm, the credential's
 * for self attestation, the attestation key's with x5c.  Format "none"
 * has an empty one.
 */
static cbor_item_t *
build_attstmt(const struct vfido_state *st, EVP_PKEY *signer,
    const unsigned char *ad, size_t adlen, const struct mc_req *q)
{
	unsigned char	 sig[VFIDO_SIG_MAX];
	size_t		 siglen = sizeof(sig);
	cbor_item_t	*m = NULL, *x5c = NULL;
	const bool	 full = st->attest == VFIDO_ATTEST_X5C;

	if (st->attest == VFIDO_ATTEST_NONE)
		return (cbor_new_definite_map(0));
	if (vfido_sign(signer, ad, adlen, q->cdh, q->cdh_len, sig,
	    &siglen) < 0)
		return (NULL);
	if (st->fault == VFIDO_FAULT_BADATTEST)
		sig[siglen - 1] ^= 0x01;
	if ((m = cbor_new_definite_map(full ? 3 : 2)) == NULL)
		return (NULL);
	if (vfido_map_put(m, cbor_build_string("alg"),
	    vfido_cbor_int_new(vfido_key_alg(signer))) < 0 ||
	    vfido_map_put(m, cbor_build_string("sig"),
	    cbor_build_bytestring(sig, siglen)) < 0)
		goto fail;
	if (full) {
		if ((x5c = cbor_new_definite_array(1)) == NULL ||
		    !cbor_array_push(x5c, cbor_move(cbor_build_bytestring(
		    st->att_cert, st->att_cert_len))) ||
		    vfido_map_put(m, cbor_build_string("x5c"), x5c) < 0) {
			x5c = NULL;
			goto fail;
		}
	}
	return (m);
fail:
	cbor_decref(&m);
	return (NULL);
}

static int
reply_map(const char *fmt, const unsigned char *ad, size_t adlen,
    cbor_item_t *att, cbor_item_t **reply)
{
	cbor_item_t *m;

	if (att == NULL || (m = cbor_new_definite_map(3)) == NULL) {
		if (att != NULL)
			cbor_decref(&att);
		return (CTAP1_ERR_OTHER);
	}
	if (vfido_map_put_int(m, 1, cbor_build_string(fmt)) < 0 ||
	    vfido_map_put_int(m, 2, cbor_build_bytestring(ad, adlen)) < 0 ||
	    vfido_map_put_int(m, 3, att) < 0) {
		cbor_decref(&m);
		return (CTAP1_ERR_OTHER);
	}
	*reply = m;
	return (CTAP2_OK);
}

static int
create(struct vfido_state *st, const struct mc_req *q, cbor_item_t **reply,
    bool *dirty)
{
	struct vfido_cred	*c;
	EVP_PKEY		*key = NULL, *att = NULL;
	unsigned char		 ad[AUTHDATA_MAX];
	size_t			 adlen;
	int			 r = CTAP1_ERR_OTHER;

	if (st->ncreds == VFIDO_MAX_CREDS)
		return (CTAP2_ERR_KEY_STORE_FULL);
	if (st->attest == VFIDO_ATTEST_X5C && (st->att_cert_len == 0 ||
	    (att = vfido_key_import(st->att_key, st->att_key_len)) == NULL))
		return (CTAP1_ERR_OTHER);
	c = &st->creds[st->ncreds];
	memset(c, 0, sizeof(*c));
	if ((key = vfido_key_generate(q->alg)) == NULL ||
	    vfido_key_export(key, c->key, sizeof(c->key), &c->key_len) < 0 ||
	    vfido_random(c->id, sizeof(c->id)) < 0)
		goto out;
	memcpy(c->rp_hash, q->rp_hash, 32);
	if (q->user_id_len > 0)
		memcpy(c->user_id, q->user_id, q->user_id_len);
	c->user_id_len = q->user_id_len;
	if (!st->counter_zero)
		st->counter++;
	if (build_authdata(st, q, c, key, ad, &adlen) < 0)
		goto out;
	if ((r = reply_map(st->attest == VFIDO_ATTEST_NONE ? "none" :
	    "packed", ad, adlen, build_attstmt(st, att != NULL ? att : key,
	    ad, adlen, q), reply)) != CTAP2_OK)
		goto out;
	st->ncreds++;
	*dirty = true;
out:
	if (r != CTAP2_OK)
		OPENSSL_cleanse(c, sizeof(*c));
	EVP_PKEY_free(key);
	EVP_PKEY_free(att);
	return (r);
}

int
vfido_make_credential(struct vfido_dev *d, struct vfido_state *st,
    const cbor_item_t *args, cbor_item_t **reply, bool *dirty)
{
	const cbor_item_t	*auth;
	struct mc_req		 q;
	int			 r;

	memset(&q, 0, sizeof(q));
	if ((r = parse_req(st, args, &q)) != CTAP2_OK)
		return (r);
	auth = vfido_map_get(args, ARG_PIN_AUTH);
	if ((r = vfido_pin_empty_auth(st, auth)) != 0)
		return (r);
	/* CTAP 2.1: with pinUvAuthParam, the "uv" option is ignored */
	if (auth != NULL) {
		if ((r = vfido_pin_check_auth(d, st, auth,
		    vfido_map_get(args, ARG_PIN_PROTO), q.cdh,
		    q.cdh_len)) != CTAP2_OK)
			return (r);
		q.uv = true;
	} else if (q.uv_opt) {
		if ((r = vfido_uv_builtin(st, dirty)) != CTAP2_OK)
			return (r);
		q.uv = true;
	} else if (st->fault == VFIDO_FAULT_ALWAYSUV || ((st->pin_set ||
	    st->builtin_uv) && (st->fault != VFIDO_FAULT_UVNOTRQD || q.rk)))
		/*
		 * CTAP 2.0: a key with its PIN set makes no credential
		 * without pinAuth.  CTAP 2.1 (PUAT_REQUIRED, the same
		 * code): nor one with alwaysUv or built-in verification
		 * and no "uv" option, and one with makeCredUvNotRqd only a
		 * non-discoverable one.
		 */
		return (CTAP2_ERR_PIN_REQUIRED);
	if (excluded(st, vfido_map_get(args, ARG_EXCLUDE), q.rp_hash)) {
		/* the user confirms before the RP learns the key is known */
		if ((r = vfido_touch(st)) != CTAP2_OK)
			return (r);
		return (CTAP2_ERR_CREDENTIAL_EXCLUDED);
	}
	if ((r = vfido_touch(st)) != CTAP2_OK)
		return (r);
	return (create(st, &q, reply, dirty));
}
