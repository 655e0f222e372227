#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs libFuzzer targets for a bounded time each (used by `make fuzz`).
#
#	run-fuzz.sh [-t SECONDS] [-b BUILDDIR] [-s SRCDIR] [-o "NAMES"] NAME...
#
# For each NAME: copies SRCDIR/corpus/NAME into a scratch directory
# (new inputs never grow the committed corpus), adds SRCDIR/regress/NAME
# read-only when present, and runs BUILDDIR/fuzz_NAME for SECONDS with a
# per-target -max_len and the dictionary SRCDIR/dict/NAME.dict when there
# is one.  -o, when not empty, replaces the list of names.  A crash, leak,
# timeout or sanitizer report is copied to BUILDDIR/crashes/NAME/ with the
# log; the script exits 1 when any target failed.
set -u

time=300
bld=$(pwd)
src=$(cd "$(dirname "$0")" && pwd)
only=
while getopts t:b:s:o: opt; do
	case $opt in
	t) time=$OPTARG ;;
	b) bld=$OPTARG ;;
	s) src=$OPTARG ;;
	o) only=$OPTARG ;;
	*) echo "usage: $0 [-t s] [-b dir] [-s dir] [-o names] name..." >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$only" ] && set -- $only
[ $# -gt 0 ] || { echo "$0: no target" >&2; exit 2; }
case $time in
''|*[!0-9]*) echo "$0: bad time '$time'" >&2; exit 2 ;;
esac

# Longest useful input per target: a few credentials, two state slots
# (8 KiB) plus a little, a config with some sections, one expression
# (512 bytes accepted), a URI's worth of fields, one typed code, a
# DER RSA key or authenticator data, a pam_u2f line with a few keys, a
# pam_oath line, a google-authenticator file, a PSKC file of a few keys,
# a module argv with paths near their limit, a --batch file past one
# read buffer (16 KiB), a --map file of a few hundred tokens, text
# past the audit detail's 512 bytes, a PAM item past the largest bound
# tried (1024 bytes), a PAM service and its include files.
max_len() {
	case $1 in
	store) echo 8192 ;;
	state) echo 8448 ;;
	config) echo 4096 ;;
	expr) echo 640 ;;
	uri) echo 1024 ;;
	code) echo 128 ;;
	fido2) echo 1024 ;;
	import_u2f) echo 4096 ;;
	import_oath) echo 512 ;;
	import_gauth) echo 1024 ;;
	import_pskc) echo 8192 ;;
	args) echo 4096 ;;
	batch) echo 20480 ;;
	map) echo 16384 ;;
	escape) echo 1024 ;;
	logitem) echo 1100 ;;
	pamstack) echo 4096 ;;
	*) echo 4096 ;;
	esac
}

# Leaks are findings; UBSan must stop the run, not only print.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# Leaks inside third-party libraries we cannot fix (lsan.supp says which).
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/lsan.supp}
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

work=$(mktemp -d "${TMPDIR:-/tmp}/mfa-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

failed=
for name in "$@"; do
	bin=$bld/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "FAIL: $name: no $bin (configure CC=clang --enable-fuzzing)"
		failed="$failed $name"
		continue
	fi
	mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
	if [ -d "$src/corpus/$name" ]; then
		cp -R "$src/corpus/$name/." "$work/$name/corpus/"
	fi
	# The loop list was expanded already: reusing "$@" is safe.
	set -- "$work/$name/corpus"
	[ -d "$src/regress/$name" ] && set -- "$@" "$src/regress/$name"
	[ -f "$src/dict/$name.dict" ] && set -- "$@" "-dict=$src/dict/$name.dict"
	echo "fuzz_$name: ${time}s, -max_len=$(max_len "$name")"
	if "$bin" -max_total_time="$time" -max_len="$(max_len "$name")" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$work/$name/artifacts/" "$@" \
	    >"$work/$name/log" 2>&1; then
		sed -n 's/^stat::number_of_executed_units: */  runs: /p;
		    s/^#[0-9]*.*DONE *cov: \([0-9]*\).*/  cov: \1/p' \
		    "$work/$name/log"
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		failed="$failed $name"
		mkdir -p "$bld/crashes/$name"
		cp "$work/$name/log" "$bld/crashes/$name/log"
		cp "$work/$name/artifacts/"* "$bld/crashes/$name/" \
		    2>/dev/null
		tail -n 40 "$work/$name/log"
		echo "  inputs and log in $bld/crashes/$name/"
	fi
done
if [ -n "$failed" ]; then
	echo "make fuzz: failed:$failed"
	exit 1
fi
exit 0
