#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run a command on a new pseudo-terminal, type $PTY_ANSWER at each passphrase
prompt, copy everything it printed to standard output and exit with its
status (124 after 300 s).

Both kesu and stock age read passphrases from the terminal with echo off.
The answer is typed only once the output ends with a prompt ("...passphrase...: ")
and the terminal's echo is off, that is when the program waits for it:
typed earlier, a TCSAFLUSH would discard it.

$PTY_ANSWERS, "|"-separated, types its answers one per prompt in turn (the
last one again at any further prompt). $PTY_SIGNAL (e.g. "INT") sends that
signal to the program at the first prompt instead of answering it.
$PTY_PROMPT, a regular expression, is the prompt to wait for instead (a
confirmation, typed with echo on: the echo is not waited for).
"""
import os
import pty
import re
import select
import signal
import sys
import termios
import time

PROMPT = re.compile(rb"(?i)passphrase[^\r\n]*: $")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: ptyrun.py CMD [ARG...]")
    answer = os.environ.get("PTY_ANSWER")
    answers = os.environ.get("PTY_ANSWERS")
    answers = answers.split("|") if answers is not None else None
    sig = os.environ.get("PTY_SIGNAL")
    if answers:
        answer = answers[0]
    if sig:
        answer = ""
    prompts = 0
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
        if answer is None or answered_at == len(out) or not prompt.search(bytes(out[-200:])):
            continue
        try:
            echo = termios.tcgetattr(fd)[3] & termios.ECHO
        except termios.error:
            break
        if not echo or prompt is not PROMPT:
            if sig:
                os.kill(pid, getattr(signal, "SIG" + sig))
            else:
                if answers:
                    answer = answers[min(prompts, len(answers) - 1)]
                os.write(fd, answer.encode() + b"\n")
            prompts += 1
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
