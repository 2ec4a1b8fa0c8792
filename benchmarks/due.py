#!/usr/bin/env python
"""`backcare due` and `backcare --version` against `python -c pass`, measured side by side.

    python benchmarks/due.py [--pairs 40] [--warmup 3] [--sets 2] [--out FILE]

Each timed run of a command is paired with a run of the bare interpreter right before it (A, B, A, B, ...), so a
machine that slows down for a while slows both halves of a pair; the figure is the median of the per-pair ratios,
with its quartiles and min-max, for every set (no "best run"). Targets: `due` <= 3x (it runs at every shell start
from a prompt hook), `--version` <= 2x. Run it with the interpreter of the venv that has backcare installed; the
data homes are temporary and made with backcare's own commands. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"due (done)": 3.0, "due (not done)": 3.0, "due (no data yet)": 3.0, "--version": 2.0}


def backcare_argv() -> list[str]:
    """The `backcare` console script of this interpreter's venv, else `python -m backcare`."""
    script = Path(sys.executable).parent / "backcare"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "backcare"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def summary(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return {"median": statistics.median(values), "q1": q[0], "q3": q[2], "min": min(values), "max": max(values)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=40, help="timed pairs per command and set (default 40)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed pairs first (default 3)")
    parser.add_argument("--sets", type=int, default=2, help="repeat the whole set this many times (default 2)")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    backcare = backcare_argv()
    with tempfile.TemporaryDirectory(prefix="backcare-due-bench-") as scratch:
        tmp = Path(scratch)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("BACKCARE_") and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
        }
        env.update({"HOME": str(tmp / "user"), "XDG_DATA_HOME": str(tmp / "user" / "data")})
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")  # compiled once in the warm-up, as an install is
        done_home, open_home = tmp / "done", tmp / "open"
        for home in (done_home, open_home):
            setup = {**env, "BACKCARE_HOME": str(home)}
            subprocess.run([*backcare, "safety", "--none"], env=setup, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [*backcare, "checkin", "--pain", "3", "--stiffness", "2"],
            env={**env, "BACKCARE_HOME": str(done_home)},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cases = {
            "due (done)": ([*backcare, "due"], {**env, "BACKCARE_HOME": str(done_home)}, 0),
            "due (not done)": ([*backcare, "due"], {**env, "BACKCARE_HOME": str(open_home)}, 1),
            "due (no data yet)": ([*backcare, "due"], env, 1),  # the default data folder, which does not exist
            "--version": ([*backcare, "--version"], env, 0),
        }
        for name, (argv, case_env, expected) in cases.items():
            code = subprocess.run(argv, env=case_env, capture_output=True, check=False).returncode
            if code != expected:
                sys.exit(f"{name}: exit {code}, expected {expected}")
        baseline = [sys.executable, "-c", "pass"]

        results: list[dict] = []
        failed = False
        print(f"python: {sys.version.split()[0]}   command: {' '.join(backcare)}   pairs: {args.pairs}")
        print(f"{'set':>3}  {'command':<18} {'ratio median':>12} {'q1-q3':>11} {'min-max':>11} {'ms':>6} {'base':>6}")
        for number in range(1, args.sets + 1):
            for name, (argv, case_env, _) in cases.items():
                for _ in range(args.warmup):
                    timed(baseline, env), timed(argv, case_env)
                ratios, command_s, base_s = [], [], []
                for _ in range(args.pairs):
                    b = timed(baseline, env)
                    a = timed(argv, case_env)
                    ratios.append(a / b)
                    command_s.append(a)
                    base_s.append(b)
                r = summary(ratios)
                ok = r["median"] <= TARGETS[name]
                failed |= not ok
                results.append(
                    {
                        "set": number,
                        "command": name,
                        "target": TARGETS[name],
                        "ratio": r,
                        "command_ms": statistics.median(command_s) * 1000,
                        "baseline_ms": statistics.median(base_s) * 1000,
                        "pass": ok,
                    }
                )
                print(
                    f"{number:>3}  {name:<18} {r['median']:>11.2f}x {r['q1']:>5.2f}-{r['q3']:<5.2f} "
                    f"{r['min']:>5.2f}-{r['max']:<5.2f} {statistics.median(command_s) * 1000:>6.1f} "
                    f"{statistics.median(base_s) * 1000:>6.1f}  {'pass' if ok else 'FAIL'} (<= {TARGETS[name]}x)"
                )
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
