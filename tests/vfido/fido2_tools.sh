#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The unmodified fido2-tools (fido2-token, fido2-cred, fido2-assert)
# see and use the virtual authenticator through the LD_PRELOAD shim:
# proof that it speaks real CTAPHID/CTAP2 to the real libfido2.
: "${MFA_TOP_BUILDDIR:?run through make check}"

ntests=0
nfailed=0
ok() { ntests=$((ntests + 1)); echo "ok $ntests - $*"; }
not_ok() {
	ntests=$((ntests + 1)); nfailed=$((nfailed + 1))
	echo "not ok $ntests - $*"
}
check() {
	_desc=$1; shift
	if "$@"; then ok "$_desc"; else not_ok "$_desc"; fi
}
skip_all() { echo "SKIP: $*"; exit 77; }

for t in fido2-token fido2-cred fido2-assert openssl setsid; do
	command -v $t >/dev/null 2>&1 || skip_all "$t is missing"
done
CTL=$MFA_TOP_BUILDDIR/tests/vfido/vfido-ctl
SHIM=$MFA_TOP_BUILDDIR/tests/vfido/.libs/libvfido_preload.so
[ -x "$CTL" ] && [ -f "$SHIM" ] || { echo "vfido not built"; exit 99; }
# a sanitizer build cannot be preloaded into uninstrumented programs
if ldd "$SHIM" | grep -q libasan; then
	skip_all "the shim is built with sanitizers"
fi

