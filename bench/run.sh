#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The benchmark (bench/README.md): run by "make bench" as root.
#   BENCH_QUICK=1	small populations and counts, for development
#   BENCH_POPS="..."	populations (default 100 10000 100000)
#   BENCH_ROUNDS=R	rounds of the alternating loop (default 4)
#   BENCH_WORK=DIR	work directory (default: a new one in /var/tmp,
#			removed at the end unless BENCH_KEEP=1)
#   BENCH_OUT=DIR	where results.md and the plot go (default: the
#			source tree's bench/)
# Installs its own missing Debian packages (the anchor modules, nss
# wrappers, gnuplot).  The real /etc, /dev and /var/lib/misc are never
# changed: the logins run in a private mount namespace.
set -eu
: "${BENCH_BUILDDIR:?run through make bench}" "${BENCH_SRCDIR:?}"
S=$BENCH_SRCDIR/bench
B=$BENCH_BUILDDIR
DRV=$B/bench/mfa-bench
ENROL=$B/bench/bench-enrol
PASSWORD=bench-password
PIN=4321

# ---- inside the namespace: the measurements ------------------------------
inner() {
	. "$BENCH_SRCDIR/tests/tools/sandbox.sh"
	sandbox_enter "$WORK/etc" || exit 1
	mount --bind "$WORK/misc" /var/lib/misc
	: >"$WORK/syslog"
	sandbox_syslog "$WORK/syslog" || exit 1
	trap 'kill "$SYSLOG_PID" 2>/dev/null || :' EXIT
	NSSENV="LD_PRELOAD=$NSSW NSS_WRAPPER_PASSWD=$WORK/etc/passwd"
	NSSENV="$NSSENV NSS_WRAPPER_GROUP=$WORK/etc/group"
	NSSENV="$NSSENV NSS_WRAPPER_MODULE_SO_PATH=$NSSDB"
	NSSENV="$NSSENV NSS_WRAPPER_MODULE_FN_PREFIX=db"
	# The virtual key keeps its state (counter, PIN retries) on a
	# tmpfs, as a real key keeps it in its own flash: its six syncs
	# a login on this disk moved a FIDO2 p50 by about 0.5 ms from run
	# to run, more than the modules differ (bench/README.md).
	if [ -f "$WORK/vfido.state" ]; then
		mkdir -p "$WORK/key"
		mount -t tmpfs -o size=4m,mode=0700 tmpfs "$WORK/key"
		cp -p "$WORK/vfido.state" "$WORK/key/vfido.state"
	fi
	FIDOENV="VFIDO_STATE=$WORK/key/vfido.state"
	[ -n "$SHIM" ] && FIDOENV="$FIDOENV LD_PRELOAD=$NSSW:$SHIM"
	mkdir -p "$WORK/raw"
	: >"$WORK/lines"

	# The user database must answer in the same time at every size.
	for pop in $POPS; do
		# shellcheck disable=SC2086
		env $NSSENV "$DRV" --nss -p "$pop" -n 500 | sed 's/^/phase=nss /' \
		    >>"$WORK/lines"
	done

	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		for pop in $POPS; do
			for m in $MODULES; do
				cell "$m" "$pop" main "$(cell_n "$m" "$pop")" 1
			done
		done
		echo "bench: round $r of $ROUNDS done" >&2
		r=$((r + 1))
	done

	# Where a FIDO2 login's time goes (bench/steps.c), at the smallest
	# population, alternating.
	if [ -n "$STEPS" ]; then
		for i in 1 2; do
			for m in u2f mfa-fido2; do
				case " $MODULES " in
				*" $m "*) cell "$m" "$RPOP" steps "$NBIG" 1 ;;
				esac
			done
		done
	fi

	# 16 processes, different users, at the middle population.
	for m in $MODULES; do
		case $m in permit|mfa-pw|*-nd) continue ;; esac
		cell "$m" "$CPOP" conc16 "$CONC_N" 16
	done
	# Throughput of 1 and 2 processes, alternating, in TPUT_PAIRS
	# pairs (one run of each differs from the next by up to a sixth:
	# bench/README.md); pam_permit shows what the driver and the
	# machine allow (the user lookup, pam_start, pam_end).
	i=1
	while [ "$i" -le "$TPUT_PAIRS" ]; do
		i=$((i + 1))
		for m in mfa-totp gauth permit $TPUT_ND; do
			cell "$m" "$TPOP" tput1 "$TPUT_N" 1
			cell "$m" "$TPOP" tput2 "$TPUT_N" 2
		done
	done
	# Same user, same code, 16 processes at once, 10 tries (last:
	# the failures lock pam_mfa's users).
	for m in mfa-totp oath gauth; do
		set -- $(args "$m" "$RPOP")
		# shellcheck disable=SC2086
		env $NSSENV "$DRV" "$@" -k 16 --same 10 2>>"$WORK/errors" |
		    sed "s/^/phase=race module=$m /" >>"$WORK/lines"
	done
	sleep 0.5
	echo "phase=syslog lines=$(wc -l <"$WORK/syslog")" >>"$WORK/lines"
}

