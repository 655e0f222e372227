#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mfactl check: a clean store exits 0; then each kind of problem is put
# into a prepared store or configuration and must be found (text line
# and --json entry) with exit 1.  Users and groups come from
# nss_wrapper's files, so the real /etc is neither needed nor read.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the store is root's)"
command -v oathtool >/dev/null 2>&1 || skip_all "oathtool is missing"

MFACTL="$MFA_TOP_BUILDDIR/tools/mfactl"
WORK=$(mktemp -d /tmp/mfactl-check.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
NSSENV=$(nss_env "$WORK") || skip_all "nss_wrapper is missing"
STORE=$WORK/store
mkdir -m 0700 "$STORE"
CONF=$WORK/pam_mfa.conf
cat >"$CONF" <<EOF
fail_delay = 0

[group staff]
require = password AND totp

[group admins]
require = password AND fido2
EOF
cat >"$WORK/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
alice:x:5001:5000:Alice:/nonexistent:/bin/sh
bob:x:5002:5002:Bob:/nonexistent:/bin/sh
carol:x:5003:5003:Carol:/nonexistent:/bin/sh
dave:x:5004:5004:Dave:/nonexistent:/bin/sh
erin:x:5005:5005:Erin:/nonexistent:/bin/sh
frank:x:5006:5006:Frank:/nonexistent:/bin/sh
EOF
# staff: alice by her primary group, bob as a listed member.
cat >"$WORK/group" <<EOF
root:x:0:
staff:x:5000:bob
bob:x:5002:
carol:x:5003:
dave:x:5004:
erin:x:5005:
frank:x:5006:
admins:x:5100:
sudo:x:27:
EOF

# The PAM services: none (an empty directory) until the section below.
PAMD=$WORK/pam.none
mkdir -m 0755 "$PAMD"
M() {
	if [ "$1" = check ]; then
		shift
		set -- check --pam-dir "$PAMD" "$@"
	fi
	# shellcheck disable=SC2086
	env $NSSENV "$MFACTL" --config "$CONF" --store "$STORE" "$@"
}

# enrol USER: an active TOTP credential.
enrol() {
	run M totp add "$1"
	_s=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" secret)
	run M totp confirm "$1" "$(totp "$_s" sha1 6)"
}

# finding KIND TEXT: the last check's JSON ($out) has a finding of KIND
# whose object, problem or action contains TEXT.
finding() {
	printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
kind, text = sys.argv[1], sys.argv[2]
j = json.load(sys.stdin)
sys.exit(0 if any(f["kind"] == kind and text in
    f["object"] + ": " + f["problem"] + ": " + f["action"] for f in j)
    else 1)' "$1" "$2"
}

# finding_sev SEVERITY KIND TEXT: as finding, and of that severity.
finding_sev() {
	printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
sev, kind, text = sys.argv[1], sys.argv[2], sys.argv[3]
j = json.load(sys.stdin)
sys.exit(0 if any(f["severity"] == sev and f["kind"] == kind and text in
    f["object"] + ": " + f["problem"] + ": " + f["action"] for f in j)
    else 1)' "$1" "$2" "$3"
}

# no_finding KIND TEXT: the last check's JSON has no such finding.
no_finding() {
	! finding "$1" "$2"
}

# check_json DESC ARGS...: mfactl check --json ARGS, exit 1, valid JSON.
check_json() {
	_d=$1
	shift
	run M check --json "$@"
	check "$_d: exit 1" [ "$rc" -eq 1 ]
	check "$_d: valid JSON" sh -c "printf '%s\n' \"\$1\" |
	    $PYTHON -m json.tool >/dev/null" sh "$out"
}

# ---- usage -----------------------------------------------------------------
expect_rc 2 "check with an argument" M check alice
for d in 0 x -1 36501 "" 090 -0; do
	expect_rc 2 "check --stale-days '$d'" M check --stale-days "$d"
done
expect_rc 2 "check --group ''" M check --group ""
expect_rc 2 "check --group without a value" M check --group

# ---- a clean store -------------------------------------------------------
enrol alice
enrol bob
expect_rc 0 "clean store: check exits 0" M check --group staff
check "clean store: says so" [ "$out" = "no problems found" ]
expect_rc 0 "clean store: check --json" M check --json --group staff
check "clean store: empty array" [ "$(printf '%s' "$out" | tr -d ' \n')" = \
    "[]" ]

# ---- users the policy covers -------------------------------------------------
sed -i 's/^staff:x:5000:bob$/staff:x:5000:bob,dave,erin/' "$WORK/group"
run M totp add erin
expect_rc 1 "unenrolled staff: exit 1" M check
check "text: one line for dave, saying what to do" contains "$out" \
    "user dave: no second factor enrolled: cannot log in (unenrolled = deny): run 'mfactl totp add dave' or 'mfactl fido2 add dave'"
check_json "unenrolled staff"
check "json: dave has no second factor" finding user-no-factor "user dave"
check "json: erin's is pending" finding user-no-factor \
    "'mfactl totp confirm erin CODE'"
check "json: erin's pending credential" finding user-pending \
    "mfactl totp confirm erin CODE --id 1"
sed -i 's/^admins:x:5100:$/admins:x:5100:carol/' "$WORK/group"
enrol carol
check_json "policy not met"
check "json: carol's totp does not meet 'password AND fido2'" \
    finding user-policy-unmet "mfactl fido2 add carol"
check "json: carol cannot log in" finding_sev high user-policy-unmet \
    "'password AND fido2': cannot log in"
# Unused recovery codes stand in for the missing factor (pam_mfa.conf(5)):
# pam_mfa lets these users in with a code, so they can log in, for now.
run M recovery erin --count 3
run M recovery carol --count 3
check_json "recovery codes in place of a factor"
check "json: erin logs in only with recovery codes" finding_sev medium \
    user-no-factor "user erin: no second factor enrolled: logs in only with a recovery code, until they run out"
check "json: carol logs in only with recovery codes" finding_sev medium \
    user-policy-unmet "'password AND fido2': logs in only with a recovery code"
check "json: dave, without codes, cannot log in" finding_sev high \
    user-no-factor "user dave: no second factor enrolled: cannot log in (unenrolled = deny)"
# A rollout: unenrolled = allow for staff; dave's own section asks for no
# password, so pam_mfa refuses him (pam_mfa.conf(5)).
sed -i 's/^staff:x:5000:.*/staff:x:5000:bob,dave,erin,frank/' "$WORK/group"
cat >"$WORK/rollout.conf" <<EOF
fail_delay = 0

[group staff]
require = password AND totp
unenrolled = allow

[user dave]
require = totp OR fido2
EOF
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$WORK/rollout.conf" --store "$STORE" \
    check --json --pam-dir "$PAMD"
check "rollout: exit 1" [ "$rc" -eq 1 ]
check "json: frank logs in with the password alone" finding_sev high \
    user-no-factor "user frank: no second factor enrolled: logs in with the password alone (unenrolled = allow)"
check "json: dave, whose require has no password, cannot log in" \
    finding_sev high user-no-factor "user dave: no second factor enrolled: cannot log in (unenrolled = allow lets"
check "json: erin's recovery codes count under allow too" finding_sev \
    medium user-no-factor "user erin: no second factor enrolled: logs in only with a recovery code"
# With recovery = no her codes count for nothing.
printf 'recovery = no\n' | cat - "$CONF" >"$WORK/norecovery.conf"
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$WORK/norecovery.conf" --store "$STORE" \
    check --json --pam-dir "$PAMD"
check "json: recovery = no: erin cannot log in" finding_sev high \
    user-no-factor "user erin: no second factor enrolled: cannot log in (unenrolled = deny)"
run M remove erin 1
sed -i 's/^staff:x:5000:.*/staff:x:5000:bob/; s/^admins:x:5100:.*/admins:x:5100:/' \
    "$WORK/group"
run M remove carol 1
rm -f "$STORE/erin" "$STORE/erin.state" "$STORE/carol" "$STORE/carol.state"
expect_rc 0 "clean again" M check
check_json "--group naming no group" --group nosuch
check "json: unknown --group" finding group-unknown "group nosuch"

# ---- the users in the store ----------------------------------------------------
enrol ghost
check_json "credentials without an account"
check "json: ghost has no account" finding user-no-account "user ghost"
rm -f "$STORE/ghost" "$STORE/ghost.state"

state_set "$STORE/bob.state" failures=5 \
    locked-until=$(( $(date +%s) + 600 ))
check_json "a locked user"
check "json: bob is locked" finding user-locked "mfactl unlock bob"
check "json: a lock is not also failures" no_finding user-failures "user bob"
run M unlock bob
state_set "$STORE/bob.state" failures=2
check_json "failed attempts below the lockout"
check "json: bob's failures" finding_sev low user-failures \
    "user bob: 2 failed attempts since the last successful login"
run M unlock bob
expect_rc 0 "no failures after unlock" M check

now=$(date +%s)
run M totp add alice --label laptop
s=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" secret)
run M totp confirm alice "$(totp "$s" sha1 6)" --id 2
state_set "$STORE/alice.state" "used.2=$((now - 100 * 86400))"
check_json "a credential unused for 100 days"
check "json: alice's laptop unused" finding user-stale \
    "credential 2 (totp 'laptop') unused since"
check "json: says how to remove it" finding user-stale "mfactl remove alice 2"
expect_rc 0 "--stale-days 101: not stale yet" M check --stale-days 101
# A last use ahead of the clock (the clock set back): said, not silent.
state_set "$STORE/alice.state" "used.2=$((now + 10 * 86400))"
check_json "a last use later than the clock"
check "json: alice's laptop used in the future" finding user-clock \
    "credential 2 (totp 'laptop') last used at "
check "json: ... later than the clock" finding user-clock \
    "later than the clock: its age is not known"
check "json: not called stale" no_finding user-stale "credential 2"
state_set "$STORE/alice.state" "used.2=$now"

sed -i "s/created=[0-9]*/created=$((now - 200 * 86400))/" "$STORE/bob"
check_json "a credential never used in 200 days"
check "json: bob's never used" finding user-unused "never used since"
expect_rc 0 "--stale-days 365: not reported" M check --stale-days 365
sed -i "s/created=[0-9]*/created=$((now + 10 * 86400))/" "$STORE/bob"
check_json "a never used credential added later than the clock"
check "json: bob's added in the future" finding user-clock \
    "added at "
sed -i "s/created=[0-9]*/created=$now/" "$STORE/bob"

run M recovery alice --count 2
check_json "few recovery codes left"
check "json: alice has 2 codes left" finding user-recovery-low \
    "mfactl recovery alice"
run M recovery alice
expect_rc 0 "enough recovery codes: clean" M check

# ---- the store's files and directory ---------------------------------------------
chmod 0640 "$STORE/bob"
check_json "a group-readable credentials file"
check "json: bob's file unsafe" finding store-file "chmod 0600 $STORE/bob"
# bob (in staff) is refused, not unenrolled: the file's finding says it.
check "json: bob, whose file is refused, is not called unenrolled" \
    no_finding user-no-factor "user bob"
chmod 0600 "$STORE/bob"
: >"$STORE/bad name"
: >"$STORE/alice~tmp"
ln -s /etc/passwd "$STORE/zed"
check_json "stray files"
check "json: a file of another program" finding store-stray \
    "file $STORE/bad name"
check "json: a leftover temporary file" finding store-stray \
    "file $STORE/alice~tmp"
check "json: a symbolic link" finding store-file "file $STORE/zed"
rm -f "$STORE/bad name" "$STORE/alice~tmp" "$STORE/zed"
chmod 0755 "$STORE"
check_json "a store others can list"
check "json: store mode" finding store-unsafe "chmod 0700 $STORE"
chmod 0777 "$STORE"
check_json "a world-writable store"
check "json: world-writable store" finding store-unsafe "others can change"
chmod 0700 "$STORE"
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$CONF" --store "$WORK/none" check --json
check "missing store: exit 1" [ "$rc" -eq 1 ]
check "json: missing store" finding store-missing "does not exist"
expect_rc 0 "store repaired: clean" M check

# A store whose path has a space and a quote: the commands of the advice
# quote it for the shell, and run as printed (text report) they repair
# the store.
ODD="$WORK/my st'ore"
mkdir -m 0755 "$ODD"
cp -p "$STORE/alice" "$STORE/alice.state" "$ODD/"
chmod 0640 "$ODD/alice"
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$CONF" --store "$ODD" check
check "odd store: exit 1" [ "$rc" -eq 1 ]
# advice FRAGMENT: the command of the finding's action holding FRAGMENT,
# from "run '" to the last "'" before the end or " and,".
advice() {
	printf '%s\n' "$out" | grep -F -- "$1" | sed -n \
	    -e "s/.*: run '\\(.*\\)' and, .*/\\1/p" \
	    -e "t" -e "s/.*: run '\\(.*\\)'\$/\\1/p" | head -n 1
}
dircmd=$(advice "chmod 0700")
filecmd=$(advice "chmod 0600")
check "odd store: the store's path is one quoted word" [ "$dircmd" = \
    "chmod 0700 '$WORK/my st'\"'\"'ore'" ]
check "odd store: the advice for the store repairs it" \
    sh -c "sh -c \"\$1\" && [ \"\$(stat -c %a \"\$2\")\" = 700 ]" sh \
    "$dircmd" "$ODD"
check "odd store: the advice for the file repairs it" \
    sh -c "sh -c \"\$1\" && [ \"\$(stat -c %a \"\$2\")\" = 600 ]" sh \
    "$filecmd" "$ODD/alice"
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$CONF" --store "$ODD" check
check "odd store: repaired as advised" lacks "$out" "chmod"
rm -rf "$ODD"

# ---- the configuration -------------------------------------------------------------
printf 'fail_delay = 0\nno_such_key = 1\n' >"$WORK/broken.conf"
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$WORK/broken.conf" --store "$STORE" check
check "broken config: exit 1" [ "$rc" -eq 1 ]
check "broken config: names file and line" contains "$out" "broken.conf:2"
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$WORK/broken.conf" --store "$STORE" \
    check --json
check "json: broken config" finding config-load "does not load"
cat >"$WORK/weak.conf" <<EOF
fail_delay = 0
lockout_attempts = 0
totp_window = 5
fido2_attestation = any
fido2_uv = discouraged
require = password OR fido2
unenrolled = allow
allow_empty_password = yes

[group staff]
require = password AND recovery
recovery = no

[group nosuch]
require = password AND totp

[service sshd]
require = totp OR recovery

[user ghost]
require = password AND totp
EOF
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$WORK/weak.conf" --store "$STORE" \
    check --json --group sudo
check "weak config: exit 1" [ "$rc" -eq 1 ]
check "json: password alone" finding config-require "met by the password alone"
check "json: unenrolled = allow" finding config-unenrolled \
    "unenrolled = deny"
check "json: empty passwords" finding config-empty-password \
    "allow_empty_password = no"
check "json: no lockout" finding config-lockout "lockout_attempts = 0"
check "json: wide TOTP window" finding config-totp-window "totp_window = 5"
check "json: any attestation" finding config-fido2-attestation \
    "fido2_attestation = verified"
check "json: no PIN needed" finding config-fido2-uv "fido2_uv = required"
check "json: a policy never met" finding config-require \
    "[group staff] (line 10): require 'password AND recovery' can never be met"
check "json: a section for no group" finding config-unknown-group \
    "[group nosuch]"
check "json: one factor without the password" finding config-require \
    "[service sshd] (line 17): require 'totp OR recovery' is met by totp alone"
check "json: recovery codes for administrators" finding \
    config-recovery-admin "[group sudo]"
check "json: a section for no group, where it is" finding \
    config-unknown-group \
    "[group nosuch] (line 14): no such group: every login of a known user is refused"
check "json: a section for no user, where it is" finding config-unknown-user \
    "[user ghost] (line 20): no such user: the section applies to no one"
check "json: the object is the configuration file" finding \
    config-unknown-user "config $WORK/weak.conf: [user ghost]"
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$WORK/weak.conf" --store "$STORE" \
    check --group sudo --pam-dir "$PAMD"
check "text: the unknown user's section, one line" sh -c \
    "printf '%s\n' \"\$1\" | grep -Fxq -- \"\$2\"" sh "$out" "$(printf '%s' \
    "config $WORK/weak.conf: [user ghost] (line 20): no such user: the" \
    " section applies to no one: check the name, or remove the section")"


# ---- the PAM services' auth stacks --------------------------------------
# (the analysis against the real libpam: tests/pam/test_pam_stack_diff)
P=$WORK/pam.d
mkdir -m 0755 "$P"
# svc NAME: the file NAME in $P from stdin, root's, mode 0644.
svc() {
	cat >"$P/$1"
	chmod 0644 "$P/$1"
}
# pcheck ARGS...: mfactl check --json on $P.
pcheck() {
	run M check --json --pam-dir "$P" "$@"
}
# Debian's stock common-auth with pam-configs/pam_mfa's Additional block
# as pam-auth-update writes it.
svc common-auth <<EOF
# here are the per-package modules (the "Primary" block)
auth	[success=1 default=ignore]	pam_unix.so nullok
# here's the fallback if no module succeeds
auth	requisite			pam_deny.so
# prime the stack with a positive return value if there isn't one already;
auth	required			pam_permit.so
# and here are more per-package modules (the "Additional" block)
auth	requisite			pam_mfa.so
auth	optional			pam_cap.so
# end of pam-auth-update config
EOF
grep -v pam_mfa "$P/common-auth" | svc common-nomfa
svc login <<EOF
auth       optional   pam_faildelay.so  delay=3000000
auth       requisite  pam_nologin.so
@include common-auth
account    required   pam_deny.so
session    required   pam_unix.so
EOF
printf '@include common-nomfa\n' | svc sshd
pcheck
check "pam: Debian's common-auth with pam_mfa: login is fine" \
    no_finding pam-bypass "pam-service login"
check "pam: ... and has pam_mfa" no_finding pam-no-mfa "pam-service login"
check "pam: sshd without pam_mfa" finding_sev high pam-no-mfa \
    "pam-service sshd: its auth stack never calls pam_mfa"
check "pam: no greeter file, no finding" no_finding pam-no-mfa "gdm-password"
run M check --pam-dir "$P"
check "pam: the text line for sshd" contains "$out" \
    "PAM service sshd: its auth stack never calls pam_mfa: logins need no second factor: add 'auth required pam_mfa.so' after the password module (see pam_mfa(8))"

# Ways around pam_mfa, each named by the line of the module that gets there.
printf 'auth sufficient pam_unix.so\nauth required pam_mfa.so\n' | svc suff
printf 'auth [success=1 default=ignore] pam_unix.so\nauth required pam_mfa.so\nauth required pam_permit.so\n' |
    svc jump
printf 'auth required pam_unix.so\nauth optional pam_mfa.so\n' | svc opt
printf 'auth substack inner\nauth required pam_mfa.so\n' | svc sub
printf 'auth include inner\nauth required pam_mfa.so\n' | svc inc
printf '# a comment\nauth sufficient \\\n  pam_unix.so\n' | svc inner
printf -- '-auth sufficient pam_nosuch.so\nauth required pam_unix.so\nauth required pam_mfa.so\n' |
    svc dash
printf -- '-auth optional pam_nosuch.so\nauth required pam_unix.so\nauth required pam_mfa.so\n' |
    svc dashopt
pcheck --service suff --service jump --service opt --service sub \
    --service inc --service dash --service dashopt
check "pam: sufficient pam_unix before pam_mfa" finding_sev high pam-bypass \
    "pam-service suff: a login can succeed without pam_mfa: through pam_unix.so ($P/suff line 1)"
check "pam: a jump over pam_mfa" finding_sev high pam-bypass \
    "pam-service jump: a login can succeed without pam_mfa: through pam_unix.so ($P/jump line 1)"
check "pam: optional pam_mfa" finding_sev high pam-bypass \
    "pam-service opt: a login can succeed without pam_mfa: through pam_unix.so ($P/opt line 1)"
check "pam: done in a substack ends only the substack" \
    no_finding pam-bypass "pam-service sub"
check "pam: done in an include ends the stack (continued line)" \
    finding_sev high pam-bypass \
    "pam-service inc: a login can succeed without pam_mfa: through pam_unix.so ($P/inner line 2)"
check "pam: -auth sufficient: the module may be installed" finding pam-bypass \
    "pam-service dash: a login can succeed without pam_mfa: through pam_nosuch.so ($P/dash line 1)"
check "pam: -auth optional: no way around" no_finding pam-bypass \
    "pam-service dashopt"
# pam_mfa itself on a "-auth" line: skipped without a word were the
# module missing.
printf 'auth required pam_unix.so\n-auth required pam_mfa.so\n' |
    svc dashmfa
pcheck --service dashmfa --service dash
check "pam: pam_mfa on a -auth line" finding_sev medium pam-silent \
    "pam-file $P/dashmfa: line 2: pam_mfa is on a '-auth' line"
check "pam: pam_mfa on an auth line: no pam-silent" no_finding pam-silent \
    "pam-file $P/dash: "

# What the analysis cannot take as well-formed is said, never passed over.
printf 'auth include loopa\nauth required pam_mfa.so\n' | svc loop
printf 'auth include loopb\n' | svc loopa
printf 'auth include loopa\n' | svc loopb
printf 'auth requird pam_unix.so\nauth required pam_mfa.so\n' | svc typo
printf 'auth include nosuch\nauth required pam_mfa.so\n' | svc miss
printf 'auth required pam_unix.so\nauth required pam_mfa.so\n' | svc open
chmod 0666 "$P/open"
pcheck --service loop --service typo --service miss --service open
check "pam: an include loop" finding_sev medium pam-unknown \
    "pam-file $P/loopb: line 1: includes $P/loopa, which includes this file again"
check "pam: an unknown control word" finding_sev medium pam-unknown \
    "pam-file $P/typo: line 1: control 'requird' is unknown to Linux-PAM"
check "pam: a missing include" finding_sev medium pam-unknown \
    "pam-file $P/miss: line 1: cannot read $P/nosuch"
check "pam: a file others can write" finding_sev medium pam-unsafe \
    "pam-file $P/open: writable by others than root"
chmod 0644 "$P/open"
# The path in the command to paste is one word for the shell.
mkdir -m 0755 "$WORK/pam d"
printf 'auth required pam_unix.so\nauth required pam_mfa.so\n' \
    >"$WORK/pam d/open"
chmod 0666 "$WORK/pam d/open"
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" --config "$CONF" --store "$STORE" check --json \
    --pam-dir "$WORK/pam d" --service open
check "pam: a path with a blank is quoted in the command" \
    finding_sev medium pam-unsafe \
    "run 'chown root '$WORK/pam d/open'' and 'chmod go-w '$WORK/pam d/open''"
rm -rf "$WORK/pam d"
# An include naming a FIFO: said, and check does not wait in open()
# for a writer that never comes (timeout: exit 124 if it did).
mkfifo -m 0600 "$WORK/fifo"
printf 'auth include %s\nauth required pam_mfa.so\n' "$WORK/fifo" | svc fifo
# shellcheck disable=SC2086
run timeout 20 env $NSSENV "$MFACTL" --config "$CONF" --store "$STORE" \
    check --json --pam-dir "$P" --service fifo
check "pam: an include that is a FIFO: check ends" [ "$rc" -ne 124 ]
check "pam: an include that is a FIFO is said" finding_sev medium pam-unknown \
    "pam-file $P/fifo: line 1: cannot read $WORK/fifo"
rm -f "$WORK/fifo"
run M check --json --pam-dir "$WORK/nosuch"
check "pam: no PAM directory" finding_sev medium pam-unknown \
    "pam-file $WORK/nosuch: not a directory that can be read"

# pam_rootok: su's exception for root (low); in sshd, which runs as root,
# a way in for everyone (high).
printf 'auth sufficient pam_rootok.so\nauth required pam_unix.so\nauth required pam_mfa.so\n' |
    svc su
cp -p "$P/su" "$P/sshd"
pcheck --service su
check "pam: su: pam_rootok is low" finding_sev low pam-rootok \
    "pam-service su: root needs no pam_mfa: pam_rootok ($P/su line 1)"
check "pam: sshd: pam_rootok is a way around" finding_sev high pam-bypass \
    "pam-service sshd: a login can succeed without pam_mfa: through pam_rootok.so"

# The options of each pam_mfa line, read by the module's own parser: what
# it refuses fails every login through the line.
printf 'auth required pam_unix.so\nauth required pam_mfa.so cofnig=/x\n' |
    svc typoarg
printf 'auth required pam_mfa.so config=etc/pam_mfa.conf\n' | svc relconf
pcheck --service typoarg --service relconf
check "pam args: an unknown option, with file and line" \
    finding_sev medium pam-args \
    "pam-file $P/typoarg: line 2: pam_mfa refuses its options (unknown option 'cofnig=/x'), which fails every login through this line"
check "pam args: a relative config= is refused as the module does" \
    finding_sev medium pam-args \
    "pam-file $P/relconf: line 1: pam_mfa refuses its options (option 'config' needs an absolute path"
# count KIND TEXT: how many findings of KIND hold TEXT.
count() {
	printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
kind, text = sys.argv[1], sys.argv[2]
print(sum(1 for f in json.load(sys.stdin) if f["kind"] == kind and
    text in f["object"] + ": " + f["problem"] + ": " + f["action"]))' "$1" "$2"
}
# One file read for two services, and twice for one: said once.
printf 'auth include typoarg\nauth substack typoarg\n' | svc twice
pcheck --service typoarg --service twice
check "pam args: each file and line once" \
    [ "$(count pam-args "$P/typoarg: line 2")" -eq 1 ]
# What the module takes: no finding; the same file and store as this run.
printf 'auth required pam_mfa.so debug config=%s keyhint store=%s\n' \
    "$CONF" "$STORE" | svc goodarg
pcheck --service goodarg
check "pam args: debug and keyhint are taken" \
    no_finding pam-args "$P/goodarg"
check "pam config: the configuration and store of this run: no finding" \
    no_finding pam-config "$P/goodarg"
# No config= or store=: the default file and its store, as for a run of
# mfactl without --config and --store.
printf 'auth required pam_mfa.so\n' | svc defarg
# shellcheck disable=SC2086
run env $NSSENV "$MFACTL" check --json --pam-dir "$P" --service defarg
check "pam config: the default configuration: no finding" \
    no_finding pam-config "$P/defarg"
check "pam config: ... nor an args finding" no_finding pam-args "$P/defarg"
# Another configuration (one word with a blank, in brackets as libpam
# reads it): this run did not inspect it; the command that does.
OTHER="$WORK/other conf/pam_mfa.conf"
printf 'auth required pam_mfa.so [config=%s]\n' "$OTHER" | svc otherconf
printf 'auth required pam_mfa.so config=%s\n' "$CONF" | svc confstore
pcheck --service otherconf --service confstore
check "pam config: another configuration" finding_sev low pam-config \
    "pam-file $P/otherconf: line 1: pam_mfa reads configuration $OTHER, which this check did not inspect"
check "pam config: ... and the command, its path quoted" \
    finding pam-config "run 'mfactl --config '$OTHER' check'"
check "pam config: no store= with this run's --store: the file's store" \
    finding_sev low pam-config \
    "pam-file $P/confstore: line 1: pam_mfa uses store "
check "pam config: ... and the command for that configuration" \
    finding pam-config "inspect it too: run 'mfactl --config $CONF check'"

expect_rc 2 "check --service with a slash" M check --service ../su
expect_rc 2 "check --service ''" M check --service ""
expect_rc 2 "check --pam-dir ''" M check --pam-dir ""

finish
