"""The Solara page of the workshop app: a bar with the run button, settings left, the two designs right.

Every module-level `solara.reactive` value below is per browser session (Solara keeps one
value per virtual kernel), and so is the `run_comparison` task: sessions never see each
other's settings or runs. Values the user sets are validated again on the server
(sim.scenario.with_overrides) before anything runs. The page's state lives in its URL
(sim.app.state), so a reload or a shared link opens the same comparison.
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
from sim.app.params import (
    Slider,
    assumption_sliders,
    best_pair,
    change_sliders,
    design_sliders,
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
from sim.app.texts import UNITS, help_line, text, unit
from sim.compare import compact
from sim.intervals import mean_interval
from sim.report.bundle import plotly_json
from sim.report.figures import sankey, timeseries
from sim.report.labels import label, shown_label
from sim.report.page import separated
from sim.scenario import Scenario, ScenarioError, described, with_overrides
from sim.tables import before_after
from sim.units import shown as shown_unit

DEFAULT_PROFILE = "middenstad"
MAX_REPLICATIONS = 5
PLOTLY_URL = "/static/assets/plotly.min.js"  # served from plotly's package (sim.app.server)
APP_ROOT = Path(os.environ.get("WIJKTEAM_APP_TMP", tempfile.gettempdir()))

lang = solara.reactive("nl")
profile = solara.reactive(DEFAULT_PROFILE)
uploaded: solara.Reactive[tuple[str, Scenario, str] | None] = solara.reactive(None)  # name, scenario, text
design_a = solara.reactive("")
design_b = solara.reactive("")
overrides: solara.Reactive[dict] = solara.reactive({})
replications = solara.reactive(3)
problems: solara.Reactive[list[str]] = solara.reactive([])
notice = solara.reactive("")
shown: solara.Reactive[session.Comparison | None] = solara.reactive(None)
log: solara.Reactive[list[session.Comparison]] = solara.reactive([])
tick = solara.reactive(0)  # new data for the charts
progress_tick = solara.reactive(0)  # new progress only (redraws the bar, not the charts)
map_outcome = solara.reactive(worker.GRID[0])
series_outcome = solara.reactive(worker.SERIES[0])
folder: solara.Reactive[str] = solara.reactive("")


def uploaded_name() -> str:
    """The profile name an uploaded file goes by, or '' without an upload."""
    return f"{text('uploaded', 'en')}: {uploaded.value[0]}" if uploaded.value is not None else ""


def base_scenario() -> Scenario:
    """The profile picked (shipped or uploaded) before the sliders' changes."""
    if uploaded.value is not None and profile.value == uploaded_name():
        return uploaded.value[1]
    return load_profile(profile.value)


def base_text() -> str:
    """The file text of the profile picked, comments and all (for the scenario download)."""
    if uploaded.value is not None and profile.value == uploaded_name():
        return uploaded.value[2]
    return profile_text(profile.value)


def settings() -> Scenario:
    """The scenario as set on screen, validated again (ScenarioError lists the problems)."""
    return with_overrides(base_scenario(), **undated(overrides.value))


def pick_profile(name: str) -> None:
    """Switch profile: its two designs most compared by assumptions, sliders back to its values."""
    profile.set(name)
    overrides.set({})
    problems.set([])
    a, b = best_pair(base_scenario())
    design_a.set(a)
    design_b.set(b)


def page_state() -> PageState:
    """What the page shows now, as the URL keeps it."""
    return PageState(lang.value, profile.value, design_a.value, design_b.value, replications.value,
                     dict(overrides.value))


def apply_query(search: str) -> None:
    """Set the page from a URL query; what the query asks that cannot be used is listed as a problem."""
    state, found = parse_query(search, list(profiles()), load_profile, MAX_REPLICATIONS)
    if state is None:
        pick_profile(DEFAULT_PROFILE)
    else:
        lang.set(state.lang)
        profile.set(state.profile)
        design_a.set(state.design_a)
        design_b.set(state.design_b)
        replications.set(state.replications)
        overrides.set(state.overrides)
    problems.set(found)


