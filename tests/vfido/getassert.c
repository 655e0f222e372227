/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authenticatorGetAssertion (CTAP 2.0 section 5.2): allow-list lookup
 * bound to the RP ID hash (or the RP's newest credential when the list
 * is absent), user presence unless up=false (silent assertion), user
 * verification through pinAuth or, on a key with built-in verification,
 * through the "uv" option (CTAP 2.1: before the credential is looked
 * up; a pinAuth wins), and a signature counter that is bumped and saved
 * with every assertion.
 */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "vfido_int.h"

#define ARG_RP_ID	1
#define ARG_CDH		2
#define ARG_ALLOW	3
#define ARG_OPTIONS	5
#define ARG_PIN_AUTH	6
#define ARG_PIN_PROTO	7
#define RP_ID_MAX	256
#define AUTHDATA_LEN	37

struct ga_req {
	const unsigned char	*cdh;
	size_t			 cdh_len;
	unsigned char		 rp_hash[32];
	bool			 up;
	bool			 uv_opt;	/* the "uv" option */
	bool			 uv;		/* the user was verified */
	bool			 listed;
};

static int
parse_options(const struct vfido_state *st, const cbor_item_t *opt,
    struct ga_req *q)
{
	bool v = false;

	q->up = true;
	if (opt == NULL)
		return (CTAP2_OK);
	if (!cbor_isa_map(opt))
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	if (vfido_map_get_str(opt, "up") != NULL &&
	    vfido_cbor_bool(vfido_map_get_str(opt, "up"), &q->up) < 0)
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	if (vfido_map_get_str(opt, "rk") != NULL)
		return (CTAP2_ERR_INVALID_OPTION);
	if (vfido_map_get_str(opt, "uv") != NULL &&
	    (vfido_cbor_bool(vfido_map_get_str(opt, "uv"), &v) < 0 ||
	    (v && !st->builtin_uv)))
		return (CTAP2_ERR_UNSUPPORTED_OPTION);
	q->uv_opt = vfido_map_get_str(opt, "uv") != NULL && v;
	return (CTAP2_OK);
}

static int
parse_req(const struct vfido_state *st, const cbor_item_t *args,
    struct ga_req *q)
{
	const cbor_item_t	*allow;
	char			 rp_id[RP_ID_MAX + 1];

	if (args == NULL || vfido_map_get(args, ARG_RP_ID) == NULL ||
	    vfido_map_get(args, ARG_CDH) == NULL)
		return (CTAP2_ERR_MISSING_PARAMETER);
	if (vfido_cbor_text(vfido_map_get(args, ARG_RP_ID), rp_id,
	    sizeof(rp_id)) < 0 ||
	    vfido_cbor_bytes(vfido_map_get(args, ARG_CDH), &q->cdh,
	    &q->cdh_len) < 0)
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	if (q->cdh_len != 32)
		return (CTAP1_ERR_INVALID_LENGTH);
	vfido_sha256(rp_id, strlen(rp_id), q->rp_hash);
	if ((allow = vfido_map_get(args, ARG_ALLOW)) != NULL) {
		if (!cbor_isa_array(allow) || !cbor_array_is_definite(allow))
			return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
		q->listed = cbor_array_size(allow) > 0;
	}
	return (parse_options(st, vfido_map_get(args, ARG_OPTIONS), q));
}

/* The first allowed credential we hold, or the RP's newest one. */
static int
locate(const struct vfido_state *st, const cbor_item_t *allow,
    const struct ga_req *q)
{
	cbor_item_t		**v;
	const unsigned char	 *id;
	size_t			  len;
	int			  i;

	if (!q->listed) {
		for (i = (int)st->ncreds - 1; i >= 0; i--)
			if (memcmp(st->creds[i].rp_hash, q->rp_hash, 32) == 0)
				return (i);
		return (-1);
	}
	v = cbor_array_handle(allow);
	for (size_t k = 0; k < cbor_array_size(allow); k++) {
		if (vfido_cbor_bytes(vfido_map_get_str(v[k], "id"), &id,
		    &len) < 0)
			continue;
		if ((i = vfido_cred_find(st, id, len, q->rp_hash)) >= 0)
			return (i);
	}
	return (-1);
}

