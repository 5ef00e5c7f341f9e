"""The broad integral team: all ages, single and multiple problems, one team per area.

An area is a neighbourhood or the whole municipality (`teams`). The form adds no rule of
its own: it is the baseline the other forms differ from.
"""

from sim.designs.teams import MINORS, OTHERS, TeamPlan, area_fte, areas, build_teams


def build(model) -> None:
    """One team per area serving everyone."""
    shares = model.design.discipline_shares
    build_teams(model, [TeamPlan(nbhs, (MINORS, OTHERS), area_fte(model, nbhs), shares) for nbhs in areas(model)])
