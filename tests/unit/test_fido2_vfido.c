/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FIDO2 enrolment and login end to end: mfa_user_fido2_add() and
 * mfa_user_fido2_verify() through the real libfido2 against the
 * software authenticator of tests/vfido.  The program re-executes
 * itself under the LD_PRELOAD shim, so devices are listed and opened
 * exactly as in pam_mfa and mfactl; devices are made and changed with
 * vfido-ctl, as a separate program would.
 */
#include "config.h"

#include <sys/stat.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <fido.h>
#include <openssl/evp.h>

#include "util.h"
#include "../lockprobe.h"
#include "../vfidoctl.h"

#define PIN		"1234"
#define AAGUID		"766669646f2d746573742d6b65792d31"
#define OTHER_AAGUID	"cb69481e8ff7403993ec0a2729a154a8"

static char	tmp[] = "/tmp/test_fido2_vfido.XXXXXX";
static char	*ca1_key, *ca1_cert, *ca2_key, *ca2_cert;

struct fixture {
	char		*store;
	mfa_ctx_t	*ctx;
	mfa_user_t	*u;
	int		 ndev;
};

/* What the caller's prompt callback saw and answers. */
struct ui {
	const char	*pin;		/* NULL: refuse to give one */
	int		 pins;
	int		 touches;
	int		 err;		/* returned by the callback */
	char		 desc[128];	/* the last key name shown */
	void		(*hook)(struct fixture *);	/* at the PIN prompt */
	void		(*touch_hook)(struct fixture *); /* at the touch */
	struct fixture	*f;		/* hook's argument */
};

static int
ui_cb(void *arg, int what, const char *desc, char **answer)
{
	struct ui	*ui = arg;

	assert_non_null(desc);
	assert_non_null(answer);
	assert_true(strlen(desc) < sizeof(ui->desc));
	memcpy(ui->desc, desc, strlen(desc) + 1);
	if (ui->err != 0)
		return ui->err;
	if (what == MFA_UI_TOUCH) {
		ui->touches++;
		if (ui->touch_hook != NULL)
			ui->touch_hook(ui->f);
		return 0;
	}
	assert_int_equal(what, MFA_UI_PIN);
	ui->pins++;
	if (ui->hook != NULL)
		ui->hook(ui->f);
	if (ui->pin == NULL)
		return MFA_ERR_INVAL;
	assert_non_null(*answer = strdup(ui->pin));
	return 0;
}

/* A new device state file; extra vfido-ctl init options follow. */
static char *
mkdev(struct fixture *f, const char *opt, ...)
{
	const char	*o[12];
	char		*path;
	va_list		 ap;
	int		 n = 0;

	assert_true(asprintf(&path, "%s/dev%s-%d", tmp, f->store +
	    strlen(f->store) - 6, f->ndev++) > 0);
	va_start(ap, opt);
	for (; opt != NULL && n < 11; opt = va_arg(ap, const char *))
		o[n++] = opt;
	va_end(ap);
	o[n] = NULL;
	ctl("init", path, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7],
	    o[8], o[9], o[10], (const char *)NULL);
	return path;
}

/* Connects exactly these devices (NULL-terminated; none: no device). */
static void
plug(const char *dev, ...)
{
	char	buf[2048] = "";
	size_t	n;
	va_list	ap;

	va_start(ap, dev);
	for (; dev != NULL; dev = va_arg(ap, const char *)) {
		n = strlen(buf);
		assert_true((size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    n > 0 ? ":" : "", dev) < sizeof(buf) - n);
	}
	va_end(ap);
	assert_int_equal(setenv("VFIDO_STATE", buf, 1), 0);
}

/* Loads a config: the store, text, fido2_timeout = 2 unless in text. */
static void
config(struct fixture *f, const char *text)
{
	char	*path, *body;

	path = tu_path(f->store, "pam_mfa.conf");
	assert_true(asprintf(&body, "store = %s\n%s%s", f->store,
	    strstr(text, "fido2_timeout") != NULL ? "" :
	    "fido2_timeout = 2\n", text) > 0);
	tu_write(path, body, strlen(body), 0644);
	assert_int_equal(mfa_ctx_load_config(f->ctx, path), MFA_OK);
	free(body);
	free(path);
}

static void
reopen(struct fixture *f, const char *user)
{
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, user, MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &f->u), MFA_OK);
}

/* Under fault, the call returned r: it must be want and log log. */
static void
fault_result(const char *fault, int r, int want, const char *log)
{
	if (r != want)
		fail_msg("fault %s: %d (%s), want %d", fault, r,
		    mfa_strerror(r), want);
	if (strstr(tu_log_buf, log) == NULL)
		fail_msg("fault %s: log lacks \"%s\": %s", fault, log,
		    tu_log_buf);
}

/* The user's consecutive failures (the user is not locked). */
static unsigned
failures_of(mfa_user_t *u)
{
	unsigned	failures = 99;

	assert_int_equal(mfa_user_lock_status(u, NULL, &failures), MFA_OK);
	return failures;
}

static const mfa_cred_t *
cred_by_id(mfa_user_t *u, unsigned id)
{
	size_t	i;

	for (i = 0; i < mfa_user_cred_count(u); i++)
		if (mfa_cred_id(mfa_user_cred(u, i)) == id)
			return mfa_user_cred(u, i);
	fail_msg("no credential %u", id);
	return NULL;
}

static int
setup(void **state)
{
	struct fixture	*f;

	assert_non_null(f = calloc(1, sizeof(*f)));
	f->store = tu_mkstore();
	f->ctx = tu_ctx(f->store);
	config(f, "");
	tu_now = 1700000000;
	tu_log_reset();
	plug(NULL);
	reopen(f, "alice");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	/* A failed test may leave it set. */
	(void)unsetenv("VFIDO_TRACE_INFO");
	mfa_user_free(&f->u);
	mfa_ctx_free(&f->ctx);
	tu_rmstore(f->store);
	free(f);
	return 0;
}

/* Registers dev for the current user with PIN; returns the id. */
static unsigned
enrol(struct fixture *f, const char *dev)
{
	struct ui	ui = { .pin = PIN };
	unsigned	id = 0;

	plug(dev, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, "yubi", ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_not_equal(id, 0);
	return id;
}

/* ---- enrolment ----------------------------------------------------- */

static void
test_enrol_self(void **state)
{
	struct fixture		*f = *state;
	struct ui		 ui = { .pin = PIN };
	const mfa_cred_t	*c;
	char			*dev, *path, *text;
	unsigned		 id = 0;

	dev = mkdev(f, "--pin", PIN, NULL);
	plug(dev, NULL);
	assert_int_equal(mfa_fido2_present(f->ctx), 1);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, "my key", ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(id, 1);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(ui.touches, 1);
	assert_non_null(strstr(tu_log_buf, "fido2 credential 1 added (label "
	    "my key, credential "));
	assert_non_null(strstr(tu_log_buf, "es256, aaguid " AAGUID ", self "
	    "attestation)"));
	assert_null(strstr(tu_log_buf, PIN));
	assert_true(mfa_user_has_factor(f->u, MFA_FACTOR_FIDO2));

	/* What was stored survives a reopen. */
	reopen(f, "alice");
	c = cred_by_id(f->u, 1);
	assert_int_equal(mfa_cred_type(c), MFA_CRED_FIDO2);
	assert_int_equal(mfa_cred_status(c), MFA_STATUS_ACTIVE);
	assert_string_equal(mfa_cred_label(c), "my key");
	assert_string_equal(mfa_cred_fido2_algorithm(c), "es256");
	assert_string_equal(mfa_cred_fido2_aaguid(c), AAGUID);
	assert_int_equal(mfa_cred_created(c), 1700000000);
	assert_int_equal(mfa_cred_last_used(c), 0);
	path = tu_path(f->store, "alice");
	text = tu_read(path, NULL);
	assert_non_null(strstr(text, "\nfido2 1 status=active alg=es256 "
	    "created=1700000000 label=my%20key credid="));
	assert_non_null(strstr(text, " aaguid=" AAGUID " uv=1 up=1\n"));
	free(text);
	free(path);

	/* The same key twice: the exclude list refuses it. */
	tu_log_reset();
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, "again", ui_cb, &ui,
	    &id), MFA_ERR_EXCLUDED);
	assert_non_null(strstr(tu_log_buf, "already registered"));
	assert_int_equal(mfa_user_cred_count(f->u), 1);
	/* A second key is fine; both are excluded from then on. */
	free(dev);
	dev = mkdev(f, "--pin", PIN, NULL);
	plug(dev, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, "vfido:0", NULL, ui_cb,
	    &ui, &id), MFA_OK);
	assert_int_equal(id, 2);
	assert_string_equal(mfa_cred_label(cred_by_id(f->u, 2)), "fido2");
	free(dev);
}

