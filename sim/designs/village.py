"""No team: a village support worker (dorpsondersteuner) who is close to residents.

Local knowledge makes each outreach hour find more problems (`outreach_knowledge`), and
the worker refers on: a case is handed over as soon as it is referred, without waiting
with the client for specialist care (`bridging = false` is required). Workers are built
one group per area like a team, usually few and with a large outreach share.
"""

from sim.designs.teams import TeamPlan, one_team_per_area


def plans(model) -> tuple[list[TeamPlan], None]:
    """Support workers per area."""
    return one_team_per_area(model), None
