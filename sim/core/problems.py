"""Kernels for the course of problems.

Onsets, and the weekly dynamics of severity, burden, capacity, escalation, specialist treatment and provisions.

Onsets are drawn as times to the next event, so a week touches only residents with
something happening; the draws come from their own streams and are made whatever the
resident's state, which keeps onsets identical across designs (common random numbers).
"""

from numba import njit

from sim.core import rules
from sim.domains import (
    AGE_MINOR,
    AGE_OLD,
    AGE_YOUNG_OLD,
    C_CASEWORK,
    CARE,
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
    if age_band == AGE_OLD and domain == CARE:
        return WLZ
    return ZVW


@njit(cache=True)
def dynamics_stage(t, nbh, age, n_active, resilience, strain, deficit, inf_hours, urgent, crisis_domain,
                   c_state, c_member, sev, pstate, p_onset, p_resolve, p_start, p_until, hazard,
                   mem_case_hours, mem_discipline, p, completions, crises_out, child_protection_out,
                   crisis_payer_out):
    """One week of every problem's course, then burden against capacity and escalation.

    Helpers in this loop take scalars only: passing arrays or the parameter tuple to a
    function per problem costs reference counting that dominated the week.
    """
    n_dom = sev.shape[1]
    fit, weight, provider, discipline = p.informal_fit, p.burden_weight, p.domain_provider, p.domain_discipline
    growth, effect, treated, relief_of = p.growth, p.team_effect, p.treatment_effect, p.provision_relief
    for i in range(nbh.shape[0]):
        if n_active[i] == 0:  # no burden: only remembered strain fades; deficit is not read
            if strain[i] > 0.0:
                strain[i] = rules.strain_update(strain[i], 0.0, resilience[i], p.strain_memory)
            continue
        in_case = c_state[i] == C_CASEWORK
        known = 0
        demand = 0.0
        for d in range(n_dom):
            if pstate[i, d] != P_NONE:
                demand += rules.informal_demand(sev[i, d], fit[d], 1.0)
                known += pstate[i, d] == P_KNOWN
        case_hours = mem_case_hours[c_member[i]] / known if in_case and known > 0 else 0.0
        burden = 0.0
        worst = -1
        for d in range(n_dom):
            st = pstate[i, d]
            if st == P_NONE:
                continue
            hours = 0.0
            if st == P_KNOWN:
                hours = case_hours * (p.discipline_match if mem_discipline[c_member[i]] == discipline[d] else 1.0)
            share = rules.informal_demand(sev[i, d], fit[d], 1.0) / demand if demand > 0 else 0.0
            te = treated[provider[d]] if provider[d] >= 0 else 0.0
            new_st, s, done = course(st, sev[i, d], t, p_resolve[i, d], p_start[i, d], p_until[i, d], in_case,
                                     hours, inf_hours[i] * share, growth[d], effect[d], p.informal_effect,
                                     p.resolved_below, te)
            if done:
                completions[provider[d]] += 1
            if new_st == P_NONE:
                n_active[i] -= 1
            elif new_st != st:  # back from treatment: unknown again from this week, signalling afresh
                hazard[i, d] = 0.0
                p_onset[i, d] = t
            pstate[i, d] = new_st
            sev[i, d] = s
            if new_st == P_NONE:
                continue
            relief = relief_of[provision_kind(age[i])] if new_st == P_PROVISION and t >= p_start[i, d] else 0.0
            burden += rules.problem_burden(s, weight[d], relief)
            if worst < 0 or s > sev[i, worst]:
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
def course(st, s, t, resolve_week, start_week, until_week, in_case, team_hours, informal_hours, growth,
           team_effect, informal_effect, resolved_below, treatment_effect):
    """One week of one problem's course; returns (state, severity, treatment completed).

    In treatment nothing changes until the treatment ends; a running provision holds the
    problem until the provision ends; any other problem grows, responds to team and
    informal support, and ends at its natural resolution week or when it falls below
    the resolved level.
    """
    if st == P_SPECIALIST:
        if t < until_week:
            return st, s, False
        s = rules.treatment_outcome(s, treatment_effect)
        if s < resolved_below:
            return P_NONE, 0.0, True
        return (P_KNOWN if in_case else P_LATENT), s, True
    if st == P_PROVISION and t >= start_week:
        if t >= until_week:
            return P_NONE, 0.0, False
        return st, s, False
    if t >= resolve_week:
        return P_NONE, 0.0, False
    s = rules.untreated_growth(s, growth)
    s = rules.support_effect(s, team_hours, team_effect)
    s = rules.support_effect(s, informal_hours, informal_effect)
    if s < resolved_below:
        return P_NONE, 0.0, False
    return st, s, False
