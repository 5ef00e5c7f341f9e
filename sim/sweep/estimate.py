"""How long a job's runs will take, before running them: one shortened run, timed here, scaled up.

`wijkteam sweep --dry-run` uses this to print the number of runs and a time estimate. The
sample run is the job's first run with its burn-in and recorded weeks cut to SAMPLE_WEEKS
each (after a short untimed run that loads the compiled kernels); its seconds per simulated
week times the full weeks gives the seconds per run. Runs whose overrides change the
population or the weeks take longer or shorter: the estimate says so.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from sim.scenario import shortened
from sim.sweep.models import runner
from sim.sweep.spec import RunSpec

SAMPLE_WEEKS = 26  # burn-in and recorded weeks of the timed sample run
WARM_WEEKS = 2


@dataclass(frozen=True)
class Estimate:
    """A job's size and expected duration on this machine."""

    runs: int  # runs in the job
    left: int  # runs not yet in the job folder
    seconds_per_run: float
    workers: int

    @property
    def seconds(self) -> float:
        """Expected wall-clock time of the runs left, spread over the workers."""
        return self.left * self.seconds_per_run / self.workers


def _timed(base: dict, spec: RunSpec, outcomes: list[str]) -> float:
    """Seconds one run of `spec` on `base` takes here (a shortened base runs without the spec's scheduled changes)."""
    data = spec.to_dict()
    data["overrides"] = {k: v for k, v in data["overrides"].items() if not k.startswith("changes.")}
    start = time.perf_counter()
    runner(data["entry"])(base, data, outcomes)
    return time.perf_counter() - start


def _shortened(base: dict, weeks: int) -> dict:
    """The base scenario with `weeks` of burn-in and `weeks` recorded (sim.scenario.shortened)."""
    return shortened(base, weeks, weeks)


def estimate(base: dict, specs: list[RunSpec], done: int, outcomes: list[str], workers: int | None) -> Estimate:
    """Time one shortened run of the first spec and scale it to every run left."""
    n_workers = max(1, workers if workers else os.cpu_count() or 1)
    if not specs:
        return Estimate(0, 0, 0.0, n_workers)
    if "meta" not in base:  # a model without weeks (a response function): time one run as it is
        per_run = _timed(base, specs[0], outcomes)
    else:
        _timed(_shortened(base, WARM_WEEKS), specs[0], outcomes)
        full = base["meta"]["burn_in_weeks"] + base["meta"]["weeks"]
        per_run = _timed(_shortened(base, SAMPLE_WEEKS), specs[0], outcomes) / (2 * SAMPLE_WEEKS) * full
    return Estimate(len(specs), max(0, len(specs) - done), per_run, n_workers)


def duration(seconds: float) -> str:
    """Seconds as a short human duration: '0.4 s', '40 s', '12 min', '3.5 h'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
