/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-enrol: bulk set-up for the benchmark (bench/README.md).  Writes
 * the users user0..userN-1 into each module's own store, fast enough for
 * 100,000 users:
 *
 *   secrets FILE N		N random 20-byte TOTP secrets
 *   mfa STORE CONFIG N SECRETS [FIDO2LINE]
 *				pam_mfa, through libmfa's public API:
 *				mfa_user_open(CREATE), mfa_user_totp_add,
 *				mfa_user_totp_confirm (with the previous
 *				step's code); the secret the library drew is
 *				taken from the otpauth URI into SECRETS.
 *				FIDO2LINE (the fields after "fido2 ID " of a
 *				pam_mfa-store(5) record) is added as a second
 *				credential by rewriting the file in the
 *				documented format.
 *   oath FILE N SECRETS	pam_oath usersfile (HOTP/T30/6 user - hex)
 *   gauth DIR N SECRETS	google-authenticator: DIR/userI, TOTP_AUTH,
 *				DISALLOW_REUSE, window 3 (= +-1 step)
 *   u2f FILE N REST		pam_u2f authfile: "userI:REST" per line
 *   passwd FILE N		nss_wrapper passwd lines (uid 200000+i)
 *   shadow FILE N HASH		shadow lines with one crypt HASH for all
 *
 * "mfa" enrols through a context in MFA_SYNC_DEFER mode (the one
 * mfactl --batch uses): no fsync per write, one syncfs() of the store
 * after the last user (the FIDO2 records, written directly, are synced
 * by it too).  Logins during the benchmark use their own contexts and
 * sync every write.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>

#include "mfa.h"

#define SECRET_LEN	20

static void
die(const char *what, const char *arg)
{
	fprintf(stderr, "bench-enrol: %s: %s\n", what, arg);
	exit(1);
}

static unsigned long
num(const char *s)
{
	unsigned long v;
	char *end = NULL;

	if (*s < '0' || *s > '9')
		die("bad number", s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 10000000)
		die("bad number", s);
	return v;
}

static unsigned char *
read_secrets(const char *path, unsigned long n)
{
	unsigned char *buf;
	size_t len = (size_t)n * SECRET_LEN;
	FILE *fp;

	if ((buf = malloc(len)) == NULL)
		die("out of memory", path);
	if ((fp = fopen(path, "rb")) == NULL)
		die("cannot open", path);
	if (fread(buf, 1, len, fp) != len)
		die("short file", path);
	fclose(fp);
	return buf;
}

static FILE *
create(const char *path, mode_t mode)
{
	FILE *fp;
	int fd;

	(void)unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		die("cannot create", path);
	return fp;
}

static void
finish(FILE *fp, const char *path)
{
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0)
		die("write error", path);
}

static int
cmd_secrets(const char *path, unsigned long n)
{
	unsigned char buf[4096];
	size_t left = (size_t)n * SECRET_LEN, c;
	FILE *fp = create(path, 0600);

	while (left > 0) {
		c = left < sizeof(buf) ? left : sizeof(buf);
		if (getrandom(buf, c, 0) != (ssize_t)c)
			die("getrandom", strerror(errno));
		if (fwrite(buf, 1, c, fp) != c)
			die("write error", path);
		left -= c;
	}
	finish(fp, path);
	return 0;
}

/* Extracts and decodes secret= of an otpauth URI into out[SECRET_LEN]. */
static void
uri_secret(const char *uri, unsigned char *out)
{
	const char *p, *e;
	char *bin = NULL;
	size_t blen = 0;

	if ((p = strstr(uri, "secret=")) == NULL)
		die("no secret in the URI", "?");
	p += strlen("secret=");
	e = p + strcspn(p, "&");
	if (oath_base32_decode(p, (size_t)(e - p), &bin, &blen) != OATH_OK ||
	    blen != SECRET_LEN)
		die("cannot decode the URI's secret", "(not shown)");
	memcpy(out, bin, SECRET_LEN);
	explicit_bzero(bin, blen);
	free(bin);
}

/*
 * Adds "fido2 ID FIELDS" to a user's credentials file, in the format of
 * pam_mfa-store(5): next-id is bumped, the file replaced by rename.
 */
