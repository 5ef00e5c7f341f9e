"""Whole-model behaviour: reproducibility, common random numbers, accounting identities."""

import numpy as np
import pandas as pd
import pytest

from sim.core.counts import week_counts
from sim.domains import C_CASEWORK, DISCIPLINES
from sim.model import WijkteamModel
from sim.run import simulate
from sim.scenario import with_overrides
from sim.tables import unit_of


@pytest.fixture(scope="module")
def leaving(small):
    """The small scenario with residents who stop waiting (weekly hazard 0.03) or leave the list resolved."""
    return with_overrides(small, **{"residents.queue_leave_per_week": 0.03,
                                    "residents.leave_queue_when_resolved": True})


@pytest.fixture(scope="module")
def run(leaving):
    """One run of that scenario, shared by the accounting tests."""
    return simulate(leaving)


def test_same_seed_gives_identical_tables(leaving, run):
    again = simulate(leaving)
    pd.testing.assert_frame_equal(run.by_neighbourhood, again.by_neighbourhood)
    pd.testing.assert_frame_equal(run.totals, again.totals)
    pd.testing.assert_frame_equal(run.cases, again.cases)


def test_another_seed_gives_different_tables(small, run):
    other = simulate(small, seed=small.meta.seed + 1)
    assert not run.totals["onsets_care"].equals(other.totals["onsets_care"])
    assert len(run.cases) != len(other.cases) or not run.cases["resident"].equals(other.cases["resident"])


def test_onset_draws_are_identical_across_designs(small):
    """Common random numbers: a design that leaves onset rates alone sees the same onsets."""
    other = with_overrides(small, **{"designs.integraal.fte_per_10k": 3.0,
                                     "designs.integraal.outreach_share": 0.5,
                                     "designs.integraal.referral_threshold": 0.3})
    a, b = WijkteamModel(small), WijkteamModel(other)
    differs = False
    for _ in range(small.meta.burn_in_weeks + small.meta.weeks):
        due_a = np.flatnonzero(a.state.people.next_onset == a.week)
        due_b = np.flatnonzero(b.state.people.next_onset == b.week)
        ca, cb = week_counts(len(a.residents_per_nbh)), week_counts(len(b.residents_per_nbh))
        a.onsets(ca)
        b.onsets(cb)
        np.testing.assert_array_equal(due_a, due_b)
        np.testing.assert_array_equal(ca.onsets, cb.onsets)
        assert a.streams["onset"].bit_generator.state == b.streams["onset"].bit_generator.state
        for stage in ("signals", "intake", "households", "casework", "specialist_care", "record"):
            getattr(a, stage)(ca)
            getattr(b, stage)(cb)
        a._plan_hours()
        b._plan_hours()
        differs = differs or not np.array_equal(a.state.cases.state, b.state.cases.state)
        a.week += 1
        b.week += 1
    assert differs, "the designs should differ in what happens after onset"


def test_littles_law_holds_exactly(run, small):
    """Sum over weeks of the queue equals the total time cases spent queued in the window.

    A case is queued from its signal to its intake, or to the week it left the waiting list.
    """
    weeks = small.meta.weeks
    c = run.cases
    start = c["signal_week"].clip(lower=0)
    left = c["outcome"].isin(["resolved_waiting", "gave_up"])
    assert left.any(), "the test needs residents who leave the waiting list"
    end = c["intake_week"].fillna(c["closure_week"].where(left)).fillna(weeks).clip(upper=weeks)
    in_window = (end - start).clip(lower=0)
    assert run.totals["queue_length"].sum() == in_window.sum()
    assert run.totals["queue_length"].sum() > 0


def test_no_resident_lost_or_counted_twice(run):
    df = run.by_neighbourhood
    journeys = df[[c for c in df.columns if c.startswith("journey_")]].sum(axis=1)
    assert (journeys == df["residents"]).all()


def test_costs_equal_hours_and_counts_times_rates(run, small):
    t = run.totals
    design = small.designs[small.meta.design]
    rate = small.costs.team_cost_per_fte_year / (52 * design.hours_per_fte)
    np.testing.assert_allclose(t["cost_team"], t["hours_contracted"] * rate)
    prov = small.provisions
    np.testing.assert_allclose(t["cost_provisions"], t["provisions_household_help"] * prov.household_help.cost_per_week
                               + t["provisions_support_at_home"] * prov.support_at_home.cost_per_week)
    spec = sum(t[f"in_treatment_{n}"] * getattr(small.specialists, n).cost_per_week
               for n in ("youth_care", "ggz", "debt_restructuring", "reintegration"))
    np.testing.assert_allclose(t["cost_specialist"], spec)
    np.testing.assert_allclose(t["cost_crisis"], t["crises"] * small.costs.crisis_cost)
    by_payer = t[["cost_wmo", "cost_jeugdwet", "cost_participatiewet", "cost_zvw", "cost_wlz"]].sum(axis=1)
    np.testing.assert_allclose(by_payer, t["cost_total"])


