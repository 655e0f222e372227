#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Japanese prompts and messages as installed: "make install" of this
# build tree into a throwaway DESTDIR (which puts po/ja.gmo under
# DESTDIR$(localedir)), then, in a private mount namespace where
#   - the DESTDIR's locale directory is laid over the compiled-in
#     LOCALEDIR (an overlay, so the system's catalogs stay visible),
#   - /etc/passwd, /etc/shadow and /etc/group are copies with a user
#     "demo" (tests/tools/sandbox.sh), /dev has a /dev/log listener,
# logins through pam_mfa.so with tests/i18n/pamconv (a login program
# that calls setlocale(3), under pam_wrapper) and runs of the installed
# mfactl, each under LANG=ja_JP.UTF-8 and under LC_ALL=C.  The
# ja_JP.UTF-8 locale is compiled with localedef(1) into the work
# directory (LOCPATH); the system's locales are not touched.
#
# Checked: the prompts and messages are exactly ja.po's translations
# under ja_JP.UTF-8 and the English ones under C (mfactl's import
# report line by line, libmfa's reasons for a refused record and its
# notes among them, list with a Japanese label in aligned columns,
# status and check among them), logins succeed with the right answers
# in both, the audit lines in syslog stay English (plain ASCII) in
# both, and so do the values of mfactl's JSON output.
#
# Every message pam_mfa.so can send in a login is seen in Japanese in a
# real login: the password (Linux-PAM's prompt) and code prompts, the
# keyhint prompt, a security key's PIN prompt and touch message (a
# tests/vfido key through its shim), the recovery code prompt of its
# own and both messages after an accepted recovery code, and the error
# for a login program that does not run as root (setpriv to nobody).
# A locked-out user and an unreadable store get the same Japanese
# prompts and no message (the module tells no reason, conv.c), with
# the reason in the English log.  Then every message xgettext extracts
# from the module's sources must have been seen, as ja.po translates
# it: a blank msgstr, or a new module message no login here shows,
# fails.  (There is no message for an expired or unenrolled account:
# pam_mfa has no account management, and an unenrolled user is asked
# what an enrolled one is.)
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"
. "$MFA_TOP_SRCDIR/tests/tools/sandbox.sh"

# The translations this test expects (po/ja.po).
JA_CODE='認証コード: '
JA_REC_LEFT='リカバリーコードを受け付けました。残りは 3 個です。'
JA_REC_FEW='リカバリーコードを受け付けました。残りは 1 個です。'
JA_REC_FEW="${JA_REC_FEW}新しいリカバリーコードの発行を管理者に依頼してください。"
JA_RECOVERY='リカバリーコード: '
JA_HINT='認証コード（またはセキュリティキーを挿して Enter を押す）: '
JA_PIN='vfido virtual authenticator の PIN: '
JA_TOUCH='セキュリティキー（vfido virtual authenticator）にタッチしてください。'
JA_NO_ROOT='このプログラムでは第 2 要素を検証できません'
JA_NO_ROOT="${JA_NO_ROOT}（pam_mfa には root 権限が必要です）。"
JA_USAGE='使い方: mfactl [--store DIR] [--config FILE] COMMAND [ARGS]'
JA_COMMANDS='コマンド:'
JA_TOTP_HELP='TOTP 認証アプリを登録または確認する'
JA_MORE="各コマンドの引数は 'mfactl COMMAND --help' で確認できます。"
JA_NOT_ENROLLED='mfactl: list nobody: ユーザーは登録されていません'
JA_BAD_CMD="mfactl: frobnicate: 不明なコマンドです"
JA_BAD_CMD="${JA_BAD_CMD}（'mfactl --help' を参照してください）"
JA_PENDING='認証情報 1 は確認待ちです。次のコマンドで有効にしてください:'
JA_ACTIVATED='認証情報 1 を有効にしました'
JA_STATUS_USER='ユーザー demo'
JA_NO_CREDS='kana2 には認証情報がありません'
C_REC_FEW='Recovery code accepted; 2 left. Ask your administrator for new'
C_REC_FEW="$C_REC_FEW recovery codes."
# mfactl import pam_oath of a file whose line 2 repeats line 1, with a
# Japanese label; then list and status of that user.
JA_IMP1='1 行目: kimp の認証情報 1 を取り込みました'
JA_IMP1="${JA_IMP1}（totp sha1/6/30、ラベル 「鍵」）"
# (then, in parentheses, libmfa's word on it: a log line, English)
JA_IMP2='^2 行目: スキップしました: kimp: 取り込み済みです( \(.*\))?$'
JA_IMP_SUM='取り込み 1 件、スキップ 1 件'
JA_DRY1='1 行目: cimp の認証情報を取り込めます（totp sha1/6/30、ラベル 「鍵」）'
JA_DRY_SUM='取り込み可能 2 件、スキップ 0 件'
JA_DRY_SUM="${JA_DRY_SUM}（ドライラン: 何も書き込んでいません）"
JA_BAD_FMT='mfactl: import: pam_frob: '
JA_BAD_FMT="${JA_BAD_FMT}pam_u2f、pam_oath、google-authenticator、"
JA_BAD_FMT="${JA_BAD_FMT}pskc のいずれでもありません"
# libmfa's reasons and notes (lib/import.c), with their arguments: a
# pam_oath line of an event-based token, one with a pam_oath password
# (a note, in a dry run), a pam_u2f line whose public key is not base64.
JA_WHY_HOTP='1 行目: スキップしました: イベントベースの HOTP トークン'
JA_WHY_HOTP="${JA_WHY_HOTP}（HOTP）です。pam_mfa は時間ベースの TOTP に"
JA_WHY_HOTP="${JA_WHY_HOTP}のみ対応しています"
JA_NOTE_PW='2 行目: 注意: pam_oath のパスワードは取り込みません'
JA_NOTE_PW="${JA_NOTE_PW}（pam_mfa はアカウントのパスワードを検証します）"
JA_WHY_PK='1 行目: スキップしました: 認証情報 1: 公開鍵が base64 ではありません'
C_WHY_HOTP='LINE 1: skipped: event-based HOTP token (HOTP): pam_mfa does'
C_WHY_HOTP="$C_WHY_HOTP time-based TOTP only"
C_NOTE_PW='LINE 2: note: its pam_oath password is not imported (pam_mfa'
C_NOTE_PW="$C_NOTE_PW checks the account password)"
C_WHY_PK='LINE 1: skipped: credential 1: public key is not base64'
# Columns of "mfactl list" as the terminal counts them (a wide character
# takes two): the label starts below the heading in both languages.
JA_LIST_HEAD='ID   種類     状態     方式/桁/秒    '
JA_LIST_HEAD="${JA_LIST_HEAD}作成日時             最終使用日時         ラベル"
JA_LIST_ROW='^1    totp     有効     sha1/6/30     '
JA_LIST_ROW="${JA_LIST_ROW}[0-9T:Z-]{20} なし {17}「鍵」\$"
JA_STATUS_TOTP='  totp   有効 1 件、確認待ち 0 件、最終使用 なし'
JA_CHECK='^ユーザー kimp: 認証情報はありますが、アカウントがありません: '
C_LIST_HEAD='ID   TYPE     STATUS   ALG/DIGITS/S  '
C_LIST_HEAD="${C_LIST_HEAD}CREATED              LAST USED            LABEL"
C_LIST_ROW='^1    totp     active   sha1/6/30     '
C_LIST_ROW="${C_LIST_ROW}[0-9T:Z-]{20} never {16}「鍵」\$"

