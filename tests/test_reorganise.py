"""Reorganisation during a run: a design's teams rebuilt by a scheduled change (sim.designs.reorganise).

The arm that merges is the arm that stays split until the merger, bit for bit; at the switch no
case is lost and each rule for open cases does what it says; staff and its cost follow the new
teams; a new form is learned over the years, more staff in the same teams is not.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.core.state import NO_WEEK
from sim.designs.reorganise import LEARNED, Learning, successors
from sim.domains import C_CASEWORK, C_QUEUED
from sim.model import WijkteamModel
from sim.reference.model import ReferenceModel, ReferenceUnsupported
from sim.run import simulate
from sim.scenario import Change, Reorganisation, load, parse, with_overrides

from .conftest import shrink

ROOT = Path(__file__).resolve().parent.parent
MERGER = 26  # recorded week of the merger in these tests


def _merging(scenario, rule: str = "handed_over", **terms):
    """The scenario with a design 'fusie': split teams until week MERGER, then integral; open cases by `rule`."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["designs"]["fusie"] = {**data["designs"]["gesplitst"], "description": "split, then integral"}
    data["changes"] = [{"week": MERGER, "path": "designs.fusie", "value": "integraal"}]
    data["reorganisation"] = {"open_cases": rule, **terms}
    return parse(data)


@pytest.fixture(scope="module")
def town():
    """Middenstad at a twentieth (about 5,000 residents), a year recorded."""
    return shrink(load(ROOT / "scenarios" / "middenstad.toml"), 0.05, weeks=52)


@pytest.fixture(scope="module")
def merger_arms(town):
    """The split design and the merging one, same seed."""
    sc = _merging(town)
    return simulate(sc, design="gesplitst"), simulate(sc, design="fusie")


def test_the_merging_arm_is_the_split_arm_until_the_merger_in_every_table(merger_arms):
    split, merging = merger_arms
    for name in ("totals", "by_neighbourhood"):
        before = [getattr(r, name).query(f"week < {MERGER}").reset_index(drop=True) for r in merger_arms]
        assert len(before[0]) and before[0].equals(before[1]), name
    done = [r.cases[r.cases["closure_week"] < MERGER].reset_index(drop=True) for r in merger_arms]
    assert len(done[0]) and done[0].equals(done[1])
    after = [r.totals.query(f"week >= {MERGER}")["hours_coordination"].to_numpy() for r in merger_arms]
    assert not np.array_equal(after[0], after[1])
    assert len(merging.model.teams) == len(split.model.teams) // 2  # a youth and an adult team per area become one
    onsets = [c for c in split.totals if c.startswith("onsets_")]  # the residents' own draws: no design consumes them
    assert split.totals[onsets].equals(merging.totals[onsets])


def _at_switch(scenario, design="fusie", week=MERGER):
    """A model stepped to just before the change, then through its week; open cases before, the model after."""
    model = WijkteamModel(scenario, design=design)
    while model.week < scenario.meta.burn_in_weeks + week:
        model.step()
    ca = model.state.cases
    before = {"open": set(np.flatnonzero(ca.state == C_CASEWORK)),
              "queued": set(np.flatnonzero(ca.state == C_QUEUED)),
              "member": ca.member.copy(), "discipline": model.staff.discipline.copy(), "staff": model.staff,
              "close_after": ca.close_after.copy()}
    model._apply_changes()  # the change's stage alone: what the week's other stages do is not the rule's doing
    return before, model


@pytest.mark.parametrize("rule", ["handed_over", "kept", "requeued"])
def test_no_case_is_lost_at_the_switch_and_caseloads_are_the_cases_held(town, rule):
    before, model = _at_switch(_merging(town, rule))
    ca, staff = model.state.cases, model.staff
    open_now = set(np.flatnonzero(ca.state == C_CASEWORK))
    queued_now = set(np.flatnonzero(ca.state == C_QUEUED))
    assert len(before["open"]) > 50
    if rule == "requeued":
        assert open_now == set() and queued_now == before["open"] | before["queued"]
        assert list(model.queue[:len(before["open"])]) == sorted(before["open"], key=lambda i: ca.id[i])
        back = list(before["open"])
        assert (ca.queue[back] == model.week).all() and (ca.start[back] == NO_WEEK).all()
    else:
        assert open_now == before["open"] and queued_now == before["queued"]
    rows = np.array(sorted(open_now), np.int64)
    assert staff.caseload.sum() == rows.size
    assert np.array_equal(staff.caseload, np.bincount(ca.member[rows], minlength=staff.team.size))


def test_handed_over_cases_go_to_the_team_that_serves_the_resident_and_keep_their_plan(town):
    before, model = _at_switch(_merging(town, "handed_over"))
    ca, pe = model.state.cases, model.state.people
    rows = np.array(sorted(before["open"]), np.int64)
    team = model.staff.team[ca.member[rows]]
    assert np.array_equal(team, model.routing.nbh_team[pe.nbh[rows], (pe.age[rows] != 0).astype(int)])
    assert np.array_equal(ca.close_after[rows], before["close_after"][rows])


