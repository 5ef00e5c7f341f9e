"""Scenario numbers flattened into one NamedTuple of scalars and arrays for the kernels.

Rates per year become rates per week here, once, so the kernels never convert units.
"""

from typing import NamedTuple

import numpy as np

from sim.domains import DOMAIN_DISCIPLINE, DOMAIN_PROVIDER, DOMAINS, N_AGE_BANDS, PROVIDERS
from sim.scenario import Design, Scenario


class CoreParams(NamedTuple):
    """Everything the kernels read, in kernel units (weeks, hours, euros)."""

    sev_low: np.ndarray  # (D,) severity at onset, low end
    sev_high: np.ndarray  # (D,)
    growth: np.ndarray  # (D,) logistic growth per week when untreated
    resolve_rate: np.ndarray  # (D,) natural resolution, per week
    burden_weight: np.ndarray  # (D,)
    team_effect: np.ndarray  # (D,) severity removed per casework hour (log scale)
    informal_fit: np.ndarray  # (D,)
    partner_rate: np.ndarray  # (D,) partner signal hazard per week per unit severity
    domain_provider: np.ndarray  # (D,) provider index or -1
    domain_discipline: np.ndarray  # (D,) best-fitting discipline
    resolved_below: float
    aggravation: float
    self_rate: float
    informal_rate: float
    outreach_per_hour_per_1000: float
    network_rate: float  # 0 when the design has no signalling network
    direct_rate: float  # GP / medical referral of a young resident's youth problem straight to youth care
    strain_memory: float
    crisis_threshold: float
    safety_severity: float
    hours_per_severity: float
    capacity_per_hour: float
    informal_effect: float
    wear: float
    wear_onset: float
    recovery: float
    backing: float
    overburden_load: float
    dropout_willingness: float
    rejoin_rate: float  # per week
    hours_per_carer: float
    treatment_effect: np.ndarray  # (P,)
    provision_relief: np.ndarray  # (2,)
    provision_threshold: float
    hold_provisions: bool  # provisions granted now wait on the municipality's waiting list (sim.budgets)
    provision_rate: np.ndarray  # (2,) end of a provision, per week
    referral_threshold: float
    close_below: float
    min_case_weeks: int
    mandate_delay: int
    discipline_match: float
    casework_per_case: float
    coordination_per_case: float
    bridging_per_case: float  # weekly hours of a case kept open only for contact
    outreach_protected: bool  # outreach hours are set aside before casework (else outreach gets what is left)
    follow_up_weeks: float  # mean weeks a case stays open after its minimum length (0: none)
    leave_rate: float  # weekly hazard of leaving the team's waiting list (patience); 0: wait until served
    leave_when_resolved: bool  # a waiting resident whose problems all resolved leaves the list
    one_family_one_plan: bool
    immediate_signal: bool  # queue-only mode: every new problem is signalled in its onset week
    service_exponential: bool  # queue-only mode: a case ends each week with probability service_rate
    service_rate: float
    bridging: bool  # cases stay open while a referral waits for specialist care
    extra_coordination: float  # weekly hours per case for each other professional in the household
    outreach_knowledge: float  # multiplies the outreach signal rate (local knowledge)
    loket: bool  # single-problem cases go to the counter (multi-problem-only form)
    route_by_discipline: bool  # cases go to the organisation of the fitting discipline (loose network)


def prevention(scenario: Scenario, design: Design, domain: int) -> float:
    """Factor on onset rates from the welfare shell's prevention hours, by how well such help fits."""
    hours = design.welfare_hours_per_1000
    fit = scenario.domain(domain).informal_fit
    return 1.0 / (1.0 + scenario.welfare.prevention_per_hour_per_1000 * hours * fit)


def onset_rates(scenario: Scenario, design: Design) -> np.ndarray:
    """Weekly onset rate per (neighbourhood, age band) group and domain: shape (G, D).

    A design with a welfare shell (prevention hours) lowers them; any other design leaves
    them alone, so designs without one share every onset (common random numbers).
    """
    n_nbh = len(scenario.neighbourhoods)
    rates = np.zeros((n_nbh * N_AGE_BANDS, len(DOMAINS)))
    for k, nbh in enumerate(scenario.neighbourhoods):
        for d in range(len(DOMAINS)):
            dom = scenario.domain(d)
            lift = (1.0 + (dom.low_income_onset_multiplier - 1.0) * nbh.low_income_share) * prevention(
                scenario, design, d)
            for a in range(N_AGE_BANDS):
                rates[k * N_AGE_BANDS + a, d] = dom.onset_per_1000_per_year[a] / 1000.0 / 52.0 * lift
    return rates


