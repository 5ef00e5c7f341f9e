"""Scenario validation: shipped files load; bad files give one clear line per problem."""

import math
import tomllib

import pytest

from sim.cli import main
from sim.scenario import ScenarioError, canonical_json, load, parse, scenario_hash

from .conftest import ROOT, SCENARIOS


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_validate(path):
    sc = load(path)
    assert sc.population > 0
    assert sc.meta.design in sc.designs


def test_three_profiles_have_the_promised_sizes():
    sizes = {p.stem: (load(p).population, len(load(p).neighbourhoods)) for p in SCENARIOS}
    assert 12_000 <= sizes["kleindorp"][0] <= 18_000
    assert 90_000 <= sizes["middenstad"][0] <= 110_000 and sizes["middenstad"][1] >= 6
    assert 550_000 <= sizes["grootstad"][0] <= 650_000 and sizes["grootstad"][1] == 40


def _data():
    return tomllib.loads((ROOT / "scenarios" / "kleindorp.toml").read_text())


def _problems(data) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse(data, "bad.toml")
    return info.value.problems


def test_out_of_range_share_names_file_field_value_and_range():
    data = _data()
    data["designs"]["integraal"]["outreach_share"] = 1.5
    (line,) = _problems(data)
    assert line.startswith("bad.toml: designs.integraal.outreach_share: 1.5:")
    assert "[0.0, 1.0]" in line


def test_nan_and_unknown_keys_and_missing_fields_are_each_reported():
    data = _data()
    data["signals"]["self_report_per_week"] = math.nan
    data["informal"]["surprise"] = 1
    del data["costs"]["crisis_cost"]
    lines = _problems(data)
    assert len(lines) == 3
    assert any("signals.self_report_per_week" in ln and "finite" in ln for ln in lines)
    assert any("informal.surprise" in ln and "Extra inputs" in ln for ln in lines)
    assert any("costs.crisis_cost: missing" in ln for ln in lines)


def test_item_ranges_inside_lists_are_checked():
    data = _data()
    data["problems"]["youth"]["onset_per_1000_per_year"][0] = -3.0
    (line,) = _problems(data)
    assert "problems.youth.onset_per_1000_per_year[0]" in line
    assert "[0.0, 1000.0]" in line


def test_age_shares_must_sum_to_one():
    data = _data()
    data["neighbourhoods"][0]["age_shares"] = [0.5, 0.5, 0.5, 0.0, 0.0]
    (line,) = _problems(data)
    assert "neighbourhoods[0]" in line and "sum to 1.5" in line


