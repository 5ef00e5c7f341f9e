"""Run models with known answers, for checking the engine and the analyses against them.

`ishigami` has analytic Sobol indices; `raises_above` fails for some points (failures are
recorded); `dies_once` kills its worker the first time each run is tried (Dask retries it
elsewhere). The tests that use them register them with the engine.
"""

import math
import os
from pathlib import Path

import pandas as pd

from sim.sweep.models import register


def ishigami(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """The Ishigami function of x1, x2, x3 (a = 7, b = 0.1): known Sobol indices."""
    x = spec["overrides"]
    y = math.sin(x["x1"]) + 7.0 * math.sin(x["x2"]) ** 2 + 0.1 * x["x3"] ** 4 * math.sin(x["x1"])
    return {"y": y}, pd.DataFrame({"week": [0], "y": [y]})


def raises_above(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """Return x, but raise for x above 0.5 (checks that failures are recorded)."""
    x = spec["overrides"]["x"]
    if x > 0.5:
        raise ValueError(f"x = {x} is above 0.5")
    return {"y": x}, pd.DataFrame({"week": [0], "y": [x]})


def dies_once(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict[str, float], pd.DataFrame]:
    """Kill the worker process the first time each run is tried (checks retries after worker death).

    The marker folder comes from WIJKTEAM_TEST_MARKERS, set by the test before the cluster starts.
    """
    marker = Path(os.environ["WIJKTEAM_TEST_MARKERS"]) / f"{spec['point']}-{spec['replication']}"
    if not marker.exists():
        marker.touch()
        os._exit(1)
    x = spec["overrides"]["x"]
    return {"y": x}, pd.DataFrame({"week": [0], "y": [x]})


def register_response_models() -> None:
    """Register the three with the run engine under their own names, so experiment files may name them."""
    for function in (ishigami, raises_above, dies_once):
        register(function.__name__, function)