def build(scenario: Scenario, design: Design) -> CoreParams:
    """Flatten the scenario and the chosen design into kernel parameters."""
    doms = [scenario.domain(d) for d in range(len(DOMAINS))]
    provs = [scenario.provider(p) for p in range(len(PROVIDERS))]
    inf = scenario.informal
    f64 = np.float64
    return CoreParams(
        sev_low=np.array([d.severity_at_onset[0] for d in doms], f64),
        sev_high=np.array([d.severity_at_onset[1] for d in doms], f64),
        growth=np.array([d.growth_per_week for d in doms], f64),
        resolve_rate=np.array([d.natural_resolution_per_year / 52.0 for d in doms], f64),
        burden_weight=np.array([d.burden_weight for d in doms], f64),
        team_effect=np.array([d.team_effect_per_hour for d in doms], f64),
        informal_fit=np.array([d.informal_fit for d in doms], f64),
        partner_rate=np.array([d.partner_signal_per_week for d in doms], f64),
        domain_provider=np.array(DOMAIN_PROVIDER, np.int64),
        domain_discipline=np.array(DOMAIN_DISCIPLINE, np.int64),
        resolved_below=scenario.problems.resolved_below,
        aggravation=scenario.problems.aggravation,
        self_rate=scenario.signals.self_report_per_week,
        informal_rate=scenario.signals.informal_per_week,
        outreach_per_hour_per_1000=scenario.signals.outreach_per_hour_per_1000,
        network_rate=scenario.signals.network_per_week if design.signalling_network else 0.0,
        direct_rate=scenario.signals.direct_referral_per_week,
        strain_memory=scenario.escalation.strain_memory,
        crisis_threshold=scenario.escalation.crisis_threshold,
        safety_severity=scenario.escalation.safety_severity,
        hours_per_severity=inf.hours_per_severity,
        capacity_per_hour=inf.capacity_per_hour,
        informal_effect=inf.effect_per_hour,
        wear=inf.wear_per_week,
        wear_onset=float(inf.wear_onset_weeks),
        recovery=inf.recovery_per_week,
        backing=inf.backing_wear_reduction,
        overburden_load=inf.overburden_load,
        dropout_willingness=inf.dropout_willingness,
        rejoin_rate=inf.rejoin_per_year / 52.0,
        hours_per_carer=inf.hours_per_carer,
        treatment_effect=np.array([p.effect for p in provs], f64),
        provision_relief=np.array(
            [scenario.provisions.household_help.burden_relief, scenario.provisions.support_at_home.burden_relief],
            f64,
        ),
        provision_threshold=scenario.provisions.threshold,
        hold_provisions=False,
        provision_rate=np.array(
            [1.0 / scenario.provisions.household_help.mean_duration_weeks,
             1.0 / scenario.provisions.support_at_home.mean_duration_weeks],
            f64,
        ),
        referral_threshold=design.referral_threshold,
        close_below=design.close_below,
        min_case_weeks=design.min_case_weeks,
        mandate_delay=design.mandate_delay_weeks,
        discipline_match=design.discipline_match_effect if design.employment == "seconded" else 1.0,
        casework_per_case=design.casework_hours_per_case,
        coordination_per_case=design.coordination_hours_per_case,
        bridging_per_case=design.bridging_hours_per_case,
        outreach_protected=design.outreach_protected,
        follow_up_weeks=design.follow_up_weeks,
        leave_rate=scenario.residents.queue_leave_per_week,
        leave_when_resolved=scenario.residents.leave_queue_when_resolved,
        one_family_one_plan=design.one_family_one_plan,
        immediate_signal=scenario.signals.immediate,
        service_exponential=design.service == "exponential",
        service_rate=1.0 / design.mean_service_weeks,
        bridging=design.bridging,
        extra_coordination=design.coordination_hours_per_other_professional,
        outreach_knowledge=design.outreach_knowledge,
        loket=design.form == "multi_problem",
        route_by_discipline=design.form == "network",
    )
