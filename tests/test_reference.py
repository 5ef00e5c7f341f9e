"""The fast core against the pure-Mesa reference: same rules, same outcomes, for every form.

Per organisation form, the small rural profile reduced to a few thousand residents runs
replications on each engine (through the run engine), replication r with the same seed on
both. Each key outcome must agree (a) paired: the mean of the per-replication differences
lies within t(0.999) standard errors of those differences; (b) unpaired: the two means lie
within 3.5 combined standard errors (about a 0.05 family-wise level over the outcomes tested).
The integral form runs with fewer staff, so that a waiting list forms.
"""

import numpy as np
import pytest
from scipy import stats

from sim.reference.model import ReferenceModel, ReferenceTooLarge
from sim.scenario import load, with_overrides
from sim.sweep.engine import run_job
from sim.sweep.spec import RunSpec, run_seed
from sim.sweep.store import JobStore

from .conftest import ROOT, shrink

REPLICATIONS = 20
KEY = ([f"prevalence_{d}" for d in ("care", "youth", "debts", "work", "mental", "loneliness")]
       + [f"signals_{r}" for r in ("self", "informal", "partner", "outreach")]
       + ["intakes", "intake_wait_weeks", "queue_length", "open_cases", "hours_outreach", "informal_hours",
          "volunteer_hours", "carers_overburdened", "crises", "provisions_household_help", "cost_total",
          "gave_up_waiting", "left_queue_resolved", "bridged_cases"]
       + [f"referrals_{p}" for p in ("youth_care", "ggz", "debt_restructuring")] + ["direct_referrals_youth_care"])
DIRECT_RATE = 0.02  # the GP or medical route to youth care runs in both engines, whatever the shipped profile sets


# design: (residents, recorded weeks, burn-in, replications, staff override)
FORMS = {"integraal": (5000, 104, 52, 20, 5.0), "gesplitst": (2000, 52, 52, 8, None),
         "multiprobleem": (2000, 52, 52, 8, None), "dorpsondersteuner": (2000, 52, 52, 8, None),
         "netwerk": (2000, 52, 52, 8, None)}
KEY_OF = {design: KEY + (["loket_cases"] if design == "multiprobleem" else []) for design in FORMS}


@pytest.fixture(scope="module", params=sorted(FORMS))
def both(request, tmp_path_factory):
    """Per engine: a table of replications x key outcomes (means over the recorded weeks) of one design."""
    design = request.param
    residents, weeks, burn_in, replications, fte = FORMS[design]
    scenario = shrink(load(ROOT / "scenarios" / "kleindorp.toml"), residents / 15000, weeks=weeks, burn_in=burn_in)
    scenario = with_overrides(scenario, **{"signals.direct_referral_per_week": DIRECT_RATE})
    chosen = scenario.designs[design]
    if fte is not None:
        chosen = chosen.model_copy(update={"fte_per_10k": fte})
    meta = scenario.meta.model_copy(update={"design": design})
    scenario = scenario.model_copy(update={"assumptions": [], "designs": {design: chosen}, "meta": meta})
    specs = [RunSpec(0, r, design, {}, run_seed(11, {}, r), model) for r in range(replications)
             for model in ("wijkteam", "wijkteam_reference")]
    store = JobStore(tmp_path_factory.mktemp(f"reference-{design}"))
    key = KEY_OF[design]
    run_job(store, {"test": "reference", "design": design}, {}, specs, scenario.model_dump(mode="json"), key,
            workers=2, progress=False)
    runs = store.runs()
    assert (runs["status"] == "ok").all(), runs["error"].unique()
    out = {"design": design, "key": key}
    for model, name in (("wijkteam-", "fast"), ("wijkteam_reference-", "reference")):
        out[name] = runs[runs["run_id"].str.startswith(model)].sort_values("replication")[key].to_numpy()
    return out


def test_outcomes_are_not_trivial(both):
    means = dict(zip(both["key"], both["fast"].mean(axis=0), strict=True))
    busy = ["prevalence_care", "signals_self", "signals_partner", "informal_hours", "cost_total",
            "referrals_youth_care", "direct_referrals_youth_care"]
    busy += {"integraal": ["intakes", "open_cases", "queue_length"], "netwerk": ["intakes", "queue_length"],
             "multiprobleem": ["loket_cases"]}.get(both["design"], ["intakes", "open_cases"])
    for name in busy:
        assert means[name] > 0, name


def test_paired_differences_are_centred_on_zero(both):
    for k, name in enumerate(both["key"]):
        d = both["reference"][:, k] - both["fast"][:, k]
        se = d.std(ddof=1) / np.sqrt(d.size)
        rounding = 1e-12 * abs(both["fast"][:, k].mean())  # the engines sum costs in another order
        assert abs(d.mean()) <= stats.t.ppf(0.9995, d.size - 1) * se + rounding, name


def test_means_agree_within_replication_intervals(both):
    for k, name in enumerate(both["key"]):
        a, b = both["reference"][:, k], both["fast"][:, k]
        se = np.hypot(a.std(ddof=1), b.std(ddof=1)) / np.sqrt(a.size)
        assert abs(a.mean() - b.mean()) <= 3.5 * se + 1e-12 * abs(b.mean()), name


def test_reference_refuses_large_populations():
    with pytest.raises(ReferenceTooLarge, match="at most 50,000 residents"):
        ReferenceModel(load(ROOT / "scenarios" / "grootstad.toml"))
