#!/usr/bin/env python
"""Time whole `backcare` processes against a bare interpreter, and measure their peak memory.

    python benchmarks/run.py [--runs 15] [--warmup 2] [--out FILE] [--only NAME ...] [--importtime]

Run it with the interpreter of the venv that has backcare installed (e.g. `.venv/bin/python benchmarks/run.py`):
it runs the `backcare` console script next to that interpreter (or `python -m backcare` when there is none).
Every command gets its own temporary data home, filled directly through the Store API. Nothing here touches
your real data. See benchmarks/README.md for the targets and the latest figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BUILTIN_ROUTINE = "Back on track (built-in)"

MEMORY_WRAPPER = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)

# What `backcare` commands exist in this checkout: {"name": null | ["sub", ...]}. Run in a child so a broken
# app is reported, not fatal.
INTROSPECT = (
    "import json, typer.main\n"
    "from backcare.cli.app import app\n"
    "root = typer.main.get_command(app)\n"
    "print(json.dumps({n: sorted(getattr(c, 'commands', {}) or []) or None for n, c in root.commands.items()}))\n"
)


# -- the command to run ---------------------------------------------------------------------------------------
def backcare_argv() -> list[str]:
    """The `backcare` console script of this interpreter's venv, else `python -m backcare`."""
    script = Path(sys.executable).parent / "backcare"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "backcare"]


def available_commands() -> dict[str, list[str] | None]:
    out = subprocess.run([sys.executable, "-c", INTROSPECT], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"Cannot list backcare's commands with {sys.executable}:\n{out.stderr}")
    return json.loads(out.stdout)


def has(commands: dict, path: tuple[str, ...]) -> bool:
    if not path:
        return True
    if path[0] not in commands:
        return False
    return len(path) == 1 or path[1] in (commands[path[0]] or [])


# -- data homes -------------------------------------------------------------------------------------------------
def stage_exercises() -> dict[str, list[str]]:
    """Exercise ids per stage of the built-in routine (read with a regex: no YAML loader needed)."""
    text = (DATA / "routines" / "default.yaml").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"\s+- id: ([a-z0-9-]+)\s*$", line)
        if m:
            current = m.group(1)
            out[current] = []
            continue
        m = re.match(r"\s+- \{id: ([a-z0-9-]+)", line)
        if m and current:
            out[current].append(m.group(1))
    return out


def library_ids() -> list[str]:
    text = (DATA / "exercises.yaml").read_text(encoding="utf-8")
    return re.findall(r"^  - id: ([a-z0-9-]+)\s*$", text, flags=re.M)


