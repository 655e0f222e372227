#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mfactl's life-cycle commands: the QR code of totp add (terminal and
# PNG, decoded back with zbarimg when it is installed), list --json,
# rename, recovery, unlock, status; --help, usage errors (exit 2),
# failures (exit 1, one line on stderr), writes refused to non-root;
# the bash completion.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the store is root's)"
command -v oathtool >/dev/null 2>&1 || skip_all "oathtool is missing"

MFACTL="$MFA_TOP_BUILDDIR/tools/mfactl"
WORK=$(mktemp -d /tmp/mfactl-life.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
STORE=$WORK/store
mkdir -m 0700 "$STORE"
CONF=$WORK/pam_mfa.conf
printf 'fail_delay = 0\n' >"$CONF"

M() {
	"$MFACTL" --config "$CONF" --store "$STORE" "$@"
}

# enrol USER [LABEL]: an active TOTP credential; SECRET gets its secret.
enrol() {
	run M totp add "$1" --label "${2:-phone}"
	SECRET=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" \
	    secret)
	_id=$(printf '%s\n' "$out" |
	    sed -n 's/^credential \([0-9]*\) is pending.*/\1/p')
	run M totp confirm "$1" "$(totp "$SECRET" sha1 6)" --id "$_id"
}

# json_get EXPR: evaluates a Python expression over the JSON in $out
# (as j); exit 1 when it is not valid JSON.
json_get() {
	printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
j = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1"
}

# ---- --help of every command; usage errors exit 2 ---------------------
for c in list remove rename recovery unlock status check "totp add" \
    "totp confirm" "fido2 add"; do
	# shellcheck disable=SC2086
	expect_rc 0 "$c --help" M $c --help
	check "$c --help: usage line" contains "$out" "usage: mfactl"
	# shellcheck disable=SC2086
	expect_rc 2 "$c: unknown option" M $c --frobnicate
done
expect_rc 0 "mfactl --help lists every command" "$MFACTL" --help
for c in totp fido2 list remove rename recovery unlock status check; do
	check "--help names $c" matches "$out" "^  $c "
done
expect_rc 2 "rename without a label" M rename alice 1
expect_rc 2 "rename with a bad id" M rename alice x label
expect_rc 2 "rename with an empty label" M rename alice 1 ""
expect_rc 2 "rename with a label of 65 bytes" M rename alice 1 \
    "$(printf '%065d' 0)"
expect_rc 2 "recovery without a user" M recovery
for n in 0 21 x -1 "" 1x 05 -0; do
	expect_rc 2 "recovery --count '$n'" M recovery alice --count "$n"
done
expect_rc 2 "unlock with two users" M unlock alice bob
expect_rc 2 "status without a user" M status
expect_rc 2 "list --json with two users" M list alice bob --json
expect_rc 2 "totp add --qr-png without a file" M totp add alice --qr-png
expect_rc 2 "totp add --qr-png ''" M totp add alice --qr-png ""
check "usage errors wrote nothing" [ -z "$(ls -A "$STORE")" ]

# ---- failures: exit 1, one line naming the object ---------------------
for c in "rename nobody 1 x" "recovery nobody" "unlock nobody" \
    "status nobody" "list nobody --json"; do
	# shellcheck disable=SC2086
	expect_fail_line "$c: not enrolled" M $c
	check "$c: names the user and the reason" contains "$err" \
	    "nobody: user not enrolled"
done
check "failures wrote nothing" [ -z "$(ls -A "$STORE")" ]
if nobody_can_run; then
	for c in "rename alice 1 x" "recovery alice" "unlock alice" \
	    "totp add alice" "remove alice 1" "check"; do
		# shellcheck disable=SC2086
		expect_fail_line "$c as non-root" setpriv --reuid=65534 \
		    --regid=65534 --clear-groups "$MFACTL" --store "$STORE" $c
		check "$c as non-root: says root is needed" contains "$err" \
		    "must be run as root"
	done
fi

# ---- QR code: not on a pipe, on request, on a terminal -----------------
expect_rc 0 "totp add on a pipe" M totp add qr1
check "on a pipe: no QR code" lacks "$out" "$(printf '\342\226\210')"
expect_rc 0 "totp add --qr on a pipe, UTF-8" env LC_ALL=C.UTF-8 \
    "$MFACTL" --config "$CONF" --store "$STORE" totp add qr2 --qr
check "--qr: URI printed" matches "$out" '^otpauth://totp/'
check "--qr: half blocks" contains "$out" "$(printf '\342\226\200')"
# Decode the drawing: each character cell is two modules.
uri=$(printf '%s\n' "$out" | grep '^otpauth://')
if command -v zbarimg >/dev/null 2>&1; then
	printf '%s\n' "$out" | "$PYTHON" -c '
import re, sys
rows = []
for line in sys.stdin.read().split("\n"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if not line or line.startswith("otpauth") or line.startswith("cred") \
            or line.startswith("  mfactl"):
        continue
    top = [c in "\u2588\u2580" for c in line]
    bot = [c in "\u2588\u2584" for c in line]
    rows += [top, bot]
w, s = len(rows[0]), 4
with open(sys.argv[1], "wb") as f:
    f.write(b"P5 %d %d 255\n" % (w * s, len(rows) * s))
    for r in rows:
        line = bytes(0 if d else 255 for d in r for _ in range(s))
        f.write(line * s)
' "$WORK/term.pgm"
	check "terminal QR code decodes to the URI" [ "$(zbarimg -q --raw \
	    "$WORK/term.pgm" 2>/dev/null)" = "$uri" ]
fi
expect_rc 0 "totp add --qr without UTF-8" M totp add qr3 --qr
check "no UTF-8: coloured spaces instead" contains "$out" \
    "$(printf '\033[40m  ')"
check "no UTF-8: no half blocks" lacks "$out" "$(printf '\342\226')"
if "$PYTHON" -c 'import pexpect' 2>/dev/null; then
	expect_rc 0 "terminal: QR code, then confirm" env LC_ALL=C.UTF-8 \
	    "$PYTHON" "$PTY_RUN" 'confirm: ' '{totp}' -- \
	    "$MFACTL" --config "$CONF" --store "$STORE" totp add qr4
	check "terminal: QR code drawn" contains "$out" \
	    "$(printf '\342\226\210')"
	check "terminal: activated" contains "$out" "activated credential"
fi

# ---- QR code as a PNG ---------------------------------------------------
expect_rc 0 "totp add --qr-png" M totp add png1 --qr-png "$WORK/q.png"
uri=$(printf '%s\n' "$out" | grep '^otpauth://')
check "PNG: says where" contains "$out" "QR code written to $WORK/q.png"
check "PNG: mode 0600" [ "$(stat -c %a "$WORK/q.png")" = 600 ]
check "PNG: signature" [ "$(head -c 8 "$WORK/q.png" | od -An -tx1 |
    tr -d ' \n')" = 89504e470d0a1a0a ]
check "PNG: not tiny" [ "$(stat -c %s "$WORK/q.png")" -gt 500 ]
if command -v zbarimg >/dev/null 2>&1; then
	check "PNG decodes to the URI" [ "$(zbarimg -q --raw "$WORK/q.png" \
	    2>/dev/null)" = "$uri" ]
else
	echo "# zbarimg missing (zbar-tools): PNG not decoded"
fi
cp "$WORK/q.png" "$WORK/q.copy"
expect_fail_line "--qr-png refuses to overwrite" M totp add png2 \
    --qr-png "$WORK/q.png"
check "overwrite: says so" contains "$err" "File exists"
check "overwrite: file unchanged" cmp -s "$WORK/q.png" "$WORK/q.copy"
check "overwrite: no credential made" [ ! -e "$STORE/png2" ]
ln -s "$WORK/target.png" "$WORK/link.png"
expect_fail_line "--qr-png refuses a symbolic link" M totp add png3 \
    --qr-png "$WORK/link.png"
check "symlink: target not created" [ ! -e "$WORK/target.png" ]
expect_fail_line "--qr-png into a missing directory" M totp add png4 \
    --qr-png "$WORK/none/q.png"
check "missing directory: no credential made" [ ! -e "$STORE/png4" ]

# ---- list --json ----------------------------------------------------------
enrol alice phone
expect_rc 0 "totp add with an awkward label" M totp add alice \
    --label "$(printf 'a"b\\c t\303\251l\303\251phone')"
expect_rc 0 "list --json" M list alice --json
check "list --json is valid JSON" sh -c \
    "printf '%s\n' \"\$1\" | $PYTHON -m json.tool >/dev/null" sh "$out"
check "list --json: user" [ "$(json_get 'j["user"]')" = alice ]
check "list --json: two credentials" \
    [ "$(json_get 'len(j["credentials"])')" = 2 ]
check "list --json: label escaped and kept" [ "$(json_get \
    'j["credentials"][1]["label"] == "a\"b\\c t\u00e9l\u00e9phone"')" = True ]
check "list --json: active" [ "$(json_get \
    'j["credentials"][0]["status"]')" = active ]
check "list --json: pending, never used" [ "$(json_get \
    '(j["credentials"][1]["status"], j["credentials"][1]["last_used"])')" = \
    "('pending', None)" ]
check "list --json: never used, the _iso twin is null too" [ "$(json_get \
    '("last_used_iso" in j["credentials"][1], j["credentials"][1]["last_used_iso"])')" = \
    "(True, None)" ]
check "list --json: both credentials have the same keys" [ "$(json_get \
    'sorted(j["credentials"][0]) == sorted(j["credentials"][1])')" = True ]
check "list --json: TOTP parameters" [ "$(json_get \
    '(j["credentials"][0]["algorithm"], j["credentials"][0]["digits"], j["credentials"][0]["period"])')" = \
    "('sha1', 6, 30)" ]
check "list --json never holds the secret" lacks "$out" "$SECRET"
expect_rc 0 "list (text): the label as UTF-8, '\\' escaped" M list alice
check "text list: UTF-8 as it is, '\\' as \\x5c" contains "$out" \
    "$(printf 'a"b\\x5cc t\303\251l\303\251phone')"

# ---- rename -----------------------------------------------------------------
expect_rc 0 "rename alice 1" M rename alice 1 "work phone"
check "rename: says so" contains "$out" "renamed credential 1 of alice"
expect_rc 0 "list after rename" M list alice
check "list: new label" matches "$out" '^1 .* work phone$'
expect_fail_line "rename an unknown id" M rename alice 99 x
check "rename unknown id: says so" contains "$err" "no such credential"

# ---- recovery ---------------------------------------------------------------
expect_rc 0 "recovery alice" M recovery alice
codes=$(printf '%s\n' "$out" | sed -n 's/^  \([^ ]*\)$/\1/p')
check "recovery: 10 codes by default" \
    [ "$(printf '%s\n' "$codes" | grep -c .)" -eq 10 ]
check "recovery: codes hold letters and dashes (never a TOTP code)" \
    [ "$(printf '%s\n' "$codes" | grep -c '^[A-Z0-9]*-[A-Z0-9-]*[A-Z]')" \
    -eq 10 ]
check "recovery: codes all differ" \
    [ "$(printf '%s\n' "$codes" | sort -u | grep -c .)" -eq 10 ]
check "recovery: shown once" contains "$out" "only this once"
check "recovery: no earlier set, nothing void" lacks "$out" "void"
check "store holds no code" sh -c "! grep -qF -e \"\$(printf '%s\n' \
    \"\$1\" | head -n 1)\" \"\$2\"" sh "$codes" "$STORE/alice"
expect_rc 0 "status: 10 recovery codes" M status alice
check "status: counts 10" contains "$out" "recovery codes left: 10"
expect_rc 0 "recovery alice --count 3" M recovery alice --count 3
check "recovery --count 3: three codes" \
    [ "$(printf '%s\n' "$out" | grep -c '^  [A-Z0-9]*-')" -eq 3 ]
check "recovery again: old codes void" contains "$out" \
    "issued earlier are void"
expect_rc 0 "status after the new set" M status alice
check "status: counts 3" contains "$out" "recovery codes left: 3"
expect_rc 0 "list --json: recovery" M list alice --json
check "list --json: recovery codes left" \
    [ "$(json_get 'j["recovery_codes_left"]')" = 3 ]
check "list --json: no hash" lacks "$out" '$y$'
expect_rc 0 "recovery --count 20" M recovery alice --count 20

# A user who holds only recovery codes (and a pending TOTP credential)
# logs in with one, where the policy accepts them: status says so, as
# check does, and says "no active second factor" only where it does not.
run M totp add rita
expect_rc 0 "status rita: pending only" M status rita
check "status: no codes, no active factor" contains "$out" \
    "no active second factor"
expect_rc 0 "recovery rita --count 2" M recovery rita --count 2
expect_rc 0 "status rita: recovery codes only" M status rita
check "status: recovery codes let rita in" contains "$out" \
    "no active TOTP or FIDO2 credential: logs in only with a recovery code"
check "status: not 'no active second factor' while codes work" lacks \
    "$out" "no active second factor"
printf 'fail_delay = 0\nrecovery = no\n' >"$WORK/norec.conf"
expect_rc 0 "status rita under recovery = no" \
    "$MFACTL" --config "$WORK/norec.conf" --store "$STORE" status rita
check "status: recovery = no: no active second factor" contains "$out" \
    "no active second factor"

# ---- status and unlock --------------------------------------------------------
expect_rc 0 "status alice" M status alice
check "status: not locked" contains "$out" "not locked out (0 consecutive"
check "status: totp summary" matches "$out" '^  totp +1 active, 1 pending'
check "status: fido2 summary" matches "$out" '^  fido2 +not enrolled'
state_set "$STORE/alice.state" failures=5 \
    locked-until=$(( $(date +%s) + 600 ))
expect_rc 0 "status of a locked user" M status alice
check "status: locked, how long, how many" matches "$out" \
    'locked out until [0-9T:-]+Z \(5 consecutive failures\)'
expect_rc 0 "unlock alice" M unlock alice
check "unlock: says what it ended" contains "$out" \
    "unlocked alice (locked until"
expect_rc 0 "status after unlock" M status alice
check "status: unlocked" contains "$out" "not locked out (0 consecutive"
expect_rc 0 "unlock of an unlocked user" M unlock alice
check "unlock: was not locked" contains "$out" "was not locked out"

# ---- remove is still there ---------------------------------------------------
expect_rc 0 "remove alice 2" M remove alice 2
expect_rc 0 "list after remove" M list alice --json
check "one credential and the recovery set left" \
    [ "$(json_get '[c["type"] for c in j["credentials"]]')" = \
    "['totp', 'recovery']" ]

# ---- bash completion -----------------------------------------------------------
COMP=$MFA_TOP_SRCDIR/completion/mfactl
check "bash completion loads" sh -c "bash -c 'source \"\$1\" &&
    complete -p mfactl' sh '$COMP' | grep -q '_mfactl mfactl'"
run bash -c 'source "$1"; COMP_WORDS=(mfactl re); COMP_CWORD=1;
    _mfactl; echo "${COMPREPLY[*]}"' sh "$COMP"
check "completion: commands" [ "$out" = "remove rename recovery" ]
run bash -c 'source "$1"; COMP_WORDS=(mfactl totp add root --q); COMP_CWORD=4;
    _mfactl; echo "${COMPREPLY[*]}"' sh "$COMP"
check "completion: options of totp add" [ "$out" = "--qr --qr-png" ]
run bash -c 'source "$1"; COMP_WORDS=(mfactl status root --s); COMP_CWORD=3;
    _mfactl; echo "${COMPREPLY[*]}"' sh "$COMP"
check "completion: --store after the command" [ "$out" = "--store" ]
# The ids of "remove alice" come from "mfactl list" with the --config
# and --store given after the command (not taken for arguments).
expect_rc 0 "list alice for the ids" M list alice --json
ids=$(json_get '" ".join(str(c["id"]) for c in j["credentials"])')
run bash -c 'source "$1"; COMP_WORDS=("$2" remove alice --config "$3"
    --store "$4" ""); COMP_CWORD=7; _mfactl; echo "${COMPREPLY[*]}"' \
    sh "$COMP" "$MFACTL" "$CONF" "$STORE"
check "alice has credentials to complete" [ -n "$ids" ]
check "completion: ids with --config and --store after the command" \
    [ "$out" = "$ids" ]
# bash splits "--opt=value" at the "=": the same ids with the values
# given that way (mfactl takes them so too), an option value after
# "=", and a user name after "--label=x" (not taken for the user).
expect_rc 0 "list alice with --config=FILE --store=DIR" \
    "$MFACTL" list alice --config="$CONF" --store="$STORE"
run bash -c 'source "$1"; COMP_WORDS=("$2" remove alice --config = "$3"
    --store = "$4" ""); COMP_CWORD=9; _mfactl; echo "${COMPREPLY[*]}"' \
    sh "$COMP" "$MFACTL" "$CONF" "$STORE"
check "completion: ids with --config=FILE and --store=DIR" [ "$out" = "$ids" ]
run bash -c 'source "$1"; COMP_WORDS=(mfactl totp add --algorithm =);
    COMP_CWORD=4; _mfactl; echo "${COMPREPLY[*]}"' sh "$COMP"
check "completion: the value after --algorithm=" \
    [ "$out" = "sha1 sha256 sha512" ]
run bash -c 'source "$1"; COMP_WORDS=(mfactl totp add --label = x ro);
    COMP_CWORD=6; _mfactl; echo "${COMPREPLY[*]}"' sh "$COMP"
check "completion: a user name after --label=x" contains " $out " " root "

finish
