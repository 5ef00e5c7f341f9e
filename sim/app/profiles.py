"""Municipality profiles for the app: the shipped scenarios, uploads, and TOML export.

An uploaded file is only read as TOML text and validated with the scenario schema; it is
never executed or unpickled.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import tomlkit

from sim import preflight
from sim.app.params import undated
from sim.app.worker import WORKERS
from sim.scenario import (
    Scenario,
    ScenarioError,
    load,
    merged,
    parse,
    shipped_scenarios,
    toml_tables,
    with_overrides,
)

EXCLUDED = ("queue-only",)  # not a place: the team as a pure queue
MAX_UPLOAD_BYTES = 256 * 1024
# The first line of a scenario the app writes; reading it back restores the comparison on screen.
COMPARED = "# wijkteam app: compared {a} (A) with {b} (B), {reps} replications"
COMPARED_LINE = re.compile(r"^# wijkteam app: compared (\S+) \(A\) with (\S+) \(B\), (\d+) replications$", re.M)


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
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([f"{name}: not a UTF-8 text file"]) from None
    scenario = parse(toml_tables(text, name, ScenarioError), name)
    weeks = scenario.meta.burn_in_weeks + scenario.meta.weeks  # the app's workers run a run each, at once
    need, have = preflight.memory_need(scenario.population, weeks, WORKERS), preflight.machine_bytes()
    if need > preflight.CONFIRM_SHARE * have:
        raise ScenarioError([f"{name}: {scenario.population:,} residents over {weeks:,} weeks need about "
                             f"{need / preflight.GB:.1f} GB of memory in the app's {WORKERS} workers; the app may use "
                             f"at most half of this machine's {have / preflight.GB:.1f} GB (use wijkteam compare)"])
    return scenario


def profile_text(name: str) -> str:
    """The text of a shipped profile's file, comments and all (a file that extends another: the whole of it)."""
    load_profile(name)  # an unknown name is a ScenarioError
    return whole_text(profiles()[name])


def whole_text(path: Path) -> str:
    """A scenario file's text; with `extends`, the named file's text with this file's values merged in, comments kept.

    What the workshop edits and exports must stand alone: a downloaded file has no file beside it.
    """
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    base = doc.pop("extends", None)
    if base is None:
        return tomlkit.dumps(doc)
    whole = merged(tomlkit.parse(whole_text(path.parent / str(base))), doc)
    return f"# {path.name} over {base}, as one file\n" + tomlkit.dumps(whole)


def compared(text: str) -> tuple[str, str, int] | None:
    """Design A, design B and replications from a file the app wrote (its first line); None otherwise."""
    found = COMPARED_LINE.search(text)
    return (found.group(1), found.group(2), int(found.group(3))) if found else None


def _keep_inherited(doc: tomlkit.TOMLDocument, target: Scenario) -> None:
    """Pin in its own table each value a design would now inherit from a base changed in the workshop.

    The workshop changes one design at a time; in the file, a change to a base would reach every
    design built on it.
    """
    written = parse(tomllib.loads(tomlkit.dumps(doc)), "<workshop>")
    for name, design in target.designs.items():
        now = written.designs[name]
        for key, value in design.model_dump(mode="json").items():
            if getattr(now, key) != getattr(design, key):
                doc["designs"][name][key] = value
                doc["designs"][name][key].comment("kept in the workshop (its base design was changed)")


def workshop_toml(source: str, scenario: Scenario, changes: dict[str, object], designs: list[str],
                  replications: int) -> str:
    """The scenario file the workshop ran: `source` with every changed value marked, all comments kept.

    `scenario` is what `source` loads to (before the changes); a design that inherits a changed
    value from its base gets the value in its own table. Each changed line keeps its provenance
    comment after a note of the value it replaced.
    """
    doc = tomlkit.parse(source)
    old = scenario.model_dump(mode="json")
    for path, value in sorted(changes.items()):
        *parents, key = path.split(".")
        table = doc
        for part in parents:
            table = table[int(part)] if part.isdigit() else table[part]
        before = old
        for part in path.split("."):
            before = before[int(part)] if part.isdigit() else before[part]
        note = (f"changed in the workshop (file: {before})" if key in table
                else f"set in the workshop (inherited: {before})")
        comment = table[key].trivia.comment.lstrip("# ") if key in table else ""
        if parents[:1] == ["changes"] and key == "week" and "date" in table:  # the week moved: the date goes
            note += f", was dated {table.pop('date')}"
        table[key] = value
        table[key].comment(f"{note}; {comment}" if comment else note)
    _keep_inherited(doc, with_overrides(scenario, **undated(changes)))
    header = COMPARED.format(a=designs[0], b=designs[1], reps=replications)
    return f"{header}\n{tomlkit.dumps(doc)}"
