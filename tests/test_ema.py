"""The EMA Workbench bridge: schema-bounded parameters, and an evaluator on the run engine.

The engine evaluator's results equal EMA's own sequential evaluator's (same seeds) and the
engine's run table, and a second evaluation of the same experiments runs nothing again.
"""

import importlib
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.scenario import ScenarioError, with_overrides
from sim.sweep.ema import (
    EngineEvaluator,
    ema_workbench,
    load_ema_experiment,
    run_ema_experiment,
    schema_parameters,
    wijkteam_model,
)
from sim.sweep.experiment import ExperimentError
from sim.sweep.store import JobStore

from .conftest import ROOT, shrink
from .response_models import register_response_models

register_response_models()
ema = ema_workbench()
SHIPPED_EMA = ROOT / "experiments" / "ema-kleindorp.toml"


@pytest.fixture(scope="module")
def tiny(rural):
    """Kleindorp at a tenth of its residents, 26 recorded weeks."""
    return shrink(rural, 0.1, weeks=26, burn_in=26)


def model(scenario):
    """Two uncertainties (one at its schema bounds), two levers, two replications."""
    return wijkteam_model(scenario, {"signals.self_report_per_week": (0.002, 0.03), "costs.crisis_cost": None},
                          {"designs.integraal.fte_per_10k": (1.5, 4.0), "designs.integraal.caseload_cap": (10, 40)},
                          outcomes=["mean_wait_weeks", "crises"], seed=5, replications=2)


def experiments(evaluator_or_model, **kw):
    """Three scenarios times two policies, seeded samples."""
    args = {"scenarios": 3, "policies": 2, "uncertainty_sampling_kwargs": {"rng": 1},
            "lever_sampling_kwargs": {"rng": 2}, **kw}
    if isinstance(evaluator_or_model, EngineEvaluator):
        return evaluator_or_model.perform_experiments(**args)
    return ema.perform_experiments(evaluator_or_model, **args)


def test_engine_evaluator_equals_ema_sequential_and_the_engine_table(tiny, tmp_path):
    m = model(tiny)
    with EngineEvaluator(m, tmp_path / "job", workers=2, progress=False) as ev:
        cases, outcomes = experiments(ev)
    assert (ev.report.executed, ev.report.failed) == (12, 0)
    seq_cases, seq_outcomes = experiments(m)  # EMA's own evaluator, in-process
    names = ["scenario", "policy"]  # EMA numbers its samples by a global counter
    pd.testing.assert_frame_equal(cases.drop(columns=names), seq_cases.drop(columns=names))
    for name in ("mean_wait_weeks", "crises"):
        np.testing.assert_array_equal(outcomes[name], seq_outcomes[name])
    assert np.ptp(outcomes["mean_wait_weeks"]) > 0  # the experiments differ
    runs = JobStore(tmp_path / "job").runs()
    means = runs.groupby(["designs.integraal.fte_per_10k", "signals.self_report_per_week"])["mean_wait_weeks"].mean()
    for k, row in cases.iterrows():
        key = (row["designs__integraal__fte_per_10k"], row["signals__self_report_per_week"])
        assert means.loc[key] == outcomes["mean_wait_weeks"][k]
    assert sorted(runs["replication"].value_counts()) == [6, 6]
    # Resumable: the same experiments again run nothing and give the same outcomes.
    with EngineEvaluator(m, tmp_path / "job", workers=0, progress=False) as again:
        _, outcomes_again = experiments(again)
    assert (again.report.skipped, again.report.executed) == (12, 0)
    np.testing.assert_array_equal(outcomes_again["crises"], outcomes["crises"])


def test_parameter_ranges_are_the_schema_bounds(tiny):
    params = schema_parameters(tiny)
    cap = params["designs.integraal.caseload_cap"]
    assert cap.integer and (cap.low, cap.high) == (1, 500)
    assert not any(p.startswith(("meta.", "assumptions.")) for p in params)
    for path, par in params.items():  # one step outside either bound, the scenario is refused
        below = par.low - 1 if par.integer else float(np.nextafter(par.low, -np.inf))
        above = par.high + 1 if par.integer else float(np.nextafter(par.high, np.inf))
        for value in (below, above):
            with pytest.raises(ScenarioError):
                with_overrides(tiny, **{path: value})
    m = model(tiny)
    crisis = m.uncertainties["costs__crisis_cost"]
    assert (crisis.lower_bound, crisis.upper_bound) == (0.0, params["costs.crisis_cost"].high)
    assert isinstance(m.levers["designs__integraal__caseload_cap"], ema.IntegerParameter)
    m.constants = [ema.Constant("staff_hours", 32.0, variable_name="designs.integraal.hours_per_fte")]
    values = {"signals__self_report_per_week": 0.01, "costs__crisis_cost": 5.0, "designs__integraal__fte_per_10k": 2,
              "designs__integraal__caseload_cap": 12.0}
    assert m.overrides(values) == {"signals.self_report_per_week": 0.01, "costs.crisis_cost": 5.0,
                                   "designs.integraal.fte_per_10k": 2.0, "designs.integraal.caseload_cap": 12,
                                   "designs.integraal.hours_per_fte": 32.0}