# The environment words of the two locales (for env(1)); WORK is set
# in the namespace, where they are used.
JA_ENV="-u LC_ALL -u LANGUAGE LANG=ja_JP.UTF-8 LOCPATH=$WORK/locale"
C_ENV="-u LANGUAGE LC_ALL=C"

# ascii_only TEXT: no byte outside printable ASCII (and newlines).
ascii_only() {
	! printf '%s\n' "$1" | LC_ALL=C grep -q '[^ -~]'
}

# has_line TEXT LINE: TEXT has exactly that line.
has_line() {
	printf '%s\n' "$1" | grep -Fxq -- "$2"
}

inner() {
	sandbox_enter "$WORK/etc" || return 99
	sandbox_syslog "$WORK/syslog" || return 99
	trap 'kill "$SYSLOG_PID" 2>/dev/null' EXIT
	if ! locale_overlay; then
		not_ok "locale directory laid over $LOCALEDIR"
		return 1
	fi
	ok "locale directory laid over $LOCALEDIR"
	check "ja.mo visible at the compiled-in path" \
	    [ -f "$LOCALEDIR/ja/LC_MESSAGES/pam_mfa.mo" ]
	# shellcheck disable=SC2086
	run env $JA_ENV locale charmap
	check "the ja_JP.UTF-8 locale loads (charmap $out)" [ "$out" = UTF-8 ]
	check "locale(1) has no complaint" [ -z "$err" ]

	# ---- (a) logins ---------------------------------------------------
	login "$JA_ENV" demo-password "$(totp "$SECRET" sha1 6)"
	check "ja: right password and code: authenticated" [ "$rc" -eq 0 ]
	check "ja: the password is asked first" \
	    matches "$out" '^prompt-off \[.+\]$'
	check "ja: code prompt is exactly '$JA_CODE'" \
	    has_line "$out" "prompt-off [$JA_CODE]"
	check "ja: no English prompt" lacks "$out" "Verification code"
	if [ -f /usr/share/locale/ja/LC_MESSAGES/Linux-PAM.mo ]; then
		# The password prompt is Linux-PAM's (pam_get_authtok).
		check "ja: Linux-PAM's password prompt in Japanese too" \
		    lacks "$out" "prompt-off [Password: ]"
	fi
	audit "ja: audit line" \
	    'pam_mfa\(mfa:auth\): user=demo service=mfa .*result=success'
	check "ja: the login's log lines are English (ASCII)" \
	    ascii_only "$last_log"

	login "$JA_ENV" demo-password "$(wrong_code "$SECRET" sha1 6)"
	check "ja: wrong code: refused" [ "$rc" -ne 0 ]
	check "ja: wrong code: same Japanese prompt" \
	    has_line "$out" "prompt-off [$JA_CODE]"
	audit "ja: wrong code: audit line" \
	    'user=demo .*result=failure reason=bad_code'
	check "ja: failure log lines are English (ASCII)" \
	    ascii_only "$last_log"

	login "$JA_ENV" demo-password "$REC1"
	check "ja: recovery code at the code prompt: authenticated" \
	    [ "$rc" -eq 0 ]
	check "ja: '$JA_REC_LEFT'" has_line "$out" "info [$JA_REC_LEFT]"
	audit "ja: recovery: audit line" 'user=demo .*result=success'
	check "ja: recovery log lines are English (ASCII)" \
	    ascii_only "$last_log"

	login "$C_ENV" demo-password "$(totp "$SECRET" sha1 6 30)"
	check "C: right password and code: authenticated" [ "$rc" -eq 0 ]
	check "C: code prompt is 'Verification code: '" \
	    has_line "$out" "prompt-off [Verification code: ]"
	check "C: password prompt is 'Password: '" \
	    has_line "$out" "prompt-off [Password: ]"
	check "C: no Japanese" ascii_only "$out"
	audit "C: audit line" \
	    'pam_mfa\(mfa:auth\): user=demo service=mfa .*result=success'

	login "$C_ENV" demo-password "$REC2"
	check "C: recovery code: authenticated" [ "$rc" -eq 0 ]
	check "C: the English message, with the advice for few codes" \
	    has_line "$out" "info [$C_REC_FEW]"

	# The key hint: no key connected, Enter alone tries it again.
	SVC=mfahint login "$JA_ENV" demo-password ""
	check "ja: keyhint, no key, Enter: refused" [ "$rc" -ne 0 ]
	check "ja: the keyhint prompt is exactly '$JA_HINT'" \
	    has_line "$out" "prompt-off [$JA_HINT]"
	if [ -n "$KEY" ]; then
		audit "ja: keyhint: audit line" \
		    'user=demo .*result=failure reason=no_device'
		# A key connected: its PIN, then the touch; no code.
		EXTRA=$SHIMENV login "$JA_ENV" demo-password 2468
		check "ja: password, key PIN and touch: authenticated" \
		    [ "$rc" -eq 0 ]
		check "ja: the PIN prompt is exactly '$JA_PIN'" \
		    has_line "$out" "prompt-off [$JA_PIN]"
		check "ja: the touch message is exactly '$JA_TOUCH'" \
		    has_line "$out" "info [$JA_TOUCH]"
		check "ja: no code asked after the key" lacks "$out" "$JA_CODE"
		audit "ja: key: audit line" \
		    'user=demo .*factors=password,fido2 result=success'
		EXTRA=$SHIMENV login "$C_ENV" demo-password 2468
		check "C: key PIN and touch in English" has_line "$out" \
		    "prompt-off [PIN for vfido virtual authenticator: ]" &&
		    has_line "$out" "info [Touch your security key (vfido virtual authenticator).]"
	fi
	# "password AND fido2", no key: the recovery code prompt of its
	# own; one code left, so the advice to get new ones.
	SVC=mfakey login "$JA_ENV" demo-password "$REC3"
	check "ja: recovery code prompt of its own: authenticated" \
	    [ "$rc" -eq 0 ]
	check "ja: the recovery code prompt is exactly '$JA_RECOVERY'" \
	    has_line "$out" "prompt-off [$JA_RECOVERY]"
	check "ja: few codes left: '$JA_REC_FEW'" \
	    has_line "$out" "info [$JA_REC_FEW]"

	# A login program that does not run as root: the one error message.
	chmod 0711 "$WORK" && chmod 0755 "$WORK/svc" && chmod 0666 /dev/log ||
	    return 99
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups" \
	    login "$JA_ENV" demo-password
	check "ja: not root: refused" [ "$rc" -ne 0 ]
	check "ja: not root: exactly '$JA_NO_ROOT', nothing asked" [ \
	    "$(printf '%s\n' "$out" | grep -v '^result ')" = "error [$JA_NO_ROOT]" ]
	audit "ja: not root: audit line" \
	    'user=demo .*result=failure reason=no_store_access'
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups" \
	    login "$C_ENV" demo-password
	check "C: not root: the English message" has_line "$out" \
	    "error [This program cannot check a second factor: pam_mfa needs root.]"

	# A store that cannot be opened: the same prompts, refused, and
	# libmfa's log line with the system's reason in English.
	SVC=mfanostore login "$JA_ENV" demo-password "$(totp "$SECRET" sha1 6)"
	check "ja: no store: refused" [ "$rc" -ne 0 ]
	check "ja: no store: the same code prompt '$JA_CODE'" \
	    has_line "$out" "prompt-off [$JA_CODE]"
	audit "ja: no store: libmfa's reason in English" \
	    'nostore: No such file or directory'
	audit "ja: no store: audit line" \
	    'user=demo .*result=failure reason=store_error'

	# Locked out (lockout_attempts = 1): no message says so (it would
	# tell an attacker something, conv.c); the same Japanese prompts.
	SVC=mfalock login "$JA_ENV" demo-password "$(wrong_code "$SECRET" sha1 6)"
	check "ja: wrong code under lockout_attempts = 1: refused" \
	    [ "$rc" -ne 0 ]
	SVC=mfalock login "$JA_ENV" demo-password "$(wrong_code "$SECRET" sha1 6)"
	check "ja: locked out: refused" [ "$rc" -ne 0 ]
	audit "ja: locked out: audit line" \
	    'user=demo .*result=failure reason=locked'
	check "ja: locked out: the same code prompt '$JA_CODE'" \
	    has_line "$out" "prompt-off [$JA_CODE]"
	check "ja: locked out: no message beyond the prompts" \
	    [ "$(printf '%s\n' "$out" | grep -vc '^prompt-off \[')" -eq 1 ]

	# Every message of a Japanese login was Japanese (Linux-PAM's
	# password prompt aside, checked above), and every message that
	# pam_mfa.so has was seen, translated as ja.po says.
	check "ja: every message of the logins has Japanese text" sh -c \
	    "! grep -v -e '^result ' -e '^prompt-off \[Password: \]\$' \"\$1\" |
	    LC_ALL=C grep -qv '[^ -~]'" sh "$WORK/ja.dialogue"
	"$PYTHON" - "$WORK/module.pot" "$WORK/ja.nowrap" "$WORK/ja.dialogue" \
	    "${KEY:-nokey}" >"$WORK/coverage" <<'PYEOF'
import re, sys
def entries(path):
    text = open(path, encoding="utf-8").read()
    return [(m.group(1), m.group(2)) for m in re.finditer(
        r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M) if m.group(1)]
def unquote(s):
    return s.replace('\\"', '"').replace("\\\\", "\\")
ja = dict(entries(sys.argv[2]))
seen = []
for line in open(sys.argv[3], encoding="utf-8"):
    m = re.match(r"^(prompt-off|prompt-on|info|error) \[(.*)\]$",
        line.rstrip("\n"))
    if m:
        seen.append(m.group(2))
bad = 0
for mid, _ in entries(sys.argv[1]):
    mstr = ja.get(mid, "")
    if mstr == "" or mstr == mid:
        print("not translated in ja.po: %s" % unquote(mid))
        bad += 1
        continue
    parts = re.split(r"%(?:[0-9]+\$)?[a-z]+", unquote(mstr))
    rx = re.compile(".+".join(re.escape(p) for p in parts) + "$")
    if any(rx.match(t) for t in seen):
        print("seen: %s" % unquote(mid))
    elif sys.argv[4] == "nokey" and ("PIN" in mid or "Touch" in mid):
        print("# skip (no tests/vfido): %s" % unquote(mid))
    else:
        print("never seen translated: %s" % unquote(mid))
        bad += 1
sys.exit(1 if bad else 0)
PYEOF
	_cov=$?
	sed 's/^/  /' "$WORK/coverage"
	_n=$(grep -c '^seen: ' "$WORK/coverage")
	check "ja: all $_n messages of pam_mfa.so seen translated in logins" \
	    [ "$_cov" -eq 0 ] && [ "$_n" -ge 6 ]
	check "the whole syslog is English (ASCII)" \
	    ascii_only "$(cat "$WORK/syslog")"

	# ---- (b) mfactl -----------------------------------------------------
	mfactl "$JA_ENV" --help
	check "ja: mfactl --help: exit 0" [ "$rc" -eq 0 ]
	check "ja: mfactl --help: usage line" has_line "$out" "$JA_USAGE"
	check "ja: mfactl --help: '$JA_COMMANDS'" has_line "$out" "$JA_COMMANDS"
	check "ja: mfactl --help: command help" contains "$out" "$JA_TOTP_HELP"
	check "ja: mfactl --help: last line" has_line "$out" "$JA_MORE"
	mfactl "$C_ENV" --help
	check "C: mfactl --help: usage line" has_line "$out" \
	    'usage: mfactl [--store DIR] [--config FILE] COMMAND [ARGS]'
	check "C: mfactl --help: command help" contains "$out" \
	    "enrol or confirm a TOTP authenticator"
	check "C: mfactl --help: no Japanese" ascii_only "$out"

	mfactl "$JA_ENV" --config "$CONF" list nobody
	check "ja: mfactl list nobody: exit 1" [ "$rc" -eq 1 ]
	check "ja: libmfa's reason translated: '$JA_NOT_ENROLLED'" \
	    contains "$err" "$JA_NOT_ENROLLED"
	mfactl "$C_ENV" --config "$CONF" list nobody
	check "C: mfactl list nobody: English" \
	    contains "$err" "mfactl: list nobody: user not enrolled"
	mfactl "$JA_ENV" frobnicate
	check "ja: unknown command: exactly '$JA_BAD_CMD'" \
	    [ "$err" = "$JA_BAD_CMD" ]
	mfactl "$C_ENV" frobnicate
	check "C: unknown command: English" [ "$err" = \
	    "mfactl: frobnicate: unknown command; try 'mfactl --help'." ]

	mfactl "$JA_ENV" --config "$CONF" totp add kana --label phone
	check "ja: mfactl totp add: exit 0" [ "$rc" -eq 0 ]
	check "ja: totp add: '$JA_PENDING'" has_line "$out" "$JA_PENDING"
	check "ja: totp add: the URI" matches "$out" '^otpauth://totp/'
	check "ja: totp add: the command to run stays as it is" \
	    matches "$out" '^  mfactl .*totp confirm kana CODE --id 1$'
	ksecret=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" \
	    secret)
	mfactl "$JA_ENV" --config "$CONF" totp confirm kana \
	    "$(totp "$ksecret" sha1 6)"
	check "ja: totp confirm: '$JA_ACTIVATED'" \
	    has_line "$out" "$JA_ACTIVATED"
	mfactl "$C_ENV" --config "$CONF" totp add kana2 --label phone
	check "C: totp add: English" has_line "$out" \
	    "credential 1 is pending; activate it with:"
	mfactl "$JA_ENV" --config "$CONF" remove kana2 1
	check "ja: remove: positional arguments in Japanese order" \
	    has_line "$out" "kana2 の認証情報 1 を削除しました"
	mfactl "$JA_ENV" --config "$CONF" list kana2
	check "ja: list: '$JA_NO_CREDS'" has_line "$out" "$JA_NO_CREDS"
	mfactl "$JA_ENV" --config "$CONF" status demo
	check "ja: status: '$JA_STATUS_USER'" has_line "$out" "$JA_STATUS_USER"
	check "ja: status: recovery codes left" \
	    has_line "$out" "  リカバリーコードの残り: 1"

	# ---- (c) mfactl import, list, status, check ------------------------
	_hex=3132333435363738393031323334353637383930
	printf 'HOTP/T30 kimp - %s\nHOTP/T30 kimp - %s\n' "$_hex" "$_hex" \
	    >"$WORK/kimp.users"
	printf 'HOTP/T30 cimp - %s\nHOTP/T30 cimp - %s\n' "$_hex" "$_hex" \
	    >"$WORK/cimp.users"
	mfactl "$JA_ENV" --config "$CONF" import pam_oath "$WORK/kimp.users" \
	    --label 「鍵」
	check "ja: import with a skipped line: exit 1" [ "$rc" -eq 1 ]
	check "ja: import line 1: '$JA_IMP1'" has_line "$out" "$JA_IMP1"
	check "ja: import line 2: '$JA_IMP2'" matches "$out" "$JA_IMP2"
	check "ja: import summary: '$JA_IMP_SUM'" has_line "$out" "$JA_IMP_SUM"
	check "ja: import: no English word of the report" sh -c \
	    "! printf '%s\n' \"\$1\" | grep -Eq 'LINE|skipped|imported,'" \
	    sh "$out"
	mfactl "$JA_ENV" --config "$CONF" import pam_oath "$WORK/cimp.users" \
	    --label 「鍵」 --dry-run
	check "ja: import --dry-run: exit 0" [ "$rc" -eq 0 ]
	check "ja: dry run line 1: '$JA_DRY1'" has_line "$out" "$JA_DRY1"
	check "ja: dry run summary: '$JA_DRY_SUM'" has_line "$out" "$JA_DRY_SUM"
	mfactl "$JA_ENV" --config "$CONF" import pam_frob "$WORK/cimp.users"
	check "ja: import, unknown format: exit 2" [ "$rc" -eq 2 ]
	check "ja: import, unknown format: exactly '$JA_BAD_FMT'" \
	    [ "$err" = "$JA_BAD_FMT" ]
	mfactl "$C_ENV" --config "$CONF" import pam_oath "$WORK/cimp.users" \
	    --label 「鍵」
	check "C: import line 1: English, the label as it is" has_line "$out" \
	    "LINE 1: imported cimp credential 1 (totp sha1/6/30, label 「鍵」)"
	check "C: import line 2: English" matches "$out" \
	    '^LINE 2: skipped: cimp: already imported( \(.*\))?$'
	check "C: import summary: English" has_line "$out" \
	    "1 imported, 1 skipped"
	mfactl "$C_ENV" --config "$CONF" import pam_frob "$WORK/cimp.users"
	check "C: import, unknown format: English" [ "$err" = "$(printf %s \
	    "mfactl: import: pam_frob: not pam_u2f, pam_oath," \
	    " google-authenticator or pskc")" ]

	printf 'HOTP kwhy - %s\nHOTP/T30 kwhy oathpw %s\n' "$_hex" "$_hex" \
	    >"$WORK/kwhy.users"
	printf 'kwhy:AAAA,@@@@,es256,+presence\n' >"$WORK/kwhy.u2f"
	mfactl "$JA_ENV" --config "$CONF" import pam_oath "$WORK/kwhy.users" \
	    --dry-run
	check "ja: import, refused and noted records: exit 1" [ "$rc" -eq 1 ]
	check "ja: libmfa's reason, with its argument: '$JA_WHY_HOTP'" \
	    has_line "$out" "$JA_WHY_HOTP"
	check "ja: libmfa's note: '$JA_NOTE_PW'" has_line "$out" "$JA_NOTE_PW"
	mfactl "$JA_ENV" --config "$CONF" import pam_u2f "$WORK/kwhy.u2f"
	check "ja: pam_u2f, bad public key: exit 1" [ "$rc" -eq 1 ]
	check "ja: libmfa's reason, with its number: '$JA_WHY_PK'" \
	    has_line "$out" "$JA_WHY_PK"
	mfactl "$C_ENV" --config "$CONF" import pam_oath "$WORK/kwhy.users" \
	    --dry-run
	check "C: libmfa's reason: English" has_line "$out" "$C_WHY_HOTP"
	check "C: libmfa's note: English" has_line "$out" "$C_NOTE_PW"
	check "C: import report with reasons and notes: ASCII" \
	    ascii_only "$out"
	mfactl "$C_ENV" --config "$CONF" import pam_u2f "$WORK/kwhy.u2f"
	check "C: pam_u2f, bad public key: English" has_line "$out" "$C_WHY_PK"
	check "no store for the refused and dry-run records" \
	    [ ! -e "$WORK/store/kwhy" ]

	mfactl "$JA_ENV" --config "$CONF" list kimp
	check "ja: list: headings '$JA_LIST_HEAD'" \
	    has_line "$out" "$JA_LIST_HEAD"
	check "ja: list: status and 'never' translated, columns aligned" \
	    matches "$out" "$JA_LIST_ROW"
	mfactl "$JA_ENV" --config "$CONF" list kimp --json
	check "ja: list --json: the status stays English" \
	    contains "$out" '"status": "active"'
	check "ja: list --json: never used is null" \
	    contains "$out" '"last_used": null'
	check "ja: list --json: the label as it is" \
	    contains "$out" '"label": "「鍵」"'
	mfactl "$C_ENV" --config "$CONF" list cimp
	check "C: list: English headings" has_line "$out" "$C_LIST_HEAD"
	check "C: list: English status and 'never', the label as it is" \
	    matches "$out" "$C_LIST_ROW"
	check "C: list: only the label is not ASCII" \
	    ascii_only "$(printf '%s\n' "$out" | sed 's/「鍵」$//')"
	mfactl "$JA_ENV" --config "$CONF" status kimp
	check "ja: status: '$JA_STATUS_TOTP'" has_line "$out" "$JA_STATUS_TOTP"
	mfactl "$C_ENV" --config "$CONF" status cimp
	check "C: status: English 'never'" has_line "$out" \
	    "  totp   1 active, 0 pending; last used never"

	mfactl "$JA_ENV" --config "$CONF" check
	check "ja: check: the object and the problem in Japanese" \
	    matches "$out" "$JA_CHECK"
	mfactl "$JA_ENV" --config "$CONF" check --json
	check "ja: check --json: the object stays English" \
	    contains "$out" '"object": "user kimp"'
	check "ja: check --json: the problem in Japanese" contains "$out" \
	    '"problem": "認証情報はありますが、アカウントがありません"'
	mfactl "$C_ENV" --config "$CONF" check
	check "C: check: English" has_line "$out" "$(printf '%s' \
	    "user kimp: has credentials but no account: if the account is" \
	    " gone for good, remove its credentials ('mfactl list kimp'," \
	    " then 'mfactl remove kimp ID')")"

	kill "$SYSLOG_PID"
	finish
}

