"""The run engine.

Deterministic whatever the workers, resumable after SIGKILL, refuses a changed job,
records failing runs, survives dying workers, reaches an existing scheduler.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep.engine import run_job
from sim.sweep.experiment import base_scenario, check_parameters, identity, load_experiment, plan
from sim.sweep.spec import RunSpec, run_seed
from sim.sweep.store import TIMING_COLUMNS, JobChanged, JobStore

from .conftest import ROOT
from .response_models import register_response_models

register_response_models()
BIN = Path(sys.executable).parent

SMALL = """
[experiment]
name = "test"
description = "engine test"
scenario = "{scenario}"
residents_scale = {scale}
sampler = "grid"
samples_are = "unused"
replications = {reps}
seed = {seed}
outcomes = ["queue_length", "mean_wait_weeks", "crises", "cost_per_resident"]

[experiment.scenario_overrides]
"meta.weeks" = {weeks}
"meta.burn_in_weeks" = 26

[[parameters]]
path = "designs.integraal.fte_per_10k"
values = {values}
"""


def toy_grid(tmp_path, model: str, values: list[float]) -> Path:
    """An experiment over one parameter x of a test model, one replication per value."""
    path = tmp_path / f"{model}.toml"
    path.write_text(f"""
[experiment]
name = "{model}"
description = "engine test with the {model} model"
model = "{model}"
sampler = "grid"
samples_are = "unused"
replications = 1
seed = 1
outcomes = ["y"]

[[parameters]]
path = "x"
values = {values}
""")
    return path


def write_experiment(tmp_path, name="exp.toml", scale=0.1, reps=2, seed=3, weeks=26, values="[3.0, 6.0, 9.0]"):
    """An experiment on a reduced Kleindorp."""
    path = tmp_path / name
    path.write_text(SMALL.format(scenario=ROOT / "scenarios" / "kleindorp.toml", scale=scale, reps=reps, seed=seed,
                                 weeks=weeks, values=values))
    return path


def job(path, out, workers=0, scheduler=None):
    """Run the experiment at `path` into `out`; returns the engine's report."""
    exp, p = load_experiment(path)
    base = base_scenario(exp, p)
    assert check_parameters(exp, base, p) == []
    return run_job(JobStore(out), identity(exp, base), {}, plan(exp, base), base.model_dump(mode="json"),
                   exp.outcomes, workers=workers, scheduler=scheduler, progress=False)


def tables(out):
    """The job's two datasets, without timing columns, sorted by run id."""
    runs = pd.read_parquet(Path(out) / "runs.parquet").drop(columns=list(TIMING_COLUMNS))
    weekly = pd.read_parquet(Path(out) / "weekly.parquet")
    return (runs.sort_values("run_id").reset_index(drop=True),
            weekly.sort_values(["run_id", "week"]).reset_index(drop=True))


def test_seed_depends_on_point_and_replication_not_design_or_count():
    a = RunSpec(0, 1, "A", {"x": 1.0}, run_seed(9, {"x": 1.0}, 1))
    b = RunSpec(5, 1, "B", {"x": 1.0}, run_seed(9, {"x": 1.0}, 1))
    assert a.seed == b.seed and a.run_id != b.run_id
    assert run_seed(9, {"x": 1.0}, 2) != a.seed and run_seed(9, {"x": 2.0}, 1) != a.seed


def test_one_and_two_workers_give_identical_tables(tmp_path):
    path = write_experiment(tmp_path)
    job(path, tmp_path / "one", workers=1)
    job(path, tmp_path / "two", workers=2)
    job(path, tmp_path / "inproc", workers=0)
    one, two, inproc = tables(tmp_path / "one"), tables(tmp_path / "two"), tables(tmp_path / "inproc")
    assert len(one[0]) == 6 and (one[0]["status"] == "ok").all()
    for a, b in ((one, two), (one, inproc)):
        pd.testing.assert_frame_equal(a[0], b[0])
        pd.testing.assert_frame_equal(a[1], b[1])


def test_designs_at_the_same_point_share_seeds(tmp_path):
    path = write_experiment(tmp_path)
    exp, p = load_experiment(path)
    base = base_scenario(exp, p)
    specs = plan(exp.model_copy(update={"designs": ["integraal", "integraal"]}), base)
    by_point = {}
    for s in specs:
        by_point.setdefault((s.point, s.replication), set()).add(s.seed)
    assert all(len(seeds) == 1 for seeds in by_point.values())


