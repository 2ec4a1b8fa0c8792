"""Which document format a command writes (html or md): from --format, or else from -o's extension.

One rule for the report and the routine hand-out: an extension that says neither is refused unless the format
is given, and PDF gets advice instead of HTML under a .pdf name.
"""

from __future__ import annotations

from pathlib import Path

from backcare.errors import InvalidInput

FORMATS = ("html", "md")
EXTENSIONS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
PDF_ADVICE = (
    "backcare does not write PDF itself: write HTML (for example -o report.html), open it in a browser and "
    "print it to PDF from there."
)


def choose_format(fmt: str | None, output: str | None) -> str:
    """html or md, from --format or else -o's extension. Raises InvalidInput (exit 2) for PDF, an unknown
    format, or an extension that says neither when --format is not given."""
    choice = (fmt or "").strip().lower() or None
    if choice == "markdown":
        choice = "md"
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    if choice == "pdf" or (choice is None and suffix == ".pdf"):
        raise InvalidInput(PDF_ADVICE)
    if choice is not None:
        if choice not in FORMATS:
            raise InvalidInput(f"--format must be html or md, not {fmt!r}.")
        return choice
    if not suffix:
        return "html"
    if suffix not in EXTENSIONS:
        raise InvalidInput(
            f"-o {output} does not end in .html or .md: give --format html or --format md to write it anyway."
        )
    return EXTENSIONS[suffix]
