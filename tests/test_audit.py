"""The beleidstafel audit: verdict rules, shipped assumptions, and the command end to end."""

import numpy as np
import pandas as pd
import pytest

from sim import audit
from sim.cli import main
from sim.scenario import Assumption, ScenarioError, load, with_overrides

from .conftest import ROOT, shrink


def _assumption(direction="decrease", size=0.1, kind="relative"):
    return Assumption(id="a", statement_nl="nl", statement_en="en", metric="crises", design="x", baseline="y",
                      direction=direction, size=size, size_kind=kind, intermediates=[])


@pytest.mark.parametrize("mean,low,high,expected", [
    (-0.20, -0.30, -0.12, "holds"),         # excludes 0 on the expected side, reaches the size
    (-0.08, -0.15, -0.02, "inconclusive"),  # right side, but the estimate is short of the size
    (-0.04, -0.08, -0.01, "fails"),         # wholly short of the expected size
    (+0.10, +0.02, +0.18, "fails"),         # excludes 0 on the other side
    (-0.05, -0.20, +0.10, "inconclusive"),  # interval holds 0 and reaches the size
])
def test_verdicts_follow_the_interval(mean, low, high, expected):
    assert audit.verdict(_assumption(), mean, low, high) == expected


def test_increase_mirrors_decrease():
    assert audit.verdict(_assumption("increase"), 0.2, 0.12, 0.3) == "holds"
    assert audit.verdict(_assumption("increase"), -0.1, -0.18, -0.02) == "fails"


def test_relative_effect_is_paired_and_scaled_by_the_baseline():
    base = np.array([10.0, 12.0, 8.0, 10.0])
    design = base * 0.8
    mean, low, high = audit.effect_interval(design, base, relative=True)
    assert mean == pytest.approx(-0.2)
    assert low <= mean <= high


@pytest.mark.parametrize("name", ["middenstad", "kleindorp"])
def test_shipped_scenarios_state_the_five_domain_assumptions(name):
    sc = load(ROOT / "scenarios" / f"{name}.toml")
    metrics = {a.metric for a in sc.assumptions}
    assert {"onset_to_contact_weeks", "informal_share", "professionals_per_multiproblem_household", "crises",
            "cost_per_resident"} <= metrics
    assert audit.check(sc, name) == []


def test_assumptions_must_name_designs_and_outcomes():
    sc = load(ROOT / "scenarios" / "kleindorp.toml")
    with pytest.raises(ScenarioError, match=r"assumptions\[0\].design 'nope' is not a design"):
        with_overrides(sc, **{"assumptions.0.design": "nope"})
    bad = with_overrides(sc, **{"assumptions.0.metric": "happiness"})
    assert audit.check(bad, "f.toml") == ["f.toml: assumptions[0].metric: 'happiness' is not an outcome "
                                          "(see docs/outputs.md)"]


def test_audit_command_writes_verdicts(tmp_path, capsys):
    import tomli_w

    small = shrink(load(ROOT / "scenarios" / "kleindorp.toml"), 1 / 3, weeks=52, burn_in=52)
    path = tmp_path / "k.toml"
    path.write_text(tomli_w.dumps(small.model_dump(mode="json", exclude_none=True)))
    out = tmp_path / "audit"
    assert main(["audit", str(path), "--replications", "4", "--workers", "0", "--quiet", "--out", str(out),
                 "--lang", "nl"]) == 0
    table = pd.read_parquet(out / "audit.parquet")
    assert list(table["id"]) == [a.id for a in small.assumptions]
    assert set(table["verdict"]) <= {"holds", "fails", "inconclusive"}
    assert (table["effect_low"] <= table["effect"]).all() and (table["effect"] <= table["effect_high"]).all()
    assert table["changed_most"].str.contains("->").all()
    text = (out / "audit.md").read_text()
    assert "Preventie voorkomt crises" in text
