"""Scenario schema (pydantic v2) and loading from TOML.

A scenario is one municipality (neighbourhoods, residents, problems, informal care,
specialist care, costs) plus one or more named team designs. Every model forbids
unknown keys and rejects NaN/inf; rates and shares are range-checked here at the edge
so the core can trust its inputs.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.domains import DOMAINS, N_AGE_BANDS, PROVIDERS
from sim.dotted import assign, field_info, lookup
from sim.errors import ProblemsError

Share = Annotated[float, Field(ge=0.0, le=1.0)]
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"  # names reach file names, tables and pages: no control characters
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=PRINTABLE)]
DesignName = Annotated[str, Field(min_length=1, max_length=60, pattern=PRINTABLE)]
Rate = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0, le=1e9)]


def repeated(names: list[str]) -> list[str]:
    """The names that occur more than once, sorted (for the uniqueness checks of tables)."""
    return sorted({n for n in names if names.count(n) > 1})


class Strict(BaseModel):
    """Base for every scenario table: unknown keys, non-finite floats and values of another type are errors.

    Strict: "0.9" or true where a number belongs is refused, not read as 0.9 or 1.0 (a whole
    number is still a number where a fraction is allowed).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, strict=True)


class Meta(Strict):
    """Name, description and run length of the scenario."""

    name: Name
    description: str = Field(min_length=1, max_length=300)
    description_nl: str | None = Field(default=None, min_length=1, max_length=300)  # Dutch pages show this one
    description_en: str | None = Field(default=None, min_length=1, max_length=300)  # English pages show this one
    seed: int = Field(ge=0, le=2**63 - 1)
    weeks: int = Field(ge=1, le=5200)
    burn_in_weeks: int = Field(ge=0, le=1040)
    design: DesignName
    start_date: datetime.date | None = None  # the date of the first recorded week: calendar years, changes by date


class Neighbourhood(Strict):
    """One neighbourhood: residents, age structure, household size, low incomes."""

    name: Name
    residents: int = Field(ge=10, le=2_000_000)
    age_shares: list[Share] = Field(min_length=N_AGE_BANDS, max_length=N_AGE_BANDS)
    household_size: float = Field(ge=1.0, le=6.0)
    low_income_share: Share

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Neighbourhood:
        total = sum(self.age_shares)
        if abs(total - 1.0) > 1e-3:
            raise ValueError(f"age_shares sum to {total:.4f}; allowed: 1 (within 0.001)")
        return self


class Residents(Strict):
    """Own resilience and help-seeking propensity of residents."""

    resilience_mean: float = Field(ge=0.0, le=5.0)
    resilience_sd: float = Field(ge=0.0, le=5.0)
    care_avoider_share: Share
    care_avoider_help_seeking: Share
    help_seeking_mean: float = Field(ge=0.0, le=5.0)
    queue_leave_per_week: Rate  # weekly hazard that a resident on the team's waiting list stops waiting
    leave_queue_when_resolved: bool  # a resident whose problems all resolved leaves the waiting list


class Domain(Strict):
    """Onset, course and response to support of problems in one life domain."""

    onset_per_1000_per_year: list[Annotated[float, Field(ge=0.0, le=1000.0)]] = Field(
        min_length=N_AGE_BANDS, max_length=N_AGE_BANDS
    )
    low_income_onset_multiplier: float = Field(ge=0.0, le=10.0)
    severity_at_onset: list[Share] = Field(min_length=2, max_length=2)  # lowest and highest severity
    growth_per_week: Rate
    natural_resolution_per_year: float = Field(ge=0.0, le=52.0)
    burden_weight: float = Field(ge=0.0, le=5.0)
    team_effect_per_hour: Rate
    informal_fit: Share
    partner_signal_per_week: Rate

    @model_validator(mode="after")
    def _severity_ordered(self) -> Domain:
        lo, hi = self.severity_at_onset
        if lo <= 0.0:
            raise ValueError(f"severity_at_onset low end {lo}: allowed range (0, 1] (a problem has a severity)")
        if lo > hi:
            raise ValueError(f"severity_at_onset [{lo}, {hi}]: allowed: low <= high")
        return self


class Problems(Strict):
    """The six life domains and the shared severity rules."""

    care: Domain
    youth: Domain
    debts: Domain
    work: Domain
    mental: Domain
    loneliness: Domain
    resolved_below: Rate
    aggravation: Share


class Signals(Strict):
    """Weekly signal hazards per unit severity, by route."""

    self_report_per_week: Rate
    informal_per_week: Rate
    outreach_per_hour_per_1000: Rate
    network_per_week: Rate
    immediate: bool
    # A GP, youth doctor or medical specialist refers a young resident's unknown youth problem
    # straight to youth care, past the team (a Jeugdwet route of its own); 0: only the team refers.
    direct_referral_per_week: Rate = 0.0


