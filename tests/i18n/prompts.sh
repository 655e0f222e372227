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
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"
. "$MFA_TOP_SRCDIR/tests/tools/sandbox.sh"

# The translations this test expects (po/ja.po).
JA_CODE='認証コード: '
JA_REC_LEFT='リカバリーコードを受け付けました。残りは 3 個です。'
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
	    has_line "$out" "  リカバリーコードの残り: 2"

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

# login ENVWORDS ANSWER...: pamconv for demo on service mfa, with the
# answers on its standard input; $out holds the conversation, $last_log
# the log lines of this login.
login() {
	_env=$1
	shift
	_lines=$(wc -l <"$WORK/syslog")
	printf '%s\n' "$@" >"$WORK/answers"
	RUN_STDIN=$WORK/answers
	# shellcheck disable=SC2086
	run env $_env $PAMENV "$PAMCONV" mfa demo
	RUN_STDIN=
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
    msgmerge msgunfmt flock; do
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
printf 'store = %s\nfail_delay = 0\n' "$WORK/store" >"$CONF"
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
check "got two recovery codes" [ -n "$REC1" ] && [ -n "$REC2" ]
unset LD_LIBRARY_PATH

PRELOAD="${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$PWLIB"
PAMENV="LD_PRELOAD=$PRELOAD PAM_WRAPPER=1"
PAMENV="$PAMENV PAM_WRAPPER_SERVICE_DIR=$WORK/svc PAM_WRAPPER_USE_SYSLOG=1"
PAMENV="$PAMENV LD_LIBRARY_PATH=$LIBD"
export WORK D SECRET CONF MFACTL_I LIBD PAMENV PAMCONV LOCALEDIR REC1 REC2
unshare -m --propagation private env MFA_IN_NS=1 ntests="$ntests" \
    nfailed="$nfailed" sh "$0"
