#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Static checks of lib/, pam_module/ and tools/: cppcheck and clang-tidy
# with the build's own preprocessor flags (config.h, include paths,
# pkg-config cflags).  Zero findings required; the suppressions and
# disabled checks, each with its reason, are in .cppcheck-suppressions
# and .clang-tidy.
#
#	sh scripts/static-check.sh [BUILDDIR]	(default: ./_build)
#	make static-check			(from a build directory)
#
# Needs cppcheck, clang-tidy, run-clang-tidy and python3 (Debian:
# cppcheck clang-tidy python3).  Exit: 0 clean, 1 findings, 2 usage.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-${MFA_BUILDDIR:-$top/_build}}
jobs=${JOBS:-2}
if [ ! -f "$builddir/config.h" ] || [ ! -f "$builddir/Makefile" ]; then
	echo "static-check: $builddir is not a configured build directory" >&2
	exit 2
fi
for t in cppcheck clang-tidy run-clang-tidy python3; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "static-check: $t not installed" >&2
		exit 2
	fi
done
builddir=$(cd "$builddir" && pwd)
# The compiler's -D/-I flags; _FORTIFY_SOURCE needs -O and would only
# make clang-tidy warn about that.
# make's echo drops the shell quotes around -DNAME='"value"'; splitting
# without POSIX rules keeps the double quotes, which the compiler needs.
flags=$(make -s -C "$builddir" static-check-flags |
    sed 's/-D_FORTIFY_SOURCE=[0-9]*//g; s/-U_FORTIFY_SOURCE//g' |
    python3 -c 'import shlex, sys
print(" ".join(shlex.quote(a) for a in shlex.split(sys.stdin.read(),
    posix=False)))')
cd "$top"
files=$(ls lib/*.c pam_module/*.c tools/*.c)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mfa-static.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
status=0

echo "==> cppcheck $(cppcheck --version | sed 's/^Cppcheck //')"
# libfido2's COSE_* constants: cppcheck reads no system header, and
# fido2_codec.c checks them against ours with #error.
# shellcheck disable=SC2086
eval "set -- $flags"
if ! cppcheck --std=c11 --enable=warning,portability,performance \
    --error-exitcode=1 --inline-suppr -q \
    --suppressions-list=.cppcheck-suppressions \
    -DCOSE_ES256=-7 -DCOSE_EDDSA=-8 -DCOSE_RS256=-257 \
    "$@" $files; then
	echo "static-check: cppcheck found problems" >&2
	status=1
else
	echo "cppcheck: $(echo "$files" | wc -w) files, no findings"
fi

echo "==> clang-tidy $(clang-tidy --version | sed -n 's/.*version //p')"
MFA_FLAGS=$flags MFA_TOP=$top python3 - "$tmp/compile_commands.json" \
    $files <<'PY'
import json, os, shlex, sys
flags = shlex.split(os.environ["MFA_FLAGS"])	# quoted by the shell above
top = os.environ["MFA_TOP"]
db = [{"directory": top, "file": os.path.join(top, f),
       "arguments": ["cc", "-std=gnu11"] + flags + ["-c", f]}
      for f in sys.argv[2:]]
with open(sys.argv[1], "w") as out:
    json.dump(db, out)
PY
# shellcheck disable=SC2086
if ! run-clang-tidy -quiet -j "$jobs" -p "$tmp" $files \
    >"$tmp/tidy.out" 2>&1; then
	grep -E 'warning:|error:' "$tmp/tidy.out" | sort -u || true
	echo "static-check: clang-tidy found problems" >&2
	status=1
elif grep -qE 'warning:|error:' "$tmp/tidy.out"; then
	grep -E 'warning:|error:' "$tmp/tidy.out" | sort -u
	status=1
else
	echo "clang-tidy: $(echo "$files" | wc -w) files, no findings"
fi
exit "$status"
