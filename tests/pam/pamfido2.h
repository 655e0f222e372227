/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the PAM-level FIDO2 test programs (test_pam_fido2.c,
 * test_pam_fido2b.c): keys made and changed with vfido-ctl, connected
 * through VFIDO_STATE, registered with the public API as mfactl does;
 * the config, the dialogue strings and the per-test fixture.
 */
#ifndef PAMFIDO2_H
#define PAMFIDO2_H

#include <stddef.h>
#include <stdint.h>

#include "pamtest.h"
#include "../vfidoctl.h"

#define PIN		"4711"
#define WRONG_PIN	"1174"
#define DESC		"vfido virtual authenticator"
#define Q_PASSWORD	"? " PROMPT_PASSWORD
#define Q_PIN		"? PIN for " DESC ": "
#define I_TOUCH		"i Touch your security key (" DESC ")."
#define Q_CODE		"? " PROMPT_CODE
#define CONFIG_KEYS	"fido2_rp_id = pam://mfa-test\nfido2_timeout = 1\n"
/*
 * Without recovery codes, so that a failed key ends "password AND
 * fido2" logins; test_recovery_no_key and test_pam_recovery.c have the
 * recovery code prompt.
 */
#define CONFIG		CONFIG_KEYS "recovery = no\n"
#define AUDIT(user, factors, result, reason) \
	"user=" user " service=mfa rhost=- tty=- factors=" factors \
	" result=" result " reason=" reason

/*
 * A new key in the test's store; with_pin: its PIN is PIN; alg: its
 * only algorithm ("es256", "eddsa", "rs256"; NULL: vfido's default).
 */
char *mkkey(int with_pin, const char *alg);
/*
 * A new key with built-in user verification (a fingerprint enrolled,
 * vfido-ctl --uv on); with_pin: its PIN is PIN as well.
 */
char *mkkey_uv(int with_pin);
/* Connects this key (NULL: none). */
void plug(const char *dev);
/*
 * Registers dev for user with the public API, as mfactl does; the
 * library's log lines go to *log (malloc'd) when log is not NULL.
 */
int enrol_key_log(const char *user, const char *dev, char **log);
/* The same; *pins: how often the PIN was asked for. */
int enrol_key_pins(const char *user, const char *dev, char **log,
    int *pins);
/* The same; must succeed. */
void enrol_key(const char *user, const char *dev);
/* A new key with the PIN, registered for ALICE and left connected. */
char *alice_key(void);
/*
 * The user's failure count, the counter of the key and its algorithm
 * (alglen 0: not wanted).
 */
void user_status(const char *user, unsigned *failures, uint64_t *counter,
    char *alg, size_t alglen);
/* Writes CONFIG with "require = require". */
void config(const char *require);
/* Three answers: password, PIN, code. */
void answers3(struct conv *cv, const char *a0, const char *a1,
    const char *a2);
/* No secret in the dialogue or the log, no PIN in the log. */
void assert_clean(const struct conv *cv);
/* cmocka fixture: a fresh store, "password AND fido2", no key. */
int fido2_setup(void **state);
int fido2_teardown(void **state);

#endif
