#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# po/ja.po is complete and well-formed:
#   - po/POTFILES.in names every pam_module/, tools/ and lib/ source that has
#     _() or N_() strings, and only files that exist;
#   - msgfmt --check finds no error, no untranslated and no fuzzy
#     message;
#   - every message of a template extracted now from the sources (as
#     po/Makefile does, into the work directory) has a translation;
#   - every reason of libmfa's mfa_strerror(), which mfactl prints
#     through gettext, is extracted (marked with N_()) and translated;
#   - a prompt's translation keeps the trailing ": ", an indented
#     line its indentation, and no message is left in English;
#   - a prompt's translation fits 64 columns, colons are ASCII (no
#     full-width ：), nothing looks like mojibake, and the variants
#     that the glossary at the top of ja.po sets aside are not used.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

# cmp_po POT: msgcmp ja.po against POT; $rc, and its complaints shown
# (without the notes on ja.po's messages that POT does not have).
cmp_po() {
	msgcmp "$JA" "$1" >"$WORK/msgcmp" 2>&1
	rc=$?
	echo "  \$ msgcmp ja.po $(basename "$1")  -> $rc"
	grep -v 'this message is not used' "$WORK/msgcmp" | sed 's/^/  | /'
}

for c in msgfmt xgettext msgcmp msgcat; do
	command -v "$c" >/dev/null 2>&1 || skip_all "$c is missing (gettext)"
