/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CTAPHID (CTAP 2.0 section 8.1) over 64-byte reports: channel
 * allocation with INIT, message reassembly from an initialisation
 * packet and continuation packets, PING, WINK, CBOR (MSG instead for a
 * U2F-only device), CANCEL and ERROR replies; these are the I/O hooks
 * handed to libfido2.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "vfido_int.h"

#define CID_BROADCAST		0xffffffffU
#define HID_PING		0x01
#define HID_MSG			0x03
#define HID_LOCK		0x04
#define HID_INIT		0x06
#define HID_WINK		0x08
#define HID_CBOR		0x10
#define HID_CANCEL		0x11
#define HID_KEEPALIVE		0x3b
#define HID_ERROR		0x3f
#define HID_ERR_INVALID_CMD	0x01
#define HID_ERR_INVALID_LEN	0x03
#define HID_ERR_INVALID_SEQ	0x04
#define HID_ERR_CHANNEL_BUSY	0x06
#define HID_ERR_INVALID_CHANNEL	0x0b
#define CAP_WINK		0x01
#define CAP_CBOR		0x04
#define CAP_NMSG		0x08
#define INIT_DATA		(VFIDO_REPORT_LEN - 7)
#define CONT_DATA		(VFIDO_REPORT_LEN - 5)
#define NEVER_WAIT_MS		30000	/* cap for an unbounded read */
#define NITEMS_Q(d)		(sizeof((d)->tx_q) / sizeof((d)->tx_q[0]))

size_t
vfido_ndevices(void)
{
	const char	*env = getenv(VFIDO_ENV);
	size_t		 n = 1;

	if (env == NULL || *env == '\0')
		return (0);
	for (; *env != '\0'; env++)
		if (*env == ':')
			n++;
	return (n);
}

int
vfido_device_file(size_t idx, char *buf, size_t len)
{
	const char	*p = getenv(VFIDO_ENV), *end;
	size_t		 n;

	if (p == NULL || *p == '\0')
		return (-1);
	for (; idx > 0; idx--)
		if ((p = strchr(p, ':')) == NULL)
			return (-1);
		else
			p++;
	end = strchr(p, ':');
	n = end != NULL ? (size_t)(end - p) : strlen(p);
	if (n == 0 || n >= len)
		return (-1);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return (0);
}