def fill_home(home: Path, days: int, today: date, seed: int = 7) -> None:
    """`days` daily check-ins ending yesterday, sessions on 5 days of 7, the stage history, one safety screen.

    One transaction through the Store (the rows a person would have after `days` days of use)."""
    from backcare.store import Store

    rng = random.Random(seed)
    stages = stage_exercises()
    start = today - timedelta(days=days)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    checkins, sessions = [], []
    pain = 5
    tags = ["long-drive", "gardening", "desk-day", "poor-sleep", "gym", "travel"]
    for i in range(days):
        day = (start + timedelta(days=i)).isoformat()
        pain = max(0, min(10, pain + rng.choice((-1, 0, 0, 1))))
        stiffness = max(0, min(10, pain + rng.choice((-1, 0, 1))))
        sleep = rng.randint(3, 9) if rng.random() < 0.6 else None
        stress = rng.randint(1, 8) if rng.random() < 0.6 else None
        note = (
            f"Day {i}: walked {rng.randint(1, 9)} km, back felt {rng.choice(('ok', 'tight', 'better'))}."
            if rng.random() < 0.15
            else None
        )
        day_tags = json.dumps(rng.sample(tags, rng.randint(1, 2)) if rng.random() < 0.2 else [])
        settled = rng.choice((0, 1)) if rng.random() < 0.3 else None
        checkins.append((day, pain, stiffness, sleep, stress, note, day_tags, settled, stamp, stamp))
        if i % 7 not in (5, 6):
            stage = "mobility" if i < 14 else "control" if i < 42 else "strength"
            done = stages.get(stage, [])
            sessions.append(
                (day, BUILTIN_ROUTINE, stage, json.dumps(done), "[]", rng.randint(0, 5), rng.randint(3, 7), stamp)
            )
    events = [(BUILTIN_ROUTINE, start.isoformat(), "mobility", "start", json.dumps(["Started the routine."]), 0)]
    if days > 14:
        events.append(
            (
                BUILTIN_ROUTINE,
                (start + timedelta(days=14)).isoformat(),
                "control",
                "advance",
                json.dumps(["5 sessions in 7 days, pain during at most 5."]),
                0,
            )
        )
    if days > 42:
        events.append(
            (
                BUILTIN_ROUTINE,
                (start + timedelta(days=42)).isoformat(),
                "strength",
                "advance",
                json.dumps(["8 sessions in 14 days, pain during at most 5."]),
                0,
            )
        )
    store = Store.open(home)
    try:
        with store.write() as db:
            db.executemany(
                "INSERT INTO checkins (date, pain, stiffness, sleep, stress, note, tags, settled, recorded_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                checkins,
            )
            db.executemany(
                "INSERT INTO sessions (date, routine, stage, done, skipped, pain_during, effort, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                sessions,
            )
            db.executemany(
                "INSERT INTO stage_history (routine, date, stage, decision, reasons, manual, at)"
                f" VALUES (?, ?, ?, ?, ?, ?, '{stamp}')",
                events,
            )
            db.execute(
                "INSERT INTO safety_screens (date, answers, any_yes, at) VALUES (?, ?, 0, ?)",
                (
                    start.isoformat(),
                    json.dumps(
                        {
                            q: False
                            for q in (
                                "bladder-bowel",
                                "saddle-numbness",
                                "leg-weakness",
                                "sexual-function",
                                "fever-unwell",
                                "cancer-weight",
                                "trauma",
                                "night-pain",
                            )
                        }
                    ),
                    stamp,
                ),
            )
    finally:
        store.close()


_homes = itertools.count()


def copy_home(template: Path, scratch: Path) -> Path:
    """A new private home under `scratch` holding a copy of the template's files."""
    dest = scratch / f"home-{next(_homes)}"
    dest.mkdir(mode=0o700, parents=True)
    if template.exists():
        for f in template.iterdir():
            shutil.copy2(f, dest / f.name)
            os.chmod(dest / f.name, 0o600)
    return dest


def big_routine(path: Path, target_bytes: int = 200 * 1024) -> Path:
    """A valid routine file of about `target_bytes`: 10 stages x 20 exercises, plus long custom exercises."""
    lib = library_ids()
    line = "Move slowly and keep breathing; stop and rest if the pain spreads down a leg or keeps rising. " * 3
    line = line[:290].strip()
    out = [
        "# yaml-language-server: $schema=../routine.schema.json",
        "format: backcare-routine/1",
        "name: Benchmark routine",
        "author: benchmarks/run.py",
        "description: |",
        "  A large but valid routine, for timing 'backcare routine check'.",
        "per_week: 5",
        "exercises:",
    ]
    customs: list[str] = []
    i = 0
    while True:
        size = sum(len(x) + 1 for x in out)
        if size >= target_bytes - 16_000 or len(customs) >= 50:
            break
        cid = f"custom-move-{i:02d}"
        customs.append(cid)
        out += [
            f"  - id: {cid}",
            f"    name: Custom move {i}",
            "    category: " + ("mobility", "control", "strength")[i % 3],
            "    summary: A made-up exercise for the benchmark, with long but valid text in every field.",
            "    steps:",
            *[f"      - 'Step {s}: {line}'" for s in range(7)],
            "    cues:",
            *[f"      - 'Cue {s}: {line}'" for s in range(4)],
            "    mistakes:",
            *[f"      - 'Mistake {s}: {line}'" for s in range(4)],
            "    cautions:",
            *[f"      - 'Caution {s}: {line}'" for s in range(3)],
            "    equipment: [mat, chair, towel]",
            "    dose: {sets: 2, reps: 10}",
            "    easier: null",
            "    harder: null",
        ]
        i += 1
    pool = lib + customs
    out.append("stages:")
    for s in range(10):
        out += [f"  - id: stage-{s}", f"    name: Stage {s}", "    exercises:"]
        for k in range(20):
            ex = pool[(s * 7 + k) % len(pool)]
            out.append(
                f"      - {{id: {ex}, sets: {1 + k % 3}, reps: {5 + k}, hold: {5 + s}, side: each}}"
                if k % 2
                else f"      - {{id: {ex}, sets: 2, reps: 8}}"
            )
        out += ["    advance:", "      sessions: 5", "      days: 7", "      max_pain_during: 5"]
    text = "\n".join(out) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


