"""Reorganisation during a run: the teams rebuilt, their open cases carried over, the new way of working learned.

A scheduled change of a design's structure (its form, teams, staff, caseload cap, outreach share,
disciplines) or of the whole design (sim.scenario.Change) rebuilds the teams from the new settings.
What happens to the open cases is the scenario's `[reorganisation] open_cases` rule; the residents
on the waiting list stay on it, in their order, for the new teams. A change of form or of the
teams' areas is learned: the new form's own mechanisms and what a casework hour achieves start
weaker and grow to their settled strength over `learning_years` (seed 003: four, five years).
"""

from __future__ import annotations

import numpy as np

from sim.core import rules
from sim.core.params import CoreParams
from sim.core.state import NO_WEEK, Staff, State
from sim.designs.teams import TeamSetup
from sim.domains import C_CASEWORK, C_QUEUED, P_KNOWN
from sim.scenario import DESIGN_STRUCTURE, Design, Reorganisation, Scenario

# The kernel parameters that make up a form's way of working: from the old design's values to the new
# one's while the new form is learned (a team new to one family, one plan still coordinates as before).
LEARNED = ("discipline_match", "casework_per_case", "coordination_per_case", "bridging_per_case",
           "extra_coordination", "outreach_knowledge", "network_rate", "referral_threshold", "close_below",
           "follow_up_weeks")


def restructured(old: Design, new: Design) -> bool:
    """Whether the change from `old` to `new` rebuilds the teams (a structural setting differs)."""
    return any(getattr(old, f) != getattr(new, f) for f in DESIGN_STRUCTURE)


def reorganisation_weeks(scenario: Scenario, design: str) -> list[int]:
    """The recorded weeks in which a run of `design` rebuilds its teams (its structure changes)."""
    out, before = [], scenario.designs[design]
    for week in sorted({c.week for c in scenario.changes}):
        now = scenario.as_of(week).designs[design]
        if restructured(before, now):
            out.append(week)
        before = now
    return out


def relearned(old: Design, new: Design) -> bool:
    """Whether the new design must be learned: another form, or teams over other areas (not just more staff)."""
    return old.form != new.form or old.teams != new.teams


class Learning:
    """The years after a reorganisation in which the new way of working grows to its settled strength."""

    def __init__(self, old: CoreParams, week: int, terms: Reorganisation):
        """Learning from the old design's kernel parameters `old`, starting in recorded week `week`."""
        self.old, self.week = old, week
        self.weeks = terms.learning_years * 52
        self.at_switch = terms.productivity_at_switch

    def share(self, week: int) -> float:
        """The share of the new way of working learned in recorded week `week` (0 at the switch, then linear to 1)."""
        return 1.0 if self.weeks <= 0 else min(1.0, (week - self.week) / self.weeks)

    def params(self, new: CoreParams, week: int) -> CoreParams:
        """The kernel parameters in `week`: learned fields between old and new, casework effect times productivity."""
        share = self.share(week)
        if share >= 1.0:
            return new
        blended = {f: getattr(self.old, f) + (getattr(new, f) - getattr(self.old, f)) * share for f in LEARNED
                   if getattr(self.old, f) != getattr(new, f)}
        productivity = self.at_switch + (1.0 - self.at_switch) * share
        return new._replace(team_effect=new.team_effect * productivity, **blended)


def successors(old: Staff, new: Staff) -> np.ndarray:
    """The new member each old member becomes (-1: none), discipline by discipline in row order.

    With fewer new members of a discipline than old ones, the last old ones have no place.
    """
    out = np.full(old.team.size, -1, np.int64)
    for discipline in np.unique(old.discipline):
        before, after = np.flatnonzero(old.discipline == discipline), np.flatnonzero(new.discipline == discipline)
        k = min(before.size, after.size)
        out[before[:k]] = after[:k]
    return out


def carry_over(rule: str, t: int, state: State, old: Staff, new: TeamSetup, p: CoreParams,
               queue: np.ndarray) -> np.ndarray:
    """Move the open cases from the old staff to the new one by `rule`; returns the waiting list after it.

    Cases are visited in case-id order, so the result is the same whatever the rows' order.
    The new staff's caseloads and bridged cases are counted from the cases they now hold.
    """
    ca = state.cases
    open_rows = np.flatnonzero(ca.state == C_CASEWORK)
    open_rows = open_rows[np.argsort(ca.id[open_rows], kind="stable")]
    if rule == "requeued":
        queue = _requeue(open_rows, t, state, p, queue)
        open_rows = open_rows[:0]
    else:
        member = successors(old, new.staff)[ca.member[open_rows]] if rule == "kept" else np.full(open_rows.size, -1)
        ca.member[open_rows[member >= 0]] = member[member >= 0]
        room = new.staff.cap - np.bincount(member[member >= 0], minlength=new.staff.team.size)
        _hand_over(open_rows[member < 0], state, new, p, room)
    staff = new.staff
    working = (state.problems.state[open_rows] == P_KNOWN).any(axis=1)
    staff.caseload[:] = np.bincount(ca.member[open_rows], minlength=staff.team.size)
    staff.bridged[:] = np.bincount(ca.member[open_rows[~working]], minlength=staff.team.size)
    return queue


def _hand_over(rows: np.ndarray, state: State, new: TeamSetup, p: CoreParams, room: np.ndarray) -> None:
    """Give each case to the member with most `room` (free case slots) in the team that now serves the resident.

    With one family, one plan a household's cases go to one member. The new professional goes on
    with the plan as it stands (its end is kept: a floor of a new plan's length for every case at
    once would close them all in one week, a wave no handover makes).
    """
    ca, people, sev = state.cases, state.people, state.problems.sev
    staff, routing = new.staff, new.routing
    coordinator: dict[int, int] = {}
    for i in rows:
        if p.route_by_discipline:
            team = routing.discipline_team[p.domain_discipline[int(np.argmax(sev[i]))]]
        else:
            team = routing.nbh_team[people.nbh[i], rules.group_of(people.age[i])]
        first, last = routing.team_first[team], routing.team_first[team + 1]
        m = coordinator.get(int(people.hh[i]), -1) if p.one_family_one_plan else -1
        if m < 0 or staff.team[m] != team:
            m = first + int(np.argmax(room[first:last]))
        room[m] -= 1
        coordinator[int(people.hh[i])] = m
        ca.member[i] = m


def _requeue(rows: np.ndarray, t: int, state: State, p: CoreParams, queue: np.ndarray) -> np.ndarray:
    """Put the cases back on the waiting list, before those who were waiting (they were signalled earlier).

    Each keeps its case id and waits again from the switch week, with patience as at a signal.
    """
    ca, people, hs = state.cases, state.people, state.households
    ca.state[rows] = C_QUEUED
    ca.member[rows] = -1
    ca.queue[rows] = t
    ca.start[rows] = NO_WEEK
    for i in rows:
        ca.leave[i] = rules.patience_end(t, p.leave_rate, people.patience[i])
    np.subtract.at(hs.cases, people.hh[rows], 1)
    return np.concatenate([rows, queue])
