/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vfido: a software FIDO2 authenticator for the tests.  It speaks
 * CTAPHID over 64-byte reports and CTAP2 CBOR, and is attached to the
 * real libfido2 through its documented I/O hooks (fido_dev_io_t).
 *
 * A device is a state file; VFIDO_STATE holds a ':'-separated list of
 * state files and "vfido:N" names the N-th one (N from 0).
 */
#ifndef TESTS_VFIDO_VFIDO_H
#define TESTS_VFIDO_VFIDO_H

#include <stddef.h>

#define VFIDO_ENV		"VFIDO_STATE"
#define VFIDO_PATH_PREFIX	"vfido:"
#define VFIDO_MANUFACTURER	"pam_mfa tests"
#define VFIDO_PRODUCT		"vfido virtual authenticator"

/*
 * libfido2 I/O hooks (fido_dev_io_t).  open takes "vfido:N" and returns
 * NULL if VFIDO_STATE has no N-th entry; read returns one 64-byte report
 * or -1 when nothing is waiting (after waiting up to ms when the device
 * "waits for a touch" that never comes); write takes a 64-byte report,
 * optionally preceded by a zero report ID, and returns its length or -1.
 */
void	*vfido_io_open(const char *path);
void	 vfido_io_close(void *handle);
int	 vfido_io_read(void *handle, unsigned char *buf, size_t len, int ms);
int	 vfido_io_write(void *handle, const unsigned char *buf, size_t len);

/* Number of devices listed in VFIDO_STATE (0 when unset or empty). */
size_t	 vfido_ndevices(void);

/*
 * Copies the state file of device idx into buf (NUL-terminated);
 * returns 0, or -1 if there is no such device or buf is too small.
 */
int	 vfido_device_file(size_t idx, char *buf, size_t len);

#endif
