/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The otpauth:// URI of a new TOTP credential as a QR code, for the
 * authenticator app's camera: drawn on the terminal, or written to a
 * PNG file for printing.  The code holds the secret, so every buffer
 * that holds it (the symbol, the text, the image, the PNG) is wiped,
 * and output goes out with write(2), past stdio's buffers.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfactl.h"

#define QUIET		4	/* modules of quiet zone, ISO/IEC 18004 */
#define PNG_SCALE	8	/* pixels per module */
#define QR_WIDTH_MAX	177	/* modules of a version 40 symbol */

/* Writes all of buf[0..len) to fd.  Returns 0, or -1 with errno set. */
static int
write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static QRcode *
encode(const char *text)
{
	QRcode *qr;

	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr != NULL && (qr->width <= 0 || qr->width > QR_WIDTH_MAX)) {
		QRcode_free(qr);
		qr = NULL;
	}
	if (qr == NULL && errno == 0)
		errno = EIO;
	return qr;
}

static void
qr_wipe_free(QRcode *qr)
{
	if (qr == NULL)
		return;
	if (qr->data != NULL)
		explicit_bzero(qr->data, (size_t)qr->width * (size_t)qr->width);
	QRcode_free(qr);
}

/* 1 when module (x, y) of the symbol with its quiet zone is dark. */
static int
dark(const QRcode *qr, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->data[y * qr->width + x] & 1;
}

static void
put(char **p, const char *s)
{
	size_t n = strlen(s);

	memcpy(*p, s, n);
	*p += n;
}

int
mfactl_qr_terminal(const char *text)
{
	/*
	 * Black on white, whatever the terminal's colours: scanners want
	 * dark modules on a light ground.  With UTF-8 one character cell
	 * shows two modules, one above the other, in half blocks; without
	 * it, two coloured spaces make one module.
	 */
	static const char white_black[] = "\033[30;107m", reset[] = "\033[0m";
	static const char *const half[4] = {
		" ", "\342\226\204", "\342\226\200", "\342\226\210"
	};	/* none, lower, upper, both dark: ' ', U+2584, U+2580, U+2588 */
	QRcode *qr;
	char *buf = NULL, *p;
	size_t cap = 0;
	int utf8, size, x, y, ret = -1, saved;

	errno = 0;
	if ((qr = encode(text)) == NULL)
		return -1;
	size = qr->width + 2 * QUIET;
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* Per line: colours, the cells (at most 3 bytes), reset, newline. */
	cap = (size_t)size * (sizeof(white_black) + sizeof(reset) + 2 +
	    (size_t)size * 11);
	if ((buf = malloc(cap)) == NULL)
		goto out;
	p = buf;
	for (y = 0; y < size; y += utf8 ? 2 : 1) {
		put(&p, white_black);
		for (x = 0; x < size; x++) {
			if (utf8)
				put(&p, half[dark(qr, x, y) << 1 |
				    dark(qr, x, y + 1)]);
			else
				put(&p, dark(qr, x, y) ? "\033[40m  " :
				    "\033[107m  ");
		}
		put(&p, reset);
		put(&p, "\n");
	}
	if (fflush(stdout) == EOF ||
	    write_all(STDOUT_FILENO, buf, (size_t)(p - buf)) == -1)
		goto out;
	ret = 0;
out:
	saved = errno;
	if (buf != NULL)
		explicit_bzero(buf, cap);
	free(buf);
	qr_wipe_free(qr);
	errno = saved;
	return ret;
}

int
mfactl_qr_png_create(const char *path)
{
	/* Never through a link, never over an existing file. */
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, S_IRUSR | S_IWUSR);
}

int
mfactl_qr_png_write(int fd, const char *text)
{
	png_image image;
	QRcode *qr = NULL;
	unsigned char *pixels = NULL, *png = NULL;
	png_alloc_size_t pnglen = 0, pngcap = 0;
	size_t side = 0, x, y;
	int ret = -1, saved;

	errno = 0;
	memset(&image, 0, sizeof(image));
	if ((qr = encode(text)) == NULL)
		goto out;
	side = (size_t)(qr->width + 2 * QUIET) * PNG_SCALE;
	if ((pixels = malloc(side * side)) == NULL)
		goto out;
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++)
			pixels[y * side + x] = dark(qr, (int)(x / PNG_SCALE),
			    (int)(y / PNG_SCALE)) ? 0 : 255;
	image.version = PNG_IMAGE_VERSION;
	image.width = (png_uint_32)side;
	image.height = (png_uint_32)side;
	image.format = PNG_FORMAT_GRAY;
	/* The first call sizes the PNG, the second writes it. */
	if (!png_image_write_to_memory(&image, NULL, &pngcap, 0, pixels, 0,
	    NULL) || (png = malloc(pngcap)) == NULL)
		goto fail;
	pnglen = pngcap;
	if (!png_image_write_to_memory(&image, png, &pnglen, 0, pixels, 0,
	    NULL) || pnglen > pngcap)
		goto fail;
	if (write_all(fd, png, pnglen) == -1 || fsync(fd) == -1)
		goto out;
	ret = 0;
	goto out;
fail:
	if (errno == 0)
		errno = EIO;
out:
	saved = errno;
	png_image_free(&image);
	if (png != NULL)
		explicit_bzero(png, pngcap);
	free(png);
	if (pixels != NULL)
		explicit_bzero(pixels, side * side);
	free(pixels);
	qr_wipe_free(qr);
	if (close(fd) == -1 && ret == 0) {
		ret = -1;
		saved = errno;
	}
	errno = saved;
	return ret;
}
