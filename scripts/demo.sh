#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The main job, end to end, on a fresh Debian 12 machine (as root):
#
#	sh scripts/demo.sh
#
# Builds pam_mfa into ./_build-demo, enrols a demo user's TOTP
# authenticator with mfactl in a throwaway store, confirms it with a code
# computed by oathtool (as an authenticator app would), then logs the
# user in with password + code through real Linux-PAM (pamtester under
# pam_wrapper, loading the built pam_mfa.so), shows the prompts, the
# answers, the result and the audit log line, and shows a replayed code
# being refused.
#
# The demo user exists only inside a private mount namespace (unshare
# -m), over copies of /etc/passwd, /etc/shadow and /etc/group; /dev/log
# is a socket in a private /dev there.  No system file is changed; the
# temporary files are removed at the end.
set -eu

DEMO_USER=demo
DEMO_PASSWORD=demo-password
SERVICE=demo-login

say() {
	if [ -t 1 ]; then
		printf '\n\033[1m==> %s\033[0m\n' "$*"
	else
		printf '\n==> %s\n' "$*"
	fi
}

show_file() {
	echo "--- $1"
	sed 's/^/    /' "$1"
}

# New lines of the audit log since line $1.
show_log() {
	_i=0
	while [ "$(wc -l <"$T/syslog")" -le "$1" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	tail -n +"$(($1 + 1))" "$T/syslog" | sed 's/^/    syslog: /'
}

# login CODE: one login through Linux-PAM; sets $rc.
login() {
	_lines=$(wc -l <"$T/syslog")
	echo "\$ pamtester -v $SERVICE $DEMO_USER authenticate" \
	    "  (under pam_wrapper)"
	# pty_run.py answers the prompts on a terminal, as a person would.
	{
		rc=0
		/usr/bin/python3 "$TOP/tests/tools/pty_run.py" --show \
		    'Password: ' "$DEMO_PASSWORD" 'Verification code: ' "$1" \
		    -- env LD_PRELOAD="$PWLIB" PAM_WRAPPER=1 \
		    PAM_WRAPPER_SERVICE_DIR="$T/svc" PAM_WRAPPER_USE_SYSLOG=1 \
		    pamtester -v "$SERVICE" "$DEMO_USER" authenticate || rc=$?
		echo "$rc" >"$T/rc"
	} | sed 's/^/    /'
	rc=$(cat "$T/rc")
	echo "pamtester exit status: $rc"
	echo "audit log:"
	show_log "$_lines"
}

# ---- inside the private mount namespace ------------------------------
inner() {
	. "$TOP/tests/tools/sandbox.sh"
	sandbox_enter "$T/etc"
	sandbox_syslog "$T/syslog"
	trap 'kill "$SYSLOG_PID" 2>/dev/null' EXIT
	echo "In a private mount namespace: $(getent passwd "$DEMO_USER")"
	echo "/dev/log is a socket here, read by a small listener."

	say "Waiting for the authenticator to show its next code"
	# The confirmation spent the code of its 30-second step, and a
	# code is accepted only once: log in with the following one.
	now=$(date +%s)
	if [ $((now / 30)) -le "$CONFIRM_STEP" ]; then
		wait=$(((CONFIRM_STEP + 1) * 30 - now))
		echo "(the confirmation used this step's code; ${wait}s to go)"
		sleep "$wait"
	fi
	code=$(oathtool --totp -b "$SECRET")
	echo "\$ oathtool --totp -b SECRET    # the authenticator app"
	echo "$code"

	say "Logging in as $DEMO_USER: password, then the code"
	login "$code"
	login_rc=$rc

	say "Logging in again with the same code (a replay)"
	login "$code"
	replay_rc=$rc

	kill "$SYSLOG_PID" 2>/dev/null || :
	trap - EXIT
	say "Result"
	if [ "$login_rc" -eq 0 ] && [ "$replay_rc" -ne 0 ]; then
		echo "The login with password + code succeeded; the replayed" \
		    "code was refused."
		return 0
	fi
	echo "UNEXPECTED: login exit $login_rc (want 0), replay exit" \
	    "$replay_rc (want non-zero)"
	return 1
}

TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ "${MFA_DEMO_INNER:-}" = 1 ]; then
	inner
	exit $?
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: run me as root (I use a private mount namespace)" >&2
	exit 1
fi
cd "$TOP"

