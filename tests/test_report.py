"""The municipality report: one self-contained HTML page per results folder, flows that add up."""

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomlkit

from sim.cli import main
from sim.flows import EDGES, FLOW_OUTCOMES, LAYERS, flows, paths
from sim.provenance import entries
from sim.report import ReportError, build, bundle, figures, read, write
from sim.report.bundle import figures_of
from sim.report.conclusion import paired_difference, verdict
from sim.report.labels import label, setting_value, shown_label
from sim.report.page import fmt
from sim.scenario import load
from sim.tables import known_outcomes

from .conftest import ROOT
from .test_sweep import write_experiment

DESIGNS = ["integraal", "outreach"]
WEEKS = 26
SECTIONS = ["section_summary", "section_settings", "section_problems", "section_waiting", "section_caseload",
            "section_hours", "section_crises", "section_costs", "section_cost_per_resident", "section_flows",
            "section_limitations"]
EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", re.I)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Kleindorp at a quarter of its residents, 26 recorded weeks: a run, a runs set, a compare and an audit.

    Staff is cut to 2 FTE per 10k so that a waiting list forms (cases still waiting at the end).
    """
    root = tmp_path_factory.mktemp("report")
    doc = tomlkit.parse((ROOT / "scenarios" / "kleindorp.toml").read_text(encoding="utf-8"))
    for nbh in doc["neighbourhoods"]:
        nbh["residents"] = nbh["residents"] // 4
    doc["meta"]["weeks"], doc["meta"]["burn_in_weeks"] = WEEKS, 26
    doc["designs"]["integraal"]["fte_per_10k"] = 2.0
    doc["residents"]["queue_leave_per_week"] = 0.03  # some residents stop waiting: the flows show them
    doc["residents"]["leave_queue_when_resolved"] = True
    scenario = root / "tiny.toml"
    scenario.write_text(tomlkit.dumps(doc), encoding="utf-8")  # comments (provenance) kept
    quiet = ["--quiet"]
    assert main(["run", str(scenario), "--out", str(root / "run"), *quiet]) == 0
    for k, design in enumerate(DESIGNS):
        for seed in (1, 2):
            assert main(["run", str(scenario), "--design", design, "--seed", str(seed + k),
                         "--out", str(root / "runs" / f"{design}-{seed}"), *quiet]) == 0
    engine = ["--replications", "3", "--workers", "0", *quiet]
    assert main(["compare", str(scenario), "--designs", ",".join(DESIGNS), "--out", str(root / "compare"),
                 *engine]) == 0
    assert main(["audit", str(scenario), "--out", str(root / "audit"), *engine[:1], "2", *engine[2:]]) == 0
    return {"scenario": scenario, "run": root / "run", "runs": root / "runs", "compare": root / "compare",
            "audit": root / "audit"}


@pytest.mark.parametrize("kind", ["run", "runs", "compare", "audit"])
def test_report_is_one_self_contained_page_with_every_section(folders, kind, capsys):
    capsys.readouterr()
    assert main(["report", str(folders[kind])]) == 0
    out = folders[kind] / "report.html"
    assert str(out) in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert not EXTERNAL_SCRIPT.search(page)
    assert page.count(f'id="{bundle.LIBRARY_ID}"') == 1  # plotly.js embedded once, packed
    figs = figures_of(page)
    assert len(figs) >= 20 and page.count('class="plotly-graph-div figure"') == len(figs)  # a place for each
    for key in SECTIONS:
        assert f'<h2 id="{key}">{label(key, "nl")}</h2>' in page
    assert ('<h2 id="section_audit">' in page) == (kind == "audit")
    assert ('<h2 id="section_comparison">' in page) == (kind == "compare")
    assert ('<h2 id="section_conclusion">' in page) == (kind in ("compare", "audit"))
    assert any(trace["type"] == "sankey" for f in figs for trace in f["data"])


def test_flows_conserve_cases_and_agree_with_the_case_table(folders):
    cases = pd.read_parquet(folders["run"] / "cases.parquet")
    weekly = pd.read_parquet(folders["run"] / "weekly_totals.parquet")
    weeks = len(weekly)
    f = flows(cases, weeks)
    assert set(zip(f["source"], f["target"], strict=True)) == set(EDGES)
    into = f.groupby("target")["value"].sum()
    out = f.groupby("source")["value"].sum()
    for layer in LAYERS[1:-1]:
        for node in layer:
            assert into.get(node, 0.0) == out.get(node, 0.0), node
    window = cases[(cases["signal_week"] >= 0) & (cases["signal_week"] < weeks)]
    assert len(window) > 50 and window["intake_week"].isna().any()
    # Every case signalled in the recorded weeks, once: the weekly new cases add up to them.
    assert out[list(LAYERS[0])].sum() == len(window) == weekly["new_cases"].sum()
    by_route = window["route"].astype(str).value_counts()
    for route in by_route.index:
        assert out.get(f"route_{route}", 0.0) == by_route[route]
    by_outcome = window["outcome"].astype(str).value_counts()
    for outcome, n in by_outcome.items():
        assert into.get(f"outcome_{outcome}", 0.0) == n
    never_taken_in = window["intake_week"].isna()
    left = window["outcome"].isin(["resolved_waiting", "gave_up"])
    assert into.get("waiting", 0.0) == (never_taken_in & ~left).sum()
    assert into.get("left_queue", 0.0) == left.sum() > 0
    assert (paths(cases, weeks)["support"] == "support_specialist").sum() == window["support_specialist"].sum()
    res = read(folders["run"])
    pd.testing.assert_frame_equal(res.flows("integraal"), f)


def test_flows_of_a_job_are_kept_per_run_and_conserve(folders):
    runs = pd.read_parquet(folders["compare"] / "runs.parquet")
    assert set(FLOW_OUTCOMES) <= set(runs.columns)
    res = read(folders["compare"])
    for design in DESIGNS:
        f = res.flows(design)
        into, out = f.groupby("target")["value"].sum(), f.groupby("source")["value"].sum()
        for node in LAYERS[1] + LAYERS[2]:
            assert into.get(node, 0.0) == pytest.approx(out.get(node, 0.0)), node
        r = runs[runs["design"] == design]
        # Mean cases per run = mean over runs of (mean new cases per week x recorded weeks).
        assert out[list(LAYERS[0])].sum() == pytest.approx((r["new_cases"] * WEEKS).mean())


def test_report_in_english_differs_from_dutch(folders, tmp_path):
    nl = build(folders["compare"], "nl")
    en = build(folders["compare"], "en")
    for key in SECTIONS:
        assert label(key, "en") in en
        if label(key, "nl") != label(key, "en"):
            assert label(key, "nl") not in en
    assert '<html lang="nl">' in nl and '<html lang="en">' in en
    sc = load(folders["scenario"])  # descriptions and the words of design fields follow the language
    for item in (sc.meta, *(sc.designs[d] for d in DESIGNS)):
        assert html.escape(item.description_nl) in nl and html.escape(item.description) not in nl
        assert html.escape(item.description) in en and html.escape(item.description_nl) not in en
    teams = sc.designs["integraal"].teams
    assert setting_value(teams, "nl") in nl and setting_value(teams, "en") in en
    assert setting_value(teams, "nl") not in en
    settings_nl, settings_en = (page.split(label("section_settings", lg))[1] for page, lg in ((nl, "nl"), (en, "en")))
    assert "gedetacheerd" in settings_nl and "seconded" not in settings_nl.split("<h2")[0]
    assert "seconded" in settings_en.split("<h2")[0] and label("group_informal", "nl") in nl
    assert main(["report", str(folders["compare"]), "--lang", "en", "--out", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_charts_and_tables_show_each_outcome_in_one_unit(folders):
    page = build(folders["compare"], "nl")
    titles = [f["layout"]["title"]["text"] for f in figures_of(page)]
    assert shown_label("cost_welfare", "nl") not in titles  # no welfare hours in either design: a flat zero, no chart
    assert shown_label("cost_per_resident", "nl") in titles and shown_label("prevalence_care", "nl") in titles
    for name in ("cost_team", "cost_per_resident"):  # per resident per year, never per week
        assert shown_label(name, "nl") in page and label(name, "nl") not in page
    assert shown_label("self_reliant_share", "nl") in page  # shares in per cent
    comparison = page.split('<h2 id="section_comparison">')[1].split("<h2")[0]
    runs = read(folders["compare"]).runs
    base = runs[runs["design"] == DESIGNS[0]]["cost_per_resident"].mean() * 52
    assert fmt(base, "nl") in comparison  # the yearly cost per resident, as the summary and conclusion give it


def test_limitations_list_exactly_the_scenarios_assumptions(folders):
    expected = {e.path for e in entries(folders["scenario"]) if e.kind == "assumption"}
    assert len(expected) > 100
    for kind in ("run", "compare", "audit"):
        page = build(folders[kind])
        listed = re.findall(r'data-assumption="([^"]+)"', page)
        assert len(listed) == len(set(listed))
        assert {p.replace("&quot;", '"') for p in listed} == expected
        assert 'data-validation="none"' in page
        assert label("not_validated", "nl") in page


def test_audit_table_shows_each_assumption_with_its_verdict(folders):
    audit = pd.read_parquet(folders["audit"] / "audit.parquet")
    page = build(folders["audit"], "en")
    section = page[page.index('id="section_audit"'):page.index('id="section_problems"')]
    for _, row in audit.iterrows():
        assert row["statement_en"] in section
        assert f'<span class="{row["verdict"]}">{label(row["verdict"], "en")}</span>' in section
    assert section.count("<tr>") == len(audit) + 1


def test_runs_set_numbers_replications_per_design(folders):
    res = read(folders["runs"])
    assert res.kind == "runs" and res.designs == DESIGNS and res.replications() == 2
    assert sorted(res.weekly["replication"].unique()) == [0, 1]


def test_sweep_report_plots_each_parameter_against_each_outcome(tmp_path):
    exp = write_experiment(tmp_path, scale=0.05, reps=1, weeks=8, values="[4.0, 8.0]")
    out = tmp_path / "sweep"
    assert main(["sweep", str(exp), "--workers", "0", "--out", str(out), "--quiet"]) == 0
    page = build(out, "en")
    assert '<h2 id="section_sweep">' in page
    outcomes = json.loads((out / "job.json").read_text())["job"]["experiment"]["outcomes"]
    assert len(figures_of(page)) == len(outcomes) > 1  # 1 parameter x each kept outcome
    x_titles = [f["layout"]["xaxis"]["title"]["text"] for f in figures_of(page)]
    assert x_titles == ["designs.integraal.fte_per_10k"] * len(outcomes)
    assert {e.path for e in entries(ROOT / "scenarios" / "kleindorp.toml") if e.kind == "assumption"} == set(
        re.findall(r'data-assumption="([^"]+)"', page))


def test_timeseries_band_is_the_replication_percentiles():
    weekly = pd.DataFrame([{"design": d, "replication": r, "week": w, "crises": r + 10 * (d == "b") + w}
                           for d in ("a", "b") for r in range(5) for w in range(3)])
    fig = figures.timeseries(weekly, "crises", "en")
    assert fig.layout.title.text == label("crises", "en")
    lines = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in lines] == ["a", "b"]
    a_high, a_low, a_mean = fig.data[0].y, fig.data[1].y, fig.data[2].y
    assert list(a_mean) == [2.0, 3.0, 4.0]
    expected = np.percentile([0, 1, 2, 3, 4], [2.5, 97.5])
    assert a_low[0] == pytest.approx(expected[0]) and a_high[0] == pytest.approx(expected[1])
    single = figures.timeseries(weekly[weekly["replication"] == 0], "crises", "nl")
    assert len(single.data) == 2  # no band with one replication


def test_more_than_two_designs_get_a_panel_each_with_the_first_as_reference():
    weekly = pd.DataFrame([{"design": d, "replication": r, "week": w, "crises": r + 10 * k + w}
                           for k, d in enumerate("abc") for r in range(3) for w in range(4)])
    fig = figures.timeseries(weekly, "crises", "en")
    assert [a.text for a in fig.layout.annotations] == ["a", "b", "c"]  # panel titles
    means = [t for t in fig.data if t.line.width == 2]
    assert [(t.name, t.xaxis) for t in means] == [("a", "x"), ("b", "x2"), ("c", "x3")]
    reference = [t for t in fig.data if t.line.dash == "dot"]
    assert [t.xaxis for t in reference] == ["x2", "x3"] and all(list(t.y) == list(means[0].y) for t in reference)
    assert fig.layout.yaxis2.matches == "y"  # one y axis: the panels compare at a glance
    two = figures.timeseries(weekly[weekly["design"] != "c"], "crises", "en")
    assert not two.layout.annotations and {t.xaxis for t in two.data} == {None}  # two designs share one chart


def test_sankey_labels_follow_the_language_and_skip_empty_edges():
    f = pd.DataFrame({"source": ["route_self", "route_partner", "intake_team"],
                      "target": ["intake_team", "intake_team", "support_team"], "value": [3.0, 0.0, 3.0]})
    nl, en = figures.sankey(f, "nl"), figures.sankey(f, "en")
    assert list(nl.data[0].node.label) == [label(k, "nl") for k in ("route_self", "intake_team", "support_team")]
    assert list(en.data[0].node.label) != list(nl.data[0].node.label)
    assert list(en.data[0].link.value) == [3.0, 3.0]


def test_every_outcome_and_flow_node_has_both_labels():
    for key in known_outcomes() | {n for layer in LAYERS for n in layer}:
        assert label(key, "nl") and label(key, "en"), key
    with pytest.raises(KeyError):
        label("no_such_outcome", "nl")
    with pytest.raises(ValueError, match="allowed"):
        label("crises", "de")


def test_bad_input_gives_a_clear_error_and_status_2(tmp_path, folders, capsys):
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(empty)]) == 2
    err = capsys.readouterr().err
    assert str(empty) in err and "not a results folder" in err
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    assert main(["report", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert "manifest.json" in err and "kind" in err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text((folders["run"] / "manifest.json").read_text())
    assert main(["report", str(broken)]) == 2
    assert "weekly_totals.parquet: missing" in capsys.readouterr().err
    with pytest.raises(ReportError, match="allowed"):
        write(folders["run"], tmp_path / "x.html", lang="de")
    assert not (tmp_path / "x.html").exists()


def test_validation_table_beside_the_results_is_used_for_the_same_scenario_only(folders, tmp_path):
    import shutil

    from sim.scenario import scenario_hash

    run = tmp_path / "run"
    shutil.copytree(folders["run"], run)
    same = scenario_hash(read(run).scenario)
    table = pd.DataFrame({"id": ["wmo", "jeugd"], "value": [60.0, 100.0], "tolerance": [10.0, 5.0],
                          "simulated": [62.0, 120.0], "simulated_low": [61.0, 118.0], "simulated_high": [63.0, 122.0],
                          "within": [True, False], "source": ["CBS", "CBS"]})
    other = tmp_path / "validate-other"
    (other / "validation").mkdir(parents=True)
    table.to_parquet(other / "validation.parquet")
    (other / "validation" / "job.json").write_text(json.dumps({"identity": {"scenario_sha256": "0" * 64}}))
    assert 'data-validation="none"' in build(run)
    mine = tmp_path / "validate-mine"
    shutil.copytree(other, mine)
    (mine / "validation" / "job.json").write_text(json.dumps({"identity": {"scenario_sha256": same}}))
    page = build(run, "en")
    shown = Path("..") / "validate-mine" / "validation.parquet"  # relative to the results folder: no machine paths
    assert f'data-validation="{shown}"' in page and str(tmp_path) not in page
    assert label("validated_with", "en").format(ok=1, n=2, file=shown) in page


def test_job_still_running_is_reported_from_its_finished_parts(folders, tmp_path):
    import shutil

    job = tmp_path / "compare"
    shutil.copytree(folders["compare"], job)
    (job / "runs.parquet").unlink()
    (job / "weekly.parquet").unlink()
    for part in sorted((job / "runs").glob("*.parquet"))[:2]:  # two runs not finished yet
        part.unlink()
    res, full = read(job), read(folders["compare"])
    assert len(res.runs) == len(full.runs) - 2
    assert len(res.weekly) == len(full.weekly) - 2 * WEEKS
    assert figures_of(build(job))


def test_conclusion_reads_a_paired_interval_in_the_direction_an_outcome_is_better():
    assert verdict(0.5, 2.0, better=+1) == "better" and verdict(0.5, 2.0, better=-1) == "worse"
    assert verdict(-2.0, -0.5, better=-1) == "better" and verdict(-2.0, -0.5, better=+1) == "worse"
    assert verdict(-0.5, 0.5, better=+1) == "unclear" and verdict(np.nan, np.nan, better=-1) == "unclear"
    runs = pd.DataFrame({"design": ["a"] * 4 + ["b"] * 4, "replication": [0, 1, 2, 3, 3, 2, 1, 0],
                         "x": [10.0, 20.0, 30.0, 40.0, 41.0, 33.0, 21.0, 12.0]})
    m, low, high = paired_difference(runs, "b", "a", "x")
    d = np.array([2.0, 1.0, 3.0, 1.0])  # b minus a per replication, paired by replication, not by row
    half = 3.182446305284263 * d.std(ddof=1) / 2  # t(0.975, 3) times the standard error
    assert (m, low, high) == pytest.approx((d.mean(), d.mean() - half, d.mean() + half))


def test_the_conclusion_names_each_design_against_the_first_with_verdicts(folders):
    page = build(folders["compare"], "en")
    block = page[page.index('<h2 id="section_conclusion">'):page.index('<h2 id="section_summary">')]
    assert "<h3>outreach</h3>" in block and "<h3>integraal</h3>" not in block
    spans = re.findall(r'<span class="(better|worse|unclear)">', block)
    assert spans and label("cost_per_resident_year", "en") in block
    runs = read(folders["compare"]).runs
    m, low, high = paired_difference(runs, "outreach", "integraal", "self_reliant_share")
    share = re.search(re.escape(label("self_reliant_share", "en")) + r": ([-+][\d.]+) \[([-+][\d.]+); "
                      r"([-+][\d.]+)\] percentage points", block)
    assert share and [float(x) for x in share.groups()] == pytest.approx([100 * m, 100 * low, 100 * high], rel=1e-3)


def test_the_bundle_keeps_four_significant_digits_and_reads_back():
    fig = figures.timeseries(pd.DataFrame({"design": "a", "replication": 0, "week": [0, 1],
                                           "crises": [1.23456789, 1234567.891]}), "crises", "en")
    (spec,) = figures_of(bundle.scripts([bundle.spec(fig, "figure-1")], "old browser"))
    assert spec["id"] == "figure-1" and spec["data"][0]["y"] == [1.235, 1235000.0]
    nan = figures.timeseries(pd.DataFrame({"design": "a", "replication": 0, "week": [0, 1], "crises": [np.nan, 2.0]}),
                             "crises", "en")
    assert figures_of(bundle.scripts([bundle.spec(nan, "f")], ""))[0]["data"][0]["y"] == [None, 2.0]  # a gap
