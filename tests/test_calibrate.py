"""Calibration and validation: recovery of known parameters, clear errors, loadable output."""

import argparse
import re

import pandas as pd
import pytest
import tomlkit

from sim.calibrate.command import calibrate
from sim.calibrate.space import SpaceError, free_parameters
from sim.calibrate.targets import TargetsError, load_targets
from sim.calibrate.validate import CALIBRATION, plan
from sim.cli import main
from sim.scenario import load
from sim.sweep.engine import run_job
from sim.sweep.store import JobStore

from .conftest import ROOT

TARGETS = ROOT / "scenarios" / "targets-nl.toml"
GOOD_TARGET = """
[[targets]]
id = "carers"
observable = "overburdened_carers_share"
value = 0.09
tolerance = 0.03
source = "RIVM Monitor Langer Thuis 2019"
use = "calibration"
"""


def test_shipped_targets_file_names_the_published_figures_with_sources():
    targets = load_targets(TARGETS)
    assert {"youth_care_share_under23", "youth_help_by_team_share", "household_help_per_1000",
            "support_at_home_per_1000", "overburdened_carers_share", "ggz_waiting_beyond_norm_share",
            "child_protection_per_1000_minors", "team_wait_weeks", "team_clients_share",
            "youth_cases_closed_within_year", "jeugdwet_spending_per_inhabitant",
            "wmo_provision_spending_per_inhabitant", "team_cost_per_inhabitant"} <= set(targets.observables)
    assert all(t.source and t.tolerance > 0 for t in targets.targets)


@pytest.mark.parametrize(("change", "field", "allowed"), [
    (("overburdened_carers_share", "no_such_thing"), "observable", "allowed: child_protection_per_1000_minors"),
    (("tolerance = 0.03", "tolerance = -0.5"), "tolerance", "allowed: a finite number > 0"),
    (("value = 0.09", "value = nan"), "value", "allowed: a finite number"),
    (('source = "RIVM Monitor Langer Thuis 2019"\n', ""), "source", "missing"),
    (('use = "calibration"', 'use = "maybe"'), "use", "allowed: calibration or holdout"),
])
def test_bad_target_files_get_a_clear_error_and_exit_status_2(tmp_path, capsys, change, field, allowed):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD_TARGET.replace(*change))
    with pytest.raises(TargetsError) as err:
        load_targets(bad)
    line = err.value.problems[0]
    assert line.startswith(f"{bad}: targets[0].{field}:") and allowed in line
    code = main(["validate", str(ROOT / "scenarios" / "kleindorp.toml"), "--targets", str(bad), "--workers", "0"])
    assert code == 2 and f"targets[0].{field}" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["kleindorp", "middenstad", "grootstad"])
def test_the_shipped_profiles_mark_free_parameters_with_valid_ranges(name):
    path = ROOT / "scenarios" / f"{name}.toml"
    assert len(free_parameters(path, load(path))) == 9  # the direct referral rate is the ninth


def test_a_calibrate_range_on_a_sourced_value_or_past_the_schema_is_refused(tmp_path):
    text = (ROOT / "scenarios" / "kleindorp.toml").read_text()
    sourced = tmp_path / "sourced.toml"
    spent = "so EUR 11.6k / 19.0 a week"  # the end of youth care's sourced cost
    sourced.write_text(text.replace(spent, spent + "; calibrate: [100, 300]"))
    with pytest.raises(SpaceError, match=r"specialists.youth_care.cost_per_week: calibrate range on a source value"):
        free_parameters(sourced, load(sourced))
    wide = tmp_path / "wide.toml"
    wide.write_text(text.replace("calibrate: [0.2, 0.9]", "calibrate: [0.2, 9]"))
    with pytest.raises(SpaceError, match=r"informal.overburden_load: calibrate range end 9 gives an invalid"):
        free_parameters(wide, load(wide))


# Recovery on a synthetic problem: a small town simulated at known values of two assumption
# parameters; its observables become the targets; calibration starts elsewhere.
TRUTH = {"informal.overburden_load": 0.45, "problems.care.onset_per_1000_per_year*scale": 1.4}
RANGES = {"informal.overburden_load": (0.2, 0.9), "problems.care.onset_per_1000_per_year*scale": (0.5, 2.5)}


def _small_town(tmp_path):
    """Kleindorp at a fifth of its size, one recorded year; only the two recovery parameters free."""
    text = re.sub(r"; calibrate: (scale )?\[[^\]]*\]", "", (ROOT / "scenarios" / "kleindorp.toml").read_text())
    doc = tomlkit.parse(text)
    for n in doc["neighbourhoods"]:
        n["residents"] = int(n["residents"] * 0.2)
    doc["meta"]["weeks"], doc["meta"]["burn_in_weeks"] = 52, 52
    for path, (low, high) in RANGES.items():
        *parents, leaf = path.removesuffix("*scale").split(".")
        table = doc
        for part in parents:
            table = table[part]
        kind = "scale " if path.endswith("*scale") else ""
        table[leaf].comment(table[leaf].trivia.comment.lstrip("# ") + f"; calibrate: {kind}[{low}, {high}]")
    path = tmp_path / "town.toml"
    path.write_text(tomlkit.dumps(doc))
    return path


