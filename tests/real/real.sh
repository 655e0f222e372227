# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the tests/real/*.sh tests, which run real login programs
# (sshd, su, login, pamtester, pam-auth-update) against a "make install"
# of this build into a throwaway DESTDIR.  Sourced, POSIX sh, as root.
#
# Nothing outside the test's work directory is changed.  Each test runs
# its logins inside a private mount namespace (unshare -m) where
#   - /etc/passwd, /etc/shadow and /etc/group are copies with the test
#     users added (tests/tools/sandbox.sh), /dev is a tmpfs with its own
#     pseudo-terminals and a /dev/log listener;
#   - /etc/pam.d, the system PAM module directory (plus the DESTDIR's
#     pam_mfa.so), the directory of the compiled-in pam_mfa.conf and
#     /etc/ld.so.cache (plus the DESTDIR's libdir, so that setuid
#     programs such as su, which ignore LD_LIBRARY_PATH, find libmfa)
#     are private copies;
#   - /run and /var/log are empty tmpfs (utmp, wtmp, btmp, lastlog,
#     /run/sshd), /var/cache/ldconfig a private copy.
# The namespace, and with it every mount, ends with its last process.
. "$MFA_TOP_SRCDIR/tests/tools/common.sh"
. "$MFA_TOP_SRCDIR/tests/tools/sandbox.sh"

# shellcheck disable=SC2034
EXAMPLES=$MFA_TOP_SRCDIR/examples
# The tests wait for the English prompts ("Password:", "Verification
# code:", "Login incorrect"): the C locale for them and every program
# they start (tmux panes, sshd, su, login).
LC_ALL=C
export LC_ALL
unset LANGUAGE LANG

# real_require CMD...: skips the test unless every CMD is found.
real_require() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 ||
		    skip_all "$_c is missing (Debian: see README, tests/real)"
	done
}

# real_no_sanitizers: skips the test in an --enable-sanitizers build.
# sshd, su, login and sudo are not sanitized and a sanitized pam_mfa.so
# needs the ASan runtime loaded first, which setuid programs and sshd's
# re-executed children do not allow (LD_PRELOAD is dropped); the
# PAM-level tests cover the module under the sanitizers.
real_no_sanitizers() {
	[ -z "${MFA_SAN_PRELOAD:-}" ] ||
	    skip_all "real login programs cannot load a sanitized module"
}

# real_prepare NAME: root, namespaces, a work directory, and a make
# install into $D.  Sets WORK, D, MOD, MFACTL_I, LIBD, SYSPAM, CONF.
real_prepare() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, su, sshd)"
	real_require unshare mount openssl oathtool getent ldconfig \
	    pkg-config timeout
	unshare -m true 2>/dev/null ||
	    skip_all "cannot unshare a mount namespace"
	SYSPAM="$(pkg-config --variable=libdir pam 2>/dev/null)/security"
	[ -f "$SYSPAM/pam_unix.so" ] || skip_all "pam_unix.so not found"
	WORK=$(mktemp -d "/tmp/mfa-real-$1.XXXXXX") || exit 99
	# The test users' homes are in here.
	chmod 0755 "$WORK"
	trap 'real_cleanup' EXIT
	trap 'exit 1' HUP INT TERM
	: >"$WORK/syslog"
	mkdir -m 0700 "$WORK/store"
	mkdir "$WORK/home"
	unset MAKEFLAGS MFLAGS MAKELEVEL
	D=$WORK/root
	if ! real_make_install && ! real_make_install; then
		cat "$WORK/install.log"
		not_ok "make install DESTDIR"
		finish
		exit 1
	fi
	ok "make install DESTDIR=$D"
	MOD=$D$MFA_PAMDIR/pam_mfa.so
	MFACTL_I=$D$MFA_SBINDIR/mfactl
	LIBD=$D$MFA_LIBDIR
	if [ ! -f "$MOD" ] || [ ! -x "$MFACTL_I" ]; then
		not_ok "pam_mfa.so and mfactl installed"
		finish
		exit 1
	fi
	CONF=$WORK/pam_mfa.conf
	real_conf builtin
	mkdir -p "$WORK/etc" &&
	cp /etc/passwd /etc/group "$WORK/etc/" &&
	cp -p /etc/shadow "$WORK/etc/" || exit 99
	export WORK D MOD MFACTL_I LIBD SYSPAM CONF
}

# real_make_install: make install DESTDIR=$D.  Two at a time in one
# build tree collide (libtool relinks pam_mfa.la there while installing
# it), so under make check -j the tests take turns, with flock(1) on a
# lock file in the build tree.
real_make_install() {
	_lock=$MFA_TOP_BUILDDIR/tests/real/install.lock
	mkdir -p "$MFA_TOP_BUILDDIR/tests/real"
	# $MAKE may be a command with arguments.
	# shellcheck disable=SC2086
	if command -v flock >/dev/null 2>&1; then
		flock -w 300 "$_lock" sh \
		    "$MFA_TOP_SRCDIR/tests/install-destdir.sh" "$D" \
		    >"$WORK/install.log" 2>&1
	else
		sh "$MFA_TOP_SRCDIR/tests/install-destdir.sh" "$D" \
		    >"$WORK/install.log" 2>&1
	fi
}

# real_cleanup: the EXIT trap outside the namespace.
real_cleanup() {
	rm -rf "$WORK"
}

