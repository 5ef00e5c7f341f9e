"""The `wijkteam` command: run, scenarios, provenance."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from sim import preflight
from sim.paths import default_folder
from sim.sweep.options import engine_options, setting_option


def _fail(lines: list[str]) -> int:
    """Print problems to stderr, one per line; exit status 2 (bad input)."""
    for line in lines:
        print(line, file=sys.stderr)
    return 2


def cmd_run(args: argparse.Namespace) -> int:
    """Simulate one municipality under one design and write its tables."""
    from tqdm import tqdm

    from sim.output import RUN_FILES, manifest, write_run
    from sim.run import simulate
    from sim.scenario import ScenarioError, load, with_overrides, with_settings
    from sim.tables import summary

    scenario = with_settings(load(args.scenario), args.set)
    if args.weeks is not None:
        try:
            scenario = with_overrides(scenario, **{"meta.weeks": args.weeks})
        except ScenarioError as err:  # the user gave --weeks, not meta.weeks
            return _fail([line.replace("<overrides>: meta.weeks:", "--weeks", 1) for line in err.problems])
    design = args.design or scenario.meta.design
    if design not in scenario.designs:
        return _fail([f"{args.scenario}: --design {design!r}: not a design; allowed: "
                      + ", ".join(sorted(scenario.designs))])
    seed = scenario.meta.seed if args.seed is None else args.seed
    if not 0 <= seed < 2**63:
        return _fail([f"--seed {seed}: allowed range [0, 2**63 - 1]"])
    if args.engine == "reference":
        return _run_reference(args, scenario, design, seed)
    total = scenario.meta.burn_in_weeks + scenario.meta.weeks
    preflight.check(1, scenario.population, total, 0, None, args.yes)
    out = Path(args.out) if args.out else default_folder(f"{Path(args.scenario).stem}-{design}-seed{seed}")
    out.mkdir(parents=True, exist_ok=True)  # a folder that cannot be made stops the command before the run
    with tqdm(total=total, unit="week", desc=f"{scenario.meta.name} / {design}", disable=args.quiet) as bar:
        result = simulate(scenario, design=design, seed=seed, progress=bar.update)
    files = list(RUN_FILES)
    info = manifest(scenario, design, seed, files, {"weeks": scenario.meta.weeks,
                                                    "burn_in_weeks": scenario.meta.burn_in_weeks,
                                                    "scenario_file": str(args.scenario)})
    write_run(out, result.by_neighbourhood, result.totals, result.cases, info)
    print(f"\nResults written to {out}/")
    for key, value in summary(result.totals).items():
        print(f"  {key:<46} {value:>12,.2f}")
    return 0


def _run_reference(args: argparse.Namespace, scenario, design: str, seed: int) -> int:
    """Run the pure-Mesa reference engine; it writes weekly totals, summary and manifest."""
    from tqdm import tqdm

    from sim import steady
    from sim.output import manifest, write_json, write_table
    from sim.reference.model import ReferenceModel, ReferenceTooLarge, ReferenceUnsupported
    from sim.tables import SUMMARY_UNITS, run_summary, summary, unit_of

    try:
        model = ReferenceModel(scenario, design=design, seed=seed)
    except (ReferenceTooLarge, ReferenceUnsupported) as err:
        return _fail([f"{args.scenario}: {err}"])
    total = scenario.meta.burn_in_weeks + scenario.meta.weeks
    with tqdm(total=total, unit="week", desc=f"{scenario.meta.name} / {design} (reference)",
              disable=args.quiet) as bar:
        totals = model.run(bar.update)
    out = Path(args.out) if args.out else default_folder(f"{Path(args.scenario).stem}-{design}-seed{seed}-reference")
    out.mkdir(parents=True, exist_ok=True)
    write_table(totals, out / "weekly_totals.parquet", {c: unit_of(c) for c in totals.columns}, "weekly_totals")
    write_table(run_summary(totals), out / "summary.parquet", SUMMARY_UNITS, "summary")
    write_json(manifest(scenario, design, seed, ["weekly_totals.parquet", "summary.parquet"],
                        {"engine": "reference", "weeks": scenario.meta.weeks,
                         "burn_in_weeks": scenario.meta.burn_in_weeks, "steady_state": steady.diagnose(totals)}),
               out / "manifest.json")
    print(f"\nResults written to {out}/")
    for key, value in summary(totals).items():
        print(f"  {key:<46} {value:>12,.2f}")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List the shipped scenario files with their description."""
    from sim.scenario import ScenarioError, load, shipped_scenarios

    for path in shipped_scenarios():
        try:
            sc = load(path)
            print(f"{path.name:<24} {sc.population:>9,} residents  {sc.meta.description}")
        except ScenarioError as err:
            print(f"{path.name:<24} INVALID: {err.problems[0]}")
    return 0


