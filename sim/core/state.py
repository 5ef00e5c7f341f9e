"""The model's state as named groups of arrays: residents, cases, problems, households, staff.

Residents are rows, not objects: the Numba kernels step these arrays, and Mesa views
(sim.agents) read one row for inspection. Each group is a NamedTuple, so a kernel takes the
group (or the whole `State`) by name and a new state variable is declared once, here, and
reaches every kernel that is handed its group. Household members are contiguous rows, so a
household is the slice households.start[h]:households.start[h + 1].
"""

from typing import NamedTuple

import numpy as np

from sim.domains import N_DOMAINS, P_NONE

NO_WEEK = -(2**30)  # marks an unset week in int32 week arrays


class People(NamedTuple):
    """Per resident (N): who they are and how they are doing this week."""

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
    patience: np.ndarray  # float32 Exp(1) draw at the latest onset: how long the resident waits for the team
    follow_up: np.ndarray  # float32 Exp(1) draw at the latest onset: the follow-up length of a case that starts


class Cases(NamedTuple):
    """The team case of each resident (N), the latest one; `next_id` (1,) numbers new cases."""

    state: np.ndarray  # int8 C_NONE / C_QUEUED / C_CASEWORK
    id: np.ndarray  # int64 case id
    member: np.ndarray  # int32 coordinating team member, -1 none
    route: np.ndarray  # int8 signal route
    priority: np.ndarray  # int8 1 = safety case
    onset: np.ndarray  # int32 earliest onset of the case's problems
    queue: np.ndarray  # int32 week the case entered the intake queue
    start: np.ndarray  # int32 week casework started
    sev: np.ndarray  # float64 worst severity at signal
    domains: np.ndarray  # int8 bitmask of domains met in the case
    support: np.ndarray  # int8 bitmask of sim.domains.SUPPORT_* kinds of support given
    ref_week: np.ndarray  # int32 first referral week
    ref_provider: np.ndarray  # int8 first referral provider, -1 none
    inf_hours: np.ndarray  # float64 informal hours received during the case
    leave: np.ndarray  # int32 last week a queued resident waits (patience), NEVER if they wait until served
    close_after: np.ndarray  # int32 week from which a case with problems left may close (plan and follow-up)
    next_id: np.ndarray  # int64 (1,) the id the next case gets


class Problems(NamedTuple):
    """Per resident and domain (N, D)."""

    sev: np.ndarray  # float32 severity in (0, 1], exactly 0 when none (kernels sum it without testing the state)
    state: np.ndarray  # int8 P_* state
    onset: np.ndarray  # int32 onset week
    resolve: np.ndarray  # int32 week of natural resolution
    start: np.ndarray  # int32 referral week / provision start
    until: np.ndarray  # int32 treatment or provision end
    hazard: np.ndarray  # float32 cumulative signal hazard
    threshold: np.ndarray  # float32 Exp(1) signal threshold


class Households(NamedTuple):
    """Per household (H): its rows, open cases and informal carers (nulde lijn)."""

    start: np.ndarray  # int64 (H + 1) first row of each household
    nbh: np.ndarray  # int32
    cases: np.ndarray  # int32 open team cases in the household
    carers: np.ndarray  # int32 informal carers now
    carers_start: np.ndarray  # int32 informal carers at the start (network size)
    willingness: np.ndarray  # float64 willingness in [0, 1]
    sustained: np.ndarray  # int32 consecutive weeks of help given
    rejoin: np.ndarray  # int32 week a dropped-out carer is replaced


class State(NamedTuple):
    """All per-resident, per-case, per-problem and per-household arrays of one run."""

    people: People
    cases: Cases
    problems: Problems
    households: Households

    @property
    def n(self) -> int:
        """Number of residents."""
        return self.people.nbh.shape[0]

    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return sum(a.nbytes for group in self for a in group)


class Staff(NamedTuple):
    """One row per team member, rows grouped by team: fixed attributes and this week's hours."""

    team: np.ndarray  # int64 team index
    discipline: np.ndarray  # int64 sim.domains.DISCIPLINES index
    hours: np.ndarray  # contracted weekly hours
    outreach_share: np.ndarray  # share of hours meant for outreach
    cap: np.ndarray  # int64 most cases carried
    caseload: np.ndarray  # int64 open cases coordinated
    bridged: np.ndarray  # int64 of those, cases only kept open for contact (nothing known left to work on)
    casework: np.ndarray  # this week's casework hours
    coordination: np.ndarray  # this week's coordination hours
    outreach: np.ndarray  # this week's outreach hours
    case_hours: np.ndarray  # casework hours per open case
    free: np.ndarray  # int64 free case slots
    extra: np.ndarray  # extra coordination hours beside other professionals


class Routing(NamedTuple):
    """Which team takes a case: by neighbourhood and age group, or by discipline (network form)."""

    nbh_team: np.ndarray  # int64 (K, 2) team per neighbourhood and group (0 minors, 1 everyone else)
    discipline_team: np.ndarray  # int64 (7,) team per discipline, -1 where the form does not route so
    team_first: np.ndarray  # int64 (T + 1) first staff row of each team


def empty_staff(n: int) -> Staff:
    """Staff arrays for n members, all zero."""
    ints = ("team", "discipline", "cap", "caseload", "bridged", "free")
    return Staff(**{f: np.zeros(n, np.int64 if f in ints else np.float64) for f in Staff._fields})


def no_problems(n: int) -> tuple[Cases, Problems]:
    """Case and problem arrays for `n` residents, all without problems or cases."""
    shape = (n, N_DOMAINS)
    cases = Cases(
        state=np.zeros(n, np.int8),
        id=np.full(n, -1, np.int64),
        member=np.full(n, -1, np.int32),
        route=np.full(n, -1, np.int8),
        priority=np.zeros(n, np.int8),
        onset=np.full(n, NO_WEEK, np.int32),
        queue=np.full(n, NO_WEEK, np.int32),
        start=np.full(n, NO_WEEK, np.int32),
        sev=np.zeros(n),
        domains=np.zeros(n, np.int8),
        support=np.zeros(n, np.int8),
        ref_week=np.full(n, NO_WEEK, np.int32),
        ref_provider=np.full(n, -1, np.int8),
        inf_hours=np.zeros(n),
        leave=np.full(n, NO_WEEK, np.int32),
        close_after=np.full(n, NO_WEEK, np.int32),
        next_id=np.zeros(1, np.int64),
    )
    problems = Problems(
        sev=np.zeros(shape, np.float32),
        state=np.full(shape, P_NONE, np.int8),
        onset=np.full(shape, NO_WEEK, np.int32),
        resolve=np.full(shape, NO_WEEK, np.int32),
        start=np.full(shape, NO_WEEK, np.int32),
        until=np.full(shape, NO_WEEK, np.int32),
        hazard=np.zeros(shape, np.float32),
        threshold=np.zeros(shape, np.float32),
    )
    return cases, problems
