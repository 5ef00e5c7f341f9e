"""Throughput of the run engine, printed as `key: value` lines.

The same job (Middenstad at half size: 50,000 residents, 52 burn-in + 208 recorded = 260
weeks; `--runs` parameter points) runs with 1 and with 2 worker processes, and the same
runs plain in-process (`simulate`, no engine). Throughput is taken in the steady state,
from the times the driver keeps each run's result (first result to last), so cluster
start-up, the first runs' latency and the closing consolidation are left out; those
one-off steps are timed and printed apart, with the throughput including them.
The machine's speed drifts by several per cent over minutes, so the three are measured
in `--rounds` rounds, one after the other within a round; each round gives its own
overhead and speedup, and the median over rounds is printed with the range.
Usage: python benchmarks/bench_sweep.py [--runs N] [--rounds N]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXPERIMENT = """
[experiment]
name = "bench"
description = "engine throughput"
scenario = "{scenario}"
residents_scale = 0.5
sampler = "lhs"
samples = {runs}
samples_are = "points"
replications = 1
seed = 11

[experiment.scenario_overrides]
"meta.weeks" = 208
"meta.burn_in_weeks" = 52

[[parameters]]
path = "designs.integraal.fte_per_10k"
low = 6.0
high = 10.0
"""


class TimedStore:
    """A job store that notes when the driver keeps each run's result."""

    def __init__(self, folder):
        """Wrap a JobStore on `folder`."""
        from sim.sweep.store import JobStore

        self.inner = JobStore(folder)
        self.stamps: list[float] = []

    def __getattr__(self, name):
        """Everything else goes to the wrapped store."""
        return getattr(self.inner, name)

    def write_run(self, run_id, row, weekly) -> None:
        """Keep the run, and the time."""
        self.inner.write_run(run_id, row, weekly)
        self.stamps.append(time.perf_counter())

    def steady_seconds_per_run(self, workers: int) -> float:
        """Seconds per run between the first and the last result (the first `workers` results start the clock)."""
        return (self.stamps[-1] - self.stamps[0]) / (len(self.stamps) - workers)


def plain_seconds(specs, base) -> float:
    """Seconds per run of the same runs without the engine."""
    from sim.run import simulate
    from sim.scenario import with_overrides

    t0 = time.perf_counter()
    for spec in specs:
        simulate(with_overrides(base, **spec.overrides), design=spec.design, seed=spec.seed)
    return (time.perf_counter() - t0) / len(specs)


def main() -> None:
    """Measure and print the figures."""
    import statistics

    from sim.run import simulate
    from sim.scenario import with_overrides
    from sim.sweep.engine import dask_client, run_job, warm_up
    from sim.sweep.experiment import base_scenario, identity, load_experiment, plan
    from sim.sweep.store import JobStore

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(EXPERIMENT.format(scenario=ROOT / "scenarios" / "middenstad.toml", runs=args.runs))
        exp, p = load_experiment(path)
        base = base_scenario(exp, p)
        specs = plan(exp, base)
        simulate(with_overrides(base, **{"meta.weeks": 2, "meta.burn_in_weeks": 0}))  # kernels from cache
        startup = {}
        for workers in (1, 2):
            t0 = time.perf_counter()
            with dask_client(workers, None) as client:
                client.run(warm_up, base.model_dump(mode="json"))
            startup[workers] = time.perf_counter() - t0
        for r in range(args.rounds):
            plain = plain_seconds(specs, base)
            steady, walls = {}, {}
            for workers in (1, 2):
                store = TimedStore(Path(tmp) / f"r{r}w{workers}")
                t0 = time.perf_counter()
                run_job(store, identity(exp, base), {}, specs, base.model_dump(mode="json"), exp.outcomes,
                        workers=workers, progress=False)
                walls[workers] = time.perf_counter() - t0
                steady[workers] = store.steady_seconds_per_run(workers)
            rounds.append({"plain": plain, "steady1": steady[1], "steady2": steady[2], "wall2": walls[2],
                           "overhead": (steady[1] - plain) / plain * 100, "speedup": steady[1] / steady[2],
                           "with_steps": (walls[1] / len(specs) - plain) / plain * 100})
        t0 = time.perf_counter()
        JobStore(Path(tmp) / "r0w1").consolidate()  # the job's closing step, timed again on its own
        consolidate = time.perf_counter() - t0

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    def spread(key: str, fmt: str) -> str:
        return f"(rounds {', '.join(format(r[key], fmt) for r in rounds)})"

    n = len(specs)
    print(f"runs: {n}")
    print(f"rounds: {len(rounds)}")
    print(f"residents_per_run: {base.population}")
    print(f"weeks_per_run: {base.meta.weeks + base.meta.burn_in_weeks}")
    print(f"plain_seconds_per_run: {med('plain'):.3f} {spread('plain', '.3f')}")
    print(f"runs_per_minute_1_worker: {60 / med('steady1'):.1f}")
    print(f"runs_per_minute_2_workers: {60 / med('steady2'):.1f}")
    print(f"speedup_2_vs_1: {med('speedup'):.2f} {spread('speedup', '.2f')}")
    print(f"cluster_startup_seconds_1_worker: {startup[1]:.1f}")
    print(f"cluster_startup_seconds_2_workers: {startup[2]:.1f}")
    print(f"runs_per_minute_2_workers_with_startup: {n / med('wall2') * 60:.1f}")
    print(f"job_consolidation_seconds: {consolidate:.2f}")
    print(f"engine_overhead_per_run_pct: {med('overhead'):.1f} {spread('overhead', '.1f')}")
    print(f"engine_overhead_per_run_with_job_steps_pct: {med('with_steps'):.1f}")
    print(f"projected_1000_runs_2_workers_minutes: {1000 * med('steady2') / 60:.1f}")


if __name__ == "__main__":
    main()
