"""Split teams: a youth team beside an adult/Wmo team in every area.

Cases route by age: minors go to the youth team, everyone else to the adult team. A
household with needs in both is served by both, and each of its cases then carries the
extra coordination of `coordination_hours_per_other_professional`. The youth team gets
`youth_team_share` of the area's FTE and the youth-facing disciplines (social work, MEE,
youth); the adult team the others.
"""

from sim.designs.teams import TeamPlan, area_fte, areas
from sim.domains import GROUP_MINORS, GROUP_OTHERS, MEE, SOCIAL_WORK, YOUTH_WORK

YOUTH_DISCIPLINES = (SOCIAL_WORK, MEE, YOUTH_WORK)


def plans(model) -> tuple[list[TeamPlan], None]:
    """A youth team and an adult team per area."""
    d = model.design
    youth = [s if k in YOUTH_DISCIPLINES else 0.0 for k, s in enumerate(d.discipline_shares)]
    adult = [0.0 if k == YOUTH_WORK else s for k, s in enumerate(d.discipline_shares)]
    out = []
    for nbhs in areas(model):
        fte = area_fte(model, nbhs)
        out.append(TeamPlan(nbhs, (GROUP_MINORS,), fte * d.youth_team_share, youth))
        out.append(TeamPlan(nbhs, (GROUP_OTHERS,), fte * (1 - d.youth_team_share), adult))
    return out, None
