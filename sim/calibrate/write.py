"""Write a calibrated scenario: the original file with only the free values changed.

tomlkit keeps every comment and the layout. Each changed value keeps its assumption comment
and its calibrate range, and gains `; calibrated: <when>, <job>, loss <before> -> <after>`
(replacing the note of any earlier calibration). A scale range is divided by the factor found,
so that it still spans the same values of the array as written now: calibrating the
calibrated file searches the same space.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit

from sim.calibrate.space import MARK, STALE, Free
from sim.dotted import assign, lookup


def _rescaled(comment: str, free: Free, x: float) -> str:
    """The comment with a scale range divided by the factor x (plain ranges stay)."""
    if not free.scale:
        return comment
    return MARK.sub(f"calibrate: scale [{free.low / x:.4g}, {free.high / x:.4g}]", comment, count=1)


def _set(doc: tomlkit.TOMLDocument, free: Free, x: float, note: str) -> None:
    """Replace one value in the document, keeping its comment and adding the calibration note."""
    old = lookup(doc, free.path)
    comment = _rescaled(STALE.sub("", old.trivia.comment.lstrip("#").strip()), free, x)
    item = tomlkit.item(free.value(x))
    item.comment(f"{comment}; calibrated: {note}")
    item.trivia.comment_ws = old.trivia.comment_ws or "  "
    assign(doc, free.path, item)


def calibrated_text(path: str | Path, space: list[Free], point: dict[str, float], note: str) -> str:
    """The scenario file's text with every free parameter set to its value at `point`."""
    doc = tomlkit.parse(Path(path).read_text(encoding="utf-8"))
    for free in space:
        _set(doc, free, point[free.name], note)
    return tomlkit.dumps(doc)
