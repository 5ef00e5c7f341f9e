"""Organisation forms and modifiers.

Each mechanic does what it claims, and each form changes an outcome distinctly from the
integral team at equal staff.
"""

import numpy as np
import pytest

from sim import compare
from sim.domains import AGE_MINOR, C_CASEWORK, GROUP_MINORS, GROUP_OTHERS, P_PROVISION
from sim.model import WijkteamModel
from sim.scenario import ScenarioError, load, with_overrides
from sim.sweep.engine import run_job
from sim.sweep.store import JobStore

from .conftest import ROOT, shrink

FORMS = {"gesplitst": "split", "multiprobleem": "multi_problem", "dorpsondersteuner": "village",
         "netwerk": "network"}


@pytest.fixture(scope="module")
def town():
    """Kleindorp at 5,000 residents: one year of burn-in, two recorded years."""
    return shrink(load(ROOT / "scenarios" / "kleindorp.toml"), 1 / 3, weeks=104, burn_in=52)


def test_split_teams_never_give_a_youth_case_to_the_adult_team(town):
    model = WijkteamModel(town, design="gesplitst")
    minors_seen = adults_seen = 0
    for _ in range(town.meta.burn_in_weeks + town.meta.weeks):
        model.step()
        pe, ca = model.state.people, model.state.cases
        rows = np.flatnonzero(ca.state == C_CASEWORK)
        teams = model.staff.team[ca.member[rows]]
        minor = pe.age[rows] == AGE_MINOR
        assert model.serves[teams[minor], pe.nbh[rows][minor], GROUP_MINORS].all()
        assert not model.serves[teams[minor], pe.nbh[rows][minor], GROUP_OTHERS].any()
        assert model.serves[teams[~minor], pe.nbh[rows][~minor], GROUP_OTHERS].all()
        minors_seen += int(minor.sum())
        adults_seen += int((~minor).sum())
    assert minors_seen > 0 and adults_seen > 0


def test_without_mandate_provisions_wait_the_configured_delay(town):
    delay = town.designs["zonder-mandaat"].mandate_delay_weeks
    assert delay > 0
    model = WijkteamModel(town, design="zonder-mandaat")
    granted = 0
    for _ in range(town.meta.burn_in_weeks + town.meta.weeks):
        pr = model.state.problems
        before = pr.state == P_PROVISION
        week = model.week
        model.step()
        new = (pr.state == P_PROVISION) & ~before
        assert (pr.start[new] == week + delay).all()
        granted += int(new.sum())
    assert granted > 0


def test_village_worker_hands_over_without_waiting_for_specialist_care(town):
    model = WijkteamModel(town, design="dorpsondersteuner")
    model.run()
    cases = model.recorder.cases_table()
    referred = cases[cases["referral_week"].notna() & cases["closure_week"].notna()]
    assert len(referred) > 0
    # bridging is off: a referred case closes without waiting for admission
    assert ((referred["closure_week"] - referred["referral_week"]) <= town.designs["dorpsondersteuner"].min_case_weeks
            ).mean() > 0.5


def test_forms_validate_their_own_rules(town):
    with pytest.raises(ScenarioError, match="one_family_one_plan must be false"):
        with_overrides(town, **{"designs.netwerk.one_family_one_plan": True})
    with pytest.raises(ScenarioError, match="bridging must be false"):
        with_overrides(town, **{"designs.dorpsondersteuner.bridging": True})
    with pytest.raises(ScenarioError, match="youth_team_share in"):
        with_overrides(town, **{"designs.gesplitst.youth_team_share": 0.0})


EXPECTED = {  # form: (outcome, sign of the paired difference to the integral team)
    "gesplitst": ("professionals_per_client_household", +1),
    "multiprobleem": ("loket_cases", +1),
    "dorpsondersteuner": ("signals_outreach", +1),
    "netwerk": ("professionals_per_client_household", +1),
}


