"""Kernels for the course of problems.

Onsets, and the weekly dynamics of severity, burden, capacity, escalation, specialist treatment and provisions.

Onsets are drawn as times to the next event, so a week touches only residents with
something happening; the draws come from their own streams and are made whatever the
resident's state, which keeps onsets identical across designs (common random numbers).
"""

import numpy as np
from numba import njit

from sim.core import rules
from sim.domains import (
    AGE_MINOR,
    AGE_OLD,
    AGE_YOUNG_OLD,
    C_CASEWORK,
    JEUGDWET,
    P_KNOWN,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_SPECIALIST,
    WLZ,
    YOUTH,
    ZVW,
)


@njit(cache=True)
def init_onsets(t, next_onset, group, group_total, onset_rng):
    """Draw every resident's first onset week after week t."""
    for i in range(next_onset.shape[0]):
        next_onset[i] = t + rules.weeks_until_event(group_total[group[i]], onset_rng.exponential())


@njit(cache=True)
def onset_stage(t, next_onset, group, nbh, n_active, sev, pstate, p_onset, p_resolve, hazard, threshold,
                group_rates, group_total, p, onset_rng, threshold_rng, resolution_rng, onsets_out):
    """Start (or deepen) the problems whose onset falls in week t; draw the next onset."""
    n_dom = group_rates.shape[1]
    for i in range(next_onset.shape[0]):
        if next_onset[i] != t:
            continue
        g = group[i]
        pick = onset_rng.random() * group_total[g]
        d = 0
        acc = group_rates[g, 0]
        while acc < pick and d < n_dom - 1:
            d += 1
            acc += group_rates[g, d]
        s0 = rules.onset_severity(p.sev_low[d], p.sev_high[d], onset_rng.random())
        next_onset[i] = t + rules.weeks_until_event(group_total[g], onset_rng.exponential())
        e = threshold_rng.exponential()
        r = rules.weeks_until_event(p.resolve_rate[d], resolution_rng.exponential())
        onsets_out[nbh[i], d] += 1
        if pstate[i, d] == P_NONE:
            sev[i, d] = s0
            pstate[i, d] = P_LATENT
            p_onset[i, d] = t
            p_resolve[i, d] = t + r
            hazard[i, d] = 0.0
            threshold[i, d] = e
            n_active[i] += 1
        else:
            sev[i, d] = rules.aggravate(sev[i, d], s0, p.aggravation)


@njit(cache=True)
def provision_kind(age_band):
    """0 = household help (65 and over), 1 = support at home (under 65)."""
    return 0 if age_band >= AGE_YOUNG_OLD else 1


@njit(cache=True)
def crisis_payer(age_band, domain):
    """Who pays a crisis: Jeugdwet for minors, Wlz for care crises at 75+, else Zvw."""
    if age_band == AGE_MINOR:
        return JEUGDWET
    if age_band == AGE_OLD and domain == 0:
        return WLZ
    return ZVW


