"""The one run engine: a list of run specs into a job folder, on Dask or in-process.

Deterministic: a run's result depends on its spec only (the seed is in the spec), never on
the number of workers or the order of completion. Resumable: the driver writes each run's
part as it finishes, and a new invocation skips every run whose part exists. A run that
raises is recorded as failed and the job goes on; a run whose worker dies is retried by
Dask on another worker.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import math
import os
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from sim import preflight
from sim.errors import ProblemsError
from sim.sweep.models import runner
from sim.sweep.spec import RunSpec, canonical
from sim.sweep.store import JobStore


@dataclass
class JobReport:
    """What one invocation did."""

    total: int
    skipped: int
    executed: int
    failed: int
    seconds: float


def execute(base: dict, spec: dict, outcomes: list[str]) -> tuple[dict, object]:
    """Run one spec, as RunSpec.to_dict gives it; returns (runs-dataset row, weekly frame or None); never raises."""
    start = time.perf_counter()
    try:
        summary, weekly = runner(spec["entry"])(base, spec, outcomes)
        status, error = "ok", ""
    except Exception as err:  # noqa: BLE001 - a failing run is recorded and the job goes on
        summary, weekly = {}, None
        status, error = "failed", f"{type(err).__name__}: {err}"
    row = {"run_id": RunSpec.from_dict(spec).run_id, "point": spec["point"], "replication": spec["replication"],
           "design": spec["design"], "seed": spec["seed"]}
    row.update(spec["overrides"])
    row.update({name: float(summary.get(name, math.nan)) for name in outcomes})
    row.update({"status": status, "error": error, "seconds": time.perf_counter() - start,
                "worker": f"{socket.gethostname()}:{os.getpid()}"})
    return row, weekly


def code_version() -> dict:
    """The project's git revision and the versions of the packages that shape results."""
    from sim.output import git_revision, package_versions

    return {"git_revision": git_revision(), "packages": package_versions()}


def identity_hash(identity: dict) -> str:
    """SHA-256 of the job identity as canonical JSON."""
    return hashlib.sha256(canonical(identity).encode()).hexdigest()


# Send every run to the workers at once rather than one per free thread: a worker then
# starts its next run without waiting for a round trip to the scheduler. Runs keep both
# cores busy, so the workers' own housekeeping threads preempt them: no sampling profiler
# (no dashboard shows it) and memory and system checks every second or two, not ten
# times a second. A run allocates and frees its arrays week after week; Dask's default
# hands freed memory back to the system at once (64 kB trim threshold), so they came
# back as fresh pages (four times the page faults of a plain process): a worker keeps up
# to 256 MB of freed heap, and takes arrays up to 32 MB from the heap.
SCHEDULER_TIMEOUT_S = 10  # an address where nothing answers is refused after this long

LOCAL_CLUSTER_CONFIG = {
    "distributed.scheduler.worker-saturation": "inf",
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.nanny.pre-spawn-environ": {
        "MALLOC_TRIM_THRESHOLD_": 2**28, "MALLOC_MMAP_THRESHOLD_": 2**25,
        "OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1,
    },
}