class Escalation(Strict):
    """Sustained deficit of capacity against burden builds strain; past a threshold, crisis."""

    strain_memory: Share
    crisis_threshold: float = Field(gt=0.0, le=100.0)
    safety_severity: Share


class Informal(Strict):
    """Informal caregivers (nulde lijn): network size, hours, wear and drop-out; volunteers."""

    carers_per_household: float = Field(ge=0.0, le=10.0)
    hours_per_carer: float = Field(ge=0.0, le=60.0)
    hours_per_severity: float = Field(ge=0.0, le=60.0)
    capacity_per_hour: float = Field(ge=0.0, le=1.0)
    effect_per_hour: Rate
    wear_per_week: Rate
    wear_onset_weeks: int = Field(ge=1, le=520)
    recovery_per_week: Rate
    backing_wear_reduction: Share
    overburden_load: Share
    dropout_willingness: Share
    rejoin_per_year: float = Field(ge=0.0, le=52.0)
    volunteer_hours_per_1000: float = Field(ge=0.0, le=1000.0)


class Provider(Strict):
    """A specialist provider (tweede lijn) for one domain.

    `contract` "places": a fixed number of places and a waiting list; "open": open-ended
    volume (every referral past the municipal check is admitted; places_per_10k is not used).
    """

    contract: Literal["places", "open"]
    places_per_10k: float = Field(ge=0.0, le=1000.0)
    mean_treatment_weeks: float = Field(ge=1.0, le=520.0)
    effect: Share
    cost_per_week: NonNeg

    def places_for(self, population: int) -> int | None:
        """Places for a population of this size; None for open-ended volume."""
        return int(round(self.places_per_10k * population / 10_000)) if self.contract == "places" else None


class Specialists(Strict):
    """The four specialist providers."""

    youth_care: Provider
    ggz: Provider
    debt_restructuring: Provider
    reintegration: Provider


class Provision(Strict):
    """A long-running Wmo provision (maatwerk)."""

    mean_duration_weeks: float = Field(ge=1.0, le=1040.0)
    burden_relief: Share
    cost_per_week: NonNeg


class Provisions(Strict):
    """Wmo household help (mostly elderly) and support at home (begeleiding)."""

    household_help: Provision
    support_at_home: Provision
    threshold: Share


class Costs(Strict):
    """Unit costs not tied to a provider or provision."""

    team_cost_per_fte_year: NonNeg
    municipal_cost_factor: float = Field(ge=0.1, le=3.0)
    welfare_cost_per_hour: NonNeg
    crisis_cost: NonNeg


class Budgets(Strict):
    """The municipality's yearly budget per payer it funds, in EUR per resident per year (none: not budgeted).

    Spending against it is reported per recorded year (yearly tables, report); `overspend` says
    what the municipality does when spending runs ahead: "report" (nothing changes),
    "stricter_access" (sim.budgets: provision and referral thresholds rise while it runs ahead) or
    "waiting_list" (Wmo provisions granted while it runs ahead wait until the year's budget pays for them).
    """

    wmo: NonNeg | None = None  # Wmo: the team, provisions, welfare and the Wmo share of crises
    jeugdwet: NonNeg | None = None  # youth care and youth GGZ
    participatiewet: NonNeg | None = None  # debt restructuring and reintegration
    overspend: Literal["report", "stricter_access", "waiting_list"] = "report"
    tighten_per_week: Share | None = None  # stricter_access: threshold raised per week spending runs ahead
    tighten_most: Share | None = None  # stricter_access: the most the thresholds are raised

    @model_validator(mode="after")
    def _stricter_access_says_how(self) -> Budgets:
        if self.overspend == "stricter_access" and (self.tighten_per_week is None or self.tighten_most is None):
            raise ValueError("overspend 'stricter_access' needs tighten_per_week and tighten_most")
        if self.overspend == "waiting_list" and self.wmo is None:
            raise ValueError("overspend 'waiting_list' holds Wmo provisions: it needs a wmo budget")
        return self

    def per_payer(self) -> dict[str, float]:
        """The payers with a budget and their EUR per resident per year."""
        return {p: v for p in ("wmo", "jeugdwet", "participatiewet") if (v := getattr(self, p)) is not None}


class Welfare(Strict):
    """Welfare organisations in the shell around the team: prevention capacity."""

    prevention_per_hour_per_1000: float = Field(ge=0.0, le=1.0)


FORMS = ("integral", "split", "multi_problem", "village", "network")