static uint32_t
get_cid(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

static void
put_cid(unsigned char *p, uint32_t cid)
{
	p[0] = (unsigned char)(cid >> 24);
	p[1] = (unsigned char)(cid >> 16);
	p[2] = (unsigned char)(cid >> 8);
	p[3] = (unsigned char)cid;
}

static unsigned char *
tx_slot(struct vfido_dev *d)
{
	unsigned char *r;

	if (d->tx_count == NITEMS_Q(d))
		return (NULL);
	r = d->tx_q[(d->tx_head + d->tx_count) % NITEMS_Q(d)];
	d->tx_count++;
	memset(r, 0, VFIDO_REPORT_LEN);
	return (r);
}

/*
 * Queues a reply as reports.  declared is the length written into the
 * initialisation packet (normally len); with only_init the
 * continuation packets are dropped (the fault injections use both).
 */
static void
send_msg(struct vfido_dev *d, uint32_t cid, uint8_t cmd,
    const unsigned char *data, size_t len, size_t declared, bool only_init)
{
	unsigned char	*p;
	size_t		 off, n;
	uint8_t		 seq = 0;

	d->tx_head = (d->tx_head + d->tx_count) % NITEMS_Q(d);
	d->tx_count = 0;	/* a new reply supersedes unread ones */
	if ((p = tx_slot(d)) == NULL)
		return;
	put_cid(p, cid);
	p[4] = 0x80 | cmd;
	p[5] = (unsigned char)(declared >> 8);
	p[6] = (unsigned char)declared;
	n = len < INIT_DATA ? len : INIT_DATA;
	if (n > 0)
		memcpy(p + 7, data, n);
	if (only_init)
		return;
	for (off = n; off < len; off += n) {
		if ((p = tx_slot(d)) == NULL || seq > 0x7f)
			return;
		put_cid(p, cid);
		p[4] = seq++;
		n = len - off < CONT_DATA ? len - off : CONT_DATA;
		memcpy(p + 5, data + off, n);
	}
}

static void
send_reply(struct vfido_dev *d, uint32_t cid, uint8_t cmd,
    const unsigned char *data, size_t len)
{
	send_msg(d, cid, cmd, data, len, len, false);
}

static void
send_error(struct vfido_dev *d, uint32_t cid, uint8_t err)
{
	send_reply(d, cid, HID_ERROR, &err, 1);
}

static void
do_init(struct vfido_dev *d, uint32_t cid, const unsigned char *nonce,
    size_t len)
{
	unsigned char	r[17];
	uint32_t	ncid = cid;

	if (len != 8) {
		send_error(d, cid, HID_ERR_INVALID_LEN);
		return;
	}
	if (cid == CID_BROADCAST) {
		if (d->next_cid == 0 || d->next_cid >= CID_BROADCAST - 1)
			d->next_cid = 1;
		ncid = d->next_cid++;
	}
	d->pending = false;	/* INIT aborts a transaction */
	memcpy(r, nonce, 8);
	put_cid(r + 8, ncid);
	r[12] = 2;		/* CTAPHID protocol version */
	r[13] = 1;		/* device version 1.0.0 */
	r[14] = 0;
	r[15] = 0;
	/* A U2F-only key says it has no CBOR: libfido2 speaks U2F to it. */
	r[16] = vfido_is_u2f(d->state_path) == 1 ? CAP_WINK :
	    CAP_WINK | CAP_CBOR | CAP_NMSG;
	send_reply(d, cid, HID_INIT, r, sizeof(r));
}

static void
do_cbor(struct vfido_dev *d, uint32_t cid, const unsigned char *req,
    size_t len)
{
	unsigned char	*resp;
	size_t		 rlen = 0;
	int		 r;

	if (len == 0) {
		send_error(d, cid, HID_ERR_INVALID_LEN);
		return;
	}
	if ((resp = malloc(VFIDO_MAX_MSG)) == NULL) {
		send_error(d, cid, 0x7f);
		return;
	}
	r = vfido_ctap2(d, req, len, resp, &rlen);
	if (r == VFIDO_NOREPLY) {
		d->pending = true;
		d->pending_cid = cid;
	} else if (r == VFIDO_GONE) {
		d->gone = true;
	} else if (r == VFIDO_TRUNCATE) {
		send_msg(d, cid, HID_CBOR, resp, rlen, rlen, true);
	} else if (r == VFIDO_OVERSIZE) {
		send_msg(d, cid, HID_CBOR, resp, rlen, 0xfff0, false);
	} else
		send_reply(d, cid, HID_CBOR, resp, rlen);
	OPENSSL_cleanse(resp, VFIDO_MAX_MSG);
	free(resp);
}

static void
do_msg(struct vfido_dev *d, uint32_t cid, const unsigned char *req,
    size_t len)
{
	unsigned char	*resp;
	size_t		 rlen = 0;

	if ((resp = malloc(VFIDO_MAX_MSG)) == NULL) {
		send_error(d, cid, 0x7f);
		return;
	}
	if (vfido_u2f(d, req, len, resp, &rlen) == VFIDO_GONE)
		d->gone = true;
	else
		send_reply(d, cid, HID_MSG, resp, rlen);
	OPENSSL_cleanse(resp, VFIDO_MAX_MSG);
	free(resp);
}

static void
dispatch(struct vfido_dev *d)
{
	const uint32_t	cid = d->rx_cid;
	unsigned char	st;

	d->rx_busy = false;
	switch (d->rx_cmd) {
	case HID_INIT:
		do_init(d, cid, d->rx_buf, d->rx_have);
		break;
	case HID_PING:
		send_reply(d, cid, HID_PING, d->rx_buf, d->rx_have);
		break;
	case HID_WINK:
		send_reply(d, cid, HID_WINK, NULL, 0);
		break;
	case HID_CBOR:
		d->pending = false;
		if (vfido_is_u2f(d->state_path) == 1)
			send_error(d, cid, HID_ERR_INVALID_CMD);
		else
			do_cbor(d, cid, d->rx_buf, d->rx_have);
		break;
	case HID_MSG:
		if (vfido_is_u2f(d->state_path) == 1)
			do_msg(d, cid, d->rx_buf, d->rx_have);
		else
			send_error(d, cid, HID_ERR_INVALID_CMD);
		break;
	case HID_CANCEL:
		/* no reply to CANCEL itself; the cancelled request ends */
		if (d->pending && d->pending_cid == cid) {
			d->pending = false;
			st = CTAP2_ERR_KEEPALIVE_CANCEL;
			send_reply(d, cid, HID_CBOR, &st, 1);
		}
		break;
	default:	/* LOCK, vendor commands: not supported */
		send_error(d, cid, HID_ERR_INVALID_CMD);
		break;
	}
	OPENSSL_cleanse(d->rx_buf, d->rx_have);
}

static void
on_init_packet(struct vfido_dev *d, uint32_t cid, const unsigned char *p)
{
	const uint8_t	cmd = p[4] & 0x7f;
	const size_t	bcnt = (size_t)p[5] << 8 | p[6];

	if (cid == 0 || (cid == CID_BROADCAST && cmd != HID_INIT) ||
	    (cid != CID_BROADCAST && (cid >= d->next_cid))) {
		send_error(d, cid, HID_ERR_INVALID_CHANNEL);
		return;
	}
	if (d->rx_busy && d->rx_cid != cid && cmd != HID_INIT) {
		send_error(d, cid, HID_ERR_CHANNEL_BUSY);
		return;
	}
	if (bcnt > VFIDO_MAX_MSG) {
		d->rx_busy = false;
		send_error(d, cid, HID_ERR_INVALID_LEN);
		return;
	}
	d->rx_busy = true;
	d->rx_cid = cid;
	d->rx_cmd = cmd;
	d->rx_need = bcnt;
	d->rx_have = bcnt < INIT_DATA ? bcnt : INIT_DATA;
	d->rx_seq = 0;
	memcpy(d->rx_buf, p + 7, d->rx_have);
	if (d->rx_have == d->rx_need)
		dispatch(d);
}

static void
on_cont_packet(struct vfido_dev *d, uint32_t cid, const unsigned char *p)
{
	size_t n;

	if (!d->rx_busy)
		return;		/* spurious continuation: ignored */
	if (cid != d->rx_cid) {
		send_error(d, cid, HID_ERR_CHANNEL_BUSY);
		return;
	}
	if (p[4] != d->rx_seq) {
		d->rx_busy = false;
		send_error(d, cid, HID_ERR_INVALID_SEQ);
		return;
	}
	d->rx_seq++;
	n = d->rx_need - d->rx_have;
	if (n > CONT_DATA)
		n = CONT_DATA;
	memcpy(d->rx_buf + d->rx_have, p + 5, n);
	d->rx_have += n;
	if (d->rx_have == d->rx_need)
		dispatch(d);
}

void *
vfido_io_open(const char *path)
{
	struct vfido_dev	*d;
	char			 file[4096];
	char			*end;
	unsigned long		 idx;

	if (strncmp(path, VFIDO_PATH_PREFIX, strlen(VFIDO_PATH_PREFIX)) != 0)
		return (NULL);
	path += strlen(VFIDO_PATH_PREFIX);
	if (*path < '0' || *path > '9')
		return (NULL);
	errno = 0;
	idx = strtoul(path, &end, 10);
	if (errno != 0 || *end != '\0' ||
	    vfido_device_file(idx, file, sizeof(file)) < 0)
		return (NULL);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return (NULL);
	if ((d->state_path = strdup(file)) == NULL) {
		free(d);
		return (NULL);
	}
	d->next_cid = 1;
	vfido_pin_powerup(d);
	return (d);
}

void
vfido_io_close(void *handle)
{
	struct vfido_dev *d = handle;

	if (d == NULL)
		return;
	EVP_PKEY_free(d->ka_key);
	free(d->state_path);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
}

static void
sleep_ms(int ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		continue;
}

int
vfido_io_read(void *handle, unsigned char *buf, size_t len, int ms)
{
	struct vfido_dev *d = handle;

	if (d == NULL || d->gone || len != VFIDO_REPORT_LEN)
		return (-1);
	if (d->tx_count == 0) {
		/* a key waiting for a touch: the caller's timeout runs out */
		if (d->pending)
			sleep_ms(ms >= 0 && ms < NEVER_WAIT_MS ? ms :
			    NEVER_WAIT_MS);
		return (-1);
	}
	memcpy(buf, d->tx_q[d->tx_head], VFIDO_REPORT_LEN);
	d->tx_head = (d->tx_head + 1) % NITEMS_Q(d);
	d->tx_count--;
	return (VFIDO_REPORT_LEN);
}

int
vfido_io_write(void *handle, const unsigned char *buf, size_t len)
{
	struct vfido_dev	*d = handle;
	const unsigned char	*p = buf;
	uint32_t		 cid;

	if (d == NULL || d->gone)
		return (-1);
	if (len == VFIDO_REPORT_LEN + 1 && buf[0] == 0)
		p = buf + 1;	/* report ID 0 */
	else if (len != VFIDO_REPORT_LEN)
		return (-1);
	cid = get_cid(p);
	if (p[4] & 0x80)
		on_init_packet(d, cid, p);
	else
		on_cont_packet(d, cid, p);
	return ((int)len);	/* even if it vanished: the reads fail */
}
