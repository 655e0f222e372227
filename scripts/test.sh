#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The whole test suite, on a fresh Debian 12 machine (as root):
#
#	sh scripts/test.sh
#
# Installs missing dependencies, builds out of tree in ./_build with
# warnings as errors, runs make check (unit tests, PAM tests through
# pam_wrapper, mfactl and pamtester tests, real sshd/su/login, the
# hardening tests), the PAM-level tests under valgrind, cppcheck and
# clang-tidy, the same suite again built with ASan + UBSan, short
# libFuzzer runs of every parser, and make distcheck.  Exits non-zero
# on the first failure, after printing the failed tests' logs.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"

if [ "$(id -u)" -ne 0 ]; then
	echo "test.sh: run me as root (tests use mount namespaces and" \
	    "root-owned stores)" >&2
	exit 1
fi

step() {
	printf '\n==> %s\n' "$*"
}

# Prints the log of every test that did not pass.
show_failures() {
	find "$1" -name '*.trs' | sort | while read -r trs; do
		if grep -Eq '^:test-result: (FAIL|ERROR|XPASS)' "$trs"; then
			echo "---------------- ${trs%.trs}.log"
			cat "${trs%.trs}.log"
		fi
	done
}

# ./_build and the other build directories are configured out of tree,
# which configure refuses after an in-place build (README's "Build and
# install"): say so before spending time on the dependencies.
if [ -f config.status ]; then
	echo "test.sh: the source tree is configured in place;" \
	    "run 'make distclean' in it first" >&2
	exit 1
fi

step "Dependencies"
sh scripts/deps.sh

step "autoreconf"
autoreconf -fi

step "Configure and build in ./_build"
rm -rf _build
mkdir _build
cd _build
../configure --enable-werror
make -j2

step "make check"
if ! make -j2 check; then
	step "Failed tests"
	show_failures .
	exit 1
fi

step "PAM-level tests under valgrind memcheck"
make valgrind

step "Static checks: cppcheck and clang-tidy (.clang-tidy)"
make static-check

step "make check under AddressSanitizer + UndefinedBehaviorSanitizer"
cd "$TOP"
rm -rf _build-san
mkdir _build-san
cd _build-san
../configure --enable-werror --enable-sanitizers
make -j2
if ! make -j2 check; then
	step "Failed tests (sanitizers)"
	show_failures .
	exit 1
fi
cd "$TOP/_build"

step "Short libFuzzer runs (clang, ${FUZZ_TIME:-20} s per target)"
cd "$TOP"
rm -rf _build-fuzz
mkdir _build-fuzz
cd _build-fuzz
CC=clang ../configure --enable-fuzzing
make -j2
if ! make fuzz FUZZ_TIME="${FUZZ_TIME:-20}"; then
	step "A fuzz target failed; inputs are in _build-fuzz/tests/fuzz/crashes"
	exit 1
fi
cd "$TOP/_build"

step "make distcheck"
if ! make -j2 distcheck; then
	step "distcheck failed"
	# The failed tests' logs, if it got as far as make check.
	show_failures .
	exit 1
fi

step "All tests passed"