# real_conf MODE: the test configuration (password = MODE), in $CONF;
# inside the namespace it is also at the compiled-in path.
real_conf() {
	cat >"$CONF" <<EOF
# pam_mfa test configuration (tests/real)
store = $WORK/store
fail_delay = 0
totp_window = 1
lockout_attempts = 5
password = $1
EOF
	if [ "${MFA_IN_NS:-}" = 1 ]; then
		cp "$CONF" "$MFA_SYSCONFDIR/security/pam_mfa.conf"
	fi
}

# real_user NAME UID PASSWORD: a user with a real shell (/bin/sh) and a
# home directory in $WORK/home, in the private passwd/shadow/group.
real_user() {
	_hash=$(printf '%s\n' "$3" | openssl passwd -6 -stdin) || exit 99
	mkdir -m 0700 "$WORK/home/$1" && chown "$2:$2" "$WORK/home/$1" ||
	    exit 99
	echo "$1:x:$2:$2:pam_mfa test:$WORK/home/$1:/bin/sh" \
	    >>"$WORK/etc/passwd"
	echo "$1:$_hash:19000:0:99999:7:::" >>"$WORK/etc/shadow"
	echo "$1:x:$2:" >>"$WORK/etc/group"
}

# real_enrol USER: enrols and confirms a TOTP credential with the
# installed mfactl; prints the secret.  The code of the previous time
# step confirms it, so the current one is still unused.
real_enrol() {
	_uri=$(LD_LIBRARY_PATH=$LIBD "$MFACTL_I" --config "$CONF" \
	    totp add "$1" --label real-test </dev/null 2>"$WORK/enrol.err" |
	    grep '^otpauth://')
	_secret=$(uri_param "$_uri" secret)
	[ -n "$_secret" ] || { cat "$WORK/enrol.err" >&2; return 1; }
	LD_LIBRARY_PATH=$LIBD "$MFACTL_I" --config "$CONF" totp confirm \
	    "$1" "$(totp "$_secret" sha1 6 -30)" >/dev/null 2>&1 ||
	    return 1
	echo "$_secret"
}

# real_private_dir DIR: inside the namespace, DIR becomes a private
# copy of itself (created, within a private copy of its parent, when it
# does not exist).  Refuses to copy /, /usr, /etc, /var, /opt or /home.
real_private_dir() {
	_pd=$1
	while [ ! -d "$_pd" ]; do
		_pd=$(dirname "$_pd")
	done
	case $_pd in
	/ | /usr | /etc | /var | /opt | /home) return 1 ;;
	esac
	_copy=$WORK/private$(printf '%s' "$_pd" | tr / _)
	if [ ! -e "$_copy" ]; then
		cp -a "$_pd" "$_copy" && mount --bind "$_copy" "$_pd" ||
		    return 1
	fi
	mkdir -p "$1"
}

# real_enter: sets up the namespace (see the top of this file) and
# starts the /dev/log listener (SYSLOG_PID).
real_enter() {
	sandbox_enter "$WORK/etc" || return 1
	mount -t tmpfs -o mode=0755,size=8m tmpfs /run &&
	mkdir -m 0755 /run/sshd &&
	mount -t tmpfs -o mode=0755,size=8m tmpfs /var/log || return 1
	for _f in wtmp btmp lastlog; do
		: >"/var/log/$_f"
	done
	chmod 0600 /var/log/btmp
	real_private_dir /etc/pam.d &&
	real_private_dir "$SYSPAM" &&
	cp "$MOD" "$SYSPAM/pam_mfa.so" &&
	real_private_dir "$MFA_SYSCONFDIR/security" &&
	cp "$CONF" "$MFA_SYSCONFDIR/security/pam_mfa.conf" || return 1
	# libmfa for every program, setuid ones included.
	[ -d /var/cache/ldconfig ] && { real_private_dir /var/cache/ldconfig ||
	    return 1; }
	printf 'include /etc/ld.so.conf.d/*.conf\n%s\n' "$LIBD" \
	    >"$WORK/ld.so.conf"
	ldconfig -X -C "$WORK/ld.so.cache" -f "$WORK/ld.so.conf" &&
	mount --bind "$WORK/ld.so.cache" /etc/ld.so.cache || return 1
	sandbox_syslog "$WORK/syslog"
}

# real_install_pamd SERVICE FILE: FILE becomes /etc/pam.d/SERVICE in
# the namespace, unchanged.
real_install_pamd() {
	cp "$2" "/etc/pam.d/$1"
}

# wait_for SECONDS COMMAND...: retries COMMAND every 0.2 s until it
# succeeds or SECONDS have passed.
wait_for() {
	_n=$(($1 * 5))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

# log_mark: remembers where the audit log is; log_since prints the
# lines after the mark, once the listener has written at least one
# (waits up to 3 s).
log_mark() {
	_mark=$(wc -l <"$WORK/syslog")
}
_log_grew() {
	[ "$(wc -l <"$WORK/syslog")" -gt "$_mark" ]
}
log_since() {
	wait_for 3 _log_grew
	sleep 0.2
	last_log=$(tail -n +"$((_mark + 1))" "$WORK/syslog")
	printf '%s\n' "$last_log" | sed 's/^/  log: /' >&2
}

# audit DESC ERE: an audit line since the mark matches.
audit() {
	check "$1" matches "$last_log" "$2"
}

# real_run_ns SCRIPT: runs SCRIPT again inside a private mount
# namespace with MFA_IN_NS=1 (the caller's "inner" part).
real_run_ns() {
	unshare -m --propagation private env MFA_IN_NS=1 ntests="$ntests" \
	    nfailed="$nfailed" sh "$1"
}
