"""Every parameter of every shipped scenario carries a source or the word assumption."""

import pytest

from sim.provenance import entries
from sim.scenario import load

from .conftest import SCENARIOS


def _leaves(obj, prefix=""):
    """Dotted paths of the scenario's leaf values (lists of numbers count as one leaf)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("assumptions", "changes") and not prefix:  # claims under test, scheduled policy: not parameters
                continue
            yield from _leaves(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(obj, list) and obj and isinstance(obj[0], dict):
        for item in obj:
            yield f"{prefix}[{item['name']}]"
    else:
        yield prefix


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_parameter_line_has_provenance(path):
    rows = entries(path)
    missing = [e.path for e in rows if e.kind == "missing"]
    assert missing == []


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_provenance_covers_every_resolved_parameter(path):
    paths = {e.path for e in entries(path)}
    leaves = set(_leaves(load(path).model_dump(mode="json", exclude_none=True)))  # unset optional texts are no lines
    assert leaves - paths == set()


def test_sourced_values_name_their_source():
    rows = [e for p in SCENARIOS for e in entries(p) if e.kind == "source"]
    assert rows and all(len(e.text) > 10 for e in rows)


def test_parser_reads_arrays_that_close_on_their_last_item(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('x = [  # assumption: a "quoted" list\n  1.0,  # source: one\n  2.0 ]  # source: two\n'
                    'y = 3  # assumption: after\n[t]\nz = "a # not a comment"  # nothing here\n')
    rows = {e.path: e for e in entries(path)}
    assert rows["x[0]"].kind == rows["x[1]"].kind == "source"
    assert rows["y"].kind == "assumption"
    assert rows["t.z"].kind == "missing"