class Design(Strict):
    """A team design: an organisation form plus modifiers."""

    form: Literal["integral", "split", "multi_problem", "village", "network"]
    description: str = Field(min_length=1, max_length=300)
    description_nl: str | None = Field(default=None, min_length=1, max_length=300)  # Dutch pages show this one
    description_en: str | None = Field(default=None, min_length=1, max_length=300)  # English pages show this one
    teams: Literal["neighbourhood", "municipality"] | Annotated[int, Field(ge=1, le=1000)]
    employment: Literal["seconded", "municipality"]
    welfare_hours_per_1000: float = Field(ge=0.0, le=1000.0)
    fte_per_10k: float = Field(gt=0.0, le=200.0)
    hours_per_fte: float = Field(gt=0.0, le=40.0)
    discipline_shares: list[Share] = Field(min_length=7, max_length=7)
    discipline_match_effect: float = Field(ge=1.0, le=3.0)
    caseload_cap: int = Field(ge=1, le=500)
    casework_hours_per_case: float = Field(gt=0.0, le=40.0)
    coordination_hours_per_case: float = Field(ge=0.0, le=10.0)
    bridging_hours_per_case: float = Field(ge=0.0, le=40.0)
    outreach_share: Share
    outreach_protected: bool
    priority_triage: bool
    referral_threshold: Share
    close_below: Share
    min_case_weeks: int = Field(ge=0, le=260)
    follow_up_weeks: float = Field(ge=0.0, le=520.0)
    mandate_delay_weeks: int = Field(ge=0, le=52)
    one_family_one_plan: bool
    signalling_network: bool
    service: Literal["casework", "exponential"]
    mean_service_weeks: float = Field(ge=1.0, le=1040.0)
    bridging: bool
    coordination_hours_per_other_professional: float = Field(ge=0.0, le=10.0)
    youth_team_share: Share
    outreach_knowledge: float = Field(ge=1.0, le=10.0)

    @model_validator(mode="after")
    def _some_discipline(self) -> Design:
        if sum(self.discipline_shares) <= 0:
            raise ValueError("discipline_shares are all 0; allowed: at least one > 0")
        if self.form == "split" and not 0.0 < self.youth_team_share < 1.0:
            raise ValueError(f"form 'split' needs youth_team_share in (0, 1); got {self.youth_team_share}")
        if self.form == "split" and sum(self.discipline_shares[k] for k in (0, 2, 6)) <= 0:
            raise ValueError("form 'split' needs a share > 0 for social work, MEE or youth (the youth team)")
        if self.casework_hours_per_case + self.coordination_hours_per_case > self.hours_per_fte:
            raise ValueError("casework_hours_per_case + coordination_hours_per_case exceed hours_per_fte: "
                             "a professional could take no case")
        if self.bridging_hours_per_case > self.casework_hours_per_case + self.coordination_hours_per_case:
            raise ValueError(f"bridging_hours_per_case {self.bridging_hours_per_case}: allowed range [0, "
                             f"{self.casework_hours_per_case + self.coordination_hours_per_case}] (casework_hours_per_"
                             "case + coordination_hours_per_case: a bridged case takes at most an active one's hours)")
        if self.form == "village" and self.bridging:
            raise ValueError("form 'village' refers on without bridging: bridging must be false")
        if self.form == "network" and self.one_family_one_plan:
            raise ValueError("form 'network' has one professional per domain: one_family_one_plan must be false")
        return self


class Assumption(Strict):
    """A policy-table claim to test: design vs baseline on a metric, with expected direction and size."""

    id: str = Field(min_length=1, max_length=60)
    statement_nl: str = Field(min_length=1, max_length=400)
    statement_en: str = Field(min_length=1, max_length=400)
    metric: str = Field(min_length=1, max_length=80)
    design: DesignName
    baseline: DesignName
    direction: Literal["increase", "decrease"]
    size: float = Field(ge=0.0, le=1e9)
    size_kind: Literal["absolute", "relative"]
    intermediates: list[str] = Field(default_factory=list, max_length=20)
    # Recorded weeks [first, end) the metric is taken over (default: all), e.g. the two years after a change;
    # with baseline_window too, the baseline's metric is taken over those weeks (baseline may be the design
    # itself: the same runs after a change against before it).
    window: list[Annotated[int, Field(ge=0, le=5200)]] | None = Field(default=None, min_length=2, max_length=2)
    baseline_window: list[Annotated[int, Field(ge=0, le=5200)]] | None = Field(default=None, min_length=2,
                                                                               max_length=2)


# What a scheduled change may set during a run: what the weekly rules read. The population, costs (the
# recorder prices a run once) and run settings are fixed when a run starts. A design's structure (form,
# teams, staff, caseload cap, outreach share, disciplines) may change too, or a design may take another
# design's settings as a whole (path `designs.<name>`, value the other design's name): that is a
# reorganisation, which rebuilds the teams (sim.designs.reorganise, `[reorganisation]`).
DESIGN_CHANGEABLE = ("referral_threshold", "close_below", "min_case_weeks", "follow_up_weeks", "mandate_delay_weeks",
                     "casework_hours_per_case", "coordination_hours_per_case", "bridging_hours_per_case",
                     "outreach_protected", "discipline_match_effect", "coordination_hours_per_other_professional",
                     "outreach_knowledge", "signalling_network", "one_family_one_plan", "priority_triage", "bridging",
                     "service", "mean_service_weeks")
