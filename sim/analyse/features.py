"""Extra-trees feature scores: how much each varied parameter explains an outcome, any sweep.

Fitted on every finished run (replications kept apart), per design, seeded with the
experiment's seed. `score_sd` is the spread of the scores over the trees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analyse.sweep import Sweep

TREES = 250
UNITS = {"design": "name", "outcome": "name", "parameter": "dotted path",
         "score": "share of impurity decrease (sums to 1 over parameters)",
         "score_sd": "share (standard deviation over the trees)", "runs": "count"}


def feature_table(sweep: Sweep, outcomes: list[str]) -> pd.DataFrame:
    """Feature score and its spread over the trees per design, outcome and parameter."""
    from sklearn.ensemble import ExtraTreesRegressor

    rows = []
    for design in sweep.designs:
        runs = sweep.runs[sweep.runs["design"] == design]
        x = runs[sweep.parameters].to_numpy(dtype=float)
        for outcome in outcomes:
            forest = ExtraTreesRegressor(n_estimators=TREES, random_state=sweep.experiment.seed % 2**32, n_jobs=1)
            forest.fit(x, runs[outcome].to_numpy(dtype=float))
            spread = np.std([tree.feature_importances_ for tree in forest.estimators_], axis=0)
            for k, name in enumerate(sweep.parameters):
                rows.append({"design": design, "outcome": outcome, "parameter": name,
                             "score": float(forest.feature_importances_[k]), "score_sd": float(spread[k]),
                             "runs": len(runs)})
    return pd.DataFrame(rows, columns=list(UNITS))
