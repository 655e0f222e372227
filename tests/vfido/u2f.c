/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * U2F (CTAP1) raw messages over CTAPHID_MSG, for a device set to
 * "protocol u2f": a key of the kind that predates CTAP2 and that
 * libfido2 drives through its U2F code (FIDO U2F Raw Message Formats,
 * v1.2).  REGISTER makes an ES256 credential, kept like a CTAP2 one
 * (its id is the key handle) and signed with the attestation key and
 * certificate, which such a key must have; AUTHENTICATE looks a key
 * handle up (check-only) or signs with it, bumping the counter.  No
 * PIN, no extensions; a touch other than "auto" never comes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vfido_int.h"

#define INS_REGISTER		0x01
#define INS_AUTHENTICATE	0x02
#define INS_VERSION		0x03
#define P1_CHECK_ONLY		0x07
#define P1_ENFORCE_UP		0x03
#define P1_DONT_ENFORCE_UP	0x08
#define SW_NO_ERROR		0x9000
#define SW_CONDITIONS		0x6985	/* no touch yet / key handle known */
#define SW_WRONG_DATA		0x6a80	/* key handle not ours */
#define SW_WRONG_LENGTH		0x6700
#define SW_INS_NOT_SUPPORTED	0x6d00
#define SW_CLA_NOT_SUPPORTED	0x6e00
#define SW_UNKNOWN		0x6f00
#define HDR_LEN			7	/* CLA INS P1 P2 0 Lc1 Lc2 */

static size_t
put_sw(unsigned char *out, size_t off, unsigned sw)
{
	out[off] = (unsigned char)(sw >> 8);
	out[off + 1] = (unsigned char)sw;
	return (off + 2);
}

/* 0x05 | point | handle length | handle | certificate | signature */
static unsigned
do_register(struct vfido_state *st, const unsigned char *data, size_t len,
    unsigned char *out, size_t *off, bool *dirty)
{
	struct vfido_cred	*c;
	EVP_PKEY		*key = NULL, *att = NULL;
	unsigned char		 tbs[1 + 32 + 32 + VFIDO_CRED_ID_LEN + 65];
	unsigned char		 point[65], sig[VFIDO_SIG_MAX];
	size_t			 siglen = sizeof(sig), o = 0;
	unsigned		 sw = SW_UNKNOWN;

	if (len != 64)
		return (SW_WRONG_LENGTH);
	if (vfido_touch(st) != CTAP2_OK)
		return (SW_CONDITIONS);
	if (st->ncreds == VFIDO_MAX_CREDS || st->att_cert_len == 0 ||
	    (att = vfido_key_import(st->att_key, st->att_key_len)) == NULL)
		return (SW_UNKNOWN);
	c = &st->creds[st->ncreds];
	memset(c, 0, sizeof(*c));
	point[0] = 0x04;
	if ((key = vfido_key_generate(VFIDO_COSE_ES256)) == NULL ||
	    vfido_key_export(key, c->key, sizeof(c->key), &c->key_len) < 0 ||
	    vfido_random(c->id, sizeof(c->id)) < 0 ||
	    vfido_ec_xy(key, point + 1, point + 33) < 0)
		goto out;
	memcpy(c->rp_hash, data + 32, 32);	/* application parameter */
	tbs[0] = 0x00;
	memcpy(tbs + 1, data + 32, 32);
	memcpy(tbs + 33, data, 32);		/* challenge parameter */
	memcpy(tbs + 65, c->id, VFIDO_CRED_ID_LEN);
	memcpy(tbs + 65 + VFIDO_CRED_ID_LEN, point, sizeof(point));
	if (vfido_sign(att, tbs, 65, tbs + 65, sizeof(tbs) - 65, sig,
	    &siglen) < 0)
		goto out;
	out[o++] = 0x05;
	memcpy(out + o, point, sizeof(point));
	o += sizeof(point);
	out[o++] = VFIDO_CRED_ID_LEN;
	memcpy(out + o, c->id, VFIDO_CRED_ID_LEN);
	o += VFIDO_CRED_ID_LEN;
	memcpy(out + o, st->att_cert, st->att_cert_len);
	o += st->att_cert_len;
	memcpy(out + o, sig, siglen);
	o += siglen;
	*off = o;
	st->ncreds++;
	*dirty = true;
	sw = SW_NO_ERROR;
out:
	if (sw != SW_NO_ERROR)
		OPENSSL_cleanse(c, sizeof(*c));
	EVP_PKEY_free(key);
	EVP_PKEY_free(att);
	return (sw);
}

