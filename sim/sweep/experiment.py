"""Experiment files: which parameters to vary, how to sample them, how many replications.

An experiment (TOML, validated like scenarios) names a run model registered with the engine
(sim.sweep.models), a base scenario, parameters by dotted path with a range or a list of
values, a sampling design (grid, lhs, sobol, morris via SALib), replications, the outcomes
to keep and a job seed. `plan` turns it into run specs.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.dotted import lookup
from sim.errors import ProblemsError
from sim.scenario import (
    PRINTABLE,
    Scenario,
    ScenarioError,
    format_errors,
    load,
    parse,
    read_toml,
    repeated,
    scenario_hash,
    with_overrides,
)
from sim.sweep.models import MODELS
from sim.sweep.spec import RunSpec, run_seed
from sim.tables import known_outcomes, outcome_problem

MORRIS_LEVELS = 4  # grid levels of the Morris design (SALib's num_levels); analyses use the same

DEFAULT_OUTCOMES = ["queue_length", "mean_wait_weeks", "open_cases", "hours_outreach", "informal_share",
                    "crises", "cost_per_resident"]


class Parameter(BaseModel):
    """One varied parameter: a dotted path and a range (low, high) or a list of values."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    path: str = Field(min_length=1)
    low: float | None = None
    high: float | None = None
    values: list[float] | None = Field(default=None, min_length=1)
    levels: int | None = Field(default=None, ge=2, le=1000)

    @model_validator(mode="after")
    def _range_or_values(self) -> Parameter:
        if self.values is None and (self.low is None or self.high is None):
            raise ValueError("give either low and high, or values")
        if self.values is not None and (self.low is not None or self.high is not None):
            raise ValueError("give either low and high, or values, not both")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class Experiment(BaseModel):
    """A sweep over parameters of a base scenario."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    name: str = Field(min_length=1, max_length=80, pattern=PRINTABLE)
    description: str = Field(min_length=1, max_length=300)
    model: str = "wijkteam"
    scenario: str | None = Field(default=None, min_length=1, max_length=1000, pattern=PRINTABLE)  # a path
    residents_scale: float = Field(default=1.0, gt=0.0, le=10.0)
    scenario_overrides: dict[str, float | int | bool | str] = Field(default_factory=dict)
    designs: list[str] | None = Field(default=None, min_length=1)
    sampler: Literal["grid", "lhs", "sobol", "morris"]
    samples: int | None = Field(default=None, ge=1, le=1_000_000)
    samples_are: Literal["points", "base_n", "unused"]
    replications: int = Field(ge=1, le=10_000)
    seed: int = Field(ge=0, le=2**63 - 1)
    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES), min_length=1)
    parameters: list[Parameter] = Field(min_length=1)

    @field_validator("model")
    @classmethod
    def _registered(cls, name: str) -> str:
        """Only a model that code registered (sim.sweep.models) may be named."""
        if name not in MODELS:
            raise ValueError(f"not a run model; allowed: {', '.join(MODELS)}")
        return name

    @model_validator(mode="after")
    def _consistent(self) -> Experiment:
        need = {"grid": "unused", "lhs": "points", "sobol": "base_n", "morris": "base_n"}[self.sampler]
        if self.samples_are != need:
            raise ValueError(f"samples_are must be '{need}' for sampler '{self.sampler}'")
        if self.sampler != "grid" and self.samples is None:
            raise ValueError(f"sampler '{self.sampler}' needs samples")
        if self.sampler != "grid" and any(p.values is not None for p in self.parameters):
            raise ValueError(f"sampler '{self.sampler}' needs low and high for every parameter")
        if self.sampler == "grid" and any(p.values is None and p.levels is None for p in self.parameters):
            raise ValueError("sampler 'grid' needs values, or low, high and levels, for every parameter")
        if self.sampler != "grid" and any(p.levels is not None for p in self.parameters):
            raise ValueError(f"levels apply to sampler 'grid' only; sampler '{self.sampler}' draws its own points")
        if self.model.startswith("wijkteam") and self.scenario is None:
            raise ValueError(f"model '{self.model}' needs a scenario")
        doubles = repeated([p.path for p in self.parameters])
        if doubles:
            raise ValueError(f"each parameter once; repeated: {', '.join(doubles)}")
        return self


class ExperimentError(ProblemsError):
    """An experiment file that cannot be used; `problems` holds one line per problem."""


def load_experiment(path: str | Path) -> tuple[Experiment, Path]:
    """Read and validate an experiment file; returns it with its folder (for relative paths)."""
    p = Path(path)
    data = read_toml(p, ExperimentError)
    if "ema" in data and "experiment" not in data:
        raise ExperimentError([f"{p}: an EMA Workbench experiment ([ema] table), not a sweep: run it with "
                               "sim.sweep.ema.run_ema_experiment (see README)"])
    unknown = sorted(set(data) - {"experiment", "parameters"})
    if unknown:
        raise ExperimentError([f"{p}: {', '.join(unknown)}: not a table of an experiment file; allowed: "
                               "[experiment], [[parameters]]"])
    try:
        return Experiment.model_validate(data.get("experiment", {}) | {"parameters": data.get("parameters", [])}), p
    except ValidationError as err:
        raise ExperimentError(format_errors(str(p), err)) from None


def base_scenario(exp: Experiment, path: Path) -> Scenario | None:
    """The base scenario: the file, residents scaled, fixed overrides applied."""
    if exp.scenario is None:
        return None
    return scaled_scenario(path.parent / exp.scenario, exp.residents_scale, exp.scenario_overrides, path)


def scaled_scenario(scenario_file: Path, residents_scale: float, overrides: dict, named_in: Path) -> Scenario:
    """A scenario file with every neighbourhood's residents scaled and fixed overrides applied."""
    if not scenario_file.exists():  # say which file names it; problems inside it name the scenario file itself
        raise ScenarioError([f"{named_in}: experiment.scenario: {scenario_file}: file not found"])
    data = load(scenario_file.resolve()).model_dump(mode="json")
    for nbh in data["neighbourhoods"]:
        nbh["residents"] = max(10, int(round(nbh["residents"] * residents_scale)))
    return with_overrides(parse(data, str(named_in)), f"{named_in}: [experiment.scenario_overrides]", **overrides)


