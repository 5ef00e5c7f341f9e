"""Targets files: published figures an observable of the model should reproduce.

A targets file is TOML with one `[[targets]]` table per figure: the observable it names
(sim.calibrate.observables.OBSERVABLES), the published value, a tolerance, its source, and
whether calibration may use it or it is held out for validation. Unknown keys, unknown
observables, NaN, negative tolerances and missing sources are errors naming the file, the
field and what is allowed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.calibrate.observables import OBSERVABLES
from sim.errors import ProblemsError
from sim.scenario import read_toml, repeated
from sim.units import is_share


class TargetsError(ProblemsError):
    """A targets file that cannot be used; `problems` holds one line per problem."""


class Target(BaseModel):
    """One published figure: observable, value, tolerance, source and use."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    id: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_\-]+$")
    observable: str
    value: float = Field(ge=-1e12, le=1e12)
    tolerance: float = Field(gt=0.0, le=1e12)
    source: str = Field(min_length=3, max_length=400)
    use: Literal["calibration", "holdout"]
    note: str = Field(default="", max_length=600)

    @field_validator("observable")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in OBSERVABLES:
            raise ValueError(f"unknown observable; allowed: {', '.join(sorted(OBSERVABLES))}")
        return name

    @model_validator(mode="after")
    def _share_is_a_fraction(self) -> Target:
        if is_share(self.observable) and not 0.0 <= self.value <= 1.0:
            raise ValueError(f"value {self.value:g}: {self.observable} is a share; allowed range [0, 1] "
                             "(write 35 % as 0.35)")
        return self

    @property
    def low(self) -> float:
        """Lower end of the tolerance band."""
        return self.value - self.tolerance

    @property
    def high(self) -> float:
        """Upper end of the tolerance band."""
        return self.value + self.tolerance


class Targets(BaseModel):
    """A whole targets file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    description: str = Field(default="", max_length=400)
    targets: list[Target] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique_ids(self) -> Targets:
        doubles = repeated([t.id for t in self.targets])
        if doubles:
            raise ValueError(f"target ids must be unique; repeated: {', '.join(doubles)}")
        return self

    def used(self, use: str) -> list[Target]:
        """The targets with this use ('calibration' or 'holdout')."""
        return [t for t in self.targets if t.use == use]

    @property
    def observables(self) -> list[str]:
        """The observables the targets name, each once, in file order."""
        return list(dict.fromkeys(t.observable for t in self.targets))


ALLOWED = {"value": "a finite number", "tolerance": "a finite number > 0", "source": "text of 3-400 characters",
           "use": "calibration or holdout", "id": "1-60 letters, digits, '-' or '_'"}


def _problem_lines(path: str, error: ValidationError) -> list[str]:
    """One line per problem: file, dotted field, bad value, message, what is allowed."""
    lines = []
    for err in error.errors():
        loc = err["loc"]
        dotted = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[") or "(top)"
        value = "missing" if err["type"] == "missing" else repr(err.get("input"))[:60]
        msg = err["msg"].removeprefix("Value error, ")
        field = str(loc[-1]) if loc else ""
        allowed = f"; allowed: {ALLOWED[field]}" if field in ALLOWED and "allowed" not in msg else ""
        lines.append(f"{path}: {dotted}: {value}: {msg}{allowed}")
    return lines


def parse_targets(data: dict, path: str = "<targets>") -> Targets:
    """Validate a targets mapping, raising TargetsError with readable lines."""
    try:
        return Targets.model_validate(data)
    except ValidationError as err:
        raise TargetsError(_problem_lines(path, err)) from None


def load_targets(path: str | Path) -> Targets:
    """Read and validate a targets TOML file."""
    return parse_targets(read_toml(path, TargetsError), str(path))


def within(target: Target, simulated: float) -> bool:
    """Whether a simulated value lies in the target's tolerance band (never for NaN)."""
    return not math.isnan(simulated) and target.low <= simulated <= target.high
