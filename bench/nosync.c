/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark diagnostic (bench/README.md), never installed and never
 * used by the tests: preloaded into the driver for the "without
 * fdatasync" rows, it makes fdatasync(2) return at once, so that the
 * difference to the normal rows is what pam_mfa's durable state write
 * costs on the machine's disk.  pam_mfa syncs its state with
 * fdatasync() and nothing else in a login calls it (the virtual FIDO2
 * key of tests/vfido uses fsync(), which stays real).  Not a setting:
 * without the sync a crash can lose an accepted time step or a
 * signature counter.
 */
int	fdatasync(int);

int
fdatasync(int fd)
{
	(void)fd;
	return 0;
}
