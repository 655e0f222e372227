#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# No secret in any log line: every PAM-level hardening program (run.sh)
# copies each syslog line it received from pam_mfa.so, and every secret
# it used (TOTP secrets in base32 and hex, otpauth URIs, passwords,
# codes), into tests/harden/seclog/.  This test runs after them (make
# dependencies in Makemodule.am) and looks for every secret in every
# line: secrets as substrings, codes (and any answer made of digits
# only, such as a PIN) as whole digit runs, so that a code that happens
# to sit inside a longer number of a log line (an epoch, a refused
# config value) is not taken for a leak.
set -eu
top_builddir=${MFA_TOP_BUILDDIR:-$(pwd)}
dir=$top_builddir/tests/harden/seclog
if ! ls "$dir"/*.log >/dev/null 2>&1; then
	echo "secrets.sh: no captured logs in $dir (run the other" \
	    "tests/harden tests first)" >&2
	exit 77
fi
exec /usr/bin/python3 - "$dir" <<'PY'
import glob, os, re, sys
d = sys.argv[1]
logs = sorted(glob.glob(os.path.join(d, "*.log")))
text = "".join(open(f, encoding="utf-8", errors="replace").read()
               for f in logs)
secrets, codes = set(), set()
for f in glob.glob(os.path.join(d, "*.secrets")):
    for line in open(f, encoding="utf-8", errors="replace"):
        kind, _, value = line.rstrip("\n").partition(" ")
        if not value:
            continue
        (codes if kind == "code" else secrets).add(value)
leaks = [s for s in secrets if s in text]
digit_runs = set(re.findall(r"(?<![0-9])[0-9]+(?![0-9])", text))
leaks += sorted(codes & digit_runs)
for s in leaks:
    print("LEAK:", repr(s))
nlines = text.count("\n")
print("# %d log files, %d lines; %d secrets and %d codes checked; "
      "%d leaked" % (len(logs), nlines, len(secrets), len(codes),
                     len(leaks)))
if nlines == 0 or not secrets:
    print("FAIL: nothing was captured")
    sys.exit(1)
sys.exit(1 if leaks else 0)
PY
