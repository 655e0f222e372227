/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The state file of a virtual device: text, one setting per line,
 * rewritten atomically (temp file, fsync, rename, fsync of the
 * directory) under an fcntl lock held on FILE.lock, so an enrolment and
 * a login in different processes see the same keys and counter.
 *
 *	vfido-state 1
 *	aaguid <32 hex>
 *	touch auto|deny|never
 *	attestation self|x5c|none
 *	fault none|badsig|...
 *	fault-at 0|N		(0: every time; N: only the N-th GetAssertion)
 *	fault-count N		(GetAssertion requests since the fault was set)
 *	alg es256|eddsa|rs256[,...]	(the algorithms it supports)
 *	counter-mode inc|zero
 *	protocol fido2|u2f	(u2f: a U2F-only key, CTAP1 over CTAPHID_MSG)
 *	pin -|<LEFT(SHA-256(PIN),16) in hex>
 *	pin-retries 8
 *	uv on			(built-in user verification: these three
 *	uv-retries 5		 lines only on a key that has it)
 *	finger match|nomatch
 *	counter 12
 *	att-key -|<DER hex>
 *	att-cert -|<DER hex>
 *	cred <id hex> <rp id hash hex> <user id hex or -> <DER key hex>
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "vfido_int.h"

static const char *const touch_names[] = { "auto", "deny", "never" };
static const char *const attest_names[] = { "self", "x5c", "none" };
static const char *const fault_names[] = { "none", "badsig", "wrongrp",
	"badcbor", "wrongtype", "truncate", "oversize", "vanish", "noup",
	"badattest", "nouv", "wrongcred", "alwaysuv", "uvnotrqd", "uvpin" };

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*name;
	unsigned int	 bit;
	int64_t		 cose;
} alg_names[] = {
	{ "es256", VFIDO_ALG_ES256, VFIDO_COSE_ES256 },
	{ "eddsa", VFIDO_ALG_EDDSA, VFIDO_COSE_EDDSA },
	{ "rs256", VFIDO_ALG_RS256, VFIDO_COSE_RS256 },
};

/* The device's algorithms: ES256 alone unless set otherwise. */
unsigned int
vfido_algs(const struct vfido_state *st)
{
	return (st->algs == 0 ? VFIDO_ALG_ES256 : st->algs);
}

int64_t
vfido_alg_cose(unsigned int bit)
{
	for (size_t i = 0; i < NITEMS(alg_names); i++)
		if (alg_names[i].bit == bit)
			return (alg_names[i].cose);
	return (0);
}

/* "es256", "eddsa,es256", ...: a non-empty set without repeats. */
int
vfido_algs_parse(const char *s, unsigned int *algs)
{
	unsigned int	set = 0;
	size_t		n, i;

	for (;;) {
		n = strcspn(s, ",");
		for (i = 0; i < NITEMS(alg_names); i++)
			if (strlen(alg_names[i].name) == n &&
			    strncmp(alg_names[i].name, s, n) == 0)
				break;
		if (i == NITEMS(alg_names) || (set & alg_names[i].bit) != 0)
			return (-1);
		set |= alg_names[i].bit;
		if (s[n] == '\0')
			break;
		s += n + 1;
	}
	*algs = set;
	return (0);
}

void
vfido_algs_format(unsigned int algs, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < NITEMS(alg_names); i++) {
		if ((algs & alg_names[i].bit) == 0)
			continue;
		(void)snprintf(buf + len, size - len, "%s%s", len > 0 ? "," :
		    "", alg_names[i].name);
		len = strlen(buf);
	}
}

const char *
vfido_touch_name(enum vfido_touch t)
{
	return ((size_t)t < NITEMS(touch_names) ? touch_names[t] : "?");
}

const char *
vfido_attest_name(enum vfido_attest a)
{
	return ((size_t)a < NITEMS(attest_names) ? attest_names[a] : "?");
}

const char *
vfido_fault_name(enum vfido_fault f)
{
	return ((size_t)f < NITEMS(fault_names) ? fault_names[f] : "?");
}

static int
lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return ((int)i);
	return (-1);
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char			*end;
	unsigned long long	 u;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	u = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || u > max)
		return (-1);
	*v = u;
	return (0);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Decodes hex s into buf; "-" is the empty value. */
static int
unhex(const char *s, unsigned char *buf, size_t size, size_t *len)
{
	size_t n = strlen(s);

	if (strcmp(s, "-") == 0) {
		*len = 0;
		return (0);
	}
	if (n == 0 || n % 2 != 0 || n / 2 > size)
		return (-1);
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return (-1);
		buf[i] = (unsigned char)(hi << 4 | lo);
	}
	*len = n / 2;
	return (0);
}

static int
unhex_exact(const char *s, unsigned char *buf, size_t size)
{
	size_t len;

	return (unhex(s, buf, size, &len) == 0 && len == size ? 0 : -1);
}