# -- measuring --------------------------------------------------------------------------------------------------
@dataclass
class Bench:
    name: str
    path: tuple[str, ...]  # command path that must exist, e.g. ("routine", "check")
    args: Callable[[int], list[str]]  # run index (0-based, warm-ups included) -> arguments after `backcare`
    home: str  # template name, "" for an empty home
    target_ratio: float | None = None
    target_mib: float | None = None
    fresh_home_each_run: bool = False
    day: Callable[[int], date] | None = None  # run index -> BACKCARE_TODAY for that run (a new day each run)
    results: dict = field(default_factory=dict)


def time_runs(argv_for: Callable[[int], list[str]], env_for: Callable[[int], dict], runs: int, warmup: int):
    """Wall times (ms) of `runs` runs after `warmup` runs; stops at the first failing run."""
    times = []
    for i in range(warmup + runs):
        argv, env = argv_for(i), env_for(i)
        t0 = time.perf_counter()
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        elapsed = (time.perf_counter() - t0) * 1000
        if p.returncode != 0:
            err = p.stderr.decode("utf-8", "replace").strip().splitlines()
            return None, f"exit {p.returncode}: {err[-1] if err else ''}"
        if i >= warmup:
            times.append(elapsed)
    return times, None


def summary(times: list[float]) -> dict:
    q = statistics.quantiles(times, n=4) if len(times) >= 2 else [times[0]] * 3
    return {
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "p25_ms": round(q[0], 2),
        "p75_ms": round(q[2], 2),
        "runs_ms": [round(t, 2) for t in times],
    }


def peak_mib(argv: list[str], env: dict, repeat: int = 3) -> tuple[float | None, int]:
    """Peak resident memory (MiB) of one run, measured by a wrapper process (RUSAGE_CHILDREN); the median of
    `repeat` runs, and the last exit code."""
    peaks, code = [], -1
    for _ in range(repeat):
        p = subprocess.run([sys.executable, "-c", MEMORY_WRAPPER, *argv], capture_output=True, text=True, env=env)
        try:
            code_text, kib = p.stdout.split()
        except ValueError:
            return None, -1
        code = int(code_text)
        peaks.append(int(kib) / 1024)
    return round(statistics.median(peaks), 1), code


def importtime(args: list[str], env: dict, top: int = 8) -> dict:
    """Cumulative import times (ms) of one run under `python -X importtime`: the heaviest imports made by the
    run's own code (top level), the cost of each third-party package where backcare first pulls it in, and the
    heaviest backcare modules."""
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backcare", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    rows = []  # (cumulative ms, depth, module), in the order printed: children before their parent
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(2)) / 1000, len(m.group(3)) // 2, m.group(4)))
    parents: dict[int, str | None] = {}
    stack: list[str] = []
    for index in range(len(rows) - 1, -1, -1):  # reversed: a parent comes before its children
        _ms, depth, name = rows[index]
        del stack[depth:]
        parents[index] = stack[-1] if stack else None
        stack.append(name)

    def package(name: str | None) -> str | None:
        return name.split(".")[0] if name else None

    third: dict[str, float] = {}
    for index, (ms, _depth, name) in enumerate(rows):
        pkg = package(name)
        if pkg in sys.stdlib_module_names or pkg == "backcare" or pkg.startswith("_") or pkg in ("sitecustomize",):
            continue
        if package(parents[index]) != pkg and ms >= 0.5:  # where the package is entered from outside
            third[pkg] = third.get(pkg, 0) + ms
    roots = sorted((r for r in rows if r[1] == 0), reverse=True)[:top]
    own = sorted(((ms, n) for ms, _d, n in rows if n.startswith("backcare")), reverse=True)[:top]
    return {
        "total_ms": round(sum(ms for ms, depth, _ in rows if depth == 0), 1),
        "top_level": [{"module": n, "cumulative_ms": round(ms, 1)} for ms, _d, n in roots],
        "third_party": [
            {"module": n, "cumulative_ms": round(ms, 1)} for n, ms in sorted(third.items(), key=lambda kv: -kv[1])[:top]
        ],
        "backcare": [{"module": n, "cumulative_ms": round(ms, 1)} for ms, n in own],
    }


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "uname": " ".join(platform.uname()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "executable": sys.executable,
        "loadavg_at_start": load,
    }