def session_folder() -> Path:
    """This session's temporary folder for run folders (removed when the session ends)."""
    if not folder.value:
        folder.set(tempfile.mkdtemp(prefix="wijkteam-app-", dir=APP_ROOT))
    return Path(folder.value)


def redraw(_: session.Comparison, charts: bool) -> None:
    """Redraw this session's page: the charts when new data came, else only the progress."""
    counter = tick if charts else progress_tick
    counter.set(counter.value + 1)


@solara.lab.task
def run_comparison(c: session.Comparison) -> session.Comparison:
    """Run a comparison in the shared pool; streamed parts redraw this session's page."""
    shown.set(c)
    log.set([*log.value, c])
    session.run(c, redraw, run_comparison.is_current)
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
    """Use an uploaded scenario (TOML text only, validated); a file the app wrote brings its comparison back."""
    try:
        scenario = from_upload(name, data)
    except ScenarioError as err:
        problems.set(err.problems)
        notice.set("")
        return
    source = data.decode("utf-8").removeprefix("\ufeff")
    uploaded.set((name, scenario, source))
    pick_profile(uploaded_name())
    again = compared(source)
    if again is not None and {again[0], again[1]} <= set(scenario.designs) and 1 <= again[2] <= MAX_REPLICATIONS:
        design_a.set(again[0])
        design_b.set(again[1])
        replications.set(again[2])
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
def Param(s: Slider, name: str, unit_text: str, help_text: str):
    """One parameter: its name, a number field with the unit, a slider over the schema's range, a line of help."""
    value = overrides.value.get(s.path, s.value)

    def set_value(v) -> None:
        if v is not None:
            overrides.set({**overrides.value, s.path: int(v) if s.integer else float(v)})

    with solara.Div(classes=["wt-param", f"param-{s.path.replace('.', '-')}"]):  # named for tests and styles
        with solara.Div(classes=["wt-param-head"]):
            solara.Text(name, classes=["wt-param-name"])
            if s.integer:
                solara.InputInt(unit_text, value=value, on_value=set_value, dense=True, classes=["wt-param-input"])
            else:
                DecimalField(unit_text, float(value), set_value)
        if s.integer:
            solara.SliderInt("", value=int(value), min=int(s.low), max=int(s.high), step=int(s.step),
                             on_value=set_value, thumb_label=False)
        else:
            solara.SliderFloat("", value=float(value), min=s.low, max=s.high, step=s.step, on_value=set_value,
                               thumb_label=False)
        if help_text:
            solara.Text(help_text, classes=["wt-help"])


@solara.component
def DecimalField(label_text: str, value: float, on_value):
    """A number field written with the page's decimal separator (Dutch: 0,15); either separator is read."""
    lg = lang.value

    def parse(typed: str) -> None:
        try:
            on_value(float(typed.strip().replace(",", ".")))
        except ValueError:
            problems.set([f"{label_text}: {typed!r}: {text('not_a_number', lg)}"])

    solara.InputText(label_text, value=separated(f"{value:.6g}", lg), on_value=parse, continuous_update=False,
                     dense=True, classes=["wt-param-input"])


@solara.component
def NamedParam(s: Slider):
    """A scenario or design parameter with its name, unit and help in the page's language."""
    key, lg = s.path.rsplit(".", 1)[1], lang.value
    Param(s, text(key, lg), unit(key, lg), help_line(key, lg))


@solara.component
def RunLength(scenario: Scenario):
    """Recorded weeks, burn-in, seed and replications."""
    meta = scenario.meta
    lg = lang.value

    def setter(path: str):
        return lambda v: overrides.set({**overrides.value, path: v}) if v is not None else None

    with solara.Div(classes=["wt-run-length"]):
        solara.InputInt(text("weeks", lg), value=overrides.value.get("meta.weeks", meta.weeks),
                        on_value=setter("meta.weeks"), classes=["input-weeks"])
        solara.InputInt(text("burn_in", lg), value=overrides.value.get("meta.burn_in_weeks", meta.burn_in_weeks),
                        on_value=setter("meta.burn_in_weeks"), classes=["input-burn-in"])
        solara.InputInt(text("seed", lg), value=overrides.value.get("meta.seed", meta.seed),
                        on_value=setter("meta.seed"), classes=["input-seed"])
    with solara.Column(classes=["replications"]):
        solara.Text(f"{text('replications', lg)}: {replications.value}", classes=["wt-param-name"])
        solara.SliderInt("", value=replications, min=1, max=MAX_REPLICATIONS, thumb_label=False,
                         tick_labels="end_points")


