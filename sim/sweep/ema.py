"""EMA Workbench bridge: the wijkteam model as an EMA model, and an evaluator on our run engine.

`wijkteam_model` exposes a scenario as an EMA Workbench model: uncertainties are numeric
scenario fields outside the designs, levers are numeric fields of the chosen design, each
with its range (by default the bounds the scenario schema declares; a narrower range may be
given), outcomes are run outcomes (see docs/outputs.md). `EngineEvaluator` runs the
experiments of `perform_experiments` on the run engine into a job folder, so they run on
Dask, are resumable like any other job and get the engine's seeds: a run's seed follows from
the model's seed, its parameter values and its replication. The model also runs in-process
under EMA's own `SequentialEvaluator`, with the same seeds and so the same results.
Needs the optional extra: `pip install '.[ema]'`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.paths import default_folder
from sim.scenario import Scenario, ScenarioError, format_errors, read_toml, scenario_hash
from sim.sweep.experiment import DEFAULT_OUTCOMES, ExperimentError, scaled_scenario
from sim.sweep.spec import RunSpec, run_seed

SKIPPED_TABLES = ("meta", "assumptions")  # run settings and audit claims, not model parameters


def ema_workbench():
    """The ema_workbench package, or a clear error saying how to install it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # optional back-ends it does not find
            import ema_workbench
    except ImportError:
        raise ImportError("sim.sweep.ema needs the EMA Workbench: pip install '.[ema]' "
                          "(or pip install ema_workbench)") from None
    return ema_workbench


@dataclass(frozen=True)
class SchemaParameter:
    """A numeric scenario field: dotted path, the bounds its schema declares, integer or not."""

    path: str
    low: float
    high: float
    integer: bool


def schema_parameters(scenario: Scenario) -> dict[str, SchemaParameter]:
    """Every bounded numeric field of the scenario (list items by index), by dotted path."""
    found: dict[str, SchemaParameter] = {}
    data = scenario.model_dump(mode="json")
    for name, info in Scenario.model_fields.items():
        if name not in SKIPPED_TABLES:
            _walk(info, data[name], name, found)
    return found


def _walk(info, value, path: str, found: dict[str, SchemaParameter]) -> None:
    """Collect the numeric leaves under one field (nested tables, tables by name, lists)."""
    inner = _model_in(info.annotation)
    if isinstance(value, dict) and inner is not None:
        items = value.items() if _is_mapping(info.annotation) else [(None, value)]
        for key, sub in items:
            prefix = path if key is None else f"{path}.{key}"
            for name, sub_info in inner.model_fields.items():
                _walk(sub_info, sub[name], f"{prefix}.{name}", found)
    elif isinstance(value, list) and inner is not None:
        for k, item in enumerate(value):
            for name, sub_info in inner.model_fields.items():
                _walk(sub_info, item[name], f"{path}.{k}.{name}", found)
    elif isinstance(value, list):
        bounds = _bounds(_item_metadata(info.annotation))
        for k, item in enumerate(value):
            _leaf(f"{path}.{k}", item, bounds, found)
    else:
        _leaf(path, value, _bounds(info.metadata), found)


