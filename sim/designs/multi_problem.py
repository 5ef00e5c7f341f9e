"""Multi-problem-only team: single problems go to a counter (loket) instead.

The team is built like the integral team, but at intake a case with one problem goes to
the counter (`sim.core.casework.loket_stage`): it grants a Wmo provision or refers to the
provider when the problem is severe enough, and otherwise gives advice only; there is no
team casework for it. Cases with two or more problems get the team as usual.
"""

from sim.designs.teams import TeamPlan, one_team_per_area


def plans(model) -> tuple[list[TeamPlan], None]:
    """One team per area, for multi-problem cases."""
    return one_team_per_area(model), None