static void
test_enrol_x5c_ca(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*good, *bad, *self, conf[512];
	unsigned	 id = 0;

	good = mkdev(f, "--pin", PIN, "--attestation", "x5c", "--ca-key",
	    ca1_key, "--ca-cert", ca1_cert, NULL);
	bad = mkdev(f, "--pin", PIN, "--attestation", "x5c", "--ca-key",
	    ca2_key, "--ca-cert", ca2_cert, NULL);
	self = mkdev(f, "--pin", PIN, NULL);
	/* Without fido2_ca any verifying certificate is fine. */
	plug(bad, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_non_null(strstr(tu_log_buf, "certificate attestation"));

	snprintf(conf, sizeof(conf), "fido2_ca = %s\n", ca1_cert);
	config(f, conf);
	reopen(f, "bob");
	tu_log_reset();
	plug(bad, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_ATTEST);
	assert_non_null(strstr(tu_log_buf, "rejected: attestation "
	    "certificate does not chain to fido2_ca"));
	plug(self, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_ATTEST);
	assert_non_null(strstr(tu_log_buf, "no attestation certificate "
	    "(format packed) but fido2_ca is set"));
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	plug(good, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(mfa_user_cred_count(f->u), 1);

	/* An unreadable CA file is a configuration error. */
	config(f, "fido2_ca = /nonexistent/ca.pem\n");
	reopen(f, "carol");
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_CONFIG);
	assert_non_null(strstr(tu_log_buf, "fido2_ca /nonexistent/ca.pem"));
	free(good);
	free(bad);
	free(self);
}

/* The level of the line that accepts a key without attestation. */
static int noatt_level = -1;

static void
noatt_log(void *arg, int priority, const char *msg)
{
	tu_log(arg, priority, msg);
	if (strstr(msg, "no attestation (format none; accepted") != NULL)
		noatt_level = priority;
}

static void
test_enrol_attestation(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*dev;
	unsigned	 id = 0;

	/* A self attestation whose signature does not verify. */
	dev = mkdev(f, "--pin", PIN, NULL);
	ctl("set", dev, "fault=badattest", (const char *)NULL);
	plug(dev, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_ATTEST);
	assert_non_null(strstr(tu_log_buf, "self attestation (packed) does "
	    "not verify"));
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	/* fido2_attestation = any takes it, with a warning. */
	config(f, "fido2_attestation = any\n");
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_non_null(strstr(tu_log_buf, "self attestation does not verify "
	    "(accepted: fido2_attestation = any)"));
	free(dev);

	/*
	 * No attestation at all (format "none"): refused when verified;
	 * with any, registered with a warning in the log, at LOG_WARNING
	 * as pam_mfa.conf(5) says.
	 */
	dev = mkdev(f, "--pin", PIN, NULL);
	ctl("set", dev, "attestation=none", (const char *)NULL);
	plug(dev, NULL);
	config(f, "");
	reopen(f, "dave");
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_ATTEST);
	assert_non_null(strstr(tu_log_buf, "no attestation (format none)"));
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	config(f, "fido2_attestation = any\n");
	noatt_level = -1;
	mfa_ctx_set_log(f->ctx, noatt_log, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	mfa_ctx_set_log(f->ctx, tu_log, NULL);
	assert_int_equal(noatt_level, LOG_WARNING);
	assert_int_equal(mfa_user_cred_count(f->u), 1);
	free(dev);
}

/*
 * Registration replies that a key could forge: another RP ID, no UP
 * flag, no UV flag after the PIN.  Each is refused with its reason and
 * nothing is stored; the key, healthy again, registers.
 */
static void
test_enrol_faults(void **state)
{
	static const struct {
		const char	*fault;
		int		 want;
		const char	*log;
	} t[] = {
		{ "wrongrp", MFA_ERR_DEVICE, "reply is for another RP ID" },
		{ "noup", MFA_ERR_DEVICE, "user presence flag not set" },
		{ "nouv", MFA_ERR_UV, "user verification flag not set" },
	};
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*dev, fault[64];
	unsigned	 id = 0;
	size_t		 i;

	dev = mkdev(f, "--pin", PIN, NULL);
	plug(dev, NULL);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(fault, sizeof(fault), "fault=%s", t[i].fault);
		ctl("set", dev, fault, (const char *)NULL);
		tu_log_reset();
		fault_result(t[i].fault, mfa_user_fido2_add(f->u, NULL,
		    "yubi", ui_cb, &ui, &id), t[i].want, t[i].log);
		assert_int_equal(mfa_user_cred_count(f->u), 0);
		reopen(f, "alice");
		assert_int_equal(mfa_user_cred_count(f->u), 0);
	}
	ctl("set", dev, "fault=none", (const char *)NULL);
	(void)enrol(f, dev);
	assert_int_equal(mfa_user_cred_count(f->u), 1);
	free(dev);
}

static void
test_enrol_aaguid(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*dev;
	unsigned	 id = 0;

	dev = mkdev(f, "--pin", PIN, NULL);
	plug(dev, NULL);
	config(f, "fido2_aaguids = " OTHER_AAGUID "\n");
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_ATTEST);
	assert_non_null(strstr(tu_log_buf, "rejected: AAGUID " AAGUID
	    " is not in fido2_aaguids"));
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	config(f, "fido2_aaguids = " OTHER_AAGUID ", " AAGUID "\n");
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	free(dev);
}

static void
test_enrol_uv(void **state)
{
	struct fixture		*f = *state;
	struct ui		 ui = { .pin = PIN };
	char			*nopin, *pinned;
	unsigned		 id = 0;

	nopin = mkdev(f, NULL);
	pinned = mkdev(f, "--pin", PIN, NULL);
	/* Required UV, and the key has no PIN: refused, nobody asked. */
	plug(nopin, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_UV);
	assert_int_equal(ui.pins + ui.touches, 0);
	assert_non_null(strstr(tu_log_buf, "user verification required but "
	    "the key has no PIN set"));
	/* A wrong PIN. */
	plug(pinned, NULL);
	ui.pin = "9999";
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_BADPIN);
	/* No PIN given: the callback's error comes back. */
	ui.pin = NULL;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_INVAL);
	/* A PIN no key accepts is not even sent. */
	ui.pin = "12";
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_BADPIN);
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	/* discouraged: touch only, no PIN asked, uv=0 stored. */
	config(f, "fido2_uv = discouraged\n");
	ui.pins = 0;
	plug(nopin, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(ui.pins, 0);
	assert_int_equal(f->u->creds[0].reg_uv, 0);
	/* preferred on a key with a PIN: it is asked for. */
	config(f, "fido2_uv = preferred\n");
	ui.pin = PIN;
	plug(pinned, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(f->u->creds[1].reg_uv, 1);
	free(nopin);
	free(pinned);
}

/*
 * fido2_uv = discouraged and a key that will not register without user
 * verification: a CTAP 2.0 key with its PIN set answers
 * authenticatorMakeCredential without pinAuth with PIN_REQUIRED (vfido
 * does, as the spec says), so its PIN is asked once; the credential is
 * stored as registered (uv=1) and logs in with a touch only.  A key
 * with no PIN is asked none; a wrong PIN stores nothing; a key whose
 * getInfo says makeCredUvNotRqd (CTAP 2.1) is asked none; an alwaysUv
 * key is asked its PIN, or refused before any prompt if it has none.
 */
static void
test_enrol_discouraged_pin(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*pinned, *nopin, *notrqd, *always, *alwaysnopin, *path;
	char		*text;
	unsigned	 id = 0;

	pinned = mkdev(f, "--pin", PIN, NULL);
	nopin = mkdev(f, NULL);
	notrqd = mkdev(f, "--pin", PIN, NULL);
	ctl("set", notrqd, "fault=uvnotrqd", (const char *)NULL);
	always = mkdev(f, "--pin", PIN, NULL);
	ctl("set", always, "fault=alwaysuv", (const char *)NULL);
	alwaysnopin = mkdev(f, NULL);
	ctl("set", alwaysnopin, "fault=alwaysuv", (const char *)NULL);
	config(f, "fido2_uv = discouraged\n");

	/* A wrong PIN: the key refuses, nothing stored. */
	plug(pinned, NULL);
	ui.pin = "9999";
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_BADPIN);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	assert_null(strstr(tu_log_buf, "9999"));
	path = tu_path(f->store, "alice");
	assert_int_equal(access(path, F_OK), -1);

	/* The right one: asked once, registered with the UV it had. */
	ui.pin = PIN;
	ui.pins = ui.touches = 0;
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(ui.touches, 1);
	assert_null(strstr(tu_log_buf, PIN));
	reopen(f, "alice");
	text = tu_read(path, NULL);
	assert_non_null(strstr(text, " uv=1 up=1\n"));
	free(text);
	/* Login under discouraged: a touch, no PIN. */
	ui.pins = ui.touches = 0;
	tu_now += 60;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(ui.pins, 0);
	assert_int_equal(ui.touches, 1);

	/* No PIN on the key: none asked, uv=0. */
	plug(nopin, NULL);
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(ui.pins, 0);
	assert_int_equal(ui.touches, 1);
	assert_int_equal(f->u->creds[1].reg_uv, 0);

	/* makeCredUvNotRqd: registers without, so none asked. */
	plug(notrqd, NULL);
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(ui.pins, 0);
	assert_int_equal(f->u->creds[2].reg_uv, 0);

	/* alwaysUv: asked. */
	plug(always, NULL);
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(f->u->creds[3].reg_uv, 1);
	plug(alwaysnopin, NULL);
	ui.pins = ui.touches = 0;
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_UV);
	assert_int_equal(ui.pins + ui.touches, 0);
	assert_non_null(strstr(tu_log_buf, "the key insists on user "
	    "verification (alwaysUv) but has no PIN set"));
	assert_int_equal(mfa_user_cred_count(f->u), 4);
	free(path);
	free(pinned);
	free(nopin);
	free(notrqd);
	free(always);
	free(alwaysnopin);
}

