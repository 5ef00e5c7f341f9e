"""The Solara page of the workshop app: settings on the left, the two designs side by side.

Every module-level `solara.reactive` value below is per browser session (Solara keeps one
value per virtual kernel), and so is the `run_comparison` task: sessions never see each
other's settings or runs. Values the user sets are validated again on the server
(sim.scenario.with_overrides) before anything runs.
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
import solara
import solara.lab
from ipyvuetify.extra import FileInput

from sim import steady
from sim.app import session, worker
from sim.app.figures import neighbourhood_grid, shared_range
from sim.app.params import Slider, assumption_sliders, best_pair, design_sliders, scenario_sliders
from sim.app.profiles import MAX_UPLOAD_BYTES, from_upload, load_profile, profiles, to_toml
from sim.app.texts import text
from sim.report.figures import sankey, timeseries
from sim.report.labels import label, shown_label
from sim.report.page import fmt
from sim.scenario import Scenario, ScenarioError, described, with_overrides

DEFAULT_PROFILE = "middenstad"
MAX_REPLICATIONS = 5
APP_ROOT = Path(os.environ.get("WIJKTEAM_APP_TMP", tempfile.gettempdir()))

lang = solara.reactive("nl")
profile = solara.reactive(DEFAULT_PROFILE)
uploaded: solara.Reactive[tuple[str, Scenario] | None] = solara.reactive(None)
design_a = solara.reactive("")
design_b = solara.reactive("")
overrides: solara.Reactive[dict] = solara.reactive({})
replications = solara.reactive(3)
problems: solara.Reactive[list[str]] = solara.reactive([])
notice = solara.reactive("")
shown: solara.Reactive[session.Comparison | None] = solara.reactive(None)
log: solara.Reactive[list[str]] = solara.reactive([])
tick = solara.reactive(0)
map_outcome = solara.reactive(worker.GRID[0])
series_outcome = solara.reactive(worker.SERIES[0])
folder: solara.Reactive[str] = solara.reactive("")


def base_scenario() -> Scenario:
    """The profile picked (shipped or uploaded) before the sliders' changes."""
    up = uploaded.value
    if up is not None and profile.value == f"{text('uploaded', 'en')}: {up[0]}":
        return up[1]
    return load_profile(profile.value)


def settings() -> Scenario:
    """The scenario as set on screen, validated again (ScenarioError lists the problems)."""
    return with_overrides(base_scenario(), **overrides.value)


def pick_profile(name: str) -> None:
    """Switch profile: its two designs most compared by assumptions, sliders back to its values."""
    profile.set(name)
    overrides.set({})
    problems.set([])
    a, b = best_pair(base_scenario())
    design_a.set(a)
    design_b.set(b)


def session_folder() -> Path:
    """This session's temporary folder for run folders (removed when the session ends)."""
    if not folder.value:
        folder.set(tempfile.mkdtemp(prefix="wijkteam-app-", dir=APP_ROOT))
    return Path(folder.value)


@solara.lab.task
def run_comparison(c: session.Comparison) -> session.Comparison:
    """Run a comparison in the shared pool; every streamed part redraws this session's page."""
    shown.set(c)
    log.set([*log.value, c.describe()])
    session.run(c, lambda _: tick.set(tick.value + 1), run_comparison.is_current)
    tick.set(tick.value + 1)
    return c


def start_run() -> None:
    """Validate the settings and start a comparison of the two designs."""
    try:
        scenario = settings()
    except ScenarioError as err:
        problems.set(err.problems)
        return
    if design_a.value == design_b.value:
        problems.set([text("same_design", lang.value)])
        return
    problems.set([])
    number = len(log.value) + 1
    out = session_folder() / f"run-{number}"
    out.mkdir()
    run_comparison(session.Comparison(number, scenario, [design_a.value, design_b.value], replications.value, out))


def on_upload(name: str, data: bytes) -> None:
    """Use an uploaded scenario (TOML text only, validated); show what is wrong otherwise."""
    try:
        scenario = from_upload(name, data)
    except ScenarioError as err:
        problems.set(err.problems)
        notice.set("")
        return
    uploaded.set((name, scenario))
    pick_profile(f"{text('uploaded', 'en')}: {name}")
    notice.set(text("upload_ok", lang.value).format(name))


