#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check: replays every fuzz target's seed corpus (corpus/NAME/) and
# kept crash inputs (regress/NAME/) through its replay_NAME driver, in
# whatever build this is (gcc, sanitizers, clang with --enable-fuzzing).
# Needs MFA_TOP_SRCDIR and MFA_TOP_BUILDDIR (set by SH_LOG_COMPILER).
src=${MFA_TOP_SRCDIR:?}/tests/fuzz
bld=${MFA_TOP_BUILDDIR:?}/tests/fuzz

# Sanitizer builds: a report is a failure, not a warning.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS

fail=0
count=0
for dir in "$src"/corpus/*/; do
	name=$(basename "$dir")
	bin=$bld/replay_$name
	if [ ! -x "$bin" ]; then
		echo "FAIL: corpus/$name has no replay program $bin"
		fail=1
		continue
	fi
	set -- "$src/corpus/$name"
	[ -d "$src/regress/$name" ] && set -- "$@" "$src/regress/$name"
	if "$bin" "$@"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name (exit $?)"
		fail=1
	fi
	count=$((count + 1))
done
if [ "$count" -eq 0 ]; then
	echo "FAIL: no corpus under $src/corpus"
	exit 1
fi
exit $fail
