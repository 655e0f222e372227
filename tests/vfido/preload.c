/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LD_PRELOAD shim (tests only, never installed): makes the virtual
 * devices of VFIDO_STATE visible to an unmodified program using
 * libfido2.  It interposes
 *   fido_dev_info_manifest: the real list, then "vfido:N" entries added
 *	with fido_dev_info_set() and the vfido I/O hooks (with VFIDO_TRACE
 *	set to a file, each call appends a line "manifest" to it, so that
 *	tests can count how often a program lists the keys; VFIDO_PRODUCT,
 *	when set, is the product string of every entry, for hostile names);
 *   fido_dev_open: for "vfido:" paths, fido_dev_set_io_functions()
 *	first, then the real fido_dev_open();
 *   fido_dev_new_with_info: for "vfido:" entries, the real one and then
 *	fido_dev_set_io_functions() (libfido2 1.12 would otherwise treat
 *	the handle as hidraw), so fido_dev_open_with_info() works too;
 *   fido_dev_get_cbor_info: the real one; with VFIDO_TRACE_INFO set to
 *	a file, each call appends a line "getinfo" to it, so that tests
 *	can count the getInfo round trips a program asks for (the one
 *	inside fido_dev_open() is not seen: libfido2 calls it within).
 * Everything else, and every other path, goes to the real libfido2.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fido.h>

#include "vfido.h"

static const fido_dev_io_t vfido_io = {
	vfido_io_open,
	vfido_io_close,
	vfido_io_read,
	vfido_io_write,
};

static void *
real(const char *name)
{
	void *f;

	if ((f = dlsym(RTLD_NEXT, name)) == NULL)
		fprintf(stderr, "vfido preload: %s not found: %s\n", name,
		    dlerror());
	return (f);
}

/* Appends what to the file named by the variable env, if set. */
static void
trace_to(const char *env, const char *what)
{
	const char	*path = getenv(env);
	FILE		*f;

	if (path == NULL || path[0] == '\0')
		return;
	if ((f = fopen(path, "ae")) == NULL) {
		fprintf(stderr, "vfido preload: %s: cannot append\n", path);
		return;
	}
	fprintf(f, "%s\n", what);
	if (fclose(f) != 0)
		fprintf(stderr, "vfido preload: %s: write error\n", path);
}

static int
is_vfido(const char *path)
{
	return (path != NULL && strncmp(path, VFIDO_PATH_PREFIX,
	    strlen(VFIDO_PATH_PREFIX)) == 0);
}

int
fido_dev_info_manifest(fido_dev_info_t *devlist, size_t ilen, size_t *olen)
{
	int	(*f)(fido_dev_info_t *, size_t, size_t *);
	const char *product = getenv("VFIDO_PRODUCT");
	char	path[32];
	size_t	n, nv;
	int	r;

	*olen = 0;
	trace_to("VFIDO_TRACE", "manifest");
	if (product == NULL)
		product = VFIDO_PRODUCT;
	if ((*(void **)&f = real("fido_dev_info_manifest")) == NULL)
		return (FIDO_ERR_INTERNAL);
	if ((r = f(devlist, ilen, &n)) != FIDO_OK)
		return (r);
	nv = vfido_ndevices();
	for (size_t i = 0; i < nv && n < ilen; i++) {
		snprintf(path, sizeof(path), "%s%zu", VFIDO_PATH_PREFIX, i);
		if ((r = fido_dev_info_set(devlist, n, path,
		    VFIDO_MANUFACTURER, product, &vfido_io,
		    NULL)) != FIDO_OK)
			return (r);
		n++;
	}
	*olen = n;
	return (FIDO_OK);
}

int
fido_dev_open(fido_dev_t *dev, const char *path)
{
	int	(*f)(fido_dev_t *, const char *);
	int	r;

	if ((*(void **)&f = real("fido_dev_open")) == NULL)
		return (FIDO_ERR_INTERNAL);
	if (is_vfido(path) &&
	    (r = fido_dev_set_io_functions(dev, &vfido_io)) != FIDO_OK)
		return (r);
	return (f(dev, path));
}

fido_dev_t *
fido_dev_new_with_info(const fido_dev_info_t *di)
{
	fido_dev_t	*(*f)(const fido_dev_info_t *);
	fido_dev_t	*dev;

	if ((*(void **)&f = real("fido_dev_new_with_info")) == NULL)
		return (NULL);
	if ((dev = f(di)) == NULL)
		return (NULL);
	if (is_vfido(fido_dev_info_path(di)) &&
	    fido_dev_set_io_functions(dev, &vfido_io) != FIDO_OK)
		fido_dev_free(&dev);
	return (dev);
}

int
fido_dev_get_cbor_info(fido_dev_t *dev, fido_cbor_info_t *ci)
{
	int	(*f)(fido_dev_t *, fido_cbor_info_t *);

	trace_to("VFIDO_TRACE_INFO", "getinfo");
	if ((*(void **)&f = real("fido_dev_get_cbor_info")) == NULL)
		return (FIDO_ERR_INTERNAL);
	return (f(dev, ci));
}
