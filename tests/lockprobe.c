/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <sys/wait.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lockprobe.h"

int
lock_free(const char *path)
{
	struct flock	fl;
	pid_t		pid;
	int		fd, st;

	if ((pid = fork()) == 0) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			_exit(2);
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_GETLK, &fl) != 0)
			_exit(2);
		_exit(fl.l_type == F_UNLCK ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 2);
	return WEXITSTATUS(st) == 0;
}
