"""Provenance of scenario parameters: the `# source:` or `# assumption:` beside each line.

Read from the TOML text itself (comments are not part of the parsed data): every
`key = value` line, and every item line of a multi-line array, gets its dotted path
and the comment that follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")
ASSIGN = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=\s*(.*)$")
NAME = re.compile(r'name\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class Entry:
    """One parameter line: its dotted path, kind ('source', 'assumption' or 'missing'), text."""

    path: str
    kind: str
    text: str


def _split(line: str) -> tuple[str, str]:
    """A TOML line as (code, comment), ignoring '#' inside double-quoted strings."""
    in_str = False
    for k, ch in enumerate(line):
        if ch == '"' and (k == 0 or line[k - 1] != "\\"):
            in_str = not in_str
        elif ch == "#" and not in_str:
            return line[:k].strip(), line[k + 1:].strip()
    return line.strip(), ""


def _code(line: str) -> str:
    """A TOML line without its comment."""
    return _split(line)[0]


def _comment(line: str) -> str:
    """The comment of a TOML line."""
    return _split(line)[1]


def _classify(path: str, comment: str) -> Entry:
    """Turn a comment into a provenance entry."""
    for kind in ("source", "assumption"):
        low = comment.lower()
        if low == kind or low.startswith(kind + ":"):
            return Entry(path, kind, comment[len(kind) + 1:].strip())
    return Entry(path, "missing", comment)


def entries(path: str | Path) -> list[Entry]:
    """Provenance of every parameter line in a scenario file, in file order.

    A file that extends another (`extends = "<file>"`) has the other's entries for what it does not set itself.
    """
    own = _lines(path)
    base = _extends(path)
    if base is not None:
        mine = {e.path for e in own}
        own = [e for e in entries(Path(path).parent / base) if e.path not in mine] + own
    return own + _inherited(path, own)


def _extends(path: str | Path) -> str | None:
    """The scenario file a file extends, if it names one."""
    from sim.scenario import ScenarioError, read_toml

    try:
        base = read_toml(path, ScenarioError).get("extends")
    except ScenarioError:
        return None  # a file that does not load has its errors reported by loading it
    return base if isinstance(base, str) else None


def _lines(path: str | Path) -> list[Entry]:
    """Provenance of the parameter lines written in the file itself."""
    table = ""
    out: list[Entry] = []
    array_key = None
    item = 0
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        code = _code(raw)
        if not code:
            continue
        if array_key is not None:
            if code.startswith("]"):
                array_key = None
                continue
            label = NAME.search(code)
            out.append(_classify(f"{array_key}[{label.group(1) if label else item}]", _comment(raw)))
            item += 1
            if code.endswith("]") and not code.endswith("}]") and code.count("[") < code.count("]"):
                array_key = None
            continue
        header = HEADER.match(raw)
        if header:
            table = header.group(1)
            continue
        if table.split(".")[0] in ("assumptions", "changes"):  # claims under test and scheduled policy, not parameters
            continue
        assign = ASSIGN.match(raw)
        if not assign:
            continue
        key = f"{table}.{assign.group(1)}" if table else assign.group(1)
        if table.startswith("designs.") and assign.group(1) == "base":  # not a parameter: where the rest comes from
            continue
        if not table and assign.group(1) == "extends":  # not a parameter: the file the rest comes from
            continue
        if _code(assign.group(2)) == "[":
            array_key, item = key, 0
            continue
        out.append(_classify(key, _comment(raw)))
    return out


def _inherited(path: str | Path, written: list[Entry]) -> list[Entry]:
    """Entries of the design values a design takes from its base: the base line's source, noting where it is."""
    from sim.scenario import OWN_KEYS, ScenarioError, design_bases, read_scenario

    try:
        designs = read_scenario(path).get("designs", {})
        chains = design_bases(designs) if isinstance(designs, dict) else {}
    except (ScenarioError, ValueError):
        return []  # a file that does not load has its errors reported by loading it
    by_path = {e.path: e for e in written}
    out = []
    for name, chain in chains.items():
        keys = {k for d in chain for k in designs[d] if k != "base" and k not in OWN_KEYS}
        for key in sorted(keys - set(designs[name])):
            source = next(d for d in chain if key in designs[d])
            base = by_path.get(f"designs.{source}.{key}")
            if base is not None and f"designs.{name}.{key}" not in by_path:
                out.append(Entry(f"designs.{name}.{key}", base.kind, f"{base.text} (from designs.{source})"))
    return out