DESIGN_STRUCTURE = ("form", "teams", "employment", "welfare_hours_per_1000", "fte_per_10k", "hours_per_fte",
                    "discipline_shares", "caseload_cap", "outreach_share", "youth_team_share")
CHANGEABLE = re.compile(
    r"problems\.\w+(\.\w+)?(\.\d+)?|signals\.\w+|escalation\.\w+|provisions\.\w+(\.(?!cost_per_week$)\w+)?"
    r"|informal\.(?!carers_per_household$|volunteer_hours_per_1000$)\w+"
    r"|specialists\.\w+\.(places_per_10k|mean_treatment_weeks|effect)"
    r"|residents\.(queue_leave_per_week|leave_queue_when_resolved)"
    rf"|designs\.[^.]+(\.({'|'.join(DESIGN_CHANGEABLE + DESIGN_STRUCTURE)})(\.\d+)?)?")
WHOLE_DESIGN = re.compile(r"designs\.([^.]+)")  # a change of this path switches the design to another's settings


class Projection(Strict):
    """A municipality's own projection (CBS, PBL): the age shares, and the residents, it expects in a recorded year.

    Migration follows it (sim.demography): from the start the shares move in a straight line to
    these by `year` and stay there after it.
    """

    year: int = Field(ge=2, le=100)  # recorded year (1 = the first)
    age_shares: list[Share] = Field(min_length=N_AGE_BANDS, max_length=N_AGE_BANDS)
    residents: int | None = Field(default=None, ge=10, le=20_000_000)  # none: as births, deaths and moves make it

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Projection:
        if abs(sum(self.age_shares) - 1.0) > 1e-3:
            raise ValueError(f"age_shares sum to {sum(self.age_shares):.4f}; allowed: 1 (within 0.001)")
        return self


class Demography(Strict):
    """Residents age, die, are born and move during the recorded years (sim.demography); none: a stationary population.

    Applied once a year, at the start of each recorded year after the first. Rates are per year.
    """

    deaths_per_1000: list[Annotated[float, Field(ge=0.0, le=1000.0)]] = Field(min_length=N_AGE_BANDS,
                                                                               max_length=N_AGE_BANDS)
    # per household by its type: one adult aged 23-64, or two or more (a couple, mostly)
    births_per_1000_households: list[Annotated[float, Field(ge=0.0, le=300.0)]] = Field(min_length=2, max_length=2)
    # A resident who lives with an adult of an older band (a parent) leaves home at this rate per age band,
    # and forms a household of one in the neighbourhood, or moves away (leaving_home_moving_away).
    leaving_home_per_1000: list[Annotated[float, Field(ge=0.0, le=1000.0)]] = Field(
        default=[0.0] * N_AGE_BANDS, min_length=N_AGE_BANDS, max_length=N_AGE_BANDS)
    leaving_home_moving_away: Share = 0.0
    # by the age band of the household's oldest member: young households move often, old ones seldom
    households_moving_out_per_1000: list[Annotated[float, Field(ge=0.0, le=500.0)]] = Field(
        min_length=N_AGE_BANDS, max_length=N_AGE_BANDS)
    households_moving_in_per_1000: float = Field(ge=0.0, le=500.0)  # per 1,000 households at the start
    # The ages of those who move in; none: the neighbourhood's age shares at the start.
    mover_age_shares: list[Share] | None = Field(default=None, min_length=N_AGE_BANDS, max_length=N_AGE_BANDS)
    projection: Projection | None = None  # the municipality's own projection that migration follows

    @model_validator(mode="after")
    def _shares_and_leaving_home(self) -> Demography:
        if self.mover_age_shares is not None and abs(sum(self.mover_age_shares) - 1.0) > 1e-3:
            raise ValueError(f"mover_age_shares sum to {sum(self.mover_age_shares):.4f}; allowed: 1 (within 0.001)")
        if self.leaving_home_per_1000[0] != 0.0:
            raise ValueError(f"leaving_home_per_1000[0] is {self.leaving_home_per_1000[0]}; allowed: 0 (minors "
                             "leave home only with their household)")
        return self


class Reorganisation(Strict):
    """What happens when a change rebuilds a design's teams during a run (sim.designs.reorganise)."""

    # handed_over: each open case goes to a member of the team that serves the resident in the new layout,
    # who goes on with its plan; kept: the professional who has it keeps it until it closes,
    # in whichever new team they join; requeued: it goes back on the waiting list (from the switch week).
    open_cases: Literal["handed_over", "kept", "requeued"] = "handed_over"
    # assumption: a new form's way of working (its own mechanisms, and what a casework hour achieves) starts
    # at this share of its settled strength and grows linearly to all of it over learning_years. Seed 003
    # (a front-runner municipality): "pas na vier, vijf jaar liep het echt; toen had iedereen de werkwijze
    # in de vingers" (only after four, five years did it really run smoothly). Only a change of form or of
    # the teams' areas is learned; more staff or another caseload cap in the same teams is not.
    productivity_at_switch: float = Field(default=0.8, gt=0.0, le=1.0)
    learning_years: float = Field(default=4.5, ge=0.0, le=20.0)


