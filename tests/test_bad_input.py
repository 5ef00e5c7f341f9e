"""Bad input ends in exit status 2 with one line naming the file, and changes or leaves nothing.

A first part of the corpus of bad inputs: folders where files belong, nesting that would
exhaust Python's stack, a byte-order mark, engine options out of range, `init` told to
overwrite a file, and a write that fails halfway.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from sim import preflight
from sim.app.profiles import from_upload
from sim.cli import main
from sim.output import atomically
from sim.scenario import ScenarioError, load
from sim.sweep.store import TIMING_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
KLEINDORP = ROOT / "scenarios" / "kleindorp.toml"
TARGETS = ROOT / "scenarios" / "targets-nl.toml"
DEEP = {"arrays": "a = " + "[" * 10_000, "tables": "a = " + "{b = " * 10_000, "dotted": "a" + ".a" * 10_000 + " = 1"}


def _one_line(capsys) -> str:
    """What the command printed to stderr: exactly one line, and no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("command", [
    ["run", "{x}", "--quiet"], ["designs", "{x}"], ["provenance", "{x}"],
    ["compare", "{x}", "--quiet", "--workers", "0"], ["validate", str(KLEINDORP), "--targets", "{x}", "--quiet"],
])
def test_a_folder_where_a_file_belongs(tmp_path, capsys, command):
    folder = tmp_path / "scenario.toml"
    folder.mkdir()
    argv = [a.replace("{x}", str(folder)) for a in command] + (["--out", str(tmp_path / "out")]
                                                                if command[0] in ("run", "compare") else [])
    assert main(argv) == 2
    assert _one_line(capsys) == f"{folder}: is a folder; give a .toml file"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", DEEP)