# locale_overlay: inside the namespace, the DESTDIR's locale directory
# over LOCALEDIR.  An existing LOCALEDIR gets a read-only overlay of
# both (a bind mount of the DESTDIR's alone where overlayfs is
# missing); a missing one is made in a writable overlay, on a tmpfs, of
# its nearest existing parent.
locale_overlay() {
	_src=$D$LOCALEDIR
	if [ -d "$LOCALEDIR" ]; then
		mount -t overlay overlay -o "lowerdir=$_src:$LOCALEDIR" \
		    "$LOCALEDIR" 2>/dev/null ||
		    mount --bind "$_src" "$LOCALEDIR"
		return
	fi
	_p=$LOCALEDIR
	while [ ! -d "$_p" ]; do
		_p=$(dirname "$_p")
	done
	[ "$_p" != / ] || return 1
	mkdir "$WORK/ov" &&
	mount -t tmpfs -o mode=0755,size=1m tmpfs "$WORK/ov" &&
	mkdir "$WORK/ov/upper" "$WORK/ov/work" &&
	mount -t overlay overlay -o \
	    "lowerdir=$_p,upperdir=$WORK/ov/upper,workdir=$WORK/ov/work" \
	    "$_p" &&
	mkdir -p "$LOCALEDIR" &&
	mount --bind "$_src" "$LOCALEDIR"
}

