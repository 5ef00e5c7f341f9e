"""What one run computes: the registry of run models by name, and the wijkteam models it starts with.

Every model takes (base scenario data, run spec as dict, outcomes to keep) and returns
(summary outcomes, weekly series or None). The engine knows `wijkteam` and
`wijkteam_reference`; higher layers register their own (sim.calibrate registers
`wijkteam_observables`), and so do tests (response functions with known answers). An
experiment file may name only a registered model.

The registry maps a name to the model's import path, "module:function". A run spec shipped
to a worker carries that path (RunSpec.to_dict) and the worker imports it: a fresh worker
process finds a model registered in the driver only, and a name from a file never becomes
an import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

import pandas as pd


def wijkteam(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """Simulate the scenario with the run's overrides; summary = mean weekly value per outcome.

    Run-level metrics come from the case table, and so do the case flows (sim.flows) when asked for.
    """
    from sim.flows import FLOW_OUTCOMES, flow_outcomes
    from sim.run import simulate
    from sim.scenario import parse, with_overrides
    from sim.tables import RUN_METRICS, TOTALS_METRICS, outcome_values

    scenario = with_overrides(parse(base, "<job base scenario>"), **spec["overrides"])
    result = simulate(scenario, design=spec["design"], seed=spec["seed"])
    totals = result.totals
    weekly_names = [name for name in outcomes if name not in RUN_METRICS and name not in FLOW_OUTCOMES
                    and name not in TOTALS_METRICS and "@" not in name]  # a windowed outcome is no weekly column
    summary = outcome_values([name for name in outcomes if name not in FLOW_OUTCOMES], totals, result.cases,
                             scenario.meta.weeks)
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


MODELS: dict[str, str] = {name: f"{__name__}:{name}" for name in ("wijkteam", "wijkteam_reference")}


@cache
def runner(entry: str) -> Callable:
    """The model function at an import path "module:function", imported once per process."""
    module, _, function = entry.partition(":")
    return getattr(importlib.import_module(module), function)


def register(name: str, function: Callable) -> None:
    """Make a module-level function the run model `name` (registering the same function again changes nothing)."""
    path = f"{function.__module__}:{function.__qualname__}"
    try:
        found = runner(path)
    except (ImportError, AttributeError):
        found = None
    if found is not function:
        raise ValueError(f"run model {name!r}: {path} is not a module-level function a worker can import")
    if MODELS.setdefault(name, path) != path:
        raise ValueError(f"run model {name!r} is registered already, as {MODELS[name]}")


def entry(name: str) -> str:
    """The import path of a registered run model; KeyError naming the registered ones otherwise."""
    if name not in MODELS:
        raise KeyError(f"{name!r} is not a registered run model; registered: {', '.join(MODELS)}")
    return MODELS[name]
