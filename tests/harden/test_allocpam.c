/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Allocation failures through PAM: a login that succeeds (right password
 * and code) is repeated with the Nth allocation made on behalf of
 * pam_mfa.so or libmfa.so failing (tests/harden/failalloc.c preloaded),
 * N = 1, 2, ... until a run needs no more than N - 1 allocations, which
 * must succeed.  Every run with a failed allocation must deny
 * (PAM_BUF_ERR, PAM_AUTH_ERR or PAM_SERVICE_ERR, never PAM_SUCCESS),
 * write one audit line, and not crash.  The clock moves one step per
 * run so that every run has a fresh code.  Skipped under the
 * sanitizers (their allocator comes first): tests/harden/test_alloc
 * covers the library there.
 */
#include "config.h"

#include <dlfcn.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "mfa.h"
#include "hpam.h"

#define MAX_RUNS	5000

typedef void arm_fn(long);
typedef long disarm_fn(int *);

int
main(int argc, char **argv)
{
	struct hp_totp t;
	struct hp_conv cv;
	struct pam_conv pc = { hp_conv_fn, &cv };
	pam_handle_t *ph;
	arm_fn *arm;
	disarm_fn *disarm;
	const char *san;
	char *store, code[7], reason[64];
	long n, seen = 0;
	int64_t base;
	int rc, fired, bad = 0, nbuf = 0, nauth = 0, nserv = 0, done = 0;

	san = getenv("MFA_SAN_PRELOAD");
	if (san != NULL && *san != '\0') {
		printf("SKIP: the sanitizers' allocator cannot be "
		    "interposed\n");
		return 77;
	}
	hp_start(argc, argv, HP_PAM_BIND, HZ_FAILALLOC_SO);
	if ((arm = (arm_fn *)(uintptr_t)dlsym(RTLD_DEFAULT,
	    "hz_failalloc_arm")) == NULL ||
	    (disarm = (disarm_fn *)(uintptr_t)dlsym(RTLD_DEFAULT,
	    "hz_failalloc_disarm")) == NULL)
		hp_die("failalloc not preloaded");
	store = hp_mkstore();
	hp_write_config(store, "lockout_attempts = 0\n");
	base = (hp_now() / HP_PERIOD) * HP_PERIOD;
	hp_clock_set(base);
	hp_enrol(store, hp_user(0), &t, 1);
	/*
	 * glibc (2.36) dereferences a NULL state when the allocation of
	 * its process-wide NSS state fails (__nss_database_get does not
	 * check allocate_once()), so that one must not be failed: every
	 * login program has looked a user up before PAM runs anyway.
	 */
	if (getpwnam(hp_user(0)) == NULL)
		hp_die("getpwnam");

	for (n = 1; n <= MAX_RUNS && !done; n++) {
		hp_clock_set(base + n * HP_PERIOD);
		hp_code(&t, (uint64_t)(base / HP_PERIOD + n), code);
		hp_conv_set(&cv, hp_password(0), code);
		hp_log_reset();
		ph = NULL;
		if (pam_start(HP_SERVICE, hp_user(0), &pc, &ph) !=
		    PAM_SUCCESS)
			hp_die("pam_start");
		arm(n);
		rc = pam_authenticate(ph, 0);
		seen = disarm(&fired);
		(void)pam_end(ph, rc);
		hp_log_drain();
		(void)hp_audit_reason(HP_SERVICE, reason, sizeof(reason));
		if (!fired) {
			done = 1;
			if (rc != PAM_SUCCESS) {
				printf("FAIL: no allocation failed, yet %s "
				    "(%s)\n", pam_strerror(NULL, rc), reason);
				bad++;
			}
			break;
		}
		switch (rc) {
		case PAM_BUF_ERR:
			nbuf++;
			break;
		case PAM_AUTH_ERR:
			nauth++;
			break;
		case PAM_SERVICE_ERR:
			nserv++;
			break;
		default:
			printf("FAIL: allocation %ld failed: %s (%s)\n", n,
			    pam_strerror(NULL, rc), reason);
			bad++;
		}
		if (hp_audit_count("failure") != 1) {
			printf("FAIL: allocation %ld failed: %d failure "
			    "audit lines\n%s", n, hp_audit_count("failure"),
			    hp_log());
			bad++;
		}
	}
	hp_clock_real();
	if (!done) {
		printf("FAIL: still failing after %d runs\n", MAX_RUNS);
		bad++;
	}
	printf("# PAM login with allocation N failing: %ld allocations on "
	    "behalf of the module; %ld runs denied (PAM_BUF_ERR %d, "
	    "PAM_AUTH_ERR %d, PAM_SERVICE_ERR %d), %d wrong\n", seen,
	    n - 1, nbuf, nauth, nserv, bad);
	hp_rmtree(store);
	free(store);
	return hp_finish() != 0 || bad != 0 ? 1 : 0;
}