def _not_whole(par: Parameter) -> str:
    """Why a parameter's values cannot all be whole numbers: fractional values, or a range holding none; '' if fine."""
    if par.values is not None:
        fractions = [v for v in par.values if v != round(v)]
        return f"values {fractions} are not" if fractions else ""
    return f"the range [{par.low}, {par.high}] holds none" if math.floor(par.high) < math.ceil(par.low) else ""


def check_parameters(exp: Experiment, base: Scenario | None, path: Path) -> list[str]:
    """Problems with the varied parameters: unknown paths, non-numbers, ends out of range."""
    problems = []
    if base is not None:
        designs = exp.designs or [base.meta.design]
        problems += [f"{path}: designs: {d!r} is not a design of the scenario" for d in designs
                     if d not in base.designs]
    known = known_outcomes(reference=exp.model == "wijkteam_reference", scenario=base)
    weeks = base.meta.weeks if base is not None else 5200
    for k, name in enumerate(exp.outcomes):
        if exp.model.startswith("wijkteam") and (problem := outcome_problem(name, known, weeks)):
            problems.append(f"{path}: outcomes[{k}]: {problem}")
    if base is None:
        return problems
    for k, par in enumerate(exp.parameters):
        ends = par.values if par.values is not None else [par.low, par.high]
        try:
            current = lookup(base.model_dump(mode="json"), par.path)
        except KeyError:
            problems.append(f"{path}: parameters[{k}].path: {par.path!r} is not a parameter of the scenario")
            continue
        if isinstance(current, bool) or not isinstance(current, int | float):
            problems.append(f"{path}: parameters[{k}].path: {par.path!r} is not a number")
            continue
        if isinstance(current, int) and _not_whole(par):
            problems.append(f"{path}: parameters[{k}]: {par.path} takes whole numbers; {_not_whole(par)} "
                            "(a sweep would round them without a word)")
            continue
        for value in ends:
            try:
                with_overrides(base, **{par.path: _typed(current, value)})
            except ScenarioError as err:
                problems += [f"{path}: parameters[{k}]: {line.split(': ', 1)[1]}" for line in err.problems]
    return problems


