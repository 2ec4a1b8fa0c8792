"""The one place that talks to SQLite: opening, migrating, reading and writing the person's data."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
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
    from backcare.domain.safety import Clearance, Screen

BUSY_TIMEOUT_S = 30.0
T = TypeVar("T")


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def describe(exc: BaseException, path: Path) -> str:
    """One plain sentence for a SQLite failure."""
    text = str(exc).lower()
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
        return (
            f"A write to {path} was cut off (a crash or power cut) and SQLite must finish undoing it, but the file "
            "or its folder is read-only: make it writable and run backcare again (nothing was changed)."
        )
    if "file is not a database" in text:
        return not_backcare(path)
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
    # Whether any write transaction committed in this process (the last-resort error message depends on it).
    committed = False

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool = False):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.damage: list[str] = []  # what the quick check found; writes are refused while it is not empty
        self._checked = False  # the file passed a quick check (now or, unchanged since, in an earlier run)

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, home: Path, *, verify: bool = True) -> "Store":
        """Open (creating if needed) the database in `home`.

        SQLite itself opens the file first, so that a hot journal left by a crash is rolled back before any check
        of ours. A home that cannot be written is opened read-only. With `verify`, a damaged file is refused;
        without it (`where`, `recover`), `damage` says what is wrong and every write is refused.
        """
        path = home / DB_NAME
        readonly = _read_only(home, path)
        created = False
        if not readonly:
            try:
                ensure_private_dir(home)
                created = _create_private_file(path)
            except OSError as exc:
                raise StoreError(_describe_os(exc, home)) from exc
        try:
            if readonly:
                conn = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
                )
            else:
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(describe(exc, path)) from exc
        store = cls(conn, path, readonly=readonly)
        try:
            store._prepare(fresh=created, verify=verify)
        except BaseException:
            conn.close()
            raise
        return store

    @guarded
    def _prepare(self, *, fresh: bool, verify: bool) -> None:
        db = self.conn
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA secure_delete = ON")
        # The first read: SQLite rolls back a hot journal here, before anything of ours looks at the file.
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
        if not fresh:
            self.damage = self._quick_check()
            if self.damage:
                if verify:
                    raise StoreError(damaged(self.path, self.damage[0]))
                return
        if version < migrations.LATEST:
            if version > 0 and not fresh:
                self._backup_before_migration(version)
            migrations.apply(db)
            Store.committed = True
            self._checked = True
            self._remember_checked()

    def _quick_check(self) -> list[str]:
        """PRAGMA quick_check, skipped when the file is exactly as it was after the last good check or write.

        The fingerprint (device, inode, size, times, SQLite's change counter) is read after SQLite opened the
        file, inside a read transaction so no writer can change it in between. Returns the problems found.
        """
        db = self.conn
        db.execute("BEGIN")
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # take the read lock
            mark = self._fingerprint()
            if mark is not None and mark == _read_marker(self.path):
                self._checked = True
                return []
            rows = [r[0] for r in db.execute("PRAGMA quick_check(20)")]
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            return [str(exc)]
        finally:
            if db.in_transaction:  # nothing was written: ending the read transaction either way is the same
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
        if rows != ["ok"]:
            return rows
        self._checked = True
        if mark is not None and not self.readonly:
            _write_marker(self.path, mark)
        return []

    def _fingerprint(self) -> str | None:
        try:
            st = os.stat(self.path)
            with open(self.path, "rb") as fh:
                counter = os.pread(fh.fileno(), 4, 24).hex()
        except OSError:
            return None
        return f"{st.st_dev} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {counter}"

    def _remember_checked(self) -> None:
        """After a commit of ours to a file that had passed the check: the new state is known good too."""
        if self._checked and not self.readonly:
            mark = self._fingerprint()
            if mark is not None:
                _write_marker(self.path, mark)

    def _backup_before_migration(self, version: int) -> Path:
        """A verified copy before the schema changes: written under a temporary name, checked (integrity and
        row counts), and only then given its final name. A copy that fails the check stops the upgrade."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        dest = self.path.with_name(f"{self.path.name}.v{version}-{stamp}.bak")
        partial = dest.with_name(dest.name + PARTIAL)
        _remove_stale_partials(self.path)
        try:
            self.backup_to(partial)
            problem = _verify_copy(partial, _row_counts(self.conn))
            if problem:
                raise StoreError(
                    f"The safety copy made before upgrading {self.path} did not check out ({problem}), so the "
                    "upgrade was not started and nothing was changed. Check the free space and try again."
                )
            os.rename(partial, dest)
            from backcare.outfiles import sync_folder

            sync_folder(dest.parent)
        except BaseException:
            _unlink_quietly(partial)
            raise
        return dest

    def close(self) -> None:
        self.conn.close()

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE so concurrent writers queue on the busy timeout."""
        if self.damage:
            raise StoreError(damaged(self.path, self.damage[0]))
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:  # SQLite may already have rolled back itself (e.g. disk full)
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        Store.committed = True
        self._remember_checked()

    @guarded
    def backup_to(self, dest: Path, *, replace: bool = False) -> None:
        """A consistent copy through SQLite's backup API (safe while others write).

        The copy is written beside `dest` as a new 0600 file, without a journal of its own (it is not in use until
        it is complete), and moved into place whole (over an existing file only with `replace`); when the copy
        fails, nothing is left behind to look like a backup.
        """
        from backcare.outfiles import atomic_path, full_disk_message

        try:
            with atomic_path(dest, replace=replace) as tmp:
                target = sqlite3.connect(tmp, isolation_level=None)
                try:
                    target.execute("PRAGMA journal_mode = OFF")
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
    def latest_checkins(self, since: date | None = None, limit: int = -1) -> list[CheckIn]:
        """Check-ins newest first, from `since` on, at most `limit` (-1: all): only the rows asked for are read."""
        sql = f"SELECT {_CHECKIN_COLS} FROM checkins WHERE date >= ? ORDER BY date DESC LIMIT ?"
        lo = since.isoformat() if since else "0000-01-01"
        return [_checkin(row) for row in self.conn.execute(sql, (lo, limit))]

    @guarded
    def count_checkins(self, since: date | None = None) -> int:
        lo = since.isoformat() if since else "0000-01-01"
        return int(self.conn.execute("SELECT count(*) FROM checkins WHERE date >= ?", (lo,)).fetchone()[0])

    @guarded
    def edits(self, day: date | None = None) -> list[Edit]:
        from backcare.domain.edits import Edit

        sql = "SELECT date, action, before, after, at FROM checkin_edits"
        params: tuple[Any, ...] = ()
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
        seen = None if screen.seen_doctor is None else int(screen.seen_doctor)
        with self.write() as db:
            db.execute(
                "INSERT INTO safety_screens (date, answers, any_yes, seen_doctor, at) VALUES (?, ?, ?, ?, ?)",
                (screen.day.isoformat(), json.dumps(screen.answers), int(screen.any_yes), seen, now_utc()),
            )

    @guarded
    def screens(self) -> list[Screen]:
        """Every safety screen, in the order they were answered."""
        rows = self.conn.execute("SELECT date, answers, seen_doctor FROM safety_screens ORDER BY id")
        return [_screen(row) for row in rows]

    @guarded
    def latest_screen(self) -> Screen | None:
        row = self.conn.execute(
            "SELECT date, answers, seen_doctor FROM safety_screens ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return _screen(row) if row else None

    @guarded
    def record_clearance(self, clearance: Clearance) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO clearances (date, by, note, covers, at) VALUES (?, ?, ?, ?, ?)",
                (
                    clearance.day.isoformat(),
                    clearance.by,
                    clearance.note,
                    json.dumps(list(clearance.covers)),
                    now_utc(),
                ),
            )

    @guarded
    def clearances(self) -> list[Clearance]:
        """Every clinician's clearance, in the order recorded."""
        from backcare.domain.safety import Clearance

        rows = self.conn.execute("SELECT date, by, note, covers FROM clearances ORDER BY id")
        return [Clearance(date.fromisoformat(d), by, note, _ids(covers)) for d, by, note, covers in rows]

    # -- settings ----------------------------------------------------------------------------
    @guarded
    def get_setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None  # as text even when an edited database holds a number or bytes

    @guarded
    def set_setting(self, key: str, value: str) -> None:
        with self.write() as db:
            db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    @guarded
    def delete_setting(self, key: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM settings WHERE key = ?", (key,))

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
        _version, previous = self.save_routine_version(name, source, origin)
        return previous is not None

    @guarded
    def save_routine_version(
        self, name: str, source: str, origin: str | None, event: StageEvent | None = None
    ) -> tuple[int, int | None]:
        """Make `source` the current text of routine `name`, keeping every earlier version, and record `event`
        (a stage move the new version needs) in the same transaction.

        Returns (the current version number, the version it replaced or None for a new routine). Text identical
        to the current version adds no version."""
        with self.write() as db:
            stamp = now_utc()
            current = db.execute("SELECT source, origin, imported_at FROM routines WHERE name = ?", (name,)).fetchone()
            latest = _latest_version(db, name)
            if current is not None and (latest is None or latest[1] != current[0]):
                # A copy written without a version (e.g. restored from an export): keep it as a version first.
                number = (latest[0] if latest else 0) + 1
                _insert_version(db, name, number, current[0], current[1], current[2])
                latest = (number, current[0])
            previous = latest[0] if current is not None and latest else None
            if latest is None or latest[1] != source:
                number = (latest[0] if latest else 0) + 1
                _insert_version(db, name, number, source, origin, stamp)
            else:
                number = latest[0]
            db.execute(
                "INSERT OR REPLACE INTO routines (name, source, origin, imported_at) VALUES (?, ?, ?, ?)",
                (name, source, origin, stamp),
            )
            if event is not None:
                _insert_stage_event(db, event)
        return number, previous

    @guarded
    def routine_versions(self, name: str) -> list[dict[str, Any]]:
        """Every kept version of routine `name`, oldest first: version, source, origin, imported_at, current."""
        rows = self.conn.execute(
            "SELECT version, source, origin, imported_at FROM routine_versions WHERE routine = ? ORDER BY version",
            (name,),
        ).fetchall()
        current = self.conn.execute(
            "SELECT source, origin, imported_at FROM routines WHERE name = ?", (name,)
        ).fetchone()
        out = [{"version": v, "source": s, "origin": o, "imported_at": at, "current": False} for v, s, o, at in rows]
        if current is not None:
            if not out or out[-1]["source"] != current[0]:  # a copy written without a version
                number = out[-1]["version"] + 1 if out else 1
                out.append({"version": number, "source": current[0], "origin": current[1], "imported_at": current[2]})
            out[-1]["current"] = True
        return out

    @guarded
    def routine_source(self, name: str) -> str | None:
        row = self.conn.execute("SELECT source FROM routines WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    @guarded
    def routines(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT name, origin, imported_at FROM routines ORDER BY name")
        return [{"name": n, "origin": o, "imported_at": at} for n, o, at in rows]

    @guarded
    def add_session(self, session: Session) -> Session:
        """Keep a new session record (never touching another one); the record with its number."""
        import dataclasses

        with self.write() as db:
            cur = db.execute(
                INSERT_SESSION,
                (*session_values(session), now_utc()),
            )
        return dataclasses.replace(session, id=cur.lastrowid)

    def save_session(self, session: Session) -> bool:
        """The earlier name of `add_session`: keeps a new record (sessions are never replaced), so always False."""
        self.add_session(session)
        return False

    @guarded
    def sessions(
        self, routine: str | None = None, since: date | None = None, last: int = -1, until: date | None = None
    ) -> list[Session]:
        """Sessions in the order they were done (day, then start), optionally of one routine, within
        [since, until], only the `last` N."""
        sql = f"SELECT {_SESSION_COLS} FROM sessions WHERE date >= ? AND date <= ?"
        params: list[Any] = [since.isoformat() if since else "0000-01-01", until.isoformat() if until else "9999-12-31"]
        if routine is not None:
            sql += " AND routine = ?"
            params.append(routine)
        newest = "date DESC, coalesce(started, '') DESC, id DESC"
        sql = f"SELECT * FROM ({sql} ORDER BY {newest} LIMIT ?) ORDER BY date, coalesce(started, ''), id"
        return [session_from_row(row) for row in self.conn.execute(sql, [*params, last])]

    @guarded
    def count_sessions(self, since: date | None = None) -> int:
        """How many sessions there are from `since` on (all when None), without reading them."""
        lo = since.isoformat() if since else "0000-01-01"
        return int(self.conn.execute("SELECT count(*) FROM sessions WHERE date >= ?", (lo,)).fetchone()[0])

    @guarded
    def session(self, session_id: int) -> Session | None:
        row = self.conn.execute(f"SELECT {_SESSION_COLS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return session_from_row(row) if row else None

    @guarded
    def delete_session(self, session_id: int) -> Session | None:
        """Remove one session record, keeping a copy in the session edit history; None when there is none."""
        with self.write() as db:
            row = db.execute(f"SELECT {_SESSION_COLS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                return None
            previous = session_from_row(row)
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            db.execute(
                "INSERT INTO session_edits (session_id, date, action, before, at) VALUES (?, ?, 'delete', ?, ?)",
                (session_id, previous.day.isoformat(), json.dumps(previous.as_dict()), now_utc()),
            )
        return previous

    @guarded
    def session_edits(self) -> list[dict[str, Any]]:
        """Deleted sessions (oldest first): the session's number, day, action, the record as it was, when."""
        rows = self.conn.execute("SELECT session_id, date, action, before, at FROM session_edits ORDER BY id")
        return [
            {"session": sid, "date": d, "action": action, "before": json.loads(before), "at": at}
            for sid, d, action, before, at in rows
        ]

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
            _insert_stage_event(db, event)

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
        params: tuple[Any, ...] = ()
        if routine is not None:
            sql += " WHERE routine = ?"
            params = (routine,)
        rows = self.conn.execute(sql + " ORDER BY id", params)
        return [
            StageEvent(r, date.fromisoformat(d), s, dec, tuple(json.loads(rs)), bool(m)) for r, d, s, dec, rs, m in rows
        ]

    # -- profile -----------------------------------------------------------------------------
    @guarded
    def profile(self) -> dict[str, str]:
        """The profile fields that are set (name, clinic_id, clinician), in that order."""
        from backcare.domain.profile import FIELDS

        rows = dict(self.conn.execute("SELECT field, value FROM profile"))
        return {f: rows[f] for f in FIELDS if f in rows}

    @guarded
    def set_profile(self, changes: dict[str, str | None]) -> None:
        """Set profile fields in one transaction; None or '' clears a field."""
        with self.write() as db:
            for name, value in changes.items():
                if value:
                    db.execute(
                        "INSERT INTO profile (field, value, updated_at) VALUES (?, ?, ?)"
                        " ON CONFLICT (field) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                        (name, value, now_utc()),
                    )
                else:
                    db.execute("DELETE FROM profile WHERE field = ?", (name,))

    @guarded
    def save_routine_images(self, routine: str, images: list[tuple[str, str, str, bytes]]) -> None:
        """Keep the pictures of an imported routine: (exercise, path, media type, bytes); replaces earlier ones."""
        with self.write() as db:
            db.execute("DELETE FROM routine_images WHERE routine = ?", (routine,))
            db.executemany(
                "INSERT INTO routine_images (routine, exercise, path, mime, data) VALUES (?, ?, ?, ?, ?)",
                [(routine, *image) for image in images],
            )

    @guarded
    def routine_images(self, routine: str) -> dict[str, tuple[str, bytes]]:
        """exercise id -> (media type, bytes) of the pictures kept with a routine."""
        rows = self.conn.execute("SELECT exercise, mime, data FROM routine_images WHERE routine = ?", (routine,))
        return {exercise: (mime, bytes(data)) for exercise, mime, data in rows}

    # -- health ------------------------------------------------------------------------------
    @guarded
    def counts(self) -> dict[str, int]:
        tables = (
            "checkins",
            "checkin_edits",
            "safety_screens",
            "clearances",
            "sessions",
            "stage_history",
            "routines",
            "topics_read",
        )
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    @guarded
    def integrity(self) -> list[str]:
        """Problems found by PRAGMA integrity_check; empty when the file is sound."""
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    @guarded
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])


_CHECKIN_COLS = "date, pain, stiffness, sleep, stress, note, tags, settled"
_SESSION_FIELDS = "date, started, routine, stage, done, skipped, exercises, pain_during, effort"
_SESSION_COLS = f"id, {_SESSION_FIELDS}"
INSERT_SESSION = f"INSERT INTO sessions ({_SESSION_FIELDS}, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def session_values(s: Session) -> tuple[Any, ...]:
    """The stored columns of a session record, after its number (the one place its shape is written)."""
    return (
        s.day.isoformat(),
        s.started,
        s.routine,
        s.stage,
        json.dumps(list(s.done)),
        json.dumps(list(s.skipped)),
        json.dumps([e.as_dict() for e in s.records]),
        s.pain_during,
        s.effort,
    )


def session_from_row(row: tuple[Any, ...]) -> Session:
    """A session record from its stored columns (`_SESSION_COLS`)."""
    from backcare.domain.progress import ExerciseRecord, Session

    id_, d, started, routine, stage, done, skipped, exercises, pain, effort = row
    records = () if exercises == "[]" else tuple(ExerciseRecord.from_dict(e) for e in json.loads(exercises))
    return Session(
        date.fromisoformat(d), routine, stage, _ids(done), _ids(skipped), pain, effort, started, records, id_
    )


def _ids(text: str) -> tuple[str, ...]:
    """A stored JSON list of ids or tags; most are empty, and years of rows are read at once."""
    return () if text == "[]" else tuple(json.loads(text))


def _checkin(row: Sequence[Any]) -> CheckIn:
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


def _screen(row: tuple[str, str, int | None]) -> Screen:
    from backcare.domain.safety import Screen

    d, answers, seen = row
    return Screen(date.fromisoformat(d), json.loads(answers), None if seen is None else bool(seen))


def _checkin_values(c: CheckIn) -> tuple[Any, ...]:
    settled = None if c.settled is None else int(c.settled)
    return (c.day.isoformat(), c.pain, c.stiffness, c.sleep, c.stress, c.note, json.dumps(list(c.tags)), settled)


def _insert_stage_event(db: sqlite3.Connection, event: StageEvent) -> None:
    db.execute(
        "INSERT INTO stage_history (routine, date, stage, decision, reasons, manual, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
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


def _latest_version(db: sqlite3.Connection, name: str) -> tuple[int, str] | None:
    row = db.execute(
        "SELECT version, source FROM routine_versions WHERE routine = ? ORDER BY version DESC LIMIT 1", (name,)
    ).fetchone()
    return (row[0], row[1]) if row else None


def _insert_version(db: sqlite3.Connection, name: str, number: int, source: str, origin: str | None, at: str) -> None:
    db.execute(
        "INSERT INTO routine_versions (routine, version, source, origin, imported_at) VALUES (?, ?, ?, ?, ?)",
        (name, number, source, origin, at),
    )


def _add_edit(
    db: sqlite3.Connection, day: date, action: str, before: dict[str, Any], after: dict[str, Any] | None, at: str
) -> None:
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
    return head[:16] == b"SQLite format 3\x00" and int.from_bytes(head[68:72], "big") == migrations.APPLICATION_ID


def damaged(path: Path, why: str) -> str:
    why = (why.strip().splitlines() or ["unreadable"])[0][:160]
    return (
        f"The backcare database at {path} is damaged ({why}); it was left untouched, and 'backcare recover -o FILE' "
        "copies every row that can still be read into a new file ('backcare where' explains)."
    )


def not_backcare(path: Path) -> str:
    return (
        f"{path} is not a backcare database; it was left untouched: use another folder with --home or "
        "BACKCARE_HOME, or rename it together with any file beside it whose name starts with its name."
    )


MARKER = ".backcare-checked"  # beside the database: the fingerprint of the file when it last passed a check
MARKER_SIZE = 160
PARTIAL = ".partial"  # suffix of a pre-upgrade copy that has not been verified yet


def _is_corruption(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc).lower()


def _read_only(home: Path, path: Path) -> bool:
    """True when the database exists but this process cannot write it or its folder (journals live there)."""
    try:
        return path.is_file() and not (os.access(home, os.W_OK) and os.access(path, os.W_OK))
    except OSError:
        return False


def _read_marker(path: Path) -> str | None:
    try:
        with open(path.with_name(MARKER), encoding="ascii") as fh:
            return fh.read(MARKER_SIZE).strip()
    except (OSError, ValueError):
        return None


def _write_marker(path: Path, mark: str) -> None:
    """Best effort: a missing or torn marker only means the next run checks the file again.

    Written in place at a fixed length (no truncation: truncating and rewriting a file makes some file systems
    flush it to disk, which costs a millisecond on every save)."""
    try:
        fd = os.open(path.with_name(MARKER), os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        return
    try:
        os.pwrite(fd, mark.encode("ascii").ljust(MARKER_SIZE - 1)[: MARKER_SIZE - 1] + b"\n", 0)
    except OSError:
        pass
    finally:
        os.close(fd)


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in every table of the file (whatever its schema version)."""
    names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _verify_copy(copy: Path, expected: dict[str, int]) -> str | None:
    """Why the copy cannot be relied on, or None: it opens, passes quick_check and holds the same rows."""
    try:
        conn = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        if rows != ["ok"]:
            return str(rows[0])
        for table, n in expected.items():
            found = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if found != n:
                return f"{table}: {found} rows instead of {n}"
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    return None


def _remove_stale_partials(path: Path, older_than_s: float = 600.0) -> None:
    """Unverified pre-upgrade copies left by a run that was killed (not one another process is writing now)."""
    now = datetime.now(timezone.utc).timestamp()
    for leftover in path.parent.glob(f"{path.name}.v*.bak{PARTIAL}"):
        try:
            st = leftover.lstat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and now - st.st_mtime > older_than_s:
            _unlink_quietly(leftover)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _describe_os(exc: OSError, path: Path) -> str:
    if isinstance(exc, PermissionError):
        return f"backcare cannot write to {path}: permission denied. Choose another place with --home."
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return f"backcare needs {path} to be a folder, but something else is there."
    return f"backcare cannot use {path}: {exc.strerror or exc}."
