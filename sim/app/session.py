"""One comparison as a browser session runs it: two designs, a few replications, streamed.

The runs go to the shared pool (sim.app.worker). Replication r of every design uses the
same seed (common random numbers, as `wijkteam compare`), so the audit's paired effects
are those of sim.audit. The first replication of each design streams its weekly totals;
the page redraws from `Comparison` snapshots as parts arrive.
"""

from __future__ import annotations

import queue as queue_module
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim import audit, compare
from sim.app import worker
from sim.app.params import assumptions_between
from sim.output import write_table
from sim.scenario import Scenario

POLL_SECONDS = 0.1
UPDATE_SECONDS = 2.0  # between two redraws of a page's charts, per comparison running in the server
PROGRESS_SECONDS = 1.0  # between two redraws of its progress bar (a cheap one)

_running: list[int] = []  # ids of the comparisons running in this server, oldest first (the pool is first come)
_running_lock = threading.Lock()


def _enter(key: int) -> None:
    """Count a comparison as running, behind every one started before it."""
    with _running_lock:
        _running.append(key)


def _leave(key: int) -> None:
    """A comparison stopped running."""
    with _running_lock:
        _running.remove(key)


def ahead_of(key: int) -> int:
    """How many comparisons started before this one are still running (its place in the pool's queue)."""
    with _running_lock:
        return _running.index(key) if key in _running else 0


def update_interval() -> float:
    """Seconds between two redraws of a running page: longer while more comparisons share the server.

    Each redraw builds fresh figure widgets in the server process; with three comparisons
    streaming every two seconds the server fell behind and pages took tens of seconds to
    answer a click.
    """
    return UPDATE_SECONDS * max(1, len(_running))


@dataclass
class Comparison:
    """What the page shows of one comparison: progress, streamed series, finished runs, audit.

    The run loop replaces its dicts and lists instead of changing them in place, so the page
    may read them from another thread at any time.
    """

    number: int
    scenario: Scenario
    designs: list[str]
    replications: int
    folder: Path
    weeks_done: dict[str, int] = field(default_factory=dict)
    weekly: dict[str, pd.DataFrame] = field(default_factory=dict)  # key -> week, series
    grid: dict[str, pd.DataFrame] = field(default_factory=dict)  # design -> neighbourhood means
    flows: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    summaries: list[dict] = field(default_factory=list)
    audit: pd.DataFrame | None = None
    finished: bool = False
    updates: int = 0  # redraws of the charts
    parts: int = 0  # streamed parts received
    ahead: int = 0  # comparisons of other sessions the pool finishes first
    error: str = ""

    @property
    def total_weeks(self) -> int:
        """Weeks of one run, burn-in included."""
        return self.scenario.meta.burn_in_weeks + self.scenario.meta.weeks

    @property
    def progress(self) -> float:
        """Share of all weeks of all runs done, 0..1."""
        runs = len(self.designs) * self.replications
        return sum(self.weeks_done.values()) / (runs * self.total_weeks)

    def series(self) -> pd.DataFrame:
        """Weekly series so far in the report's shape: design, replication, week, outcomes."""
        parts = [w.assign(design=key.split("/")[0], replication=int(key.split("/")[1]))
                 for key, w in self.weekly.items() if len(w)]
        order = {d: k for k, d in enumerate(self.designs)}
        if not parts:
            return pd.DataFrame()
        out = pd.concat(parts, ignore_index=True)
        return out.sort_values(["design", "replication", "week"], key=lambda s: s.map(order) if s.name == "design"
                               else s, kind="stable").reset_index(drop=True)

    def mean_flows(self, design: str) -> pd.DataFrame | None:
        """Case flows of a design, averaged over its finished replications."""
        parts = self.flows.get(design)
        if not parts:
            return None
        return pd.concat(parts).groupby(["source", "target"], sort=False, as_index=False)["value"].mean()

    @property
    def waiting(self) -> bool:
        """Whether no run of this comparison has begun (the pool is busy with earlier ones)."""
        return not self.finished and not any(self.weeks_done.values())

    def describe(self, lang: str) -> str:
        """One line naming the comparison: profile, designs, weeks, replications, seed."""
        m = self.scenario.meta
        return DESCRIBE[lang].format(n=self.number, name=m.name, designs=" vs ".join(self.designs), weeks=m.weeks,
                                     burn_in=m.burn_in_weeks, reps=self.replications, seed=m.seed)


DESCRIBE = {  # the run log's line
    "nl": "#{n} {name}: {designs}, {weeks} weken (+{burn_in} inloop), {reps} herhalingen, startgetal {seed}",
    "en": "#{n} {name}: {designs}, {weeks} weeks (+{burn_in} burn-in), {reps} replications, seed {seed}",
}