static const char *block_dev;	/* block_finger()'s key */

/* A touch hook: the finger of block_dev blocked, once. */
static void
block_finger(struct fixture *f)
{
	(void)f;
	if (block_dev != NULL) {
		ctl("set", block_dev, "uv-retries=0", (const char *)NULL);
		block_dev = NULL;
	}
}

/*
 * Registration with a key whose finger is blocked after libmfa looked
 * (here at the touch prompt): the key answers UV_BLOCKED to the finger,
 * and is asked again, once, with the PIN and a touch, which registers
 * it with UV; the log says so and shows no rejection, and the PIN
 * unblocked the finger.
 */
static void
test_enrol_uv_blocked_midway(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN, .touch_hook = block_finger };
	char		*dev, *path, *text;
	unsigned	 id = 0;

	dev = mkdev(f, "--uv", "on", "--pin", PIN, NULL);
	plug(dev, NULL);
	block_dev = dev;
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_null(block_dev);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(ui.touches, 2);
	assert_non_null(strstr(tu_log_buf, "security key vfido virtual "
	    "authenticator: built-in user verification blocked: asking for "
	    "the PIN instead"));
	assert_null(strstr(tu_log_buf, "rejected"));
	assert_null(strstr(tu_log_buf, PIN));
	reopen(f, "alice");
	path = tu_path(f->store, "alice");
	text = tu_read(path, NULL);
	assert_non_null(strstr(text, " uv=1 up=1\n"));
	free(text);
	text = tu_read(dev, NULL);
	assert_non_null(strstr(text, "\nuv-retries 5\n"));
	free(text);
	free(path);
	free(dev);
}

static void
test_enrol_no_device(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	unsigned	 id = 0;

	plug(NULL);
	assert_int_equal(mfa_fido2_present(f->ctx), 0);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_NODEVICE);
	assert_int_equal(mfa_user_fido2_add(f->u, "vfido:7", NULL, ui_cb,
	    &ui, &id), MFA_ERR_DEVICE);
	assert_int_equal(ui.pins + ui.touches, 0);
	/* A read-only user cannot enrol. */
	assert_int_equal(store_commit(f->u), MFA_OK);
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_READ,
	    &f->u), MFA_OK);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_INVAL);
}

static void
test_enrol_touch(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*dev;
	unsigned	 id = 0;

	dev = mkdev(f, "--pin", PIN, "--touch", "deny", NULL);
	plug(dev, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_TIMEOUT);
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	/* The UI's error aborts before the key is asked. */
	ctl("set", dev, "touch=auto", (const char *)NULL);
	ui.err = MFA_ERR_IO;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_IO);
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	free(dev);
}

/*
 * EdDSA and RS256 keys: an EdDSA-only (or RS256-only) key is registered
 * with its own algorithm under the default fido2_algorithms and logs
 * in; a key that offers none of fido2_algorithms is refused before
 * the PIN or the touch is asked for, and the log says why.
 */
static void
test_enrol_eddsa(void **state)
{
	struct fixture		*f = *state;
	struct ui		 ui = { .pin = PIN };
	const mfa_cred_t	*c;
	char			*ed, *rs, *both, *path, *text;
	uint64_t		 c0;
	unsigned		 id = 0, cid = 0;

	ed = mkdev(f, "--pin", PIN, "--alg", "eddsa", NULL);
	plug(ed, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, "ed", ui_cb, &ui,
	    &id), MFA_OK);
	assert_non_null(strstr(tu_log_buf, "eddsa, aaguid " AAGUID ", self "
	    "attestation)"));
	reopen(f, "alice");
	c = cred_by_id(f->u, id);
	assert_string_equal(mfa_cred_fido2_algorithm(c), "eddsa");
	c0 = mfa_cred_fido2_counter(c);
	path = tu_path(f->store, "alice");
	text = tu_read(path, NULL);
	assert_non_null(strstr(text, "\nfido2 1 status=active alg=eddsa "));
	free(text);
	free(path);
	/* It logs in, in a new process as it were. */
	tu_now += 60;
	tu_log_reset();
	ui.pins = ui.touches = 0;
	if (mfa_user_fido2_verify(f->u, ui_cb, &ui, &cid) != MFA_OK)
		fail_msg("eddsa login: %s", tu_log_buf);
	assert_int_equal(cid, id);
	assert_int_equal(ui.touches, 1);
	assert_non_null(strstr(tu_log_buf, "fido2 login with key 'ed'"));
	assert_true(mfa_cred_fido2_counter(cred_by_id(f->u, id)) > c0);
	/* A signature that does not verify is still caught. */
	ctl("set", ed, "fault=badsig", (const char *)NULL);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADSIG);
	ctl("set", ed, "fault=none", (const char *)NULL);
	assert_int_equal(mfa_user_unlock(f->u), MFA_OK);

	/* RS256 the same way. */
	rs = mkdev(f, "--pin", PIN, "--alg", "rs256", NULL);
	plug(rs, NULL);
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, "rs", ui_cb, &ui,
	    &id), MFA_OK);
	assert_string_equal(mfa_cred_fido2_algorithm(cred_by_id(f->u, id)),
	    "rs256");
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, &cid),
	    MFA_OK);
	assert_int_equal(cid, id);

	/* A key with both: the first of fido2_algorithms it offers. */
	both = mkdev(f, "--pin", PIN, "--alg", "eddsa,es256", NULL);
	plug(both, NULL);
	reopen(f, "bob");
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_string_equal(mfa_cred_fido2_algorithm(cred_by_id(f->u, id)),
	    "es256");
	config(f, "fido2_algorithms = eddsa, es256\n");
	reopen(f, "carol");
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_OK);
	assert_string_equal(mfa_cred_fido2_algorithm(cred_by_id(f->u, id)),
	    "eddsa");
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);

	/* fido2_algorithms = es256 and an EdDSA-only key: refused. */
	config(f, "fido2_algorithms = es256\n");
	reopen(f, "dave");
	plug(ed, NULL);
	tu_log_reset();
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui,
	    &id), MFA_ERR_ATTEST);
	assert_non_null(strstr(tu_log_buf, "user dave: security key vfido "
	    "virtual authenticator rejected: offers none of "
	    "fido2_algorithms"));
	assert_int_equal(ui.pins + ui.touches, 0);
	assert_int_equal(mfa_user_cred_count(f->u), 0);
	free(ed);
	free(rs);
	free(both);
}

/* EdDSA with x5c: the attestation key keeps its own ES256. */
static void
test_enrol_eddsa_x5c(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*dev, conf[512];
	unsigned	 id = 0;

	dev = mkdev(f, "--pin", PIN, "--alg", "eddsa", "--attestation",
	    "x5c", "--ca-key", ca1_key, "--ca-cert", ca1_cert, NULL);
	snprintf(conf, sizeof(conf), "fido2_ca = %s\n", ca1_cert);
	config(f, conf);
	plug(dev, NULL);
	if (mfa_user_fido2_add(f->u, NULL, NULL, ui_cb, &ui, &id) != MFA_OK)
		fail_msg("eddsa x5c: %s", tu_log_buf);
	assert_non_null(strstr(tu_log_buf, "eddsa, aaguid " AAGUID ", "
	    "certificate attestation)"));
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	free(dev);
}

