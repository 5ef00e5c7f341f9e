"""Paired comparison of team designs on one population, through the run engine.

Every design runs the same replications with the same seeds (common random numbers: the
run seed depends on the replication, not on the design), so the difference between two
designs in one replication is free of the noise they share. Per outcome the table gives
each design's mean with a 95 % interval and the paired difference to the first design
with a 95 % interval (t distribution over replications).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from sim import steady
from sim.domains import DOMAINS, PAYERS, PROVIDERS
from sim.flows import FLOW_OUTCOMES
from sim.intervals import mean_interval
from sim.markdown import pipe_table
from sim.scenario import Scenario, parse
from sim.sweep.spec import RunSpec, run_seed
from sim.tables import fte_cost_per_year
from sim.units import UNIT_EN, shown

# The team's wait stands beside the specialist waits, so a design that moves its queue to
# specialist care does not look like a design without queues.
OUTCOMES = ["new_cases", "queue_length", "mean_wait_weeks", *(f"wait_{p}" for p in PROVIDERS), "gave_up_waiting",
            "queue_growing", "open_cases", "bridged_cases", "caseload_per_fte", "hours_outreach", "signals_outreach",
            "informal_share", "professionals_per_client_household", "referrals_youth_care", "referrals_ggz", "crises",
            "self_reliant_share", "cost_team", "cost_specialist", "cost_per_resident"]

# The weekly series a report draws (sim.report), by report section; compare and audit jobs
# keep them, and the case-flow counts (sim.flows), besides the outcomes they tabulate.
SERIES_BY_SECTION = {
    "section_problems": [f"prevalence_{d}" for d in DOMAINS],
    "section_waiting": ["queue_length", "mean_wait_weeks", *(f"waiting_{p}" for p in PROVIDERS),
                        *(f"mean_wait_{p}" for p in PROVIDERS)],
    "section_caseload": ["open_cases", "caseload_per_fte"],
    "section_hours": ["hours_outreach", "informal_hours", "volunteer_hours"],
    "section_crises": ["crises", *(f"referrals_{p}" for p in PROVIDERS)],
    "section_costs": ["cost_per_resident", "cost_total", "cost_team", "cost_provisions", "cost_welfare",
                      "cost_specialist", "cost_crisis", *(f"cost_{p}" for p in PAYERS)],
}
SERIES = [name for names in SERIES_BY_SECTION.values() for name in names]

Equal = Literal["none", "staff", "budget"]


def kept(first: list[str] | None = None) -> list[str]:
    """What a compare or audit job keeps: `first`, OUTCOMES, the report's SERIES and the flows; each once."""
    return list(dict.fromkeys([*(first or []), *OUTCOMES, *SERIES, *FLOW_OUTCOMES]))


def team_cost_per_year(scenario: Scenario, design: str) -> float:
    """A design's yearly team cost: contracted FTE times the cost of an FTE (by employment)."""
    d = scenario.designs[design]
    return d.fte_per_10k * scenario.population / 10_000 * fte_cost_per_year(scenario.costs, d)


def equalise(scenario: Scenario, designs: list[str], equal: Equal) -> Scenario:
    """Scale the staff of every design to the first design's staff or team budget."""
    if equal == "none":
        return scenario
    data = scenario.model_dump(mode="json")
    first = scenario.designs[designs[0]]
    for name in designs[1:]:
        d = data["designs"][name]
        if equal == "staff":
            d["fte_per_10k"] = first.fte_per_10k * first.hours_per_fte / d["hours_per_fte"]
        elif team_cost_per_year(scenario, name) > 0:
            d["fte_per_10k"] *= team_cost_per_year(scenario, designs[0]) / team_cost_per_year(scenario, name)
    return parse(data, "<equalised designs>")


def plan(scenario: Scenario, designs: list[str], replications: int) -> list[RunSpec]:
    """Every design in every replication; replication r has the same seed for all designs."""
    return [RunSpec(0, r, d, {}, run_seed(scenario.meta.seed, {}, r)) for r in range(replications) for d in designs]


VALUES = ["mean", "low", "high", "difference", "difference_low", "difference_high"]  # paired_table's values


def in_shown_units(rows: pd.DataFrame, outcome: str, population: float) -> pd.DataFrame:
    """One outcome's rows of a paired table, by design, with its values in the shown unit (sim.units)."""
    return rows.set_index("design")[VALUES] * shown(outcome, population).factor


