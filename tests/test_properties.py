"""Property test: conservation and bounds hold over random valid scenarios (Hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.domains import C_CASEWORK, P_NONE
from sim.run import simulate
from sim.scenario import with_overrides

from .conftest import shrink

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def scenarios(draw, base):
    """Random valid variations of the small scenario: size, staff, triage, rates, informal care."""
    factor = draw(st.floats(0.01, 0.15))
    sc = shrink(base, factor, weeks=draw(st.integers(5, 40)), burn_in=draw(st.integers(0, 30)))
    changes = {
        "designs.integraal.fte_per_10k": draw(st.floats(0.5, 20.0)),
        "designs.integraal.caseload_cap": draw(st.integers(1, 60)),
        "designs.integraal.outreach_share": draw(st.floats(0.0, 1.0)),
        "designs.integraal.priority_triage": draw(st.booleans()),
        "designs.integraal.one_family_one_plan": draw(st.booleans()),
        "designs.integraal.signalling_network": draw(st.booleans()),
        "designs.integraal.referral_threshold": draw(st.floats(0.0, 1.0)),
        "designs.integraal.mandate_delay_weeks": draw(st.integers(0, 10)),
        "signals.self_report_per_week": draw(st.floats(0.0, 1.0)),
        "informal.carers_per_household": draw(st.floats(0.0, 4.0)),
        "informal.wear_per_week": draw(st.floats(0.0, 1.0)),
        "escalation.crisis_threshold": draw(st.floats(0.1, 10.0)),
        "residents.queue_leave_per_week": draw(st.floats(0.0, 1.0)),
        "residents.leave_queue_when_resolved": draw(st.booleans()),
        "designs.integraal.bridging_hours_per_case": draw(st.floats(0.0, 1.2)),
        "designs.integraal.outreach_protected": draw(st.booleans()),
        "designs.integraal.follow_up_weeks": draw(st.floats(0.0, 60.0)),
        "specialists.youth_care.contract": draw(st.sampled_from(["places", "open"])),
        "meta.seed": draw(st.integers(0, 2**32)),
    }
    return with_overrides(sc, **changes)


@SETTINGS
@given(data=st.data())
def test_conservation_and_bounds_hold(data, small):
    sc = data.draw(scenarios(small))
    r = simulate(sc)
    df, t = r.by_neighbourhood, r.totals
    journeys = df[[c for c in df.columns if c.startswith("journey_")]].sum(axis=1)
    assert (journeys == df["residents"]).all()
    counts = [c for c in t.columns if c.startswith(("signals_", "onsets_", "referrals_", "waiting_", "in_treatment_",
                                                     "provisions_", "journey_", "hours_", "cost_"))]
    assert (t[counts].fillna(0) >= 0).all().all()
    assert ((df.filter(like="prevalence_") >= 0) & (df.filter(like="prevalence_") <= 1)).all().all()
    assert (t["open_cases"] <= t["residents"]).all()
    weeks = sc.meta.weeks
    c = r.cases
    left = c["outcome"].isin(["resolved_waiting", "gave_up"])
    end = c["intake_week"].fillna(c["closure_week"].where(left)).fillna(weeks)
    queued = (end.clip(upper=weeks) - c["signal_week"].clip(lower=0)).clip(lower=0)
    assert t["queue_length"].sum() == queued.sum()
    for prov in r.model.providers:
        assert 0 <= prov.in_treatment <= (prov.in_treatment if prov.places is None else prov.places)
    s = r.model.state
    pr, ca, will = s.problems, s.cases, s.households.willingness
    assert np.array_equal(s.people.n_active, (pr.state != P_NONE).sum(axis=1))
    assert np.array_equal(pr.sev == 0, pr.state == P_NONE)  # the household kernel sums severities without testing
    assert ((will >= 0) & (will <= 1)).all()
    staff = r.model.staff
    assert (staff.caseload == np.bincount(ca.member[ca.state == C_CASEWORK], minlength=len(staff.caseload))).all()
    assert ((staff.bridged >= 0) & (staff.bridged <= staff.caseload)).all()
