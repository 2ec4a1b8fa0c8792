"""A clinic's panel at scale: N simulated patients with a year each are synced to a local indexed FHIR
store, then `backcare clinic panel --json` runs as its own process and is timed.

    python benchmarks/clinic_scale.py [--patients 100] [--days 365]

Run from the repository root with backcare and its test extra installed (it reuses the tests' journey
filler and indexed FHIR store). It prints the figures recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_clinic_scale import run_panel  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backcare-clinic-") as tmp:
        figures = run_panel(Path(tmp), patients=args.patients, days=args.days)
    print(
        f"{args.patients} patients x {args.days} days: {figures['resources']} resources; "
        f"filled and synced in {figures['synced']:.0f} s; 'clinic panel' took {figures['panel']:.1f} s"
    )


if __name__ == "__main__":
    main()
