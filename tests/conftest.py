"""Shared fixtures: shipped scenarios and a small, fast variant of the rural profile."""

from pathlib import Path

import pytest

from sim.scenario import Scenario, load, shipped_scenarios, with_overrides

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = shipped_scenarios()


def shrink(scenario: Scenario, factor: float, weeks: int = 52, burn_in: int = 26) -> Scenario:
    """The scenario with every neighbourhood's residents scaled by `factor` and a short run."""
    data = scenario.model_dump(mode="json")
    for nbh in data["neighbourhoods"]:
        nbh["residents"] = max(10, int(nbh["residents"] * factor))
    data["meta"]["weeks"] = weeks
    data["meta"]["burn_in_weeks"] = burn_in
    return with_overrides(Scenario.model_validate(data))


@pytest.fixture(scope="session")
def rural() -> Scenario:
    """The shipped small rural municipality."""
    return load(ROOT / "scenarios" / "kleindorp.toml")


@pytest.fixture(scope="session")
def small(rural) -> Scenario:
    """Kleindorp reduced to ~3,000 residents, 26 weeks burn-in and 52 recorded weeks.

    With staff cut to 4 FTE per 10k so that a waiting list forms (the queue tests need one).
    """
    return with_overrides(shrink(rural, 0.2), **{"designs.integraal.fte_per_10k": 4.0})