def print_table(baseline: dict, benches: list[Bench], scaling: dict | None) -> None:
    head = f"{'command':44} {'median ms':>9} {'min-max ms':>15} {'x base':>7} {'peak MiB':>8}  {'target':22} result"
    print(head)
    print("-" * len(head))
    print(
        f"{'python -c pass (baseline)':44} {baseline['median_ms']:9.1f} "
        f"{baseline['min_ms']:7.1f}-{baseline['max_ms']:<7.1f} {1.0:7.2f} {baseline.get('peak_mib') or 0:8.1f}"
    )
    for b in benches:
        r = b.results
        if "median_ms" not in r:
            print(f"{b.name:44} {r.get('status', '')}")
            continue
        print(
            f"{b.name:44} {r['median_ms']:9.1f} {r['min_ms']:7.1f}-{r['max_ms']:<7.1f} {r['ratio']:7.2f} "
            f"{r.get('peak_mib') or 0:8.1f}  {r.get('target', '-'):22} {r['status']}"
        )
    for key, series in (scaling or {}).items():
        print()
        if not series.get("points"):
            print(f"{key} by history length: {series['status']}")
            continue
        print(f"{key} by history length (median ms):")
        for years, r in series["points"].items():
            print(f"  {years:>3} years ({r['checkins']:6d} check-ins): {r['median_ms']:8.1f} ms")
        print(
            f"  marginal cost 1->10 years: {series['slope_1_10_ms_per_year']:.2f} ms/year; "
            f"10->50 years: {series['slope_10_50_ms_per_year']:.2f} ms/year -> {series['status']}"
        )