WORK=$(mktemp -d /tmp/vfido-tools.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 99

# F COMMAND...: runs a fido2 tool with the shim, without a terminal
# (so a PIN is read from stdin, never from /dev/tty).
F() {
	LD_PRELOAD=$SHIM VFIDO_STATE=$WORK/d0:$WORK/d1:$WORK/d2:$WORK/d3 \
	    setsid -w "$@"
}
counter() { "$CTL" show "$1" | sed -n 's/^counter //p'; }

check "test CA" "$CTL" ca ca.key ca.pem
check "device 0: self attestation, no PIN" "$CTL" init d0
check "device 1: x5c attestation, PIN" "$CTL" init d1 --attestation x5c \
	--ca-key ca.key --ca-cert ca.pem --pin 1234
check "device 2: EdDSA only, x5c attestation" "$CTL" init d2 --alg eddsa \
	--attestation x5c --ca-key ca.key --ca-cert ca.pem
check "device 3: RS256 only, self attestation" "$CTL" init d3 --alg rs256

F fido2-token -L >list 2>&1
check "fido2-token -L lists vfido:0" grep -q '^vfido:0: ' list
check "fido2-token -L lists vfido:1" grep -q '^vfido:1: ' list
F fido2-token -I vfido:1 >info 2>&1
check "fido2-token -I: FIDO_2_0" grep -q 'version strings: FIDO_2_0' info
check "fido2-token -I: PIN set" grep -q 'options:.* clientPin' info
check "fido2-token -I: AAGUID" \
	grep -q 'aaguid: 766669646f2d746573742d6b65792d31' info
check "fido2-token -I: 8 PIN retries" grep -q 'pin retries: 8' info

# make and verify credentials (fido2-cred(1) input format)
{
	echo "credential challenge" | openssl sha256 -binary | base64
	echo example.org
	echo alice
	head -c 32 /dev/urandom | base64
} >cred_param
check "fido2-cred -M (self attestation)" \
	F fido2-cred -M -q -i cred_param -o cred0 vfido:0
check "fido2-cred -V (self attestation)" \
	F fido2-cred -V -i cred0 -o pub0
check "self attestation has no x5c" test "$(wc -l <cred0)" -eq 6

check "fido2-cred -M -q with a PIN set: refused" \
	eval '! F fido2-cred -M -q -i cred_param -o x vfido:1 2>/dev/null'
echo 1234 >pin
check "fido2-cred -M (x5c, PIN on stdin)" \
	F fido2-cred -M -i cred_param -o cred1 vfido:1 <pin
check "fido2-cred -V -v (x5c, user verified)" \
	F fido2-cred -V -v -i cred1 -o pub1
sed -n 7p cred1 | openssl base64 -d -A >att.der
openssl x509 -inform DER -in att.der -out att.pem 2>/dev/null
check "x5c chains to the test CA" \
	openssl verify -CAfile ca.pem att.pem

# assertions
{
	echo "assertion challenge" | openssl sha256 -binary | base64
	echo example.org
	sed -n 1p pub0
} >assert_param
c0=$(counter d0)
check "fido2-assert -G -p" \
	F fido2-assert -G -p -i assert_param -o assert0 vfido:0
check "fido2-assert -V -p" \
	F fido2-assert -V -p -i assert0 pub0 es256
check "the counter moved on" test "$(counter d0)" -gt "$c0"
check "another assertion verifies" \
	eval 'F fido2-assert -G -p -i assert_param vfido:0 |
	    F fido2-assert -V -p pub0 es256'
check "fido2-assert -V against the wrong key fails" \
	eval '! F fido2-assert -V -p -i assert0 pub1 es256 2>/dev/null'
check "device 1 does not know device 0's credential" \
	eval '! F fido2-assert -G -i assert_param vfido:1 </dev/null \
	    >/dev/null 2>&1'

{
	echo "assertion challenge" | openssl sha256 -binary | base64
	echo example.org
	sed -n 1p pub1
} >assert_param1
echo 0000 >badpin
check "fido2-assert -G -v with a wrong PIN fails" \
	eval '! F fido2-assert -G -v -i assert_param1 vfido:1 <badpin \
	    >/dev/null 2>&1'
check "one PIN retry spent" \
	eval '"$CTL" show d1 | grep -q "^pin-retries 7$"'
check "fido2-assert -G -v with the PIN" \
	F fido2-assert -G -v -i assert_param1 -o assert1 vfido:1 <pin
check "fido2-assert -V -v (user verified)" \
	F fido2-assert -V -v -i assert1 pub1 es256

# EdDSA and RS256 keys: the algorithm asked for, or a refusal
F fido2-token -I vfido:2 >info2 2>&1
check "fido2-token -I: EdDSA only" \
	grep -q '^algorithms: eddsa (public-key)$' info2
check "an ES256 credential on an EdDSA-only key: refused" \
	eval '! F fido2-cred -M -q -i cred_param -o x vfido:2 es256 \
	    2>/dev/null'
check "fido2-cred -M eddsa (x5c)" \
	F fido2-cred -M -q -i cred_param -o cred2 vfido:2 eddsa
check "fido2-cred -V eddsa (x5c, ES256 attestation key)" \
	F fido2-cred -V -i cred2 -o pub2 eddsa
check "fido2-cred -M rs256 (self attestation)" \
	F fido2-cred -M -q -i cred_param -o cred3 vfido:3 rs256
check "fido2-cred -V rs256 (self attestation)" \
	F fido2-cred -V -i cred3 -o pub3 rs256
for k in 2 3; do
	{
		echo "assertion challenge" | openssl sha256 -binary | base64
		echo example.org
		sed -n 1p pub$k
	} >assert_param$k
done
check "an EdDSA assertion verifies" \
	eval 'F fido2-assert -G -p -i assert_param2 vfido:2 |
	    F fido2-assert -V -p pub2 eddsa'
check "an RS256 assertion verifies" \
	eval 'F fido2-assert -G -p -i assert_param3 vfido:3 |
	    F fido2-assert -V -p pub3 rs256'
check "an EdDSA assertion is not an RS256 one" \
	eval '! { F fido2-assert -G -p -i assert_param2 vfido:2 |
	    F fido2-assert -V -p pub3 rs256; } 2>/dev/null'

# fault-at: only the N-th GetAssertion since the fault was set fails
check "fault=badsig fault-at=2" "$CTL" set d0 fault=badsig fault-at=2
check "assertion 1 of fault-at=2 verifies" \
	eval 'F fido2-assert -G -p -i assert_param vfido:0 |
	    F fido2-assert -V -p pub0 es256'
check "assertion 2 of fault-at=2 does not" \
	eval '! { F fido2-assert -G -p -i assert_param vfido:0 |
	    F fido2-assert -V -p pub0 es256; } 2>/dev/null'
check "assertion 3 of fault-at=2 verifies" \
	eval 'F fido2-assert -G -p -i assert_param vfido:0 |
	    F fido2-assert -V -p pub0 es256'
check "the count is kept in the state file" \
	eval '"$CTL" show d0 | grep -q "^fault-count 3$"'
check "setting the fault again restarts the count" \
	eval '"$CTL" set d0 fault=badsig && "$CTL" show d0 |
	    grep -q "^fault-count 0$"'
check "fault=none" "$CTL" set d0 fault=none fault-at=0

check "touch=deny" "$CTL" set d0 touch=deny
check "a denied touch fails fido2-assert" \
	eval '! F fido2-assert -G -p -i assert_param vfido:0 >/dev/null 2>&1'

echo "$ntests checks, $nfailed failed"
[ "$nfailed" -eq 0 ]
