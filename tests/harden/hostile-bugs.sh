#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The rows of the hostile-input table that fail because of known bugs
# (not in make check; run by hand after a fix, then move the rows into
# the table proper): MFA_TOP_BUILDDIR=$PWD sh tests/harden/hostile-bugs.sh
exec /bin/sh "$(dirname "$0")/run.sh" test_hostile --bugs "$@"