def test_deep_nesting_is_a_problem_of_the_file_not_a_crash(tmp_path, capsys, kind):
    path = tmp_path / f"deep-{kind}.toml"
    path.write_text(DEEP[kind], encoding="utf-8")
    assert main(["run", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 2
    assert _one_line(capsys) == f"{path}: nested too deeply to be a scenario, experiment or targets file"
    with pytest.raises(ScenarioError, match="nested too deeply"):  # the app's upload check, 20 KB of it
        from_upload(path.name, DEEP[kind].encode())


def test_a_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "notepad.toml"
    path.write_bytes(b"\xef\xbb\xbf" + KLEINDORP.read_bytes())
    assert load(path) == load(KLEINDORP)
    assert from_upload(path.name, path.read_bytes()) == load(KLEINDORP)


@pytest.mark.parametrize("workers", ["-1", "257", "two"])
def test_engine_workers_out_of_range_are_refused_before_anything_runs(tmp_path, capsys, workers):
    with pytest.raises(SystemExit) as stop:
        main(["compare", str(KLEINDORP), "--workers", workers, "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    assert "--workers" in capsys.readouterr().err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["Stad\nmet regel", "Stad\x00", " "])
def test_init_never_replaces_a_file_with_something_invalid(tmp_path, capsys, name):
    existing = tmp_path / "existing.toml"
    existing.write_text("keep me\n", encoding="utf-8")
    example = ROOT / "scenarios" / "example-wijken.csv"
    assert main(["init", "--from", str(example), "--name", name, "--out", str(existing)]) == 2
    assert "--name" in _one_line(capsys)
    assert existing.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.toml"]


def test_init_into_a_folder_is_refused(tmp_path, capsys):
    example = ROOT / "scenarios" / "example-wijken.csv"
    assert main(["init", "--from", str(example), "--name", "Stad", "--out", str(tmp_path)]) == 2
    assert "is a folder" in _one_line(capsys)


def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "table.txt"
    target.write_text("old", encoding="utf-8")

    def full_disk(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomically(target, full_disk)
    assert target.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == [
        "table.txt"]


@pytest.fixture
def job(tmp_path, small):
    """A finished two-design comparison of the small scenario: a job folder to damage."""
    import tomli_w

    scenario = tmp_path / "small.toml"
    scenario.write_text(tomli_w.dumps(small.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    out = tmp_path / "job"
    argv = ["compare", str(scenario), "--designs", ",".join(list(small.designs)[:2]), "--replications", "2",
            "--workers", "0", "--quiet", "--out", str(out)]
    assert main(argv) == 0
    return out, argv


@pytest.mark.parametrize(("content", "why"), [
    (b"\xff\xfe{", "not JSON text"), (b"{\"identity\": ", "not JSON text"), (b"[1, 2]", "not a job manifest"),
    (b"{\"identity\": {}, \"identity_sha256\": \"x\"}", "not a job manifest"),
])
def test_a_damaged_job_manifest_is_named_with_its_way_back(job, capsys, content, why):
    out, argv = job
    (out / "job.json").write_bytes(content)
    assert main(["status", str(out)]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"{out / 'job.json'}: damaged: {why}") and "delete it and run the same command" in line
    (out / "job.json").unlink()  # the way back the line names: finished runs are found again, none recomputed
    assert main(argv) == 0 and main(["status", str(out)]) == 0
    assert "4 runs: 4 done, 0 failed, 0 left" in capsys.readouterr().out


def test_a_damaged_run_part_is_named_and_run_again(job, capsys):
    out, argv = job
    part = sorted((out / "runs").glob("*.parquet"))[0]
    before = pd.read_parquet(part).drop(columns=list(TIMING_COLUMNS))
    part.write_bytes(b"PAR1 not parquet")
    assert main(["status", str(out)]) == 2
    assert _one_line(capsys).startswith(f"{part}: damaged")
    assert main(argv) == 0  # the damaged replication counts as not finished: it runs again, the same
    pd.testing.assert_frame_equal(pd.read_parquet(part).drop(columns=list(TIMING_COLUMNS)), before)


@pytest.mark.parametrize("command", [["run", str(KLEINDORP), "--quiet", "--weeks", "4"],
                                     ["compare", str(KLEINDORP), "--quiet", "--workers", "0"]])
def test_an_out_that_is_a_file_is_one_line(tmp_path, capsys, command):
    blocker = tmp_path / "a-file"
    blocker.write_text("mine\n", encoding="utf-8")
    assert main([*command, "--out", str(blocker / "out")]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"{blocker / 'out'}") and line.endswith("cannot read or write: Not a directory")
    assert blocker.read_text(encoding="utf-8") == "mine\n"


def test_names_from_files_stay_inside_results():
    from sim.paths import default_folder

    for name in ("sweep-x/../../../ESCAPED", "..", "/etc/passwd", "a\\\\..\\\\b"):
        folder = default_folder(name)
        assert folder.parent == Path("results") and folder.name not in ("", ".", "..") and "/" not in folder.name


def test_a_report_reads_no_file_but_a_scenario_named_in_a_manifest(tmp_path):
    from sim.report.results import _find

    secret = tmp_path / "secret.toml"
    secret.write_text('password = "hunter2"  # not a scenario\n', encoding="utf-8")
    other = tmp_path / "notes.txt"
    other.write_text("private\n", encoding="utf-8")
    assert _find(str(secret), tmp_path) is None and _find(str(other), tmp_path) is None
    assert _find("scenarios/kleindorp.toml", tmp_path) == KLEINDORP


@pytest.mark.parametrize("option", [["--scheduler", "not an address"], ["--scheduler", "tcp://host"],
                                    ["--workers", "-1"]])
def test_engine_options_are_checked_for_validate_and_calibrate_too(tmp_path, capsys, option):
    for command in ("validate", "calibrate"):
        with pytest.raises(SystemExit) as stop:
            main([command, str(KLEINDORP), "--targets", str(TARGETS), *option, "--out", str(tmp_path / "out")])
        assert stop.value.code == 2 and option[0] in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_scheduler_that_does_not_answer_is_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", str(KLEINDORP), "--scheduler", "tcp://127.0.0.1:9", "--quiet", "--out", str(out)]) == 2
    assert _one_line(capsys).startswith("--scheduler tcp://127.0.0.1:9: no Dask scheduler answers there")
    assert not out.exists()  # no job skeleton left behind


def test_one_job_per_folder(job, capsys):
    from sim.sweep.store import JobStore

    out, argv = job
    with JobStore(out).locked():  # as if a second process were running the job now
        assert main(argv) == 2
        assert _one_line(capsys) == (f"{out}: another job is running in this folder (it holds .job.lock); "
                                     "wait until it ends, or give another --out")
    assert main(argv) == 0  # the lock goes with the job that held it


@pytest.mark.parametrize(("line", "value", "expected"), [
    ("caseload_cap = 30", "caseload_cap = 30.5", "Input should be a valid integer"),
    ("caseload_cap = 30", 'caseload_cap = "30"', "Input should be a valid integer"),
    ("help_seeking_mean = 1.0", 'help_seeking_mean = "0.9"', "Input should be a valid number"),
    ("help_seeking_mean = 1.0", "help_seeking_mean = true", "Input should be a valid number"),
    ("leave_queue_when_resolved = true", "leave_queue_when_resolved = 1", "Input should be a valid boolean"),
])
def test_a_value_of_another_type_is_refused_not_converted(tmp_path, line, value, expected):
    problems = _middenstad_problems(tmp_path, line, value)
    assert any(expected in p for p in problems), problems


def _middenstad_problems(tmp_path: Path, old: str, new: str) -> list[str]:
    """The problem lines of middenstad.toml with one text replaced (which must be there)."""
    text = (ROOT / "scenarios" / "middenstad.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "changed.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load(path)
    return err.value.problems


def test_two_assumptions_with_one_id_are_refused(tmp_path):
    text = (ROOT / "scenarios" / "middenstad.toml").read_text(encoding="utf-8")
    first = re.search(r'^id = "([^"]+)"', text, re.M).group(1)
    second = re.findall(r'^id = "([^"]+)"', text, re.M)[1]
    path = tmp_path / "twice.toml"
    path.write_text(text.replace(f'id = "{second}"', f'id = "{first}"', 1), encoding="utf-8")
    with pytest.raises(ScenarioError, match=f"assumption ids must be unique.*repeated: {first}"):
        load(path)


def test_a_bad_option_is_named_as_the_option(tmp_path, capsys):
    assert main(["run", str(KLEINDORP), "--weeks", "0", "--quiet", "--out", str(tmp_path / "out")]) == 2
    assert _one_line(capsys) == "--weeks 0: Input should be greater than or equal to 1; allowed range [1, 5200]"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("old", "new", "where"), [
    ('name = "Middenstad"', 'name = "Midden\\nstad"', "meta.name"),
    ('{ name = "Centrum"', '{ name = "Cen\\u0000trum"', "neighbourhoods[0].name"),
    ("[designs.outreach]", '[designs."out\\treach"]', "designs.out\treach"),
])
def test_names_with_control_characters_are_refused(tmp_path, old, new, where):
    problems = _middenstad_problems(tmp_path, old, new)
    assert any(where in p and "contains a control character" in p for p in problems), problems


def test_an_empty_design_list_is_refused_not_read_as_all(tmp_path, capsys):
    assert main(["compare", str(KLEINDORP), "--designs", "", "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "give two or more of" in _one_line(capsys)


SMOKE = ROOT / "experiments" / "smoke.toml"


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("[experiment]", "[experimnet.typo]\n[experiment]", "experimnet: not a table of an experiment file"),
    ('path = "designs.integraal.outreach_share"', 'path = "designs.integraal.fte_per_10k"',
     "each parameter once; repeated: designs.integraal.fte_per_10k"),
    ("low = 3.0\nhigh = 10.0", "low = 3.0\nhigh = 10.0\nlevels = 4", "levels apply to sampler 'grid' only"),
    ('path = "designs.integraal.fte_per_10k"\nlow = 3.0\nhigh = 10.0',
     'path = "designs.integraal.caseload_cap"\nlow = 1.2\nhigh = 1.4',
     "caseload_cap takes whole numbers; the range [1.2, 1.4] holds none"),
])
def test_an_experiment_file_says_what_it_would_have_ignored(tmp_path, capsys, old, new, expected):
    text = SMOKE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "experiment.toml"
    path.write_text(text.replace(old, new, 1).replace('"../scenarios/', f'"{ROOT}/scenarios/'), encoding="utf-8")
    assert main(["sweep", str(path), "--dry-run", "--out", str(tmp_path / "out")]) == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_share_target_above_one_is_refused(tmp_path, capsys):
    text = TARGETS.read_text(encoding="utf-8")
    assert "value = 0.54" in text
    path = tmp_path / "targets.toml"
    path.write_text(text.replace("value = 0.54", "value = 54.0", 1), encoding="utf-8")
    assert main(["validate", str(KLEINDORP), "--targets", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "youth_help_direct_share is a share; allowed range [0, 1]" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ----- preflight: what cannot fit this machine is refused before anything starts -------------------

@pytest.fixture
def four_gb(monkeypatch):
    """A machine of 4 GB, whatever this one has, so the limits below hold everywhere."""
    monkeypatch.setattr(preflight, "machine_bytes", lambda: 4 * preflight.GB)


def _kleindorp_of(tmp_path, residents: int) -> Path:
    """Kleindorp with each of its four neighbourhoods at `residents` residents."""
    text = re.sub(r"residents = \d+", f"residents = {residents}", KLEINDORP.read_text(encoding="utf-8"))
    path = tmp_path / "big.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_run_that_cannot_fit_is_refused_with_the_estimate_and_the_limit(tmp_path, capsys, four_gb):
    path = _kleindorp_of(tmp_path, 2_000_000)  # 8 million residents: about 10 GB
    assert main(["run", str(path), "--quiet", "--yes", "--out", str(tmp_path / "out")]) == 2
    line = _one_line(capsys)
    assert re.search(r"1 run\(s\) at once of 8,000,000 residents over 1,170 weeks need about 9\.\d GB", line), line
    assert "this machine has 4.0 GB, at most 90% of it may be used" in line
    assert not (tmp_path / "out").exists()


def test_a_run_over_half_the_memory_needs_yes(tmp_path, capsys, four_gb):
    path = _kleindorp_of(tmp_path, 300_000)  # 1.2 million residents: about 2.1 GB with the driver
    assert main(["run", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 2
    assert "more than half of this machine's 4.0 GB; give --yes to start" in _one_line(capsys)
    assert not (tmp_path / "out").exists()
    assert preflight.memory_problems(1_200_000, 1_170, 1, confirmed=True) == []


def test_runs_in_parallel_count_once_per_worker(tmp_path, capsys, four_gb):
    path = _kleindorp_of(tmp_path, 100_000)  # 400,000 residents: fits once, not eight times at once
    argv = ["compare", str(path), "--designs", "integraal,outreach", "--replications", "4", "--quiet",
            "--out", str(tmp_path / "out")]
    assert main([*argv, "--workers", "8", "--yes"]) == 2
    assert "8 run(s) at once of 400,000 residents" in _one_line(capsys)
    assert preflight.memory_problems(400_000, 1_170, 1, confirmed=False) == []
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("replications", ["1", "10001", "100000000"])
def test_replications_outside_the_documented_range_are_refused(tmp_path, capsys, replications):
    assert main(["compare", str(KLEINDORP), "--replications", replications, "--quiet",
                 "--out", str(tmp_path / "out")]) == 2
    assert _one_line(capsys) == f"--replications {replications}: allowed range [2, 10000]"


@pytest.mark.parametrize(("old", "new", "dry_run", "expected"), [
    ("samples = 8", "samples = 1000000", False, "2,000,000 runs, more than 100,000; give --yes to start them"),
    ('sampler = "lhs"\nsamples = 8\nsamples_are = "points"', 'sampler = "grid"\nsamples_are = "unused"', True,
     "2,000,000,000,000,000 runs; allowed at most 10,000,000 in one job"),
])
def test_an_experiment_too_big_is_refused_before_its_points_are_drawn(tmp_path, capsys, old, new, dry_run, expected):
    text = SMOKE.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    if "grid" in new:  # 5 parameters of 1,000 levels each: 10^15 points, never drawn, not even counted by a dry run
        text = text.split("[[parameters]]")[0] + "".join(
            f'[[parameters]]\npath = "designs.integraal.{p}"\nlow = 0.1\nhigh = 0.2\nlevels = 1000\n\n'
            for p in ("outreach_share", "casework_hours_per_case", "coordination_hours_per_case",
                      "bridging_hours_per_case", "coordination_hours_per_other_professional"))
    path = tmp_path / "experiment.toml"
    path.write_text(text.replace('"../scenarios/', f'"{ROOT}/scenarios/'), encoding="utf-8")
    argv = ["sweep", str(path), "--out", str(tmp_path / "out"), "--quiet"] + (["--dry-run"] if dry_run else [])
    assert main(argv) == 2
    assert expected in _one_line(capsys)
    assert not (tmp_path / "out").exists()


def test_the_app_refuses_an_upload_it_could_not_run(tmp_path, four_gb):
    path = _kleindorp_of(tmp_path, 300_000)
    with pytest.raises(ScenarioError, match=r"big\.toml: 1,200,000 residents over 1,170 weeks need about 3\.8 GB "
                                            r"of memory in the app's 2 workers; the app may use at most half"):
        from_upload(path.name, path.read_bytes())


def test_a_check_of_a_whole_table_names_the_table_not_its_text(tmp_path, capsys):
    text = SMOKE.read_text(encoding="utf-8")
    path = tmp_path / "experiment.toml"
    path.write_text(text.replace("samples = 8\n", "", 1).replace('"../scenarios/', f'"{ROOT}/scenarios/'),
                    encoding="utf-8")
    assert main(["sweep", str(path), "--dry-run", "--out", str(tmp_path / "out")]) == 2
    assert _one_line(capsys) == f"{path}: (top): sampler 'lhs' needs samples"


def test_a_run_on_a_full_disk_leaves_no_table_and_no_temporary(tmp_path, capsys, small, monkeypatch):
    """The disk fills while the third of a run's five files is written: exit 2, one line, the folder as it was."""
    import tomli_w

    import sim.output

    scenario = tmp_path / "small.toml"
    scenario.write_text(tomli_w.dumps(small.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    written = []
    real = sim.output._table_writer

    def filling(df, units, table):
        write = real(df, units, table)

        def maybe_full(path: Path) -> None:
            written.append(path)
            if len(written) == 3:
                path.write_bytes(b"half")
                raise OSError(28, "No space left on device", str(path))
            write(path)
        return maybe_full

    monkeypatch.setattr(sim.output, "_table_writer", filling)
    assert main(["run", str(scenario), "--quiet", "--out", str(out)]) == 2
    assert "cannot read or write: No space left on device" in _one_line(capsys)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_init_refuses_a_row_with_more_cells_than_the_header(tmp_path, capsys):
    text = (ROOT / "scenarios" / "example-wijken.csv").read_text(encoding="utf-8")
    row = "WK999900,Binnenstad,Voorbeeldstad,Wijk,6100"
    assert row in text
    source = tmp_path / "wijken.csv"
    source.write_text(text.replace(row, "WK999900,Binnenstad,Centrum,Voorbeeldstad,Wijk,6100", 1), encoding="utf-8")
    out = tmp_path / "x.toml"
    assert main(["init", "--from", str(source), "--name", "X", "--out", str(out)]) == 2
    line = _one_line(capsys)
    assert re.fullmatch(rf"{re.escape(str(source))}: line \d+: 15 cells, the header has 14; "
                        r"a value holding ',' needs quotes", line), line
    assert not out.exists()
