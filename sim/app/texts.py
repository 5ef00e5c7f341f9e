"""Wording of the app's own controls in Dutch and English.

Outcomes, flow nodes, sections and table headings are named by sim.report.labels; this
table holds only what the page adds (buttons, inputs, parameters, messages).
"""

from __future__ import annotations

from sim.report.labels import has_label, label

TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("Wijkteam-werkplaats", "Neighbourhood team workshop"),
    "profile": ("Gemeenteprofiel", "Municipality profile"),
    "uploaded": ("geüpload", "uploaded"),
    "design_a": ("Ontwerp A (basis)", "Design A (baseline)"),
    "design_b": ("Ontwerp B", "Design B"),
    "design": ("Ontwerp", "Design"),
    "run_settings": ("Looptijd", "Run length"),
    "weeks": ("Gemeten weken", "Recorded weeks"),
    "burn_in": ("Inloopweken", "Burn-in weeks"),
    "seed": ("Startgetal (seed)", "Seed"),
    "replications": ("Herhalingen per ontwerp", "Replications per design"),
    "municipality": ("Gemeente en inwoners", "Municipality and residents"),
    "design_params": ("Ontwerp {}", "Design {}"),
    "beleidstafel": ("Beleidstafel: verwachte effecten", "Policy table: expected effects"),
    "no_assumptions": ("Geen aannames van de beleidstafel vergelijken deze twee ontwerpen; wel: {}",
                       "No policy-table assumptions compare these two designs; these do: {}"),
    "run": ("Simuleer", "Run"),
    "running": ("Bezig: {:.0%}", "Running: {:.0%}"),
    "outcome_shown": ("Uitkomst in de wijkkaart (gemiddelde over de weken)",
                      "Outcome on the neighbourhood map (mean over the weeks)"),
    "series_shown": ("Uitkomst in de tijdreeks", "Outcome in the time series"),
    "download_report": ("Rapport downloaden", "Download report"),
    "download_scenario": ("Scenario downloaden (TOML)", "Download scenario (TOML)"),
    "upload": ("Scenariobestand (.toml) uploaden", "Upload a scenario file (.toml)"),
    "upload_ok": ("Scenario {} geladen", "Scenario {} loaded"),
    "errors": ("Niet gebruikt:", "Not used:"),
    "runs_log": ("Simulaties in deze sessie", "Simulations in this session"),
    "no_runs": ("Nog geen simulaties. Kies een profiel en twee ontwerpen en druk op Simuleer.",
                "No simulations yet. Pick a profile and two designs and press Run."),
    "audit_needs_two": ("Het oordeel over aannames vraagt ten minste 2 herhalingen.",
                        "Verdicts on assumptions need at least 2 replications."),
    "run_failed": ("Simulatie mislukt: {}", "Simulation failed: {}"),
    "same_design": ("Kies twee verschillende ontwerpen.", "Pick two different designs."),
    "language": ("Taal", "Language"),
    "help_seeking_mean": ("hulpzoekgedrag (schaal)", "help seeking (scale)"),
    "care_avoider_share": ("aandeel zorgmijders", "share of care avoiders"),
    "self_report_per_week": ("zelfmelding per week", "self-report per week"),
    "outreach_per_hour_per_1000": ("signalering per uur outreach per 1.000", "signals per outreach hour per 1,000"),
    "hours_per_carer": ("uren per mantelzorger", "hours per carer"),
    "volunteer_hours_per_1000": ("vrijwilligersuren per 1.000", "volunteer hours per 1,000"),
    "fte_per_10k": ("fte per 10.000 inwoners", "FTE per 10,000 residents"),
    "referral_threshold": ("verwijsdrempel (ernst)", "referral threshold (severity)"),
    "welfare_hours_per_1000": ("welzijnsuren per 1.000", "welfare hours per 1,000"),
    "size": ("verwacht effect", "expected effect"),
    "relative": ("relatief", "relative"),
    "absolute": ("absoluut", "absolute"),
}


def text(key: str, lang: str) -> str:
    """The app's wording for a key; report labels for outcomes and headings."""
    if key in TEXTS:
        return TEXTS[key][0 if lang == "nl" else 1]
    if has_label(key):
        return label(key, lang)
    raise KeyError(f"no text for {key!r}")
