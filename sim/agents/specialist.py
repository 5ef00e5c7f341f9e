"""Specialist providers (tweede lijn) as Mesa agents: places, a waiting list, treatment.

Referrals wait in order of arrival, urgent ones first; without mandate a team's referral first
waits the municipal check (`mandate_delay_weeks`); a GP's or medical specialist's referral
to youth care does not. A referral whose problem has resolved
while waiting leaves the list without taking a place. A provider bought with open-ended
volume (contract "open", as most youth care is) admits every referral past the check:
its volume, and the spending, follow the referrals.
"""

import mesa
import numpy as np

from sim.core import dispatch
from sim.core.specialist import COLUMNS, DOMAIN, READY, REFERRED, RESIDENT, URGENT


class SpecialistProvider(mesa.Agent):
    """One provider for one domain (youth care, GGZ, debt restructuring, reintegration)."""

    def __init__(self, model: mesa.Model, index: int, name: str, places: int | None, mean_weeks: float,
                 check_weeks: int):
        """Register the provider: places (None: open-ended volume), mean treatment length, weeks of the check."""
        super().__init__(model)
        self.index = index
        self.name = name
        self.revise(places, mean_weeks, check_weeks)
        self.in_treatment = 0
        self.queue = np.zeros((0, COLUMNS), np.int64)  # rows: resident, domain, referral week, urgent, ready week

    def revise(self, places: int | None, mean_weeks: float, check_weeks: int) -> None:
        """Set the terms: places (None: open-ended), mean treatment length, weeks of the municipal check.

        A scheduled change revises them mid-run: referrals already waiting keep their ready week,
        treatments already running their drawn end, and a cut in places admits nobody until
        treatments free enough.
        """
        self.places = places
        self.rate = 1.0 / mean_weeks
        self.check_weeks = check_weeks  # without mandate, a referral waits for the municipal check

    def refer(self, residents: np.ndarray, domains: np.ndarray, week: int, urgent: np.ndarray,
              checked: bool = True) -> None:
        """Put referrals on the waiting list; `checked` ones wait the municipal check before admission."""
        rows = np.empty((residents.size, COLUMNS), np.int64)  # filled by column: a tenth of column_stack's cost
        rows[:, RESIDENT], rows[:, DOMAIN], rows[:, URGENT] = residents, domains, urgent
        rows[:, REFERRED], rows[:, READY] = week, week + (self.check_weeks if checked else 0)
        self.queue = np.concatenate([self.queue, rows])

    def relocate(self, new_row: np.ndarray) -> None:
        """After a census (sim.demography): waiting residents at their rows now (those who left are off the list)."""
        self.queue[:, RESIDENT] = new_row[self.queue[:, RESIDENT]]

    def leave(self, gone: np.ndarray) -> None:
        """Residents who leave the population (`gone`: nonzero on their rows) come off the waiting list."""
        self.queue = self.queue[gone[self.queue[:, RESIDENT]] == 0]

    def complete(self, n: int) -> None:
        """Free the places of n finished treatments."""
        self.in_treatment -= n

    def admit(self, t: int, core) -> np.ndarray:
        """Admit from the waiting list into free places (rules.admission); returns the waits (weeks) of those admitted.

        `core` is the model's handle on the run (sim.core.dispatch): the kernel changes the
        admitted problems' state and draws their treatment lengths from the run's streams.
        """
        if not self.queue.shape[0]:
            return self.queue[:, RESIDENT]
        free = self.queue.shape[0] if self.places is None else self.places - self.in_treatment
        self.queue, waits = dispatch.admit(core, t, self.queue, free, self.rate)
        self.in_treatment += waits.size
        return waits
