"""The one place that talks to SQLite: opening, migrating, reading and writing the person's data."""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from backcare.errors import BackcareError, StoreError
from backcare.paths import DB_NAME, ensure_private_dir
from backcare.store import migrations

# The record modules are imported by the methods that use them: opening the store (all the dashboard needs when
# its day's answer is kept) loads none of them.
if TYPE_CHECKING:
    from backcare.domain.checkin import CheckIn
    from backcare.domain.edits import Edit
    from backcare.domain.progress import Session, StageEvent
    from backcare.domain.progression import Tally
    from backcare.domain.safety import Clearance, Screen

BUSY_TIMEOUT_S = 30.0


def now_utc() -> str:
    """The time a record is written, as every record kind stores it."""
    from backcare.store.records.base import now_utc as now

    return now()


T = TypeVar("T")


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
        self._header_fd: int | None = None  # for the fingerprint; closed only after the connection (see there)

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
            store.close()
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
        """Device, inode, size, times and SQLite's change counter (bytes 24-27 of the header).

        The header is read through one descriptor kept open until the store closes, never opened and closed
        here: POSIX locks belong to the process, and closing any descriptor of the file drops every lock the
        process holds on it, SQLite's read lock included (another process could then write in the middle of
        the quick check, which would read half-written pages and call a sound file damaged)."""
        try:
            if self._header_fd is None:
                self._header_fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            st = os.fstat(self._header_fd)
            head = os.pread(self._header_fd, 10, 18)
        except OSError:
            return None
        if len(head) < 10 or head[0] != 1:
            # Not the rollback-journal format backcare writes (2 is WAL, whose commits leave the main file as it
            # was until a checkpoint): the file alone cannot tell whether its content changed.
            return None
        return f"{st.st_dev} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {head[6:].hex()}"

    @guarded
    def state_mark(self) -> str | None:
        """The file's fingerprint now, read under SQLite's read lock: two equal marks mean that no write, of this
        process or another, came in between. None when the file cannot tell (see _fingerprint)."""
        db = self.conn
        if db.in_transaction:
            return None
        db.execute("BEGIN")
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # take the read lock
            return self._fingerprint()
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")

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
        if self._header_fd is not None:  # after the connection: closing it drops the process's locks on the file
            os.close(self._header_fd)
            self._header_fd = None

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
        from backcare.store.records import checkins as checkin_rows

        return checkin_rows.get(self.conn, day)

    @guarded
    def update_checkin(self, day: date, make: Callable[[CheckIn | None], CheckIn]) -> tuple[CheckIn | None, CheckIn]:
        """Read the day's check-in and write `make(previous)` in one transaction; keep the old one as an edit."""
        from backcare.store.records import checkins as checkin_rows

        with self.write() as db:
            previous = checkin_rows.get(db, day)
            new = make(previous)
            stamp = now_utc()
            if previous is None:
                checkin_rows.insert(db, new, stamp)
            elif new != previous:
                from backcare.store.records import checkin_edits  # (and json): only when a day is edited

                checkin_rows.update(db, new, stamp)
                checkin_edits.add(db, day, "update", previous.as_dict(), new.as_dict(), stamp)
        return previous, new

    @guarded
    def delete_checkin(self, day: date) -> CheckIn | None:
        from backcare.store.records import checkin_edits
        from backcare.store.records import checkins as checkin_rows

        with self.write() as db:
            previous = checkin_rows.get(db, day)
            if previous is None:
                return None
            checkin_rows.delete(db, day)
            checkin_edits.add(db, day, "delete", previous.as_dict(), None, now_utc())
        return previous

    @guarded
    def checkins(self, since: date | None = None, until: date | None = None, limit: int = -1) -> list[CheckIn]:
        """Check-ins in date order (oldest first), optionally within [since, until], at most `limit`."""
        from backcare.store.records import checkins as checkin_rows

        lo = since.isoformat() if since else "0000-01-01"
        hi = until.isoformat() if until else "9999-12-31"
        return checkin_rows.between(self.conn, lo, hi, limit)

    @guarded
    def checkin_days(self, since: date, until: date) -> list[date]:
        """The days with a check-in within [since, until], oldest first: the dates alone, no row decoded."""
        from backcare.store.records import checkins as checkin_rows
        from backcare.store.records.base import query

        sql = f"SELECT date FROM {checkin_rows.TABLE} WHERE date >= ? AND date <= ? ORDER BY date"
        found = query(self.conn, sql, (since.isoformat(), until.isoformat()))
        return [date.fromisoformat(row["date"]) for row in found]

    @guarded
    def latest_checkins(self, since: date | None = None, limit: int = -1) -> list[CheckIn]:
        """Check-ins newest first, from `since` on, at most `limit` (-1: all): only the rows asked for are read."""
        from backcare.store.records import checkins as checkin_rows

        return checkin_rows.newest(self.conn, since.isoformat() if since else "0000-01-01", limit)

    @guarded
    def recent_checkin_words(self, column: str, rows: int = 365, most: int = 9) -> list[str]:
        """The person's recent tags or medicines (column "tags" or "meds"), most recently used first."""
        from backcare.store.records import checkins as checkin_rows

        return checkin_rows.recent_words(self.conn, column, rows, most)

    @guarded
    def count_checkins(self, since: date | None = None) -> int:
        from backcare.store.records import checkins as checkin_rows

        return checkin_rows.count(self.conn, since.isoformat() if since else "0000-01-01")

    @guarded
    def edits(self, day: date | None = None) -> list[Edit]:
        from backcare.store.records import checkin_edits

        return checkin_edits.edits(self.conn, day)

    # -- safety ------------------------------------------------------------------------------
    @guarded
    def record_screen(self, screen: Screen) -> None:
        from backcare.store.records import safety_screens

        with self.write() as db:
            safety_screens.add(db, screen)

    @guarded
    def add_screen(self, make: Callable[[list[Screen]], Screen]) -> tuple[list[Screen], Screen]:
        """Read every safety screen and keep `make(screens)` in one transaction (when `make` raises, nothing is
        kept): the screens before it and the one kept, so the caller need not read them again."""
        from backcare.store.records import safety_screens

        with self.write() as db:
            earlier = safety_screens.screens(db)
            screen = make(earlier)
            safety_screens.add(db, screen)
        return earlier, screen

    @guarded
    def screens(self) -> list[Screen]:
        """Every safety screen, in the order they were answered."""
        from backcare.store.records import safety_screens

        return safety_screens.screens(self.conn)

    @guarded
    def latest_screen(self) -> Screen | None:
        from backcare.store.records import safety_screens

        return safety_screens.latest(self.conn)

    @guarded
    def record_clearance(self, clearance: Clearance) -> None:
        from backcare.store.records import clearances

        with self.write() as db:
            clearances.add(db, clearance)

    @guarded
    def clearances(self) -> list[Clearance]:
        """Every clinician's clearance, in the order recorded."""
        from backcare.store.records import clearances

        return clearances.clearances(self.conn)

    # -- settings ----------------------------------------------------------------------------
    @guarded
    def get_setting(self, key: str) -> str | None:
        from backcare.store.records import settings

        return settings.get(self.conn, key)

    @guarded
    def set_setting(self, key: str, value: str) -> None:
        from backcare.store.records import settings

        with self.write() as db:
            settings.put(db, key, value)

    @guarded
    def delete_setting(self, key: str) -> None:
        from backcare.store.records import settings

        with self.write() as db:
            settings.delete(db, key)

    # -- topics ------------------------------------------------------------------------------
    @guarded
    def mark_read(self, topic: str, day: date) -> None:
        from backcare.store.records import topics_read

        with self.write() as db:
            topics_read.mark(db, topic, day)

    @guarded
    def topics_read(self) -> dict[str, date]:
        """Topic id -> the day it was first read."""
        from backcare.store.records import topics_read

        return topics_read.first_read(self.conn)

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
        from backcare.store.records import routines, stage_history

        with self.write() as db:
            stamp = now_utc()
            current = routines.current(db, name)
            row = routines.latest_version(db, name)
            latest = (row["version"], row["source"]) if row else None
            if current is not None and (latest is None or latest[1] != current["source"]):
                # A copy written without a version (e.g. restored from an export): keep it as a version first.
                number = (latest[0] if latest else 0) + 1
                routines.add_version(db, name, number, current["source"], current["origin"], current["imported_at"])
                latest = (number, current["source"])
            previous = latest[0] if current is not None and latest else None
            if latest is None or latest[1] != source:
                number = (latest[0] if latest else 0) + 1
                routines.add_version(db, name, number, source, origin, stamp)
            else:
                number = latest[0]
            routines.put(db, name, source, origin, stamp)
            if event is not None:
                stage_history.add(db, event)
        return number, previous

    @guarded
    def routine_versions(self, name: str) -> list[dict[str, Any]]:
        """Every kept version of routine `name`, oldest first: version, source, origin, imported_at, current."""
        from backcare.store.records import routines

        out = [{**v, "current": False} for v in routines.versions(self.conn, name)]
        current = routines.current(self.conn, name)
        if current is not None:
            if not out or out[-1]["source"] != current["source"]:  # a copy written without a version
                number = out[-1]["version"] + 1 if out else 1
                out.append(
                    {
                        "version": number,
                        "source": current["source"],
                        "origin": current["origin"],
                        "imported_at": current["imported_at"],
                    }
                )
            out[-1]["current"] = True
        return out

    @guarded
    def routine_source(self, name: str) -> str | None:
        from backcare.store.records import routines

        current = routines.current(self.conn, name)
        return None if current is None else str(current["source"])

    @guarded
    def routines(self) -> list[dict[str, Any]]:
        from backcare.store.records import routines

        return routines.listing(self.conn)

    @guarded
    def add_session(self, session: Session) -> Session:
        """Keep a new session record (never touching another one); the record with its number."""
        from backcare.store.records import sessions

        with self.write() as db:
            return sessions.add(db, session, now_utc())

    def save_session(self, session: Session) -> bool:
        """The earlier name of `add_session`: keeps a new record (sessions are never replaced), so always False."""
        self.add_session(session)
        return False

    @guarded
    def sessions(
        self,
        routine: str | None = None,
        since: date | None = None,
        last: int = -1,
        until: date | None = None,
        *,
        detail: bool = True,
    ) -> list[Session]:
        """Sessions in the order they were done (day, then start), optionally of one routine, within
        [since, until], only the `last` N. detail=False leaves each session's per-exercise records out (its
        `exercises` is empty; done, skipped, the scores and the stage are all there)."""
        from backcare.store.records import sessions

        lo = since.isoformat() if since else "0000-01-01"
        hi = until.isoformat() if until else "9999-12-31"
        return sessions.select(self.conn, routine, lo, hi, last, detail)

    @guarded
    def session_tallies(self, routine: str, last: int) -> list[Tally]:
        """What the progression engine reads of the last `last` sessions of `routine` (day, stage, pain during,
        how many exercises done and skipped), in the order of `sessions`; no session records are built."""
        from backcare.store.records import sessions

        return sessions.tallies(self.conn, routine, last)

    @guarded
    def count_sessions(self, since: date | None = None) -> int:
        """How many sessions there are from `since` on (all when None), without reading them."""
        from backcare.store.records import sessions

        return sessions.count(self.conn, since.isoformat() if since else "0000-01-01")

    @guarded
    def session(self, session_id: int) -> Session | None:
        from backcare.store.records import sessions

        return sessions.get(self.conn, session_id)

    @guarded
    def delete_session(self, session_id: int) -> Session | None:
        """Remove one session record, keeping a copy in the session edit history; None when there is none."""
        from backcare.store.records import session_edits, sessions

        with self.write() as db:
            previous = sessions.get(db, session_id)
            if previous is None:
                return None
            sessions.delete(db, session_id)
            session_edits.add(db, session_id, previous.day.isoformat(), previous.as_dict(), now_utc())
        return previous

    @guarded
    def session_edits(self) -> list[dict[str, Any]]:
        """Deleted sessions (oldest first): the session's number, day, action, the record as it was, when."""
        from backcare.store.records import session_edits

        return session_edits.all_edits(self.conn)

    @guarded
    def completed_session_days(self, since: date | None = None) -> list[date]:
        """Days (in order, repeated per session) with a session in which at least one exercise was done."""
        from backcare.store.records import sessions

        return sessions.completed_days(self.conn, since.isoformat() if since else "0000-01-01")

    @guarded
    def add_stage_event(self, event: StageEvent) -> None:
        from backcare.store.records import stage_history

        with self.write() as db:
            stage_history.add(db, event)

    @guarded
    def set_day_decision(self, routine: str, day: date, event: StageEvent | None) -> None:
        """Keep one engine decision per routine and day: replace that day's earlier one (a start, a manual change
        and older days are never touched); None removes it."""
        from backcare.store.records import stage_history

        with self.write() as db:
            stage_history.set_day_decision(db, routine, day, event)

    @guarded
    def any_measure_taken(self) -> bool:
        """Whether an outcome measure has ever been taken (so one may be due again)."""
        from backcare.store.records import measure_responses

        return measure_responses.any_taken(self.conn)

    @guarded
    def any_day_decision(self, day: date) -> bool:
        """Whether the engine's decision for `day` is kept in the stage history, for any routine."""
        from backcare.store.records import stage_history

        return stage_history.any_day_decision(self.conn, day)

    @guarded
    def stage_history(self, routine: str | None = None) -> list[StageEvent]:
        from backcare.store.records import stage_history

        return stage_history.events(self.conn, routine)

    # -- profile -----------------------------------------------------------------------------
    @guarded
    def profile(self) -> dict[str, str]:
        """The profile fields that are set (name, clinic_id, clinician), in that order."""
        from backcare.store.records import profile

        return profile.fields(self.conn)

    @guarded
    def set_profile(self, changes: dict[str, str | None]) -> None:
        """Set profile fields in one transaction; None or '' clears a field."""
        from backcare.store.records import profile

        with self.write() as db:
            profile.set_fields(db, changes)

    @guarded
    def save_routine_images(self, routine: str, images: list[tuple[str, str, str, bytes]]) -> None:
        """Keep the pictures of an imported routine: (exercise, path, media type, bytes); replaces earlier ones."""
        from backcare.store.records import routine_images

        with self.write() as db:
            routine_images.replace_all(db, routine, images)

    @guarded
    def routine_images(self, routine: str) -> dict[str, tuple[str, bytes]]:
        """exercise id -> (media type, bytes) of the pictures kept with a routine."""
        from backcare.store.records import routine_images

        return routine_images.of_routine(self.conn, routine)

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


