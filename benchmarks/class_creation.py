#!/usr/bin/env python
"""How long the daily commands spend making their dataclasses at start-up, counted in-process.

    python benchmarks/class_creation.py [--runs 10] [--out FILE]

Each run is a fresh process that wraps `dataclasses._process_class` (classes made by `@dataclass`, backcare's
before `backcare.valueclass`, Rich's still) and `backcare.valueclass._build` (`@frozen`, `@mutable`) with
`time.perf_counter`, then calls `backcare.cli.main()` with the command's arguments. Per command it prints the
medians of: the time spent making classes each way (and how many), and the whole `main()` from the first import.
An in-process count needs no baseline; the home is temporary, made with backcare's own commands, and the
`.pyc` files are written to it and warm before the counted runs. Run it with the interpreter of the venv that has
backcare installed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

COMMANDS = {
    "today": ["today"],
    "safety --none": ["safety", "--none"],
    "session --done": ["session", "--done", "all", "--pain-during", "2", "--effort", "5"],
    "learn next": ["learn", "next"],
    "routine show": ["routine", "show"],
}

# The child: wraps the class builders, runs one command, prints one JSON line on stderr's last line.
PROBE = r"""
import json, sys, time
start = time.perf_counter()
import dataclasses
spent = {"dataclasses": 0.0, "valueclass": 0.0}
made = {"dataclasses": 0, "valueclass": 0}
def timed(kind, fn):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[kind] += time.perf_counter() - t
            made[kind] += 1
    return wrapper
dataclasses._process_class = timed("dataclasses", dataclasses._process_class)
try:
    import backcare.valueclass as valueclass
    valueclass._build = timed("valueclass", valueclass._build)
except ImportError:  # a backcare from before valueclass
    pass
sys.argv = ["backcare", *sys.argv[1:]]
from backcare.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
sys.stdout.flush()
print(json.dumps({"exit": code, "main_ms": (time.perf_counter() - start) * 1000,
                  **{f"{k}_ms": v * 1000 for k, v in spent.items()}, **{f"{k}_n": v for k, v in made.items()}}),
      file=sys.stderr)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backcare-classes-") as scratch:
        root = Path(scratch)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKCARE_", "XDG_", "PYTHON"))}
        env.update(
            HOME=str(root / "user"),
            XDG_DATA_HOME=str(root / "user" / "xdg"),
            XDG_CACHE_HOME=str(root / "user" / "cache"),
            BACKCARE_HOME=str(root / "home"),
            BACKCARE_CACHE_DIR=str(root / "cache"),
            PYTHONPYCACHEPREFIX=str(root / "pyc"),
            COLUMNS="100",
        )
        (root / "user").mkdir()
        day = date(2026, 1, 1)

        def run(argv: list[str]) -> dict | None:
            done = subprocess.run(
                [sys.executable, "-c", PROBE, *argv],
                env={**env, "BACKCARE_TODAY": day.isoformat()},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
            lines = done.stderr.strip().splitlines()
            return json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None

        run(COMMANDS["safety --none"])  # the safety questions answered once, so sessions can be logged
        for argv in COMMANDS.values():  # warm: .pyc files and the content cache
            run(argv)
        results: dict[str, list[dict]] = {name: [] for name in COMMANDS}
        for _ in range(args.runs):
            day += timedelta(days=1)  # a session is logged on a new day each time, as typed daily
            for name, argv in COMMANDS.items():
                result = run(argv)
                if result is None or result["exit"] != 0:
                    print(f"{name}: the command failed ({result})", file=sys.stderr)
                    return 1
                results[name].append(result)
    print(f"medians of {args.runs} runs per command (load average {os.getloadavg()[0]:.1f} at the end):")
    for name, runs in results.items():

        def median(key: str, runs: list[dict] = runs) -> float:
            return statistics.median(r[key] for r in runs)

        print(
            f"  {name:15s} dataclasses {median('dataclasses_ms'):5.1f} ms ({runs[0]['dataclasses_n']:2d} classes)"
            f"  valueclass {median('valueclass_ms'):4.1f} ms ({runs[0]['valueclass_n']:2d})"
            f"  main() {median('main_ms'):6.1f} ms"
        )
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
