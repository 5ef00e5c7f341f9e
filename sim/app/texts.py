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
    "changes": ("Geplande wijzigingen", "Scheduled changes"),
    "change_week": ("Vanaf week", "From week"),
    "change_value": ("Nieuwe waarde", "New value"),
    "change_help": ("{} (week 0 = de eerste gemeten week)", "{} (week 0 = the first recorded week)"),
    "no_assumptions": ("Geen aannames van de beleidstafel vergelijken deze twee ontwerpen; wel: {}",
                       "No policy-table assumptions compare these two designs; these do: {}"),
    "run": ("Simuleer", "Run"),
    "running": ("Bezig: {:.0%}", "Running: {:.0%}"),
    "queued": ("In de wachtrij: {} vergelijking(en) van anderen gaan voor",
               "Queued: {} comparison(s) of others go first"),
    "done": ("Klaar", "Done"),
    "not_a_number": ("geen getal", "not a number"),
    "key_figures": ("Kerncijfers (gemiddelde over de herhalingen)", "Key figures (mean over the replications)"),
    "difference_b_a": ("Verschil B − A [95%-interval]", "Difference B − A [95 % interval]"),
    "link_hint": ("De adresbalk bewaart deze instellingen: herladen of de link delen opent dezelfde vergelijking.",
                  "The address bar keeps these settings: reloading or sharing the link opens the same comparison."),
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


# Per parameter: its unit and a one-line explanation, (Dutch, English).
UNITS: dict[str, tuple[str, str]] = {
    "help_seeking_mean": ("× basis", "× baseline"),
    "care_avoider_share": ("aandeel 0-1", "share 0-1"),
    "self_report_per_week": ("kans per week", "chance per week"),
    "outreach_per_hour_per_1000": ("kans per uur per 1.000", "chance per hour per 1,000"),
    "hours_per_carer": ("uur per week", "hours per week"),
    "volunteer_hours_per_1000": ("uur per week", "hours per week"),
    "fte_per_10k": ("fte", "FTE"),
    "outreach_share": ("aandeel 0-1", "share 0-1"),
    "caseload_cap": ("cliënten per fte", "clients per FTE"),
    "referral_threshold": ("ernst 0-1", "severity 0-1"),
    "mandate_delay_weeks": ("weken", "weeks"),
    "welfare_hours_per_1000": ("uur per week", "hours per week"),
    "relative": ("aandeel van de basis", "share of the baseline"),
    "absolute": ("eenheid van de uitkomst", "unit of the outcome"),
}
HELP: dict[str, tuple[str, str]] = {
    "help_seeking_mean": ("Hoe snel inwoners zelf hulp vragen (1 = zoals in het profiel).",
                          "How readily residents ask for help themselves (1 = as in the profile)."),
    "care_avoider_share": ("Inwoners die zelden zelf hulp vragen (zorgmijders).",
                           "Residents who rarely ask for help (care avoiders)."),
    "self_report_per_week": ("Kans per week per eenheid ernst dat een inwoner zich zelf meldt.",
                             "Weekly chance per unit severity that a resident reports a problem."),
    "outreach_per_hour_per_1000": ("Wat een uur outreach per 1.000 inwoners aan signalen oplevert.",
                                   "What an outreach hour per 1,000 residents brings in as signals."),
    "hours_per_carer": ("Mantelzorg die één naaste per week geeft.", "Care one family carer gives per week."),
    "volunteer_hours_per_1000": ("Vrijwilligersuren voor zorg per 1.000 inwoners.",
                                 "Volunteer hours for care per 1,000 residents."),
    "fte_per_10k": ("Omvang van het team per 10.000 inwoners.", "Team size per 10,000 residents."),
    "outreach_share": ("Deel van de uren voor outreach in de wijk.", "Share of the hours spent on outreach."),
    "caseload_cap": ("Meer cliënten per fte neemt het team niet aan.", "The team takes no more clients per FTE."),
    "referral_threshold": ("Vanaf deze ernst verwijst het team naar specialistische zorg.",
                           "From this severity on the team refers to specialist care."),
    "mandate_delay_weeks": ("Weken tot de gemeente een voorziening toekent (0 = team beslist zelf).",
                            "Weeks until the municipality grants a provision (0 = the team decides)."),
    "welfare_hours_per_1000": ("Preventie-uren van welzijn per 1.000 inwoners.",
                               "Prevention hours of welfare work per 1,000 residents."),
}


def unit(key: str, lang: str) -> str:
    """The unit of a parameter as the page shows it."""
    return UNITS[key][0 if lang == "nl" else 1]


def help_line(key: str, lang: str) -> str:
    """A parameter's one-line explanation; empty where there is none."""
    pair = HELP.get(key)
    return pair[0 if lang == "nl" else 1] if pair else ""


def text(key: str, lang: str) -> str:
    """The app's wording for a key; report labels for outcomes and headings."""
    if key in TEXTS:
        return TEXTS[key][0 if lang == "nl" else 1]
    if has_label(key):
        return label(key, lang)
    raise KeyError(f"no text for {key!r}")