@solara.component
def Upload():
    """A file picker for one scenario file; files over the size limit are refused unread."""
    info, set_info = solara.use_state(cast(list, []))
    picker = FileInput.element(accept=".toml", multiple=False, on_file_info=set_info)

    files, set_files = solara.use_state(cast(list, []))

    def wire() -> None:
        if info:  # wire the chunk reader to the files now chosen (as solara.FileDrop does)
            widget = cast(FileInput, solara.get_widget(picker))
            widget.version += 1
            widget.reset_stats()
            set_files(widget.get_files())

    def read(cancel) -> None:
        if not files:
            return
        name, size = files[0]["name"], files[0]["size"]
        if size > MAX_UPLOAD_BYTES:
            problems.set([f"{name}: {size:,} bytes; allowed at most {MAX_UPLOAD_BYTES:,} bytes"])
            return
        on_upload(name, files[0]["file_obj"].read())

    solara.use_effect(wire, [info])
    solara.use_thread(read, [files])
    return picker


@solara.component
def ParamSlider(s: Slider, name: str):
    """One slider bound to an override path."""
    value = overrides.value.get(s.path, s.value)

    def set_value(v) -> None:
        overrides.set({**overrides.value, s.path: int(v) if s.integer else float(v)})

    if s.integer:
        solara.SliderInt(name, value=int(value), min=int(s.low), max=int(s.high), step=int(s.step),
                         on_value=set_value)
    else:
        solara.SliderFloat(name, value=float(value), min=s.low, max=s.high, step=s.step, on_value=set_value)


@solara.component
def RunLength(scenario: Scenario):
    """Recorded weeks, burn-in, seed and replications."""
    meta = scenario.meta
    lg = lang.value

    def setter(path: str):
        return lambda v: overrides.set({**overrides.value, path: v})

    solara.InputInt(text("weeks", lg), value=overrides.value.get("meta.weeks", meta.weeks),
                    on_value=setter("meta.weeks"), classes=["input-weeks"])
    solara.InputInt(text("burn_in", lg), value=overrides.value.get("meta.burn_in_weeks", meta.burn_in_weeks),
                    on_value=setter("meta.burn_in_weeks"), classes=["input-burn-in"])
    solara.InputInt(text("seed", lg), value=overrides.value.get("meta.seed", meta.seed),
                    on_value=setter("meta.seed"), classes=["input-seed"])
    with solara.Column(classes=["replications"]):
        solara.SliderInt(text("replications", lg), value=replications, min=1, max=MAX_REPLICATIONS)


@solara.component
def Settings():
    """The left column: profile, designs, run length, sliders, upload, run and downloads."""
    lg = lang.value
    names = list(profiles())
    if uploaded.value is not None:
        names.append(f"{text('uploaded', 'en')}: {uploaded.value[0]}")
    base = base_scenario()
    designs = list(base.designs)
    with solara.Card(text("app_title", lg)):
        solara.ToggleButtonsSingle(value=lang, values=["nl", "en"], classes=["lang-toggle"])
        solara.Select(text("profile", lg), values=names, value=profile.value, on_value=pick_profile,
                      classes=["select-profile"])
        for key, chosen in (("design_a", design_a), ("design_b", design_b)):
            solara.Select(text(key, lg), values=designs, value=chosen, classes=[f"select-{key.replace('_', '-')}"])
            if chosen.value in base.designs:
                solara.Text(described(base.designs[chosen.value], lg), classes=["design-description"])
        with solara.Details(text("run_settings", lg), expand=True):
            RunLength(base)
        with solara.Details(text("municipality", lg)):
            for s in scenario_sliders(base):
                ParamSlider(s, text(s.path.rsplit(".", 1)[1], lg))
        for d in (design_a.value, design_b.value):
            with solara.Details(text("design_params", lg).format(d)):
                for s in design_sliders(base, d):
                    ParamSlider(s, text(s.path.rsplit(".", 1)[1], lg))
        Beleidstafel(base)
        solara.Button(text("run", lg), on_click=start_run, color="primary", disabled=run_comparison.pending,
                      classes=["run-button"])
        with solara.Column(classes=["upload"]):
            solara.Text(text("upload", lg))
            Upload()
        Messages()
        Downloads()


@solara.component
def Messages():
    """What the last upload or run request said: loaded, or the problems found."""
    lg = lang.value
    with solara.Column():
        if notice.value:
            solara.Success(notice.value)
        if problems.value:
            solara.Error(text("errors", lg) + "\n" + "\n".join(problems.value), classes=["problems"])


