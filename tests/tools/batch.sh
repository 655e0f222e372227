#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mfactl totp add --batch and totp confirm --batch: usage errors, one
# "USER ID URI" line per enrolled user, failed lines reported with their
# number while the batch goes on (exit 1), confirmation with codes
# computed from the printed URIs (oathtool), the deferred sync (one
# syncfs, no fsync, when strace is there; a failed sync reported), and
# a login through pam_mfa.so (pamtester under pam_wrapper) of a user
# enrolled this way.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the store is root's)"
command -v oathtool >/dev/null 2>&1 || skip_all "oathtool is missing"

MFACTL="$MFA_TOP_BUILDDIR/tools/mfactl"
WORK=$(mktemp -d /tmp/mfactl-batch.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
STORE=$WORK/store
mkdir -m 0700 "$STORE"
CONF=$WORK/pam_mfa.conf
printf 'fail_delay = 0\ntotp_issuer = Example\n' >"$CONF"

M() {
	"$MFACTL" --config "$CONF" --store "$STORE" "$@"
}

# uri_of USER: the URI of USER's line in $WORK/add.out.
uri_of() {
	sed -n "s/^$1 [0-9]* \\(otpauth:.*\\)\$/\\1/p" "$WORK/add.out"
}

# id_of USER: the id of USER's line in $WORK/add.out.
id_of() {
	sed -n "s/^$1 \\([0-9]*\\) otpauth:.*/\\1/p" "$WORK/add.out"
}

# status_of USER ID: the status of the credential in list --json.
status_of() {
	M list "$1" --json 2>/dev/null |
	    sed -n "s/.*\"id\": $2, .*\"status\": \"\\([a-z]*\\)\".*/\\1/p"
}

# ---- usage errors: exit 2, nothing written -------------------------------
printf 'alice\n' >"$WORK/one.txt"
expect_rc 2 "add --batch with a user too" M totp add alice --batch \
    "$WORK/one.txt"
expect_rc 2 "add --batch with --qr" M totp add --batch "$WORK/one.txt" --qr
expect_rc 2 "add --batch with --qr-png" M totp add --batch "$WORK/one.txt" \
    --qr-png "$WORK/qr.png"
expect_rc 2 "add --batch without a file" M totp add --batch
expect_rc 2 "add --batch ''" M totp add --batch ""
expect_rc 2 "add --batch with a bad --digits" M totp add --batch \
    "$WORK/one.txt" --digits 9
expect_rc 2 "add --batch with --label ''" M totp add --batch \
    "$WORK/one.txt" --label ""
check "--label '': says why" contains "$err" "label not 1 to 64 bytes"
expect_rc 2 "confirm --batch with arguments" M totp confirm --batch \
    "$WORK/one.txt" alice 123456
expect_rc 2 "confirm --batch with --id" M totp confirm --batch \
    "$WORK/one.txt" --id 1
expect_rc 2 "confirm --batch without a file" M totp confirm --batch
expect_rc 2 "confirm --batch ''" M totp confirm --batch ""
check "usage errors wrote nothing" [ -z "$(ls -A "$STORE")" ]
check "usage errors: no qr.png" [ ! -e "$WORK/qr.png" ]
expect_rc 0 "totp add --help" M totp add --help
check "totp add --help shows --batch" contains "$out" "add --batch FILE"
expect_rc 0 "totp confirm --help" M totp confirm --help
check "totp confirm --help shows --batch" contains "$out" \
    "confirm --batch FILE"

# ---- files that cannot be read, stores that are not there ----------------
expect_fail_line "add --batch of a missing file" M totp add --batch \
    "$WORK/none.txt"
check "missing file: says so" contains "$err" "No such file"
expect_fail_line "add --batch with a missing store" "$MFACTL" \
    --config "$CONF" --store "$WORK/nostore" totp add --batch \
    "$WORK/one.txt"
check "missing store: one line for the batch" contains "$err" \
    "store $WORK/nostore"
if nobody_can_run; then
	expect_fail_line "add --batch as non-root" setpriv --reuid=65534 \
	    --regid=65534 --clear-groups "$MFACTL" --store "$STORE" \
	    totp add --batch "$WORK/one.txt"
	check "non-root: says root is needed" contains "$err" \
	    "must be run as root"
	expect_fail_line "confirm --batch as non-root" setpriv \
	    --reuid=65534 --regid=65534 --clear-groups "$MFACTL" \
	    --store "$STORE" totp confirm --batch "$WORK/one.txt"
fi
check "nothing written yet" [ -z "$(ls -A "$STORE")" ]

# ---- add --batch: good lines enrolled, bad ones reported -----------------
long=$(printf '%0600d' 0)
cat >"$WORK/users.txt" <<EOF
# new staff, November
alice

bob	  Bob's phone  
  x/y
carol
   # indented comment
$long
dave
EOF
expect_rc 1 "add --batch with a bad name: exit 1" M totp add --batch \
    "$WORK/users.txt" --digits 8 --algorithm sha256 --issuer "ACME IT"
printf '%s\n' "$out" >"$WORK/add.out"
check "add: one line per good user" \
    [ "$(grep -c . "$WORK/add.out")" -eq 4 ]
check "add: only USER ID URI lines" [ "$(grep -Evc \
    '^(alice|bob|carol|dave) [0-9]+ otpauth://totp/' "$WORK/add.out")" -eq 0 ]
check "add: the bad name's line reported" contains "$err" \
    "users.txt: line 5: x/y: user name not acceptable"
check "add: the long line reported" contains "$err" \
    "users.txt: line 8: longer than 512 bytes"
check "add: a summary of the failed lines" contains "$err" \
    "lines failed: 2 of 6"
check "add: three stderr lines" [ "$(printf '%s\n' "$err" | grep -c .)" -eq 3 ]
for u in alice bob carol dave; do
	uri=$(uri_of "$u")
	case $uri in
	"otpauth://totp/ACME%20IT:$u?"* | "otpauth://totp/ACME%20IT%3A$u?"*)
		ok "$u: URI label ISSUER:USER" ;;
	*)	not_ok "$u: URI label ISSUER:USER ($uri)" ;;
	esac
	check "$u: --digits applies" [ "$(uri_param "$uri" digits)" = 8 ]
	check "$u: --algorithm applies" \
	    [ "$(uri_param "$uri" algorithm)" = SHA256 ]
	check "$u: --issuer applies" \
	    [ "$(uri_param "$uri" issuer)" = "ACME%20IT" ]
	check "$u: pending" [ "$(status_of "$u" "$(id_of "$u")")" = pending ]