@pytest.fixture(scope="module")
def paired(town, tmp_path_factory):
    """Every form against the integral team at equal staff, 12 replications, common random numbers."""
    designs = ["integraal", *FORMS]
    base = compare.equalise(town, designs, "staff")
    outcomes = sorted({o for o, _ in EXPECTED.values()} | {"intakes", "queue_length"})
    store = JobStore(tmp_path_factory.mktemp("forms"))
    run_job(store, {"t": "forms"}, {}, compare.plan(base, designs, 12), base.model_dump(mode="json"), outcomes,
            workers=2, progress=False)
    return compare.paired_table(store.runs(), designs, outcomes)


@pytest.mark.parametrize("design", list(EXPECTED))
def test_each_form_changes_an_outcome_at_equal_staff(paired, design):
    outcome, sign = EXPECTED[design]
    row = paired[(paired["design"] == design) & (paired["outcome"] == outcome)].iloc[0]
    low, high = row["difference_low"], row["difference_high"]
    assert (low > 0) if sign > 0 else (high < 0), (design, outcome, low, high)


def test_the_counter_takes_single_problem_cases_from_the_team(paired):
    t = paired.set_index(["design", "outcome"])
    assert t.loc[("multiprobleem", "intakes"), "difference_high"] < 0


def test_split_teams_keep_one_coordinator_per_team_and_household(town):
    """With one family, one plan, each team has at most one member working with a household."""
    model = WijkteamModel(town, design="gesplitst")
    both_teams = 0
    for _ in range(town.meta.burn_in_weeks + town.meta.weeks):
        model.step()
        hh, ca = model.state.people.hh, model.state.cases
        rows = np.flatnonzero(ca.state == C_CASEWORK)
        members = ca.member[rows]
        pairs = {(int(h), int(model.staff.team[m])): set() for h, m in zip(hh[rows], members, strict=True)}
        for h, m in zip(hh[rows], members, strict=True):
            pairs[(int(h), int(model.staff.team[m]))].add(int(m))
        assert all(len(ms) == 1 for ms in pairs.values())
        households = [h for h, _ in pairs]
        both_teams += len(households) - len(set(households))
    assert both_teams > 0, "some households must have had both teams at once"


def test_district_teams_cover_every_neighbourhood_once():
    from sim.designs.teams import districts

    for residents, n in (([10] * 7, 3), ([5, 50, 5, 5, 5], 2), ([1, 2, 3], 3), ([1, 2, 3], 1)):
        groups = districts(residents, n)
        assert len(groups) == n and all(groups)
        assert sorted(k for g in groups for k in g) == list(range(len(residents)))
    model = WijkteamModel(load(ROOT / "scenarios" / "middenstad.toml"), design="drie-districten")
    assert len(model.teams) == 3


def test_municipal_staff_are_cheaper_generalists(town):
    seconded, municipal = WijkteamModel(town, design="integraal"), WijkteamModel(town, design="gemeentelijk")
    assert seconded.params.discipline_match > 1.0 and municipal.params.discipline_match == 1.0
    ratio = municipal.recorder.layouts[0].hourly_rate / seconded.recorder.layouts[0].hourly_rate
    assert ratio == pytest.approx(town.costs.municipal_cost_factor)


def test_a_welfare_shell_prevents_onsets_where_community_help_fits(town):
    from sim.core.params import onset_rates

    base = onset_rates(town, town.designs["integraal"])
    shell = onset_rates(town, town.designs["welzijnsschil"])
    hours = town.designs["welzijnsschil"].welfare_hours_per_1000
    for d in range(6):
        fit = town.domain(d).informal_fit
        expected = 1 / (1 + town.welfare.prevention_per_hour_per_1000 * hours * fit)
        np.testing.assert_allclose(shell[:, d], base[:, d] * expected)
    from sim.run import simulate

    a, b = simulate(town, design="integraal").totals, simulate(town, design="welzijnsschil").totals
    assert b["onsets_loneliness"].sum() < 0.8 * a["onsets_loneliness"].sum()
    assert (b["cost_welfare"] > 0).all() and (a["cost_welfare"] == 0).all()
