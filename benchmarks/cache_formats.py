"""How long the content cache takes to load in each format that could hold it (not run in CI).

The cache exists for start-up speed, so the format is a speed decision as much as a safety one. A pickle can
run code when loaded; marshal of plain data and JSON cannot. This loads the real cached values (the exercise
library, the topics and the built-in routine) many times in each format and prints the best per-load time.

    .venv/bin/python benchmarks/cache_formats.py
"""

from __future__ import annotations

import dataclasses
import json
import marshal
import pickle
import time

from backcare.content import cache, education, exercises, routines


def _json_plain(value):
    if isinstance(value, tuple):
        return {"t": [_json_plain(x) for x in value]}
    if isinstance(value, dict):
        return {"d": {k: _json_plain(x) for k, x in value.items()}}
    if dataclasses.is_dataclass(value):
        return {
            "c": type(value).__name__,
            "f": [_json_plain(getattr(value, f.name)) for f in dataclasses.fields(value)],
        }
    return value


def _json_hook(obj):
    if len(obj) != 1 and set(obj) != {"c", "f"}:
        return obj  # the inside of a {"d": ...}
    if "t" in obj:
        return tuple(obj["t"])
    if "d" in obj:
        return obj["d"]
    if "c" not in obj:
        return obj
    cls, names = cache._classes()[obj["c"]]
    new = object.__new__(cls)
    new.__dict__.update(zip(names, obj["f"]))
    return new


def best_microseconds(fn, loops: int = 300, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        times.append((time.perf_counter() - start) / loops * 1e6)
    return min(times)


def main() -> None:
    values = {
        "library": exercises._library.__wrapped__.__wrapped__(),
        "topics": education.topics.__wrapped__.__wrapped__(),
        "routine": routines.bundled_routine.__wrapped__.__wrapped__("default"),
    }
    print(f"{'value':8} {'format':16} {'bytes':>7} {'load (us)':>10}")
    for name, value in values.items():
        blobs = {
            "pickle": (pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), pickle.loads),
            "marshal+rebuild": (marshal.dumps(cache.to_plain(value)), lambda b: cache.from_plain(marshal.loads(b))),
            "json+hook": (json.dumps(_json_plain(value)).encode(), lambda b: json.loads(b, object_hook=_json_hook)),
        }
        for fmt, (blob, load) in blobs.items():
            assert load(blob) == value
            print(f"{name:8} {fmt:16} {len(blob):7} {best_microseconds(lambda: load(blob)):10.0f}")


if __name__ == "__main__":
    main()
