#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Allocation failures in every libmfa entry point (tests/harden/test_alloc.c).
exec /bin/sh "$(dirname "$0")/run.sh" test_alloc "$@"
