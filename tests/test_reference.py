"""The fast core against the pure-Mesa reference: same rules, same outcomes.

The small rural profile reduced to 5,000 residents runs 20 replications on each engine
(through the run engine), replication r with the same seed on both. Each key outcome must
agree (a) paired: the mean of the per-replication differences lies within t(0.999) standard
errors of those differences; (b) unpaired: the two means lie within 3.5 combined standard
errors (about a 0.05 family-wise level over the outcomes tested).
"""

import numpy as np
import pytest
from scipy import stats

from sim.reference.model import ReferenceModel, ReferenceTooLarge
from sim.scenario import load
from sim.sweep.engine import run_job
from sim.sweep.spec import RunSpec, run_seed
from sim.sweep.store import JobStore

from .conftest import ROOT, shrink

REPLICATIONS = 20
KEY = ([f"prevalence_{d}" for d in ("care", "youth", "debts", "work", "mental", "loneliness")]
       + [f"signals_{r}" for r in ("self", "informal", "partner", "outreach")]
       + ["intakes", "intake_wait_weeks", "queue_length", "open_cases", "hours_outreach", "informal_hours",
          "volunteer_hours", "carers_overburdened", "crises", "provisions_household_help", "cost_total"]
       + [f"referrals_{p}" for p in ("youth_care", "ggz", "debt_restructuring")])


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """Per engine: a table of replications x key outcomes (means over the recorded weeks)."""
    scenario = shrink(load(ROOT / "scenarios" / "kleindorp.toml"), 5000 / 15000, weeks=104, burn_in=52)
    scenario = scenario.model_copy(update={"assumptions": [], "designs": {"integraal": scenario.designs[
        "integraal"].model_copy(update={"fte_per_10k": 5.0})}})  # fewer staff, so that a waiting list forms
    specs = [RunSpec(0, r, "integraal", {}, run_seed(11, {}, r), model) for r in range(REPLICATIONS)
             for model in ("wijkteam", "wijkteam_reference")]
    store = JobStore(tmp_path_factory.mktemp("reference"))
    run_job(store, {"test": "reference"}, {}, specs, scenario.model_dump(mode="json"), KEY, workers=2,
            progress=False)
    runs = store.runs()
    assert (runs["status"] == "ok").all(), runs["error"].unique()
    out = {}
    for model, key in (("wijkteam-", "fast"), ("wijkteam_reference-", "reference")):
        out[key] = runs[runs["run_id"].str.startswith(model)].sort_values("replication")[KEY].to_numpy()
    return out


def test_outcomes_are_not_trivial(both):
    means = dict(zip(KEY, both["fast"].mean(axis=0), strict=True))
    for name in ("prevalence_care", "signals_self", "signals_partner", "intakes", "open_cases", "informal_hours",
                 "cost_total", "queue_length", "referrals_youth_care"):
        assert means[name] > 0, name


@pytest.mark.parametrize("k", range(len(KEY)), ids=KEY)
def test_paired_differences_are_centred_on_zero(both, k):
    d = both["reference"][:, k] - both["fast"][:, k]
    se = d.std(ddof=1) / np.sqrt(d.size)
    if se == 0:
        assert d.mean() == 0
    else:
        assert abs(d.mean()) <= stats.t.ppf(0.9995, d.size - 1) * se


@pytest.mark.parametrize("k", range(len(KEY)), ids=KEY)
def test_means_agree_within_replication_intervals(both, k):
    a, b = both["reference"][:, k], both["fast"][:, k]
    se = np.hypot(a.std(ddof=1), b.std(ddof=1)) / np.sqrt(a.size)
    assert abs(a.mean() - b.mean()) <= 3.5 * se + 1e-12 * abs(b.mean())


def test_reference_refuses_large_populations():
    with pytest.raises(ReferenceTooLarge, match="at most 50,000 residents"):
        ReferenceModel(load(ROOT / "scenarios" / "grootstad.toml"))
