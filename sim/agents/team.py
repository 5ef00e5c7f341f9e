"""Team members and teams (Mesa agents), and how a team orders its waiting list.

A member is a Mesa agent whose weekly numbers (caseload, hours by activity) live in one
row of the staff arrays (sim.core.state.Staff), so the casework kernels read all members at once.
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.agent import AgentSet

from sim.core.state import Staff
from sim.domains import DISCIPLINES


class TeamMember(mesa.Agent):
    """A professional in a team: discipline, contracted hours, caseload cap."""

    def __init__(self, model: mesa.Model, staff: Staff, team: Team, row: int, discipline: int, hours: float,
                 cap: int, outreach_share: float):
        """Register the member and write its fixed attributes into its row of the staff arrays."""
        super().__init__(model)
        self.staff = staff
        self.team = team
        self.row = row
        staff.team[row] = team.index
        staff.discipline[row] = discipline
        staff.hours[row] = hours
        staff.cap[row] = cap
        staff.outreach_share[row] = outreach_share

    @property
    def discipline(self) -> str:
        """The member's discipline name (social work, Wmo consultant, ...)."""
        return DISCIPLINES[self.staff.discipline[self.row]]

    @property
    def caseload(self) -> int:
        """Open cases this member coordinates."""
        return int(self.staff.caseload[self.row])

    @property
    def hours_by_activity(self) -> dict[str, float]:
        """This week's hours of casework, coordination and outreach."""
        s = self.staff
        return {"casework": s.casework[self.row], "coordination": s.coordination[self.row],
                "outreach": s.outreach[self.row]}


class Team(mesa.Agent):
    """A team serving one or more neighbourhoods (kept for inspection); its members carry the cases."""

    def __init__(self, model: mesa.Model, index: int, neighbourhoods: list[int]):
        """Register the team; members are added by the design that builds it."""
        super().__init__(model)
        self.index = index
        self.neighbourhoods = neighbourhoods
        self.members = AgentSet([], random=model.random)


def triage(queue: np.ndarray, priority: np.ndarray, priority_triage: bool) -> np.ndarray:
    """The waiting list (in order of signal) in the order residents get a slot: safety cases first if so decided."""
    if not priority_triage:
        return queue
    safety = priority[queue] == 1
    return np.concatenate([queue[safety], queue[~safety]])
