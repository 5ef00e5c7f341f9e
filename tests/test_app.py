"""The workshop app's logic without a browser: sliders, profiles, uploads, and a streamed comparison."""

import re
from pathlib import Path

import pandas as pd
import pytest

from sim.app import session, worker
from sim.app.params import (
    OPEN_FACTOR,
    assumption_sliders,
    best_pair,
    change_sliders,
    design_sliders,
    field_bounds,
    scenario_sliders,
    undated,
)
from sim.app.profiles import (
    MAX_UPLOAD_BYTES,
    compared,
    from_upload,
    load_profile,
    profile_text,
    profiles,
    workshop_toml,
)
from sim.app.state import PageState, parse_query
from sim.scenario import ScenarioError, scenario_hash, with_overrides
from sim.sweep.models import wijkteam


def test_profiles_leave_out_the_queue_check():
    assert set(profiles()) == {"kleindorp", "middenstad", "grootstad", "middenstad-fusie", "kleindorp-extra-fte",
                               "kleindorp-vergrijzing"}
    with pytest.raises(ScenarioError, match="queue-only"):
        load_profile("queue-only")


@pytest.mark.parametrize("name", ["kleindorp", "middenstad"])
def test_sliders_span_the_schema_and_the_server_refuses_beyond(name):
    scenario = load_profile(name)
    pair = best_pair(scenario)
    sliders = scenario_sliders(scenario) + design_sliders(scenario, pair[0]) + assumption_sliders(scenario, pair)
    assert any(s.path.startswith("assumptions.") for s in sliders)
    for s in sliders:
        low, high, exclusive = field_bounds(s.path)
        assert s.low == (low + s.step if exclusive else low)
        assert s.high == (high if high < 1e6 else max(OPEN_FACTOR * s.value, 100 * s.step))
        assert s.low <= s.value <= s.high
        if high < 1e6:
            with pytest.raises(ScenarioError, match=s.path.rsplit(".", 1)[1]):
                with_overrides(scenario, **{s.path: high + s.step})
        changed = with_overrides(scenario, **{s.path: int(s.high) if s.integer else s.high})
        assert changed != scenario or s.high == s.value


def test_assumption_sliders_only_for_assumptions_between_the_chosen_designs(rural):
    pair = best_pair(rural)
    picked = [rural.assumptions[int(s.path.split(".")[1])] for s in assumption_sliders(rural, pair)]
    assert picked and all({a.design, a.baseline} == set(pair) for a in picked)
    assert assumption_sliders(rural, [pair[0], pair[0]]) == []


@pytest.mark.parametrize("name", ["kleindorp", "middenstad", "grootstad", "kleindorp-extra-fte"])
def test_workshop_scenario_reads_back_to_the_scenario_on_screen_with_every_comment(name):
    base = load_profile(name)
    pair = best_pair(base)
    weeks = 17 if not base.changes else 120
    changes = {"meta.weeks": weeks, f"designs.{pair[0]}.fte_per_10k": 7.5, f"designs.{pair[1]}.caseload_cap": 25,
               "residents.help_seeking_mean": 1.2, **({"assumptions.0.size": 0.3} if base.assumptions else {}),
               **({"changes.0.week": 30, "changes.0.value": 11.5} if base.changes else {})}
    if base.changes:  # the extra FTE from week 30 instead of the dated week 52, the assumption's window inside
        changes |= {"assumptions.0.window": [30, 82], "assumptions.0.baseline_window": [30, 82]}
    source = profile_text(name)
    written = workshop_toml(source, base, changes, pair, 4)
    back = from_upload(f"{name}.toml", written.encode())
    assert scenario_hash(back) == scenario_hash(with_overrides(base, **undated(changes)))
    # every provenance comment of the file is still there, and each change says it is one and what it replaced
    for note in re.findall(r"#\s*((?:source|assumption):[^\n]*)", source):
        assert note.strip() in written
    marked = [line for line in written.splitlines() if "in the workshop" in line]
    assert len([m for m in marked if "changed in the workshop" in m or "set in the workshop" in m]) == len(changes)
    assert "weeks = 17 # changed in the workshop (file: 260)" in written or name != "middenstad"
    assert "week = 30 # set in the workshop (inherited: 52), was dated 2028-01-03" in written or not base.changes
    assert compared(written) == (pair[0], pair[1], 4)
    assert compared(source) is None


def test_a_change_to_a_base_design_stays_with_that_design_in_the_file():
    base = load_profile("middenstad")
    inheriting = [d for d, spec in base.designs.items() if d != "integraal" and spec.fte_per_10k == 10.0]
    assert inheriting, "middenstad's designs build on integraal"
    written = workshop_toml(profile_text("middenstad"), base, {"designs.integraal.fte_per_10k": 8.0}, ["integraal",
                            inheriting[0]], 3)
    back = from_upload("m.toml", written.encode())
    assert back.designs["integraal"].fte_per_10k == 8.0
    assert all(back.designs[d].fte_per_10k == 10.0 for d in inheriting)
    assert "kept in the workshop (its base design was changed)" in written