done
check "the bad name made no file" [ ! -e "$STORE/x" ]
expect_rc 0 "list bob" M list bob
check "bob: the label from the line" matches "$out" \
    "^1 +totp +pending +sha256/8/30 .* Bob's phone\$"
expect_rc 0 "list alice" M list alice
check "alice: the default label" matches "$out" "^1 +totp .* totp\$"
check "alice's secret is not in the store listing" \
    lacks "$out" "$(uri_param "$(uri_of alice)" secret)"

# Labels the store does not take: reported, nothing made.
printf 'lee %065d\nmo  a\tb\n' 0 >"$WORK/labels.txt"
expect_rc 1 "add --batch with bad labels" M totp add --batch \
    "$WORK/labels.txt"
check "a label too long" contains "$err" \
    "line 1: lee: label not 1 to 64 bytes"
check "a label with a tab" contains "$err" \
    "line 2: mo: label with a control character"
check "bad labels: no output" [ -z "$out" ]
check "bad labels: no store for lee" [ ! -e "$STORE/lee" ]
check "bad labels: no store for mo" [ ! -e "$STORE/mo" ]

# A second credential for dave (stdin, --label for lines without one),
# and erin alone: exit 0.
printf 'dave\nerin  tablet\n' >"$WORK/more.txt"
RUN_STDIN=$WORK/more.txt
expect_rc 0 "add --batch - (standard input), all good" M totp add \
    --batch - --label spare
RUN_STDIN=
check "stdin: dave's second credential" matches "$out" \
    '^dave 2 otpauth://totp/Example:dave\?'
