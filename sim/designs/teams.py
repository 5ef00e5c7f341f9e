"""Building teams from team plans: the part every organisation form shares.

A form decides which teams exist (`TeamPlan`: the neighbourhoods and age groups a team
serves, its FTE and discipline shares); `build_teams` turns the plans into a `TeamSetup`:
Mesa team and member agents, the staff arrays, the routing (`nbh_team[neighbourhood,
group]`, groups as in sim.domains.GROUPS) and `serves[team, neighbourhood, group]` (whom a
team's outreach reaches). Each member is one FTE; the last of a team may be part-time;
disciplines are dealt out by largest remainder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.agents.team import Team, TeamMember
from sim.core.state import Routing, Staff, empty_staff
from sim.domains import GROUP_MINORS, GROUP_OTHERS, N_DISCIPLINES
from sim.population import band_counts


@dataclass(frozen=True)
class TeamPlan:
    """One team to build."""

    neighbourhoods: list[int]
    groups: tuple[int, ...]  # sim.domains.GROUP_MINORS and/or GROUP_OTHERS
    fte: float
    discipline_shares: list[float]


def areas(model) -> list[list[int]]:
    """Neighbourhood indices per area.

    One area per neighbourhood, one for the municipality, or `teams` districts of
    neighbouring (consecutive) neighbourhoods with about equal residents.
    """
    residents = [n.residents for n in model.spec.neighbourhoods]
    teams = model.design.teams
    if teams == "municipality":
        return [list(range(len(residents)))]
    if teams == "neighbourhood":
        return [[k] for k in range(len(residents))]
    return districts(residents, teams)


def districts(residents: list[int], n: int) -> list[list[int]]:
    """Split consecutive neighbourhoods into n non-empty groups of about equal residents."""
    cum = np.cumsum(residents)
    cuts: list[int] = []
    for g in range(1, n):
        k = int(np.searchsorted(cum, g * cum[-1] / n)) + 1  # first neighbourhood past the g-th share
        lowest = (cuts[-1] if cuts else 0) + 1
        highest = len(residents) - (n - g)
        cuts.append(min(max(k, lowest), highest))
    bounds = [0, *cuts, len(residents)]
    return [list(range(bounds[i], bounds[i + 1])) for i in range(n)]


def area_fte(model, nbhs: list[int]) -> float:
    """The design's FTE for the residents of these neighbourhoods."""
    return model.design.fte_per_10k * sum(model.spec.neighbourhoods[k].residents for k in nbhs) / 10_000


@dataclass
class TeamSetup:
    """What a design builds: the team agents, their staff arrays, the routing of cases and whom each team serves."""

    teams: list[Team]
    staff: Staff
    routing: Routing
    serves: np.ndarray  # bool (team, neighbourhood, group)


def one_team_per_area(model) -> list[TeamPlan]:
    """One team per area serving all ages, with the design's discipline shares."""
    shares = model.design.discipline_shares
    return [TeamPlan(nbhs, (GROUP_MINORS, GROUP_OTHERS), area_fte(model, nbhs), shares) for nbhs in areas(model)]


def members_of(plan: TeamPlan, hours_per_fte: float) -> list[tuple[int, float]]:
    """(discipline, weekly hours) of each member of a planned team: one FTE each, the last maybe part-time."""
    n_members = max(1, math.ceil(plan.fte))
    disciplines = np.repeat(np.arange(N_DISCIPLINES), band_counts(plan.discipline_shares, n_members))
    return [(int(disciplines[j]), hours_per_fte * (min(1.0, plan.fte - j) if j == n_members - 1 else 1.0))
            for j in range(n_members)]


def coverage(plans: list[TeamPlan], n_nbh: int) -> tuple[np.ndarray, np.ndarray]:
    """The team per (neighbourhood, group) that takes its cases, and whom each team serves (team, nbh, group)."""
    nbh_team = np.zeros((n_nbh, 2), np.int64)
    serves = np.zeros((len(plans), n_nbh, 2), bool)
    for index, plan in enumerate(plans):
        for g in plan.groups:
            nbh_team[plan.neighbourhoods, g] = index
            serves[index, plan.neighbourhoods, g] = True
    return nbh_team, serves


def build_teams(model, plans: list[TeamPlan], discipline_team: np.ndarray | None = None) -> TeamSetup:
    """Create the teams and members of the plans; `discipline_team` routes cases by discipline (network form)."""
    design = model.design
    members = [members_of(plan, design.hours_per_fte) for plan in plans]
    staff = empty_staff(sum(len(m) for m in members))
    teams = []
    first, row = [0], 0
    for index, plan in enumerate(plans):
        team = Team(model, index, plan.neighbourhoods)
        teams.append(team)
        for discipline, hours in members[index]:
            team.members.add(TeamMember(model, staff, team, row, discipline, hours, design.caseload_cap,
                                        design.outreach_share))
            row += 1
        first.append(row)
    if discipline_team is None:
        discipline_team = np.full(N_DISCIPLINES, -1, np.int64)
    nbh_team, serves = coverage(plans, len(model.spec.neighbourhoods))
    return TeamSetup(teams, staff, Routing(nbh_team, discipline_team, np.asarray(first, np.int64)), serves)


def spread(per_member: np.ndarray, staff_team: np.ndarray, team_share: np.ndarray) -> np.ndarray:
    """Spread each team's member totals over the residents it serves, summed per neighbourhood.

    `per_member` (..., members) may have leading axes, such as weeks: each row is spread on its own;
    `team_share[team, neighbourhood, group]` is each team's share of its residents.
    """
    rows = per_member.reshape(-1, per_member.shape[-1])
    by_team = np.zeros((rows.shape[0], team_share.shape[0]))
    for member, team in enumerate(staff_team):
        by_team[:, team] += rows[:, member]  # in member order, as np.bincount sums
    return np.einsum("wt,tkg->wk", by_team, team_share).reshape(per_member.shape[:-1] + (-1,))