# cell_n MODULE POP: logins per cell.  Only the TOTP logins need the
# ledger (one login per user and time step), so only they take fewer
# at the smallest population; FIDO2 and pam_permit take NBIG everywhere.
cell_n() {
	case $1:$2 in
	mfa-totp*:100|mfa-pw:100|oath:100|gauth:100) echo "$N100" ;;
	*)	echo "$NBIG" ;;
	esac
}

# args MODULE POP: the driver's arguments for a module (MODULE-nd: the
# same service as MODULE).
args() {
	_m=${1%-nd}
	_p=$2
	echo "-c $WORK/pam -s $_m-$_p -p $_p"
	case $_m in
	mfa-totp|mfa-pw)
		echo "-x $WORK/mfa-$_p/secrets.bin -l $WORK/mfa-$_p/ledger" ;;
	oath|gauth)
		echo "-x $WORK/secrets.bin -l $WORK/$_m-$_p/ledger" ;;
	esac
	case $_m in
	mfa-pw)	echo "-P $PASSWORD" ;;
	u2f|mfa-fido2) echo "-I $PIN" ;;
	esac
}

# cell MODULE POP PHASE N K
cell() {
	_n=$4
	[ "$1" = mfa-pw ] && _n=$(( (_n + 4) / 5 ))
	set -- "$1" "$2" "$3" "$_n" "$5"
	_env=$NSSENV
	_pre=$NSSW
	case $1 in
	u2f|mfa-fido2*) _env="$NSSENV $FIDOENV" _pre=$NSSW:$SHIM ;;
	esac
	# Diagnostic rows: fdatasync() made a no-op (bench/nosync.c).
	case $1 in
	*-nd) _env="$_env LD_PRELOAD=$_pre:$NOSYNC" ;;
	esac
	# Diagnostic cells: the login split into steps (bench/steps.c).
	case $3 in
	steps) _env="$_env LD_PRELOAD=$STEPS:$_pre"
	       _env="$_env BENCH_STEPS=$WORK/steps-$1-$2" ;;
	esac
	# shellcheck disable=SC2046,SC2086
	env $_env "$DRV" $(args "$1" "$2") -n "$4" -k "$5" \
	    -r "$WORK/raw/$3-$1-$2" 2>>"$WORK/errors" |
	    sed "s/^/phase=$3 module=$1 /" >>"$WORK/lines"
}

if [ "${BENCH_IN_NS:-}" = 1 ]; then
	inner
	exit 0
fi

# ---- outside: packages, set-up ---------------------------------------------
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
PAMLIB=$(pkg-config --variable=libdir pam)/security
need=
[ -f "$PAMLIB/pam_oath.so" ] || need="$need libpam-oath"
[ -f "$PAMLIB/pam_google_authenticator.so" ] ||
    need="$need libpam-google-authenticator"
[ -f "$PAMLIB/pam_u2f.so" ] || need="$need libpam-u2f"
command -v gnuplot >/dev/null 2>&1 || need="$need gnuplot-nox"
command -v makedb >/dev/null 2>&1 || need="$need libnss-db"
command -v fido2-cred >/dev/null 2>&1 || need="$need fido2-tools"
for f in libnss_wrapper.so; do
	[ -f "/usr/lib/x86_64-linux-gnu/$f" ] || [ -f "/usr/lib/$f" ] ||
	    need="$need libnss-wrapper"
