"""The calibration space: the scenario parameters marked free, with their ranges.

A parameter is free when its provenance comment is an assumption that carries a range:

    growth_per_week = 0.015  # assumption: ...; calibrate: [0.005, 0.04]
    onset_per_1000_per_year = [120.0, 45.0, 8.0, 0.0, 0.0]  # assumption: ...; calibrate: scale [0.5, 4]

`calibrate: [low, high]` searches the value itself; `calibrate: scale [low, high]` searches a
factor that multiplies every item of a numeric array (the shape of the array stays as
written). Sourced values (`# source:`) are never free: a range on them is an error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from sim.dotted import lookup
from sim.errors import ProblemsError
from sim.provenance import entries
from sim.scenario import Scenario

NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
MARK = re.compile(rf"calibrate:\s*(scale\s+)?\[\s*({NUM})\s*,\s*({NUM})\s*\]")
STALE = re.compile(r"\s*;\s*calibrated:.*?(?=;\s*calibrate:|$)")  # a calibration note, up to a later range


class SpaceError(ProblemsError):
    """The scenario's calibration marks cannot be used; `problems` holds one line per problem."""


@dataclass(frozen=True)
class Free:
    """One free parameter: dotted path, search range, and whether the range is a scale factor."""

    path: str
    low: float
    high: float
    scale: bool
    base: tuple[float, ...] | float  # the value as written (an array for scale parameters)

    @property
    def name(self) -> str:
        """The search dimension's name: the path, with `*scale` for a factor."""
        return f"{self.path}*scale" if self.scale else self.path

    def overrides(self, x: float) -> dict[str, float]:
        """The scenario overrides (dotted paths, array items by index) for search value x."""
        if not self.scale:
            return {self.path: _plain(x, self.base)}
        return {f"{self.path}.{k}": v * x for k, v in enumerate(self.base)}

    def value(self, x: float) -> float | list[float]:
        """The parameter's new value for search value x (rounded to 4 significant digits)."""
        if not self.scale:
            return _plain(_round(x), self.base)
        return [_round(v * x) for v in self.base]


def _round(x: float) -> float:
    """The value x to 4 significant digits (calibrated values are not more precise than that)."""
    return float(f"{x:.4g}")


def _plain(x: float, base: object) -> float | int:
    """The value x as the type of the written value: integers stay integers."""
    return round(x) if isinstance(base, int) and not isinstance(base, bool) else x


def free_parameters(path: str | Path, scenario: Scenario) -> list[Free]:
    """Every parameter of the scenario file marked free, in file order; SpaceError on bad marks."""
    data = scenario.model_dump(mode="json")
    found, problems = [], []
    for entry in entries(path):
        mark = MARK.search(entry.text)
        if not mark:
            continue
        where = f"{path}: {entry.path}"
        scale, low, high = bool(mark.group(1)), float(mark.group(2)), float(mark.group(3))
        if entry.kind != "assumption":
            problems.append(f"{where}: calibrate range on a {entry.kind} value; allowed only on '# assumption:' lines")
            continue
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            problems.append(f"{where}: calibrate range [{low}, {high}]: allowed: finite low < high")
            continue
        try:
            base = lookup(data, entry.path)
        except KeyError:
            problems.append(f"{where}: not a numeric parameter of the scenario")
            continue
        problem = _check_base(where, base, scale)
        if problem:
            problems.append(problem)
            continue
        free = Free(entry.path, low, high, scale, tuple(base) if scale else base)
        problem = _check_ends(where, scenario, free)
        if problem:
            problems.append(problem)
            continue
        found.append(free)
    if problems:
        raise SpaceError(problems)
    return found


def _check_base(where: str, base: object, scale: bool) -> str:
    """A problem line when the written value does not fit the kind of range, else ''."""
    numeric = (int, float)
    if scale and not (isinstance(base, list) and base and all(isinstance(v, numeric) for v in base)):
        return f"{where}: 'calibrate: scale [..]' needs an array of numbers"
    if not scale and (isinstance(base, bool) or not isinstance(base, numeric)):
        return f"{where}: 'calibrate: [..]' needs a number (use 'scale [..]' for an array)"
    return ""


def _check_ends(where: str, scenario: Scenario, free: Free) -> str:
    """A problem line when either end of the range makes an invalid scenario, else ''."""
    from sim.scenario import ScenarioError, with_overrides

    for end in (free.low, free.high):
        try:
            with_overrides(scenario, **free.overrides(end))
        except ScenarioError as err:
            detail = err.problems[0].removeprefix("<overrides>: ")
            return f"{where}: calibrate range end {end:g} gives an invalid scenario: {detail}"
    return ""


def overrides(space: list[Free], point: dict[str, float]) -> dict[str, float]:
    """All scenario overrides of a search point (by dimension name)."""
    out: dict[str, float] = {}
    for free in space:
        out.update(free.overrides(point[free.name]))
    return out