@solara.component
def Settings():
    """The left column: profile, designs, run length, parameters, policy table, upload and downloads."""
    lg = lang.value
    names = list(profiles())
    if uploaded.value is not None:
        names.append(uploaded_name())
    base = base_scenario()
    designs = list(base.designs)
    solara.Select(text("profile", lg), values=names, value=profile.value, on_value=pick_profile,
                  classes=["select-profile"])
    for key, chosen in (("design_a", design_a), ("design_b", design_b)):
        solara.Select(text(key, lg), values=designs, value=chosen, classes=[f"select-{key.replace('_', '-')}"])
        solara.Text(described(base.designs[chosen.value], lg) if chosen.value in base.designs else "",
                    classes=["design-description"])
    with solara.Details(text("run_settings", lg), expand=True):
        RunLength(base)
    with solara.Details(text("municipality", lg)):
        for s in scenario_sliders(base):
            NamedParam(s)
    for d in (design_a.value, design_b.value):
        with solara.Details(text("design_params", lg).format(d)):
            # a profile just switched has its own designs set right after it: until then, no sliders (and the
            # same elements, so the upload below is not remounted, which would cancel the upload's thread)
            for s in design_sliders(base, d) if d in base.designs else []:
                NamedParam(s)
    Changes(base)
    Beleidstafel(base)
    with solara.Column(classes=["upload"]):
        solara.Text(text("upload", lg))
        Upload()
    Downloads(tick.value)
    solara.Text(text("link_hint", lg), classes=["wt-help"])


@solara.component
def Changes(base: Scenario):
    """The profile's scheduled changes: the week of each, and its value if a number (e.g. extra FTE from year 2)."""
    lg = lang.value
    sliders = change_sliders(base)
    if not sliders:
        return
    with solara.Details(text("changes", lg), expand=True):
        with solara.Div(classes=["wt-changes"]):
            for s in sliders:
                _, k, field = s.path.split(".")
                c = base.changes[int(k)]
                key = c.path.rsplit(".", 1)[-1]
                if field == "week":
                    Param(s, text("change_week", lg), "", text("change_help", lg).format(c.note or c.path))
                else:
                    shown_unit = unit(key, lg) if key in UNITS else ""
                    Param(s, f"{text('change_value', lg)}: {_param_name(key, lg)}", shown_unit, c.path)


def _param_name(key: str, lg: str) -> str:
    """A parameter's name on the page, or its key where the page has none."""
    try:
        return text(key, lg)
    except KeyError:
        return key


@solara.component
def Messages():
    """What the last upload, link or run request said: loaded, or the problems found."""
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
            Param(s, a.statement_nl if lg == "nl" else a.statement_en,
                  f"{text('size', lg)}: {unit(a.size_kind, lg)}", "")


@solara.component
def Downloads(charts: int):
    """Download the report of the comparison on screen (once it is finished), and its scenario file.

    `charts` (the page's data counter) makes this redraw when a comparison finishes.
    """
    lg = lang.value
    c = shown.value
    if c is not None and c.finished and c.error != "cancelled":
        def report() -> str:
            from sim.report import build

            return build(c.folder, lang=lg)

        stem = f"{c.scenario.meta.name.lower()}-{'-'.join(c.designs)}"
        solara.FileDownload(report, filename=f"rapport-{stem}.html" if lg == "nl" else f"report-{stem}.html",
                            label=text("download_report", lg), mime_type="text/html")
    try:
        settings()
    except ScenarioError:
        return
    source, base, changes = base_text(), base_scenario(), dict(overrides.value)
    pair, reps = [design_a.value, design_b.value], replications.value
    solara.FileDownload(lambda: workshop_toml(source, base, changes, pair, reps),
                        filename=f"{base.meta.name.lower()}-workshop.toml", label=text("download_scenario", lg),
                        mime_type="application/toml")


