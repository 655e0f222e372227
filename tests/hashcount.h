/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Counts the password hashes libcrypt computes in the test program
 * (hashcount.c), so that a test can show that two logins do the same
 * hash work without timing them.
 */
#ifndef HASHCOUNT_H
#define HASHCOUNT_H

/* Hashes computed (crypt_rn() calls) since the last reset. */
unsigned hash_count(void);
void hash_count_reset(void);

#endif /* HASHCOUNT_H */
