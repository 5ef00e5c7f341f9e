"""The scalar rules: each does what its docstring claims (compiled and plain Python agree)."""

import numpy as np
import pytest
from numba.core.registry import CPUDispatcher

from sim.core import rules
from sim.core.params import build as build_params
from sim.core.streams import STREAMS, make_streams
from sim.domains import DIRECT_REFERRAL


def test_weeks_until_event_has_the_geometric_mean():
    """Mean of ceil(E / r) for E ~ Exp(1) is 1 / (1 - exp(-r)); tolerance 4 standard errors."""
    rng = np.random.default_rng(1)
    rate = 0.05
    draws = np.array([rules.weeks_until_event(rate, e) for e in rng.exponential(size=20_000)])
    p = 1 - np.exp(-rate)
    mean, sd = 1 / p, np.sqrt(1 - p) / p
    assert abs(draws.mean() - mean) < 4 * sd / np.sqrt(draws.size)
    assert draws.min() >= 1
    assert rules.weeks_until_event(0.0, 1.0) == rules.NEVER


def _inputs(rng: np.random.Generator, params) -> dict:
    """One random argument tuple per rule, drawn over (and a little beyond) the values the model passes."""
    u, e, i = rng.random, rng.exponential, rng.integers
    state = int(i(0, 6))
    return {
        "weeks_until_event": (u() * 0.2 * (u() > 0.1), e()),
        "onset_severity": (u() * 0.5, 0.5 + u() * 0.5, u()),
        "aggravate": (u(), u(), u()),
        "untreated_growth": (u(), u() * 0.1),
        "support_effect": (u(), e() * 3 * (u() > 0.2), u() * 0.2),
        "treatment_outcome": (u(), u()),
        "signal_hazard": (u(), u() * 0.1),
        "outreach_rate": (u() * 0.01, e() * 20, int(i(0, 20_000))),
        "problem_burden": (u(), u() * 2, u()),
        "capacity": (u() * 2, e() * 5, u()),
        "strain_update": (e(), e(), e(), u()),
        "is_crisis": (e() * 5, e() * 5),
        "informal_demand": (u(), u(), e() * 10),
        "caregiver_wear": (u(), u() * (u() > 0.3), int(i(0, 40)), u() * 0.1, 1 + e() * 10, u() * 0.1, u()),
        "overburdened": (u(), int(i(0, 40)), u(), 1 + e() * 10),
        "caseload_capacity": (int(i(0, 40)), e() * 40, e() * 2 * (u() > 0.1)),
        "hours_split": (e() * 36, int(i(0, 40)), int(i(0, 10)), (u() * 2, u(), u() * 0.5), e() * 8, e() * 3,
                        bool(u() > 0.5)),
        "free_slots": (int(i(0, 40)), e() * 36, e() * 8, bool(u() > 0.5), (u() * 2, u() * (u() > 0.2), u() * 0.5),
                       int(i(0, 40)), int(i(0, 10))),
        "group_of": (int(i(0, 5)),),
        "provision_kind": (int(i(0, 5)),),
        "crisis_payer": (int(i(0, 5)), int(i(0, 6))),
        "pick_domain": (rates := rng.random(6) * (rng.random(6) > 0.3), rates.sum(), u()),
        "course": (state, u(), int(i(0, 100)), tuple(int(w) for w in i(0, 120, 3)), bool(u() > 0.5), e() * 3,
                   e() * 3, (u() * 0.1, u() * 0.2, u() * 0.2, u() * 0.1, u())),
        "route_hazards": (u(), u() * 0.1, u() * 0.1, u() * 0.1, u() * 0.1, u() * 0.1),
        "direct_hazard": (u(), bool(u() > 0.5), bool(u() > 0.5), u() * 0.1),
        "pick_signal": (tuple(h := rng.random(5) * (rng.random(5) > 0.3)), h.sum(), u() * 0.1 * (u() > 0.3), u()),
        "is_signalled": (bool(u() > 0.9), e(), e()),
        "pick_route": (tuple(h := rng.random(5) * (rng.random(5) > 0.3)), h.sum(), u()),
        "is_safety_case": (bool(u() > 0.5), bool(u() > 0.5), bool(u() > 0.5), u(), u()),
        "worse_than": (u(), int(i(-1, 6)), u()),
        "member_choice": (int(i(-2, 5)), int(i(0, 7)), int(i(-1, 7)), int(i(-1, 5))),
        "casework_action": (state, u(), bool(u() > 0.8), bool(u() > 0.5), bool(u() > 0.5), u(), u(), u() * 0.5),
        "counter_action": (u(), bool(u() > 0.8), bool(u() > 0.5), bool(u() > 0.5), u(), u()),
        "keeps_case_open": (int(i(0, 4)), state, bool(u() > 0.5), int(i(0, 3)), bool(u() > 0.5)),
        "case_closes": (bool(u() > 0.5), bool(u() > 0.5), bool(u() > 0.5), int(i(0, 30)), int(i(0, 30))),
        "elsewhere": (int(i(0, 6)),),
        "plan_end": (int(i(0, 100)), int(i(0, 20)), e() * 20 * (u() > 0.3), e()),
        "provision_start": (int(i(0, 100)), int(i(0, 5)), bool(u() > 0.5)),
        "patience_end": (int(i(0, 100)), u() * 0.2 * (u() > 0.3), e()),
        "leaves_queue": (int(i(0, 100)), int(i(0, 100)), int(i(0, 2))),
        "case_outcome": (bool(u() > 0.5), bool(u() > 0.5)),
        "extra_coordination": (int(i(0, 5)), u() * 2),
        "informal_week": (e() * 10 * (u() > 0.2), int(i(0, 4)), u(), int(i(0, 30)), e() * 5 * (u() > 0.3),
                          bool(u() > 0.5), rules.carer_params(params)),
        "carer_params": (params,),
        "admission": (i(0, 2, n := int(i(0, 12))), i(0, 40, n), int(i(0, 40)), int(i(-2, 12))),
    }


