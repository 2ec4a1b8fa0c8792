"""The one place that talks to SQLite: opening, migrating, reading and writing the person's data."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from backcare.domain.checkin import CheckIn
from backcare.errors import BackcareError, StoreError
from backcare.paths import DB_NAME, ensure_private_dir
from backcare.store import migrations

if TYPE_CHECKING:
    from backcare.domain.edits import Edit
    from backcare.domain.progress import Session, StageEvent
    from backcare.domain.safety import Screen

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30.0
T = TypeVar("T")


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def describe(exc: BaseException, path: Path) -> str:
    """One plain sentence for a SQLite failure."""
    text = str(exc).lower()
    if isinstance(exc, PermissionError) or "readonly" in text or "read-only" in text or "permission" in text:
        return f"backcare cannot write to {path}: the file or its folder is read-only. Nothing was changed."
    if "disk is full" in text or "database or disk is full" in text or "no space" in text:
        return f"The disk holding {path} is full, so nothing was saved. Free some space and try again."
    if "locked" in text or "busy" in text:
        return f"Another backcare is still writing to {path}; nothing was saved. Try again in a moment."
    if "unable to open" in text:
        return f"backcare cannot open {path}. Check that the folder exists and is yours."
    return damaged(path, str(exc))


def guarded(fn: Callable[..., T]) -> Callable[..., T]:
    """Turn any SQLite or OS failure into a StoreError naming the file."""

    @functools.wraps(fn)
    def wrapper(self: "Store", *args: Any, **kwargs: Any) -> T:
        try:
            return fn(self, *args, **kwargs)
        except BackcareError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(describe(exc, self.path)) from exc

    return wrapper


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, home: Path) -> "Store":
        path = home / DB_NAME
        try:
            ensure_private_dir(home)
            created = _create_private_file(path)
        except OSError as exc:
            raise StoreError(_describe_os(exc, home)) from exc
        if not created:
            check_header(path)
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(describe(exc, path)) from exc
        store = cls(conn, path)
        store._prepare(fresh=created)
        return store

    @guarded
    def _prepare(self, *, fresh: bool) -> None:
        db = self.conn
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA secure_delete = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        if version == 0:
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise StoreError(not_backcare(self.path))
        elif app_id != migrations.APPLICATION_ID:
            raise StoreError(not_backcare(self.path))
        if version > migrations.LATEST:
            raise StoreError(
                f"{self.path} was written by a newer backcare (schema {version}; this one knows up to "
                f"{migrations.LATEST}). Upgrade backcare; the file was left untouched."
            )
        if version < migrations.LATEST:
            if version > 0 and not fresh:
                self._backup_before_migration(version)
            migrations.apply(db)

    def _backup_before_migration(self, version: int) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        dest = self.path.with_name(f"{self.path.name}.v{version}-{stamp}.bak")
        self.backup_to(dest)
        return dest

    def close(self) -> None:
        self.conn.close()

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE so concurrent writers queue on the busy timeout."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:  # SQLite may already have rolled back itself (e.g. disk full)
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @guarded
    def backup_to(self, dest: Path, *, replace: bool = False) -> None:
        """A consistent copy through SQLite's backup API (safe while others write). It is written beside `dest`
        as a new 0600 file and moved into place whole (over an existing file only with `replace`); a failure leaves
        nothing behind."""
        from backcare.outfiles import atomic_path, full_disk_message

        try:
            with atomic_path(dest, replace=replace) as tmp:
                target = sqlite3.connect(tmp)
                try:
                    self.conn.backup(target)
                finally:
                    target.close()
        except FileExistsError:
            raise StoreError(
                f"{dest} already exists; backcare does not overwrite files. Choose another name."
            ) from None
        except (sqlite3.Error, OSError) as exc:
            if "full" in str(exc).lower() or getattr(exc, "errno", None) in (28, 122):  # ENOSPC, EDQUOT
                raise StoreError(full_disk_message(dest)) from exc
            raise

    # -- check-ins ---------------------------------------------------------------------------
    @guarded
    def get_checkin(self, day: date) -> CheckIn | None:
        row = self.conn.execute(f"SELECT {_CHECKIN_COLS} FROM checkins WHERE date = ?", (day.isoformat(),)).fetchone()
        return _checkin(row) if row else None

    @guarded
    def update_checkin(self, day: date, make: Callable[[CheckIn | None], CheckIn]) -> tuple[CheckIn | None, CheckIn]:
        """Read the day's check-in and write `make(previous)` in one transaction; keep the old one as an edit."""
        with self.write() as db:
            row = db.execute(f"SELECT {_CHECKIN_COLS} FROM checkins WHERE date = ?", (day.isoformat(),)).fetchone()
            previous = _checkin(row) if row else None
            new = make(previous)
            stamp = now_utc()
            if previous is None:
                db.execute(
                    "INSERT INTO checkins (date, pain, stiffness, sleep, stress, note, tags, settled, recorded_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*_checkin_values(new), stamp, stamp),
                )
            elif new != previous:
                db.execute(
                    "UPDATE checkins SET pain = ?, stiffness = ?, sleep = ?, stress = ?, note = ?, tags = ?,"
                    " settled = ?, updated_at = ? WHERE date = ?",
                    (*_checkin_values(new)[1:], stamp, day.isoformat()),
                )
                _add_edit(db, day, "update", previous.as_dict(), new.as_dict(), stamp)
        return previous, new

    @guarded
    def delete_checkin(self, day: date) -> CheckIn | None:
        with self.write() as db:
            row = db.execute(f"SELECT {_CHECKIN_COLS} FROM checkins WHERE date = ?", (day.isoformat(),)).fetchone()
            if row is None:
                return None
            previous = _checkin(row)
            db.execute("DELETE FROM checkins WHERE date = ?", (day.isoformat(),))
            _add_edit(db, day, "delete", previous.as_dict(), None, now_utc())
        return previous

    @guarded
    def checkins(self, since: date | None = None, until: date | None = None, limit: int = -1) -> list[CheckIn]:
        """Check-ins in date order (oldest first), optionally within [since, until], at most `limit`."""
        sql = f"SELECT {_CHECKIN_COLS} FROM checkins WHERE date >= ? AND date <= ? ORDER BY date LIMIT ?"
        lo = since.isoformat() if since else "0000-01-01"
        hi = until.isoformat() if until else "9999-12-31"
        return [_checkin(row) for row in self.conn.execute(sql, (lo, hi, limit))]

    @guarded
    def edits(self, day: date | None = None) -> list[Edit]:
        from backcare.domain.edits import Edit

        sql = "SELECT date, action, before, after, at FROM checkin_edits"
        params: tuple = ()
        if day is not None:
            sql += " WHERE date = ?"
            params = (day.isoformat(),)
        rows = self.conn.execute(sql + " ORDER BY id", params)
        return [
            Edit(date.fromisoformat(d), action, json.loads(before), json.loads(after) if after else None, at)
            for d, action, before, after, at in rows
        ]

    # -- safety ------------------------------------------------------------------------------
    @guarded
    def record_screen(self, screen: Screen) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO safety_screens (date, answers, any_yes, at) VALUES (?, ?, ?, ?)",
                (screen.day.isoformat(), json.dumps(screen.answers), int(screen.any_yes), now_utc()),
            )

    @guarded
    def screens(self) -> list[Screen]:
        from backcare.domain.safety import Screen

        rows = self.conn.execute("SELECT date, answers FROM safety_screens ORDER BY id")
        return [Screen(date.fromisoformat(d), json.loads(a)) for d, a in rows]

    @guarded
    def latest_screen(self) -> Screen | None:
        from backcare.domain.safety import Screen

        row = self.conn.execute("SELECT date, answers FROM safety_screens ORDER BY id DESC LIMIT 1").fetchone()
        return Screen(date.fromisoformat(row[0]), json.loads(row[1])) if row else None

    # -- settings ----------------------------------------------------------------------------
    @guarded
    def get_setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @guarded
    def set_setting(self, key: str, value: str) -> None:
        with self.write() as db:
            db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    # -- topics ------------------------------------------------------------------------------
    @guarded
    def mark_read(self, topic: str, day: date) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO topics_read (topic, first_read, last_read) VALUES (?, ?, ?)"
                " ON CONFLICT(topic) DO UPDATE SET last_read = excluded.last_read",
                (topic, day.isoformat(), day.isoformat()),
            )

    @guarded
    def topics_read(self) -> dict[str, date]:
        """Topic id -> the day it was first read."""
        rows = self.conn.execute("SELECT topic, first_read FROM topics_read")
        return {topic: date.fromisoformat(first) for topic, first in rows}

    # -- routines, sessions, stage history ------------------------------------------------------
    @guarded
    def save_routine(self, name: str, source: str, origin: str | None) -> bool:
        """Keep a copy of a routine file's text; True when it replaced an earlier copy of that name."""
        with self.write() as db:
            existed = db.execute("SELECT 1 FROM routines WHERE name = ?", (name,)).fetchone() is not None
            db.execute(
                "INSERT OR REPLACE INTO routines (name, source, origin, imported_at) VALUES (?, ?, ?, ?)",
                (name, source, origin, now_utc()),
            )
        return existed

    @guarded
    def routine_source(self, name: str) -> str | None:
        row = self.conn.execute("SELECT source FROM routines WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    @guarded
    def routines(self) -> list[dict]:
        rows = self.conn.execute("SELECT name, origin, imported_at FROM routines ORDER BY name")
        return [{"name": n, "origin": o, "imported_at": at} for n, o, at in rows]

    @guarded
    def save_session(self, session: Session) -> bool:
        """Store one day's session for a routine (replacing that day's earlier one). True when replaced."""
        with self.write() as db:
            existed = (
                db.execute(
                    "SELECT 1 FROM sessions WHERE date = ? AND routine = ?", (session.day.isoformat(), session.routine)
                ).fetchone()
                is not None
            )
            db.execute(
                "INSERT OR REPLACE INTO sessions (date, routine, stage, done, skipped, pain_during, effort, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session.day.isoformat(),
                    session.routine,
                    session.stage,
                    json.dumps(list(session.done)),
                    json.dumps(list(session.skipped)),
                    session.pain_during,
                    session.effort,
                    now_utc(),
                ),
            )
        return existed

    @guarded
    def sessions(self, routine: str | None = None, since: date | None = None, last: int = -1) -> list[Session]:
        """Sessions in date order, optionally of one routine, from `since`, only the `last` N."""
        from backcare.domain.progress import Session

        sql = "SELECT date, routine, stage, done, skipped, pain_during, effort FROM sessions WHERE date >= ?"
        params: list = [since.isoformat() if since else "0000-01-01"]
        if routine is not None:
            sql += " AND routine = ?"
            params.append(routine)
        sql = f"SELECT * FROM ({sql} ORDER BY date DESC LIMIT ?) ORDER BY date"
        rows = self.conn.execute(sql, [*params, last])
        return [Session(date.fromisoformat(d), r, st, _ids(dn), _ids(sk), p, e) for d, r, st, dn, sk, p, e in rows]

    @guarded
    def completed_session_days(self, since: date | None = None) -> list[date]:
        """Days (in order, repeated per session) with a session in which at least one exercise was done."""
        rows = self.conn.execute(
            "SELECT date FROM sessions WHERE date >= ? AND done != '[]' ORDER BY date",
            (since.isoformat() if since else "0000-01-01",),
        )
        return [date.fromisoformat(d) for (d,) in rows]

    @guarded
    def add_stage_event(self, event: StageEvent) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO stage_history (routine, date, stage, decision, reasons, manual, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    event.routine,
                    event.day.isoformat(),
                    event.stage,
                    event.decision,
                    json.dumps(list(event.reasons)),
                    int(event.manual),
                    now_utc(),
                ),
            )

    @guarded
    def set_day_decision(self, routine: str, day: date, event: StageEvent | None) -> None:
        """Keep one engine decision per routine and day: replace that day's earlier one (a start, a manual change
        and older days are never touched); None removes it."""
        with self.write() as db:
            db.execute(
                "DELETE FROM stage_history WHERE routine = ? AND date = ? AND manual = 0"
                " AND decision IN ('advance', 'hold', 'step_back', 'stop')",
                (routine, day.isoformat()),
            )
            if event is not None:
                db.execute(
                    "INSERT INTO stage_history (routine, date, stage, decision, reasons, manual, at)"
                    " VALUES (?, ?, ?, ?, ?, 0, ?)",
                    (routine, day.isoformat(), event.stage, event.decision, json.dumps(list(event.reasons)), now_utc()),
                )

    @guarded
    def stage_history(self, routine: str | None = None) -> list[StageEvent]:
        from backcare.domain.progress import StageEvent

        sql = "SELECT routine, date, stage, decision, reasons, manual FROM stage_history"
        params: tuple = ()
        if routine is not None:
            sql += " WHERE routine = ?"
            params = (routine,)
        rows = self.conn.execute(sql + " ORDER BY id", params)
        return [
            StageEvent(r, date.fromisoformat(d), s, dec, tuple(json.loads(rs)), bool(m)) for r, d, s, dec, rs, m in rows
        ]

    # -- health ------------------------------------------------------------------------------
    @guarded
    def counts(self) -> dict[str, int]:
        tables = ("checkins", "checkin_edits", "safety_screens", "sessions", "stage_history", "routines", "topics_read")
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    @guarded
    def integrity(self) -> list[str]:
        """Problems found by PRAGMA integrity_check; empty when the file is sound."""
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    @guarded
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]


