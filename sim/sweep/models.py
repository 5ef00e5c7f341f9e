"""What one run computes, by model name: the wijkteam model, and test responses.

Every model takes (base scenario data, run spec as dict, outcomes to keep) and returns
(summary outcomes, weekly series). The test responses (`ishigami`, `raises_above`) let
the engine be checked against functions with known answers; `dies_once` kills its
worker, to check that Dask retries the run elsewhere.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd


def wijkteam(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """Simulate the scenario with the run's overrides; summary = mean weekly value per outcome.

    Run-level metrics come from the case table, and so do the case flows (sim.flows) when asked for.
    """
    from sim.flows import FLOW_OUTCOMES, flow_outcomes
    from sim.run import simulate
    from sim.scenario import parse, with_overrides
    from sim.tables import RUN_METRICS, run_metric

    scenario = with_overrides(parse(base, "<job base scenario>"), **spec["overrides"])
    result = simulate(scenario, design=spec["design"], seed=spec["seed"])
    totals = result.totals
    weekly_names = [name for name in outcomes if name not in RUN_METRICS and name not in FLOW_OUTCOMES]
    summary = {name: float(totals[name].mean()) for name in weekly_names}
    summary.update({name: run_metric(name, result.cases, scenario.meta.weeks) for name in outcomes
                    if name in RUN_METRICS})
    if any(name in FLOW_OUTCOMES for name in outcomes):
        summary.update(flow_outcomes(result.cases, scenario.meta.weeks))
    return summary, totals[["week", *weekly_names]].copy()


def wijkteam_reference(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """The same run on the pure-Mesa reference engine (small populations only)."""
    from sim.reference.model import ReferenceModel
    from sim.scenario import parse, with_overrides

    scenario = with_overrides(parse(base, "<job base scenario>"), **spec["overrides"])
    totals = ReferenceModel(scenario, design=spec["design"], seed=spec["seed"]).run()
    return {name: float(totals[name].mean()) for name in outcomes}, totals[["week", *outcomes]].copy()


def wijkteam_observables(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], None]:
    """Simulate the scenario with the run's overrides; summary = the named calibration observables."""
    from sim.calibrate.observables import compute, run_data
    from sim.run import simulate
    from sim.scenario import parse, with_overrides

    scenario = with_overrides(parse(base, "<job base scenario>"), **spec["overrides"])
    result = simulate(scenario, design=spec["design"], seed=spec["seed"])
    return compute(outcomes, run_data(result, scenario)), None


def ishigami(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """The Ishigami function of x1, x2, x3 (a = 7, b = 0.1): known Sobol indices."""
    x = spec["overrides"]
    y = math.sin(x["x1"]) + 7.0 * math.sin(x["x2"]) ** 2 + 0.1 * x["x3"] ** 4 * math.sin(x["x1"])
    return {"y": y}, pd.DataFrame({"week": [0], "y": [y]})


def raises_above(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """Return x, but raise for x above 0.5 (checks that failures are recorded)."""
    x = spec["overrides"]["x"]
    if x > 0.5:
        raise ValueError(f"x = {x} is above 0.5")
    return {"y": x}, pd.DataFrame({"week": [0], "y": [x]})


def dies_once(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """Kill the worker process the first time each run is tried (checks retries after worker death).

    The marker folder comes from WIJKTEAM_TEST_MARKERS, set by the test before the cluster starts.
    """
    marker = Path(os.environ["WIJKTEAM_TEST_MARKERS"]) / f"{spec['point']}-{spec['replication']}"
    if not marker.exists():
        marker.touch()
        os._exit(1)
    x = spec["overrides"]["x"]
    return {"y": x}, pd.DataFrame({"week": [0], "y": [x]})


MODELS = {"wijkteam": wijkteam, "wijkteam_reference": wijkteam_reference, "wijkteam_observables": wijkteam_observables,
          "ishigami": ishigami,
          "raises_above": raises_above, "dies_once": dies_once}
