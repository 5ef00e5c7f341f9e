"""The neighbourhood view: a grid of neighbourhoods, each coloured by an outcome.

The time series and the Sankey diagram come from sim.report.figures, the same figures as
in the report.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.report.labels import label
from sim.report.page import fmt


def grid_layout(n: int) -> tuple[int, int]:
    """Rows and columns of a near-square grid for n neighbourhoods."""
    cols = max(1, math.ceil(math.sqrt(n)))
    return math.ceil(n / cols), cols


def neighbourhood_grid(grid: pd.DataFrame, outcome: str, title: str, lang: str = "nl",
                       zrange: tuple[float, float] | None = None) -> go.Figure:
    """Neighbourhoods as cells of a grid coloured by an outcome (rows of `grid`: name and outcomes)."""
    n = len(grid)
    rows, cols = grid_layout(n)
    z = np.full((rows, cols), np.nan)
    text = np.full((rows, cols), "", dtype=object)
    for k, (name, value) in enumerate(zip(grid["neighbourhood_name"], grid[outcome], strict=True)):
        z[k // cols, k % cols] = value
        text[k // cols, k % cols] = f"{name}<br>{fmt(value, lang)}"
    low, high = zrange if zrange else (np.nanmin(z), np.nanmax(z))
    if not high > low:  # one value everywhere: a colour scale needs some width
        low, high = low - 0.5, high + 0.5
    cells = [[None if np.isnan(v) else float(v) for v in row] for row in z[::-1]]  # plain lists: the widget
    fig = go.Figure(go.Heatmap(z=cells, text=text[::-1].tolist(), texttemplate="%{text}", hoverinfo="text",
                               colorscale="YlOrRd", zmin=low, zmax=high, xgap=3, ygap=3,
                               colorbar={"title": {"text": label(outcome, lang), "side": "right"}}))
    fig.update_layout(title=title, height=340, template="plotly_white", margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def shared_range(grids: list[pd.DataFrame], outcome: str) -> tuple[float, float] | None:
    """One colour range for several grids, so two designs side by side compare at a glance."""
    values = np.concatenate([g[outcome].to_numpy(float) for g in grids]) if grids else np.array([])
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None
    return float(values.min()), float(values.max())