def _leaf(path: str, value: object, bounds: tuple[float, float] | None, found: dict[str, SchemaParameter]) -> None:
    """Keep a numeric leaf with both bounds declared."""
    if bounds is not None and not isinstance(value, bool) and isinstance(value, int | float):
        found[path] = SchemaParameter(path, bounds[0], bounds[1], isinstance(value, int))


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The pydantic model in an annotation such as `Model`, `list[Model]` or `dict[str, Model]`."""
    for arg in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _is_mapping(annotation: object) -> bool:
    """Whether the annotation is a dict (tables by name, such as the designs)."""
    return getattr(annotation, "__origin__", None) is dict


def _item_metadata(annotation: object) -> list:
    """Constraints on the items of a list or tuple field."""
    found = []
    for arg in getattr(annotation, "__args__", ()):
        for meta in getattr(arg, "__metadata__", ()):
            found.extend([meta, *getattr(meta, "metadata", ())])
    return found


def _bounds(metadata: list) -> tuple[float, float] | None:
    """The closed range allowed by ge/gt/le/lt constraints (strict ends moved inwards), if both ends exist."""
    ends: dict[str, float] = {}
    for meta in metadata:
        for key in ("ge", "gt", "le", "lt"):
            if getattr(meta, key, None) is not None:
                ends[key] = float(getattr(meta, key))
    low = ends.get("ge", np.nextafter(ends["gt"], math.inf) if "gt" in ends else None)
    high = ends.get("le", np.nextafter(ends["lt"], -math.inf) if "lt" in ends else None)
    return None if low is None or high is None else (float(low), float(high))


def ema_name(path: str) -> str:
    """An EMA parameter name (a Python identifier) for a dotted path."""
    return path.replace(".", "__")


def _parameters(scenario: Scenario, ranges: dict[str, tuple[float, float] | None], design: str,
                levers: bool) -> list:
    """EMA parameters for the given paths, checked against the schema's bounds and their role."""
    ema = ema_workbench()
    known = schema_parameters(scenario)
    prefix = f"designs.{design}."
    made, problems = [], []
    for path, given in ranges.items():
        if path not in known:
            problems.append(f"{path}: not a bounded numeric parameter of the scenario")
            continue
        if levers and not path.startswith(prefix):
            problems.append(f"{path}: a lever must be a field of {prefix}* (the model's design)")
            continue
        if not levers and path.startswith("designs."):
            problems.append(f"{path}: a design field is a lever, not an uncertainty")
            continue
        par = known[path]
        low, high = given if given is not None else (par.low, par.high)
        if not par.low <= low < high <= par.high:
            problems.append(f"{path}: range [{low}, {high}]: allowed range [{par.low}, {par.high}], low below high")
            continue
        cls = ema.IntegerParameter if par.integer else ema.RealParameter
        ends = (int(math.ceil(low)), int(math.floor(high))) if par.integer else (float(low), float(high))
        made.append(cls(ema_name(path), *ends, variable_name=path))
    if problems:
        raise ValueError("\n".join(problems))
    return made


def wijkteam_model(scenario: Scenario, uncertainties: dict[str, tuple[float, float] | None],
                   levers: dict[str, tuple[float, float] | None] | None = None, design: str | None = None,
                   outcomes: list[str] | None = None, seed: int = 0, replications: int = 1, name: str = "wijkteam"):
    """The scenario as an EMA Workbench model (paths map to a range, or None for the schema's bounds)."""
    from sim.tables import known_outcomes

    design = design or scenario.meta.design
    outcomes = list(outcomes or DEFAULT_OUTCOMES)
    problems = [f"outcomes: {o!r} is not an outcome (see docs/outputs.md)" for o in outcomes
                if o not in known_outcomes()]
    if design not in scenario.designs:
        problems.append(f"design {design!r}: not a design; allowed: {', '.join(scenario.designs)}")
    if replications < 1:
        problems.append(f"replications {replications}: allowed range [1, 10000]")
    if problems:
        raise ValueError("\n".join(problems))
    model = WijkteamModel(name, scenario, design, outcomes, seed, replications)
    model.uncertainties = _parameters(scenario, uncertainties, design, levers=False)
    model.levers = _parameters(scenario, levers or {}, design, levers=True)
    model.outcomes = [ema_workbench().ScalarOutcome(o) for o in outcomes]
    return model