# login ENVWORDS ANSWER...: pamconv for demo on service $SVC (default
# mfa), with the answers on its standard input, under the command words
# $AS and with the environment words $EXTRA last; $out holds the
# conversation, $last_log the log lines of this login.  Under
# ja_JP.UTF-8 the conversation is added to ja.dialogue as well.
login() {
	_env=$1
	shift
	_lines=$(wc -l <"$WORK/syslog")
	printf '%s\n' "$@" >"$WORK/answers"
	RUN_STDIN=$WORK/answers
	# shellcheck disable=SC2086
	run ${AS:-} env $_env $PAMENV ${EXTRA:-} "$PAMCONV" "${SVC:-mfa}" demo
	RUN_STDIN=
	case $_env in
	*ja_JP*) printf '%s\n' "$out" >>"$WORK/ja.dialogue" ;;
	esac
	_i=0
	while [ "$(wc -l <"$WORK/syslog")" -eq "$_lines" ] && [ $_i -lt 20 ]
	do
		sleep 0.1
		_i=$((_i + 1))
	done
	last_log=$(tail -n +"$((_lines + 1))" "$WORK/syslog")
	printf '%s\n' "$last_log" | sed 's/^/  log: /'
}

# mfactl ENVWORDS ARGS...: the installed mfactl in that locale.
mfactl() {
	_env=$1
	shift
	# shellcheck disable=SC2086
	run env $_env LD_LIBRARY_PATH="$LIBD" "$MFACTL_I" "$@"
}