/* ---- login ----------------------------------------------------------- */

static void
test_login(void **state)
{
	struct fixture		*f = *state;
	struct ui		 ui = { .pin = PIN };
	const mfa_cred_t	*c;
	char			*dev;
	uint64_t		 c0, c1;
	unsigned		 id, cid = 0;

	dev = mkdev(f, "--pin", PIN, NULL);
	id = enrol(f, dev);
	c0 = mfa_cred_fido2_counter(cred_by_id(f->u, id));
	reopen(f, "alice");
	tu_now += 60;
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, &cid),
	    MFA_OK);
	assert_int_equal(cid, id);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(ui.touches, 1);
	assert_non_null(strstr(tu_log_buf, "fido2 login with key 'yubi' "
	    "(credential 1, id "));
	assert_null(strstr(tu_log_buf, PIN));
	c1 = mfa_cred_fido2_counter(cred_by_id(f->u, id));
	assert_true(c1 > c0);
	/* Stored: a new process sees the counter and the time. */
	reopen(f, "alice");
	c = cred_by_id(f->u, id);
	assert_int_equal(mfa_cred_fido2_counter(c), c1);
	assert_int_equal(mfa_cred_last_used(c), tu_now);
	/* And it goes on increasing. */
	tu_now += 60;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_true(mfa_cred_fido2_counter(cred_by_id(f->u, id)) > c1);
	/* cred_id may be NULL; the UI may be NULL without UV. */
	config(f, "fido2_uv = discouraged\n");
	assert_int_equal(mfa_user_fido2_verify(f->u, NULL, NULL, NULL),
	    MFA_OK);
	free(dev);
}

/* How many times the keys were listed since trace_start(). */
static int
trace_count(const char *path)
{
	char	 line[64];
	FILE	*fp;
	int	 n = 0;

	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		assert_string_equal(line, "manifest\n");
		n++;
	}
	assert_int_equal(fclose(fp), 0);
	return n;
}

/*
 * The list mfa_fido2_present() takes serves the next login on the same
 * context once, within 2 seconds; otherwise a login lists the keys.
 */
static void
test_login_list_reuse(void **state)
{
	struct fixture		*f = *state;
	struct ui		 ui = { .pin = PIN };
	struct timespec		 ts = { 2, 200000000 };
	char			*dev, *trace;

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	reopen(f, "alice");
	trace = tu_path(f->store, "trace");
	assert_int_equal(setenv("VFIDO_TRACE", trace, 1), 0);
	assert_int_equal(mfa_fido2_present(f->ctx), 1);
	assert_int_equal(trace_count(trace), 1);
	tu_now += 60;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(trace_count(trace), 1);
	/* Once: the next login lists them again. */
	tu_now += 60;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(trace_count(trace), 2);
	/* An old list is not used. */
	assert_int_equal(mfa_fido2_present(f->ctx), 1);
	assert_int_equal(nanosleep(&ts, NULL), 0);
	tu_now += 60;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(trace_count(trace), 4);
	/* With no key connected nothing is kept. */
	plug(NULL);
	assert_int_equal(mfa_fido2_present(f->ctx), 0);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NODEVICE);
	assert_int_equal(trace_count(trace), 6);
	assert_int_equal(unsetenv("VFIDO_TRACE"), 0);
	free(trace);
	free(dev);
}

static void
test_login_pin(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*dev;

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	reopen(f, "alice");
	tu_log_reset();
	ui.pin = "4321";
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADPIN);
	assert_int_equal(failures_of(f->u), 1);
	assert_non_null(strstr(tu_log_buf, "fido2 login failed on vfido "
	    "virtual authenticator, key 'yubi' (credential 1, id "));
	assert_null(strstr(tu_log_buf, "4321"));
	/*
	 * A key whose PIN is blocked checks no PIN: refused, said so in
	 * the log, not counted.
	 */
	ctl("set", dev, "pin-retries=0", (const char *)NULL);
	tu_log_reset();
	ui.pin = PIN;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADPIN);
	assert_int_equal(failures_of(f->u), 1);
	assert_non_null(strstr(tu_log_buf, "no PIN tries left"));
	ctl("set", dev, "pin-retries=8", (const char *)NULL);
	/* Without a PIN from the user: the callback's error, not counted. */
	ui.pin = NULL;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_INVAL);
	ui.pin = PIN;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(failures_of(f->u), 0);
	/* UV required, the PIN removed from the key since: refused. */
	ctl("set", dev, "pin=", (const char *)NULL);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_UV);
	free(dev);
}

static void
test_login_touch(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	struct timespec	 t0, t1;
	char		*dev;
	double		 secs;

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	config(f, "fido2_timeout = 1\n");
	ctl("set", dev, "touch=never", (const char *)NULL);
	tu_log_reset();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs < 0.5 || secs > 5)
		fail_msg("no touch took %.2f s, want about 1", secs);
	assert_non_null(strstr(tu_log_buf, "no touch in time"));
	assert_int_equal(ui.touches, 1);
	ctl("set", dev, "touch=deny", (const char *)NULL);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_TIMEOUT);
	/* Not touching is no guess: not counted. */
	assert_int_equal(failures_of(f->u), 0);
	free(dev);
}

static void
test_login_counter(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	uint64_t	 c1;
	char		*dev, *zero, want[128];

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	c1 = mfa_cred_fido2_counter(cred_by_id(f->u, 1));
	assert_true(c1 >= 2);
	/* A clone: the same key material with an older counter. */
	ctl("set", dev, "counter=0", (const char *)NULL);
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_CLONED);
	assert_non_null(strstr(tu_log_buf, "possibly a cloned key"));
	assert_int_equal(mfa_cred_fido2_counter(cred_by_id(f->u, 1)), c1);
	assert_int_equal(failures_of(f->u), 1);
	/*
	 * Equal is not above either.  The silent probe is an assertion
	 * too and bumps the key's counter first: c1 - 2 makes the
	 * touched assertion carry exactly c1.
	 */
	{
		char	v[32];

		snprintf(v, sizeof(v), "counter=%llu",
		    (unsigned long long)c1 - 2);
		ctl("set", dev, v, (const char *)NULL);
	}
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_CLONED);
	snprintf(want, sizeof(want), "signature counter %llu not above %llu",
	    (unsigned long long)c1, (unsigned long long)c1);
	if (strstr(tu_log_buf, want) == NULL)
		fail_msg("log lacks \"%s\": %s", want, tu_log_buf);
	reopen(f, "alice");
	assert_int_equal(mfa_cred_fido2_counter(cred_by_id(f->u, 1)), c1);

	/* A key that keeps no counter: fine when strict, not require. */
	reopen(f, "bob");
	zero = mkdev(f, "--pin", PIN, "--counter-mode", "zero", NULL);
	(void)enrol(f, zero);
	tu_log_reset();
	if (mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL) != MFA_OK)
		fail_msg("%s", tu_log_buf);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(mfa_cred_fido2_counter(cred_by_id(f->u, 1)), 0);
	config(f, "fido2_counter = require\n");
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_CLONED);
	assert_non_null(strstr(tu_log_buf, "keeps no signature counter"));
	free(dev);
	free(zero);
}

static void
test_login_wrong_creds(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*adev, *bdev;

	adev = mkdev(f, "--pin", PIN, NULL);
	bdev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, adev);
	reopen(f, "bob");
	(void)enrol(f, bdev);
	/* No key for alice: NOTENROLLED for a user without any. */
	reopen(f, "carol");
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTENROLLED);
	/* bob's key on alice's login: not hers, counted, no touch. */
	reopen(f, "alice");
	plug(bdev, NULL);
	tu_log_reset();
	ui.touches = ui.pins = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTFOUND);
	assert_int_equal(ui.touches + ui.pins, 0);
	assert_non_null(strstr(tu_log_buf, "no connected key holds one of "
	    "the user's credentials"));
	assert_int_equal(failures_of(f->u), 1);
	/* Both keys: hers is found and only it asks for a touch. */
	plug(bdev, adev, NULL);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(ui.touches, 1);
	/* No key at all: NODEVICE, not counted. */
	plug(NULL);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NODEVICE);
	/* A pending credential never logs in. */
	plug(adev, NULL);
	f->u->creds[0].status = MFA_STATUS_PENDING;
	assert_int_equal(store_commit(f->u), MFA_OK);
	reopen(f, "alice");
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTENROLLED);
	assert_int_equal(failures_of(f->u), 0);
	/* Another RP ID: the key finds no credential for it. */
	f->u->creds[0].status = MFA_STATUS_ACTIVE;
	assert_int_equal(store_commit(f->u), MFA_OK);
	config(f, "fido2_rp_id = pam://elsewhere\n");
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTFOUND);
	free(adev);
	free(bdev);
}

