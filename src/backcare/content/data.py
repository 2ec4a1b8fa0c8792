"""Where the bundled data files are: inside the installed package (backcare/data/, from the wheel), or the
repository's data/ folder in an editable development install."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any


@cache
def data_dir() -> Any:
    """A Traversable (a Path in practice) for the bundled data folder.

    A package on disk (an installed wheel, or an editable install) is answered with its path, as
    importlib.resources would answer it: importing importlib.resources (with zipfile, tempfile and random)
    costs 3-5 ms on every daily command, which reads this folder's file times to check the content cache."""
    here = Path(__file__)
    if here.is_file():
        packaged = here.parent.parent / "data"
        return packaged if packaged.is_dir() else here.resolve().parents[3] / "data"
    from importlib.resources import files  # a zip or another loader: only it knows where its files are

    inside = files("backcare") / "data"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[3] / "data"


def data_file(*parts: str) -> Any:
    node = data_dir()
    for part in parts:
        node = node / part
    return node


def data_label(*parts: str) -> str:
    """How a bundled file is named in messages: its real path when there is one."""
    return str(data_file(*parts))