static void
puthex(FILE *f, const unsigned char *p, size_t len)
{
	if (len == 0)
		fputc('-', f);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

/*
 * Sets one scalar setting from its text form (the state file and
 * `vfido-ctl set` share this); returns 0 or -1 on an unknown key or bad
 * value.
 */
int
vfido_state_set(struct vfido_state *st, const char *key, const char *val)
{
	uint64_t	u;
	size_t		len;
	int		i;

	if (strcmp(key, "touch") == 0) {
		if ((i = lookup(touch_names, NITEMS(touch_names), val)) < 0)
			return (-1);
		st->touch = (enum vfido_touch)i;
	} else if (strcmp(key, "attestation") == 0) {
		if ((i = lookup(attest_names, NITEMS(attest_names), val)) < 0)
			return (-1);
		st->attest = (enum vfido_attest)i;
	} else if (strcmp(key, "fault") == 0) {
		if ((i = lookup(fault_names, NITEMS(fault_names), val)) < 0)
			return (-1);
		st->fault = (enum vfido_fault)i;
	} else if (strcmp(key, "fault-at") == 0) {
		if (parse_u64(val, UINT32_MAX, &u) < 0)
			return (-1);
		st->fault_at = (uint32_t)u;
	} else if (strcmp(key, "fault-count") == 0) {
		if (parse_u64(val, UINT32_MAX, &u) < 0)
			return (-1);
		st->fault_count = (uint32_t)u;
	} else if (strcmp(key, "alg") == 0) {
		if (vfido_algs_parse(val, &st->algs) < 0)
			return (-1);
	} else if (strcmp(key, "counter-mode") == 0) {
		if (strcmp(val, "inc") == 0)
			st->counter_zero = false;
		else if (strcmp(val, "zero") == 0)
			st->counter_zero = true;
		else
			return (-1);
	} else if (strcmp(key, "protocol") == 0) {
		if (strcmp(val, "fido2") == 0)
			st->u2f = false;
		else if (strcmp(val, "u2f") == 0)
			st->u2f = true;
		else
			return (-1);
	} else if (strcmp(key, "counter") == 0) {
		if (parse_u64(val, UINT32_MAX, &u) < 0)
			return (-1);
		st->counter = (uint32_t)u;
	} else if (strcmp(key, "pin-retries") == 0) {
		if (parse_u64(val, VFIDO_PIN_RETRIES, &u) < 0)
			return (-1);
		st->pin_retries = (unsigned int)u;
	} else if (strcmp(key, "uv") == 0) {
		if (strcmp(val, "on") == 0)
			st->builtin_uv = true;
		else if (strcmp(val, "off") == 0)
			st->builtin_uv = false;
		else
			return (-1);
	} else if (strcmp(key, "uv-retries") == 0) {
		if (parse_u64(val, VFIDO_UV_RETRIES, &u) < 0)
			return (-1);
		st->uv_retries = (unsigned int)u;
	} else if (strcmp(key, "finger") == 0) {
		if (strcmp(val, "match") == 0)
			st->uv_nomatch = false;
		else if (strcmp(val, "nomatch") == 0)
			st->uv_nomatch = true;
		else
			return (-1);
	} else if (strcmp(key, "aaguid") == 0) {
		if (unhex_exact(val, st->aaguid, sizeof(st->aaguid)) < 0)
			return (-1);
	} else if (strcmp(key, "pin") == 0) {
		if (unhex(val, st->pin_hash, sizeof(st->pin_hash), &len) < 0 ||
		    (len != 0 && len != sizeof(st->pin_hash)))
			return (-1);
		st->pin_set = len != 0;
	} else if (strcmp(key, "att-key") == 0) {
		if (unhex(val, st->att_key, sizeof(st->att_key),
		    &st->att_key_len) < 0)
			return (-1);
	} else if (strcmp(key, "att-cert") == 0) {
		if (unhex(val, st->att_cert, sizeof(st->att_cert),
		    &st->att_cert_len) < 0)
			return (-1);
	} else
		return (-1);
	return (0);
}

static int
parse_cred(struct vfido_state *st, char *rest)
{
	struct vfido_cred	*c;
	char			*f[4], *save = NULL;

	if (st->ncreds == VFIDO_MAX_CREDS)
		return (-1);
	c = &st->creds[st->ncreds];
	for (size_t i = 0; i < 4; i++)
		if ((f[i] = strtok_r(i == 0 ? rest : NULL, " ", &save)) ==
		    NULL)
			return (-1);
	if (strtok_r(NULL, " ", &save) != NULL ||
	    unhex_exact(f[0], c->id, sizeof(c->id)) < 0 ||
	    unhex_exact(f[1], c->rp_hash, sizeof(c->rp_hash)) < 0 ||
	    unhex(f[2], c->user_id, sizeof(c->user_id), &c->user_id_len) < 0 ||
	    unhex(f[3], c->key, sizeof(c->key), &c->key_len) < 0 ||
	    c->key_len == 0)
		return (-1);
	st->ncreds++;
	return (0);
}

/* Reads and parses the state file; 0, or -1 (missing or malformed). */
int
vfido_state_load(const char *path, struct vfido_state *st)
{
	FILE		*f;
	char		*line = NULL, *sp;
	size_t		 cap = 0;
	ssize_t		 n;
	struct stat	 sb;
	bool		 first = true;
	int		 r = -1;

	memset(st, 0, sizeof(*st));
	if ((f = fopen(path, "re")) == NULL)
		return (-1);
	if (fstat(fileno(f), &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > VFIDO_STATE_MAX)
		goto out;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (first) {
			if (strcmp(line, "vfido-state 1") != 0)
				goto out;
			first = false;
			continue;
		}
		if ((sp = strchr(line, ' ')) == NULL)
			goto out;
		*sp++ = '\0';
		if (strcmp(line, "cred") == 0) {
			if (parse_cred(st, sp) < 0)
				goto out;
		} else if (vfido_state_set(st, line, sp) < 0)
			goto out;
	}
	if (!first && !ferror(f))
		r = 0;
out:
	if (line != NULL) {
		explicit_bzero(line, cap);
		free(line);
	}
	fclose(f);
	if (r < 0)
		vfido_state_wipe(st);
	return (r);
}

static int
write_state(FILE *f, const struct vfido_state *st)
{
	char algs[32];

	vfido_algs_format(vfido_algs(st), algs, sizeof(algs));
	fprintf(f, "vfido-state 1\naaguid ");
	puthex(f, st->aaguid, sizeof(st->aaguid));
	fprintf(f, "\ntouch %s\nattestation %s\nfault %s\nfault-at %lu\n"
	    "fault-count %lu\nalg %s\ncounter-mode %s\nprotocol %s\npin ",
	    vfido_touch_name(st->touch), vfido_attest_name(st->attest),
	    vfido_fault_name(st->fault), (unsigned long)st->fault_at,
	    (unsigned long)st->fault_count, algs,
	    st->counter_zero ? "zero" : "inc", st->u2f ? "u2f" : "fido2");
	puthex(f, st->pin_hash, st->pin_set ? sizeof(st->pin_hash) : 0);
	fprintf(f, "\npin-retries %u\n", st->pin_retries);
	/* A key without built-in UV: the file as before there was any. */
	if (st->builtin_uv)
		fprintf(f, "uv on\nuv-retries %u\nfinger %s\n",
		    st->uv_retries, st->uv_nomatch ? "nomatch" : "match");
	fprintf(f, "counter %lu\natt-key ", (unsigned long)st->counter);
	puthex(f, st->att_key, st->att_key_len);
	fprintf(f, "\natt-cert ");
	puthex(f, st->att_cert, st->att_cert_len);
	fputc('\n', f);
	for (size_t i = 0; i < st->ncreds; i++) {
		const struct vfido_cred *c = &st->creds[i];

		fprintf(f, "cred ");
		puthex(f, c->id, sizeof(c->id));
		fputc(' ', f);
		puthex(f, c->rp_hash, sizeof(c->rp_hash));
		fputc(' ', f);
		puthex(f, c->user_id, c->user_id_len);
		fputc(' ', f);
		puthex(f, c->key, c->key_len);
		fputc('\n', f);
	}
	return (ferror(f) ? -1 : 0);
}

/* Atomically replaces the state file: temp, fsync, rename, dir fsync. */
int
vfido_state_save(const char *path, const struct vfido_state *st)
{
	char	*tmp = NULL, *dcopy = NULL;
	FILE	*f = NULL;
	int	 fd = -1, dfd = -1;
	int	 r = -1;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		tmp = NULL;
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0 || (f = fdopen(fd, "w")) == NULL)
		goto out;
	fd = -1;
	if (write_state(f, st) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) < 0)
		goto out;
	if (fclose(f) != 0) {
		f = NULL;
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) < 0)
		goto out;
	if ((dcopy = strdup(path)) == NULL)
		goto out;
	if ((dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) >= 0)
		(void)fsync(dfd);
	r = 0;
out:
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (r < 0 && tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	free(dcopy);
	return (r);
}

/* Takes the device's lock (FILE.lock); returns its fd or -1. */
int
vfido_state_lock(const char *path)
{
	struct flock	 fl;
	char		*lp;
	int		 fd;

	if (asprintf(&lp, "%s.lock", path) < 0)
		return (-1);
	fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(lp);
	if (fd < 0)
		return (-1);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR) {
			close(fd);
			return (-1);
		}
	}
	return (fd);
}

void
vfido_state_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the fcntl lock */
}

void
vfido_state_wipe(struct vfido_state *st)
{
	OPENSSL_cleanse(st, sizeof(*st));
}