class LocalRuns:
    """The model's function for EMA's own evaluators: the experiment's runs, in-process."""

    def __init__(self, model: WijkteamModel):
        """Run for `model` (its scenario, design, outcomes, seed and replications)."""
        self.model = model

    def __call__(self, **values) -> dict[str, float]:
        """Run every replication at these parameter values; the outcomes' means."""
        from sim.sweep.engine import execute

        specs = self.model.run_specs(values, point=0)
        rows = [execute(self.model.base, s.to_dict(), self.model.outcome_names)[0] for s in specs]
        return mean_outcomes(rows, self.model.outcome_names)


class WijkteamModel(ema_workbench().Model):
    """An EMA Workbench model whose experiments are runs of the wijkteam model."""

    def __init__(self, name: str, scenario: Scenario, design: str, outcomes: list[str], seed: int,
                 replications: int):
        """Keep what a run needs; the parameters and outcomes are set by `wijkteam_model`."""
        super().__init__(name, function=LocalRuns(self))
        self.base = scenario.model_dump(mode="json")
        self.base_sha256 = scenario_hash(scenario)
        self.design = design
        self.outcome_names = outcomes
        self.seed = seed
        self.replication_count = replications

    def overrides(self, values: dict) -> dict[str, float | int]:
        """Scenario overrides (dotted path: value) of an experiment's values, by name or by path."""
        out = {}
        for par in [*self.uncertainties, *self.levers]:
            path = par.variable_name[0]
            if par.name not in values and path not in values:
                continue  # not sampled (no policies): the scenario's own value
            value = values[par.name] if par.name in values else values[path]
            out[path] = int(value) if isinstance(par, ema_workbench().IntegerParameter) else float(value)
        out.update({c.variable_name[0]: c.value for c in self.constants})  # fixed values, by dotted path
        return out

    def run_specs(self, values: dict, point: int) -> list[RunSpec]:
        """The runs of one experiment: one per replication, with the engine's seeds."""
        overrides = self.overrides(values)
        return [RunSpec(point, r, self.design, overrides, run_seed(self.seed, overrides, r), "wijkteam")
                for r in range(self.replication_count)]


def mean_outcomes(rows: list[dict], outcomes: list[str]) -> dict[str, float]:
    """Each outcome's mean over the runs of an experiment (NaN if one of them failed)."""
    ok = all(r["status"] == "ok" for r in rows)
    return {o: float(np.mean([r[o] for r in rows])) if ok else math.nan for o in outcomes}


class EngineEvaluator(ema_workbench().em_framework.evaluators.BaseEvaluator):
    """Runs EMA experiments on the run engine into a job folder (resumable; Dask or in-process)."""

    def __init__(self, models, folder: str | Path, workers: int | None = None, scheduler: str | None = None,
                 progress: bool = True):
        """Evaluate `models` (wijkteam models of one scenario and outcomes) into the job folder."""
        super().__init__(models)
        firsts = {(m.base_sha256, tuple(m.outcome_names), m.seed) for m in self._msis}
        if len(firsts) != 1 or not all(isinstance(m, WijkteamModel) for m in self._msis):
            raise ValueError("EngineEvaluator: every model must be a wijkteam_model of the same scenario, "
                             "outcomes and seed (one job folder holds one base scenario)")
        self.folder, self.workers, self.scheduler, self.progress = Path(folder), workers, scheduler, progress
        self.report = None

    def initialize(self) -> None:
        """Nothing to start: the engine starts (and stops) its Dask cluster per batch."""

    def finalize(self) -> None:
        """Nothing to stop."""

    def evaluate_experiments(self, experiments, callback, **kwargs) -> None:
        """Run every experiment's runs in one engine job, then hand each experiment its outcomes."""
        from sim.sweep.engine import run_job
        from sim.sweep.store import JobStore

        models = {m.name: m for m in self._msis}
        planned = []
        for exp in experiments:
            model = models[exp.model_name]
            values = {**dict(exp.scenario.items()), **dict(exp.policy.items())}
            planned.append((exp, model.run_specs(values, exp.experiment_id)))
        specs = list({s.run_id: s for _, runs in planned for s in runs}.values())
        first = self._msis[0]
        identity = {"kind": "ema", "base_scenario_sha256": first.base_sha256, "outcomes": first.outcome_names,
                    "seed": first.seed}
        job = {"ema_models": {m.name: m.design for m in self._msis}, "base_scenario": first.base}
        self.report = run_job(JobStore(self.folder), identity, job, specs, first.base, first.outcome_names,
                              workers=self.workers, scheduler=self.scheduler, progress=self.progress)
        rows = {r["run_id"]: r for r in JobStore(self.folder).runs().to_dict("records")}
        for exp, runs in planned:
            callback(exp, mean_outcomes([rows[s.run_id] for s in runs], first.outcome_names))


