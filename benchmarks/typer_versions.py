#!/usr/bin/env python
"""Start-up cost of `import typer` across Typer releases, each in its own throwaway venv under /tmp.

    python benchmarks/typer_versions.py --make          # create /tmp/typer0.26 ... /tmp/typer0.29 and pip install
    python benchmarks/typer_versions.py [--runs 15]     # time them

Explains the `typer>=0.26,<0.29` pin in pyproject.toml. Needs PyPI (only for --make).
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

SERIES = {
    "0.26": "typer>=0.26,<0.27",
    "0.27": "typer>=0.27,<0.28",
    "0.28": "typer==0.28.0",
    "0.29": "typer>=0.29,<0.30",
}

TINY_APP = """
import typer
app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
@app.command()
def main(pain: int = typer.Option(3), stiffness: int = typer.Option(4)) -> None:
    pass
if __name__ == "__main__":
    app()
"""

# After running the tiny app once: is pydantic (or rich) in memory?
RUN_PROBE = (
    "import json, sys, runpy\n"
    "sys.argv = ['tiny', '--pain', '3']\n"
    "try:\n    runpy.run_path({path!r}, run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print(json.dumps({{'pydantic_after_run': 'pydantic' in sys.modules, 'rich_after_run': 'rich' in sys.modules}}))\n"
)

PROBE = (
    "import json, sys, typer\n"
    "try:\n    import click\n    standalone = click.__file__\nexcept ImportError:\n    standalone = None\n"
    "print(json.dumps({'version': typer.__version__, 'pydantic_loaded': 'pydantic' in sys.modules,"
    " 'rich_loaded': 'rich' in sys.modules, 'click_importable': standalone is not None}))\n"
)


def median_ms(argv: list[str], runs: int, warmup: int = 2) -> tuple[float, float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for i in range(warmup + runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1), round(min(times), 1), round(max(times), 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--make", action="store_true", help="create the venvs and install each Typer series")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--prefix", default="/tmp/typer", help="venv path prefix (default /tmp/typer -> /tmp/typer0.28)")
    opts = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        app_file = Path(tmp) / "tiny_app.py"
        app_file.write_text(TINY_APP)
        for series, spec in SERIES.items():
            venv = Path(f"{opts.prefix}{series}")
            py = venv / "bin" / "python"
            if opts.make and not py.exists():
                subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            if opts.make:
                subprocess.run([str(py), "-m", "pip", "install", "-q", spec], check=True)
            if not py.exists():
                print(f"{series}: no venv at {venv} (run with --make)")
                continue
            info = json.loads(subprocess.run([str(py), "-c", PROBE], capture_output=True, text=True, check=True).stdout)
            info.update(
                json.loads(
                    subprocess.run(
                        [str(py), "-c", RUN_PROBE.format(path=str(app_file))],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                )
            )
            base = median_ms([str(py), "-c", "pass"], opts.runs)
            imp = median_ms([str(py), "-c", "import typer"], opts.runs)
            tiny = median_ms([str(py), str(app_file), "--pain", "3"], opts.runs)
            row = {"series": series, **info, "pass_ms": base, "import_typer_ms": imp, "tiny_app_ms": tiny}
            results.append(row)
            print(
                f"typer {info['version']:8}  python -c pass {base[0]:6.1f} ms   import typer {imp[0]:6.1f} ms "
                f"(min {imp[1]}, max {imp[2]}; +{imp[0] - base[0]:.1f} ms)   one-command app {tiny[0]:6.1f} ms   "
                f"pydantic after import/after run: {info['pydantic_loaded']}/{info['pydantic_after_run']}   "
                f"rich: {info['rich_loaded']}/{info['rich_after_run']}   "
                f"standalone click: {info['click_importable']}",
                flush=True,
            )
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
