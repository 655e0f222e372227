#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The Debian pam-auth-update profile, for real: Debian's own
# pam-auth-update(8) runs inside a private mount namespace
# (tests/real/real.sh) where /usr/share/pam-configs (plus the profile
# from make install DESTDIR), /etc/pam.d, /var/lib/pam and the debconf
# database are private copies, so the real ones are never touched.
# Checked:
#   - installing the package (pam-auth-update --package) does not enable
#     the profile (Default: no);
#   - --enable pam_mfa puts "requisite pam_mfa.so" in common-auth's
#     Additional block, where only a successful Primary module (pam_unix)
#     leads: its [success=N] jump lands on pam_permit, just before it;
#   - logins through Debian's own /etc/pam.d/login (which includes the
#     generated common-auth) with pamtester(1) and real Linux-PAM, with
#     "password = stacked": right password and code pass; a wrong
#     password is refused by pam_unix/pam_deny before any code is asked;
#     a wrong or replayed code is refused by pam_mfa; "password =
#     builtin" works there too;
#   - --disable and --remove take the line out again, and the password
#     alone logs in as before.
. "$MFA_TOP_SRCDIR/tests/real/real.sh"

PW=pau-Passw0rd

inner() {
	trap 'inner_cleanup' EXIT
	real_enter || { echo "cannot set up the namespace"; return 99; }
	real_private_dir /usr/share/pam-configs &&
	cp "$PROFILE" /usr/share/pam-configs/pam_mfa &&
	real_private_dir /var/lib/pam &&
	real_private_dir /var/cache/debconf || return 99
	export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true

	# ---- the package is installed: nothing changes ------------------
	pau --package
	if contains "$out$err" "Local modifications"; then
		# This machine's common-* are not managed by pam-auth-update;
		# in here we may take them over.
		echo "  (local modifications: starting from --force)"
		pau --package --force
	fi
	check "pam-auth-update --package: exit 0" [ "$rc" -eq 0 ]
	check "Default: no: the profile is not enabled by installing it" \
	    lacks "$(cat /etc/pam.d/common-auth)" pam_mfa
	check "the profile is known to pam-auth-update (seen)" \
	    grep -qx pam_mfa /var/lib/pam/seen

	# ---- enabled ----------------------------------------------------
	pau --enable pam_mfa
	check "pam-auth-update --enable pam_mfa: exit 0" [ "$rc" -eq 0 ]
	sed -n '/^[^#]/s/^/  common-auth: /p' /etc/pam.d/common-auth
	check "common-auth: requisite pam_mfa.so" matches \
	    "$(cat /etc/pam.d/common-auth)" \
	    '^auth[[:space:]]+requisite[[:space:]]+pam_mfa\.so[[:space:]]*$'
	check "common-auth: pam_mfa in the Additional block, after pam_permit" \
	    stack_order_ok
	check "common-account untouched by the profile" \
	    lacks "$(cat /etc/pam.d/common-account)" pam_mfa

	real_conf stacked
	code=$(totp "$SECRET" sha1 6)
	login mfapau "$PW" "$code"
	check "stacked, right password and code: authenticated" [ "$rc" -eq 0 ]
	check "asked for the code" contains "$err$out" "Verification code"
	audit "stacked: audit line" \
	    'pam_mfa\(login:auth\): user=mfapau service=login .*result=success'

	login mfapau "wrong-$PW" "$(totp "$SECRET" sha1 6 30)"
	check "wrong password: refused" [ "$rc" -ne 0 ]
	check "wrong password: no code asked (pam_deny ended the stack)" \
	    lacks "$err$out" "Verification code"
	check "wrong password: pam_mfa did not run" lacks "$last_log" pam_mfa

	login mfapau "$PW" "$(wrong_code "$SECRET" sha1 6)"
	check "wrong code: refused" [ "$rc" -ne 0 ]
	audit "wrong code: audit line" \
	    'user=mfapau service=login .*result=failure reason=bad_code'

	login mfapau "$PW" "$code"
	check "replayed code: refused" [ "$rc" -ne 0 ]
	audit "replay: audit line" \
	    'user=mfapau service=login .*result=failure reason=replay'

	login mfaplain "$PW" 000000
	check "user without a second factor: refused" [ "$rc" -ne 0 ]
	audit "not enrolled: audit line" \
	    'user=mfaplain service=login .*result=failure reason=not_enrolled'

	# builtin: pam_mfa checks the password pam_unix already took
	# (local accounts only).
	real_conf builtin
	login mfapau "$PW" "$(totp "$SECRET" sha1 6 30)"
	check "builtin after pam_unix: authenticated" [ "$rc" -eq 0 ]
	real_conf stacked

	# ---- disabled, removed ------------------------------------------
	pau --disable pam_mfa
	check "pam-auth-update --disable pam_mfa: exit 0" [ "$rc" -eq 0 ]
	check "disabled: pam_mfa gone from common-auth" \
	    lacks "$(cat /etc/pam.d/common-auth)" pam_mfa
	login mfaplain "$PW"
	check "disabled: the password alone logs in again" [ "$rc" -eq 0 ]
	check "disabled: no code asked" lacks "$err$out" "Verification code"

	pau --enable pam_mfa
	check "enabled again" contains "$(cat /etc/pam.d/common-auth)" pam_mfa
	rm /usr/share/pam-configs/pam_mfa
	pau --package --remove pam_mfa
	check "pam-auth-update --remove pam_mfa: exit 0" [ "$rc" -eq 0 ]
	check "removed: pam_mfa gone from common-auth" \
	    lacks "$(cat /etc/pam.d/common-auth)" pam_mfa
	finish
}

