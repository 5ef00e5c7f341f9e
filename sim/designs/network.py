"""Loose network: professionals stay in their own organisations, one per discipline.

There is no team: each case goes to the organisation of the discipline that fits the
resident's worst problem (municipality-wide), so members of one household often have
different professionals, each coordinating per case: every case carries
`coordination_hours_per_other_professional` for each other professional working with the
household. One family, one plan is impossible here.
"""

import numpy as np

from sim.designs.teams import TeamPlan, area_fte
from sim.domains import GROUP_MINORS, GROUP_OTHERS, N_DISCIPLINES


def plans(model) -> tuple[list[TeamPlan], np.ndarray]:
    """One organisation per discipline with staff, for the whole municipality."""
    d = model.design
    everyone = list(range(len(model.spec.neighbourhoods)))
    total = area_fte(model, everyone)
    weight = sum(d.discipline_shares)
    disciplines = [k for k, s in enumerate(d.discipline_shares) if s > 0]
    teams = [TeamPlan(everyone, (GROUP_MINORS, GROUP_OTHERS), total * d.discipline_shares[k] / weight,
                      [1.0 if j == k else 0.0 for j in range(N_DISCIPLINES)]) for k in disciplines]
    discipline_team = np.full(N_DISCIPLINES, -1, np.int64)
    for index, k in enumerate(disciplines):
        discipline_team[k] = index
    fallback = int(np.argmax(d.discipline_shares))  # a discipline without staff: its cases go to the largest
    discipline_team[discipline_team < 0] = disciplines.index(fallback)
    return teams, discipline_team
