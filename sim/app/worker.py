"""The app's shared process pool, and what one run in it computes and streams.

The server keeps one bounded pool (two worker processes) for every browser session, so a
long run never blocks the pages: the server process only gathers results. Each worker
loads the compiled kernels once when it starts (a tiny run). A run writes its tables as
a `wijkteam run` folder (for the report) and streams its progress, and for the first
replication its weekly totals so far, through a multiprocessing Manager queue.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.managers import SyncManager
from pathlib import Path

import pandas as pd

from sim.scenario import parse

WORKERS = 2
STREAM_EVERY = 8  # recorded weeks between two streamed parts
WARM_WEEKS = 52
NICE = 10  # workers run at lower priority than the server process
# What the page leads with, per design: cost, the team's wait beside the specialist waits, those who stop
# waiting, crises and self-reliance (as `wijkteam compare` prints them), and whether the waiting list still grows.
HEADLINES = ["cost_per_resident", "mean_wait_weeks", "wait_ggz", "wait_debt_restructuring", "wait_youth_care",
             "queue_length", "gave_up_waiting", "crises", "self_reliant_share", "queue_growing"]
SERIES = ["queue_length", "mean_wait_weeks", "waiting_ggz", "waiting_debt_restructuring", "open_cases",
          "caseload_per_fte", "hours_outreach", "informal_hours",
          "informal_share", "crises", "referrals_youth_care", "referrals_ggz", "self_reliant_share",
          "cost_per_resident"]
# With demography (sim.demography) the population and demand per head over the weeks too
POPULATION_SERIES = ["residents", "residents_75plus", "provision_holders_per_1000", "provision_holders_per_1000_75plus"]
GRID = ["queue_length", "mean_wait_weeks", "open_cases", "caseload_per_fte", "hours_outreach", "informal_share",
        "crises", "self_reliant_share", "cost_per_resident", "prevalence_debts", "prevalence_mental",
        "prevalence_loneliness"]

_pool: ProcessPoolExecutor | None = None
_manager = None


def _warm(base: dict) -> None:
    """Load (or compile) every kernel in this process with a short run of a small municipality.

    A year of a real population, not a toy one: only then do queues, referrals and closures
    call every kernel, so the first run a user starts compiles nothing.
    """
    from sim.run import simulate
    from sim.scenario import shortened

    simulate(parse(shortened(base, WARM_WEEKS, 0), "<warm-up>"))


def _ready() -> int:
    """A task that returns once its worker has warmed up (submitted once per worker at start)."""
    return os.getpid()


def _exit_with_parent() -> None:
    """Leave this process when the server that started it is gone (even after a kill -9)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _init_worker(base: dict) -> None:
    """Pool initializer: exit with the server, yield the CPU to it (pages stay responsive), warm up."""
    _exit_with_parent()
    os.nice(NICE)
    _warm(base)


def start(base: dict, workers: int = WORKERS) -> None:
    """Start the shared pool and queue manager, and warm every worker before returning (`base`: a small scenario)."""
    global _pool, _manager
    _warm(base)  # compile and cache here once, so the workers only load the kernels
    ctx = multiprocessing.get_context("spawn")
    _manager = SyncManager(ctx=ctx)
    _manager.start(_exit_with_parent)
    _pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(base,))
    pids: set[int] = set()
    for _ in range(20):
        pids |= {f.result() for f in [_pool.submit(_ready) for _ in range(workers)]}
        if len(pids) >= workers:
            break


def stop() -> None:
    """Shut the pool and the manager down."""
    global _pool, _manager
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    if _manager is not None:
        _manager.shutdown()
    _pool = _manager = None


def pool() -> ProcessPoolExecutor:
    """The shared pool (start() must have run)."""
    if _pool is None:
        raise RuntimeError("the app's process pool is not started; call sim.app.worker.start() first")
    return _pool


def new_queue():
    """A queue that pool workers can put progress on."""
    if _manager is None:
        raise RuntimeError("the app's queue manager is not started; call sim.app.worker.start() first")
    return _manager.Queue()


def series_of(scenario) -> list[str]:
    """The weekly outcomes the page may show for a scenario: SERIES, and the population's with demography."""
    return SERIES + (POPULATION_SERIES if scenario.demography is not None else [])


def _grid(by_nbh: pd.DataFrame) -> pd.DataFrame:
    """Per neighbourhood: the mean of each GRID outcome over the recorded weeks."""
    return by_nbh.groupby("neighbourhood_name", observed=True, sort=False)[GRID].mean().reset_index()


def summary_row(totals: pd.DataFrame, cases: pd.DataFrame, metrics: list[str], weeks: int) -> dict[str, float]:
    """A run's outcomes as the audit reads them, and the page's headlines (sim.tables)."""
    from sim.tables import outcome_values

    return outcome_values(list(dict.fromkeys([*metrics, *HEADLINES])), totals, cases, weeks)


def run_design(data: dict, design: str, seed: int, key: str, folder: str, metrics: list[str], queue=None,
               stream: bool = False) -> dict:
    """Simulate one design and replication, write its run folder, stream progress; return what the page shows."""
    from sim.flows import flows
    from sim.model import WijkteamModel
    from sim.output import RUN_FILES, manifest, write_run
    from sim.run import result, weekly_tables

    scenario = parse(data, "<app scenario>")
    model = WijkteamModel(scenario, design=design, seed=seed)
    burn_in, total = scenario.meta.burn_in_weeks, scenario.meta.burn_in_weeks + scenario.meta.weeks

    def progress(_: int) -> None:
        week = model.week
        recorded = week - burn_in
        if queue is None:
            return
        if stream and recorded > 0 and (recorded == 1 or recorded % STREAM_EVERY == 0 or week == total):
            by_nbh, weekly = weekly_tables(model)
            queue.put(("part", key, week, total, weekly[["week", *series_of(scenario)]], _grid(by_nbh)))
        elif week % 4 == 0 or week == total:
            queue.put(("progress", key, week, total))

    model.run(progress)
    done = result(model)
    by_nbh, weekly, cases = done.by_neighbourhood, done.totals, done.cases
    files = list(RUN_FILES)
    info = manifest(scenario, design, seed, files, {"weeks": scenario.meta.weeks, "burn_in_weeks": burn_in,
                                                    "source": "wijkteam app"})
    write_run(Path(folder), by_nbh, weekly, cases, info)
    weeks = scenario.meta.weeks
    return {"key": key, "weekly": weekly[["week", *series_of(scenario)]], "grid": _grid(by_nbh),
            "flows": flows(cases, weeks), "summary": summary_row(weekly, cases, metrics, weeks)}
