"""`wijkteam analyse SWEEP_DIR`: run one analysis method on a sweep job and write its report."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.analyse import features, morris, sobol
from sim.analyse.page import bar_figure, limits_figure, markdown_table, tradeoff_figure, write_page
from sim.analyse.sweep import AnalyseError, Sweep, check_outcomes, load_sweep
from sim.output import write_table, write_text

NOTES = {
    "sobol": "Sobol indices (SALib, Saltelli sample rebuilt from the experiment); replications averaged per "
             "point; interval = value ± conf at 95 % (bootstrap). ST includes the run-to-run noise: a run's "
             "seed follows its parameter values.",
    "morris": "Morris elementary effects (SALib, trajectories rebuilt from the experiment; repeated points run "
              "once and reused); replications averaged per point; mu_star_conf is a 95 % bootstrap half-width.",
    "features": "Extra-trees feature scores (scikit-learn, seeded with the job seed) over every finished run; "
                "score_sd is the spread over the trees. Scores sum to 1 even where no parameter matters (noise "
                "is split among them): read them as a ranking.",
}

# method: (table function, column units, {bar column: its interval column})
INDEX_METHODS = {
    "sobol": (sobol.sobol_table, sobol.UNITS, {"S1": "S1_conf", "ST": "ST_conf"}),
    "morris": (morris.morris_table, morris.UNITS, {"mu_star": "mu_star_conf"}),
    "features": (features.feature_table, features.UNITS, {"score": "score_sd"}),
}


def run(args: argparse.Namespace) -> list[Path]:
    """Analyse the sweep as asked; returns the files written. Raises AnalyseError on bad input."""
    sweep = load_sweep(args.folder)
    outcomes = args.outcome or list(sweep.experiment.outcomes)
    check_outcomes(sweep, outcomes)
    out = Path(args.out) if args.out else sweep.folder / "analysis"
    if args.method != "prim" and (args.above, args.below, args.threshold) != (None, None, None):
        raise AnalyseError(["--above, --below and --threshold apply to --method prim only"])
    if args.method == "prim":
        if len(outcomes) != 1:
            raise AnalyseError(["--method prim needs exactly one --outcome NAME"])
        return _prim_report(sweep, outcomes[0], args, out)
    return _index_report(sweep, outcomes, args.method, out)


def _intro(sweep: Sweep) -> str:
    """One line on the sweep analysed."""
    exp = sweep.experiment
    return (f"Sweep '{exp.name}' ({sweep.folder}): sampler {exp.sampler}, {exp.replications} replication(s), "
            f"{len(sweep.runs)} finished runs, {sweep.failed} failed.")


def _index_report(sweep: Sweep, outcomes: list[str], method: str, out: Path) -> list[Path]:
    """Sobol, Morris or feature scores: a table (Parquet, Markdown) and bar charts in one page."""
    compute, units, bars = INDEX_METHODS[method]
    table = compute(sweep, outcomes)
    figures = [bar_figure(group, bars, f"{method}: {outcome} ({design})")
               for (design, outcome), group in table.groupby(["design", "outcome"], sort=False)]
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{method}.parquet", out / f"{method}.md", out / f"{method}.html"]
    write_table(table, paths[0], units, method)
    write_text(paths[1], f"# {method}: {sweep.experiment.name}\n\n{_intro(sweep)}\n\n{NOTES[method]}\n\n"
                         + markdown_table(table))
    write_page(paths[2], f"{method}: {sweep.experiment.name}", f"{_intro(sweep)} {NOTES[method]}",
               [(method, table)], figures)
    print(markdown_table(table))
    return paths


def _prim_report(sweep: Sweep, outcome: str, args: argparse.Namespace, out: Path) -> list[Path]:
    """PRIM: trajectory and box limits (Parquet, Markdown) and the trade-off and limits figures."""
    from sim.analyse import prim

    threshold = prim.MIN_DENSITY if args.threshold is None else args.threshold
    res = prim.prim_boxes(sweep, outcome, args.above, args.below, threshold)
    chosen = res.trajectory[res.trajectory["chosen"]].iloc[0]
    summary = (f"Cases of interest: {res.question}: {res.cases} of {res.runs} finished runs. Chosen box "
               f"{int(chosen['box'])} (highest coverage with density >= {threshold:g}, else the densest): "
               f"coverage {chosen['coverage']:.3f}, density {chosen['density']:.3f}, mass {chosen['mass']:.3f}.")
    out.mkdir(parents=True, exist_ok=True)
    stem = f"prim-{outcome}"
    paths = [out / f"{stem}_trajectory.parquet", out / f"{stem}_limits.parquet", out / f"{stem}.md",
             out / f"{stem}.html"]
    write_table(res.trajectory, paths[0], prim.TRAJECTORY_UNITS, "prim_trajectory")
    write_table(res.limits, paths[1], prim.LIMIT_UNITS, "prim_limits")
    text = (f"{summary}\n\n## Box limits\n\n{markdown_table(res.limits)}\n## Peeling trajectory\n\n"
            + markdown_table(res.trajectory))
    write_text(paths[2], f"# PRIM: {sweep.experiment.name}\n\n{_intro(sweep)}\n\n{text}")
    write_page(paths[3], f"PRIM: {res.question} ({sweep.experiment.name})", f"{_intro(sweep)} {summary}",
               [("box limits", res.limits), ("peeling trajectory", res.trajectory)],
               [tradeoff_figure(res.trajectory, f"Peeling trajectory: {res.question}"),
                limits_figure(res.limits, f"Box {int(chosen['box'])}: limits within the sweep's range")])
    print(text)
    return paths