static void
add_fido2(const char *store, const char *user, const char *fields)
{
	char path[4096], tmp[4096], *buf, *p, *nl, *rest;
	unsigned long id;
	struct stat st;
	size_t len;
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", store, user);
	snprintf(tmp, sizeof(tmp), "%s/.bench.%s", store, user);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1)
		die("cannot open", path);
	len = (size_t)st.st_size;
	if ((buf = calloc(1, len + 1)) == NULL ||
	    read(fd, buf, len) != (ssize_t)len)
		die("cannot read", path);
	close(fd);
	if ((p = strstr(buf, "\nnext-id ")) == NULL)
		die("no next-id line", path);
	p += strlen("\nnext-id ");
	id = strtoul(p, &rest, 10);
	if ((nl = strchr(p, '\n')) == NULL)
		die("bad next-id line", path);
	fp = create(tmp, 0600);
	fprintf(fp, "%.*s%lu%s", (int)(p - buf), buf, id + 1, nl);
	fprintf(fp, "fido2 %lu %s\n", id, fields);
	finish(fp, tmp);
	if (rename(tmp, path) == -1)
		die("cannot rename", tmp);
	explicit_bzero(buf, len);
	free(buf);
}

static int
cmd_mfa(const char *store, const char *config, unsigned long n,
    const char *secrets_out, const char *fido2)
{
	unsigned char *sec;
	mfa_ctx_t *ctx;
	mfa_user_t *u = NULL;
	char user[64], code[16], *uri = NULL;
	unsigned id;
	unsigned long i;
	FILE *fp;
	time_t prev;
	int r, tries;

	if ((sec = calloc(n, SECRET_LEN)) == NULL)
		die("out of memory", "secrets");
	if ((ctx = mfa_ctx_new()) == NULL)
		die("out of memory", "ctx");
	if ((r = mfa_ctx_load_config(ctx, config)) != MFA_OK)
		die(config, mfa_strerror(r));
	if ((r = mfa_ctx_set_store(ctx, store)) != MFA_OK)
		die(store, mfa_strerror(r));
	/* Bulk set-up: one syncfs() at the end instead of 6 syncs a user. */
	if ((r = mfa_ctx_set_sync(ctx, MFA_SYNC_DEFER)) != MFA_OK)
		die("sync mode", mfa_strerror(r));
	for (i = 0; i < n; i++) {
		snprintf(user, sizeof(user), "user%lu", i);
		if ((r = mfa_user_open(ctx, user, MFA_OPEN_WRITE |
		    MFA_OPEN_CREATE, &u)) != MFA_OK)
			die(user, mfa_strerror(r));
		if ((r = mfa_user_totp_add(u, "bench", NULL, MFA_TOTP_SHA1, 6,
		    &id, &uri)) != MFA_OK)
			die(user, mfa_strerror(r));
		uri_secret(uri, sec + i * SECRET_LEN);
		mfa_secret_free(&uri);
		/*
		 * Confirm with the previous step's code (the window takes
		 * it): the steps the benchmark uses stay unused.  A step
		 * that ends between reading the clock and the library's
		 * check puts that code out of the window (a full run once
		 * died so at user 83,527): then once more with the clock
		 * read again.  A wrong code at confirmation counts no
		 * failure.
		 */
		for (tries = 0;; tries++) {
			prev = time(NULL) - 30;
			if (oath_totp_generate((const char *)sec +
			    i * SECRET_LEN, SECRET_LEN, prev, 30, 0, 6,
			    code) != OATH_OK)
				die(user, "oath_totp_generate");
			r = mfa_user_totp_confirm(u, id, code);
			if (r != MFA_ERR_BADCODE || tries > 0 ||
			    (time(NULL) - 30) / 30 == prev / 30)
				break;
		}
		if (r != MFA_OK)
			die(user, mfa_strerror(r));
		mfa_user_free(&u);
		if (fido2 != NULL)
			add_fido2(store, user, fido2);
	}
	if ((r = mfa_ctx_sync(ctx)) != MFA_OK)
		die(store, mfa_strerror(r));
	fp = create(secrets_out, 0600);
	if (fwrite(sec, SECRET_LEN, n, fp) != n)
		die("write error", secrets_out);
	finish(fp, secrets_out);
	explicit_bzero(sec, (size_t)n * SECRET_LEN);
	free(sec);
	/* Everything enrolled is read back by the library once. */
	snprintf(user, sizeof(user), "user%lu", n - 1);
	if ((r = mfa_user_open(ctx, user, MFA_OPEN_READ, &u)) != MFA_OK)
		die(user, mfa_strerror(r));
	if (!mfa_user_has_factor(u, MFA_FACTOR_TOTP) ||
	    (fido2 != NULL && !mfa_user_has_factor(u, MFA_FACTOR_FIDO2)))
		die(user, "enrolled factor not seen by libmfa");
	mfa_user_free(&u);
	mfa_ctx_free(&ctx);
	return 0;
}

