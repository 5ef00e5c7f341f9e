"""The fixed-seed golden baseline: hashes of the tables of a handful of short runs.

A change meant to keep the model's results must keep every hash; a change meant to change
the model regenerates the baseline in its own commit, saying what changed and why:

    .venv/bin/python -m tests.golden --write

The runs cover every organisation form and modifier of the small rural and the mid-size
city profiles (shrunk to a few thousand residents), a team whose waiting list builds up,
and the queue-only configuration. They read frozen copies of those scenario files
(tests/scenarios/), so the baseline guards the code: recalibrating a shipped scenario
changes its parameters, not this baseline. Each table is hashed to the bit: column names, dtypes
and the raw bytes of every value (categories by their codes and labels).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.run import simulate
from sim.scenario import Scenario, load, with_overrides

from .conftest import shrink

BASELINE = Path(__file__).with_name("golden.json")
FROZEN = Path(__file__).with_name("scenarios")  # the scenario files the baseline runs
SEED = 20261202


def cases() -> dict[str, tuple[Scenario, str]]:
    """The baseline's runs by name: (scenario, design)."""
    rural = shrink(load(FROZEN / "kleindorp.toml"), 0.2)
    city = shrink(load(FROZEN / "middenstad.toml"), 0.05)
    queue = shrink(load(FROZEN / "queue-only.toml"), 1.0, weeks=104)
    crowded = with_overrides(rural, **{"designs.integraal.fte_per_10k": 3.0})  # the waiting list builds up
    out = {f"kleindorp-{d}": (rural, d) for d in rural.designs}
    out.update({f"middenstad-{d}": (city, d) for d in city.designs})
    out["kleindorp-integraal-queue-builds-up"] = (crowded, "integraal")
    out.update({f"queue-only-{d}": (queue, d) for d in queue.designs})
    return out


def table_hash(df: pd.DataFrame) -> str:
    """SHA-256 over the column names, dtypes and values of a table, bit for bit."""
    h = hashlib.sha256()
    for name in df.columns:
        col = df[name]
        h.update(f"{name}:{col.dtype}".encode())
        for part in _column_bytes(col):
            h.update(part)
    return h.hexdigest()


def _column_bytes(col: pd.Series) -> list[bytes]:
    """The raw bytes of a column: categories by labels and codes, nullable integers by mask and values."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return ["|".join(map(str, col.cat.categories)).encode(), col.cat.codes.to_numpy().tobytes()]
    if isinstance(col.dtype, pd.Int64Dtype):
        return [col.isna().to_numpy().tobytes(), col.fillna(0).to_numpy(np.int64).tobytes()]
    values = col.to_numpy()
    if values.dtype == object:
        raise TypeError(f"column {col.name!r} has no fixed-width dtype to hash")
    return [np.ascontiguousarray(values).tobytes()]


def fingerprint(scenario: Scenario, design: str) -> dict:
    """Hashes of one run's three tables, with a few totals that say where a difference lies."""
    res = simulate(scenario, design=design, seed=SEED)
    tot = res.totals
    return {
        "by_neighbourhood": table_hash(res.by_neighbourhood),
        "totals": table_hash(tot),
        "cases": table_hash(res.cases),
        "n_cases": len(res.cases),
        "mean_queue_length": float(tot["queue_length"].mean()),
        "mean_cost_total": float(tot["cost_total"].mean()),
    }


def compute() -> dict[str, dict]:
    """The fingerprint of every baseline run."""
    return {name: fingerprint(sc, design) for name, (sc, design) in cases().items()}


def main() -> None:
    """Print the baseline, or write it with --write."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"write {BASELINE.name}")
    args = ap.parse_args()
    text = json.dumps(compute(), indent=1, sort_keys=True) + "\n"
    if args.write:
        BASELINE.write_text(text)
        print(f"wrote {BASELINE}")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
