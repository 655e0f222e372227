/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw CTAPHID and CTAP2 against the vfido I/O hooks, without libfido2:
 * channel allocation, fragmentation and reassembly, framing errors,
 * CANCEL of a request waiting for a touch, and the CTAP2 status codes
 * for malformed CBOR.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

/* Raw CTAPHID against the I/O hooks, without libfido2's framing. */
struct raw {
	void	*h;
	uint32_t cid;
};

static void
raw_send(struct raw *r, uint32_t cid, uint8_t cmd, const unsigned char *p,
    size_t len, size_t bad_seq_at)
{
	unsigned char	rep[65];
	size_t		off = 0, n;
	uint8_t		seq = 0;

	memset(rep, 0, sizeof(rep));
	rep[1] = (unsigned char)(cid >> 24);
	rep[2] = (unsigned char)(cid >> 16);
	rep[3] = (unsigned char)(cid >> 8);
	rep[4] = (unsigned char)cid;
	rep[5] = 0x80 | cmd;
	rep[6] = (unsigned char)(len >> 8);
	rep[7] = (unsigned char)len;
	n = len < 57 ? len : 57;
	if (n > 0)
		memcpy(rep + 8, p, n);
	assert_int_equal(vfido_io_write(r->h, rep, sizeof(rep)), 65);
	for (off = n; off < len; off += n) {
		memset(rep + 5, 0, 60);
		rep[5] = seq == bad_seq_at ? 0x55 : seq;
		seq++;
		n = len - off < 59 ? len - off : 59;
		memcpy(rep + 6, p + off, n);
		assert_int_equal(vfido_io_write(r->h, rep, sizeof(rep)), 65);
	}
}

/* Reads one reply; returns its command and fills out/len. */
static uint8_t
raw_recv(struct raw *r, unsigned char *out, size_t *len)
{
	unsigned char	rep[64];
	size_t		need, have;
	uint8_t		cmd;

	assert_int_equal(vfido_io_read(r->h, rep, 64, 0), 64);
	assert_true(rep[4] & 0x80);
	cmd = rep[4] & 0x7f;
	need = (size_t)rep[5] << 8 | rep[6];
	have = need < 57 ? need : 57;
	memcpy(out, rep + 7, have);
	for (uint8_t seq = 0; have < need; seq++) {
		size_t n = need - have < 59 ? need - have : 59;

		assert_int_equal(vfido_io_read(r->h, rep, 64, 0), 64);
		assert_int_equal(rep[4], seq);
		memcpy(out + have, rep + 5, n);
		have += n;
	}
	*len = need;
	return (cmd);
}

static uint8_t
raw_cbor(struct raw *r, const unsigned char *req, size_t len)
{
	unsigned char	out[2048];
	size_t		n;

	raw_send(r, r->cid, 0x10, req, len, SIZE_MAX);
	assert_int_equal(raw_recv(r, out, &n), 0x10);
	assert_true(n >= 1);
	return (out[0]);
}