def cmd_provenance(args: argparse.Namespace) -> int:
    """List every parameter of a scenario with its source, or the word assumption."""
    from sim.provenance import entries
    from sim.scenario import load

    load(args.scenario)  # a bad file is refused before its lines are listed
    rows = entries(args.scenario)
    for e in rows:
        label = "source" if e.kind == "source" else ("assumption" if e.kind == "assumption" else "MISSING")
        print(f"{e.path:<52} {label:<10} {e.text}")
    counts = {k: sum(e.kind == k for e in rows) for k in ("source", "assumption", "missing")}
    print(f"\n{len(rows)} parameters: {counts['source']} sourced, {counts['assumption']} assumptions, "
          f"{counts['missing']} without provenance")
    return 0 if counts["missing"] == 0 else 1


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run an experiment's runs on the run engine into a job folder."""
    from sim.sweep.engine import run_job
    from sim.sweep.experiment import base_scenario, check_parameters, identity, load_experiment, plan, planned_runs
    from sim.sweep.store import JobChanged, JobStore

    exp, path = load_experiment(args.experiment)
    base = base_scenario(exp, path)
    problems = check_parameters(exp, base, path)
    if problems:
        return _fail(problems)
    # before the points are drawn: a grid of 1,000 levels in 5 parameters never fits (a dry run only counts)
    preflight.check_count(planned_runs(exp, base), args.yes or args.dry_run)
    specs = plan(exp, base)
    out = Path(args.out) if args.out else default_folder(f"sweep-{exp.name}")
    base_data = base.model_dump(mode="json") if base is not None else {}
    if args.dry_run:
        return _dry_run(exp, base_data, specs, out, args.workers)
    job = {"experiment_file": str(path), "experiment": exp.model_dump(mode="json"), "base_scenario": base_data}
    try:
        report = run_job(JobStore(out), identity(exp, base), job, specs, base_data, exp.outcomes,
                         workers=args.workers, scheduler=args.scheduler, progress=not args.quiet, confirmed=args.yes)
    except JobChanged as err:
        return _fail([f"{out}: holds a different job; refused. What changed:", str(err),
                      "Use another --out folder, or change only samples or replications."])
    print(f"\n{report.total} runs in {out}/: {report.skipped} finished before, {report.executed} run now "
          f"({report.failed} failed) in {report.seconds:.1f} s")
    print(f"  runs:   {out / 'runs.parquet'}\n  weekly: {out / 'weekly.parquet'}")
    return 0


def _dry_run(exp, base_data: dict, specs: list, out: Path, workers: int | None) -> int:
    """Print how many runs the experiment makes, how many are done, and how long the rest will take here."""
    from sim.sweep.estimate import SAMPLE_WEEKS, duration, estimate
    from sim.sweep.store import JobStore

    done = JobStore(out).status()["done"] if (out / "job.json").exists() else 0
    est = estimate(base_data, specs, done, exp.outcomes, workers)
    designs = len({s.design for s in specs})
    points = len({s.point for s in specs})
    print(f"{exp.name}: {est.runs} runs ({points} points x {designs} designs x {exp.replications} replications, "
          f"repeated points once); {est.runs - est.left} already in {out}/, {est.left} to run")
    print(f"about {duration(est.seconds_per_run)} per run (one run of {2 * SAMPLE_WEEKS} weeks timed here, scaled "
          f"to the scenario's weeks), so about {duration(est.seconds)} with {est.workers} workers, plus their start; "
          "runs that change the population or the weeks differ. Nothing was written.")
    return 0