done
if [ -n "$need" ]; then
	echo "bench: installing$need" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >&2 ||
	    { apt-get update -q >&2 &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >&2; }
fi
NSSW=$(ls /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so \
    2>/dev/null | head -n 1)
NSSDB=$(ls /lib/*/libnss_db.so.2 /usr/lib/*/libnss_db.so.2 2>/dev/null |
    head -n 1)
[ -n "$NSSW" ] && [ -n "$NSSDB" ] ||
    { echo "bench: nss_wrapper or nss_db missing" >&2; exit 1; }

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	POPS=${BENCH_POPS:-"100 1000"}
	ROUNDS=${BENCH_ROUNDS:-1}
	N100=20 NBIG=100 CONC_N=4 TPUT_N=50 MFACTL_N=300
	TPUT_PAIRS=${BENCH_TPUT_PAIRS:-1}
else
	POPS=${BENCH_POPS:-"100 10000 100000"}
	ROUNDS=${BENCH_ROUNDS:-4}
	N100=40 NBIG=250 CONC_N=12 TPUT_N=1500 MFACTL_N=10000
	TPUT_PAIRS=${BENCH_TPUT_PAIRS:-5}
fi
case $TPUT_PAIRS in
''|*[!0-9]*|0) echo "bench: BENCH_TPUT_PAIRS: a count of 1 or more" >&2; exit 1 ;;
esac
set -- $POPS
RPOP=$1		# the race, on the smallest store
CPOP=$1		# 16 processes: the middle one
[ $# -ge 2 ] && CPOP=$2
eval "TPOP=\${$#}"	# throughput: the largest
MAXPOP=$TPOP

WORK=${BENCH_WORK:-$(mktemp -d /var/tmp/mfa-bench.XXXXXX)}
mkdir -p "$WORK"
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
OUT=${BENCH_OUT:-$S}
echo "bench: work directory $WORK" >&2
T0=$(date +%s)
: >"$WORK/setup"
timed() {
	_what=$1
	shift
	_t=$(date +%s%N)
	"$@"
	echo "phase=setup what=$_what ms=$(( ($(date +%s%N) - _t) / 1000000 ))" \
	    >>"$WORK/setup"
}

# Users: passwd and group through nss_wrapper, whose own files hold
# the system's entries and whose NSS module backend is glibc's nss_db
# (hashed, the same lookup time at any size) with the bench users; the
# shadow entries (only mfa-pw reads them) in the namespace's
# /etc/shadow, one SHA-512 crypt hash for all.
mkdir -p "$WORK/etc" "$WORK/misc"
cp /etc/passwd "$WORK/etc/passwd"
cp /etc/group "$WORK/etc/group"
echo "bench:x:4243:" >>"$WORK/etc/group"
"$ENROL" passwd "$WORK/passwd.bench" "$MAXPOP"
awk 'BEGIN { FS = ":"; OFS = ":"; cnt = 0 }
    { printf "0%u ", cnt++; print; printf ".%s ", $1; print;
      printf "=%s ", $3; print }' "$WORK/passwd.bench" |
    makedb -o "$WORK/misc/passwd.db" -
HASH=$(printf '%s\n' "$PASSWORD" | openssl passwd -6 -stdin)
cp -p /etc/shadow "$WORK/etc/shadow"
"$ENROL" shadow "$WORK/shadow.bench" "$MAXPOP" "$HASH"
cat "$WORK/shadow.bench" >>"$WORK/etc/shadow"
"$ENROL" secrets "$WORK/secrets.bin" "$MAXPOP"

# FIDO2: one virtual key (tests/vfido) with a PIN, one credential made
# on it, registered for every user (see bench/README.md).
SHIM=
MODULES="permit mfa-totp mfa-pw oath gauth"
if [ -f "$B/tests/vfido/.libs/libvfido_preload.so" ] &&
    [ -x "$B/tests/vfido/vfido-ctl" ]; then
	SHIM=$B/tests/vfido/.libs/libvfido_preload.so
	export BENCH_BUILDDIR BENCH_SHIM="$SHIM" BENCH_PIN="$PIN"
	if sh "$S/setup-pam_u2f.sh" "$WORK" init >&2; then
		MODULES="$MODULES u2f"
		BENCH_FIDO2_MFA=$(cat "$WORK/fido2-mfa.rec" 2>/dev/null ||
		    echo)
		[ -n "$BENCH_FIDO2_MFA" ] && MODULES="$MODULES mfa-fido2"
		export BENCH_FIDO2_MFA
	else
		echo "bench: FIDO2 set-up failed; FIDO2 left out" >&2
	fi
else
	echo "bench: tests/vfido not built; FIDO2 left out" >&2
fi

# The cost of pam_mfa's durable state write (a diagnostic, not a
# target): the same pam_mfa services again with fdatasync() made a
# no-op by a preloaded shim built here (bench/nosync.c, never
# installed), rows "MODULE-nd".
NOSYNC= TPUT_ND=
if "${CC:-cc}" -shared -fPIC -O2 -o "$WORK/nosync.so" "$S/nosync.c" \
    2>>"$WORK/errors"; then
	NOSYNC=$WORK/nosync.so TPUT_ND=mfa-totp-nd
	MODULES="$MODULES mfa-totp-nd"
	case " $MODULES " in
	*" mfa-fido2 "*) MODULES="$MODULES mfa-fido2-nd" ;;
	esac
