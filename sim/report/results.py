"""Read a results folder of any kind into one shape the report draws from.

Kinds: `run` (manifest.json of `wijkteam run`), `runs` (a folder of run folders, one or
more per design, as the workshop app writes them), and the job folders of the run engine
(job.json): `compare`, `audit` and `sweep`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from sim import compare
from sim.errors import ProblemsError
from sim.flows import FLOW_OUTCOMES, flow_outcomes, from_outcomes
from sim.scenario import Scenario, ScenarioError, load, scenario_hash, shipped_scenarios
from sim.sweep.store import JobStore

ROOT = Path(__file__).resolve().parent.parent.parent
VALIDATION_FILE = "validation.parquet"


class ReportError(ProblemsError):
    """A folder that is not a result the report can read; `problems` names file and field."""


@dataclass
class Results:
    """What a report needs from a results folder."""

    folder: Path
    kind: str
    scenario: Scenario
    scenario_file: Path | None
    designs: list[str]
    weekly: pd.DataFrame  # design, replication, week, series
    runs: pd.DataFrame  # design, replication, outcome means (and flows, parameters)
    comparison: pd.DataFrame | None = None
    audit: pd.DataFrame | None = None
    parameters: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    validation: pd.DataFrame | None = None
    validation_file: Path | None = None

    def flows(self, design: str) -> pd.DataFrame | None:
        """Mean case flows of a design over its replications, or None when the runs kept none."""
        r = self.runs[self.runs["design"] == design]
        if not set(FLOW_OUTCOMES) <= set(r.columns) or r[list(FLOW_OUTCOMES)].isna().all().all():
            return None
        return from_outcomes(r[list(FLOW_OUTCOMES)].mean())

    def replications(self) -> int:
        """The smallest number of replications of any design."""
        return int(self.runs.groupby("design")["replication"].nunique().min())


def _json(path: Path) -> dict:
    """A JSON file as a dict, or a ReportError naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ReportError([f"{path}: not readable as JSON: {err}"]) from err
    if not isinstance(data, dict):
        raise ReportError([f"{path}: expected a JSON object"])
    return data


def _parquet(path: Path) -> pd.DataFrame:
    """A Parquet table, or a ReportError naming the missing or unreadable file."""
    if not path.exists():
        raise ReportError([f"{path}: missing; the results folder is incomplete"])
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise ReportError([f"{path}: not a readable Parquet table: {err}"]) from err


def _scenario(data: object, where: str) -> Scenario:
    """The resolved scenario stored with the results, validated again."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ReportError([f"{where}: scenario: {e['loc']}: {e['msg']}" for e in err.errors()[:5]]) from err


def _located(path: str | None, folder: Path) -> Path | None:
    """A file named in the results: as given, from the project root or from the folder; None if none is there."""
    if not path:
        return None
    for candidate in (Path(path), ROOT / path, folder / path):
        if candidate.is_file():
            return candidate.resolve()
    return None


def _find(path: str | None, folder: Path) -> Path | None:
    """The scenario file named in the results, or None.

    Only a .toml file that loads as a scenario: a report is forwarded, and a manifest must not
    make it copy any other local file's text into the page.
    """
    found = _located(path, folder) if path and str(path).endswith(".toml") else None
    if found is None:
        return None
    try:
        load(found)
    except ScenarioError:
        return None
    return found


def _shipped(scenario: Scenario) -> Path | None:
    """The shipped scenario file of the same name, when the results do not say which file they used."""
    for path in shipped_scenarios():
        try:
            if load(path).meta.name == scenario.meta.name:
                return path
        except ScenarioError:
            continue
    return None


def _means(weekly: pd.DataFrame, cases: pd.DataFrame | None, weeks: int) -> dict[str, float]:
    """A run's summary as a job keeps it: mean of each series, and the case flows."""
    kept = set(compare.kept())
    out = {c: float(weekly[c].mean()) for c in weekly.columns if c in kept}
    if cases is not None:
        out.update(flow_outcomes(cases, weeks))
    return out


def _run_folder(folder: Path) -> tuple[dict, Scenario, pd.DataFrame, dict[str, float]]:
    """One `wijkteam run` folder: manifest, scenario, weekly totals and summary outcomes."""
    man = _json(folder / "manifest.json")
    if man.get("kind") != "run" or "design" not in man or "scenario" not in man:
        raise ReportError([f"{folder / 'manifest.json'}: kind: expected a manifest of `wijkteam run` "
                           "(fields kind = \"run\", design, scenario)"])
    scenario = _scenario(man["scenario"], str(folder / "manifest.json"))
    weekly = _parquet(folder / "weekly_totals.parquet")
    cases = _parquet(folder / "cases.parquet") if (folder / "cases.parquet").exists() else None
    return man, scenario, weekly, _means(weekly, cases, scenario.meta.weeks)


def _from_runs(folder: Path, run_folders: list[Path], kind: str) -> Results:
    """A run folder, or a folder of them: designs in folder order, replications numbered per design by seed."""
    loaded = [_run_folder(f) for f in run_folders]
    designs = list(dict.fromkeys(man["design"] for man, *_ in loaded))
    loaded.sort(key=lambda x: (designs.index(x[0]["design"]), x[0]["seed"]))
    weekly, rows, counts = [], [], {}
    for man, _, w, means in loaded:
        rep = counts[man["design"]] = counts.get(man["design"], -1) + 1
        weekly.append(w.assign(design=man["design"], replication=rep))
        rows.append({"design": man["design"], "replication": rep, "seed": man["seed"], "status": "ok", **means})
    first, scenario = loaded[0][0], loaded[0][1]
    file = _find(first.get("scenario_file"), folder) or _shipped(scenario)
    return Results(folder, kind, scenario, file, designs, pd.concat(weekly, ignore_index=True), pd.DataFrame(rows))