check "stdin: erin" matches "$out" '^erin 1 otpauth://'
check "stdin: no stderr" [ -z "$err" ]
cat "$WORK/run.out" >>"$WORK/add.out"
expect_rc 0 "list dave" M list dave
check "--label for a line without one" matches "$out" "^2 +totp .* spare\$"
expect_rc 0 "list erin" M list erin
check "a line's label wins over --label" matches "$out" "^1 +totp .* tablet\$"

# ---- confirm --batch -----------------------------------------------------
# alice with the id, carol without, bob with a wrong code, nobody unknown,
# dave (two pending) without an id, erin with dave's id-less format but
# a bad id word.
s_alice=$(uri_param "$(uri_of alice)" secret)
s_bob=$(uri_param "$(uri_of bob)" secret)
s_carol=$(uri_param "$(uri_of carol)" secret)
s_dave=$(printf '%s\n' "$(uri_of dave)" | sed -n 2p)
s_dave=$(uri_param "$s_dave" secret)
w_bob=$(wrong_code "$s_bob" sha256 8)
# The previous step's codes below stay good only until the step
# changes: start early in a step (the file is used at once).
fresh_step 20
cat >"$WORK/codes.txt" <<EOF
# user code [id]
alice $(totp "$s_alice" sha256 8 -30) $(id_of alice)
bob $w_bob
nobody 12345678
carol $(totp "$s_carol" sha256 8 -30)
dave $(totp "$s_dave" sha1 6)
erin 123456 one
frank
EOF
expect_rc 1 "confirm --batch with bad lines: exit 1" M totp confirm \
    --batch "$WORK/codes.txt"
check "confirm: alice activated" matches "$out" "^alice 1 activated\$"
check "confirm: carol activated" matches "$out" "^carol 1 activated\$"
check "confirm: two lines out" [ "$(printf '%s\n' "$out" | grep -c .)" -eq 2 ]
check "confirm: the wrong code reported" contains "$err" \
    "codes.txt: line 3: bob: wrong code"
check "confirm: the unknown user reported" contains "$err" \
    "codes.txt: line 4: nobody: user not enrolled"
check "confirm: two pending need the id" contains "$err" \
    "codes.txt: line 6: dave: several pending TOTP credentials"
check "confirm: a bad id reported" contains "$err" \
    "codes.txt: line 7: erin: one: not a credential id"
check "confirm: a line without a code reported" contains "$err" \
    "codes.txt: line 8: frank: not USER CODE [ID]"
check "confirm: summary" contains "$err" "lines failed: 5 of 7"
# A terminal escape in a word the error quotes (C1 CSI, U+009B): shown
# as bytes, never sent to the terminal.
printf 'erin 123456 \302\23331m\n' >"$WORK/csi.txt"
expect_rc 1 "confirm --batch with a CSI in the id" M totp confirm \
    --batch "$WORK/csi.txt"
check "confirm: the CSI quoted as bytes" contains "$err" \
    'erin: \xc2\x9b31m: not a credential id'
check "confirm: no CSI on the terminal" \
    [ "$(printf '%s' "$err" | grep -c "$(printf '\302\233')")" -eq 0 ]
# An id with a leading zero is not taken for another number.
printf 'erin 123456 01\n' >"$WORK/zero.txt"
expect_rc 1 "confirm --batch with the id 01" M totp confirm \
    --batch "$WORK/zero.txt"
check "confirm: the id 01 refused" contains "$err" \
    "zero.txt: line 1: erin: 01: not a credential id"
check "alice is active" [ "$(status_of alice 1)" = active ]
check "carol is active" [ "$(status_of carol 1)" = active ]
check "bob stays pending" [ "$(status_of bob 1)" = pending ]
check "dave's first stays pending" [ "$(status_of dave 1)" = pending ]
check "dave's second stays pending" [ "$(status_of dave 2)" = pending ]
check "no store for nobody" [ ! -e "$STORE/nobody" ]

