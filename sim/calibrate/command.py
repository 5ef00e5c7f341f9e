"""The `validate` and `calibrate` commands: check inputs, run on the engine, write the tables.

Both return the exit status: 0 when every target is within tolerance, 1 when one is not,
2 for bad input (raised as InputError with one line per problem).
"""

from __future__ import annotations

import argparse
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sim import preflight
from sim.errors import ProblemsError
from sim.paths import default_folder

if TYPE_CHECKING:
    from sim.calibrate.targets import Targets


class InputError(ProblemsError):
    """Bad command input; `problems` holds one line per problem."""


def _inputs(args: argparse.Namespace):
    """The scenario and the targets, validated; InputError otherwise."""
    from sim.calibrate.targets import TargetsError, load_targets
    from sim.scenario import ScenarioError, load, with_settings

    problems = []
    scenario = targets = None
    try:
        scenario = with_settings(load(args.scenario), args.set)
    except ScenarioError as err:
        problems += err.problems
    try:
        targets = load_targets(args.targets)
    except TargetsError as err:
        problems += err.problems
    if args.replications < 2 or args.replications > 10_000:
        problems.append(f"--replications {args.replications}: allowed range [2, 10000]")
    if problems:
        raise InputError(problems)
    meta = scenario.meta  # a run at a time per worker: the memory this machine needs, before any cluster starts
    preflight.check(args.replications, scenario.population, meta.burn_in_weeks + meta.weeks, args.workers,
                    args.scheduler, args.yes)
    return scenario, targets


def _validation(out: Path, scenario, targets: Targets, args: argparse.Namespace, scheduler: str | None,
                label: str) -> int:
    """Validate `scenario` into out/validation; write the target table; 0 if all within, else 1."""
    from sim.calibrate.engine import run_points, write_table
    from sim.calibrate.validate import plan, target_table
    from sim.scenario import scenario_hash

    identity = {"kind": "validation", "scenario_sha256": scenario_hash(scenario), "observables": targets.observables}
    job = {"scenario": scenario.model_dump(mode="json"), "targets": targets.model_dump(mode="json")}
    runs = run_points(out / "validation", identity, job, plan(scenario, args.replications), scenario,
                      targets.observables, scheduler, args.workers, not args.quiet)
    table = target_table(targets, runs)
    intro = (f"{label}: {args.replications} replications of design {scenario.meta.design} at full scale "
             f"({scenario.population:,} residents, {scenario.meta.weeks} recorded weeks); targets from {args.targets}. "
             "A target is met when the mean over replications lies within value ± tolerance.")
    paths = write_table(out, "validation", table, f"{scenario.meta.name}: simulated against published figures", intro)
    from sim.calibrate.validate import markdown

    print(f"\n{markdown(table)}written: {', '.join(str(p) for p in paths)}")
    return 0 if bool(table["within"].all()) else 1


def validate(args: argparse.Namespace) -> int:
    """`wijkteam validate`: simulate the scenario in replications and hold it against the targets."""
    from sim.calibrate.engine import cluster

    scenario, targets = _inputs(args)
    out = Path(args.out) if args.out else default_folder(f"validate-{Path(args.scenario).stem}")
    with cluster(args.workers, args.scheduler, scenario) as scheduler:
        return _validation(out, scenario, targets, args, scheduler, str(args.scenario))


def _file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (the calibration marks live in comments, outside the parsed data)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def calibrate(args: argparse.Namespace) -> int:
    """`wijkteam calibrate`: search the free parameters, write the calibrated scenario and its validation."""
    from sim.calibrate.engine import cluster, run_points
    from sim.calibrate.search import best, search, trials_table
    from sim.calibrate.space import SpaceError, free_parameters
    from sim.calibrate.write import calibrated_text
    from sim.output import write_table, write_text
    from sim.scenario import ScenarioError, load

    scenario, targets = _inputs(args)
    try:
        space = free_parameters(args.scenario, scenario)
    except SpaceError as err:
        raise InputError(err.problems) from None
    problems = []
    if not space:
        problems.append(f"{args.scenario}: no free parameters; mark some '# assumption: ...; calibrate: [low, high]'")
    if not targets.used("calibration"):
        problems.append(f"{args.targets}: no target with use = \"calibration\"")
    if not 1 <= args.budget <= 100_000:
        problems.append(f"--budget {args.budget}: allowed range [1, 100000]")
    if not 1 <= args.batch <= 1000:
        problems.append(f"--batch {args.batch}: allowed range [1, 1000]")
    if problems:
        raise InputError(problems)
    out = Path(args.out) if args.out else default_folder(f"calibrate-{Path(args.scenario).stem}")
    identity = {"kind": "calibration", "scenario_file_sha256": _file_hash(args.scenario),
                "targets": targets.model_dump(mode="json"), "replications": args.replications,
                "batch": args.batch}
    job = {"scenario_file": str(args.scenario), "targets_file": str(args.targets)}

    def progress(trials) -> None:
        if not args.quiet:
            print(f"{len(trials)}/{args.budget} trials, best loss {best(trials).loss:.3f}", flush=True)

    with cluster(args.workers, args.scheduler, scenario) as scheduler:
        trials = search(scenario, space, targets.used("calibration"), targets.observables, args.budget,
                        args.replications, args.batch,
                        lambda specs: run_points(out / "search", identity, job, specs, scenario, targets.observables,
                                                 scheduler, args.workers, False), progress)
        top = best(trials)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        note = (f"{stamp}, wijkteam calibrate {Path(args.targets).name}, {args.budget} trials x "
                f"{args.replications} replications, loss {trials[0].loss:.3g} -> {top.loss:.3g}")
        text = calibrated_text(args.scenario, space, top.point, note)
        target = out / f"{Path(args.scenario).stem}-calibrated.toml"
        out.mkdir(parents=True, exist_ok=True)
        write_text(target, text)
        try:
            calibrated = load(target)
        except ScenarioError as err:
            raise InputError(err.problems) from None
        table = trials_table(trials, space)
        write_table(table, out / "trials.parquet", {c: _trial_unit(c, space) for c in table.columns}, "trials")
        print(f"calibrated scenario: {target}  (trial {top.number}, loss {top.loss:.3f})")
        return _validation(out, calibrated, targets, args, scheduler, f"{target}, calibrated on the targets "
                           "with use = calibration; the holdout targets were not used in the search")


def _trial_unit(column: str, space) -> str:
    """The unit of a trials-table column."""
    from sim.calibrate.observables import OBSERVABLES

    if column == "trial":
        return "trial number (Optuna)"
    if column == "loss":
        return "sum of squared (simulated - value) / tolerance over calibration targets"
    if column in OBSERVABLES:
        return f"{OBSERVABLES[column].unit} (mean over replications)"
    return "scale factor of the array" if column.endswith("*scale") else "parameter value"
