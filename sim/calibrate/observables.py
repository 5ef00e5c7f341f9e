"""The fixed registry of observables a target may name, each computed from one run's tables.

An observable turns a run (weekly totals, the case table, the residents per age band and
the scenario) into one number comparable with a published Dutch figure. The definitions,
with their approximations, are documented in docs/outputs.md ("Observables"). The run model
`wijkteam_observables` computes them for the engine (registered by sim.calibrate.validate).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.domains import AGE_BANDS, DOMAINS
from sim.scenario import Scenario

YEAR, HALF_YEAR = 52, 26
YOUTH_BIT = 1 << DOMAINS.index("youth")
UNDER_23 = AGE_BANDS[:2]  # 0-17 and 18-22


@dataclass(frozen=True)
class RunData:
    """What an observable may look at: one run's tables, its age structure and its scenario."""

    totals: pd.DataFrame
    cases: pd.DataFrame
    age_counts: np.ndarray  # residents per age band (sim.domains.AGE_BANDS)
    scenario: Scenario


@dataclass(frozen=True)
class Observable:
    """One observable: its unit, its definition in a sentence, and how to compute it."""

    unit: str
    meaning: str
    compute: Callable[[RunData], float]


def _windows(weeks: int, length: int) -> list[tuple[int, int]]:
    """Consecutive complete windows [start, end) of `length` weeks within the recorded weeks."""
    return [(start, start + length) for start in range(0, weeks - length + 1, length)]


def _youth_users(run: RunData, start: int, end: int) -> pd.DataFrame:
    """Under-23 residents in youth help during [start, end): one row per resident, `team_only` flag.

    A case counts from its intake to its closure (open cases to the end); a case referred to
    youth care counts on for the provider's mean treatment length after closure, since the
    treatment outlives the team's case.
    """
    c = run.cases
    c = c[c["age_band"].isin(UNDER_23) & ((c["domains"] & YOUTH_BIT) > 0) & c["intake_week"].notna()]
    treatment = run.scenario.specialists.youth_care.mean_treatment_weeks
    last = c["closure_week"].astype("float").fillna(np.inf)
    last = last + np.where(c["referral_provider"].astype(object) == "youth_care", treatment, 0.0)
    active = c[(c["intake_week"].astype(float) < end) & (last >= start)]
    return active.groupby("resident")["support_specialist"].any().rename("referred").to_frame()


def _per_year_mean(run: RunData, value: Callable[[int, int], float]) -> float:
    """Mean of value(start, end) over the complete years of the recorded weeks (NaN without one)."""
    years = _windows(len(run.totals), YEAR)
    return float(np.mean([value(a, b) for a, b in years])) if years else np.nan


def _direct_users(run: RunData, start: int, end: int) -> float:
    """Young residents referred straight to youth care (GP or medical route) and in it during [start, end).

    A referral counts from its week for the provider's mean treatment length, as a team
    referral does after its case closes: the same expected number as exponential treatment
    lengths give. Weeks before the record count at the record's mean (the run is stationary).
    """
    weekly = run.totals["direct_referrals_youth_care"].to_numpy(float)
    first = start - int(round(run.scenario.specialists.youth_care.mean_treatment_weeks))
    return max(0, -first) * weekly.mean() + float(weekly[max(0, first):end].sum())


def youth_care_share_under23(run: RunData) -> float:
    """Share of under-23s in youth help per year: team users (distinct residents) and direct referrals, per 52 weeks."""
    young = float(run.age_counts[: len(UNDER_23)].sum())
    if not young:
        return np.nan
    return _per_year_mean(run, lambda a, b: (len(_youth_users(run, a, b)) + _direct_users(run, a, b)) / young)


def youth_help_by_team_share(run: RunData) -> float:
    """Of the under-23s in youth help in a year, the share the team helped without specialist care."""
    def share(a: int, b: int) -> float:
        users = _youth_users(run, a, b)
        total = len(users) + _direct_users(run, a, b)
        return float((~users["referred"]).sum()) / total if total else np.nan

    return _per_year_mean(run, share)


def youth_help_direct_share(run: RunData) -> float:
    """Of the referrals to youth care, the share a GP or medical specialist made (past the team), over the record."""
    t = run.totals
    direct = t["direct_referrals_youth_care"]
    return _ratio_of_sums(direct, direct + t["referrals_youth_care"])


