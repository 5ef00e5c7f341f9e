"""Write a calibrated scenario: the original file with only the free values changed.

tomlkit keeps every comment and the layout. Each changed value keeps its assumption comment
and its calibrate range, and gains `; calibrated: <when>, <job>, loss <before> -> <after>`
(replacing the note of any earlier calibration).
"""

from __future__ import annotations

from pathlib import Path

import tomlkit

from sim.calibrate.space import STALE, Free


def _set(doc: tomlkit.TOMLDocument, free: Free, value: object, note: str) -> None:
    """Replace one value in the document, keeping its comment and adding the calibration note."""
    *parents, leaf = free.path.split(".")
    table = doc
    for part in parents:
        table = table[part]
    old = table[leaf]
    comment = STALE.sub("", old.trivia.comment.lstrip("#").strip())
    item = tomlkit.item(value)
    item.comment(f"{comment}; calibrated: {note}")
    item.trivia.comment_ws = old.trivia.comment_ws or "  "
    table[leaf] = item


def calibrated_text(path: str | Path, space: list[Free], point: dict[str, float], note: str) -> str:
    """The scenario file's text with every free parameter set to its value at `point`."""
    doc = tomlkit.parse(Path(path).read_text(encoding="utf-8"))
    for free in space:
        _set(doc, free, free.value(point[free.name]), note)
    return tomlkit.dumps(doc)
