"""Dutch and English labels for every outcome, flow node, section title and table heading.

`label(key, lang)` is the one way reports and the workshop app name things. Outcomes of
a kind (per domain, provider, payer, route, provision, journey state) are composed from
the names of their parts, so every outcome a run can report has a label in both languages.
"""

from __future__ import annotations

import re

from sim.units import COST, PERCENT, shown

LANGS = ("nl", "en")

PARTS: dict[str, tuple[str, str]] = {
    # life domains
    "care": ("zorg en zelfredzaamheid", "care and self-reliance"),
    "youth": ("opvoeden en opgroeien", "parenting and growing up"),
    "debts": ("schulden", "debts"),
    "work": ("werk en inkomen", "work and income"),
    "mental": ("psychische problemen", "mental health"),
    "loneliness": ("eenzaamheid", "loneliness"),
    # specialist providers
    "youth_care": ("jeugdhulp", "youth care"),
    "ggz": ("ggz", "mental health care (GGZ)"),
    "debt_restructuring": ("schuldhulpverlening", "debt restructuring"),
    "reintegration": ("re-integratie", "reintegration"),
    # provisions
    "household_help": ("hulp bij het huishouden", "household help"),
    "support_at_home": ("begeleiding thuis", "support at home"),
    # payers
    "wmo": ("Wmo (gemeente)", "Wmo (municipality)"),
    "jeugdwet": ("Jeugdwet (gemeente)", "Youth Act (municipality)"),
    "participatiewet": ("Participatiewet (gemeente)", "Participation Act (municipality)"),
    "zvw": ("Zorgverzekeringswet (zorgverzekeraars)", "Health Insurance Act (insurers)"),
    "wlz": ("Wet langdurige zorg", "Long-term Care Act"),
    # signal routes
    "self": ("zelf gemeld", "self-referral"),
    "informal": ("via naasten", "via family and friends"),
    "partner": ("via partners (huisarts, school, politie)", "via partners (GP, school, police)"),
    "outreach": ("outreachend gevonden", "found by outreach"),
    "network": ("via het signaleringsnetwerk", "via the signalling network"),
    # journey states
    "no_problem": ("geen probleem", "no problem"),
    "unknown_problem": ("probleem nog niet in beeld", "problem not yet known"),
    "waiting_team": ("wacht op het wijkteam", "waiting for the team"),
    "team_case": ("in begeleiding bij het wijkteam", "in casework with the team"),
    "specialist": ("in specialistische zorg", "in specialist care"),
    "provision_only": ("alleen een voorziening", "provision only"),
    # case outcomes
    "resolved": ("opgelost", "resolved"),
    "handed_over": ("overgedragen (zorg of voorziening)", "handed over (care or provision)"),
    "manageable": ("hanteerbaar afgesloten", "closed as manageable"),
    "open_at_end": ("nog open aan het eind", "still open at the end"),
    "resolved_waiting": ("opgelost tijdens het wachten", "resolved while waiting"),
    "gave_up": ("gestopt met wachten (elders hulp of opgegeven)", "stopped waiting (help elsewhere or gave up)"),
}

KINDS: dict[str, tuple[str, str]] = {  # prefix of an outcome: label with {} for the part
    "prevalence_": ("Aandeel inwoners met een probleem: {}", "Share of residents with a problem: {}"),
    "onsets_": ("Nieuwe problemen per week: {}", "New problems per week: {}"),
    "signals_": ("Signalen per week, {}", "Signals per week, {}"),
    "referrals_": ("Verwijzingen per week naar {}", "Referrals per week to {}"),
    "waiting_": ("Wachtend op {}", "Waiting for {}"),
    "waiting_over_norm_": ("Langer dan de treeknorm (14 weken) wachtend op {}",
                           "Waiting beyond the norm (14 weeks) for {}"),
    "in_treatment_": ("In behandeling bij {}", "In treatment at {}"),
    "admissions_": ("Opnames per week bij {}", "Admissions per week at {}"),
    "mean_wait_": ("Gemiddelde wachttijd {} (weken)", "Mean wait for {} (weeks)"),
    "wait_": ("Wachttijd tot opname bij {} (weken)", "Wait for admission to {} (weeks)"),
    "granted_": ("Toegekend per week: {}", "Granted per week: {}"),
    "provisions_": ("Lopende voorzieningen: {}", "Running provisions: {}"),
    "journey_": ("Inwoners: {}", "Residents: {}"),
    "cost_": ("Kosten per week, {} (EUR)", "Costs per week, {} (EUR)"),
    "route_": ("{}", "{}"),
    "outcome_": ("{}", "{}"),
}

OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "residents": ("Inwoners", "Residents"),
    "self_reliant_share": ("Aandeel zelfredzame inwoners", "Share of self-reliant residents"),
    "new_cases": ("Nieuwe aanmeldingen per week", "New cases per week"),
    "new_cases_waiting": ("Nieuwe aanmeldingen die moeten wachten, per week", "New cases that wait, per week"),
    "queue_length": ("Wachtlijst wijkteam (inwoners)", "Team waiting list (residents)"),
    "residents_0_17": ("Inwoners 0-17 jaar", "Residents aged 0-17"),
    "residents_18_22": ("Inwoners 18-22 jaar", "Residents aged 18-22"),
    "residents_23_64": ("Inwoners 23-64 jaar", "Residents aged 23-64"),
    "residents_65_74": ("Inwoners 65-74 jaar", "Residents aged 65-74"),
    "residents_75plus": ("Inwoners van 75 jaar en ouder", "Residents aged 75+"),
    "deaths": ("Overleden", "Died"),
    "births": ("Geboren", "Born"),
    "moved_in": ("Ingeschreven (verhuisd naar de gemeente)", "Moved in"),
    "moved_out": ("Vertrokken (verhuisd uit de gemeente)", "Moved out"),
    "households": ("Huishoudens", "Households"),
    "left_home": ("Uit huis gegaan (eigen huishouden in de gemeente)", "Left home (own household here)"),
    "carers_gone": ("Mantelzorgers van vertrokken huishoudens", "Carers of households gone"),
    "provision_holders_per_1000": ("Inwoners met een Wmo-voorziening per 1.000 inwoners",
                                   "Residents with a Wmo provision per 1,000 residents"),
    "provision_holders_per_1000_75plus": ("Inwoners met een Wmo-voorziening per 1.000 inwoners van 75+",
                                          "Residents with a Wmo provision per 1,000 residents aged 75+"),
    "waiting_provisions": ("Wachtlijst Wmo-voorzieningen van de gemeente (inwoners)",
                           "Municipal waiting list for Wmo provisions (residents)"),
    "intakes": ("Intakes per week", "Intakes per week"),
    "loket_cases": ("Door het loket afgehandeld, per week", "Handled by the counter, per week"),
    "left_queue_resolved": ("Van de wachtlijst af, probleem opgelost, per week",
                            "Left the waiting list resolved, per week"),
    "gave_up_waiting": ("Gestopt met wachten, per week", "Stopped waiting, per week"),
    "intake_wait_weeks": ("Wachtweken van de intakes van de week", "Waiting weeks of the week's intakes"),
    "mean_wait_weeks": ("Gemiddelde wachttijd tot intake (weken)", "Mean wait to intake (weeks)"),
    "open_cases": ("Lopende casussen", "Open cases"),
    "bridged_cases": ("Overbruggingscasussen (wachten op zorg elders)", "Bridged cases (awaiting care elsewhere)"),
    "staff_fte": ("Formatie wijkteam (fte)", "Team staff (FTE)"),
    "caseload_per_fte": ("Caseload per fte", "Caseload per FTE"),
    "hours_contracted": ("Gecontracteerde uren per week", "Contracted hours per week"),
    "hours_casework": ("Uren casuswerk per week", "Casework hours per week"),
    "hours_coordination": ("Uren afstemming per week", "Coordination hours per week"),
    "hours_outreach": ("Uren outreach en preventie per week", "Outreach and prevention hours per week"),
    "informal_hours": ("Uren mantelzorg per week", "Informal care hours per week"),
    "volunteer_hours": ("Uren vrijwilligers per week", "Volunteer hours per week"),
    "informal_share": ("Aandeel informele hulp in de ondersteuningsuren", "Informal share of support hours"),
    "carers": ("Actieve mantelzorgers", "Active informal carers"),
    "carers_overburdened": ("Overbelaste mantelzorgers", "Overburdened carers"),
    "carer_dropouts": ("Mantelzorgers die stoppen, per week", "Carers who stop, per week"),
    "crises": ("Crises per week", "Crises per week"),
    "direct_referrals_youth_care": ("Verwijzingen per week naar jeugdhulp door huisarts of medisch specialist",
                                    "Referrals per week to youth care by a GP or medical specialist"),
    "child_protection_measures": ("Jeugdbeschermingsmaatregelen per week", "Child protection measures per week"),
    "client_households": ("Huishoudens met een lopende casus", "Households with an open case"),
    "professionals": ("Professionals bij cliënthuishoudens (som)", "Professionals at client households (sum)"),
    "professionals_per_client_household": ("Professionals per cliënthuishouden", "Professionals per client household"),
    "multiproblem_households": ("Multiprobleemhuishoudens in begeleiding", "Multi-problem client households"),
    "professionals_multiproblem": ("Professionals bij multiprobleemhuishoudens (som)",
                                   "Professionals at multi-problem households (sum)"),
    "professionals_per_multiproblem_household": ("Professionals per multiprobleemhuishouden",
                                                 "Professionals per multi-problem household"),
    "cost_team": ("Kosten wijkteam per week (EUR)", "Team costs per week (EUR)"),
    "cost_provisions": ("Kosten voorzieningen per week (EUR)", "Provision costs per week (EUR)"),
    "cost_welfare": ("Kosten welzijn en preventie per week (EUR)", "Welfare and prevention costs per week (EUR)"),
    "cost_specialist": ("Kosten specialistische zorg per week (EUR)", "Specialist care costs per week (EUR)"),
    "cost_crisis": ("Kosten crises per week (EUR)", "Crisis costs per week (EUR)"),
    "cost_total": ("Totale kosten per week (EUR)", "Total costs per week (EUR)"),
    "cost_per_resident": ("Kosten per inwoner per week (EUR)", "Cost per resident per week (EUR)"),
    "cost_per_resident_year": ("Kosten per inwoner per jaar (EUR)", "Cost per resident per year (EUR)"),
    "onset_to_contact_weeks": ("Weken van ontstaan probleem tot intake", "Weeks from onset to intake"),
    "onset_to_signal_weeks": ("Weken van ontstaan probleem tot signaal", "Weeks from onset to signal"),
    "intake_severity": ("Ernst bij aanmelding (0-1)", "Severity at signal (0-1)"),
    "intake_to_referral_weeks": ("Weken van intake tot verwijzing", "Weeks from intake to referral"),
    "case_weeks": ("Duur van een casus (weken)", "Case duration (weeks)"),
    "wait_weeks_non_priority": ("Wachttijd zonder voorrang (weken)", "Wait without priority (weeks)"),
    "queue_growing": ("Wachtlijst wijkteam groeit nog (1 = ja)", "Team waiting list still growing (1 = yes)"),
    "warmup_weeks": ("Inloopweken nog in de meting (MSER-5)", "Warm-up weeks left in the record (MSER-5)"),
    # flow nodes that are not composed
    "intake_team": ("intake door het wijkteam", "intake by the team"),
    "intake_counter": ("afgehandeld door het loket", "handled by the counter"),
    "waiting": ("wacht nog op intake", "still waiting for intake"),
    "left_queue": ("van de wachtlijst af vóór intake", "left the waiting list before intake"),
    "support_specialist": ("verwezen naar specialistische zorg", "referred to specialist care"),
    "support_provision": ("voorziening toegekend", "provision granted"),
    "support_team_informal": ("wijkteam met informele hulp", "team with informal help"),
    "support_team": ("alleen wijkteam", "team only"),
    "support_none": ("(nog) geen ondersteuning", "no support (yet)"),
}

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Rapportage sociaal wijkteam", "Social neighbourhood team report"),
    "section_summary": ("Samenvatting", "Summary"),
    "section_conclusion": ("Conclusie", "Conclusion"),
    "conclusion_intro": ("Elk ontwerp tegenover {}: het gemiddelde verschil over gepaarde herhalingen (dezelfde "
                         "toevalsgetallen) met een 95 %-interval, en of dat beter, slechter of niet duidelijk "
                         "anders is.",
                         "Each design against {}: the mean difference over paired replications (the same random "
                         "numbers) with its 95 % interval, and whether that is better, worse or not clearly "
                         "different."),
    "percentage_points": ("procentpunt", "percentage points"),
    "better": ("beter", "better"),
    "worse": ("slechter", "worse"),
    "unclear": ("geen duidelijk verschil", "no clear difference"),
    "queue_still_growing": ("de wachtlijst van het wijkteam groeit nog in {} van de {} herhalingen: de gemiddelden "
                            "zijn die van een trend, niet van een evenwicht.",
                            "the team's waiting list still grows in {} of {} replications: its means are those of "
                            "a trend, not of a steady level."),
    "section_settings": ("Instellingen van het scenario", "Scenario settings"),
    "section_changes": ("Geplande wijzigingen", "Scheduled changes"),
    "section_budget": ("Uitgaven tegen het budget", "Spending against the budget"),
    "year": ("Jaar", "Year"),
    "budget": ("Budget (EUR)", "Budget (EUR)"),
    "spent_per_year": ("uitgaven per jaar (EUR)", "spending per year (EUR)"),
    "budget_note": ("Uitgaven per gemeten jaar (gemiddelde over de herhalingen) en het deel van het budget "
                    "({}: EUR {} per inwoner per jaar); boven 100 % is overschrijding. Bij overschrijding "
                    "verandert er in het model niets: de uitgaven worden alleen gemeld.",
                    "Spending per recorded year (mean over the replications) and the share of the budget "
                    "({}: EUR {} per resident per year); above 100 % is overspending. Overspending changes "
                    "nothing in the model: it is reported only."),
    "budget_note_responds": ("Uitgaven per gemeten jaar (gemiddelde over de herhalingen) en het deel van het budget "
                             "({}: EUR {} per inwoner per jaar). Loopt de besteding voor op het budget, dan reageert "
                             "de gemeente in het model: {}.",
                             "Spending per recorded year (mean over the replications) and the share of the budget "
                             "({}: EUR {} per resident per year). While spending runs ahead of the budget, the "
                             "municipality in the model responds: {}."),
    "stricter_access": ("strengere toegang (hogere drempels voor voorzieningen en verwijzingen)",
                        "stricter access (higher thresholds for provisions and referrals)"),
    "waiting_list": ("een wachtlijst voor Wmo-voorzieningen", "a waiting list for Wmo provisions"),
    "section_population": ("Bevolking en vraag per jaar", "Population and demand per year"),
    "population_change": ("Van jaar {} tot jaar {} groeit het aandeel inwoners van 75 jaar en ouder van {} % "
                          "naar {} %. Inwoners met een Wmo-voorziening: {}.",
                          "From year {} to year {} the share of residents aged 75+ goes from {} % to {} %. "
                          "Residents with a Wmo provision: {}."),
    "population_demand": ("{}: van {} naar {} per 1.000 inwoners, van {} naar {} per 1.000 inwoners van 75+",
                          "{}: from {} to {} per 1,000 residents, from {} to {} per 1,000 residents aged 75+"),
    "population_note": ("Per gemeten jaar: inwoners en huishoudens (gemiddelde over de weken), wie er in het jaar "
                        "geboren werd, overleed, uit huis ging of verhuisde, en inwoners met een "
                        "Wmo-voorziening per 1.000 inwoners en per 1.000 inwoners van 75 jaar en ouder, gemiddeld "
                        "over de herhalingen. Stijgt de vraag per 1.000 ouderen niet terwijl die per 1.000 inwoners "
                        "stijgt, dan komt de groei van de vergrijzing.",
                        "Per recorded year: residents and households (mean over the weeks), who was born, died, left "
                        "home or moved in the year, and residents with a Wmo provision per 1,000 "
                        "residents and per 1,000 residents aged 75+, means over the replications. Demand that rises "
                        "per 1,000 residents but not per 1,000 older residents grows from ageing."),
    "change_week": ("Vanaf week", "From week"),
    "change_path": ("Instelling", "Setting"),
    "change_value": ("Was, wordt", "Was, becomes"),
    "change_note": ("Toelichting", "Note"),
    "change_window": ("Gemiddelde over de {} weken vóór en de {} weken vanaf week {} ({}), over de herhalingen; "
                      "de stippellijn in de grafieken markeert elke wijziging.",
                      "Mean over the {} weeks before and the {} weeks from week {} ({}), over the replications; "
                      "the dashed line in the charts marks each change."),
    "before": ("vóór", "before"),
    "after": ("vanaf", "from"),
    "section_comparison": ("Vergelijking van de ontwerpen", "Comparison of designs"),
    "section_audit": ("Toets van de aannames van de beleidstafel", "Audit of the policy table's assumptions"),
    "section_problems": ("Problemen in de wijk", "Problems in the neighbourhoods"),
    "section_waiting": ("Wachtlijsten en wachttijden", "Waiting lists and waits"),
    "section_caseload": ("Caseload", "Caseload"),
    "section_hours": ("Outreach en informele hulp", "Outreach and informal support"),
    "section_crises": ("Crises en verwijzingen", "Crises and referrals"),
    "section_costs": ("Kosten per categorie en per financier", "Costs by category and payer"),
    "section_cost_per_resident": ("Kosten per inwoner", "Cost per resident"),
    "section_flows": ("Route van signaal tot uitkomst", "From signal to outcome"),
    "section_sweep": ("Gevarieerde parameters en uitkomsten", "Varied parameters and outcomes"),
    "section_limitations": ("Beperkingen", "Limitations"),
    "kind_run": ("één simulatie", "one simulation"),
    "kind_runs": ("simulaties per ontwerp", "simulations per design"),
    "kind_compare": ("vergelijking van ontwerpen", "comparison of designs"),
    "kind_audit": ("toets van aannames", "audit of assumptions"),
    "kind_sweep": ("parameterverkenning", "parameter sweep"),
    "scenario": ("Scenario", "Scenario"),
    "results_kind": ("Soort resultaten", "Kind of results"),
    "results_folder": ("Map met resultaten", "Results folder"),
    "design": ("Ontwerp", "Design"),
    "designs": ("Ontwerpen", "Designs"),
    "replications": ("Herhalingen", "Replications"),
    "recorded_weeks": ("Gemeten weken (na inloop)", "Recorded weeks (after burn-in)"),
    "burn_in_weeks": ("Inloopweken", "Burn-in weeks"),
    "seed": ("Startgetal toeval (seed)", "Random seed"),
    "population": ("Inwoners", "Residents"),
    "neighbourhoods": ("Wijken", "Neighbourhoods"),
    "generated": ("Gemaakt op", "Generated on"),
    "week": ("Week (na inloop)", "Week (after burn-in)"),
    "band_note": ("Lijn: gemiddelde over de herhalingen; band: 2,5-97,5 % van de herhalingen.",
                  "Line: mean over replications; band: 2.5-97.5 % of the replications."),
    "single_note": ("Eén herhaling per ontwerp: geen spreidingsband.",
                    "One replication per design: no band."),
    "mean_range": ("Gemiddelde over de herhalingen [95 %-interval van het gemiddelde], zoals in de vergelijking.",
                   "Mean over replications [95 % interval of the mean], as in the comparison."),
    "outcome": ("Uitkomst", "Outcome"),
    "mean": ("Gemiddelde", "Mean"),
    "interval": ("95 %-interval", "95 % interval"),
    "difference": ("Verschil met eerste ontwerp (gepaard, 95 %-interval)",
                   "Difference to first design (paired, 95 % interval)"),
    "assumption": ("Aanname", "Assumption"),
    "metric": ("Maatstaf", "Metric"),
    "versus": ("ten opzichte van", "versus"),
    "expected": ("Verwacht", "Expected"),
    "effect": ("Gesimuleerd effect [95 %-interval]", "Simulated effect [95 % interval]"),
    "verdict": ("Oordeel", "Verdict"),
    "changed_most": ("Grootste verandering", "Changed most"),
    "holds": ("klopt", "holds"),
    "fails": ("klopt niet", "fails"),
    "inconclusive": ("onbeslist", "inconclusive"),
    "setting": ("Instelling", "Setting"),
    "value": ("Waarde", "Value"),
    "form": ("Organisatievorm", "Organisation form"),
    "description": ("Omschrijving", "Description"),
    "fte_per_10k": ("Fte per 10.000 inwoners", "FTE per 10,000 residents"),
    "hours_per_fte": ("Uren per fte per week", "Hours per FTE per week"),
    "teams": ("Teams", "Teams"),
    "employment": ("Dienstverband", "Employment"),
    "outreach_share": ("Aandeel uren voor outreach", "Share of hours for outreach"),
    "outreach_protected": ("Outreach-uren gaan voor casuïstiek", "Outreach hours set aside before casework"),
    "caseload_cap": ("Maximale caseload", "Caseload cap"),
    "bridging_hours_per_case": ("Uren per week voor een overbrugde casus", "Weekly hours per bridged case"),
    "follow_up_weeks": ("Gemiddelde nazorg na het plan (weken)", "Mean follow-up after the plan (weeks)"),
    "mandate_delay_weeks": ("Wachttijd op een beschikking (weken)", "Mandate delay (weeks)"),
    "signalling_network": ("Signaleringsnetwerk", "Signalling network"),
    "welfare_hours_per_1000": ("Uren welzijn per 1.000 inwoners", "Welfare hours per 1,000 residents"),
    "per_year": ("per jaar", "per year"),
    "costs_team": ("wijkteam", "team"),
    "costs_provisions": ("voorzieningen", "provisions"),
    "costs_welfare": ("welzijn en preventie", "welfare and prevention"),
    "costs_specialist": ("specialistische zorg", "specialist care"),
    "costs_crisis": ("crises", "crises"),
    "costs_total": ("totaal", "total"),
    "unit_cost": ("EUR per inwoner per jaar", "EUR per resident per year"),
    "unit_percent": ("%", "%"),
    "charts_need_newer_browser": ("Deze grafiek vraagt een recentere browser.",
                                  "This chart needs a more recent browser."),
    "payer": ("Financier", "Payer"),
    "category": ("Kostensoort", "Cost category"),
    "flows_note": ("Aanmeldingen in de gemeten weken; gemiddeld over de herhalingen. Breedte = aantal casussen.",
                   "Cases signalled in the recorded weeks; mean over replications. Width = number of cases."),
    "flows_missing": ("Deze resultaten bevatten geen casusstromen (geen casustabel bewaard).",
                      "These results hold no case flows (no case table kept)."),
    "parameter": ("Parameter", "Parameter"),
    "assumptions_intro": ("Deze parameters zijn aannames, niet ontleend aan een gepubliceerde bron "
                          "({n} van {total} parameters). De uitkomsten hangen ervan af; lees ze als "
                          "verkenning, niet als voorspelling.",
                          "These parameters are assumptions, not taken from a published source "
                          "({n} of {total} parameters). The results depend on them; read them as "
                          "an exploration, not a forecast."),
    "provenance_file": ("Herkomst gelezen uit (toelichtingen geciteerd uit het bestand, in de taal van het bestand)",
                        "Provenance read from (notes quoted from the file, in the file's language)"),
    "group_meta": ("algemeen", "general"),
    "group_neighbourhoods": ("wijken", "neighbourhoods"),
    "group_residents": ("inwoners", "residents"),
    "group_problems": ("problemen", "problems"),
    "group_signals": ("signalering", "signals"),
    "group_escalation": ("escalatie", "escalation"),
    "group_informal": ("informele hulp", "informal help"),
    "group_specialists": ("specialistische zorg", "specialist care"),
    "group_provisions": ("voorzieningen", "provisions"),
    "group_costs": ("kosten", "costs"),
    "group_welfare": ("welzijn", "welfare"),
    "group_designs": ("ontwerpen", "designs"),
    "provenance_missing": ("Het scenariobestand is niet gevonden: welke parameters aannames zijn, is onbekend.",
                           "The scenario file was not found: which parameters are assumptions is unknown."),
    "provenance_stale": ("Let op: het scenariobestand is gewijzigd sinds deze resultaten zijn gemaakt.",
                         "Note: the scenario file has changed since these results were made."),
    "changed_from_file": ("Voor deze resultaten anders ingesteld dan in het scenariobestand",
                          "Set differently for these results than in the scenario file"),
    "validation": ("Validatie", "Validation"),
    "not_validated": ("Niet gevalideerd tegen gepubliceerde cijfers.",
                      "Not validated against published figures."),
    "validated_with": ("Gevalideerd tegen gepubliceerde cijfers: {ok} van {n} doelen binnen de marge ({file}).",
                       "Validated against published figures: {ok} of {n} targets within tolerance ({file})."),
    "replications_note": ("Aantal herhalingen per ontwerp: {n}. Gemiddelden over weinig herhalingen zijn onzeker.",
                          "Replications per design: {n}. Means over few replications are uncertain."),
    "model_note": ("Dit is een model: een vereenvoudiging van de praktijk van wijkteams. Het laat zien wat "
                   "de aannames samen opleveren, niet wat er in een echte gemeente zal gebeuren.",
                   "This is a model: a simplification of neighbourhood team practice. It shows what the "
                   "assumptions add up to, not what will happen in a real municipality."),
    "sweep_note": ("Elk punt is één simulatie; kleur: ontwerp.", "Each point is one simulation; colour: design."),
    "published": ("Gepubliceerd (± marge)", "Published (± tolerance)"),
    "simulated": ("Gesimuleerd [95 %-interval]", "Simulated [95 % interval]"),
    "within": ("Binnen de marge", "Within tolerance"),
    "source": ("Bron", "Source"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
}


