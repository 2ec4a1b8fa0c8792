"""Writing files the person asked for (reports, exports, routine copies): private, whole, never over the database."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from backcare.errors import BackcareError


def _is_database(path: Path, database: Path) -> bool:
    """True for the live database and its journal files (writing there would destroy the person's data)."""
    try:
        target = path.resolve()
        db = database.resolve()
    except OSError:
        return False
    return target.parent == db.parent and target.name.startswith(db.name)


def write_private(path: Path, text: str | Callable[[TextIO], None], *, protect: Path | None = None) -> Path:
    """Write `text` to `path` readable by its owner only (0600), atomically: a reader never sees half.

    `text` may be a function that writes to the open file (a large export, streamed)."""
    if path.is_dir():
        raise BackcareError(f"{path} is a folder; give a file name to write to (nothing was written).")
    if protect is not None and _is_database(path, protect):
        raise BackcareError(f"{path} is backcare's own database; choose another file (nothing was written).")
    folder = path.parent
    if not folder.is_dir():
        raise BackcareError(f"The folder {folder} does not exist, so nothing was written.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)  # mode 0600
    except OSError as exc:
        raise BackcareError(f"backcare cannot write to {folder} ({exc.strerror or exc}); nothing was written.") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if callable(text):
                text(fh)
            else:
                fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BackcareError(f"backcare cannot write {path} ({exc.strerror or exc}); nothing was written.") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
