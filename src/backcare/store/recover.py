"""Salvage: copy every row SQLite can still read from a damaged database into a new file.

The damaged file is only ever read (SQLite may roll back a hot journal first, which is its normal recovery). Rows
are read table by table in rowid order; when a page cannot be read, the scan probes forward for the next rowid
that can be reached and carries on from there, and every index of the table is used to find rows the scan missed.
The copy is built under a temporary name, checked, and only then given the name asked for.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import field
from pathlib import Path
from typing import Any

from backcare.errors import BackcareError
from backcare.outfiles import sync_folder
from backcare.store import _is_corruption, _unlink_quietly, migrations
from backcare.valueclass import mutable

LINEAR_PROBES = 256  # rowids tried one by one past an unreadable page, before the steps start doubling
MAX_ROWID = 2**63 - 1


@mutable
class Salvage:
    path: Path
    schema_version: int
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    unreadable: list[str] = field(default_factory=list)  # tables where some pages could not be read
    refused: dict[str, int] = field(default_factory=dict)  # table -> rows read but not valid (garbled)
    dropped_active: str | None = None  # the active-routine setting left out: it named a routine that was lost

    @property
    def complete(self) -> bool:
        return not self.unreadable and not self.refused


def salvage(source: Path, dest: Path, active_key: str | None = None, builtin: frozenset[str] = frozenset()) -> Salvage:
    """Copy what can be read from `source` into the new file `dest` (which must not exist).

    The setting `active_key` is left out when it names a routine that is neither recovered nor in `builtin`,
    so the copy opens on a routine that exists (and its export imports again)."""
    src = _open_source(source)
    try:
        try:
            version = src.execute("PRAGMA user_version").fetchone()[0]
            tables = {n for (n,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc) and "not a database" not in str(exc):
                raise
            raise BackcareError(
                f"Nothing can be read from {source}: its first page, which lists the tables, is unreadable "
                f"({exc}). It was left untouched; a backup is the only way back."
            ) from exc
        if not 0 < version <= migrations.LATEST:
            raise BackcareError(f"{source} is not a backcare database this version knows; nothing was written.")
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
        _create_new(tmp)
        try:
            result = _copy(src, tables, tmp, version, active_key, builtin)
            os.link(tmp, dest)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            raise BackcareError(f"{dest} already exists; backcare does not overwrite files. Choose another name.")
        finally:
            _unlink_quietly(tmp)
        sync_folder(dest.parent)
        result.path = dest
        return result
    finally:
        src.close()


def _open_source(source: Path) -> sqlite3.Connection:
    writable = os.access(source, os.W_OK) and os.access(source.parent, os.W_OK)
    if writable:  # lets SQLite roll back a hot journal; query_only refuses every write of ours
        conn = sqlite3.connect(source, isolation_level=None)
        conn.execute("PRAGMA query_only = ON")
    else:
        conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA cell_size_check = ON")  # notice more kinds of damage while reading
    return conn


def _create_new(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    os.close(fd)


def _copy(
    src: sqlite3.Connection,
    tables: set[str],
    tmp: Path,
    version: int,
    active_key: str | None = None,
    builtin: frozenset[str] = frozenset(),
) -> Salvage:
    out = sqlite3.connect(tmp, isolation_level=None)
    try:
        out.execute("PRAGMA journal_mode = OFF")  # a scratch file until it is complete
        migrations.apply(out, upto=version)
        result = Salvage(tmp, version)
        out.execute("BEGIN")
        targets = [n for (n,) in out.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in targets:
            if table.startswith("sqlite_"):
                continue
            if table not in tables:
                result.unreadable.append(table)
                continue
            cols = _common_columns(src, out, table)
            rows, trouble = readable_rows(src, table, cols)
            if trouble:
                result.unreadable.append(table)
            names = ", ".join(['"rowid"', *(f'"{c}"' for c in cols)])
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * (len(cols) + 1))})'
            copied = refused = 0
            for row in rows:
                try:
                    out.execute(sql, row)
                    copied += 1
                except sqlite3.Error:  # garbled values break the table's rules (CHECK, NOT NULL, UNIQUE)
                    refused += 1
            result.rows[table] = copied
            if refused:
                result.refused[table] = refused
        if active_key is not None:
            result.dropped_active = _drop_dangling_setting(out, active_key, builtin)
            if result.dropped_active is not None:
                result.rows["settings"] = result.rows.get("settings", 1) - 1
        out.execute("COMMIT")
        problems = [r[0] for r in out.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackcareError(f"The recovered copy did not pass its own check ({problems[0]}); nothing was written.")
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return result
    finally:
        out.close()


def _drop_dangling_setting(out: sqlite3.Connection, key: str, builtin: frozenset[str]) -> str | None:
    """Delete the setting `key` when it names a routine that is not in the copy; returns the name it had."""
    from backcare.store.records import settings

    name = settings.get(out, key)
    if name is None or name in builtin:
        return None
    if out.execute("SELECT 1 FROM routines WHERE name = ?", (name,)).fetchone() is not None:
        return None
    out.execute("DELETE FROM settings WHERE key = ?", (key,))
    return name


def _common_columns(src: sqlite3.Connection, out: sqlite3.Connection, table: str) -> list[str]:
    wanted = [r[1] for r in out.execute(f'PRAGMA table_info("{table}")')]
    try:
        have = {r[1] for r in src.execute(f'PRAGMA table_info("{table}")')}
    except sqlite3.DatabaseError:
        return wanted
    return [c for c in wanted if c in have]


def readable_rows(src: sqlite3.Connection, table: str, cols: list[str]) -> tuple[list[tuple[Any, ...]], bool]:
    """(rowid, *cols) of every row that can be read, in rowid order, and whether some could not be."""
    quoted = ", ".join(f'"{c}"' for c in cols)
    select = f'SELECT rowid, {quoted} FROM "{table}"'
    got: dict[int, tuple[Any, ...]] = {}
    trouble = False
    pos: int | None = None  # scan from here on (None: from the start)
    while True:
        last = None if pos is None else pos - 1  # the last rowid this pass has dealt with
        sql = select + (" WHERE rowid >= ?" if pos is not None else "") + " ORDER BY rowid"
        try:
            for row in src.execute(sql, () if pos is None else (pos,)):
                got[row[0]] = row
                last = row[0]
            break
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            trouble = True
        # The cursor reads one row ahead, so the row before the bad page may not have been handed over yet: the
        # probe finds it (or the next readable one) and it is fetched on its own, then the scan carries on after it.
        nxt = _next_readable(src, table, last)
        if nxt is None or nxt >= MAX_ROWID:
            break
        _, row = _fetch_one(src, select + " WHERE rowid = ?", nxt)
        if row is not None:
            got[nxt] = row
        pos = nxt + 1
    for rowid in _indexed_rowids(src, table):
        if rowid in got:
            continue
        readable, row = _fetch_one(src, select + " WHERE rowid = ?", rowid)
        trouble = trouble or not readable
        if row is not None:
            got[rowid] = row
    return [got[k] for k in sorted(got)], trouble


def _next_readable(src: sqlite3.Connection, table: str, after: int | None) -> int | None:
    """The first rowid past `after` that a seek can reach, or None when there is none.

    Rowids just past the unreadable page are tried one by one, then in doubling steps; a step that lands on a
    readable page is narrowed back (bisection) to where the readable rows begin, so none of them is skipped.
    """
    lo = 1 if after is None else after + 1
    sql = f'SELECT rowid FROM "{table}" WHERE rowid >= ? ORDER BY rowid LIMIT 1'

    def probe(r: int) -> tuple[bool, int | None]:
        readable, row = _fetch_one(src, sql, r)
        return readable, None if row is None else row[0]

    failed, r, step, probes = lo - 1, lo, 1, 0
    while r <= MAX_ROWID:
        ok, found = probe(r)
        if ok:
            while r - failed > 1:  # narrow back: the readable part may start before r
                mid = (failed + r) // 2
                ok_mid, found_mid = probe(mid)
                if ok_mid:
                    r, found = mid, found_mid
                else:
                    failed = mid
            return found
        failed = r
        probes += 1
        if probes >= LINEAR_PROBES:
            step *= 2
        r = r + 1 if probes < LINEAR_PROBES else r + step
    return None


def _fetch_one(src: sqlite3.Connection, sql: str, rowid: int) -> tuple[bool, tuple[Any, ...] | None]:
    """(whether the pages could be read, the first row or None)."""
    try:
        return True, src.execute(sql, (rowid,)).fetchone()
    except sqlite3.DatabaseError as exc:
        if not _is_corruption(exc):
            raise
        return False, None


def _indexed_rowids(src: sqlite3.Connection, table: str) -> list[int]:
    """Rowids listed in the table's indexes, as far as each index can be read."""
    try:
        indexes = [
            n for (n,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))
        ]
    except sqlite3.DatabaseError:
        return []
    found: list[int] = []
    for index in indexes:
        try:
            for (rowid,) in src.execute(f'SELECT rowid FROM "{table}" INDEXED BY "{index}"'):
                found.append(rowid)
        except sqlite3.DatabaseError:
            continue
    return found