def test_bad_parameters_are_refused_with_the_allowed_range(tiny):
    with pytest.raises(ValueError, match=r"self_report_per_week: range \[0.0, 2.0\]: allowed range \[0.0, 1.0\]"):
        wijkteam_model(tiny, {"signals.self_report_per_week": (0.0, 2.0)})
    with pytest.raises(ValueError, match="a design field is a lever"):
        wijkteam_model(tiny, {"designs.integraal.fte_per_10k": None})
    with pytest.raises(ValueError, match="a lever must be a field of designs.integraal"):
        wijkteam_model(tiny, {}, {"signals.self_report_per_week": None})
    with pytest.raises(ValueError, match="nope: not a bounded numeric parameter of the scenario"):
        wijkteam_model(tiny, {"nope": None})
    with pytest.raises(ValueError, match="'waits' is not an outcome"):
        wijkteam_model(tiny, {}, outcomes=["waits"])


def test_without_the_workbench_the_messages_say_how_to_install_it(tmp_path, monkeypatch, capsys):
    path = tmp_path / "grid.toml"
    path.write_text("""
[experiment]
name = "grid"
description = "a tiny grid of the Ishigami function"
model = "ishigami"
sampler = "grid"
samples_are = "unused"
replications = 1
seed = 1
outcomes = ["y"]
""" + "".join(f'\n[[parameters]]\npath = "x{k}"\nvalues = [-1.0, 0.5, 2.0]\n' for k in (1, 2, 3)))
    assert main(["sweep", str(path), "--workers", "0", "--out", str(tmp_path / "g"), "--quiet"]) == 0
    for name in [m for m in sys.modules if m.split(".")[0] == "ema_workbench"]:
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"pip install '\.\[ema\]'"):
        ema_workbench()
    monkeypatch.delitem(sys.modules, "sim.sweep.ema")
    with pytest.raises(ImportError, match=r"sim.sweep.ema needs the EMA Workbench"):
        importlib.import_module("sim.sweep.ema")
    capsys.readouterr()
    assert main(["analyse", str(tmp_path / "g"), "--method", "prim", "--outcome", "y", "--above", "3"]) == 2
    assert "--method prim needs the EMA Workbench: pip install '.[ema]'" in capsys.readouterr().err
    assert main(["analyse", str(tmp_path / "g"), "--method", "features"]) == 0  # the rest works without it


def ema_file(tmp_path, lines: dict[str, object]) -> Path:
    """The shipped EMA experiment, its scenario path made absolute, `key = value` lines replaced."""
    text = SHIPPED_EMA.read_text().replace("../scenarios/", f"{ROOT}/scenarios/")
    for key, value in lines.items():
        text = re.sub(rf"^{re.escape(key)} = .*$", f"{key} = {value}", text, flags=re.M)
    path = tmp_path / "ema.toml"
    path.write_text(text)
    return path


def test_an_ema_experiment_file_runs_and_resumes(tmp_path):
    exp, m = load_ema_experiment(SHIPPED_EMA)
    assert (len(m.uncertainties), len(m.levers), exp.scenarios * exp.policies * exp.replications) == (4, 2, 320)
    outreach = m.levers["designs__integraal__outreach_share"]
    assert (outreach.lower_bound, outreach.upper_bound) == (0.0, 1.0)  # "schema": the declared bounds
    small = ema_file(tmp_path, {"residents_scale": 0.05, "scenarios": 3, "policies": 1, "replications": 1,
                                '"meta.weeks"': 13, '"meta.burn_in_weeks"': 13})
    cases, outcomes = run_ema_experiment(small, tmp_path / "job", workers=0, progress=False)
    assert len(cases) == 3 and len(JobStore(tmp_path / "job").runs()) == 3
    again_cases, again = run_ema_experiment(small, tmp_path / "job", workers=0, progress=False)
    np.testing.assert_array_equal(again["mean_wait_weeks"], outcomes["mean_wait_weeks"])
    names = ["scenario", "policy"]
    pd.testing.assert_frame_equal(cases.drop(columns=names), again_cases.drop(columns=names))


def test_a_bad_ema_experiment_file_names_the_file_and_the_problem(tmp_path):
    with pytest.raises(ExperimentError, match="ema.toml.*levers are sampled as policies"):
        load_ema_experiment(ema_file(tmp_path, {"policies": 0}))
    bad = ema_file(tmp_path, {'"residents.care_avoider_share"': "[0.05, 1.3]"})
    with pytest.raises(ExperimentError, match=r"ema.toml: residents.care_avoider_share: range .*allowed range \[0.0"):
        load_ema_experiment(bad)


def test_wijkteam_sweep_points_an_ema_file_to_its_runner(capsys):
    assert main(["sweep", str(SHIPPED_EMA), "--workers", "0", "--quiet"]) == 2
    assert "an EMA Workbench experiment ([ema] table), not a sweep" in capsys.readouterr().err
