"""The limitations section: assumption parameters, values set for these results, validation status.

Which parameters are assumptions comes from the scenario file's provenance comments
(sim.provenance); values the results used that differ from the file (e.g. a shorter run
or staff equalised for a comparison) are listed with both values.
"""

from __future__ import annotations

import html
import os
from itertools import groupby
from pathlib import Path

from sim.provenance import entries
from sim.report.labels import has_label
from sim.report.page import Page, table
from sim.report.results import Results
from sim.scenario import ScenarioError, load


def flatten(data: dict, prefix: str = "") -> dict[str, object]:
    """Nested tables as dotted paths; lists stay whole values."""
    out: dict[str, object] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def changed(res: Results) -> list[tuple[str, object, object]]:
    """Parameters whose value in the results differs from the scenario file: (path, file, results)."""
    try:
        file = flatten(load(res.scenario_file).model_dump(mode="json"))
    except ScenarioError:
        return []
    used = flatten(res.scenario.model_dump(mode="json"))
    return [(k, file.get(k), v) for k, v in used.items() if file.get(k) != v]


def assumptions(page: Page, res: Results) -> None:
    """Every parameter the scenario file marks as an assumption, grouped by table."""
    if res.scenario_file is None:
        page.add(f"<p>{page.t('provenance_missing')}</p>")
        return
    rows = entries(res.scenario_file)
    marked = [e for e in rows if e.kind == "assumption"]
    page.add("<p>" + html.escape(page.text("assumptions_intro").format(n=len(marked), total=len(rows))) + "</p>")
    shown = relative(res.scenario_file, res.folder)
    page.add(f'<p class="note">{page.t("provenance_file")}: <code>{html.escape(str(shown))}</code></p>')
    for section, group in groupby(marked, key=lambda e: e.path.split(".")[0].split("[")[0]):
        items = list(group)
        lis = "".join(f'<li data-assumption="{html.escape(e.path)}"><code>{html.escape(e.path)}</code>'
                      f"{': ' + html.escape(e.text) if e.text else ''}</li>" for e in items)
        name = page.t(f"group_{section}") if has_label(f"group_{section}") else html.escape(section)
        page.add(f"<details><summary>{name} ({len(items)})</summary><ul>{lis}</ul></details>")
    diffs = changed(res)
    if diffs:
        lis = "".join(f'<li data-changed="{html.escape(p)}"><code>{html.escape(p)}</code>: '
                      f"{html.escape(str(a))} &rarr; {html.escape(str(b))}</li>" for p, a, b in diffs)
        page.add(f"<details><summary>{page.t('changed_from_file')} ({len(diffs)})</summary><ul>{lis}</ul></details>")


def validation(page: Page, res: Results) -> None:
    """Whether the results' scenario was validated against published figures, and how it did."""
    page.add(f"<h3>{page.t('validation')}</h3>")
    v = res.validation
    if v is None:
        page.add(f'<p data-validation="none">{page.t("not_validated")}</p>')
        return
    shown = relative(res.validation_file, res.folder)
    text = page.text("validated_with").format(ok=int(v["within"].sum()), n=len(v), file=shown)
    page.add(f'<p data-validation="{html.escape(str(shown))}">{html.escape(text)}</p>')
    rows = [[html.escape(str(r["id"])), f"{page.num(r['value'])} ± {page.num(r['tolerance'])}",
             f"{page.num(r['simulated'])} [{page.num(r['simulated_low'])}, {page.num(r['simulated_high'])}]",
             page.t("yes" if r["within"] else "no"), html.escape(str(r["source"]))] for _, r in v.iterrows()]
    page.add(table(["id", page.t("published"), page.t("simulated"), page.t("within"), page.t("source")], rows))


def limitations(page: Page, res: Results) -> None:
    """The limitations section of a report."""
    page.section("section_limitations")
    page.add(f"<p>{page.t('model_note')}</p>")
    page.add("<p>" + html.escape(page.text("replications_note").format(n=res.replications())) + "</p>")
    validation(page, res)
    page.add(f"<h3>{page.t('assumption')}</h3>")
    assumptions(page, res)


def relative(path: Path, folder: Path) -> Path:
    """A file as the report shows it: relative to the results folder, so a forwarded page names no machine's paths."""
    return Path(os.path.relpath(Path(path).resolve(), Path(folder).resolve()))
