"""A job folder: the job manifest, one Parquet part per finished run, and the datasets.

Layout:
    job.json             the resolved job, its identity hash, the run ids, run counts
    runs/<run_id>.parquet     one row: parameters, design, replication, seed, outcomes, status
    weekly/<run_id>.parquet   the run's weekly series of the kept outcomes
    runs.parquet, weekly.parquet   all current runs, sorted by run id (written at the end)
    .job.lock            held while a job runs here: a second job in the folder is refused
Every file is written under a temporary name and renamed: a reader never sees a partial
file, and a run whose part exists is finished.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import ProblemsError
from sim.output import atomically, write_text
from sim.tables import SCHEMA_VERSION

TIMING_COLUMNS = ("seconds", "worker")
LOCK_FILE = ".job.lock"


class DamagedJob(ProblemsError):
    """A job folder's file cannot be read; the problem line names it and how to recover."""


class JobBusy(ProblemsError):
    """Another process is running a job in the same folder."""


class JobChanged(Exception):
    """The job in the folder differs from the one asked for in more than samples or replications."""


def atomic_parquet(df: pd.DataFrame, path: Path, table: str) -> None:
    """Write df to path through a temporary file and a rename."""
    arrow = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(arrow.schema.metadata or {})
    meta.update({b"wijkteam_schema_version": SCHEMA_VERSION.encode(), b"wijkteam_table": table.encode()})
    atomically(path, lambda tmp: pq.write_table(arrow.replace_schema_metadata(meta), tmp))


def atomic_json(obj: dict, path: Path) -> None:
    """Write JSON through a temporary file and a rename."""
    write_text(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


class JobStore:
    """Reads and writes one job folder."""

    def __init__(self, folder: str | Path):
        """Use `folder` (created on first write)."""
        self.folder = Path(folder)

    @property
    def manifest_path(self) -> Path:
        """Where the job manifest lives."""
        return self.folder / "job.json"

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock while a job runs in it: one job per folder, refused at once if busy."""
        from filelock import FileLock, Timeout

        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.folder / LOCK_FILE, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise JobBusy([f"{self.folder}: another job is running in this folder (it holds {LOCK_FILE}); "
                           "wait until it ends, or give another --out"]) from None
        try:
            yield
        finally:
            lock.release()

    def manifest(self) -> dict | None:
        """The stored job manifest, or None for a new folder; DamagedJob when it cannot be used."""
        path = self.manifest_path
        if not path.exists():
            return None
        try:
            man = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise self._damaged(path, f"not JSON text ({type(err).__name__})") from None
        except OSError as err:
            raise self._damaged(path, f"not readable ({err.strerror or err})") from None
        if not isinstance(man, dict) or not isinstance(man.get("run_ids"), list) or not isinstance(
                man.get("identity"), dict) or "identity_sha256" not in man:
            raise self._damaged(path, "not a job manifest (identity, identity_sha256 and run_ids expected)")
        return man

    @staticmethod
    def _damaged(path: Path, why: str) -> DamagedJob:
        """The problem line for a damaged job file: which file, what is wrong, how to recover."""
        return DamagedJob([f"{path}: damaged: {why}; delete it and run the same command again "
                           "(finished runs are kept and not run again)"])

    def _part(self, path: Path) -> pd.DataFrame:
        """One run's part; DamagedJob saying how to recover when it cannot be read."""
        try:
            return pd.read_parquet(path)
        except (OSError, pa.ArrowException) as err:
            also = "" if path.parent.name == "runs" else f" and runs/{path.name}"
            raise DamagedJob([f"{path}: damaged ({str(err)[:80]}); delete it{also} and run the same command "
                              "again, which runs that replication again"]) from None

    def open(self, identity: dict, identity_hash: str, run_ids: list[str], job: dict) -> None:
        """Start or resume the job; refuse if the folder holds a different job."""
        old = self.manifest()
        if old is not None and old["identity_sha256"] != identity_hash:
            raise JobChanged(describe_change(old["identity"], identity))
        (self.folder / "runs").mkdir(parents=True, exist_ok=True)
        (self.folder / "weekly").mkdir(parents=True, exist_ok=True)
        atomic_json({"schema_version": SCHEMA_VERSION, "identity": identity, "identity_sha256": identity_hash,
                     "job": job, "run_ids": run_ids}, self.manifest_path)

    def finished(self) -> set[str]:
        """Run ids that finished successfully (failed runs are tried again on the next invocation)."""
        done = set()
        for part in (self.folder / "runs").glob("*.parquet"):
            try:
                ok = pq.read_table(part, columns=["status"]).column("status")[0].as_py() == "ok"
            except (OSError, pa.ArrowException, IndexError):
                ok = False  # a damaged part counts as not finished: the job runs it again
            if ok:
                done.add(part.stem)
        return done

    def write_run(self, run_id: str, row: dict, weekly: pd.DataFrame | None) -> None:
        """Keep one finished run: weekly series first, then the row that marks it finished."""
        if weekly is not None:
            atomic_parquet(weekly.assign(run_id=run_id), self.folder / "weekly" / f"{run_id}.parquet", "weekly")
        atomic_parquet(pd.DataFrame([row]), self.folder / "runs" / f"{run_id}.parquet", "runs")

    def runs(self) -> pd.DataFrame:
        """One row per current run of the job that has a result (ok or failed), sorted by run id."""
        ids = self.manifest()["run_ids"]
        parts = [self._part(p) for r in sorted(ids) if (p := self.folder / "runs" / f"{r}.parquet").exists()]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def weekly(self) -> pd.DataFrame:
        """The weekly series of the current runs, sorted by run id and week."""
        ok = self.finished()
        ids = sorted(r for r in self.manifest()["run_ids"] if r in ok)
        parts = [self._part(p) for r in ids if (p := self.folder / "weekly" / f"{r}.parquet").exists()]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def consolidate(self) -> None:
        """Write runs.parquet and weekly.parquet with all current runs."""
        runs = self.runs()
        if len(runs):
            atomic_parquet(runs, self.folder / "runs.parquet", "runs")
        weekly = self.weekly()
        if len(weekly):
            atomic_parquet(weekly, self.folder / "weekly.parquet", "weekly")

    def status(self) -> dict[str, int]:
        """Runs done, failed and left."""
        man = self.manifest()
        if man is None:
            raise FileNotFoundError(f"{self.folder}: no job.json: not a job folder")
        runs = self.runs()
        failed = int((runs["status"] == "failed").sum()) if len(runs) else 0
        return {"total": len(man["run_ids"]), "done": len(runs) - failed, "failed": failed,
                "left": len(man["run_ids"]) - len(runs)}


def describe_change(old: dict, new: dict, prefix: str = "") -> str:
    """Say which fields of the job identity changed, one per line."""
    lines = []
    for key in sorted(set(old) | set(new)):
        path = f"{prefix}{key}"
        a, b = old.get(key, "<absent>"), new.get(key, "<absent>")
        if isinstance(a, dict) and isinstance(b, dict):
            inner = describe_change(a, b, path + ".")
            if inner:
                lines.append(inner)
        elif a != b:
            lines.append(f"{path}: {json.dumps(a)[:80]} -> {json.dumps(b)[:80]}")
    return "\n".join(lines)
