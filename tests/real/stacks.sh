#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The example stacks of programs that the other tests do not start:
# examples/pam.d/sudo and examples/pam.d/gdm-password, each unchanged as
# /etc/pam.d/SERVICE inside a private mount namespace
# (tests/real/real.sh), with the installed (make install DESTDIR)
# pam_mfa.so.  Their auth stacks run through real Linux-PAM with
# pamtester(1): right password and code pass, a wrong or replayed code
# fails, and gdm-password refuses root even with root's right password
# and code (pam_succeed_if).  When sudo is installed, a non-root user
# also runs "sudo id -un" in a tmux pane, typing the password and code
# as a person would (a private /etc/sudoers in the namespace).  GDM
# itself needs a display server and is not started.
# Single-quoted text is typed into a shell, which expands it.
# shellcheck disable=SC2016
. "$MFA_TOP_SRCDIR/tests/real/real.sh"
. "$MFA_TOP_SRCDIR/tests/real/tmux.sh"

PW=stk-Passw0rd

inner() {
	trap 'inner_cleanup' EXIT
	real_enter || { echo "cannot set up the namespace"; return 99; }
	real_install_pamd sudo "$EXAMPLES/pam.d/sudo" &&
	real_install_pamd gdm-password "$EXAMPLES/pam.d/gdm-password" ||
	    return 99

	# ---- sudo's stack -----------------------------------------------
	code=$(totp "$SUDO_SECRET" sha1 6)
	pt sudo mfasudo "$PW" "$code"
	check "sudo stack: right password and code" [ "$rc" -eq 0 ]
	audit "sudo stack: audit line" \
	    'pam_mfa\(sudo:auth\): user=mfasudo service=sudo .*result=success'
	pt sudo mfasudo "$PW" "$code"
	check "sudo stack: replayed code refused" [ "$rc" -ne 0 ]
	audit "sudo stack: replay audit line" \
	    'user=mfasudo service=sudo .*result=failure reason=replay'
	pt sudo mfasudo "$PW" "$(wrong_code "$SUDO_SECRET" sha1 6)"
	check "sudo stack: wrong code refused" [ "$rc" -ne 0 ]
	audit "sudo stack: wrong code audit line" \
	    'user=mfasudo service=sudo .*result=failure reason=bad_code'

	# ---- gdm-password's stack ---------------------------------------
	code=$(totp "$GDM_SECRET" sha1 6)
	pt gdm-password mfagdm "$PW" "$code"
	check "gdm-password stack: right password and code" [ "$rc" -eq 0 ]
	audit "gdm-password stack: audit line" 'pam_mfa\(gdm-password:auth\): '\
'user=mfagdm service=gdm-password .*result=success'
	pt gdm-password mfagdm "$PW" "$(wrong_code "$GDM_SECRET" sha1 6)"
	check "gdm-password stack: wrong code refused" [ "$rc" -ne 0 ]
	audit "gdm-password stack: wrong code audit line" \
	    'user=mfagdm service=gdm-password .*result=failure reason=bad_code'
	pt gdm-password root "$PW" "$(totp "$ROOT_SECRET" sha1 6)"
	check "gdm-password stack: root refused with right password and code" \
	    [ "$rc" -ne 0 ]
	audit "gdm-password stack: pam_mfa itself accepted root" \
	    'user=root service=gdm-password .*result=success'

	# ---- sudo itself, typed -------------------------------------------
	if [ -z "$SUDO" ]; then
		echo "  sudo is not installed (Debian: sudo): not run"
	else
		sudo_typed
	fi
	finish
}

# sudo_typed: mfasudo runs "sudo id -un" in a tmux pane.
sudo_typed() {
	cat >"$WORK/sudoers" <<EOF
Defaults env_reset
Defaults timestamp_timeout=0
Defaults passwd_tries=1
Defaults !lecture
root ALL=(ALL:ALL) ALL
mfasudo ALL=(ALL:ALL) ALL
EOF
	if ! chmod 0440 "$WORK/sudoers" ||
	    ! mount --bind "$WORK/sudoers" /etc/sudoers; then
		not_ok "private /etc/sudoers"
		return
	fi
	tmux_start runuser -l mfasudo || { not_ok "tmux started"; return; }
	tmux_type 'PS1="run\$ "; echo "who=$(id -un)"'
	check "sudo: the pane runs a shell of mfasudo" \
	    tmux_wait 10 'who=mfasudo$'

	log_mark
	tmux_type 'sudo sh -c "echo sudo-as=\$(id -un)"'
	tmux_wait 10 'password for mfasudo:' 1 && tmux_type "$PW" &&
	tmux_wait 10 '^Verification code:' 1 &&
	tmux_type "$(totp "$SUDO_SECRET" sha1 6 30)"
	check "sudo: right password and next code: the command ran as root" \
	    tmux_wait 10 '^sudo-as=root$'
	log_since
	audit "sudo: audit line" \
	    'pam_mfa\(sudo:auth\): user=mfasudo service=sudo .*result=success'

	log_mark
	tmux_type 'sudo sh -c "echo sudo-as=\$(id -un)"'
	tmux_wait 10 'password for mfasudo:' 2 && tmux_type "$PW" &&
	tmux_wait 10 '^Verification code:' 2 &&
	tmux_type "$(wrong_code "$SUDO_SECRET" sha1 6)"
	check "sudo: wrong code: incorrect attempt" \
	    tmux_wait 10 'incorrect password attempt'
	log_since
	audit "sudo: wrong code audit line" \
	    'user=mfasudo service=sudo .*result=failure reason=bad_code'
	check "sudo: the wrong code ran nothing" \
	    [ "$(tmux_count '^sudo-as=root$')" -eq 1 ]
	echo "  the screen:"
	tmux_screen | grep . | sed 's/^/  # /'
	tmux_stop
}

# pt SERVICE USER ANSWER...: pamtester, the answers on a pipe.
pt() {
	_svc=$1
	_user=$2
	shift 2
	log_mark
	printf '%s\n' "$@" >"$WORK/answers"
	RUN_STDIN=$WORK/answers
	run timeout 30 pamtester -v "$_svc" "$_user" authenticate
	RUN_STDIN=
	log_since
}

inner_cleanup() {
	tmux_stop
	[ -z "${SYSLOG_PID:-}" ] || kill "$SYSLOG_PID" 2>/dev/null
	wait 2>/dev/null
}

if [ "${MFA_IN_NS:-}" = 1 ]; then
	inner
	exit $?
fi

# ---- outside: install, users, enrolment, then the namespace ---------------
real_require pamtester
SUDO=
if command -v sudo >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1 &&
    command -v runuser >/dev/null 2>&1; then
	SUDO=$(command -v sudo)
fi
real_no_sanitizers
real_prepare stacks
real_user mfasudo 4257 "$PW"
real_user mfagdm 4258 "$PW"
# root's password, in the private shadow only.
_hash=$(printf '%s\n' "$PW" | openssl passwd -6 -stdin) || exit 99
sed -i "s|^root:[^:]*:|root:$_hash:|" "$WORK/etc/shadow"
if ! SUDO_SECRET=$(real_enrol mfasudo) ||
    ! GDM_SECRET=$(real_enrol mfagdm) ||
    ! ROOT_SECRET=$(real_enrol root); then
	not_ok "enrol"
	finish
	exit 1
fi
ok "enrolled and confirmed TOTP credentials"
export SUDO SUDO_SECRET GDM_SECRET ROOT_SECRET
real_run_ns "$0"
