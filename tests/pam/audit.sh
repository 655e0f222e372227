#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Audit records of pam_mfa: starts a private auditd (its own config and
# log file, so /var/log/audit is not touched), runs the logins of
# test_pam_mfa's test_audit_records through pam_wrapper (ns-run.sh),
# and finds their records with ausearch: the authentication results
# (USER_AUTH, op=pam_mfa-auth) and the lockout (USER_MGMT,
# op=pam_mfa-lockout).  Then it stops auditd and runs the logins again,
# with auditing enabled but no daemon and with the audit state as it
# was before: the test program asserts that the user sees nothing
# different and that the syslog lines are there.
#
# The kernel's audit state (enabled flag, failure mode, rate and
# backlog limits) is put back as it was.  MFA_KEEP=1 keeps the private
# directory (config, log, auditd's output) for a look afterwards.
# Skipped (77) without root, without the audit tools, without audit in
# the kernel, when an audit daemon is already running (it is not ours
# to replace), or when the audit state is locked (auditctl -e 2).
# Run from the top build directory (as the automake test harness does).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${MFA_TOP_BUILDDIR:-$(pwd)}
prog=$top_builddir/tests/pam/test_pam_mfa
module=$top_builddir/pam_module/.libs/pam_mfa.so
user=mfa-alice

skip() {
	echo "audit.sh: $*; skipped" >&2
	exit 77
}
fail() {
	echo "audit.sh: FAIL: $*" >&2
	exit 1
}

for f in "$prog" "$module"; do
	if [ ! -f "$f" ]; then
		echo "audit.sh: $f not built (run from the build dir)" >&2
		exit 99
	fi
done
[ "$(id -u)" -eq 0 ] || skip "needs root"
for t in auditd auditctl ausearch flock; do
	command -v "$t" >/dev/null 2>&1 || skip "no $t"
done

# One test at a time may own the kernel's audit daemon slot.
lock=/run/lock/pam_mfa-auditd-test.lock
[ -d /run/lock ] || lock=/tmp/pam_mfa-auditd-test.lock
exec 9>"$lock"
flock -w 300 9 || skip "another audit test holds $lock"

status=$(auditctl -s 2>/dev/null) || skip "no audit support in the kernel"
field() {
	printf '%s\n' "$status" | awk -v k="$1" '$1 == k { print $2 }'
}
enabled0=$(field enabled)
pid0=$(field pid)
failure0=$(field failure)
rate0=$(field rate_limit)
backlog0=$(field backlog_limit)
wait0=$(field backlog_wait_time)
case $enabled0 in
0|1) ;;
2) skip "the audit configuration is locked (enabled 2)" ;;
*) skip "cannot read the audit state" ;;
esac
if [ -n "$pid0" ] && [ "$pid0" != 0 ]; then
	skip "an audit daemon is already running (pid $pid0)"
fi

