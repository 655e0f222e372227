/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vfido-ctl: creates and adjusts virtual FIDO2 devices for the tests.
 *
 *   vfido-ctl ca KEY.pem CERT.pem
 *   vfido-ctl init FILE [--pin PIN] [--attestation self|x5c
 *	--ca-key K --ca-cert C] [--touch auto|deny|never] [--aaguid HEX]
 *	[--counter-mode inc|zero] [--alg es256|eddsa|rs256[,...]]
 *	[--protocol fido2|u2f] [--uv on|off]
 *   vfido-ctl set FILE KEY=VALUE...   (touch, fault, fault-at, counter,
 *	counter-mode, pin-retries, aaguid, alg, attestation=self|none,
 *	protocol, pin=PIN or pin= to clear, uv=on|off, uv-retries,
 *	finger=match|nomatch)
 *
 * --protocol u2f: a U2F-only key (no CBOR, no PIN); it registers only
 * with --attestation x5c.
 *
 * --uv on: a key with built-in user verification, a fingerprint
 * enrolled (getInfo "uv": true, CTAP 2.1's rules for it); with --pin
 * as well, it has both, as a YubiKey Bio.  uv=on gives it the full
 * uvRetries; finger=nomatch makes every finger presented from now on a
 * wrong one (CTAP2_ERR_UV_INVALID, one of uvRetries spent; none left:
 * CTAP2_ERR_UV_BLOCKED), finger=match the right one again; uv-retries
 * and finger only on a key with uv=on.
 *
 * --alg: the algorithms the key supports (default es256); a new
 * credential gets the first of the platform's pubKeyCredParams among
 * them.  fault-at=N (default 0: every time): the fault fires on the
 * N-th GetAssertion request only, counted from when fault or fault-at
 * was last set.
 *   vfido-ctl show FILE
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "vfido_int.h"

/* "vfido-test-key-1": the default AAGUID, for allow-list tests. */
#define DEFAULT_AAGUID	"766669646f2d746573742d6b65792d31"

static int
usage(void)
{
	fprintf(stderr,
	    "usage: vfido-ctl ca KEY CERT\n"
	    "       vfido-ctl init FILE [--pin PIN] [--attestation self|x5c "
	    "--ca-key K --ca-cert C]\n"
	    "                 [--touch auto|deny|never] [--aaguid HEX] "
	    "[--counter-mode inc|zero]\n"
	    "                 [--alg es256|eddsa|rs256[,...]] "
	    "[--protocol fido2|u2f] [--uv on|off]\n"
	    "       vfido-ctl set FILE KEY=VALUE...\n"
	    "       vfido-ctl show FILE\n");
	return (2);
}

static void
set_pin(struct vfido_state *st, const char *pin)
{
	unsigned char h[32];

	if (*pin == '\0') {
		st->pin_set = false;
		OPENSSL_cleanse(st->pin_hash, sizeof(st->pin_hash));
		return;
	}
	vfido_sha256(pin, strlen(pin), h);
	memcpy(st->pin_hash, h, sizeof(st->pin_hash));
	st->pin_set = true;
	st->pin_retries = VFIDO_PIN_RETRIES;
	OPENSSL_cleanse(h, sizeof(h));
}

/* Switches built-in UV on (with the full uvRetries) or off. */
static int
set_uv(struct vfido_state *st, const char *v)
{
	if (vfido_state_set(st, "uv", v) < 0)
		return (-1);
	st->uv_nomatch = false;
	st->uv_retries = st->builtin_uv ? VFIDO_UV_RETRIES : 0;
	return (0);
}

static int
save(const char *file, const struct vfido_state *st)
{
	int fd, r;

	if ((fd = vfido_state_lock(file)) < 0) {
		fprintf(stderr, "vfido-ctl: %s: cannot lock\n", file);
		return (1);
	}
	r = vfido_state_save(file, st);
	vfido_state_unlock(fd);
	if (r < 0) {
		fprintf(stderr, "vfido-ctl: %s: cannot write\n", file);
		return (1);
	}
	return (0);
}

static int
cmd_init(int argc, char **argv, struct vfido_state *st)
{
	const char	*file = argv[0], *ca_key = NULL, *ca_cert = NULL;
	bool		 x5c = false;

	if (access(file, F_OK) == 0) {
		fprintf(stderr, "vfido-ctl: %s: already exists\n", file);
		return (1);
	}
	memset(st, 0, sizeof(*st));
	st->pin_retries = VFIDO_PIN_RETRIES;
	(void)vfido_state_set(st, "aaguid", DEFAULT_AAGUID);
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			return (usage());
		i++;
		if (strcmp(o, "--pin") == 0)
			set_pin(st, v);
		else if (strcmp(o, "--uv") == 0 && set_uv(st, v) == 0)
			continue;
		else if (strcmp(o, "--attestation") == 0 &&
		    (strcmp(v, "self") == 0 || strcmp(v, "x5c") == 0))
			x5c = strcmp(v, "x5c") == 0;
		else if (strcmp(o, "--ca-key") == 0)
			ca_key = v;
		else if (strcmp(o, "--ca-cert") == 0)
			ca_cert = v;
		else if ((strcmp(o, "--touch") == 0 ||
		    strcmp(o, "--aaguid") == 0 ||
		    strcmp(o, "--counter-mode") == 0 ||
		    strcmp(o, "--protocol") == 0 ||
		    strcmp(o, "--alg") == 0) &&
		    vfido_state_set(st, o + 2, v) == 0)
			continue;
		else {
			fprintf(stderr, "vfido-ctl: bad option %s %s\n", o, v);
			return (2);
		}
	}
	if (x5c) {
		if (ca_key == NULL || ca_cert == NULL)
			return (usage());
		if (vfido_attest_issue(st, ca_key, ca_cert) < 0) {
			fprintf(stderr, "vfido-ctl: cannot issue an "
			    "attestation certificate with %s\n", ca_cert);
			return (1);
		}
	}
	return (save(file, st));
}