# An in-place build (./configure in the source tree, as in README's
# "Build and install") makes every out-of-tree configure refuse, also
# the re-run that make does in an existing ./_build-demo.
if [ -f config.status ]; then
	echo "demo.sh: the source tree is configured in place;" \
	    "run 'make distclean' in it first" >&2
	exit 1
fi

# quiet LOG COMMAND...: runs COMMAND with its output added to LOG, shown
# only (its last lines) when COMMAND fails.
quiet() {
	_log=$1
	shift
	if ! "$@" >>"$_log" 2>&1; then
		tail -n 40 "$_log" | sed 's/^/    /'
		echo "demo.sh: failed: $* (whole output in $_log)" >&2
		exit 1
	fi
}

B=$TOP/_build-demo
mkdir -p "$B"
say "Build dependencies (scripts/deps.sh installs what is missing)"
echo "(a fresh machine needs a few minutes here; output in" \
    "_build-demo/deps.log)"
: >"$B/deps.log"
quiet "$B/deps.log" sh scripts/deps.sh
grep -q '^deps: ' "$B/deps.log" || echo "    all installed already"
sed -n 's/^deps: /    /p' "$B/deps.log"

say "Building pam_mfa in ./_build-demo (output in _build-demo/build.log)"
: >"$B/build.log"
if [ ! -f "$B/config.status" ]; then
	quiet "$B/build.log" sh -c 'autoreconf -fi && cd "$1" &&
	    ../configure' sh "$B"
fi
quiet "$B/build.log" make -C "$B" -j2
echo "    built: pam_mfa.so, libmfa, mfactl"
MFACTL=$B/tools/mfactl
MOD=$B/pam_module/.libs/pam_mfa.so
[ -f "$MOD" ] || { echo "demo.sh: $MOD was not built" >&2; exit 1; }
PWLIB=$(pkg-config --libs pam_wrapper | tr -d ' ')
SYSPAM="$(pkg-config --variable=libdir pam)/security"

T=$(mktemp -d /tmp/pam_mfa-demo.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
mkdir -m 0700 "$T/store" "$T/svc"
: >"$T/syslog"

say "A throwaway store, configuration and PAM service in $T"
cat >"$T/pam_mfa.conf" <<EOF
# The installed defaults, with a throwaway store.
store = $T/store
require = password AND (totp OR fido2)
password = builtin
unenrolled = deny
EOF
echo "auth required $MOD config=$T/pam_mfa.conf" >"$T/svc/$SERVICE"
# Any other service name is denied.
echo "auth required $SYSPAM/pam_deny.so" >"$T/svc/other"
show_file "$T/pam_mfa.conf"
show_file "$T/svc/$SERVICE"

say "Enrolling $DEMO_USER's authenticator"
echo "\$ mfactl --config \$T/pam_mfa.conf totp add $DEMO_USER --label phone"
"$MFACTL" --config "$T/pam_mfa.conf" totp add "$DEMO_USER" --label phone \
    </dev/null >"$T/enrol.out"
sed 's/^/    /' "$T/enrol.out"
uri=$(grep '^otpauth://' "$T/enrol.out")
SECRET=$(printf '%s\n' "$uri" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
echo "(an authenticator app reads this URI from a QR code, e.g." \
    "qrencode -t ansiutf8 '<URI>')"

say "Confirming it with the code the authenticator shows"
t=$(date +%s)
code=$(oathtool --totp -b -N "@$t" "$SECRET")
CONFIRM_STEP=$((t / 30))
echo "\$ oathtool --totp -b SECRET    # the authenticator app"
echo "$code"
echo "\$ mfactl --config \$T/pam_mfa.conf totp confirm $DEMO_USER $code"
"$MFACTL" --config "$T/pam_mfa.conf" totp confirm "$DEMO_USER" "$code" |
    sed 's/^/    /'
echo "\$ mfactl --config \$T/pam_mfa.conf list $DEMO_USER"
"$MFACTL" --config "$T/pam_mfa.conf" list "$DEMO_USER" | sed 's/^/    /'

say "A private mount namespace with user $DEMO_USER" \
    "(password '$DEMO_PASSWORD')"
. "$TOP/tests/tools/sandbox.sh"
sandbox_etc "$T/etc" "$DEMO_USER" "$DEMO_PASSWORD"

export T TOP SECRET CONFIRM_STEP PWLIB DEMO_USER DEMO_PASSWORD SERVICE
unshare -m --propagation private env MFA_DEMO_INNER=1 sh "$0"
