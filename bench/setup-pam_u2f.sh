#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# setup-pam_u2f.sh WORK init: a virtual FIDO2 key ($WORK/vfido.state,
#	tests/vfido, PIN $BENCH_PIN) and one credential made on it through
#	the LD_PRELOAD shim with pamu2fcfg (origin pam://bench, PIN
#	verification); its pam_u2f authfile fields go to $WORK/u2f.rec.
#	When pam_mfa's store format has fido2 records (pam_mfa-store(5))
#	and the module takes fido2 logins, the same credential in that
#	format goes to $WORK/fido2-mfa.rec (the config to fido2-mfa.conf).
# setup-pam_u2f.sh WORK POP: the authfile $WORK/u2f-POP/u2f_keys with
#	user0..userPOP-1, all holding that credential, and the service
#	u2f-POP (pinverification=1, as pam_mfa's fido2_uv = required).
set -eu
WORK=$1
POP=$2
: "${BENCH_BUILDDIR:?}" "${BENCH_SHIM:?}" "${BENCH_PIN:?}"
CTL=$BENCH_BUILDDIR/tests/vfido/vfido-ctl
if [ "$POP" = init ]; then
	command -v pamu2fcfg >/dev/null 2>&1 ||
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q pamu2fcfg \
	    >&2
	# pamu2fcfg verifies an x5c attestation: a throwaway test CA.
	"$CTL" ca "$WORK/vfido-ca.key" "$WORK/vfido-ca.pem" >&2
	"$CTL" init "$WORK/vfido.state" --pin "$BENCH_PIN" --attestation x5c \
	    --ca-key "$WORK/vfido-ca.key" --ca-cert "$WORK/vfido-ca.pem" >&2
	printf '%s\n' "$BENCH_PIN" >"$WORK/pin"
	timeout 20 env LD_PRELOAD="$BENCH_SHIM" \
	    VFIDO_STATE="$WORK/vfido.state" setsid -w pamu2fcfg -o pam://bench -i pam://bench -u bench -N \
	    <"$WORK/pin" >"$WORK/u2f.line"
	# "bench:KEYHANDLE,PUBKEY,es256,+presence+pin"
	sed -n 's/^bench://p' "$WORK/u2f.line" | head -n 1 >"$WORK/u2f.rec"
	[ -s "$WORK/u2f.rec" ] || exit 1
	# pam_mfa: store record fields (credid base64url, pubkey DER base64).
	kh=$(cut -d, -f1 "$WORK/u2f.rec")
	pk=$(cut -d, -f2 "$WORK/u2f.rec")
	if grep -q fido2_rp_id "$BENCH_SRCDIR/man/pam_mfa.conf.5" 2>/dev/null &&
	    grep -q 'MFA_FACTOR_FIDO2' "$BENCH_SRCDIR/pam_module/pam_mfa.c" &&
	    ! grep -q 'TODO(issue #3 FIDO2' "$BENCH_SRCDIR/pam_module/pam_mfa.c"
	then
		credid=$(printf '%s' "$kh" | tr '+/' '-_' | tr -d '=')
		# raw P-256 point (x||y) -> DER SubjectPublicKeyInfo
		der=$( { printf '3059301306072a8648ce3d020106082a8648ce3d030107034200'
		    printf '04'
		    printf '%s' "$pk" | base64 -d | od -An -tx1 | tr -d ' \n' |
		    sed 's/^04//'; } | xxd -r -p | base64 -w0)
		echo "status=active alg=es256 created=$(date +%s) label=bench" \
		    "credid=$credid pubkey=$der" \
		    "aaguid=$("$CTL" show "$WORK/vfido.state" | sed -n 's/^aaguid //p') uv=1 up=1" \
		    >"$WORK/fido2-mfa.rec"
		printf 'fido2_rp_id = pam://bench\nfido2_uv = required\n' \
		    >"$WORK/fido2-mfa.conf"
	fi
	exit 0
fi
D=$WORK/u2f-$POP
rm -rf "$D"
mkdir -p -m 0700 "$D"
"$BENCH_BUILDDIR/bench/bench-enrol" u2f "$D/u2f_keys" "$POP" \
    "$(cat "$WORK/u2f.rec")"
echo "auth required $BENCH_PAMLIB/pam_u2f.so authfile=$D/u2f_keys" \
    "origin=pam://bench appid=pam://bench pinverification=1 cue" \
    "authpending_file=" >"$WORK/pam/u2f-$POP"