def _paired_runs(args: argparse.Namespace, scenario, designs: list[str], outcomes: list[str], kind: str,
                 identity: dict, out: Path):
    """Run every design in every replication (common seeds) on the run engine; the runs, or an exit code."""
    from sim import compare
    from sim.sweep.engine import run_job
    from sim.sweep.store import JobChanged, JobStore

    if not 2 <= args.replications <= 10_000:
        return _fail([f"--replications {args.replications}: allowed range [2, 10000]"])
    try:
        report = run_job(JobStore(out), {"kind": kind, **identity},
                         {"scenario_file": str(args.scenario), "scenario": scenario.model_dump(mode="json")},
                         compare.plan(scenario, designs, args.replications), scenario.model_dump(mode="json"),
                         outcomes, workers=args.workers, scheduler=args.scheduler, progress=not args.quiet,
                         confirmed=args.yes)
    except JobChanged as err:
        return _fail([f"{out}: holds a different {kind}; refused. What changed:", str(err)])
    print(f"\n{report.total} runs ({report.executed} run now, {report.failed} failed)")
    return JobStore(out).runs()


def _write_report(out: Path, name: str, table, units: dict, title: str, text: str, shown: str | None = None) -> None:
    """Write the table as Parquet and Markdown, and print `shown` (default: the Markdown) with where it went."""
    from sim.output import write_table, write_text

    write_table(table, out / f"{name}.parquet", units, name)
    write_text(out / f"{name}.md", f"# {title}\n\n{text}")
    print(f"\n{text if shown is None else shown}\nwritten to {out / (name + '.md')} and {out / (name + '.parquet')}")


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare designs on the same population with common random numbers."""
    from sim import compare
    from sim.scenario import load, scenario_hash, with_settings
    from sim.tables import scenario_outcomes

    scenario = with_settings(load(args.scenario), args.set)
    designs = list(dict.fromkeys(args.designs.split(","))) if args.designs is not None else list(scenario.designs)
    unknown = [d for d in designs if d not in scenario.designs]
    if unknown or len(designs) < 2:
        return _fail([f"{args.scenario}: --designs: {', '.join(unknown) or args.designs!r}: give two or more of "
                      + ", ".join(scenario.designs)])
    base = compare.equalise(scenario, designs, args.equal)
    out = Path(args.out) if args.out else default_folder(f"compare-{Path(args.scenario).stem}")
    kept = compare.kept(list(scenario_outcomes(scenario)))  # with demography: the population columns too
    identity = {"scenario_sha256": scenario_hash(base), "designs": designs, "equal": args.equal, "outcomes": kept}
    runs = _paired_runs(args, base, designs, kept, "comparison", identity, out)
    if isinstance(runs, int):
        return runs
    units = {"outcome": "column of weekly_totals (mean over recorded weeks)", "design": "name",
             "replications": "count", "mean": "outcome unit", "low": "outcome unit", "high": "outcome unit",
             "difference": "outcome unit (design minus first design, paired)", "difference_low": "outcome unit",
             "difference_high": "outcome unit"}
    table = compare.paired_table(runs, designs, compare.OUTCOMES)
    flags = "".join(f"- {line}\n" for line in compare.still_growing(runs, designs))
    shown = (f"{scenario.meta.name}: {len(designs)} designs, {args.replications} replications each "
             f"(common random numbers){'' if args.equal == 'none' else ', equal ' + args.equal}\n\n"
             + (f"{flags}\n" if flags else "") + compare.headline(table, designs, scenario.population)
             + f"\n\nEvery outcome with its paired difference and 95 % interval: {out / 'comparison.md'}\n"
             f"A report to read and forward: wijkteam report {out}")
    _write_report(out, "comparison", table, units, f"{scenario.meta.name}: {', '.join(designs)}",
                  f"{args.replications} replications, common random numbers, equal: {args.equal}\n\n"
                  + (f"{flags}\n" if flags else "") + compare.markdown(table, designs, scenario.population), shown)
    return 0


def cmd_designs(args: argparse.Namespace) -> int:
    """List organisation forms and modifiers, and a scenario's named designs."""
    from sim.designs import FORMS, MODIFIERS
    from sim.scenario import OWN_KEYS, load

    print("Organisation forms:")
    for name, module in FORMS.items():
        print(f"  {name:<12} {module.__doc__.strip().splitlines()[0]}")
    print("\nModifiers (keys of a [designs.<name>] table):")
    for key, meaning in MODIFIERS.items():
        print(f"  {key:<28} {meaning}")
    if args.scenario:
        sc = load(args.scenario)
        default = sc.designs[sc.meta.design].model_dump(mode="json")
        print(f"\nDesigns in {args.scenario} (values resolved, bases included):")
        for name, d in sc.designs.items():
            print(f"  {name:<16} {d.form:<10} {d.description}")
            values = d.model_dump(mode="json")
            shown = values if name == sc.meta.design else {k: v for k, v in values.items() if v != default[k]}
            shown = {k: v for k, v in shown.items() if k != "form" and k not in OWN_KEYS}
            if shown:
                lead = "values:" if name == sc.meta.design else f"unlike {sc.meta.design}:"
                print(textwrap.fill(f"{lead} " + ", ".join(f"{k} = {v}" for k, v in shown.items()), 100,
                                    initial_indent=" " * 6, subsequent_indent=" " * 8))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Test the scenario's policy assumptions against simulated practice."""
    from sim import audit, compare
    from sim.scenario import load, scenario_hash, with_settings
    from sim.tables import scenario_outcomes

    scenario = with_settings(load(args.scenario), args.set)
    if not scenario.assumptions:
        return _fail([f"{args.scenario}: assumptions: none declared; add [[assumptions]] tables to audit"])
    problems = audit.check(scenario, args.scenario)
    if problems:
        return _fail(problems)
    designs, metrics = audit.designs_needed(scenario), audit.metrics_needed(scenario)
    out = Path(args.out) if args.out else default_folder(f"audit-{Path(args.scenario).stem}")
    identity = {"scenario_sha256": scenario_hash(scenario), "designs": designs, "metrics": metrics}
    runs = _paired_runs(args, scenario, designs, compare.kept(metrics + list(scenario_outcomes(scenario))), "audit",
                        identity, out)
    if isinstance(runs, int):
        return runs
    table = audit.audit_table(scenario, runs)
    units = {c: "text" for c in table.columns}
    units.update({c: "metric unit (relative: fraction of the baseline)" for c in
                  ("effect", "effect_low", "effect_high")})
    units.update({"baseline_value": "metric unit", "design_value": "metric unit", "replications": "count"})
    _write_report(out, "audit", table, units, f"{scenario.meta.name}: beleidstafel audit",
                  f"{args.replications} replications per design, common random numbers\n\n"
                  + audit.markdown(table, args.lang))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the municipality report (one self-contained HTML page) of a results folder."""
    from sim.report import write

    path = write(Path(args.results), Path(args.out) if args.out else None, args.lang)
    print(f"Report written to {path}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Say how many runs of a job are done, failed and left; without a folder, of every job under results/."""
    from sim.sweep.store import JobStore

    if args.folder is None:
        jobs = sorted(p.parent for p in Path("results").glob("*/job.json"))
        if not jobs:
            return _fail(["wijkteam status: give a job folder (what sweep, compare, audit or calibrate wrote, "
                          "for example results/compare-middenstad); no job folder found under results/"])
        print("job folders under results/ (give one to see only that job):")
    else:
        jobs = [Path(args.folder)]
    for folder in jobs:
        try:
            st = JobStore(folder).status()
        except FileNotFoundError as err:
            return _fail([str(err)])
        print(f"{folder}: {st['total']} runs: {st['done']} done, {st['failed']} failed, {st['left']} left")
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    """Sensitivity analysis (Sobol, Morris, feature scores) or PRIM boxes of a sweep job."""
    from sim.analyse.command import run

    paths = run(args)
    print("written: " + ", ".join(str(p) for p in paths))
    return 0


