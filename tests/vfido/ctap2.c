/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CTAP2 command dispatch (CTAP 2.0 section 5): each request runs under
 * the device lock on a freshly loaded state, which is saved again when
 * the command changed it; authenticatorGetInfo and authenticatorReset
 * live here, the bigger commands in their own files.  The reply faults
 * a test asked for are applied here too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vfido_int.h"

int
vfido_touch(const struct vfido_state *st)
{
	switch (st->touch) {
	case VFIDO_TOUCH_AUTO:
		return (CTAP2_OK);
	case VFIDO_TOUCH_DENY:
		return (CTAP2_ERR_OPERATION_DENIED);
	default:
		return (VFIDO_NOREPLY);
	}
}

/* Index of the credential with this id for this RP, or -1. */
int
vfido_cred_find(const struct vfido_state *st, const unsigned char *id,
    size_t len, const unsigned char rp_hash[32])
{
	for (size_t i = 0; i < st->ncreds; i++)
		if (len == VFIDO_CRED_ID_LEN &&
		    memcmp(st->creds[i].id, id, len) == 0 &&
		    memcmp(st->creds[i].rp_hash, rp_hash, 32) == 0)
			return ((int)i);
	return (-1);
}

static cbor_item_t *
str_array(const char *s)
{
	cbor_item_t *a, *v;

	if ((a = cbor_new_definite_array(1)) == NULL)
		return (NULL);
	if ((v = cbor_build_string(s)) == NULL || !cbor_array_push(a, v)) {
		if (v != NULL)
			cbor_decref(&v);
		cbor_decref(&a);
		return (NULL);
	}
	cbor_decref(&v);
	return (a);
}

/*
 * In CTAP2 canonical order (shorter keys first), as libfido2 checks.
 * "uv" only on a key with built-in verification (a fingerprint
 * enrolled), which then says true.
 */
static cbor_item_t *
info_options(const struct vfido_state *st)
{
	const bool	 always = st->fault == VFIDO_FAULT_ALWAYSUV,
			 notrqd = st->fault == VFIDO_FAULT_UVNOTRQD,
			 uv = st->builtin_uv;
	cbor_item_t	*m;

	if ((m = cbor_new_definite_map(4 + always + notrqd + uv)) == NULL)
		return (NULL);
	if (vfido_map_put(m, cbor_build_string("rk"), cbor_build_bool(true)) ||
	    vfido_map_put(m, cbor_build_string("up"), cbor_build_bool(true)) ||
	    (uv && vfido_map_put(m, cbor_build_string("uv"),
	    cbor_build_bool(true))) ||
	    vfido_map_put(m, cbor_build_string("plat"),
	    cbor_build_bool(false)) ||
	    (always && vfido_map_put(m, cbor_build_string("alwaysUv"),
	    cbor_build_bool(true))) ||
	    vfido_map_put(m, cbor_build_string("clientPin"),
	    cbor_build_bool(st->pin_set)) ||
	    (notrqd && vfido_map_put(m, cbor_build_string("makeCredUvNotRqd"),
	    cbor_build_bool(true))))
		cbor_decref(&m);
	return (m);
}

/* authenticatorGetInfo's algorithms: what the device supports. */
static cbor_item_t *
info_algorithms(const struct vfido_state *st)
{
	const unsigned int algs = vfido_algs(st);
	cbor_item_t	*a, *m;
	size_t		 n = 0;

	for (unsigned int bit = 1; bit <= VFIDO_ALG_RS256; bit <<= 1)
		n += (algs & bit) != 0;
	if ((a = cbor_new_definite_array(n)) == NULL)
		return (NULL);
	for (unsigned int bit = 1; bit <= VFIDO_ALG_RS256; bit <<= 1) {
		if ((algs & bit) == 0)
			continue;
		if ((m = cbor_new_definite_map(2)) == NULL ||
		    vfido_map_put(m, cbor_build_string("alg"),
		    vfido_cbor_int_new(vfido_alg_cose(bit))) < 0 ||
		    vfido_map_put(m, cbor_build_string("type"),
		    cbor_build_string("public-key")) < 0 ||
		    !cbor_array_push(a, m)) {
			if (m != NULL)
				cbor_decref(&m);
			cbor_decref(&a);
			return (NULL);
		}
		cbor_decref(&m);
	}
	return (a);
}

