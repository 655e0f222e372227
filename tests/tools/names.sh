#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mfactl and other names of an account.  With a user database that, like
# SSSD or winbind, finds alice for "ALICE" and "alice@corp.example"
# (nss_wrapper asking the test-only NSS module tests/pam/nss_ci.c),
# every command that takes a USER refuses such a name, naming the
# account (logins use the account's name, so enrolment under another
# would never be read); totp add/confirm --batch refuse the line; a
# name without an account is still accepted; 'mfactl check' reports
# credentials left under another name and [user] sections naming one.
# Then a login as "ALICE" (pamtester under pam_wrapper) uses what was
# enrolled for alice.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the store is root's)"
command -v oathtool >/dev/null 2>&1 || skip_all "oathtool is missing"
NSSCI=$MFA_TOP_BUILDDIR/tests/pam/.libs/libnss_ci.so
[ -f "$NSSCI" ] || skip_all "tests/pam/libnss_ci.so not built"

mfactl_binary
WORK=$(mktemp -d /tmp/mfactl-names.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
NSSENV=$(nss_env "$WORK") || skip_all "nss_wrapper is missing"
NSSENV="$NSSENV NSS_WRAPPER_MODULE_SO_PATH=$NSSCI"
NSSENV="$NSSENV NSS_WRAPPER_MODULE_FN_PREFIX=ci"
NSSENV="$NSSENV NSS_CI_PASSWD=$WORK/passwd NSS_CI_DOMAIN=corp.example"
STORE=$WORK/store
mkdir -m 0700 "$STORE" "$WORK/svc"
CONF=$WORK/pam_mfa.conf
printf 'store = %s\nfail_delay = 0\nrequire = totp OR fido2\n' "$STORE" \
    >"$CONF"
{
	echo "root:x:0:0:root:/root:/bin/sh"
	echo "alice:x:5001:5001:Alice:/nonexistent:/bin/sh"
	echo "eve.state:x:5002:5002:Eve:/nonexistent:/bin/sh"
} >"$WORK/passwd"
printf 'root:x:0:\nalice:x:5001:\neve.state:x:5002:\n' >"$WORK/group"

M() {
	# shellcheck disable=SC2086
	env $NSSENV "$MFACTL" --config "$CONF" "$@"
}

# refused DESC NAME ACCOUNT COMMAND...: exit 1 and one line naming the
# account; no store file made for NAME.
refused() {
	_d=$1
	_name=$2
	_acct=$3
	shift 3
	expect_fail_line "$_d" M "$@"
	check "$_d: names the account" contains "$err" \
	    " $_name: another name of the account $_acct, which is the name pam_mfa uses: give that name"
	check "$_d: no store file" test ! -e "$STORE/$_name" -a \
	    ! -e "$STORE/$_name.state"
}

# shellcheck disable=SC2086
run env $NSSENV getent passwd ALICE
check "the database: ALICE is alice" contains "$out" "alice:x:5001:"

# ---- the commands refuse the other names -------------------------------
refused "totp add ALICE" ALICE alice totp add ALICE
check "totp add ALICE: the whole line" [ "$err" = "mfactl: totp add ALICE: another name of the account alice, which is the name pam_mfa uses: give that name" ]
refused "totp add alice@corp.example" alice@corp.example alice \
    totp add alice@corp.example
expect_rc 0 "totp add alice" M totp add alice
SECRET=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" secret)
refused "totp confirm ALICE" ALICE alice totp confirm ALICE 123456
expect_rc 0 "totp confirm alice" M totp confirm alice \
    "$(totp "$SECRET" sha1 6 -30)"
refused "list ALICE" ALICE alice list ALICE
refused "status Alice" Alice alice status Alice
refused "rename ALICE" ALICE alice rename ALICE 1 phone
refused "remove ALICE" ALICE alice remove ALICE 1
refused "recovery ALICE" ALICE alice recovery ALICE
refused "unlock ALICE" ALICE alice unlock ALICE
refused "fido2 add ALICE" ALICE alice fido2 add ALICE
# An account whose own name pam_mfa cannot use: refused as well.
refused "totp add EVE.STATE" EVE.STATE eve.state totp add EVE.STATE
# No account: enrolment ahead of time, as before.
expect_rc 0 "totp add ghost (no account)" M totp add ghost
check "ghost's store file" test -f "$STORE/ghost"
rm -f "$STORE/ghost" "$STORE/ghost.state"

# ---- batches --------------------------------------------------------------
printf 'ALICE\nghost\n' >"$WORK/users.txt"
expect_rc 1 "totp add --batch with ALICE" M totp add --batch \
    "$WORK/users.txt"
check "batch: ALICE's line refused, naming alice" contains "$err" \
    "another name of the account alice, which is the name pam_mfa uses"
check "batch: ghost enrolled" contains "$out" "ghost 1 otpauth://"
check "batch: no store file for ALICE" test ! -e "$STORE/ALICE"
printf 'ALICE 123456 1\n' >"$WORK/codes.txt"
expect_rc 1 "totp confirm --batch with ALICE" M totp confirm --batch \
    "$WORK/codes.txt"
check "batch confirm: refused, naming alice" contains "$err" \
    "another name of the account alice, which is the name pam_mfa uses"
rm -f "$STORE/ghost" "$STORE/ghost.state"

# ---- import: a record for another name is skipped -------------------------
K=3132333435363738393031323334353637383930
printf 'HOTP/T30 ALICE - %s\nHOTP/T30 ghost - %s\n' "$K" "$K" \
    >"$WORK/users.oath"
expect_rc 1 "import pam_oath with ALICE" M import pam_oath "$WORK/users.oath"
check "import: ALICE's line skipped, naming alice" contains "$out" \
    "LINE 1: skipped: ALICE: user name not acceptable (another name of the account alice, which is the name pam_mfa uses: give that name)"
check "import: ghost's line imported" contains "$out" \
    "LINE 2: imported ghost credential"
check "import: no store file for ALICE" test ! -e "$STORE/ALICE"
expect_rc 1 "import google-authenticator --user ALICE" M import \
    google-authenticator "$MFA_TOP_SRCDIR/tests/tools/import/google_authenticator" \
    --user ALICE
check "import --user ALICE: skipped, naming alice" contains "$out" \
    "skipped: ALICE: user name not acceptable (another name of the account alice"
check "import --user ALICE: no store file" test ! -e "$STORE/ALICE"
rm -f "$STORE/ghost" "$STORE/ghost.state"

# ---- check: credentials left under another name ------------------------
run M check
check "check: nothing of other names yet" lacks "$out" "another name"
cp -p "$STORE/alice" "$STORE/ALICE"
cp -p "$STORE/alice.state" "$STORE/ALICE.state"
expect_rc 1 "check: ALICE's credentials" M check
check "check: one line for them" contains "$out" \
    "user ALICE: credentials under another name of the account alice: pam_mfa never reads them: enrol alice if needed, then delete $STORE/ALICE and $STORE/ALICE.state"
rm -f "$STORE/ALICE" "$STORE/ALICE.state"
cp -p "$CONF" "$WORK/conf.orig"
printf '[user ALICE]\nrecovery = no\n' >>"$CONF"
expect_rc 1 "check: [user ALICE]" M check
check "check: the section applies to no one" contains "$out" \
    "[user ALICE] (line 4): another name of the account alice: logins use the account's name, so the section applies to no one: name the section [user alice]"
check "check: no advice to enrol ALICE" lacks "$out" "mfactl totp add ALICE"
cp -p "$WORK/conf.orig" "$CONF"

# ---- a [group] whose server does not answer --------------------------------
# glibc with nsswitch.conf "group: ci" in a private mount namespace: the
# test module answers the look-up of group staff as a server that is
# down (NSS_CI_GROUP_DOWN; nss_wrapper would hide that behind its
# files).  mfactl check must say so, not skip the section.
group_down_test() {
	if ! unshare -m true 2>/dev/null; then
		echo "# no mount namespace: group look-up failure skipped"
		return
	fi
	mkdir "$WORK/nsslib"
	ln -s "$NSSCI" "$WORK/nsslib/libnss_ci.so.2"
	printf 'passwd: files\ngroup: ci\nshadow: files\n' \
	    >"$WORK/nsswitch.conf"
	printf 'store = %s\n[group staff]\nrequire = password AND fido2\n' \
	    "$STORE" >"$WORK/groups.conf"
	run unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf &&
	    exec env LD_LIBRARY_PATH="$2${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
	    NSS_CI_PASSWD="$3" \
	    NSS_CI_GROUP_DOWN=staff "$4" --config "$5" check --json \
	    --group staff' sh \
	    "$WORK/nsswitch.conf" "$WORK/nsslib" "$WORK/passwd" "$MFACTL" \
	    "$WORK/groups.conf"
	check "group down: check fails" [ "$rc" -eq 1 ]
	check "group down: the finding" contains "$out" \
	    '"kind": "config-group-lookup"'
	check "group down: says logins are refused" contains "$out" \
	    "[group staff] (line 2): the group cannot be looked up: every login of a known user is refused"
	check "group down: --group staff too" contains "$out" \
	    '"kind": "group-lookup"'
	# The same for the user database and an enrolled user.
	printf 'passwd: ci\ngroup: files\nshadow: files\n' \
	    >"$WORK/nsswitch-pw.conf"
	run unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf &&
	    exec env LD_LIBRARY_PATH="$2${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
	    NSS_CI_PASSWD="$3" NSS_CI_PASSWD_DOWN=alice "$4" --config "$5" \
	    check --json' sh "$WORK/nsswitch-pw.conf" "$WORK/nsslib" \
	    "$WORK/passwd" "$MFACTL" "$CONF"
	check "user down: check fails" [ "$rc" -eq 1 ]
	check "user down: the finding" contains "$out" \
	    '"kind": "user-lookup", "object": "user alice", "problem": "the user database failed for this user: logins are refused"'
}
group_down_test

# ---- a login as ALICE uses alice's enrolment -----------------------------
login_test() {
	for c in pamtester pkg-config; do
		command -v "$c" >/dev/null 2>&1 ||
		    { echo "# $c missing: login skipped"; return; }
	done
	PWLIB=$(pkg-config --libs pam_wrapper 2>/dev/null | tr -d " ")
	MOD=$MFA_TOP_BUILDDIR/pam_module/.libs/pam_mfa.so
	if [ ! -f "$PWLIB" ] || [ ! -f "$MOD" ]; then
		echo "# pam_wrapper or pam_mfa.so missing: login skipped"
		return
	fi
	NSSLIB=${NSSENV#LD_PRELOAD=}
	NSSLIB=${NSSLIB%% *}
	echo "auth required $MOD config=$CONF" >"$WORK/svc/mfa"
	totp "$SECRET" sha1 6 >"$WORK/answer"
	RUN_STDIN=$WORK/answer
	# shellcheck disable=SC2086
	run env $NSSENV \
	    LD_PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$PWLIB:$NSSLIB" \
	    PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$WORK/svc" \
	    pamtester -v mfa ALICE authenticate
	RUN_STDIN=
	check "login as ALICE with alice's code" [ "$rc" -eq 0 ]
	check "pamtester says so" contains "$out" "successfully authenticated"
}
login_test

# ---- ... and a login whose [group] server does not answer ------------------
# The module in the same kind of namespace (passwd from the test module,
# group "ci [UNAVAIL=return] files"): with staff's server down, alice's
# right code is refused rather than judged without the [group staff]
# section (which would ask for a key); the same code then passes once
# the server answers (staff found, alice not in it): it was not used up.
group_down_login_test() {
	if [ ! -f "${PWLIB:-}" ] || [ ! -f "${MOD:-}" ] ||
	    ! unshare -m true 2>/dev/null; then
		echo "# pam_wrapper, pam_mfa.so or namespaces missing: skipped"
		return
	fi
	printf 'passwd: ci\ngroup: ci [UNAVAIL=return] files\nshadow: files\n' \
	    >"$WORK/nsswitch-login.conf"
	printf 'root:x:0:\nstaff:x:6000:\n' >"$WORK/group-login"
	printf 'store = %s\nfail_delay = 0\nrequire = totp OR fido2\n' \
	    "$STORE" >"$WORK/login.conf"
	printf '[group staff]\nrequire = fido2\n' >>"$WORK/login.conf"
	mkdir "$WORK/svc2"
	echo "auth required $MOD config=$WORK/login.conf" >"$WORK/svc2/mfa"
	totp "$SECRET" sha1 6 30 >"$WORK/answer"
	for down in staff none; do
		RUN_STDIN=$WORK/answer
		run unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf &&
		    mount --bind "$2" /etc/group &&
		    exec env LD_LIBRARY_PATH="$3${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		    NSS_CI_PASSWD="$4" NSS_CI_GROUP_DOWN="$5" \
		    LD_PRELOAD="$6" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$7" \
		    pamtester -v mfa alice authenticate' sh \
		    "$WORK/nsswitch-login.conf" "$WORK/group-login" \
		    "$WORK/nsslib" "$WORK/passwd" "$down" \
		    "${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$PWLIB" "$WORK/svc2"
		RUN_STDIN=
		if [ "$down" = staff ]; then
			check "group down: the login is refused" [ "$rc" -ne 0 ]
			check "group down: after the code prompt" contains \
			    "$out$err" "Verification code:"
			check "group down: logged, naming the group" contains \
			    "$err" "group staff cannot be looked up"
		else
			check "group back: the same code logs in" [ "$rc" -eq 0 ]
		fi
	done
}
group_down_login_test

finish