static uint32_t
raw_init(struct raw *r)
{
	unsigned char	nonce[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[64];
	size_t		n;

	raw_send(r, 0xffffffff, 0x06, nonce, sizeof(nonce), SIZE_MAX);
	assert_int_equal(raw_recv(r, out, &n), 0x06);
	assert_int_equal(n, 17);
	assert_memory_equal(out, nonce, 8);
	r->cid = (uint32_t)out[8] << 24 | (uint32_t)out[9] << 16 |
	    (uint32_t)out[10] << 8 | out[11];
	assert_true(r->cid != 0 && r->cid != 0xffffffff);
	assert_int_equal(out[12], 2);		/* CTAPHID version */
	assert_true(out[16] & 0x04);		/* CBOR capability */
	assert_true(out[16] & 0x08);		/* no U2F MSG */
	return (r->cid);
}

static char *
raw_open(struct raw *r, const struct devopt *o)
{
	char *d0 = vt_mkdev(o);

	vt_set_devices(d0, NULL);
	assert_non_null(r->h = vfido_io_open("vfido:0"));
	raw_init(r);
	return (d0);
}

static void
test_open_paths(void **state)
{
	char	*d0 = vt_mkdev(&(struct devopt){ 0 });
	void	*h;
	unsigned char out[64];

	(void)state;
	vt_set_devices(d0, NULL);
	assert_null(vfido_io_open("vfido:1"));
	assert_null(vfido_io_open("vfido:"));
	assert_null(vfido_io_open("vfido:0x"));
	assert_null(vfido_io_open("/dev/hidraw0"));
	assert_non_null(h = vfido_io_open("vfido:0"));
	/* nothing waiting: -1 at once, whatever the timeout */
	assert_int_equal(vfido_io_read(h, out, 64, 100), -1);
	/* reports are 64 bytes, or 65 with a zero report ID */
	assert_int_equal(vfido_io_write(h, out, 63), -1);
	vfido_io_close(h);
	assert_int_equal(unsetenv(VFIDO_ENV), 0);
	assert_null(vfido_io_open("vfido:0"));
	assert_int_equal(vfido_ndevices(), 0);
	free(d0);
}

static void
test_init_and_ping(void **state)
{
	struct raw	 r;
	unsigned char	 ping[300], out[512];
	size_t		 n;
	uint32_t	 first;
	char		*d0 = raw_open(&r, &(struct devopt){ 0 });

	(void)state;
	first = r.cid;
	assert_int_not_equal(raw_init(&r), first);	/* a new channel */
	for (size_t i = 0; i < sizeof(ping); i++)
		ping[i] = (unsigned char)i;
	/* 300 bytes: an initialisation packet and five continuations */
	raw_send(&r, r.cid, 0x01, ping, sizeof(ping), SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x01);
	assert_int_equal(n, sizeof(ping));
	assert_memory_equal(out, ping, sizeof(ping));
	/* the older channel still works */
	raw_send(&r, first, 0x01, ping, 3, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x01);
	assert_int_equal(n, 3);
	/* WINK */
	raw_send(&r, r.cid, 0x08, NULL, 0, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x08);
	assert_int_equal(n, 0);
	vfido_io_close(r.h);
	free(d0);
}

static void
test_framing_errors(void **state)
{
	struct raw	 r;
	unsigned char	 ping[300], out[512];
	size_t		 n;
	char		*d0 = raw_open(&r, &(struct devopt){ 0 });

	(void)state;
	memset(ping, 0x5a, sizeof(ping));
	/* a continuation packet out of sequence */
	raw_send(&r, r.cid, 0x01, ping, sizeof(ping), 1);
	assert_int_equal(raw_recv(&r, out, &n), 0x3f);
	assert_int_equal(out[0], 0x04);
	/* a channel that was never allocated, and channel 0 */
	raw_send(&r, r.cid + 100, 0x01, ping, 4, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x3f);
	assert_int_equal(out[0], 0x0b);
	raw_send(&r, 0, 0x01, ping, 4, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x3f);
	assert_int_equal(out[0], 0x0b);
	/* only INIT on the broadcast channel */
	raw_send(&r, 0xffffffff, 0x01, ping, 4, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x3f);
	assert_int_equal(out[0], 0x0b);
	/* INIT needs exactly an 8-byte nonce */
	raw_send(&r, 0xffffffff, 0x06, ping, 7, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x3f);
	assert_int_equal(out[0], 0x03);
	/* U2F messages and unknown commands are not spoken */
	raw_send(&r, r.cid, 0x03, ping, 4, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x3f);
	assert_int_equal(out[0], 0x01);
	raw_send(&r, r.cid, 0x2a, ping, 4, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x3f);
	assert_int_equal(out[0], 0x01);
	/* an empty CBOR message */
	raw_send(&r, r.cid, 0x10, ping, 0, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x3f);
	assert_int_equal(out[0], 0x03);
	/* and the channel is still usable */
	raw_send(&r, r.cid, 0x01, ping, 4, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x01);
	vfido_io_close(r.h);
	free(d0);
}

static void
test_malformed_cbor(void **state)
{
	/* getAssertion with rpId an integer; makeCredential without rp */
	static const unsigned char bad_type[] = { 0x02, 0xa2, 0x01, 0x07,
		0x02, 0x40 };
	static const unsigned char missing[] = { 0x01, 0xa1, 0x01, 0x40 };
	static const unsigned char trailing[] = { 0x04, 0xa0, 0x00 };
	static const unsigned char not_map[] = { 0x02, 0x80 };
	static const unsigned char truncated[] = { 0x02, 0xa2, 0x01 };
	static const unsigned char bad_key[] = { 0x02, 0xa1, 0x40, 0x00 };
	/* clientPIN: protocol 2, and getRetries without a protocol */
	static const unsigned char pin_proto[] = { 0x06, 0xa2, 0x01, 0x02,
		0x02, 0x01 };
	static const unsigned char pin_missing[] = { 0x06, 0xa1, 0x02, 0x01 };
	struct raw	 r;
	char		*d0 = raw_open(&r, &(struct devopt){ 0 });

	(void)state;
	assert_int_equal(raw_cbor(&r, bad_type, sizeof(bad_type)),
	    CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	assert_int_equal(raw_cbor(&r, missing, sizeof(missing)),
	    CTAP2_ERR_MISSING_PARAMETER);
	assert_int_equal(raw_cbor(&r, trailing, sizeof(trailing)),
	    CTAP2_ERR_INVALID_CBOR);
	assert_int_equal(raw_cbor(&r, not_map, sizeof(not_map)),
	    CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	assert_int_equal(raw_cbor(&r, truncated, sizeof(truncated)),
	    CTAP2_ERR_INVALID_CBOR);
	assert_int_equal(raw_cbor(&r, bad_key, sizeof(bad_key)),
	    CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
	assert_int_equal(raw_cbor(&r, pin_proto, sizeof(pin_proto)),
	    CTAP1_ERR_INVALID_PARAMETER);
	assert_int_equal(raw_cbor(&r, pin_missing, sizeof(pin_missing)),
	    CTAP2_ERR_MISSING_PARAMETER);
	assert_int_equal(raw_cbor(&r, (const unsigned char *)"\x40", 1),
	    CTAP1_ERR_INVALID_COMMAND);
	assert_int_equal(raw_cbor(&r, (const unsigned char *)"\x04", 1),
	    CTAP2_OK);
	vfido_io_close(r.h);
	free(d0);
}

/* makeCredential for rp "x", user id 01, ES256. */
static size_t
make_cred_req(unsigned char *buf, size_t size)
{
	unsigned char	 cdh[32], uid = 1;
	cbor_item_t	*m, *rp, *user, *params, *p;
	size_t		 n;

	memset(cdh, 7, sizeof(cdh));
	assert_non_null(m = cbor_new_definite_map(4));
	assert_non_null(rp = cbor_new_definite_map(1));
	assert_non_null(user = cbor_new_definite_map(1));
	assert_non_null(params = cbor_new_definite_array(1));
	assert_non_null(p = cbor_new_definite_map(2));
	assert_int_equal(vfido_map_put(rp, cbor_build_string("id"),
	    cbor_build_string("x")), 0);
	assert_int_equal(vfido_map_put(user, cbor_build_string("id"),
	    cbor_build_bytestring(&uid, 1)), 0);
	assert_int_equal(vfido_map_put(p, cbor_build_string("alg"),
	    vfido_cbor_int_new(-7)), 0);
	assert_int_equal(vfido_map_put(p, cbor_build_string("type"),
	    cbor_build_string("public-key")), 0);
	assert_true(cbor_array_push(params, cbor_move(p)));
	assert_int_equal(vfido_map_put_int(m, 1,
	    cbor_build_bytestring(cdh, sizeof(cdh))), 0);
	assert_int_equal(vfido_map_put_int(m, 2, rp), 0);
	assert_int_equal(vfido_map_put_int(m, 3, user), 0);
	assert_int_equal(vfido_map_put_int(m, 4, params), 0);
	buf[0] = CTAP2_MAKE_CREDENTIAL;
	n = cbor_serialize(m, buf + 1, size - 1);
	assert_true(n > 0);
	cbor_decref(&m);
	return (n + 1);
}

static void
test_cancel_waiting_request(void **state)
{
	struct raw	 r;
	unsigned char	 req[256], out[512];
	size_t		 len, n;
	char		*d0 = raw_open(&r, &(struct devopt){
	    .touch = VFIDO_TOUCH_NEVER });

	(void)state;
	len = make_cred_req(req, sizeof(req));
	raw_send(&r, r.cid, 0x10, req, len, SIZE_MAX);
	/* waiting for a touch: no reply within the (short) timeout */
	assert_int_equal(vfido_io_read(r.h, out, 64, 10), -1);
	raw_send(&r, r.cid, 0x11, NULL, 0, SIZE_MAX);
	assert_int_equal(raw_recv(&r, out, &n), 0x10);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], CTAP2_ERR_KEEPALIVE_CANCEL);
	assert_int_equal(vt_state_counter(d0), 0);
	/* once the user touches, the same request succeeds */
	vt_set_state(d0, "touch", "auto");
	assert_int_equal(raw_cbor(&r, req, len), CTAP2_OK);
	assert_int_equal(vt_state_counter(d0), 1);
	vfido_io_close(r.h);
	free(d0);
}

/* An unplugged key (state file gone) fails the I/O. */
static void
test_unplugged(void **state)
{
	struct raw	 r;
	unsigned char	 out[64];
	char		*d0 = raw_open(&r, &(struct devopt){ 0 });

	(void)state;
	assert_int_equal(unlink(d0), 0);
	raw_send(&r, r.cid, 0x10, (const unsigned char *)"\x04", 1,
	    SIZE_MAX);
	assert_int_equal(vfido_io_read(r.h, out, 64, 0), -1);
	memset(out, 0, sizeof(out));
	assert_int_equal(vfido_io_write(r.h, out, 64), -1);
	vfido_io_close(r.h);
	free(d0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_paths),
		cmocka_unit_test(test_init_and_ping),
		cmocka_unit_test(test_framing_errors),
		cmocka_unit_test(test_malformed_cbor),
		cmocka_unit_test(test_cancel_waiting_request),
		cmocka_unit_test(test_unplugged),
	};
	int r;

	if (vt_setup() < 0)
		return (99);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	vt_teardown();
	return (r);
}