# audit DESC ERE: a log line of the last login matches.
audit() {
	check "$1" matches "$last_log" "$2"
}

if [ "${MFA_IN_NS:-}" = 1 ]; then
	inner
	exit $?
fi

# ---- outside: locale, install, enrol, then the namespace ----------------
[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, the store)"
for c in oathtool unshare openssl getent localedef pkg-config msgfmt \
    msgmerge msgunfmt msgcat xgettext flock setpriv; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c is missing"
done
unshare -m true 2>/dev/null || skip_all "cannot unshare a mount namespace"
PWLIB=$(pkg-config --libs pam_wrapper 2>/dev/null | tr -d " ")
[ -f "$PWLIB" ] || skip_all "libpam_wrapper.so not found"
PAMCONV=$MFA_TOP_BUILDDIR/tests/i18n/pamconv
[ -x "$PAMCONV" ] || { echo "tests/i18n/pamconv not built"; exit 99; }

WORK=$(mktemp -d /tmp/mfa-i18n.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/syslog"

# ja_JP.UTF-8 for this test only (Debian: package locales).
mkdir "$WORK/locale"
if ! localedef -i ja_JP -f UTF-8 "$WORK/locale/ja_JP.UTF-8" \
    >"$WORK/localedef.log" 2>&1 ||
    [ ! -f "$WORK/locale/ja_JP.UTF-8/LC_MESSAGES/SYS_LC_MESSAGES" ]; then
	cat "$WORK/localedef.log"
	skip_all "cannot make the ja_JP.UTF-8 locale (package locales?)"
fi
ok "localedef ja_JP.UTF-8 into the work directory"

# A make started from this test must not join make check's jobserver;
# the tests' installs into one build tree take turns (tests/real).
unset MAKEFLAGS MFLAGS MAKELEVEL
D=$WORK/root
mkdir -p "$MFA_TOP_BUILDDIR/tests/real"
# shellcheck disable=SC2086
if ! flock -w 300 "$MFA_TOP_BUILDDIR/tests/real/install.lock" \
    sh "$MFA_TOP_SRCDIR/tests/install-destdir.sh" "$D" \
    >"$WORK/install.log" 2>&1; then
	cat "$WORK/install.log"
	not_ok "make install DESTDIR"
	finish
	exit 1
fi
ok "make install DESTDIR=$D"
MOD=$D$MFA_PAMDIR/pam_mfa.so
MFACTL_I=$D$MFA_SBINDIR/mfactl
LIBD=$D$MFA_LIBDIR
MO=$(cd "$D" && find . -path '*/ja/LC_MESSAGES/pam_mfa.mo' | head -n 1)
LOCALEDIR=${MO#.}
LOCALEDIR=${LOCALEDIR%/ja/LC_MESSAGES/pam_mfa.mo}
if [ -z "$MO" ] || [ ! -f "$MOD" ] || [ ! -x "$MFACTL_I" ]; then
	not_ok "pam_mfa.so, mfactl and ja/LC_MESSAGES/pam_mfa.mo installed"
	finish
	exit 1
fi
ok "ja.gmo installed as $LOCALEDIR/ja/LC_MESSAGES/pam_mfa.mo"
# The catalog as po/Makefile makes it; it rebuilds ja.gmo when the
# template changes, not when only ja.po does ("make -C po update-gmo").
msgmerge --for-msgfmt -q -o "$WORK/ja.po" "$MFA_TOP_SRCDIR/po/ja.po" \
    "$MFA_TOP_SRCDIR/po/pam_mfa.pot" &&
    msgfmt -o "$WORK/ja.mo" "$WORK/ja.po" &&
    msgunfmt "$WORK/ja.mo" >"$WORK/ja.want" 2>/dev/null &&
    msgunfmt "$D$LOCALEDIR/ja/LC_MESSAGES/pam_mfa.mo" >"$WORK/ja.got" ||
    exit 99
check "installed catalog up to date (else: make -C po update-gmo)" \
    cmp -s "$WORK/ja.want" "$WORK/ja.got"
check "pam_mfa.so looks in $LOCALEDIR" grep -qaF "$LOCALEDIR" "$MOD"
check "mfactl looks in $LOCALEDIR" grep -qaF "$LOCALEDIR" "$MFACTL_I"

mkdir -m 0700 "$WORK/store" "$WORK/svc"
CONF=$WORK/pam_mfa.conf
printf 'store = %s\nfail_delay = 0\nfido2_rp_id = pam://mfa-i18n\n' \
    "$WORK/store" >"$CONF"
# The same store: a policy without a code prompt (the recovery code
# prompt of its own), and a lockout at the first failure.
CONF_KEY=$WORK/key.conf
CONF_LOCK=$WORK/lock.conf
{ cat "$CONF"; echo "require = password AND fido2"; } >"$CONF_KEY"
{ cat "$CONF"; echo "lockout_attempts = 1"; } >"$CONF_LOCK"
echo "auth required $MOD config=$CONF keyhint" >"$WORK/svc/mfahint"
echo "auth required $MOD config=$CONF_KEY" >"$WORK/svc/mfakey"
echo "auth required $MOD config=$CONF_LOCK" >"$WORK/svc/mfalock"
echo "auth required $MOD config=$CONF store=$WORK/nostore" \
    >"$WORK/svc/mfanostore"
echo "auth required $MOD config=$CONF" >"$WORK/svc/mfa"
echo "auth required $(pkg-config --variable=libdir pam)/security/pam_deny.so" \
    >"$WORK/svc/other"
sandbox_etc "$WORK/etc" demo demo-password || exit 99

# demo: a confirmed TOTP credential (the previous step's code, so the
# current one is still unused) and four recovery codes; in English.
export LD_LIBRARY_PATH="$LIBD"
expect_rc 0 "mfactl totp add demo" "$MFACTL_I" --config "$CONF" \
    totp add demo --label phone
SECRET=$(uri_param "$(printf '%s\n' "$out" | grep '^otpauth://')" secret)
check "got the secret from the URI" [ -n "$SECRET" ]
expect_rc 0 "mfactl totp confirm demo" "$MFACTL_I" --config "$CONF" \
    totp confirm demo "$(totp "$SECRET" sha1 6 -30)"
expect_rc 0 "mfactl recovery demo --count 4" "$MFACTL_I" --config "$CONF" \
    recovery demo --count 4
REC1=$(printf '%s\n' "$out" | sed -n 's/^  \([^ ]\{1,\}\)$/\1/p' | sed -n 1p)
REC2=$(printf '%s\n' "$out" | sed -n 's/^  \([^ ]\{1,\}\)$/\1/p' | sed -n 2p)
REC3=$(printf '%s\n' "$out" | sed -n 's/^  \([^ ]\{1,\}\)$/\1/p' | sed -n 3p)
check "got three recovery codes" [ -n "$REC1" ] && [ -n "$REC2" ] &&
    [ -n "$REC3" ]
# and a security key with a PIN (tests/vfido, through its shim).
SHIM=$MFA_TOP_BUILDDIR/tests/vfido/.libs/libvfido_preload.so
VCTL=$MFA_TOP_BUILDDIR/tests/vfido/vfido-ctl
KEY=
if [ -x "$VCTL" ] && [ -f "$SHIM" ]; then
	KEY=$WORK/key
	"$VCTL" init "$KEY" --pin 2468 >/dev/null || exit 99
	printf '2468\n' >"$WORK/pin"
	RUN_STDIN=$WORK/pin expect_rc 0 "mfactl fido2 add demo" env \
	    LD_PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$SHIM" \
	    VFIDO_STATE="$KEY" "$MFACTL_I" --config "$CONF" fido2 add demo
else
	echo "# tests/vfido not built: no security key prompts"
fi
unset LD_LIBRARY_PATH

PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$PWLIB"
PAMENV="LD_PRELOAD=$PRELOAD PAM_WRAPPER=1"
PAMENV="$PAMENV PAM_WRAPPER_SERVICE_DIR=$WORK/svc PAM_WRAPPER_USE_SYSLOG=1"
PAMENV="$PAMENV LD_LIBRARY_PATH=$LIBD"
# The messages pam_mfa.so can send, as xgettext finds them in its
# sources (po/POTFILES.in): each must be seen translated below.
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$MFA_TOP_SRCDIR/po/POTFILES.in" |
    grep '^pam_module/' >"$WORK/module.files" || exit 99
xgettext --directory="$MFA_TOP_SRCDIR" --keyword=_ --keyword=N_ \
    --from-code=UTF-8 --files-from="$WORK/module.files" --no-wrap \
    --output="$WORK/module.pot" || exit 99
msgcat --no-wrap -o "$WORK/ja.nowrap" "$MFA_TOP_SRCDIR/po/ja.po" || exit 99
SHIMENV="LD_PRELOAD=${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$SHIM:$PWLIB"
SHIMENV="$SHIMENV VFIDO_STATE=$KEY"
export WORK D SECRET CONF MFACTL_I LIBD PAMENV PAMCONV LOCALEDIR REC1 REC2 \
    REC3 KEY SHIMENV
unshare -m --propagation private env MFA_IN_NS=1 ntests="$ntests" \
    nfailed="$nfailed" sh "$0"
