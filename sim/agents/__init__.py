"""Mesa agents of the model.

Team members and teams, specialist providers, volunteer pools, and row views on residents and their carer networks.
"""

from sim.agents.informal import CarerNetworkView, VolunteerPool
from sim.agents.resident import ResidentView
from sim.agents.specialist import SpecialistProvider
from sim.agents.team import Team, TeamMember

__all__ = ["CarerNetworkView", "ResidentView", "SpecialistProvider", "Team", "TeamMember", "VolunteerPool"]
