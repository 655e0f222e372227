/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-user store: NAME (credentials, rewritten atomically by
 * enrolment) and NAME.state (login-time state, rewritten in place; also
 * the lock file) in a root-owned directory.  Opening is strict: the
 * directory and its parents must be root's and not writable by others,
 * each file is opened without following symlinks and checked through
 * its descriptor.  A login touches only its own user's two files.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "internal.h"

#define STATE_SUFFIX	".state"
/* '~' is not allowed in user names, so no user's file can be a temp. */
#define TMP_SUFFIX	"~tmp"
#define FNAME_MAX	(MFA_USER_MAX + sizeof(STATE_SUFFIX))
#define DIR_DEPTH_MAX	256
/* Opens of NAME.state before giving up on one replaced each time. */
#define STATE_OPEN_TRIES	3

static int
io_error(int err)
{
	return (err == ENOSPC || err == EDQUOT) ? MFA_ERR_NOSPC : MFA_ERR_IO;
}

int
mfa_username_check(const char *user)
{
	size_t		i, n;
	unsigned char	c;

	if (user == NULL)
		return MFA_ERR_USERNAME;
	n = strnlen(user, MFA_USER_MAX + 1);
	if (n == 0 || n > MFA_USER_MAX || user[0] == '.' || user[0] == '-')
		return MFA_ERR_USERNAME;
	for (i = 0; i < n; i++) {
		c = (unsigned char)user[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-' || c == '@')
			continue;
		if (c == '$' && i > 0 && i == n - 1)
			continue;
		return MFA_ERR_USERNAME;
	}
	/* NAME.state is NAME's state file: no user may be called that. */
	if (n >= sizeof(STATE_SUFFIX) - 1 &&
	    strcmp(user + n - (sizeof(STATE_SUFFIX) - 1), STATE_SUFFIX) == 0)
		return MFA_ERR_USERNAME;
	return MFA_OK;
}

/* A directory on the store's path: root's, not writable by others. */
static int
dir_stat_ok(const struct stat *sb, int allow_sticky)
{
	if (!S_ISDIR(sb->st_mode) || sb->st_uid != 0)
		return 0;
	if ((sb->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    !(allow_sticky && (sb->st_mode & S_ISVTX) != 0))
		return 0;
	return 1;
}

/*
 * Opens the store directory and checks it and every directory above it,
 * walking the physical ".." chain of the descriptor itself so that no
 * path string (or symlink in it) can be swapped under us.  Each level
 * is one fstatat() of "..", "../.." and so on relative to the
 * descriptor: ".." is never a symlink, so the walk sees what an openat()
 * of each parent in turn would, at a third of the system calls.
 */
static int
store_dir_open(const mfa_ctx_t *ctx, const char *path, int *out)
{
	struct stat	 sb, psb;
	char		 up[3 * DIR_DEPTH_MAX];
	size_t		 len;
	int		 fd, depth, r;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0) {
		if (errno == ELOOP || errno == ENOTDIR) {
			mfa_log(ctx, LOG_ERR, "store %s: not a directory "
			    "(symlink?)", path);
			return MFA_ERR_UNSAFE;
		}
		mfa_log(ctx, LOG_ERR, "store %s: %s", path,
		    mfa_log_errno(ctx, errno));
		return MFA_ERR_IO;
	}
	if (fstat(fd, &sb) != 0) {
		r = MFA_ERR_IO;
		goto out;
	}
	if (!dir_stat_ok(&sb, 0)) {
		mfa_log(ctx, LOG_ERR, "store %s: not owned by root or "
		    "writable by group/other", path);
		r = MFA_ERR_UNSAFE;
		goto out;
	}
	memcpy(up, "..", 3);
	len = 2;
	for (depth = 0; ; depth++) {
		/* up is "..", then "../..": the parent at depth + 1. */
		if (depth == DIR_DEPTH_MAX - 1) {
			r = MFA_ERR_UNSAFE;
			break;
		}
		if (fstatat(fd, up, &psb, 0) != 0) {
			r = MFA_ERR_IO;
			break;
		}
		if (psb.st_dev == sb.st_dev && psb.st_ino == sb.st_ino) {
			r = MFA_OK;		/* "/" is its own parent */
			break;
		}
		if (!dir_stat_ok(&psb, 1)) {
			mfa_log(ctx, LOG_ERR, "store %s: a parent directory "
			    "is not owned by root or is writable by "
			    "group/other", path);
			r = MFA_ERR_UNSAFE;
			break;
		}
		sb = psb;
		memcpy(up + len, "/..", 4);
		len += 3;
	}
out:
	if (r == MFA_OK)
		*out = fd;
	else
		close(fd);
	return r;
}

/*
 * The store directory for one user's open: a duplicate of the context's
 * descriptor.  The path and every parent are checked (store_dir_open)
 * when a context first opens its store, so that a login's two opens
 * walk the path once; later opens check the directory itself again
 * through the descriptor.  Parents matter only for finding the
 * directory by name, and everything is opened relative to the
 * descriptor, so a parent changed later cannot redirect those opens.
 */
static int
store_dir_get(mfa_ctx_t *ctx, const char *path, int *out)
{
	struct stat	 sb;
	char		*copy;
	int		 fd, r;

	if (ctx->store_dirfd >= 0 && ctx->store_dirpath != NULL &&
	    strcmp(ctx->store_dirpath, path) == 0) {
		if (fstat(ctx->store_dirfd, &sb) != 0)
			return MFA_ERR_IO;
		if (!dir_stat_ok(&sb, 0)) {
			mfa_log(ctx, LOG_ERR, "store %s: not owned by root or "
			    "writable by group/other", path);
			return MFA_ERR_UNSAFE;
		}
		if ((fd = fcntl(ctx->store_dirfd, F_DUPFD_CLOEXEC, 0)) < 0)
			return MFA_ERR_IO;
		*out = fd;
		return MFA_OK;
	}
	ctx_forget_store_dir(ctx);
	if ((copy = strdup(path)) == NULL)
		return MFA_ERR_NOMEM;
	if ((r = store_dir_open(ctx, path, &fd)) != MFA_OK) {
		free(copy);
		return r;
	}
	if ((ctx->store_dirfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		free(copy);
		close(fd);
		return MFA_ERR_IO;
	}
	ctx->store_dirpath = copy;
	*out = fd;
	return MFA_OK;
}

int
mfa_ctx_sync(mfa_ctx_t *ctx)
{
	const char	*dir;
	int		 fd, r;

	if (ctx == NULL)
		return MFA_ERR_INVAL;
	if (ctx_config(ctx) == NULL || (dir = mfa_ctx_store(ctx)) == NULL ||
	    dir[0] != '/')
		return MFA_ERR_CONFIG;
	if ((r = store_dir_get(ctx, dir, &fd)) != MFA_OK)
		return r;
	if (syncfs(fd) != 0) {
		r = io_error(errno);
		mfa_log(ctx, LOG_ERR, "store %s: cannot sync: %s", dir,
		    mfa_log_errno(ctx, errno));
	}
	close(fd);
	return r;
}

/* A store file: a root-owned regular file without the badmode bits. */
static int
file_check(const mfa_ctx_t *ctx, const char *name, const struct stat *sb,
    mode_t badmode)
{
	if (!S_ISREG(sb->st_mode)) {
		mfa_log(ctx, LOG_ERR, "store file %s: not a regular file",
		    name);
		return MFA_ERR_UNSAFE;
	}
	if (sb->st_uid != 0 || (sb->st_mode & badmode) != 0) {
		mfa_log(ctx, LOG_ERR, "store file %s: not owned by root or "
		    "accessible by group/other", name);
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

static int
open_error(const mfa_ctx_t *ctx, const char *name, int err)
{
	if (err == ELOOP || err == EISDIR || err == ENXIO) {
		mfa_log(ctx, LOG_ERR, "store file %s: symlink or not a "
		    "regular file", name);
		return MFA_ERR_UNSAFE;
	}
	mfa_log(ctx, LOG_ERR, "store file %s: %s", name,
	    mfa_log_errno(ctx, err));
	return MFA_ERR_IO;
}

/*
 * Sets (F_RDLCK, F_WRLCK: waits) or drops (F_UNLCK) the open file
 * description lock on the state file.
 */
static int
state_lock(int fd, short type)
{
	struct flock	fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_pid = 0;		/* F_OFD_* insist on it */
	while (fcntl(fd, type == F_UNLCK ? F_OFD_SETLK : F_OFD_SETLKW,
	    &fl) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/*
 * Whether the name NAME.state is the file sb describes (the fstat of a
 * descriptor of it): MFA_OK, MFA_ERR_NOTENROLLED when the name is gone
 * or another file is there, MFA_ERR_IO (errno set) when that cannot be
 * told.
 */
static int
state_is(const struct mfa_user *u, const char *name, const struct stat *sb)
{
	struct stat	nsb;

	if (fstatat(u->dirfd, name, &nsb, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? MFA_ERR_NOTENROLLED : MFA_ERR_IO;
	if (nsb.st_dev != sb->st_dev || nsb.st_ino != sb->st_ino)
		return MFA_ERR_NOTENROLLED;
	return MFA_OK;
}

/*
 * Opens, checks and locks the file at name (NAME.state); *fdp and *sb
 * (its fstat under the lock) are set on success.
 */
static int
state_open_once(struct mfa_user *u, const char *name, int *fdp,
    struct stat *sb)
{
	struct stat	csb;
	int		fd = -1, oflags, r;

	oflags = O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	oflags |= (u->flags & MFA_OPEN_WRITE) ? O_RDWR : O_RDONLY;
	if (u->flags & MFA_OPEN_CREATE)
		oflags |= O_CREAT;
	if ((fd = openat(u->dirfd, name, oflags, 0600)) < 0) {
		if (errno != ENOENT) {
			r = open_error(u->ctx, name, errno);
			goto out;
		}
		/* Credentials without their state: refuse, never skip. */
		if (fstatat(u->dirfd, u->name, &csb,
		    AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
			mfa_log(u->ctx, LOG_ERR, "store file %s: missing",
			    name);
			r = MFA_ERR_FORMAT;
		} else
			r = MFA_ERR_NOTENROLLED;
		goto out;
	}
	if (fstat(fd, sb) != 0) {
		r = MFA_ERR_IO;
		goto out;
	}
	/*
	 * O_NONBLOCK only kept the open from hanging on a FIFO; on the
	 * regular file file_check() insists on, it changes neither reads,
	 * writes nor the F_OFD_SETLKW wait, so it stays set (as for the
	 * credentials file).
	 */
	if ((r = file_check(u->ctx, name, sb, S_IWGRP | S_IWOTH)) != MFA_OK)
		goto out;
	/*
	 * An open file description lock, not a POSIX record lock: it
	 * belongs to this open of the file rather than to the process, so
	 * two handles of the user in one process (threads of an
	 * authentication server, each with its own context) exclude each
	 * other as two processes do, and closing another descriptor of
	 * the file elsewhere in the process does not drop it.  Kernels
	 * before Linux 3.15 refuse it (EINVAL): the open fails, closed.
	 */
	if (state_lock(fd, (u->flags & MFA_OPEN_WRITE) ? F_WRLCK :
	    F_RDLCK) != 0) {
		mfa_log(u->ctx, LOG_ERR, "store file %s: lock: %s", name,
		    mfa_log_errno(u->ctx, errno));
		r = MFA_ERR_IO;
		goto out;
	}
	/* The size may have changed while we waited for the lock. */
	if (fstat(fd, sb) != 0) {
		r = MFA_ERR_IO;
		goto out;
	}
	*fdp = fd;
	fd = -1;
	r = MFA_OK;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

/* Opens, checks and locks NAME.state and reads the current slot. */
static int
state_open(struct mfa_user *u)
{
	char		name[FNAME_MAX];
	struct stat	sb, csb;
	int		fd = -1, tries, r, have_creds;

	(void)snprintf(name, sizeof(name), "%s%s", u->name, STATE_SUFFIX);
	/*
	 * Between our open and our lock, an administrator deleting or
	 * replacing the user's files by hand (mfactl never does: it
	 * rewrites this file in place, under the lock) may take the name
	 * away from the file we opened.  Its lock would then exclude no
	 * one and what we write would land in a file nobody reads.  So
	 * the name must still be the file locked; if it is not, the name
	 * is opened again, a few times at most.
	 */
	for (tries = 1;; tries++) {
		if ((r = state_open_once(u, name, &fd, &sb)) != MFA_OK)
			goto out;
		if ((r = state_is(u, name, &sb)) == MFA_OK)
			break;
		if (r != MFA_ERR_NOTENROLLED) {
			mfa_log(u->ctx, LOG_ERR, "store file %s: %s", name,
			    mfa_log_errno(u->ctx, errno));
			goto out;
		}
		close(fd);
		fd = -1;
		if (tries == STATE_OPEN_TRIES) {
			mfa_log(u->ctx, LOG_ERR, "store file %s: replaced "
			    "while being opened, %d times", name, tries);
			r = MFA_ERR_IO;
			goto out;
		}
		mfa_log(u->ctx, LOG_NOTICE, "store file %s: replaced while "
		    "being opened; opening it again", name);
	}
	r = sb.st_size == 2 * MFA_STATE_SLOT ?
	    state_read(fd, &u->state, &u->slot) : MFA_ERR_FORMAT;
	if (r == MFA_ERR_FORMAT || r == MFA_ERR_VERSION) {
		have_creds = fstatat(u->dirfd, u->name, &csb,
		    AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
		if (!have_creds && (u->flags & MFA_OPEN_CREATE)) {
			/* New, or an enrolment that died before its commit. */
			if ((r = state_init(fd, u->ctx->sync_mode ==
			    MFA_SYNC_EACH)) == MFA_OK)
				r = state_read(fd, &u->state, &u->slot);
		} else if (!have_creds && sb.st_size < 2 * MFA_STATE_SLOT)
			/*
			 * The first enrolment died while the file was being
			 * set up (created, or its slots written only in
			 * part): nothing was ever enrolled.  A full-size
			 * file that does not parse is damage, said below.
			 */
			r = MFA_ERR_NOTENROLLED;
		else
			mfa_log(u->ctx, LOG_ERR, "store file %s: %s", name,
			    mfa_strerror(r));
	}
	if (r != MFA_OK)
		goto out;
	u->statefd = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

/*
 * Moves the len secret bytes at *bufp into a buffer of newcap bytes,
 * wiping the old one.
 */
static int
grow_wiped(char **bufp, size_t *capp, size_t len, size_t newcap)
{
	char *nbuf;

	if (newcap <= *capp || (nbuf = malloc(newcap)) == NULL)
		return newcap <= *capp ? MFA_ERR_TOOBIG : MFA_ERR_NOMEM;
	memcpy(nbuf, *bufp, len);
	wipe(*bufp, *capp);
	free(*bufp);
	*bufp = nbuf;
	*capp = newcap;
	return MFA_OK;
}

/* Opens, checks and parses NAME. */
static int
creds_load(struct mfa_user *u)
{
	struct stat	 sb;
	char		*buf = NULL;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;
	int		 fd = -1, r;

	fd = openat(u->dirfd, u->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT) {
			if (u->flags & MFA_OPEN_CREATE) {
				u->next_id = 1;
				u->ncreds = 0;
				r = MFA_OK;
			} else
				r = MFA_ERR_NOTENROLLED;
		} else
			r = open_error(u->ctx, u->name, errno);
		goto out;
	}
	u->creds_existed = 1;
	if (fstat(fd, &sb) != 0) {
		r = MFA_ERR_IO;
		goto out;
	}
	if ((r = file_check(u->ctx, u->name, &sb, S_IRWXG | S_IRWXO)) !=
	    MFA_OK)
		goto out;
	if (sb.st_size > MFA_STORE_MAX) {
		mfa_log(u->ctx, LOG_ERR, "store file %s: too big", u->name);
		r = MFA_ERR_TOOBIG;
		goto out;
	}
	/* Room for the size fstat() saw and one more byte to see EOF. */
	cap = (size_t)sb.st_size + 1;
	if ((buf = malloc(cap)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		if (len == cap) {
			/* It grew after fstat(): read on up to the cap. */
			if ((r = grow_wiped(&buf, &cap, len,
			    MFA_STORE_MAX + 1)) != MFA_OK)
				goto out;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = open_error(u->ctx, u->name, errno);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > MFA_STORE_MAX) {
			mfa_log(u->ctx, LOG_ERR, "store file %s: too big",
			    u->name);
			r = MFA_ERR_TOOBIG;
			goto out;
		}
	}
	if ((r = store_parse(u, buf, len)) != MFA_OK)
		mfa_log(u->ctx, LOG_ERR, "store file %s: %s", u->name,
		    mfa_strerror(r));
out:
	if (buf != NULL) {
		wipe(buf, cap);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

static void
copy_last_used(struct mfa_user *u)
{
	struct mfa_state_cred	*sc;
	size_t			 i;

	for (i = 0; i < u->ncreds; i++) {
		sc = state_cred(&u->state, u->creds[i].id, 0);
		u->creds[i].last_used = sc != NULL ? sc->last_used : 0;
	}
}

int
mfa_user_open(mfa_ctx_t *ctx, const char *user, int flags,
    mfa_user_t **out)
{
	struct mfa_user	*u = NULL;
	char		 tmp[FNAME_MAX];
	const char	*dir;
	int		 r;

	if (ctx == NULL || user == NULL || out == NULL ||
	    (flags & ~(MFA_OPEN_WRITE | MFA_OPEN_CREATE)) != 0 ||
	    ((flags & MFA_OPEN_CREATE) && !(flags & MFA_OPEN_WRITE)))
		return MFA_ERR_INVAL;
	if ((r = mfa_username_check(user)) != MFA_OK)
		return r;
	if (ctx_config(ctx) == NULL || (dir = mfa_ctx_store(ctx)) == NULL ||
	    dir[0] != '/')
		return MFA_ERR_CONFIG;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return MFA_ERR_NOMEM;
	u->ctx = ctx;
	u->flags = flags;
	u->dirfd = -1;
	u->statefd = -1;
	memcpy(u->name, user, strlen(user) + 1);
	if ((r = store_dir_get(ctx, dir, &u->dirfd)) != MFA_OK)
		goto out;
	if ((r = state_open(u)) != MFA_OK)
		goto out;
	u->locked = 1;
	if (flags & MFA_OPEN_WRITE) {
		/* A commit that died before its rename left this behind. */
		(void)snprintf(tmp, sizeof(tmp), "%s%s", u->name,
		    TMP_SUFFIX);
		(void)unlinkat(u->dirfd, tmp, 0);
	}
	if ((r = creds_load(u)) != MFA_OK)
		goto out;
	copy_last_used(u);
	*out = u;
	u = NULL;
out:
	mfa_user_free(&u);
	return r;
}

void
mfa_user_free(mfa_user_t **userp)
{
	struct mfa_user	*u;

	if (userp == NULL || (u = *userp) == NULL)
		return;
	*userp = NULL;
	/*
	 * Closing the state file releases the lock: this is the only
	 * descriptor of its open file description (close-on-exec, never
	 * duplicated; a child forked meanwhile holds it until it exits).
	 */
	if (u->statefd >= 0)
		close(u->statefd);
	if (u->dirfd >= 0)
		close(u->dirfd);
	/*
	 * Entries from ncreds on were never used or were wiped when
	 * removed; leaving them alone keeps a login from touching (and
	 * faulting in) the whole 180 KiB array.
	 */
	wipe(u->creds, (u->ncreds < MFA_CREDS_MAX ? u->ncreds :
	    MFA_CREDS_MAX) * sizeof(u->creds[0]));
	wipe(u, offsetof(struct mfa_user, creds));
	wipe(&u->state, sizeof(*u) - offsetof(struct mfa_user, state));
	free(u);
}

/*
 * Writes the credentials file anew (temp file, fsync, rename) and, with
 * MFA_SYNC_EACH, syncs the directory; *dir_failed is set when only that
 * sync failed (the new file is in effect).  See store_commit().
 */
static int
creds_write(struct mfa_user *u, int *dir_failed)
{
	char	 tmp[FNAME_MAX + sizeof(TMP_SUFFIX)], *buf = NULL;
	size_t	 len = 0, off = 0;
	ssize_t	 n;
	int	 fd = -1, created = 0, r;

	*dir_failed = 0;
	if ((r = store_format(u, &buf, &len)) != MFA_OK)
		goto out;
	(void)snprintf(tmp, sizeof(tmp), "%s%s", u->name, TMP_SUFFIX);
	/* We hold the user's exclusive lock: any temp here is stale. */
	(void)unlinkat(u->dirfd, tmp, 0);
	if ((fd = openat(u->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600)) < 0) {
		r = io_error(errno);
		goto out;
	}
	created = 1;
	if (fchmod(fd, 0600) != 0) {
		r = io_error(errno);
		goto out;
	}
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = io_error(n < 0 ? errno : EIO);
			goto out;
		}
		off += (size_t)n;
	}
	/*
	 * A batch (MFA_SYNC_DEFER) skips this sync, but not over a file
	 * that was on disk before it: whatever the file system does with
	 * a rename over data not yet written, a crash must leave that
	 * user's old file or the new one, never an empty one (a new user's
	 * file has no old version to keep).
	 */
	if ((u->ctx->sync_mode == MFA_SYNC_EACH || u->creds_existed) &&
	    fsync(fd) != 0) {
		r = io_error(errno);
		goto out;
	}
	n = close(fd);
	fd = -1;
	if (n != 0 || renameat(u->dirfd, tmp, u->dirfd, u->name) != 0) {
		r = io_error(errno);
		goto out;
	}
	created = 0;
	/*
	 * The new file is in effect from the rename on: every open now
	 * reads it, and the old one cannot be put back.  Failing here
	 * would make the caller put memory back to a file that is no
	 * longer there and report as failed a change that is in effect
	 * (new recovery codes never shown, the old ones void).  So it
	 * stands; the caller records that a crash may undo it.
	 */
	if (u->ctx->sync_mode == MFA_SYNC_EACH && fsync(u->dirfd) != 0) {
		mfa_log(u->ctx, LOG_ERR, "store file %s: replaced, but the "
		    "directory sync failed (%s): a crash may bring back the "
		    "previous version", u->name,
		    mfa_log_errno(u->ctx, errno));
		*dir_failed = 1;
	}
	r = MFA_OK;
out:
	if (r != MFA_OK)
		mfa_log(u->ctx, LOG_ERR, "store file %s: cannot rewrite: %s",
		    u->name, mfa_strerror(r));
	if (fd >= 0)
		close(fd);
	if (created)
		(void)unlinkat(u->dirfd, tmp, 0);
	if (buf != NULL) {
		wipe(buf, len);
		free(buf);
	}
	return r;
}

int
store_commit(struct mfa_user *u)
{
	int	dir_failed, r;

	if (u == NULL || !(u->flags & MFA_OPEN_WRITE) || u->dirfd < 0 ||
	    !u->locked)
		return MFA_ERR_INVAL;
	if ((r = creds_write(u, &dir_failed)) != MFA_OK || !dir_failed ||
	    u->state.dir_unsynced)
		return r;
	/*
	 * The state file says so too (dir-unsynced), so that every later
	 * update of it, by this handle or the next login, keeps the
	 * records the old file would need (store_commit_state).
	 */
	u->state.dir_unsynced = 1;
	if (state_write(u->statefd, &u->state, &u->slot, 1) != MFA_OK)
		mfa_log(u->ctx, LOG_ERR, "store file %s%s: cannot record the "
		    "failed directory sync", u->name, STATE_SUFFIX);
	return MFA_OK;
}

int
store_commit_state(struct mfa_user *u)
{
	struct mfa_state	*st;
	size_t			 i, j;
	int			 dir_failed, r;

	if (u == NULL || !(u->flags & MFA_OPEN_WRITE) || u->statefd < 0 ||
	    !u->locked)
		return MFA_ERR_INVAL;
	st = &u->state;
	/*
	 * Drop the records of credentials that no longer exist, unless a
	 * crash may bring back a credentials file that has them: their
	 * last step and used codes must then still be here, or a code used
	 * before would be accepted again.  That lasts until the directory
	 * that holds the replaced file reaches the disk.  Syncing it again
	 * proves nothing: Linux reports a write-back error once per open
	 * file (and not at all to a later open), and does not write the
	 * lost change again.  So the file is written anew, and only a
	 * directory sync after that new rename counts.
	 */
	if (st->dir_unsynced && u->ctx->sync_mode == MFA_SYNC_EACH &&
	    creds_write(u, &dir_failed) == MFA_OK && !dir_failed) {
		st->dir_unsynced = 0;
		mfa_log(u->ctx, LOG_NOTICE, "store file %s: written again and "
		    "the directory synced; the replaced version cannot come "
		    "back", u->name);
	}
	for (i = j = 0; i < st->ncreds; i++)
		if (st->dir_unsynced || store_cred(u, st->creds[i].id) != NULL)
			st->creds[j++] = st->creds[i];
	st->ncreds = j;
	if ((r = state_write(u->statefd, st, &u->slot,
	    u->ctx->sync_mode == MFA_SYNC_EACH)) != MFA_OK) {
		mfa_log(u->ctx, LOG_ERR, "store file %s%s: cannot update: %s",
		    u->name, STATE_SUFFIX, mfa_strerror(r));
		return r;
	}
	copy_last_used(u);
	return MFA_OK;
}

int
mfa_user_remove(mfa_user_t *user, unsigned id)
{
	struct mfa_cred	saved;
	size_t		i, idx;
	int		r;

	if (user == NULL || !(user->flags & MFA_OPEN_WRITE))
		return MFA_ERR_INVAL;
	for (idx = 0; idx < user->ncreds; idx++)
		if (user->creds[idx].id == id)
			break;
	if (id == 0 || idx == user->ncreds)
		return MFA_ERR_NOTFOUND;
	saved = user->creds[idx];
	for (i = idx; i + 1 < user->ncreds; i++)
		user->creds[i] = user->creds[i + 1];
	user->ncreds--;
	wipe(&user->creds[user->ncreds], sizeof(user->creds[0]));
	if ((r = store_commit(user)) != MFA_OK) {
		/* Put it back: memory stays equal to the file. */
		for (i = user->ncreds; i > idx; i--)
			user->creds[i] = user->creds[i - 1];
		user->creds[idx] = saved;
		user->ncreds++;
		goto out;
	}
	/*
	 * The credential is gone for good; a state record left behind by a
	 * failure here is harmless and dropped by the next state update.
	 */
	if (store_commit_state(user) != MFA_OK)
		mfa_log(user->ctx, LOG_WARNING, "store file %s%s: stale "
		    "record of credential %u kept", user->name, STATE_SUFFIX,
		    id);
	r = MFA_OK;
out:
	wipe(&saved, sizeof(saved));
	return r;
}

void
store_unlock(struct mfa_user *u)
{
	if (u == NULL || !u->locked)
		return;
	/* Cannot fail on a descriptor that holds the lock. */
	(void)state_lock(u->statefd, F_UNLCK);
	u->locked = 0;
}

/*
 * Whether NAME.state is still the file u holds open (sb: its fstat).
 * While the lock was let go, the administrator may have deleted the
 * user's files and enrolled the user again: the descriptor then holds
 * a deleted file, whose lock excludes no one and whose updates nobody
 * reads, next to credentials read from the new file.  That ends the
 * operation as if its credentials had been removed, which they were.
 */
static int
state_same(struct mfa_user *u, const struct stat *sb)
{
	char	name[FNAME_MAX];
	int	r;

	(void)snprintf(name, sizeof(name), "%s%s", u->name, STATE_SUFFIX);
	if ((r = state_is(u, name, sb)) == MFA_ERR_NOTENROLLED) {
		mfa_log(u->ctx, LOG_NOTICE, "user %s: store file %s replaced "
		    "while the user was asked", u->name, name);
		u->replaced = 1;
	}
	return r;
}

int
store_relock(struct mfa_user *u)
{
	struct stat	sb;
	int		r, replaced = MFA_OK;

	if (u == NULL || u->statefd < 0)
		return MFA_ERR_INVAL;
	if (u->locked)
		return MFA_OK;
	/* Said once: the handle is of no use any more. */
	if (u->replaced)
		return MFA_ERR_NOTENROLLED;
	if (state_lock(u->statefd, (u->flags & MFA_OPEN_WRITE) ? F_WRLCK :
	    F_RDLCK) != 0) {
		mfa_log(u->ctx, LOG_ERR, "store file %s%s: lock: %s", u->name,
		    STATE_SUFFIX, mfa_log_errno(u->ctx, errno));
		return MFA_ERR_IO;
	}
	/* What state_open() and creds_load() read, read again. */
	wipe(u->creds, (u->ncreds < MFA_CREDS_MAX ? u->ncreds :
	    MFA_CREDS_MAX) * sizeof(u->creds[0]));
	u->ncreds = 0;
	if (fstat(u->statefd, &sb) != 0)
		r = MFA_ERR_IO;
	else if ((replaced = state_same(u, &sb)) != MFA_OK)
		r = replaced;
	else if (sb.st_size != 2 * MFA_STATE_SLOT)
		r = MFA_ERR_FORMAT;
	else
		r = state_read(u->statefd, &u->state, &u->slot);
	if (r == MFA_OK)
		r = creds_load(u);
	if (r != MFA_OK) {
		/* A replaced file is said by state_same(). */
		if (replaced != MFA_ERR_NOTENROLLED)
			mfa_log(u->ctx, LOG_ERR, "user %s: cannot read the "
			    "store again: %s", u->name, mfa_strerror(r));
		(void)state_lock(u->statefd, F_UNLCK);
		return r;
	}
	copy_last_used(u);
	u->locked = 1;
	return MFA_OK;
}