# -- main --------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15, help="timed runs per command (default 15)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    ap.add_argument("--out", type=Path, help="JSON results file (default benchmarks/results/<date>-<host>.json)")
    ap.add_argument("--only", nargs="*", default=None, help="only commands whose name contains one of these")
    ap.add_argument("--no-scaling", action="store_true", help="skip the 1/10/50-year trend series")
    ap.add_argument("--importtime", action="store_true", help="import profile for every command, not only failures")
    opts = ap.parse_args(argv)
    if opts.runs < 1 or opts.warmup < 0:
        ap.error("--runs must be at least 1 and --warmup at least 0")

    info = machine()  # before the runs: the load average then is the one that matters
    bc = backcare_argv()
    commands = available_commands()
    today = date.today()
    tmp = Path(tempfile.mkdtemp(prefix="backcare-bench-"))
    # Bytecode caches on, as in a normal install (pip compiles at install time); an editable install under
    # PYTHONDONTWRITEBYTECODE=1 would recompile every backcare module on every run. The cache goes to the
    # scratch folder, so nothing is written into the source tree; the warm-up runs fill it.
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("BACKCARE_") and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    }
    base_env.update(
        {
            "BACKCARE_TODAY": today.isoformat(),
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
        }
    )
    print(f"backcare: {' '.join(bc)}   python: {sys.version.split()[0]}   runs: {opts.runs} (+{opts.warmup} warm-up)")
    print(f"loadavg: {os.getloadavg()}   scratch: {tmp}")

    try:
        print("filling data homes...", flush=True)
        t0 = time.perf_counter()
        templates = {"empty": tmp / "tpl-empty"}
        templates["empty"].mkdir(mode=0o700)
        for key, days in (("small", 30), ("10y", 3652)):
            templates[key] = tmp / f"tpl-{key}"
            fill_home(templates[key], days, today)
        routine_file = big_routine(tmp / "routine-200k.yaml")
        print(
            f"  done in {time.perf_counter() - t0:.1f} s; routine file {routine_file.stat().st_size // 1024} KiB",
            flush=True,
        )

        checkin = ["checkin", "--pain", "3", "--stiffness", "4"]

        def next_day(i: int) -> date:
            return today + timedelta(days=i)

        benches = [
            Bench("backcare --help", (), lambda i: ["--help"], "empty"),
            Bench("backcare --version", (), lambda i: ["--version"], "empty", target_ratio=7),
            # Each run is the next day (BACKCARE_TODAY), as a person checks in once a day: no --date needed.
            Bench(
                "checkin --pain 3 --stiffness 4 (30-day home)",
                ("checkin",),
                lambda i: checkin,
                "small",
                8,
                40,
                day=next_day,
            ),
            Bench(
                "checkin --pain 3 --stiffness 4 (10-year home)",
                ("checkin",),
                lambda i: checkin,
                "10y",
                8,
                40,
                day=next_day,
            ),
            Bench(
                "checkin (first run: empty home, new db)",
                ("checkin",),
                lambda i: checkin,
                "empty",
                fresh_home_each_run=True,
            ),
            Bench("today (10 years)", ("today",), lambda i: ["today"], "10y", 12),
            Bench("history --json (10 years)", ("history",), lambda i: ["history", "--json"], "10y"),
            Bench("trend (10-year home, last 90 days)", ("trend",), lambda i: ["trend"], "10y", 12, 60),
            Bench(
                "trend --json (10-year home, last 90 days)", ("trend",), lambda i: ["trend", "--json"], "10y", 12, 60
            ),
            Bench("trend --all (10 years)", ("trend",), lambda i: ["trend", "--all"], "10y", 12, 60),
            Bench("trend --all --json (10 years)", ("trend",), lambda i: ["trend", "--all", "--json"], "10y", 12, 60),
            Bench(
                "routine check FILE (200 KiB)",
                ("routine", "check"),
                lambda i: ["routine", "check", str(routine_file)],
                "empty",
            ),
            Bench("export --format json (10 years)", ("export",), lambda i: ["export", "--format", "json"], "10y"),
        ]
        if opts.only is not None:
            benches = [b for b in benches if any(o in b.name for o in opts.only)]

        # Baseline: the bare interpreter, before and after the commands (so drift shows and is averaged).
        pass_argv = [sys.executable, "-c", "pass"]
        before, _ = time_runs(lambda i: pass_argv, lambda i: base_env, opts.runs, opts.warmup)
        baseline = summary(before)
        baseline["peak_mib"], _ = peak_mib(pass_argv, base_env)

        for b in benches:
            print(f"  {b.name} ...", flush=True)
            if not has(commands, b.path):
                b.results = {"status": "n/a (command missing)"}
                continue
            homes: dict[int, Path] = {}

            def home_for(i: int, b: Bench = b) -> Path:
                key = i if b.fresh_home_each_run else 0
                if key not in homes:
                    homes[key] = copy_home(templates[b.home], tmp)
                return homes[key]

            def env_for(i: int, b: Bench = b) -> dict:
                env = {**base_env, "BACKCARE_HOME": str(home_for(i))}
                if b.day is not None:
                    env["BACKCARE_TODAY"] = b.day(i).isoformat()
                return env

            times, error = time_runs(lambda i, b=b: [*bc, *b.args(i)], env_for, opts.runs, opts.warmup)
            if times is None:
                b.results = {"status": f"ERROR ({error})"}
                continue
            r = summary(times)
            n = opts.warmup + opts.runs
            peaks = [peak_mib([*bc, *b.args(n + k)], env_for(n + k), repeat=1)[0] for k in range(3)]
            r["peak_mib"] = statistics.median(peaks) if None not in peaks else None
            b.results = r
        after, _ = time_runs(lambda i: pass_argv, lambda i: base_env, opts.runs, 0)
        baseline_all = before + after
        baseline.update({k: v for k, v in summary(baseline_all).items()})
        baseline["median_before_ms"] = round(statistics.median(before), 2)
        baseline["median_after_ms"] = round(statistics.median(after), 2)

        for b in benches:
            r = b.results
            if "median_ms" not in r:
                continue
            r["ratio"] = round(r["median_ms"] / baseline["median_ms"], 2)
            checks, target = [], []
            if b.target_ratio is not None:
                checks.append(r["ratio"] <= b.target_ratio)
                target.append(f"<= {b.target_ratio:g}x")
            if b.target_mib is not None:
                checks.append(r["peak_mib"] is not None and r["peak_mib"] <= b.target_mib)
                target.append(f"<= {b.target_mib:g} MiB")
            r["target"] = ", ".join(target) or "-"
            r["status"] = ("PASS" if all(checks) else "FAIL") if checks else "-"
            if r["status"] == "FAIL" or opts.importtime:
                last = opts.warmup + opts.runs + 5
                env = {**base_env, "BACKCARE_HOME": str(copy_home(templates[b.home], tmp))}
                if b.day is not None:
                    env["BACKCARE_TODAY"] = b.day(last).isoformat()
                r["importtime"] = importtime(b.args(last), env)

        scaling = None
        if not opts.no_scaling and (opts.only is None or any("scal" in o for o in opts.only)):
            scaling = history_scaling(bc, base_env, tmp, today, opts, commands)

        print()
        print_table(baseline, benches, scaling)
        for b in benches:
            imp = b.results.get("importtime")
            if imp:
                print(
                    f"\nimport profile of '{b.name}' (cumulative ms; {imp['total_ms']} ms in all, as"
                    " -X importtime counts it):"
                )
                print("  top-level: " + ", ".join(f"{x['module']} {x['cumulative_ms']}" for x in imp["top_level"]))
                print("  third-party: " + ", ".join(f"{x['module']} {x['cumulative_ms']}" for x in imp["third_party"]))
                print("  backcare: " + ", ".join(f"{x['module']} {x['cumulative_ms']}" for x in imp["backcare"]))

        result = {
            "date": datetime.now().isoformat(timespec="seconds"),
            "host": socket.gethostname(),
            "machine": info,
            "backcare": bc,
            "runs": opts.runs,
            "warmup": opts.warmup,
            "baseline": baseline,
            "commands": [{"name": b.name, "args": b.args(0), **b.results} for b in benches],
            "scaling": scaling,
            "loadavg_at_end": os.getloadavg(),
        }
        out = opts.out or ROOT / "benchmarks" / "results" / f"{today.isoformat()}-{socket.gethostname()}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")
        failed = [b.name for b in benches if b.results.get("status", "").startswith(("FAIL", "ERROR"))]
        failed += [f"scaling of {k}" for k, v in (scaling or {}).items() if v.get("status") == "FAIL"]
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


