"""The pictures an imported routine gives its exercises, kept with it (the routine's folder may be gone later).

Columns: routine, exercise (together the key), path, mime, data (the bytes). Created by
m008_profile_and_routine_images. Exported with the data as base64 text.
"""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from backcare.store.records import checks
from backcare.store.records.base import MergeContext, insert_sql, one, query

SECTION = "routine_images"
TABLE = "routine_images"
LABELS = ("routine picture", "routine pictures")
MIGRATION = ("m008_profile_and_routine_images",)
COLUMNS = ("routine", "exercise", "path", "mime", "data")
INSERT = insert_sql(TABLE, COLUMNS)
UPDATE = (
    f"UPDATE {TABLE} SET path = :path, mime = :mime, data = :data WHERE routine = :routine AND exercise = :exercise"
)


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "routine": row["routine"],
        "exercise": row["exercise"],
        "path": row["path"],
        "mime": row["mime"],
        "data": base64.b64encode(row["data"]).decode("ascii"),
    }


def replace_all(db: sqlite3.Connection, routine: str, images: list[tuple[str, str, str, bytes]]) -> None:
    """(exercise, path, media type, bytes) for each picture; replaces the routine's earlier ones."""
    db.execute(f"DELETE FROM {TABLE} WHERE routine = ?", (routine,))
    db.executemany(
        INSERT,
        [{"routine": routine, "exercise": e, "path": p, "mime": m, "data": d} for e, p, m, d in images],
    )


def of_routine(db: sqlite3.Connection, routine: str) -> dict[str, tuple[str, bytes]]:
    """exercise id -> (media type, bytes)."""
    rows = query(db, f"SELECT exercise, mime, data FROM {TABLE} WHERE routine = ?", (routine,))
    return {r["exercise"]: (r["mime"], bytes(r["data"])) for r in rows}


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY routine, exercise"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    """The fields; the picture itself is checked with the file (`check_in_file`)."""
    record = checks.fields(record, COLUMNS, ("routine", "exercise", "path", "data"))
    checks.short(record["routine"], "routine")
    checks.short(record["exercise"], "exercise")
    checks.short(record["path"], "path")
    checks.text(record["data"], "data")


def check_in_file(record: Any, state: Any) -> None:
    """`check`; the routine is in the file; the path and the bytes are a picture backcare shows (`state.picture`
    sets `mime` from the bytes, whatever the file says); no picture twice."""
    import binascii

    record = checks.fields(record, COLUMNS, ("routine", "exercise", "path", "data"))
    if not state.has("routine", checks.short(record["routine"], "routine")):
        raise checks.Bad("it is a picture of a routine the file does not hold")
    exercise = checks.short(record["exercise"], "exercise")
    path = checks.short(record["path"], "path")
    checks.text(record["data"], "data", state.max_picture_chars)
    try:
        data = base64.b64decode(record["data"], validate=True)
    except (binascii.Error, ValueError):
        raise checks.Bad("data must be base64 text") from None
    record["mime"] = state.picture(path, data)
    check(record, state.today)
    if not state.add("routine_image", f"{record['routine']}\n{exercise}"):
        raise checks.Bad(f"it repeats the picture of {exercise}" if len(exercise) <= 40 else "it repeats a picture")


def merge_in(ctx: MergeContext, p: dict[str, Any]) -> str:
    values = {**{k: p.get(k) for k in COLUMNS}, "data": base64.b64decode(p["data"])}
    row = one(
        ctx.db, f"SELECT path, data FROM {TABLE} WHERE routine = ? AND exercise = ?", (p["routine"], p["exercise"])
    )
    if row is None:
        ctx.db.execute(INSERT, values)
        return "added"
    if (row["path"], bytes(row["data"])) == (p["path"], values["data"]):
        return "same"
    if ctx.replace:
        ctx.db.execute(UPDATE, values)
    return ctx.conflict("routine picture", f"{p['routine']}: {p['exercise']}", ("picture",))
