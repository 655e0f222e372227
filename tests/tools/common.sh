# SPDX-License-Identifier: BSD-2-Clause
# Helpers shared by the tests/tools/*.sh tests (sourced, POSIX sh).
# The Makefile passes MFA_TOP_SRCDIR, MFA_TOP_BUILDDIR and friends.

: "${MFA_TOP_SRCDIR:?run through make check}"
: "${MFA_TOP_BUILDDIR:?run through make check}"
# shellcheck disable=SC2034
PYTHON=/usr/bin/python3
# shellcheck disable=SC2034
PTY_RUN="$MFA_TOP_SRCDIR/tests/tools/pty_run.py"
ntests=${ntests:-0}
nfailed=${nfailed:-0}

ok() {
	ntests=$((ntests + 1))
	echo "ok $ntests - $*"
}

not_ok() {
	ntests=$((ntests + 1))
	nfailed=$((nfailed + 1))
	echo "not ok $ntests - $*"
}

# check DESC COMMAND...: passes when COMMAND succeeds.
check() {
	_desc=$1
	shift
	if "$@"; then ok "$_desc"; else not_ok "$_desc"; fi
}

skip_all() {
	echo "SKIP: $*"
	exit 77
}

finish() {
	echo "$ntests checks, $nfailed failed"
	[ "$nfailed" -eq 0 ]
}

# run COMMAND...: runs it; $rc, $out (stdout) and $err (stderr) get the
# results.  Standard input is /dev/null unless RUN_STDIN names a file.
run() {
	"$@" <"${RUN_STDIN:-/dev/null}" >"$WORK/run.out" 2>"$WORK/run.err"
	rc=$?
	out=$(cat "$WORK/run.out")
	err=$(cat "$WORK/run.err")
	echo "  \$ $*  -> $rc"
	{
		[ -z "$out" ] || printf '%s\n' "$out"
		[ -z "$err" ] || printf '%s\n' "$err"
	} | sed 's/^/  | /'
}

# expect_rc N DESC COMMAND...
expect_rc() {
	_want=$1
	_desc=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$_want" ]; then
		ok "$_desc (exit $_want)"
	else
		not_ok "$_desc: exit $rc, want $_want"
	fi
}

# expect_fail_line DESC COMMAND...: exit 1 and exactly one stderr line
# "mfactl: ...".
expect_fail_line() {
	_desc=$1
	shift
	run "$@"
	_n=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" -eq 1 ] && [ "$_n" -eq 1 ] &&
	    printf '%s\n' "$err" | grep -q '^mfactl: '; then
		ok "$_desc"
	else
		not_ok "$_desc: exit $rc, $_n stderr lines"
	fi
}

# contains STRING SUBSTRING
contains() {
	case $1 in *"$2"*) return 0 ;; esac
	return 1
}

# uri_param URI NAME: prints the value of query parameter NAME.
uri_param() {
	printf '%s\n' "${1#*\?}" | tr '&' '\n' | sed -n "s/^$2=//p"
}

# totp SECRET ALG DIGITS [SECONDS-FROM-NOW]: the code an authenticator
# app shows (oathtool).
totp() {
	_t=$(( $(date +%s) + ${4:-0} ))
	oathtool --totp="$2" -d "$3" -b -N "@$_t" "$1"
}

# wrong_code SECRET ALG DIGITS: a well-formed code that is not valid in
# any step near now.
wrong_code() {
	_valid=" $(totp "$1" "$2" "$3" -90) $(totp "$1" "$2" "$3" -60)"
	_valid="$_valid $(totp "$1" "$2" "$3" -30) $(totp "$1" "$2" "$3")"
	_valid="$_valid $(totp "$1" "$2" "$3" 30) $(totp "$1" "$2" "$3" 60) "
	_c=1
	while :; do
		_code=$(printf "%0${3}d" "$_c")
		case $_valid in *" $_code "*) ;; *) break ;; esac
		_c=$((_c + 1))
	done
	echo "$_code"
}

# matches TEXT ERE: some line of TEXT matches.
matches() {
	printf '%s\n' "$1" | grep -Eq -- "$2"
}

# lacks STRING SUBSTRING
lacks() {
	! contains "$1" "$2"
}
