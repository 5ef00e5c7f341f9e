"""The municipality report: one self-contained HTML page from the results of any command.

`build(results)` returns the page, `write(results, out)` writes it (default: inside the
results folder, `report.html` in Dutch, `report-en.html` in English). Figures and labels
live in sim.report.figures and sim.report.labels (the workshop app uses them too).
"""

from __future__ import annotations

from pathlib import Path

from sim.report.results import ReportError, read

__all__ = ["ReportError", "build", "default_out", "write"]


def build(results: Path, lang: str = "nl") -> str:
    """The report of a results folder (run, runs per design, compare, audit or sweep) as HTML."""
    from sim.report.labels import LANGS
    from sim.report.sections import build_page

    if lang not in LANGS:
        raise ReportError([f"--lang {lang!r}: allowed: {', '.join(LANGS)}"])
    return build_page(read(results), lang)


def default_out(results: Path, lang: str = "nl") -> Path:
    """Where the report goes by default: inside the results folder."""
    return Path(results) / ("report.html" if lang == "nl" else f"report-{lang}.html")


def write(results: Path, out: Path | None = None, lang: str = "nl") -> Path:
    """Build the report and write it atomically; returns its path."""
    from sim.output import write_text

    page = build(Path(results), lang)
    out = Path(out) if out is not None else default_out(Path(results), lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text(out, page)
    return out
