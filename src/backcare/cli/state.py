"""Per-invocation state shared by the commands: the data home, debug mode, the open store."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from backcare.store import Store


class State:
    # A plain class: this runs on every command, and a dataclass costs ~0.6 ms to create at import.
    __slots__ = ("home_option", "debug", "_store")

    def __init__(self) -> None:
        self.home_option: str | None = None
        self.debug = os.environ.get("BACKCARE_DEBUG") == "1"
        self._store: Store | None = None

    @property
    def home(self) -> Path:
        if self.home_option is not None or os.environ.get("BACKCARE_HOME"):
            from backcare.paths import resolve_home

            return resolve_home(self.home_option)
        # The platform's default folder, without importing platformdirs (about 3.5 ms of every command run
        # without --home or BACKCARE_HOME) in the plain cases where every platformdirs version gives the same
        # answer; anything unusual still asks it (tests/test_due.py keeps the two equal).
        from backcare.cli.fast import data_home

        return Path(data_home(None))

    def day_starts(self) -> int:
        """The day-rollover hour of the data folder in use (the clock asks, once, when it first needs it)."""
        from backcare.services import config

        if self._store is not None:
            return config.day_starts(self._store)
        return config.day_starts_in(str(self.home))

    def store(self) -> "Store":
        if self._store is None:
            from backcare.store import Store

            self._store = Store.open(self.home)
        return self._store

    def close(self) -> None:
        """Close the store this run opened, when the command ends. Its connection is in a reference cycle (the
        statement cache), so nothing else closes it before exit: the collector's last pass does not run over
        what is frozen at exit, and a database in WAL mode would keep its -wal and -shm files."""
        store, self._store = self._store, None
        if store is not None:
            store.close()


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def interactive() -> bool:
    """True when a person can answer prompts (stdin is a terminal)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def print_json(data: object) -> None:
    """Indented for a person at a terminal; compact when piped (much faster for years of data)."""
    import json

    try:
        pretty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        pretty = False
    from backcare.textsafe import json_inert

    text = json.dumps(data, indent=2, ensure_ascii=False) if pretty else json.dumps(data, ensure_ascii=False)
    sys.stdout.write(json_inert(text) + "\n")  # bidi and C1 controls as \u escapes: the same JSON, inert


def fail_usage(message: str) -> None:
    """A usage problem: one sentence on stderr, exit code 2."""
    from backcare.errors import InvalidInput

    raise InvalidInput(message)