@contextmanager
def dask_client(workers: int | None, scheduler: str | None):
    """A Dask client: to an existing scheduler, or to a new local cluster of processes."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
        except (OSError, TimeoutError) as err:
            raise _no_scheduler(scheduler, err) from None
        with client:
            yield client
        return
    os.environ["NUMBA_NUM_THREADS"] = "1"  # worker processes inherit it: one thread each
    n = workers or os.cpu_count() or 1
    with dask.config.set(LOCAL_CLUSTER_CONFIG), \
            LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def _no_scheduler(scheduler: str, err: Exception) -> ProblemsError:
    """The problem line for a scheduler address where nothing answers."""
    return ProblemsError([f"--scheduler {scheduler}: no Dask scheduler answers there within {SCHEDULER_TIMEOUT_S} s "
                          f"({type(err).__name__}); start one with `dask scheduler`, or leave --scheduler out"])


def check_scheduler(scheduler: str) -> None:
    """Refuse a scheduler address where nothing listens, before a job folder is made for it."""
    where = urlsplit(scheduler)
    deadline = time.monotonic() + SCHEDULER_TIMEOUT_S
    while True:  # a scheduler just started may take a few seconds to listen, as Dask's own client allows
        try:
            socket.create_connection((where.hostname, where.port), timeout=SCHEDULER_TIMEOUT_S).close()
            return
        except (OSError, ValueError) as err:
            if time.monotonic() > deadline:
                raise _no_scheduler(scheduler, err) from None
        time.sleep(0.25)


def run_job(store: JobStore, identity: dict, job: dict, specs: list[RunSpec], base: dict, outcomes: list[str],
            workers: int | None = None, scheduler: str | None = None, progress: bool = True,
            confirmed: bool = False) -> JobReport:
    """Run every spec not yet finished in `store`; write parts as runs finish; consolidate.

    A job too big for this machine is refused before its folder is touched (sim.preflight);
    `confirmed` (the commands' --yes) lets one start that is big but fits.
    """
    from tqdm import tqdm

    start = time.perf_counter()
    identity = {**identity, "code": code_version()}  # never mix runs of two versions of the model
    ids = [s.run_id for s in specs]
    if len(set(ids)) != len(ids):
        raise ValueError("two runs of the job have the same parameters, design and replication")
    meta = base.get("meta", {})
    preflight.check(len(specs), sum(n["residents"] for n in base.get("neighbourhoods", [])),
                    meta.get("burn_in_weeks", 0) + meta.get("weeks", 0), workers, scheduler, confirmed)
    if scheduler:
        check_scheduler(scheduler)
    with store.locked():  # one job per folder
        store.open(identity, identity_hash(identity), ids, job)
        done = store.finished()
        todo = [s for s in specs if s.run_id not in done]
        failed = 0
        with tqdm(total=len(specs), initial=len(specs) - len(todo), unit="run", disable=not progress,
                  desc="runs") as bar:
            def keep(row: dict, weekly) -> None:
                nonlocal failed
                store.write_run(row["run_id"], row, weekly)
                failed += row["status"] == "failed"
                bar.set_postfix(failed=failed)
                bar.update(1)

            if workers == 0 and not scheduler:
                for spec in todo:
                    keep(*execute(base, spec.to_dict(), outcomes))
            elif todo:
                _on_dask(todo, base, outcomes, workers, scheduler, keep)
        store.consolidate()
        return JobReport(len(specs), len(specs) - len(todo), len(todo), failed, time.perf_counter() - start)


def _on_dask(todo: list[RunSpec], base: dict, outcomes: list[str], workers: int | None, scheduler: str | None,
             keep) -> None:
    """Submit the runs to Dask and keep each result as it completes."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    with dask_client(workers, scheduler) as client:
        if any(s.model == "wijkteam" for s in todo):
            client.run(warm_up, base)  # kernel loading counts as start-up, not as a run
        # The base scenario goes with every task (a few kB), not scattered: scattered data
        # dies with its workers, and a run must survive the death of any worker.
        futures = {client.submit(execute, base, s.to_dict(), outcomes, key=f"run-{s.run_id}", pure=False): s
                   for s in todo}
        for future in as_completed(futures):
            spec = futures[future]
            try:
                row, weekly = future.result()
            except KilledWorker as err:
                row, weekly = _failed_row(spec, outcomes, f"worker died repeatedly: {err}"), None
            keep(row, weekly)
            future.release()


def warm_up(base: dict) -> None:
    """Load the compiled kernels in this process (from Numba's cache) with a small run of each form in `base`.

    Then freeze the objects alive so far out of the garbage collector's way.
    """
    from sim.run import simulate
    from sim.scenario import Scenario, shortened

    # Enough residents and weeks (some recorded) that every stage of a design calls its kernels.
    data = {**shortened(base, 8, 8), "neighbourhoods": [{**n, "residents": 200} for n in base["neighbourhoods"]]}
    scenario = Scenario.model_validate(data)
    one_per_form = {d.form: name for name, d in scenario.designs.items()}
    for design in one_per_form.values():
        simulate(scenario, design=design)
    # A worker holds some 200,000 objects of its own (Dask, Tornado, pandas): freezing them
    # keeps the collector's full passes, which a run triggers, from scanning them again and
    # again (4 % of a run's time).
    gc.freeze()


def _failed_row(spec: RunSpec, outcomes: list[str], error: str) -> dict:
    """The runs-dataset row of a run that could not be computed."""
    row = {"run_id": spec.run_id, "point": spec.point, "replication": spec.replication, "design": spec.design,
           "seed": spec.seed, **spec.overrides}
    row.update({name: math.nan for name in outcomes})
    row.update({"status": "failed", "error": error, "seconds": math.nan, "worker": ""})
    return row
