"""Building teams from team plans: the part every organisation form shares.

A form decides which teams exist (`TeamPlan`: the neighbourhoods and age groups a team
serves, its FTE and discipline shares); `build_teams` turns the plans into Mesa team and
member agents, the staff arrays, the routing map `model.nbh_team[neighbourhood, group]`
(group 0: minors, 1: everyone else) and `model.serves[team, neighbourhood, group]` (whom a
team's outreach reaches). Each member is one FTE; the last of a team may be
part-time; disciplines are dealt out by largest remainder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.agents.team import Staff, Team, TeamMember
from sim.population import band_counts

MINORS, OTHERS = 0, 1


@dataclass(frozen=True)
class TeamPlan:
    """One team to build."""

    neighbourhoods: list[int]
    groups: tuple[int, ...]  # MINORS and/or OTHERS
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


def build_teams(model, plans: list[TeamPlan]) -> None:
    """Create the teams and members; fill model.staff, teams, team_first and nbh_team."""
    design = model.design
    model.staff = Staff(sum(max(1, math.ceil(p.fte)) for p in plans))
    model.nbh_team = np.zeros((len(model.spec.neighbourhoods), 2), np.int64)
    model.serves = np.zeros((len(plans), len(model.spec.neighbourhoods), 2), bool)
    model.teams = []
    first, row = [0], 0
    for index, plan in enumerate(plans):
        team = Team(model, index, plan.neighbourhoods, design.priority_triage)
        model.teams.append(team)
        for g in plan.groups:
            model.nbh_team[plan.neighbourhoods, g] = index
            model.serves[index, plan.neighbourhoods, g] = True
        n_members = max(1, math.ceil(plan.fte))
        disciplines = np.repeat(np.arange(7), band_counts(plan.discipline_shares, n_members))
        for j in range(n_members):
            share = min(1.0, plan.fte - j) if j == n_members - 1 else 1.0
            team.members.add(TeamMember(model, team, row, int(disciplines[j]), design.hours_per_fte * share,
                                        design.caseload_cap, design.outreach_share))
            row += 1
        first.append(row)
    model.team_first = np.asarray(first, np.int64)
    model.discipline_team = np.full(7, -1, np.int64)
