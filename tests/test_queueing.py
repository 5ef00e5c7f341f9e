"""The team's queue against queueing theory, in the queue-only configuration.

Arrivals are Poisson, casework time is memoryless (20 weeks on average), staff is fixed.
For each load the simulated mean wait (Little: mean queue / mean arrivals) and probability
of waiting are compared with (a) the exact stationary values of the weekly-step queue and
(b) Erlang C. The tolerance for (a) is 3 standard errors over replications; for (b) it adds
the discretisation bound |weekly chain - Erlang C|, computed, not chosen (sim.queueing).
Runs go through the run engine (2 workers).
"""

import numpy as np
import pytest

from sim.queueing import erlang, weekly_chain
from sim.scenario import load
from sim.sweep.engine import run_job
from sim.sweep.spec import RunSpec, run_seed
from sim.sweep.store import JobStore

from .conftest import ROOT

MU = 1 / 20  # service rate per week (scenarios/queue-only.toml: mean_service_weeks = 20)
RESIDENTS = 100_000
CASES = {  # name: (servers, arrivals per week); load = arrivals / (servers * MU)
    "rho_0.50": (2, 0.05),
    "rho_0.80": (10, 0.40),
    "rho_0.95": (50, 2.375),
    "rho_0.95_plus_2_staff": (52, 2.375),
}
REPLICATIONS = 6
OUTCOMES = ["queue_length", "new_cases", "new_cases_waiting"]


def overrides(servers: int, lam: float) -> dict:
    """Scenario changes for this many servers and this arrival rate."""
    return {"designs.queue.fte_per_10k": servers * 10_000 / RESIDENTS,
            "problems.care.onset_per_1000_per_year.2": lam * 52 * 1000 / RESIDENTS}


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Per case: arrays over replications of (mean wait by Little, probability of waiting)."""
    base = load(ROOT / "scenarios" / "queue-only.toml")
    specs = []
    for k, (servers, lam) in enumerate(CASES.values()):
        ov = overrides(servers, lam)
        specs += [RunSpec(k, r, "queue", ov, run_seed(7, ov, r)) for r in range(REPLICATIONS)]
    store = JobStore(tmp_path_factory.mktemp("queue"))
    run_job(store, {"test": "queueing"}, {}, specs, base.model_dump(mode="json"), OUTCOMES, workers=2,
            progress=False)
    runs = store.runs()
    assert (runs["status"] == "ok").all()
    out = {}
    for k, name in enumerate(CASES):
        r = runs[runs["point"] == k]
        out[name] = (r["queue_length"].to_numpy() / r["new_cases"].to_numpy(),
                     r["new_cases_waiting"].to_numpy() / r["new_cases"].to_numpy())
    return out


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


@pytest.mark.parametrize("name", ["rho_0.50", "rho_0.80", "rho_0.95"])
def test_waits_match_the_weekly_queue_and_erlang_c(measured, name):
    servers, lam = CASES[name]
    exact, theory = weekly_chain(servers, lam, MU), erlang(servers, lam, MU)
    wait, p_wait = measured[name]
    (w, w_se), (p, p_se) = _mean_se(wait), _mean_se(p_wait)
    assert exact.mean_wait > 2.0, "the time scale must make waits span weeks"
    assert abs(w - exact.mean_wait) <= 3 * w_se, (w, w_se, exact)
    assert abs(p - exact.p_wait) <= 3 * p_se, (p, p_se, exact)
    assert abs(w - theory.mean_wait) <= 3 * w_se + abs(exact.mean_wait - theory.mean_wait)
    assert abs(p - theory.p_wait) <= 3 * p_se + abs(exact.p_wait - theory.p_wait)


def test_discretisation_bound_is_small():
    """At the three loads, the weekly step changes Erlang C's figures by less than 10 %."""
    for servers, lam in (CASES[n] for n in ("rho_0.50", "rho_0.80", "rho_0.95")):
        exact, theory = weekly_chain(servers, lam, MU), erlang(servers, lam, MU)
        assert abs(exact.mean_wait - theory.mean_wait) < 0.1 * theory.mean_wait
        assert abs(exact.p_wait - theory.p_wait) < 0.1 * theory.p_wait


def test_adding_staff_near_full_load_cuts_waits_sharply(measured):
    """At load 0.95, two more professionals (50 -> 52) cut the mean wait by more than half."""
    before, _ = measured["rho_0.95"]
    after, _ = measured["rho_0.95_plus_2_staff"]
    predicted = weekly_chain(52, 2.375, MU).mean_wait / weekly_chain(50, 2.375, MU).mean_wait
    assert predicted < 0.5
    (b, b_se), (a, a_se) = _mean_se(before), _mean_se(after)
    ratio = a / b
    ratio_se = ratio * np.hypot(a_se / a, b_se / b)
    assert abs(ratio - predicted) <= 3 * ratio_se
    assert ratio < 0.6
