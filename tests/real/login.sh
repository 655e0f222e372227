#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# login(1) with pam_mfa, typed as a person would at a console:
# examples/pam.d/login unchanged as /etc/pam.d/login and the installed
# (make install DESTDIR) pam_mfa.so, inside a private mount namespace
# (tests/real/real.sh).  A tmux pane runs /bin/login as root (as getty
# would); the test types the user name, the password and the one-time
# code, and the screen must show a shell of that user.  Then a wrong
# code and a replayed code: "Login incorrect", and the audit lines say
# why.  utmp, wtmp, btmp and lastlog are on the namespace's tmpfs.
# Single-quoted text is typed into a shell, which expands it.
# shellcheck disable=SC2016
. "$MFA_TOP_SRCDIR/tests/real/real.sh"
. "$MFA_TOP_SRCDIR/tests/real/tmux.sh"

LOGIN_PW=login-Passw0rd

inner() {
	trap 'inner_cleanup' EXIT
	real_enter || { echo "cannot set up the namespace"; return 99; }
	real_install_pamd login "$EXAMPLES/pam.d/login" || return 99

	# Right password and code.
	code=$(totp "$SECRET" sha1 6)
	login_attempt "$LOGIN_PW" "$code"
	# Type only once the shell prompts: login(1) may flush what is
	# typed while it still sets the session up.
	tmux_wait 15 '^\$' || :
	tmux_type 'echo "who=$(id -un) tty=$(tty)"'
	check "right password and code: a shell of mfalogin" \
	    tmux_wait 15 'who=mfalogin tty=/dev/pts/'
	log_since
	audit "success: audit line" 'pam_mfa\(login:auth\): user=mfalogin '\
'service=login rhost=- tty=pts/[0-9]+ factors=password,totp result=success'
	check "no code in the audit log" lacks "$(cat "$WORK/syslog")" "$code"
	check "no password in the audit log" \
	    lacks "$(cat "$WORK/syslog")" "$LOGIN_PW"
	tmux_type 'exit'
	tmux_stop

	# A replayed code, then a wrong one, in one login(1) run: it asks
	# again after "Login incorrect".
	login_attempt "$LOGIN_PW" "$code"
	check "replayed code: Login incorrect" tmux_wait 15 '^Login incorrect'
	log_since
	audit "replay: audit line" \
	    'user=mfalogin service=login .*result=failure reason=replay'
	login_again "$LOGIN_PW" "$(wrong_code "$SECRET" sha1 6)"
	check "wrong code: Login incorrect" \
	    tmux_wait 15 '^Login incorrect' 2
	log_since
	audit "wrong code: audit line" \
	    'user=mfalogin service=login .*result=failure reason=bad_code'
	check "no shell was started by a failed attempt" \
	    [ "$(tmux_count 'who=mfalogin')" -eq 0 ]
	echo "  the screen:"
	tmux_screen | grep . | sed 's/^/  # /'
	tmux_stop
	finish
}

nlogin=0
# login_attempt PASSWORD CODE: a new tmux session running login(1),
# then the user name and the answers.
login_attempt() {
	nlogin=0
	tmux_start "$LOGIN" || { not_ok "tmux started"; return 1; }
	login_again "$@"
}

# login_again PASSWORD CODE: answers the next "login:" prompt.
login_again() {
	nlogin=$((nlogin + 1))
	tmux_wait 15 'login: ' "$nlogin" || return 1
	log_mark
	tmux_type mfalogin
	tmux_wait 10 '^Password:' "$nlogin" || return 1
	tmux_type "$1"
	tmux_wait 10 '^Verification code:' "$nlogin" || return 1
	tmux_type "$2"
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

# ---- outside: install, user, enrolment, then the namespace ----------------
real_require tmux
LOGIN=$(command -v login || echo /bin/login)
[ -x "$LOGIN" ] || skip_all "login is missing (Debian: login)"
real_prepare login
real_user mfalogin 4254 "$LOGIN_PW"
SECRET=$(real_enrol mfalogin) || { not_ok "enrol mfalogin"; finish; exit 1; }
ok "enrolled and confirmed a TOTP credential"
export SECRET LOGIN
real_run_ns "$0"