Range = tuple[float, float] | Literal["schema"]


class EmaExperiment(BaseModel):
    """An EMA experiment file: the model (scenario, ranges, outcomes) and how many experiments to sample."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    name: str = Field(min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=300)
    scenario: str = Field(min_length=1)
    residents_scale: float = Field(default=1.0, gt=0.0, le=10.0)
    scenario_overrides: dict[str, float | int | bool | str] = Field(default_factory=dict)
    design: str | None = None
    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES), min_length=1)
    seed: int = Field(ge=0, le=2**63 - 1)
    replications: int = Field(default=1, ge=1, le=10_000)
    scenarios: int = Field(ge=1, le=1_000_000)
    policies: int = Field(default=0, ge=0, le=100_000)
    sampler: Literal["lhs", "mc"] = "lhs"
    uncertainties: dict[str, Range] = Field(min_length=1)
    levers: dict[str, Range] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _levers_need_policies(self) -> EmaExperiment:
        if self.levers and self.policies == 0:
            raise ValueError("levers are sampled as policies: give policies >= 1")
        return self


def load_ema_experiment(path: str | Path) -> tuple[EmaExperiment, WijkteamModel]:
    """Read and validate an EMA experiment file; returns it with its model."""
    p = Path(path)
    data = read_toml(p, ExperimentError)
    try:
        exp = EmaExperiment.model_validate(data.get("ema", {}) | {k: data.get(k, {})
                                                                 for k in ("uncertainties", "levers")})
        base = scaled_scenario(p.parent / exp.scenario, exp.residents_scale, exp.scenario_overrides, p)
        ranges = [{k: None if v == "schema" else v for k, v in table.items()} for table in (exp.uncertainties,
                                                                                             exp.levers)]
        return exp, wijkteam_model(base, *ranges, design=exp.design, outcomes=exp.outcomes, seed=exp.seed,
                                   replications=exp.replications)
    except ValidationError as err:
        raise ExperimentError(format_errors(str(p), err)) from None
    except ScenarioError as err:
        raise ExperimentError(err.problems) from None
    except ValueError as err:
        raise ExperimentError([f"{p}: {line}" for line in str(err).splitlines()]) from None


def run_ema_experiment(path: str | Path, out: str | Path | None = None, workers: int | None = None,
                       scheduler: str | None = None, progress: bool = True):
    """Sample and run an EMA experiment file on the run engine; EMA's (experiments, outcomes).

    The samples are seeded from the file's seed, so running it again resumes the same job
    (default folder results/ema-<name>).
    """
    exp, model = load_ema_experiment(path)
    ema = ema_workbench()
    sampler = {"lhs": ema.Samplers.LHS, "mc": ema.Samplers.MC}[exp.sampler]
    folder = Path(out) if out else default_folder(f"ema-{exp.name}")
    with EngineEvaluator(model, folder, workers=workers, scheduler=scheduler, progress=progress) as evaluator:
        return evaluator.perform_experiments(scenarios=exp.scenarios, policies=exp.policies,
                                             uncertainty_sampling=sampler, lever_sampling=sampler,
                                             uncertainty_sampling_kwargs={"rng": exp.seed},
                                             lever_sampling_kwargs={"rng": exp.seed + 1})
