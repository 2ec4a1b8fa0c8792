"""Stored rows are read by column name, never by position, in store/ and the exporters.

A row read by position (`row[1]`, `for day, pain, ... in cursor`, `d, pain = row`) silently shifts when a column is
added or reordered; by name (`row["pain"]`, a `sqlite3.Row` from store/records/base.py) it cannot. The check reads
the source: a name bound to what a query returns (`.execute(...)`, `.fetchone()`, `query(...)`, `one(...)` ...) may
not be subscripted by an integer or unpacked into a tuple.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "backcare"
CHECKED = ("store", "exporters")

# Calls whose result is a row or rows of a query.
ROW_SOURCES = {"execute", "executemany", "fetchone", "fetchall", "fetchmany", "query", "one"}

# Single-value reads need no names: PRAGMA values and count(*) are one scalar, whatever the table looks like.
SCALAR_SQL = ("PRAGMA", "count(*)", "FROM sqlite_master")

# Functions allowed to read rows by position, and why (module, function).
ALLOWED = {
    # Salvage copies whole rows of whatever schema version the damaged file has: the column list is built next to
    # the SELECT from PRAGMA table_info, with the rowid first, so each position is named where it is read.
    ("store/recover.py", "readable_rows"),
    ("store/recover.py", "_next_readable"),
    ("store/recover.py", "_indexed_rowids"),
    # A past schema step: it reads the columns of the table as it was then, named in its own SELECT, and never
    # changes again (a migration is history).
    ("store/migrations.py", "m005_session_records"),
}


def _sql_of(call: ast.Call) -> str:
    """The literal text of a query call's SQL (the constant parts of an f-string), '' when not literal."""
    node: ast.AST | None = call
    while isinstance(node, ast.Call):
        if node.args and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                return str(arg.value)
            return "".join(str(v.value) for v in arg.values if isinstance(v, ast.Constant))
        # .fetchone() on .execute(SQL): look through to the execute
        node = node.func.value if isinstance(node.func, ast.Attribute) else None
        if isinstance(node, ast.Subscript):
            node = node.value
    return ""


def _is_source(node: ast.AST) -> bool:
    """A call that returns query rows, not reading a single scalar."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in ROW_SOURCES:
        return False
    return not any(marker in _sql_of(node) for marker in SCALAR_SQL)


def _scopes(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    out: list[tuple[str, ast.AST]] = [("<module>", tree)]
    out += [(n.name, n) for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return out


def _own_nodes(scope: ast.AST):
    """The nodes of a function (or the module) without those of functions defined inside it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def positional_reads(source: str, rel: str) -> list[str]:
    """`module:line: what` for every positional read of a query row in `source`."""
    found = []
    for fname, scope in _scopes(ast.parse(source)):
        if (rel, fname) in ALLOWED:
            continue
        nodes = list(_own_nodes(scope))
        rows: set[str] = set()  # names holding a row (or a cursor / list of rows)
        unpacked: set[int] = set()
        for _ in range(3):  # a name found later may feed a loop seen earlier: repeat to a fixed point
            for node in nodes:
                if isinstance(node, ast.Assign) and _is_source(node.value):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            rows.add(target.id)
                        elif isinstance(target, ast.Tuple):
                            unpacked.add(node.lineno)
                if isinstance(node, (ast.For, ast.comprehension)):
                    it, target = node.iter, node.target
                    if _is_source(it) or (isinstance(it, ast.Name) and it.id in rows):
                        if isinstance(target, ast.Tuple):
                            unpacked.add(getattr(node, "lineno", it.lineno))
                        elif isinstance(target, ast.Name):
                            rows.add(target.id)
        found += [f"{rel}:{line}: unpacks a row by position" for line in sorted(unpacked)]
        for node in nodes:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in rows:
                if any(isinstance(t, ast.Tuple) for t in node.targets):
                    found.append(f"{rel}:{node.lineno}: unpacks a row by position")
            if not isinstance(node, ast.Subscript):
                continue
            index = node.slice
            by_number = isinstance(index, ast.Slice) or (
                isinstance(index, (ast.Constant, ast.UnaryOp))
                and isinstance(getattr(index, "value", getattr(index, "operand", None)), (int, ast.Constant))
                and not isinstance(getattr(index, "value", None), str)
            )
            holder = node.value
            if by_number and (_is_source(holder) or (isinstance(holder, ast.Name) and holder.id in rows)):
                found.append(f"{rel}:{node.lineno}: reads a row by position")
    return found


MODULES = sorted(p for layer in CHECKED for p in (PACKAGE / layer).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_rows_are_read_by_column_name(path):
    rel = path.relative_to(PACKAGE).as_posix()
    assert positional_reads(path.read_text(encoding="utf-8"), rel) == []


@pytest.mark.parametrize(
    "source, bad",
    [
        ('def f(db):\n    row = db.execute("SELECT value FROM settings").fetchone()\n    return row[0]\n', True),
        ('def f(db):\n    return db.execute("SELECT value FROM settings").fetchone()[0]\n', True),
        ('def f(db):\n    return [d for d, a in db.execute("SELECT date, action FROM checkin_edits")]\n', True),
        ('def f(db):\n    for r in db.execute("SELECT date, pain FROM checkins"):\n        print(r[1])\n', True),
        ('def f(db):\n    row = one(db, "SELECT date, pain FROM checkins")\n    d, pain = row\n', True),
        ('def f(db):\n    rows = query(db, "SELECT a FROM t")\n    return [r[:2] for r in rows]\n', True),
        ('def f(db):\n    row = one(db, "SELECT value FROM settings")\n    return row["value"]\n', False),
        ('def f(db):\n    return db.execute("PRAGMA user_version").fetchone()[0]\n', False),
        ('def f(db):\n    return db.execute("SELECT count(*) FROM checkins").fetchone()[0]\n', False),
        ("def f(problems):\n    return problems[0]\n", False),
    ],
)
def test_the_check_catches_positional_reads(source, bad):
    assert bool(positional_reads(source, "store/x.py")) is bad