def _parts(out: Path) -> int:
    """Runs finished in a job folder so far."""
    return len(list((out / "runs").glob("*.parquet"))) if (out / "runs").exists() else 0


def test_killed_job_resumes_without_recomputing(tmp_path):
    path = write_experiment(tmp_path, scale=0.25, reps=4, weeks=104, values="[3.0, 5.0, 7.0, 9.0, 11.0]")
    full = tmp_path / "full"
    job(path, full, workers=0)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim", "sweep", str(path), "--workers", "1", "--out", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.time() + 120
    while time.time() < deadline and _parts(out) < 4:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group: driver, cluster, workers
    proc.wait(timeout=30)
    before = _parts(out)
    assert 4 <= before < 20, "the kill must land in the middle of the job"
    report = job(path, out, workers=1)
    assert report.skipped == before
    assert report.executed == 20 - before
    a, b = tables(full), tables(out)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])


def test_more_replications_reuse_finished_runs(tmp_path):
    job(write_experiment(tmp_path, "one.toml", reps=1), tmp_path / "grow", workers=0)
    report = job(write_experiment(tmp_path, "two.toml", reps=2), tmp_path / "grow", workers=0)
    assert (report.skipped, report.executed) == (3, 3)
    job(write_experiment(tmp_path, "fresh.toml", reps=2), tmp_path / "fresh", workers=0)
    pd.testing.assert_frame_equal(tables(tmp_path / "grow")[0], tables(tmp_path / "fresh")[0])


def test_a_changed_job_is_refused_with_what_changed(tmp_path):
    job(write_experiment(tmp_path, "a.toml", seed=3), tmp_path / "job", workers=0)
    with pytest.raises(JobChanged, match="seed: 3 -> 4"):
        job(write_experiment(tmp_path, "b.toml", seed=4), tmp_path / "job", workers=0)


def test_a_raising_run_is_recorded_and_the_rest_completes(tmp_path, capsys):
    # raises_above is registered in this process only: the fresh worker processes find it by its import path.
    path = toy_grid(tmp_path, "raises_above", [0.1, 0.7, 0.3, 0.9, 0.2])
    from sim.cli import main

    assert main(["sweep", str(path), "--workers", "2", "--out", str(tmp_path / "f"), "--quiet"]) == 0
    runs = pd.read_parquet(tmp_path / "f" / "runs.parquet")
    failed = runs[runs["status"] == "failed"]
    assert sorted(failed["x"]) == [0.7, 0.9]
    assert failed["error"].str.contains("above 0.5").all()
    assert sorted(runs.loc[runs["status"] == "ok", "y"]) == [0.1, 0.2, 0.3]
    capsys.readouterr()
    assert main(["status", str(tmp_path / "f")]) == 0
    assert "5 runs: 3 done, 2 failed, 0 left" in capsys.readouterr().out
    # Running again tries the failed runs again (and only those).
    assert main(["sweep", str(path), "--workers", "0", "--out", str(tmp_path / "f"), "--quiet"]) == 0
    assert "3 finished before, 2 run now (2 failed)" in capsys.readouterr().out