static void
test_login_lockout(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	int64_t		 until = 0;
	char		*dev;

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	config(f, "lockout_attempts = 2\nlockout_time = 600\n");
	ui.pin = "0000";
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADPIN);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADPIN);
	assert_non_null(strstr(tu_log_buf, "locked out after 2 failures"));
	/* Locked: the right PIN and touch are not even asked for. */
	ui.pin = PIN;
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(ui.pins + ui.touches, 0);
	reopen(f, "alice");
	assert_int_equal(mfa_user_lock_status(f->u, &until, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(until, tu_now + 600);
	tu_now += 601;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	free(dev);
}

static void
test_login_faults(void **state)
{
	/* at: only the at-th GetAssertion (1: the probe), 0: all. */
	static const struct {
		const char	*fault;
		int		 at;
		int		 want;
		const char	*log;
	} t[] = {
		{ "badsig", 0, MFA_ERR_BADSIG, "assertion does not verify" },
		{ "wrongrp", 0, MFA_ERR_BADSIG, "reply is for another RP ID" },
		{ "noup", 0, MFA_ERR_BADSIG, "user presence flag not set" },
		{ "nouv", 0, MFA_ERR_UV, "user verification flag not set" },
		{ "wrongcred", 1, MFA_ERR_DEVICE,
		    "key -: probe: reply names no credential asked for" },
		{ "wrongcred", 2, MFA_ERR_DEVICE,
		    "key -: reply names no credential asked for" },
		{ "badcbor", 0, MFA_ERR_DEVICE, "login failed" },
		{ "wrongtype", 0, MFA_ERR_DEVICE, "login failed" },
		{ "truncate", 0, MFA_ERR_DEVICE, "login failed" },
		{ "oversize", 0, MFA_ERR_DEVICE, "login failed" },
		{ "vanish", 0, MFA_ERR_DEVICE, "login failed" },
	};
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*dev, fault[64], at[32];
	uint64_t	 c;
	size_t		 i;

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	c = mfa_cred_fido2_counter(cred_by_id(f->u, 1));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(fault, sizeof(fault), "fault=%s", t[i].fault);
		snprintf(at, sizeof(at), "fault-at=%d", t[i].at);
		ctl("set", dev, fault, at, (const char *)NULL);
		tu_log_reset();
		fault_result(t[i].fault, mfa_user_fido2_verify(f->u, ui_cb,
		    &ui, NULL), t[i].want, t[i].log);
		/* Nothing of a failed login is kept but the failure. */
		assert_int_equal(mfa_cred_fido2_counter(cred_by_id(f->u, 1)),
		    c);
		ctl("set", dev, "fault=none", (const char *)NULL);
		assert_int_equal(mfa_user_unlock(f->u), MFA_OK);
	}
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	free(dev);
}

/*
 * A key whose product string carries terminal escapes, a bell and
 * trailing blanks: the name in the prompts and the log keeps printable
 * ASCII only; one with nothing printable is called "security key".
 */
static void
test_login_hostile_name(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	char		*dev;

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	assert_int_equal(setenv("VFIDO_PRODUCT", "\x1b[2J\x1b]0;owned\x07"
	    "Evil\tKey\r\n   ", 1), 0);
	ctl("set", dev, "fault=badsig", (const char *)NULL);
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADSIG);
	assert_string_equal(ui.desc, "[2J]0;ownedEvilKey");
	assert_non_null(strstr(tu_log_buf, "login failed on "
	    "[2J]0;ownedEvilKey, key"));
	assert_null(strchr(tu_log_buf, '\x1b'));
	assert_null(strchr(tu_log_buf, '\x07'));
	assert_int_equal(setenv("VFIDO_PRODUCT", "\x1b\x07\x7f ", 1), 0);
	ctl("set", dev, "fault=none", (const char *)NULL);
	assert_int_equal(mfa_user_unlock(f->u), MFA_OK);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_string_equal(ui.desc, "security key");
	assert_int_equal(unsetenv("VFIDO_PRODUCT"), 0);
	free(dev);
}

/*
 * A key that answers nothing without the PIN (like one with alwaysUv):
 * the silent probe cannot tell, so that key is asked with the PIN and
 * a touch; it logs in when it holds the credential and is a failed
 * attempt when it does not.  Several such keys are asked in turn.
 */
static void
test_login_always_uv(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	uint64_t	 c0;
	char		*adev, *bdev, *cdev;

	adev = mkdev(f, "--pin", PIN, NULL);
	bdev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, adev);
	c0 = mfa_cred_fido2_counter(cred_by_id(f->u, 1));
	ctl("set", adev, "fault=alwaysuv", (const char *)NULL);
	ctl("set", bdev, "fault=alwaysuv", (const char *)NULL);
	plug(adev, NULL);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(ui.touches, 1);
	assert_true(mfa_cred_fido2_counter(cred_by_id(f->u, 1)) > c0);
	/* Someone else's key of that kind: asked, and it has none. */
	plug(bdev, NULL);
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTFOUND);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(failures_of(f->u), 1);
	/*
	 * Both, the other first: it is asked, has none, then hers is
	 * asked and logs her in (a PIN and a touch for each).
	 */
	plug(bdev, adev, NULL);
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(ui.pins, 2);
	assert_int_equal(ui.touches, 2);
	assert_int_equal(failures_of(f->u), 0);
	/* Two such keys, neither hers: one failure, not two. */
	cdev = mkdev(f, "--pin", PIN, NULL);
	ctl("set", cdev, "fault=alwaysuv", (const char *)NULL);
	plug(bdev, cdev, NULL);
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTFOUND);
	assert_int_equal(ui.pins, 2);
	assert_int_equal(failures_of(f->u), 1);
	free(adev);
	free(bdev);
	free(cdev);
}

/* The getInfo requests libmfa made since VFIDO_TRACE_INFO was set. */
static int
getinfo_count(const char *path)
{
	char	 line[64];
	FILE	*fp;
	int	 n = 0;

	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		assert_string_equal(line, "getinfo\n");
		n++;
	}
	assert_int_equal(fclose(fp), 0);
	return n;
}

/*
 * A key whose getInfo says alwaysUv, under fido2_uv = discouraged and
 * preferred: verified with its PIN all the same, as WebAuthn clients
 * do; a wrong PIN is a wrong PIN; with no PIN set it is refused before
 * any touch, not counted.  A key without alwaysUv is asked no PIN.
 */
