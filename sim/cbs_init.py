"""`wijkteam init`: a scenario for your own municipality from a CBS neighbourhood table.

The table has the column layout of CBS "Kerncijfers wijken en buurten" (the kwb-YYYY
download; columns documented in docs/outputs.md, "Neighbourhood tables for init"). Each
neighbourhood (rows with `recs` = Wijk; Buurt rows when the table has no Wijk rows) becomes
one scenario neighbourhood; everything else comes from the national defaults in
scenarios/middenstad.toml, comments included.

CBS age groups map to the model's bands by spreading each group evenly over its years:
0-17 = a_00_14 + 3/10 a_15_24; 18-22 = 5/10 a_15_24; 23-64 = 2/10 a_15_24 + a_25_44 +
a_45_64; a_65_oo splits into 65-74 and 75+ by SHARE_65_74 (an assumption: CBS gives no
finer split in this table).
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from pathlib import Path

import tomlkit

from sim.errors import ProblemsError

DEFAULTS = Path(__file__).resolve().parent.parent / "scenarios" / "middenstad.toml"
REQUIRED = ("gwb_code", "regio", "a_inw", "a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo", "a_hh",
            "g_hhgro", "p_hh_li")
COUNTS = ("a_inw", "a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo", "a_hh")
SHARE_65_74 = 0.55  # assumption: about 55 % of Dutch over-65s are 65-74 (national age structure, rounded)


class InitError(ProblemsError):
    """The table or the command's input cannot be used; `problems` holds one line per problem (file, row, column)."""


def _number(text: str) -> float:
    """A CBS cell as a number: decimal comma allowed; '.', '' and CBS secrecy codes are missing (NaN).

    ValueError for text that is no finite number ('inf' is not a count or a share).
    """
    text = text.strip().replace(",", ".")
    if text in ("", ".", "-") or re.fullmatch(r"-9999999\d", text):
        return math.nan
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _count(text: str) -> float:
    """A CBS count: a whole number, Dutch thousands points allowed ('7.400' is 7400); missing as in _number."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        return float(text.replace(".", ""))
    value = _number(text)
    if not math.isnan(value) and value != int(value):
        raise ValueError(text)
    return value


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (file line, row) pairs of a CSV (comma or semicolon separated; '#' lines above are notes)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InitError([f"{path}: file not found"]) from None
    except UnicodeDecodeError:
        raise InitError([f"{path}: not a UTF-8 text file"]) from None
    every = text.splitlines()
    lines = [ln for ln in every if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InitError([f"{path}: no table"])
    start = every.index(lines[0])
    if any(ln.lstrip().startswith("#") or not ln.strip() for ln in every[start:len(lines) + start]):
        raise InitError([f"{path}: notes ('#') and blank lines are allowed only above the header"])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    rows = list(reader)
    extra = [f"{path}: line {k + 2 + start}: {len(header) + len(row[None])} cells, the header has {len(header)}; "
             f"a value holding '{delimiter}' needs quotes" for k, row in enumerate(rows) if None in row]
    if extra:  # csv would set the extra cells aside and read the rest as if nothing were wrong
        raise InitError(extra)
    rows = [{k.strip(): (v or "").strip() for k, v in row.items()} for row in rows]
    return header, [(k + 2 + start, row) for k, row in enumerate(rows)]  # file line numbers


def _selected(numbered: list[tuple[int, dict[str, str]]]) -> list[tuple[int, dict[str, str]]]:
    """Rows that are neighbourhoods, with their line number: Wijk rows, else Buurt rows, else all."""
    kinds = {r.get("recs", "") for _, r in numbered}
    for kind in ("Wijk", "Buurt"):
        if kind in kinds:
            return [(n, r) for n, r in numbered if r.get("recs") == kind]
    return numbered


def _neighbourhood(path: Path, line: int, row: dict[str, str], all_problems: list[str]) -> dict | None:
    """One neighbourhood's scenario values from one row; problems appended (file, row, column)."""
    problems = _row_problems(path, line, row, [])
    all_problems += problems
    return None if problems else _values(row)


def _row_problems(path: Path, line: int, row: dict[str, str], problems: list[str]) -> list[str]:
    """Check one row; the problems found (file, row, column)."""
    where = f"{path}: row {line} ({row.get('regio', '?')})"
    values = {}
    for col in (*COUNTS, "g_hhgro", "p_hh_li"):
        try:
            values[col] = (_count if col in COUNTS else _number)(row.get(col, ""))
        except ValueError:
            kind = "not a whole number" if col in COUNTS else "not a number"
            problems.append(f"{where}: {col}: {row.get(col)!r}: {kind}")
            return problems
        if math.isnan(values[col]):
            problems.append(f"{where}: {col}: missing (CBS hides small areas): fill it in or drop the row")
            return problems
    bad = [c for c in COUNTS if values[c] < 0]
    problems += [f"{where}: {c}: {values[c]:g}: negative count; allowed: >= 0" for c in bad]
    if not 0 <= values["p_hh_li"] <= 100:
        problems.append(f"{where}: p_hh_li: {values['p_hh_li']:g}: share above 100 % or below 0; allowed: [0, 100]")
    if not 1 <= values["g_hhgro"] <= 6:
        problems.append(f"{where}: g_hhgro: {values['g_hhgro']:g}: allowed range [1, 6]")
    ages = sum(values[c] for c in COUNTS[1:6])
    if values["a_inw"] < 10:
        problems.append(f"{where}: a_inw: {values['a_inw']:g}: allowed: >= 10 residents")
    elif not bad and ages <= 0:
        problems.append(f"{where}: a_00_14..a_65_oo: all 0; the age groups must count the residents")
    elif not bad and abs(ages - values["a_inw"]) > 0.02 * values["a_inw"] + 10:
        problems.append(f"{where}: a_00_14..a_65_oo: sum {ages:g} differs from a_inw {values['a_inw']:g} "
                        "by more than 2 %")
    return problems