def _typed(current: object, value: float) -> float | int:
    """Integer parameters take rounded values."""
    return int(round(value)) if isinstance(current, int) else float(value)


def salib_problem(exp: Experiment) -> dict:
    """The SALib problem of a sampled experiment: parameter paths and their bounds."""
    pars = exp.parameters
    return {"num_vars": len(pars), "names": [p.path for p in pars], "bounds": [[p.low, p.high] for p in pars]}


def sample_points(exp: Experiment) -> np.ndarray:
    """The parameter points, one row per point, one column per parameter."""
    pars = exp.parameters
    if exp.sampler == "grid":
        axes = [p.values if p.values is not None else np.linspace(p.low, p.high, p.levels).tolist() for p in pars]
        return np.array(list(itertools.product(*axes)), dtype=float)
    problem = salib_problem(exp)
    if exp.sampler == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, exp.samples, seed=exp.seed % 2**32)
    if exp.sampler == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, exp.samples, calc_second_order=False, seed=exp.seed % 2**32)
    from SALib.sample import morris

    return morris.sample(problem, exp.samples, num_levels=MORRIS_LEVELS, seed=exp.seed % 2**32)


def planned_runs(exp: Experiment, base: Scenario | None) -> int:
    """How many runs the experiment asks for, counted without drawing its points (repeats not yet removed)."""
    d = len(exp.parameters)
    if exp.sampler == "grid":
        points = math.prod(len(p.values) if p.values is not None else p.levels for p in exp.parameters)
    else:
        points = exp.samples * {"lhs": 1, "sobol": d + 2, "morris": d + 1}[exp.sampler]
    designs = len(exp.designs) if exp.designs else 1
    return points * designs * exp.replications


def point_overrides(exp: Experiment, base: Scenario | None) -> list[dict[str, float | int]]:
    """The overrides of every sample row, in sample order (integer parameters rounded).

    Repeated rows (Morris trajectories, integers rounded alike) give equal dicts; analyses
    map each row to its runs through these values.
    """
    data = base.model_dump(mode="json") if base is not None else {}
    rows = []
    for row in sample_points(exp):
        overrides = {}
        for par, value in zip(exp.parameters, row, strict=True):
            current = lookup(data, par.path) if base is not None else 0.0
            overrides[par.path] = _typed(current, float(value))
        rows.append(overrides)
    return rows


def plan(exp: Experiment, base: Scenario | None) -> list[RunSpec]:
    """Every run of the experiment: points × designs × replications, with their seeds."""
    designs = exp.designs or ([base.meta.design] if base is not None else ["toy"])
    specs = []
    for k, overrides in enumerate(point_overrides(exp, base)):
        for rep in range(exp.replications):
            seed = run_seed(exp.seed, overrides, rep)
            specs.extend(RunSpec(k, rep, d, overrides, seed, exp.model) for d in designs)
    # Samplers may repeat a point (Morris trajectories, integers rounded alike): run it once.
    return list({s.run_id: s for s in reversed(specs)}.values())[::-1]


def identity(exp: Experiment, base: Scenario | None) -> dict:
    """What defines the job; samples and replications may grow without changing it.

    The base scenario counts by content (its hash), not by the path it was read from.
    """
    fields = exp.model_dump(mode="json", exclude={"samples", "replications", "name", "description", "scenario"})
    fields["base_scenario_sha256"] = scenario_hash(base) if base is not None else None
    return fields