dir=$(mktemp -d /tmp/mfa-audit.XXXXXX)
chmod 0700 "$dir"
mkdir -m 0700 "$dir/plugins"
auditd_pid=
cleanup() {
	if [ -n "$auditd_pid" ]; then
		kill -TERM "$auditd_pid" 2>/dev/null || true
		wait "$auditd_pid" 2>/dev/null || true
		auditd_pid=
	fi
	restore
	[ -n "${MFA_KEEP:-}" ] || rm -rf "$dir"
}
restore() {
	auditctl -f "$failure0" -r "$rate0" -b "$backlog0" \
	    --backlog_wait_time "$wait0" >/dev/null 2>&1 || true
	auditctl -e "$enabled0" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# A private configuration: its own log, no plugins, no network, no
# disk-space actions that could suspend the machine's logging.
cat > "$dir/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $dir/audit.log
log_format = ENRICHED
flush = SYNC
max_log_file = 8
num_logs = 1
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
name_format = NONE
q_depth = 2000
overflow_action = IGNORE
plugin_dir = $dir/plugins
end_of_event_timeout = 2
EOF
chmod 0600 "$dir/auditd.conf"

auditd -n -s enable -c "$dir" > "$dir/auditd.out" 2>&1 &
auditd_pid=$!
i=0
while :; do
	pid=$(auditctl -s 2>/dev/null | awk '$1 == "pid" { print $2 }')
	[ "$pid" = "$auditd_pid" ] && break
	if ! kill -0 "$auditd_pid" 2>/dev/null || [ $i -ge 100 ]; then
		cat "$dir/auditd.out" >&2 || true
		auditd_pid=
		skip "auditd could not start here"
	fi
	i=$((i + 1))
	sleep 0.1
done

# pam_wrapper stubs audit_open() to fail (no audit); libaudit goes first.
run_logins() {
	MFA_PAMTEST_PRELOAD=libaudit.so.1 \
	MFA_PAMTEST_FILTER=test_audit_records /bin/sh "$here/ns-run.sh" \
	    --module "$module" --libdir "$top_builddir/lib/.libs" "$prog" ||
	    fail "$1: the logins failed"
}

run_logins "with auditd"
sleep 1
kill -TERM "$auditd_pid"
wait "$auditd_pid" || true
auditd_pid=

# Interpreted records of the test program, one per line (other
# programs running meanwhile have theirs in the log too).
records() {
	ausearch --input "$dir/audit.log" -i -m "$1" 2>/dev/null |
	    grep "op=$2 " | grep -F -e " exe=$prog " || true
}
auth=$(records USER_AUTH pam_mfa-auth)
mgmt=$(records USER_MGMT pam_mfa-lockout)
printf '%s\n%s\n' "$auth" "$mgmt"
expect() {
	# $1: the records, $2: what they must contain (a fixed string).
	printf '%s\n' "$1" | grep -F -e "$2" >/dev/null ||
	    fail "no record with '$2' in:
$1"
}
n=$(printf '%s\n' "$auth" | grep -c "op=pam_mfa-auth " || true)
[ "$n" -eq 4 ] || fail "$n pam_mfa-auth records, want 4"
op="op=pam_mfa-auth service=mfa"
expect "$auth" "$op factors=password,totp reason=ok acct=$user "
expect "$auth" "$op factors=password,recovery reason=ok acct=$user "
expect "$auth" "$op factors=password,totp reason=bad_code acct=$user "
expect "$auth" "hostname=? addr=? terminal=? res=success"
expect "$auth" "hostname=? addr=? terminal=? res=failed"
# An unknown user's name is not recorded (it may be a password typed
# into the user name prompt); libpam's own record is not ours.
expect "$auth" "$op factors=password reason=unknown_user acct=? "
if printf '%s\n' "$auth" | grep -F -e "mfa-nobody" >/dev/null; then
	fail "a pam_mfa record holds the unknown user's name"
fi
n=$(printf '%s\n' "$mgmt" | grep -c "op=pam_mfa-lockout " || true)
[ "$n" -eq 1 ] || fail "$n pam_mfa-lockout records, want 1"
expect "$mgmt" "op=pam_mfa-lockout service=mfa failures=1 until="
expect "$mgmt" "acct=$user "
# Never a secret: the test's password, codes are not in the log.
if grep -F -e "Alice-pw" "$dir/audit.log" >/dev/null; then
	fail "the audit log holds the password"
fi

# No daemon, auditing still enabled: the kernel gets the records.
run_logins "auditd stopped"
# And the audit state as it was (here: usually disabled).
restore
now=$(auditctl -s)
for k in enabled failure rate_limit backlog_limit backlog_wait_time; do
	a=$(printf '%s\n' "$status" | awk -v k=$k '$1 == k { print $2 }')
	b=$(printf '%s\n' "$now" | awk -v k=$k '$1 == k { print $2 }')
	[ "$a" = "$b" ] || fail "audit $k is $b, was $a"
done
run_logins "audit state restored"
echo "audit.sh: records found; logins without auditd unchanged"
