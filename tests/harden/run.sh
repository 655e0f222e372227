#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs one PAM-level hardening program from the build tree inside
# tests/pam/ns-run.sh's private mount namespace, against pam_mfa.so and
# libmfa.so from the build tree.  Syslog lines and secrets the program
# used are copied to tests/harden/seclog/ for tests/harden/secrets.sh.
#
# Usage: run.sh PROGRAM [ARGS]   (PROGRAM relative to tests/harden/)
# Environment: MFA_TOP_BUILDDIR (default: the current directory),
# MFA_HARDEN_WRAP (a command line to run the program under, e.g.
# valgrind).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${MFA_TOP_BUILDDIR:-$(pwd)}
prog=$top_builddir/tests/harden/$1
shift
module=$top_builddir/pam_module/.libs/pam_mfa.so
for f in "$prog" "$module"; do
	if [ ! -f "$f" ]; then
		echo "run.sh: $f not built (run from the build dir)" >&2
		exit 99
	fi
done
MFA_HARDEN_LOGDIR=$top_builddir/tests/harden/seclog
mkdir -p "$MFA_HARDEN_LOGDIR"
rm -f "$MFA_HARDEN_LOGDIR/$(basename "$prog")".*
export MFA_HARDEN_LOGDIR MFA_TOP_BUILDDIR="$top_builddir"
# shellcheck disable=SC2086
exec /bin/sh "$here/../pam/ns-run.sh" --module "$module" \
    --libdir "$top_builddir/lib/.libs" ${MFA_HARDEN_WRAP:-} "$prog" "$@"
