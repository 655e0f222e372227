#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mfactl fido2 add against tests/vfido's software authenticator, which
# the unmodified mfactl reaches through the vfido LD_PRELOAD shim and
# the real libfido2: registration with the PIN from standard input and
# from a terminal (no echo), list, the same key twice, a wrong or
# missing PIN, no key, a key without the PIN that UV needs, a key that
# registers only with its PIN under fido2_uv = discouraged, keys with
# built-in user verification (a fingerprint), and keys that the
# attestation CA and AAGUID allow-lists reject, each saying why.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the store is root's)"
mfactl_binary
VCTL="$MFA_TOP_BUILDDIR/tests/vfido/vfido-ctl"
SHIM="$MFA_TOP_BUILDDIR/tests/vfido/.libs/libvfido_preload.so"
[ -x "$VCTL" ] && [ -f "$SHIM" ] || skip_all "tests/vfido not built"

WORK=$(mktemp -d /tmp/mfactl-fido2.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
STORE=$WORK/store
mkdir -m 0700 "$STORE"
CONF=$WORK/pam_mfa.conf
BASECONF='fido2_rp_id = pam://mfa-test
fido2_timeout = 2
'
printf '%s' "$BASECONF" >"$CONF"
PIN=2468
AAGUID=766669646f2d746573742d6b65792d31
OTHER=cb69481e8ff7403993ec0a2729a154a8

# M ARGS...: mfactl with the shim, the key(s) of $KEY connected.
M() {
	LD_PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$SHIM" \
	    VFIDO_STATE="${KEY:-}" \
	    "$MFACTL" --config "$CONF" --store "$STORE" "$@"
}

# A PIN on standard input.
printf '%s\n' "$PIN" >"$WORK/pin"
printf '1357\n' >"$WORK/wrongpin"

# last_err: the last line of stderr (the touch prompt may come first).
last_err() {
	printf '%s\n' "$err" | tail -n 1
}

# expect_reject DESC WANT ARGS...: exit 1, the last stderr line is
# "mfactl: ..." and contains WANT.
expect_reject() {
	_desc=$1
	_want=$2
	shift 2
	run M "$@"
	_last=$(last_err)
	if [ "$rc" -eq 1 ] && contains "$_last" "mfactl: fido2 add " &&
	    contains "$_last" "$_want"; then
		ok "$_desc"
	else
		not_ok "$_desc: exit $rc, last line: $_last"
	fi
}

"$VCTL" init "$WORK/k1" --pin "$PIN" >/dev/null || exit 99
"$VCTL" init "$WORK/k2" --pin "$PIN" >/dev/null || exit 99
"$VCTL" init "$WORK/nopin" >/dev/null || exit 99
"$VCTL" ca "$WORK/ca1.key" "$WORK/ca1.pem" >/dev/null || exit 99
"$VCTL" ca "$WORK/ca2.key" "$WORK/ca2.pem" >/dev/null || exit 99
chmod 0644 "$WORK/ca1.pem" "$WORK/ca2.pem"
"$VCTL" init "$WORK/x5c1" --pin "$PIN" --attestation x5c \
    --ca-key "$WORK/ca1.key" --ca-cert "$WORK/ca1.pem" >/dev/null || exit 99
"$VCTL" init "$WORK/x5c2" --pin "$PIN" --attestation x5c \
    --ca-key "$WORK/ca2.key" --ca-cert "$WORK/ca2.pem" >/dev/null || exit 99

# ---- usage errors -------------------------------------------------------
expect_rc 2 "fido2 without a subcommand" M fido2
expect_rc 2 "fido2 add without a user" M fido2 add
expect_rc 2 "fido2 add with two users" M fido2 add alice bob
expect_rc 2 "fido2 add with an unknown option" M fido2 add alice --frob
expect_rc 2 "fido2 add with an empty label" M fido2 add alice --label ""
expect_rc 0 "fido2 add --help" M fido2 add --help
check "help names --device" contains "$out" "--device"
check "usage errors wrote nothing" [ -z "$(ls -A "$STORE")" ]

# ---- registration, PIN from standard input ----------------------------
KEY=$WORK/k1
RUN_STDIN=$WORK/pin expect_rc 0 "fido2 add alice (PIN on stdin)" \
    M fido2 add alice --label "yubi 5"
check "says which credential" contains "$out" \
    "added fido2 credential 1 for alice"
check "asks for the touch on stderr" contains "$err" \
    "Touch your security key (vfido virtual authenticator)"
check "the PIN is not shown" lacks "$out$err" "$PIN"
check "store file is 0600" [ "$(stat -c %a "$STORE/alice")" = 600 ]
expect_rc 0 "list alice" M list alice
check "list: fido2, active, es256, never used, label" matches "$out" \
    '^1 +fido2 +active +es256 +[0-9T:Z-]+ +never +yubi 5$'
check "list: AAGUID and counter" matches "$out" \
    "^ +aaguid $AAGUID counter [0-9]+$"

RUN_STDIN=$WORK/pin expect_reject "the same key twice is refused" \
    "already registered" fido2 add alice
expect_rc 0 "list after the refusal" M list alice
check "still one credential" [ "$(printf '%s\n' "$out" | grep -c fido2)" \
    -eq 1 ]
KEY=$WORK/k2
RUN_STDIN=$WORK/pin expect_rc 0 "a second key" M fido2 add alice \
    --device vfido:0
check "second key is credential 2" contains "$out" "credential 2"

# ---- PIN problems, no key, no PIN on the key ---------------------------
KEY=$WORK/k1
RUN_STDIN=$WORK/wrongpin expect_reject "wrong PIN" "PIN wrong" \
    fido2 add bob
check "wrong PIN: the key's reason" contains "$err" "PIN_INVALID"
check "wrong PIN: the PIN is not shown" lacks "$err" 1357
expect_reject "no PIN on stdin" "none was given" fido2 add bob
KEY=
RUN_STDIN=$WORK/pin expect_reject "no key connected" \
    "no security key connected" fido2 add bob
KEY=$WORK/k1
RUN_STDIN=$WORK/pin expect_reject "unknown --device" \
    "cannot open security key vfido:7" fido2 add bob --device vfido:7
KEY=$WORK/nopin
RUN_STDIN=$WORK/pin expect_reject "UV required, key without a PIN" \
    "no PIN set" fido2 add bob
expect_rc 1 "list bob" M list bob
check "bob has nothing registered" lacks "$out" "fido2"

# ---- fido2_uv = discouraged ----------------------------------------------
# A key with its PIN set makes no credential without it (CTAP 2.0): the
# PIN is read once (standard input holds one line) and the key
# registered; none given, or a wrong one: refused, nothing stored.  A key
# without a PIN is asked none: with nothing on standard input it
# registers.
printf '%sfido2_uv = discouraged\n' "$BASECONF" >"$CONF"
"$VCTL" init "$WORK/k4" --pin "$PIN" >/dev/null || exit 99
KEY=$WORK/k4
expect_reject "discouraged, PIN set, none given" "none was given" \
    fido2 add frank
RUN_STDIN=$WORK/wrongpin expect_reject "discouraged, PIN set, wrong PIN" \
    "PIN wrong" fido2 add frank
check "discouraged: nothing stored for frank" [ ! -e "$STORE/frank" ]
RUN_STDIN=$WORK/pin expect_rc 0 "discouraged, PIN set: PIN read, added" \
    M fido2 add frank
check "discouraged, PIN set: registered" contains "$out" \
    "added fido2 credential 1 for frank"
check "discouraged, PIN set: stored with UV" \
    grep -q ' uv=1 up=1$' "$STORE/frank"
KEY=$WORK/nopin
expect_rc 0 "discouraged, no PIN on the key: none asked" \
    M fido2 add frank
check "discouraged, no PIN on the key: stored without UV" \
    grep -q ' uv=0 up=1$' "$STORE/frank"
printf '%s' "$BASECONF" >"$CONF"

# ---- built-in user verification (a fingerprint) ---------------------------
# fido2_uv = required: a key with a finger and a PIN (as a YubiKey Bio)
# registers with the finger, no PIN read (standard input is empty, so a
# PIN asked for would fail); so does a key with a finger only.  A finger
# the key does not recognise is refused, saying so, and spends one of
# the key's tries.  The finger blocked (no tries left): the PIN is read
# instead, and unblocks it; with no PIN on the key, refused before any
# touch.  A key that turns the finger down and wants its PIN (vfido
# fault uvpin) is asked again with the PIN.
uv_retries() {
	"$VCTL" show "$1" | sed -n 's/^uv-retries //p'
}
"$VCTL" init "$WORK/bio" --uv on --pin "$PIN" >/dev/null || exit 99
"$VCTL" init "$WORK/finger" --uv on >/dev/null || exit 99
KEY=$WORK/bio
expect_rc 0 "finger and PIN: registered with the finger, no PIN read" \
    M fido2 add gina
check "finger and PIN: stored with UV" grep -q ' uv=1 up=1$' "$STORE/gina"
check "finger and PIN: no warning" lacks "$err" "warning"
KEY=$WORK/finger
expect_rc 0 "finger only: registered with the finger" M fido2 add gina
check "finger only: stored with UV" \
    [ "$(grep -c ' uv=1 up=1$' "$STORE/gina")" -eq 2 ]
"$VCTL" set "$WORK/bio" finger=nomatch >/dev/null || exit 99
KEY=$WORK/bio
RUN_STDIN=$WORK/pin expect_reject "a finger not recognised is refused" \
    "built-in user verification failed (finger not recognised)" \
    fido2 add hank
check "a finger not recognised: one try spent" [ "$(uv_retries \
    "$WORK/bio")" = 4 ]
check "a finger not recognised: nothing stored" [ ! -e "$STORE/hank" ]
"$VCTL" set "$WORK/bio" finger=match uv-retries=0 >/dev/null || exit 99
RUN_STDIN=$WORK/pin expect_rc 0 "finger blocked: the PIN read instead" \
    M fido2 add hank
check "finger blocked: the warning says so" contains "$(last_err)" \
    "built-in user verification blocked (no tries left): asking for the PIN instead"
check "finger blocked: stored with UV" grep -q ' uv=1 up=1$' "$STORE/hank"
check "finger blocked: the PIN unblocked it" [ "$(uv_retries \
    "$WORK/bio")" = 5 ]
"$VCTL" set "$WORK/finger" uv-retries=0 >/dev/null || exit 99
KEY=$WORK/finger
RUN_STDIN=$WORK/pin expect_reject "finger blocked, no PIN on the key" \
    "built-in verification is blocked (no tries left) and it has no PIN set" \
    fido2 add ivan
check "finger blocked, no PIN: no touch asked" lacks "$err" "Touch"
"$VCTL" init "$WORK/uvpin" --uv on --pin "$PIN" >/dev/null || exit 99
"$VCTL" set "$WORK/uvpin" fault=uvpin >/dev/null || exit 99
KEY=$WORK/uvpin
expect_reject "key wanting its PIN, none given" "none was given" \
    fido2 add ivan
RUN_STDIN=$WORK/pin expect_rc 0 "key wanting its PIN: asked again with it" \
    M fido2 add ivan
check "key wanting its PIN: the warning says so" contains "$(last_err)" \
    "built-in user verification turned down (the key wants its PIN): asking for the PIN instead"
check "key wanting its PIN: touched twice" [ "$(printf '%s\n' "$err" |
    grep -c 'Touch your security key')" -eq 2 ]
check "key wanting its PIN: stored with UV" grep -q ' uv=1 up=1$' \
    "$STORE/ivan"

# fido2_uv = discouraged: a key with a finger set up makes no credential
# without it (CTAP 2.1), so the finger is used all the same, no PIN
# read; one that offers makeCredUvNotRqd registers without it.
printf '%sfido2_uv = discouraged\n' "$BASECONF" >"$CONF"
"$VCTL" init "$WORK/finger2" --uv on >/dev/null || exit 99
KEY=$WORK/finger2
expect_rc 0 "discouraged, finger: registered with the finger" \
    M fido2 add kate
check "discouraged, finger: stored with UV" grep -q ' uv=1 up=1$' \
    "$STORE/kate"
"$VCTL" set "$WORK/finger2" fault=uvnotrqd >/dev/null || exit 99
expect_rc 0 "discouraged, finger, makeCredUvNotRqd: registered" \
    M fido2 add liam
check "discouraged, finger, makeCredUvNotRqd: stored without UV" \
    grep -q ' uv=0 up=1$' "$STORE/liam"
printf '%s' "$BASECONF" >"$CONF"

# ---- allow-lists: a rejected key says why ---------------------------------
printf '%sfido2_ca = %s\n' "$BASECONF" "$WORK/ca1.pem" >"$CONF"
KEY=$WORK/x5c2
RUN_STDIN=$WORK/pin expect_reject "key of another CA rejected" \
    "does not chain to fido2_ca" fido2 add carol
KEY=$WORK/k1
RUN_STDIN=$WORK/pin expect_reject "self-attested key rejected with fido2_ca" \
    "no attestation certificate" fido2 add carol
KEY=$WORK/x5c1
RUN_STDIN=$WORK/pin expect_rc 0 "key of the approved CA accepted" \
    M fido2 add carol
# Without attestation, where fido2_attestation = any allows it: added,
# with the library's warning on standard error.
"$VCTL" init "$WORK/none" --pin "$PIN" >/dev/null || exit 99
"$VCTL" set "$WORK/none" attestation=none >/dev/null || exit 99
printf '%sfido2_attestation = any\n' "$BASECONF" >"$CONF"
KEY=$WORK/none
RUN_STDIN=$WORK/pin expect_rc 0 "key without attestation, any: added" \
    M fido2 add erin
check "the warning is shown" [ "$(last_err)" = "mfactl: warning: user erin: security key vfido virtual authenticator: no attestation (format none; accepted: fido2_attestation = any)" ]
printf '%sfido2_aaguids = %s\n' "$BASECONF" "$OTHER" >"$CONF"
KEY=$WORK/k2
RUN_STDIN=$WORK/pin expect_reject "AAGUID not in the allow-list" \
    "AAGUID $AAGUID is not in fido2_aaguids" fido2 add dave
printf '%s' "$BASECONF" >"$CONF"

# ---- on a terminal: the PIN is read without echo ------------------------
if "$PYTHON" -c 'import pexpect' 2>/dev/null; then
	"$VCTL" init "$WORK/k3" --pin "$PIN" >/dev/null || exit 99
	KEY=$WORK/k3
	expect_rc 0 "terminal: PIN typed" "$PYTHON" "$PTY_RUN" \
	    'PIN of [^:]*: ' "$PIN" -- env \
	    LD_PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$SHIM" \
	    VFIDO_STATE="$KEY" \
	    "$MFACTL" --config "$CONF" --store "$STORE" fido2 add eve
	check "terminal: prompt shown" contains "$out" \
	    "Enter the PIN of vfido virtual authenticator: "
	check "terminal: the PIN was not echoed" lacks "$out" "$PIN"
	check "terminal: registered" contains "$out" "added fido2 credential"
else
	echo "# pexpect missing: terminal tests skipped"
fi

finish
