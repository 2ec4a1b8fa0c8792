"""docs/cli.md is generated from --help; it must match the commands as they are."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_cli_reference_is_up_to_date():
    spec = importlib.util.spec_from_file_location("generate_cli_docs", DOCS / "generate_cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run python docs/generate_cli_docs.py"
    )
    for title, text in module.help_pages():
        assert text.startswith("Usage:"), title
