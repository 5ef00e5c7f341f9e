"""Throughput of the run engine, printed as `key: value` lines.

The same job (Middenstad at half size: 50,000 residents, 52 burn-in + 208 recorded = 260
weeks; `--runs` parameter points) runs with 1 and with 2 worker processes, and the same
runs plain in-process (`simulate`, no engine) for the overhead. Cluster start-up
(processes, kernels loaded from the cache) is measured apart and taken out of the
throughput; the throughput with it is printed too. The overhead per run leaves out the
job's one-off steps (start-up, and writing the consolidated datasets at the end, timed
apart); it is printed with the consolidation as well.
Usage: python benchmarks/bench_sweep.py [--runs N]
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


def main() -> None:
    """Measure and print the figures."""
    from sim.run import simulate
    from sim.scenario import with_overrides
    from sim.sweep.engine import run_job
    from sim.sweep.experiment import base_scenario, identity, load_experiment, plan
    from sim.sweep.store import JobStore

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=32)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(EXPERIMENT.format(scenario=ROOT / "scenarios" / "middenstad.toml", runs=args.runs))
        exp, p = load_experiment(path)
        base = base_scenario(exp, p)
        specs = plan(exp, base)
        simulate(with_overrides(base, **{"meta.weeks": 2, "meta.burn_in_weeks": 0}))  # kernels from cache

        t0 = time.perf_counter()
        for spec in specs:
            simulate(with_overrides(base, **spec.overrides), design=spec.design, seed=spec.seed)
        plain = time.perf_counter() - t0

        from sim.sweep.engine import dask_client, warm_up

        startup = {}
        for workers in (1, 2):
            t0 = time.perf_counter()
            with dask_client(workers, None) as client:
                client.run(warm_up, base.model_dump(mode="json"))
            startup[workers] = time.perf_counter() - t0
        walls = {}
        for workers in (1, 2):
            t0 = time.perf_counter()
            run_job(JobStore(Path(tmp) / f"w{workers}"), identity(exp, base), {}, specs, base.model_dump(mode="json"),
                    exp.outcomes, workers=workers, progress=False)
            walls[workers] = time.perf_counter() - t0
        t0 = time.perf_counter()
        JobStore(Path(tmp) / "w1").consolidate()  # the job's closing step, timed again on its own
        consolidate = time.perf_counter() - t0

    n = len(specs)
    per_min = {w: n / (walls[w] - startup[w]) * 60 for w in walls}
    print(f"runs: {n}")
    print(f"residents_per_run: {base.population}")
    print(f"weeks_per_run: {base.meta.weeks + base.meta.burn_in_weeks}")
    print(f"plain_seconds_per_run: {plain / n:.3f}")
    print(f"runs_per_minute_1_worker: {per_min[1]:.1f}")
    print(f"runs_per_minute_2_workers: {per_min[2]:.1f}")
    print(f"speedup_2_vs_1: {per_min[2] / per_min[1]:.2f}")
    print(f"cluster_startup_seconds_1_worker: {startup[1]:.1f}")
    print(f"cluster_startup_seconds_2_workers: {startup[2]:.1f}")
    print(f"runs_per_minute_2_workers_with_startup: {n / walls[2] * 60:.1f}")
    print(f"job_consolidation_seconds: {consolidate:.2f}")
    overhead = ((walls[1] - startup[1] - consolidate) / n - plain / n) / (plain / n) * 100
    print(f"engine_overhead_per_run_pct: {overhead:.1f}")
    with_job = ((walls[1] - startup[1]) / n - plain / n) / (plain / n) * 100
    print(f"engine_overhead_per_run_with_consolidation_pct: {with_job:.1f}")
    print(f"projected_1000_runs_2_workers_minutes: {1000 / per_min[2]:.1f}")


if __name__ == "__main__":
    main()