SCALED = {
    # The target: computing trend statistics grows at most linearly with the history.
    "trend --all --json": (("trend",), ["trend", "--all", "--json"]),
}


def history_scaling(bc: list[str], base_env: dict, tmp: Path, today: date, opts, commands) -> dict:
    """SCALED commands on homes of 1, 10 and 50 years of daily use: how the time grows with the history.

    (`today` is not here: what it reads depends on the progression decision the generated data leads to, so a
    series would measure the data, not the code. See the README for what it reads.)"""
    homes = {}
    for years in (1, 10, 50):
        homes[years] = tmp / f"scale-{years}y"
        fill_home(homes[years], round(years * 365.25), today)
    out = {}
    for key, (path, args) in SCALED.items():
        if not has(commands, path):
            out[key] = {"status": "n/a (command missing)", "points": {}}
            continue
        print(f"  {key} on 1, 10 and 50 years ...", flush=True)
        points = {}
        for years, template in homes.items():
            env = {**base_env, "BACKCARE_HOME": str(copy_home(template, tmp))}
            times, error = time_runs(lambda i: [*bc, *args], lambda i: env, opts.runs, opts.warmup)
            if times is None:
                break
            points[str(years)] = {"checkins": round(years * 365.25), **summary(times)}
        if len(points) < 3:
            out[key] = {"status": f"ERROR ({error})", "points": {}}
            continue
        t1, t10, t50 = (points[k]["median_ms"] for k in ("1", "10", "50"))
        slope_a, slope_b = (t10 - t1) / 9, (t50 - t10) / 40
        # Linear growth keeps the marginal cost per year constant; allow 50 % and a 0.2 ms/year noise floor.
        ok = slope_b <= max(1.5 * slope_a, slope_a + 0.2)
        out[key] = {
            "points": points,
            "slope_1_10_ms_per_year": round(slope_a, 3),
            "slope_10_50_ms_per_year": round(slope_b, 3),
            "ms_per_year_overall": round((t50 - t1) / 49, 3),
            "status": "PASS" if ok else "FAIL",
            "rule": "marginal ms/year from 10 to 50 years <= max(1.5 x that from 1 to 10 years, +0.2 ms/year)",
        }
    return out


if __name__ == "__main__":
    sys.exit(main())
