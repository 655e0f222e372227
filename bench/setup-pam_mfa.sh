#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# setup-pam_mfa.sh WORK POP: enrols user0..userPOP-1 in a pam_mfa store
# of their own ($WORK/mfa-POP/store) through libmfa (bench-enrol mfa:
# mfa_user_totp_add + mfa_user_totp_confirm for each user, the secret
# recorded in secrets.bin for the driver) and writes the services
#   mfa-totp-POP	require = totp
#   mfa-pw-POP		require = password AND totp, password = builtin
#			(the shadow entries come from the namespace's
#			/etc/shadow, see run.sh)
#   mfa-fido2-POP	require = fido2 (only when $BENCH_FIDO2_MFA holds
#			the fields of a fido2 store record, see run.sh)
# Every pam_mfa service logs its audit line through pam_syslog.
set -eu
WORK=$1
POP=$2
: "${BENCH_BUILDDIR:?}"
D=$WORK/mfa-$POP
MOD=$BENCH_BUILDDIR/pam_module/.libs/pam_mfa.so
rm -rf "$D"
mkdir -p "$D" "$WORK/pam"
mkdir -m 0700 "$D/store"
for kind in totp pw fido2; do
	{
		echo "store = $D/store"
		echo "fail_delay = 0"
		case $kind in
		totp)	echo "require = totp" ;;
		pw)	echo "require = password AND totp"
			echo "password = builtin" ;;
		fido2)	echo "require = fido2"
			cat "$WORK/fido2-mfa.conf" 2>/dev/null || : ;;
		esac
	} >"$D/$kind.conf"
	echo "auth required $MOD config=$D/$kind.conf" \
	    >"$WORK/pam/mfa-$kind-$POP"
done
if [ -n "${BENCH_FIDO2_MFA:-}" ]; then
	"$BENCH_BUILDDIR/bench/bench-enrol" mfa "$D/store" "$D/totp.conf" \
	    "$POP" "$D/secrets.bin" "$BENCH_FIDO2_MFA"
else
	rm -f "$WORK/pam/mfa-fido2-$POP"
	"$BENCH_BUILDDIR/bench/bench-enrol" mfa "$D/store" "$D/totp.conf" \
	    "$POP" "$D/secrets.bin"
fi