# The right ids and codes, from standard input: exit 0.
s_erin=$(uri_param "$(uri_of erin)" secret)
printf 'dave %s 2\nbob %s 1\nerin %s\n' "$(totp "$s_dave" sha1 6)" \
    "$(totp "$s_bob" sha256 8)" "$(totp "$s_erin" sha1 6)" \
    >"$WORK/codes2.txt"
RUN_STDIN=$WORK/codes2.txt
expect_rc 0 "confirm --batch -, all good" M totp confirm --batch -
RUN_STDIN=
check "confirm -: three activated" [ "$(printf '%s\n' "$out" |
    grep -c ' activated$')" -eq 3 ]
check "dave 2 is active" [ "$(status_of dave 2)" = active ]
check "dave 1 stays pending" [ "$(status_of dave 1)" = pending ]
check "bob is active" [ "$(status_of bob 1)" = active ]
check "erin is active" [ "$(status_of erin 1)" = active ]
RUN_STDIN=$WORK/codes2.txt
expect_rc 1 "confirm --batch again: already active" M totp confirm \
    --batch -
RUN_STDIN=
check "again: dave's credential is not pending" contains "$err" \
    "line 1: dave: credential 2 is not pending"
check "again: bob's credential is not pending" contains "$err" \
    "line 2: bob: credential 1 is not pending"
check "again: nothing activated" [ -z "$out" ]

# ---- the deferred sync ---------------------------------------------------
if command -v strace >/dev/null 2>&1; then
	# LeakSanitizer cannot run under ptrace (the sanitizer build):
	# off for the traced runs only.
	saved_asan=${ASAN_OPTIONS-}
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	export ASAN_OPTIONS
	printf 'gina\nhal\nivy\n' >"$WORK/sync.txt"
	run strace -f -qq -o "$WORK/strace.out" \
	    -e trace=fsync,fdatasync,syncfs "$MFACTL" --config "$CONF" \
	    --store "$STORE" totp add --batch "$WORK/sync.txt"
	check "strace: batch of three added" [ "$rc" -eq 0 ]
	check "batch: no fsync or fdatasync" [ "$(grep -Ec \
	    '(^|[ ])f(data)?sync\(' "$WORK/strace.out")" -eq 0 ]
	check "batch: one syncfs at the end" \
	    [ "$(grep -c 'syncfs(' "$WORK/strace.out")" -eq 1 ]
	run strace -f -qq -o "$WORK/strace.out" \
	    -e trace=fsync,fdatasync,syncfs "$MFACTL" --config "$CONF" \
	    --store "$STORE" totp add jo
	check "without --batch: every write synced" \
	    [ "$(grep -Ec '(^|[ ])f(data)?sync\(' "$WORK/strace.out")" -ge 3 ]
	printf 'kim\n' >"$WORK/sync2.txt"
	run strace -f -qq -o /dev/null -e trace=syncfs \
	    -e inject=syncfs:error=EIO "$MFACTL" --config "$CONF" \
	    --store "$STORE" totp add --batch "$WORK/sync2.txt"
	check "failed sync: exit 1" [ "$rc" -eq 1 ]
	check "failed sync: says nothing is known to be on disk" \
	    contains "$err" "nothing of this batch is known to be on disk"
	check "failed sync: the reason" contains "$err" "input/output error"
	if [ -n "$saved_asan" ]; then
		ASAN_OPTIONS=$saved_asan
	else
		unset ASAN_OPTIONS
	fi
else
	echo "# strace missing: the sync checks skipped"
fi

