"""Kernels for the onset of problems (their weekly course is rules.course, stepped by the household kernel).

Onsets are drawn as times to the next event, so a week touches only residents with
something happening; the draws come from their own streams and are made whatever the
resident's state, which keeps onsets identical across designs (common random numbers).
"""

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.core import rules
from sim.domains import P_LATENT, P_NONE


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
def init_onsets_of(t, rows, people, rates, onset_rng):
    """Draw the first onset week after week t of the residents in `rows` (born or moved in), in row order."""
    next_onset, group = people.next_onset, people.group
    for i in rows:
        next_onset[i] = t + rules.weeks_until_event(rates.total[group[i]], onset_rng.exponential())


@njit(cache=True, nogil=True)
def onset_stage(t, s, rates, p, streams, counts):
    """Start (or deepen) the problems whose onset falls in week t; draw the next onset.

    The resident's patience and follow-up draws are renewed too (when those mechanisms are
    on): drawn here, in onset order, they are the same in every design (common random numbers).
    """
    pe, pr = s.people, s.problems
    group_rates, group_total = rates.by_domain, rates.total
    for i in range(pe.next_onset.shape[0]):
        if pe.next_onset[i] != t:
            continue
        g = pe.group[i]
        d = rules.pick_domain(group_rates[g], group_total[g], streams.onset.random())
        s0 = rules.onset_severity(p.sev_low[d], p.sev_high[d], streams.onset.random())
        pe.next_onset[i] = t + rules.weeks_until_event(group_total[g], streams.onset.exponential())
        e = streams.threshold.exponential()
        r = rules.weeks_until_event(p.resolve_rate[d], streams.resolution.exponential())
        if p.leave_rate > 0.0:
            pe.patience[i] = streams.patience.exponential()
        if p.follow_up_weeks > 0.0:
            pe.follow_up[i] = streams.follow_up.exponential()
        counts.onsets[pe.nbh[i], d] += 1
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
