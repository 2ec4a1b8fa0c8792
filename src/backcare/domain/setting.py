"""One of the person's settings as `backcare config` shows it (built by services.config, printed by `config ...
--json` through `as_dict`). Its own module: domain/config.py stays free of dataclasses for `backcare due`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from backcare.valueclass import frozen


@frozen
class Setting:
    key: str
    value: int
    shown: str  # the value as a person reads it
    default: bool  # the default applies (unset, or the stored value is not valid)
    not_valid: str | None  # the stored text when it is not a valid value
    kind: str  # what the value is, in words
    help: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
