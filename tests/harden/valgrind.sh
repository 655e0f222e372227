#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make valgrind`: the PAM-level tests under valgrind memcheck, failing
# on any memory error or definitely lost block:
#   - tests/pam/test_pam_mfa (tests/pam/pam_mfa.sh's program), which
#     re-executes itself through /proc/self/exe: libhz_vgexec.so makes
#     that exec the program rather than valgrind's tool;
#   - the hostile-input table (tests/harden/test_hostile).
# pam_wrapper loads libpam with RTLD_DEEPBIND, which would bind libpam
# to glibc's malloc rather than valgrind's: PAM_WRAPPER_DISABLE_DEEPBIND.
# Run from the top build directory (make valgrind does).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${MFA_TOP_BUILDDIR:-$(pwd)}
: "${VALGRIND:=valgrind}"
if ! command -v "$VALGRIND" >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind not installed" >&2
	exit 77
fi
vg="$VALGRIND -q --error-exitcode=1 --leak-check=full"
vg="$vg --errors-for-leak-kinds=definite --show-leak-kinds=definite"
vg="$vg --trace-children=yes --num-callers=30"
shim=$top_builddir/tests/harden/.libs/libhz_vgexec.so
module=$top_builddir/pam_module/.libs/pam_mfa.so
PAM_WRAPPER_DISABLE_DEEPBIND=1
export PAM_WRAPPER_DISABLE_DEEPBIND MFA_TOP_BUILDDIR="$top_builddir"
status=0

echo "==> valgrind: tests/pam/test_pam_mfa"
# shellcheck disable=SC2086
if /bin/sh "$here/../pam/ns-run.sh" --module "$module" \
    --libdir "$top_builddir/lib/.libs" env LD_PRELOAD="$shim" $vg \
    "$top_builddir/tests/pam/test_pam_mfa"; then
	echo "valgrind: tests/pam/test_pam_mfa clean"
else
	echo "valgrind: tests/pam/test_pam_mfa FAILED" >&2
	status=1
fi

echo "==> valgrind: tests/harden/test_hostile"
if MFA_HARDEN_WRAP="$vg" /bin/sh "$here/run.sh" test_hostile; then
	echo "valgrind: tests/harden/test_hostile clean"
else
	echo "valgrind: tests/harden/test_hostile FAILED" >&2
	status=1
fi
exit "$status"
