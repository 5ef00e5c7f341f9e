"""The options of `wijkteam analyse` (kept free of heavy imports: the parser is built at every start)."""

from __future__ import annotations

import argparse

METHODS = ("sobol", "morris", "features", "prim")


def options(sub: argparse.ArgumentParser) -> None:
    """The options of `wijkteam analyse`."""
    sub.add_argument("folder", metavar="SWEEP_DIR", help="sweep job folder (holds job.json and runs.parquet)")
    sub.add_argument("--method", choices=METHODS, default="features",
                     help="sobol (sobol sweeps), morris (morris sweeps), features or prim (any sweep)")
    sub.add_argument("--outcome", action="append",
                     help="outcome to analyse (repeatable; default: every kept outcome; prim: exactly one)")
    sub.add_argument("--above", type=float, help="prim: cases of interest have the outcome above this value")
    sub.add_argument("--below", type=float, help="prim: cases of interest have the outcome below this value")
    sub.add_argument("--threshold", type=float,
                     help="prim: minimum density of the reported box (default 0.8)")
    sub.add_argument("--out", help="output folder (default: SWEEP_DIR/analysis)")