def test_bad_file_exits_2_without_traceback_and_writes_nothing(tmp_path, capsys):
    text = (ROOT / "scenarios" / "kleindorp.toml").read_text().replace(
        "caseload_cap = 30", "caseload_cap = -4")
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    out = tmp_path / "out"
    assert main(["run", str(bad), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: designs.integraal.caseload_cap: -4:" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_not_toml_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text("this is = = not toml")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load(bad)


def test_hash_ignores_comments_and_layout(tmp_path, rural):
    text = (ROOT / "scenarios" / "kleindorp.toml").read_text()
    stripped = "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))
    copy = tmp_path / "copy.toml"
    copy.write_text(stripped.replace("weeks = 260  # assumption: five recorded years", "weeks = 260"))
    assert scenario_hash(load(copy)) == scenario_hash(rural)
    assert canonical_json(load(copy)) == canonical_json(rural)


def test_unknown_override_paths_and_repeated_names_are_clear_errors(rural):
    from sim.scenario import with_overrides

    with pytest.raises(ScenarioError, match="designs.integraal.nope: not a parameter"):
        with_overrides(rural, **{"designs.integraal.nope": 1})
    data = _data()
    data["neighbourhoods"][1]["name"] = data["neighbourhoods"][0]["name"]
    (line,) = _problems(data)
    assert "neighbourhood names must be unique" in line


def test_dotted_paths_reach_into_tables_and_list_items_and_never_add_keys():
    from sim.dotted import assign, field_info, lookup
    from sim.scenario import Scenario

    data = {"designs": {"a": {"fte": 1.0}}, "assumptions": [{"size": 0.1}, {"size": 0.2}]}
    assert lookup(data, "designs.a.fte") == 1.0 and lookup(data, "assumptions.1.size") == 0.2
    assign(data, "assumptions.0.size", 0.5)
    assert data["assumptions"][0]["size"] == 0.5
    for missing in ("designs.b.fte", "designs.a.fte.x", "assumptions.2.size", "assumptions.x.size", "designs.a.new"):
        with pytest.raises(KeyError, match=missing):
            assign(data, missing, 1.0)
    assert lookup(data, "designs.a") == {"fte": 1.0}  # nothing was added
    assert field_info(Scenario, "designs.integraal.fte_per_10k").metadata
    assert field_info(Scenario, ("assumptions", 0, "size")) is not None and field_info(Scenario, "nope") is None


def test_a_split_team_without_minors_keeps_its_hours(rural):
    from sim.run import simulate
    from sim.scenario import with_overrides

    from .conftest import shrink

    data = shrink(rural, 0.05, weeks=3, burn_in=1).model_dump(mode="json")
    data["neighbourhoods"][0]["age_shares"] = [0.0, 0.1, 0.6, 0.2, 0.1]
    sc = with_overrides(parse(data))
    totals = simulate(sc, design="gesplitst").by_neighbourhood
    assert totals["hours_contracted"].notna().all()
    expected = sc.designs["gesplitst"].fte_per_10k * sc.population / 10_000 * sc.designs["gesplitst"].hours_per_fte
    assert totals.groupby("week")["hours_contracted"].sum().iloc[0] == pytest.approx(expected, rel=0.01)


def test_a_design_takes_its_base_and_lists_only_what_differs(tmp_path):
    data = _data()
    data["designs"]["ons-team"] = {"base": "outreach", "description": "Our team, with a signalling network",
                                   "signalling_network": True}
    sc = parse(data)
    ours, outreach, integral = sc.designs["ons-team"], sc.designs["outreach"], sc.designs["integraal"]
    assert ours.signalling_network and not outreach.signalling_network
    assert ours.outreach_share == outreach.outreach_share != integral.outreach_share  # through two bases
    assert ours.description == "Our team, with a signalling network" and "base" not in ours.model_dump()
    del data["designs"]["ons-team"]["description"]  # a description is a design's own, never inherited
    assert any("designs.ons-team.description" in line for line in _problems(data))


def test_an_unknown_base_or_a_cycle_is_refused_naming_both_designs():
    data = _data()
    data["designs"]["a"] = {"base": "nope", "description": "x"}
    (line,) = _problems(data)
    assert line.startswith("bad.toml: designs.a.base 'nope' is not a design; allowed:") and "integraal" in line
    data["designs"]["a"] = {"base": "b", "description": "x"}
    data["designs"]["b"] = {"base": "a", "description": "y"}
    assert "bad.toml: designs.a.base: a cycle: a -> b -> a" in _problems(data)


def test_inherited_values_carry_their_base_line_provenance():
    from sim.provenance import entries

    rows = {e.path: e for e in entries(ROOT / "scenarios" / "middenstad.toml")}
    written, inherited = rows["designs.integraal.caseload_cap"], rows["designs.outreach.caseload_cap"]
    assert inherited.kind == written.kind and inherited.text == f"{written.text} (from designs.integraal)"
    assert "designs.outreach.base" not in rows and rows["designs.outreach.outreach_share"].text.startswith("a team")


def test_a_file_that_extends_another_is_that_file_with_its_own_values_over_it(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text((ROOT / "scenarios" / "kleindorp.toml").read_text())
    (tmp_path / "variant.toml").write_text('extends = "base.toml"\n[meta]\nweeks = 100\n'
                                           '[designs.integraal]\nfte_per_10k = 7.0\n')
    variant, whole = load(tmp_path / "variant.toml"), load(base)
    assert variant.meta.weeks == 100 and variant.meta.name == whole.meta.name
    assert variant.designs["integraal"].fte_per_10k == 7.0
    assert variant.designs["integraal"].caseload_cap == whole.designs["integraal"].caseload_cap
    assert variant.assumptions == whole.assumptions  # arrays of tables not given stay the base's


@pytest.mark.parametrize(("text", "expected"), [
    ('extends = "variant.toml"\n', "a cycle: "),
    ('extends = "missing.toml"\n', "missing.toml: file not found"),
    ("extends = 3\n", "extends 3: allowed: the name of another scenario file (.toml) beside it"),
])
def test_a_bad_extends_is_refused_with_the_file(tmp_path, text, expected):
    path = tmp_path / "variant.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load(path)
    assert expected in err.value.problems[0]


def test_an_extending_file_without_the_file_beside_it_is_refused_as_such():
    with pytest.raises(ScenarioError, match="only a scenario file read beside the file it names may extend it"):
        parse(tomllib.loads('extends = "middenstad.toml"\n'), "upload.toml")
