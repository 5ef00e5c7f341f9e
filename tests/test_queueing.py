"""The team's queue against queueing theory, in the queue-only configuration.

Arrivals are Poisson, casework time is memoryless (20 weeks on average), staff is fixed.
For each load the simulated mean wait (Little: mean queue / mean arrivals) and probability
of waiting are compared with (a) the exact stationary values of the weekly-step queue and
(b) Erlang C. The tolerance for (a) is K standard errors over replications, K the Student t
quantile that a normal 3 sigma (99.73 %, two-sided) becomes when the standard error itself is
estimated from the replications; for (b) it adds the discretisation bound |weekly chain -
Erlang C|, computed, not chosen (sim.queueing).
With patience (residents stop waiting at a weekly hazard) the queue is M/M/N+M: the same
checks against the weekly chain with abandonment and Erlang A, the share who stop waiting
included, at a load below and a load above the team's capacity.
Runs go through the run engine (2 workers).
"""

import numpy as np
import pytest
from scipy import stats

from sim.queueing import erlang, erlang_a, weekly_chain, weekly_chain_abandonment
from sim.scenario import load
from sim.sweep.engine import run_job
from sim.sweep.spec import RunSpec, run_seed
from sim.sweep.store import JobStore

from .conftest import ROOT

MU = 1 / 20  # service rate per week (scenarios/queue-only.toml: mean_service_weeks = 20)
RESIDENTS = 100_000
CASES = {  # name: (servers, arrivals per week, patience hazard per week); load = arrivals / (servers * MU)
    "rho_0.50": (2, 0.05, 0.0),
    "rho_0.80": (10, 0.40, 0.0),
    "rho_0.95": (50, 2.375, 0.0),
    "rho_0.95_plus_2_staff": (52, 2.375, 0.0),
    "rho_0.90_patience": (10, 0.45, 0.02),
    "rho_1.20_patience": (10, 0.60, 0.05),
}
REPLICATIONS = 6
K = float(stats.t.ppf(1 - 0.0027 / 2, REPLICATIONS - 1))  # 5.5: "3 sigma" with an estimated standard error
OUTCOMES = ["queue_length", "new_cases", "new_cases_waiting", "gave_up_waiting"]


def overrides(servers: int, lam: float, theta: float) -> dict:
    """Scenario changes for this many servers, this arrival rate and this patience hazard (if any)."""
    out = {"designs.queue.fte_per_10k": servers * 10_000 / RESIDENTS,
           "problems.care.onset_per_1000_per_year.2": lam * 52 * 1000 / RESIDENTS}
    return out | ({"residents.queue_leave_per_week": theta} if theta > 0 else {})


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Per case: arrays over replications of (mean wait by Little, probability of waiting, share who stop waiting)."""
    base = load(ROOT / "scenarios" / "queue-only.toml")
    specs = []
    for k, (servers, lam, theta) in enumerate(CASES.values()):
        ov = overrides(servers, lam, theta)
        specs += [RunSpec(k, r, "queue", ov, run_seed(7, ov, r)) for r in range(REPLICATIONS)]
    store = JobStore(tmp_path_factory.mktemp("queue"))
    run_job(store, {"test": "queueing"}, {}, specs, base.model_dump(mode="json"), OUTCOMES, workers=2,
            progress=False)
    runs = store.runs()
    assert (runs["status"] == "ok").all()
    out = {}
    for k, name in enumerate(CASES):
        r = runs[runs["point"] == k]
        arrivals = r["new_cases"].to_numpy()
        out[name] = (r["queue_length"].to_numpy() / arrivals, r["new_cases_waiting"].to_numpy() / arrivals,
                     r["gave_up_waiting"].to_numpy() / arrivals)
    return out


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


@pytest.mark.parametrize("name", ["rho_0.50", "rho_0.80", "rho_0.95"])
def test_waits_match_the_weekly_queue_and_erlang_c(measured, name):
    servers, lam, _ = CASES[name]
    exact, theory = weekly_chain(servers, lam, MU), erlang(servers, lam, MU)
    wait, p_wait, abandoned = measured[name]
    assert abandoned.sum() == 0, "without patience nobody stops waiting"
    (w, w_se), (p, p_se) = _mean_se(wait), _mean_se(p_wait)
    assert exact.mean_wait > 2.0, "the time scale must make waits span weeks"
    assert abs(w - exact.mean_wait) <= K * w_se, (w, w_se, exact)
    assert abs(p - exact.p_wait) <= K * p_se, (p, p_se, exact)
    assert abs(w - theory.mean_wait) <= K * w_se + abs(exact.mean_wait - theory.mean_wait)
    assert abs(p - theory.p_wait) <= K * p_se + abs(exact.p_wait - theory.p_wait)


@pytest.mark.parametrize("name", ["rho_0.90_patience", "rho_1.20_patience"])
def test_waits_and_abandonment_match_the_weekly_queue_and_erlang_a(measured, name):
    """M/M/N+M: mean wait, probability of waiting and share who stop waiting, also above full load."""
    servers, lam, theta = CASES[name]
    exact, theory = weekly_chain_abandonment(servers, lam, MU, theta), erlang_a(servers, lam, MU, theta)
    assert exact.mean_wait > 2.0 and exact.p_abandon > 0.05, "waits must span weeks and some must stop waiting"
    for simulated, e, a in zip(measured[name], (exact.mean_wait, exact.p_wait, exact.p_abandon),
                               (theory.mean_wait, theory.p_wait, theory.p_abandon), strict=True):
        m, se = _mean_se(simulated)
        assert abs(m - e) <= K * se, (name, m, se, e)
        assert abs(m - a) <= K * se + abs(e - a), (name, m, se, a)


def test_erlang_a_without_patience_is_erlang_c():
    c, a = erlang(10, 0.4, MU), erlang_a(10, 0.4, MU, 1e-9)
    assert a.mean_wait == pytest.approx(c.mean_wait, rel=1e-6) and a.p_wait == pytest.approx(c.p_wait, rel=1e-6)


def test_discretisation_bound_is_small():
    """At the three loads, the weekly step changes Erlang C's figures by less than 10 %."""
    for servers, lam, _ in (CASES[n] for n in ("rho_0.50", "rho_0.80", "rho_0.95")):
        exact, theory = weekly_chain(servers, lam, MU), erlang(servers, lam, MU)
        assert abs(exact.mean_wait - theory.mean_wait) < 0.1 * theory.mean_wait
        assert abs(exact.p_wait - theory.p_wait) < 0.1 * theory.p_wait


def test_adding_staff_near_full_load_cuts_waits_sharply(measured):
    """At load 0.95, two more professionals (50 -> 52) cut the mean wait by more than half."""
    before = measured["rho_0.95"][0]
    after = measured["rho_0.95_plus_2_staff"][0]
    predicted = weekly_chain(52, 2.375, MU).mean_wait / weekly_chain(50, 2.375, MU).mean_wait
    assert predicted < 0.5
    (b, b_se), (a, a_se) = _mean_se(before), _mean_se(after)
    ratio = a / b
    ratio_se = ratio * np.hypot(a_se / a, b_se / b)
    assert abs(ratio - predicted) <= K * ratio_se
    assert ratio < 0.6
