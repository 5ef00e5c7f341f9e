"""The command-line options of every command that runs many simulations on the run engine, checked on entry.

A number of workers out of range hung the engine, and an address that is none waited for
a scheduler; both are refused by argparse (exit 2, one line) before anything starts.
"""

from __future__ import annotations

import argparse
import re


def workers_count(text: str) -> int:
    """A number of worker processes for the run engine: 0 (in-process) to 256."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number") from None
    if not 0 <= value <= 256:
        raise argparse.ArgumentTypeError(f"{value}: allowed range [0, 256]")
    return value


def scheduler_address(text: str) -> str:
    """A Dask scheduler address: protocol://host:port."""
    if not re.fullmatch(r"(tcp|tls|ucx|ws|wss)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}", text):
        raise argparse.ArgumentTypeError(f"{text!r}: not a scheduler address; expected protocol://host:port, "
                                         "for example tcp://127.0.0.1:8786")
    return text


def engine_options(sub: argparse.ArgumentParser, default_out: str) -> None:
    """The options of every command that runs many simulations on the run engine."""
    sub.add_argument("--workers", type=workers_count, help="worker processes (default: one per core; 0 = in-process)")
    sub.add_argument("--scheduler", type=scheduler_address,
                     help="address of an existing Dask scheduler, e.g. tcp://host:8786")
    sub.add_argument("--out", help=f"job folder (default: {default_out})")
    sub.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.add_argument("--yes", action="store_true",
                     help="start a job above the preflight's size (over 100,000 runs or half this machine's memory)")


def setting_option(sub: argparse.ArgumentParser) -> None:
    """`--set PATH=VALUE` (repeatable): a scenario value for this command only, such as a change's week."""
    sub.add_argument("--set", action="append", metavar="PATH=VALUE", default=[],
                     help="set a scenario value for this command (repeatable), e.g. changes.0.week=156 or "
                          "designs.integraal.fte_per_10k=11")