def _create_private_file(path: Path) -> bool:
    """Create `path` as 0600 before SQLite touches it (its journal files then inherit 0600).

    Returns True when the file was created here, False when it already existed (its mode is tightened only
    if it is backcare's own database file).
    """
    try:
        st = os.lstat(path)
    except OSError:
        pass
    else:  # every day after the first: a file of this user's, already private, with content
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077 and st.st_size:
            return False
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


# Opening the marker never follows a link and never waits: a pipe (or another special file) under its name would
# otherwise stop every command before it starts, waiting for a writer or a reader that never comes. A pipe reads
# as empty and cannot be written without a reader, so the file is then simply checked, as with no marker.
_MARKER_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_marker(path: Path) -> str | None:
    try:
        fd = os.open(path.with_name(MARKER), os.O_RDONLY | _MARKER_FLAGS)
    except OSError:
        return None
    try:
        return os.read(fd, MARKER_SIZE).decode("ascii").strip()  # bytes: no text codec to load at start-up
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)


def _write_marker(path: Path, mark: str) -> None:
    """Best effort: a missing or torn marker only means the next run checks the file again.

    Written in place at a fixed length (no truncation: truncating and rewriting a file makes some file systems
    flush it to disk, which costs a millisecond on every save)."""
    try:
        fd = os.open(path.with_name(MARKER), os.O_WRONLY | os.O_CREAT | _MARKER_FLAGS, 0o600)
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
