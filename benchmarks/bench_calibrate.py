"""Calibration throughput: trials per minute and the projected time of a 200 x 4 calibration.

A 20,000-resident municipality (middenstad's neighbourhoods scaled down) over 3 years (1 year
burn-in, 2 recorded), a small calibration on the run engine with 2 workers; the projection
scales the measured time per run to 200 trials x 4 replications.
"""

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import tomlkit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.calibrate.command import calibrate  # noqa: E402

BUDGET, REPLICATIONS, TARGET_TRIALS, TARGET_REPLICATIONS = 16, 2, 200, 4


def municipality(folder: Path) -> Path:
    """Middenstad scaled to 20,000 residents and 3 years, its calibration marks kept."""
    doc = tomlkit.parse((ROOT / "scenarios" / "middenstad.toml").read_text())
    total = sum(n["residents"] for n in doc["neighbourhoods"])
    for n in doc["neighbourhoods"]:
        n["residents"] = int(n["residents"] * 20_000 / total)
    doc["meta"]["weeks"], doc["meta"]["burn_in_weeks"] = 104, 52
    path = folder / "bench.toml"
    path.write_text(re.sub(r"\n\n+", "\n\n", tomlkit.dumps(doc)))
    return path


def main() -> None:
    """Run the small calibration and print key: value lines."""
    with tempfile.TemporaryDirectory() as tmp:
        scenario = municipality(Path(tmp))
        args = argparse.Namespace(scenario=str(scenario), targets=str(ROOT / "scenarios" / "targets-nl.toml"),
                                  replications=REPLICATIONS, workers=2, scheduler=None, out=str(Path(tmp) / "cal"),
                                  quiet=True, budget=BUDGET, batch=8)
        start = time.perf_counter()
        calibrate(args)
        seconds = time.perf_counter() - start
    runs = BUDGET * REPLICATIONS + REPLICATIONS  # search plus the final validation
    per_run = seconds / runs
    print(f"trials: {BUDGET} x {REPLICATIONS} replications (+ validation), 20,000 residents, 3 years, 2 workers")
    print(f"seconds: {seconds:.1f}")
    print(f"trials_per_minute: {BUDGET / seconds * 60:.1f}")
    projected = per_run * (TARGET_TRIALS * TARGET_REPLICATIONS + TARGET_REPLICATIONS) / 60
    print(f"projected_minutes_200x4: {projected:.1f} (target <= 15)")


if __name__ == "__main__":
    main()
