#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Usage: sh tests/install-destdir.sh DESTDIR [TARGET]
#
# "make install DESTDIR=..." of this build for the tests that need an
# installed tree (pamtester.sh, tests/real, tests/i18n), done from a
# copy of the build tree; TARGET "uninstall" runs "make uninstall
# DESTDIR=..." instead (tests/tools/install.sh).  libtool relinks
# pam_mfa.so and mfactl while installing them; in the build tree
# itself that swaps out, for a moment, the pam_mfa.so that the
# PAM-level tests running in parallel load, which then fail with
# "Module is unknown".  The copy's libtool files are pointed at the
# copy, so the relink happens there.
set -eu
dest=$1
target=${2:-install}
case $target in
install | uninstall) ;;
*) echo "install-destdir: unknown target $target" >&2; exit 2 ;;
esac
top=${MFA_TOP_BUILDDIR:?MFA_TOP_BUILDDIR is not set}
# A sibling of the build tree: a build configured with a relative
# srcdir (../configure) finds its sources from the copy too.
tmp=$(mktemp -d "$(dirname "$top")/.mfa-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Test logs change while we copy; tar says so with status 1.
rc=0
tar -C "$top" -cf - --exclude='*.log' --exclude='*.trs' \
    --exclude='./tests/*/crashes' --exclude='./_build*' . 2>/dev/null |
    tar -C "$tmp" -xf - || rc=$?
[ "$rc" -le 1 ] || { echo "install-destdir: copy failed" >&2; exit 1; }
# Relink commands and wrapper scripts name the build tree: the copy.
grep -rl --include='*.la' -e "$top" "$tmp" 2>/dev/null |
    while read -r f; do
	sed -i "s|$top|$tmp|g" "$f"
done
for f in "$tmp/tools/mfactl"; do
	[ -f "$f" ] && sed -i "s|$top|$tmp|g" "$f"
done
unset MAKEFLAGS MFLAGS MAKELEVEL
# $MAKE may be a command with arguments.
# shellcheck disable=SC2086
${MAKE:-make} -C "$tmp" "$target" DESTDIR="$dest"
