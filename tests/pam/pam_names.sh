#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check entry point of tests/pam/test_pam_names: logins under
# other spellings of an account's name.  The user database is
# nss_wrapper's, which asks the test-only NSS module tests/pam/nss_ci.c
# (case-insensitive names, qualified names in corp.example) before the
# namespace's /etc/passwd and /etc/group; pam_wrapper's pam_matrix
# stands in for pam_sss in the stacked test.  Skipped without
# nss_wrapper.  Run from the top build directory.  MFA_PAMTEST_WRAP: a
# command line to run the program under (tests/harden/valgrind.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${MFA_TOP_BUILDDIR:-$(pwd)}

prog=$top_builddir/tests/pam/test_pam_names
module=$top_builddir/pam_module/.libs/pam_mfa.so
nssci=$top_builddir/tests/pam/.libs/libnss_ci.so
for f in "$prog" "$module" "$nssci"; do
	if [ ! -f "$f" ]; then
		echo "pam_names.sh: $f not built (run from the build dir)" >&2
		exit 99
	fi
done
nssw=$(pkg-config --libs nss_wrapper 2>/dev/null | tr -d " ") || nssw=
if [ ! -f "$nssw" ]; then
	echo "pam_names.sh: nss_wrapper is missing; skipped" >&2
	exit 77
fi
matrix=$(pkg-config --variable=modules pam_wrapper 2>/dev/null)/pam_matrix.so
if [ -f "$matrix" ]; then
	MFA_PAM_MATRIX=$matrix
	export MFA_PAM_MATRIX
fi
# Only the re-executed test program preloads nss_wrapper (pamtest.c).
MFA_NSS_WRAPPER=$nssw
NSS_WRAPPER_PASSWD=/etc/passwd
NSS_WRAPPER_GROUP=/etc/group
NSS_WRAPPER_MODULE_SO_PATH=$nssci
NSS_WRAPPER_MODULE_FN_PREFIX=ci
NSS_CI_PASSWD=/etc/passwd
NSS_CI_DOMAIN=corp.example
export MFA_NSS_WRAPPER NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP \
    NSS_WRAPPER_MODULE_SO_PATH NSS_WRAPPER_MODULE_FN_PREFIX NSS_CI_PASSWD \
    NSS_CI_DOMAIN
# shellcheck disable=SC2086
exec /bin/sh "$here/ns-run.sh" --module "$module" \
    --libdir "$top_builddir/lib/.libs" ${MFA_PAMTEST_WRAP:-} "$prog" "$@"
