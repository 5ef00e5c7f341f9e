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
         "score_sd": "share (standard deviation over the trees)", "runs": "count (runs with the outcome defined)"}


def feature_table(sweep: Sweep, outcomes: list[str]) -> pd.DataFrame:
    """Feature score and its spread over the trees per design, outcome and parameter."""
    rows = []
    for design in sweep.designs:
        runs = sweep.runs[sweep.runs["design"] == design]
        x = runs[sweep.parameters].to_numpy(dtype=float)
        for outcome in outcomes:
            y = runs[outcome].to_numpy(dtype=float)
            known = np.isfinite(y)  # a run metric is undefined (NaN) in a run without such cases
            score, spread = _scores(x[known], y[known], sweep.experiment.seed % 2**32)
            for k, name in enumerate(sweep.parameters):
                rows.append({"design": design, "outcome": outcome, "parameter": name, "score": float(score[k]),
                             "score_sd": float(spread[k]), "runs": int(known.sum())})
    return pd.DataFrame(rows, columns=list(UNITS))


def _scores(x: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The forest's feature scores and their spread over the trees (NaN if y did not vary)."""
    from sklearn.ensemble import ExtraTreesRegressor

    if len(y) < 2 or np.ptp(y) == 0:
        return np.full(x.shape[1], np.nan), np.full(x.shape[1], np.nan)
    forest = ExtraTreesRegressor(n_estimators=TREES, random_state=seed, n_jobs=1).fit(x, y)
    return forest.feature_importances_, np.std([tree.feature_importances_ for tree in forest.estimators_], axis=0)