def test_kept_cases_stay_with_their_professional_who_joins_a_new_team(town):
    before, model = _at_switch(_merging(town, "kept"))
    ca = model.state.cases
    rows = np.array(sorted(before["open"]), np.int64)
    follows = successors(before["staff"], model.staff)
    kept = follows[before["member"][rows]] >= 0
    assert kept.sum() > 20 and (~kept).sum() > 20  # tiny teams: two per area become one, half the members go
    assert np.array_equal(ca.member[rows[kept]], follows[before["member"][rows[kept]]])
    disciplines = model.staff.discipline[ca.member[rows[kept]]]
    assert np.array_equal(disciplines, before["discipline"][before["member"][rows[kept]]])
    assert (ca.close_after[rows[kept]] == before["close_after"][rows[kept]]).all()
    gone, pe = rows[~kept], model.state.people  # a professional without a place hands over
    assert np.array_equal(model.staff.team[ca.member[gone]],
                          model.routing.nbh_team[pe.nbh[gone], (pe.age[gone] != 0).astype(int)])


def test_successors_pair_members_by_discipline_and_leave_the_surplus_without_a_place():
    from sim.core.state import empty_staff

    old, new = empty_staff(5), empty_staff(4)
    old.discipline[:] = [0, 1, 0, 2, 0]
    new.discipline[:] = [1, 0, 0, 3]
    assert successors(old, new).tolist() == [1, 0, 2, -1, -1]


def test_learning_goes_from_the_old_way_of_working_to_the_new_one_in_a_straight_line(town):
    from sim.core.params import build

    old, new = build(town, town.designs["gesplitst"]), build(town, town.designs["dorpsondersteuner"])
    differ = [f for f in LEARNED if getattr(old, f) != getattr(new, f)]
    assert differ  # the village support worker's local knowledge, at least
    terms = Reorganisation(productivity_at_switch=0.6, learning_years=2.0)
    learning = Learning(old, 10, terms)
    for week, share in ((10, 0.0), (36, 0.25), (62, 0.5), (114, 1.0), (300, 1.0)):
        got = learning.params(new, week)
        assert learning.share(week) == pytest.approx(share)
        for f in differ:
            assert getattr(got, f) == pytest.approx(getattr(old, f) + share * (getattr(new, f) - getattr(old, f)))
        assert np.allclose(got.team_effect, new.team_effect * (0.6 + 0.4 * share))
    assert learning.params(new, 114) is new  # learned: the new design's own parameters, exactly


def test_a_new_form_is_learned_and_more_staff_in_the_same_teams_is_not(town):
    merging = WijkteamModel(_merging(town), design="fusie")
    more = town.model_copy(update={"changes": [Change(week=MERGER, path="designs.integraal.fte_per_10k", value=15.0)]})
    added = WijkteamModel(type(town).model_validate(more.model_dump(mode="json")), design="integraal")
    for model in (merging, added):
        while model.week <= town.meta.burn_in_weeks + MERGER:
            model.step()
    assert merging._learning is not None and added._learning is None
    assert np.allclose(merging.params.team_effect, merging._base_params.team_effect * 0.8)  # the switch week


def test_added_staff_shows_in_fte_and_cost_from_its_week_and_shortens_a_building_queue(town):
    crowded = with_overrides(town, **{"designs.integraal.fte_per_10k": 3.0})  # the waiting list builds up
    data = crowded.model_dump(mode="json", exclude_none=True)
    data["changes"] = [{"week": MERGER, "path": "designs.integraal.fte_per_10k", "value": 9.0}]
    data["reorganisation"] = {"open_cases": "kept"}
    base, added = simulate(crowded), simulate(parse(data))
    fte = added.totals.set_index("week")["staff_fte"]
    assert fte.loc[:MERGER - 1].eq(base.totals["staff_fte"].iloc[0]).all()
    assert fte.loc[MERGER:].iloc[0] == pytest.approx(3 * fte.iloc[0], rel=0.1)  # whole members: about three times
    rate = added.totals["cost_team"] / added.totals["hours_contracted"]
    assert np.allclose(rate, rate.iloc[0], rtol=1e-12)  # the same hourly rate: only the hours changed
    late = [r.totals.query(f"week >= {MERGER + 13}")["queue_length"].mean() for r in (base, added)]
    assert late[1] < 0.5 * late[0], late


def test_the_reference_engine_refuses_a_reorganisation_with_its_week(town):
    with pytest.raises(ReferenceUnsupported, match=f"'fusie' is reorganised in recorded week {MERGER}"):
        ReferenceModel(_merging(town), design="fusie")
    ReferenceModel(shrink(_merging(town), 0.5), design="gesplitst")  # an arm that is not reorganised runs


@pytest.mark.parametrize("name", ["middenstad-fusie", "kleindorp-extra-fte"])
def test_shipped_examples_extend_their_profile_and_differ_only_where_they_say(name):
    folder = ROOT / "scenarios"
    example, profile = load(folder / f"{name}.toml"), load(folder / f"{name.split('-')[0]}.toml")
    assert example.neighbourhoods == profile.neighbourhoods and example.problems == profile.problems
    assert set(example.designs) - set(profile.designs) == {example.meta.design}
    assert example.changes and all(a.window is not None for a in example.assumptions)
