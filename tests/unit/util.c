/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int64_t tu_now = 1700000000;
char tu_log_buf[8192];

int64_t
tu_clock(void *arg)
{
	(void)arg;
	return tu_now;
}

char *
tu_mkstore(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (asprintf(&path, "%s/mfa-unit-XXXXXX", tmp) < 0)
		fail_msg("asprintf");
	if (mkdtemp(path) == NULL)
		fail_msg("mkdtemp %s: %s", path, strerror(errno));
	if (chmod(path, 0700) != 0)
		fail_msg("chmod %s: %s", path, strerror(errno));
	return path;
}

static void
rmtree(const char *path)
{
	DIR *d;
	struct dirent *de;
	char *p;
	struct stat st;

	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = tu_path(path, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rmtree(p);
		else
			(void)unlink(p);
		free(p);
	}
	closedir(d);
	(void)rmdir(path);
}

void
tu_rmstore(char *path)
{
	if (path == NULL)
		return;
	rmtree(path);
	free(path);
}

mfa_ctx_t *
tu_ctx(const char *store)
{
	mfa_ctx_t *ctx;

	assert_non_null(ctx = mfa_ctx_new());
	if (store != NULL)
		assert_int_equal(mfa_ctx_set_store(ctx, store), MFA_OK);
	ctx_set_clock(ctx, tu_clock, NULL);
	mfa_ctx_set_log(ctx, tu_log, NULL);
	return ctx;
}

void
tu_write(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	if (len > 0 && write(fd, data, len) != (ssize_t)len)
		fail_msg("write %s: %s", path, strerror(errno));
	if (fchmod(fd, mode) != 0)
		fail_msg("fchmod %s", path);
	close(fd);
}

char *
tu_read(const char *path, size_t *len)
{
	FILE *f;
	char *buf;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	assert_true(n >= 0);
	assert_non_null(buf = malloc((size_t)n + 1));
	if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("fread %s", path);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

char *
tu_path(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		fail_msg("asprintf");
	return p;
}

void
tu_log(void *arg, int priority, const char *msg)
{
	size_t used = strlen(tu_log_buf);

	(void)arg;
	(void)priority;
	snprintf(tu_log_buf + used, sizeof(tu_log_buf) - used, "%s\n", msg);
}

void
tu_log_reset(void)
{
	tu_log_buf[0] = '\0';
}

void
tu_require_root(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "skipped: needs root (file ownership)\n");
		exit(77);
	}
}
