"""Schema history as small named steps, keyed on PRAGMA user_version.

Each step runs inside BEGIN IMMEDIATE ... COMMIT together with the user_version bump, so a
database is always at exactly one version: never half-migrated.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x42434152  # "BCAR": marks the file as a backcare database

Step = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Step]] = []


def migration(fn: Step) -> Step:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_checkins(db: sqlite3.Connection) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(
        """
        CREATE TABLE checkins (
            date TEXT PRIMARY KEY,
            pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
            stiffness INTEGER NOT NULL CHECK (stiffness BETWEEN 0 AND 10),
            sleep INTEGER CHECK (sleep BETWEEN 0 AND 10),
            stress INTEGER CHECK (stress BETWEEN 0 AND 10),
            note TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            recorded_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE checkin_edits (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            date TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('update', 'delete')),
            before TEXT NOT NULL,
            after TEXT,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX checkin_edits_date ON checkin_edits(date)")


@migration
def m002_safety_screens(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE safety_screens (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            date TEXT NOT NULL,
            answers TEXT NOT NULL,
            any_yes INTEGER NOT NULL CHECK (any_yes IN (0, 1)),
            at TEXT NOT NULL
        )
        """
    )


@migration
def m003_routines_and_sessions(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE checkins ADD COLUMN settled INTEGER CHECK (settled IN (0, 1))")
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        """
        CREATE TABLE routines (
            name TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            origin TEXT,
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            date TEXT NOT NULL,
            routine TEXT NOT NULL,
            stage TEXT NOT NULL,
            done TEXT NOT NULL DEFAULT '[]',
            skipped TEXT NOT NULL DEFAULT '[]',
            pain_during INTEGER CHECK (pain_during BETWEEN 0 AND 10),
            effort INTEGER CHECK (effort BETWEEN 0 AND 10),
            at TEXT NOT NULL,
            UNIQUE (date, routine)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE stage_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            routine TEXT NOT NULL,
            date TEXT NOT NULL,
            stage TEXT NOT NULL,
            decision TEXT NOT NULL,
            reasons TEXT NOT NULL DEFAULT '[]',
            manual INTEGER NOT NULL DEFAULT 0,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX stage_history_routine ON stage_history(routine, id)")


@migration
def m004_topics_read(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE topics_read (
            topic TEXT PRIMARY KEY,
            first_read TEXT NOT NULL,
            last_read TEXT NOT NULL
        )
        """
    )


@migration
def m005_session_records(db: sqlite3.Connection) -> None:
    """Sessions become records: several a day, each with its start time and, per exercise, its status, the sets
    done and the dose prescribed. Every earlier one-a-day row becomes one record (its done and skipped lists
    become the exercise list; sets unknown). Deleted sessions are kept in session_edits."""
    import json

    db.execute(
        """
        CREATE TABLE session_records (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            date TEXT NOT NULL,
            started TEXT,
            routine TEXT NOT NULL,
            stage TEXT NOT NULL,
            done TEXT NOT NULL DEFAULT '[]',
            skipped TEXT NOT NULL DEFAULT '[]',
            exercises TEXT NOT NULL DEFAULT '[]',
            pain_during INTEGER CHECK (pain_during BETWEEN 0 AND 10),
            effort INTEGER CHECK (effort BETWEEN 0 AND 10),
            at TEXT NOT NULL
        )
        """
    )
    rows = db.execute(
        "SELECT id, date, routine, stage, done, skipped, pain_during, effort, at FROM sessions ORDER BY id"
    ).fetchall()
    for id_, day, routine, stage, done, skipped, pain, effort, at in rows:
        exercises = [{"id": i, "status": "done", "sets_done": None, "dose": None} for i in json.loads(done)]
        exercises += [{"id": i, "status": "skipped", "sets_done": 0, "dose": None} for i in json.loads(skipped)]
        db.execute(
            "INSERT INTO session_records (id, date, started, routine, stage, done, skipped, exercises, pain_during,"
            " effort, at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
            (id_, day, routine, stage, done, skipped, json.dumps(exercises), pain, effort, at),
        )
    db.execute("DROP TABLE sessions")
    db.execute("ALTER TABLE session_records RENAME TO sessions")
    db.execute("CREATE INDEX sessions_date ON sessions(date, started, id)")
    db.execute(
        """
        CREATE TABLE session_edits (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL,
            date TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('delete')),
            before TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """
    )


@migration
def m006_routine_versions(db: sqlite3.Connection) -> None:
    """Every imported version of a routine file; `routines` keeps the current one. Existing copies become
    version 1."""
    db.execute(
        """
        CREATE TABLE routine_versions (
            routine TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            source TEXT NOT NULL,
            origin TEXT,
            imported_at TEXT NOT NULL,
            PRIMARY KEY (routine, version)
        )
        """
    )
    db.execute(
        "INSERT INTO routine_versions (routine, version, source, origin, imported_at)"
        " SELECT name, 1, source, origin, imported_at FROM routines"
    )


@migration
def m007_clearances(db: sqlite3.Connection) -> None:
    # A clinician's clearance of the history answers of the safety screen (a past cancer, a fall).
    db.execute(
        """
        CREATE TABLE clearances (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            date TEXT NOT NULL,
            by TEXT NOT NULL,
            note TEXT,
            covers TEXT NOT NULL DEFAULT '[]',
            at TEXT NOT NULL
        )
        """
    )
    # Whether a doctor had seen the person, asked when a screen follows an emergency answer.
    db.execute("ALTER TABLE safety_screens ADD COLUMN seen_doctor INTEGER CHECK (seen_doctor IN (0, 1))")


@migration
def m008_profile_and_routine_images(db: sqlite3.Connection) -> None:
    """Who the data belongs to, for hand-outs and reports: a few optional text fields, kept only here. And the
    pictures an imported routine gives its exercises, kept with it (the routine's folder may be gone later)."""
    db.execute(
        """
        CREATE TABLE profile (
            field TEXT PRIMARY KEY CHECK (field IN ('name', 'clinic_id', 'clinician')),
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE routine_images (
            routine TEXT NOT NULL,
            exercise TEXT NOT NULL,
            path TEXT NOT NULL,
            mime TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/svg+xml')),
            data BLOB NOT NULL,
            PRIMARY KEY (routine, exercise)
        )
        """
    )


@migration
def m009_fhir_sync(db: sqlite3.Connection) -> None:
    """The sync log: what each FHIR server accepted (`backcare sync`)."""
    from backcare.store.records import fhir_sync

    db.execute(fhir_sync.MIGRATION)


@migration
def m010_checkin_leg_pain_and_medicines(db: sqlite3.Connection) -> None:
    """Leg pain (0-10) and its side, and the medicines taken that day (a JSON list of names), with each check-in."""
    db.execute("ALTER TABLE checkins ADD COLUMN leg_pain INTEGER CHECK (leg_pain BETWEEN 0 AND 10)")
    db.execute("ALTER TABLE checkins ADD COLUMN leg_side TEXT CHECK (leg_side IN ('left', 'right', 'both'))")
    db.execute("ALTER TABLE checkins ADD COLUMN meds TEXT NOT NULL DEFAULT '[]'")


@migration
def m011_outcome_measures(db: sqlite3.Connection) -> None:
    """Outcome measures: the questionnaires a clinic imported, and each take of a measure (answers and score).
    Each table belongs to its record module in store/records/."""
    from backcare.store.records import measure_responses, measures

    db.execute(measures.MIGRATION)
    db.execute(measure_responses.MIGRATION)


LATEST = len(MIGRATIONS)


def apply(db: sqlite3.Connection, *, upto: int = LATEST) -> int:
    """Bring the database up to `upto`, one transaction per step. Returns the final version."""
    for number, (_name, step) in enumerate(MIGRATIONS[:upto], start=1):
        db.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current >= number:
                db.execute("COMMIT")
                continue
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    return int(db.execute("PRAGMA user_version").fetchone()[0])
