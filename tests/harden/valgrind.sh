#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make valgrind`: the PAM-level tests under valgrind memcheck, failing
# on any memory error or definitely lost block:
#   - tests/pam/test_pam_mfa (tests/pam/pam_mfa.sh's program), which
#     re-executes itself through /proc/self/exe: libhz_vgexec.so makes
#     that exec the program rather than valgrind's tool;
#   - the FIDO2 programs (test_pam_fido2, test_pam_fido2b,
#     test_pam_fido2uv: libfido2 and the virtual key's replies), the
#     recovery codes (test_pam_recovery), the module's set-up and
#     options (test_pam_setup) and libfido2 loaded on first use
#     (test_pam_lazy's test_lazy_* cases), run the same way as their
#     make check scripts;
#   - the other spellings of user names (test_pam_names), through
#     pam_names.sh, which sets up its nss_wrapper;
#   - the hostile-input table (tests/harden/test_hostile).
# valgrind.supp holds the suppressed leaks that are not pam_mfa's.
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
vg="$vg --suppressions=$here/valgrind.supp"
shim=$top_builddir/tests/harden/.libs/libhz_vgexec.so
module=$top_builddir/pam_module/.libs/pam_mfa.so
PAM_WRAPPER_DISABLE_DEEPBIND=1
export PAM_WRAPPER_DISABLE_DEEPBIND MFA_TOP_BUILDDIR="$top_builddir"
status=0

# vg_report NAME RC: the verdict on one program (77, all skipped, is
# no failure, but is said as such, not as clean).
vg_report() {
	if [ "$2" -eq 0 ]; then
		echo "valgrind: $1 clean"
	elif [ "$2" -eq 77 ]; then
		echo "valgrind: $1 skipped (nothing checked)"
	else
		echo "valgrind: $1 FAILED" >&2
		status=1
	fi
}

# vg_pam PROG [FILTER]: one PAM-level program (with MFA_PAMTEST_FILTER
# set to FILTER when given).
vg_pam() {
	echo "==> valgrind: tests/pam/$1${2:+ ($2)}"
	rc=0
	# Set only with a filter: an empty one would match no test.
	if [ -n "${2:-}" ]; then
		MFA_PAMTEST_FILTER=$2
		export MFA_PAMTEST_FILTER
	else
		unset MFA_PAMTEST_FILTER
	fi
	# shellcheck disable=SC2086
	/bin/sh "$here/../pam/ns-run.sh" \
	    --module "$module" --libdir "$top_builddir/lib/.libs" \
	    env LD_PRELOAD="$shim" $vg "$top_builddir/tests/pam/$1" || rc=$?
	vg_report "tests/pam/$1" "$rc"
}

for prog in test_pam_mfa test_pam_fido2 test_pam_fido2b test_pam_fido2uv \
    test_pam_recovery test_pam_setup; do
	vg_pam "$prog"
done
echo "==> valgrind: tests/pam/test_pam_names"
rc=0
MFA_PAMTEST_WRAP="env LD_PRELOAD=$shim $vg" \
    /bin/sh "$here/../pam/pam_names.sh" || rc=$?
vg_report tests/pam/test_pam_names "$rc"
# As pam_lazy.sh runs it, without its masked-library case: there
# glibc's dlopen() of the empty file fails and leaks the path it found
# in ld.so.cache (a strdup() in _dl_load_cache_lookup, glibc 2.36),
# whoever calls it.
vg_pam test_pam_lazy 'test_lazy_*'

echo "==> valgrind: tests/harden/test_hostile"
rc=0
MFA_HARDEN_WRAP="$vg" /bin/sh "$here/run.sh" test_hostile || rc=$?
vg_report tests/harden/test_hostile "$rc"
exit "$status"
