"""A Mesa agent that is a view on one resident's row of the state arrays.

Residents are not objects in the hot path; this view exists for inspection,
visualisation and small runs. It reads the arrays live, so it never goes stale.
"""

import mesa

from sim.domains import AGE_BANDS, DOMAINS, P_NONE


class ResidentView(mesa.Agent):
    """One resident: age band, neighbourhood, household, problems and case."""

    def __init__(self, model: mesa.Model, row: int):
        """Register a view on resident `row`."""
        super().__init__(model)
        self.row = row

    @property
    def age_band(self) -> str:
        """Age band label, e.g. '23-64'."""
        return AGE_BANDS[self.model.state.people.age[self.row]]

    @property
    def household(self) -> int:
        """Household index."""
        return int(self.model.state.people.hh[self.row])

    @property
    def problems(self) -> dict[str, float]:
        """Severity per domain of the problems the resident has now."""
        pr = self.model.state.problems
        return {DOMAINS[d]: float(pr.sev[self.row, d]) for d in range(len(DOMAINS)) if pr.state[self.row, d] != P_NONE}

    @property
    def self_reliant(self) -> bool:
        """Capacity covers burden this week."""
        pe = self.model.state.people
        return bool(pe.n_active[self.row] == 0 or pe.deficit[self.row] <= 0.0)
