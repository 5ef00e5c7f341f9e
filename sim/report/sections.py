"""The sections of a report, and the whole page: tables and Plotly figures per section.

Plotly's JavaScript is embedded once, with the first figure; the page needs no network.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from sim.compare import SERIES_BY_SECTION, in_shown_units
from sim.dotted import lookup
from sim.report import figures
from sim.report.conclusion import PAIRED_KINDS, conclusion, growing_warnings
from sim.report.labels import cost_part, label, label_or_key, setting_value, shown_label
from sim.report.limitations import limitations
from sim.report.page import Page, table
from sim.report.results import Results
from sim.scenario import described
from sim.tables import before_after, column_kind, demand_per_head
from sim.units import shown

# The team's wait with the specialist waits beside it: a design that moves its queue to
# specialist care must not look like a design without queues.
HEADLINES = ["cost_per_resident", "queue_length", "mean_wait_weeks", "wait_ggz", "wait_debt_restructuring",
             "wait_youth_care", "gave_up_waiting", "caseload_per_fte", "hours_outreach", "informal_hours", "crises"]
COST_CATEGORIES = ["cost_team", "cost_provisions", "cost_welfare", "cost_specialist", "cost_crisis"]
COST_PAYERS = ["cost_wmo", "cost_jeugdwet", "cost_participatiewet", "cost_zvw", "cost_wlz"]
SETTINGS = ["form", "description", "fte_per_10k", "hours_per_fte", "teams", "employment", "outreach_share",
            "outreach_protected", "caseload_cap", "bridging_hours_per_case", "follow_up_weeks", "mandate_delay_weeks",
            "signalling_network", "welfare_hours_per_1000"]


def with_per_resident(res: Results) -> pd.DataFrame:
    """The runs with yearly costs per resident: in total, by category and by payer."""
    runs, population = res.runs.copy(), res.scenario.population
    for c in [*COST_CATEGORIES, *COST_PAYERS, "cost_per_resident"]:
        if c in runs:  # in the unit costs are shown in (sim.units)
            runs[f"{c.removesuffix('_per_resident')}_per_resident_year"] = runs[c] * shown(c, population).factor
    return runs


def header(page: Page, res: Results) -> None:
    """Title, what the results are, and when the report was made."""
    sc = res.scenario
    page.add(f"<h1>{page.t('title')}: {html.escape(sc.meta.name)}</h1>")
    page.add(f'<p class="note">{html.escape(described(sc.meta, page.lang))}</p>')
    rows = [[page.t("results_kind"), page.t(f"kind_{res.kind}")],
            [page.t("results_folder"), html.escape(res.folder.name)],
            [page.t("designs"), html.escape(", ".join(res.designs))],
            [page.t("replications"), str(res.replications())],
            [page.t("population"), page.num(float(sc.population))],
            [page.t("recorded_weeks"), str(sc.meta.weeks)],
            [page.t("generated"), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")]]
    page.add(table([page.t("setting"), page.t("value")], rows))


def summary(page: Page, res: Results, runs: pd.DataFrame) -> None:
    """Headline outcomes per design in their shown units (sim.units): mean and 95 % interval of the mean."""
    page.section("section_summary")
    names = [n for n in HEADLINES if n in runs]
    pop = res.scenario.population
    rows = [[html.escape(shown_label(n, page.lang))]
            + [page.interval(runs.loc[runs["design"] == d, n] * shown(n, pop).factor) for d in res.designs]
            for n in names]
    page.add(table([page.t("outcome")] + [html.escape(d) for d in res.designs], rows))
    page.add(f'<p class="note">{page.t("mean_range")}</p>')
    if res.kind not in PAIRED_KINDS:  # else the conclusion above says it
        growing_warnings(page, res, runs)


def settings(page: Page, res: Results) -> None:
    """The scenario's key settings and each design's main parameters."""
    page.section("section_settings")
    sc = res.scenario
    rows = [[page.t("population"), page.num(float(sc.population))],
            [page.t("neighbourhoods"), str(len(sc.neighbourhoods))],
            [page.t("recorded_weeks"), str(sc.meta.weeks)], [page.t("burn_in_weeks"), str(sc.meta.burn_in_weeks)],
            [page.t("seed"), str(sc.meta.seed)]]
    page.add(table([page.t("setting"), page.t("value")], rows))
    designs = [d for d in res.designs if d in sc.designs]

    def cell(design: str, key: str) -> str:
        value = getattr(sc.designs[design], key)
        if key == "description":
            return html.escape(described(sc.designs[design], page.lang))
        if isinstance(value, bool):
            return page.t("yes" if value else "no")
        if isinstance(value, str):
            return html.escape(setting_value(value, page.lang))
        return html.escape(page.num(value) if isinstance(value, float) else str(value))

    rows = [[page.t(k)] + [cell(d, k) for d in designs] for k in SETTINGS]
    page.add(table([page.t("setting")] + [html.escape(d) for d in designs], rows, numeric=set()))


def _touched(scheduled: list, week: int) -> list[str]:
    """Weekly outcomes a week's changes act on first: a provider's waiting list and treatments, or prevalence."""
    out = []
    for c in scheduled:
        parts = c.path.split(".")
        if c.week == week and parts[0] == "specialists":
            out += [f"waiting_{parts[1]}", f"in_treatment_{parts[1]}"]
        elif c.week == week and parts[0] == "problems" and len(parts) > 2:
            out.append(f"prevalence_{parts[1]}")
    return out


def changes(page: Page, res: Results) -> None:
    """The scheduled changes, and the key outcomes in the weeks before and from each one, per design."""
    sc = res.scenario
    if not sc.changes or res.kind == "sweep":
        return
    page.section("section_changes")
    rows = []
    for c in sc.changes:
        was = lookup(sc.as_of(c.week - 1).model_dump(mode="json"), c.path)
        if isinstance(was, dict):  # a whole design switched: its form before, the design it becomes and its form
            becomes = sc.as_of(c.week).designs[str(c.value)]
            shown_values = [html.escape(setting_value(was["form"], page.lang)),
                            html.escape(f"{c.value} ({setting_value(becomes.form, page.lang)})")]
        else:
            shown_values = [page.num(v) if isinstance(v, float) else html.escape(setting_value(str(v), page.lang))
                            for v in (was, c.value)]
        rows.append([str(c.week), html.escape(c.path), " → ".join(shown_values), html.escape(c.note or "")])
    page.add(table([page.t(k) for k in ("change_week", "change_path", "change_value", "change_note")], rows,
                   numeric={0}))
    pop = sc.population
    for week in sorted({c.week for c in sc.changes}):
        names = [n for n in dict.fromkeys(_touched(sc.changes, week) + HEADLINES) if n in res.weekly]
        found = before_after(res.weekly, names, week, sc.meta.weeks)
        if found is None:
            continue
        means, window = found
        head = [page.t("outcome")] + [f"{html.escape(d)}: {page.t('before')} → {page.t('after')}" for d in res.designs]
        body = []
        for n in names:
            factor = shown(n, pop).factor
            cells = [html.escape(shown_label(n, page.lang))]
            for d in res.designs:
                cells.append(f"{page.num(means.loc[n, (d, 'before')] * factor)} → "
                             f"{page.num(means.loc[n, (d, 'after')] * factor)}")
            body.append(cells)
        page.add(table(head, body))
        notes = "; ".join(c.note or c.path for c in sc.changes if c.week == week)
        page.add(f'<p class="note">{html.escape(page.text("change_window").format(window, window, week, notes))}</p>')


def budget(page: Page, res: Results) -> None:
    """Each budgeted payer's spending per recorded year and design, against the municipality's budget."""
    sc = res.scenario
    payers = sc.budgets.per_payer() if sc.budgets is not None else {}
    payers = {p: v for p, v in payers.items() if f"cost_{p}" in res.weekly}
    if not payers or res.kind == "sweep":
        return
    page.section("section_budget")
    weekly = res.weekly.assign(year=res.weekly["week"] // 52 + 1)
    for payer, per_resident in payers.items():
        spent = weekly.groupby(["design", "replication", "year"])[f"cost_{payer}"].sum()  # EUR in the year
        spent = spent.groupby(["design", "year"]).mean()
        weeks = weekly.groupby("year")["week"].nunique()
        rows = []
        for year, n in weeks.items():
            allowed = per_resident * sc.population * n / 52
            cells = [str(year), page.num(allowed)]
            for d in res.designs:
                value = spent.get((d, year), np.nan)
                cells.append(f"{page.num(value)} ({page.num(100 * value / allowed)} %)")
            rows.append(cells)
        head = [page.t("year"), page.t("budget")] + [html.escape(d) for d in res.designs]
        page.add(f"<h3>{page.t(payer)}: {page.t('spent_per_year')}</h3>")
        page.add(table(head, rows))
        if sc.budgets.overspend == "report":
            note = page.text("budget_note").format(payer, page.num(per_resident))
        else:
            note = page.text("budget_note_responds").format(payer, page.num(per_resident),
                                                            page.text(sc.budgets.overspend))
        page.add(f'<p class="note">{html.escape(note)}</p>')


POPULATION = ("residents", "households", "residents_75plus", "births", "deaths", "left_home", "moved_in", "moved_out")
DEMAND = ("provision_holders_per_1000", "provision_holders_per_1000_75plus")


def population(page: Page, res: Results) -> None:
    """With demography: the population and its census per recorded year, and demand per head and per older head."""
    if "residents_75plus" not in res.weekly or res.kind == "sweep":
        return
    page.section("section_population")
    w = res.weekly  # holders from what every job keeps (compare and audit keep no provisions_* columns)
    weekly = w.assign(year=w["week"] // 52 + 1, holders=w["provision_holders_per_1000"] * w["residents"] / 1000)
    flows = [c for c in POPULATION if column_kind(c) == "flow"]  # summed over the year
    stocks = [c for c in POPULATION if c not in flows] + ["holders"]
    per_run = weekly.groupby(["design", "replication", "year"])
    per_run = pd.concat([per_run[flows].sum(), per_run[stocks].mean()], axis=1)
    per_run = demand_per_head(per_run, per_run["holders"]).reset_index()
    # stocks are means over the year's weeks, demand per head the year's holders over its residents (sim.tables.yearly)
    means = per_run.groupby(["year", "design"])[[*POPULATION, *DEMAND]].mean()
    years = sorted(per_run["year"].unique())
    page.add(f"<p>{html.escape(_population_change(page, means, res.designs))}</p>")
    page.add(table([page.t("year")] + [page.t(c) for c in POPULATION],  # the same population in every design
                   [[str(y)] + [page.num(means.loc[(y, res.designs[0]), c]) for c in POPULATION] for y in years]))
    page.add(table([page.t("year")] + [f"{html.escape(d)}: {page.t(c)}" for d in res.designs for c in DEMAND],
                   [[str(y)] + [page.num(means.loc[(y, d), c]) for d in res.designs for c in DEMAND] for y in years]))
    page.add(f'<p class="note">{page.t("population_note")}</p>')


def _population_change(page: Page, means: pd.DataFrame, designs: list[str]) -> str:
    """What changed from the first recorded year to the last: the share aged 75+, and demand per design."""
    years = means.index.get_level_values("year")
    first, last = int(years.min()), int(years.max())

    def share(year: int) -> float:
        row = means.loc[(year, designs[0])]
        return 100 * row["residents_75plus"] / row["residents"]

    demand = "; ".join(page.text("population_demand").format(
        d, *(page.num(means.loc[(y, d), c]) for c in DEMAND for y in (first, last))) for d in designs)
    return page.text("population_change").format(first, last, page.num(share(first)), page.num(share(last)), demand)


def comparison(page: Page, res: Results) -> None:
    """The paired comparison table of `wijkteam compare`."""
    if res.comparison is None:
        return
    page.section("section_comparison")
    designs = list(dict.fromkeys(res.comparison["design"]))
    head = [page.t("outcome"), f"{html.escape(designs[0])}: {page.t('mean')} [{page.t('interval')}]"]
    for d in designs[1:]:
        head += [f"{html.escape(d)}: {page.t('mean')}", f"{html.escape(d)}: {page.t('difference')}"]
    rows = []
    for outcome, grp in res.comparison.groupby("outcome", sort=False):
        g = in_shown_units(grp, str(outcome), res.scenario.population)
        first = g.loc[designs[0]]
        cells = [html.escape(shown_label(str(outcome), page.lang)),
                 f"{page.num(first['mean'])} [{page.num(first['low'])}, {page.num(first['high'])}]"]
        for d in designs[1:]:
            r = g.loc[d]
            cells += [page.num(r["mean"]), f"{page.num(r['difference'])} [{page.num(r['difference_low'])}, "
                                      f"{page.num(r['difference_high'])}]"]
        rows.append(cells)
    page.add(table(head, rows))


def audit(page: Page, res: Results) -> None:
    """The audit of the policy table's assumptions, with verdicts."""
    if res.audit is None:
        return
    page.section("section_audit")
    statement = "statement_nl" if page.lang == "nl" else "statement_en"
    rows = []
    for _, r in res.audit.iterrows():
        pct = r["size_kind"] == "relative"
        f = (lambda x: "–" if np.isnan(x) else f"{x:+.1%}") if pct else (lambda x: "–" if np.isnan(x) else f"{x:+.3g}")
        rows.append([html.escape(str(r["id"])), html.escape(str(r[statement])),
                     html.escape(label_or_key(str(r["metric"]), page.lang)
                                 + (f" ({r['window']})" if r.get("window") else "")),
                     f"{html.escape(str(r['design']))} {page.t('versus')} {html.escape(str(r['baseline']))}",
                     html.escape(str(r["expected"])), f"{f(r['effect'])} [{f(r['effect_low'])}, {f(r['effect_high'])}]",
                     f'<span class="{html.escape(str(r["verdict"]))}">{page.t(str(r["verdict"]))}</span>',
                     html.escape(str(r["changed_most"]))])
    head = ["id", page.t("assumption"), page.t("metric"), page.t("designs"), page.t("expected"), page.t("effect"),
            page.t("verdict"), page.t("changed_most")]
    page.add(table(head, rows, numeric={5}))


