#!/usr/bin/env python
"""Whole `backcare` processes, timed side by side with two baselines built and measured in the same run.

    python benchmarks/run.py            # 3 rounds x 10 paired runs per command, 1/10/50-year homes
    python benchmarks/run.py --quick    # 1 round x 5 paired runs, 1/10-year homes (about a minute)
    python benchmarks/run.py --rounds 2 --pairs 20 --years 1 10 50 --out /tmp/bench.json --only today learn

Run it with the interpreter of the venv that has backcare installed. Every run of a command is paired with
a run of each baseline right before it (P, T, C, P, T, C, ...): P is `python -c pass`, T is a one-command
Typer app doing the same kind of work as the command (open SQLite, insert or read a row, print with
`typer.echo` or with a Rich table, or print its --help). A machine that slows down for a moment slows all
three; each command's figure is the median of its per-triple ratios C/T and C/P with the quartiles and
min-max, for every round, and every single run is written to the JSON file (no "best run").

Homes are temporary (HOME, XDG folders, BACKCARE_HOME and the content cache all point into a scratch folder
that is removed at the end; your own data and cache are never read or written), and they are built through
backcare's own `import` from a generated export file of 1, 10 or 50 years of daily use. Large histories:
`import`, `export --format json|csv|fhir`, `backup` and `trend --all --json` on each size, with the child's
peak memory (ru_maxrss from os.wait4) and the time per 1,000 days (least-squares slope over the sizes).

Exit status 1 when a target is missed (see TARGETS and the README).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUTINE = ROOT / "tests" / "routines" / "ok" / "desk-worker.yaml"
TODAY = date(2026, 11, 27)
TYPER_RATIO = 1.15  # daily commands: at most this many times the one-command Typer app doing the same work
PASS_RATIO = 8.0  # ... and at most this many times `python -c pass`
VERSION_RATIO = 2.0
PEAK_MIB = 60.0  # 50 years: every export and import

# The one-command Typer app (the baseline): a whole Typer app with one command, configured as backcare's.
BASELINE = r'''
import sqlite3, sys
import typer

KIND = sys.argv.pop(1)
DB = sys.argv.pop(1)


def main(pain: int = typer.Option(3, "--pain"), note: str = typer.Option("", "--note")) -> None:
    """Do one small piece of database work and print the result."""
    db = sqlite3.connect(DB, isolation_level=None)
    db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, day TEXT, pain INTEGER, note TEXT)")
    if KIND == "insert":
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t (day, pain, note) VALUES (date('now'), ?, ?)", (pain, note))
        db.execute("COMMIT")
        typer.echo(f"Saved: pain {pain}.")
        return
    rows = db.execute("SELECT day, pain, note FROM t ORDER BY id DESC LIMIT 7").fetchall()
    if KIND == "plain":
        for day, value, text in rows:
            typer.echo(f"{day}  pain {value}  {text}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Day", "Pain", "Note")
    for day, value, text in rows:
        table.add_row(day, str(value), text)
    Console(highlight=False).print(table)


app = typer.Typer(rich_markup_mode=None)  # as backcare's: plain help, no Rich formatting of --help
app.command()(main)
app()
'''

# name -> (argv, baseline kind, home kind, cache, moves the day on each run)
# baseline kinds: insert (write a row, one line out), plain (read rows, plain lines), rich (read rows, a Rich
# table), help (the app's --help), none (compared with `python -c pass` only).
DAILY: dict[str, tuple[list[str], str, str, str, bool]] = {
    "backcare": ([], "plain", "history", "warm", False),
    "today": (["today"], "plain", "history", "warm", False),
    "today (cold cache)": (["today"], "plain", "history", "cold", False),
    "today (decided again)": (["today"], "plain", "history", "decide", False),
    "checkin": (["checkin", "--pain", "3", "--stiffness", "4"], "insert", "history", "warm", True),
    "session --done": (["session", "--done", "all", "--pain-during", "2", "--effort", "5"], "insert", "history",
                       "warm", True),
    "learn": (["learn"], "rich", "history", "warm", False),
    "learn next": (["learn", "next"], "rich", "history", "warm", False),
    "history": (["history"], "rich", "history", "warm", False),
    "routine show (imported)": (["routine", "show"], "rich", "routine", "warm", False),
    "today (imported routine)": (["today"], "plain", "routine", "warm", False),
    "today (imported routine, cold cache)": (["today"], "plain", "routine", "cold", False),
    "today (imported routine, decided again)": (["today"], "plain", "routine", "decide", False),
    "safety --none": (["safety", "--none"], "insert", "history", "warm", False),
    "--help": (["--help"], "help", "history", "warm", False),
    "--version": (["--version"], "none", "history", "warm", False),
    "due": (["due"], "none", "history", "warm", False),
}  # fmt: skip
# Reported without a target: --help, the first run after an upgrade (cold cache) and the first look at the
# dashboard after a change (decided again); the daily commands' targets are for the runs a person makes every day.
NO_TYPER_TARGET = {
    "--help",
    "--version",
    "due",
    "today (cold cache)",
    "today (imported routine, cold cache)",
    "today (decided again)",
    "today (imported routine, decided again)",
}

# large histories: name -> argv (OUT is replaced by a file in the scratch folder)
LARGE = {
    "import": ["import", "IN"],
    "export json": ["export", "--format", "json", "-o", "OUT", "--force"],
    "export csv": ["export", "--format", "csv", "-o", "OUT", "--force"],
    "export fhir": ["export", "--format", "fhir", "-o", "OUT", "--force"],
    "backup": ["backup", "-o", "OUT", "--force"],
    "trend --all --json": ["trend", "--all", "--json"],
}


# -- running children ---------------------------------------------------------------------------------------
def backcare_argv() -> list[str]:
    script = Path(sys.executable).parent / "backcare"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "backcare"]


# Peak memory: a child's ru_maxrss counts the memory of the process that started it (Linux carries the
# high-water mark over fork and exec), so each measured command is started from this small wrapper.
WRAPPER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of one run (and 0.0: memory is measured apart, see peak_mib)."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[-6:])} exited {done.returncode}: {done.stderr.decode()[-300:]}")
    return elapsed, 0.0


def peak_mib(argv: list[str], env: dict[str, str]) -> float:
    """The command's own peak resident size (os.wait4 in the small wrapper), in MiB."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, *argv], env=env, capture_output=True, text=True)
    code, kib = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"{' '.join(argv[-6:])} exited {code}")
    return int(kib) / 1024


