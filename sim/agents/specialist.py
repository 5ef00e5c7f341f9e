"""Specialist providers (tweede lijn) as Mesa agents: places, a waiting list, treatment.

Referrals wait in order of arrival, urgent ones first; without mandate a referral first
waits the municipal check (`mandate_delay_weeks`). A referral whose problem has resolved
while waiting leaves the list without taking a place.
"""

import mesa
import numpy as np

from sim.core import rules
from sim.core.state import Problems
from sim.domains import P_SPECIALIST, P_WAIT_SPECIALIST


class SpecialistProvider(mesa.Agent):
    """One provider for one domain (youth care, GGZ, debt restructuring, reintegration)."""

    def __init__(self, model: mesa.Model, index: int, name: str, places: int, mean_weeks: float, check_weeks: int):
        """Register the provider: places, mean treatment length, weeks of the municipal check."""
        super().__init__(model)
        self.check_weeks = check_weeks  # without mandate, a referral waits for the municipal check
        self.index = index
        self.name = name
        self.places = places
        self.rate = 1.0 / mean_weeks
        self.in_treatment = 0
        self.queue = np.zeros((0, 4), np.int64)  # rows: resident, domain, referral week, urgent

    def refer(self, residents: np.ndarray, domains: np.ndarray, week: int, urgent: np.ndarray) -> None:
        """Put referrals on the waiting list."""
        rows = np.column_stack([residents, domains, np.full(residents.size, week), urgent]).astype(np.int64)
        self.queue = np.concatenate([self.queue, rows])

    def complete(self, n: int) -> None:
        """Free the places of n finished treatments."""
        self.in_treatment -= n

    def admit(self, t: int, problems: Problems, rng: np.random.Generator) -> np.ndarray:
        """Admit from the waiting list into free places; returns the waits (weeks) of those admitted."""
        q = self.queue
        q = q[problems.state[q[:, 0], q[:, 1]] == P_WAIT_SPECIALIST]
        order, admitted = admission(q[:, 3], q[:, 2], t, self.check_weeks, self.places - self.in_treatment)
        q = q[order]
        take = q[admitted]
        keep = np.ones(q.shape[0], bool)
        keep[admitted] = False
        self.queue = q[keep]
        res, dom = take[:, 0], take[:, 1]
        problems.state[res, dom] = P_SPECIALIST
        weeks = [rules.weeks_until_event(self.rate, e) for e in rng.exponential(size=take.shape[0])]
        problems.until[res, dom] = t + np.asarray(weeks, np.int64)
        self.in_treatment += take.shape[0]
        return t - take[:, 2]


def admission(urgent: np.ndarray, referred: np.ndarray, t: int, check_weeks: int,
              free: int) -> tuple[np.ndarray, np.ndarray]:
    """The rule of admission, for both engines: the waiting list's order and who in it is admitted.

    Urgent referrals first, otherwise in the list's order (of referral); only referrals past
    the municipal check are admitted, into the free places. Returns the new order of the
    list and the positions in that order that are admitted.
    """
    order = np.argsort(-np.asarray(urgent), kind="stable")
    checked = np.flatnonzero(np.asarray(referred)[order] + check_weeks <= t)
    return order, checked[: max(0, free)]
