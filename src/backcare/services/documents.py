"""Which document format a command writes (html, md or pdf): from --format, or else from -o's extension.

One rule for the report and the routine hand-out: an extension that says none of them is refused unless the
format is given. PDF needs the optional `pdf` extra (reportlab), checked before anything is read or written.
"""

from __future__ import annotations

from pathlib import Path

from backcare.errors import InvalidInput

FORMATS = ("html", "md", "pdf")
EXTENSIONS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf"}
PDF_MISSING = (
    "Writing PDF needs the optional PDF support: install it with pip install 'backcare[pdf]' "
    "(or write HTML with --format html and print it to PDF from a browser)."
)


def choose_format(fmt: str | None, output: str | None) -> str:
    """html, md or pdf, from --format or else -o's extension. Raises InvalidInput (exit 2) for an unknown
    format, or an extension that says none of them when --format is not given."""
    choice = (fmt or "").strip().lower() or None
    if choice == "markdown":
        choice = "md"
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    if choice is not None:
        if choice not in FORMATS:
            raise InvalidInput(f"--format must be html, md or pdf, not {fmt!r}.")
        return choice
    if not suffix:
        return "html"
    if suffix not in EXTENSIONS:
        raise InvalidInput(
            f"-o {output} does not end in .html, .md or .pdf: give --format html, md or pdf to write it anyway."
        )
    return EXTENSIONS[suffix]


def pdf_support(output: str | None = None) -> None:
    """Raise InvalidInput (exit 2) for PDF to a terminal, BackcareError (exit 1) with one sentence when the
    optional PDF library is not installed."""
    import importlib.util
    import sys

    from backcare.errors import BackcareError

    if output == "-" and sys.stdout.isatty():
        raise InvalidInput("A PDF is not for the terminal: give a file name with -o, or send it to a file (> x.pdf).")

    try:
        found = importlib.util.find_spec("reportlab") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise BackcareError(PDF_MISSING)