static int
get_info(const struct vfido_state *st, cbor_item_t **reply)
{
	cbor_item_t *m, *protos;

	if ((m = cbor_new_definite_map(7)) == NULL)
		return (CTAP1_ERR_OTHER);
	if ((protos = cbor_new_definite_array(1)) != NULL &&
	    !cbor_array_push(protos, cbor_move(cbor_build_uint8(1)))) {
		cbor_decref(&protos);
		protos = NULL;
	}
	if (vfido_map_put_int(m, 1, str_array("FIDO_2_0")) < 0 ||
	    vfido_map_put_int(m, 3, cbor_build_bytestring(st->aaguid,
	    sizeof(st->aaguid))) < 0 ||
	    vfido_map_put_int(m, 4, info_options(st)) < 0 ||
	    vfido_map_put_int(m, 5, vfido_cbor_int_new(1200)) < 0 ||
	    vfido_map_put_int(m, 6, protos) < 0 ||
	    vfido_map_put_int(m, 9, str_array("usb")) < 0 ||
	    vfido_map_put_int(m, 10, info_algorithms(st)) < 0) {
		cbor_decref(&m);
		return (CTAP1_ERR_OTHER);
	}
	*reply = m;
	return (CTAP2_OK);
}

/*
 * Forgets every credential, the PIN and the enrolled finger; keeps the
 * device's identity.
 */
static int
reset(struct vfido_dev *d, struct vfido_state *st, bool *dirty)
{
	int r;

	if ((r = vfido_touch(st)) != CTAP2_OK)
		return (r);
	OPENSSL_cleanse(st->creds, sizeof(st->creds));
	st->ncreds = 0;
	st->pin_set = false;
	OPENSSL_cleanse(st->pin_hash, sizeof(st->pin_hash));
	st->pin_retries = VFIDO_PIN_RETRIES;
	st->builtin_uv = false;
	st->uv_nomatch = false;
	st->uv_retries = 0;
	st->counter = 0;
	vfido_pin_powerup(d);
	*dirty = true;
	return (CTAP2_OK);
}