static void
test_login_always_uv_discouraged(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	uint64_t	 c0, c1;
	char		*dev, *nopin, *plain, *trace;
	int		 i;

	trace = tu_path(f->store, "getinfo");
	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	c0 = mfa_cred_fido2_counter(cred_by_id(f->u, 1));
	ctl("set", dev, "fault=alwaysuv", (const char *)NULL);
	config(f, "fido2_uv = discouraged\n");
	plug(dev, NULL);
	assert_int_equal(setenv("VFIDO_TRACE_INFO", trace, 1), 0);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(unsetenv("VFIDO_TRACE_INFO"), 0);
	/* Its options read once, after it would not answer unasked. */
	assert_int_equal(getinfo_count(trace), 1);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(ui.touches, 1);
	c1 = mfa_cred_fido2_counter(cred_by_id(f->u, 1));
	assert_true(c1 > c0);
	assert_int_equal(failures_of(f->u), 0);
	/* A wrong PIN: the key said no, counted like any wrong PIN. */
	ui.pin = "9999";
	ui.pins = ui.touches = 0;
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADPIN);
	assert_int_equal(ui.pins, 1);
	assert_int_equal(failures_of(f->u), 1);
	assert_int_equal(mfa_cred_fido2_counter(cred_by_id(f->u, 1)), c1);
	assert_null(strstr(tu_log_buf, "9999"));
	/* preferred: the same. */
	config(f, "fido2_uv = preferred\n");
	ui.pin = PIN;
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(ui.pins, 1);
	assert_true(mfa_cred_fido2_counter(cred_by_id(f->u, 1)) > c1);
	assert_int_equal(failures_of(f->u), 0);

	/*
	 * alwaysUv and no PIN set: no way to verify, refused with a line
	 * that says why, before any prompt; not a guess, never counted.
	 */
	reopen(f, "bob");
	config(f, "fido2_uv = discouraged\n");
	nopin = mkdev(f, NULL);
	(void)enrol(f, nopin);
	ctl("set", nopin, "fault=alwaysuv", (const char *)NULL);
	for (i = 0; i < 6; i++) {
		config(f, i % 2 == 0 ? "fido2_uv = discouraged\n" :
		    "fido2_uv = preferred\n");
		ui.pins = ui.touches = 0;
		tu_log_reset();
		assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui,
		    NULL), MFA_ERR_UV);
		assert_int_equal(ui.pins + ui.touches, 0);
		assert_non_null(strstr(tu_log_buf, "the key insists on user "
		    "verification (alwaysUv) but has no PIN set"));
	}
	assert_int_equal(failures_of(f->u), 0);
	/*
	 * Under preferred, one that answers the silent probe, then wants
	 * verification without saying alwaysUv (fault-at=2: the second
	 * request) and has no PIN: the line says so, not counted.
	 */
	config(f, "fido2_uv = preferred\n");
	ctl("set", nopin, "fault=alwaysuv", "fault-at=2", (const char *)NULL);
	ui.pins = ui.touches = 0;
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_UV);
	assert_int_equal(ui.pins, 0);
	assert_int_equal(ui.touches, 1);
	assert_non_null(strstr(tu_log_buf, "(the key wants user "
	    "verification and has no PIN set)"));
	assert_int_equal(failures_of(f->u), 0);

	/* A key without alwaysUv, PIN set: a touch only, no PIN asked. */
	reopen(f, "carol");
	config(f, "");
	plain = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, plain);
	config(f, "fido2_uv = discouraged\n");
	c0 = mfa_cred_fido2_counter(cred_by_id(f->u, 1));
	ui.pins = ui.touches = 0;
	assert_int_equal(unlink(trace), 0);
	assert_int_equal(setenv("VFIDO_TRACE_INFO", trace, 1), 0);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(unsetenv("VFIDO_TRACE_INFO"), 0);
	/* Not even a round trip more than before. */
	assert_int_equal(getinfo_count(trace), 0);
	assert_int_equal(ui.pins, 0);
	assert_int_equal(ui.touches, 1);
	assert_true(mfa_cred_fido2_counter(cred_by_id(f->u, 1)) > c0);
	/*
	 * One that answers the silent probe, then wants verification
	 * all the same without saying alwaysUv (fault-at=2: the second
	 * request): refused, not counted, however often.
	 */
	for (i = 0; i < 6; i++) {
		ctl("set", plain, "fault=alwaysuv", "fault-at=2",
		    (const char *)NULL);
		ui.pins = ui.touches = 0;
		tu_log_reset();
		assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui,
		    NULL), MFA_ERR_UV);
		assert_int_equal(ui.pins, 0);
		assert_int_equal(ui.touches, 1);
		assert_non_null(strstr(tu_log_buf, "which fido2_uv = "
		    "discouraged does not ask for"));
	}
	assert_int_equal(failures_of(f->u), 0);
	free(trace);
	free(dev);
	free(nopin);
	free(plain);
}

/*
 * The key answers the silent probe, then vanishes during the touched
 * assertion (fault-at=2): a device error, nothing stored, not counted;
 * the key back, the next login works.
 */
/*
 * A rehearsal (after a wrong password): the same questions, but the PIN
 * is never sent, nothing is counted or written, a read-only handle
 * will do.
 */
static void
test_login_rehearse(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = "4321" };
	char		*dev, *other;
	uint64_t	 c0;
	unsigned	 id;
	int		 i;

	dev = mkdev(f, "--pin", PIN, NULL);
	id = enrol(f, dev);
	c0 = mfa_cred_fido2_counter(cred_by_id(f->u, id));
	mfa_user_free(&f->u);
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_READ,
	    &f->u), MFA_OK);
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_INVAL);
	assert_int_equal(mfa_user_fido2_login(f->u, 2, ui_cb, &ui, NULL),
	    MFA_ERR_INVAL);
	/* A wrong PIN three times: sent, the key would block it. */
	for (i = 0; i < 3; i++)
		assert_int_equal(mfa_user_fido2_login(f->u,
		    MFA_FIDO2_REHEARSE, ui_cb, &ui, NULL), MFA_ERR_STATE);
	assert_int_equal(ui.pins, 3);
	assert_int_equal(ui.touches, 3);
	/* A PIN no key takes, and someone else's key: not counted. */
	ui.pin = "12";
	assert_int_equal(mfa_user_fido2_login(f->u, MFA_FIDO2_REHEARSE,
	    ui_cb, &ui, NULL), MFA_ERR_BADPIN);
	other = mkdev(f, "--pin", PIN, NULL);
	plug(other, NULL);
	assert_int_equal(mfa_user_fido2_login(f->u, MFA_FIDO2_REHEARSE,
	    ui_cb, &ui, NULL), MFA_ERR_NOTFOUND);
	assert_int_equal(ui.pins, 4);
	reopen(f, "alice");
	assert_int_equal(failures_of(f->u), 0);
	assert_int_equal(mfa_cred_fido2_counter(cred_by_id(f->u, id)), c0);
	/* The real thing counts the other key, and logs in with hers. */
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTFOUND);
	assert_int_equal(failures_of(f->u), 1);
	plug(dev, NULL);
	ui.pin = PIN;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(failures_of(f->u), 0);
	free(dev);
	free(other);
}

/* Whether another process could take alice's lock. */
static int
alice_unlocked(struct fixture *f)
{
	char	path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/alice.state", f->store);
	return lock_free(path);
}

static int	unlocked_at_pin;

static void
check_unlocked(struct fixture *f)
{
	unlocked_at_pin += alice_unlocked(f);
}

/* At the PIN prompt, another login or mfactl changes alice's store. */
static void
remove_key(struct fixture *f)
{
	mfa_user_t	*h = NULL;

	/* Else the open below would wait for ever. */
	assert_true(alice_unlocked(f));
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &h),
	    MFA_OK);
	assert_int_equal(mfa_user_remove(h, 1), MFA_OK);
	mfa_user_free(&h);
}

static void
lock_out(struct fixture *f)
{
	mfa_user_t	*h = NULL;
	int		 i;

	/* Else the open below would wait for ever. */
	assert_true(alice_unlocked(f));
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &h),
	    MFA_OK);
	for (i = 0; i < 5; i++)
		(void)mfa_user_record_failure(h);
	assert_int_equal(mfa_user_lock_status(h, NULL, NULL), MFA_ERR_LOCKED);
	mfa_user_free(&h);
}

static void
add_totp(struct fixture *f)
{
	mfa_user_t	*h = NULL;
	unsigned	 id = 0;

	/* Else the open below would wait for ever. */
	assert_true(alice_unlocked(f));
	assert_int_equal(mfa_user_open(f->ctx, "alice", MFA_OPEN_WRITE, &h),
	    MFA_OK);
	assert_int_equal(mfa_user_totp_add(h, "phone", NULL, -1, 0, &id,
	    NULL), MFA_OK);
	mfa_user_free(&h);
}

/* The user takes ten minutes to type the PIN. */
static void
slow_pin(struct fixture *f)
{
	(void)f;
	tu_now += 700;
}

/*
 * A failure after a long PIN prompt counts from its own time: the lock
 * lasts lockout_time from it (were it dated from the start of the
 * login, logins left waiting at the prompt would find it over), and a
 * success is dated when it happens.
 */
static void
test_login_slow_pin(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = "4321", .hook = slow_pin };
	int64_t		 until = 0;
	char		*dev;
	unsigned	 id;

	dev = mkdev(f, "--pin", PIN, NULL);
	id = enrol(f, dev);
	config(f, "lockout_attempts = 1\nlockout_time = 600\n");
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADPIN);
	assert_int_equal(mfa_user_lock_status(f->u, &until, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(until, tu_now + 600);
	assert_int_equal(mfa_user_unlock(f->u), MFA_OK);
	ui.pin = PIN;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(mfa_cred_last_used(cred_by_id(f->u, id)), tu_now);
	free(dev);
}

/*
 * The lock is let go while the PIN is asked and taken again before the
 * key is: what changed meanwhile is seen, and the handle comes back up
 * to date.
 */
static void
test_login_relock(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN, .f = *state };
	char		*dev;

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	/* Not locked while the PIN is asked; locked again on return. */
	ui.hook = check_unlocked;
	unlocked_at_pin = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(unlocked_at_pin, 1);
	assert_false(alice_unlocked(f));
	/* Another change meanwhile: kept, and the login goes on. */
	ui.hook = add_totp;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(mfa_user_cred_count(f->u), 2);
	reopen(f, "alice");
	assert_int_equal(mfa_user_cred_count(f->u), 2);
	/* Locked out meanwhile: the key is not asked. */
	ui.hook = lock_out;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(mfa_user_lock_status(f->u, NULL, NULL),
	    MFA_ERR_LOCKED);
	assert_int_equal(mfa_user_unlock(f->u), MFA_OK);
	/* The key removed meanwhile: no login with it, nothing counted. */
	ui.hook = remove_key;
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTENROLLED);
	assert_non_null(strstr(tu_log_buf, "the credential was removed "
	    "during the login"));
	assert_int_equal(mfa_user_cred_count(f->u), 1);
	assert_int_equal(failures_of(f->u), 0);
	free(dev);
}

