#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The hostile-input table (tests/harden/test_hostile.c).
exec /bin/sh "$(dirname "$0")/run.sh" test_hostile "$@"
