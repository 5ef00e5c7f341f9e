"""Named random streams, all derived from the scenario seed through SeedSequence.

One stream per kind of decision, so that drawing more from one (say, because a design
refers more) never shifts another: onsets stay identical across designs (common random
numbers). New streams go at the end of STREAMS so existing ones keep their spawn keys.
"""

from typing import NamedTuple

import numpy as np

STREAMS = (
    "population",  # neighbourhood synthesis: ages, households, resilience, help seeking
    "onset",  # time to next onset, domain, severity at onset
    "threshold",  # Exp(1) signal thresholds drawn at onset
    "resolution",  # natural resolution time drawn at onset
    "route",  # which route a signal came through
    "durations",  # specialist treatment and provision durations
    "informal",  # carer drop-out and rejoin
    "mesa",  # the Mesa model's own generator (agent ordering)
    "patience",  # how long a resident on the team's waiting list keeps waiting
    "follow_up",  # weeks a case stays open for follow-up after its plan
    "demography",  # deaths, moves, ageing and births, and who is born or moves in (sim.demography)
)


def make_streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent Generator per stream name, derived from `seed`."""
    return {
        name: np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(k,)))
        for k, name in enumerate(STREAMS)
    }


class Streams(NamedTuple):
    """The streams the kernels draw from, by name (a run's Numba handle holds them)."""

    onset: np.random.Generator
    threshold: np.random.Generator
    resolution: np.random.Generator
    route: np.random.Generator
    durations: np.random.Generator
    informal: np.random.Generator
    patience: np.random.Generator
    follow_up: np.random.Generator