@njit(cache=True)
def dynamics_stage(t, nbh, age, n_active, resilience, strain, deficit, inf_hours, urgent, crisis_domain,
                   c_state, c_member, sev, pstate, p_resolve, p_start, p_until, hazard,
                   mem_case_hours, mem_discipline, p, completions, crises_out, child_protection_out,
                   crisis_payer_out):
    """One week of every problem's course, then burden against capacity and escalation."""
    n_dom = sev.shape[1]
    hours = np.zeros(n_dom)
    for i in range(nbh.shape[0]):
        if n_active[i] == 0:
            if strain[i] > 0.0:  # residents without problems and strain have nothing to update
                strain[i] = rules.strain_update(strain[i], 0.0, resilience[i], p.strain_memory)
            deficit[i] = -resilience[i]
            continue
        in_case = c_state[i] == C_CASEWORK
        _team_hours(i, in_case, c_member, mem_case_hours, mem_discipline, pstate, p, hours)
        demand = 0.0
        for d in range(n_dom):
            if pstate[i, d] != P_NONE:
                demand += rules.informal_demand(sev[i, d], p.informal_fit[d], 1.0)
        burden = 0.0
        worst = -1
        for d in range(n_dom):
            if pstate[i, d] == P_NONE:
                continue
            share = rules.informal_demand(sev[i, d], p.informal_fit[d], 1.0) / demand if demand > 0 else 0.0
            burden += _problem_week(i, d, t, age[i], hours[d], inf_hours[i] * share, in_case, sev, pstate,
                                    p_resolve, p_start, p_until, hazard, n_active, p, completions)
            if pstate[i, d] != P_NONE and (worst < 0 or sev[i, d] > sev[i, worst]):
                worst = d
        cap = rules.capacity(resilience[i], inf_hours[i], p.capacity_per_hour)
        deficit[i] = burden - cap
        strain[i] = rules.strain_update(strain[i], burden, cap, p.strain_memory)
        if worst >= 0 and rules.is_crisis(strain[i], p.crisis_threshold):
            strain[i] = 0.0
            urgent[i] = 1
            crisis_domain[i] = worst
            crises_out[nbh[i]] += 1
            crisis_payer_out[nbh[i], crisis_payer(age[i], worst)] += 1
            if worst == YOUTH and age[i] == AGE_MINOR:
                child_protection_out[nbh[i]] += 1


@njit(cache=True)
def _team_hours(i, in_case, c_member, mem_case_hours, mem_discipline, pstate, p, hours):
    """Casework hours this week per domain of resident i, more where the discipline fits."""
    hours[:] = 0.0
    if not in_case:
        return
    m = c_member[i]
    known = 0
    for d in range(pstate.shape[1]):
        if pstate[i, d] == P_KNOWN:
            known += 1
    if known == 0:
        return
    for d in range(pstate.shape[1]):
        if pstate[i, d] == P_KNOWN:
            match = p.discipline_match if mem_discipline[m] == p.domain_discipline[d] else 1.0
            hours[d] = mem_case_hours[m] / known * match


@njit(cache=True)
def _resolve(i, d, sev, pstate, n_active):
    """Remove a problem: it no longer exists."""
    sev[i, d] = 0.0
    pstate[i, d] = P_NONE
    n_active[i] -= 1


@njit(cache=True)
def _problem_week(i, d, t, age_band, team_hours, informal_hours, in_case, sev, pstate, p_resolve, p_start,
                  p_until, hazard, n_active, r, completions):
    """One week of one problem's course; returns the burden it leaves (0 when it ends)."""
    st = pstate[i, d]
    s = sev[i, d]
    relief = 0.0
    if st == P_SPECIALIST:
        if t < p_until[i, d]:
            return rules.problem_burden(s, r.burden_weight[d], 0.0)
        prov = r.domain_provider[d]
        completions[prov] += 1
        s = rules.treatment_outcome(s, r.treatment_effect[prov])
        if s < r.resolved_below:
            _resolve(i, d, sev, pstate, n_active)
            return 0.0
        pstate[i, d] = P_KNOWN if in_case else P_LATENT
        hazard[i, d] = 0.0
    elif st == P_PROVISION and t >= p_start[i, d]:
        if t >= p_until[i, d]:
            _resolve(i, d, sev, pstate, n_active)
            return 0.0
        relief = r.provision_relief[provision_kind(age_band)]
    else:
        if t >= p_resolve[i, d]:
            _resolve(i, d, sev, pstate, n_active)
            return 0.0
        s = rules.untreated_growth(s, r.growth[d])
        s = rules.support_effect(s, team_hours, r.team_effect[d])
        s = rules.support_effect(s, informal_hours, r.informal_effect)
        if s < r.resolved_below:
            _resolve(i, d, sev, pstate, n_active)
            return 0.0
    sev[i, d] = s
    return rules.problem_burden(s, r.burden_weight[d], relief)