def _clients_per_1000(run: RunData, provision: str) -> float:
    """Residents with a provision in a half-year per 1,000: the stock before it plus its grants.

    Mean over the complete 26-week windows that have a week before them (so from week 1).
    """
    t = run.totals
    stock, granted = t[f"provisions_{provision}"].to_numpy(float), t[f"granted_{provision}"].to_numpy(float)
    residents = float(t["residents"].iloc[0])
    halves = [(a + 1, b + 1) for a, b in _windows(len(t) - 1, HALF_YEAR)]
    if not halves:
        return np.nan
    return float(np.mean([(stock[a - 1] + granted[a:b].sum()) / residents * 1000 for a, b in halves]))


def household_help_per_1000(run: RunData) -> float:
    """Clients with Wmo household help per 1,000 residents per half-year."""
    return _clients_per_1000(run, "household_help")


def support_at_home_per_1000(run: RunData) -> float:
    """Clients with Wmo support at home per 1,000 residents per half-year."""
    return _clients_per_1000(run, "support_at_home")


def _ratio_of_sums(num: pd.Series, den: pd.Series) -> float:
    """sum(num) / sum(den) over the recorded weeks; NaN when den sums to 0."""
    total = float(den.sum())
    return float(num.sum()) / total if total > 0 else np.nan


def overburdened_carers_share(run: RunData) -> float:
    """Share of informal carers overburdened: carer-weeks overburdened over carer-weeks."""
    return _ratio_of_sums(run.totals["carers_overburdened"], run.totals["carers"])


def ggz_waiting_beyond_norm_share(run: RunData) -> float:
    """Share of the GGZ waiting list waiting longer than the Treeknorm (14 weeks), over all weeks."""
    return _ratio_of_sums(run.totals["waiting_over_norm_ggz"], run.totals["waiting_ggz"])


def child_protection_per_1000_minors(run: RunData) -> float:
    """Child-protection measures started per 1,000 under-18s per year."""
    minors = float(run.age_counts[0])
    weeks = len(run.totals)
    if not minors or not weeks:
        return np.nan
    return float(run.totals["child_protection_measures"].sum()) / minors * 1000 * YEAR / weeks


def team_wait_weeks(run: RunData) -> float:
    """Mean wait to intake of the cases taken in during the recorded weeks (weeks)."""
    return _ratio_of_sums(run.totals["intake_wait_weeks"], run.totals["intakes"])


def team_clients_share(run: RunData) -> float:
    """Share of residents who start a team case (intake) in a year: distinct residents per 52 weeks."""
    residents = float(run.totals["residents"].iloc[0])
    c = run.cases.dropna(subset=["intake_week"])

    def share(a: int, b: int) -> float:
        return c.loc[(c["intake_week"] >= a) & (c["intake_week"] < b), "resident"].nunique() / residents

    return _per_year_mean(run, share)


def youth_cases_closed_within_year(run: RunData) -> float:
    """Of the youth help the team gives itself, started with a year left to watch, the share closed within the year.

    Youth help by the team itself: team cases with a youth problem and no specialist referral.
    """
    weeks = len(run.totals)
    c = run.cases
    c = c[c["support_team"] & ~c["support_specialist"] & ((c["domains"] & YOUTH_BIT) > 0) & (c["intake_week"] >= 0)
          & (c["intake_week"] < weeks - YEAR)]
    if not len(c):
        return np.nan
    return float((c["closure_week"].notna() & (c["closure_week"] - c["intake_week"] <= YEAR)).mean())


def _per_resident_year(run: RunData, column: str) -> float:
    """A cost column summed over the recorded weeks, per resident per 52 weeks (EUR)."""
    t = run.totals
    return float(t[column].sum()) / float(t["residents"].iloc[0]) * YEAR / len(t) if len(t) else np.nan


def jeugdwet_spending_per_inhabitant(run: RunData) -> float:
    """Youth Act spending (youth care, GGZ for minors, their crises) per resident per year (EUR)."""
    return _per_resident_year(run, "cost_jeugdwet")


def wmo_provision_spending_per_inhabitant(run: RunData) -> float:
    """Wmo maatwerk spending on household help and support at home per resident per year (EUR)."""
    return _per_resident_year(run, "cost_provisions")


def team_cost_per_inhabitant(run: RunData) -> float:
    """The team's contracted hours' cost per resident per year (EUR)."""
    return _per_resident_year(run, "cost_team")


