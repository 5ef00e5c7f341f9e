"""Run one scenario under one design and collect its tables (the `run` command's core)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.model import WijkteamModel
from sim.scenario import Scenario, with_overrides
from sim.tables import derive, totals


@dataclass
class RunResult:
    """The three tables of one run, plus the model for inspection."""

    model: WijkteamModel
    by_neighbourhood: pd.DataFrame
    totals: pd.DataFrame
    cases: pd.DataFrame


def simulate(scenario: Scenario, design: str | None = None, seed: int | None = None,
             weeks: int | None = None, progress=None) -> RunResult:
    """Run burn-in plus the recorded weeks and return the tables."""
    if weeks is not None:
        scenario = with_overrides(scenario, **{"meta.weeks": weeks})
    model = WijkteamModel(scenario, design=design, seed=seed)
    model.run(progress)
    return result(model)


def weekly_tables(model: WijkteamModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-neighbourhood and total weekly tables of the weeks recorded so far."""
    by_nbh = derive(model.recorder.neighbourhood_table())
    return by_nbh, totals(by_nbh, model.recorder.totals_extra)


def result(model: WijkteamModel) -> RunResult:
    """The tables of a model that has run (the app streams `weekly_tables` while it runs)."""
    by_nbh, total = weekly_tables(model)
    return RunResult(model, by_nbh, total, model.recorder.cases_table())
