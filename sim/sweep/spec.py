"""Run specifications and their seeds.

A run's seed derives from the job seed, its parameter point and its replication only,
through SeedSequence. The design is left out on purpose: every design at the same point
and replication shares common random numbers. The point is identified by its parameter
values (not its position in a list), so adding samples or replications never changes the
seed, and so the result, of a run that already exists.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from sim.sweep.models import entry


def canonical(obj: object) -> str:
    """Canonical JSON: sorted keys, no whitespace."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def point_key(overrides: dict[str, float | int]) -> int:
    """A 63-bit integer naming a parameter point by its values."""
    digest = hashlib.sha256(canonical(overrides).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def run_seed(job_seed: int, overrides: dict[str, float | int], replication: int) -> int:
    """The seed of the run at this point and replication (the same for every design)."""
    seq = np.random.SeedSequence(entropy=job_seed, spawn_key=(point_key(overrides), replication))
    return int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


@dataclass(frozen=True)
class RunSpec:
    """One simulation to run: model (a registered name, sim.sweep.models), design, overrides, replication, seed."""

    point: int
    replication: int
    design: str
    overrides: dict[str, float | int] = field(default_factory=dict)
    seed: int = 0
    model: str = "wijkteam"

    @property
    def run_id(self) -> str:
        """A stable name for the run: its point values, design and replication hashed."""
        ident = canonical({"o": self.overrides, "d": self.design, "r": self.replication, "m": self.model})
        return f"{self.model}-{hashlib.sha256(ident.encode()).hexdigest()[:16]}"

    def to_dict(self) -> dict:
        """Plain data for shipping to a worker: the fields, and the import path of the model as `entry`."""
        return {**asdict(self), "entry": entry(self.model)}

    @classmethod
    def from_dict(cls, data: dict) -> RunSpec:
        """The spec back from `to_dict` data (a worker's copy)."""
        return cls(**{f.name: data[f.name] for f in fields(cls)})