/*
 * Registering a key: not locked while the PIN is asked, and what
 * changed meanwhile is kept.
 */
static void
test_enrol_relock(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN, .f = *state };
	char		*dev, *dev2;
	unsigned	 id = 0;

	dev = mkdev(f, "--pin", PIN, NULL);
	dev2 = mkdev(f, "--pin", PIN, NULL);
	plug(dev, NULL);
	ui.hook = check_unlocked;
	unlocked_at_pin = 0;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, "yubi", ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(unlocked_at_pin, 1);
	assert_false(alice_unlocked(f));
	plug(dev2, NULL);
	ui.hook = add_totp;
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, "yubi2", ui_cb, &ui,
	    &id), MFA_OK);
	assert_int_equal(mfa_user_cred_count(f->u), 3);
	reopen(f, "alice");
	assert_int_equal(mfa_user_cred_count(f->u), 3);
	free(dev);
	free(dev2);
}

static void
test_login_vanish_touch(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	uint64_t	 c;
	char		*dev;

	dev = mkdev(f, "--pin", PIN, NULL);
	(void)enrol(f, dev);
	c = mfa_cred_fido2_counter(cred_by_id(f->u, 1));
	ctl("set", dev, "fault=vanish", "fault-at=2", (const char *)NULL);
	tu_log_reset();
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_DEVICE);
	/* It got as far as the touch: the probe went through. */
	assert_int_equal(ui.touches, 1);
	assert_non_null(strstr(tu_log_buf, "fido2 login failed on vfido "
	    "virtual authenticator, key 'yubi'"));
	assert_null(strstr(tu_log_buf, "probe:"));
	assert_int_equal(mfa_cred_fido2_counter(cred_by_id(f->u, 1)), c);
	assert_int_equal(failures_of(f->u), 0);
	/* Back again (the fault was for the 2nd assertion only). */
	reopen(f, "alice");
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_true(mfa_cred_fido2_counter(cred_by_id(f->u, 1)) > c);
	free(dev);
}

/*
 * A U2F-only key (CTAP1: no CBOR, no PIN), as pam_u2f users migrate
 * with, under fido2_uv = preferred: it registers (fido-u2f attestation
 * with its certificate) and logs in with a touch.  libfido2 answers the
 * silent probe of such a key with FIDO_ERR_USER_PRESENCE_REQUIRED when
 * it holds one of the credentials: that is a yes, not an error.
 */
static void
test_login_u2f(void **state)
{
	struct fixture	*f = *state;
	struct ui	 ui = { .pin = PIN };
	uint64_t	 c0;
	unsigned	 id = 0, cid = 0;
	char		*dev, *other;

	config(f, "fido2_uv = preferred\n");
	dev = mkdev(f, "--protocol", "u2f", "--attestation", "x5c",
	    "--ca-key", ca1_key, "--ca-cert", ca1_cert, NULL);
	plug(dev, NULL);
	if (mfa_user_fido2_add(f->u, NULL, "u2f", ui_cb, &ui, &id) != MFA_OK)
		fail_msg("u2f enrol: %s", tu_log_buf);
	assert_non_null(strstr(tu_log_buf, "es256, aaguid "
	    "00000000000000000000000000000000, certificate attestation)"));
	c0 = mfa_cred_fido2_counter(cred_by_id(f->u, id));
	reopen(f, "alice");
	tu_log_reset();
	ui.pins = ui.touches = 0;
	if (mfa_user_fido2_verify(f->u, ui_cb, &ui, &cid) != MFA_OK)
		fail_msg("u2f login: %s", tu_log_buf);
	assert_int_equal(cid, id);
	assert_int_equal(ui.pins, 0);
	assert_int_equal(ui.touches, 1);
	assert_null(strstr(tu_log_buf, "probe:"));
	assert_true(mfa_cred_fido2_counter(cred_by_id(f->u, id)) > c0);
	/* Behind a CTAP2 key that is not hers: found all the same. */
	other = mkdev(f, "--pin", PIN, NULL);
	plug(other, dev, NULL);
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_OK);
	assert_int_equal(ui.pins + ui.touches, 1);
	/* A bad signature from it is still refused and counted. */
	plug(dev, NULL);
	ctl("set", dev, "fault=badsig", (const char *)NULL);
	tu_log_reset();
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_BADSIG);
	assert_non_null(strstr(tu_log_buf, "assertion does not verify"));
	assert_int_equal(failures_of(f->u), 1);
	ctl("set", dev, "fault=none", (const char *)NULL);
	/* The same key again for her: its exclude list refuses it. */
	assert_int_equal(mfa_user_fido2_add(f->u, NULL, "again", ui_cb, &ui,
	    &id), MFA_ERR_EXCLUDED);
	/* Someone else's login with it: not theirs, no touch asked. */
	reopen(f, "bob");
	(void)enrol(f, other);
	plug(dev, NULL);
	ui.pins = ui.touches = 0;
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTFOUND);
	assert_int_equal(ui.pins + ui.touches, 0);
	free(dev);
	free(other);
}

/* ---- pam_u2f import ------------------------------------------------- */

/* base64 of p[0..len) (websafe, without padding: pamu2fcfg 1.0.x). */
static char *
b64(const unsigned char *p, size_t len, int websafe)
{
	char	*s, *q;

	assert_non_null(s = calloc(1, 4 * ((len + 2) / 3) + 1));
	(void)EVP_EncodeBlock((unsigned char *)s, p, (int)len);
	if (websafe) {
		for (q = s; *q != '\0'; q++)
			if (*q == '+')
				*q = '-';
			else if (*q == '/')
				*q = '_';
		if ((q = strchr(s, '=')) != NULL)
			*q = '\0';
	}
	return s;
}

/*
 * What pamu2fcfg writes for user after registering the only plugged
 * key for rp (alg, pin if not NULL): the FIDO2 form of pam_u2f 1.1 and
 * later ("user:" base64 credential id, base64 public key as libfido2
 * gives it, COSE type, options), or with old the U2F form of pamu2fcfg
 * 1.0.x (websafe base64 key handle, hex 0x04||x||y).
 */
static char *
pamu2fcfg(const char *user, const char *rp, int alg, const char *pin,
    int old, const char *opts)
{
	fido_dev_info_t		*di;
	fido_dev_t		*dev;
	fido_cred_t		*cred;
	unsigned char		 cdh[32] = { 1, 2, 3 };
	const unsigned char	*pk;
	char			*kh, *pks, *line;
	size_t			 n = 0, i, pklen;

	assert_non_null(di = fido_dev_info_new(4));
	assert_int_equal(fido_dev_info_manifest(di, 4, &n), FIDO_OK);
	assert_int_equal(n, 1);
	assert_non_null(dev = fido_dev_new());
	assert_int_equal(fido_dev_open(dev,
	    fido_dev_info_path(fido_dev_info_ptr(di, 0))), FIDO_OK);
	assert_non_null(cred = fido_cred_new());
	assert_int_equal(fido_cred_set_type(cred, alg), FIDO_OK);
	assert_int_equal(fido_cred_set_rp(cred, rp, rp), FIDO_OK);
	assert_int_equal(fido_cred_set_user(cred, (const unsigned char *)user,
	    strlen(user), user, user, NULL), FIDO_OK);
	assert_int_equal(fido_cred_set_clientdata_hash(cred, cdh,
	    sizeof(cdh)), FIDO_OK);
	if (fido_dev_make_cred(dev, cred, pin) != FIDO_OK)
		fail_msg("pamu2fcfg: make_cred");
	kh = b64(fido_cred_id_ptr(cred), fido_cred_id_len(cred), old);
	pk = fido_cred_pubkey_ptr(cred);
	pklen = fido_cred_pubkey_len(cred);
	if (old) {
		assert_int_equal(pklen, 64);
		assert_non_null(pks = calloc(1, 2 * 65 + 1));
		memcpy(pks, "04", 2);
		for (i = 0; i < pklen; i++)
			(void)snprintf(pks + 2 + 2 * i, 3, "%02x", pk[i]);
		assert_true(asprintf(&line, "%s:%s,%s", user, kh, pks) > 0);
	} else {
		pks = b64(pk, pklen, 0);
		assert_true(asprintf(&line, "%s:%s,%s,%s,%s", user, kh, pks,
		    alg == COSE_ES256 ? "es256" : alg == COSE_EDDSA ?
		    "eddsa" : "rs256", opts) > 0);
	}
	free(kh);
	free(pks);
	fido_cred_free(&cred);
	fido_dev_close(dev);
	fido_dev_free(&dev);
	fido_dev_info_free(&di, 4);
	return line;
}

