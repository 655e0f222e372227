#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The record of every change mfactl makes (mfactl(8), "Audit records"):
# totp add, totp confirm, rename, recovery, unlock and remove, each
# successful and refused, send one audit record (read through
# tests/tools/audit_shim.c, preloaded into mfactl) and log one syslog
# line at authpriv.notice (read on a /dev/log of its own, in a private
# mount namespace as pamtester.sh has), with the user, the credential,
# who ran it and the result, never a secret.  import's records are
# import.sh's, fido2 add's fido2.sh's.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"
. "$MFA_TOP_SRCDIR/tests/tools/sandbox.sh"

# M ARGS...: mfactl with the shim, to run through expect_rc; then
# collect gets what this one run sent: AUDIT, and LOG the new syslog
# lines.
M() {
	LD_PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$SHIM" \
	    MFA_AUDIT_LOG="$AUDIT" \
	    "$MFACTL" --config "$CONF" --store "$STORE" "$@"
}

collect() {
	# Let the listener catch up with the line.
	_i=0
	while [ "$(wc -l <"$WORK/syslog")" -eq "$_lines" ] && [ $_i -lt 20 ]
	do
		sleep 0.1
		_i=$((_i + 1))
	done
	LOG=$(tail -n +"$((_lines + 1))" "$WORK/syslog")
	_lines=$(wc -l <"$WORK/syslog")
	printf '%s\n' "$LOG" | sed 's/^/  log: /'
	sed 's/^/  audit: /' "$AUDIT"
}

# mark: what comes after is the next run's.
mark() {
	: >"$AUDIT"
	_lines=$(wc -l <"$WORK/syslog")
}

# recorded DESC RECORD-ERE LOG-ERE: exactly one audit record and one
# syslog line from the last run, matching these.
recorded() {
	collect
	check "$1: one audit record" [ "$(wc -l <"$AUDIT")" -eq 1 ]
	check "$1: the audit record" grep -Eq -- "^type=USER_MGMT $2" "$AUDIT"
	check "$1: one syslog line" [ "$(printf '%s\n' "$LOG" |
	    grep -c 'mfactl\[')" -eq 1 ]
	check "$1: the syslog line" matches "$LOG" "mfactl\\[[0-9]+\\]: $3"
}

inner() {
	sandbox_enter "$WORK/etc" || return 99
	sandbox_syslog "$WORK/syslog" || return 99
	trap 'kill "$SYSLOG_PID" 2>/dev/null' EXIT
	by="uid=0 auid=[0-9a-z]+ tty=-"

	mark
	expect_rc 0 "totp add" M totp add alice --label phone
	SECRET=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" \
	    secret)
	recorded "totp add" 'op=totp-add id=1 type=totp acct="alice" .*'\
' res=success$' "op=totp-add user=alice id=1 type=totp $by result=success$"
	check "totp add: got the secret" [ -n "$SECRET" ]
	check "totp add: no secret logged" lacks "$LOG$(cat "$AUDIT")" \
	    "$SECRET"

	mark
	expect_rc 1 "totp confirm, wrong code" M totp confirm alice \
	    "$(wrong_code "$SECRET" sha1 6)" --id 1
	recorded "totp confirm refused" 'op=totp-confirm id=1 type=totp '\
'acct="alice" .* res=failed$' \
	    "op=totp-confirm user=alice id=1 type=totp $by result=failure$"
	code=$(totp "$SECRET" sha1 6)
	mark
	expect_rc 0 "totp confirm" M totp confirm alice "$code" --id 1
	recorded "totp confirm" 'op=totp-confirm id=1 type=totp acct="alice" '\
'.* res=success$' "op=totp-confirm user=alice id=1 type=totp $by "\
'result=success$'
	check "totp confirm: no code logged" lacks "$LOG$(cat "$AUDIT")" \
	    "$code"

	mark
	expect_rc 0 "rename" M rename alice 1 desk
	recorded "rename" 'op=rename id=1 type=totp acct="alice" .* '\
'res=success$' "op=rename user=alice id=1 type=totp $by result=success$"

	mark
	expect_rc 0 "recovery" M recovery alice --count 3
	codes=$(printf '%s\n' "$out" |
	    sed -n 's/^ *\([A-Z0-9]\{4\}-[A-Z0-9]\{4\}-[A-Z0-9]\{4\}\)$/\1/p')
	check "recovery: three codes shown" [ "$(echo $codes | wc -w)" -eq 3 ]
	recorded "recovery" 'op=recovery id=2 type=recovery count=3 '\
'acct="alice" .* res=success$' "op=recovery user=alice id=2 "\
"type=recovery count=3 $by result=success$"
	for c in $codes; do
		check "recovery: code $c not logged" lacks \
		    "$LOG$(cat "$AUDIT")" "$c"
	done

	state_set "$STORE/alice.state" failures=4 \
	    locked-until=$(( $(date +%s) + 600 ))
	mark
	expect_rc 0 "unlock" M unlock alice
	recorded "unlock" 'op=unlock failures=4 locked=yes acct="alice" .* '\
'res=success$' "op=unlock user=alice failures=4 locked=yes $by "\
'result=success$'

	mark
	expect_rc 1 "remove of a credential that is not there" \
	    M remove alice 9
	recorded "remove refused" 'op=remove id=9 acct="alice" .* res=failed$' \
	    "op=remove user=alice id=9 $by result=failure$"
	mark
	expect_rc 0 "remove" M remove alice 1
	recorded "remove" 'op=remove id=1 type=totp acct="alice" .* '\
'res=success$' "op=remove user=alice id=1 type=totp $by result=success$"
	finish
}

if [ "${MFA_IN_NS:-}" = 1 ]; then
	inner
	exit $?
fi

[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, the store)"
for c in oathtool unshare openssl; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c is missing"
done
unshare -m true 2>/dev/null || skip_all "cannot unshare a mount namespace"
mfactl_binary
SHIM="$MFA_TOP_BUILDDIR/tests/tools/.libs/libaudit_shim.so"
[ -f "$SHIM" ] || skip_all "tests/tools/libaudit_shim.la not built"
WORK=$(mktemp -d /tmp/mfactl-mgmt.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/syslog"
STORE=$WORK/store
mkdir -m 0700 "$STORE"
CONF=$WORK/pam_mfa.conf
printf 'fail_delay = 0\n' >"$CONF"
AUDIT=$WORK/audit.log
sandbox_etc "$WORK/etc" mfa-admin unused-password || exit 99
export WORK STORE CONF AUDIT SHIM MFACTL LD_LIBRARY_PATH
unshare -m --propagation private env MFA_IN_NS=1 ntests="$ntests" \
    nfailed="$nfailed" sh "$0"
