"""PRIM scenario discovery (EMA Workbench): where in parameter space does an outcome cross a threshold?

Cases of interest are the finished runs whose outcome lies above (or below) the threshold.
PRIM peels the parameter box towards them; the peeling trajectory trades coverage (share of
all cases of interest inside the box) against density (share of the box's runs that are
cases of interest). The chosen box is the one with the highest coverage whose density
reaches `min_density` (the densest box if none does). With several designs, the design is
one more (categorical) dimension of the box.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analyse.sweep import AnalyseError, Sweep

MIN_DENSITY = 0.8
TRAJECTORY_UNITS = {"box": "index on the peeling trajectory", "coverage": "share of cases of interest",
                    "density": "share of the box's runs", "mass": "share of all runs", "res_dim": "count",
                    "runs": "count", "cases": "count", "chosen": "true for the reported box"}
LIMIT_UNITS = {"parameter": "dotted path (or design)", "low": "parameter unit", "high": "parameter unit",
               "sweep_low": "parameter unit", "sweep_high": "parameter unit",
               "qp_low": "quasi p-value of the lower limit (NaN: not restricted)",
               "qp_high": "quasi p-value of the upper limit (NaN: not restricted)", "designs": "names in the box"}


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory, the chosen box's limits and what the cases of interest are."""

    trajectory: pd.DataFrame
    limits: pd.DataFrame
    question: str
    cases: int
    runs: int


def ema_prim():
    """The EMA Workbench's PRIM module, or a clear error saying how to install it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # optional back-ends it does not find
            from ema_workbench.analysis import prim
    except ImportError:
        raise AnalyseError(["--method prim needs the EMA Workbench: pip install '.[ema]' "
                            "(or pip install ema_workbench)"]) from None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def cases_of_interest(sweep: Sweep, outcome: str, above: float | None, below: float | None) -> tuple[np.ndarray, str]:
    """The boolean cases of interest per finished run, and the question in words."""
    if (above is None) == (below is None):
        raise AnalyseError(["--method prim needs exactly one of --above VALUE or --below VALUE"])
    values = sweep.runs[outcome].to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise AnalyseError([f"{sweep.folder}: {outcome}: undefined (NaN) in {int((~np.isfinite(values)).sum())} "
                            "runs; PRIM needs the outcome in every run: choose another outcome"])
    y = values > above if above is not None else values < below
    question = f"{outcome} {'above' if above is not None else 'below'} {above if above is not None else below:g}"
    if y.all() or not y.any():
        raise AnalyseError([f"{sweep.folder}: {question}: {int(y.sum())} of {len(y)} runs; PRIM needs some runs "
                            f"on each side (the runs range from {values.min():g} to {values.max():g})"])
    return y, question


def prim_boxes(sweep: Sweep, outcome: str, above: float | None = None, below: float | None = None,
               min_density: float = MIN_DENSITY) -> PrimResult:
    """Find the first PRIM box for the cases of interest and choose a box on its trajectory."""
    if not 0.0 < min_density <= 1.0:
        raise AnalyseError([f"--threshold {min_density}: allowed range (0, 1] (minimum density of the box)"])
    prim = ema_prim()
    y, question = cases_of_interest(sweep, outcome, above, below)
    x = sweep.runs[sweep.parameters].astype(float)
    if len(sweep.designs) > 1:
        x["design"] = sweep.runs["design"].astype("category")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pandas deprecations inside the Workbench
        box = prim.Prim(x, y, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05).find_box()
    traj = box.peeling_trajectory
    good = traj.index[traj["density"] >= min_density]
    chosen = int(traj.loc[good, "coverage"].idxmax()) if len(good) else int(traj["density"].idxmax())
    trajectory = pd.DataFrame({"box": traj["id"].astype(int), "coverage": traj["coverage"].astype(float),
                               "density": traj["density"].astype(float), "mass": traj["mass"].astype(float),
                               "res_dim": traj["res_dim"].astype(int), "runs": traj["n"].astype(int),
                               "cases": traj["k"].astype(int), "chosen": traj["id"].astype(int) == chosen})
    return PrimResult(trajectory, _limits(box, chosen, x), question, int(y.sum()), len(y))


def _limits(box, chosen: int, x: pd.DataFrame) -> pd.DataFrame:
    """The chosen box's limits next to the sweep's range, with PRIM's quasi p-values."""
    lims, first, qp = box.box_lims[chosen], box.box_lims[0], box.p_values[chosen]
    rows = []
    for name in x.columns:
        low_qp, high_qp = (np.nan if v < 0 else float(v) for v in qp.get(name, [-1, -1]))
        if name == "design":
            rows.append({"parameter": name, "low": np.nan, "high": np.nan, "sweep_low": np.nan, "sweep_high": np.nan,
                         "qp_low": low_qp, "qp_high": high_qp, "designs": ", ".join(sorted(lims[name].iloc[0]))})
            continue
        rows.append({"parameter": name, "low": float(lims[name].iloc[0]), "high": float(lims[name].iloc[1]),
                     "sweep_low": float(first[name].iloc[0]), "sweep_high": float(first[name].iloc[1]),
                     "qp_low": low_qp, "qp_high": high_qp, "designs": ""})
    return pd.DataFrame(rows, columns=list(LIMIT_UNITS))
