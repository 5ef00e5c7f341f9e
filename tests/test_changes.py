"""Scheduled changes ([[changes]]): validated like the rest, applied from their week in both engines.

Two arms that differ only by a change from week W are identical before W in every table;
from W on the change moves what it should.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from sim.reference.model import ReferenceModel
from sim.run import simulate
from sim.scenario import Change, ScenarioError, load, with_overrides

ROOT = Path(__file__).resolve().parent.parent
KLEINDORP = ROOT / "scenarios" / "kleindorp.toml"
WEEK = 20


def _with(scenario, *changes: tuple[int, str, object]):
    """The scenario with these (week, path, value) changes."""
    return scenario.model_copy(update={"changes": [Change(week=w, path=p, value=v) for w, p, v in changes]})


def _checked(scenario):
    """The scenario validated again (model_copy does not validate)."""
    return type(scenario).model_validate(scenario.model_dump(mode="json"))


@pytest.fixture(scope="module")
def ggz_town(small):
    """The small town with a GGZ busy enough to close: some ten residents in treatment when it does.

    A staffed team (9 FTE per 10,000) that refers, GGZ places to spare (100 per 10,000), mental
    problems five times as frequent, two years of burn-in so that treatment has settled: measured
    (seeds 1-8) 10-16 in treatment in the weeks before, 0.4-0.6 referrals a week. At the shipped
    rates 3,000 residents have 0 to 3 in GGZ treatment, too few for a change to show.
    """
    rates = small.problems.mental.onset_per_1000_per_year
    return with_overrides(small, **{"designs.integraal.fte_per_10k": 9.0, "specialists.ggz.places_per_10k": 100.0,
                                    "meta.burn_in_weeks": 104},
                          **{f"problems.mental.onset_per_1000_per_year.{i}": 5 * r for i, r in enumerate(rates)})


@pytest.fixture(scope="module")
def ggz_arms(small):
    """The small scenario without and with its GGZ places closed from week WEEK (no GGZ waiting list before)."""
    return simulate(small), simulate(_checked(_with(small, (WEEK, "specialists.ggz.places_per_10k", 0.0))))


def test_two_arms_are_identical_before_the_change_in_every_table(ggz_arms):
    base, changed = ggz_arms
    for name in ("totals", "by_neighbourhood"):
        before = [getattr(r, name).query(f"week < {WEEK}").reset_index(drop=True) for r in (base, changed)]
        assert len(before[0]) and before[0].equals(before[1]), name
    later = [r.totals.query(f"week >= {WEEK}").reset_index(drop=True) for r in (base, changed)]
    assert not later[0].equals(later[1])
    done = [r.cases[r.cases["closure_week"] < WEEK].reset_index(drop=True) for r in (base, changed)]
    assert len(done[0]) and done[0].equals(done[1])
    onsets = [c for c in base.totals if c.startswith("onsets_")]  # the residents' own draws, after WEEK too
    assert base.totals[onsets].to_numpy().sum() > 100 and base.totals[onsets].equals(changed.totals[onsets])


def test_closed_places_fill_the_waiting_list_and_empty_treatment(ggz_arms):
    base, changed = ggz_arms
    late = [r.totals.query(f"week >= {WEEK + 8}") for r in ggz_arms]
    assert (base.totals["waiting_ggz"] == 0).all() and late[0]["in_treatment_ggz"].mean() > 0
    after = changed.totals.query(f"week >= {WEEK}")
    assert (after["admissions_ggz"] == 0).all() and after["waiting_ggz"].max() > 0  # referrals wait, nobody admitted
    assert late[1]["in_treatment_ggz"].iloc[-1] < late[0]["in_treatment_ggz"].iloc[-1]


def test_a_higher_onset_rate_takes_effect_at_once(small):
    """Loneliness onsets five times as frequent from week WEEK: five times as many in the next eight weeks.

    Not only after each resident's next onset drawn at the old rate (that would leave the first
    weeks as before). About 18 onsets in the base arm, 90 expected (Poisson sd 9.5) in the changed
    one: more than three times the base lies 3.8 sd below the expectation.
    """
    rates = small.problems.loneliness.onset_per_1000_per_year
    path = "problems.loneliness.onset_per_1000_per_year"
    changed = _with(small, *((WEEK, f"{path}.{a}", 5 * r) for a, r in enumerate(rates)))
    runs = simulate(small), simulate(_checked(changed))
    onsets = [r.totals.query(f"{WEEK} <= week < {WEEK + 8}")["onsets_loneliness"].sum() for r in runs]
    assert onsets[0] >= 10 and onsets[1] > 3 * onsets[0], onsets


def test_the_reference_engine_makes_the_same_changes(ggz_town):
    arms = []
    for sc in (ggz_town, _checked(_with(ggz_town, (WEEK, "specialists.ggz.places_per_10k", 0.0)))):
        model = ReferenceModel(_checked(sc))
        for _ in range(sc.meta.burn_in_weeks + sc.meta.weeks):
            model.step()
        arms.append(pd.DataFrame(model.rows))
    before = [a[a["week"] < WEEK].reset_index(drop=True) for a in arms]
    assert before[0].equals(before[1])
    late = [a[a["week"] >= WEEK + 8] for a in arms]
    assert (late[0]["waiting_ggz"] == 0).all() and late[1]["waiting_ggz"].iloc[-1] > 0
    assert late[1]["in_treatment_ggz"].iloc[-1] < late[0]["in_treatment_ggz"].iloc[-1]


@pytest.mark.parametrize(("change", "expected"), [
    ('week = 3\npath = "specialists.ggz.plaatsen"\nvalue = 2.0',
     "specialists.ggz.plaatsen is not a parameter of the scenario"),
    ('week = 3\npath = "designs.integraal"\nvalue = "bestaat-niet"',
     "designs.integraal takes another design's name; allowed: "),
    ('week = 3\npath = "designs.integraal.form"\nvalue = "split"', "form 'split' needs youth_team_share in (0, 1)"),
    ('week = 3\npath = "designs.integraal.hours_per_fte"\nvalue = 41.0', "41.0: Input should be less than or equal"),
    ('week = 3\npath = "neighbourhoods.0.residents"\nvalue = 12',
     "neighbourhoods.0.residents is fixed when a run starts"),
    ('week = 3\npath = "provisions.household_help.cost_per_week"\nvalue = 120.0',
     "provisions.household_help.cost_per_week is fixed when a run starts"),
    ('week = 260\npath = "specialists.ggz.places_per_10k"\nvalue = 12.0', "week 260: allowed range [0, 259]"),
    ('week = 3\npath = "specialists.ggz.places_per_10k"\nvalue = -1.0',
     "-1.0: Input should be greater than or equal to 0"),
    ('week = 3\npath = "specialists.ggz.places_per_10k"\nvalue = "many"', "'many'"),
    ('week = 3\npath = "signals.self_report_per_week"\nvalue = 0.01\n\n[[changes]]\nweek = 3\n'
     'path = "signals.self_report_per_week"\nvalue = 0.02', "is changed twice in week 3; allowed: once a week"),
])
def test_a_change_that_cannot_be_made_is_refused_with_file_and_reason(tmp_path, change, expected):
    path = tmp_path / "changed.toml"
    path.write_text(KLEINDORP.read_text(encoding="utf-8") + f"\n[[changes]]\n{change}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load(path)
    assert len(err.value.problems) == 1
    line = err.value.problems[0]
    assert line.startswith(f"{path}: ") and "changes[" in line and expected in line, line


def test_a_valid_change_loads_and_the_scenario_of_its_week_holds_it(tmp_path):
    path = tmp_path / "changed.toml"
    path.write_text(KLEINDORP.read_text(encoding="utf-8") + '\n[[changes]]\nweek = 52\npath = '
                    '"specialists.ggz.places_per_10k"\nvalue = 12.0\nnote = "extra GGZ places from year 2"\n',
                    encoding="utf-8")
    sc = load(path)
    assert sc.as_of(51).specialists.ggz.places_per_10k == load(KLEINDORP).specialists.ggz.places_per_10k
    assert sc.as_of(52).specialists.ggz.places_per_10k == 12.0
    assert re.search(r"extra GGZ places", sc.changes[0].note)


def test_the_report_marks_each_change_and_shows_before_and_after(tmp_path, small):
    import tomli_w

    from sim.cli import main
    from sim.report import figures

    changed = _checked(_with(small, (WEEK, "specialists.ggz.places_per_10k", 0.0)))
    data = changed.model_dump(mode="json", exclude_none=True)
    data["changes"][0]["note"] = "GGZ closes its places"
    path = tmp_path / "changed.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    out = tmp_path / "compare"
    assert main(["compare", str(path), "--designs", "integraal,outreach", "--replications", "2", "--workers", "1",
                 "--quiet", "--out", str(out)]) == 0
    assert main(["report", str(out), "--lang", "en"]) == 0
    page = (out / "report-en.html").read_text(encoding="utf-8")
    assert "<h2>Scheduled changes</h2>" in page or "Scheduled changes</h2>" in page
    assert f"<td>specialists.ggz.places_per_10k</td><td>{small.specialists.ggz.places_per_10k} → 0</td>" in page
    assert "<td>Waiting for mental health care (GGZ)</td><td class=\"num\">0 → " in page  # what the change acts on
    assert f"the {WEEK} weeks before and the {WEEK} weeks from week {WEEK} (GGZ closes its places)" in page
    weekly = pd.DataFrame({"design": "a", "replication": [0, 1] * 30, "week": sorted(list(range(30)) * 2),
                           "queue_length": range(60)})
    fig = figures.timeseries(weekly, "queue_length", "en", changes=changed.changes)
    assert [(shape.x0, shape.line.dash) for shape in fig.layout.shapes] == [(WEEK, "dash")]


def test_a_sweep_varies_the_week_of_a_change(tmp_path, capsys):
    """changes.0.week is a parameter like any other; the time estimate's short run leaves the change out."""
    from sim.cli import main

    scenario = tmp_path / "changed.toml"
    scenario.write_text(KLEINDORP.read_text(encoding="utf-8") + '\n[[changes]]\nweek = 104\n'
                        'path = "specialists.ggz.places_per_10k"\nvalue = 4.0\n', encoding="utf-8")
    experiment = tmp_path / "when.toml"
    experiment.write_text(f'[experiment]\nname = "when"\ndescription = "the year GGZ places are halved"\n'
                          f'scenario = "{scenario}"\nresidents_scale = 0.1\nsampler = "grid"\nsamples_are = "unused"\n'
                          'replications = 1\nseed = 1\noutcomes = ["waiting_ggz"]\n\n'
                          '[[parameters]]\npath = "changes.0.week"\nvalues = [52, 104, 156]\n', encoding="utf-8")
    assert main(["sweep", str(experiment), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    assert "when: 3 runs (3 points x 1 designs x 1 replications" in capsys.readouterr().out
    experiment.write_text(experiment.read_text(encoding="utf-8").replace("[52, 104, 156]", "[52, 300]"),
                          encoding="utf-8")
    assert main(["sweep", str(experiment), "--dry-run", "--out", str(tmp_path / "out")]) == 2
    assert "week 300: allowed range [0, 259]" in capsys.readouterr().err


def test_an_outcome_over_a_window_is_taken_over_those_weeks_only(ggz_arms):
    from sim.tables import outcome_values, windowed

    _, changed = ggz_arms
    totals, cases, weeks = changed.totals, changed.cases, changed.model.spec.meta.weeks
    values = outcome_values(["waiting_ggz@20:52", "waiting_ggz", "wait_weeks_non_priority@0:20"], totals, cases, weeks)
    assert windowed("waiting_ggz@20:52") == ("waiting_ggz", (20, 52))
    assert values["waiting_ggz@20:52"] == totals.loc[totals["week"] >= WEEK, "waiting_ggz"].mean() > 0
    assert values["waiting_ggz"] == totals["waiting_ggz"].mean()
    early = cases[(cases["intake_week"] >= 0) & (cases["intake_week"] < WEEK) & ~cases["priority"]]
    assert values["wait_weeks_non_priority@0:20"] == pytest.approx((early["intake_week"] - early["signal_week"]).mean())


def _audited(town, tmp_path, assumption: str) -> Path:
    """The town with GGZ places closed from week WEEK and one assumption, as a file."""
    import tomli_w

    data = _checked(_with(town, (WEEK, "specialists.ggz.places_per_10k", 0.0))).model_dump(mode="json",
                                                                                         exclude_none=True)
    path = tmp_path / "audited.toml"
    data.pop("assumptions", None)
    path.write_text(tomli_w.dumps(data) + "\n[[assumptions]]\n" + assumption, encoding="utf-8")
    return path


BEFORE_AFTER = ('id = "ggz-dicht"\n'
                'statement_nl = "Na het sluiten van de ggz-plaatsen zijn minder inwoners in behandeling"\n'
                'statement_en = "Once the GGZ places close, fewer residents are in treatment"\n'
                'metric = "in_treatment_ggz"\ndesign = "integraal"\nbaseline = "integraal"\ndirection = "decrease"\n'
                'size = 0.2\nsize_kind = "relative"\nwindow = [24, 52]\nbaseline_window = [0, 20]\n')


def test_the_audit_judges_an_assumption_over_its_window(ggz_town, tmp_path):
    from sim.cli import main

    out = tmp_path / "audit"
    assert main(["audit", str(_audited(ggz_town, tmp_path, BEFORE_AFTER)), "--replications", "8", "--workers", "0",
                 "--quiet", "--out", str(out)]) == 0
    row = pd.read_parquet(out / "audit.parquet").iloc[0]
    runs = pd.read_parquet(out / "runs.parquet")
    assert row["window"] == "weeks 24-51 against weeks 0-19"
    assert row["baseline_value"] == pytest.approx(runs["in_treatment_ggz@0:20"].mean())
    assert row["design_value"] == pytest.approx(runs["in_treatment_ggz@24:52"].mean())
    assert row["design_value"] < row["baseline_value"]
    assert row["verdict"] == "holds", row  # treatments end and nobody is admitted: measured 41 % fewer (se 5 %)
    assert "in_treatment_ggz (weeks 24-51 against weeks 0-19)" in (out / "audit.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("window = [24, 52]", "window = [24, 60]", "assumptions[0].window [24, 60]: allowed [first, end] with 0 <= first"),
    ("window = [24, 52]\n", "", "assumptions[0].baseline_window: needs a window"),
    ("baseline_window = [0, 20]\n", "", "design and baseline are both 'integraal'"),
])
def test_an_assumption_window_that_does_not_fit_is_refused(small, tmp_path, old, new, expected):
    with pytest.raises(ScenarioError) as err:
        load(_audited(small, tmp_path, BEFORE_AFTER.replace(old, new)))
    assert expected in err.value.problems[0], err.value.problems


def test_a_sweep_outcome_over_a_window_must_lie_in_the_recorded_weeks(tmp_path, capsys):
    from sim.cli import main

    experiment = tmp_path / "windowed.toml"
    text = (f'[experiment]\nname = "w"\ndescription = "windowed outcomes"\nscenario = "{KLEINDORP}"\n'
            'residents_scale = 0.1\nsampler = "grid"\nsamples_are = "unused"\nreplications = 1\nseed = 1\n'
            'outcomes = ["queue_length@0:52", "{}"]\n\n[[parameters]]\npath = "meta.seed"\nvalues = [1, 2]\n')
    experiment.write_text(text.replace("{}", "queue_length@52:260"), encoding="utf-8")
    assert main(["sweep", str(experiment), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    for bad in ("queue_length@52:261", "queue_length@52", "nothing@0:52"):
        experiment.write_text(text.replace("{}", bad), encoding="utf-8")
        assert main(["sweep", str(experiment), "--dry-run", "--out", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err
        assert f"outcomes[1]: {bad!r}" in err and ("0 <= first < end <= 260" in err or "not an outcome" in err), err
