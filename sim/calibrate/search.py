"""The calibration search: Optuna's seeded TPE sampler over the free parameters, batch by batch.

Every trial runs the same replications with the same seeds (common random numbers), so
two trials differ by their parameters and not by their luck. The loss of a trial is the sum
over the calibration targets of ((mean over replications - value) / tolerance)^2; a target
whose observable is empty (NaN, e.g. nobody waiting) adds MISSING_PENALTY. Trials are
asked in batches and their runs go to the run engine together; as the sampler is seeded
and the runs are deterministic, a rerun replays the same trials and finds their runs done.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sim.calibrate.space import Free, overrides
from sim.calibrate.targets import Target
from sim.calibrate.validate import CALIBRATION, plan
from sim.scenario import Scenario
from sim.sweep.spec import RunSpec

MISSING_PENALTY = 100.0  # an empty observable counts as 10 tolerances off


@dataclass
class Trial:
    """One evaluated point: its number, search values, mean observables and loss."""

    number: int
    point: dict[str, float]
    means: dict[str, float]
    loss: float


def loss(means: dict[str, float], targets: list[Target]) -> float:
    """Sum of squared distances to the calibration targets, in tolerances."""
    total = 0.0
    for t in targets:
        m = means.get(t.observable, math.nan)
        total += MISSING_PENALTY if math.isnan(m) else ((m - t.value) / t.tolerance) ** 2
    return total


def _sampler(seed: int, budget: int):
    """Seeded multivariate TPE; a liar for the trials still running in a batch."""
    import optuna

    startup = max(4, min(20, budget // 4))
    return optuna.samplers.TPESampler(seed=seed % 2**32, multivariate=True, constant_liar=True,
                                      n_startup_trials=startup)


def search(scenario: Scenario, space: list[Free], targets: list[Target], observables: list[str], budget: int,
           replications: int, batch: int, run_batch: Callable[[list[RunSpec]], pd.DataFrame],
           progress: Callable[[list[Trial]], None] | None = None) -> list[Trial]:
    """Evaluate `budget` trials, starting from the scenario as written; every trial, in order."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dims = {f.name: optuna.distributions.FloatDistribution(f.low, f.high) for f in space}
    study = optuna.create_study(direction="minimize", sampler=_sampler(scenario.meta.seed, budget))
    start = {f.name: (1.0 if f.scale else float(f.base)) for f in space}
    if all(f.low <= start[f.name] <= f.high for f in space):
        study.enqueue_trial(start)
    trials: list[Trial] = []
    while len(trials) < budget:
        asked = [study.ask(dims) for _ in range(min(batch, budget - len(trials)))]
        specs = [s for t in asked for s in plan(scenario, replications, CALIBRATION, t.number,
                                                overrides(space, t.params))]
        runs = run_batch(specs)
        ok = runs[runs["status"] == "ok"]
        for t in asked:
            mine = ok[ok["point"] == t.number]
            means = {name: float(mine[name].mean()) if len(mine) else math.nan for name in observables}
            value = loss(means, targets)
            study.tell(t, value)
            trials.append(Trial(t.number, dict(t.params), means, value))
        if progress is not None:
            progress(trials)
    return trials


def trials_table(trials: list[Trial], space: list[Free]) -> pd.DataFrame:
    """A row per trial: number, search values, mean observables, loss."""
    rows = [{"trial": t.number, **{f.name: t.point[f.name] for f in space}, **t.means, "loss": t.loss}
            for t in trials]
    return pd.DataFrame(rows)


def best(trials: list[Trial]) -> Trial:
    """The trial with the lowest loss (the first of equals)."""
    return min(trials, key=lambda t: (t.loss, t.number))
