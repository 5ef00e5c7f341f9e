"""Tables as Markdown and Plotly figures in one self-contained HTML page (the JS embedded once)."""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from sim.markdown import pipe_table
from sim.output import write_text


def fmt(value: object) -> str:
    """A cell as text: floats with 4 significant digits, NaN as an empty cell."""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def markdown_table(table: pd.DataFrame) -> str:
    """The table as a GitHub Markdown table."""
    return pipe_table(list(table.columns), ([fmt(v) for v in row] for row in table.itertuples(index=False)))


def bar_figure(table: pd.DataFrame, value_conf: dict[str, str], title: str):
    """Grouped bars per parameter, one bar per value column, error bars from its interval column."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for value, conf in value_conf.items():
        fig.add_bar(name=value, x=table["parameter"], y=table[value],
                    error_y={"type": "data", "array": table[conf], "visible": True})
    fig.update_layout(title=title, barmode="group", yaxis_title="index", xaxis_title="parameter", height=420)
    return fig


def tradeoff_figure(trajectory: pd.DataFrame, title: str):
    """The PRIM peeling trajectory: density against coverage, coloured by restricted dimensions."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_scatter(x=trajectory["coverage"], y=trajectory["density"], mode="markers+lines", name="trajectory",
                    marker={"color": trajectory["res_dim"], "colorscale": "Viridis", "showscale": True,
                            "colorbar": {"title": "restricted<br>dimensions"}},
                    text=[f"box {b}: {r} runs" for b, r in zip(trajectory["box"], trajectory["runs"], strict=True)])
    chosen = trajectory[trajectory["chosen"]]
    fig.add_scatter(x=chosen["coverage"], y=chosen["density"], mode="markers", name="chosen box",
                    marker={"size": 16, "symbol": "circle-open", "color": "red", "line": {"width": 3}})
    fig.update_layout(title=title, xaxis_title="coverage", yaxis_title="density", height=460,
                      xaxis_range=[0, 1.02], yaxis_range=[0, 1.02])
    return fig


def limits_figure(limits: pd.DataFrame, title: str):
    """The chosen box's limits as bars on each parameter's sweep range scaled to [0, 1]."""
    import plotly.graph_objects as go

    numeric = limits[limits["sweep_high"] > limits["sweep_low"]]
    span = numeric["sweep_high"] - numeric["sweep_low"]
    low = (numeric["low"] - numeric["sweep_low"]) / span
    high = (numeric["high"] - numeric["sweep_low"]) / span
    fig = go.Figure()
    fig.add_bar(y=numeric["parameter"], x=high - low, base=low, orientation="h", name="box",
                text=[f"{fmt(a)} – {fmt(b)}" for a, b in zip(numeric["low"], numeric["high"], strict=True)])
    fig.update_layout(title=title, xaxis_title="share of the sweep's range", xaxis_range=[0, 1], height=140 + 40 *
                      len(numeric))
    return fig


def write_page(path: Path, title: str, intro: str, tables: list[tuple[str, pd.DataFrame]], figures: list) -> None:
    """One HTML page: title, intro, figures (Plotly JS embedded once) and the tables."""
    import plotly.io as pio

    parts = [pio.to_html(fig, full_html=False, include_plotlyjs=k == 0) for k, fig in enumerate(figures)]
    parts += [f"<h2>{html.escape(name)}</h2>\n" + table.to_html(index=False, na_rep="", float_format=fmt)
              for name, table in tables]
    body = "\n".join(parts)
    write_text(path, f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
                     "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                     "td,th{border:1px solid #ccc;padding:2px 6px}</style></head>\n<body>"
                     f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(intro)}</p>\n{body}\n</body></html>\n")
