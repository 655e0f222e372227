#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs a command on a pseudo-terminal and answers its prompts.

usage: pty_run.py [--show] [--timeout S] [PATTERN ANSWER]... -- CMD [ARG]...

For each PATTERN (a Python regular expression) in turn, waits until the
command prints it, then types ANSWER and a newline.  In an ANSWER,
{totp} stands for the current code of the last otpauth:// URI the
command printed (computed with oathtool(1), as an authenticator app
would), and {wrong} for a well-formed code that is wrong for it.  Then
waits for the command to end and exits with its status (124 when a
pattern did not appear in time).  The transcript goes to standard
output; with --show the terminal does not echo and each answer is
shown in the transcript as typed (a password prompt would hide it).
"""
import re
import subprocess
import sys
import time
import urllib.parse

import pexpect


class Tee:
    """Copies the child's output to stdout and keeps it."""

    def __init__(self):
        self.text = []

    def write(self, s):
        self.text.append(s)
        sys.stdout.write(s)

    def flush(self):
        sys.stdout.flush()


def uri_codes(transcript, offsets):
    uris = re.findall(r"otpauth://totp/[^\s]+", transcript)
    if not uris:
        raise ValueError("no otpauth:// URI printed yet")
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(uris[-1]).query)
    secret = q["secret"][0]
    alg = q.get("algorithm", ["SHA1"])[0]
    digits = q.get("digits", ["6"])[0]
    period = q.get("period", ["30"])[0]
    now = int(time.time())
    codes = []
    for off in offsets:
        out = subprocess.run(
            ["oathtool", "--totp=" + alg, "-b", "-d", digits,
             "-s", period + "s", "-N", "@%d" % (now + off), secret],
            check=True, capture_output=True, text=True)
        codes.append(out.stdout.strip())
    return codes, int(digits)


def expand(answer, transcript):
    if "{totp}" in answer:
        codes, _ = uri_codes(transcript, [0])
        answer = answer.replace("{totp}", codes[0])
    if "{wrong}" in answer:
        near, digits = uri_codes(transcript, range(-90, 91, 30))
        n = 1
        while ("%0*d" % (digits, n)) in near:
            n += 1
        answer = answer.replace("{wrong}", "%0*d" % (digits, n))
    return answer


def main(argv):
    show = False
    timeout = 20
    pairs = []
    i = 1
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--show":
            show = True
            i += 1
        elif argv[i] == "--timeout":
            timeout = float(argv[i + 1])
            i += 2
        else:
            if i + 1 >= len(argv) or argv[i + 1] == "--":
                sys.stderr.write("pty_run.py: PATTERN without ANSWER\n")
                return 2
            pairs.append((argv[i], argv[i + 1]))
            i += 2
    cmd = argv[i + 1:]
    if not cmd:
        sys.stderr.write(__doc__)
        return 2
    tee = Tee()
    child = pexpect.spawn(cmd[0], cmd[1:], timeout=timeout, echo=not show,
                          encoding="utf-8", codec_errors="replace")
    child.logfile_read = tee
    for pattern, answer in pairs:
        try:
            child.expect(pattern)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            sys.stdout.write("\npty_run.py: no prompt matching %r (%s)\n"
                             % (pattern, type(e).__name__))
            child.close(force=True)
            return 124
        answer = expand(answer, "".join(tee.text))
        child.sendline(answer)
        if show:
            # The program ends the line (as misc_conv does after a
            # hidden answer).
            sys.stdout.write(answer)
    child.expect(pexpect.EOF)
    child.close()
    sys.stdout.flush()
    if child.exitstatus is not None:
        return child.exitstatus
    return 128 + (child.signalstatus or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
