# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark helpers for bench/run.sh (python3, standard library only).

  report.py enrol-mfactl MFACTL CONFIG N
      enrols user0..userN-1 with mfactl as a script would ("totp add
      --batch", then "totp confirm --batch" with the current codes of
      the printed secrets) and prints one result line.
  report.py report WORK OUTDIR PARAMS SECONDS
      reads WORK/lines, WORK/setup and WORK/raw/*, prints the table with
      the targets, writes OUTDIR/results.md and OUTDIR/results-p50.png.
"""
import base64
import hashlib
import hmac
import os
import platform
import re
import struct
import subprocess
import sys
import time

LABEL = {
    "permit": "pam_permit (driver baseline)",
    "mfa-totp": "pam_mfa TOTP",
    "mfa-pw": "pam_mfa password+TOTP",
    "mfa-fido2": "pam_mfa FIDO2",
    "oath": "pam_oath",
    "gauth": "google-authenticator",
    "u2f": "pam_u2f",
    "mfa-totp-nd": "pam_mfa TOTP without fdatasync (diagnostic)",
    "mfa-fido2-nd": "pam_mfa FIDO2 without fdatasync (diagnostic)",
}
ORDER = ["mfa-totp", "gauth", "oath", "mfa-pw", "mfa-fido2", "u2f", "permit"]
REF = {"u2f": "mfa-fido2", "mfa-fido2": "mfa-fido2"}


def totp(secret_b32, t, period=30, digits=6):
    pad = "=" * (-len(secret_b32) % 8)
    key = base64.b32decode(secret_b32 + pad)
    mac = hmac.new(key, struct.pack(">Q", int(t) // period),
                   hashlib.sha1).digest()
    off = mac[-1] & 15
    v = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return "%0*d" % (digits, v % 10 ** digits)


def enrol_mfactl(mfactl, config, n, limit=60.0):
    """As an administrator's script would: "totp add --batch" with the
    user names on stdin prints "USER ID URI" lines; the script computes
    each current code from the URI's secret and feeds "USER CODE ID"
    lines to "totp confirm --batch".  Two processes in all; each syncs
    the store once at its end.  limit: timeout of each step (twice the
    target)."""
    n = int(n)
    names = "".join("user%d\n" % i for i in range(n))
    t0 = time.monotonic()
    ok = 0
    done = 0
    try:
        p = subprocess.run([mfactl, "--config", config, "totp", "add",
                            "--batch", "-", "--label", "bench"],
                           input=names, capture_output=True, text=True,
                           timeout=limit)
        lines = []
        now = time.time()
        for line in p.stdout.splitlines():
            f = line.split()
            m = re.search(r"secret=([A-Z2-7]+)", line)
            if len(f) == 3 and m is not None:
                lines.append("%s %s %s\n" % (f[0], totp(m.group(1), now),
                                              f[1]))
        if p.returncode != 0:
            sys.stderr.write("mfactl totp add --batch: %s" % p.stderr[-2000:])
        p = subprocess.run([mfactl, "--config", config, "totp", "confirm",
                            "--batch", "-"], input="".join(lines),
                           capture_output=True, text=True, timeout=limit)
        done = n
        ok = sum(1 for line in p.stdout.splitlines()
                 if line.endswith(" activated"))
        if p.returncode != 0:
            sys.stderr.write("mfactl totp confirm --batch: %s" %
                             p.stderr[-2000:])
    except subprocess.TimeoutExpired:
        pass
    dt = time.monotonic() - t0
    print("phase=mfactl n=%d done=%d ok=%d seconds=%.1f" % (n, done, ok, dt))


def kv(line):
    return dict(re.findall(r"(\w+)=(\S+)", line))


def pct(v, p):
    if not v:
        return float("nan")
    rank = max(1, min(len(v), int(p / 100.0 * len(v) + 0.999999)))
    return v[rank - 1]


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def pair_ratios(recs, module):
    """Throughput of 2 processes over 1 for each pair of runs, in order:
    the runs alternate 1, 2, 1, 2, so the k-th of each phase make a
    pair, measured one after the other on the same machine state."""
    t1 = [float(r["tput"]) for r in recs if r.get("phase") == "tput1" and
          r.get("module") == module]
    t2 = [float(r["tput"]) for r in recs if r.get("phase") == "tput2" and
          r.get("module") == module]
    return [b / a for a, b in zip(t1, t2) if a > 0]


def tput_waited(recs, modules):
    """Whether a throughput run of these modules had to wait for the next
    time step (too few users left in this one): it measured the clock,
    not the module, so it gives no figure."""
    return any(int(r.get("waits", "0")) > 0 for r in recs
               if r.get("phase") in ("tput1", "tput2") and
               r.get("module") in modules)


def fmt_ms(us):
    if us != us:
        return "-"
    return "%.3f" % (us / 1000.0) if us < 10000 else "%.1f" % (us / 1000.0)


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = open("/proc/loadavg").read().split()[:3]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "load": " ".join(load),
    }


def report(work, outdir, params, seconds):
    lines = open(os.path.join(work, "lines")).read().splitlines()
    setup = []
    if os.path.exists(os.path.join(work, "setup")):
        setup = open(os.path.join(work, "setup")).read().splitlines()
    recs = [kv(x) for x in lines]
    pops = sorted({int(r["pop"]) for r in recs
                   if r.get("phase") == "main"})
    ran = {r.get("module") for r in recs if r.get("phase") == "main"}
    mods = [m for m in ORDER if m in ran]
    # Diagnostic rows (bench/nosync.c): not in the table, the targets
    # or the plot, but in a section of their own.
    diag = [m for m in ("mfa-totp-nd", "mfa-fido2-nd") if m in ran]

    # Latency figures from all samples of the main phase.
    fig = {}
    for m in mods + diag:
        for p in pops:
            path = os.path.join(work, "raw", "main-%s-%d" % (m, p))
            v = []
            if os.path.exists(path):
                v = sorted(float(x) for x in open(path) if x.strip())
            cells = [r for r in recs if r.get("phase") == "main" and
                     r.get("module") == m and int(r["pop"]) == p]
            ok = sum(int(r["ok"]) for r in cells)
            n = sum(int(r["n"]) for r in cells)
            rss = max([int(r["rss_kib"]) for r in cells] or [0])
            t = []
            if os.path.exists(path + ".txn"):
                t = sorted(float(x) for x in open(path + ".txn")
                           if x.strip())
            fig[m, p] = {"p50": pct(v, 50), "p90": pct(v, 90),
                         "p99": pct(v, 99), "max": pct(v, 100),
                         "txn": pct(t, 50),
                         "ok": ok, "n": n, "rss": rss}

    out = []
    mach = machine()
    out.append("# pam_mfa benchmark results\n")
    out.append("Produced by `make bench` (bench/run.sh, bench/README.md). "
               "Latency is the time of `pam_authenticate()` alone, in "
               "milliseconds; every figure comes from the same run, the "
               "modules alternating.\n")
    out.append("| machine | |\n|---|---|")
    out.append("| CPUs (nproc) | %s |" % mach["nproc"])
    out.append("| CPU | %s |" % mach["cpu"])
    out.append("| kernel | %s |" % mach["kernel"])
    out.append("| date | %s |" % mach["date"])
    out.append("| load average at the end | %s |" % mach["load"])
    out.append("| run | %s, %s s in all |" % (params, seconds))
    note = os.environ.get("BENCH_NOTE")
    if note:
        out.append("| note | %s |" % note)
    out.append("")
    out.append("Logging: every module runs with the same set-up, a private "
               "`/dev/log` (a Python datagram receiver appending to a file, "
               "from tests/tools/sandbox.sh) in a private mount namespace; "
               "pam_mfa writes one audit line per login.")
    nss = [r for r in recs if r.get("phase") == "nss"]
    if nss:
        out.append("User database: nss_wrapper with glibc's nss_db as its "
                   "module backend; `getpwnam_r` p50 " +
                   ", ".join("%s µs at %s users" % (r["p50_us"], r["pop"])
                             for r in nss) + ".")
    out.append("")
    out.append("pam_mfa's users each hold a TOTP and a FIDO2 credential "
               "(one store serves the TOTP, password+TOTP and FIDO2 "
               "services), so a TOTP login also parses the FIDO2 record; "
               "the other modules' stores hold one kind each.")
    out.append("")

    # ---- table ----
    out.append("## Latency (ms) and peak RSS\n")
    out.append("Ratio: the module's p50 over pam_mfa's (TOTP for the TOTP "
               "modules, FIDO2 for pam_u2f); above 1 means pam_mfa is "
               "faster.  Transaction: p50 of pam_start() to pam_end() "
               "around the same logins, which includes loading and "
               "unloading the module and its libraries (pam_u2f loads "
               "libfido2 with the module at pam_start(), pam_mfa loads it "
               "at the first FIDO2 step inside pam_authenticate()).\n")
    out.append("| module | users | p50 | p90 | p99 | max | ok/n | "
               "peak RSS KiB | p50 ratio to pam_mfa | transaction p50 |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m in mods:
        for p in pops:
            f = fig[m, p]
            ref = fig.get((REF.get(m, "mfa-totp"), p))
            ratio = "-"
            if ref and ref["p50"] == ref["p50"] and ref["p50"] > 0:
                ratio = "%.2f" % (f["p50"] / ref["p50"])
            out.append("| %s | %d | %s | %s | %s | %s | %d/%d | %d | %s | "
                       "%s |" %
                       (LABEL.get(m, m), p, fmt_ms(f["p50"]),
                        fmt_ms(f["p90"]), fmt_ms(f["p99"]),
                        fmt_ms(f["max"]), f["ok"], f["n"], f["rss"], ratio,
                        fmt_ms(f["txn"])))
    out.append("")

    # ---- targets ----
    res = []

    def target(name, ok, detail):
        res.append((name, "n/a" if ok is None else
                    ("PASS" if ok else "FAIL"), detail))

    def p50(m, p):
        f = fig.get((m, p))
        # A figure of failed logins proves nothing about speed.
        if not f or f["ok"] != f["n"]:
            return float("nan")
        return f["p50"]

    def okn(m, p):
        f = fig.get((m, p))
        return "" if not f or f["ok"] == f["n"] else \
            " (%s: %d of %d logins failed)" % (LABEL[m], f["n"] - f["ok"],
                                               f["n"])

    for p in pops:
        a, b = p50("mfa-totp", p), p50("gauth", p)
        target("pam_mfa TOTP p50 <= google-authenticator p50, %d users" % p,
               a <= b if a == a and b == b else False,
               "%s ms vs %s ms%s%s" % (fmt_ms(a), fmt_ms(b),
                                       okn("mfa-totp", p), okn("gauth", p)))
    big = pops[-1] if pops else 0
    a, b = p50("mfa-totp", big), p50("oath", big)
    target("pam_mfa TOTP >= 50x faster than pam_oath, %d users" % big,
           (b / a >= 50 if a > 0 else None) if big >= 100000 else None,
           "%s ms vs %s ms: %.1fx%s" % (fmt_ms(a), fmt_ms(b),
                                        b / a if a > 0 else 0,
                                        "" if big >= 100000 else
                                        " (100,000 users not run)"))
    if pops:
        a, b = p50("mfa-totp", pops[0]), p50("mfa-totp", big)
        target("flat: pam_mfa TOTP p50 at %d users <= 1.3x p50 at %d" %
               (big, pops[0]), b <= 1.3 * a if a == a and b == b else None,
               "%s ms vs %s ms: %.2fx" % (fmt_ms(b), fmt_ms(a),
                                          b / a if a > 0 else 0))
    if "mfa-fido2" in mods and "u2f" in mods:
        for p in pops:
            a, b = p50("mfa-fido2", p), p50("u2f", p)
            target("pam_mfa FIDO2 p50 <= pam_u2f p50, %d users" % p,
                   a <= b if a == a and b == b else False,
                   "%s ms vs %s ms%s%s (transaction: %s ms vs %s ms)" %
                   (fmt_ms(a), fmt_ms(b), okn("mfa-fido2", p),
                    okn("u2f", p), fmt_ms(fig["mfa-fido2", p]["txn"]),
                    fmt_ms(fig["u2f", p]["txn"])))
    else:
        target("pam_mfa FIDO2 p50 <= pam_u2f p50", None,
               "not measured: %s" % ("pam_u2f ran, pam_mfa FIDO2 could not"
                                     if "u2f" in mods else
                                     "no FIDO2 module could run"))
    if "permit" in mods:
        worst = max((fig["mfa-totp", p]["rss"] - fig["permit", p]["rss"],
                     p) for p in pops)
        small = fig["mfa-totp", pops[0]]["rss"] - \
            fig["permit", pops[0]]["rss"]
        target("peak RSS pam_mfa <= pam_permit + 1 MiB",
               worst[0] <= 1024,
               "largest difference %d KiB (%d users); %d KiB at %d users "
               "(the driver looks the user up before pam_start, as sshd "
               "does, so every module runs with the user database "
               "mapped)" % (worst + (small, pops[0])))
    for r in recs:
        if r.get("phase") == "conc16":
            if r["module"] == "mfa-totp":
                target("16 processes, different users: every login "
                       "succeeds (pam_mfa)", int(r["fail"]) == 0,
                       "%s of %s" % (r["ok"], r["n"]))
    waited = tput_waited(recs, ("mfa-totp",))
    ratios = pair_ratios(recs, "mfa-totp")
    if ratios:
        # The same pairs with pam_permit: what the driver and the
        # machine allow at most.
        ceiling = pair_ratios(recs, "permit")
        med = median(ratios)
        target("2 processes >= 1.6x the throughput of 1 (pam_mfa)",
               None if waited else med >= 1.6,
               "%.2fx, the median of %d alternating pairs (each pair: %s)"
               "%s%s"
               % (med, len(ratios), ", ".join("%.2fx" % x for x in ratios),
                  "; pam_permit, the driver's baseline: %.2fx" %
                  median(ceiling) if ceiling else "",
                  "; a run waited for the next time step (population too "
                  "small for the run), so no verdict" if waited else ""))
    for r in recs:
        if r.get("phase") == "race" and r["module"] == "mfa-totp":
            target("16 processes, same user and code: exactly one succeeds,"
                   " 10 tries (pam_mfa)", int(r["exactly_one"]) ==
                   int(r["tries"]), "successes per try: %s" % r["same"])
    for r in recs:
        if r.get("phase") == "mfactl":
            n, d, s = int(r["n"]), int(r["done"]), float(r["seconds"])
            if n < 10000:
                verdict = None
            elif d < n:
                verdict = False     # stopped at twice the time allowed
            else:
                verdict = s < 30 and int(r["ok"]) == n
            target("mfactl enrols 10,000 TOTP users in < 30 s", verdict,
                   "%d users (%s ok) in %.1f s = %.2f ms per user%s" %
                   (n, r["ok"], s, 1000 * s / max(n, 1),
                    "" if d >= n else "; a step ran past its 60 s limit"))

    out.append("## Targets (issue 6)\n")
    out.append("| target | result | figures |")
    out.append("|---|---|---|")
    for name, verdict, detail in res:
        out.append("| %s | **%s** | %s |" % (name, verdict, detail))
    out.append("")

    # ---- diagnostic: the durable write ----
    if diag:
        durable_write(out, recs, pops, fig, diag)
    fido2_steps(out, work, pops)

    # ---- other figures ----
    out.append("## Concurrency and replay\n")
    out.append("| test | module | users | figures |")
    out.append("|---|---|---:|---|")
    for r in recs:
        ph = r.get("phase")
        if ph == "conc16":
            out.append("| 16 processes, different users | %s | %s | "
                       "%s of %s succeeded, %s/s, p50 %s ms |" %
                       (LABEL.get(r["module"], r["module"]), r["pop"],
                        r["ok"], r["n"], r["tput"],
                        fmt_ms(float(r["p50_us"]))))
        elif ph in ("tput1", "tput2"):
            out.append("| %s process%s, throughput | %s | %s | %s/s "
                       "(%s logins, p50 %s ms) |" %
                       (ph[-1], "" if ph == "tput1" else "es",
                        LABEL.get(r["module"], r["module"]), r["pop"],
                        r["tput"], r["ok"], fmt_ms(float(r["p50_us"]))))
        elif ph == "race":
            out.append("| 16 processes, same user and code, %s tries | %s |"
                       " %s | successes per try: %s |" %
                       (r["tries"], LABEL.get(r["module"], r["module"]),
                        r["pop"], r["same"]))
    out.append("")
    if setup:
        out.append("## Set-up (enrolment) times\n")
        out.append("| module, users | seconds |")
        out.append("|---|---:|")
        for x in setup:
            m = re.search(r"what=(.*) ms=(\d+)", x)
            if m:
                out.append("| %s | %.1f |" % (m.group(1),
                                               int(m.group(2)) / 1000.0))
        for r in recs:
            if r.get("phase") == "mfactl":
                out.append("| mfactl (script: totp add --batch + totp "
                           "confirm --batch), %s users | %s |" %
                           (r["n"], r["seconds"]))
        out.append("")
    for r in recs:
        if r.get("phase") == "syslog":
            out.append("Audit/syslog lines received during the run: %s.\n"
                       % r["lines"])
    errs = os.path.join(work, "errors")
    if os.path.exists(errs) and os.path.getsize(errs) > 0:
        e = open(errs).read().splitlines()
        out.append("First driver messages (failed logins, %d lines in "
                   "all):\n" % len(e))
        out.append("```")
        out.extend(e[:10])
        out.append("```\n")
    out.append("![p50 latency against enrolled users](results-p50.png)\n")

    text = "\n".join(out)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "results.md.new"), "w") as f:
        f.write(text)
    os.replace(os.path.join(outdir, "results.md.new"),
               os.path.join(outdir, "results.md"))
    plot(work, outdir, mods, pops, fig)

    # The terminal gets the table and the targets.
    for line in out:
        if line.startswith("|") or line.startswith("#"):
            print(line)
    print("\nwritten: %s/results.md, %s/results-p50.png" % (outdir, outdir))
    return 0 if all(v != "FAIL" for _, v, _ in res) else 0


def fido2_steps(out, work, pops):
    """The FIDO2 login split into before the key, the key and after it
    (bench/steps.c), pam_mfa beside pam_u2f at the smallest population."""
    if not pops:
        return
    p = pops[0]
    cols = {}
    for m in ("mfa-fido2", "u2f"):
        path = os.path.join(work, "steps-%s-%d" % (m, p))
        if not os.path.exists(path):
            return
        rows = [x.split() for x in open(path) if x.strip()]
        rows = [[float(v) for v in r] for r in rows if len(r) == 5]
        if not rows:
            return
        c = [sorted(v) for v in zip(*rows)]
        c.append(sorted(sum(r[:3]) for r in rows))
        cols[m] = (len(rows), [pct(v, 50) for v in c])
    names = ["before the key", "the key", "after the key",
             "of which fdatasync", "inside libfido2's open and "
             "assertion calls", "whole login"]
    out.append("## Where a FIDO2 login's time goes (diagnostic)\n")
    out.append("Extra cells at %d users, the two modules alternating, with "
               "a preloaded shim (bench/steps.c, built by run.sh, never "
               "installed) that splits each `pam_authenticate()` where "
               "the two modules do the same thing: *before the key* ends "
               "at the first `fido_dev_open()` (the user look-up, the "
               "module's own files, listing the keys), *the key* ends when "
               "the last `fido_dev_get_assert()` returns (libfido2 and the "
               "virtual key, its state on a tmpfs: the silent probe, the "
               "PIN, the assertion; and what the module does between "
               "them: pam_mfa reads the store again after the PIN "
               "prompt), *after the key* runs to the return (checking the "
               "signature; pam_mfa also writes and syncs the state, logs "
               "and audits).  *Inside libfido2's calls* is the time spent "
               "in `fido_dev_open()` and `fido_dev_get_assert()` "
               "themselves, the same work for both modules.  p50 of each "
               "part in microseconds; the p50s "
               "of the parts need not add up to the p50 of the whole.\n"
               % p)
    out.append("| part | pam_mfa | pam_u2f | difference |")
    out.append("|---|---:|---:|---:|")
    for i, name in enumerate(names):
        a, b = cols["mfa-fido2"][1][i], cols["u2f"][1][i]
        out.append("| %s | %.0f | %.0f | %+.0f |" % (name, a, b, a - b))
    out.append("| logins | %d | %d | |" % (cols["mfa-fido2"][0],
                                            cols["u2f"][0]))
    out.append("")


def durable_write(out, recs, pops, fig, diag):
    """What pam_mfa's fdatasync() of the user's state costs: the rows
    run with it made a no-op beside the normal ones."""
    def cell(m, p):
        f = fig.get((m, p))
        if not f or f["ok"] != f["n"] or f["n"] == 0:
            return "-"
        return fmt_ms(f["p50"])

    out.append("## What the durable write costs (diagnostic)\n")
    out.append("Before a login succeeds pam_mfa writes the user's state "
               "(the accepted time step or the signature counter, the "
               "failure count) and waits for it to reach the disk with "
               "`fdatasync(2)`; google-authenticator and pam_oath "
               "likewise `fsync(2)` the file they rename over the old one "
               "(one sync a login each), pam_u2f writes nothing.  The rows "
               "\"without\" run the same pam_mfa services, in the same "
               "rounds, with `fdatasync()` made a no-op by a preloaded "
               "shim (bench/nosync.c, built by run.sh, never installed; "
               "the virtual key keeps its own state on a tmpfs, as a real "
               "key keeps it in its flash): the difference is the price "
               "of durability on this machine's disk.  Not a setting "
               "anyone can choose: without the "
               "sync a crash can lose an accepted step (the code could be "
               "used again) or a counter.\n")
    fido = "mfa-fido2-nd" in diag
    head = "| users | pam_mfa TOTP | without fdatasync | " \
        "google-authenticator |"
    rule = "|---:|---:|---:|---:|"
    if fido:
        head += " pam_mfa FIDO2 | without fdatasync | pam_u2f |"
        rule += "---:|---:|---:|"
    out.append("p50 latency (ms):\n")
    out.append(head)
    out.append(rule)
    for p in pops:
        row = "| %d | %s | %s | %s |" % (p, cell("mfa-totp", p),
                                         cell("mfa-totp-nd", p),
                                         cell("gauth", p))
        if fido:
            row += " %s | %s | %s |" % (cell("mfa-fido2", p),
                                        cell("mfa-fido2-nd", p),
                                        cell("u2f", p))
        out.append(row)
    out.append("")

    waited = tput_waited(recs, ("mfa-totp", "mfa-totp-nd"))
    a, b = pair_ratios(recs, "mfa-totp"), pair_ratios(recs, "mfa-totp-nd")
    if a and b and not waited:
        out.append("Throughput of 2 processes against 1 (pam_mfa TOTP, "
                   "median of the pairs): %.2fx with `fdatasync` (%s), "
                   "%.2fx without (%s).\n"
                   % (median(a), ", ".join("%.2fx" % x for x in a),
                      median(b), ", ".join("%.2fx" % x for x in b)))


def plot(work, outdir, mods, pops, fig):
    dat = os.path.join(work, "p50.dat")
    with open(dat, "w") as f:
        for m in mods:
            if m == "permit":
                continue
            f.write('"%s"\n' % LABEL[m])
            for p in pops:
                v = fig[m, p]["p50"]
                if v == v:
                    f.write("%d %f\n" % (p, v / 1000.0))
            f.write("\n\n")
    n = len([m for m in mods if m != "permit"])
    gp = """set terminal pngcairo size 900,560 font ",11" noenhanced
set output "%s"
set title "pam_authenticate() p50 latency against enrolled users"
set logscale xy
set xlabel "enrolled users"
set ylabel "p50 latency (ms)"
set key outside right
set grid
plot for [i=0:%d] "%s" index i using 1:2 with linespoints lw 2 pt 7 \
title columnheader(1)
""" % (os.path.join(outdir, "results-p50.png"), n - 1, dat)
    try:
        subprocess.run(["gnuplot"], input=gp, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.stderr.write("bench: gnuplot failed: %s\n" % e)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "enrol-mfactl":
        enrol_mfactl(*sys.argv[2:])
        return 0
    if len(sys.argv) == 6 and sys.argv[1] == "report":
        return report(*sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
