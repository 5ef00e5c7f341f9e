"""Paired design comparison: common random numbers shrink the variance of differences."""

import numpy as np
import pandas as pd
import pytest

from sim import compare
from sim.cli import main
from sim.scenario import Scenario, load
from sim.sweep.engine import run_job
from sim.sweep.spec import RunSpec, run_seed
from sim.sweep.store import JobStore

from .conftest import ROOT, shrink

DESIGNS = ["integraal", "outreach"]
# Not open_cases or hours_outreach: in a loaded team cases sit at its capacity and outreach hours
# near zero in both arms, with or without common numbers.
OUTCOMES = ["queue_length", "new_cases", "gave_up_waiting", "informal_hours"]
REPS = 12


@pytest.fixture(scope="module")
def small_city():
    """Kleindorp at 5,000 residents with a short run, staff cut so that a waiting list forms (4 FTE per 10k).

    Outreach is unprotected in every design, so that both designs' outreach hours vary with
    their caseloads (protected hours are the same in every replication); residents stop
    waiting at a weekly hazard of 0.03 and leave the list when their problems resolve.
    """
    data = shrink(load(ROOT / "scenarios" / "kleindorp.toml"), 1 / 3, weeks=52, burn_in=52).model_dump(mode="json")
    data["residents"].update(queue_leave_per_week=0.03, leave_queue_when_resolved=True)
    for design in data["designs"].values():
        design["fte_per_10k"] = 4.0
        design["outreach_protected"] = False
    return Scenario.model_validate(data)


def _outcomes(store: JobStore) -> dict[str, pd.DataFrame]:
    runs = store.runs()
    return {d: runs[runs["design"] == d].sort_values("replication").set_index("replication") for d in DESIGNS}


def test_paired_differences_vary_far_less_than_independent_ones(small_city, tmp_path):
    paired = JobStore(tmp_path / "paired")
    run_job(paired, {"t": "paired"}, {}, compare.plan(small_city, DESIGNS, REPS), small_city.model_dump(mode="json"),
            OUTCOMES, workers=2, progress=False)
    # The same runs, but the second design with seeds of its own (independent sampling).
    independent = [RunSpec(0, r, d, {}, run_seed(small_city.meta.seed + (1000 if d == "outreach" else 0), {}, r))
                   for r in range(REPS) for d in DESIGNS]
    indep = JobStore(tmp_path / "independent")
    run_job(indep, {"t": "independent"}, {}, independent, small_city.model_dump(mode="json"), OUTCOMES, workers=2,
            progress=False)
    p, i = _outcomes(paired), _outcomes(indep)
    for outcome in OUTCOMES:
        var_paired = (p["outreach"][outcome] - p["integraal"][outcome]).var(ddof=1)
        var_indep = (i["outreach"][outcome] - i["integraal"][outcome]).var(ddof=1)
        # With equal variances, a ratio of two sample variances (11 and 11 degrees of freedom)
        # falls below 0.25 with probability < 0.02 (F distribution), so this is not chance.
        assert var_paired < 0.25 * var_indep, (outcome, var_paired, var_indep)


def test_paired_table_intervals_and_baseline(small_city):
    runs = pd.DataFrame([{"design": d, "replication": r, "status": "ok", "y": r + (2.0 if d == "b" else 0.0)}
                         for r in range(5) for d in ("a", "b")])
    table = compare.paired_table(runs, ["a", "b"], ["y"]).set_index("design")
    assert table.loc["b", "difference"] == pytest.approx(2.0)
    assert table.loc["b", "difference_low"] == pytest.approx(2.0)  # no spread in the paired differences
    assert np.isnan(table.loc["a", "difference"])
    assert table.loc["a", "low"] < 2.0 < table.loc["a", "high"]


def test_one_markdown_writer_and_one_interval_for_every_table():
    from sim.intervals import half_width, mean_interval
    from sim.markdown import pipe_table

    assert pipe_table(["a", "b"], [["1", ""], ["x", "y"]]) == "| a | b |\n|---|---|\n| 1 |  |\n| x | y |\n"
    assert pipe_table(["a"], []) == "| a |\n|---|\n"
    x = np.array([1.0, 2.0, 3.0, np.nan])
    mean, low, high = mean_interval(x)
    assert mean == 2.0 and high - mean == pytest.approx(mean - low) == pytest.approx(half_width(x[:3]))
    assert half_width(x[:3]) == pytest.approx(4.303 / np.sqrt(3), rel=1e-3)  # t(0.975, 2) = 4.303, sd = 1
    assert np.isnan(mean_interval(np.array([5.0]))[1]) and np.isnan(mean_interval(np.array([]))[0])


def test_equal_staff_and_budget_scale_the_other_designs(small_city):
    data = small_city.model_dump(mode="json")
    data["designs"]["outreach"]["fte_per_10k"] = 9.0
    sc = small_city.model_validate(data)
    for equal in ("staff", "budget"):
        eq = compare.equalise(sc, DESIGNS, equal)
        assert eq.designs["outreach"].fte_per_10k == pytest.approx(eq.designs["integraal"].fte_per_10k)
        assert compare.team_cost_per_year(eq, "outreach") == pytest.approx(compare.team_cost_per_year(eq, "integraal"))


def test_compare_command_writes_the_table(tmp_path, small_city, capsys):
    import tomli_w

    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(small_city.model_dump(mode="json", exclude_none=True)))
    out = tmp_path / "cmp"
    assert main(["compare", str(path), "--designs", "integraal,poortwachter", "--replications", "6", "--workers",
                 "0", "--quiet", "--out", str(out)]) == 0
    table = pd.read_parquet(out / "comparison.parquet")
    assert set(table["design"]) == {"integraal", "poortwachter"}
    assert set(table["outcome"]) == set(compare.OUTCOMES)
    text = (out / "comparison.md").read_text()
    assert "poortwachter - integraal (paired, 95 % interval)" in text
    printed = capsys.readouterr().out
    head = printed[printed.index("integraal  poortwachter"):printed.index("Every outcome")]
    assert max(len(line) for line in head.splitlines()) <= 100 and "e+" not in head
    cost = table[(table["outcome"] == "cost_per_resident") & (table["design"] == "integraal")]["mean"].iloc[0]
    assert f"{'cost per resident per year (EUR)':<32}" + f"{compare.compact(52 * cost) + ' ':>11}" in head
    gateway = table[(table["design"] == "poortwachter") & (table["outcome"] == "referrals_youth_care")]
    assert gateway["difference_low"].iloc[0] > 0  # the gateway design refers more
    assert main(["compare", str(path), "--designs", "integraal", "--replications", "3", "--out", str(out)]) == 2