OBSERVABLES: dict[str, Observable] = {
    "youth_care_share_under23": Observable(
        "share of residents aged 0-22 per year",
        "distinct under-23 residents with a youth-domain team case active in a 52-week year (cases referred to "
        "youth care count on for the mean treatment length after closure), plus the youth problems a GP or "
        "medical specialist referred straight to youth care and still in it (each counts from its referral for "
        "the mean treatment length), over the under-23 residents; mean over the complete recorded years",
        youth_care_share_under23),
    "youth_help_by_team_share": Observable(
        "share of under-23s in youth help",
        "of those, the share whose team cases in the year had no specialist referral (help from the team "
        "itself); mean over the complete recorded years", youth_help_by_team_share),
    "youth_help_direct_share": Observable(
        "share of referrals to youth care",
        "direct_referrals_youth_care over it plus referrals_youth_care (by the team), summed over the recorded "
        "weeks", youth_help_direct_share),
    "household_help_per_1000": Observable(
        "clients per 1,000 residents per half-year",
        "residents with household help in a 26-week window (the running provisions the week before it plus "
        "its grants) per 1,000 residents; mean over the complete windows", household_help_per_1000),
    "support_at_home_per_1000": Observable(
        "clients per 1,000 residents per half-year",
        "as household_help_per_1000, for support at home (begeleiding)", support_at_home_per_1000),
    "overburdened_carers_share": Observable(
        "share of informal carers",
        "sum of carers_overburdened over sum of carers, over the recorded weeks", overburdened_carers_share),
    "ggz_waiting_beyond_norm_share": Observable(
        "share of residents waiting for GGZ",
        "sum of waiting_over_norm_ggz (waiting more than the 14-week Treeknorm since referral) over sum of "
        "waiting_ggz, over the recorded weeks; empty when nobody waits", ggz_waiting_beyond_norm_share),
    "child_protection_per_1000_minors": Observable(
        "measures started per 1,000 residents aged 0-17 per year",
        "child_protection_measures summed over the recorded weeks, per 1,000 under-18 residents, per 52 weeks",
        child_protection_per_1000_minors),
    "team_wait_weeks": Observable(
        "weeks", "intake_wait_weeks summed over the recorded weeks over intakes summed: the mean wait of the cases "
        "taken in (cases that left the waiting list are not in it)", team_wait_weeks),
    "team_clients_share": Observable(
        "share of residents per year",
        "distinct residents with an intake (team casework or the counter) in a 52-week year, over the residents; "
        "mean over the complete recorded years", team_clients_share),
    "youth_cases_closed_within_year": Observable(
        "share of youth cases",
        "of the team cases with a youth problem and no specialist referral (youth help by the team itself) whose "
        "intake lies in the recorded weeks at least 52 weeks before their end, the share closed within 52 weeks "
        "of intake", youth_cases_closed_within_year),
    "jeugdwet_spending_per_inhabitant": Observable(
        "EUR per resident per year", "cost_jeugdwet summed over the recorded weeks, per resident, per 52 weeks",
        jeugdwet_spending_per_inhabitant),
    "wmo_provision_spending_per_inhabitant": Observable(
        "EUR per resident per year",
        "cost_provisions (household help and support at home) summed over the recorded weeks, per resident, per "
        "52 weeks", wmo_provision_spending_per_inhabitant),
    "team_cost_per_inhabitant": Observable(
        "EUR per resident per year", "cost_team summed over the recorded weeks, per resident, per 52 weeks",
        team_cost_per_inhabitant),
}


def compute(names: list[str], run: RunData) -> dict[str, float]:
    """The named observables of one run."""
    return {name: OBSERVABLES[name].compute(run) for name in names}


def run_data(result, scenario: Scenario) -> RunData:
    """The observables' view of a finished simulation (sim.run.RunResult)."""
    ages = np.bincount(result.model.state.people.age, minlength=len(AGE_BANDS))
    return RunData(result.totals, result.cases, ages, scenario)


def wijkteam_observables(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], None]:
    """The run model of validation and calibration: simulate with the run's overrides; summary = the observables."""
    from sim.run import simulate
    from sim.scenario import parse, with_overrides

    scenario = with_overrides(parse(base, "<job base scenario>"), **spec["overrides"])
    result = simulate(scenario, design=spec["design"], seed=spec["seed"])
    return compute(outcomes, run_data(result, scenario)), None