static int
parse_args(const unsigned char *p, size_t len, cbor_item_t **args)
{
	struct cbor_load_result res;

	*args = NULL;
	if (len == 0)
		return (CTAP2_OK);
	if ((*args = cbor_load(p, len, &res)) == NULL)
		return (CTAP2_ERR_INVALID_CBOR);
	if (res.read != len)
		return (CTAP2_ERR_INVALID_CBOR);
	if (!cbor_isa_map(*args) || vfido_cbor_check_keys(*args) < 0)
		return (CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	return (CTAP2_OK);
}

static int
serialize(int status, const cbor_item_t *reply, unsigned char *out,
    size_t *outlen)
{
	size_t n = 0;

	out[0] = (unsigned char)status;
	if (status == CTAP2_OK && reply != NULL) {
		n = cbor_serialize(reply, out + 1, VFIDO_MAX_MSG - 1);
		if (n == 0) {
			out[0] = CTAP1_ERR_OTHER;
			n = 0;
		}
	}
	*outlen = 1 + n;
	return (0);
}

/* A reply whose members have the wrong CBOR types. */
static cbor_item_t *
wrong_types(void)
{
	cbor_item_t *m;

	if ((m = cbor_new_definite_map(3)) == NULL)
		return (NULL);
	if (vfido_map_put_int(m, 1, cbor_build_string("credential")) < 0 ||
	    vfido_map_put_int(m, 2, vfido_cbor_int_new(7)) < 0 ||
	    vfido_map_put_int(m, 3, cbor_build_string("signature")) < 0)
		cbor_decref(&m);
	return (m);
}

static int
assertion_fault(enum vfido_fault f, cbor_item_t **reply, unsigned char *out,
    size_t *outlen)
{
	static const unsigned char bad[] = { 0x00, 0xa3, 0x01, 0x5f };

	switch (f) {
	case VFIDO_FAULT_BADCBOR:
		memcpy(out, bad, sizeof(bad));
		*outlen = sizeof(bad);
		return (0);
	case VFIDO_FAULT_WRONGTYPE:
		cbor_decref(reply);
		*reply = wrong_types();
		return (serialize(CTAP2_OK, *reply, out, outlen));
	case VFIDO_FAULT_TRUNCATE:
		(void)serialize(CTAP2_OK, *reply, out, outlen);
		return (VFIDO_TRUNCATE);
	case VFIDO_FAULT_OVERSIZE:
		(void)serialize(CTAP2_OK, *reply, out, outlen);
		return (VFIDO_OVERSIZE);
	case VFIDO_FAULT_VANISH:
		return (VFIDO_GONE);
	default:
		return (serialize(CTAP2_OK, *reply, out, outlen));
	}
}

/*
 * The fault that applies to this request.  With fault-at N the fault
 * fires on the N-th GetAssertion request since it was set (counted in
 * the state file, so across processes) and on nothing else; with
 * fault-at 0 on every request it concerns.
 */
static enum vfido_fault
fault_now(struct vfido_state *st, uint8_t cmd, bool *dirty)
{
	if (st->fault == VFIDO_FAULT_NONE || st->fault_at == 0)
		return (st->fault);
	if (cmd != CTAP2_GET_ASSERTION)
		return (VFIDO_FAULT_NONE);
	if (st->fault_count < UINT32_MAX) {
		st->fault_count++;
		*dirty = true;
	}
	return (st->fault_count == st->fault_at ? st->fault :
	    VFIDO_FAULT_NONE);
}

/*
 * Runs one CTAP2 request (command byte + CBOR) and writes the reply
 * (status byte + CBOR) into out (VFIDO_MAX_MSG bytes).  Returns 0,
 * VFIDO_NOREPLY (waiting for a touch that never comes), VFIDO_GONE (the
 * device vanished) or VFIDO_TRUNCATE/VFIDO_OVERSIZE (reply to be framed
 * badly).
 */
int
vfido_ctap2(struct vfido_dev *d, const unsigned char *req, size_t len,
    unsigned char *out, size_t *outlen)
{
	struct vfido_state	*st = NULL;
	cbor_item_t		*args = NULL, *reply = NULL;
	enum vfido_fault	 fault = VFIDO_FAULT_NONE, set;
	bool			 dirty = false;
	int			 lockfd, status, r = VFIDO_GONE;

	/* a missing state file is an unplugged key */
	if ((lockfd = vfido_state_lock(d->state_path)) < 0)
		return (VFIDO_GONE);
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    vfido_state_load(d->state_path, st) < 0)
		goto out;
	/* the commands see the fault of this request only */
	set = st->fault;
	fault = st->fault = fault_now(st, req[0], &dirty);
	if ((status = parse_args(req + 1, len - 1, &args)) != CTAP2_OK)
		goto save;
	switch (req[0]) {
	case CTAP2_GET_INFO:
		status = get_info(st, &reply);
		break;
	case CTAP2_MAKE_CREDENTIAL:
		status = vfido_make_credential(d, st, args, &reply, &dirty);
		break;
	case CTAP2_GET_ASSERTION:
		status = vfido_get_assertion(d, st, args, &reply, &dirty);
		break;
	case CTAP2_CLIENT_PIN:
		status = vfido_client_pin(d, st, args, &reply, &dirty);
		break;
	case CTAP2_RESET:
		status = reset(d, st, &dirty);
		break;
	default:
		status = CTAP1_ERR_INVALID_COMMAND;
		break;
	}
save:
	st->fault = set;
	if (dirty && vfido_state_save(d->state_path, st) < 0)
		status = CTAP1_ERR_OTHER;
	if (status == VFIDO_NOREPLY) {
		r = VFIDO_NOREPLY;
		goto out;
	}
	if (req[0] == CTAP2_GET_ASSERTION && status == CTAP2_OK)
		r = assertion_fault(fault, &reply, out, outlen);
	else
		r = serialize(status, reply, out, outlen);
out:
	if (args != NULL)
		cbor_decref(&args);
	if (reply != NULL)
		cbor_decref(&reply);
	if (st != NULL) {
		vfido_state_wipe(st);
		free(st);
	}
	vfido_state_unlock(lockfd);
	return (r);
}
