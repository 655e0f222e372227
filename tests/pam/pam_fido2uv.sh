#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check entry point of the PAM-level tests: runs the FIDO2
# libpamtest program tests/pam/test_pam_fido2uv (keys with built-in user
# verification, a fingerprint) against pam_mfa.so and libmfa.so from the
# build tree, inside ns-run.sh's private mount namespace.
# Run from the top build directory (as the automake test harness does).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${MFA_TOP_BUILDDIR:-$(pwd)}

prog=$top_builddir/tests/pam/test_pam_fido2uv
module=$top_builddir/pam_module/.libs/pam_mfa.so
for f in "$prog" "$module"; do
	if [ ! -f "$f" ]; then
		echo "pam_fido2uv.sh: $f not built (run from the build dir)" >&2
		exit 99
	fi
done
exec /bin/sh "$here/ns-run.sh" --module "$module" \
    --libdir "$top_builddir/lib/.libs" "$prog" "$@"
