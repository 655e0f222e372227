# SPDX-License-Identifier: BSD-2-Clause
# Helpers shared by the tests/tools/*.sh tests (sourced, POSIX sh).
# The Makefile passes MFA_TOP_SRCDIR, MFA_TOP_BUILDDIR and friends.

: "${MFA_TOP_SRCDIR:?run through make check}"
: "${MFA_TOP_BUILDDIR:?run through make check}"
# The tests match mfactl's English messages.
LC_ALL=C
export LC_ALL
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
	# Never in a step's last 3 seconds: the code is used right after,
	# and a slow run (sanitizers, a loaded machine) must not see the
	# step change in between and the code fall out of the window.  A
	# code of a past step is good only until the step changes: 10.
	if [ "${4:-0}" -lt 0 ]; then
		fresh_step 10
	else
		fresh_step 4
	fi
	_t=$(( $(date +%s) + ${4:-0} ))
	oathtool --totp="$2" -d "$3" -b -N "@$_t" "$1"
}

# fresh_step SECONDS: waits, if need be, for the next 30 s time step, so
# that at least SECONDS of the current one are left.
fresh_step() {
	_left=$(( 30 - $(date +%s) % 30 ))
	[ "$_left" -ge "$1" ] || sleep "$_left"
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

# mfactl_binary: MFACTL becomes the program itself rather than libtool's
# wrapper script, for tests that preload shims (nss_wrapper, vfido, the
# audit shim; in a sanitizer build the sanitizer runtime that
# MFA_SAN_PRELOAD names): they are for mfactl, not for the wrapper's
# shell and sed, whose leak reports would land on mfactl's standard
# error.  libmfa is found through LD_LIBRARY_PATH.
mfactl_binary() {
	MFACTL="$MFA_TOP_BUILDDIR/tools/.libs/mfactl"
	[ -x "$MFACTL" ] || MFACTL="$MFA_TOP_BUILDDIR/tools/mfactl"
	_libs=$MFA_TOP_BUILDDIR/lib/.libs
	LD_LIBRARY_PATH="$_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
}

# nobody_can_run: succeeds when setpriv is there and uid 65534 can
# execute $MFACTL, for the checks that mfactl refuses a non-root user.
# A build tree under a directory others cannot enter, such as /root
# (mode 0700 on Debian, where "as root, in the source tree" puts a
# clone), cannot be: those checks are then skipped with a note, rather
# than failing on the shell's "Permission denied".
nobody_can_run() {
	command -v setpriv >/dev/null 2>&1 || return 1
	if ! setpriv --reuid=65534 --regid=65534 --clear-groups \
	    test -x "$MFACTL"; then
		echo "# uid 65534 cannot reach $MFACTL: non-root checks skipped"
		return 1
	fi
}

# nss_env DIR: a passwd and a group file in DIR for nss_wrapper (made
# by the caller); prints the environment words that make a program see
# them (for env(1)).  Returns 1 when nss_wrapper is missing.
nss_env() {
	_lib=$(pkg-config --libs nss_wrapper 2>/dev/null | tr -d " ")
	[ -f "$_lib" ] || return 1
	echo "LD_PRELOAD=${MFA_SAN_PRELOAD:+$MFA_SAN_PRELOAD:}$_lib" \
	    "NSS_WRAPPER_PASSWD=$1/passwd NSS_WRAPPER_GROUP=$1/group"
}

# state_set FILE KEY=VALUE...: rewrites a user's state file (see
# pam_mfa-store(5)) as a login would: the newer slot with the changes
# ("failures=N", "locked-until=T", "used.ID=T") goes into the other
# slot with the next sequence number and a fresh checksum.
state_set() {
	"$PYTHON" - "$@" <<'PYEOF'
import hashlib, re, sys
path, changes = sys.argv[1], sys.argv[2:]
SLOT = 4096
data = open(path, "rb").read()
assert len(data) == 2 * SLOT, "state file of unexpected size"
best = None
for i in range(2):
    text = data[i * SLOT:(i + 1) * SLOT].rstrip(b"\0").decode()
    m = re.search(r"^sha256 ([0-9a-f]{64})$", text, re.M)
    if not m or hashlib.sha256(text[:m.start()].encode()).hexdigest() \
            != m.group(1):
        continue
    seq = int(re.search(r"^seq (\d+)$", text, re.M).group(1))
    if best is None or seq > best[1]:
        best = (i, seq, text[:m.start()])
i, seq, body = best
body = re.sub(r"^seq \d+$", "seq %d" % (seq + 1), body, flags=re.M)
for ch in changes:
    key, value = ch.split("=", 1)
    if key.startswith("used."):
        body = re.sub(r"^(cred %s .*used )\d+$" % key[5:],
                      lambda m: m.group(1) + value, body, flags=re.M)
    else:
        body = re.sub(r"^%s \d+$" % key, "%s %s" % (key, value), body,
                      flags=re.M)
text = body + "sha256 " + hashlib.sha256(body.encode()).hexdigest() + "\n"
slot = text.encode().ljust(SLOT, b"\0")
other = 1 - i
out = data[:other * SLOT] + slot + data[(other + 1) * SLOT:]
open(path, "r+b").write(out)
PYEOF
}
