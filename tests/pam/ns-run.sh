#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Runs one PAM-level test program in a private mount namespace, so that
# it can own /etc/passwd, /etc/group, /etc/shadow and /dev/log without
# touching the machine:
#   - a tmpfs on a fresh directory holds everything the test writes
#     (TMPDIR points into it, and so does PAM_WRAPPER_SERVICE_DIR);
#   - copies of /etc/passwd, /etc/group and /etc/shadow on that tmpfs are
#     bind-mounted over the real ones; the test adds its users to them;
#   - /dev is replaced by a small tmpfs with bind mounts of the device
#     nodes a test needs, so the test can bind its own syslog socket at
#     /dev/log (these machines run no syslog daemon).
# All of it disappears with the namespace; the directory is removed.
#
# Usage: ns-run.sh [--module PAM_MODULE.so] [--libdir DIR] TEST [ARGS]
# Exit status: the test's, 77 (skip) without root or mount namespaces.
set -eu

if [ "${1:-}" = "--inner" ]; then
	shift
	work=$1
	shift

	mount -t tmpfs -o mode=0755,size=64m mfa-pamtest "$work"
	mkdir -m 0755 "$work/etc" "$work/dev" "$work/services"
	mkdir -m 1777 "$work/tmp"
	for f in passwd group shadow; do
		cp -p "/etc/$f" "$work/etc/$f"
		mount --bind "$work/etc/$f" "/etc/$f"
	done

	mount -t tmpfs -o mode=0755,size=1m mfa-pamtest-dev "$work/dev"
	for n in null zero full random urandom tty ptmx; do
		if [ -L "/dev/$n" ]; then
			cp -P "/dev/$n" "$work/dev/$n"
		elif [ -e "/dev/$n" ]; then
			: > "$work/dev/$n"
			mount --bind "/dev/$n" "$work/dev/$n"
		fi
	done
	for d in pts shm; do
		if [ -d "/dev/$d" ]; then
			mkdir "$work/dev/$d"
			mount --bind "/dev/$d" "$work/dev/$d"
		fi
	done
	ln -s /proc/self/fd "$work/dev/fd"
	ln -s /proc/self/fd/0 "$work/dev/stdin"
	ln -s /proc/self/fd/1 "$work/dev/stdout"
	ln -s /proc/self/fd/2 "$work/dev/stderr"
	mount --move "$work/dev" /dev

	export MFA_PAMTEST_DIR="$work"
	# The module's messages are compared in English unless a test
	# asks for another locale (MFA_PAMTEST_LOCALE, e.g. ja_JP.UTF-8).
	LC_ALL=${MFA_PAMTEST_LOCALE:-C}
	export LC_ALL
	unset LANGUAGE
	export TMPDIR="$work/tmp"
	export PAM_WRAPPER_SERVICE_DIR="$work/services"
	exec "$@"
fi

module=
libdir=
while [ $# -gt 0 ]; do
	case $1 in
	--module) module=$2; shift 2 ;;
	--libdir) libdir=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
if [ $# -eq 0 ]; then
	echo "usage: ns-run.sh [--module SO] [--libdir DIR] TEST [ARGS]" >&2
	exit 2
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "ns-run: PAM-level tests need root; skipped" >&2
	exit 77
fi
if ! command -v unshare >/dev/null 2>&1 ||
    ! unshare -m --propagation private true 2>/dev/null; then
	echo "ns-run: cannot create a mount namespace; skipped" >&2
	exit 77
fi

if [ -n "$module" ]; then
	export MFA_PAM_MODULE="$module"
fi
if [ -n "$libdir" ]; then
	LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi

work=$(mktemp -d /tmp/mfa-pamtest.XXXXXX)
trap 'rmdir "$work" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM HUP
rc=0
unshare -m --propagation private /bin/sh "$0" --inner "$work" "$@" || rc=$?
exit "$rc"
