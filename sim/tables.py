"""The output tables' contract: schema version, column units, derived columns, totals.

docs/outputs.md describes the same columns; a test keeps the two in step.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from sim import steady
from sim.domains import AGE_BANDS, JEUGDWET, PARTICIPATIEWET, PROVIDERS, ZVW

SCHEMA_VERSION = "1.0"

# GGZ Treeknorm (NZa): at most 4 weeks from registration to intake plus 10 from intake to treatment.
TREEKNORM_WEEKS = 14

# Unit of every column, by exact name or by prefix (first match wins).
UNITS = (
    ("week", "week (0 = first week after burn-in)"),
    ("neighbourhood_name", "name"),
    ("neighbourhood", "index"),
    ("residents", "persons"),
    ("prevalence_", "share of residents"),
    ("onsets_", "problems per week"),
    ("self_reliant_share", "share of residents"),
    ("signals_", "signals per week"),
    ("new_cases_waiting", "cases per week"),
    ("new_cases", "cases per week"),
    ("queue_length", "residents waiting (end of week)"),
    ("intakes", "cases per week"),
    ("loket_cases", "cases per week"),
    ("left_queue_resolved", "cases per week"),
    ("gave_up_waiting", "cases per week"),
    ("intake_wait_weeks", "weeks (sum over this week's intakes)"),
    ("mean_wait_weeks", "weeks"),
    ("open_cases", "cases (end of week)"),
    ("bridged_cases", "cases (end of week)"),
    ("staff_fte", "FTE"),
    ("caseload_per_fte", "cases per FTE"),
    ("hours_", "hours per week"),
    ("informal_share", "share of support hours"),
    ("informal_hours", "hours per week"),
    ("volunteer_hours", "hours per week"),
    ("carer_dropouts", "carers per week"),
    ("carers_overburdened", "carers"),
    ("carers", "carers"),
    ("referrals_", "referrals per week"),
    ("direct_referrals_youth_care", "referrals per week"),
    ("waiting_over_norm_", "residents waiting more than 14 weeks since referral (end of week)"),
    ("waiting_", "residents waiting (end of week)"),
    ("in_treatment_", "residents (end of week)"),
    ("admissions_", "admissions per week"),
    ("mean_wait_", "weeks"),
    ("granted_", "provisions per week"),
    ("provisions_", "residents with the provision (end of week)"),
    ("crises", "crises per week"),
    ("child_protection_measures", "measures per week"),
    ("client_households", "households (end of week)"),
    ("professionals_per_client_household", "professionals per household"),
    ("professionals_per_multiproblem_household", "professionals per household"),
    ("professionals_multiproblem", "professionals (sum over multi-problem client households)"),
    ("multiproblem_households", "households (end of week)"),
    ("professionals", "professionals (sum over client households)"),
    ("journey_", "residents (end of week)"),
    ("provision_holders_per_1000_75plus", "residents with a provision per 1,000 residents aged 75+ (end of week)"),
    ("provision_holders_per_1000", "residents with a provision per 1,000 residents (end of week)"),
    ("projected_residents_", "residents (a projection's, for the year; end of week)"),
    ("residents_", "residents (end of week)"),
    ("deaths", "residents per week"),
    ("births", "residents per week"),
    ("moved_in", "residents per week"),
    ("moved_out", "residents per week"),
    ("left_home", "residents per week"),
    ("households", "households (end of week)"),
    ("ended_problems_", "problems per week"),
    ("ended_provisions_", "provisions per week"),
    ("ended_specialist_care_", "problems per week"),
    ("carers_gone", "carers per week"),
    ("cost_per_resident", "EUR per resident per week"),
    ("onset_to_contact_weeks", "weeks (run-level: mean over cases with an intake in the recorded weeks)"),
    ("intake_severity", "severity 0-1 (run-level: mean over cases signalled in the recorded weeks)"),
    ("onset_to_signal_weeks", "weeks (run-level: mean over cases signalled in the recorded weeks)"),
    ("intake_to_referral_weeks", "weeks (run-level: mean over cases referred in the recorded weeks)"),
    ("case_weeks", "weeks (run-level: mean intake-to-closure over cases closed in the recorded weeks)"),
    ("wait_weeks_non_priority", "weeks (run-level: mean wait of non-safety cases with an intake in the window)"),
    ("wait_", "weeks (run-level: mean wait of the provider's admissions in the recorded weeks)"),
    ("queue_growing", "1 = the team's waiting list still grows over the recorded weeks (sim.steady), else 0"),
    ("warmup_weeks", "weeks (run-level: the longest MSER-5 truncation of the key weekly outcomes, sim.steady)"),
    ("cost_", "EUR per week"),
)

CASE_UNITS = {
    "case_id": "id",
    "resident": "index",
    "household": "index",
    "neighbourhood": "index",
    "age_band": "category",
    "route": "category",
    "priority": "bool (safety case)",
    "domains": "bitmask over domains (bit d = sim.domains.DOMAINS[d])",
    "onset_week": "week",
    "signal_week": "week",
    "intake_week": "week (null: never taken in: still queued, or left the waiting list)",
    "closure_week": "week (null: open at end; for a case that left the waiting list, the week it left)",
    "intake_severity": "severity 0-1",
    "informal_hours": "hours",
    "referral_week": "week (null: no referral)",
    "referral_provider": "category (null: no referral)",
    "outcome": "category",
    "wait_weeks": "weeks",
    "onset_to_signal_weeks": "weeks",
    "support_team": "bool",
    "support_informal": "bool",
    "support_provision": "bool",
    "support_specialist": "bool",
    "n_domains": "count",
}


def unit_of(column: str) -> str:
    """The unit of a weekly-table column; KeyError if the contract does not know it."""
    for key, unit in UNITS:
        if column == key or (key.endswith("_") and column.startswith(key)):
            return unit
    raise KeyError(f"no unit declared for column {column!r}")


def _in_window(cases: pd.DataFrame, column: str, first: int, end: int) -> pd.DataFrame:
    """Cases whose `column` week falls in recorded weeks first to end - 1."""
    return cases[(cases[column] >= first) & (cases[column] < end)]


def windowed(name: str) -> tuple[str, tuple[int, int] | None]:
    """An outcome name and the recorded weeks it is taken over: "mean_wait_weeks@104:208" is weeks 104 to 207.

    Without "@" the outcome is taken over every recorded week (None). An audit assumption with a
    window asks for its metric so (sim.audit.column).
    """
    base, _, window = name.partition("@")
    if not window:
        return base, None
    first, _, end = window.partition(":")
    return base, (int(first), int(end))


def outcome_problem(name: str, known: set[str], weeks: int) -> str | None:
    """Why `name` is not an outcome a run of `weeks` recorded weeks reports (None if it is): see `windowed`."""
    base, _, window = name.partition("@")
    if base not in known:
        return f"{name!r} is not an outcome (see docs/outputs.md)"
    if not window:
        return None
    first, _, end = window.partition(":")
    if not (first.isdigit() and end.isdigit()) or not int(first) < int(end) <= weeks:
        return (f"{name!r}: the weeks after '@' are first:end, recorded weeks with 0 <= first < end <= {weeks} "
                "(e.g. wait_weeks_non_priority@104:208)")
    return None


CHANGE_WINDOW = 26  # weeks before and from a change over which a before-and-after comparison averages


def before_after(weekly: pd.DataFrame, names: list[str], week: int, weeks: int) -> tuple[pd.DataFrame, int] | None:
    """Per design, each outcome's mean over the CHANGE_WINDOW weeks before recorded week `week` and from it.

    `weekly` has design, week and outcome columns (replications pooled); the window shrinks to fit
    the `weeks` recorded. Returns the table (rows: outcome; columns: (design, "before" / "after"))
    and the window, or None for a change in the first or after the last recorded week.
    """
    window = min(CHANGE_WINDOW, week, weeks - week)
    if window <= 0:
        return None
    side = np.where(weekly["week"] < week, "before", "after")
    near = (weekly["week"] >= week - window) & (weekly["week"] < week + window)
    means = weekly[near].assign(side=side[near.to_numpy()]).groupby(["design", "side"], sort=False)[names].mean()
    return means.T, window


def window_name(name: str, window: list[int] | tuple[int, int] | None) -> str:
    """The outcome name of `name` taken over `window` (see `windowed`); the name itself without one."""
    return f"{name}@{window[0]}:{window[1]}" if window else name


def _mean(values: pd.Series) -> float:
    """Mean as a float, NaN when there is nothing to average."""
    return float(values.mean()) if len(values) else np.nan


RUN_METRICS = {  # name: (window column, value from the window's cases)
    "onset_to_contact_weeks": ("intake_week", lambda c: c["intake_week"] - c["onset_week"]),
    "intake_severity": ("signal_week", lambda c: c["intake_severity"]),
    "onset_to_signal_weeks": ("signal_week", lambda c: c["signal_week"] - c["onset_week"]),
    "intake_to_referral_weeks": ("referral_week", lambda c: c["referral_week"] - c["intake_week"]),
    "case_weeks": ("closure_week", lambda c: c["closure_week"] - c["intake_week"]),
    "wait_weeks_non_priority": ("intake_week", lambda c: (c["intake_week"] - c["signal_week"])[~c["priority"]]),
}


BAND_COLUMNS = tuple("residents_" + b.replace("-", "_").replace("+", "plus") for b in AGE_BANDS)
CENSUS_FLOWS = ("deaths", "births", "moved_out", "moved_in")  # residents per neighbourhood in a census
# What else a census counts: young adults forming a household of their own, and what ended for those who left
# (their problems, provisions and specialist care, by death or moving away; the carers of households gone).
CENSUS_COUNTS = (*CENSUS_FLOWS, "left_home", *(f"ended_{what}_{why}" for what in ("problems", "provisions",
                                                                                  "specialist_care")
                                              for why in ("died", "moved_out")), "carers_gone")
# What a run with demography adds to the weekly tables (sim.demography), and one with a provisions waiting list.
POPULATION_OUTCOMES = ("residents", "households", *BAND_COLUMNS, *CENSUS_COUNTS, "provision_holders_per_1000",
                       "provision_holders_per_1000_75plus")
WAITING_LIST_OUTCOMES = ("waiting_provisions",)


def scenario_outcomes(scenario) -> tuple[str, ...]:
    """The outcomes a scenario's runs add to every run's: population columns with demography, the provisions list."""
    budgets = scenario.budgets
    return ((POPULATION_OUTCOMES if scenario.demography is not None else ())
            + (WAITING_LIST_OUTCOMES if budgets is not None and budgets.overspend == "waiting_list" else ()))


def known_outcomes(reference: bool = False, scenario=None) -> set[str]:
    """Every outcome a run can report: weekly_totals columns and run-level metrics (and `scenario`'s own).

    The pure-Mesa reference reports weekly totals only, without provider admissions.
    """
    from sim.domains import DOMAINS, JOURNEY, PAYERS, PROVISIONS, ROUTES

    names = {"residents", "self_reliant_share", "new_cases", "new_cases_waiting", "queue_length", "intakes",
             "loket_cases", "left_queue_resolved", "gave_up_waiting", "intake_wait_weeks", "open_cases",
             "bridged_cases", "staff_fte", "hours_contracted", "hours_casework",
             "hours_coordination", "hours_outreach", "informal_hours", "volunteer_hours", "carers",
             "carers_overburdened", "carer_dropouts", "crises", "child_protection_measures", "client_households",
             "professionals", "cost_team", "cost_provisions", "cost_welfare", "cost_specialist", "cost_crisis",
             "cost_total",
             "mean_wait_weeks", "caseload_per_fte", "professionals_per_client_household", "informal_share",
             "cost_per_resident", "multiproblem_households", "professionals_multiproblem",
             "professionals_per_multiproblem_household", "direct_referrals_youth_care"}
    names |= {f"{kind}_{d}" for d in DOMAINS for kind in ("prevalence", "onsets")}
    names |= {f"signals_{r}" for r in ROUTES} | {f"journey_{j}" for j in JOURNEY} | {f"cost_{p}" for p in PAYERS}
    names |= {f"{kind}_{p}" for p in PROVIDERS for kind in ("referrals", "waiting", "in_treatment")}
    names |= {f"{kind}_{p}" for p in PROVISIONS for kind in ("granted", "provisions")}
    if scenario is not None:
        names |= set(scenario_outcomes(scenario))
    if reference:
        return names - {"loket_cases"}
    extra = ("admissions", "mean_wait", "waiting_over_norm")
    return names | {f"{kind}_{p}" for p in PROVIDERS for kind in extra} | set(RUN_METRICS) | set(TOTALS_METRICS)


def run_metric(name: str, cases: pd.DataFrame, first: int, end: int) -> float:
    """A run-level metric computed from the case table over recorded weeks first to end - 1 (see UNITS)."""
    column, value = RUN_METRICS[name]
    return _mean(value(_in_window(cases, column, first, end)).dropna())


def _admission_wait(provider: str, total: pd.DataFrame) -> float:
    """Mean wait of a provider's admissions over the recorded weeks (NaN without admissions)."""
    admitted = total[f"admissions_{provider}"]
    n = float(admitted.sum())
    return float((total[f"mean_wait_{provider}"].fillna(0.0) * admitted).sum()) / n if n else np.nan


TOTALS_METRICS = {  # run-level outcomes computed from the weekly totals
    **{f"wait_{p}": (lambda t, p=p: _admission_wait(p, t)) for p in PROVIDERS},
    "queue_growing": lambda t: float(steady.queue_growing(t)),
    "warmup_weeks": lambda t: float(max(steady.warmup(t).values(), default=0)),
}


def outcome_values(names: list[str], total: pd.DataFrame, cases: pd.DataFrame, weeks: int) -> dict[str, float]:
    """A run's value of each named outcome: run-level metrics, totals metrics, else the weekly mean.

    A name with a window ("name@first:end", see `windowed`) is taken over those recorded weeks only.
    """
    out = {}
    for name in names:
        base, window = windowed(name)
        first, end = window or (0, weeks)
        part = total if window is None else total[(total["week"] >= first) & (total["week"] < end)]
        if base in RUN_METRICS:
            out[name] = run_metric(base, cases, first, end)
        elif base in TOTALS_METRICS:
            out[name] = TOTALS_METRICS[base](part)
        else:
            out[name] = float(part[base].mean())
    return out


def fte_cost_per_year(costs, design) -> float:
    """The yearly cost of one contracted FTE: seconded staff at the providers' rate, employed staff times a factor."""
    factor = 1.0 if design.employment == "seconded" else costs.municipal_cost_factor
    return costs.team_cost_per_fte_year * factor


def team_cost_per_hour(costs, design) -> float:
    """The cost of one contracted team hour under a design (the one definition of the team's cost)."""
    return fte_cost_per_year(costs, design) / (52.0 * design.hours_per_fte)


def payer_of_specialist(provider: int, minor: bool) -> int:
    """Who pays a provider's treatment.

    Youth care and youth GGZ: Jeugdwet, adult GGZ: Zvw,
    debt restructuring and reintegration Participatiewet.
    """
    name = PROVIDERS[provider]
    if name == "youth_care" or (name == "ggz" and minor):
        return JEUGDWET
    if name == "ggz":
        return ZVW
    return PARTICIPATIEWET


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """Num / den with NaN where den is 0."""
    den = den.astype(float)
    return num / den.where(den > 0)


DERIVED = ("mean_wait_weeks", "caseload_per_fte", "professionals_per_client_household",
           "professionals_per_multiproblem_household", "informal_share", "cost_per_resident",
           "provision_holders_per_1000", "provision_holders_per_1000_75plus")  # the last two: with demography


def derive(df: pd.DataFrame) -> pd.DataFrame:
    """Add the ratio columns (DERIVED) that are computed from summed columns."""
    df["mean_wait_weeks"] = _ratio(df["intake_wait_weeks"], df["intakes"])
    df["caseload_per_fte"] = _ratio(df["open_cases"], df["staff_fte"])
    df["professionals_per_client_household"] = _ratio(df["professionals"], df["client_households"])
    df["professionals_per_multiproblem_household"] = _ratio(df["professionals_multiproblem"],
                                                            df["multiproblem_households"])
    support = df["informal_hours"] + df["volunteer_hours"]
    df["informal_share"] = _ratio(support, support + df["hours_casework"])
    df["cost_per_resident"] = df["cost_total"] / df["residents"]
    if "residents_75plus" in df:  # with demography: demand per head and per older head, to tell ageing apart
        demand_per_head(df, df[[c for c in df.columns if c.startswith("provisions_")]].sum(axis=1))
    return df


def demand_per_head(df: pd.DataFrame, holders: pd.Series) -> pd.DataFrame:
    """Provision `holders` per 1,000 residents and per 1,000 aged 75+, added to `df`."""
    df["provision_holders_per_1000"] = _ratio(1000.0 * holders, df["residents"])
    df["provision_holders_per_1000_75plus"] = _ratio(1000.0 * holders, df["residents_75plus"])
    return df


def totals(by_nbh: pd.DataFrame, provider_weeks: list[dict[str, float]]) -> pd.DataFrame:
    """Weekly totals over neighbourhoods: sums of counts, shares weighted by residents."""
    shares = [c for c in by_nbh.columns if c.startswith("prevalence_") or c == "self_reliant_share"]
    counts = [c for c in by_nbh.columns if c not in shares and c not in ("week", "neighbourhood",
                                                                         "neighbourhood_name")]
    counts = [c for c in counts if c not in DERIVED]
    weighted = by_nbh[shares].mul(by_nbh["residents"], axis=0)
    out = pd.concat([by_nbh[["week"]], by_nbh[counts], weighted], axis=1).groupby("week", sort=True).sum()
    out[shares] = out[shares].div(out["residents"], axis=0)
    out = derive(out.reset_index())
    extra = pd.DataFrame(provider_weeks)
    return pd.concat([out, extra.set_axis(out.index)], axis=1)


SUMMARY_UNITS = {
    "outcome": "column of weekly_totals",
    "kind": "flow (per week), stock (end of week) or ratio",
    "unit": "unit of the weekly column",
    "mean_per_week": "mean over recorded weeks, in the weekly unit",
    "total": "sum over recorded weeks (flows only)",
    "per_1000_residents_per_year": "flows: total per 1,000 residents per year; stocks: mean per 1,000 residents",
}


def column_kind(column: str) -> str:
    """How a weekly column adds up over weeks: "flow" (summed), "ratio" (a share or quotient) or "stock" (averaged)."""
    unit = unit_of(column)
    if ("per week" in unit or "sum over this week" in unit) and "per resident" not in unit:
        return "flow"
    if "share" in unit or " per " in unit or unit.startswith("weeks"):
        return "ratio"
    return "stock"


def run_summary(total: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome over the recorded weeks: totals, and the same per resident."""
    res = float(total["residents"].iloc[0])
    years = len(total) / 52.0
    rows = []
    for col in total.columns:
        if col in ("week", "residents"):
            continue
        unit = unit_of(col)
        series = total[col].astype(float)
        kind = column_kind(col)
        if kind == "flow":
            tot = float(series.sum())
            per_1000 = tot / res * 1000 / years
        elif kind == "ratio":
            tot, per_1000 = np.nan, np.nan
        else:
            tot = np.nan
            per_1000 = float(series.mean()) / res * 1000
        rows.append({"outcome": col, "kind": kind, "unit": unit, "mean_per_week": float(series.mean()),
                     "total": tot, "per_1000_residents_per_year": per_1000})
    return pd.DataFrame(rows)


def summary(total: pd.DataFrame) -> dict[str, float]:
    """A few headline figures over the recorded weeks, for the terminal (the specialist waits beside the team's)."""
    res = float(total["residents"].iloc[0])
    weeks = len(total)
    intakes = total["intakes"].sum()
    return {
        "residents": res,
        "weeks": weeks,
        "problem prevalence (any domain, mean share)": float(
            total[[c for c in total.columns if c.startswith("journey_")]].drop(
                columns="journey_no_problem").sum(axis=1).mean() / res),
        "signals per 1,000 residents per year": float(
            total[[c for c in total.columns if c.startswith("signals_")]].sum().sum() / res * 1000 * 52 / weeks),
        "team waiting list (mean)": float(total["queue_length"].mean()),
        "team waiting list still growing (1 = yes)": float(steady.queue_growing(total)),
        "wait to intake (weeks, mean)": float(total["intake_wait_weeks"].sum() / intakes) if intakes else np.nan,
        **{f"wait for {p.replace('_', ' ')} (weeks, mean)": _admission_wait(p, total) for p in PROVIDERS
           if f"admissions_{p}" in total},
        "caseload per FTE (mean)": float(total["caseload_per_fte"].mean()),
        "outreach hours per week (mean)": float(total["hours_outreach"].mean()),
        "informal share of support hours": float(total["informal_share"].mean()),
        "crises per 1,000 residents per year": float(total["crises"].sum() / res * 1000 * 52 / weeks),
        "cost per resident per year (EUR)": float(total["cost_total"].sum() / res * 52 / weeks),
    }


YEAR_COLUMNS = {"year": "year (1 = the first recorded year)", "first_week": "week (0 = first week after burn-in)",
                "weeks": "weeks (52, fewer in a last year cut short)",
                "from_date": "date of the year's first week (meta.start_date)"}


def yearly(weekly: pd.DataFrame, by: tuple[str, ...] = (), start_date: datetime.date | None = None) -> pd.DataFrame:
    """The recorded years of a weekly table (52 weeks each), per `by` columns: the calendar-year view.

    Flows are summed over the year's weeks, stocks and shares averaged, and quotients
    recomputed from those (a mean wait from the year's summed waits and intakes, a provider's
    from its admissions), so a year's figure is what the year's weeks add up to.
    """
    keys = ["year", *by]
    df = weekly.assign(year=weekly["week"] // 52 + 1)
    cols = [c for c in weekly.columns if c not in ("week", *by) and c not in DERIVED]
    kinds = {c: column_kind(c) for c in cols}
    waits = [c for c in cols if c.startswith("mean_wait_")]  # per provider: weighted by its admissions
    for c in waits:
        df[c] = df[c].fillna(0.0) * df[c.replace("mean_wait_", "admissions_")]
    summed = [c for c in cols if kinds[c] == "flow" or c in waits]
    averaged = [c for c in cols if c not in summed]
    grouped = df.groupby(keys, sort=True)
    out = pd.concat([grouped["week"].agg(first_week="min", weeks="count"), grouped[summed].sum(),
                     grouped[averaged].mean()], axis=1).reset_index()
    for c in waits:
        out[c] = _ratio(out[c], out[c.replace("mean_wait_", "admissions_")])
    if start_date is not None:  # the calendar: a date for each year's first week
        out.insert(len(keys) + 2, "from_date", [start_date + datetime.timedelta(weeks=int(w))
                                                for w in out["first_week"]])
    return derive(out)


def with_budgets(years: pd.DataFrame, budgets: dict[str, float]) -> pd.DataFrame:
    """A yearly totals table with each budgeted payer's budget and its spending beyond it (EUR per year).

    `budgets` are EUR per resident per year (sim.scenario.Budgets.per_payer); a year cut short
    gets its share of the budget.
    """
    out = years.copy()
    for payer, per_resident in budgets.items():
        out[f"budget_{payer}"] = per_resident * out["residents"] * out["weeks"] / 52
        out[f"over_budget_{payer}"] = out[f"cost_{payer}"] - out[f"budget_{payer}"]
    return out


def yearly_unit(column: str) -> str:
    """The unit of a column of a yearly table (see `yearly` and `with_budgets`)."""
    if column in YEAR_COLUMNS:
        return YEAR_COLUMNS[column]
    if column.startswith(("budget_", "over_budget_")):
        return "EUR per year"
    unit = unit_of(column)
    if column == "cost_per_resident":
        return "EUR per resident per year"
    if column in DERIVED or column in ("neighbourhood", "neighbourhood_name"):  # a year's quotient, or a key
        return unit
    if column_kind(column) == "flow":
        return unit.replace("per week", "per year").replace("this week's intakes", "the year's intakes")
    if column_kind(column) == "stock" or "share" in unit:
        return f"{unit}, mean over the year's weeks"
    return unit