class Change(Strict):
    """From a recorded week on, one parameter holds another value (a scheduled policy change).

    Given by `week` (0 = the first week after the burn-in) or by `date` when meta.start_date
    gives the calendar (the week in which the date falls); a file may give both if they agree.
    """

    week: int = Field(ge=0, le=5200)
    date: datetime.date | None = None
    path: str = Field(min_length=1, max_length=200, pattern=PRINTABLE)
    value: float | int | bool | str
    note: str | None = Field(default=None, min_length=1, max_length=300)


def _calendar(data: object) -> object:
    """Raw scenario data with ISO date text read as dates, and each change given by date given its week too."""
    if not isinstance(data, dict):
        return data
    meta, changes = data.get("meta"), data.get("changes")
    start = meta.get("start_date") if isinstance(meta, dict) else None
    if isinstance(start, str):
        start = _iso_date(start, "meta.start_date")
        data = {**data, "meta": {**meta, "start_date": start}}
    if not isinstance(changes, list):
        return data
    dated = []
    for k, c in enumerate(changes):
        if isinstance(c, dict) and c.get("date") is not None:
            when = _iso_date(c["date"], f"changes[{k}].date") if isinstance(c["date"], str) else c["date"]
            if not isinstance(start, datetime.date):
                raise ValueError(f"changes[{k}].date {when}: a change by date needs meta.start_date")
            if isinstance(when, datetime.date):
                week = (when - start).days // 7
                if week < 0:
                    raise ValueError(f"changes[{k}].date {when}: before meta.start_date {start} (recorded week 0)")
                if "week" in c and c["week"] != week:
                    raise ValueError(f"changes[{k}]: week {c['week']} and date {when} (week {week}) disagree; give one")
                c = {**c, "date": when, "week": week}
        dated.append(c)
    return {**data, "changes": dated}


