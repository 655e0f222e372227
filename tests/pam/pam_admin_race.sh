#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check entry point of the PAM-level tests of an administrator
# changing a user's store while a login of that user waits on a prompt:
# runs the libpamtest program tests/pam/test_pam_admin_race against
# pam_mfa.so and libmfa.so from the build tree, inside ns-run.sh's
# private mount namespace.
# Run from the top build directory (as the automake test harness does).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${MFA_TOP_BUILDDIR:-$(pwd)}

prog=$top_builddir/tests/pam/test_pam_admin_race
module=$top_builddir/pam_module/.libs/pam_mfa.so
for f in "$prog" "$module"; do
	if [ ! -f "$f" ]; then
		echo "pam_admin_race.sh: $f not built (run from the build" \
		    "dir)" >&2
		exit 99
	fi
done
exec /bin/sh "$here/ns-run.sh" --module "$module" \
    --libdir "$top_builddir/lib/.libs" "$prog" "$@"
