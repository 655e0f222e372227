#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A full store file system through PAM and mfactl
# (tests/harden/test_diskfull.c).
exec /bin/sh "$(dirname "$0")/run.sh" test_diskfull "$@"
