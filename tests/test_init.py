"""`wijkteam init`: a scenario from a CBS neighbourhood table; bad tables named by file, row and column."""

import re

import pytest

from sim.cbs_init import InitError, neighbourhoods
from sim.cli import main
from sim.scenario import load

from .conftest import ROOT

EXAMPLE = ROOT / "scenarios" / "example-wijken.csv"


def _csv(tmp_path, old: str, new: str):
    """The example CSV with one text replaced."""
    path = tmp_path / "wijken.csv"
    text = EXAMPLE.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(("old", "new", "expected"), [
    (",p_hh_li,", ",laag_inkomen,", r"missing columns: p_hh_li; required: gwb_code"),
    ("1.7,13.1,", "1.7,113.1,", r"row 5 \(Binnenstad\): p_hh_li: 113.1: share above 100 %"),
    ("Noordwijk,Voorbeeldstad,Wijk,7400,1280", "Noordwijk,Voorbeeldstad,Wijk,7400,-1280",
     r"row 6 \(Noordwijk\): a_00_14: -1280: negative count"),
    ("Het Veld,Voorbeeldstad,Wijk,5900", "Het Veld,Voorbeeldstad,Wijk,.", r"row 7 \(Het Veld\): a_inw: missing"),
    ("Wijk,7400,1280", "Wijk,inf,1280", r"row 6 \(Noordwijk\): a_inw: 'inf': not a whole number"),
    ("Wijk,7400,1280", "Wijk,7400.5,1280", r"row 6 \(Noordwijk\): a_inw: '7400.5': not a whole number"),
    ("Wijk,7400,1280,830,1850,2120,1320", "Wijk,20,0,0,0,0,0", r"row 6 \(Noordwijk\): a_00_14..a_65_oo: all 0"),
])
def test_bad_neighbourhood_tables_name_file_row_and_column(tmp_path, capsys, old, new, expected):
    path = _csv(tmp_path, old, new)
    with pytest.raises(InitError) as err:
        neighbourhoods(path)
    assert any(re.search(expected, line) and line.startswith(str(path)) for line in err.value.problems)
    assert main(["init", "--from", str(path), "--name", "X", "--out", str(tmp_path / "x.toml")]) == 2
    assert not (tmp_path / "x.toml").exists() and re.search(expected, capsys.readouterr().err)


def test_init_builds_a_scenario_that_loads_and_runs(tmp_path):
    out = tmp_path / "voorbeeldstad.toml"
    assert main(["init", "--from", str(EXAMPLE), "--name", "Voorbeeldstad", "--out", str(out)]) == 0
    sc = load(out)
    assert [n.name for n in sc.neighbourhoods] == ["Binnenstad", "Noordwijk", "Het Veld", "Oude Haven"]
    binnenstad = sc.neighbourhoods[0]
    # 0-17 = a_00_14 + 3/10 of a_15_24; 65+ split 55/45 (documented rule)
    assert binnenstad.residents == 6100 and binnenstad.age_shares[0] == pytest.approx((640 + 306) / 6100, abs=2e-3)
    assert binnenstad.age_shares[3] + binnenstad.age_shares[4] == pytest.approx(1010 / 6100, abs=2e-3)
    assert binnenstad.low_income_share == pytest.approx(0.131)
    assert main(["provenance", str(out)]) == 0
    assert main(["run", str(out), "--weeks", "4", "--quiet", "--out", str(tmp_path / "run")]) == 0


def test_a_bad_name_is_refused_with_exit_status_2(tmp_path, capsys):
    assert main(["init", "--from", str(EXAMPLE), "--name", " ", "--out", str(tmp_path / "x.toml")]) == 2
    assert "--name ' ': allowed: 1-80 printable characters" in capsys.readouterr().err
    assert not (tmp_path / "x.toml").exists()


def test_dutch_thousands_points_in_counts_are_read_as_thousands(tmp_path):
    path = _csv(tmp_path, "Wijk,7400,1280,830,1850,2120,1320,3220,", "Wijk,7.400,1.280,830,1.850,2.120,1.320,3.220,")
    by_name = {n["name"]: n for n, _ in neighbourhoods(path)}
    assert by_name["Noordwijk"]["residents"] == 7400
    assert by_name["Noordwijk"] == {n["name"]: n for n, _ in neighbourhoods(EXAMPLE)}["Noordwijk"]