/* Imports line for its user (the fixture's user after) as unattested. */
static unsigned
import_u2f(struct fixture *f, const char *line, size_t nkeys)
{
	mfa_import_t	*imp;
	unsigned	 id = 0, first = 0;
	size_t		 i;

	assert_non_null(imp = mfa_import_new());
	if (mfa_import_parse(imp, MFA_IMPORT_PAM_U2F, line, strlen(line)) !=
	    MFA_OK)
		fail_msg("parse %s: %s", line, mfa_import_why(imp, NULL));
	assert_int_equal(mfa_import_count(imp), nkeys);
	reopen(f, mfa_import_user(imp));
	for (i = 0; i < nkeys; i++) {
		if (mfa_user_import(f->u, imp, i, NULL,
		    MFA_IMPORT_UNATTESTED, &id) != MFA_OK)
			fail_msg("import %s: %s", line, tu_log_buf);
		if (first == 0)
			first = id;
	}
	mfa_import_free(&imp);
	return first;
}

/* f's user logs in with the plugged key, with credential id. */
static void
login_as(struct fixture *f, const char *user, unsigned id, int pins)
{
	struct ui	ui = { .pin = PIN };
	unsigned	cid = 0;

	reopen(f, user);
	tu_log_reset();
	if (mfa_user_fido2_verify(f->u, ui_cb, &ui, &cid) != MFA_OK)
		fail_msg("%s: login: %s", user, tu_log_buf);
	assert_int_equal(cid, id);
	assert_int_equal(ui.pins, pins);
	assert_int_equal(ui.touches, 1);
}

/*
 * Keys registered by pamu2fcfg (here: the same libfido2 calls) for
 * pam_u2f's default origin, imported from the line it printed, log in
 * under the same RP ID: FIDO2 keys of each algorithm with the PIN, a
 * U2F-only key in both the FIDO2 form and the old U2F form, and two
 * keys on one line.  Under another RP ID none does.
 */
static void
test_import_pam_u2f(void **state)
{
	struct fixture	*f = *state;
	static const struct {
		int		 alg;
		const char	*name;
	} algs[] = {
		{ COSE_ES256, "es256" }, { COSE_EDDSA, "eddsa" },
		{ COSE_RS256, "rs256" },
	};
	struct ui	 ui = { .pin = PIN };
	char		*dev, *u2f, *line, *l2, *both, user[16];
	unsigned	 id, id2;
	size_t		 i;

	config(f, "fido2_rp_id = pam://terminal1\n");
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		dev = mkdev(f, "--pin", PIN, "--alg", algs[i].name, NULL);
		plug(dev, NULL);
		(void)snprintf(user, sizeof(user), "user%zu", i);
		line = pamu2fcfg(user, "pam://terminal1", algs[i].alg, PIN, 0,
		    "+presence+pin");
		id = import_u2f(f, line, 1);
		login_as(f, user, id, 1);
		free(line);
		free(dev);
	}

	/* A U2F-only key: the FIDO2 form, then the old form. */
	config(f, "fido2_rp_id = pam://terminal1\nfido2_uv = preferred\n");
	u2f = mkdev(f, "--protocol", "u2f", "--attestation", "x5c",
	    "--ca-key", ca1_key, "--ca-cert", ca1_cert, NULL);
	plug(u2f, NULL);
	line = pamu2fcfg("carol", "pam://terminal1", COSE_ES256, NULL, 0,
	    "+presence");
	id = import_u2f(f, line, 1);
	login_as(f, "carol", id, 0);
	free(line);
	line = pamu2fcfg("dave", "pam://terminal1", COSE_ES256, NULL, 1,
	    NULL);
	id = import_u2f(f, line, 1);
	login_as(f, "dave", id, 0);

	/* Two keys on one line: each logs in as its own credential. */
	dev = mkdev(f, "--alg", "es256", NULL);
	plug(dev, NULL);
	l2 = pamu2fcfg("erin", "pam://terminal1", COSE_ES256, NULL, 0,
	    "+presence");
	assert_true(asprintf(&both, "erin:%s:%s", strchr(line, ':') + 1,
	    strchr(l2, ':') + 1) > 0);
	id = import_u2f(f, both, 2);
	id2 = id + 1;
	login_as(f, "erin", id2, 0);
	plug(u2f, NULL);
	login_as(f, "erin", id, 0);

	/* Another RP ID: the key does not know the credential. */
	config(f, "fido2_rp_id = pam://terminal2\nfido2_uv = preferred\n");
	reopen(f, "dave");
	assert_int_equal(mfa_user_fido2_verify(f->u, ui_cb, &ui, NULL),
	    MFA_ERR_NOTFOUND);
	free(line);
	free(l2);
	free(both);
	free(dev);
	free(u2f);
}

static int
group_setup(void **state)
{
	(void)state;
	if (mkdtemp(tmp) == NULL)
		return -1;
	assert_true(asprintf(&ca1_key, "%s/ca1.key", tmp) > 0);
	assert_true(asprintf(&ca1_cert, "%s/ca1.pem", tmp) > 0);
	assert_true(asprintf(&ca2_key, "%s/ca2.key", tmp) > 0);
	assert_true(asprintf(&ca2_cert, "%s/ca2.pem", tmp) > 0);
	ctl("ca", ca1_key, ca1_cert, (const char *)NULL);
	ctl("ca", ca2_key, ca2_cert, (const char *)NULL);
	return 0;
}

static int
group_teardown(void **state)
{
	char	*cmd;

	(void)state;
	if (asprintf(&cmd, "rm -rf '%s'", tmp) > 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmp);
		free(cmd);
	}
	free(ca1_key);
	free(ca1_cert);
	free(ca2_key);
	free(ca2_cert);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enrol_self, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_x5c_ca, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_attestation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_aaguid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_uv, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_discouraged_pin,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_enrol_uv_blocked_midway,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_enrol_no_device, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_touch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_eddsa, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_eddsa_x5c, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_pin, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_touch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_list_reuse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_counter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_wrong_creds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_lockout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_faults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_faults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_always_uv, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_always_uv_discouraged,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_hostile_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_vanish_touch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_rehearse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_relock, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enrol_relock, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_u2f, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_slow_pin, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_pam_u2f, setup,
		    teardown),
	};
	const char	*pre = getenv("LD_PRELOAD"), *asan;
	char		*env;

	(void)argc;
	tu_require_root();
	if (access(VFIDO_PRELOAD_SO, R_OK) != 0 ||
	    access(VFIDO_CTL, X_OK) != 0) {
		fprintf(stderr, "%s or %s: not built\n", VFIDO_PRELOAD_SO,
		    VFIDO_CTL);
		return 99;
	}
	/* Run under the shim, as pam_mfa and mfactl are in the tests. */
	if (getenv("TEST_FIDO2_PRELOADED") == NULL) {
		if (asprintf(&env, "%s%s%s", VFIDO_PRELOAD_SO,
		    pre != NULL ? " " : "", pre != NULL ? pre : "") < 0 ||
		    setenv("LD_PRELOAD", env, 1) != 0 ||
		    setenv("TEST_FIDO2_PRELOADED", "1", 1) != 0)
			return 99;
		/* Sanitizer builds: the shim comes before libasan. */
		asan = getenv("ASAN_OPTIONS");
		if (asprintf(&env, "%s%sverify_asan_link_order=0",
		    asan != NULL ? asan : "", asan != NULL ? ":" : "") < 0 ||
		    setenv("ASAN_OPTIONS", env, 1) != 0)
			return 99;
		execv("/proc/self/exe", argv);
		perror("execv");
		return 99;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
