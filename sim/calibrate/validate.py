"""Validation: simulate a scenario in replications on the run engine and hold each target against it.

Replication r runs with a seed drawn from the scenario seed and r in a stream of its own
(`VALIDATION`), so a validation never reuses the seeds a calibration searched with. A
target is met when the mean over replications lies within value ± tolerance; the table
also gives the 95 % interval of that mean (t distribution over replications).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.calibrate.observables import OBSERVABLES, wijkteam_observables
from sim.calibrate.targets import Targets, within
from sim.intervals import mean_interval
from sim.markdown import pipe_table
from sim.scenario import Scenario
from sim.sweep.models import register
from sim.sweep.spec import RunSpec

MODEL = "wijkteam_observables"  # the run model, registered with the engine here
VALIDATION, CALIBRATION = 1, 2  # seed streams (SeedSequence spawn keys)
register(MODEL, wijkteam_observables)

TABLE_UNITS = {
    "id": "name", "observable": "name (sim.calibrate.observables)", "use": "calibration or holdout",
    "value": "observable unit (published figure)", "tolerance": "observable unit",
    "low": "observable unit (value - tolerance)", "high": "observable unit (value + tolerance)",
    "simulated": "observable unit (mean over replications)", "simulated_low": "observable unit (95 % interval)",
    "simulated_high": "observable unit (95 % interval)", "replications": "count", "within": "bool",
    "source": "text", "unit": "text",
}


def seeds(scenario: Scenario, stream: int, replications: int) -> list[int]:
    """The seeds of replications 0..n-1 in one stream: the same for every parameter point."""
    seq = np.random.SeedSequence(entropy=scenario.meta.seed, spawn_key=(stream,))
    return [int(s.generate_state(1, np.uint64)[0] >> np.uint64(1)) for s in seq.spawn(replications)]


def plan(scenario: Scenario, replications: int, stream: int = VALIDATION, point: int = 0,
         overrides: dict | None = None) -> list[RunSpec]:
    """The runs of one parameter point: every replication of the scenario's design."""
    return [RunSpec(point, r, scenario.meta.design, dict(overrides or {}), seed, MODEL)
            for r, seed in enumerate(seeds(scenario, stream, replications))]


def target_table(targets: Targets, runs: pd.DataFrame) -> pd.DataFrame:
    """A row per target: published value and band, simulated mean with 95 % interval, within or not."""
    ok = runs[runs["status"] == "ok"]
    rows = []
    for t in targets.targets:
        mean, lo, hi = mean_interval(ok[t.observable].to_numpy(float)) if len(ok) else (math.nan,) * 3
        rows.append({"id": t.id, "observable": t.observable, "use": t.use, "value": t.value,
                     "tolerance": t.tolerance, "low": t.low, "high": t.high, "simulated": mean,
                     "simulated_low": lo, "simulated_high": hi, "replications": int(ok[t.observable].notna().sum()),
                     "within": within(t, mean), "source": t.source, "unit": OBSERVABLES[t.observable].unit})
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame) -> str:
    """The target table as Markdown."""
    head = ["target", "use", "published (± tolerance)", "simulated (95 % interval)", "within", "source"]
    rows = [[f"{r.id}", f"{r.use}", f"{r.value:.4g} ± {r.tolerance:.3g}",
             f"{r.simulated:.4g} [{r.simulated_low:.4g}, {r.simulated_high:.4g}]", "yes" if r.within else "NO",
             f"{r.source}"] for r in table.itertuples()]
    met = int(table["within"].sum())
    return pipe_table(head, rows) + f"\n{met} of {len(table)} targets within tolerance.\n"