# ---- bash completion ---------------------------------------------------------
# comp WORD...: the completions of the last word (bash, no bash-completion).
comp() {
	run bash -c 'source "$1"; shift; COMP_WORDS=("$@");
	    COMP_CWORD=$(($# - 1)); _mfactl; echo "${COMPREPLY[*]}"' sh \
	    "$MFA_TOP_SRCDIR/completion/mfactl" "$@"
}
comp mfactl totp add --b
check "completion: totp add --batch" [ "$out" = "--batch" ]
comp mfactl totp confirm --b
check "completion: totp confirm --batch" [ "$out" = "--batch" ]
comp mfactl totp add --batch "$WORK/user"
check "completion: a file after --batch" [ "$out" = "$WORK/users.txt" ]
comp mfactl totp add --batch "$WORK/users.txt" ro
check "completion: no user names with --batch" [ -z "$out" ]
comp mfactl totp add ro
check "completion: user names without --batch" contains " $out " " root "

# ---- a batch-enrolled user logs in ---------------------------------------
login_test() {
	for c in pamtester pkg-config; do
		command -v "$c" >/dev/null 2>&1 ||
		    { echo "# $c missing: login skipped"; return; }
	done
	PWLIB=$(pkg-config --libs pam_wrapper 2>/dev/null | tr -d " ")
	MOD=$MFA_TOP_BUILDDIR/pam_module/.libs/pam_mfa.so
	NSSENV=$(nss_env "$WORK") ||
	    { echo "# nss_wrapper missing: login skipped"; return; }
	if [ ! -f "$PWLIB" ] || [ ! -f "$MOD" ]; then
		echo "# pam_wrapper or pam_mfa.so missing: login skipped"
		return
	fi
	NSSLIB=${NSSENV#LD_PRELOAD=}
	NSSLIB=${NSSLIB%% *}
	mkdir -m 0700 "$WORK/lstore" "$WORK/svc"
	cat >"$WORK/login.conf" <<EOF
store = $WORK/lstore
fail_delay = 0
require = totp OR fido2
EOF
	echo "root:x:0:0:root:/root:/bin/sh" >"$WORK/passwd"
	echo "demo:x:4242:4242:demo:/nonexistent:/bin/sh" >>"$WORK/passwd"
	printf 'root:x:0:\ndemo:x:4242:\n' >"$WORK/group"
	echo "auth required $MOD config=$WORK/login.conf" >"$WORK/svc/mfa"
	PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$PWLIB:$NSSLIB"

	printf 'other1\ndemo\nother2\n' >"$WORK/login-users.txt"
	run "$MFACTL" --config "$WORK/login.conf" totp add --batch \
	    "$WORK/login-users.txt"
	check "login: batch add" [ "$rc" -eq 0 ]
	s=$(printf '%s\n' "$out" | sed -n 's/^demo 1 //p')
	s=$(uri_param "$s" secret)
	# The previous step's code: the current one stays for the login.
	printf 'demo %s 1\n' "$(totp "$s" sha1 6 -30)" >"$WORK/login-codes"
	run "$MFACTL" --config "$WORK/login.conf" totp confirm --batch \
	    "$WORK/login-codes"
	check "login: batch confirm" [ "$rc" -eq 0 ]
	totp "$s" sha1 6 >"$WORK/answer"
	RUN_STDIN=$WORK/answer
	run env LD_PRELOAD="$PRELOAD" PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$WORK/svc" \
	    NSS_WRAPPER_PASSWD="$WORK/passwd" \
	    NSS_WRAPPER_GROUP="$WORK/group" \
	    pamtester -v mfa demo authenticate
	RUN_STDIN=
	check "login: a batch-enrolled user logs in" [ "$rc" -eq 0 ]
	check "login: pamtester says so" contains "$out" \
	    "successfully authenticated"
}
login_test

# ---- a CRLF line of exactly 512 bytes: the '\r' is not counted ----------
# "frank", 507 blanks (trimmed: the default label), '\r', '\n'.
printf 'frank%507s\r\n' '' >"$WORK/crlf.txt"
check "crlf: the line is 513 bytes with its CR" \
    [ "$(head -n 1 "$WORK/crlf.txt" | wc -c)" -eq 514 ]
run M totp add --batch "$WORK/crlf.txt"
check "crlf: a 512-byte line and CR is taken" [ "$rc" -eq 0 ]
check "crlf: frank enrolled" matches "$out" '^frank 1 otpauth://'
printf 'frank%508s\r\n' '' >"$WORK/crlf-long.txt"
run M totp add --batch "$WORK/crlf-long.txt"
check "crlf: 513 bytes and CR is too long" contains "$err" \
    "crlf-long.txt: line 1: longer than 512 bytes"

finish