def _key(design: str, replication: int) -> str:
    """The name of one run within a comparison."""
    return f"{design}/{replication}"


def _audit(c: Comparison) -> pd.DataFrame | None:
    """The audit table of the assumptions that compare the chosen designs (needs two replications)."""
    picked = assumptions_between(c.scenario, c.designs)
    if not picked or c.replications < 2:
        return None
    sub = c.scenario.model_copy(update={"assumptions": [c.scenario.assumptions[k] for k in picked]})
    runs = pd.DataFrame([{**row, "status": "ok"} for row in c.summaries])
    table = audit.audit_table(sub, runs)
    units = {col: "text" for col in table.columns}
    units.update({col: "metric unit (relative: fraction of the baseline)" for col in ("effect", "effect_low",
                                                                                         "effect_high")})
    units.update({"baseline_value": "metric unit", "design_value": "metric unit", "replications": "count"})
    write_table(table, c.folder / "audit.parquet", units, "audit")
    return table


def run(c: Comparison, on_update: Callable[[Comparison, bool], None], keep_going: Callable[[], bool]) -> Comparison:
    """Run every design and replication in the shared pool, calling on_update as results arrive.

    on_update(c, charts) is called about every PROGRESS_SECONDS while anything changed, with
    charts True when new data should redraw the charts (at once for the first, then throttled).
    """
    _enter(id(c))
    try:
        return _run(c, on_update, keep_going)
    finally:
        _leave(id(c))


def _run(c: Comparison, on_update: Callable[[Comparison, bool], None], keep_going: Callable[[], bool]) -> Comparison:
    """The body of `run`: submit, stream, collect, audit."""
    data = c.scenario.model_dump(mode="json")
    metrics = audit.metrics_needed(c.scenario)
    q = worker.new_queue()
    futures = {}
    for spec in compare.plan(c.scenario, c.designs, c.replications):
        key = _key(spec.design, spec.replication)
        c.weeks_done = {**c.weeks_done, key: 0}
        futures[worker.pool().submit(worker.run_design, data, spec.design, spec.seed, key,
                                     str(c.folder / f"{spec.design}-rep{spec.replication}"), metrics, q,
                                     spec.replication == 0)] = spec
    drawn = progressed = 0.0
    new_data = shown_data = False
    pending = set(futures)
    while pending:
        if not keep_going():
            for f in pending:
                f.cancel()
            c.error = "cancelled"
            return c
        parts = c.parts
        changed = _drain(c, q)
        new_data |= c.parts > parts
        for f in [f for f in pending if f.done()]:
            pending.discard(f)
            try:
                _collect(c, f.result(), futures[f])
            except Exception as err:  # noqa: BLE001 - a failed run is shown on the page, the others go on
                c.error = f"{futures[f].design}, replication {futures[f].replication}: {type(err).__name__}: {err}"
            changed = new_data = True
        ahead = ahead_of(id(c))
        changed |= ahead != c.ahead
        c.ahead = ahead
        now = time.monotonic()
        charts = new_data and (not shown_data or now - drawn >= update_interval())  # the first at once
        if charts or (changed and now - progressed >= PROGRESS_SECONDS):
            if charts:
                c.updates += 1
                drawn, new_data, shown_data = now, False, True
            on_update(c, charts)
            progressed = now
    _drain(c, q)  # parts sent just before a run ended
    c.weeks_done = dict.fromkeys(c.weeks_done, c.total_weeks)
    c.audit = _audit(c)
    c.finished = True
    c.updates += 1
    on_update(c, True)
    return c


def _drain(c: Comparison, q) -> bool:
    """Take every message waiting on the queue (waiting briefly for the first); whether any came."""
    got = False
    timeout = POLL_SECONDS
    while True:
        try:
            msg = q.get(timeout=timeout)
        except queue_module.Empty:
            return got
        got, timeout = True, 0.0
        kind, key, week = msg[0], msg[1], msg[2]
        c.weeks_done = {**c.weeks_done, key: max(c.weeks_done.get(key, 0), week)}
        if kind == "part":
            c.parts += 1
            c.weekly = {**c.weekly, key: msg[4]}
            c.grid = {**c.grid, key.split("/")[0]: msg[5]}


def _collect(c: Comparison, result: dict, spec) -> None:
    """Keep a finished run: its full series (first replications and bands), grid, flows, summary."""
    c.weeks_done = {**c.weeks_done, result["key"]: c.total_weeks}
    c.weekly = {**c.weekly, result["key"]: result["weekly"]}
    if spec.replication == 0:
        c.grid = {**c.grid, spec.design: result["grid"]}
    c.flows = {**c.flows, spec.design: [*c.flows.get(spec.design, []), result["flows"]]}
    c.summaries = [*c.summaries, {"design": spec.design, "replication": spec.replication, **result["summary"]}]
