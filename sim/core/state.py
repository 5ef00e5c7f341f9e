"""The model's state as arrays: residents, their problems and cases, households, carers.

Residents are rows, not objects: the Numba kernels step these arrays, and Mesa views
(sim.agents.resident) read one row for inspection. Household members are contiguous
rows, so a household is the slice hh_start[h]:hh_start[h + 1].
"""

from dataclasses import dataclass, fields

import numpy as np

from sim.domains import N_DOMAINS, P_NONE

NO_WEEK = -(2**30)  # marks an unset week in int32 week arrays


@dataclass
class State:
    """All per-resident, per-problem and per-household arrays of one run."""

    # residents (N)
    nbh: np.ndarray  # int32 neighbourhood index
    hh: np.ndarray  # int32 household index
    age: np.ndarray  # int8 age band
    group: np.ndarray  # int32 neighbourhood * 5 + age band (onset-rate row)
    resilience: np.ndarray  # float32 own capacity
    help_seek: np.ndarray  # float32 help-seeking propensity (care avoiders low)
    next_onset: np.ndarray  # int32 week of the next onset
    n_active: np.ndarray  # int8 problems not in P_NONE
    strain: np.ndarray  # float32 remembered deficit
    deficit: np.ndarray  # float32 burden minus capacity (residents with problems)
    inf_hours: np.ndarray  # float32 informal hours received this week (residents with problems)
    urgent: np.ndarray  # int8 crisis this week: signal at once, safety priority
    crisis_domain: np.ndarray  # int8 domain that escalated, -1 none
    # case per resident
    c_state: np.ndarray  # int8 C_NONE / C_QUEUED / C_CASEWORK
    c_id: np.ndarray  # int64 case id
    c_member: np.ndarray  # int32 coordinating team member, -1 none
    c_route: np.ndarray  # int8 signal route
    c_priority: np.ndarray  # int8 1 = safety case
    c_onset: np.ndarray  # int32 earliest onset of the case's problems
    c_queue: np.ndarray  # int32 week the case entered the intake queue
    c_start: np.ndarray  # int32 week casework started
    c_sev: np.ndarray  # float64 worst severity at signal
    c_domains: np.ndarray  # int8 bitmask of domains met in the case
    c_support: np.ndarray  # int8 bitmask: 1 team, 2 informal, 4 provision, 8 specialist
    c_ref_week: np.ndarray  # int32 first referral week
    c_ref_provider: np.ndarray  # int8 first referral provider, -1 none
    c_inf_hours: np.ndarray  # float64 informal hours received during the case
    # problems (N, D)
    sev: np.ndarray  # float32 severity in (0, 1], exactly 0 when none (kernels sum it without testing the state)
    pstate: np.ndarray  # int8 P_* state
    p_onset: np.ndarray  # int32 onset week
    p_resolve: np.ndarray  # int32 week of natural resolution
    p_start: np.ndarray  # int32 referral week / provision start
    p_until: np.ndarray  # int32 treatment or provision end
    hazard: np.ndarray  # float32 cumulative signal hazard
    threshold: np.ndarray  # float32 Exp(1) signal threshold
    # households (H)
    hh_start: np.ndarray  # int64 (H + 1) first row of each household
    hh_nbh: np.ndarray  # int32
    hh_cases: np.ndarray  # int32 open team cases in the household
    cg_carers: np.ndarray  # int32 informal carers now
    cg_init: np.ndarray  # int32 informal carers at the start (network size)
    cg_will: np.ndarray  # float64 willingness in [0, 1]
    cg_sustained: np.ndarray  # int32 consecutive weeks of help given
    cg_rejoin: np.ndarray  # int32 week a dropped-out carer is replaced

    @property
    def n(self) -> int:
        """Number of residents."""
        return self.nbh.shape[0]

    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def empty_problems(n: int) -> dict[str, np.ndarray]:
    """Problem and case arrays for `n` residents, all without problems or cases."""
    shape = (n, N_DOMAINS)
    return {
        "n_active": np.zeros(n, np.int8),
        "strain": np.zeros(n, np.float32),
        "deficit": np.zeros(n, np.float32),
        "inf_hours": np.zeros(n, np.float32),
        "urgent": np.zeros(n, np.int8),
        "crisis_domain": np.full(n, -1, np.int8),
        "c_state": np.zeros(n, np.int8),
        "c_id": np.full(n, -1, np.int64),
        "c_member": np.full(n, -1, np.int32),
        "c_route": np.full(n, -1, np.int8),
        "c_priority": np.zeros(n, np.int8),
        "c_onset": np.full(n, NO_WEEK, np.int32),
        "c_queue": np.full(n, NO_WEEK, np.int32),
        "c_start": np.full(n, NO_WEEK, np.int32),
        "c_sev": np.zeros(n),
        "c_domains": np.zeros(n, np.int8),
        "c_support": np.zeros(n, np.int8),
        "c_ref_week": np.full(n, NO_WEEK, np.int32),
        "c_ref_provider": np.full(n, -1, np.int8),
        "c_inf_hours": np.zeros(n),
        "sev": np.zeros(shape, np.float32),
        "pstate": np.full(shape, P_NONE, np.int8),
        "p_onset": np.full(shape, NO_WEEK, np.int32),
        "p_resolve": np.full(shape, NO_WEEK, np.int32),
        "p_start": np.full(shape, NO_WEEK, np.int32),
        "p_until": np.full(shape, NO_WEEK, np.int32),
        "hazard": np.zeros(shape, np.float32),
        "threshold": np.zeros(shape, np.float32),
    }