def _iso_date(text: str, field: str) -> datetime.date:
    """A date from its ISO text (YYYY-MM-DD), as a JSON copy of a scenario holds it."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field} {text!r}: not a date; allowed: YYYY-MM-DD") from None


class Scenario(Strict):
    """A whole scenario file."""

    meta: Meta
    neighbourhoods: list[Neighbourhood] = Field(min_length=1, max_length=1000)
    residents: Residents
    problems: Problems
    signals: Signals
    escalation: Escalation
    informal: Informal
    specialists: Specialists
    provisions: Provisions
    costs: Costs
    welfare: Welfare
    designs: dict[DesignName, Design] = Field(min_length=1)
    assumptions: list[Assumption] = Field(default_factory=list, max_length=100)
    changes: list[Change] = Field(default_factory=list, max_length=200)
    budgets: Budgets | None = None
    reorganisation: Reorganisation | None = None  # None: the defaults of Reorganisation
    demography: Demography | None = None  # None: nobody ages, is born, dies or moves

    @model_validator(mode="before")
    @classmethod
    def _changes_by_date(cls, data: object) -> object:
        return _calendar(data)

    @model_validator(mode="after")
    def _unique_neighbourhood_names(self) -> Scenario:
        doubles = repeated([n.name for n in self.neighbourhoods])
        if doubles:
            raise ValueError(f"neighbourhood names must be unique; repeated: {', '.join(doubles)}")
        return self

    @model_validator(mode="after")
    def _team_count_fits(self) -> Scenario:
        for name, d in self.designs.items():
            if isinstance(d.teams, int) and d.teams > len(self.neighbourhoods):
                raise ValueError(f"designs.{name}.teams {d.teams}: allowed range [1, {len(self.neighbourhoods)}] "
                                 "(at most one team per neighbourhood)")
        return self

    @model_validator(mode="after")
    def _assumptions_name_designs(self) -> Scenario:
        for k, a in enumerate(self.assumptions):
            for field in ("design", "baseline"):
                if getattr(a, field) not in self.designs:
                    raise ValueError(f"assumptions[{k}].{field} '{getattr(a, field)}' is not a design; allowed: "
                                     + ", ".join(sorted(self.designs)))
        return self

    @model_validator(mode="after")
    def _assumption_windows_fit(self) -> Scenario:
        for k, a in enumerate(self.assumptions):
            for field in ("window", "baseline_window"):
                w = getattr(a, field)
                if w is not None and not w[0] < w[1] <= self.meta.weeks:
                    raise ValueError(f"assumptions[{k}].{field} {w}: allowed [first, end] with 0 <= first < end <= "
                                     f"{self.meta.weeks} (recorded weeks)")
            if a.baseline_window is not None and a.window is None:
                raise ValueError(f"assumptions[{k}].baseline_window: needs a window for the design's side")
            if a.design == a.baseline and a.baseline_window is None:
                raise ValueError(f"assumptions[{k}]: design and baseline are both {a.design!r}; compare two designs, "
                                 "or one design's window against its baseline_window")
        return self

    @model_validator(mode="after")
    def _unique_assumption_ids(self) -> Scenario:
        doubles = repeated([a.id for a in self.assumptions])
        if doubles:
            raise ValueError(f"assumption ids must be unique (each is one audit row); repeated: {', '.join(doubles)}")
        return self

    @model_validator(mode="after")
    def _projection_in_the_run(self) -> Scenario:
        projection = self.demography.projection if self.demography is not None else None
        years = -(-self.meta.weeks // 52)
        if projection is not None and projection.year > years:
            raise ValueError(f"demography.projection.year {projection.year}: allowed range [2, {years}] (the "
                             "recorded years)")
        return self

    @model_validator(mode="after")
    def _default_design_exists(self) -> Scenario:
        if self.meta.design not in self.designs:
            raise ValueError(
                f"meta.design '{self.meta.design}' is not a design; allowed: "
                + ", ".join(sorted(self.designs))
            )
        return self

    @model_validator(mode="after")
    def _changes_can_be_made(self) -> Scenario:
        base = self.model_dump(mode="json", exclude={"changes"})
        seen = set()
        for k, c in enumerate(self.changes):
            where = f"changes[{k}] ({c.path} = {c.value!r} from week {c.week}" + (f" ({c.date}))" if c.date else ")")
            try:
                lookup(base, c.path)
            except KeyError:
                raise ValueError(f"{where}: {c.path} is not a parameter of the scenario") from None
            if not CHANGEABLE.fullmatch(c.path):
                raise ValueError(f"{where}: {c.path} is fixed when a run starts (the population, costs and run "
                                 "settings); a change may set problems, signals, escalation, informal care, "
                                 "provisions, specialist places, durations and effects, residents' patience, a "
                                 f"design's {', '.join(DESIGN_CHANGEABLE + DESIGN_STRUCTURE)}, or a whole design "
                                 "(designs.<name> = another design's name)")
            whole = WHOLE_DESIGN.fullmatch(c.path)
            if whole and (not isinstance(c.value, str) or c.value not in self.designs or c.value == whole[1]):
                raise ValueError(f"{where}: {c.path} takes another design's name; allowed: "
                                 + ", ".join(sorted(d for d in self.designs if d != whole[1])))
            if c.week >= self.meta.weeks:
                raise ValueError(f"{where}: week {c.week}: allowed range [0, {self.meta.weeks - 1}] "
                                 "(the recorded weeks)")
            if (c.week, c.path) in seen:
                raise ValueError(f"{where}: {c.path} is changed twice in week {c.week}; allowed: once a week")
            seen.add((c.week, c.path))
            try:
                self.as_of(c.week)
            except ScenarioError as err:
                raise ValueError(f"{where}: " + err.problems[0].split(": ", 2)[-1]) from None
        return self

    def as_of(self, week: int) -> Scenario:
        """The scenario's values in recorded week `week`: every change of that week or before applied."""
        data = self.model_dump(mode="json", exclude={"changes"})
        for c in sorted((c for c in self.changes if c.week <= week), key=lambda c: c.week):
            whole = WHOLE_DESIGN.fullmatch(c.path)
            if whole and isinstance(c.value, str) and c.value in data["designs"]:  # its settings, its own descriptions
                own = {k: v for k, v in data["designs"][whole[1]].items() if k in OWN_KEYS}
                data["designs"][whole[1]] = {**copy.deepcopy(data["designs"][c.value]), **own}
            else:
                assign(data, c.path, c.value)
        return parse(data, "<changes>")

    @property
    def population(self) -> int:
        """Total residents over all neighbourhoods."""
        return sum(n.residents for n in self.neighbourhoods)

    def domain(self, index: int) -> Domain:
        """The domain table for a domain index (see sim.domains.DOMAINS)."""
        return getattr(self.problems, DOMAINS[index])

    def provider(self, index: int) -> Provider:
        """The provider table for a provider index (see sim.domains.PROVIDERS)."""
        return getattr(self.specialists, PROVIDERS[index])


class ScenarioError(ProblemsError):
    """A scenario file that cannot be used; `problems` holds one line per problem."""


def _field_range(loc: tuple, model: type[BaseModel] = Scenario) -> str:
    """Describe the allowed range of the field at `loc`, from its declared constraints."""
    info = field_info(model, loc)
    if info is None:
        return ""
    bounds = {}
    for meta in list(info.metadata) + _item_metadata(info.annotation):
        for key in ("ge", "gt", "le", "lt"):
            if getattr(meta, key, None) is not None:
                bounds[key] = getattr(meta, key)
    if not bounds:
        return ""
    low = f"[{bounds['ge']}" if "ge" in bounds else (f"({bounds['gt']}" if "gt" in bounds else "(-inf")
    high = f"{bounds['le']}]" if "le" in bounds else (f"{bounds['lt']})" if "lt" in bounds else "inf)")
    return f"allowed range {low}, {high}"


