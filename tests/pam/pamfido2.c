/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the PAM-level FIDO2 test programs; see pamfido2.h. */
#include "config.h"

#include <sys/stat.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mfa.h"
#include "pamfido2.h"

static int nkeys;

char *
mkkey(int with_pin, const char *alg)
{
	const char *opt[5] = { NULL };
	char *path;
	int n = 0;

	assert_true(asprintf(&path, "%s/key%d", store, nkeys++) > 0);
	if (with_pin) {
		opt[n++] = "--pin";
		opt[n++] = PIN;
	}
	if (alg != NULL) {
		opt[n++] = "--alg";
		opt[n++] = alg;
	}
	ctl("init", path, opt[0], opt[1], opt[2], opt[3], (const char *)NULL);
	return path;
}

char *
mkkey_uv(int with_pin)
{
	char *path;

	assert_true(asprintf(&path, "%s/key%d", store, nkeys++) > 0);
	if (with_pin)
		ctl("init", path, "--uv", "on", "--pin", PIN,
		    (const char *)NULL);
	else
		ctl("init", path, "--uv", "on", (const char *)NULL);
	return path;
}

void
plug(const char *dev)
{
	assert_int_equal(setenv("VFIDO_STATE", dev != NULL ? dev : "", 1),
	    0);
}

/* The PIN prompt, counted in *arg (an int). */
static int
ui_cb(void *arg, int what, const char *desc, char **answer)
{
	int *pins = arg;

	(void)desc;
	if (what != MFA_UI_PIN)
		return 0;
	(*pins)++;
	return (*answer = strdup(PIN)) == NULL ? MFA_ERR_NOMEM : 0;
}

/* The library's log lines of an enrolment, as mfactl prints them. */
static void
log_cb(void *arg, int priority, const char *msg)
{
	char **buf = arg;
	char *n;

	(void)priority;
	if (asprintf(&n, "%s%s\n", *buf != NULL ? *buf : "", msg) < 0)
		return;
	free(*buf);
	*buf = n;
}

int
enrol_key_log(const char *user, const char *dev, char **log)
{
	int pins;

	return enrol_key_pins(user, dev, log, &pins);
}

int
enrol_key_pins(const char *user, const char *dev, char **log, int *pins)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	unsigned id = 0;
	int r;

	*pins = 0;
	plug(dev);
	assert_non_null(ctx = mfa_ctx_new());
	if (log != NULL)
		mfa_ctx_set_log(ctx, log_cb, log);
	assert_int_equal(mfa_ctx_load_config(ctx, conf_path), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, user, MFA_OPEN_WRITE |
	    MFA_OPEN_CREATE, &u), MFA_OK);
	r = mfa_user_fido2_add(u, NULL, "yubi", ui_cb, pins, &id);
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return r;
}

void
enrol_key(const char *user, const char *dev)
{
	int r;

	if ((r = enrol_key_log(user, dev, NULL)) != MFA_OK)
		fail_msg("mfa_user_fido2_add: %s", mfa_strerror(r));
}

char *
alice_key(void)
{
	char *dev = mkkey(1, NULL);

	enrol_key(ALICE, dev);
	return dev;
}

void
user_status(const char *user, unsigned *failures, uint64_t *counter,
    char *alg, size_t alglen)
{
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	const mfa_cred_t *c;
	size_t i;

	assert_non_null(ctx = mfa_ctx_new());
	assert_int_equal(mfa_ctx_load_config(ctx, conf_path), MFA_OK);
	assert_int_equal(mfa_user_open(ctx, user, MFA_OPEN_READ, &u),
	    MFA_OK);
	(void)mfa_user_lock_status(u, NULL, failures);
	*counter = 0;
	if (alglen > 0)
		alg[0] = '\0';
	for (i = 0; i < mfa_user_cred_count(u); i++) {
		c = mfa_user_cred(u, i);
		if (mfa_cred_type(c) != MFA_CRED_FIDO2)
			continue;
		*counter = mfa_cred_fido2_counter(c);
		if (alglen > 0)
			(void)snprintf(alg, alglen, "%s",
			    mfa_cred_fido2_algorithm(c));
	}
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
}

void
config(const char *require)
{
	char text[512];

	(void)snprintf(text, sizeof(text), "%srequire = %s\n", CONFIG,
	    require);
	write_config(text);
}

void
answers3(struct conv *cv, const char *a0, const char *a1, const char *a2)
{
	conv_answers(cv, a0, a1);
	cv->answers[2] = a2;
}

void
assert_clean(const struct conv *cv)
{
	assert_no_secrets(cv, NULL);
	assert_false(log_has_secret(PIN));
	assert_false(log_has_secret(WRONG_PIN));
}

int
fido2_setup(void **state)
{
	(void)state;
	if (store_new() != 0)
		return -1;
	config("password AND fido2");
	plug(NULL);
	return 0;
}

int
fido2_teardown(void **state)
{
	(void)state;
	store_remove();
	return 0;
}