def _values(row: dict[str, str]) -> dict:
    """The scenario neighbourhood of a checked row (CBS age groups mapped to the model's bands)."""
    values = {col: (_count if col in COUNTS else _number)(row[col]) for col in (*COUNTS, "g_hhgro", "p_hh_li")}
    y = values["a_15_24"]
    bands = [values["a_00_14"] + 0.3 * y, 0.5 * y, 0.2 * y + values["a_25_44"] + values["a_45_64"],
             SHARE_65_74 * values["a_65_oo"], (1 - SHARE_65_74) * values["a_65_oo"]]
    shares = [round(b / sum(bands), 4) for b in bands]
    shares[2] = round(1 - sum(shares) + shares[2], 4)  # the rounding rest goes to the largest band
    return {"name": row.get("regio") or row.get("gwb_code"), "residents": int(values["a_inw"]), "age_shares": shares,
            "household_size": round(values["g_hhgro"], 2), "low_income_share": round(values["p_hh_li"] / 100, 4)}


def neighbourhoods(path: str | Path) -> list[tuple[dict, str]]:
    """The table's neighbourhoods with the code they came from; InitError listing every problem."""
    p = Path(path)
    header, rows = _read(p)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InitError([f"{p}: missing columns: {', '.join(missing)}; required: {', '.join(REQUIRED)}"])
    problems: list[str] = []
    found = [(nbh, r["gwb_code"]) for n, r in _selected(rows) if (nbh := _neighbourhood(p, n, r, problems))]
    names = [n["name"] for n, _ in found]
    problems += [f"{p}: regio {n!r} appears more than once; names must be unique" for n in sorted(set(names))
                 if names.count(n) > 1]
    if not found and not problems:
        problems.append(f"{p}: no neighbourhood rows")
    if problems:
        raise InitError(problems)
    return found


def scenario_text(path: str | Path, name: str) -> str:
    """The scenario as TOML: the table's neighbourhoods, the national defaults for the rest."""
    found = neighbourhoods(path)
    doc = tomlkit.parse(DEFAULTS.read_text(encoding="utf-8"))
    array = tomlkit.array()
    for nbh, code in found:
        item = tomlkit.inline_table()
        item.update(nbh)
        array.add_line(item, comment=f"source: CBS Kerncijfers wijken en buurten ({Path(path).name}, {code}); "
                                     f"65-74/75+ split: assumption ({SHARE_65_74:.0%} of 65+ aged 65-74)")
    array.add_line(indent="")
    doc["neighbourhoods"] = array
    _set(doc["meta"], "name", name, "assumption: name given to wijkteam init")
    _set(doc["meta"], "description", f"{name}: {len(found)} neighbourhoods from {Path(path).name}, national defaults",
         "assumption: written by wijkteam init")
    _drop_designs_that_do_not_fit(doc, len(found))
    body = tomlkit.dumps(doc)
    header = (f"# {name}: {len(found)} neighbourhoods from {Path(path).name} (CBS 'Kerncijfers wijken en buurten'\n"
              "# layout), written by wijkteam init. Everything else comes from the national defaults in\n"
              "# scenarios/middenstad.toml, with their comments: 'source:' or 'assumption:' on every line.\n\n")
    return header + body[body.index("neighbourhoods = ["):]


def _set(table, key: str, value: object, comment: str) -> None:
    """Set a value with its provenance comment."""
    item = tomlkit.item(value)
    item.comment(comment)
    item.trivia.comment_ws = "  "
    table[key] = item


def _drop_designs_that_do_not_fit(doc: tomlkit.TOMLDocument, n: int) -> None:
    """Remove designs with more district teams than neighbourhoods, and the assumptions naming them."""
    too_big = [k for k, d in doc["designs"].items() if isinstance(d.get("teams"), int) and d["teams"] > n]
    for key in too_big:
        del doc["designs"][key]
    if "assumptions" in doc:
        kept = [a for a in doc["assumptions"] if a["design"] not in too_big and a["baseline"] not in too_big]
        doc["assumptions"] = tomlkit.aot()
        for a in kept:
            doc["assumptions"].append(a)


def command(args: argparse.Namespace) -> int:
    """Write the scenario, check that it loads, and say where it went (InitError or ScenarioError: bad input)."""
    from sim.output import write_text
    from sim.scenario import ScenarioError, parse, toml_tables

    if not args.name.strip() or len(args.name) > 80 or not args.name.isprintable():
        raise InitError([f"--name {args.name!r}: allowed: 1-80 printable characters"])
    text = scenario_text(args.source, args.name.strip())
    slug = re.sub(r"[^a-z0-9]+", "-", args.name.lower()).strip("-") or "gemeente"
    out = Path(args.out) if args.out else Path("scenarios") / f"{slug}.toml"
    if out.is_dir():
        raise InitError([f"--out {out}: is a folder; give the scenario file's name"])
    scenario = parse(toml_tables(text, str(out), ScenarioError), str(out))  # checked before anything is written
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text(out, text)
    except OSError as err:
        raise InitError([f"--out {out}: cannot write: {err.strerror or err}"]) from None
    print(f"written: {out} ({scenario.population:,} residents in {len(scenario.neighbourhoods)} neighbourhoods)")
    return 0
