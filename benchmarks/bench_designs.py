"""Cost of a paired design comparison against the same runs done plainly, as `key: value` lines.

The comparison: 5 designs x 20 replications of Middenstad over 5 recorded years (plus its
burn-in), through the run engine with 2 workers (`sim.compare`). The plain runs: the same
100 (design, seed) pairs through `simulate` in a pool of 2 processes, no engine. The
comparison may cost at most 1.2 times the plain runs (it adds bookkeeping, not work).
Usage: python benchmarks/bench_designs.py [--replications N]
"""

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DESIGNS = ["integraal", "outreach", "gesplitst", "multiprobleem", "netwerk"]


def plain_run(args: tuple) -> float:
    """One run with `simulate`, no engine; returns a number so the work cannot be skipped."""
    from sim.run import simulate
    from sim.scenario import load

    design, seed = args
    return float(simulate(load(ROOT / "scenarios" / "middenstad.toml"), design=design, seed=seed)
                 .totals["queue_length"].mean())


def main() -> None:
    """Measure and print the figures."""
    from sim import compare
    from sim.scenario import load
    from sim.sweep.engine import run_job
    from sim.sweep.store import JobStore

    ap = argparse.ArgumentParser()
    ap.add_argument("--replications", type=int, default=20)
    args = ap.parse_args()
    scenario = load(ROOT / "scenarios" / "middenstad.toml")
    specs = compare.plan(scenario, DESIGNS, args.replications)

    t0 = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(plain_run, [(s.design, s.seed) for s in specs]))
    plain = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_job(JobStore(tmp), {"bench": "designs"}, {}, specs, scenario.model_dump(mode="json"), compare.OUTCOMES,
                workers=2, progress=False)
        compare.paired_table(JobStore(tmp).runs(), DESIGNS, compare.OUTCOMES)
        comparison = time.perf_counter() - t0

    print(f"runs: {len(specs)}")
    print(f"designs: {len(DESIGNS)}")
    print(f"replications: {args.replications}")
    print(f"plain_runs_2_processes_seconds: {plain:.1f}")
    print(f"comparison_2_workers_seconds: {comparison:.1f}")
    print(f"comparison_over_plain: {comparison / plain:.2f}")


if __name__ == "__main__":
    main()
