"""Writing a run's results: Parquet tables with schema version and units, and the manifest.

Every file is written under a temporary name and renamed, so a reader never sees a
partial file.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess  # noqa: S404 - only to ask git for the project's revision
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim import steady
from sim.scenario import Budgets, Scenario, scenario_hash
from sim.tables import (
    CASE_UNITS,
    SCHEMA_VERSION,
    SUMMARY_UNITS,
    run_summary,
    unit_of,
    with_budgets,
    yearly,
    yearly_unit,
)

PACKAGES = ("mesa", "numpy", "numba", "scipy", "pandas", "pyarrow", "pydantic", "networkx", "SALib", "scikit-learn",
            "optuna")


def write_table(df: pd.DataFrame, path: Path, units: dict[str, str], table: str) -> None:
    """Write df as Parquet with the schema version and each column's unit in the metadata."""
    atomically(path, _table_writer(df, units, table))


def _table_writer(df: pd.DataFrame, units: dict[str, str], table: str) -> Callable[[Path], object]:
    """What writes df as Parquet, with the schema version and each column's unit in the metadata, to a path."""
    arrow = pa.Table.from_pandas(df, preserve_index=False)
    fields = [f.with_metadata({"unit": units[f.name]}) for f in arrow.schema]
    meta = dict(arrow.schema.metadata or {})
    meta.update({b"wijkteam_schema_version": SCHEMA_VERSION.encode(), b"wijkteam_table": table.encode()})
    arrow = arrow.cast(pa.schema(fields, metadata=meta))
    return lambda path: pq.write_table(arrow, path)


def _temporary(path: Path) -> Path:
    """A temporary name beside `path`, unique to this process and thread (two writers never share one)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")


def atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Have `write` fill a temporary file beside `path`, then rename it into place.

    The temporary file is removed when writing fails (a full disk leaves no half file behind).
    """
    all_or_nothing({path: write})


def all_or_nothing(writes: dict[Path, Callable[[Path], object]]) -> None:
    """Fill every file under a temporary name first, then rename them all into place.

    When any write fails (a full disk), every temporary file is removed and no file is replaced:
    a folder holds all of a run's tables or none of them, never one.
    """
    done: list[Path] = []
    try:
        for path, write in writes.items():
            done.append(_temporary(path))
            write(done[-1])
    except BaseException:
        for tmp in done:
            tmp.unlink(missing_ok=True)
        raise
    for path in writes:
        os.replace(_temporary(path), path)


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically (temporary name, then rename)."""
    atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _json_text(obj: dict) -> str:
    """The project's JSON layout: indented, keys sorted, anything else as its string."""
    return json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n"


def write_json(obj: dict, path: Path) -> None:
    """Write JSON atomically."""
    write_text(path, _json_text(obj))


def git_revision() -> str:
    """The project's git revision, or 'unknown' outside a checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10,  # noqa: S607
                             cwd=Path(__file__).resolve().parent, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape results."""
    out = {"wijkteam-sim": metadata.version("wijkteam-sim")}
    for name in PACKAGES:
        out[name] = metadata.version(name)
    return out


def manifest(scenario: Scenario, design: str, seed: int, files: list[str], extra: dict) -> dict:
    """The manifest of one run: resolved scenario, seed, versions, revision, hash."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "run",
        "scenario": scenario.model_dump(mode="json"),
        "scenario_sha256": scenario_hash(scenario),
        "design": design,
        "seed": seed,
        "packages": package_versions(),
        "git_revision": git_revision(),
        "files": files,
        **extra,
    }


RUN_FILES = ("neighbourhood_weekly.parquet", "weekly_totals.parquet", "neighbourhood_yearly.parquet",
             "yearly_totals.parquet", "cases.parquet", "summary.parquet")


def write_run(out: Path, by_nbh: pd.DataFrame, total: pd.DataFrame, cases: pd.DataFrame,
              info: dict) -> list[Path]:
    """Write the three tables and the manifest into `out`; returns the paths written.

    The manifest gets the run's steady-state record (sim.steady): MSER-5 truncations and
    whether the team's waiting list still grows over the recorded weeks.
    """
    out.mkdir(parents=True, exist_ok=True)
    manifest_text = _json_text({**info, "steady_state": steady.diagnose(total)})
    scenario = info.get("scenario", {})  # the manifest's JSON copy of the resolved scenario
    start = scenario.get("meta", {}).get("start_date")
    start = datetime.date.fromisoformat(start) if start else None
    by_year = yearly(by_nbh, ("neighbourhood", "neighbourhood_name"), start)
    budgets = Budgets.model_validate(scenario["budgets"]).per_payer() if scenario.get("budgets") else {}
    total_by_year = with_budgets(yearly(total, start_date=start), budgets)
    writes = {
        out / "neighbourhood_weekly.parquet": _table_writer(by_nbh, {c: unit_of(c) for c in by_nbh.columns},
                                                            "neighbourhood_weekly"),
        out / "weekly_totals.parquet": _table_writer(total, {c: unit_of(c) for c in total.columns}, "weekly_totals"),
        out / "neighbourhood_yearly.parquet": _table_writer(by_year, {c: yearly_unit(c) for c in by_year.columns},
                                                            "neighbourhood_yearly"),
        out / "yearly_totals.parquet": _table_writer(total_by_year, {c: yearly_unit(c) for c in total_by_year.columns},
                                                     "yearly_totals"),
        out / "cases.parquet": _table_writer(cases, CASE_UNITS, "cases"),
        out / "summary.parquet": _table_writer(run_summary(total), SUMMARY_UNITS, "summary"),
        out / "manifest.json": lambda path: path.write_text(manifest_text, encoding="utf-8"),
    }
    all_or_nothing(writes)
    return list(writes)
