/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the vfido cmocka tests. */
#ifndef TESTS_VFIDO_TESTUTIL_H
#define TESTS_VFIDO_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vfido_int.h"

/* Paths of the test CA and of a second, unrelated CA. */
extern char vt_ca_key[256], vt_ca_cert[256];
extern char vt_ca2_key[256], vt_ca2_cert[256];

struct devopt {
	bool		 x5c;
	const char	*pin;
	enum vfido_touch touch;
	enum vfido_fault fault;
	unsigned int	 retries;
	bool		 uv;		/* built-in UV, a finger enrolled */
};

/* Makes the scratch directory and both CAs; -1 on failure. */
int	 vt_setup(void);
/* Removes the scratch directory. */
void	 vt_teardown(void);
/* Creates a device state file; returns its malloc'd path. */
char	*vt_mkdev(const struct devopt *);
/* VFIDO_STATE = a[:b] */
void	 vt_set_devices(const char *, const char *);
/* Changes one setting of a device, as `vfido-ctl set` does. */
void	 vt_set_state(const char *, const char *, const char *);
uint32_t vt_state_counter(const char *);

#endif
