"""The beleidstafel audit: test the policy table's assumptions against simulated practice.

Each assumption in a scenario names a metric, a design and a baseline design, the expected
direction and size of the effect (absolute, or relative to the baseline), and intermediate
metrics that should explain it. The designs run as a paired comparison (common random
numbers, through the run engine); the verdict compares the 95 % interval of the paired
effect with the expectation:

- holds: the interval excludes 0 on the expected side and the effect reaches the expected size;
- fails: the interval excludes 0 on the other side, or lies wholly short of the expected size;
- inconclusive: otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.intervals import half_width
from sim.markdown import pipe_table
from sim.scenario import Assumption, Scenario
from sim.tables import known_outcomes, window_name


def designs_needed(scenario: Scenario) -> list[str]:
    """The designs the assumptions compare, baselines first, each once."""
    out: list[str] = []
    for a in scenario.assumptions:
        for d in (a.baseline, a.design):
            if d not in out:
                out.append(d)
    return out


def column(a: Assumption, metric: str, baseline: bool = False) -> str:
    """The runs column of a metric for one side of an assumption: over its window, if it has one."""
    return window_name(metric, a.baseline_window if baseline and a.baseline_window else a.window)


def metrics_needed(scenario: Scenario) -> list[str]:
    """Every metric and intermediate metric the assumptions name, over their windows, each once."""
    out: list[str] = []
    for a in scenario.assumptions:
        for m in (a.metric, *a.intermediates):
            for side in (column(a, m), column(a, m, baseline=True)):
                if side not in out:
                    out.append(side)
    return out


def window_text(a: Assumption) -> str:
    """The weeks an assumption's metric is taken over, in words ("" for all recorded weeks)."""
    if a.window is None:
        return ""
    text = f"weeks {a.window[0]}-{a.window[1] - 1}"
    if a.baseline_window is not None:
        text += f" against weeks {a.baseline_window[0]}-{a.baseline_window[1] - 1}"
    return text


def check(scenario: Scenario, path: str) -> list[str]:
    """Problems with the assumptions' metrics: one line each, naming file and field."""
    problems = []
    known = known_outcomes(scenario=scenario)
    for k, a in enumerate(scenario.assumptions):
        for field, name in [("metric", a.metric)] + [(f"intermediates[{j}]", m) for j, m in enumerate(a.intermediates)]:
            if name not in known:
                problems.append(f"{path}: assumptions[{k}].{field}: {name!r} is not an outcome (see docs/outputs.md)")
    return problems


def paired_effect(runs: pd.DataFrame, design: str, baseline: str, metric: str,
                  baseline_metric: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per replication (same seeds): the design's value of `metric`, the baseline's of `baseline_metric` or it."""
    ok = runs[runs["status"] == "ok"]
    a = ok[ok["design"] == design].set_index("replication")[metric]
    b = ok[ok["design"] == baseline].set_index("replication")[baseline_metric or metric]
    reps = sorted(set(a.index) & set(b.index))
    return a.loc[reps].to_numpy(float), b.loc[reps].to_numpy(float)


def effect_interval(design: np.ndarray, baseline: np.ndarray, relative: bool) -> tuple[float, float, float]:
    """Mean paired effect and its 95 % interval; relative effects are divided by the baseline mean."""
    diff = design - baseline
    scale = abs(baseline.mean()) if relative else 1.0
    if scale == 0 or diff.size < 2:
        return np.nan, np.nan, np.nan
    mean = diff.mean() / scale
    half = half_width(diff) / scale
    return float(mean), float(mean - half), float(mean + half)


def verdict(a: Assumption, mean: float, low: float, high: float) -> str:
    """Holds / fails / inconclusive for an effect interval, signed so that expected is positive."""
    if np.isnan(mean):
        return "inconclusive"
    sign = 1.0 if a.direction == "increase" else -1.0
    m = sign * mean
    lo, hi = sorted((sign * low, sign * high))
    if lo > 0 and m >= a.size:
        return "holds"
    if hi < 0 or hi < a.size:
        return "fails"
    return "inconclusive"


def biggest_change(runs: pd.DataFrame, a: Assumption) -> str:
    """The intermediate metric that changed most (relative to the baseline), as 'name x -> y (+z %)'."""
    best, text = -1.0, ""
    for m in a.intermediates:
        d, b = paired_effect(runs, a.design, a.baseline, column(a, m), column(a, m, baseline=True))
        if d.size == 0:
            continue
        base, new = float(b.mean()), float(d.mean())
        rel = abs(new - base) / abs(base) if base else (np.inf if new != base else 0.0)
        if rel > best:
            change = f" ({(new - base) / base:+.0%})" if base else ""
            best, text = rel, f"{m} {base:.3g} -> {new:.3g}{change}"
    return text


def audit_table(scenario: Scenario, runs: pd.DataFrame) -> pd.DataFrame:
    """One row per assumption: expectation, simulated paired effect with interval, verdict."""
    rows = []
    for a in scenario.assumptions:
        d, b = paired_effect(runs, a.design, a.baseline, column(a, a.metric), column(a, a.metric, baseline=True))
        mean, low, high = effect_interval(d, b, a.size_kind == "relative")
        sign = "+" if a.direction == "increase" else "-"
        expected = f"{sign}{a.size:.3g}{' (relative)' if a.size_kind == 'relative' else ''}"
        rows.append({"id": a.id, "statement_nl": a.statement_nl, "statement_en": a.statement_en,
                     "metric": a.metric, "window": window_text(a), "design": a.design, "baseline": a.baseline,
                     "expected": expected,
                     "baseline_value": float(b.mean()) if b.size else np.nan,
                     "design_value": float(d.mean()) if d.size else np.nan, "effect": mean, "effect_low": low,
                     "effect_high": high, "size_kind": a.size_kind, "replications": int(d.size),
                     "verdict": verdict(a, mean, low, high), "changed_most": biggest_change(runs, a)})
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame, lang: str = "en") -> str:
    """The audit as a Markdown table."""
    statement = "statement_nl" if lang == "nl" else "statement_en"
    head = ["id", "assumption", "metric", "design vs baseline", "expected", "simulated effect [95 % interval]",
            "verdict", "changed most"]
    rows = []
    for _, r in table.iterrows():
        pct = r["size_kind"] == "relative"
        fmt = (lambda x: f"{x:+.1%}") if pct else (lambda x: f"{x:+.3g}")
        metric = f"{r['metric']} ({r['window']})" if r["window"] else f"{r['metric']}"
        rows.append([f"{r['id']}", f"{r[statement]}", metric, f"{r['design']} vs {r['baseline']}",
                     f"{r['expected']}", f"{fmt(r['effect'])} [{fmt(r['effect_low'])}, {fmt(r['effect_high'])}]",
                     f"**{r['verdict']}**", f"{r['changed_most']}"])
    return pipe_table(head, rows)
