"""`wijkteam analyse`: Sobol and Morris indices against analytic values, a null parameter, PRIM, errors.

Tolerances are SALib's own confidence intervals, at a family-wise 95 % level (Bonferroni
over the indices checked in a test): with a fixed seed the test is deterministic, and an
estimator that drifted from the analytic value by more than its stated uncertainty fails.
"""

import dataclasses
import json
import math

import pandas as pd
import pytest

from sim.analyse.features import feature_table
from sim.analyse.morris import morris_table
from sim.analyse.prim import cases_of_interest
from sim.analyse.sobol import sobol_table
from sim.analyse.sweep import AnalyseError, load_sweep
from sim.cli import main
from sim.sweep.experiment import base_scenario, check_parameters, load_experiment, plan, sample_points

from .conftest import ROOT
from .response_models import register_response_models

register_response_models()
PI = math.pi
A, B = 7.0, 0.1  # the Ishigami constants of tests.response_models.ishigami

ISHIGAMI = """
[experiment]
name = "ishigami-{sampler}"
description = "Ishigami function through the run engine"
model = "ishigami"
sampler = "{sampler}"
samples = {samples}
samples_are = "base_n"
replications = 1
seed = 11
outcomes = ["y"]
""" + "".join(f"""
[[parameters]]
path = "x{k}"
low = {-PI!r}
high = {PI!r}
""" for k in (1, 2, 3))

REAL = f"""
[experiment]
name = "null-parameter"
description = "Staff and a crisis cost price against waiting time in a small Kleindorp"
scenario = "{ROOT / 'scenarios' / 'kleindorp.toml'}"
residents_scale = 0.2
sampler = "sobol"
samples = 128
samples_are = "base_n"
replications = 1
seed = 5
outcomes = ["mean_wait_weeks", "queue_length"]

[experiment.scenario_overrides]
"meta.weeks" = 26
"meta.burn_in_weeks" = 26

[[parameters]]
path = "designs.integraal.fte_per_10k"
low = 1.5
high = 5.0

[[parameters]]
path = "costs.crisis_cost"
low = 1000.0
high = 20000.0
"""


def sweep(tmp_path, text: str, name: str):
    """Write the experiment, run it in-process through `wijkteam sweep`; the job folder."""
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    out = tmp_path / name
    assert main(["sweep", str(path), "--workers", "0", "--out", str(out), "--quiet"]) == 0
    return out