def _choice(keys: list[str], current: solara.Reactive[str], name: str, lg: str, css: str):
    """A select showing labels for outcome keys (the first while `current` is not among them)."""
    by_label = {shown_label(k, lg): k for k in keys}
    chosen = current.value if current.value in keys else keys[0]
    solara.Select(name, values=list(by_label), value=shown_label(chosen, lg),
                  on_value=lambda v: current.set(by_label[v]), classes=[css])


@solara.component
def Results():
    """The right column: messages, key figures, neighbourhood maps, time series, flows, audit and the run log."""
    lg = lang.value
    _ = tick.value  # redraw when the running comparison streams new data
    Messages()
    c = shown.value
    if c is None:
        solara.Info(text("no_runs", lg))
        RunLog()
        return
    Growing(c, len(c.summaries))
    KeyFigures(c, len(c.summaries))
    MapSection(c, c.updates)
    SeriesSection(c, c.updates)
    FlowSection(c, sum(len(v) for v in c.flows.values()))
    Audit(c, c.finished)
    RunLog()


@solara.component
def Status():
    """In the bar: the comparison's place in the pool's queue, its progress, or what went wrong."""
    lg = lang.value
    _ = progress_tick.value, tick.value
    c = shown.value
    if c is None:
        return
    with solara.Div(classes=["wt-status"]):
        if run_comparison.pending and c.waiting and c.ahead:
            solara.Text(text("queued", lg).format(c.ahead), classes=["queue-place"])
        elif run_comparison.pending:
            solara.Text(text("running", lg).format(c.progress), classes=["progress-text"])
            solara.ProgressLinear(value=100 * c.progress)
        elif c.finished:
            solara.Text(f"#{c.number}: {text('done', lg)}", classes=["done-text"])
        if c.error and c.error != "cancelled":
            solara.Error(text("run_failed", lg).format(c.error))


@solara.component
def Growing(c: session.Comparison, finished_runs: int):
    """A warning per design whose waiting list still grew in some finished replication."""
    lg = lang.value
    finished = pd.DataFrame(c.summaries, columns=["design", "queue_growing"])
    for d, (k, n) in steady.growing_replications(finished, c.designs).items():
        solara.Warning(f"{d}: {label('queue_still_growing', lg).format(k, n)}", classes=["queue-growing"])


@solara.component
def KeyFigures(c: session.Comparison, finished_runs: int):
    """The two designs side by side: each key outcome's mean, and B − A paired by replication with its interval."""
    lg = lang.value
    if not finished_runs:
        return
    names = [n for n in worker.HEADLINES if n != "queue_growing"]
    a, b = c.designs
    by = {d: {s["replication"]: s for s in c.summaries if s["design"] == d} for d in c.designs}
    head = [text("key_figures", lg), a, b, text("difference_b_a", lg)]
    rows = []
    for n in names:
        factor = shown_unit(n, c.scenario.population).factor
        means = [_mean([r[n] * factor for r in by[d].values()]) for d in c.designs]
        paired = np.array([by[b][k][n] - by[a][k][n] for k in by[a] if k in by[b]], dtype=float) * factor
        rows.append([shown_label(n, lg), _num(means[0], lg), _num(means[1], lg), _difference(paired, lg)])
    heads = "".join(f"<th>{html.escape(x)}</th>" for x in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in row) + "</tr>" for row in rows)
    solara.HTML(tag="div", unsafe_innerHTML=f"<table><tr>{heads}</tr>{body}</table>", classes=["headlines"])


def _mean(values: list[float]) -> float:
    """The mean of the values that are known; NaN without any."""
    known = [v for v in values if not np.isnan(v)]
    return float(np.mean(known)) if known else float("nan")


def _difference(paired: np.ndarray, lg: str) -> str:
    """A paired difference with its 95 % interval (the mean alone for one pair; a dash for none)."""
    mean, low, high = mean_interval(paired)
    if np.isnan(mean):
        return "–"
    signed = ("+" if mean > 0 else "") + _num(mean, lg)
    return signed if np.isnan(low) else f"{signed} [{_num(low, lg)}; {_num(high, lg)}]"


def _num(x: float, lg: str) -> str:
    """A figure as the terminal writes it (digits by size, no exponent), with the language's separators."""
    return separated(compact(x), lg)


