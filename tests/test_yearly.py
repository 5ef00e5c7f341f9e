"""Calendar years: yearly tables beside the weekly ones, meta.start_date, and changes given by date."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.cli import main
from sim.run import simulate
from sim.scenario import ScenarioError, load, with_overrides
from sim.tables import column_kind, yearly

ROOT = Path(__file__).resolve().parent.parent
KLEINDORP = ROOT / "scenarios" / "kleindorp.toml"


@pytest.fixture(scope="module")
def two_and_a_half_years(small):
    """The small scenario over 130 recorded weeks: two whole years and half of a third."""
    return simulate(with_overrides(small, **{"meta.weeks": 130}))


def test_a_year_adds_up_its_weeks(two_and_a_half_years):
    weekly = two_and_a_half_years.totals
    years = yearly(weekly)
    assert years["year"].tolist() == [1, 2, 3] and years["weeks"].tolist() == [52, 52, 26]
    in_year = weekly["week"] // 52 + 1
    for column in ("new_cases", "intakes", "crises", "cost_total", "referrals_ggz"):
        assert column_kind(column) == "flow"
        np.testing.assert_array_equal(years[column], weekly.groupby(in_year)[column].sum())
    for column in ("queue_length", "open_cases", "prevalence_care"):
        np.testing.assert_allclose(years[column], weekly.groupby(in_year)[column].mean())
    waits = weekly.groupby(in_year)[["intake_wait_weeks", "intakes"]].sum()
    np.testing.assert_allclose(years["mean_wait_weeks"], waits["intake_wait_weeks"] / waits["intakes"])
    np.testing.assert_allclose(years["cost_per_resident"], weekly.groupby(in_year)["cost_per_resident"].sum())


def test_the_neighbourhoods_years_add_up_to_the_municipality(two_and_a_half_years):
    by_nbh = yearly(two_and_a_half_years.by_neighbourhood, ("neighbourhood", "neighbourhood_name"))
    totals = yearly(two_and_a_half_years.totals)
    for column in ("new_cases", "residents", "queue_length", "cost_total"):
        np.testing.assert_allclose(by_nbh.groupby("year")[column].sum().to_numpy(), totals[column].to_numpy())
    assert set(by_nbh["neighbourhood_name"]) == {n.name for n in load(KLEINDORP).neighbourhoods}


def _dated(tmp_path, change: str, start: str | None = "2027-01-04") -> Path:
    """Kleindorp with meta.start_date (unless None) and one change table."""
    text = KLEINDORP.read_text(encoding="utf-8")
    if start:
        text = text.replace("\n[meta]\n", f"\n[meta]\nstart_date = {start}\n", 1)
    path = tmp_path / "dated.toml"
    path.write_text(text + f"\n[[changes]]\npath = \"specialists.ggz.places_per_10k\"\nvalue = 4.0\n{change}\n",
                    encoding="utf-8")
    return path


def test_a_change_by_date_takes_the_week_the_date_falls_in(tmp_path):
    sc = load(_dated(tmp_path, "date = 2029-03-01"))
    assert sc.meta.start_date == datetime.date(2027, 1, 4)
    assert sc.changes[0].week == (datetime.date(2029, 3, 1) - datetime.date(2027, 1, 4)).days // 7 == 112
    assert type(sc).model_validate(sc.model_dump(mode="json")) == sc  # a JSON copy (workers, manifests) reads back


@pytest.mark.parametrize(("change", "start", "expected"), [
    ("date = 2029-03-01", None, "changes[0].date 2029-03-01: a change by date needs meta.start_date"),
    ("date = 2026-03-01", "2027-01-04", "changes[0].date 2026-03-01: before meta.start_date 2027-01-04"),
    ("date = 2029-03-01\nweek = 3", "2027-01-04", "changes[0]: week 3 and date 2029-03-01 (week 112) disagree"),
    ("date = 2040-03-01", "2027-01-04", "from week 686 (2040-03-01)): week 686: allowed range [0, 259]"),
])
def test_a_change_by_date_that_cannot_be_placed_is_refused(tmp_path, change, start, expected):
    with pytest.raises(ScenarioError) as err:
        load(_dated(tmp_path, change, start))
    assert expected in err.value.problems[0], err.value.problems


def test_a_run_folder_holds_yearly_tables_with_their_dates_and_units(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(_dated(tmp_path, "date = 2029-03-01")), "--quiet", "--weeks", "120",
                 "--out", str(out)]) == 0
    table = pq.read_table(out / "yearly_totals.parquet")
    years = table.to_pandas()
    assert years["from_date"].tolist() == [datetime.date(2027, 1, 4), datetime.date(2028, 1, 3),
                                           datetime.date(2029, 1, 1)]
    assert years["weeks"].tolist() == [52, 52, 16]
    assert table.schema.field("new_cases").metadata[b"unit"] == b"cases per year"
    assert table.schema.metadata[b"wijkteam_table"] == b"yearly_totals"
    by_nbh = pq.read_table(out / "neighbourhood_yearly.parquet").to_pandas()
    assert len(by_nbh) == 3 * 4


def test_a_budget_is_set_against_each_years_spending(two_and_a_half_years):
    from sim.tables import with_budgets

    years = with_budgets(yearly(two_and_a_half_years.totals), {"wmo": 150.0, "jeugdwet": 200.0})
    residents = two_and_a_half_years.totals["residents"].iloc[0]
    np.testing.assert_allclose(years["budget_wmo"], 150.0 * residents * np.array([1, 1, 0.5]))
    np.testing.assert_allclose(years["over_budget_jeugdwet"], years["cost_jeugdwet"] - years["budget_jeugdwet"])
    assert "budget_participatiewet" not in years


def test_budgets_reach_the_run_folder_and_the_report(tmp_path):
    text = KLEINDORP.read_text(encoding="utf-8") + "\n[budgets]\nwmo = 160.0\njeugdwet = 200.0\n"
    scenario = tmp_path / "budgeted.toml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", str(scenario), "--quiet", "--weeks", "104", "--out", str(out)]) == 0
    table = pq.read_table(out / "yearly_totals.parquet")
    years = table.to_pandas()
    assert years["budget_wmo"].tolist() == [160.0 * 15_000, 160.0 * 15_000]
    assert table.schema.field("over_budget_jeugdwet").metadata[b"unit"] == b"EUR per year"
    assert main(["report", str(out), "--lang", "en"]) == 0
    page = (out / "report-en.html").read_text(encoding="utf-8")
    assert "Spending against the budget" in page
    assert "<h3>Youth Act (municipality): spending per year (EUR)</h3>" in page
    spent = years["cost_wmo"].iloc[0]
    assert f"{spent:,.0f} ({100 * spent / 2_400_000:.4g} %)" in page.replace("\u202f", "")


def test_a_negative_budget_is_refused(tmp_path):
    path = tmp_path / "budgeted.toml"
    path.write_text(KLEINDORP.read_text(encoding="utf-8") + "\n[budgets]\nwmo = -5.0\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"budgets\.wmo: -5\.0: Input should be greater than or equal to 0"):
        load(path)


def _budgeted(scenario, overspend: str, wmo: float = 20.0):
    """The scenario with a Wmo budget (default: far below its spending), and the given response to overspending."""
    budgets = {"wmo": wmo, "overspend": overspend, "tighten_per_week": 0.02, "tighten_most": 0.3}
    data = {**scenario.model_dump(mode="json", exclude_none=True), "budgets": budgets}
    return type(scenario).model_validate(data)


def test_stricter_access_grants_fewer_provisions_once_spending_runs_ahead(small):
    reported, stricter = (simulate(_budgeted(small, o)).totals for o in ("report", "stricter_access"))
    assert reported[reported["week"] == 0].equals(stricter[stricter["week"] == 0])  # it responds after a week
    granted = [t.query("week >= 10")[["granted_household_help", "granted_support_at_home"]].to_numpy().sum()
               for t in (reported, stricter)]
    assert granted[1] < 0.8 * granted[0], granted  # the provision threshold is 0.2-0.3 higher from week 10 on
    assert reported.equals(simulate(small).totals)  # a budget that is only reported changes nothing


def test_the_reference_engine_makes_access_stricter_too(small):
    from sim.reference.model import ReferenceModel

    tiny = small.model_copy(update={"neighbourhoods": [n.model_copy(update={"residents": n.residents // 2})
                                                       for n in small.neighbourhoods]})
    granted = []
    for overspend in ("report", "stricter_access"):
        model = ReferenceModel(_budgeted(tiny, overspend))
        for _ in range(tiny.meta.burn_in_weeks + tiny.meta.weeks):
            model.step()
        rows = pd.DataFrame(model.rows)
        granted.append(rows.query("week >= 10")[["granted_household_help", "granted_support_at_home"]].to_numpy().sum())
    assert granted[1] < 0.8 * granted[0], granted


def test_stricter_access_needs_its_steps(tmp_path):
    path = tmp_path / "budgeted.toml"
    path.write_text(KLEINDORP.read_text(encoding="utf-8") + '\n[budgets]\nwmo = 150.0\noverspend = "stricter_access"\n',
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match="overspend 'stricter_access' needs tighten_per_week and tighten_most"):
        load(path)


@pytest.fixture(scope="module")
def village():
    """Kleindorp at 30 % (4,500 residents), two recorded years: some 70 provisions granted."""
    from .conftest import shrink

    return shrink(load(KLEINDORP), 0.3, weeks=104)


BUDGET = 138.0  # EUR per resident per year for the Wmo


def test_a_waiting_list_holds_provisions_while_spending_runs_ahead_and_releases_them_as_the_budget_allows(village):
    """A Wmo budget of EUR 138 per resident, about 5 % below what the village spends without a waiting list (145)."""
    reported, waiting = (simulate(_budgeted(village, o, wmo=BUDGET)) for o in ("report", "waiting_list"))
    held = waiting.totals["waiting_provisions"]
    first = int(waiting.totals.loc[held > 0, "week"].iloc[0])
    tot = reported.totals  # the first week spending runs ahead of the budget pro rata (from then on, grants wait)
    budget_so_far = BUDGET * tot["residents"] / 52 * (tot["week"] % 52 + 1)
    ahead = int(tot.loc[tot.groupby(tot["week"] // 52)["cost_wmo"].cumsum() > budget_so_far, "week"].iloc[0])
    same = [r.totals.query(f"week <= {ahead}").drop(columns="waiting_provisions", errors="ignore") for r in
            (reported, waiting)]
    assert ahead <= first and same[0].equals(same[1])  # nothing differs until spending first runs ahead
    late = [r.totals.query(f"week > {first + 4}") for r in (reported, waiting)]
    assert held.max() > 0 and late[1]["provisions_household_help"].mean() < late[0]["provisions_household_help"].mean()
    assert late[1]["cost_provisions"].sum() < late[0]["cost_provisions"].sum()
    assert (late[1]["granted_household_help"].sum() + late[1]["granted_support_at_home"].sum()
            >= 0.8 * (late[0]["granted_household_help"].sum() + late[0]["granted_support_at_home"].sum()))
    assert "waiting_provisions" not in reported.totals
    assert held.iloc[-1] < held.max()  # released as the budget allows (a new budget year at least)
    spent = [r.totals["cost_wmo"].sum() / 2 / r.totals["residents"].iloc[0] for r in (reported, waiting)]
    assert spent[1] <= BUDGET < spent[0], spent


def test_releases_never_promise_more_than_the_budget_left_this_year():
    from sim.budgets import Access
    from sim.scenario import Budgets

    access = Access(Budgets(wmo=52.0, overspend="waiting_list"), 1000)  # EUR 1,000 a week
    access.week(0, {"wmo": 900.0})  # EUR 100 left, 51 weeks to go
    assert not access.holding
    assert access.releasable(np.array([1.0, 0.9, 0.1, 5.0])) == 2  # 1.9 x 51 = 96.9 <= 100; + 0.1 x 51 over
    access.week(1, {"wmo": 1200.0})  # ahead of the budget pro rata: hold, release nothing
    assert access.holding and access.releasable(np.array([0.01])) == 0


def test_the_reference_engine_keeps_a_waiting_list_too(village):
    from sim.reference.model import ReferenceModel

    rows = []
    for overspend in ("report", "waiting_list"):
        model = ReferenceModel(_budgeted(village, overspend, wmo=BUDGET))
        for _ in range(village.meta.burn_in_weeks + village.meta.weeks):
            model.step()
        rows.append(pd.DataFrame(model.rows))
    assert rows[1]["waiting_provisions"].max() > 0
    assert rows[1]["cost_provisions"].sum() < rows[0]["cost_provisions"].sum()


def test_a_waiting_list_needs_a_wmo_budget(tmp_path):
    path = tmp_path / "budgeted.toml"
    budget = '\n[budgets]\njeugdwet = 150.0\noverspend = "waiting_list"\n'
    path.write_text(KLEINDORP.read_text(encoding="utf-8") + budget, encoding="utf-8")
    with pytest.raises(ScenarioError, match="overspend 'waiting_list' holds Wmo provisions: it needs a wmo budget"):
        load(path)
