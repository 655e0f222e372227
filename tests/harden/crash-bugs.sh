#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/harden/test_crash.c with its known bugs counted as failures (not
# in make check; run by hand after a fix, then drop the allowance in
# the test): MFA_TOP_BUILDDIR=$PWD sh tests/harden/crash-bugs.sh [TRIALS]
exec /bin/sh "$(dirname "$0")/run.sh" test_crash --bugs "$@"