def _rules() -> dict:
    """Every compiled rule of sim.core.rules by name."""
    return {name: obj for name, obj in vars(rules).items()
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == rules.__name__}


def test_every_rule_agrees_compiled_and_as_plain_python(rural):
    """All rules, 300 random argument tuples each: the kernels' and the reference's versions give the same."""
    params = build_params(rural, rural.designs["integraal"])
    compiled = _rules()
    rng = np.random.default_rng(5)
    assert set(_inputs(rng, params)) == set(compiled), "every rule needs random inputs here"
    for _ in range(300):
        for name, args in _inputs(rng, params).items():
            fast, plain = compiled[name](*args), compiled[name].py_func(*args)
            parts = zip(fast, plain, strict=True) if name == "admission" else [(fast, plain)]  # two arrays
            for f, pl in parts:
                np.testing.assert_allclose(np.asarray(f, float), np.asarray(pl, float), rtol=1e-12, atol=0,
                                           err_msg=f"{name}{args}")


PER_CASE = (1.0, 0.2, 0.3)  # casework and coordination of an active case, hours of a bridged case


def test_caseload_pressure_eats_outreach_first():
    free = rules.hours_split(36.0, 10, 0, PER_CASE, 7.2, 0.0, False)
    full = rules.hours_split(36.0, 28, 0, PER_CASE, 7.2, 0.0, False)
    assert free[2] == pytest.approx(7.2)
    assert full[2] == pytest.approx(36.0 - 28 * 1.2)
    assert full[0] == pytest.approx(28.0)
    over = rules.hours_split(36.0, 40, 0, PER_CASE, 7.2, 0.0, False)
    assert over[2] == 0.0 and over[0] + over[1] == pytest.approx(36.0)
    alone = rules.hours_split(36.0, 25, 0, PER_CASE, 7.2, 0.0, False)
    crowded = rules.hours_split(36.0, 25, 0, PER_CASE, 7.2, 3.0, False)  # other professionals in the households
    assert crowded[1] == pytest.approx(25 * 0.2 + 3.0)
    assert (alone[2], crowded[2]) == pytest.approx((6.0, 3.0))


def test_protected_outreach_comes_first_and_shrinks_the_caseload():
    over = rules.hours_split(36.0, 40, 0, PER_CASE, 7.2, 0.0, True)
    assert over[2] == pytest.approx(7.2) and over[0] + over[1] == pytest.approx(36.0 - 7.2)
    assert rules.free_slots(30, 36.0, 7.2, False, PER_CASE, 0, 0) == 30
    assert rules.free_slots(30, 36.0, 7.2, True, PER_CASE, 0, 0) == int((36.0 - 7.2) / 1.2)


