/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whether a store's lock is free, for the cmocka tests that check that
 * no lock is held while a person is asked something.
 */
#ifndef LOCKPROBE_H
#define LOCKPROBE_H

/*
 * 1 when another process could take a write lock on the file at path
 * now, 0 when a lock is held on it (by this process or another): a
 * child asks the kernel (F_GETLK), which does not count the asking
 * process's own POSIX locks.  The test fails if the child cannot ask.
 */
int lock_free(const char *path);

#endif
