/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared helpers of the cmocka unit tests. */
#ifndef TESTS_UNIT_UTIL_H
#define TESTS_UNIT_UTIL_H

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "internal.h"

/* The injected clock: tests set tu_now and the library reads it. */
extern int64_t tu_now;
int64_t tu_clock(void *arg);

/*
 * Creates a fresh root-owned 0700 store directory under $TMPDIR (or
 * /tmp); returns a malloc'd path.  Fails the test on error.
 */
char *tu_mkstore(void);
/* Removes a directory tree made by tu_mkstore(); frees path. */
void tu_rmstore(char *path);
/* A context with the built-in defaults, store dir and tu_clock. */
mfa_ctx_t *tu_ctx(const char *store);
/* Writes a file (mode) atomically enough for tests; fails the test. */
void tu_write(const char *path, const void *data, size_t len, mode_t mode);
/* Reads a whole file into a NUL-terminated malloc'd buffer. */
char *tu_read(const char *path, size_t *len);
/* Returns a malloc'd "dir/name". */
char *tu_path(const char *dir, const char *name);
/* Log handler that appends to tu_log_buf (cleared by tu_log_reset). */
void tu_log(void *arg, int priority, const char *msg);
extern char tu_log_buf[8192];
void tu_log_reset(void);
/* Skips the whole test program (exit 77) unless running as root. */
void tu_require_root(void);

#endif
