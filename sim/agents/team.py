"""Team members and teams (Mesa agents) and the staff arrays the kernels read.

A member is a Mesa agent whose weekly numbers (caseload, hours by activity) live in one
row of the staff arrays, so the casework kernels can read all members at once.
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.agent import AgentSet

from sim.domains import DISCIPLINES


class Staff:
    """Arrays with one row per team member, rows grouped by team."""

    def __init__(self, n: int):
        """Allocate rows for n members."""
        self.team = np.zeros(n, np.int64)
        self.discipline = np.zeros(n, np.int64)
        self.hours = np.zeros(n)
        self.outreach_share = np.zeros(n)
        self.cap = np.zeros(n, np.int64)
        self.caseload = np.zeros(n, np.int64)
        self.casework = np.zeros(n)
        self.coordination = np.zeros(n)
        self.outreach = np.zeros(n)
        self.case_hours = np.zeros(n)
        self.free = np.zeros(n, np.int64)
        self.extra = np.zeros(n)  # extra coordination hours beside other professionals


class TeamMember(mesa.Agent):
    """A professional in a team: discipline, contracted hours, caseload cap."""

    def __init__(self, model: mesa.Model, team: Team, row: int, discipline: int, hours: float, cap: int,
                 outreach_share: float):
        """Register the member and write its fixed attributes into its staff row."""
        super().__init__(model)
        self.team = team
        self.row = row
        staff = model.staff
        staff.team[row] = team.index
        staff.discipline[row] = discipline
        staff.hours[row] = hours
        staff.cap[row] = cap
        staff.outreach_share[row] = outreach_share

    @property
    def discipline(self) -> str:
        """The member's discipline name (social work, Wmo consultant, ...)."""
        return DISCIPLINES[self.model.staff.discipline[self.row]]

    @property
    def caseload(self) -> int:
        """Open cases this member coordinates."""
        return int(self.model.staff.caseload[self.row])

    @property
    def hours_by_activity(self) -> dict[str, float]:
        """This week's hours of casework, coordination and outreach."""
        s = self.model.staff
        return {"casework": s.casework[self.row], "coordination": s.coordination[self.row],
                "outreach": s.outreach[self.row]}


class Team(mesa.Agent):
    """A neighbourhood team serving one or more neighbourhoods; it triages its queue."""

    def __init__(self, model: mesa.Model, index: int, neighbourhoods: list[int], priority_triage: bool):
        """Register the team; members are added by the design that builds it."""
        super().__init__(model)
        self.index = index
        self.neighbourhoods = neighbourhoods
        self.priority_triage = priority_triage
        self.members = AgentSet([], random=model.random)


def triage(queue: np.ndarray, priority: np.ndarray, priority_triage: bool) -> np.ndarray:
    """The waiting list (in order of signal) in the order residents get a slot: safety cases first if so decided."""
    if not priority_triage:
        return queue
    safety = priority[queue] == 1
    return np.concatenate([queue[safety], queue[~safety]])