def test_calibration_recovers_known_parameters_of_the_real_simulation(tmp_path):
    town = _small_town(tmp_path)
    scenario = load(town)
    space = free_parameters(town, scenario)
    assert [f.name for f in space] == ["problems.care.onset_per_1000_per_year*scale", "informal.overburden_load"]
    truth = {}
    for free in space:
        truth.update(free.overrides(TRUTH[free.name]))
    observables = ["overburdened_carers_share", "household_help_per_1000"]
    run_job(JobStore(tmp_path / "truth"), {"kind": "truth"}, {}, plan(scenario, 3, CALIBRATION, 0, truth),
            scenario.model_dump(mode="json"), observables, workers=0, progress=False)
    means = JobStore(tmp_path / "truth").runs()[observables].mean()
    targets = tmp_path / "targets.toml"
    targets.write_text("".join(
        f'[[targets]]\nid = "{name}"\nobservable = "{name}"\nvalue = {float(means[name])!r}\n'
        f'tolerance = {0.05 * float(means[name])!r}\nsource = "simulated at known values"\nuse = "calibration"\n\n'
        for name in observables))
    args = argparse.Namespace(scenario=str(town), targets=str(targets), replications=3, workers=0, scheduler=None,
                              yes=False, out=str(tmp_path / "cal"), quiet=True, budget=40, batch=8, set=[])
    assert calibrate(args) in (0, 1)
    trials = pd.read_parquet(tmp_path / "cal" / "trials.parquet")
    best = trials.loc[trials["loss"].idxmin()]
    for name, (low, high) in RANGES.items():
        assert abs(best[name] - TRUTH[name]) <= 0.1 * (high - low), (name, best[name])
    calibrated = load(tmp_path / "cal" / "town-calibrated.toml")
    assert calibrated.informal.overburden_load == pytest.approx(best["informal.overburden_load"], rel=1e-3)
    assert "calibrated: " in (tmp_path / "cal" / "town-calibrated.toml").read_text()
    again = {f.name: f for f in free_parameters(tmp_path / "cal" / "town-calibrated.toml", calibrated)}
    scale = again["problems.care.onset_per_1000_per_year*scale"]  # the same span of values as before
    factor = best["problems.care.onset_per_1000_per_year*scale"]
    assert scale.high == pytest.approx(RANGES[scale.name][1] / factor, rel=1e-3)
    table = pd.read_parquet(tmp_path / "cal" / "validation.parquet")
    assert set(table["id"]) == set(observables) and (tmp_path / "cal" / "validation.html").stat().st_size > 100_000


# Held-out figures each shipped profile misses at full scale (README, Calibration): a miss is
# reported, not widened away; the test fails when one of them starts to pass or another is missed.
KNOWN_MISSES = {
    "kleindorp": set(),
    "middenstad": set(),
}


@pytest.mark.parametrize(("name", "replications"), [("kleindorp", 6), ("middenstad", 4)])
def test_the_shipped_profiles_meet_every_calibration_target_at_full_scale(tmp_path, name, replications):
    # grootstad (600,000 residents) takes middenstad's values; validated by hand (README), not here
    code = main(["validate", str(ROOT / "scenarios" / f"{name}.toml"), "--targets", str(TARGETS),
                 "--replications", str(replications), "--workers", "0", "--quiet", "--out", str(tmp_path)])
    table = pd.read_parquet(tmp_path / "validation.parquet")
    missed = table[~table["within"]]
    assert len(table) == len(load_targets(TARGETS).targets)
    assert set(missed["id"]) == KNOWN_MISSES[name], table[["id", "use", "value", "tolerance", "simulated"]]
    assert (missed["use"] == "holdout").all() and code == (1 if len(missed) else 0)


def test_calibration_resumes_with_the_same_trials_and_validation_fails_with_status_1(tmp_path, capsys):
    town = _small_town(tmp_path)
    targets = tmp_path / "targets.toml"
    targets.write_text(GOOD_TARGET.replace("value = 0.09", "value = 0.9").replace("tolerance = 0.03",
                                                                                  "tolerance = 0.01"))
    args = argparse.Namespace(scenario=str(town), targets=str(targets), replications=2, workers=0, scheduler=None,
                              yes=False, out=str(tmp_path / "cal"), quiet=True, budget=4, batch=2, set=[])
    assert calibrate(args) == 1  # 90 % overburdened carers is out of reach: not within tolerance
    first = pd.read_parquet(tmp_path / "cal" / "trials.parquet")
    parts = sorted((tmp_path / "cal" / "search" / "runs").glob("*.parquet"))
    stamps = [p.stat().st_mtime_ns for p in parts]
    assert len(parts) == 8 and calibrate(args) == 1
    pd.testing.assert_frame_equal(first, pd.read_parquet(tmp_path / "cal" / "trials.parquet"))
    assert [p.stat().st_mtime_ns for p in parts] == stamps  # every run found done, none recomputed


def test_calibrate_without_free_parameters_is_refused(tmp_path, capsys):
    code = main(["calibrate", str(ROOT / "scenarios" / "queue-only.toml"), "--targets", str(TARGETS),
                 "--workers", "0", "--out", str(tmp_path)])
    assert code == 2 and "no free parameters" in capsys.readouterr().err
