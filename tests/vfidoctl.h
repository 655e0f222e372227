/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vfido-ctl from the cmocka test programs that drive tests/vfido's
 * software authenticator (tests/unit/test_fido2_vfido.c and the
 * PAM-level FIDO2 tests): the program is VFIDO_CTL, set by the build.
 */
#ifndef VFIDOCTL_H
#define VFIDOCTL_H

/*
 * Runs vfido-ctl with the NULL-terminated arguments (at most 14), with
 * LD_PRELOAD removed; the test fails unless it exits 0.
 */
void ctl(const char *arg, ...);

#endif