_CHECKIN_COLS = "date, pain, stiffness, sleep, stress, note, tags, settled"


def _ids(text: str) -> tuple[str, ...]:
    """A stored JSON list of ids or tags; most are empty, and years of rows are read at once."""
    return () if text == "[]" else tuple(json.loads(text))


def _checkin(row: tuple) -> CheckIn:
    d, pain, stiffness, sleep, stress, note, tags, settled = row
    return CheckIn(
        date.fromisoformat(d),
        pain,
        stiffness,
        sleep,
        stress,
        note,
        _ids(tags),
        None if settled is None else bool(settled),
    )


def _checkin_values(c: CheckIn) -> tuple:
    settled = None if c.settled is None else int(c.settled)
    return (c.day.isoformat(), c.pain, c.stiffness, c.sleep, c.stress, c.note, json.dumps(list(c.tags)), settled)


def _add_edit(db: sqlite3.Connection, day: date, action: str, before: dict, after: dict | None, at: str) -> None:
    db.execute(
        "INSERT INTO checkin_edits (date, action, before, after, at) VALUES (?, ?, ?, ?, ?)",
        (day.isoformat(), action, json.dumps(before), json.dumps(after) if after is not None else None, at),
    )


def _create_private_file(path: Path) -> bool:
    """Create `path` as 0600 before SQLite touches it (its journal files then inherit 0600).

    Returns True when the file was created here, False when it already existed (its mode is tightened only
    if it is backcare's own database file).
    """
    from backcare.outfiles import create_private, tighten_if_ours

    try:
        os.close(create_private(path))  # O_EXCL | O_NOFOLLOW: never through a link
    except FileExistsError:
        tighten_if_ours(path, 0o600, accept=is_backcare_header)  # never another program's file, a link or a device
        return path.stat().st_size == 0
    return True


