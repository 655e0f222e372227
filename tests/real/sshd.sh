#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# OpenSSH with pam_mfa, for real: this test starts its own sshd on
# 127.0.0.1 at a free port (own sshd_config with the lines of
# examples/sshd_config, own host key and pid file), with
# examples/pam.d/sshd unchanged as /etc/pam.d/sshd and the installed
# (make install DESTDIR) pam_mfa.so, inside a private mount namespace
# (tests/real/real.sh).  The OpenSSH client, driven by pexpect on a
# pseudo-terminal, logs in through keyboard-interactive as a user that
# exists only in the namespace, answering "Password:" and
# "Verification code:", and runs a command.  Checked: success with the
# right password and code; refusal on a wrong code, on a replayed code
# and on a wrong password; the audit lines.
# Single-quoted text is typed into a shell, which expands it.
# shellcheck disable=SC2016
. "$MFA_TOP_SRCDIR/tests/real/real.sh"

USER_PW=ssh-Passw0rd

inner() {
	trap 'inner_cleanup' EXIT
	real_enter || { echo "cannot set up the namespace"; return 99; }
	real_install_pamd sshd "$EXAMPLES/pam.d/sshd" || return 99
	check "test user visible in the namespace" \
	    [ "$(getent passwd mfassh | cut -d: -f7)" = /bin/sh ]

	ssh-keygen -q -t ed25519 -N '' -C real-test -f "$WORK/host_key" ||
	    return 99

	# examples/sshd_config as the drop-in it says it is, read with the
	# system's own sshd_config (sshd -T): the first value of each
	# keyword wins.
	if [ -f /etc/ssh/sshd_config ] &&
	    grep -q '^Include /etc/ssh/sshd_config.d/\*\.conf' \
	    /etc/ssh/sshd_config; then
		real_private_dir /etc/ssh/sshd_config.d &&
		cp "$EXAMPLES/sshd_config" \
		    /etc/ssh/sshd_config.d/pam_mfa.conf &&
		"$SSHD" -T -f /etc/ssh/sshd_config -o HostKey="$WORK/host_key" \
		    >"$WORK/sshd-T" 2>&1
		check "drop-in: usepam yes" \
		    grep -qx 'usepam yes' "$WORK/sshd-T"
		check "drop-in: kbdinteractiveauthentication yes" \
		    grep -qx 'kbdinteractiveauthentication yes' "$WORK/sshd-T"
		check "drop-in: passwordauthentication no" \
		    grep -qx 'passwordauthentication no' "$WORK/sshd-T"
		check "drop-in: authenticationmethods keyboard-interactive" \
		    grep -qx 'authenticationmethods keyboard-interactive' \
		    "$WORK/sshd-T"
	else
		echo "  no Debian sshd_config including sshd_config.d:" \
		    "drop-in not checked"
	fi

	# The test's sshd: examples/sshd_config, then its own settings.
	PORT=$("$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	{
		grep -v '^#' "$EXAMPLES/sshd_config" | grep .
		cat <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $WORK/host_key
PidFile $WORK/sshd.pid
PubkeyAuthentication no
PermitRootLogin no
AllowUsers mfassh
UseDNS no
PrintMotd no
PrintLastLog no
MaxAuthTries 3
LoginGraceTime 30
MaxStartups 10:30:100
LogLevel VERBOSE
EOF
	} >"$WORK/sshd_config"
	check "sshd -t accepts the configuration" \
	    "$SSHD" -t -f "$WORK/sshd_config"
	# -D: no daemon, so that the test knows its process; -e: its own
	# log to a file (pam_mfa's audit lines still go to /dev/log).
	"$SSHD" -D -e -f "$WORK/sshd_config" 2>"$WORK/sshd.log" &
	SSHD_PID=$!
	if ! wait_for 10 grep -q "Server listening on 127.0.0.1 port $PORT" \
	    "$WORK/sshd.log"; then
		cat "$WORK/sshd.log"
		not_ok "sshd started"
		return 1
	fi
	ok "sshd listening on 127.0.0.1 port $PORT"

	code=$(totp "$SECRET" sha1 6)
	ssh_login "$USER_PW" "$code"
	check "right password and code: logged in, command ran" \
	    [ "$rc" -eq 0 ]
	check "the command ran as the user" matches "$out" '^who=mfassh'
	check "prompted for the password" contains "$out" "Password:"
	check "prompted for the code" contains "$out" "Verification code:"
	audit "success: audit line" 'pam_mfa\(sshd:auth\): user=mfassh '\
'service=sshd rhost=127\.0\.0\.1 .*factors=password,totp result=success'
	check "no code in the audit log" lacks "$(cat "$WORK/syslog")" "$code"
	check "no password in the audit log" \
	    lacks "$(cat "$WORK/syslog")" "$USER_PW"

	ssh_login "$USER_PW" "$code"
	check "replayed code: refused" [ "$rc" -ne 0 ]
	check "replayed code: command did not run" lacks "$out" "who=mfassh"
	check "replayed code: ssh says permission denied" \
	    contains "$out" "Permission denied"
	audit "replay: audit line" \
	    'user=mfassh service=sshd .*result=failure reason=replay'

	ssh_login "$USER_PW" "$(wrong_code "$SECRET" sha1 6)"
	check "wrong code: refused" [ "$rc" -ne 0 ]
	check "wrong code: command did not run" lacks "$out" "who=mfassh"
	audit "wrong code: audit line" \
	    'user=mfassh service=sshd .*result=failure reason=bad_code'

	ssh_login "wrong-$USER_PW" "$(totp "$SECRET" sha1 6 30)"
	check "wrong password: refused" [ "$rc" -ne 0 ]
	audit "wrong password: audit line" \
	    'user=mfassh service=sshd .*result=failure reason=bad_password'

	# The code of the next step was typed after a wrong password: not
	# used up, so it still works.
	ssh_login "$USER_PW" "$(totp "$SECRET" sha1 6 30)"
	check "next code after a failed login: logged in" [ "$rc" -eq 0 ]
	check "next code: the command ran" matches "$out" '^who=mfassh'

	kill "$SSHD_PID" 2>/dev/null
	wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=
	check "sshd did not crash" lacks "$(cat "$WORK/sshd.log")" "fatal"
	finish
}

