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
# The bash completion (completion/mfactl) is held to the same SYNOPSIS:
# the commands, subcommands and import formats it offers, the options it
# offers after each command (its long ones, and --help, which every
# command takes) and before any, and which options it takes to have a
# value (the word after them is not an argument).  It runs in plain
# bash, without bash-completion, as batch.sh runs it.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"

MFACTL="$MFA_TOP_BUILDDIR/tools/mfactl"
# Some thousand runs: the binary itself, not libtool's wrapper script.
if [ -x "$MFA_TOP_BUILDDIR/tools/.libs/mfactl" ]; then
	MFACTL="$MFA_TOP_BUILDDIR/tools/.libs/mfactl"
	LD_LIBRARY_PATH="$MFA_TOP_BUILDDIR/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi
MAN="$MFA_TOP_SRCDIR/man/mfactl.8"
COMP="$MFA_TOP_SRCDIR/completion/mfactl"
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

# synopsis CMD [valued]: the options mfactl(8)'s SYNOPSIS gives CMD
# ("totp add"), one a line ("--label", "-h"), from each block that starts
# with .Nm; with "valued", only those followed by a value (Ar or Cm).
synopsis() {
	awk -v cmd="$1" -v valued="${2:-}" '
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
			if (($i == "Fl" || $i == ".Fl") && (valued == "" ||
			    $(i + 2) == "Ar" || $(i + 2) == "Cm"))
				opts = opts "-" $(i + 1) "\n"
	}
	END { flush() }' "$MAN" | sort -u
}

# synopsis_commands: each command of the SYNOPSIS, one a line ("totp
# add", "unlock", "status"), then the import formats ("import pam_u2f").
synopsis_commands() {
	awk '
	/^\.Sh SYNOPSIS/ { in_syn = 1; next }
	/^\.Sh / { in_syn = 0 }
	!in_syn { next }
	/^\.Nm/ { name = ""; next }
	/^\.Cm / {
		line = $0; sub(/^\.Cm /, "", line)
		n = split(line, alt, / \| /)
		for (i = 1; i <= n; i++)
			print (name == "" ? "" : name " ") alt[i]
		if (name == "")
			name = line
	}' "$MAN" | sort -u
}

# synopsis_values CMD OPT: the values the SYNOPSIS lists for CMD's
# option OPT (".Fl -algorithm Cm sha1 | sha256"), one a line.
synopsis_values() {
	awk -v cmd="$1" -v opt="${2#-}" '
	/^\.Sh SYNOPSIS/ { in_syn = 1; next }
	/^\.Sh / { in_syn = 0 }
	!in_syn { next }
	/^\.Nm/ { match_ = 0; name = ""; next }
	/^\.Cm / && name == "" {
		name = $0; sub(/^\.Cm /, "", name)
		match_ = name == cmd || name " " == substr(cmd, 1,
		    length(name) + 1)
	}
	match_ {
		for (i = 1; i < NF - 1; i++)
			if (($i == "Fl" || $i == ".Fl") && $(i + 1) == opt &&
			    $(i + 2) == "Cm")
				for (j = i + 3; j <= NF; j++)
					if ($j != "|")
						print $j
	}' "$MAN" | sort -u
}

# synopsis_global: the options of the SYNOPSIS before a command.
synopsis_global() {
	awk '
	/^\.Sh SYNOPSIS/ { in_syn = 1; next }
	/^\.Sh / { in_syn = 0 }
	!in_syn { next }
	/^\.Nm/ { cmd = 0; next }
	/^\.Cm / { cmd = 1 }
	!cmd {
		for (i = 1; i < NF; i++)
			if ($i == "Fl" || $i == ".Fl")
				print "-" $(i + 1)
	}' "$MAN" | sort -u
}

# comp WORD...: what the completion offers for the last word, sorted,
# one a line (nothing when it offers nothing).
comp() {
	(cd "$WORK/cwd" && bash --norc --noprofile -c 'source "$1"; shift
	    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mfactl
	    printf "%s\n" "${COMPREPLY[@]}"' sh "$COMP" "$@") | sed '/^$/d' |
	    sort -u
}

# same_set DESC DOC OFFERED: the two lists (one word a line) are equal;
# a check for each documented word, a failure for each other one offered.
same_set() {
	_doc=" $(printf '%s\n' "$2" | tr '\n' ' ') "
	_got=" $(printf '%s\n' "$3" | tr '\n' ' ') "
	for _w in $2; do
		case $_got in
		*" $_w "*) ok "$1: $_w offered" ;;
		*) not_ok "$1: $_w documented, not offered" ;;
		esac
	done
	for _w in $3; do
		case $_doc in
		*" $_w "*) ;;
		*) not_ok "$1: $_w offered, not documented" ;;
		esac
	done
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

# ---- the bash completion against the SYNOPSIS ----------------------------
if ! command -v bash >/dev/null 2>&1; then
	echo "# bash missing: the completion checks skipped"
	finish
	exit
fi
# A directory with a file, where the completion of file names runs.
mkdir "$WORK/cwd" && : >"$WORK/cwd/users.txt" || exit 99
check "completion loads without bash-completion" [ -n "$(comp mfactl '')" ]
commands=$(synopsis_commands)
check "SYNOPSIS commands found" sh -c "[ \$(echo '$commands' | wc -l) -ge 10 ]"
same_set "completion of the commands" \
    "$(printf '%s\n' "$commands" | cut -d' ' -f1 | sort -u)" \
    "$(comp mfactl '')"
for cmd in $(printf '%s\n' "$commands" | awk 'NF > 1 { print $1 }' |
    sort -u); do
	same_set "completion after $cmd" \
	    "$(printf '%s\n' "$commands" | awk -v c="$cmd" '$1 == c {
	    print $2 }' | sort -u)" "$(comp mfactl "$cmd" '')"
done
same_set "completion of the global options" \
    "$(synopsis_global | grep -- '^--')" "$(comp mfactl -)"

# The options of each command: its long ones and --help.  A value's word
# is not an argument: after "--opt VALUE" the first argument is
# completed as without the option, after "--flag WORD" the second.
for cmd in "totp add" "totp confirm" "fido2 add" list remove rename \
    recovery unlock status check "import pam_oath"; do
	# shellcheck disable=SC2086
	set -- $cmd
	same_set "completion of $cmd options" \
	    "$( (synopsis "$cmd" | grep -- '^--'; echo --help) | sort -u)" \
	    "$(comp mfactl "$@" -)"
	valued=" $(synopsis "$cmd" valued | tr '\n' ' ')"
	for opt in $(synopsis "$cmd" | grep -- '^--'); do
		case $opt in
		--batch) continue ;;	# no arguments then (batch.sh)
		esac
		case $valued in
		*" $opt "*)
			check "completion: $cmd $opt takes a value" [ \
			    "$(comp mfactl "$@" "$opt" v1 '')" = \
			    "$(comp mfactl "$@" '')" ]
			values=$(synopsis_values "$cmd" "$opt")
			[ -z "$values" ] || same_set \
			    "completion of $cmd $opt values" "$values" \
			    "$(comp mfactl "$@" "$opt" '')" ;;
		*)
			check "completion: $cmd $opt takes no value" [ \
			    "$(comp mfactl "$@" "$opt" w1 '')" = \
			    "$(comp mfactl "$@" w1 '')" ] ;;
		esac
	done
done

finish
