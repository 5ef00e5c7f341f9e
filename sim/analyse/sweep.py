"""A sweep job folder read for analysis: the experiment, its sample and its finished runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from sim.errors import ProblemsError
from sim.scenario import Scenario, ScenarioError, format_errors, parse
from sim.sweep.experiment import Experiment, point_overrides
from sim.sweep.spec import canonical
from sim.sweep.store import DamagedJob, JobStore


class AnalyseError(ProblemsError):
    """A job folder or request that cannot be analysed; `problems` holds one line per problem."""


@dataclass(frozen=True)
class Sweep:
    """A sweep job: its folder, experiment, base scenario and runs (ok runs only)."""

    folder: Path
    experiment: Experiment
    base: Scenario | None
    runs: pd.DataFrame
    failed: int

    @property
    def parameters(self) -> list[str]:
        """The varied parameters' dotted paths, in experiment order."""
        return [p.path for p in self.experiment.parameters]

    @property
    def designs(self) -> list[str]:
        """The designs with finished runs, in the experiment's order."""
        present = set(self.runs["design"])
        return [d for d in self.experiment.designs or [] if d in present] or sorted(present)


def load_sweep(folder: str | Path) -> Sweep:
    """Read job.json and runs.parquet of a `wijkteam sweep` job folder."""
    folder = Path(folder)
    manifest_path = folder / "job.json"
    if not manifest_path.is_file():
        raise AnalyseError([f"{folder}: no job.json: not a job folder (run `wijkteam sweep` first)"])
    try:
        job = JobStore(folder).manifest()["job"]
    except DamagedJob as err:
        raise AnalyseError(err.problems) from None
    if not isinstance(job, dict) or "experiment" not in job:
        raise AnalyseError([f"{manifest_path}: job.experiment: missing: not a sweep job (compare, audit and "
                            "EMA job folders have no experiment to analyse)"])
    try:
        exp = Experiment.model_validate(job["experiment"])
    except ValidationError as err:
        raise AnalyseError(format_errors(f"{manifest_path}: job.experiment", err)) from None
    try:
        base = parse(job["base_scenario"], f"{manifest_path}: job.base_scenario") if job.get("base_scenario") else None
    except ScenarioError as err:
        raise AnalyseError(err.problems) from None
    runs_path = folder / "runs.parquet"
    if not runs_path.is_file():
        raise AnalyseError([f"{folder}: no runs.parquet: the sweep has not finished a run yet"])
    try:
        runs = pd.read_parquet(runs_path)
    except (OSError, ValueError) as err:
        raise AnalyseError([f"{runs_path}: damaged ({str(err)[:80]}); delete it and run the sweep again, "
                            "which writes it anew from the finished runs"]) from None
    ok = runs[runs["status"] == "ok"].reset_index(drop=True)
    if ok.empty:
        raise AnalyseError([f"{runs_path}: no run finished successfully; nothing to analyse"])
    return Sweep(folder, exp, base, ok, int((runs["status"] != "ok").sum()))


def require_sampler(sweep: Sweep, sampler: str, method: str) -> None:
    """Refuse a method whose estimator needs another sampling design."""
    if sweep.experiment.sampler != sampler:
        raise AnalyseError([f"{sweep.folder}: --method {method} needs a sweep sampled with sampler "
                            f"'{sampler}'; this sweep's sampler is '{sweep.experiment.sampler}'. "
                            "Use --method features or prim, or run an experiment with "
                            f"sampler = \"{sampler}\"."])


def check_outcomes(sweep: Sweep, outcomes: list[str]) -> None:
    """Refuse outcomes the sweep did not keep."""
    kept = sweep.experiment.outcomes
    bad = [name for name in outcomes if name not in kept]
    if bad:
        raise AnalyseError([f"{sweep.folder}: --outcome {name!r}: not kept by this sweep; allowed: "
                            + ", ".join(kept) for name in bad])


def point_means(sweep: Sweep, outcome: str, design: str) -> np.ndarray:
    """The outcome at every sample row, averaged over the point's replications, in sample order.

    Rows that repeat a point (Morris trajectories) get that point's value again. A point
    without a finished run is an error: the estimators need every row.
    """
    runs = sweep.runs[sweep.runs["design"] == design]
    keys = [_key(o) for o in runs[sweep.parameters].to_dict("records")]
    means = runs[outcome].groupby(np.array(keys, dtype=object)).mean()
    rows = [_key(o) for o in point_overrides(sweep.experiment, sweep.base)]
    missing = sorted({k for k in rows if k not in means.index})
    if missing:
        raise AnalyseError([f"{sweep.folder}: design {design!r}: {len(missing)} of {len(set(rows))} sample points "
                            f"have no finished run ({sweep.failed} runs failed); run the sweep again to "
                            "finish them (if none is left, the sample could not be rebuilt: another SALib "
                            "version?)"])
    return means.loc[rows].to_numpy(dtype=float)


def undefined(problem: dict, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """NaN indices for an outcome that did not vary over the sample (no variance to apportion)."""
    return {key: np.full(problem["num_vars"], np.nan) for key in keys}


def _key(overrides: dict) -> str:
    """A point's identity: its parameter values as canonical JSON (ints stay ints)."""
    return canonical({k: (v.item() if isinstance(v, np.generic) else v) for k, v in overrides.items()})
