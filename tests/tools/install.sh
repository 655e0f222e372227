#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make install and make uninstall into a throwaway DESTDIR, as an
# administrator meets them: modes of what is installed, an edited
# pam_mfa.conf that survives a reinstall and make uninstall, the store
# directory (root only, kept by make uninstall), and libmfa as a
# program built against the installed tree sees it: pkg-config, mfa.h,
# the soname, and an export list that is exactly the functions that
# mfa.h declares, all in version LIBMFA_0.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

WORK=$(mktemp -d /tmp/mfa-install.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
# Directories that make install creates follow the umask.
umask 022
# A make started from this test must not join make check's jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL

D=$WORK/root
CONF=$D$MFA_SYSCONFDIR/security/pam_mfa.conf
SHIPPED=$MFA_TOP_SRCDIR/etc/pam_mfa.conf
EXAMPLE=$D$MFA_DOCDIR/examples/pam_mfa.conf
STORE=$D$MFA_LOCALSTATEDIR/lib/pam_mfa
LIBD=$D$MFA_LIBDIR

# destdir TARGET: make TARGET DESTDIR=$D; the output in $WORK/TARGET.log.
destdir() {
	sh "$MFA_TOP_SRCDIR/tests/install-destdir.sh" "$D" "$1" \
	    >"$WORK/$1.log" 2>&1 && return 0
	sed 's/^/  | /' "$WORK/$1.log"
	return 1
}

# files: every file and symlink under $D, one path a line.
files() {
	(cd "$D" && find . ! -type d | sort)
}

mode() {
	stat -c %a "$1"
}

# ---- a first install -------------------------------------------------
check "make install" destdir install
check "pam_mfa.so in the PAM module directory" \
    [ -f "$D$MFA_PAMDIR/pam_mfa.so" ]
check "mfactl mode 755" [ "$(mode "$D$MFA_SBINDIR/mfactl")" = 755 ]
check "libmfa.so.0 is a symlink to the library" \
    test -h "$LIBD/libmfa.so.0" -a -f "$LIBD/libmfa.so.0"
check "pam_mfa.conf installed, mode 644" [ "$(mode "$CONF")" = 644 ]
check "pam_mfa.conf holds the shipped defaults" cmp -s "$SHIPPED" "$CONF"
check "the shipped defaults also with the examples" \
    cmp -s "$SHIPPED" "$EXAMPLE"
check "store directory mode 700" [ "$(mode "$STORE")" = 700 ]
loose=$(cd "$D" && find . ! -type l -perm /022)
check "nothing installed writable by group or others" [ -z "$loose" ]
printf '%s\n' "$loose" | sed '/^$/d; s/^/  | /'

# ---- libmfa through pkg-config and the installed mfa.h -----------------
pc() {
	PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_LIBDIR=$LIBD/pkgconfig \
	    pkg-config "$@" libmfa
}
if command -v pkg-config >/dev/null 2>&1; then
	cflags=$(pc --cflags) && libs=$(pc --libs)
	check "pkg-config libmfa finds the installed libmfa.pc" \
	    [ -n "$libs" ]
	cat >"$WORK/prog.c" <<'EOF'
#include <mfa.h>
#include <stdio.h>

int
main(void)
{
	mfa_ctx_t *ctx;

	if ((ctx = mfa_ctx_new()) == NULL)
		return 1;
	mfa_ctx_free(&ctx);
	printf("%s\n%s\n", mfa_default_config(), mfa_default_store());
	return ctx != NULL;
}
EOF
	# shellcheck disable=SC2086
	run ${MFA_CC:-cc} -std=c99 -pedantic -Wall -Wextra -Werror $cflags \
	    -o "$WORK/prog" "$WORK/prog.c" $libs
	check "a program builds with pkg-config's flags" [ "$rc" -eq 0 ]
	run env LD_LIBRARY_PATH="$LIBD" LD_PRELOAD="${MFA_SAN_PRELOAD:-}" \
	    "$WORK/prog"
	want=$(printf '%s\n%s' "$MFA_SYSCONFDIR/security/pam_mfa.conf" \
	    "$MFA_LOCALSTATEDIR/lib/pam_mfa")
	check "it runs on the installed libmfa, with the installed paths" \
	    test "$rc" -eq 0 -a "$out" = "$want"
else
	ok "# SKIP pkg-config is missing"
fi

# ---- the soname and the exports of libmfa ------------------------------
if command -v nm >/dev/null 2>&1 && command -v objdump >/dev/null 2>&1; then
	check "soname libmfa.so.0" sh -c \
	    "objdump -p '$LIBD/libmfa.so.0' | grep -Eq '^ *SONAME +libmfa\.so\.0\$'"
	# Functions declared by mfa.h (typedefs of callbacks are not).
	${MFA_CC:-cc} -E -P -x c "$D$MFA_INCLUDEDIR/mfa.h" |
	    grep -v '^typedef' | grep -oE '\bmfa_[a-z0-9_]+ *\(' |
	    sed 's/ *($//' | sort -u >"$WORK/declared"
	nm -D --defined-only "$LIBD/libmfa.so.0" >"$WORK/nm"
	awk '$2 != "A" { print $3 }' "$WORK/nm" | sed 's/@@LIBMFA_0$//' |
	    sort >"$WORK/exported"
	check "mfa.h declares functions" [ -s "$WORK/declared" ]
	check "libmfa exports exactly the functions of mfa.h" \
	    cmp -s "$WORK/declared" "$WORK/exported"
	diff "$WORK/declared" "$WORK/exported" | sed 's/^/  | /'
	bad=$(awk '$2 != "A"' "$WORK/nm" |
	    grep -v ' T mfa_[a-z0-9_]*@@LIBMFA_0$')
	check "every export is a function of version LIBMFA_0" \
	    test -z "$bad"
	printf '%s\n' "$bad" | sed '/^$/d; s/^/  | /'
	check "version node LIBMFA_0 defined" grep -q ' A LIBMFA_0$' "$WORK/nm"
else
	ok "# SKIP nm or objdump is missing"
fi

# ---- an edited pam_mfa.conf survives a reinstall ------------------------
printf '\n# edited\nlockout_attempts = 3\n' >>"$CONF"
cp "$CONF" "$WORK/edited"
check "make install over an edited pam_mfa.conf" destdir install
check "the edited pam_mfa.conf is not overwritten" \
    cmp -s "$WORK/edited" "$CONF"
check "make install says so" \
    grep -q "pam_mfa.conf exists: not overwritten" "$WORK/install.log"

# ---- make uninstall ------------------------------------------------------
: >"$STORE/alice"
check "make uninstall" destdir uninstall
check "the edited pam_mfa.conf is kept" cmp -s "$WORK/edited" "$CONF"
check "make uninstall says so" \
    grep -q "pam_mfa.conf differs from the shipped defaults: kept" \
    "$WORK/uninstall.log"
check "the store is kept" [ -f "$STORE/alice" ]
left=$(files)
check "nothing else is left" [ "$left" = "$(printf '%s\n%s' \
    ".$MFA_SYSCONFDIR/security/pam_mfa.conf" \
    ".$MFA_LOCALSTATEDIR/lib/pam_mfa/alice" | sort)" ]
printf '%s\n' "$left" | sed '/^$/d; s/^/  | /'

rm -f "$STORE/alice"
cp "$SHIPPED" "$CONF"
check "make uninstall" destdir uninstall
check "an unedited pam_mfa.conf is removed, and all else" [ -z "$(files)" ]
files | sed 's/^/  | /'

finish
