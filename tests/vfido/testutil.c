/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the vfido cmocka tests: devices and test CAs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

char		vt_ca_key[256], vt_ca_cert[256];
char		vt_ca2_key[256], vt_ca2_cert[256];
static char	tmpdir[] = "/tmp/vfido-test.XXXXXX";
static int	ndev;

int
vt_setup(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	snprintf(vt_ca_key, sizeof(vt_ca_key), "%s/ca.key", tmpdir);
	snprintf(vt_ca_cert, sizeof(vt_ca_cert), "%s/ca.pem", tmpdir);
	snprintf(vt_ca2_key, sizeof(vt_ca2_key), "%s/ca2.key", tmpdir);
	snprintf(vt_ca2_cert, sizeof(vt_ca2_cert), "%s/ca2.pem", tmpdir);
	if (vfido_ca_create(vt_ca_key, vt_ca_cert) < 0 ||
	    vfido_ca_create(vt_ca2_key, vt_ca2_cert) < 0)
		return (-1);
	return (0);
}

void
vt_teardown(void)
{
	char *cmd;

	if (asprintf(&cmd, "rm -rf '%s'", tmpdir) < 0)
		return;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
}

char *
vt_mkdev(const struct devopt *o)
{
	struct vfido_state	*st;
	char			*path;
	unsigned char		 h[32];

	assert_int_not_equal(asprintf(&path, "%s/dev%d", tmpdir, ndev++), -1);
	assert_non_null(st = calloc(1, sizeof(*st)));
	memcpy(st->aaguid, "vfido-test-key-1", 16);
	st->pin_retries = o->retries ? o->retries : VFIDO_PIN_RETRIES;
	st->touch = o->touch;
	st->fault = o->fault;
	st->builtin_uv = o->uv;
	st->uv_retries = o->uv ? VFIDO_UV_RETRIES : 0;
	if (o->pin != NULL) {
		vfido_sha256(o->pin, strlen(o->pin), h);
		memcpy(st->pin_hash, h, 16);
		st->pin_set = true;
	}
	if (o->x5c)
		assert_int_equal(vfido_attest_issue(st, vt_ca_key,
		    vt_ca_cert), 0);
	assert_int_equal(vfido_state_save(path, st), 0);
	free(st);
	return (path);
}

void
vt_set_devices(const char *a, const char *b)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s%s%s", a, b ? ":" : "", b ? b : "");
	assert_int_equal(setenv(VFIDO_ENV, buf, 1), 0);
}

void
vt_set_state(const char *path, const char *key, const char *val)
{
	struct vfido_state *st;

	assert_non_null(st = calloc(1, sizeof(*st)));
	assert_int_equal(vfido_state_load(path, st), 0);
	assert_int_equal(vfido_state_set(st, key, val), 0);
	assert_int_equal(vfido_state_save(path, st), 0);
	free(st);
}

uint32_t
vt_state_counter(const char *path)
{
	struct vfido_state	*st;
	uint32_t		 c;

	assert_non_null(st = calloc(1, sizeof(*st)));
	assert_int_equal(vfido_state_load(path, st), 0);
	c = st->counter;
	free(st);
	return (c);
}
