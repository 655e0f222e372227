# SPDX-License-Identifier: BSD-2-Clause
# A private login environment for tests/tools/pamtester.sh and
# scripts/demo.sh (sourced, POSIX sh, run as root).  The real /etc and
# /dev are never changed: sandbox_enter only mounts things inside a
# private mount namespace (unshare -m --propagation private), which
# ends with its last process.

# sandbox_etc DIR USER PASSWORD: copies of /etc/passwd, /etc/shadow and
# /etc/group in DIR with USER (uid and gid 4242) added, whose password
# is PASSWORD (SHA-512 crypt, made by openssl passwd -6).
sandbox_etc() {
	mkdir -p "$1" &&
	cp /etc/passwd /etc/group "$1/" &&
	cp -p /etc/shadow "$1/" || return 1
	_hash=$(printf '%s\n' "$3" | openssl passwd -6 -stdin) || return 1
	echo "$2:x:4242:4242:pam_mfa demo:/nonexistent:/usr/sbin/nologin" \
	    >>"$1/passwd"
	echo "$2:$_hash:19000:0:99999:7:::" >>"$1/shadow"
	echo "$2:x:4242:" >>"$1/group"
}

# sandbox_enter DIR: inside the namespace, mounts DIR's passwd, shadow
# and group over /etc's, and a tmpfs over /dev with the few device
# nodes needed (bound from the real /dev), its own pseudo-terminals,
# and room for a /dev/log socket.
sandbox_enter() {
	for _f in passwd shadow group; do
		mount --bind "$1/$_f" "/etc/$_f" || return 1
	done
	mkdir -p "$1/olddev" &&
	mount --bind /dev "$1/olddev" &&
	mount -t tmpfs -o mode=0755,size=1m tmpfs /dev || return 1
	for _n in null zero full random urandom tty; do
		touch "/dev/$_n" &&
		mount --bind "$1/olddev/$_n" "/dev/$_n" || return 1
	done
	mkdir /dev/pts &&
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts \
	    /dev/pts || return 1
	# ptmx must sit next to its devpts for the kernel to find it.
	ln -s pts/ptmx /dev/ptmx &&
	ln -s /proc/self/fd /dev/fd &&
	ln -s /proc/self/fd/0 /dev/stdin &&
	ln -s /proc/self/fd/1 /dev/stdout &&
	ln -s /proc/self/fd/2 /dev/stderr
}

# sandbox_syslog FILE: receives syslog(3) datagrams on /dev/log and
# appends them to FILE, one per line (without the <priority> prefix);
# SYSLOG_PID gets the listener's process id.
sandbox_syslog() {
	/usr/bin/python3 -u -c '
import re, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
out = open(sys.argv[1], "a", buffering=1)
while True:
    msg = s.recv(8192).decode("utf-8", "replace").rstrip("\n")
    out.write(re.sub(r"^<[0-9]+>", "", msg) + "\n")
' "$1" &
	# shellcheck disable=SC2034
	SYSLOG_PID=$!
	_i=0
	while [ ! -S /dev/log ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -S /dev/log ]
}