@solara.component
def MapSection(c: session.Comparison, updates: int):
    """The two designs' neighbourhood maps side by side (one below the other when narrow), one colour scale."""
    lg = lang.value
    grids = [c.grid[d] for d in c.designs if d in c.grid]
    if not grids:
        return
    _choice(worker.GRID, map_outcome, text("outcome_shown", lg), lg, "select-map-outcome")
    zrange = shared_range(grids, map_outcome.value)
    with solara.Div(classes=["wt-pair"]):
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
    keys = worker.series_of(c.scenario)
    outcome = series_outcome.value if series_outcome.value in keys else keys[0]  # a population's, then none
    _choice(keys, series_outcome, text("series_shown", lg), lg, "select-series-outcome")
    fig = timeseries(series, outcome, lg, c.scenario.population, c.scenario.changes)
    Figure(fig, f"series-{c.number}-{updates}-{outcome}-{lg}")
    if c.scenario.changes:
        solara.HTML(tag="div", unsafe_innerHTML=change_html(series, outcome, c, lg), classes=["change-table"])


def change_html(series: pd.DataFrame, outcome: str, c: session.Comparison, lg: str) -> str:
    """The outcome shown in the time series, per change: each design's mean before the change and from it.

    Over the 26 weeks on either side (fewer at the ends), the replications so far pooled; every cell escaped.
    """
    factor = shown_unit(outcome, c.scenario.population).factor
    heads = [text("change_week", lg)] + [f"{d}: {label('before', lg)} → {label('after', lg)}" for d in c.designs]
    rows = ["<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr>"]
    for week in sorted({ch.week for ch in c.scenario.changes}):
        found = before_after(series, [outcome], week, c.scenario.meta.weeks)
        if found is None:
            continue
        means = found[0].reindex(columns=pd.MultiIndex.from_product([c.designs, ["before", "after"]]))
        cells = [str(week)] + [f"{_num(means.loc[outcome, (d, 'before')] * factor, lg)} → "
                               f"{_num(means.loc[outcome, (d, 'after')] * factor, lg)}" for d in c.designs]
        rows.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in cells) + "</tr>")
    return f"<p>{html.escape(shown_label(outcome, lg))}</p><table>" + "".join(rows) + "</table>"


@solara.component
def FlowSection(c: session.Comparison, finished_runs: int):
    """Each design's case flows (mean over its finished replications) side by side."""
    lg = lang.value
    flows = {d: c.mean_flows(d) for d in c.designs}
    if all(f is None for f in flows.values()):
        return
    Heading(label("section_flows", lg))
    with solara.Div(classes=["wt-stack"]):  # full width each: the last column's labels need the room
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
            return separated(f"{x:+.1%}" if pct else f"{x:+.3g}", lg)

        expected = signed(float(str(r["expected"]).split()[0]))  # audit_table writes the signed size first
        cells = [r["statement_nl"] if lg == "nl" else r["statement_en"], f"{r['design']} / {r['baseline']}",
                 expected, f"{signed(r['effect'])} [{signed(r['effect_low'])}, {signed(r['effect_high'])}]",
                 label(r["verdict"], lg)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in cells) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


@solara.component
def Heading(title: str, tag: str = "h3"):
    """A section heading (plain HTML: Markdown would load a diagram library from a CDN)."""
    solara.HTML(tag=tag, unsafe_innerHTML=html.escape(title))


@solara.component_vue("chart.vue")
def ChartView(spec: dict, library_url: str):
    """A Plotly figure drawn by the browser's one copy of plotly.js (sim/app/chart.vue)."""


@solara.component
def Figure(fig, key: str):
    """A Plotly figure, sent as its spec and redrawn in place (Plotly.react) when its key changes.

    Not Plotly's FigureWidget: each of those ships its own 5 MB copy of plotly.js to the
    browser, and streaming a comparison then cost the browser more CPU than the runs took.
    """
    spec = solara.use_memo(lambda: plotly_json(fig), dependencies=[key])
    ChartView(spec=spec, library_url=PLOTLY_URL)