@solara.component
def Beleidstafel(base: Scenario):
    """Sliders for the expected size of the assumptions that compare the two designs."""
    lg = lang.value
    sliders = assumption_sliders(base, [design_a.value, design_b.value])
    with solara.Details(text("beleidstafel", lg), expand=bool(sliders)):
        if not sliders:
            pairs = sorted({f"{a.baseline} / {a.design}" for a in base.assumptions})
            solara.Text(text("no_assumptions", lg).format(", ".join(pairs) or "-"))
        for s in sliders:
            a = base.assumptions[int(s.path.split(".")[1])]
            solara.Text(a.statement_nl if lg == "nl" else a.statement_en)
            ParamSlider(s, f"{text('size', lg)} ({text(a.size_kind, lg)})")


@solara.component
def Downloads():
    """Download the report of the comparison on screen, and its scenario file."""
    lg = lang.value
    c = shown.value
    if c is not None and c.finished:
        def report() -> str:
            from sim.report import build

            return build(c.folder, lang=lg)

        stem = f"{c.scenario.meta.name.lower()}-{'-'.join(c.designs)}"
        solara.FileDownload(report, filename=f"rapport-{stem}.html" if lg == "nl" else f"report-{stem}.html",
                            label=text("download_report", lg), mime_type="text/html")
        scenario = c.scenario
    else:
        try:
            scenario = settings()
        except ScenarioError:
            return
        stem = scenario.meta.name.lower()
    solara.FileDownload(lambda: to_toml(scenario), filename=f"{stem}.toml", label=text("download_scenario", lg),
                        mime_type="application/toml")


def _choice(keys: list[str], current: solara.Reactive[str], name: str, lg: str, css: str):
    """A select showing labels for outcome keys."""
    by_label = {shown_label(k, lg): k for k in keys}
    solara.Select(name, values=list(by_label), value=shown_label(current.value, lg),
                  on_value=lambda v: current.set(by_label[v]), classes=[css])


@solara.component
def Results():
    """The right column: progress, neighbourhood maps, time series, flows, audit and the run log."""
    lg = lang.value
    _ = tick.value  # redraw when the running comparison streams a part
    c = shown.value
    if c is None:
        solara.Info(text("no_runs", lg))
        RunLog()
        return
    Status(c, c.updates)
    Headlines(c, len(c.summaries))
    MapSection(c, c.updates)
    SeriesSection(c, c.updates)
    FlowSection(c, sum(len(v) for v in c.flows.values()))
    Audit(c, c.finished)
    RunLog()


@solara.component
def Status(c: session.Comparison, updates: int):
    """Progress while the comparison runs; what went wrong, if anything."""
    lg = lang.value
    with solara.Column():
        if run_comparison.pending:
            solara.Text(text("running", lg).format(c.progress), classes=["progress-text"])
            solara.ProgressLinear(value=100 * c.progress)
        if c.error and c.error != "cancelled":
            solara.Error(text("run_failed", lg).format(c.error))
        finished = pd.DataFrame(c.summaries, columns=["design", "queue_growing"])
        for d, (k, n) in steady.growing_replications(finished, c.designs).items():
            solara.Warning(f"{d}: {label('queue_still_growing', lg).format(k, n)}", classes=["queue-growing"])