def _job_tables(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A job's runs and weekly series: the consolidated datasets, or the finished parts of a job still running."""
    if (folder / "runs.parquet").exists():
        runs = _parquet(folder / "runs.parquet")
        weekly = _parquet(folder / "weekly.parquet") if (folder / "weekly.parquet").exists() else None
    else:
        store = JobStore(folder)
        runs, weekly = store.runs(), store.weekly()
        if runs.empty:
            raise ReportError([f"{folder / 'runs.parquet'}: missing, and no finished runs in {folder / 'runs'}"])
    if weekly is None or weekly.empty:
        weekly = pd.DataFrame({"run_id": pd.Series(dtype=str), "week": pd.Series(dtype=int)})
    return runs, weekly


def _job(folder: Path) -> Results:
    """A job folder of the run engine: a comparison, an audit or a sweep."""
    man = _json(folder / "job.json")
    job, identity = man.get("job", {}), man.get("identity", {})
    runs, weekly = _job_tables(folder)
    runs = runs[runs["status"] == "ok"]
    weekly = weekly.merge(runs[["run_id", "design", "replication"]], on="run_id")
    if identity.get("kind") in ("comparison", "audit"):
        kind = "compare" if identity["kind"] == "comparison" else "audit"
        if "scenario" in job:
            scenario = _scenario(job["scenario"], str(folder / "job.json"))
        else:
            path = _find(job.get("scenario_file"), folder)
            if path is None:
                raise ReportError([f"{folder / 'job.json'}: job.scenario_file: {job.get('scenario_file')!r} "
                                   "not found, and the job holds no resolved scenario"])
            scenario = compare.equalise(load(path), identity["designs"], identity.get("equal", "none"))
        designs = list(identity["designs"])
        res = Results(folder, kind, scenario, _find(job.get("scenario_file"), folder), designs, weekly, runs)
    elif "experiment" in job:
        if not job.get("base_scenario"):
            raise ReportError([f"{folder / 'job.json'}: job.base_scenario: empty; the sweep's model "
                               f"{job['experiment'].get('model')!r} does not simulate a municipality"])
        exp = job["experiment"]
        scenario = _scenario(job["base_scenario"], str(folder / "job.json"))
        exp_file = _located(job.get("experiment_file"), folder)  # only its folder is used, never its text
        file = _find(str(exp_file.parent / exp["scenario"]), folder) if exp_file and exp.get("scenario") else None
        res = Results(folder, "sweep", scenario, file, list(dict.fromkeys(runs["design"])), weekly, runs,
                      parameters=[p["path"] for p in exp["parameters"]], outcomes=list(exp["outcomes"]))
    else:
        raise ReportError([f"{folder / 'job.json'}: identity.kind: expected 'comparison' or 'audit', "
                           "or a sweep's job.experiment"])
    for name in ("comparison", "audit"):
        if (folder / f"{name}.parquet").exists():
            setattr(res, name, _parquet(folder / f"{name}.parquet"))
    return res


def _in_design_order(res: Results) -> Results:
    """Sort the runs and weekly series by design (in the results' order), replication and week."""
    order = {d: k for k, d in enumerate(res.designs)}
    keys = ["design", "replication"]
    res.runs = res.runs.sort_values(keys, key=lambda c: c.map(order) if c.name == "design" else c,
                                    kind="stable").reset_index(drop=True)
    res.weekly = res.weekly.sort_values([*keys, "week"], key=lambda c: c.map(order) if c.name == "design" else c,
                                        kind="stable").reset_index(drop=True)
    return res


def _validated_scenario(path: Path) -> str | None:
    """The scenario hash a validation table was made for (its job folder's identity), or None."""
    job = path.parent / "validation" / "job.json"
    try:
        return json.loads(job.read_text(encoding="utf-8"))["identity"]["scenario_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _validation(res: Results) -> None:
    """Attach the table of `wijkteam validate` in the results folder, or beside it for the same scenario."""
    if (res.folder / VALIDATION_FILE).is_file():
        res.validation, res.validation_file = _parquet(res.folder / VALIDATION_FILE), res.folder / VALIDATION_FILE
        return
    wanted = scenario_hash(res.scenario)
    for place in sorted(p for p in res.folder.resolve().parent.iterdir() if p.is_dir()):
        path = place / VALIDATION_FILE
        if path.is_file() and _validated_scenario(path) == wanted:
            res.validation, res.validation_file = _parquet(path), path
            return


def read(folder: str | Path) -> Results:
    """Read a results folder of any kind; ReportError when it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError([f"{folder}: not a folder (give the folder written by run, compare, audit or sweep)"])
    if (folder / "manifest.json").exists():
        res = _from_runs(folder, [folder], "run")
    elif (folder / "job.json").exists():
        res = _job(folder)
    else:
        subs = sorted(p for p in folder.iterdir() if (p / "manifest.json").is_file())
        if not subs:
            raise ReportError([f"{folder}: not a results folder: no manifest.json (run), no job.json "
                               "(compare, audit, sweep) and no subfolders holding a manifest.json"])
        res = _from_runs(folder, subs, "runs")
        if (folder / "audit.parquet").exists():
            res.audit = _parquet(folder / "audit.parquet")
    if res.runs.empty:
        raise ReportError([f"{folder}: no finished runs"])
    _validation(res)
    return _in_design_order(res)
