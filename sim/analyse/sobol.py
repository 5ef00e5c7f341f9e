"""Sobol indices (first order S1 and total ST, with confidence intervals) of a `sobol` sweep.

The SALib problem and the Saltelli sample are rebuilt from the experiment (same seed, same
order); each sample row gets its point's outcome averaged over replications. Second-order
indices are not computed: the sweep's sample (`calc_second_order=False`) does not hold them.
A run's seed derives from its parameter values, so the run-to-run noise shows up in every
parameter's ST (not in S1, whose estimator is unbiased for a parameter without effect).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analyse.sweep import Sweep, point_means, require_sampler, undefined
from sim.sweep.experiment import salib_problem

CONF_LEVEL = 0.95
RESAMPLES = 1000
UNITS = {"design": "name", "outcome": "name", "parameter": "dotted path",
         "S1": "share of variance", "S1_conf": "share of variance (interval half-width)",
         "ST": "share of variance", "ST_conf": "share of variance (interval half-width)"}


def sobol_table(sweep: Sweep, outcomes: list[str], conf_level: float = CONF_LEVEL) -> pd.DataFrame:
    """S1, ST and their interval half-widths per design, outcome and parameter."""
    from SALib.analyze import sobol

    require_sampler(sweep, "sobol", "sobol")
    problem = salib_problem(sweep.experiment)
    rows = []
    for design in sweep.designs:
        for outcome in outcomes:
            y = point_means(sweep, outcome, design)
            res = (sobol.analyze(problem, y, calc_second_order=False, num_resamples=RESAMPLES,
                                 conf_level=conf_level, seed=sweep.experiment.seed % 2**32)
                   if np.ptp(y) > 0 else undefined(problem, ("S1", "S1_conf", "ST", "ST_conf")))
            for k, name in enumerate(problem["names"]):
                rows.append({"design": design, "outcome": outcome, "parameter": name,
                             "S1": float(res["S1"][k]), "S1_conf": float(res["S1_conf"][k]),
                             "ST": float(res["ST"][k]), "ST_conf": float(res["ST_conf"][k])})
    return pd.DataFrame(rows, columns=list(UNITS))
