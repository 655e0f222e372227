/* SPDX-License-Identifier: BSD-2-Clause */
/* See vfidoctl.h. */
#include "config.h"

#include <sys/wait.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "vfidoctl.h"

void
ctl(const char *arg, ...)
{
	const char	*argv[16];
	va_list		 ap;
	pid_t		 pid;
	int		 n = 0, status;

	argv[n++] = VFIDO_CTL;
	va_start(ap, arg);
	for (; arg != NULL && n < 15; arg = va_arg(ap, const char *))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		/* The shims are for the program under test, not for us. */
		(void)unsetenv("LD_PRELOAD");
		execv(VFIDO_CTL, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("vfido-ctl %s failed", argv[1]);
}
