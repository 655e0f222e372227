#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# What mfactl issues and ends, through real logins: pamtester(1) under
# pam_wrapper runs the build tree's pam_mfa.so (with "require = totp OR
# fido2" only the code is asked for), nss_wrapper supplies the user.  A code
# printed by 'mfactl recovery' logs in once; failed logins lock the user
# out, 'mfactl status' and 'mfactl check' show it, and 'mfactl unlock'
# ends it so that a right code works again.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the store is root's)"
for c in pamtester oathtool pkg-config; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c is missing"
done
PWLIB=$(pkg-config --libs pam_wrapper 2>/dev/null | tr -d " ")
[ -f "$PWLIB" ] || skip_all "libpam_wrapper.so not found"
MOD=$MFA_TOP_BUILDDIR/pam_module/.libs/pam_mfa.so
[ -f "$MOD" ] || skip_all "pam_mfa.so not built"

MFACTL="$MFA_TOP_BUILDDIR/tools/mfactl"
WORK=$(mktemp -d /tmp/mfactl-login.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
NSSENV=$(nss_env "$WORK") || skip_all "nss_wrapper is missing"
NSSLIB=${NSSENV#LD_PRELOAD=}
NSSLIB=${NSSLIB%% *}
STORE=$WORK/store
mkdir -m 0700 "$STORE" "$WORK/svc"
CONF=$WORK/pam_mfa.conf
cat >"$CONF" <<EOF
store = $STORE
fail_delay = 0
require = totp OR fido2
lockout_attempts = 3
lockout_time = 600
EOF
echo "root:x:0:0:root:/root:/bin/sh" >"$WORK/passwd"
echo "demo:x:4242:4242:demo:/nonexistent:/bin/sh" >>"$WORK/passwd"
printf 'root:x:0:\ndemo:x:4242:\n' >"$WORK/group"
echo "auth required $MOD config=$CONF" >"$WORK/svc/mfa"

# Under --enable-sanitizers the runtimes go first.
PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$PWLIB:$NSSLIB"
PAMENV="LD_PRELOAD=$PRELOAD PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$WORK/svc"
PAMENV="$PAMENV NSS_WRAPPER_PASSWD=$WORK/passwd"
PAMENV="$PAMENV NSS_WRAPPER_GROUP=$WORK/group"

M() {
	# shellcheck disable=SC2086
	env $NSSENV "$MFACTL" --config "$CONF" "$@"
}

# login ANSWER: pamtester authenticates demo with ANSWER at the prompt.
login() {
	printf '%s\n' "$1" >"$WORK/answer"
	RUN_STDIN=$WORK/answer
	# shellcheck disable=SC2086
	run env $PAMENV pamtester -v mfa demo authenticate
	RUN_STDIN=
}

# ---- enrol, confirm, issue recovery codes -----------------------------------
expect_rc 0 "totp add demo" M totp add demo
SECRET=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" secret)
# The previous step's code: the current one stays unused for a login.
expect_rc 0 "totp confirm demo" M totp confirm demo \
    "$(totp "$SECRET" sha1 6 -30)"
expect_rc 0 "recovery demo --count 3" M recovery demo --count 3
codes=$(printf '%s\n' "$out" | sed -n 's/^  \([^ ]*\)$/\1/p')
code1=$(printf '%s\n' "$codes" | sed -n 1p)
code2=$(printf '%s\n' "$codes" | sed -n 2p)
check "three codes printed" [ "$(printf '%s\n' "$codes" | grep -c .)" -eq 3 ]

# ---- a recovery code works once ---------------------------------------------
login "$code1"
check "recovery code: authenticated" [ "$rc" -eq 0 ]
check "pamtester says so" contains "$out" "successfully authenticated"
expect_rc 0 "status after one code" M status demo
check "status: 2 recovery codes left" contains "$out" \
    "recovery codes left: 2"
login "$code1"
check "the same recovery code again: refused" [ "$rc" -ne 0 ]
expect_rc 0 "status after the replay" M status demo
check "status: still 2 left" contains "$out" "recovery codes left: 2"
check "status: the replay counted as a failure" contains "$out" \
    "(1 consecutive failures)"
expect_rc 0 "recovery: a new set" M recovery demo --count 3
new1=$(printf '%s\n' "$out" | sed -n 's/^  \([^ ]*\)$/\1/p' | sed -n 1p)
login "$code2"
check "a code of the old set: refused" [ "$rc" -ne 0 ]

# ---- failed logins lock the user out; unlock ends it --------------------------
bad=$(wrong_code "$SECRET" sha1 6)
login "$bad"
check "wrong code: refused" [ "$rc" -ne 0 ]
expect_rc 0 "status after failed logins" M status demo
check "status: locked out" contains "$out" "locked out until"
check "status: says how to end it" contains "$out" "mfactl unlock demo"
expect_rc 1 "check finds the lockout" M check --json
check "check: locked user" contains "$out" '"kind": "user-locked"'
login "$(totp "$SECRET" sha1 6)"
check "locked: a right code is refused" [ "$rc" -ne 0 ]
expect_rc 0 "unlock demo" M unlock demo
check "unlock: says it was locked" contains "$out" "unlocked demo (locked until"
expect_rc 0 "status after unlock" M status demo
check "status: not locked, no failures" contains "$out" \
    "not locked out (0 consecutive failures)"
login "$(totp "$SECRET" sha1 6)"
check "after unlock: the right code logs in" [ "$rc" -eq 0 ]
login "$new1"
check "after unlock: a new recovery code logs in" [ "$rc" -eq 0 ]

finish
