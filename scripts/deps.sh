#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Installs the Debian 12 packages needed to build and test pam_mfa, if any
# is missing.  Needs root (apt-get); does nothing when all are present.
set -eu
PKGS="build-essential autoconf automake libtool pkg-config
libpam0g-dev liboath-dev libfido2-dev libssl-dev libcrypt-dev
libcmocka-dev libpamtest0-dev libpam-wrapper libnss-wrapper
pamtester oathtool mandoc python3 python3-pexpect util-linux
libpam-modules libcbor-dev fido2-tools clang libclang-rt-14-dev
openssh-server openssh-client tmux sudo login libpam-runtime
gettext autopoint locales libpskc-dev libxml2-dev libaudit-dev auditd libqrencode-dev
libpng-dev zbar-tools valgrind cppcheck clang-tidy openssl strace"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
