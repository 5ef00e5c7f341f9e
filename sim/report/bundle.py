"""A report's charts packed small: plotly.js and every figure's spec, gzipped into the page, drawn on load.

plotly.js alone is 4.8 MB; gzipped and in base64 it is under 2 MB, and the figures' specs
(numbers rounded to the 4 significant digits a chart shows) shrink about tenfold. The page
stays one self-contained file: the browser unpacks both with its DecompressionStream (every
current browser has it) and draws each figure into its placeholder. `figures_of(page)` reads the
specs back, for tests and for anyone who wants a page's numbers.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import plotly

CONFIG = {"displaylogo": False, "responsive": True}
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"  # the workshop app serves it too
DIGITS = 4  # significant digits kept of a chart's numbers
LIBRARY_ID, FIGURES_ID = "plotly-js-gz", "figures-gz"

LOADER = """
(async () => {
  const unzip = async (id) => {
    const bytes = Uint8Array.from(atob(document.getElementById(id).textContent.trim()), (c) => c.charCodeAt(0));
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  };
  if (!("DecompressionStream" in window)) {
    document.querySelectorAll(".figure").forEach((e) => { e.textContent = %(old)s; });
    return;
  }
  const library = document.createElement("script");
  library.text = await unzip("%(library)s");
  document.head.appendChild(library);
  for (const f of JSON.parse(await unzip("%(figures)s"))) {
    await Plotly.newPlot(f.id, f.data, f.layout, %(config)s);
  }
})();
"""


@cache
def _library() -> str:
    """plotly.js as shipped with the installed plotly, gzipped, in base64 (made once per process)."""
    return base64.b64encode(gzip.compress(PLOTLY_JS.read_bytes(), 9, mtime=0)).decode()


def _rounded(value: object) -> object:
    """A figure spec with every float rounded to DIGITS significant digits, NaN as null (the rest as is).

    Plotly writes numeric arrays as typed arrays ({"dtype", "bdata"[, "shape"]}); they come back
    as plain lists, which plotly.js reads as well and which compress better once rounded.
    """
    if isinstance(value, float):
        return float(f"{value:.{DIGITS}g}") if math.isfinite(value) else None  # JSON has no NaN: a gap
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return _rounded(array.tolist())
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def plotly_json(fig) -> dict:
    """A figure's data (numbers rounded, plain lists) and layout, as plotly.js draws them."""
    data = json.loads(fig.to_json())
    return {"data": _rounded(data["data"]), "layout": data["layout"]}


def spec(fig, div_id: str) -> dict:
    """A figure's data and layout for the bundle, drawn into the element `div_id`."""
    return {"id": div_id, **plotly_json(fig)}


def scripts(specs: list[dict], too_old: str) -> str:
    """The page's closing scripts: plotly.js and the figures, gzipped, and the loader that draws them."""
    packed = json.dumps(specs, separators=(",", ":"), allow_nan=False).encode()
    figures = base64.b64encode(gzip.compress(packed, 9, mtime=0))
    loader = LOADER % {"library": LIBRARY_ID, "figures": FIGURES_ID, "config": json.dumps(CONFIG),
                       "old": json.dumps(too_old)}
    return (f'<script type="application/gzip" id="{LIBRARY_ID}">{_library()}</script>'
            f'<script type="application/gzip" id="{FIGURES_ID}">{figures.decode()}</script>'
            f"<script>{loader}</script>")


def figures_of(page: str) -> list[dict]:
    """The figure specs a page carries (its gzipped bundle unpacked)."""
    found = re.search(rf'<script type="application/gzip" id="{FIGURES_ID}">([^<]*)</script>', page)
    return json.loads(gzip.decompress(base64.b64decode(found.group(1)))) if found else []
