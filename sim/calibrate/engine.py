"""Running calibration and validation points on the one run engine (sim.sweep.engine.run_job).

A calibration asks for many small batches of runs; starting a local Dask cluster for each
would cost seconds per batch, so `cluster` starts one (through the engine's own
`dask_client`) and every batch goes to it by its scheduler address.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from sim.calibrate.validate import TABLE_UNITS, markdown
from sim.errors import ProblemsError
from sim.scenario import Scenario
from sim.sweep.spec import RunSpec


class EngineError(ProblemsError):
    """The job folder holds another job; `problems` holds the lines to show."""


@contextmanager
def cluster(workers: int | None, scheduler: str | None, scenario: Scenario):
    """Yield the scheduler address to use: the given one, one local cluster, or None (in-process).

    The workers of a new cluster load the compiled kernels first (the engine's warm-up), so
    that no trial pays for it.
    """
    if scheduler or workers == 0:
        yield scheduler
        return
    from sim.sweep.engine import dask_client, warm_up

    with dask_client(workers, None) as client:
        client.run(warm_up, scenario.model_dump(mode="json"))
        yield client.scheduler.address


def run_points(folder: Path, identity: dict, job: dict, specs: list[RunSpec], scenario: Scenario,
               observables: list[str], scheduler: str | None, workers: int | None, progress: bool) -> pd.DataFrame:
    """Run the specs into the job folder (finished runs are kept and skipped); their runs table."""
    from sim.sweep.engine import run_job
    from sim.sweep.store import JobChanged, JobStore

    store = JobStore(folder)
    try:
        run_job(store, identity, job, specs, scenario.model_dump(mode="json"), observables,
                workers=workers, scheduler=scheduler, progress=progress)
    except JobChanged as err:
        raise EngineError([f"{folder}: holds a different job; refused. What changed:", str(err),
                           "Use another --out folder."]) from None
    return store.runs()


def write_table(out: Path, name: str, table: pd.DataFrame, title: str, intro: str) -> list[Path]:
    """The target table as Parquet, Markdown and a self-contained HTML page; the paths written."""
    from sim.calibrate.page import page
    from sim.output import write_table as write_parquet
    from sim.output import write_text

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.parquet", out / f"{name}.md", out / f"{name}.html"]
    write_parquet(table, paths[0], TABLE_UNITS, name)
    write_text(paths[1], f"# {title}\n\n{intro}\n\n{markdown(table)}")
    write_text(paths[2], page(table, title, intro))
    return paths
