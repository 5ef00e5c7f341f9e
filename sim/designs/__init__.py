"""Organisation forms. Each form builds its teams and members into a model.

Only the broad integral team exists so far; other forms register here beside it.
`MODIFIERS` says what each design setting means (shown by `wijkteam designs`).
"""

from sim.designs import integral

FORMS = {"integral": integral}

MODIFIERS = {
    "teams": "one team per neighbourhood, or one for the whole municipality",
    "fte_per_10k": "contracted staff (FTE) per 10,000 residents",
    "hours_per_fte": "weekly hours of one FTE",
    "discipline_shares": "relative shares of social work, Wmo, MEE, welfare, work & income, debt, youth",
    "discipline_match_effect": "how much faster a professional of the fitting discipline works",
    "caseload_cap": "most cases one professional carries",
    "casework_hours_per_case": "weekly casework hours per open case",
    "coordination_hours_per_case": "weekly coordination overhead per open case",
    "outreach_share": "share of hours meant for outreach and prevention (caseload pressure eats it first)",
    "priority_triage": "safety cases jump the intake queue",
    "referral_threshold": "severity above which the team refers to specialist care (low: gateway, high: buffer)",
    "close_below": "the team closes a case once every problem is below this severity",
    "min_case_weeks": "shortest case (kitchen-table talks, plan, follow-up)",
    "mandate_delay_weeks": "weeks a provision waits for a municipal check (0: the team has the mandate)",
    "one_family_one_plan": "one coordinator for every member of a household",
    "signalling_network": "a neighbourhood signalling network reports problems to the team",
    "service": "how cases end: by the casework rules, or memoryless (queue-only check)",
    "mean_service_weeks": "mean case length with memoryless service",
}


def build(model) -> None:
    """Build the teams of the model's design through its form's module."""
    FORMS[model.design.form].build(model)