done
WORK=$(mktemp -d /tmp/mfa-i18n-po.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
PO=$MFA_TOP_SRCDIR/po
JA=$PO/ja.po

# ---- POTFILES.in ---------------------------------------------------------
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PO/POTFILES.in" >"$WORK/potfiles"
missing=
while read -r f; do
	[ -f "$MFA_TOP_SRCDIR/$f" ] || missing="$missing $f"
done <"$WORK/potfiles"
check "POTFILES.in names only existing files${missing:+ (not:$missing)}" \
    [ -z "$missing" ]
unlisted=
for f in "$MFA_TOP_SRCDIR"/pam_module/*.c "$MFA_TOP_SRCDIR"/tools/*.c \
    "$MFA_TOP_SRCDIR"/lib/*.c; do
	grep -Eq '(^|[^A-Za-z0-9_])N?_\(' "$f" || continue
	rel=${f#"$MFA_TOP_SRCDIR"/}
	grep -qx "$rel" "$WORK/potfiles" || unlisted="$unlisted $rel"
done
check "POTFILES.in lists the files with _()${unlisted:+ (not:$unlisted)}" \
    [ -z "$unlisted" ]

# ---- msgfmt --check --statistics -----------------------------------------
run msgfmt --check --statistics -o "$WORK/ja.mo" "$JA"
check "msgfmt --check accepts ja.po" [ "$rc" -eq 0 ]
check "msgfmt: some messages translated" \
    matches "$err" '^[1-9][0-9]* translated message'
check "msgfmt: no untranslated message" lacks "$err" "untranslated"
check "msgfmt: no fuzzy translation" lacks "$err" "fuzzy"
check "ja.po declares UTF-8" grep -q 'charset=UTF-8' "$JA"

# ---- a fresh template ----------------------------------------------------
# The keywords and options of po/Makevars.
run xgettext --default-domain=pam_mfa --directory="$MFA_TOP_SRCDIR" \
    --add-comments=TRANSLATORS: --keyword=_ --keyword=N_ \
    --from-code=UTF-8 --files-from="$WORK/potfiles" \
    --output="$WORK/fresh.pot"
check "xgettext extracts the template" [ "$rc" -eq 0 ]
n=$(grep -c '^msgid ' "$WORK/fresh.pot" 2>/dev/null)
check "the template has messages ($n)" [ "${n:-0}" -gt 1 ]
# msgcmp counts untranslated and fuzzy entries of ja.po as missing.
cmp_po "$WORK/fresh.pot"
check "every message of the fresh template is translated in ja.po" \
    [ "$rc" -eq 0 ]

# ---- libmfa's reasons ----------------------------------------------------
awk '/^mfa_strerror\(/ { on = 1 } on && /^}/ { on = 0 } on' \
    "$MFA_TOP_SRCDIR/lib/err.c" |
    sed -n -e 's/.*return N_(\("[^"]*"\));.*/\1/p' \
    -e 's/.*return \("[^"]*"\);.*/\1/p' >"$WORK/reasons"
n=$(grep -c . "$WORK/reasons")
check "mfa_strerror() reasons found in lib/err.c ($n)" [ "$n" -gt 10 ]
while read -r s; do
	printf 'msgid %s\nmsgstr ""\n\n' "$s"
done <"$WORK/reasons" >"$WORK/reasons.pot"
cmp_po "$WORK/reasons.pot"
check "every mfa_strerror() reason is translated in ja.po" [ "$rc" -eq 0 ]
# The catalogs are built from ja.po merged with the template
# (msgmerge --for-msgfmt): a reason must be extracted, too (N_() in
# lib/err.c, listed in POTFILES.in), or its translation is left out.
msgcmp --use-untranslated "$WORK/fresh.pot" "$WORK/reasons.pot" \
    >"$WORK/msgcmp" 2>&1
rc=$?
grep -v 'this message is not used' "$WORK/msgcmp" | sed 's/^/  | /'
check "every mfa_strerror() reason is in the extracted template" \
    [ "$rc" -eq 0 ]

# ---- prompts keep their shape --------------------------------------------
msgcat --no-wrap "$JA" >"$WORK/ja.nowrap" || exit 99
"$PYTHON" - "$WORK/ja.nowrap" >"$WORK/shape" <<'PYEOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M):
    mid, mstr = m.group(1), m.group(2)
    if mid == "" or mstr == "":
        continue
    if mid.endswith(": ") and not mstr.endswith(": "):
        print("trailing ': ' lost: %s" % mid)
    # Indentation (two blanks or more) is kept; a single blank before
    # a parenthesis may go, as Japanese uses full-width ones.
    lead = len(mid) - len(mid.lstrip(" "))
    if lead >= 2 and not mstr.startswith(" " * lead):
        print("leading blanks lost: %s" % mid)
    if mstr == mid:
        print("left in English: %s" % mid)
PYEOF
check "prompts keep ': ', indentation kept, nothing left in English" \
    [ ! -s "$WORK/shape" ]
sed 's/^/  /' "$WORK/shape"

# ---- one colon style, prompts fit a console line, no mojibake ------------
# A prompt (a msgid ending in ": ") is at most PROMPT_COLS columns wide
# as a terminal shows it (a wide character takes two), its arguments
# left out, so that the answer fits on an 80-column line.  Colons are
# ASCII, as Linux-PAM's 「パスワード:」 (no full-width ：).  Latin-1
# letters (UTF-8 read as Latin-1: 「ã€」) or U+FFFD are mojibake.
"$PYTHON" - "$WORK/ja.nowrap" >"$WORK/style" <<'PYEOF'
import re, sys, unicodedata
PROMPT_COLS = 64
text = open(sys.argv[1], encoding="utf-8").read()
def cols(s):
    s = re.sub(r"%(?:[0-9]+\$)?[a-z]+", "", s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in s)
for m in re.finditer(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M):
    mid, mstr = m.group(1), m.group(2)
    if mid == "" or mstr == "":
        continue
    if mid.endswith(": ") and cols(mstr) > PROMPT_COLS:
        print("prompt %d columns wide: %s" % (cols(mstr), mstr))
    if "\uff1a" in mstr:
        print("full-width colon: %s" % mstr)
    if re.search("[\u0080-\u00ff\ufffd]", mstr):
        print("mojibake: %s" % mstr)
    # One word for each thing (the glossary at the top of ja.po).
    for w in ("確認コード", "ワンタイムコード", "ワンタイムパスワード",
            "回復コード", "リカバリコード", "セキュリティーキー", "第二要素"):
        if w in mstr:
            print("%s (see the glossary in ja.po): %s" % (w, mstr))
PYEOF
check "prompt widths, ASCII colons, no mojibake, the glossary's words" \
    [ ! -s "$WORK/style" ]
sed 's/^/  /' "$WORK/style"

finish