inner_cleanup() {
	[ -z "${SSHD_PID:-}" ] || kill "$SSHD_PID" 2>/dev/null
	[ -z "${SYSLOG_PID:-}" ] || kill "$SYSLOG_PID" 2>/dev/null
	wait 2>/dev/null
}

# ssh_login PASSWORD CODE: the OpenSSH client on a pseudo-terminal,
# keyboard-interactive only, one round of prompts; sets rc and out.
ssh_login() {
	log_mark
	"$PYTHON" "$PTY_RUN" --timeout 20 'Password:' "$1" \
	    'Verification code:' "$2" -- \
	    timeout 40 ssh -F /dev/null -p "$PORT" \
	    -o PreferredAuthentications=keyboard-interactive \
	    -o PubkeyAuthentication=no -o IdentityAgent=none \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	    -o NumberOfPasswordPrompts=1 -o ConnectTimeout=10 \
	    -o LogLevel=ERROR mfassh@127.0.0.1 'echo who=$(id -un)' \
	    >"$WORK/ssh.out" 2>&1
	rc=$?
	out=$(tr -d '\r' <"$WORK/ssh.out")
	echo "  \$ ssh mfassh@127.0.0.1 -> $rc"
	printf '%s\n' "$out" | sed 's/^/  | /'
	log_since
}

if [ "${MFA_IN_NS:-}" = 1 ]; then
	inner
	exit $?
fi

# ---- outside: install, users, enrolment, then the namespace ---------------
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || skip_all "sshd is missing (Debian: openssh-server)"
real_require ssh ssh-keygen
"$PYTHON" -c 'import pexpect' 2>/dev/null ||
    skip_all "python3 pexpect is missing (Debian: python3-pexpect)"
real_no_sanitizers
real_prepare sshd
grep -q '^sshd:' "$WORK/etc/passwd" ||
    echo 'sshd:x:4299:65534::/run/sshd:/usr/sbin/nologin' >>"$WORK/etc/passwd"
real_user mfassh 4251 "$USER_PW"
SECRET=$(real_enrol mfassh) || { not_ok "enrol mfassh"; finish; exit 1; }
ok "enrolled and confirmed a TOTP credential"
export SSHD SECRET
real_run_ns "$0"
