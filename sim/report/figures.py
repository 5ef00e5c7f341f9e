"""Plotly figures of a report (also used by the workshop app): series, flows, costs, sweeps.

Every function takes plain tables and a language and returns a `plotly.graph_objects.Figure`;
titles and axis names come from sim.report.labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from sim.flows import LAYERS
from sim.report.labels import label, label_or_key, shown_label, shown_unit
from sim.scenario import Change
from sim.units import shown

PALETTE = qualitative.Plotly
LAYER_COLOURS = ("#636efa", "#00a3a3", "#ab63fa", "#ef553b")
BAND = (0.025, 0.975)
OVERLAY_MAX = 2  # more designs than this get a panel each: five overlapping bands cannot be told apart


def _rgba(colour: str, alpha: float) -> str:
    """A '#rrggbb' colour as an rgba() string with the given opacity."""
    r, g, b = (int(colour[k:k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def colours(designs: list[str]) -> dict[str, str]:
    """A fixed colour per design, in the order given (the same in every figure)."""
    return {d: PALETTE[k % len(PALETTE)] for k, d in enumerate(designs)}


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for the language (Dutch: 1.234,5)."""
    return ",." if lang == "nl" else ".,"


def _layout(fig: go.Figure, title: str, x: str, y: str, lang: str) -> go.Figure:
    """Common layout: title, axis names, legend below, compact margins, the language's separators."""
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, template="plotly_white", height=360,
                      margin={"l": 60, "r": 20, "t": 50, "b": 60}, legend={"orientation": "h", "y": -0.3},
                      separators=separators(lang), yaxis={"tickformat": ",.4~g"})
    return fig


def band(weekly: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per design and week: mean over replications and the 2.5 and 97.5 percentiles (NaN skipped)."""
    grouped = weekly.groupby(["design", "week"], sort=False)[outcome]
    q = grouped.quantile(list(BAND)).unstack()
    return pd.DataFrame({"mean": grouped.mean(), "low": q[BAND[0]], "high": q[BAND[1]]}).reset_index()


def timeseries(weekly: pd.DataFrame, outcome: str, lang: str = "nl", population: float | None = None,
               changes: Sequence[Change] = ()) -> go.Figure:
    """Weekly series of one outcome: per design the mean line and a 2.5-97.5 % replication band.

    `weekly` has columns design, replication, week and the outcome. With one replication
    per design only the line is drawn. Up to OVERLAY_MAX designs share one chart; more get
    a panel each on one y axis, with the first design's mean as a dotted reference line.
    Given the population, the outcome is drawn in its shown unit (sim.units: costs per
    resident per year, shares in %) with that unit on the axis. Each scheduled change is a
    dashed vertical line at its week, on every panel.
    """
    designs = list(dict.fromkeys(weekly["design"]))
    colour = colours(designs)
    stats = band(weekly, outcome)
    if population is not None:
        stats[["mean", "low", "high"]] *= shown(outcome, population).factor
    panels = len(designs) > OVERLAY_MAX
    fig = (make_subplots(rows=1, cols=len(designs), shared_yaxes=True, subplot_titles=[str(d) for d in designs],
                         horizontal_spacing=0.015) if panels else go.Figure())
    first = stats[stats["design"] == designs[0]].sort_values("week")
    for k, d in enumerate(designs):
        cell = {"row": 1, "col": k + 1} if panels else {}
        s = stats[stats["design"] == d].sort_values("week")
        name = str(d)
        if panels and k > 0:
            fig.add_trace(go.Scatter(x=first["week"], y=first["mean"], mode="lines", name=str(designs[0]),
                                     legendgroup="reference", showlegend=k == 1, hoverinfo="skip",
                                     line={"color": "#888", "width": 1, "dash": "dot"}), **cell)
        if weekly.loc[weekly["design"] == d, "replication"].nunique() > 1:
            fig.add_trace(go.Scatter(x=s["week"], y=s["high"], mode="lines", line={"width": 0}, showlegend=False,
                                     hoverinfo="skip", legendgroup=name), **cell)
            fig.add_trace(go.Scatter(x=s["week"], y=s["low"], mode="lines", line={"width": 0}, fill="tonexty",
                                     fillcolor=_rgba(colour[d], 0.2), showlegend=False, hoverinfo="skip",
                                     legendgroup=name), **cell)
        fig.add_trace(go.Scatter(x=s["week"], y=s["mean"], mode="lines", name=name, legendgroup=name,
                                 showlegend=not panels, line={"color": colour[d], "width": 2}), **cell)
    for week in sorted({c.week for c in changes}):
        fig.add_vline(x=week, line={"color": "#444", "width": 1, "dash": "dash"})
    if population is None:
        return _layout(fig, label(outcome, lang), label("week", lang), "", lang)
    return _layout(fig, shown_label(outcome, lang), label("week", lang), shown_unit(outcome, lang), lang)


def sankey(flows: pd.DataFrame, lang: str = "nl", title: str = "") -> go.Figure:
    """A Sankey diagram of case flows (columns source, target, value; node names are label keys).

    Edges without cases are left out; nodes keep the order of the layers in sim.flows.
    """
    f = flows[flows["value"] > 0]
    used = set(f["source"]) | set(f["target"])
    layer_of = {n: k for k, layer in enumerate(LAYERS) for n in layer}
    nodes = [n for layer in LAYERS for n in layer if n in used]
    nodes += sorted(used - set(nodes))
    index = {n: k for k, n in enumerate(nodes)}
    node_colour = [LAYER_COLOURS[layer_of.get(n, 0)] for n in nodes]
    fig = go.Figure(go.Sankey(
        arrangement="snap", valueformat=".1f",
        node={"label": [label_or_key(n, lang) for n in nodes], "color": node_colour, "pad": 12, "thickness": 14},
        link={"source": [index[s] for s in f["source"]], "target": [index[t] for t in f["target"]],
              "value": f["value"].tolist(), "color": [_rgba(node_colour[index[s]], 0.3) for s in f["source"]]}))
    fig.update_layout(title=title, height=420, margin={"l": 20, "r": 20, "t": 50, "b": 20}, separators=separators(lang))
    return fig


def cost_bars(costs: pd.DataFrame, lang: str = "nl", title: str = "") -> go.Figure:
    """Stacked bars per design (columns design, part, value): e.g. cost per resident per year by payer."""
    designs = list(dict.fromkeys(costs["design"]))
    fig = go.Figure()
    for part, grp in costs.groupby("part", sort=False):
        g = grp.set_index("design").reindex(designs)
        fig.add_trace(go.Bar(x=designs, y=g["value"], name=label_or_key(str(part), lang)))
    fig.update_layout(barmode="stack")
    return _layout(fig, title, "", "EUR", lang)


def scatter(runs: pd.DataFrame, parameter: str, outcome: str, lang: str = "nl") -> go.Figure:
    """One point per run: a varied parameter against a kept outcome, coloured by design."""
    designs = list(dict.fromkeys(runs["design"]))
    colour = colours(designs)
    fig = go.Figure()
    for d in designs:
        r = runs[runs["design"] == d]
        fig.add_trace(go.Scatter(x=r[parameter], y=r[outcome], mode="markers", name=str(d),
                                 marker={"color": colour[d], "size": 6, "opacity": 0.7}))
    return _layout(fig, label_or_key(outcome, lang), parameter, "", lang)