/* flags | counter | signature over app | flags | counter | challenge */
static unsigned
do_authenticate(struct vfido_state *st, uint8_t p1,
    const unsigned char *data, size_t len, unsigned char *out, size_t *off,
    bool *dirty)
{
	EVP_PKEY	*key = NULL;
	unsigned char	 ad[37], sig[VFIDO_SIG_MAX];
	size_t		 siglen = sizeof(sig);
	uint32_t	 ctr;
	int		 i;

	if (len < 65 || len != 65 + (size_t)data[64])
		return (SW_WRONG_LENGTH);
	if ((i = vfido_cred_find(st, data + 65, data[64], data + 32)) < 0)
		return (SW_WRONG_DATA);
	if (p1 == P1_CHECK_ONLY)
		return (SW_CONDITIONS);
	if (p1 != P1_ENFORCE_UP && p1 != P1_DONT_ENFORCE_UP)
		return (SW_WRONG_DATA);
	if (p1 == P1_ENFORCE_UP && vfido_touch(st) != CTAP2_OK)
		return (SW_CONDITIONS);
	if (!st->counter_zero) {
		st->counter++;
		*dirty = true;
	}
	ctr = st->counter_zero ? 0 : st->counter;
	memcpy(ad, data + 32, 32);
	ad[32] = p1 == P1_ENFORCE_UP ? VFIDO_FLAG_UP : 0;
	ad[33] = (unsigned char)(ctr >> 24);
	ad[34] = (unsigned char)(ctr >> 16);
	ad[35] = (unsigned char)(ctr >> 8);
	ad[36] = (unsigned char)ctr;
	if ((key = vfido_key_import(st->creds[i].key,
	    st->creds[i].key_len)) == NULL ||
	    vfido_sign(key, ad, sizeof(ad), data, 32, sig, &siglen) < 0) {
		EVP_PKEY_free(key);
		return (SW_UNKNOWN);
	}
	EVP_PKEY_free(key);
	if (st->fault == VFIDO_FAULT_BADSIG)
		sig[siglen - 1] ^= 0x01;
	memcpy(out, ad + 32, 5);
	memcpy(out + 5, sig, siglen);
	*off = 5 + siglen;
	return (SW_NO_ERROR);
}

int
vfido_u2f(struct vfido_dev *d, const unsigned char *req, size_t len,
    unsigned char *out, size_t *outlen)
{
	struct vfido_state	*st = NULL;
	const unsigned char	*data = req + HDR_LEN;
	size_t			 lc, off = 0;
	unsigned		 sw;
	bool			 dirty = false;
	int			 lockfd;

	if ((lockfd = vfido_state_lock(d->state_path)) < 0)
		return (VFIDO_GONE);
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    vfido_state_load(d->state_path, st) < 0) {
		sw = SW_UNKNOWN;
		goto out;
	}
	/* Extended length encoding only, as libfido2 sends it. */
	if (len < HDR_LEN || req[4] != 0 ||
	    (lc = (size_t)req[5] << 8 | req[6]) > len - HDR_LEN) {
		sw = SW_WRONG_LENGTH;
		goto out;
	}
	if (req[0] != 0) {
		sw = SW_CLA_NOT_SUPPORTED;
		goto out;
	}
	switch (req[1]) {
	case INS_REGISTER:
		sw = do_register(st, data, lc, out, &off, &dirty);
		break;
	case INS_AUTHENTICATE:
		sw = do_authenticate(st, req[2], data, lc, out, &off, &dirty);
		break;
	case INS_VERSION:
		memcpy(out, "U2F_V2", 6);
		off = 6;
		sw = SW_NO_ERROR;
		break;
	default:
		sw = SW_INS_NOT_SUPPORTED;
		break;
	}
	if (dirty && vfido_state_save(d->state_path, st) < 0)
		sw = SW_UNKNOWN;
out:
	if (sw != SW_NO_ERROR)
		off = 0;
	*outlen = put_sw(out, off, sw);
	if (st != NULL) {
		vfido_state_wipe(st);
		free(st);
	}
	vfido_state_unlock(lockfd);
	return (0);
}

int
vfido_is_u2f(const char *state_path)
{
	struct vfido_state	*st;
	int			 lockfd, r = -1;

	if ((lockfd = vfido_state_lock(state_path)) < 0)
		return (-1);
	if ((st = calloc(1, sizeof(*st))) != NULL &&
	    vfido_state_load(state_path, st) == 0)
		r = st->u2f ? 1 : 0;
	if (st != NULL) {
		vfido_state_wipe(st);
		free(st);
	}
	vfido_state_unlock(lockfd);
	return (r);
}