static int
cmd_set(int argc, char **argv, struct vfido_state *st)
{
	const char	*file = argv[0];
	char		*kv, *eq;
	int		 fd, r = 1;

	if ((fd = vfido_state_lock(file)) < 0 ||
	    vfido_state_load(file, st) < 0) {
		fprintf(stderr, "vfido-ctl: %s: cannot read\n", file);
		vfido_state_unlock(fd);
		return (1);
	}
	for (int i = 1; i < argc; i++) {
		if ((kv = strdup(argv[i])) == NULL)
			goto out;
		if ((eq = strchr(kv, '=')) == NULL) {
			fprintf(stderr, "vfido-ctl: %s: not KEY=VALUE\n", kv);
			free(kv);
			r = 2;
			goto out;
		}
		*eq++ = '\0';
		if (strcmp(kv, "pin") == 0)
			set_pin(st, eq);
		else if (strcmp(kv, "uv") == 0 ? set_uv(st, eq) < 0 :
		    strcmp(kv, "att-key") == 0 ||
		    strcmp(kv, "att-cert") == 0 ||
		    ((strcmp(kv, "uv-retries") == 0 ||
		    strcmp(kv, "finger") == 0) && !st->builtin_uv) ||
		    vfido_state_set(st, kv, eq) < 0) {
			fprintf(stderr, "vfido-ctl: bad setting %s\n", argv[i]);
			free(kv);
			r = 2;
			goto out;
		}
		/* a fault set anew counts its GetAssertions from zero */
		if (strcmp(kv, "fault") == 0 || strcmp(kv, "fault-at") == 0)
			st->fault_count = 0;
		free(kv);
	}
	r = vfido_state_save(file, st) < 0 ? 1 : 0;
	if (r != 0)
		fprintf(stderr, "vfido-ctl: %s: cannot write\n", file);
out:
	vfido_state_unlock(fd);
	return (r);
}

static int
cmd_show(const char *file, struct vfido_state *st)
{
	char algs[32];

	if (vfido_state_load(file, st) < 0) {
		fprintf(stderr, "vfido-ctl: %s: cannot read\n", file);
		return (1);
	}
	printf("aaguid ");
	for (size_t i = 0; i < sizeof(st->aaguid); i++)
		printf("%02x", st->aaguid[i]);
	vfido_algs_format(vfido_algs(st), algs, sizeof(algs));
	printf("\ntouch %s\nattestation %s\nfault %s\nfault-at %lu\n"
	    "fault-count %lu\nalg %s\ncounter-mode %s\nprotocol %s\n"
	    "counter %lu\ncredentials %zu\npin %s\npin-retries %u\n",
	    vfido_touch_name(st->touch), vfido_attest_name(st->attest),
	    vfido_fault_name(st->fault), (unsigned long)st->fault_at,
	    (unsigned long)st->fault_count, algs,
	    st->counter_zero ? "zero" : "inc", st->u2f ? "u2f" : "fido2",
	    (unsigned long)st->counter, st->ncreds,
	    st->pin_set ? "set" : "unset", st->pin_retries);
	if (st->builtin_uv)
		printf("uv on\nuv-retries %u\nfinger %s\n", st->uv_retries,
		    st->uv_nomatch ? "nomatch" : "match");
	return (0);
}

int
main(int argc, char **argv)
{
	struct vfido_state	*st;
	int			 r;

	if (argc < 3)
		return (usage());
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return (1);
	if (strcmp(argv[1], "ca") == 0 && argc == 4) {
		r = vfido_ca_create(argv[2], argv[3]) < 0 ? 1 : 0;
		if (r != 0)
			fprintf(stderr, "vfido-ctl: cannot create the CA in "
			    "%s, %s\n", argv[2], argv[3]);
	} else if (strcmp(argv[1], "init") == 0)
		r = cmd_init(argc - 2, argv + 2, st);
	else if (strcmp(argv[1], "set") == 0 && argc >= 4)
		r = cmd_set(argc - 2, argv + 2, st);
	else if (strcmp(argv[1], "show") == 0 && argc == 3)
		r = cmd_show(argv[2], st);
	else
		r = usage();
	vfido_state_wipe(st);
	free(st);
	return (r);
}
