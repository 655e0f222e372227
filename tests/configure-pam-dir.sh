#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# configure refuses a --with-pam-dir that is not an absolute directory
# (a bare --with-pam-dir means "yes"), at once and with a message that
# names the option, instead of libtool failing at the link of
# pam_mfa.la.  The check comes before any compiler test, so each run
# stops within a second when it works.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

# A source tree configured in place refuses a second, out-of-tree one.
[ -f "$MFA_TOP_SRCDIR/config.status" ] &&
    skip_all "the source tree is configured in place"
WORK=$(mktemp -d /tmp/mfa-configure.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 99

for arg in --with-pam-dir --without-pam-dir --with-pam-dir=lib/security
do
	run "$MFA_TOP_SRCDIR/configure" "$arg"
	check "configure $arg fails" [ "$rc" -ne 0 ]
	check "configure $arg says why" contains "$err" \
	    "--with-pam-dir needs an absolute directory"
	check "configure $arg stops before the compiler checks" \
	    sh -c '! grep -q "checking whether the C compiler works" config.log'
	rm -f config.log config.status
done

finish
