"""The broad integral team: all ages, single and multiple problems, one team per area.

An area is a neighbourhood or the whole municipality (`teams`). The form adds no rule of
its own: it is the baseline the other forms differ from.
"""

from sim.designs.teams import TeamPlan, one_team_per_area


def plans(model) -> tuple[list[TeamPlan], None]:
    """One team per area serving everyone."""
    return one_team_per_area(model), None
