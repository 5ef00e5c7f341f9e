"""The shipped files, mutated at random (Hypothesis): each reader accepts them or refuses them in lines naming a file.

A mutation replaces one value with another of any kind (a number out of range, text, a boolean,
an array, an inline table, nothing), deletes or doubles a line, or cuts the file short. Whatever
comes out, `wijkteam designs` exits 0 or 2, never with a traceback, and every problem line names
the file; the targets reader and the app's upload check raise their one input-error type or
accept the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.app.profiles import from_upload
from sim.calibrate.targets import load_targets
from sim.cli import main
from sim.errors import ProblemsError
from sim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [ROOT / "scenarios" / f"{name}.toml" for name in ("kleindorp", "middenstad", "queue-only")]
TARGETS = ROOT / "scenarios" / "targets-nl.toml"
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VALUE_LINE = re.compile(r"^(\s*[\w\"\-.]+\s*=\s*)(.+?)(\s*#.*)?$")

values = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["true", "false", '""', '"x"', "[]", "[1, 2]", "{}", "{a = 1}", "-1", "0", "1e309", "1e-400",
                     '"\\u0000"', "[[1]]", "''", "nan", "-inf", "2026-12-04"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12).map(
        lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'),
    st.text(max_size=6),  # not TOML at all
)


@st.composite
def mutated(draw, text: str) -> str:
    """The text with one mutation: a value replaced, a line deleted or doubled, or the file cut short."""
    lines = text.splitlines()
    kind = draw(st.sampled_from(["value", "value", "value", "delete", "double", "cut"]))
    if kind == "cut":
        return text[: draw(st.integers(0, len(text)))]
    k = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        return "\n".join(lines[:k] + lines[k + 1:])
    if kind == "double":
        return "\n".join(lines[: k + 1] + lines[k:])
    candidates = [i for i, ln in enumerate(lines) if VALUE_LINE.match(ln) and not ln.lstrip().startswith("#")]
    i = draw(st.sampled_from(candidates))
    head, _, comment = VALUE_LINE.match(lines[i]).groups()
    lines[i] = head + draw(values) + (comment or "")
    return "\n".join(lines)


def _refused_in_lines_naming(path: Path, err: str) -> None:
    """Exit 2's output: no traceback, and every line names the file."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines and all(line.startswith(str(path)) for line in lines), lines


@pytest.mark.parametrize("shipped", SCENARIOS, ids=lambda p: p.stem)
@SETTINGS
@given(data=st.data())
def test_a_mutated_scenario_is_read_or_refused_in_lines_naming_it(tmp_path, capsys, shipped, data):
    path = tmp_path / shipped.name
    path.write_text(data.draw(mutated(shipped.read_text(encoding="utf-8"))), encoding="utf-8")
    code = main(["designs", str(path)])
    out = capsys.readouterr()
    assert code in (0, 2), out.err
    if code == 2:
        _refused_in_lines_naming(path, out.err)
    try:  # the app's upload check reads the same text to the same verdict
        from_upload(path.name, path.read_bytes())
        assert code == 0
    except ScenarioError as err:
        assert code == 2 and all(line.startswith(path.name) for line in err.problems)


@SETTINGS
@given(data=st.data())
def test_a_mutated_targets_file_is_read_or_refused_in_lines_naming_it(tmp_path, data):
    path = tmp_path / TARGETS.name
    path.write_text(data.draw(mutated(TARGETS.read_text(encoding="utf-8"))), encoding="utf-8")
    try:
        load_targets(path)
    except ProblemsError as err:
        assert err.problems and all(line.startswith(str(path)) for line in err.problems), err.problems


EXPERIMENT = ROOT / "experiments" / "morris-kleindorp.toml"


@SETTINGS
@given(data=st.data())
def test_a_mutated_experiment_is_read_or_refused_in_lines_naming_a_file(tmp_path, data):
    """What `sweep` reads before it plans: the file, its base scenario, its parameters, its size."""
    from sim import preflight
    from sim.sweep.experiment import base_scenario, check_parameters, load_experiment, planned_runs

    path = tmp_path / EXPERIMENT.name
    text = EXPERIMENT.read_text(encoding="utf-8").replace('"../scenarios/', f'"{ROOT}/scenarios/')
    path.write_text(data.draw(mutated(text)), encoding="utf-8")
    try:
        exp, where = load_experiment(path)
        base = base_scenario(exp, where)
        problems = check_parameters(exp, base, where)
        if not problems:
            preflight.check_count(planned_runs(exp, base), confirmed=False)
    except ProblemsError as err:
        problems = err.problems
    assert all(line.startswith((str(path), str(ROOT / "scenarios"), "--")) or "runs" in line
               for line in problems), problems