def _item_metadata(annotation: object) -> list:
    """Constraints declared on list/tuple items, e.g. `list[Annotated[float, Field(ge=0)]]`."""
    found = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(getattr(arg, "__metadata__", ()))
        for meta in getattr(arg, "__metadata__", ()):
            found.extend(getattr(meta, "metadata", ()))
    return found


def format_errors(path: str, error: ValidationError, origin=None) -> list[str]:
    """One line per problem: file, dotted field path, bad value, message, allowed range.

    `origin` maps a location to where its value is written (a design's base), if given.
    """
    lines = []
    for err in error.errors():
        loc = tuple(err["loc"]) if origin is None else origin(tuple(err["loc"]))
        dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
        value = err.get("input")
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        if err["type"] == "missing":
            shown = "missing"
        elif isinstance(value, dict):  # a check of a whole table: the field path names it, its text says nothing
            shown = ""
        allowed = _field_range(loc) if err["type"] != "missing" else ""
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == PRINTABLE:
            msg = "contains a control character (a newline, tab or NUL); allowed: printable characters"
        tail = f"; {allowed}" if allowed and allowed not in msg else ""
        lines.append(f"{path}: {dotted or '(top)'}: " + (f"{shown}: " if shown else "") + f"{msg}{tail}")
    return lines


OWN_KEYS = ("description", "description_nl", "description_en")  # what a design never takes from its base


def described(item: BaseModel, lang: str) -> str:
    """The description of a scenario or design in a language: `description_<lang>`, else `description`."""
    return getattr(item, f"description_{lang}", None) or item.description


def design_bases(designs: dict) -> dict[str, list[str]]:
    """Each design's chain of bases, nearest first (`base = "<design>"` in its table).

    Raises ValueError lines naming the design and its base: a base that is not a design, or a cycle.
    """
    problems, chains = [], {}
    for name, table in designs.items():
        chain, seen, current = [], [name], table
        while isinstance(current, dict) and "base" in current:
            base = current["base"]
            if not isinstance(base, str) or base not in designs:
                problems.append(f"designs.{seen[-1]}.base {base!r} is not a design; allowed: "
                                + ", ".join(sorted(d for d in designs if d != seen[-1])))
                break
            if base in seen:
                problems.append(f"designs.{name}.base: a cycle: {' -> '.join([*seen, base])}")
                break
            chain.append(base)
            seen.append(base)
            current = designs[base]
        chains[name] = chain
    if problems:
        raise ValueError(sorted(set(problems)))
    return chains


def resolve_designs(data: dict) -> dict:
    """The scenario data with every design's `base` resolved: its base's values, then its own over them.

    A design lists only what differs from its base; `description` is its own (OWN_KEYS).
    """
    designs = data.get("designs")
    if not isinstance(designs, dict) or not any(isinstance(t, dict) and "base" in t for t in designs.values()):
        return data
    resolved = {}
    for name, chain in design_bases(designs).items():
        values: dict = {}
        for base in reversed(chain):
            values.update({k: v for k, v in designs[base].items() if k != "base" and k not in OWN_KEYS})
        values.update({k: v for k, v in designs[name].items() if k != "base"})
        resolved[name] = values
    return {**data, "designs": resolved}


def parse(data: dict, path: str = "<scenario>") -> Scenario:
    """Validate a scenario mapping (designs' bases resolved), raising ScenarioError with readable lines."""
    if "extends" in data:
        raise ScenarioError([f"{path}: extends: only a scenario file read beside the file it names may extend it; "
                             "give the whole scenario"])
    try:
        resolved = resolve_designs(data)
    except ValueError as err:
        raise ScenarioError([f"{path}: {line}" for line in err.args[0]]) from None
    try:
        return Scenario.model_validate(resolved)
    except ValidationError as err:
        lines = format_errors(path, err, _written_where(data) if resolved is not data else None)
        raise ScenarioError(list(dict.fromkeys(lines))) from None  # an inherited bad value: once, where it is written


def _written_where(data: dict):
    """A function mapping an error location in a design to the design whose table writes that value."""
    designs, chains = data["designs"], design_bases(data["designs"])

    def origin(loc: tuple) -> tuple:
        if len(loc) < 3 or loc[0] != "designs" or loc[1] not in chains or loc[2] in OWN_KEYS:
            return loc
        writer = next((d for d in [loc[1], *chains[loc[1]]] if loc[2] in designs[d]), loc[1])
        return (loc[0], writer, *loc[2:])

    return origin


SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def shipped_scenarios() -> list[Path]:
    """The scenario files shipped in `scenarios/`, sorted (targets files, `targets-*.toml`, are not scenarios)."""
    return sorted(p for p in SCENARIO_DIR.glob("*.toml") if not p.name.startswith("targets-"))