static int
cmd_oath(const char *path, unsigned long n, const char *secrets)
{
	unsigned char *sec = read_secrets(secrets, n);
	char hex[2 * SECRET_LEN + 1];
	unsigned long i;
	FILE *fp = create(path, 0600);

	for (i = 0; i < n; i++) {
		oath_bin2hex((const char *)sec + i * SECRET_LEN, SECRET_LEN,
		    hex);
		fprintf(fp, "HOTP/T30/6\tuser%lu\t-\t%s\n", i, hex);
	}
	finish(fp, path);
	free(sec);
	return 0;
}

static int
cmd_gauth(const char *dir, unsigned long n, const char *secrets)
{
	unsigned char *sec = read_secrets(secrets, n);
	char path[4096], *b32 = NULL;
	size_t blen;
	unsigned long i;
	FILE *fp;

	for (i = 0; i < n; i++) {
		if (oath_base32_encode((const char *)sec + i * SECRET_LEN,
		    SECRET_LEN, &b32, &blen) != OATH_OK)
			die("base32", "encode");
		snprintf(path, sizeof(path), "%s/user%lu", dir, i);
		fp = create(path, 0600);
		fprintf(fp, "%s\n\" WINDOW_SIZE 3\n\" DISALLOW_REUSE\n"
		    "\" TOTP_AUTH\n", b32);
		finish(fp, path);
		free(b32);
	}
	free(sec);
	return 0;
}

static int
cmd_lines(const char *path, unsigned long n, const char *fmt,
    const char *arg)
{
	unsigned long i;
	FILE *fp = create(path, 0644);

	for (i = 0; i < n; i++) {
		if (strcmp(fmt, "u2f") == 0)
			fprintf(fp, "user%lu:%s\n", i, arg);
		else if (strcmp(fmt, "passwd") == 0)
			fprintf(fp, "user%lu:x:%lu:4243:bench:/nonexistent:"
			    "/usr/sbin/nologin\n", i, 200000 + i);
		else
			fprintf(fp, "user%lu:%s:19000:0:99999:7:::\n", i,
			    arg);
	}
	finish(fp, path);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "secrets") == 0 && argc == 4)
		return cmd_secrets(argv[2], num(argv[3]));
	if (argc >= 2 && strcmp(argv[1], "mfa") == 0 &&
	    (argc == 6 || argc == 7)) {
		if (oath_init() != OATH_OK)
			die("oath_init", "failed");
		return cmd_mfa(argv[2], argv[3], num(argv[4]), argv[5],
		    argc == 7 ? argv[6] : NULL);
	}
	if (argc == 5 && strcmp(argv[1], "oath") == 0)
		return cmd_oath(argv[2], num(argv[3]), argv[4]);
	if (argc == 5 && strcmp(argv[1], "gauth") == 0)
		return cmd_gauth(argv[2], num(argv[3]), argv[4]);
	if (argc == 5 && strcmp(argv[1], "u2f") == 0)
		return cmd_lines(argv[2], num(argv[3]), "u2f", argv[4]);
	if (argc == 4 && strcmp(argv[1], "passwd") == 0)
		return cmd_lines(argv[2], num(argv[3]), "passwd", NULL);
	if (argc == 5 && strcmp(argv[1], "shadow") == 0)
		return cmd_lines(argv[2], num(argv[3]), "shadow", argv[4]);
	fprintf(stderr, "usage: see the comment at the top of "
	    "bench/bench-enrol.c\n");
	return 2;
}