def test_uploads_are_checked_and_errors_name_file_field_and_range(rural):
    good = profile_text("kleindorp")
    with pytest.raises(ScenarioError, match=r"evil\.py: not a \.toml file"):
        from_upload("evil.py", b"import os")
    with pytest.raises(ScenarioError, match="allowed at most"):
        from_upload("big.toml", b"#" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ScenarioError, match="not a UTF-8"):
        from_upload("bin.toml", b"\xff\xfe\x00")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        from_upload("broken.toml", b"[meta\nname = ")
    bad = re.sub(r"fte_per_10k = [0-9.]+", "fte_per_10k = -1.0", good, count=1)
    assert bad != good
    with pytest.raises(ScenarioError) as err:
        from_upload("bad.toml", bad.encode())
    assert any(line.startswith("bad.toml: designs.") and "fte_per_10k" in line and "allowed range (0.0, 200.0]"
               in line for line in err.value.problems)


@pytest.fixture(scope="module")
def pool(rural):
    """The app's process pool with one warmed worker."""
    worker.start(rural.model_dump(mode="json"), workers=1)
    yield
    worker.stop()


def test_comparison_streams_and_matches_the_run_engine(pool, rural, tmp_path):
    scenario = with_overrides(rural, **{"meta.weeks": 24, "meta.burn_in_weeks": 8})
    designs = best_pair(scenario)
    c = session.Comparison(1, scenario, designs, 2, tmp_path)
    seen = []
    session.run(c, lambda x, charts: seen.append((x.finished, charts)), lambda: True)
    assert c.finished and not c.error and seen[-1] == (True, True)
    assert any(charts for done, charts in seen[:-1]), "the charts redraw while the runs stream"
    # the first replication of each design streams its weeks so far: after week 1, every 8th and the last
    assert c.parts == len(designs) * len([w for w in range(1, 25) if w == 1 or w % worker.STREAM_EVERY == 0])
    series = c.series()
    assert series.groupby(["design", "replication"]).size().to_dict() == {
        (d, r): 24 for d in designs for r in range(2)}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["audit.parquet"] + [f"{d}-rep{r}" for d in designs for r in range(2)])
    # the app's runs are the run engine's runs: same seeds, same outcomes
    metrics = list(c.summaries[0])[2:]
    from sim import compare

    for spec in compare.plan(scenario, designs, 2):
        engine, _ = wijkteam(scenario.model_dump(mode="json"), spec.to_dict(), metrics)
        app = next(s for s in c.summaries if s["design"] == spec.design and s["replication"] == spec.replication)
        assert {m: app[m] for m in metrics} == pytest.approx(engine, nan_ok=True)
    assert list(c.audit["verdict"]) and set(c.audit["verdict"]) <= {"holds", "fails", "inconclusive"}
    assert len(c.audit) == len(assumption_sliders(scenario, designs))
    flows = c.mean_flows(designs[0])
    assert flows["value"].sum() > 0 and set(flows.columns) == {"source", "target", "value"}
    assert (c.grid[designs[0]]["neighbourhood_name"].tolist()
            == [n.name for n in scenario.neighbourhoods])
    assert isinstance(pd.read_parquet(tmp_path / "audit.parquet"), pd.DataFrame)


def test_a_cancelled_comparison_stops(pool, rural, tmp_path):
    c = session.Comparison(2, rural, best_pair(rural), 3, tmp_path)
    session.run(c, lambda *_: None, lambda: False)
    assert c.error == "cancelled" and not c.finished
    assert session.update_interval() == session.UPDATE_SECONDS  # a stopped comparison no longer counts


def test_pages_redraw_less_often_and_queue_first_come_while_comparisons_share_the_server():
    assert session.update_interval() == session.UPDATE_SECONDS  # nothing running here
    for key in (11, 12, 13):
        session._enter(key)
    try:
        assert session.update_interval() == 3 * session.UPDATE_SECONDS
        assert [session.ahead_of(k) for k in (11, 12, 13)] == [0, 1, 2]
        session._leave(11)
        assert [session.ahead_of(k) for k in (12, 13)] == [0, 1]
    finally:
        for key in (12, 13):
            session._leave(key)
    assert session.update_interval() == session.UPDATE_SECONDS


def test_a_queued_comparison_says_so_until_its_first_run_begins(rural, tmp_path):
    c = session.Comparison(1, rural, best_pair(rural), 1, tmp_path)
    assert c.waiting
    c.weeks_done = {"x/0": 0, "y/0": 4}
    assert not c.waiting
    assert "startgetal" in c.describe("nl") and "seed" in c.describe("en")


