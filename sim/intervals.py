"""95 % intervals of a mean over replications (t distribution), for compare, audit and validate."""

from __future__ import annotations

import numpy as np
from scipy import stats


def half_width(x: np.ndarray) -> float:
    """Half the width of the 95 % t interval of the mean of x (two values or more, none NaN)."""
    return float(stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))


def mean_interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % interval of the values of x that are not NaN; the interval is NaN for one value."""
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.nan, np.nan, np.nan
    m = float(x.mean())
    if x.size < 2:
        return m, np.nan, np.nan
    half = half_width(x)
    return m, m - half, m + half
