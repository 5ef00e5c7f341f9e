"""The scalar rules: each does what its docstring claims (compiled and plain Python agree)."""

import numpy as np
import pytest

from sim.core import rules
from sim.core.streams import STREAMS, make_streams


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


def test_compiled_and_plain_rules_agree():
    args = (0.4, 3.0, 0.08)
    assert rules.support_effect(*args) == pytest.approx(rules.support_effect.py_func(*args))
    split = (36.0, 25, 1.0, 0.2, 7.2, 1.5)
    assert rules.hours_split(*split) == pytest.approx(rules.hours_split.py_func(*split))


def test_caseload_pressure_eats_outreach_first():
    free = rules.hours_split(36.0, 10, 1.0, 0.2, 7.2, 0.0)
    full = rules.hours_split(36.0, 28, 1.0, 0.2, 7.2, 0.0)
    assert free[2] == pytest.approx(7.2)
    assert full[2] == pytest.approx(36.0 - 28 * 1.2)
    assert full[0] == pytest.approx(28.0)
    over = rules.hours_split(36.0, 40, 1.0, 0.2, 7.2, 0.0)
    assert over[2] == 0.0 and over[0] + over[1] == pytest.approx(36.0)
    alone = rules.hours_split(36.0, 25, 1.0, 0.2, 7.2, 0.0)
    crowded = rules.hours_split(36.0, 25, 1.0, 0.2, 7.2, 3.0)  # other professionals in the households
    assert crowded[1] == pytest.approx(25 * 0.2 + 3.0)
    assert (alone[2], crowded[2]) == pytest.approx((6.0, 3.0))


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