def cmd_calibration(args: argparse.Namespace) -> int:
    """Validate a scenario against published figures, calibrate it, or build one from a CBS table."""
    return args.calibration(args)


def cmd_app(args: argparse.Namespace) -> int:
    """Serve the workshop app (Solara) on a local port."""
    from sim.app.server import serve

    if not 0 < args.port < 65536:
        return _fail([f"--port {args.port}: allowed range [1, 65535]"])
    if not 1 <= args.workers <= 64:
        return _fail([f"--workers {args.workers}: allowed range [1, 64]"])
    return serve(args.host, args.port, args.workers)


def parser() -> argparse.ArgumentParser:
    """The argument parser of the `wijkteam` command."""
    p = argparse.ArgumentParser(prog="wijkteam", description="Simulate Dutch social neighbourhood teams.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate one municipality under one team design")
    run.add_argument("scenario", help="scenario TOML file")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    run.add_argument("--weeks", type=int, help="recorded weeks after burn-in (default: the scenario's)")
    run.add_argument("--design", help="design name (default: the scenario's meta.design)")
    run.add_argument("--out", help="output folder (default: results/<scenario>-<design>-seed<seed>)")
    run.add_argument("--engine", choices=("numba", "reference"), default="numba",
                     help="numba (default, fast) or reference (pure Mesa, small populations only)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--yes", action="store_true", help="start a run that needs over half this machine's memory")
    setting_option(run)
    run.set_defaults(func=cmd_run)
    sc = sub.add_parser("scenarios", help="list the shipped scenario files")
    sc.set_defaults(func=cmd_scenarios)
    pv = sub.add_parser("provenance", help="list every parameter with its source or 'assumption'")
    pv.add_argument("scenario")
    pv.set_defaults(func=cmd_provenance)
    sw = sub.add_parser("sweep", help="run an experiment (many runs) on the run engine")
    sw.add_argument("experiment", help="experiment TOML file")
    sw.add_argument("--dry-run", action="store_true", help="print the number of runs and an estimate of the time")
    engine_options(sw, "results/sweep-<name>")
    sw.set_defaults(func=cmd_sweep)
    cp = sub.add_parser("compare", help="compare designs on the same population (paired, common random numbers)")
    cp.add_argument("scenario")
    cp.add_argument("--designs", help="comma-separated design names; the first is the baseline (default: all)")
    cp.add_argument("--replications", type=int, default=20)
    cp.add_argument("--equal", choices=("none", "staff", "budget"), default="none",
                    help="scale every design's staff to the first design's staff or team budget")
    engine_options(cp, "results/compare-<scenario>")
    setting_option(cp)
    cp.set_defaults(func=cmd_compare)
    au = sub.add_parser("audit", help="test the scenario's policy assumptions (beleidstafel) against simulation")
    au.add_argument("scenario")
    au.add_argument("--replications", type=int, default=20)
    au.add_argument("--lang", choices=("nl", "en"), default="en")
    engine_options(au, "results/audit-<scenario>")
    setting_option(au)
    au.set_defaults(func=cmd_audit)
    ds = sub.add_parser("designs", help="list organisation forms and modifiers (and a scenario's designs)")
    ds.add_argument("scenario", nargs="?")
    ds.set_defaults(func=cmd_designs)
    rp = sub.add_parser("report", help="one self-contained HTML report of a run, compare, audit or sweep folder")
    rp.add_argument("results", help="results folder (of run, compare, audit or sweep, or a folder of run folders)")
    rp.add_argument("--lang", choices=("nl", "en"), default="nl", help="language of the labels (default: nl)")
    rp.add_argument("--out", help="HTML file (default: RESULTS/report.html, or report-en.html for --lang en)")
    rp.set_defaults(func=cmd_report)
    ap = sub.add_parser("app", help="serve the workshop app: compare two designs in the browser")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--host", default="127.0.0.1",
                    help="address to listen on (default: this machine only; 0.0.0.0: every laptop on the network)")
    ap.add_argument("--workers", type=int, default=2,
                    help="simulation worker processes shared by every browser session (default: 2)")
    ap.set_defaults(func=cmd_app)
    st = sub.add_parser("status", help="runs done, failed and left in a job folder (default: every job in results/)")
    st.add_argument("folder", nargs="?", help="job folder (default: every job folder under results/)")
    st.set_defaults(func=cmd_status)
    from sim.calibrate.cli import register

    register(sub, cmd_calibration)
    an = sub.add_parser("analyse", help="sensitivity analysis or PRIM scenario discovery on a sweep job folder")
    from sim.analyse.options import options as analyse_options

    analyse_options(an)
    an.set_defaults(func=cmd_analyse)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of `wijkteam` and `python -m sim`: bad input of any command exits 2 with its problem lines.

    So does a file system that refuses (an --out that is a file, no permission, a full disk).
    """
    from sim.errors import ProblemsError

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ProblemsError as err:
        return _fail(err.problems)
    except OSError as err:  # an --out that is a file, a read-only or full disk: one line, exit 2
        where = f"{err.filename}: " if err.filename else ""
        return _fail([f"{where}cannot read or write: {err.strerror or err}"])


if __name__ == "__main__":
    sys.exit(main())
