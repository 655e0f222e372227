#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# setup-google_authenticator.sh WORK POP: one secret file per user
# ($WORK/gauth-POP/userI: TOTP_AUTH, WINDOW_SIZE 3 = +-1 step,
# DISALLOW_REUSE, the secrets of $WORK/secrets.bin) and the service
# gauth-POP: pam_google_authenticator secret=DIR/${USER} user=root.
# DISALLOW_REUSE is its replay protection: the file is rewritten on
# every login (no lock).
set -eu
WORK=$1
POP=$2
: "${BENCH_BUILDDIR:?}" "${BENCH_PAMLIB:?}"
D=$WORK/gauth-$POP
rm -rf "$D"
mkdir -p -m 0700 "$D"
mkdir -p "$WORK/pam"
"$BENCH_BUILDDIR/bench/bench-enrol" gauth "$D" "$POP" "$WORK/secrets.bin"
# shellcheck disable=SC2016
echo "auth required $BENCH_PAMLIB/pam_google_authenticator.so" \
    'secret='"$D"'/${USER} user=root' >"$WORK/pam/gauth-$POP"
