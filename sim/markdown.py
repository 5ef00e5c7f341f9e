"""Markdown pipe tables: the one writer behind every table printed or written as Markdown."""

from __future__ import annotations

from collections.abc import Iterable


def _line(cells: Iterable[str]) -> str:
    """One table line: the cells between pipes."""
    return "| " + " | ".join(cells) + " |"


def pipe_table(head: list[str], rows: Iterable[list[str]]) -> str:
    """A GitHub Markdown table of cells already formatted: header, rule, one line per row, final newline."""
    lines = [_line(head), "|" + "---|" * len(head), *(_line(cells) for cells in rows)]
    return "\n".join(lines) + "\n"