def is_backcare_header(head: bytes) -> bool:
    """The first 100 bytes are those of an SQLite database with backcare's application id."""
    return head[:16] == SQLITE_MAGIC and int.from_bytes(head[68:72], "big") == migrations.APPLICATION_ID


def check_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database before SQLite gets a chance to touch it."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(_describe_os(exc, path)) from exc
    if head != SQLITE_MAGIC:
        raise StoreError(not_backcare(path))
    _check_not_truncated(path)


def _check_not_truncated(path: Path) -> None:
    """A valid in-header page count larger than the file means the file was cut short."""
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100:
        raise StoreError(damaged(path, "the file is shorter than a database header"))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = header[24:28]
    pages = int.from_bytes(header[28:32], "big")
    if pages and change_counter == header[92:96] and pages * page_size > path.stat().st_size:
        raise StoreError(damaged(path, "the file is shorter than it should be"))


def damaged(path: Path, why: str) -> str:
    return (
        f"The backcare database at {path} is damaged ({why}). It was left untouched: "
        "move it aside (or restore a backup) and run backcare again."
    )


def not_backcare(path: Path) -> str:
    return (
        f"{path} is not a backcare database. It was left untouched: move it aside, "
        "or point backcare elsewhere with --home or BACKCARE_HOME."
    )


def _describe_os(exc: OSError, path: Path) -> str:
    if isinstance(exc, PermissionError):
        return f"backcare cannot write to {path}: permission denied. Choose another place with --home."
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return f"backcare needs {path} to be a folder, but something else is there."
    return f"backcare cannot use {path}: {exc.strerror or exc}."