def paired_table(runs: pd.DataFrame, designs: list[str], outcomes: list[str]) -> pd.DataFrame:
    """Per outcome and design: mean with 95 % interval, paired difference to the first design."""
    ok = runs[runs["status"] == "ok"]
    wide = {d: ok[ok["design"] == d].set_index("replication").sort_index() for d in designs}
    reps = sorted(set.intersection(*(set(w.index) for w in wide.values())))
    rows = []
    for outcome in outcomes:
        base = wide[designs[0]].loc[reps, outcome].to_numpy()
        for d in designs:
            y = wide[d].loc[reps, outcome].to_numpy()
            mean, lo, hi = mean_interval(y)
            diff, dlo, dhi = mean_interval(y - base) if d != designs[0] else (np.nan, np.nan, np.nan)
            rows.append({"outcome": outcome, "design": d, "replications": len(reps), "mean": mean, "low": lo,
                         "high": hi, "difference": diff, "difference_low": dlo, "difference_high": dhi})
    return pd.DataFrame(rows)


def still_growing(runs: pd.DataFrame, designs: list[str]) -> list[str]:
    """One line per design whose waiting list still grows in some replication (sim.steady): its means are of a trend."""
    counts = steady.growing_replications(runs[runs["status"] == "ok"], designs)
    return [f"{d}: waiting list still growing in {k} of {n} replications (its means are those of a trend, not a level)"
            for d, (k, n) in counts.items()]


# What the terminal leads with: (outcome, label with its shown unit, sim.units), means per design.
TERMINAL = [("cost_per_resident", "cost per resident per year (EUR)"),
            ("mean_wait_weeks", "team wait to intake (weeks)"),
            ("wait_ggz", "wait for GGZ (weeks)"),
            ("queue_length", "team waiting list (residents)"),
            ("gave_up_waiting", "stopped waiting (per week)"),
            ("crises", "crises (per week)"),
            ("self_reliant_share", "self-reliant residents (%)")]


def headline(table: pd.DataFrame, designs: list[str], population: float) -> str:
    """A compact plain-text table of the key outcomes per design (fits 100 columns for five designs).

    Values in their shown units (sim.units). A star marks a design whose paired difference to
    the first design has a 95 % interval that excludes 0.
    """
    width = [max(len(d), 9) + 2 for d in designs]
    lines = [" " * 32 + "".join(f"{d:>{w}}" for d, w in zip(designs, width, strict=True))]
    for outcome, text in TERMINAL:
        factor = shown(outcome, population).factor
        rows = table[table["outcome"] == outcome].set_index("design")
        if rows.empty:
            continue
        cells = []
        for d, w in zip(designs, width, strict=True):
            r = rows.loc[d]
            clear = d != designs[0] and (r["difference_low"] > 0 or r["difference_high"] < 0)
            cells.append(f"{compact(r['mean'] * factor) + ('*' if clear else ' '):>{w}}")
        lines.append(f"{text:<32}" + "".join(cells))
    lines.append(f"* differs from {designs[0]}: the 95 % interval of the paired difference excludes 0")
    return "\n".join(lines)


def compact(x: float) -> str:
    """A mean for the terminal and the app: thousands grouped, no exponent, digits by size (noise rounded away)."""
    if np.isnan(x):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def markdown(table: pd.DataFrame, designs: list[str], population: float) -> str:
    """The comparison as a Markdown table: one row per outcome (in its shown unit), one column pair per design."""
    head = ["outcome", f"{designs[0]} (mean [95 % interval])"]
    for d in designs[1:]:
        head += [f"{d} (mean)", f"{d} - {designs[0]} (paired, 95 % interval)"]
    rows = []
    for outcome, grp in table.groupby("outcome", sort=False):
        g = in_shown_units(grp, str(outcome), population)
        kind = shown(str(outcome), population).kind
        name = f"{outcome} ({UNIT_EN[kind]})" if kind else str(outcome)
        first = g.loc[designs[0]]
        cells = [name, f"{first['mean']:.4g} [{first['low']:.4g}, {first['high']:.4g}]"]
        for d in designs[1:]:
            r = g.loc[d]
            cells += [f"{r['mean']:.4g}",
                      f"{r['difference']:+.4g} [{r['difference_low']:+.4g}, {r['difference_high']:+.4g}]"]
        rows.append(cells)
    return pipe_table(head, rows)
