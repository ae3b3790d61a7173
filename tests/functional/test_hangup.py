"""The app in a real pseudo-terminal: a hang-up (the SSH connection drops, the tmux pane is killed) or SIGTERM keeps
the title being typed, and keys that arrive together are read as the keys they are."""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pseudo-terminal")

BOUND = 20.0  # seconds; each wait below ends as soon as its condition holds


class Terminal:
    """The app in a pseudo-terminal of 80x24, with what it has drawn so far."""

    def __init__(self, path: Path, home: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "TEXTUAL"))}
        env.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[variable] = str(home / variable.lower())
        pid, fd = os.forkpty()
        if pid == 0:  # the child: the app, as a person starts it
            os.execve(sys.executable, [sys.executable, "-m", "tmtui", str(path)], env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.screen = b""

    def read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):  # the app exited and the terminal closed
                self.screen += os.read(self.fd, 65536)

    def wait_for(self, text: bytes) -> None:
        deadline = time.monotonic() + BOUND
        while text not in self.screen:
            assert time.monotonic() < deadline, f"{text!r} never drawn"
            self.read(0.1)

    def wait_until_quiet(self, quiet: float = 0.3) -> None:
        """Read until the app has drawn nothing for `quiet` seconds: the last key is handled."""
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            before = len(self.screen)
            self.read(quiet)
            if len(self.screen) == before:
                return

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def exit_code(self) -> int:
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            self.read(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("the app did not exit")

    def close(self) -> None:
        os.close(self.fd)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_hang_up_saves_the_field_being_typed_and_exits(commented_file, tmp_path, signum):
    terminal = Terminal(commented_file, tmp_path / "home")
    try:
        terminal.wait_for(b"What are we building")
        terminal.type(b"2")
        terminal.wait_for(b"Password dump")
        terminal.type(b"\r")  # open T1, the highest risk, its title focused
        terminal.wait_for(b"Threat T1")
        # ctrl+u clears the title (bursts have tests of their own), then the new one is typed and never left
        terminal.type(b"\x15")
        terminal.wait_until_quiet()
        terminal.type(b"Typed before the hang-up")
        terminal.wait_for(b"the hang-up")
        os.kill(terminal.pid, signum)
        assert terminal.exit_code() == 128 + signum
    finally:
        terminal.close()
    threats = tomllib.loads(commented_file.read_text())["threats"]
    assert threats[0]["title"] == "Typed before the hang-up"
    assert "# Comment about T2" in commented_file.read_text()


def test_escape_and_a_key_read_together_are_two_keys_in_a_real_terminal(commented_file, tmp_path):
    # tmux send-keys and fast typists put ESC and the next key in one read, which the terminal parser took for
    # alt+key (or, for a digit, a macOS Option character such as "£" typed into the field)
    terminal = Terminal(commented_file, tmp_path / "home")
    try:
        terminal.wait_for(b"What are we building")
        terminal.type(b"2")
        terminal.wait_for(b"Password dump")
        terminal.type(b"\r")
        terminal.wait_for(b"Threat T1")
        # What is under test is the last write's escape and key read together. The form must have taken focus first:
        # keys typed in the same instant a form opens can still arrive out of order on a loaded machine (a known
        # issue of the key-burst wait, not of escape pairing), so the title is cleared and typed after a moment.
        time.sleep(0.5)
        terminal.type(b"\x15Fast\x1b3")  # ctrl+u, a title, then escape and pane 3 in one write
        terminal.wait_for(b"What are we going to do about it?")  # escape left the form, 3 chose the pane
        terminal.type(b"\x11")  # ctrl+q
        assert terminal.exit_code() == 0
    finally:
        terminal.close()
    assert tomllib.loads(commented_file.read_text())["threats"][0]["title"] == "Fast"
