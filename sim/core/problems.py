"""Kernels for the course of problems.

Onsets, and the weekly dynamics of severity, burden, capacity, escalation, specialist treatment and provisions.

Onsets are drawn as times to the next event, so a week touches only residents with
something happening; the draws come from their own streams and are made whatever the
resident's state, which keeps onsets identical across designs (common random numbers).
"""

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.core import rules
from sim.domains import (
    AGE_MINOR,
    AGE_OLD,
    AGE_YOUNG_OLD,
    CARE,
    HOUSEHOLD_HELP,
    JEUGDWET,
    P_KNOWN,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_SPECIALIST,
    SUPPORT_AT_HOME,
    WLZ,
    ZVW,
)


class OnsetRates(NamedTuple):
    """Weekly onset rates per (neighbourhood, age band) group: by domain (G, D) and in all (G,)."""

    by_domain: np.ndarray
    total: np.ndarray


@njit(cache=True, nogil=True)
def init_onsets(t, people, rates, onset_rng):
    """Draw every resident's first onset week after week t."""
    next_onset, group = people.next_onset, people.group
    for i in range(next_onset.shape[0]):
        next_onset[i] = t + rules.weeks_until_event(rates.total[group[i]], onset_rng.exponential())


@njit(cache=True, nogil=True)
def onset_stage(t, s, rates, p, onset_rng, threshold_rng, resolution_rng, onsets_out):
    """Start (or deepen) the problems whose onset falls in week t; draw the next onset."""
    pe, pr = s.people, s.problems
    group_rates, group_total = rates.by_domain, rates.total
    n_dom = group_rates.shape[1]
    for i in range(pe.next_onset.shape[0]):
        if pe.next_onset[i] != t:
            continue
        g = pe.group[i]
        pick = onset_rng.random() * group_total[g]
        d = 0
        acc = group_rates[g, 0]
        while acc < pick and d < n_dom - 1:
            d += 1
            acc += group_rates[g, d]
        s0 = rules.onset_severity(p.sev_low[d], p.sev_high[d], onset_rng.random())
        pe.next_onset[i] = t + rules.weeks_until_event(group_total[g], onset_rng.exponential())
        e = threshold_rng.exponential()
        r = rules.weeks_until_event(p.resolve_rate[d], resolution_rng.exponential())
        onsets_out[pe.nbh[i], d] += 1
        if pr.state[i, d] == P_NONE:
            pr.sev[i, d] = s0
            pr.state[i, d] = P_LATENT
            pr.onset[i, d] = t
            pr.resolve[i, d] = t + r
            pr.hazard[i, d] = 0.0
            pr.threshold[i, d] = e
            pe.n_active[i] += 1
        else:
            pr.sev[i, d] = rules.aggravate(pr.sev[i, d], s0, p.aggravation)


@njit(cache=True)
def provision_kind(age_band):
    """The Wmo provision a resident gets: household help at 65 and over, support at home under 65."""
    return HOUSEHOLD_HELP if age_band >= AGE_YOUNG_OLD else SUPPORT_AT_HOME


@njit(cache=True)
def crisis_payer(age_band, domain):
    """Who pays a crisis: Jeugdwet for minors, Wlz for care crises at 75+, else Zvw."""
    if age_band == AGE_MINOR:
        return JEUGDWET
    if age_band == AGE_OLD and domain == CARE:
        return WLZ
    return ZVW


@njit(cache=True)
def course(st, s, t, weeks, in_case, team_hours, informal_hours, effects):
    """One week of one problem's course; returns (state, severity, treatment completed).

    `weeks` are the problem's (natural resolution, referral or provision start, treatment or
    provision end); `effects` are (growth, team effect, informal effect, resolved level,
    treatment effect) for its domain.

    In treatment nothing changes until the treatment ends; a running provision holds the
    problem until the provision ends; any other problem grows, responds to team and
    informal support, and ends at its natural resolution week or when it falls below
    the resolved level.
    """
    resolve_week, start_week, until_week = weeks
    growth, team_effect, informal_effect, resolved_below, treatment_effect = effects
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
