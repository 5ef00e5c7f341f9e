"""The broad integral team.

All ages, single and multiple problems, one team per neighbourhood or one for the whole municipality.

Staff follow the design's FTE per 10,000 residents; each member is one FTE (the last of
a team may be part-time); disciplines are dealt out by the design's shares.
"""

import math

import numpy as np

from sim.agents.team import Staff, Team, TeamMember
from sim.population import band_counts


def areas(model) -> list[list[int]]:
    """Neighbourhood indices per team."""
    n = len(model.spec.neighbourhoods)
    if model.design.teams == "municipality":
        return [list(range(n))]
    return [[k] for k in range(n)]


def build(model) -> None:
    """Create the teams and members; fill model.staff, model.teams and model.nbh_team."""
    design = model.design
    groups = areas(model)
    sizes = []
    for nbhs in groups:
        residents = sum(model.spec.neighbourhoods[k].residents for k in nbhs)
        sizes.append(design.fte_per_10k * residents / 10_000)
    model.staff = Staff(sum(max(1, math.ceil(s)) for s in sizes))
    model.nbh_team = np.zeros(len(model.spec.neighbourhoods), np.int64)
    first = [0]
    row = 0
    model.teams = []
    for index, (nbhs, fte) in enumerate(zip(groups, sizes, strict=True)):
        team = Team(model, index, nbhs, design.priority_triage)
        model.teams.append(team)
        model.nbh_team[nbhs] = index
        n_members = max(1, math.ceil(fte))
        disciplines = np.repeat(np.arange(7), band_counts(design.discipline_shares, n_members))
        for j in range(n_members):
            share = min(1.0, fte - j) if j == n_members - 1 else 1.0
            member = TeamMember(model, team, row, int(disciplines[j]), design.hours_per_fte * share,
                                design.caseload_cap, design.outreach_share)
            team.members.add(member)
            row += 1
        first.append(row)
    model.team_first = np.asarray(first, np.int64)
