#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# su(1) with pam_mfa, typed as a person would: examples/pam.d/su
# unchanged as /etc/pam.d/su and the installed (make install DESTDIR)
# pam_mfa.so, inside a private mount namespace (tests/real/real.sh).
# In a tmux pane, a non-root user "mfarun" (a login shell started with
# runuser) types "su - mfasu", then mfasu's password and one-time code;
# the screen must show a shell of mfasu.  Then a wrong code, a replayed
# code and a wrong password: "su: Authentication failure" each time,
# and the audit lines say why.  "su -" uses the PAM service su-l, whose
# Debian file includes su; a last "su -c CMD mfasu" uses su itself.
# Single-quoted text is typed into a shell, which expands it.
# shellcheck disable=SC2016
. "$MFA_TOP_SRCDIR/tests/real/real.sh"
. "$MFA_TOP_SRCDIR/tests/real/tmux.sh"

SU_PW=su-Passw0rd

inner() {
	trap 'inner_cleanup' EXIT
	real_enter || { echo "cannot set up the namespace"; return 99; }
	real_install_pamd su "$EXAMPLES/pam.d/su" || return 99
	check "su is setuid root" [ -u "$SU" ]

	tmux_start runuser -l mfarun || { not_ok "tmux started"; return 1; }
	tmux_type 'PS1="run\$ "; echo "who=$(id -un)"'
	check "the pane runs a shell of the non-root user" \
	    tmux_wait 10 'who=mfarun$'

	# Right password and code.
	code=$(totp "$SECRET" sha1 6)
	su_attempt "$SU_PW" "$code"
	# Type only once su has handed the terminal to the new shell: what
	# is typed while su still holds it can be lost (seen on a loaded
	# machine: the shell started, the typed line never arrived), as
	# login.sh notes for login(1).
	wait_for 15 su_gone || :
	tmux_type 'PS1="su\$ "; echo "who=$(id -un) home=$HOME"'
	check "right password and code: a login shell of mfasu" \
	    tmux_wait 10 "who=mfasu home=$WORK/home/mfasu\$"
	log_since
	audit "success: audit line" 'pam_mfa\(su-l:auth\): user=mfasu '\
'service=su-l .*factors=password,totp result=success'
	check "no code in the audit log" lacks "$(cat "$WORK/syslog")" "$code"
	check "no password in the audit log" \
	    lacks "$(cat "$WORK/syslog")" "$SU_PW"
	tmux_type 'exit'
	tmux_type 'echo "back=$(id -un)"'
	check "back in the non-root user's shell" tmux_wait 10 'back=mfarun$'

	fails=0
	su_attempt "$SU_PW" "$code"
	su_refused "replayed code" replay

	su_attempt "$SU_PW" "$(wrong_code "$SECRET" sha1 6)"
	su_refused "wrong code" bad_code

	su_attempt "not-$SU_PW" "$(totp "$SECRET" sha1 6 30)"
	su_refused "wrong password" bad_password

	tmux_type 'echo "still=$(id -un)"'
	check "after the failures the shell is still mfarun's" \
	    tmux_wait 10 'still=mfarun$'

	# Plain su (service su, not su-l), with the next code: the one
	# typed after the wrong password above was not used up.
	su_attempt "$SU_PW" "$(totp "$SECRET" sha1 6 30)" \
	    'su -c "echo cmd=\$(id -un)" mfasu'
	check "su -c: right password and next code: the command ran" \
	    tmux_wait 10 '^cmd=mfasu$'
	log_since
	audit "su -c: audit line" \
	    'pam_mfa\(su:auth\): user=mfasu service=su .*result=success'
	check "no su shell was started by a failed attempt" \
	    [ "$(tmux_count 'who=mfasu home=')" -eq 1 ]
	echo "  the screen:"
	tmux_screen | sed 's/^/  # /'
	tmux_stop
	finish
}

nsu=0
# su_attempt PASSWORD CODE [COMMAND]: types COMMAND (default
# "su - mfasu") and the answers.
su_attempt() {
	nsu=$((nsu + 1))
	log_mark
	tmux_type "${3:-su - mfasu}"
	tmux_wait 10 '^Password:' "$nsu" || return 1
	tmux_type "$1"
	tmux_wait 10 '^Verification code:' "$nsu" || return 1
	tmux_type "$2"
}

# su_gone: su is no longer the pane's foreground process.
su_gone() {
	[ "$(tmux_fg)" != su ]
}

# su_refused DESC REASON: su said so, and the audit line has REASON.
su_refused() {
	fails=$((fails + 1))
	check "$1: su: Authentication failure" \
	    tmux_wait 10 '^su: Authentication failure' "$fails"
	log_since
	audit "$1: audit line" \
	    "user=mfasu service=su-l .*result=failure reason=$2"
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
real_require tmux runuser su
SU=$(command -v su)
real_no_sanitizers
real_prepare su
real_user mfarun 4252 run-Passw0rd
real_user mfasu 4253 "$SU_PW"
SECRET=$(real_enrol mfasu) || { not_ok "enrol mfasu"; finish; exit 1; }
ok "enrolled and confirmed a TOTP credential"
export SECRET SU
real_run_ns "$0"