def toml_tables(text: str, name: str, error: type[Exception]) -> dict:
    """The tables of TOML text; malformed or absurdly nested text raises `error([line naming it])`.

    A byte-order mark (Windows editors write one) is dropped first. tomllib parses nested
    arrays, inline tables and dotted keys recursively: thousands of levels exhaust Python's
    stack, which is reported as a problem of the file, not as a crash.
    """
    too_deep = [f"{name}: nested too deeply to be a scenario, experiment or targets file"]
    try:
        tables = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as err:
        raise error([f"{name}: not valid TOML: {err}"]) from None
    except RecursionError:
        raise error(too_deep) from None
    if _depth(tables) > MAX_TOML_DEPTH:  # dotted keys nest without recursion; printing them would not
        raise error(too_deep)
    return tables


MAX_TOML_DEPTH = 32  # a scenario nests 5 levels deep; no file of the project needs more than a few


def _depth(value: object) -> int:
    """How deeply tables and arrays nest in a parsed TOML value (counted without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_TOML_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


def read_toml(path: str | Path, error: type[Exception]) -> dict:
    """A TOML file's tables; a missing, unreadable, non-UTF-8 or malformed file raises `error([line naming it])`.

    Shared by every reader of user files (scenarios, experiments, targets): safe parsing only.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error([f"{p}: file not found"]) from None
    except IsADirectoryError:
        raise error([f"{p}: is a folder; give a .toml file"]) from None
    except PermissionError:
        raise error([f"{p}: not readable (permission denied)"]) from None
    except UnicodeDecodeError:
        raise error([f"{p}: not a UTF-8 text file"]) from None
    return toml_tables(text, str(p), error)


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file (its `extends` resolved)."""
    return parse(read_scenario(path), str(path))


def read_scenario(path: str | Path, within: tuple[Path, ...] = ()) -> dict:
    """A scenario file's tables; with `extends = "<file>"` those of the named file (beside it), this file's over them.

    A variant of a municipality (a merger, added staff) so lists only what differs: tables merge
    key by key, a value or an array of tables ([[changes]], [[assumptions]]) replaces the other's.
    """
    p = Path(path)
    data = read_toml(p, ScenarioError)
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str) or not base.endswith(".toml"):
        raise ScenarioError([f"{p}: extends {base!r}: allowed: the name of another scenario file (.toml) beside it"])
    target = (p.parent / base).resolve()
    if target in (*within, p.resolve()):
        raise ScenarioError([f"{p}: extends {base!r}: a cycle: "
                             + " -> ".join(str(x) for x in (*within, p.resolve(), target))])
    return merged(read_scenario(target, (*within, p.resolve())), data)


def merged(base: MutableMapping, own: Mapping) -> MutableMapping:
    """`base` with `own` merged into it in place: tables key by key, any other value replaced."""
    for key, value in own.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), MutableMapping):
            merged(base[key], value)
        else:
            base[key] = value
    return base


def shortened(data: dict, weeks: int, burn_in: int) -> dict:
    """A scenario's data for a short run of its own (a warm-up, a timing): no scheduled changes, no assumptions.

    Their weeks (and the assumptions' windows) may lie beyond the short run, where they would be refused.
    """
    return {**data, "meta": {**data["meta"], "weeks": weeks, "burn_in_weeks": burn_in}, "changes": [],
            "assumptions": []}


def with_overrides(scenario: Scenario, source: str = "<overrides>", **changes: object) -> Scenario:
    """A copy of `scenario` with dotted-path values replaced, validated again; problems name `source`."""
    data = scenario.model_dump(mode="json")
    problems = []
    for dotted, value in changes.items():
        try:
            assign(data, dotted, value)
        except KeyError:
            problems.append(f"{source}: {dotted}: not a parameter of the scenario")
    if problems:
        raise ScenarioError(problems)
    return parse(data, source)


def with_settings(scenario: Scenario, settings: list[str] | None, source: str = "--set") -> Scenario:
    """The scenario with command-line settings `path=value` applied (as `with_overrides`).

    A value is read as a TOML value (a number, true, a quoted text, an array), else as plain text,
    so `--set changes.0.week=156` and `--set designs.fusie=integraal` both work.
    """
    values: dict[str, object] = {}
    problems = []
    for text in settings or []:
        path, sep, raw = text.partition("=")
        if not sep or not path.strip():
            problems.append(f"{source} {text!r}: allowed: PATH=VALUE, e.g. changes.0.week=156")
            continue
        try:
            values[path.strip()] = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            values[path.strip()] = raw.strip()
    if problems:
        raise ScenarioError(problems)
    return with_overrides(scenario, source, **values) if values else scenario


def canonical_json(scenario: Scenario) -> str:
    """The resolved scenario as canonical JSON (sorted keys, no whitespace)."""
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the canonical JSON: comments and formatting of the file do not count."""
    return hashlib.sha256(canonical_json(scenario).encode()).hexdigest()
