#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every man page passes mandoc's linter at warning level.
set -u
top=${MFA_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
if ! command -v mandoc >/dev/null 2>&1; then
	echo "SKIP: mandoc not installed"
	exit 77
fi
pass=0
fail=0
for page in "$top"/man/*.[0-9]; do
	if out=$(mandoc -Tlint -Wwarning "$page" 2>&1) && [ -z "$out" ]; then
		echo "ok - $(basename "$page")"
		pass=$((pass + 1))
	else
		echo "not ok - $(basename "$page")"
		printf '%s\n' "$out"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