def ishigami_sobol_indices() -> dict[str, tuple[float, float, float]]:
    """Analytic S1 and ST of x1, x2, x3 (Sobol' and Levitan; Saltelli et al. 2008, p. 179)."""
    v1 = 0.5 * (1 + B * PI**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": (v1 / v, v2 / v, 0.0), "ST": ((v1 + v13) / v, v2 / v, v13 / v)}


def test_analytic_ishigami_indices_are_the_textbook_values():
    ref = ishigami_sobol_indices()
    assert [round(s, 3) for s in ref["S1"]] == [0.314, 0.442, 0.0]
    assert [round(s, 3) for s in ref["ST"]] == [0.558, 0.442, 0.244]


@pytest.fixture(scope="module")
def ishigami_sobol(tmp_path_factory):
    """A Sobol sweep of the Ishigami function: base N = 512, 5 x 512 runs."""
    return sweep(tmp_path_factory.mktemp("sobol"), ISHIGAMI.format(sampler="sobol", samples=512), "sobol")


def test_sobol_indices_of_ishigami_match_the_analytic_values(ishigami_sobol):
    table = sobol_table(load_sweep(ishigami_sobol), ["y"], conf_level=1 - 0.05 / 6)
    ref = ishigami_sobol_indices()
    for index in ("S1", "ST"):
        for k, row in table.iterrows():
            error = abs(row[index] - ref[index][k])
            assert error <= row[f"{index}_conf"], f"{index} of {row['parameter']}: {row[index]:.3f}"
    assert (table["S1_conf"] < 0.15).all() and (table["ST_conf"] < 0.2).all()  # the check has power


@pytest.mark.filterwarnings("error")
def test_an_outcome_that_did_not_vary_gets_no_indices(ishigami_sobol):
    sweep = load_sweep(ishigami_sobol)
    flat = dataclasses.replace(sweep, runs=sweep.runs.assign(y=2.5))
    for table in (sobol_table(flat, ["y"]), feature_table(flat, ["y"])):
        assert len(table) == 3 and table.drop(columns=["design", "outcome", "parameter", "runs"],
                                              errors="ignore").isna().all().all()
    # An outcome undefined in some runs: no Sobol indices, feature scores from the other runs, no PRIM.
    holes = dataclasses.replace(sweep, runs=sweep.runs.assign(y=sweep.runs["y"].where(sweep.runs.index % 7 > 0)))
    assert sobol_table(holes, ["y"])[["S1", "ST"]].isna().all().all()
    scores = feature_table(holes, ["y"])
    assert scores["score"].notna().all() and (scores["runs"] == holes.runs["y"].notna().sum()).all()
    with pytest.raises(AnalyseError, match="undefined"):
        cases_of_interest(holes, "y", 1.0, None)


def test_analyse_sobol_writes_tables_and_one_page(ishigami_sobol, capsys):
    assert main(["analyse", str(ishigami_sobol), "--method", "sobol"]) == 0
    out = ishigami_sobol / "analysis"
    table = pd.read_parquet(out / "sobol.parquet")
    assert list(table["parameter"]) == ["x1", "x2", "x3"] and table["S1"].notna().all()
    assert "| toy | y | x2 |" in (out / "sobol.md").read_text()
    page = (out / "sobol.html").read_text()
    assert page.count("Plotly.newPlot") == 1 and page.count("plotly.js v") == 1  # the JS embedded once
    assert "written:" in capsys.readouterr().out


def test_morris_on_ishigami_matches_the_analytic_mean_absolute_effects(tmp_path):
    """Morris with 4 levels steps by 2/3 of the range (4π/3) between levels ±π, ±π/3.

    Over the grid, |Δy| is 7·sin²(π/3) = 5.25 for x2; |sin Δ| = √3/2 times (1 + 0.1·x3⁴) for
    x1 (x3⁴ averaging ((π)⁴ + (π/3)⁴)/2); 0.1·(π⁴ - (π/3)⁴)·|sin x1| for x3 (|sin x1| averaging
    √3/4). SALib divides by the step in unit scale, 2/3.
    """
    out = sweep(tmp_path, ISHIGAMI.format(sampler="morris", samples=200), "morris")
    sw = load_sweep(out)
    assert len(sw.runs) < len(sample_points(sw.experiment)) == 200 * 4  # repeated points ran once
    table = morris_table(sw, ["y"], conf_level=1 - 0.05 / 3)
    x3_fourth = (PI**4 + (PI / 3) ** 4) / 2
    ref = [math.sqrt(3) / 2 * (1 + B * x3_fourth), A * 0.75, B * (PI**4 - (PI / 3) ** 4) * math.sqrt(3) / 4]
    ref = [r / (2 / 3) for r in ref]
    for k, row in table.iterrows():
        assert abs(row["mu_star"] - ref[k]) <= row["mu_star_conf"] + 1e-9, row["parameter"]
    mu = table.set_index("parameter")["mu_star"]
    assert min(mu["x1"], mu["x2"]) > mu["x3"]


@pytest.fixture(scope="module")
def real_sobol(tmp_path_factory):
    """A small Sobol sweep of the model: staff (drives waits) and the crisis cost price (cannot)."""
    return sweep(tmp_path_factory.mktemp("real"), REAL, "real")


def test_a_parameter_the_outcome_cannot_depend_on_gets_an_interval_containing_zero(real_sobol):
    """costs.crisis_cost only prices crises in the cost columns; waits cannot depend on it.

    Its S1 interval contains 0. Its ST does not vanish: a run's seed follows its parameter
    values, so changing the price changes the noise, and ST takes in that noise share.
    """
    table = sobol_table(load_sweep(real_sobol), ["mean_wait_weeks", "queue_length"], conf_level=1 - 0.05 / 4)
    for _, row in table.iterrows():
        low, high = row["S1"] - row["S1_conf"], row["S1"] + row["S1_conf"]
        if row["parameter"] == "costs.crisis_cost":
            assert low <= 0.0 <= high, row.to_dict()
        else:
            assert low > 0.0, row.to_dict()  # staffing does drive the waits: the check can fail


def test_features_and_prim_find_staffing(real_sobol, capsys):
    assert main(["analyse", str(real_sobol), "--method", "features", "--outcome", "mean_wait_weeks"]) == 0
    scores = pd.read_parquet(real_sobol / "analysis" / "features.parquet").set_index("parameter")["score"]
    assert scores["designs.integraal.fte_per_10k"] > scores["costs.crisis_cost"]
    runs = pd.read_parquet(real_sobol / "runs.parquet")
    cut = float(runs["mean_wait_weeks"].quantile(0.75))
    assert main(["analyse", str(real_sobol), "--method", "prim", "--outcome", "mean_wait_weeks",
                 "--above", str(cut), "--threshold", "0.6"]) == 0
    out = real_sobol / "analysis"
    limits = pd.read_parquet(out / "prim-mean_wait_weeks_limits.parquet").set_index("parameter")
    fte = limits.loc["designs.integraal.fte_per_10k"]
    assert fte["high"] < fte["sweep_high"]  # long waits where staff is low
    trajectory = pd.read_parquet(out / "prim-mean_wait_weeks_trajectory.parquet")
    first, chosen = trajectory.iloc[0], trajectory[trajectory["chosen"]]
    assert (first["coverage"], first["mass"]) == (1.0, 1.0) and len(chosen) == 1
    dense = trajectory[trajectory["density"] >= 0.6]
    assert chosen["coverage"].iloc[0] == dense["coverage"].max() and chosen["density"].iloc[0] >= 0.6
    page = (out / "prim-mean_wait_weeks.html").read_text()
    assert page.count("Plotly.newPlot") == 2 and page.count("plotly.js v") == 1
    capsys.readouterr()


def test_wrong_requests_get_clear_errors(ishigami_sobol, tmp_path, capsys):
    assert main(["analyse", str(ishigami_sobol), "--method", "morris"]) == 2
    assert "needs a sweep sampled with sampler 'morris'; this sweep's sampler is 'sobol'" in capsys.readouterr().err
    assert main(["analyse", str(tmp_path / "nope")]) == 2
    assert "no job.json: not a job folder" in capsys.readouterr().err
    assert main(["analyse", str(ishigami_sobol), "--method", "prim", "--outcome", "y"]) == 2
    assert "exactly one of --above VALUE or --below VALUE" in capsys.readouterr().err
    assert main(["analyse", str(ishigami_sobol), "--method", "prim", "--outcome", "y", "--above", "1e9"]) == 2
    assert "0 of 2560 runs" in capsys.readouterr().err
    assert main(["analyse", str(ishigami_sobol), "--method", "sobol", "--above", "3"]) == 2
    assert "apply to --method prim only" in capsys.readouterr().err
    assert main(["analyse", str(ishigami_sobol), "--outcome", "queue_length"]) == 2
    assert "'queue_length': not kept by this sweep; allowed: y" in capsys.readouterr().err
    compare_like = tmp_path / "compare"
    compare_like.mkdir()
    (compare_like / "job.json").write_text(json.dumps({"identity": {"kind": "comparison"}, "identity_sha256": "0",
                                                       "run_ids": [], "job": {"scenario_file": "x.toml"}}))
    assert main(["analyse", str(compare_like)]) == 2
    assert "job.experiment: missing: not a sweep job" in capsys.readouterr().err


def test_a_sweep_with_unfinished_points_is_refused(tmp_path, capsys):
    out = sweep(tmp_path, ISHIGAMI.format(sampler="sobol", samples=8), "partial")
    runs = pd.read_parquet(out / "runs.parquet")
    runs.iloc[:-3].to_parquet(out / "runs.parquet")  # as if three runs had not finished
    assert main(["analyse", str(out), "--method", "sobol"]) == 2
    assert "sample points have no finished run" in capsys.readouterr().err
    assert main(["analyse", str(out), "--method", "features"]) == 0  # any finished runs will do


@pytest.mark.parametrize("name", ["morris-kleindorp"])
def test_shipped_analysis_experiments_validate(name):
    exp, p = load_experiment(ROOT / "experiments" / f"{name}.toml")
    base = base_scenario(exp, p)
    assert check_parameters(exp, base, p) == []
    assert len(plan(exp, base)) > 0