def test_dry_run_counts_the_runs_and_writes_nothing(tmp_path, capsys, monkeypatch):
    from sim.cli import main

    path, out = write_experiment(tmp_path, reps=2), tmp_path / "dry"
    assert main(["sweep", str(path), "--dry-run", "--workers", "2", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "6 runs (3 points x 1 designs x 2 replications" in said and "0 already in" in said and "6 to run" in said
    assert "per run" in said and "with 2 workers" in said and not out.exists()
    job(path, out)
    main(["sweep", str(path), "--dry-run", "--out", str(out)])
    assert "6 already in" in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)  # status without a folder: every job folder under results/, or what it needs
    assert main(["status"]) == 2 and "give a job folder" in capsys.readouterr().err
    job(path, tmp_path / "results" / "sweep-small")
    assert main(["status"]) == 0
    assert "results/sweep-small: 6 runs: 6 done, 0 failed, 0 left" in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_runs_through_an_existing_scheduler(tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    sched = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),  # noqa: S603
                              "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",  # noqa: S603
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        path = write_experiment(tmp_path, reps=1)
        report = job(path, tmp_path / "remote", scheduler=address)
        assert report.executed == 3 and report.failed == 0
        job(path, tmp_path / "local", workers=0)
        pd.testing.assert_frame_equal(tables(tmp_path / "remote")[0], tables(tmp_path / "local")[0])
    finally:
        for p in (worker, sched):
            p.terminate()
            p.wait(timeout=30)


@pytest.mark.parametrize("name,runs", [("smoke", 16), ("staffing-outreach", 300), ("sobol-signalling", 384)])
def test_shipped_experiments_validate(name, runs):
    exp, p = load_experiment(ROOT / "experiments" / f"{name}.toml")
    base = base_scenario(exp, p)
    assert check_parameters(exp, base, p) == []
    specs = plan(exp, base)
    assert len(specs) == runs
    assert len({s.run_id for s in specs}) == runs


def test_bad_experiments_get_clear_errors(tmp_path):
    path = write_experiment(tmp_path, values="[3.0, 500.0]")
    exp, p = load_experiment(path)
    (line,) = check_parameters(exp, base_scenario(exp, p), p)
    assert "parameters[0]" in line and "designs.integraal.fte_per_10k" in line and "200" in line
    bad = tmp_path / "bad.toml"
    bad.write_text(path.read_text().replace('path = "designs.integraal.fte_per_10k"', 'path = "designs.nope.x"')
                   .replace('sampler = "grid"', 'sampler = "lhs"'))
    from sim.sweep.experiment import ExperimentError

    with pytest.raises(ExperimentError, match="samples_are must be 'points'"):
        load_experiment(bad)


def test_an_unregistered_model_is_refused_naming_file_and_field(tmp_path):
    from sim.sweep.experiment import ExperimentError

    path = toy_grid(tmp_path, "os.system", [0.1])
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    (line,) = err.value.problems
    assert line.startswith(f"{path}: model: 'os.system': not a run model; allowed: wijkteam, wijkteam_reference")


def test_only_module_level_functions_register_and_names_stay_taken():
    from sim.sweep.models import register

    from .response_models import ishigami

    def local(base, spec, outcomes):
        return {}, None

    with pytest.raises(ValueError, match="not a module-level function a worker can import"):
        register("local", local)
    with pytest.raises(ValueError, match="'wijkteam' is registered already, as sim.sweep.models:wijkteam"):
        register("wijkteam", ishigami)
    register("ishigami", ishigami)  # the same function again: no change


def test_the_run_engine_does_not_import_calibration():
    code = ("import sys, sim.sweep.engine, sim.sweep.experiment, sim.sweep.models, sim.sweep.spec; "
            "print(sorted(m for m in sys.modules if m.startswith('sim.calibrate')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)  # noqa: S603
    assert out.stdout.strip() == "[]"


def test_a_run_whose_worker_dies_is_retried(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKTEAM_TEST_MARKERS", str(tmp_path))
    path = toy_grid(tmp_path, "dies_once", [0.1, 0.2, 0.3])
    exp, p = load_experiment(path)
    report = run_job(JobStore(tmp_path / "d"), identity(exp, None), {}, plan(exp, None), {}, exp.outcomes,
                     workers=2, progress=False)
    runs = pd.read_parquet(tmp_path / "d" / "runs.parquet")
    assert report.failed == 0 and (runs["status"] == "ok").all()
    assert sorted(runs["y"]) == [0.1, 0.2, 0.3]
    assert len(list(tmp_path.glob("*-0"))) == 3  # each run did kill a worker once


def test_repeated_points_run_once(tmp_path):
    path = tmp_path / "morris.toml"
    path.write_text("""
[experiment]
name = "morris"
description = "Morris trajectories repeat points"
model = "ishigami"
sampler = "morris"
samples = 10
samples_are = "base_n"
replications = 1
seed = 1
outcomes = ["y"]

[[parameters]]
path = "x1"
low = -3.14
high = 3.14

[[parameters]]
path = "x2"
low = -3.14
high = 3.14

[[parameters]]
path = "x3"
low = -3.14
high = 3.14
""")
    exp, p = load_experiment(path)
    specs = plan(exp, None)
    points = {tuple(sorted(s.overrides.items())) for s in specs}
    assert len(specs) == len(points) < 10 * 4
    report = run_job(JobStore(tmp_path / "m"), identity(exp, None), {}, specs, {}, exp.outcomes, workers=0,
                     progress=False)
    assert report.executed == len(specs) and report.failed == 0


def test_worker_warm_up_accepts_every_shipped_scenario():
    from sim.scenario import load
    from sim.sweep.engine import warm_up

    for name in ("kleindorp", "middenstad", "grootstad", "queue-only"):
        warm_up(load(ROOT / "scenarios" / f"{name}.toml").model_dump(mode="json"))
