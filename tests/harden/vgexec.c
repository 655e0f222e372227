/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only LD_PRELOAD shim for `make valgrind`: under valgrind,
 * /proc/self/exe names valgrind's tool, not the program, so a test that
 * re-executes itself with execv("/proc/self/exe", ...) (as
 * tests/pam/test_pam_mfa does to get pam_wrapper preloaded) would start
 * valgrind's tool as a client.  readlink() on it is answered by valgrind
 * with the program's path: exec that instead.
 */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

int execv(const char *, char *const[]);
int execve(const char *, char *const[], char *const[]);

typedef int execve_fn(const char *, char *const[], char *const[]);

int
execve(const char *path, char *const argv[], char *const envp[])
{
	static execve_fn *real;
	char self[PATH_MAX];
	ssize_t n;

	if (real == NULL &&
	    (real = (execve_fn *)(uintptr_t)dlsym(RTLD_NEXT, "execve")) ==
	    NULL)
		return -1;
	if (strcmp(path, "/proc/self/exe") == 0 &&
	    (n = readlink(path, self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		return real(self, argv, envp);
	}
	return real(path, argv, envp);
}

int
execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}
