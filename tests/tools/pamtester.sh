#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# pam_mfa.so and mfactl as installed: "make install" of this build tree
# into a throwaway DESTDIR, then logins through real Linux-PAM with
# pamtester(1) under pam_wrapper, whose service files point at the
# DESTDIR's pam_mfa.so.  The password factor needs a user whose
# password we know: inside a private mount namespace (unshare -m) a
# copy of /etc/passwd, /etc/shadow and /etc/group with a user "demo" is
# bind-mounted over the real ones, which stay untouched; /dev gets a
# tmpfs there too, so that a small listener on /dev/log receives the
# module's audit lines.  Both password modes are tried: builtin, and
# stacked after pam_unix.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"
. "$MFA_TOP_SRCDIR/tests/tools/sandbox.sh"

inner() {
	sandbox_enter "$WORK/etc" || return 99
	check "demo user visible in the namespace" \
	    [ "$(getent passwd demo | cut -d: -f3)" = 4242 ]
	sandbox_syslog "$WORK/syslog" || return 99
	trap 'kill "$SYSLOG_PID" 2>/dev/null' EXIT

	# ---- logins ---------------------------------------------------
	code=$(totp "$SECRET" sha1 6)
	login mfa demo "demo-password" "$code"
	check "pending credential: login refused" [ "$rc" -ne 0 ]
	audit "pending credential: audit line" 'user=demo .*result=failure'

	# An authenticator's previous code (the window accepts it), so the
	# current one is still unused for the login below.
	expect_rc 0 "confirm the credential (installed mfactl)" \
	    "$MFACTL_I" --config "$CONF" totp confirm demo \
	    "$(totp "$SECRET" sha1 6 -30)"

	code=$(totp "$SECRET" sha1 6)
	login mfa demo "demo-password" "$code"
	check "right password, right code: authenticated" [ "$rc" -eq 0 ]
	check "pamtester says so" contains "$out" "successfully authenticated"
	audit "success: audit line" \
	    'pam_mfa\(mfa:auth\): user=demo service=mfa .*result=success'
	check "audit lines never hold the code" lacks "$(cat "$WORK/syslog")" \
	    "$code"
	check "audit lines never hold the password" \
	    lacks "$(cat "$WORK/syslog")" "demo-password"

	login mfa demo "demo-password" "$code"
	check "replayed code: refused" [ "$rc" -ne 0 ]
	audit "replay: audit line" 'user=demo .*result=failure reason=replay'

	login mfa demo "demo-password" "$(wrong_code "$SECRET" sha1 6)"
	check "wrong code: refused" [ "$rc" -ne 0 ]
	audit "wrong code: audit line" \
	    'user=demo .*result=failure reason=bad_code'

	login mfa demo "wrong-password" "$(totp "$SECRET" sha1 6 30)"
	check "wrong password: refused" [ "$rc" -ne 0 ]
	audit "wrong password: audit line" \
	    'user=demo .*result=failure reason=bad_password'

	login mfa nosuchuser "demo-password" "$code"
	check "unknown user: refused" [ "$rc" -ne 0 ]
	check "unknown user: same prompts" contains "$err" "Verification code"

	# Stacked: pam_unix checks the password, pam_mfa asks for the code.
	login mfa-stacked demo "wrong-password"
	check "stacked, wrong password: refused by pam_unix" [ "$rc" -ne 0 ]
	login mfa-stacked demo "demo-password" "$(totp "$SECRET" sha1 6 30)"
	check "stacked, right password and code: authenticated" [ "$rc" -eq 0 ]
	audit "stacked: audit line" \
	    'user=demo service=mfa-stacked .*result=success'

	# On a terminal, as a person would answer.
	if "$PYTHON" -c 'import pexpect' 2>/dev/null; then
		# shellcheck disable=SC2086
		run "$PYTHON" "$PTY_RUN" 'Password: ' 'demo-password' \
		    'Verification code: ' "$(wrong_code "$SECRET" sha1 6)" -- \
		    env $PAMENV pamtester -v mfa demo authenticate
		check "terminal: wrong code refused" contains "$out" \
		    "Authentication failure"
		check "terminal: both prompts shown" contains "$out" \
		    "Verification code: "
	fi
	kill "$SYSLOG_PID"
	finish
}

# login SERVICE USER ANSWER...: pamtester with the answers on a pipe.
login() {
	_svc=$1
	_user=$2
	shift 2
	_lines=$(wc -l <"$WORK/syslog")
	printf '%s\n' "$@" >"$WORK/answers"
	RUN_STDIN=$WORK/answers
	# $PAMENV is a list of VAR=value words (no spaces in them).
	# shellcheck disable=SC2086
	run env $PAMENV pamtester -v "$_svc" "$_user" authenticate
	RUN_STDIN=
	# Let the listener catch up with the audit line.
	i=0
	while [ "$(wc -l <"$WORK/syslog")" -eq "$_lines" ] && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	last_log=$(tail -n +"$((_lines + 1))" "$WORK/syslog")
	printf '%s\n' "$last_log" | sed 's/^/  log: /'
}

