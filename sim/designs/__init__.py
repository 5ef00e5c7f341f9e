"""Organisation forms. Each form plans its teams; `build` turns the plans into agents and arrays.

`MODIFIERS` says what each design setting means (shown by `wijkteam designs`).
"""

import numpy as np

from sim.designs import integral, multi_problem, network, split, village
from sim.designs.teams import TeamPlan, TeamSetup, build_teams

FORMS = {"integral": integral, "split": split, "multi_problem": multi_problem, "village": village,
         "network": network}

MODIFIERS = {
    "teams": "one team per neighbourhood, one for the municipality, or a number of districts in between",
    "employment": "staff seconded by care providers (keep their specialism, cost more) or employed by the municipality",
    "welfare_hours_per_1000": "weekly prevention hours of welfare organisations in the shell around the team",
    "fte_per_10k": "contracted staff (FTE) per 10,000 residents",
    "hours_per_fte": "weekly hours of one FTE",
    "discipline_shares": "relative shares of social work, Wmo, MEE, welfare, work & income, debt, youth",
    "discipline_match_effect": "how much faster a professional of the fitting discipline works",
    "caseload_cap": "most cases one professional carries",
    "casework_hours_per_case": "weekly casework hours per open case",
    "coordination_hours_per_case": "weekly coordination overhead per open case",
    "bridging_hours_per_case": "weekly hours of a case kept open only while care elsewhere is awaited",
    "outreach_share": "share of hours meant for outreach and prevention (caseload pressure eats it first)",
    "outreach_protected": "outreach hours are set aside before casework (false: cases take what they need first)",
    "priority_triage": "safety cases jump the intake queue",
    "referral_threshold": "severity above which the team refers to specialist care (low: gateway, high: buffer)",
    "close_below": "the team closes a case once every problem is below this severity",
    "min_case_weeks": "shortest case (kitchen-table talks, plan, follow-up)",
    "follow_up_weeks": "mean weeks a case stays open for follow-up after its minimum length",
    "mandate_delay_weeks": "weeks a provision or specialist referral waits for a municipal check (0: mandate)",
    "one_family_one_plan": "one coordinator for every member of a household",
    "signalling_network": "a neighbourhood signalling network reports problems to the team",
    "service": "how cases end: by the casework rules, or memoryless (queue-only check)",
    "mean_service_weeks": "mean case length with memoryless service",
    "bridging": "the team keeps a referred case open until specialist care admits it (false: hands over at once)",
    "coordination_hours_per_other_professional": "weekly overhead per case per other professional in the household",
    "youth_team_share": "share of staff in the youth team (split teams only)",
    "outreach_knowledge": "local knowledge multiplies what an outreach hour finds (village support worker)",
}


def plans(model) -> tuple[list[TeamPlan], np.ndarray | None]:
    """The team plans of the model's design, by its form, and its routing by discipline (network form only)."""
    return FORMS[model.design.form].plans(model)


def build(model) -> TeamSetup:
    """The teams of the model's design: Mesa agents and arrays built from its form's plans."""
    return build_teams(model, *plans(model))