def summary(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return {"median": statistics.median(values), "q1": q[0], "q3": q[2], "min": min(values), "max": max(values)}


# -- homes ----------------------------------------------------------------------------------------------------
def export_file(path: Path, years: int, seed: int = 7) -> int:
    """A backcare export of `years` of daily use ending yesterday: a check-in every day, a session of the built-in
    routine on 5 days of 7, a safety screen every 90 days. Returns the number of days."""
    rng = random.Random(seed)
    days = round(years * 365.25)
    start = TODAY - timedelta(days=days)
    routine = "Back on track (built-in)"
    stage_ex = {
        "mobility": ["cat-camel", "pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "walk-easy"],
        "control": ["dead-bug-heel-slide", "bird-dog-arm-reach", "glute-bridge", "walk-easy"],
        "strength": ["bird-dog", "side-plank-knees", "glute-bridge", "sit-to-stand", "walk-brisk"],
    }
    tags = ["long-drive", "gardening", "desk-day", "poor-sleep", "gym", "travel"]
    answers = dict.fromkeys(
        ("bladder-bowel", "saddle-numbness", "leg-weakness", "sexual-function", "fever-unwell", "weight-loss",
         "night-pain", "past-cancer", "trauma"), False)  # fmt: skip
    dumps = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n  "format": "backcare-export",\n  "version": 1,\n  "exported_at": "2026-11-27T08:00:00+00:00"')
        out.write(',\n  "schema_version": 1,\n  "backcare_version": "0.1.0"')
        pain = 5
        out.write(',\n  "checkins": [')
        for i in range(days):
            day = (start + timedelta(days=i)).isoformat()
            pain = max(0, min(10, pain + rng.choice((-1, 0, 0, 1))))
            rec = {
                "date": day, "pain": pain, "stiffness": max(0, min(10, pain + rng.choice((-1, 0, 1)))),
                "sleep": rng.randint(3, 9) if rng.random() < 0.6 else None,
                "stress": rng.randint(1, 8) if rng.random() < 0.6 else None,
                "tags": rng.sample(tags, rng.randint(1, 2)) if rng.random() < 0.2 else [],
                "note": f"Walked {rng.randint(1, 9)} km, back felt {rng.choice(('ok', 'tight', 'better'))}."
                if rng.random() < 0.15 else None,
                "settled": None, "recorded_at": f"{day}T08:00:00+00:00", "updated_at": f"{day}T08:00:00+00:00",
            }  # fmt: skip
            out.write(("\n    " if i == 0 else ",\n    ") + dumps(rec))
        out.write('\n  ],\n  "checkin_edits": [],\n  "sessions": [')
        first = True
        for i in range(days):
            if i % 7 in (5, 6):
                continue
            day = (start + timedelta(days=i)).isoformat()
            stage = "mobility" if i < 14 else "control" if i < 42 else "strength"
            done = stage_ex[stage]
            rec = {
                "date": day, "started": f"{day}T18:00:00+00:00", "routine": routine, "stage": stage, "done": done,
                "skipped": [], "exercises": [{"id": e, "status": "done", "sets_done": 2} for e in done],
                "pain_during": rng.randint(0, 5), "effort": rng.randint(3, 7), "at": f"{day}T18:20:00+00:00",
            }  # fmt: skip
            out.write(("\n    " if first else ",\n    ") + dumps(rec))
            first = False
        events = [(0, "mobility", "start"), (14, "control", "advance"), (42, "strength", "advance")]
        stages = [
            {"routine": routine, "date": (start + timedelta(days=d)).isoformat(), "stage": s, "decision": k,
             "reasons": ["Generated history."], "manual": False, "at": f"{start + timedelta(days=d)}T18:30:00+00:00"}
            for d, s, k in events if d < days
        ]  # fmt: skip
        out.write('\n  ],\n  "session_edits": [],\n  "stage_history": [')
        out.write(",".join("\n    " + dumps(r) for r in stages) + "\n  ],")
        screens = [
            {"date": (start + timedelta(days=d)).isoformat(), "answers": answers,
             "at": f"{start + timedelta(days=d)}T07:00:00+00:00"}
            for d in range(0, days, 90)
        ]  # fmt: skip
        out.write('\n  "safety_screens": [' + ",".join("\n    " + dumps(r) for r in screens) + "\n  ],")
        out.write('\n  "clearances": [],\n  "topics_read": [],\n  "routines": [],\n  "routine_images": [],')
        out.write('\n  "profile": [],\n  "settings": {}\n}\n')
    return days


class Bench:
    def __init__(self, scratch: Path, args: argparse.Namespace):
        self.scratch = scratch
        self.args = args
        self.backcare = backcare_argv()
        self.cache = scratch / "cache"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BACKCARE_", "XDG_", "PYTHON")) and not key.endswith("_COMPLETE")
        }
        self.env.update(
            HOME=str(scratch / "user"),
            XDG_CACHE_HOME=str(scratch / "user" / "xdg-cache"),
            XDG_DATA_HOME=str(scratch / "user" / "xdg-data"),
            XDG_CONFIG_HOME=str(scratch / "user" / "xdg-config"),
            BACKCARE_CACHE_DIR=str(self.cache),
            BACKCARE_TODAY=TODAY.isoformat(),
            PYTHONPYCACHEPREFIX=str(scratch / "pycache"),  # compiled once in the warm-up, as an installed wheel
            COLUMNS="100",
        )
        (scratch / "user").mkdir()
        self.baseline = scratch / "baseline_app.py"
        self.baseline.write_text(BASELINE, encoding="utf-8")
        self.results: dict = {"daily": {}, "large": {}}

    def bc(self, home: Path, *args: str, env: dict | None = None) -> None:
        run([*self.backcare, *args], {**self.env, "BACKCARE_HOME": str(home), **(env or {})})

    # -- homes
    def home_from_years(self, years: int) -> tuple[Path, Path, int]:
        file = self.scratch / f"export-{years}y.json"
        days = export_file(file, years)
        home = self.scratch / f"home-{years}y"
        self.bc(home, "import", str(file))
        return home, file, days

    # -- one daily command
    def daily(self, name: str, template: Path, routine_home: Path) -> None:
        argv, kind, home_kind, cache, moves = DAILY[name]
        home = self.scratch / "run" / name.replace(" ", "_").replace("/", "_")
        if home.exists():
            shutil.rmtree(home)
        shutil.copytree(routine_home if home_kind == "routine" else template, home)
        base_db = home / "baseline.db"
        pass_argv = [sys.executable, "-c", "pass"]
        if kind == "help":
            typer_argv = [sys.executable, str(self.baseline), "plain", str(base_db), "--help"]
        else:
            typer_argv = [sys.executable, str(self.baseline), "insert" if kind == "insert" else kind, str(base_db)]
        for _ in range(3):  # rows for the readers
            run([sys.executable, str(self.baseline), "insert", str(base_db)], self.env)
        env = {**self.env, "BACKCARE_HOME": str(home)}
        rounds = []
        day = [TODAY]

        def one() -> tuple[float, float, float, float]:
            if cache in ("cold", "decide"):  # no day's dashboard kept (as after any change, or an upgrade)
                (home / ".backcare-today").unlink(missing_ok=True)
            if cache == "cold":  # the first run after an upgrade: the content cache is rebuilt too
                shutil.rmtree(self.cache, ignore_errors=True)
            p, _ = run(pass_argv, self.env)
            t, _ = run(typer_argv, self.env) if kind != "none" else (float("nan"), 0.0)
            if moves:
                day[0] += timedelta(days=1)
                env["BACKCARE_TODAY"] = day[0].isoformat()
            c, mib = run([*self.backcare, *argv], env)
            return p, t, c, mib

        for _ in range(self.args.warmup):
            one()
        for r in range(self.args.rounds):
            runs = [one() for _ in range(self.args.pairs)]
            rounds.append(runs)
            self._show_daily(name, kind, r + 1, runs)
        if moves:
            day[0] += timedelta(days=1)
            env["BACKCARE_TODAY"] = day[0].isoformat()
        mib = peak_mib([*self.backcare, *argv], env)
        print(f"  {name:38} peak {mib:.1f} MiB", flush=True)
        self.results["daily"][name] = {
            "argv": argv, "baseline": kind, "cache": cache, "peak_mib": mib, "rounds": rounds,
            "columns": ["python -c pass s", "typer app s", "backcare s", "unused"],
        }  # fmt: skip

    def _show_daily(self, name: str, kind: str, round_no: int, runs: list) -> None:
        by_pass = summary([c / p for p, _, c, _ in runs])
        line = f"  {name:38} r{round_no}  {statistics.median(c for _, _, c, _ in runs) * 1000:6.1f} ms"
        line += f"  x pass {by_pass['median']:5.2f} ({by_pass['q1']:.2f}-{by_pass['q3']:.2f})"
        if kind != "none":
            by_typer = summary([c / t for _, t, c, _ in runs])
            line += f"  x typer[{kind}] {by_typer['median']:4.2f} ({by_typer['q1']:.2f}-{by_typer['q3']:.2f})"
        print(line, flush=True)

    # -- large histories
    def large(self, years: int) -> None:
        home, file, days = self.home_from_years(years)
        out = self.scratch / f"out-{years}y"
        entry: dict = {"days": days, "file_mib": file.stat().st_size / 2**20, "commands": {}}
        for name, argv in LARGE.items():
            if self.args.only and not any(o in name for o in self.args.only):
                continue
            times, peaks, passes = [], [], []
            for _ in range(self.args.large_runs):
                target = home
                if name == "import":
                    target = self.scratch / f"import-{years}y"
                    shutil.rmtree(target, ignore_errors=True)
                args = [str(file) if a == "IN" else str(out) if a == "OUT" else a for a in argv]
                p, _ = run([sys.executable, "-c", "pass"], self.env)
                c, _ = run([*self.backcare, *args], {**self.env, "BACKCARE_HOME": str(target)})
                times.append(c)
                passes.append(p)
            if name == "import":
                shutil.rmtree(target, ignore_errors=True)
            peaks.append(peak_mib([*self.backcare, *args], {**self.env, "BACKCARE_HOME": str(target)}))
            entry["commands"][name] = {"seconds": times, "peak_mib": peaks, "pass_seconds": passes}
            print(
                f"  {name:20} {years:3} years ({days:6} days)  {statistics.median(times) * 1000:8.1f} ms"
                f" (min-max {min(times) * 1000:.0f}-{max(times) * 1000:.0f})  peak {max(peaks):6.1f} MiB",
                flush=True,
            )
        self.results["large"][str(years)] = entry


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares ms per 1,000 days."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx * 1000 if sxx else float("nan")


def verdicts(results: dict) -> list[tuple[str, str, bool]]:
    out = []
    for name, data in results["daily"].items():
        runs = [r for rnd in data["rounds"] for r in rnd]
        per_round_pass = [statistics.median(c / p for p, _, c, _ in rnd) for rnd in data["rounds"]]
        if name == "--version":
            out.append((name, f"x pass {_span(per_round_pass)} (target <= {VERSION_RATIO})",
                        max(per_round_pass) <= VERSION_RATIO))  # fmt: skip
            continue
        if data["baseline"] == "none":
            continue
        per_round_typer = [statistics.median(c / t for _, t, c, _ in rnd) for rnd in data["rounds"]]
        ok_pass = max(per_round_pass) <= PASS_RATIO
        text = f"x typer {_span(per_round_typer)}, x pass {_span(per_round_pass)}"
        if name in NO_TYPER_TARGET:
            out.append((name, text + " (no target)", True))
        else:
            ok = max(per_round_typer) <= TYPER_RATIO and ok_pass
            out.append((name, text + f" (targets <= {TYPER_RATIO}, <= {PASS_RATIO})", ok))
        del runs
    large = results["large"]
    sizes = sorted(large, key=int)
    for name in LARGE:
        points = [(large[s]["days"], statistics.median(large[s]["commands"][name]["seconds"]) * 1000)
                  for s in sizes if name in large[s]["commands"]]  # fmt: skip
        peaks = {s: max(large[s]["commands"][name]["peak_mib"]) for s in sizes if name in large[s]["commands"]}
        if len(points) < 2:
            continue
        marg = [
            (points[i + 1][1] - points[i][1]) / (points[i + 1][0] - points[i][0]) * 1000 for i in range(len(points) - 1)
        ]
        linear = len(marg) < 2 or marg[-1] <= max(1.5 * marg[0], marg[0] + 20)
        text = f"{slope(points):.1f} ms per 1,000 days (marginal {' -> '.join(f'{m:.1f}' for m in marg)}); peak "
        text += ", ".join(f"{peaks[s]:.1f} MiB at {s} y" for s in peaks)
        ok = linear
        if name != "trend --all --json":
            ok = ok and all(v <= PEAK_MIB for s, v in peaks.items() if int(s) >= 50)
        out.append((name, text, ok))
    return out


def _span(values: list[float]) -> str:
    return f"{min(values):.2f}" if len(values) == 1 else f"{min(values):.2f}-{max(values):.2f}"


def markdown(files: list[Path]) -> str:
    """The README's tables from saved runs: per command, each run's median ratio with its q1-q3 (all rounds
    pooled) and the range of the per-round medians."""
    runs = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    heads = " | ".join(f"run {i + 1}: x Typer app (q1-q3) | x pass" for i in range(len(runs)))
    lines = [f"| command | baseline | {heads} | peak MiB |", "|---|---|" + "---:|---:|" * len(runs) + "---:|"]
    for name in runs[0]["daily"]:
        cells = [f"`{name}`", runs[0]["daily"][name]["baseline"]]
        for data in runs:
            d = data["daily"].get(name)
            if d is None:
                cells += ["", ""]
                continue
            pooled = [r for rnd in d["rounds"] for r in rnd]
            by_pass = summary([c / p for p, _, c, _ in pooled])
            if d["baseline"] == "none":
                cells.append("-")
            else:
                by_typer = summary([c / t for _, t, c, _ in pooled])
                per_round = [statistics.median(c / t for _, t, c, _ in rnd) for rnd in d["rounds"]]
                cells.append(f"**{by_typer['median']:.2f}** ({by_typer['q1']:.2f}-{by_typer['q3']:.2f};"
                             f" rounds {_span(per_round)})")  # fmt: skip
            cells.append(f"{by_pass['median']:.2f} ({by_pass['q1']:.2f}-{by_pass['q3']:.2f})")
        cells.append(f"{runs[0]['daily'][name].get('peak_mib', 0):.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    if not any(data["large"] for data in runs):  # runs made with --no-large
        return "\n".join(lines + [""] + _meta(runs))
    lines += ["", "| command | " + " | ".join(f"run {i + 1}: median ms at 1 / 10 / 50 years" for i in range(len(runs)))
              + " | ms per 1,000 days (runs) | peak MiB at 50 years (runs) |",
              "|---|" + "---:|" * (len(runs) + 2)]  # fmt: skip
    for name in LARGE:
        cells = [f"`{name}`"]
        slopes, peaks = [], []
        for data in runs:
            large = data["large"]
            sizes = sorted(large, key=int)
            ms = [statistics.median(large[s]["commands"][name]["seconds"]) * 1000 for s in sizes
                  if name in large[s]["commands"]]  # fmt: skip
            cells.append(" / ".join(f"{v:.0f}" for v in ms))
            slopes.append(slope([(large[s]["days"], v) for s, v in zip(sizes, ms)]))
            peaks.append(max(large[sizes[-1]]["commands"][name]["peak_mib"]))
        cells.append(" / ".join(f"{v:.1f}" for v in slopes))
        cells.append(" / ".join(f"{v:.1f}" for v in peaks))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines + [""] + _meta(runs))


def _meta(runs: list[dict]) -> list[str]:
    return [f"run {i + 1}: {d['meta']['when']}, commit {d['meta']['commit']}, {d['meta']['seconds']:.0f} s, load"
            f" after {', '.join(f'{x:.1f}' for x in d['meta']['load_after'])}" for i, d in enumerate(runs)]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1 round x 5 pairs, 1- and 10-year homes")
    parser.add_argument("--rounds", type=int, help="repeat the whole set of daily commands (default 3)")
    parser.add_argument("--pairs", type=int, help="paired runs per command and round (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed paired runs first (default 2)")
    parser.add_argument("--years", type=int, nargs="+", help="large-history sizes (default 1 10 50)")
    parser.add_argument("--large-runs", type=int, help="runs per large-history command and size (default 3)")
    parser.add_argument("--only", nargs="+", help="only commands whose name contains one of these words")
    parser.add_argument("--no-large", action="store_true", help="skip the large histories")
    parser.add_argument("--out", type=Path, help="write every run as JSON here (default benchmarks/results/)")
    parser.add_argument(
        "--markdown", type=Path, nargs="+", metavar="JSON", help="print the README tables of saved runs"
    )
    args = parser.parse_args()
    if args.markdown:
        print(markdown(args.markdown))
        return 0
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.pairs = args.pairs or (5 if args.quick else 10)
    args.years = args.years or ([1, 10] if args.quick else [1, 10, 50])
    args.large_runs = args.large_runs or (1 if args.quick else 3)
    if args.quick:
        args.warmup = min(args.warmup, 1)

    started = time.time()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    scratch = Path(tempfile.mkdtemp(prefix="backcare-bench-"))
    try:
        bench = Bench(scratch, args)
        print(f"load before: {os.getloadavg()}", flush=True)
        print("building a 10-year home through `backcare import` ...", flush=True)
        template, _, _ = bench.home_from_years(10)
        bench.bc(template, "safety", "--none")
        bench.bc(template, "checkin", "--pain", "3", "--stiffness", "4")
        routine_home = scratch / "home-routine"
        shutil.copytree(template, routine_home)
        bench.bc(routine_home, "routine", "import", str(ROUTINE))
        bench.bc(routine_home, "today")
        print("daily commands (median ms; ratio to python -c pass and to the one-command Typer app, q1-q3):")
        for name in DAILY:
            if args.only and not any(o in name for o in args.only):
                continue
            bench.daily(name, template, routine_home)
        if not args.no_large:
            print("large histories:")
            for years in args.years:
                bench.large(years)
        results = bench.results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print("\ntargets:")
    failed = 0
    for name, text, ok in verdicts(results):
        failed += not ok
        print(f"  {'PASS' if ok else 'FAIL'}  {name:38} {text}")
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "load_after": os.getloadavg(),
        "python": platform.python_version(),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "commit": commit.stdout.strip(),  # when the run started
        "args": {k: v for k, v in vars(args).items() if k != "out"},
    }
    out = args.out or ROOT / "benchmarks" / "results" / f"{time.strftime('%Y%m%d-%H%M%S')}-{platform.node()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, **results}, indent=1), encoding="utf-8")
    print(f"\n{meta['seconds']} s; load after {meta['load_after']}; every run written to {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
