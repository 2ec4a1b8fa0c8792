"""The guided session in a real terminal (a pty): q, Ctrl-C and Ctrl-D stop it the same way, keeping what was
marked and never touching an earlier session."""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from backcare.domain.safety import all_clear
from backcare.store import Store

pytestmark = pytest.mark.slow  # backcare on a pseudo-terminal: CI runs it, the fast loop leaves it out

pty = pytest.importorskip("pty")  # POSIX only

DAY = "2026-03-02"
CTRL_C, CTRL_D = b"\x03", b"\x04"
LIMIT_S = 60  # a guard against a hung child, not a timing assertion


@pytest.fixture(autouse=True)
def _safety_answered(home):
    """Exercises are offered once the safety questions are answered: an all-'no' screen first."""
    store = Store.open(home)
    try:
        store.record_screen(all_clear(date.fromisoformat(DAY)))
    finally:
        store.close()


class Terminal:
    """`backcare ARGS` running on a pseudo-terminal, typed at like a person would."""

    def __init__(self, home: Path, *args: str, env: dict | None = None):
        env = {
            **os.environ,
            "BACKCARE_HOME": str(home),
            "BACKCARE_TODAY": DAY,
            "NO_COLOR": "1",
            "COLUMNS": "100",
            **(env or {}),
        }
        env.pop("PYTHONSTARTUP", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes backcare
            # Ctrl-C must reach it as it reaches a person's backcare, even when the tests themselves run where
            # SIGINT is ignored (a background job of a script): an ignored signal would be inherited through exec.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execve(sys.executable, [sys.executable, "-m", "backcare", *args], env)
        self.seen = b""

    def _read(self) -> bool:
        ready, _, _ = select.select([self.fd], [], [], 0.2)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # EIO: the child has closed the terminal
            return False
        self.seen += chunk
        return bool(chunk)

    def expect(self, text: str) -> None:
        start, wanted = time.monotonic(), text.encode()
        while wanted not in self.seen:
            if not self._read() or time.monotonic() - start > LIMIT_S:
                self._stop()
                raise AssertionError(f"never saw {text!r}; the terminal showed:\n{self.text}")

    def send(self, data: bytes) -> None:
        # what was shown so far is consumed, so the next expect waits for new output
        self.before, self.seen = self.seen, b""
        if data == CTRL_C:
            self._wait_until_waiting()
        os.write(self.fd, data)

    def _wait_until_waiting(self) -> None:
        """Wait until backcare sits waiting for a key (asleep in the kernel, twice in a row), as it is when a
        person presses Ctrl-C. A SIGINT that lands in the instant between Python's last signal check and the
        read() it is about to block in is only seen at the next key: a person never types that fast, but a test
        that sends Ctrl-C the moment the prompt appears would."""
        stat = Path(f"/proc/{self.pid}/stat")
        if not stat.exists():  # no /proc here: give it a person's reaction time
            time.sleep(0.3)
            return
        start, asleep = time.monotonic(), 0
        while asleep < 2 and time.monotonic() - start < LIMIT_S:
            # the state letter follows the command name in parentheses
            asleep = asleep + 1 if stat.read_text().rsplit(")", 1)[1].split()[0] == "S" else 0
            time.sleep(0.02)

    def answer(self, prompt: str, data: bytes) -> None:
        self.expect(prompt)
        self.send(data)

    def finish(self) -> int:
        start = time.monotonic()
        while self._read() and time.monotonic() - start < LIMIT_S:
            pass
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        while pid == 0 and time.monotonic() - start < LIMIT_S:  # closing its terminal, it is about to exit
            time.sleep(0.01)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:  # still running: a test that waits for it forever could never fail
            self._stop()
            raise AssertionError(f"backcare was still running; the terminal showed:\n{self.text}")
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)

    def _stop(self) -> None:
        """End the child (if it is still there) so that a failing test fails instead of hanging."""
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)

    @property
    def text(self) -> str:
        return self.seen.decode(errors="replace")


CHOICE = "[d]one, [s]kip, [q]uit"


def sessions(home: Path):
    store = Store.open(home)
    try:
        return store.sessions()
    finally:
        store.close()


def log_all(bc) -> None:
    result = bc("session", "--done", "all", "--pain-during", "3", env={"BACKCARE_TODAY": DAY})
    assert result.returncode == 0, result.stderr


def test_quit_at_the_first_exercise_keeps_the_earlier_session(bc, home):
    log_all(bc)
    before = sessions(home)
    t = Terminal(home, "session", "--no-timer")
    t.answer(CHOICE, b"q\r")
    assert t.finish() == 0
    assert "nothing was logged" in t.text
    assert sessions(home) == before


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_and_ctrl_d_keep_what_was_marked(bc, home, key):
    log_all(bc)
    [earlier] = sessions(home)
    t = Terminal(home, "session", "--no-timer")
    t.answer(CHOICE, b"d\r")
    t.answer(CHOICE, b"s\r")
    t.answer(CHOICE, key)
    assert t.finish() == 0
    assert "Stopped. Keeping what you marked." in t.text and "Session saved" in t.text
    first, second = sessions(home)
    assert first == earlier
    assert [e.status for e in second.exercises][:2] == ["done", "skipped"]
    assert second.done == second.done[:1] and len(second.skipped) == len(earlier.done) - 1
    assert second.pain_during is None


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_stopping_before_anything_was_marked_logs_nothing(home, key):
    t = Terminal(home, "session", "--no-timer")
    t.answer(CHOICE, key)
    assert t.finish() == 0
    assert "nothing was logged" in t.text
    assert sessions(home) == []


def test_ctrl_c_during_a_hold_timer_stops_cleanly(home):
    t = Terminal(home, "session")
    t.answer("Press Enter to start the timer", b"\r")
    t.answer("hold 1 of", CTRL_C)
    assert t.finish() == 0
    assert "Traceback" not in t.text and "nothing was logged" in t.text
    assert sessions(home) == []


def test_quitting_after_an_exercise_asks_pain_during(bc, home):
    t = Terminal(home, "session", "--no-timer")
    t.answer(CHOICE, b"d\r")
    t.answer(CHOICE, b"q\r")
    t.answer("Highest pain during the session", b"4\r")
    t.answer("Effort", b"\r")
    assert t.finish() == 0
    [s] = sessions(home)
    assert len(s.done) == 1 and s.pain_during == 4 and s.effort is None
    assert "Session saved" in t.text and "1 of" in t.text
