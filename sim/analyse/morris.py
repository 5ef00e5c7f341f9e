"""Morris elementary effects (mu, mu*, sigma, mu* confidence) of a `morris` sweep.

The trajectories are rebuilt from the experiment (same seed, same order): the engine runs a
repeated point once, and every row of every trajectory gets its point's outcome (averaged
over replications) back, so the elementary effects are those of the full design.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analyse.sweep import Sweep, point_means, require_sampler, undefined
from sim.sweep.experiment import MORRIS_LEVELS, salib_problem, sample_points

CONF_LEVEL = 0.95
RESAMPLES = 1000
UNITS = {"design": "name", "outcome": "name", "parameter": "dotted path",
         "mu": "outcome unit (mean elementary effect over a step of 2/3 of the range)",
         "mu_star": "outcome unit (mean absolute elementary effect)",
         "mu_star_conf": "outcome unit (interval half-width of mu_star)",
         "sigma": "outcome unit (standard deviation of the elementary effects)"}


def morris_table(sweep: Sweep, outcomes: list[str], conf_level: float = CONF_LEVEL) -> pd.DataFrame:
    """mu, mu*, its interval half-width and sigma per design, outcome and parameter."""
    from SALib.analyze import morris

    require_sampler(sweep, "morris", "morris")
    problem = salib_problem(sweep.experiment)
    x = sample_points(sweep.experiment)
    rows = []
    for design in sweep.designs:
        for outcome in outcomes:
            y = point_means(sweep, outcome, design)
            res = (morris.analyze(problem, x, y, num_resamples=RESAMPLES, conf_level=conf_level,
                                  num_levels=MORRIS_LEVELS, seed=sweep.experiment.seed % 2**32)
                   if np.ptp(y) > 0 else undefined(problem, ("mu", "mu_star", "mu_star_conf", "sigma")))
            for k, name in enumerate(problem["names"]):
                rows.append({"design": design, "outcome": outcome, "parameter": name, "mu": float(res["mu"][k]),
                             "mu_star": float(res["mu_star"][k]), "mu_star_conf": float(res["mu_star_conf"][k]),
                             "sigma": float(res["sigma"][k])})
    return pd.DataFrame(rows, columns=list(UNITS))