static cbor_item_t *
descriptor(const char *idkey, const unsigned char *id, size_t len,
    bool with_type)
{
	cbor_item_t *m;

	if ((m = cbor_new_definite_map(with_type ? 2 : 1)) == NULL)
		return (NULL);
	if (vfido_map_put(m, cbor_build_string(idkey),
	    cbor_build_bytestring(id, len)) < 0 || (with_type &&
	    vfido_map_put(m, cbor_build_string("type"),
	    cbor_build_string("public-key")) < 0))
		cbor_decref(&m);
	return (m);
}

static int
sign_reply(const struct vfido_state *st, const struct vfido_cred *c,
    const struct ga_req *q, cbor_item_t **reply)
{
	EVP_PKEY	*key = NULL;
	unsigned char	 ad[AUTHDATA_LEN], sig[VFIDO_SIG_MAX];
	unsigned char	 id[VFIDO_CRED_ID_LEN];
	size_t		 siglen = sizeof(sig);
	cbor_item_t	*m = NULL;
	const uint32_t	 ctr = st->counter_zero ? 0 : st->counter;
	int		 r = CTAP1_ERR_OTHER;

	if (st->fault == VFIDO_FAULT_WRONGRP)
		vfido_sha256("evil.example", strlen("evil.example"), ad);
	else
		memcpy(ad, q->rp_hash, 32);
	ad[32] = (q->up && st->fault != VFIDO_FAULT_NOUP ? VFIDO_FLAG_UP : 0) |
	    (q->uv && st->fault != VFIDO_FAULT_NOUV ? VFIDO_FLAG_UV : 0);
	ad[33] = (unsigned char)(ctr >> 24);
	ad[34] = (unsigned char)(ctr >> 16);
	ad[35] = (unsigned char)(ctr >> 8);
	ad[36] = (unsigned char)ctr;
	if ((key = vfido_key_import(c->key, c->key_len)) == NULL ||
	    vfido_sign(key, ad, sizeof(ad), q->cdh, q->cdh_len, sig,
	    &siglen) < 0)
		goto out;
	if (st->fault == VFIDO_FAULT_BADSIG)
		sig[siglen - 1] ^= 0x01;
	if ((m = cbor_new_definite_map(q->listed ? 3 : 4)) == NULL)
		goto out;
	memcpy(id, c->id, sizeof(id));
	/* The id is not signed: only the host can tell. */
	if (st->fault == VFIDO_FAULT_WRONGCRED)
		id[0] ^= 0x01;
	if (vfido_map_put_int(m, 1, descriptor("id", id, sizeof(id),
	    true)) < 0 ||
	    vfido_map_put_int(m, 2, cbor_build_bytestring(ad,
	    sizeof(ad))) < 0 ||
	    vfido_map_put_int(m, 3, cbor_build_bytestring(sig, siglen)) < 0)
		goto out;
	if (!q->listed && vfido_map_put_int(m, 4, descriptor("id",
	    c->user_id, c->user_id_len, false)) < 0)
		goto out;
	*reply = m;
	m = NULL;
	r = CTAP2_OK;
out:
	if (m != NULL)
		cbor_decref(&m);
	EVP_PKEY_free(key);
	return (r);
}

int
vfido_get_assertion(struct vfido_dev *d, struct vfido_state *st,
    const cbor_item_t *args, cbor_item_t **reply, bool *dirty)
{
	const cbor_item_t	*auth;
	struct ga_req		 q;
	int			 i, r;

	memset(&q, 0, sizeof(q));
	if ((r = parse_req(st, args, &q)) != CTAP2_OK)
		return (r);
	auth = vfido_map_get(args, ARG_PIN_AUTH);
	if ((r = vfido_pin_empty_auth(st, auth)) != 0)
		return (r);
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
	}
	if (st->fault == VFIDO_FAULT_ALWAYSUV && !q.uv)
		return (CTAP2_ERR_PIN_REQUIRED);
	if ((i = locate(st, vfido_map_get(args, ARG_ALLOW), &q)) < 0)
		return (CTAP2_ERR_NO_CREDENTIALS);
	if (q.up && (r = vfido_touch(st)) != CTAP2_OK)
		return (r);
	if (!st->counter_zero) {
		st->counter++;
		*dirty = true;
	}
	return (sign_reply(st, &st->creds[i], &q, reply));
}