@solara.component
def RunLog():
    """The comparisons run in this session (and only this one)."""
    lg = lang.value
    Heading(f"{text('runs_log', lg)} ({len(log.value)})", "h4")
    with solara.Column(classes=["run-log"]):
        for c in log.value:
            solara.Text(c.describe(lg), classes=["run-log-line"])


@solara.component
def Bar():
    """Always in view: the title, the language, the run button and the run's progress."""
    lg = lang.value
    with solara.Div(classes=["wt-bar"]):
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(text("app_title", lg)), classes=["wt-title"])
        solara.ToggleButtonsSingle(value=lang, values=["nl", "en"], classes=["lang-toggle"])
        solara.Button(text("run", lg), on_click=start_run, color="primary", disabled=run_comparison.pending,
                      classes=["run-button"])
        Status()


def use_url_state() -> None:
    """Keep the page's state and its URL the same: a changed setting updates the URL, back and forward the page."""
    router = solara.use_router()
    query = page_state().query() if design_a.value else ""
    seen = solara.use_ref(cast(tuple[str | None, str] | None, None))

    def sync() -> None:
        search = router.search or ""
        before = seen.current
        seen.current = (search, query)
        if not query:
            return
        if before is not None and search != before[0] and search and search != query:
            apply_query(search)  # the browser went back or forward
        elif search != query:
            router.push(f"{router.path}?{query}")

    solara.use_effect(sync, [query, router.search])


@solara.component
def Page():
    """The app: a bar above settings and results; the state from the URL; the session folder removed at the end."""
    router = solara.use_router()

    def first_time():
        if not design_a.value:
            if router.search:
                apply_query(router.search)
            else:
                pick_profile(profile.value)

        def cleanup():
            if folder.value:
                shutil.rmtree(folder.value, ignore_errors=True)
        return cleanup

    solara.use_effect(first_time, [])
    use_url_state()
    solara.Title(text("app_title", lang.value))
    solara.Style(CSS)
    if not design_a.value:
        return
    Bar()
    with solara.Div(classes=["wt-main"]):
        with solara.Div(classes=["wt-settings"]):
            Settings()
        with solara.Div(classes=["wt-results"]):
            Results()


BAR_PX = 64
CSS = f"""
.wt-bar {{ position: fixed; top: 0; left: 0; right: 0; height: {BAR_PX}px; z-index: 10; display: flex;
  align-items: center; gap: 16px; padding: 0 16px; background: #fff; border-bottom: 1px solid #ddd; }}
.wt-title {{ font-size: 1.25rem; font-weight: 500; white-space: nowrap; }}
.wt-status {{ flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 2px; }}
.wt-main {{ display: grid; grid-template-columns: minmax(280px, 340px) minmax(0, 1fr); gap: 16px;
  padding-top: {BAR_PX + 8}px; }}
.wt-settings {{ position: sticky; top: {BAR_PX + 8}px; align-self: start; max-height: calc(100vh - {BAR_PX + 16}px);
  overflow-y: auto; padding-right: 4px; }}
.wt-results {{ min-width: 0; }}
.wt-pair {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 8px; }}
.wt-stack {{ display: grid; grid-template-columns: minmax(0, 1fr); gap: 8px; }}
.wt-chart {{ width: 100%; min-width: 0; }}
.wt-param {{ margin: 4px 0 12px; }}
.wt-param-head {{ display: flex; align-items: flex-end; gap: 8px; }}
.wt-param-name {{ flex: 1; min-width: 0; font-size: 0.9rem; }}
.wt-param-input {{ flex: 0 0 130px; }}
.wt-help, .design-description {{ font-size: 0.8rem; color: #555; line-height: 1.3; }}
.design-description {{ margin: -12px 0 12px; }}
.headlines table, .audit-table table, .change-table table {{ border-collapse: collapse; width: 100%; }}
.headlines td, .headlines th, .audit-table td, .audit-table th, .change-table td, .change-table th {{ padding: 3px 8px;
  border-bottom: 1px solid #eee; text-align: right; }}
.headlines td:first-child, .headlines th:first-child, .audit-table td, .audit-table th {{ text-align: left; }}
.change-table p {{ margin: 8px 0 2px; font-weight: 500; }}
.audit-table {{ overflow-x: auto; }}
"""