def test_hours_split_adds_up_and_staff_match_design(run, small):
    t = run.totals
    assert (t["hours_casework"] + t["hours_coordination"] + t["hours_outreach"] <= t["hours_contracted"] + 1e-9).all()
    design = small.designs[small.meta.design]
    expected = design.fte_per_10k * small.population / 10_000
    assert t["staff_fte"].iloc[0] == pytest.approx(expected, rel=0.01)


def test_bounds_of_shares(run):
    df = run.by_neighbourhood
    shares = [c for c in df.columns if c.startswith("prevalence_")] + ["self_reliant_share"]
    assert ((df[shares] >= 0) & (df[shares] <= 1)).all().all()


def test_every_column_has_a_unit(run):
    for col in list(run.by_neighbourhood.columns) + list(run.totals.columns):
        assert unit_of(col)


def test_one_family_one_plan_gives_each_household_one_coordinator(small):
    """Checked at the end of every week: no household has two coordinating team members."""
    model = WijkteamModel(small)
    shared = 0
    for _ in range(small.meta.burn_in_weeks + small.meta.weeks):
        model.step()
        ca = model.state.cases
        in_case = ca.state == C_CASEWORK
        pairs = pd.DataFrame({"hh": model.state.people.hh[in_case], "member": ca.member[in_case]})
        per_hh = pairs.groupby("hh")["member"].nunique()
        assert (per_hh <= 1).all()
        shared += int((pairs.groupby("hh").size() > 1).sum())
    assert shared > 0, "some households must have had two members in casework at once"


def test_all_signal_routes_occur_in_the_default_city(run):
    sig = run.totals[["signals_self", "signals_informal", "signals_partner", "signals_outreach"]].sum()
    assert (sig > 0).all()


def test_mesa_views_read_the_arrays(run):
    model = run.model
    row = int(np.flatnonzero(model.state.people.n_active > 0)[0])
    view = model.resident(row)
    assert view.problems and all(0 < v <= 1 for v in view.problems.values())
    assert view.household == model.state.people.hh[row]
    carers = model.carer_network(view.household)
    assert carers.carers == model.state.households.carers[view.household] and 0 <= carers.willingness <= 1
    member = model.teams[0].members.to_list()[0]
    hours = member.hours_by_activity
    assert sum(hours.values()) <= model.staff.hours[member.row] + 1e-9
    assert member.caseload == model.staff.caseload[member.row] and member.discipline in DISCIPLINES


def test_every_case_keeps_only_its_own_records(run):
    """A resident's later case starts clean: no support, referral or informal hours of an earlier one.

    Its problems arose after the earlier case closed, unless the resident stopped waiting:
    then the problems the team never saw are still there, with their own onset.
    """
    c = run.cases
    referred = c["referral_week"].notna()
    assert (c.loc[referred, "referral_week"] >= c.loc[referred, "signal_week"]).all()
    assert (c["support_specialist"] == referred).all()
    assert (c.loc[~c["support_informal"], "informal_hours"] == 0).all()
    repeats = c[c.duplicated("resident", keep=False)].sort_values(["resident", "case_id"])
    assert len(repeats) > 0
    previous_close = repeats.groupby("resident")["closure_week"].shift()
    gave_up_before = repeats.groupby("resident")["outcome"].shift() == "gave_up"
    after_team = previous_close.notna() & ~gave_up_before
    assert (repeats.loc[after_team, "onset_week"] >= previous_close[after_team]).all()


def test_known_outcomes_are_exactly_what_a_run_reports(run):
    from sim.tables import RUN_METRICS, TOTALS_METRICS, known_outcomes, outcome_values

    assert known_outcomes() == (set(run.totals.columns) - {"week"}) | set(RUN_METRICS) | set(TOTALS_METRICS)
    values = outcome_values(list(TOTALS_METRICS), run.totals, run.cases, len(run.totals))
    assert all(np.isfinite(v) or k.startswith("wait_") for k, v in values.items()), values