# audit DESC ERE: a log line of the last login matches.
audit() {
	check "$1" matches "$last_log" "$2"
}

if [ "${MFA_IN_NS:-}" = 1 ]; then
	inner
	exit $?
fi

# ---- outside: install, enrol, then the namespace --------------------------
[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, the store)"
for c in pamtester oathtool unshare openssl getent; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c is missing"
done
unshare -m true 2>/dev/null || skip_all "cannot unshare a mount namespace"
SYSPAM="$(pkg-config --variable=libdir pam)/security"
[ -f "$SYSPAM/pam_unix.so" ] || skip_all "pam_unix.so not found"
PWLIB=$(pkg-config --libs pam_wrapper 2>/dev/null | tr -d " ")
[ -f "$PWLIB" ] || skip_all "libpam_wrapper.so not found"

WORK=$(mktemp -d /tmp/mfa-pamtester.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/syslog"

# A make started from this test must not join make check's jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL
D=$WORK/root
if ! sh "$MFA_TOP_SRCDIR/tests/install-destdir.sh" "$D" \
    >"$WORK/install.log" 2>&1; then
	cat "$WORK/install.log"
	not_ok "make install DESTDIR"
	finish
	exit 1
fi
ok "make install DESTDIR=$D"
MOD=$D$MFA_PAMDIR/pam_mfa.so
MFACTL_I=$D$MFA_SBINDIR/mfactl
LIBD=$D$MFA_LIBDIR
check "pam_mfa.so installed" [ -f "$MOD" ]
check "mfactl installed" [ -x "$MFACTL_I" ]
check "libmfa.so installed" [ -f "$LIBD/libmfa.so" ]
check "default config installed" \
    [ -f "$D$MFA_SYSCONFDIR/security/pam_mfa.conf" ]
check "store directory installed, mode 0700" \
    [ "$(stat -c %a "$D$MFA_LOCALSTATEDIR/lib/pam_mfa")" = 700 ]
run env LD_LIBRARY_PATH="$LIBD" "$MFACTL_I" \
    --config "$D$MFA_SYSCONFDIR/security/pam_mfa.conf" --store "$WORK" \
    list nobody
check "the installed default config loads" contains "$err" "not enrolled"
check "installed mfactl uses the installed libmfa" sh -c \
    "LD_LIBRARY_PATH='$LIBD' ldd '$MFACTL_I' | grep -q '$LIBD/libmfa.so'"

# Store, config, service files, and the private passwd/shadow/group.
mkdir -m 0700 "$WORK/store" "$WORK/svc"
CONF=$WORK/pam_mfa.conf
printf 'store = %s\nfail_delay = 0\n' "$WORK/store" >"$CONF"
printf 'store = %s\nfail_delay = 0\npassword = stacked\n' "$WORK/store" \
    >"$WORK/stacked.conf"
echo "auth required $MOD config=$CONF" >"$WORK/svc/mfa"
cat >"$WORK/svc/mfa-stacked" <<EOF
auth requisite $SYSPAM/pam_unix.so nodelay
auth required $MOD config=$WORK/stacked.conf
EOF
echo "auth required $SYSPAM/pam_deny.so" >"$WORK/svc/other"
sandbox_etc "$WORK/etc" demo demo-password || exit 99

# Enrol with the installed mfactl; the credential stays pending.
export LD_LIBRARY_PATH="$LIBD"
expect_rc 0 "installed mfactl: totp add demo" "$MFACTL_I" --config "$CONF" \
    totp add demo --label demo-phone
SECRET=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" secret)
check "got the secret from the URI" [ -n "$SECRET" ]

# Under --enable-sanitizers the runtimes go first (pamtester is not
# sanitized but loads the sanitized module).
PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$PWLIB"
PAMENV="LD_PRELOAD=$PRELOAD PAM_WRAPPER=1"
PAMENV="$PAMENV PAM_WRAPPER_SERVICE_DIR=$WORK/svc PAM_WRAPPER_USE_SYSLOG=1"
PAMENV="$PAMENV LD_LIBRARY_PATH=$LIBD"
export WORK SECRET CONF MFACTL_I PAMENV
unshare -m --propagation private env MFA_IN_NS=1 ntests="$ntests" \
    nfailed="$nfailed" sh "$0"
