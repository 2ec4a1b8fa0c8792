"""The day's dashboard as last decided, kept beside the database (services/day_view.py says when it may be used).

It is the person's health data (scores, medicines, the safety state), so it lives in their data folder, private
like the database, and goes when the folder goes; it is never in a shared cache. It holds plain values only
(str, int, float, bool, None, lists, tuples and dicts of them), written with `marshal` after a checksum of it, and
checked on reading: a damaged byte (caught by the checksum before marshal reads anything), anything but plain
values, a file that is not this user's regular file, or one others could write, is not used. Reading or
writing it never fails a command: the dashboard is then simply decided again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

NAME = ".backcare-today"
MAX_BYTES = 1024 * 1024
_PLAIN = (str, int, float, bool, type(None))
_PRIME = (1 << 61) - 1  # the checksum: the bytes as one number, modulo this prime (no module to load for it)


def checksum(body: bytes | memoryview) -> bytes:
    """8 bytes that change with any damaged byte or run of bytes (bar a chance of about 1 in 2**61)."""
    return (int.from_bytes(body, "little") % _PRIME).to_bytes(8, "little")


def read(db_path: Path) -> Any:
    """The kept value, or None."""
    from backcare.paths import read_own

    data = read_own(db_path.with_name(NAME), MAX_BYTES)
    if data is None:
        return None
    import marshal

    body = memoryview(data)[8:]
    if len(data) < 8 or data[:8] != checksum(body):
        return None
    try:
        value = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    return value if _plain(value) else None


def write(db_path: Path, value: Any) -> None:
    """Keep `value` (plain values only), replacing what was kept; best effort."""
    import marshal

    from backcare.outfiles import create_private, discard

    if not _plain(value):
        raise ValueError("only plain values are kept")
    target = db_path.with_name(NAME)
    tmp = target.with_name(f"{NAME}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        fd = create_private(tmp)
        try:
            body = marshal.dumps(value)
            with os.fdopen(fd, "wb") as fh:
                fh.write(checksum(body) + body)
            os.replace(tmp, target)
        except BaseException:
            discard(tmp)
            raise
    except OSError:
        return
    _remove_stale(target)


def _remove_stale(target: Path, older_than_s: float = 600.0) -> None:
    """Temporary files a killed run left behind (a live writer's is minutes younger)."""
    import time

    try:
        with os.scandir(target.parent) as entries:
            for entry in entries:
                if entry.name.startswith(f"{NAME}.") and entry.name.endswith(".tmp"):
                    if time.time() - entry.stat(follow_symlinks=False).st_mtime > older_than_s:
                        os.unlink(entry.path)
    except OSError:
        pass


def _plain(value: Any, depth: int = 0) -> bool:
    if depth > 20:
        return False
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is list or kind is tuple:
        return all(_plain(v, depth + 1) for v in value)
    if kind is dict:
        return all(type(k) is str and _plain(v, depth + 1) for k, v in value.items())
    return False
