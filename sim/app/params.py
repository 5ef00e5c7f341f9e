"""Sliders of the app: which parameters, and their ranges read from the scenario schema.

A slider's range is the field's declared bounds (pydantic Field ge/gt/le). A field that is
open-ended in the schema (an upper bound of 10^6 or more, such as an assumption's expected
size) gets a slider up to four times its current value. Every value a slider sets is
validated again on the server by sim.scenario.with_overrides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.dotted import field_info, lookup
from sim.scenario import Scenario

OPEN_ENDED = 1e6
OPEN_FACTOR = 4.0

SCENARIO_PARAMS = {  # dotted path: slider step
    "residents.help_seeking_mean": 0.05,
    "residents.care_avoider_share": 0.01,
    "signals.self_report_per_week": 0.001,
    "signals.outreach_per_hour_per_1000": 0.0005,
    "informal.hours_per_carer": 0.5,
    "informal.volunteer_hours_per_1000": 1.0,
}
DESIGN_PARAMS = {  # field of designs.<name>: slider step
    "fte_per_10k": 0.5,
    "outreach_share": 0.01,
    "caseload_cap": 1,
    "referral_threshold": 0.01,
    "mandate_delay_weeks": 1,
    "welfare_hours_per_1000": 1.0,
}
ASSUMPTION_STEP = 0.01
RUN_PATHS = ("meta.weeks", "meta.burn_in_weeks", "meta.seed")  # set by number fields, not sliders


@dataclass(frozen=True)
class Slider:
    """One slider: the dotted path it overrides, its range and step, and the scenario's value."""

    path: str
    low: float
    high: float
    step: float
    value: float
    integer: bool


def field_bounds(path: str) -> tuple[float | None, float | None, bool]:
    """The declared (lower, upper, lower-is-exclusive) bounds of the field at a dotted path."""
    info = field_info(Scenario, path)
    if info is None:
        raise KeyError(f"{path}: not a parameter of the scenario")
    low = high = None
    exclusive = False
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            low = meta.ge
        if getattr(meta, "gt", None) is not None:
            low, exclusive = meta.gt, True
        if getattr(meta, "le", None) is not None:
            high = meta.le
    return low, high, exclusive


def slider(scenario: Scenario, path: str, step: float) -> Slider:
    """A slider for one parameter, its range from the schema."""
    low, high, exclusive = field_bounds(path)
    value = lookup(scenario.model_dump(mode="json"), path)
    if low is None or high is None:
        raise ValueError(f"{path}: the schema declares no range; not a slider parameter")
    if exclusive:
        low += step
    if high >= OPEN_ENDED:
        high = max(OPEN_FACTOR * value, 100 * step)
    return Slider(path, float(low), float(high), step, value, isinstance(value, int) and not isinstance(value, bool))


def scenario_sliders(scenario: Scenario) -> list[Slider]:
    """Sliders for the municipality-wide parameters."""
    return [slider(scenario, path, step) for path, step in SCENARIO_PARAMS.items()]


def design_sliders(scenario: Scenario, design: str) -> list[Slider]:
    """Sliders for the key parameters of one design."""
    return [slider(scenario, f"designs.{design}.{key}", step) for key, step in DESIGN_PARAMS.items()]


def change_sliders(scenario: Scenario) -> list[Slider]:
    """Per scheduled change: a slider for its week, and for a number one for its value in its field's range.

    So a workshop tries the same change a year later, or two FTE instead of three. A value's slider
    ends at four times the change's value (or a hundred steps) where the field allows more.
    """
    out = []
    for k, c in enumerate(scenario.changes):
        out.append(Slider(f"changes.{k}.week", 0.0, float(scenario.meta.weeks - 1), 1, c.week, True))
        if isinstance(c.value, bool) or not isinstance(c.value, int | float):
            continue
        try:
            low, high, exclusive = field_bounds(c.path)
        except KeyError:  # an item of a list: its bounds are the list's items', not a field's
            continue
        if low is None or high is None:
            continue
        key = c.path.rsplit(".", 1)[-1]
        step = DESIGN_PARAMS.get(key) or SCENARIO_PARAMS.get(c.path) or 10.0 ** (math.floor(math.log10(
            max(abs(c.value), 1e-9))) - 1)
        if isinstance(c.value, int):
            step = max(1, round(step))
        high = min(high, max(OPEN_FACTOR * abs(c.value), 100 * step))  # a range a slider can be moved in
        out.append(Slider(f"changes.{k}.value", float(low + step if exclusive else low), float(high), step, c.value,
                          isinstance(c.value, int)))
    return out


def undated(overrides: dict[str, object]) -> dict[str, object]:
    """Overrides with the date of each change whose week a slider moved cleared (else the two would disagree)."""
    extra = {f"{path.removesuffix('.week')}.date": None for path in overrides
             if path.startswith("changes.") and path.endswith(".week")}
    return {**overrides, **extra}


def assumptions_between(scenario: Scenario, designs: list[str]) -> list[int]:
    """Indices of the beleidstafel assumptions that compare two of the given designs."""
    return [k for k, a in enumerate(scenario.assumptions) if a.design in designs and a.baseline in designs]


def assumption_sliders(scenario: Scenario, designs: list[str]) -> list[Slider]:
    """Sliders for the expected size of each assumption that compares the chosen designs."""
    return [slider(scenario, f"assumptions.{k}.size", ASSUMPTION_STEP) for k in assumptions_between(scenario, designs)]


def all_sliders(scenario: Scenario) -> list[Slider]:
    """Every slider the page can show for this scenario: municipality, each design, each assumption."""
    out = scenario_sliders(scenario)
    for design in scenario.designs:
        out += design_sliders(scenario, design)
    return out + [slider(scenario, f"assumptions.{k}.size", ASSUMPTION_STEP) for k in range(len(scenario.assumptions))]


def best_pair(scenario: Scenario) -> list[str]:
    """Two designs to show first: the pair most assumptions compare, else the first two designs."""
    names = list(scenario.designs)
    counts: dict[tuple[str, str], int] = {}
    for a in scenario.assumptions:
        counts[(a.baseline, a.design)] = counts.get((a.baseline, a.design), 0) + 1
    if counts:
        return list(max(counts, key=counts.get))
    return (names * 2)[:2]
