#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A power cut after each login and enrolment that returned: the durable
# view of the store must hold what it promised (tests/harden/test_powerloss.c).
exec /bin/sh "$(dirname "$0")/run.sh" test_powerloss
