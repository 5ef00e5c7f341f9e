"""Is a run in its steady state? A warm-up diagnostic and a growth check on the weekly totals.

A run is recorded after its burn-in; its means say something only if the recorded weeks are
stationary. Two measurements, per run, recorded in the manifest and shown wherever a run's
figures are:

- MSER-5 (White 1997; White, Cobb and Spratt 2000) per key outcome: over batch means of 5
  weeks, the truncation d that minimises the marginal standard error
  sum((z_i - mean(z_d:))^2) / (n - d)^2 of the batches kept, searched over the first half.
  A truncation of 0 says the burn-in was long enough for that outcome; a truncation of w weeks
  says the recorded series still settled for about w weeks.
- Growth of the team's waiting list: the least-squares slope of its batch means (26 weeks,
  so that weekly autocorrelation hardly matters) over the recorded weeks, its rise over the
  window, and a t-test of the slope. The waiting list is "still growing" when the slope is
  significantly positive (one-sided p < 0.01) and the rise is at least a quarter of its mean
  and at least 5 residents per 1,000: then its mean is the mean of a trend, not a level. The
  last floor is there because a small team's waiting list wanders for years without a trend,
  and 26-week batch means are still correlated: in 30 replications of kleindorp's integral
  team (15,000 residents, mean list about 37), 3 rose with p < 0.01 by more than a quarter of
  their mean and 1 per 1,000; none by 5 per 1,000 (75 residents), while a team cut to 2 FTE per
  10,000 passes that floor in every replication.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

KEY = ("queue_length", "open_cases", "cost_total", "provisions_household_help", "provisions_support_at_home",
       "prevalence_care", "prevalence_debts", "in_treatment_debt_restructuring")  # the last three settle slowest
MSER_BATCH = 5
TREND_BATCH = 26
GROWTH_P = 0.01
GROWTH_SHARE = 0.25
GROWTH_PER_1000 = 5.0


def mser5(series: np.ndarray) -> int:
    """The MSER-5 truncation point in weeks (0: no warm-up left in the series)."""
    n = series.size // MSER_BATCH
    if n < 4:
        return 0
    z = series[: n * MSER_BATCH].reshape(n, MSER_BATCH).mean(axis=1)
    best, best_d = np.inf, 0
    for d in range(n // 2 + 1):
        kept = z[d:]
        value = ((kept - kept.mean()) ** 2).sum() / kept.size**2
        if value < best:
            best, best_d = value, d
    return best_d * MSER_BATCH


def growth(series: np.ndarray) -> tuple[float, float]:
    """The rise over the window of a least-squares line through 26-week batch means, and the one-sided p of a rise."""
    n = series.size // TREND_BATCH
    if n < 3:
        return 0.0, 1.0
    z = series[: n * TREND_BATCH].reshape(n, TREND_BATCH).mean(axis=1)
    fit = stats.linregress(np.arange(n), z)
    if not np.isfinite(fit.stderr) or fit.stderr == 0.0:
        return float(fit.slope * n), 0.0 if fit.slope > 0 else 1.0
    p = float(stats.t.sf(fit.slope / fit.stderr, n - 2))
    return float(fit.slope * n), p


def growing(series: np.ndarray, residents: float) -> bool:
    """Whether a waiting list is still growing over the recorded weeks (see the module docstring)."""
    rise, p = growth(series)
    return bool(p < GROWTH_P and rise >= max(GROWTH_SHARE * series.mean(), GROWTH_PER_1000 * residents / 1000))


def warmup(totals: pd.DataFrame) -> dict[str, int]:
    """The MSER-5 truncation of each key outcome in a run's weekly totals (weeks)."""
    return {k: mser5(totals[k].to_numpy(float)) for k in KEY if k in totals}


def queue_growing(totals: pd.DataFrame) -> bool:
    """Whether the team's waiting list in a run's weekly totals still grows (see the module docstring)."""
    return growing(totals["queue_length"].to_numpy(float), float(totals["residents"].iloc[0]))


def diagnose(totals: pd.DataFrame) -> dict:
    """The steady-state record of one run: MSER-5 truncation per key outcome, and the waiting list's growth."""
    rise, p = growth(totals["queue_length"].to_numpy(float))
    return {"mser5_weeks": warmup(totals), "queue_rise": rise, "queue_rise_p": p,
            "queue_growing": queue_growing(totals)}


def growing_replications(runs: pd.DataFrame, designs: list[str]) -> dict[str, tuple[int, int]]:
    """Per design whose waiting list still grows in some replication: (replications growing, replications).

    `runs` has a row per finished replication with `design` and `queue_growing` (1 or 0).
    """
    out = {}
    for d in designs:
        flags = runs.loc[runs["design"] == d, "queue_growing"]
        if flags.sum() > 0:
            out[d] = (int(flags.sum()), len(flags))
    return out
