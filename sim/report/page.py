"""The HTML page of a report: escaped labels, tables, and figures drawn from a packed bundle (sim.report.bundle)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.intervals import mean_interval
from sim.report import bundle
from sim.report.labels import label

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.7em}h2{border-bottom:2px solid #636efa;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.3em .6em;
text-align:left;vertical-align:top}th{background:#f2f2f7}td.num{text-align:right;white-space:nowrap}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:.5em}
.grid.wide{grid-template-columns:minmax(0,1fr)}
.note{color:#555;font-size:.9em}.warning{color:#c62828;font-weight:bold}.holds{color:#1a7f37;font-weight:bold}.fails{color:#c62828;font-weight:bold}
.inconclusive{color:#8a6d00;font-weight:bold}.better{color:#1a7f37;font-weight:bold}
.worse{color:#c62828;font-weight:bold}.unclear{color:#555}.wide{overflow-x:auto}details{margin:.3em 0}
summary{cursor:pointer}
"""


class Page:
    """Collects the HTML parts, and the figures' specs that the page's bundle draws on load."""

    def __init__(self, lang: str):
        """An empty page in `lang`."""
        self.lang = lang
        self.parts: list[str] = []
        self.specs: list[dict] = []

    def text(self, key: str) -> str:
        """The label of key in the page's language (not escaped)."""
        return label(key, self.lang)

    def t(self, key: str) -> str:
        """The label of key, HTML-escaped."""
        return html.escape(self.text(key))

    def num(self, x: float) -> str:
        """A number in the page's language."""
        return fmt(x, self.lang)

    def interval(self, values: pd.Series) -> str:
        """Mean and 95 % interval of the mean over replications, in the page's language (the mean alone for one)."""
        m, low, high = mean_interval(values.to_numpy(float))
        return self.num(m) if np.isnan(low) else f"{self.num(m)} [{self.num(low)}, {self.num(high)}]"

    def add(self, text: str) -> None:
        """Append raw HTML."""
        self.parts.append(text)

    def section(self, key: str) -> None:
        """Start a section titled by a label key."""
        self.add(f'<h2 id="{key}">{self.t(key)}</h2>')

    def figure(self, fig: go.Figure) -> str:
        """A figure's placeholder, of the figure's height; its spec goes into the page's bundle."""
        div = f"figure-{len(self.specs) + 1}"
        self.specs.append(bundle.spec(fig, div))
        return f'<div id="{div}" class="plotly-graph-div figure" style="height:{fig.layout.height or 450}px"></div>'


    def grid(self, figs: list[go.Figure], wide: bool = False) -> None:
        """Figures side by side where the page is wide enough (wide: one per row, each the page's width)."""
        css = "grid wide" if wide else "grid"
        self.add(f'<div class="{css}">' + "".join(f"<div>{self.figure(f)}</div>" for f in figs) + "</div>")

    def html(self, title: str) -> str:
        """The whole page."""
        return (f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
                + "\n".join(self.parts)
                + (bundle.scripts(self.specs, self.text("charts_need_newer_browser")) if self.specs else "")
                + "</body></html>\n")


def table(head: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """An HTML table of already-escaped cells; the `numeric` columns (default: all but the first) align right."""
    numeric = set(range(1, len(head))) if numeric is None else numeric
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if k in numeric else f"<td>{c}</td>"
                                    for k, c in enumerate(r)) + "</tr>" for r in rows)
    return f'<div class="wide"><table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>'


def fmt(x: float, lang: str = "en") -> str:
    """A number for a table: 4 significant digits, thousands grouped; Dutch separators for nl; a dash if missing."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "–"
    return separated(f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}", lang)


def separated(number: str, lang: str) -> str:
    """A number written the English way, with the language's separators (Dutch: 1.234,5)."""
    return number.translate(str.maketrans(",.", ".,")) if lang == "nl" else number