def test_a_bridged_case_costs_its_contact_hours_and_that_share_of_a_slot():
    hours = rules.hours_split(36.0, 10, 10, PER_CASE, 0.0, 0.0, False)
    assert hours[0] == pytest.approx(10.0) and hours[1] == pytest.approx(10 * 0.2 + 10 * 0.3)
    assert rules.free_slots(30, 36.0, 0.0, False, PER_CASE, 10, 10) == 30 - 10 - 3  # 10 x 0.3 / 1.2 = 2.5 -> 3 slots
    assert rules.free_slots(30, 36.0, 0.0, False, PER_CASE, 10, 8) == 30 - 10 - 2


def test_patience_is_geometric_from_the_first_week():
    rng = np.random.default_rng(3)
    rate = 0.1
    waits = np.array([rules.patience_end(0, rate, e) + 1 for e in rng.exponential(size=20_000)])
    p = 1 - np.exp(-rate)  # P(leave after any week's intake), the same every week
    assert abs((waits == 1).mean() - p) < 4 * np.sqrt(p * (1 - p) / waits.size)
    assert abs(waits.mean() - 1 / p) < 4 * np.sqrt(1 - p) / p / np.sqrt(waits.size)
    assert rules.patience_end(5, 0.0, 1.0) == rules.NEVER
    assert rules.leaves_queue(7, 7, 0) and not rules.leaves_queue(6, 7, 0) and not rules.leaves_queue(9, 7, 1)


def test_a_signal_goes_past_the_team_in_proportion_to_the_direct_hazard():
    h = (0.01, 0.02, 0.0, 0.005, 0.0)
    total, direct = sum(h), rules.direct_hazard(0.6, True, True, 0.025)
    draws = np.random.default_rng(5).random(20_000)
    picks = np.array([rules.pick_signal(h, total, direct, u) for u in draws])
    p = direct / (total + direct)
    assert abs((picks == DIRECT_REFERRAL).mean() - p) < 4 * np.sqrt(p * (1 - p) / draws.size)
    team = picks[picks != DIRECT_REFERRAL]  # the team routes keep their proportions among themselves
    assert abs((team == 1).mean() - h[1] / total) < 4 * np.sqrt(0.3 / team.size)
    assert all(rules.pick_signal(h, total, 0.0, u) == rules.pick_route(h, total, u) for u in draws[:500])
    assert rules.direct_hazard(0.6, False, True, 0.025) == 0.0 and rules.direct_hazard(0.6, True, False, 0.025) == 0.0


def test_growth_support_and_treatment_move_severity_the_right_way():
    assert rules.untreated_growth(0.3, 0.02) > 0.3
    assert rules.untreated_growth(1.0, 0.5) == 1.0
    assert rules.support_effect(0.5, 2.0, 0.1) < 0.5
    assert rules.support_effect(0.5, 0.0, 0.1) == 0.5
    assert rules.treatment_outcome(0.5, 0.7) == pytest.approx(0.15)


def test_sustained_help_wears_willingness_and_backing_slows_it():
    one_off = rules.caregiver_wear(1.0, 0.8, 1, 0.05, 8.0, 0.05, 0.0)
    sustained = rules.caregiver_wear(1.0, 0.8, 20, 0.05, 8.0, 0.05, 0.0)
    backed = rules.caregiver_wear(1.0, 0.8, 20, 0.05, 8.0, 0.05, 0.5)
    assert one_off > backed > sustained
    assert rules.caregiver_wear(0.5, 0.0, 0, 0.05, 8.0, 0.1, 0.0) == pytest.approx(0.55)


def test_strain_builds_under_deficit_and_triggers_crisis():
    strain = 0.0
    for _ in range(30):
        strain = rules.strain_update(strain, 1.5, 1.0, 0.9)
    assert rules.is_crisis(strain, 4.0)
    assert not rules.is_crisis(rules.strain_update(0.0, 0.5, 1.0, 0.9), 4.0)


def test_streams_are_independent_and_reproducible():
    a, b = make_streams(7), make_streams(7)
    assert list(a) == list(STREAMS)
    first = [a[n].random() for n in STREAMS]
    assert first == [b[n].random() for n in STREAMS]
    assert len(set(first)) == len(STREAMS)
    c = make_streams(7)
    c["route"].random(size=1000)  # drawing from one stream never shifts another
    assert c["onset"].random() == make_streams(7)["onset"].random()
