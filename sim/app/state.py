"""The page's state as its URL query: profile, designs, replications, language, every changed value.

A reload, a bookmark or a link sent to a colleague opens the same comparison. The query is
user input: only known names are read, values are parsed as numbers (never evaluated), and
each changed value is validated against the scenario schema before it is used; what cannot
be used is reported, the rest is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from sim.app.params import RUN_PATHS, Slider, all_sliders
from sim.scenario import Scenario, ScenarioError, with_overrides

LANGS = ("nl", "en")
FIXED = ("lang", "profile", "a", "b", "reps")  # the query's own names; every other name is a dotted path


@dataclass(frozen=True)
class PageState:
    """What a page shows: language, profile, the two designs, replications and changed values."""

    lang: str
    profile: str
    design_a: str
    design_b: str
    replications: int
    overrides: dict[str, float | int] = field(default_factory=dict)

    def query(self) -> str:
        """The state as a URL query string (changed values in a stable order)."""
        pairs = [("lang", self.lang), ("profile", self.profile), ("a", self.design_a), ("b", self.design_b),
                 ("reps", str(self.replications))]
        pairs += [(path, _number(value)) for path, value in sorted(self.overrides.items())]
        return urlencode(pairs)


def _number(value: float | int) -> str:
    """A value as the query writes it: integers without a decimal point, floats in full precision."""
    return str(value) if isinstance(value, int) else repr(float(value))


def settable(scenario: Scenario) -> dict[str, Slider | None]:
    """The dotted paths a page may change in this scenario: every slider's, and the run length's (no slider)."""
    return {**{s.path: s for s in all_sliders(scenario)}, **dict.fromkeys(RUN_PATHS)}


def parse_query(search: str, profiles: list[str], load, max_replications: int) -> tuple[PageState | None, list[str]]:
    """The page state a URL query asks for, and what in it could not be used (None: no usable profile).

    `load(profile)` gives the profile's scenario. Designs that the profile lacks, unknown names and
    values the schema refuses are reported and left out; the rest of the query still applies.
    """
    items = dict(parse_qsl(search or "", keep_blank_values=True))
    problems: list[str] = []
    profile = items.get("profile", "")
    if profile not in profiles:
        return None, [f"URL: profile={profile!r}: not a shipped profile; allowed: {', '.join(profiles)}"]
    scenario: Scenario = load(profile)
    lang = items.get("lang", "nl")
    if lang not in LANGS:
        problems.append(f"URL: lang={lang!r}: allowed: {', '.join(LANGS)}")
        lang = "nl"
    designs = list(scenario.designs)
    picked = []
    for key, default in (("a", designs[0]), ("b", designs[min(1, len(designs) - 1)])):
        name = items.get(key, default)
        if name not in scenario.designs:
            problems.append(f"URL: {key}={name!r}: not a design of {profile}; allowed: {', '.join(designs)}")
            name = default
        picked.append(name)
    replications = _replications(items.get("reps", "3"), max_replications, problems)
    overrides = _overrides({k: v for k, v in items.items() if k not in FIXED}, scenario, problems)
    return PageState(lang, profile, picked[0], picked[1], replications, overrides), problems


def _replications(text: str, most: int, problems: list[str]) -> int:
    """Replications from the query, within 1..most (3 when unusable)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= most:
        problems.append(f"URL: reps={text!r}: allowed range 1-{most}")
        return 3
    return value


def _overrides(items: dict[str, str], scenario: Scenario, problems: list[str]) -> dict[str, float | int]:
    """The changed values of the query that name a settable path and that the schema accepts."""
    allowed = settable(scenario)
    out: dict[str, float | int] = {}
    for path, text in items.items():
        if path not in allowed:
            problems.append(f"URL: {path}: not a setting the workshop changes")
            continue
        slider = allowed[path]
        value = _parse_number(text, slider.integer if slider is not None else True)  # run length, seed: integers
        if value is None:
            problems.append(f"URL: {path}={text!r}: not a number")
            continue
        try:
            with_overrides(scenario, **{path: value})
        except ScenarioError as err:
            problems += [f"URL: {p.removeprefix('<overrides>: ')}" for p in err.problems]
            continue
        out[path] = value
    return out


def _parse_number(text: str, integer: bool) -> float | int | None:
    """A finite number from query text (an integer where the field is one); None if it is not one."""
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
