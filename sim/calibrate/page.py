"""A self-contained HTML page of a target table: Plotly chart (JavaScript inlined) and the table.

Targets have different units, so the chart puts every target on one scale: the distance to
the published value in tolerances, (simulated - value) / tolerance. The tolerance band is
then [-1, 1] for every target; hovering shows the values in their own units.
"""

from __future__ import annotations

import html

import pandas as pd


def figure(table: pd.DataFrame, title: str):
    """The Plotly figure: per target the simulated mean and its 95 % interval against the band."""
    import plotly.graph_objects as go

    tol = table["tolerance"]
    x = (table["simulated"] - table["value"]) / tol
    err_hi = (table["simulated_high"] - table["simulated"]) / tol
    err_lo = (table["simulated"] - table["simulated_low"]) / tol
    labels = [f"{r.id} ({r.use})" for r in table.itertuples()]
    hover = [f"{r.id}<br>published {r.value:.4g} ± {r.tolerance:.3g} ({r.unit})<br>simulated {r.simulated:.4g} "
             f"[{r.simulated_low:.4g}, {r.simulated_high:.4g}]<br>{html.escape(r.source)}" for r in table.itertuples()]
    colours = ["#1a7f37" if w else "#cf222e" for w in table["within"]]
    fig = go.Figure(go.Scatter(x=x, y=labels, mode="markers", marker={"size": 11, "color": colours},
                               error_x={"type": "data", "symmetric": False, "array": err_hi, "arrayminus": err_lo},
                               hovertext=hover, hoverinfo="text", name="simulated mean, 95 % interval"))
    fig.add_vrect(x0=-1, x1=1, fillcolor="#1a7f37", opacity=0.12, line_width=0,
                  annotation_text="within tolerance", annotation_position="top left")
    fig.add_vline(x=0, line_dash="dot", line_color="#57606a")
    fig.update_layout(title=title, xaxis_title="(simulated - published) / tolerance", yaxis={"autorange": "reversed"},
                      height=140 + 48 * len(table), margin={"l": 260}, template="plotly_white", showlegend=False)
    return fig


def page(table: pd.DataFrame, title: str, intro: str) -> str:
    """The whole page as one HTML string (no network needed to view it)."""
    import plotly.io as pio

    chart = pio.to_html(figure(table, title), include_plotlyjs=True, full_html=False)
    rows = "".join(
        f"<tr><td>{html.escape(r.id)}</td><td>{r.use}</td><td>{html.escape(r.observable)}</td>"
        f"<td>{r.value:.4g} ± {r.tolerance:.3g}</td><td>{r.simulated:.4g} [{r.simulated_low:.4g}, "
        f"{r.simulated_high:.4g}]</td><td>{'yes' if r.within else '<b>no</b>'}</td>"
        f"<td>{html.escape(r.unit)}</td><td>{html.escape(r.source)}</td></tr>" for r in table.itertuples())
    head = "".join(f"<th>{h}</th>" for h in ("target", "use", "observable", "published ± tolerance",
                                             "simulated (95 % interval)", "within", "unit", "source"))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>{chart}"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></body></html>")
