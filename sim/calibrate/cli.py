"""Registration of the `validate`, `calibrate` and `init` (sim.cbs_init) commands (no heavy imports here)."""

from __future__ import annotations

import argparse

from sim.sweep.options import engine_options, setting_option


def _validate(args: argparse.Namespace) -> int:
    """Run `wijkteam validate`."""
    from sim.calibrate.command import validate

    return validate(args)


def _calibrate(args: argparse.Namespace) -> int:
    """Run `wijkteam calibrate`."""
    from sim.calibrate.command import calibrate

    return calibrate(args)


def _init(args: argparse.Namespace) -> int:
    """Run `wijkteam init`."""
    from sim.cbs_init import command

    return command(args)


def _options(sub: argparse.ArgumentParser, calibrating: bool) -> None:
    """The options of `validate` (and, with `calibrating`, of `calibrate`)."""
    name = "calibrate" if calibrating else "validate"
    sub.add_argument("scenario", help="scenario TOML file")
    sub.add_argument("--targets", required=True, help="targets TOML file (e.g. scenarios/targets-nl.toml)")
    sub.add_argument("--replications", type=int, default=4 if calibrating else 10,
                     help="replications per point (common random numbers)")
    if calibrating:
        sub.add_argument("--budget", type=int, default=200, help="number of trials")
        sub.add_argument("--batch", type=int, default=8, help="trials sent to the engine together")
    engine_options(sub, f"results/{name}-<scenario>")
    setting_option(sub)


def register(sub, func) -> None:
    """Add the three commands to the `wijkteam` subparsers; `func` runs args.calibration with error handling."""
    va = sub.add_parser("validate", help="simulate a scenario in replications and check it against published figures")
    _options(va, calibrating=False)
    va.set_defaults(func=func, calibration=_validate)
    ca = sub.add_parser("calibrate", help="search the scenario's free assumptions to meet published figures")
    _options(ca, calibrating=True)
    ca.set_defaults(func=func, calibration=_calibrate)
    it = sub.add_parser("init", help="build a scenario from a CBS 'Kerncijfers wijken en buurten' table")
    it.add_argument("--from", dest="source", required=True, help="CSV in the CBS column layout")
    it.add_argument("--name", required=True, help="name of the municipality")
    it.add_argument("--out", help="scenario file to write (default: scenarios/<name>.toml)")
    it.set_defaults(func=func, calibration=_init)