def test_audit_table_writes_numbers_and_expectations_in_the_page_language():
    from sim.app.page import audit_html

    rows = pd.DataFrame([{"size_kind": "relative", "statement_nl": "a", "statement_en": "a", "design": "x",
                          "baseline": "y", "expected": "-0.1 (relative)", "effect": -0.00712, "effect_low": -0.219,
                          "effect_high": 0.205, "verdict": "inconclusive"}])
    nl, en = audit_html(rows, "nl"), audit_html(rows, "en")
    assert "<td>-10,0%</td><td>-0,7% [-21,9%, +20,5%]</td>" in nl and "relative" not in nl
    assert "<td>-10.0%</td><td>-0.7% [-21.9%, +20.5%]</td>" in en


def test_the_url_keeps_the_page_and_refuses_what_it_cannot_use():
    names = list(profiles())
    state = PageState("en", "middenstad", "centraal", "netwerk", 2,
                      {"meta.seed": 5, "designs.netwerk.fte_per_10k": 9.5, "assumptions.0.size": 0.2})
    back, problems = parse_query(state.query(), names, load_profile, 5)
    assert back == state and problems == []
    bad = (f"{state.query()}&designs.x.y=1&meta.weeks=abc&residents.help_seeking_mean=99&reps=9&lang=fr"
           "&a=nope&meta.burn_in_weeks=__import__('os')")
    back, problems = parse_query(bad, names, load_profile, 5)
    assert (back.lang, back.design_a, back.replications) == ("nl", "integraal", 3)  # defaults where refused
    assert back.overrides == state.overrides  # what was valid is kept
    joined = "\n".join(problems)
    for part in ("designs.x.y: not a setting", "meta.weeks='abc': not a number", "help_seeking_mean",
                 "allowed range [0.0, 5.0]", "reps='9': allowed range 1-5", "lang='fr'", "a='nope'",
                 "meta.burn_in_weeks=\"__import__('os')\": not a number"):
        assert part in joined, part
    none, problems = parse_query("profile=atlantis", names, load_profile, 5)
    assert none is None and "not a shipped profile" in problems[0]


def test_change_sliders_move_a_change_within_the_run_and_its_value_within_its_field():
    base = load_profile("kleindorp-extra-fte")
    week, value = change_sliders(base)
    assert (week.path, week.low, week.high, week.value) == ("changes.0.week", 0, base.meta.weeks - 1, 52)
    assert (value.path, value.low, value.high) == ("changes.0.value", 0.5, 50.0)  # (0, 200], a hundred 0.5 steps
    moved = with_overrides(base, **undated({"changes.0.week": 104, "changes.0.value": 12.0}))
    assert moved.as_of(103).designs["uitbreiding"].fte_per_10k == base.designs["integraal"].fte_per_10k
    assert moved.as_of(104).designs["uitbreiding"].fte_per_10k == 12.0
    with pytest.raises(ScenarioError, match="disagree"):  # a week moved without its date would contradict it
        with_overrides(base, **{"changes.0.week": 104})
    assert [s.path for s in change_sliders(load_profile("middenstad-fusie"))] == ["changes.0.week"]  # a design name


def test_the_app_shows_the_series_outcome_before_and_from_each_change(small):
    from sim.app.page import change_html

    week = 20
    data = small.model_dump(mode="json", exclude_none=True)
    data["changes"] = [{"week": week, "path": "specialists.ggz.places_per_10k", "value": 0.0}]
    sc = type(small).model_validate(data)
    c = session.Comparison(1, sc, ["integraal", "outreach"], 2, Path("."))
    weeks = range(sc.meta.weeks)
    series = pd.DataFrame([{"design": d, "replication": r, "week": w, "waiting_ggz": float(w >= week) * (1 + r)}
                           for d in c.designs for r in (0, 1) for w in weeks])
    page = change_html(series, "waiting_ggz", c, "en")
    assert page.count("<tr>") == 2 and "<td>20</td><td>0.00 → 1.50</td><td>0.00 → 1.50</td>" in page, page


def test_a_changing_population_gives_the_page_its_population_series(rural, tmp_path):
    """With demography the page may also show the population and demand per head week by week; without, not."""
    from sim.run import simulate
    from sim.scenario import load

    from .conftest import shrink

    assert worker.series_of(rural) == worker.SERIES
    scenario = shrink(load(Path(__file__).resolve().parent.parent / "scenarios" / "kleindorp-vergrijzing.toml"),
                      0.2, weeks=104, burn_in=52)
    out = worker.run_design(scenario.model_dump(mode="json"), "integraal", 1, "integraal/0", str(tmp_path / "r"), [])
    assert list(out["weekly"].columns) == ["week", *worker.SERIES, *worker.POPULATION_SERIES]
    expected = simulate(scenario, design="integraal", seed=1).totals
    pd.testing.assert_frame_equal(out["weekly"][worker.POPULATION_SERIES], expected[worker.POPULATION_SERIES])
    assert out["weekly"]["residents_75plus"].nunique() > 1  # the census changed it
