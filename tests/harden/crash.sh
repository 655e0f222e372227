#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# 1000 trials of kill -9 during store updates (tests/harden/test_crash.c);
# MFA_CRASH_TRIALS changes the number.
exec /bin/sh "$(dirname "$0")/run.sh" test_crash "${MFA_CRASH_TRIALS:-1000}"
