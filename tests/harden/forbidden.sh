#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Forbidden functions in lib/, pam_module/ and tools/ (STYLE.md):
#   - memcmp( anywhere: secrets are compared with CRYPTO_memcmp or
#     ct_equal(), and a rule that needs no judgement of which buffer
#     holds a secret cannot be argued around;
#   - strcmp/strncmp/strcasecmp with an argument whose identifier
#     names a code, secret, password, PIN or token;
#   - the unbounded or unchecked string functions: strcpy, strcat,
#     sprintf, vsprintf, gets, atoi, atol, sscanf, strtok, strtok_r.
# Prints every violation (file:line: text) and the counts; exits 1 if
# there is any.  Run from anywhere: sh tests/harden/forbidden.sh
set -u
top=${MFA_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 99
files=$(ls lib/*.c lib/*.h pam_module/*.c pam_module/*.h tools/*.c \
    tools/*.h 2>/dev/null)
[ -n "$files" ] || { echo "forbidden.sh: no sources under $top" >&2; exit 99; }

n=0
rule() {
	_name=$1
	_re=$2
	_flags=$3
	# shellcheck disable=SC2086
	# Comment lines and string literals do not count.
	_hits=$(grep -Hn -- "" $files | sed 's/"[^"]*"/""/g' |
	    grep -E $_flags -- "$_re" |
	    grep -vE ':[0-9]+:[[:space:]]*(\*|/\*|//)')
	_c=0
	if [ -n "$_hits" ]; then
		_c=$(printf '%s\n' "$_hits" | wc -l)
		printf '%s\n' "$_hits" | sed "s/^/$_name: /"
	fi
	echo "# rule $_name: $_c violation(s)"
	n=$((n + _c))
}

rule memcmp '\bmemcmp[[:space:]]*\(' ""
# an argument whose identifier names a secret (lower case, as in KNF)
secretish='[a-z_>.-]*(secret|passw|pin|authtok|code|token)[a-z_0-9]*'
rule secret-strcmp \
    "\\bstrn?(case)?cmp[[:space:]]*\\(([^,;]*,)?[[:space:]]*$secretish\\b" ""
unbounded='strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|sscanf|strtok'
rule unbounded "\\b($unbounded|strtok_r)[[:space:]]*\\(" ""
echo "# $(echo "$files" | wc -w) files checked, $n violation(s)"
[ "$n" -eq 0 ]