inner_cleanup() {
	[ -z "${SYSLOG_PID:-}" ] || kill "$SYSLOG_PID" 2>/dev/null
	wait 2>/dev/null
}

# pau ARG...: pam-auth-update, bounded.
pau() {
	run timeout 60 pam-auth-update "$@"
}

# stack_order_ok: in common-auth, pam_unix's success jump lands on
# pam_permit, and pam_mfa is the line right after pam_permit.
stack_order_ok() {
	awk '
	/^[[:space:]]*#/ || NF == 0 { next }
	$1 == "auth" { n++; line[n] = $0 }
	END {
		for (i = 1; i <= n; i++) {
			if (line[i] ~ /pam_unix\.so/ &&
			    match(line[i], /success=[0-9]+/))
				land = i + substr(line[i], RSTART + 8,
				    RLENGTH - 8) + 1
			if (line[i] ~ /[[:space:]]pam_permit\.so/) permit = i
			if (line[i] ~ /[[:space:]]pam_mfa\.so/) mfa = i
		}
		exit !(land > 0 && land == permit && mfa == permit + 1)
	}' /etc/pam.d/common-auth
}

# login USER ANSWER...: pamtester with the system's login service (in
# the namespace), the answers on a pipe.
login() {
	_user=$1
	shift
	log_mark
	printf '%s\n' "$@" >"$WORK/answers"
	RUN_STDIN=$WORK/answers
	run timeout 30 pamtester -v login "$_user" authenticate
	RUN_STDIN=
	log_since
}

if [ "${MFA_IN_NS:-}" = 1 ]; then
	inner
	exit $?
fi

# ---- outside: install, users, enrolment, then the namespace ---------------
real_require pam-auth-update pamtester
[ -f /usr/share/pam/common-auth ] ||
    skip_all "no /usr/share/pam/common-auth (Debian: libpam-runtime)"
[ -f /etc/pam.d/login ] || skip_all "no /etc/pam.d/login (Debian: login)"
real_prepare pam-auth-update
PROFILE=$(find "$D" -path '*/share/pam-configs/pam_mfa' -type f)
check "make install put the profile under \$(datadir)/pam-configs" \
    [ -n "$PROFILE" ]
[ -n "$PROFILE" ] || { finish; exit 1; }
real_user mfapau 4255 "$PW"
real_user mfaplain 4256 "$PW"
SECRET=$(real_enrol mfapau) || { not_ok "enrol mfapau"; finish; exit 1; }
ok "enrolled and confirmed a TOTP credential"
export SECRET PROFILE
real_run_ns "$0"