SETTING_VALUES: dict[str, tuple[str, str]] = {  # the words a scenario's design fields take
    "integral": ("integraal team", "integral team"),
    "split": ("gesplitste teams (jeugd en volwassenen)", "split teams (youth and adults)"),
    "multi_problem": ("team voor meervoudige problemen, met loket", "multi-problem team, with a counter"),
    "village": ("dorpsondersteuners", "village support workers"),
    "network": ("los netwerk", "loose network"),
    "neighbourhood": ("één per wijk", "one per neighbourhood"),
    "municipality": ("één voor de gemeente", "one for the municipality"),
    "seconded": ("gedetacheerd vanuit moederorganisaties", "seconded from their organisations"),
    "casework": ("casuïstiek", "casework"),
    "exponential": ("geheugenloos (wachtrijcontrole)", "memoryless (queue check)"),
}


def setting_value(value: str, lang: str) -> str:
    """A design field's word (form, teams, employment, service) in the page's language."""
    pair = SETTING_VALUES.get(value)
    return value if pair is None else pair[LANGS.index(lang)]


def _lookup(key: str) -> tuple[str, str] | None:
    """The (nl, en) pair of a key, composed for outcomes of a kind; None if unknown."""
    for table in (OUTCOME_LABELS, TEXT):
        if key in table:
            return table[key]
    for prefix, (nl, en) in KINDS.items():
        part = key.removeprefix(prefix)
        if key.startswith(prefix) and part in PARTS:
            return nl.format(PARTS[part][0]), en.format(PARTS[part][1])
    return PARTS.get(key)