else
	echo "bench: cannot build bench/nosync.c; no diagnostic rows" >&2
fi
# The FIDO2 login split into steps (a diagnostic): bench/steps.c,
# preloaded into the driver for the "steps" cells.
STEPS=
case " $MODULES " in
*" mfa-fido2 "*)
	if "${CC:-cc}" -shared -fPIC -O2 -o "$WORK/steps.so" "$S/steps.c" \
	    -ldl 2>>"$WORK/errors"; then
		STEPS=$WORK/steps.so
	else
		echo "bench: cannot build bench/steps.c; no steps" >&2
	fi ;;
esac

mkdir -p "$WORK/pam"
echo "auth required $PAMLIB/pam_permit.so" >"$WORK/pam/permit-base"
# Without "other" libpam logs a line at every pam_start.
echo "auth required $PAMLIB/pam_deny.so" >"$WORK/pam/other"
export BENCH_BUILDDIR BENCH_PAMLIB="$PAMLIB"
for pop in $POPS; do
	cp "$WORK/pam/permit-base" "$WORK/pam/permit-$pop"
	timed "pam_mfa $pop" sh "$S/setup-pam_mfa.sh" "$WORK" "$pop"
	timed "pam_oath $pop" sh "$S/setup-pam_oath.sh" "$WORK" "$pop"
	timed "google-authenticator $pop" \
	    sh "$S/setup-google_authenticator.sh" "$WORK" "$pop"
	case " $MODULES " in
	*" u2f "*) timed "pam_u2f $pop" \
	    sh "$S/setup-pam_u2f.sh" "$WORK" "$pop" ;;
	esac
done
echo "bench: set-up done in $(( $(date +%s) - T0 )) s" >&2

export WORK POPS ROUNDS N100 NBIG CONC_N TPUT_N TPUT_PAIRS RPOP CPOP TPOP MODULES \
    NSSW NSSDB SHIM NOSYNC TPUT_ND STEPS
unshare -m --propagation private env BENCH_IN_NS=1 sh "$0"

# mfactl, scripted, as an administrator would enrol many users: "totp
# add --batch" prints the URIs, the script computes the current codes
# from their secrets and feeds them to "totp confirm --batch" (each
# batch syncs the store once, at its end).
mkdir -m 0700 "$WORK/mfactl-store"
printf 'store = %s\n' "$WORK/mfactl-store" >"$WORK/mfactl.conf"
# The real binary, not libtool's wrapper script (which forks sed and ls
# on every start), with the build's libmfa, as if installed.
MFACTL=$B/tools/.libs/mfactl
[ -x "$MFACTL" ] || MFACTL=$B/tools/mfactl
LD_LIBRARY_PATH=$B/lib/.libs python3 "$S/report.py" enrol-mfactl "$MFACTL" \
    "$WORK/mfactl.conf" "$MFACTL_N" >>"$WORK/lines"
echo "bench: mfactl enrolment done" >&2

python3 "$S/report.py" report "$WORK" "$OUT" \
    "quick=${BENCH_QUICK:-0} rounds=$ROUNDS n100=$N100 nbig=$NBIG" \
    "$(( $(date +%s) - T0 ))"