def series(page: Page, res: Results) -> None:
    """The weekly series, section by section: mean line and replication band per design."""
    many = res.replications() > 1
    for key, names in SERIES_BY_SECTION.items():
        # a chart of a flat line says nothing: only outcomes that vary over weeks or designs
        present = [n for n in names if n in res.weekly and res.weekly[n].dropna().nunique() > 1]
        if not present:
            continue
        page.section(key)
        page.add(f'<p class="note">{page.t("band_note" if many else "single_note")}</p>')
        page.grid([figures.timeseries(res.weekly, n, page.lang, res.scenario.population, res.scenario.changes)
                   for n in present],
                  wide=len(res.designs) > figures.OVERLAY_MAX)  # a panel per design needs the page's width


def costs(page: Page, res: Results, runs: pd.DataFrame) -> None:
    """Cost per resident per year, by category and by payer, per design."""
    if "cost_per_resident_year" not in runs:
        return
    page.section("section_cost_per_resident")
    figs, rows = [], []
    for parts, key in ((COST_CATEGORIES, "category"), (COST_PAYERS, "payer")):
        cols = [c for c in parts if f"{c}_per_resident_year" in runs]
        means = runs.groupby("design", sort=False)[[f"{c}_per_resident_year" for c in cols]].mean()
        long = [{"design": d, "part": cost_part(c), "value": means.loc[d, f"{c}_per_resident_year"]}
                for d in res.designs for c in cols]
        figs.append(figures.cost_bars(pd.DataFrame(long), page.lang,
                                      f"{label('cost_per_resident_year', page.lang)}: {label(key, page.lang)}"))
        rows += [[f"{page.t(key)}: {page.t(cost_part(c))}"] + [page.num(means.loc[d, f"{c}_per_resident_year"])
                                                          for d in res.designs] for c in cols]
    total = runs.groupby("design", sort=False)["cost_per_resident_year"]
    rows.append([page.t("cost_per_resident_year")] + [page.interval(total.get_group(d)) for d in res.designs])
    page.grid(figs)
    page.add(table([page.t("cost_per_resident_year")] + [html.escape(d) for d in res.designs], rows))


