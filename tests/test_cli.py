"""The `wijkteam` command end to end: run writes the output contract; listing commands work."""

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from sim.cli import main
from sim.scenario import load, scenario_hash
from sim.tables import SCHEMA_VERSION

from .conftest import ROOT


def _small_file(tmp_path, small):
    """Write the small scenario as TOML for the CLI (tomllib reads what this writes)."""
    import tomli_w

    path = tmp_path / "small.toml"
    path.write_text(tomli_w.dumps(small.model_dump(mode="json", exclude_none=True)))
    return path


def test_run_writes_tables_with_units_and_a_manifest(tmp_path, small, capsys):
    scen = _small_file(tmp_path, small)
    out = tmp_path / "out"
    assert main(["run", str(scen), "--out", str(out), "--quiet", "--weeks", "20", "--seed", "5"]) == 0
    printed = capsys.readouterr().out
    assert f"Results written to {out}" in printed and "wait to intake" in printed
    for name in ("neighbourhood_weekly", "weekly_totals", "cases", "summary"):
        table = pq.read_table(out / f"{name}.parquet")
        meta = table.schema.metadata
        assert meta[b"wijkteam_schema_version"].decode() == SCHEMA_VERSION
        assert all(f.metadata and f.metadata[b"unit"] for f in table.schema)
    totals = pq.read_table(out / "weekly_totals.parquet").to_pandas()
    assert len(totals) == 20
    summ = pq.read_table(out / "summary.parquet").to_pandas().set_index("outcome")
    crises = totals["crises"].sum()
    assert summ.loc["crises", "total"] == crises
    res = totals["residents"].iloc[0]
    assert summ.loc["crises", "per_1000_residents_per_year"] == pytest.approx(crises / res * 1000 * 52 / 20)
    man = json.loads((out / "manifest.json").read_text())
    assert man["seed"] == 5
    assert man["scenario_sha256"] == scenario_hash(load(scen).model_copy(
        update={"meta": load(scen).meta.model_copy(update={"weeks": 20})}))
    assert man["packages"]["mesa"] == "3.5.1"
    assert len(man["git_revision"]) in (40, 7) or man["git_revision"] == "unknown"
    assert not list(out.glob("*.tmp"))


def test_unknown_design_is_refused(tmp_path, small, capsys):
    scen = _small_file(tmp_path, small)
    assert main(["run", str(scen), "--design", "nope", "--quiet", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--design 'nope': not a design; allowed: " in err and "integraal" in err


def test_scenarios_and_provenance_commands(capsys):
    assert main(["scenarios"]) == 0
    listing = capsys.readouterr().out
    assert "middenstad.toml" in listing and "kleindorp.toml" in listing and "grootstad.toml" in listing
    assert main(["provenance", str(ROOT / "scenarios" / "middenstad.toml")]) == 0
    prov = capsys.readouterr().out
    assert "designs.integraal.caseload_cap" in prov and "0 without provenance" in prov


def test_python_dash_m_sim_is_the_same_command():
    done = subprocess.run([sys.executable, "-m", "sim", "scenarios"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0 and "middenstad.toml" in done.stdout


def test_docs_outputs_names_every_column(small):
    from sim.run import simulate

    doc = (ROOT / "docs" / "outputs.md").read_text()
    r = simulate(small.model_copy(update={"meta": small.meta.model_copy(update={"weeks": 2})}))
    generic = {"prevalence_", "onsets_", "signals_", "referrals_", "waiting_", "in_treatment_", "granted_",
               "provisions_", "journey_", "admissions_", "mean_wait_", "cost_"}
    for col in list(r.by_neighbourhood.columns) + list(r.totals.columns) + list(r.cases.columns):
        prefix = next((g for g in generic if col.startswith(g)), None)
        assert f"`{col}`" in doc or (prefix and f"`{prefix}<" in doc), col


def test_set_gives_a_command_its_own_values_and_refuses_bad_ones_by_name(tmp_path, small, capsys):
    scen = _small_file(tmp_path, small)
    out = tmp_path / "set"
    assert main(["run", str(scen), "--out", str(out), "--quiet", "--weeks", "8", "--set",
                 "designs.integraal.fte_per_10k=6.5", "--set", "signals.self_report_per_week=0.02"]) == 0
    man = json.loads((out / "manifest.json").read_text())
    assert man["scenario"]["designs"]["integraal"]["fte_per_10k"] == 6.5
    assert man["scenario"]["signals"]["self_report_per_week"] == 0.02
    capsys.readouterr()
    for bad, expected in (("designs.integraal.fte_per_10k=900", "--set: designs.integraal.fte_per_10k: 900"),
                          ("nothing", "--set 'nothing': allowed: PATH=VALUE"),
                          ("designs.nope.fte_per_10k=3", "--set: designs.nope.fte_per_10k: not a parameter")):
        assert main(["compare", str(scen), "--designs", "integraal,outreach", "--set", bad, "--quiet",
                     "--out", str(tmp_path / "c")]) == 2
        assert expected in capsys.readouterr().err, bad
    assert not (tmp_path / "c").exists()
