/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runs a fuzz target without libFuzzer: calls LLVMFuzzerTestOneInput()
 * once on every file named on the command line and on every file in
 * each directory named there (sorted, names starting with '.' skipped).
 * This is how `make check` replays the seed corpus and the regression
 * inputs with any compiler.  Exits 0 when every input ran, 1 on an
 * unreadable file or directory or when there was no input at all; a
 * violated invariant aborts.
 *
 *	usage: replay_TARGET PATH...
 */
#include "config.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define INPUT_MAX	(1024 * 1024)	/* bytes; corpus files are small */

static const char *progname = "replay";

static int
run_file(int dirfd, const char *name, const char *shown)
{
	struct stat	 sb;
	uint8_t		*buf = NULL, *exact = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, r = -1;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, shown,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > INPUT_MAX) {
		fprintf(stderr, "%s: %s: not a regular file of at most %d "
		    "bytes\n", progname, shown, INPUT_MAX);
		goto out;
	}
	/* One byte more, so that a file that grows is noticed. */
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		fprintf(stderr, "%s: %s: out of memory\n", progname, shown);
		goto out;
	}
	while (len < (size_t)sb.st_size + 1) {
		n = read(fd, buf + len, (size_t)sb.st_size + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: %s: %s\n", progname, shown,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len != (size_t)sb.st_size) {
		fprintf(stderr, "%s: %s: changed while read\n", progname,
		    shown);
		goto out;
	}
	/* Exactly len bytes, as libFuzzer passes them, for ASan. */
	if ((exact = malloc(len)) == NULL && len > 0) {
		fprintf(stderr, "%s: %s: out of memory\n", progname, shown);
		goto out;
	}
	if (len > 0)
		memcpy(exact, buf, len);
	(void)LLVMFuzzerTestOneInput(exact, len);
	r = 0;
out:
	free(exact);
	free(buf);
	(void)close(fd);
	return r;
}

static int
skip_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Runs every file of a directory; returns the count or -1. */
static int
run_dir(const char *path)
{
	struct dirent	**names = NULL;
	char		  shown[4096];
	int		  dirfd, i, n, count = 0, r = 0;

	if ((dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    strerror(errno));
		return -1;
	}
	if ((n = scandir(path, &names, skip_dot, alphasort)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    strerror(errno));
		(void)close(dirfd);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (r == 0) {
			(void)snprintf(shown, sizeof(shown), "%s/%s", path,
			    names[i]->d_name);
			if (run_file(dirfd, names[i]->d_name, shown) == 0)
				count++;
			else
				r = -1;
		}
		free(names[i]);
	}
	free(names);
	(void)close(dirfd);
	return r == 0 ? count : -1;
}

int
main(int argc, char **argv)
{
	struct stat	sb;
	int		i, n, total = 0;

	if (argc > 0 && argv[0] != NULL) {
		progname = strrchr(argv[0], '/');
		progname = progname != NULL ? progname + 1 : argv[0];
	}
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH...\n", progname);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "%s: %s: %s\n", progname, argv[i],
			    strerror(errno));
			return 1;
		}
		if (S_ISDIR(sb.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_file(AT_FDCWD, argv[i], argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "%s: no input\n", progname);
		return 1;
	}
	printf("%s: %d inputs\n", progname, total);
	return 0;
}