def flows(page: Page, res: Results) -> None:
    """The Sankey of case flows per design."""
    page.section("section_flows")
    figs = [(d, res.flows(d)) for d in res.designs]
    if all(f is None for _, f in figs):
        page.add(f'<p class="note">{page.t("flows_missing")}</p>')
        return
    page.add(f'<p class="note">{page.t("flows_note")}</p>')
    for d, f in figs:
        if f is not None:
            page.add(page.figure(figures.sankey(f, page.lang, d)))


def sweep(page: Page, res: Results) -> None:
    """Each varied parameter against each kept outcome, one point per run."""
    page.section("section_sweep")
    page.add(f'<p class="note">{page.t("sweep_note")}</p>')
    page.grid([figures.scatter(res.runs, p, o, page.lang) for o in res.outcomes for p in res.parameters
               if p in res.runs and o in res.runs])


def build_page(res: Results, lang: str) -> str:
    """The report of loaded results as one HTML page."""
    page = Page(lang)
    runs = with_per_resident(res)
    header(page, res)
    conclusion(page, res, runs)
    if res.kind != "sweep":
        summary(page, res, runs)
    settings(page, res)
    changes(page, res)
    budget(page, res)
    population(page, res)
    comparison(page, res)
    audit(page, res)
    if res.kind == "sweep":
        sweep(page, res)
    else:
        series(page, res)
        costs(page, res, runs)
        flows(page, res)
    limitations(page, res)
    return page.html(f"{label('title', lang)}: {res.scenario.meta.name}")
