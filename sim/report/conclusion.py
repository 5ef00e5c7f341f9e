"""The report's conclusion: each design against the first, in words and colour, from paired replications.

`compare` and `audit` run every design on the same replications (common random numbers), so
an outcome's difference is taken per replication; its 95 % t interval says, in the direction
in which that outcome is better, whether a design does better, worse, or no clearly different.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from sim import steady
from sim.intervals import mean_interval
from sim.report.labels import label, shown_label
from sim.report.page import Page
from sim.report.results import Results
from sim.units import PERCENT, shown

# The outcomes a conclusion names, each with the direction in which it is better (+1 higher, -1 lower).
KEY = [("cost_per_resident", -1), ("mean_wait_weeks", -1), ("wait_ggz", -1), ("wait_debt_restructuring", -1),
       ("gave_up_waiting", -1), ("crises", -1), ("self_reliant_share", +1)]
PAIRED_KINDS = ("compare", "audit")  # kinds whose designs share their replications' random numbers


def paired_difference(runs: pd.DataFrame, design: str, baseline: str, outcome: str) -> tuple[float, float, float]:
    """Mean and 95 % interval of design minus baseline over the replications both have."""
    a = runs[runs["design"] == design].set_index("replication")[outcome]
    b = runs[runs["design"] == baseline].set_index("replication")[outcome]
    both = a.index.intersection(b.index)
    return mean_interval((a[both] - b[both]).to_numpy(float))


def verdict(low: float, high: float, better: int) -> str:
    """better, worse or unclear: whether the interval lies wholly on one side of 0, read in the better direction."""
    if np.isnan(low) or low <= 0.0 <= high:
        return "unclear"
    return "better" if (low > 0.0) == (better > 0) else "worse"


def conclusion(page: Page, res: Results, runs: pd.DataFrame) -> None:
    """Per design against the first: one line per key outcome, growing waiting lists, and the audit's verdicts."""
    if res.kind not in PAIRED_KINDS or len(res.designs) < 2:
        return
    page.section("section_conclusion")
    base = res.designs[0]
    page.add(f'<p class="note">{page.t("conclusion_intro").format(html.escape(base))}</p>')
    for d in res.designs[1:]:
        items = [_line(page, runs, d, base, outcome, better, res.scenario.population) for outcome, better in KEY
                 if outcome in runs]
        page.add(f"<h3>{html.escape(d)}</h3><ul>{''.join(i for i in items if i)}</ul>")
    growing_warnings(page, res, runs)
    if res.audit is not None:
        statement = "statement_nl" if page.lang == "nl" else "statement_en"
        items = [f'<li>{html.escape(str(r[statement]))}: <span class="{html.escape(str(r["verdict"]))}">'
                 f'{page.t(str(r["verdict"]))}</span></li>' for _, r in res.audit.iterrows()]
        page.add(f"<h3>{page.t('section_audit')}</h3><ul>{''.join(items)}</ul>")


def growing_warnings(page: Page, res: Results, runs: pd.DataFrame) -> None:
    """A red line for each design whose waiting list still grows in some replication (sim.steady)."""
    if "queue_growing" in runs:
        for d, (k, n) in steady.growing_replications(runs, res.designs).items():
            page.add(f'<p class="warning">{html.escape(d)}: {page.t("queue_still_growing").format(k, n)}</p>')


def _line(page: Page, runs: pd.DataFrame, design: str, base: str, outcome: str, better: int,
          population: float) -> str:
    """One outcome's paired difference in words and colour; nothing when it has no value or never differs."""
    m, low, high = paired_difference(runs, design, base, outcome)
    if np.isnan(m) or m == low == high == 0.0:
        return ""
    v = verdict(low, high, better)
    unit = shown(outcome, population)
    m, low, high = (x * unit.factor for x in (m, low, high))
    share = unit.kind == PERCENT  # a difference of shares reads as percentage points
    interval = "" if np.isnan(low) else f" [{_signed(page, low)}; {_signed(page, high)}]"
    name = label(outcome, page.lang) if share else shown_label(outcome, page.lang)
    points = f" {page.t('percentage_points')}" if share else ""
    return (f'<li>{html.escape(name)}: {_signed(page, m)}{interval}{points}: '
            f'<span class="{v}">{page.t(v)}</span></li>')


def _signed(page: Page, x: float) -> str:
    """A difference with its sign in the page's language."""
    return ("+" if x > 0 else "") + page.num(x)