@solara.component
def Headlines(c: session.Comparison, finished_runs: int):
    """Per design, the mean over its finished replications of the waits that matter, the team's and care's."""
    lg = lang.value
    if not finished_runs:
        return
    names = [n for n in worker.HEADLINES if n != "queue_growing"]
    head = "".join(f"<th>{html.escape(x)}</th>" for x in [text("design", lg), *(label(n, lg) for n in names)])
    rows = []
    for d in c.designs:
        done = [s for s in c.summaries if s["design"] == d]
        cells = [html.escape(d)] + [_fmt([s[n] for s in done], lg) for n in names]
        rows.append("<tr>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
    solara.HTML(tag="div", unsafe_innerHTML=f"<table><tr>{head}</tr>{''.join(rows)}</table>", classes=["headlines"])


def _fmt(values: list[float], lg: str) -> str:
    """The mean of a headline over replications to one decimal, as the report writes numbers; a dash without any."""
    known = [v for v in values if not np.isnan(v)]
    return fmt(round(float(np.mean(known)), 1), lg) if known else "–"


@solara.component
def MapSection(c: session.Comparison, updates: int):
    """The two designs' neighbourhood maps side by side, on one colour scale."""
    lg = lang.value
    grids = [c.grid[d] for d in c.designs if d in c.grid]
    if not grids:
        return
    _choice(worker.GRID, map_outcome, text("outcome_shown", lg), lg, "select-map-outcome")
    zrange = shared_range(grids, map_outcome.value)
    with solara.Columns([1, 1]):
        for d in c.designs:
            if d in c.grid:
                Figure(neighbourhood_grid(c.grid[d], map_outcome.value, d, lg, zrange),
                       f"grid-{d}-{c.number}-{updates}-{map_outcome.value}-{lg}")


@solara.component
def SeriesSection(c: session.Comparison, updates: int):
    """Both designs' weekly series of one outcome, with replication bands once they finish."""
    lg = lang.value
    series = c.series()
    if not len(series):
        return
    _choice(worker.SERIES, series_outcome, text("series_shown", lg), lg, "select-series-outcome")
    fig = timeseries(series, series_outcome.value, lg, c.scenario.population)
    Figure(fig, f"series-{c.number}-{updates}-{series_outcome.value}-{lg}")


@solara.component
def FlowSection(c: session.Comparison, finished_runs: int):
    """Each design's case flows (mean over its finished replications) side by side."""
    lg = lang.value
    flows = {d: c.mean_flows(d) for d in c.designs}
    if all(f is None for f in flows.values()):
        return
    Heading(label("section_flows", lg))
    with solara.Columns([1, 1]):
        for d, f in flows.items():
            if f is not None:
                Figure(sankey(f, lg, title=d), f"sankey-{d}-{c.number}-{finished_runs}-{lg}")


@solara.component
def Audit(c: session.Comparison, finished: bool):
    """The verdicts on the assumptions that compare the two designs (once every run is done)."""
    lg = lang.value
    if not finished:
        return
    Heading(label("section_audit", lg))
    if c.audit is None:
        solara.Text(text("audit_needs_two", lg) if c.replications < 2 else
                    text("no_assumptions", lg).format("-"))
        return
    solara.HTML(tag="div", unsafe_innerHTML=audit_html(c.audit, lg), classes=["audit-table"])


def audit_html(table: pd.DataFrame, lg: str) -> str:
    """The audit as an HTML table with labels in the page's language (every cell escaped)."""
    heads = ["assumption", "versus", "expected", "effect", "verdict"]
    rows = ["<tr>" + "".join(f"<th>{html.escape(label(h, lg))}</th>" for h in heads) + "</tr>"]
    for _, r in table.iterrows():
        pct = r["size_kind"] == "relative"

        def signed(x: float, pct: bool = pct) -> str:
            return _separators(f"{x:+.1%}" if pct else f"{x:+.3g}", lg)

        expected = signed(float(str(r["expected"]).split()[0]))  # audit_table writes the signed size first
        cells = [r["statement_nl"] if lg == "nl" else r["statement_en"], f"{r['design']} / {r['baseline']}",
                 expected, f"{signed(r['effect'])} [{signed(r['effect_low'])}, {signed(r['effect_high'])}]",
                 label(r["verdict"], lg)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in cells) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _separators(number: str, lg: str) -> str:
    """A formatted number with the language's separators (Dutch: 1.234,5)."""
    return number.translate(str.maketrans(",.", ".,")) if lg == "nl" else number


@solara.component
def Heading(title: str, tag: str = "h3"):
    """A section heading (plain HTML: Markdown would load a diagram library from a CDN)."""
    solara.HTML(tag=tag, unsafe_innerHTML=html.escape(title))


@solara.component
def Figure(fig, key: str):
    """A Plotly figure drawn by a fresh widget whenever its key (what it shows) changes.

    A fresh widget instead of patching the old one's traces: patching races with the trace
    updates the browser sends back while a part streams in.
    """
    solara.FigurePlotly(fig, dependencies=[key]).key(key)


@solara.component
def RunLog():
    """The comparisons run in this session (and only this one)."""
    lg = lang.value
    Heading(f"{text('runs_log', lg)} ({len(log.value)})", "h4")
    with solara.Column(classes=["run-log"]):
        for line in log.value:
            solara.Text(line, classes=["run-log-line"])


@solara.component
def Page():
    """The app: settings beside results; the session folder is removed when the page closes."""
    def first_time():
        if not design_a.value:
            pick_profile(profile.value)

        def cleanup():
            if folder.value:
                shutil.rmtree(folder.value, ignore_errors=True)
        return cleanup

    solara.use_effect(first_time, [])
    solara.Title(text("app_title", lang.value))
    if not design_a.value:
        return
    with solara.Columns([1, 3]):
        Settings()
        with solara.Column():
            Results()
