#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# mfactl import: pam_u2f, pam_oath, google-authenticator and PSKC files
# (fixtures in tests/tools/import/), each with good and bad records:
# the line-by-line report, the exit status, --dry-run writing nothing,
# re-imports refused as duplicates, what `mfactl list` shows, and the
# secrets stored (compared in the store file: the report never shows
# them), and the audit record of each credential written or refused
# (read through tests/tools/audit_shim.c, preloaded into mfactl: the
# records themselves reaching auditd is tests/pam/audit.sh's part).
# That an imported TOTP secret gives the codes oathtool computes is
# checked by tests/unit/test_import.c.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the store is root's)"

mfactl_binary
SHIM="$MFA_TOP_BUILDDIR/tests/tools/.libs/libaudit_shim.so"
[ -f "$SHIM" ] || skip_all "tests/tools/libaudit_shim.la not built"
FIX="$MFA_TOP_SRCDIR/tests/tools/import"
WORK=$(mktemp -d /tmp/mfactl-import.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
STORE=$WORK/store
mkdir -m 0700 "$STORE"
CONF=$WORK/pam_mfa.conf
printf 'fail_delay = 0\nfido2_rp_id = pam://import-test\n' >"$CONF"
AUDIT=$WORK/audit.log

M() {
	: >"$AUDIT"
	LD_PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$SHIM" \
	    MFA_AUDIT_LOG="$AUDIT" \
	    "$MFACTL" --config "$CONF" --store "$STORE" "$@"
}

# audited ERE: a record of the last mfactl run matches.
audited() {
	grep -Eq -- "$1" "$AUDIT"
}

# audit_count: how many records the last mfactl run sent.
audit_count() {
	grep -c '^type=USER_MGMT op=import ' "$AUDIT"
}

# line N TEXT: the report has a line "LINE N: TEXT..." (ERE after it).
line() {
	matches "$out" "^LINE $1: $2"
}

# secret_of USER ID: the base32 secret stored for credential ID.
secret_of() {
	sed -n "s/^totp $2 .* secret=\\([A-Z2-7]*\\).*/\\1/p" "$STORE/$1"
}

# The fixtures' secrets, in base32 as the store holds them.
S20=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ		# "12345678901234567890"
S32=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA
SAT=IFBEGRCFIZDUQSKKJNGE2TSPKBIVEU2U		# "ABCDEFGHIJKLMNOPQRST"
SPSKC=MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK		# "abcdefghijabcdefghij"

# ---- usage errors: exit 2, nothing written --------------------------
expect_rc 2 "import without arguments" M import
expect_rc 2 "import without a file" M import pam_oath
expect_rc 2 "unknown format" M import pam_frob "$FIX/pam_oath.users"
expect_rc 2 "unknown option" M import pam_oath "$FIX/pam_oath.users" --frob
expect_rc 2 "google-authenticator needs --user" M import \
    google-authenticator "$FIX/google_authenticator"
expect_rc 2 "--user only for google-authenticator" M import pam_oath \
    "$FIX/pam_oath.users" --user alice
expect_rc 2 "--assign only for pskc" M import pam_oath \
    "$FIX/pam_oath.users" --assign TOK-0001=alice
for a in TOK-0001 =alice "TOK-0001=" "TOK-0001=../x" "TOK 1=alice"; do
	expect_rc 2 "--assign '$a'" M import pskc "$FIX/tokens.pskc" \
	    --assign "$a"
done
expect_rc 2 "--assign twice for a serial" M import pskc \
    "$FIX/tokens.pskc" --assign TOK-0001=alice --assign TOK-0001=bob
expect_rc 2 "--label empty" M import pam_oath "$FIX/pam_oath.users" \
    --label ""
check "usage errors wrote nothing" [ -z "$(ls -A "$STORE")" ]
expect_rc 0 "import --help" M import --help
check "import --help shows the formats" contains "$out" "pskc"
expect_fail_line "missing file" M import pam_oath "$WORK/none"
expect_fail_line "a directory is no file" M import pam_oath "$WORK"
expect_fail_line "pskc without assignments" M import pskc \
    "$FIX/tokens.pskc"
check "pskc without assignments: says how" contains "$err" "--assign"
expect_fail_line "google-authenticator, bad --user" M import \
    google-authenticator "$FIX/google_authenticator" --user ../x
check "failures wrote nothing" [ -z "$(ls -A "$STORE")" ]

# ---- pam_oath ---------------------------------------------------------
expect_rc 1 "pam_oath --dry-run (bad lines: exit 1)" M import pam_oath \
    "$FIX/pam_oath.users" --dry-run
check "dry run: alice would be imported" line 2 \
    "would import alice credential \\(totp sha1/6/30, label pam_oath\\)"
# A dry run writes nothing, so it cannot see that line 11 repeats line 2.
check "dry run: summary" contains "$out" \
    "4 would be imported, 8 skipped (dry run: nothing written)"
check "dry run wrote nothing" [ -z "$(ls -A "$STORE")" ]
check "dry run: no audit record" [ ! -s "$AUDIT" ]

expect_rc 1 "pam_oath import" M import pam_oath "$FIX/pam_oath.users"
check "HOTP/T30: alice" line 2 \
    "imported alice credential 1 \\(totp sha1/6/30, label pam_oath\\)$"
check "HOTP/T30/8: bob" line 3 \
    "imported bob credential 1 \\(totp sha1/8/30, label pam_oath\\)$"
check "HOTP/T60/6: carol, period 60" line 4 \
    "imported carol credential 1 \\(totp sha1/6/60, label pam_oath\\)$"
check "carol's pam_oath password: noted" line 4 \
    "note: its pam_oath password is not imported"
check "comment and blank lines: no report" lacks "$out" "LINE 1:"
check "blank line 5: no report" lacks "$out" "LINE 5:"
check "HOTP: refused" line 6 "skipped: event-based HOTP"
check "HOTP/E/8: refused" line 7 "skipped: event-based HOTP"
check "bad hex: refused" line 8 "skipped: secret is not hex"
check "unknown type: refused" line 9 "skipped: unknown token type"
check "bad user name: refused" line 10 "skipped: user name not acceptable"
check "duplicate: refused" line 11 "skipped: alice: already imported"
check "short secret: refused" line 12 "skipped: secret shorter than 10"
check "9 digits: refused" line 13 "skipped: token type: digits not 6..8"
check "missing fields: refused" line 14 "skipped: not TYPE USER"
check "summary" contains "$out" "3 imported, 9 skipped"
check "audit: alice's credential" audited '^type=USER_MGMT op=import '\
'id=1 type=totp format=pam_oath acct="alice" .* res=success$'
check "audit: carol's credential" audited \
    'op=import id=1 type=totp format=pam_oath acct="carol" .*res=success$'
check "audit: the duplicate, refused" audited \
    'op=import type=totp format=pam_oath acct="alice" .* res=failed$'
check "audit: one record per credential written or refused" \
    [ "$(audit_count)" -eq 4 ]
check "audit: no secret" lacks "$(cat "$AUDIT")" "3132333435"
check "no secret in the report" lacks "$out" "3132333435"
check "alice's secret stored" [ "$(secret_of alice 1)" = "$S20" ]
check "bob's 32-byte secret stored" [ "$(secret_of bob 1)" = "$S32" ]
check "carol's secret stored" [ "$(secret_of carol 1)" = "$SAT" ]
for u in dave erin frank heidi ivan judy; do
	check "no store for refused user $u" [ ! -e "$STORE/$u" ]
done
expect_rc 0 "list alice" M list alice
check "list: imported TOTP is active" matches "$out" \
    "^1 +totp +active +sha1/6/30 .* pam_oath$"
expect_rc 1 "pam_oath again" M import pam_oath "$FIX/pam_oath.users"
check "again: nothing imported twice" contains "$out" "0 imported, 12"

# A NUL byte cuts no line short and hides no later line: the line that
# holds it is refused, the next ones are read.
printf 'HOTP/T30 nora - %s\000 junk\n# a comment\000\nHOTP/T30 otto - %s\n' \
    3132333435363738393031323334353637383930 \
    4142434445464748494a4b4c4d4e4f5051525354 >"$WORK/nul.users"
expect_rc 1 "pam_oath with NUL bytes" M import pam_oath "$WORK/nul.users"
check "NUL byte: its line refused" line 1 "skipped: NUL byte"
check "NUL byte in a comment: refused too" line 2 "skipped: NUL byte"
check "NUL byte: the next line read" line 3 \
    "imported otto credential 1 \\(totp sha1/6/30, label pam_oath\\)$"
check "NUL byte: summary" contains "$out" "1 imported, 2 skipped"
check "NUL byte: nothing stored for nora" [ ! -e "$STORE/nora" ]
printf 'TOK-0001 alice\000\nTOK-0002 bob\n' >"$WORK/nul.map"
expect_fail_line "--map with a NUL byte" M import pskc "$FIX/tokens.pskc" \
    --map "$WORK/nul.map"
check "--map NUL byte: names the line" contains "$err" "line 1: NUL byte"

# ---- google-authenticator -------------------------------------------
expect_rc 0 "google-authenticator" M import google-authenticator \
    "$FIX/google_authenticator" --user gina --label phone
check "GA: imported" line 1 \
    "imported gina credential 1 \\(totp sha1/6/30, label phone\\)$"
check "GA: options noted" line 1 "note: google-authenticator options"
check "GA: scratch codes become recovery codes" line 1 \
    "5 scratch codes imported as recovery codes of gina \\(credential 2\\)$"
check "GA: no scratch code printed" lacks "$out" "12345678"
check "GA: secret stored" [ "$(secret_of gina 1)" = "$S20" ]
check "GA: scratch codes stored as hashes" grep -q \
    '^recovery 2 status=active .* label=google-authenticator scratch=\$y\$' \
    "$STORE/gina"
check "GA: no scratch code stored" lacks "$(cat "$STORE/gina")" "12345678"
check "GA audit: the secret" audited '^type=USER_MGMT op=import id=1 '\
'type=totp format=google-authenticator acct="gina" .* res=success$'
check "GA audit: the scratch codes" audited 'op=import id=2 type=recovery '\
'format=google-authenticator scratch=5 acct="gina" .* res=success$'
check "GA audit: no scratch code" lacks "$(cat "$AUDIT")" "12345678"
expect_rc 0 "list gina" M list gina
check "list: the scratch codes are recovery codes" matches "$out" \
    "^2 +recovery +active +5 left "
expect_rc 0 "status gina" M status gina
check "status: counted as recovery codes" contains "$out" \
    "recovery codes left: 5"
expect_rc 1 "GA again: duplicate" M import google-authenticator \
    "$FIX/google_authenticator" --user gina
check "GA again: already imported" line 1 "skipped: gina: already"
check "GA again: neither secret nor codes twice" [ "$(printf '%s\n' \
    "$out" | grep -c '^LINE 1: skipped: gina: already imported')" -eq 2 ]
expect_rc 0 "GA dry run" M import google-authenticator \
    "$FIX/google_authenticator" --user hank --dry-run
check "GA dry run: would import the codes" line 1 \
    "would import 5 scratch codes of hank as recovery codes$"
check "GA dry run: no store" [ ! -e "$STORE/hank" ]
# A new set of recovery codes voids the scratch codes.  The file imported
# again adds nothing, its scratch codes included: one may have been used,
# and the set that knew it is gone.
expect_rc 0 "recovery gina" M recovery gina --count 3
expect_rc 0 "list gina" M list gina
check "list: new set only" matches "$out" "^3 +recovery +active +3 left "
expect_rc 1 "GA again after a new set" M import google-authenticator \
    "$FIX/google_authenticator" --user gina
check "GA again after a new set: secret already imported" line 1 \
    "skipped: gina: already imported \\(user gina: the imported totp"
check "GA again after a new set: scratch codes not added" line 1 \
    "skipped: gina: already imported \\(the scratch codes of a file whose"
check "GA again after a new set: no scratch code stored" lacks \
    "$(cat "$STORE/gina")" " scratch="
expect_rc 0 "list gina" M list gina
check "list: still the new set only" matches "$out" \
    "^3 +recovery +active +3 left "
# Another file's scratch codes join the set: both kinds kept.
sed "1s/.*/$SAT/" "$FIX/google_authenticator" >"$WORK/ga.other"
expect_rc 0 "GA, another file, to a user with recovery codes" M import \
    google-authenticator "$WORK/ga.other" --user gina
check "GA other: added to gina's recovery codes" contains "$out" \
    "LINE 1: 5 scratch codes imported as recovery codes of gina (credential 3)"
expect_rc 0 "list gina" M list gina
check "list: both kinds counted" matches "$out" "^3 +recovery +active +8 left "
# The state lines pam_google_authenticator writes: read and left behind.
expect_rc 0 "GA with the module's state lines" M import google-authenticator \
    "$FIX/google_authenticator.state" --user pat
check "GA state: imported" line 1 "imported pat credential 1 "
check "GA state: TIME_SKEW noted" line 1 \
    "note: .*clock skew \\(TIME_SKEW\\) is not carried over"
check "GA state: LASTn noted" line 1 \
    "note: .*grace_period logins \\(LAST0..LAST9\\) are not carried"
check "GA state: scratch code imported" line 1 \
    "1 scratch code imported as recovery codes of pat"
check "GA state: secret stored" [ "$(secret_of pat 1)" = "$SAT" ]
# pam_google_authenticator stops reading scratch codes at one that starts
# with 0: that one and the codes after it never worked, and stay behind.
sed 's/^34567890$/04567890/' "$FIX/google_authenticator" >"$WORK/ga.zero"
expect_rc 0 "GA, a scratch code starting with 0" M import \
    google-authenticator "$WORK/ga.zero" --user rose --dry-run
check "GA leading 0: the codes before it only" line 1 \
    "would import 2 scratch codes of rose as recovery codes$"
check "GA leading 0: noted" line 1 \
    "note: .*scratch codes from the first one that starts with 0 on are not"
sed 's/^" TOTP_AUTH$/" OTP_DISABLED\n" TOTP_AUTH/' \
    "$FIX/google_authenticator.state" >"$WORK/ga.otpdisabled"
expect_rc 1 "GA OTP_DISABLED" M import google-authenticator \
    "$WORK/ga.otpdisabled" --user quinn
check "GA OTP_DISABLED: still refused" line 8 "skipped: unknown option"
check "GA OTP_DISABLED: nothing stored" [ ! -e "$STORE/quinn" ]
expect_rc 1 "GA HOTP_COUNTER" M import google-authenticator \
    "$FIX/google_authenticator.hotp" --user ivan
check "GA HOTP: refused on its line" line 2 "skipped: counter-based"
expect_rc 1 "GA unknown option" M import google-authenticator \
    "$FIX/google_authenticator.badopt" --user ivan
check "GA unknown option: its line" line 3 "skipped: unknown option"
expect_rc 1 "GA bad base32" M import google-authenticator \
    "$FIX/google_authenticator.badsecret" --user ivan
check "GA bad base32: line 1" line 1 "skipped: secret is not base32"
# An option given twice: pam_google_authenticator reads the first, the
# last would win here; which one was meant is not known.
sed 's/^" TOTP_AUTH$/" STEP_SIZE 60\n" TOTP_AUTH\n" STEP_SIZE 30/' \
    "$FIX/google_authenticator" >"$WORK/ga.twice"
expect_rc 1 "GA option twice" M import google-authenticator \
    "$WORK/ga.twice" --user ivan
check "GA option twice: refused on the second" line 7 \
    "skipped: option STEP_SIZE given more than once: which one applies"
check "GA refusals wrote nothing" [ ! -e "$STORE/ivan" ]

# ---- pam_u2f ------------------------------------------------------------
expect_rc 1 "pam_u2f, fido2_attestation = verified" M import pam_u2f \
    "$FIX/pam_u2f.authfile"
check "RP ID told" contains "$out" "RP ID pam://import-test"
check "no attestation: refused with the way out" line 10 \
    "skipped: alice: refused by the FIDO2 configuration.*--allow-unattested"
check "refused keys wrote no fido2 record" [ -z "$(grep -h '^fido2' \
    "$STORE"/* 2>/dev/null)" ]
expect_rc 1 "pam_u2f --allow-unattested" M import pam_u2f \
    "$FIX/pam_u2f.authfile" --allow-unattested
check "a user's earlier line: skipped, as pam_u2f ignores it" line 2 \
    "skipped: line 10 names the same user, and pam_u2f reads only a user's"
check "es256 +presence, the user's last line" line 10 \
    "imported alice credential 2 \\(fido2 es256 presence, label pam_u2f\\)$"
check "eddsa +presence+pin" line 3 \
    "imported bob credential 2 \\(fido2 eddsa presence verification,"
check "rs256 +verification, same line" line 3 \
    "imported bob credential 3 \\(fido2 rs256 verification,"
check "old U2F form" line 4 "imported carol credential 2 \\(fido2 es256 u2f"
check "three fields, 0x04 point" line 5 "imported dave credential 1 "
check "resident: refused" line 6 "skipped: credential 1: resident"
check "es384: refused" line 7 "skipped: credential 1: COSE type"
check "point off the curve: refused" line 8 \
    "skipped: credential 1: public key is not a valid es256 key"
check "bad user name: refused" line 9 "skipped: user name not acceptable"
check "unknown option: refused" line 11 "skipped: credential 1: options"
check "bad key handle: refused" line 12 "skipped: credential 1: key handle"
check "summary" contains "$out" "5 imported, 7 skipped"
check "pam_u2f audit: bob's rs256 key" audited '^type=USER_MGMT op=import '\
'id=3 type=fido2 format=pam_u2f acct="bob" .* res=success$'
expect_rc 0 "list bob" M list bob
check "list: eddsa key active" matches "$out" "^2 +fido2 +active +eddsa "
check "list: rs256 key active" matches "$out" "^3 +fido2 +active +rs256 "
check "store: bob's eddsa key registered with UV and UP" \
    grep -q '^fido2 2 status=active alg=eddsa .* uv=1 up=1$' "$STORE/bob"
check "store: carol's U2F key without UV" \
    grep -q '^fido2 2 status=active alg=es256 .* uv=0 up=1$' "$STORE/carol"
expect_rc 1 "pam_u2f again, --dry-run" M import pam_u2f \
    "$FIX/pam_u2f.authfile" --allow-unattested --dry-run
check "the same key again: refused" line 10 "skipped: alice: already imported"
# pam_u2f reads only the last line naming a user (the name as strtok
# finds it): a key on an earlier line never logged in, and must not now.
key_a=$(sed -n 's/^alice://p' "$FIX/pam_u2f.authfile" | head -n 1)
key_d=$(sed -n 's/^dave://p' "$FIX/pam_u2f.authfile")
printf 'olga:%s\npia:%s\nolga:%s\nquinn:%s\n:quinn\n' "$key_a" "$key_d" \
    "$key_d" "$key_a" >"$WORK/last.authfile"
expect_rc 1 "pam_u2f, a user on two lines" M import pam_u2f \
    "$WORK/last.authfile" --allow-unattested
check "earlier line of olga: skipped" line 1 \
    "skipped: line 3 names the same user, and pam_u2f reads only"
check "the line between: imported" line 2 "imported pia credential 1 "
check "last line of olga: imported" line 3 "imported olga credential 1 "
check "olga has the key of her last line only" [ "$(grep -c '^fido2 ' \
    "$STORE/olga")" -eq 1 ]
check "a line that names quinn without a key hides his earlier one" \
    line 4 "skipped: line 5 names the same user"
check "and is refused itself" line 5 "skipped: user name not acceptable"
check "quinn got nothing" [ ! -e "$STORE/quinn" ]
printf 'fido2_attestation = any\nfido2_algorithms = es256\n' >"$WORK/es.conf"
expect_rc 1 "pam_u2f, fido2_algorithms = es256" "$MFACTL" --config \
    "$WORK/es.conf" --store "$STORE" import pam_u2f \
    "$FIX/pam_u2f.authfile" --dry-run
check "algorithm not allowed: refused" line 3 \
    "skipped: bob: refused .*eddsa is not in fido2_algorithms"

# ---- labels as list shows them: UTF-8 as it is, controls escaped -------
printf 'HOTP/T30 uma - 3132333435363738393031323334353637383930\n' \
    >"$WORK/uma.users"
expect_rc 0 "pam_oath with a UTF-8 label" M import pam_oath \
    "$WORK/uma.users" --label "「鍵」"
check "UTF-8 label: reported as it is" line 1 \
    "imported uma credential 1 \\(totp sha1/6/30, label 「鍵」\\)$"
expect_rc 0 "list uma" M list uma
check "UTF-8 label: listed as it is" matches "$out" "^1 +totp .* 「鍵」$"
sed 's/uma/ulla/' "$WORK/uma.users" >"$WORK/ulla.users"
expect_rc 0 "pam_oath --dry-run with a C1 control in the label" M import \
    pam_oath "$WORK/ulla.users" --label "$(printf 'x\302\233y')" --dry-run
c1_seen='would import ulla credential \(totp sha1/6/30, label x\\xc2\\x9by\)$'
check "C1 control in the label: escaped" line 1 "$c1_seen"
check "C1 control in the label: no such byte out" lacks "$out" \
    "$(printf '\233')"

# ---- pskc -----------------------------------------------------------------
expect_rc 1 "pskc, one token unassigned" M import pskc "$FIX/tokens.pskc" \
    --assign TOK-0001=kim --assign TOK-0002=lee
out_k=$out
check "pskc: TOTP key, 6 digits, 30 s" matches "$out_k" \
    "^KEY 1: imported kim credential 1 \\(totp sha1/6/30, label token TOK-0001"
check "pskc: 8 digits, 60 s" matches "$out_k" \
    "^KEY 2: imported lee credential 1 \\(totp sha1/8/60, label token"
check "pskc: HOTP key refused" matches "$out_k" \
    "^KEY 3: skipped: serial TOK-0003: event-based HOTP"
check "pskc: unassigned token skipped" matches "$out_k" \
    "^KEY 4: skipped: serial TOK-0004: not assigned"
check "pskc: kim's secret stored" [ "$(secret_of kim 1)" = "$S20" ]
check "pskc: lee's secret stored" [ "$(secret_of lee 1)" = "$S32" ]
check "pskc audit: kim's token, by serial" audited '^type=USER_MGMT '\
'op=import id=1 type=totp format=pskc serial=TOK-0001 acct="kim" .* '\
'res=success$'
check "pskc audit: only the tokens written" [ "$(audit_count)" -eq 2 ]
expect_rc 1 "pskc --map (with an unknown serial)" M import pskc \
    "$FIX/tokens.pskc" --map "$FIX/tokens.map" --assign TOK-0004=kim
check "--map: TOK-0001 is alice's pam_oath secret: duplicate" matches \
    "$out" "^KEY 1: skipped: alice: already imported"
check "--assign with --map: kim gets TOK-0004" matches "$out" \
    "^KEY 4: imported kim credential 2 "
check "--map: a serial not in the file is reported" contains "$out" \
    "serial TOK-0009 (assigned to zed) is not in the file"
check "pskc: TOK-0004 secret stored" [ "$(secret_of kim 2)" = "$SPSKC" ]
# A serial number in two key packages: neither key is imported, the
# other token is.
{
	printf '<?xml version="1.0"?>\n<KeyContainer Version="1.0" xmlns='
	printf '"urn:ietf:params:xml:ns:keyprov:pskc">\n'
	for sk in TOK-0007:MTIzNDU2Nzg5MDEyMzQ1Njc4OTA= \
	    TOK-0008:YWJjZGVmZ2hpamFiY2RlZmdoaWo= \
	    TOK-0007:QUJDREVGR0hJSktMTU5PUFFSU1Q=; do
		printf '<KeyPackage><DeviceInfo><SerialNo>%s</SerialNo>' \
		    "${sk%%:*}"
		printf '</DeviceInfo>\n<Key Id="k" Algorithm="%s">' \
		    "urn:ietf:params:xml:ns:keyprov:pskc:totp"
		printf '<Data><Secret><PlainValue>%s</PlainValue>' "${sk#*:}"
		printf '</Secret></Data></Key></KeyPackage>\n'
	done
	printf '</KeyContainer>\n'
} >"$WORK/twice.pskc"
expect_rc 1 "pskc, a serial number in two key packages" M import pskc \
    "$WORK/twice.pskc" --assign TOK-0007=rita --assign TOK-0008=sam
check "repeated serial: first key refused" matches "$out" \
    "^KEY 1: skipped: serial TOK-0007: serial number in more than one key"
check "repeated serial: second key refused" matches "$out" \
    "^KEY 3: skipped: serial TOK-0007: serial number in more than one key"
check "repeated serial: the other token imported" matches "$out" \
    "^KEY 2: imported sam credential 1 "
check "repeated serial: not called missing" lacks "$out" \
    "serial TOK-0007 (assigned to rita) is not in the file"
check "repeated serial: summary" contains "$out" "1 imported, 2 skipped"
check "repeated serial: nothing stored for rita" [ ! -e "$STORE/rita" ]
# The hash is the Suite's (RFC 6030 4.3.4), in the spellings vendors
# use; a suite pam_mfa cannot verify is refused, not taken for SHA-1.
{
	printf '<?xml version="1.0"?>\n<KeyContainer Version="1.0" xmlns='
	printf '"urn:ietf:params:xml:ns:keyprov:pskc">\n'
	for ss in TOK-0011:HMAC-SHA256 TOK-0012:sha-512 TOK-0013:HMAC-MD5; do
		printf '<KeyPackage><DeviceInfo><SerialNo>%s</SerialNo>' \
		    "${ss%%:*}"
		printf '</DeviceInfo>\n<Key Id="k" Algorithm="%s">' \
		    "urn:ietf:params:xml:ns:keyprov:pskc:totp"
		printf '<AlgorithmParameters><Suite>%s</Suite>' "${ss#*:}"
		printf '</AlgorithmParameters><Data><Secret><PlainValue>%s' \
		    MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=
		printf '</PlainValue></Secret></Data></Key></KeyPackage>\n'
	done
	printf '</KeyContainer>\n'
} >"$WORK/suite.pskc"
expect_rc 1 "pskc, Suite names the hash" M import pskc "$WORK/suite.pskc" \
    --assign TOK-0011=vic --assign TOK-0012=wes --assign TOK-0013=xan
check "Suite HMAC-SHA256: imported as sha256" matches "$out" \
    "^KEY 1: imported vic credential 1 \\(totp sha256/6/30, "
check "Suite sha-512: imported as sha512" matches "$out" \
    "^KEY 2: imported wes credential 1 \\(totp sha512/6/30, "
check "Suite HMAC-MD5: refused" matches "$out" \
    "^KEY 3: skipped: serial TOK-0013: suite is not HMAC-SHA1, HMAC-SHA256"
check "Suite HMAC-SHA256: stored as sha256" grep -q '^totp 1 .* alg=sha256 ' \
    "$STORE/vic"
check "Suite sha-512: stored as sha512" grep -q '^totp 1 .* alg=sha512 ' \
    "$STORE/wes"
check "Suite HMAC-MD5: nothing stored" [ ! -e "$STORE/xan" ]
# The algorithm: RFC 6030's ":totp", the "#totp" of the profiles
# draft that vendors' files carry, in any case; "#hotp" is HOTP.
U=urn:ietf:params:xml:ns:keyprov:pskc
UC=URN:IETF:PARAMS:XML:NS:KEYPROV:PSKC
{
	printf '<?xml version="1.0"?>\n<KeyContainer Version="1.0" xmlns='
	printf '"urn:ietf:params:xml:ns:keyprov:pskc">\n'
	for sa in "TOK-0021 $U#totp" "TOK-0022 $UC:TOTP" "TOK-0023 $U#hotp" \
	    "TOK-0024 $U#totp2"; do
		printf '<KeyPackage><DeviceInfo><SerialNo>%s</SerialNo>' \
		    "${sa%% *}"
		printf '</DeviceInfo>\n<Key Id="k" Algorithm="%s">' "${sa#* }"
		printf '<Data><Secret><PlainValue>%s' \
		    MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=
		printf '</PlainValue></Secret></Data></Key></KeyPackage>\n'
	done
	printf '</KeyContainer>\n'
} >"$WORK/alg.pskc"
expect_rc 1 "pskc, algorithm spellings" M import pskc "$WORK/alg.pskc" \
    --assign TOK-0021=yan --assign TOK-0022=zoe --assign TOK-0023=abe \
    --assign TOK-0024=bea
check "algorithm #totp: imported" matches "$out" \
    "^KEY 1: imported yan credential 1 \\(totp sha1/6/30, "
check "algorithm :TOTP in capitals: imported" matches "$out" \
    "^KEY 2: imported zoe credential 1 \\(totp sha1/6/30, "
check "algorithm #hotp: refused as HOTP" matches "$out" \
    "^KEY 3: skipped: serial TOK-0023: event-based HOTP"
check "algorithm #totp2: refused" matches "$out" \
    "^KEY 4: skipped: serial TOK-0024: algorithm is not "
check "algorithm #totp: secret stored" [ "$(secret_of yan 1)" = "$S20" ]
# RFC 6030 5: a key its Policy does not let be used for OTP now is
# refused (pam_mfa checks no PIN and no dates at login).
{
	printf '<?xml version="1.0"?>\n<KeyContainer Version="1.0" xmlns='
	printf '"urn:ietf:params:xml:ns:keyprov:pskc">\n'
	n=30
	for p in '<KeyUsage>CR</KeyUsage>' \
	    '<KeyUsage>CR</KeyUsage><KeyUsage>OTP</KeyUsage>' \
	    '<PINPolicy PINKeyId="p" PINUsageMode="Prepend"/>' \
	    '<PINPolicy PINUsageMode="Local" MaxFailedAttempts="3"/>' \
	    '<ExpiryDate>2001-01-01T00:00:00Z</ExpiryDate>' \
	    '<StartDate>2999-01-01T00:00:00Z</StartDate>'; do
		n=$((n + 1))
		printf '<KeyPackage><DeviceInfo><SerialNo>TOK-00%s' "$n"
		printf '</SerialNo></DeviceInfo>\n<Key Id="k" Algorithm="%s">' \
		    "urn:ietf:params:xml:ns:keyprov:pskc:totp"
		printf '<Data><Secret><PlainValue>%s' \
		    MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=
		printf '</PlainValue></Secret></Data><Policy>%s</Policy>' "$p"
		printf '</Key></KeyPackage>\n'
	done
	printf '</KeyContainer>\n'
} >"$WORK/policy.pskc"
expect_rc 1 "pskc, key policies" M import pskc "$WORK/policy.pskc" \
    --assign TOK-0031=cal --assign TOK-0032=dee --assign TOK-0033=eve \
    --assign TOK-0034=fay --assign TOK-0035=gus --assign TOK-0036=hal
check "policy KeyUsage CR: refused" matches "$out" \
    "^KEY 1: skipped: serial TOK-0031: its policy's KeyUsage does not "
check "policy KeyUsage CR and OTP: imported" matches "$out" \
    "^KEY 2: imported dee credential 1 "
check "policy PIN prepended: refused" matches "$out" \
    "^KEY 3: skipped: serial TOK-0033: its PIN policy sends a PIN "
check "policy PIN checked on the token: imported" matches "$out" \
    "^KEY 4: imported fay credential 1 "
check "policy expired: refused" matches "$out" \
    "^KEY 5: skipped: serial TOK-0035: its policy's ExpiryDate has passed"
check "policy not yet started: refused" matches "$out" \
    "^KEY 6: skipped: serial TOK-0036: its policy's StartDate is still "
check "policy: nothing stored for the refused keys" \
    [ -z "$(ls "$STORE" | grep -E '^(cal|eve|gus|hal)$')" ]
printf 'TOK-0001 alice extra\n' >"$WORK/bad.map"
expect_fail_line "--map with a bad line" M import pskc "$FIX/tokens.pskc" \
    --map "$WORK/bad.map"
check "--map bad line: names it" contains "$err" "line 1"
printf 'not xml\n' >"$WORK/bad.pskc"
expect_fail_line "not PSKC" M import pskc "$WORK/bad.pskc" \
    --assign X=alice
check "no secret in any report" lacks "$out$out_k" "$S20"

# ---- hostile PSKC files -----------------------------------------------------
# libpskc 2.6.7 crashes on an empty <Manufacturer>, <StartDate> or
# <KeyUsage> and on an attribute without a value; mfactl checks the
# file first.  Each file below is refused as a whole, naming the line,
# with one stderr line, no crash and the secret never shown; nothing
# is stored.  hostile NAME LINE REASON DEVICEINFO KEYATTRS KEYBODY: the
# file (the secret is TOK-0001's; KEYATTRS "": Id="k") and the checks.
hostile() {
	{
		printf '<?xml version="1.0"?>\n'
		[ "$1" = doctype ] &&
		    printf '<!DOCTYPE KeyContainer [<!ENTITY e "x">]>\n'
		printf '<KeyContainer Version="1.0" xmlns='
		printf '"urn:ietf:params:xml:ns:keyprov:pskc">\n'
		printf '<KeyPackage>\n<DeviceInfo>\n%s\n</DeviceInfo>\n' "$4"
		printf '<Key %s Algorithm="%s">\n' "${5:-Id=\"k\"}" \
		    "urn:ietf:params:xml:ns:keyprov:pskc:totp"
		printf '%s\n<Data><Secret>' "$6"
		printf '<PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</PlainValue>'
		printf '</Secret></Data>\n</Key>\n</KeyPackage>\n'
		printf '</KeyContainer>\n'
	} >"$WORK/$1.pskc"
	expect_fail_line "hostile PSKC: $1" M import pskc "$WORK/$1.pskc" \
	    --assign TOK-0001=mia
	if [ "$2" = 0 ]; then
		check "hostile PSKC: $1: reason" contains "$err" "$3"
	else
		check "hostile PSKC: $1: line $2, reason" contains "$err" \
		    "LINE $2: $3"
	fi
	check "hostile PSKC: $1: no secret shown" lacks "$out$err" \
	    MTIzNDU2Nzg5MDEyMzQ1Njc4OTA
	check "hostile PSKC: $1: nothing stored" [ ! -e "$STORE/mia" ]
}
SN='<SerialNo>TOK-0001</SerialNo>'
EMPTY="an element that holds a value is empty"
hostile manufacturer 5 "$EMPTY" "<Manufacturer></Manufacturer>$SN" "" ""
hostile startdate 5 "$EMPTY" "$SN<StartDate/>" "" ""
hostile keyusage 8 "$EMPTY" "$SN" "" "<Policy><KeyUsage/></Policy>"
hostile element-value 5 "$EMPTY" "<Manufacturer><b/></Manufacturer>$SN" \
    "" ""
hostile comment-value 5 "$EMPTY" \
    "<Manufacturer><!-- x -->Ex</Manufacturer>$SN" "" ""
hostile empty-attribute 8 "an attribute has no value" "$SN" "" \
    '<AlgorithmParameters><ResponseFormat Length=""/></AlgorithmParameters>'
hostile key-attribute 7 "an attribute has no value" "$SN" 'Id=""' ""
hostile two-serials 5 "an element that may appear once is repeated" \
    "$SN<SerialNo>TOK-0002</SerialNo>" "" ""
hostile doctype 0 "a document type declaration (DOCTYPE) is not allowed" \
    "$SN" "" ""
# libpskc reads an element's first text node only: a serial number
# "TOK-0001" followed by more would be taken for TOK-0001's.
MORE="an element that holds a value has more in it than its text"
hostile serial-comment 5 "$MORE" '<SerialNo>TOK-0001<!-- x -->-B</SerialNo>' \
    "" ""
hostile serial-cdata 5 "$MORE" '<SerialNo><![CDATA[TOK-0001]]>-B</SerialNo>' \
    "" ""
# The same container without the defect imports.
hostile_ok() {
	sed 's/<Manufacturer><\/Manufacturer>/<Manufacturer>Ex<\/Manufacturer>/' \
	    "$WORK/manufacturer.pskc" >"$WORK/fixed.pskc"
	expect_rc 0 "hostile PSKC: the fixed file imports" M import pskc \
	    "$WORK/fixed.pskc" --assign TOK-0001=mia
	check "hostile PSKC: fixed file: secret stored" \
	    [ "$(secret_of mia 1)" = "$S20" ]
}
hostile_ok
# The same for a secret: its first 12 bytes must not become the key.
sed 's/MTIzNDU2Nzg5MDEy/&<!-- x -->/' "$WORK/fixed.pskc" >"$WORK/split.pskc"
expect_fail_line "PSKC secret split by a comment" M import pskc \
    "$WORK/split.pskc" --assign TOK-0001=oda
check "secret split by a comment: line, reason" contains "$err" \
    "LINE 9: $MORE"
check "secret split by a comment: nothing stored" [ ! -e "$STORE/oda" ]

# ---- encrypted PSKC files ----------------------------------------------------
# RFC 6030 6.1's shape (a pre-shared key; PBKDF2 is the same in the key
# packages): refused as a whole, naming the line and what to do, not
# called "not PSKC"; the same with only a key's EncryptedValue.
# encrypted NAME LINE: the file $WORK/NAME.pskc, its first encrypted line.
encrypted() {
	expect_fail_line "encrypted PSKC: $1" M import pskc "$WORK/$1.pskc" \
	    --assign TOK-0001=nia
	check "encrypted PSKC: $1: line $2, what to do" contains "$err" \
	    "LINE $2: an encrypted PSKC file (EncryptionKey, MACMethod, Encrypte"
	check "encrypted PSKC: $1: says to decrypt" contains "$err" \
	    "decrypt it with the vendor's tool first"
	check "encrypted PSKC: $1: nothing stored" [ ! -e "$STORE/nia" ]
}
XENC=http://www.w3.org/2001/04/xmlenc#
{
	printf '<?xml version="1.0"?>\n<KeyContainer Version="1.0" xmlns='
	printf '"urn:ietf:params:xml:ns:keyprov:pskc"\n'
	printf ' xmlns:ds="http://www.w3.org/2000/09/xmldsig#"\n'
	printf ' xmlns:xenc="%s">\n' "$XENC"
	printf '<EncryptionKey><ds:KeyName>Pre-shared-key</ds:KeyName>'
	printf '</EncryptionKey>\n<KeyPackage>\n'
	printf '<DeviceInfo><SerialNo>TOK-0001</SerialNo></DeviceInfo>\n'
	printf '<Key Id="k" Algorithm="%s">\n' \
	    "urn:ietf:params:xml:ns:keyprov:pskc:totp"
	printf '<Data><Secret>\n<EncryptedValue>'
	printf '<xenc:EncryptionMethod Algorithm="%saes128-cbc"/>' "$XENC"
	printf '<xenc:CipherData><xenc:CipherValue>%s</xenc:CipherValue>' \
	    AAECAwQFBgcICQoLDA0OD+cIHItlB3Wra1DUpxVvOx2lef1VmNPCMl8jwZqIUqGv
	printf '</xenc:CipherData></EncryptedValue>\n'
	printf '<ValueMAC>Su+NvtQfmvfJzF6bmQiJqoLRExc=</ValueMAC>\n'
	printf '</Secret></Data>\n</Key>\n</KeyPackage>\n</KeyContainer>\n'
} >"$WORK/pre-shared.pskc"
encrypted pre-shared 5
grep -v EncryptionKey "$WORK/pre-shared.pskc" >"$WORK/encrypted-value.pskc"
encrypted encrypted-value 9
# A key package without any secret is one key skipped, and says so.
sed -e '/EncryptedValue>/d' -e '/ValueMAC/d' \
    "$WORK/encrypted-value.pskc" >"$WORK/no-secret.pskc"
expect_rc 1 "PSKC key without a secret" M import pskc \
    "$WORK/no-secret.pskc" --assign TOK-0001=nia
check "PSKC key without a secret: reason" matches "$out" \
    "^KEY 1: skipped: serial TOK-0001: no secret \\(Data/Secret/PlainValue\\)"

# ---- used scratch codes do not come back ----------------------------------
# Through real logins (pamtester under pam_wrapper runs the build tree's
# pam_mfa.so, nss_wrapper supplies the user): a scratch code used at a
# login, the set replaced with 'mfactl recovery', the same file imported
# again: neither the used code nor the voided ones log in.
scratch_logins() {
	for c in pamtester pkg-config; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
	PWLIB=$(pkg-config --libs pam_wrapper 2>/dev/null | tr -d " ")
	MOD=$MFA_TOP_BUILDDIR/pam_module/.libs/pam_mfa.so
	[ -f "$PWLIB" ] && [ -f "$MOD" ] || return 1
	NSSENV=$(nss_env "$WORK") || return 1
	NSSLIB=${NSSENV#LD_PRELOAD=}
	NSSLIB=${NSSLIB%% *}
	mkdir -m 0700 "$WORK/svc"
	printf 'store = %s\nfail_delay = 0\nrequire = totp OR fido2\n' \
	    "$STORE" >"$WORK/login.conf"
	echo "root:x:0:0:root:/root:/bin/sh" >"$WORK/passwd"
	echo "demo:x:4242:4242:demo:/nonexistent:/bin/sh" >>"$WORK/passwd"
	printf 'root:x:0:\ndemo:x:4242:\n' >"$WORK/group"
	echo "auth required $MOD config=$WORK/login.conf" >"$WORK/svc/mfa"
	PAMENV="LD_PRELOAD=${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$PWLIB:$NSSLIB"
	PAMENV="$PAMENV PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$WORK/svc"
	PAMENV="$PAMENV NSS_WRAPPER_PASSWD=$WORK/passwd"
	PAMENV="$PAMENV NSS_WRAPPER_GROUP=$WORK/group"
	return 0
}

# login ANSWER: pamtester authenticates demo with ANSWER at the prompt.
login() {
	printf '%s\n' "$1" >"$WORK/answer"
	RUN_STDIN=$WORK/answer
	# shellcheck disable=SC2086
	run env $PAMENV "$(command -v pamtester)" -v mfa demo authenticate
	RUN_STDIN=
}

if scratch_logins; then
	expect_rc 0 "GA for demo" M import google-authenticator \
	    "$FIX/google_authenticator" --user demo
	login 12345678
	check "a scratch code logs in" [ "$rc" -eq 0 ]
	login 12345678
	check "the used scratch code: refused" [ "$rc" -ne 0 ]
	expect_rc 0 "recovery demo: a new set" M recovery demo --count 2
	expect_rc 1 "the same file again" M import google-authenticator \
	    "$FIX/google_authenticator" --user demo
	check "the same file again: scratch codes not added" line 1 \
	    "skipped: demo: already imported \\(the scratch codes"
	login 12345678
	check "after the file again: the used scratch code is refused" \
	    [ "$rc" -ne 0 ]
	login 23456789
	check "after the file again: a voided scratch code is refused" \
	    [ "$rc" -ne 0 ]
else
	echo "# pamtester, pam_wrapper or nss_wrapper missing: no logins"
fi

finish
