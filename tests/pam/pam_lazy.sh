#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check entry point of the tests of libfido2's lazy loading
# (lib/fido2_dl.c): tests/pam/lazy_unload on libmfa.so from the build
# tree, then tests/pam/test_pam_lazy twice inside ns-run.sh's private
# mount namespace, as two processes: its test_lazy_* tests need a
# process that has not loaded libfido2 yet, its test_masked_* tests one
# whose libfido2 file is hidden before anything loads it.
# Run from the top build directory (as the automake test harness does).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${MFA_TOP_BUILDDIR:-$(pwd)}

unload=$top_builddir/tests/pam/lazy_unload
prog=$top_builddir/tests/pam/test_pam_lazy
module=$top_builddir/pam_module/.libs/pam_mfa.so
libmfa=$top_builddir/lib/.libs/libmfa.so.0
for f in "$unload" "$prog" "$module" "$libmfa"; do
	if [ ! -f "$f" ]; then
		echo "pam_lazy.sh: $f not built (run from the build dir)" >&2
		exit 99
	fi
done

"$unload" "$libmfa"
echo "lazy_unload: ok"

skipped=0
for filter in 'test_lazy_*' 'test_masked_*'; do
	rc=0
	MFA_PAMTEST_FILTER=$filter /bin/sh "$here/ns-run.sh" \
	    --module "$module" --libdir "$top_builddir/lib/.libs" \
	    "$prog" "$@" || rc=$?
	case $rc in
	0) ;;
	77) skipped=1 ;;
	*) exit "$rc" ;;
	esac
done
[ "$skipped" -eq 0 ] || exit 77
