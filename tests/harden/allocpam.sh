#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Allocation failures through PAM (tests/harden/test_allocpam.c).
exec /bin/sh "$(dirname "$0")/run.sh" test_allocpam "$@"
