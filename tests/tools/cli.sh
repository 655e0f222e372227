#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mfactl's command line: usage errors, user name and store checks,
# enrolment (URI format), confirmation with wrong and right codes
# (computed by oathtool as an authenticator app would), list, remove,
# and how list and rename show labels.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the store is root's)"
command -v oathtool >/dev/null 2>&1 || skip_all "oathtool is missing"

MFACTL="$MFA_TOP_BUILDDIR/tools/mfactl"
WORK=$(mktemp -d /tmp/mfactl-cli.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
STORE=$WORK/store
mkdir -m 0700 "$STORE"
CONF=$WORK/pam_mfa.conf
printf 'fail_delay = 0\ntotp_issuer = Example\n' >"$CONF"

# pending_id OUTPUT: the id in "credential N is pending".
pending_id() {
	printf '%s\n' "$1" | sed -n 's/^credential \([0-9]*\) is pending.*/\1/p'
}

M() {
	"$MFACTL" --config "$CONF" --store "$STORE" "$@"
}

# ---- usage errors: exit 2, nothing written --------------------------
expect_rc 2 "no command" "$MFACTL"
expect_rc 2 "unknown command" "$MFACTL" frobnicate
expect_rc 2 "unknown global option" "$MFACTL" --frob list alice
expect_rc 2 "relative --store" "$MFACTL" --store store list alice
expect_rc 2 "--store without a value" "$MFACTL" --store
expect_rc 2 "totp without a subcommand" M totp
expect_rc 2 "totp with an unknown subcommand" M totp frob alice
expect_rc 2 "totp add without a user" M totp add
expect_rc 2 "totp add with two users" M totp add alice bob
expect_rc 2 "totp add with an unknown option" M totp add alice --frob
for d in 5 9 6x -6 " 6" "+6" "" 0x6 18446744073709551622 06 008 -0; do
	expect_rc 2 "totp add --digits '$d'" M totp add alice --digits "$d"
done
expect_rc 2 "totp add --algorithm md5" M totp add alice --algorithm md5
expect_rc 2 "totp add --label without a value" M totp add alice --label
# A label or an issuer the store or the URI cannot take is an option
# value out of range, refused with its reason before anything is made,
# as the same --label is in batch mode (mfactl(8), EXIT STATUS).
long65=$(printf '%065d' 0)
for l in "" "$long65" "$(printf 'a\tb')" "$(printf 'a\033[2Jb')"; do
	expect_rc 2 "totp add --label '$l'" M totp add alice --label "$l"
	check "totp add --label '$l': says why" matches "$err" \
	    '^mfactl: totp add: --label: label (not 1 to 64 bytes|with a control character)$'
	expect_rc 2 "fido2 add --label '$l'" M fido2 add alice --label "$l"
	check "fido2 add --label '$l': says why" matches "$err" \
	    '^mfactl: fido2 add: --label: label (not 1 to 64 bytes|with a control character)$'
	expect_rc 2 "rename to '$l'" M rename alice 1 "$l"
	check "rename to '$l': says why" matches "$err" \
	    '^mfactl: rename alice: LABEL: label (not 1 to 64 bytes|with a control character)$'
	expect_rc 2 "import --label '$l'" M import pam_oath /dev/null \
	    --label "$l"
done
# The issuer is the ISSUER of the URI's label ISSUER:USER: no ':', as
# totp_issuer in pam_mfa.conf(5).
for i in "ACME:IT" "$long65" "$(printf 'a\033b')"; do
	expect_rc 2 "totp add --issuer '$i'" M totp add alice --issuer "$i"
	check "totp add --issuer '$i': says why" contains "$err" \
	    "mfactl: totp add: --issuer: not 1 to 64 bytes without control"
	expect_rc 2 "totp add --batch --issuer '$i'" M totp add --batch - \
	    --issuer "$i"
done
expect_rc 2 "totp confirm without a code" M totp confirm alice
expect_rc 2 "totp confirm, extra argument" M totp confirm alice 123 456
for i in 0 -1 +1 1x 4294967296 "" 01 00 -0; do
	expect_rc 2 "totp confirm --id '$i'" M totp confirm alice 123456 \
	    --id "$i"
done
expect_rc 2 "list without a user" M list
expect_rc 2 "list with two users" M list alice bob
expect_rc 2 "remove without an id" M remove alice
for i in abc -1 0 1x 99999999999 01 0001 -0; do
	expect_rc 2 "remove id '$i'" M remove alice "$i"
done
check "usage errors wrote nothing" [ -z "$(ls -A "$STORE")" ]

expect_rc 0 "--help" "$MFACTL" --help
check "--help shows the commands" contains "$out" "totp"
expect_rc 0 "--version" "$MFACTL" --version
check "--version names the tool" contains "$out" "mfactl "
expect_rc 0 "totp add --help" M totp add --help
check "totp add --help shows --algorithm" contains "$out" "--algorithm"

# ---- user names are checked before they become paths ---------------
long=$(printf '%065d' 0)
for u in "" ".hidden" "a/b" "../etc/passwd" "x y" "tab	x" "$long" \
    "-x" "caf$(printf '\303\251')"; do
	expect_fail_line "user name '$u' rejected" M totp add -- "$u"
	check "user name '$u': reason given" contains "$err" "user name"
done
check "rejected names wrote nothing" [ -z "$(ls -A "$STORE")" ]
expect_rc 0 "user name of 64 bytes accepted" M totp add \
    "$(printf '%064d' 0)"
rm -f "$STORE"/*

# ---- store and config problems ---------------------------------------
expect_fail_line "store directory missing" "$MFACTL" --config "$CONF" \
    --store "$WORK/nonexistent" totp add alice
check "store missing: says so" contains "$err" "No such file"
mkdir -m 0777 "$WORK/open"
expect_fail_line "world-writable store refused" "$MFACTL" \
    --config "$CONF" --store "$WORK/open" totp add alice
check "world-writable store: says unsafe" contains "$err" "unsafe"
check "world-writable store: nothing written" [ -z "$(ls -A "$WORK/open")" ]
printf 'no_such_key = 1\n' >"$WORK/bad.conf"
expect_fail_line "unknown config key" "$MFACTL" --config "$WORK/bad.conf" \
    --store "$STORE" list alice
check "config error names file and line" contains "$err" "bad.conf:1"
expect_fail_line "missing config file" "$MFACTL" \
    --config "$WORK/none.conf" --store "$STORE" list alice
expect_fail_line "list of a user with no store" M list nobody
check "list of a user with no store: says so" contains "$err" "enrolled"
expect_fail_line "confirm for a user with no store" M totp confirm nobody \
    123456
expect_fail_line "remove for a user with no store" M remove nobody 1

# ---- enrolment: URI, pending, wrong and right codes ------------------
expect_rc 0 "totp add alice (not a terminal)" M totp add alice \
    --label "phone" --issuer "ACME Co & Sons/IT"
uri=$(printf '%s\n' "$out" | grep '^otpauth://')
check "exactly one URI line" \
    [ "$(printf '%s\n' "$out" | grep -c '^otpauth://totp/')" -eq 1 ]
secret=$(uri_param "$uri" secret)
check "secret is base32, >= 160 bits" matches "$secret" '^[A-Z2-7]{32,}$'
check "issuer parameter percent-encoded" \
    [ "$(uri_param "$uri" issuer)" = "ACME%20Co%20%26%20Sons%2FIT" ]
case $uri in
"otpauth://totp/ACME%20Co%20%26%20Sons%2FIT:alice?"* | \
"otpauth://totp/ACME%20Co%20%26%20Sons%2FIT%3Aalice?"*)
	ok "URI label is ISSUER:USER, percent-encoded" ;;
*)	not_ok "URI label is ISSUER:USER, percent-encoded" ;;
esac
id=$(pending_id "$out")
check "the new credential is pending" [ -n "$id" ]
check "says how to confirm" contains "$out" \
    "totp confirm alice CODE --id $id"
check "store file is 0600" [ "$(stat -c %a "$STORE/alice")" = 600 ]

expect_rc 0 "list alice" M list alice
check "list: pending" matches "$out" "^$id +totp +pending +sha1/6/30 "
check "list: never used, label shown" matches "$out" ' never +phone$'
check "list never shows the secret" lacks "$out" "$secret"

# --store and --config also after the command's name, once in all.
listed=$out
expect_rc 0 "list with --store and --config after the command" \
    "$MFACTL" list alice --store "$STORE" --config "$CONF"
check "the same list either way" [ "$out" = "$listed" ]
printf 'store = %s\nfail_delay = 0\n' "$STORE" >"$WORK/store.conf"
expect_rc 0 "status with --config (naming the store) after the command" \
    "$MFACTL" status alice --config "$WORK/store.conf"
check "status found alice's credential" contains "$out" "pending"
expect_rc 2 "--store before and after the command" \
    "$MFACTL" --store "$STORE" list alice --store "$STORE"
check "--store twice: says so" contains "$err" "--store given twice"
expect_rc 2 "--config twice after the command" \
    "$MFACTL" list alice --config "$CONF" --config "$CONF"
expect_rc 2 "relative --store after the command" \
    "$MFACTL" list alice --store store
check "relative --store after the command: says so" contains "$err" \
    "not an absolute path"
expect_rc 2 "--store without a value after the command" \
    "$MFACTL" list alice --store

bad=$(wrong_code "$secret" sha1 6)
expect_fail_line "confirm with a wrong code" M totp confirm alice "$bad" \
    --id "$id"
check "wrong code: says so" contains "$err" "wrong code"
expect_fail_line "confirm with a malformed code" M totp confirm alice 12345
expect_rc 0 "list after wrong codes" M list alice
check "still pending after wrong codes" contains "$out" "pending"
check "still not used" contains "$out" "never"

expect_rc 0 "confirm with the authenticator's code" M totp confirm alice \
    "$(totp "$secret" sha1 6)" --id "$id"
check "confirm says activated" contains "$out" "activated credential $id"
expect_rc 0 "list after confirm" M list alice
check "list: active, created in ISO 8601 UTC" matches "$out" \
    "^$id +totp +active +sha1/6/30 +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z "
check "list never shows the secret (active)" \
    lacks "$out" "$secret"
expect_fail_line "confirm without --id, nothing pending" M totp confirm \
    alice "$(totp "$secret" sha1 6)"
expect_fail_line "confirm of an active credential" M totp confirm \
    alice "$(totp "$secret" sha1 6 30)" --id "$id"

# ---- other algorithms and digits; confirm without --id ---------------
for alg in sha256 sha512; do
	u=carol-$alg
	expect_rc 0 "totp add --algorithm $alg --digits 8" M totp add "$u" \
	    --algorithm "$alg" --digits 8
	uri=$(printf '%s\n' "$out" | grep '^otpauth://')
	s=$(uri_param "$uri" secret)
	a=$(uri_param "$uri" algorithm | tr '[:lower:]' '[:upper:]')
	check "$alg: URI algorithm" [ "$a" = "$(echo "$alg" |
	    tr '[:lower:]' '[:upper:]')" ]
	check "$alg: URI digits=8" [ "$(uri_param "$uri" digits)" = 8 ]
	[ "$alg" = sha256 ] && min=52 || min=103
	check "$alg: secret of the hash size" [ "${#s}" -ge "$min" ]
	expect_fail_line "$alg: wrong code" M totp confirm "$u" \
	    "$(wrong_code "$s" "$alg" 8)"
	expect_fail_line "$alg: 6-digit code refused" M totp confirm "$u" \
	    "$(totp "$s" "$alg" 6)"
	expect_rc 0 "$alg: confirm with the only pending credential" \
	    M totp confirm "$u" "$(totp "$s" "$alg" 8)"
	expect_rc 0 "$alg: list" M list "$u"
	check "$alg: listed active" contains "$out" "active   $alg/8/30"
	check "$alg: secret not listed" lacks "$out" "$s"
done

# ---- several pending credentials need --id ---------------------------
expect_rc 0 "dave: first credential" M totp add dave --label one
expect_rc 0 "dave: second credential" M totp add dave --label two
uri=$(printf '%s\n' "$out" | grep '^otpauth://')
s=$(uri_param "$uri" secret)
id2=$(pending_id "$out")
expect_fail_line "two pending: confirm without --id refused" M totp confirm \
    dave "$(totp "$s" sha1 6)"
check "two pending: asks for --id" contains "$err" "--id"
expect_rc 0 "two pending: confirm with --id" M totp confirm dave \
    "$(totp "$s" sha1 6)" --id "$id2"

# ---- remove -------------------------------------------------------------
expect_rc 0 "remove alice $id" M remove alice "$id"
expect_rc 0 "list after remove" M list alice
check "removed credential gone" contains "$out" "no credentials"
expect_fail_line "remove it again" M remove alice "$id"
check "remove again: no such credential" contains "$err" "no such credential"
expect_fail_line "remove an unknown id" M remove dave 99
expect_rc 0 "dave still has both" M list dave
check "dave's credentials untouched" \
    [ "$(printf '%s\n' "$out" | grep -c ' totp ')" -eq 2 ]

# ---- labels: UTF-8 as it is, control characters escaped ----------------
# As check shows text: well-formed UTF-8 unchanged (whatever the locale),
# C0 and C1 controls, '\' and bytes that are not UTF-8 as \xHH.  ASCII
# controls never get into the store (rename refuses them); a C1 control
# (U+009B, which some terminals take for ESC [) is UTF-8 and does.
expect_rc 0 "UTF-8 label: totp add" M totp add gwen --label "「鍵」"
gid=$(pending_id "$out")
expect_rc 0 "UTF-8 label: list" M list gwen
check "list: the UTF-8 label as it is" matches "$out" \
    "^$gid +totp +pending +sha1/6/30 .* never +「鍵」\$"
check "list: no \\x for UTF-8" lacks "$out" '\x'
expect_rc 0 "rename to a UTF-8 label" M rename gwen "$gid" "予備の鍵"
check "rename: the UTF-8 label as it is" \
    [ "$out" = "renamed credential $gid of gwen to 予備の鍵" ]
expect_rc 0 "list after the rename" M list gwen
check "list: the new UTF-8 label" matches "$out" "^$gid .* 予備の鍵\$"
c1=$(printf 'x\302\23331my')
expect_rc 0 "rename to a label with a C1 control" M rename gwen "$gid" "$c1"
check "rename: the C1 control escaped" [ "$out" = \
    "renamed credential $gid of gwen to x\\xc2\\x9b31my" ]
check "rename: no C1 byte out" lacks "$out" "$(printf '\233')"
expect_rc 0 "list: label with a C1 control" M list gwen
check "list: the C1 control escaped" matches "$out" \
    "^$gid .* x\\\\xc2\\\\x9b31my\$"
check "list: no C1 byte out" lacks "$out" "$(printf '\233')"
expect_rc 0 "list --json: label with a C1 control" M list gwen --json
check "list --json: the C1 control as \\u009b" contains "$out" \
    '"label": "x\u009b31my"'
expect_rc 0 "rename to bytes that are not UTF-8" M rename gwen "$gid" \
    "$(printf 'k\377\\e')"
check "rename: bad bytes and '\\' escaped" [ "$out" = \
    "renamed credential $gid of gwen to k\\xff\\x5ce" ]
expect_rc 0 "list: label with bad bytes" M list gwen
check "list: bad bytes and '\\' escaped" contains "$out" ' k\xff\x5ce'
expect_rc 2 "rename to a label with ESC: refused" M rename gwen \
    "$gid" "$(printf 'a\033[2Jb')"
check "ESC refused: no escape sequence out" lacks "$out$err" \
    "$(printf '\033')"
expect_rc 0 "list after the refused rename" M list gwen
check "refused rename: label unchanged" contains "$out" ' k\xff\x5ce'

# ---- --issuer '': no issuer in the URI (mfactl(8)) ---------------------
expect_rc 0 "totp add --issuer ''" M totp add ivy --issuer ""
check "--issuer '': no issuer parameter" lacks "$out" "issuer="
check "--issuer '': the URI's label is the user alone" contains "$out" \
    "otpauth://totp/ivy?secret="

# ---- writes need root -------------------------------------------------
if nobody_can_run; then
	expect_fail_line "totp add as non-root" setpriv --reuid=65534 \
	    --regid=65534 --clear-groups "$MFACTL" --store "$STORE" \
	    totp add alice
	check "non-root: says root is needed" contains "$err" \
	    "must be run as root"
fi

# ---- on a terminal: prompt, three tries, or activation -----------------

# The confirm command totp add prints is pasted into a shell: a store
# and a configuration whose paths hold a space and a quote are quoted.
ODD="$WORK/my st'ore"
mkdir -m 0700 "$ODD"
cp "$CONF" "$ODD/a b.conf"
run "$MFACTL" --store "$ODD" --config "$ODD/a b.conf" totp add olga
hint=$(printf '%s\n' "$out" | sed -n 's/^  mfactl \(.*totp confirm .*\)/\1/p')
osecret=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" secret)
check "odd paths: the hint quotes them" contains "$hint" \
    "--store '$WORK/my st'\"'\"'ore' --config '$WORK/my st'\"'\"'ore/a b.conf'"
# shellcheck disable=SC2016 # $code is for the eval, not for this shell
expect_rc 0 "odd paths: the printed command, pasted, activates" sh -c \
    "code=\$2; eval \"set -- \$1\"; exec \"\$0\" \"\$@\"" \
    "$MFACTL" "$(printf '%s' "$hint" | sed 's/ CODE / $code /')" \
    "$(totp "$osecret" sha1 6)"
check "odd paths: activated" contains "$out" "activated credential"
if "$PYTHON" -c 'import pexpect' 2>/dev/null; then
	P='confirm: '
	expect_rc 1 "terminal: three wrong codes" "$PYTHON" "$PTY_RUN" \
	    "$P" '{wrong}' "$P" '{wrong}' "$P" '{wrong}' -- \
	    "$MFACTL" --config "$CONF" --store "$STORE" totp add eve
	check "terminal: prompt shown" contains "$out" \
	    "Enter a code from the authenticator to confirm: "
	check "terminal: says how to confirm later" contains "$out" \
	    "totp confirm eve CODE --id"
	expect_rc 0 "list eve" M list eve
	check "terminal: left pending" contains "$out" "pending"
	expect_rc 0 "terminal: wrong, then right code" "$PYTHON" "$PTY_RUN" \
	    "$P" '{wrong}' "$P" '{totp}' -- \
	    "$MFACTL" --config "$CONF" --store "$STORE" totp add frank
	check "terminal: activated" contains "$out" "activated credential"
	expect_rc 0 "list frank" M list frank
	check "terminal: listed active" contains "$out" "active"
else
	echo "# pexpect missing: terminal tests skipped"
fi

finish
