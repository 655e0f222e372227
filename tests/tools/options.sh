#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The options each mfactl command accepts are the ones mfactl(8) and the
# command's --help document: no hidden short options (a trap: "-a" that
# is --algorithm for totp add and --assign for import), no documented
# option the parser refuses.  What a command accepts is found by asking
# it: every letter as a short option, and every long option name that
# appears in an option table of tools/, which the parser either takes or
# reports as "unknown option".  Needs no root: options are parsed before
# anything is opened.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

MFACTL="$MFA_TOP_BUILDDIR/tools/mfactl"
# Some thousand runs: the binary itself, not libtool's wrapper script.
if [ -x "$MFA_TOP_BUILDDIR/tools/.libs/mfactl" ]; then
	MFACTL="$MFA_TOP_BUILDDIR/tools/.libs/mfactl"
	LD_LIBRARY_PATH="$MFA_TOP_BUILDDIR/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi
MAN="$MFA_TOP_SRCDIR/man/mfactl.8"
WORK=$(mktemp -d /tmp/mfactl-opts.XXXXXX) || exit 99
trap 'rm -rf "$WORK"' EXIT

# The candidates: every long option name of every table in tools/
# ({ "name", x_argument), and every letter of every short option string
# (getopt_long(argc, argv, ":l:h", ...)) or that names a case, plus a
# few usual ones.  Which of them a command takes, it answers itself.
sed -n 's/.*{ *"\([a-z0-9-]*\)", *[a-z_]*_argument.*/\1/p' \
    "$MFA_TOP_SRCDIR"/tools/*.c "$MFA_TOP_SRCDIR"/tools/*.h |
    sort -u >"$WORK/longnames"
letters=$( {
	sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' \
	    "$MFA_TOP_SRCDIR"/tools/*.c
	sed -n "s/.*case '\\(.\\)':.*/\\1/p" "$MFA_TOP_SRCDIR"/tools/*.c
	echo "hvVnqfyo"
} | tr -cd 'a-zA-Z0-9' | fold -w1 | sort -u)
check "option tables found in tools/" \
    sh -c "[ \$(wc -l <'$WORK/longnames') -ge 10 ]"
check "short option strings found in tools/" \
    sh -c "printf '%s\n' '$letters' | grep -q '^j\$'"

# synopsis CMD: the options mfactl(8)'s SYNOPSIS gives CMD ("totp add"),
# one a line ("--label", "-h"), from each block that starts with .Nm.
synopsis() {
	awk -v cmd="$1" '
	function flush() {
		if (match_)
			printf "%s", opts
		opts = ""; name = ""; match_ = 0
	}
	/^\.Sh SYNOPSIS/ { in_syn = 1; next }
	/^\.Sh / { if (in_syn) flush(); in_syn = 0 }
	!in_syn { next }
	/^\.Nm/ { flush(); next }
	/^\.Cm / && name == "" {
		name = $0; sub(/^\.Cm /, "", name)
		n = split(name, alt, / \| /)
		for (i = 1; i <= n; i++)
			if (alt[i] == cmd || alt[i] " " == substr(cmd, 1,
			    length(alt[i]) + 1))
				match_ = 1
	}
	{
		for (i = 1; i < NF; i++)
			if ($i == "Fl" || $i == ".Fl")
				opts = opts "-" $(i + 1) "\n"
	}
	END { flush() }' "$MAN" | sort -u
}

# accepts CMD... -- OPT: whether the parser of CMD takes OPT.
accepts() {
	"$MFACTL" "$@" >/dev/null 2>"$WORK/err" </dev/null
	! grep -q 'unknown option' "$WORK/err"
}

# Each command, as typed before its options (import names a format).
for cmd in "totp add" "totp confirm" "fido2 add" list remove rename \
    recovery unlock status check "import pam_oath"; do
	# shellcheck disable=SC2086
	set -- $cmd
	doc=$(synopsis "$cmd")
	"$MFACTL" "$@" --help >"$WORK/help" 2>&1
	check "$cmd: mfactl(8) SYNOPSIS has the command" \
	    [ -n "$doc" ]
	accepted=
	for l in $letters; do
		accepts "$@" "-$l" && accepted="$accepted -$l"
	done
	while read -r name; do
		accepts "$@" "--$name" && accepted="$accepted --$name"
	done <"$WORK/longnames"
	for opt in $accepted; do
		case $opt in
		-h | --help)
			# Documented once for all the commands.
			check "$cmd: $opt documented for every command" \
			    sh -c "tr '\n' ' ' <'$MAN' | grep -q \
'Each command also takes .Fl h and .Fl -help '"
			continue ;;
		esac
		check "$cmd: accepted option $opt is in mfactl(8) SYNOPSIS" \
		    sh -c "printf '%s\n' '$doc' | grep -qx -- '$opt'"
		case $opt in
		--store | --config) continue ;;
		esac
		check "$cmd: accepted option $opt is in its --help" \
		    grep -Eq -- "(^|[[ ])$opt([] =]|\$)" "$WORK/help"
	done
	for opt in $doc; do
		case " $accepted " in
		*" $opt "*) ok "$cmd: documented option $opt is accepted" ;;
		*) not_ok "$cmd: documented option $opt is refused" ;;
		esac
	done
done

# The global options: -h, --help, --version, --store, --config.
for opt in -V -v -s -c; do
	expect_rc 2 "no global short option $opt" "$MFACTL" "$opt" list
done

finish
