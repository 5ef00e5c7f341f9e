"""Informal care in Mesa terms.

A volunteer pool per neighbourhood, and a view on one household's carer network (its
state lives in the household arrays).
"""

import mesa


class VolunteerPool(mesa.Agent):
    """Volunteers of welfare organisations in one neighbourhood: hours per week."""

    def __init__(self, model: mesa.Model, neighbourhood: int, hours: float):
        """Register the pool with its weekly hours."""
        super().__init__(model)
        self.neighbourhood = neighbourhood
        self.hours = hours


class CarerNetworkView(mesa.Agent):
    """A read-only view on the informal carers of one household, for inspection."""

    def __init__(self, model: mesa.Model, household: int):
        """Register a view on household `household`."""
        super().__init__(model)
        self.household = household

    @property
    def carers(self) -> int:
        """Carers still helping."""
        return int(self.model.state.households.carers[self.household])

    @property
    def willingness(self) -> float:
        """Willingness in [0, 1]; it wears under sustained help."""
        return float(self.model.state.households.willingness[self.household])
