"""One unit per outcome wherever people read it: the report, comparison.md, the terminal and the app.

The run tables keep the kernel's units: costs in EUR per week for the whole municipality, shares
as 0-1. People read costs per resident per year and shares in per cent (their differences in
percentage points). `shown(name, population)` gives the factor from the one to the other.
"""

from __future__ import annotations

from dataclasses import dataclass

WEEKS_PER_YEAR = 52.0
COST, PERCENT = "cost", "percent"  # the kinds of shown unit; "" is the outcome's own unit
UNIT_EN = {COST: "EUR per resident per year", PERCENT: "%"}


@dataclass(frozen=True)
class Shown:
    """How an outcome is shown: the factor on its table value, and the kind of unit it is then in."""

    factor: float
    kind: str


def is_share(name: str) -> bool:
    """Whether an outcome is a share of 0-1 (shown in per cent)."""
    return name.endswith("_share") or name.startswith("prevalence_")


def shown(name: str, population: float) -> Shown:
    """The factor and unit kind an outcome is shown in (costs per resident per year, shares in per cent)."""
    if name == "cost_per_resident":
        return Shown(WEEKS_PER_YEAR, COST)
    if name.startswith("cost_"):
        return Shown(WEEKS_PER_YEAR / population, COST)
    if is_share(name):
        return Shown(100.0, PERCENT)
    return Shown(1.0, "")
