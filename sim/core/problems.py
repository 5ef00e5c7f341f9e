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
    CARE,
    JEUGDWET,
    P_KNOWN,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_SPECIALIST,
    WLZ,
    ZVW,
)


@njit(cache=True, nogil=True)
def init_onsets(t, next_onset, group, group_total, onset_rng):
    """Draw every resident's first onset week after week t."""
    for i in range(next_onset.shape[0]):
        next_onset[i] = t + rules.weeks_until_event(group_total[group[i]], onset_rng.exponential())


@njit(cache=True, nogil=True)
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
