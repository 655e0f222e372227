#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# setup-pam_oath.sh WORK POP: one pam_oath usersfile with user0..POP-1
# (HOTP/T30/6, SHA-1, the secrets of $WORK/secrets.bin) and the service
# oath-POP: pam_oath with window=1 (+-1 step, as pam_mfa's default).
# pam_oath rewrites the whole file (under a lock file) on every login.
set -eu
WORK=$1
POP=$2
: "${BENCH_BUILDDIR:?}" "${BENCH_PAMLIB:?}"
D=$WORK/oath-$POP
rm -rf "$D"
mkdir -p -m 0700 "$D"
mkdir -p "$WORK/pam"
"$BENCH_BUILDDIR/bench/bench-enrol" oath "$D/users.oath" "$POP" \
    "$WORK/secrets.bin"
echo "auth required $BENCH_PAMLIB/pam_oath.so usersfile=$D/users.oath" \
    "window=1 digits=6" >"$WORK/pam/oath-$POP"
