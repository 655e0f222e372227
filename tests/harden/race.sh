#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# 32 parallel logins through PAM (tests/harden/test_race.c).
exec /bin/sh "$(dirname "$0")/run.sh" test_race "$@"
