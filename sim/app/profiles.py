"""Municipality profiles for the app: the shipped scenarios, uploads, and TOML export.

An uploaded file is only read as TOML text and validated with the scenario schema; it is
never executed or unpickled.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomlkit

from sim.scenario import Scenario, ScenarioError, load, parse, shipped_scenarios

EXCLUDED = ("queue-only",)  # not a place: the team as a pure queue
MAX_UPLOAD_BYTES = 256 * 1024


def profiles() -> dict[str, Path]:
    """The shipped municipality profiles by file stem (queue-only left out)."""
    return {p.stem: p for p in shipped_scenarios() if p.stem not in EXCLUDED}


def load_profile(name: str) -> Scenario:
    """A shipped profile by name; ScenarioError for an unknown name."""
    known = profiles()
    if name not in known:
        raise ScenarioError([f"profile {name!r}: not a shipped scenario; allowed: {', '.join(known)}"])
    return load(known[name])


def from_upload(name: str, data: bytes) -> Scenario:
    """Validate an uploaded scenario file: TOML only, size-limited, checked by the schema."""
    if not name.lower().endswith(".toml"):
        raise ScenarioError([f"{name}: not a .toml file; upload a scenario file (TOML)"])
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScenarioError([f"{name}: {len(data):,} bytes; allowed at most {MAX_UPLOAD_BYTES:,} bytes"])
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError([f"{name}: not a UTF-8 text file"]) from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([f"{name}: not valid TOML: {err}"]) from None
    return parse(table, name)


def to_toml(scenario: Scenario) -> str:
    """The resolved scenario as a TOML file that `wijkteam run` reads back to the same scenario."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"{scenario.meta.name}: scenario as set in the workshop app (wijkteam app)"))
    for key, value in scenario.model_dump(mode="json", exclude_none=True).items():  # TOML has no null
        if key == "assumptions" and not value:
            continue
        doc[key] = value
    return tomlkit.dumps(doc)