def cost_part(column: str) -> str:
    """The short label key of a cost column: its category (costs_team, ...) or its payer (wmo, ...)."""
    part = column.removeprefix("cost_")
    return part if part in PARTS else f"costs_{part}"


def shown_label(name: str, lang: str) -> str:
    """The label of an outcome in the unit it is shown in (sim.units): costs per resident per year, shares in %."""
    kind = shown(name, 1.0).kind
    if name == "cost_per_resident":
        return label("cost_per_resident_year", lang)
    if kind == COST:
        return f"{label('cost_per_resident_year', lang)}: {label(cost_part(name), lang)}"
    if kind == PERCENT:
        return f"{label(name, lang)} (%)"
    return label_or_key(name, lang)


def shown_unit(name: str, lang: str) -> str:
    """The unit of an outcome as shown, for an axis: the label's part in brackets, or the shown unit's name."""
    kind = shown(name, 1.0).kind
    if kind:
        return label(f"unit_{kind}", lang)
    found = re.search(r"\(([^()]*)\)\s*$", label_or_key(name, lang))
    return found.group(1) if found else label_or_key(name, lang)


def label(key: str, lang: str = "nl") -> str:
    """The label of an outcome, flow node, section or heading in Dutch (nl) or English (en)."""
    if lang not in LANGS:
        raise ValueError(f"lang {lang!r}: allowed: nl, en")
    pair = _lookup(key)
    if pair is None:
        raise KeyError(f"no label for {key!r}")
    return pair[LANGS.index(lang)]


def has_label(key: str) -> bool:
    """Whether `key` has a label (outcomes named in a results folder may be new)."""
    return _lookup(key) is not None


def label_or_key(key: str, lang: str = "nl") -> str:
    """The label of a key, or the key itself when it has none (e.g. a parameter's dotted path)."""
    return label(key, lang) if has_label(key) else key

