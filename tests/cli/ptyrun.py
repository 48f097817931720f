#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run a command on a new pseudo-terminal, type $PTY_ANSWER at each passphrase
prompt, copy everything it printed to standard output and exit with its
status (124 after 300 s). $PTY_ANSWERS instead holds one answer a line, typed
at the prompts in turn; a prompt after the last gets end-of-file (Control-D).
$PTY_SIGNAL (e.g. "INT") sends that signal to the program at the first prompt
instead of answering it. $PTY_PROMPT, a regular expression, is the prompt
to wait for instead (a confirmation, typed with echo on: the echo is not
waited for).

Both kesu and stock age read passphrases from the terminal with echo off.
The answer is typed only once the output ends with a prompt ("...passphrase...: ")
and the terminal's echo is off, that is when the program waits for it:
typed earlier, a TCSAFLUSH would discard it.
"""
import itertools
import os
import pty
import re
import select
import signal
import sys
import termios
import time

PROMPT = re.compile(rb"(?i)passphrase[^\r\n]*: $")


def answer_list():
    """What to type at each prompt in turn: None when nothing is to be typed."""
    one = os.environ.get("PTY_ANSWER")
    many = os.environ.get("PTY_ANSWERS")
    if many is not None:
        return iter([line.encode() + b"\n" for line in many.split("\n")])
    if one is not None:
        return itertools.repeat(one.encode() + b"\n")
    return None


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: ptyrun.py CMD [ARG...]")
    answers = answer_list()
    sig = os.environ.get("PTY_SIGNAL")
    if sig:
        answers = itertools.repeat(b"")
    prompt = PROMPT
    if os.environ.get("PTY_PROMPT"):
        prompt = re.compile(os.environ["PTY_PROMPT"].encode() + rb"$")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    out = bytearray()
    answered_at = -1
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            out += data
            continue
        if answers is None or answered_at == len(out) or not prompt.search(bytes(out[-200:])):
            continue
        try:
            echo = termios.tcgetattr(fd)[3] & termios.ECHO
        except termios.error:
            break
        if prompt is not PROMPT:
            echo = False
        if not echo and sig:
            os.kill(pid, getattr(signal, "SIG" + sig))
            answered_at = len(out)
        elif not echo:
            os.write(fd, next(answers, b"\x04"))
            answered_at = len(out)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.stdout.buffer.write(bytes(out))
        sys.exit(124)
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(bytes(out))
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


main()
