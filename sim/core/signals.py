"""Kernel for signalling: unknown problems reach the team through one of five routes, or go past it.

Each problem carries an Exp(1) threshold drawn at onset; every week it accumulates the
hazards of all routes (self-report, informal network, partners, outreach, signalling
network, and for a young resident's youth problem the GP or medical referral straight to
youth care), and is signalled when the sum passes the threshold. That is exact for hazards
that change week by week (outreach hours do) and costs one draw per problem.
"""

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.core import rules
from sim.core.prefetch import prefetch
from sim.core.state import NO_WEEK
from sim.domains import (
    AGE_MINOR,
    AGE_YOUNG_ADULT,
    C_CASEWORK,
    C_QUEUED,
    DIRECT_REFERRAL,
    P_KNOWN,
    P_LATENT,
    P_WAIT_SPECIALIST,
    ROUTE_PARTNER,
    YOUTH,
)


class Signalled(NamedTuple):
    """Room for the residents a week's signals list: queued for the team, and referred past it to youth care."""

    queued: np.ndarray
    direct: np.ndarray


def signalled_room(n: int) -> Signalled:
    """Empty lists with room for n residents each."""
    return Signalled(np.empty(n, np.int64), np.empty(n, np.int64))


@njit(cache=True, nogil=True)
def signal_stage(t, rows, s, nbh_outreach_rate, p, streams, counts, out):
    """Queue residents whose problems are signalled this week; cases in casework see new ones.

    Only `rows` are visited (residents with a problem or a case, in row order). Residents
    put in the queue are listed in `out.queued`, in case-id order; those whose youth problem a
    GP or medical specialist referred straight to youth care in `out.direct`; returns both
    numbers. The route of a signal is drawn from the `route` stream; a new case waits as
    long as the resident's patience draw allows (rules.patience_end).
    """
    pe, ca, pr = s.people, s.cases, s.problems
    carers = s.households.carers
    partner_rate = p.partner_rate
    n_opened = 0
    n_direct = 0
    n_rows = rows.shape[0]
    for j in range(n_rows):
        if j + 8 < n_rows:  # busy rows come with gaps, which the hardware's own prefetching misses
            ahead = rows[j + 8]
            prefetch(pr.state, ahead)
            prefetch(pr.sev, ahead)
            prefetch(pr.hazard, ahead)
            prefetch(pr.threshold, ahead)
        i = rows[j]
        if pe.n_active[i] == 0:
            continue
        if ca.state[i] == C_CASEWORK:
            reveal(i, pr.state, ca.domains)
            pe.urgent[i] = 0
            continue
        if ca.state[i] == C_QUEUED:
            if pe.urgent[i] == 1:
                ca.priority[i] = 1
                pe.urgent[i] = 0
            continue
        route = -1
        self_rate = p.self_rate * pe.help_seek[i]
        informal_rate = p.informal_rate if carers[pe.hh[i]] > 0 else 0.0
        outreach = nbh_outreach_rate[pe.nbh[i], rules.group_of(pe.age[i])]
        young = pe.age[i] <= AGE_YOUNG_ADULT
        for d in range(pr.sev.shape[1]):
            if pr.state[i, d] != P_LATENT:
                continue
            h = rules.route_hazards(pr.sev[i, d], self_rate, informal_rate, partner_rate[d], outreach, p.network_rate)
            total = h[0] + h[1] + h[2] + h[3] + h[4]
            h_direct = rules.direct_hazard(pr.sev[i, d], young, d == YOUTH, p.direct_rate)
            pr.hazard[i, d] += total + h_direct
            if route < 0 and rules.is_signalled(p.immediate_signal, pr.hazard[i, d], pr.threshold[i, d]):
                route = rules.pick_signal(h, total, h_direct, streams.route.random())
                if route == DIRECT_REFERRAL:  # past the team: the problem waits for youth care
                    pr.state[i, d] = P_WAIT_SPECIALIST
                    pr.start[i, d] = t
                    counts.direct_referrals[pe.nbh[i]] += 1
                    out.direct[n_direct] = i
                    n_direct += 1
                    route = -1
        if pe.urgent[i] == 1:
            route = ROUTE_PARTNER
        if route < 0:
            continue
        _open_case(i, t, route, pe, ca, pr, p)
        ca.leave[i] = rules.patience_end(t, p.leave_rate, pe.patience[i])
        counts.signals[pe.nbh[i], route] += 1
        out.queued[n_opened] = i
        n_opened += 1
    return n_opened, n_direct


@njit(cache=True, inline="always")
def reveal(i, pstate, c_domains):
    """At the kitchen table the team sees every unknown problem of a client, new ones included."""
    for d in range(pstate.shape[1]):
        if pstate[i, d] == P_LATENT:
            pstate[i, d] = P_KNOWN
            c_domains[i] |= 1 << d


@njit(cache=True, inline="always")
def _open_case(i, t, route, pe, ca, pr, p):
    """Put resident i in the intake queue, noting route, priority, onset and severity.

    The new case starts with no coordinator, support, referral or informal hours of its own.
    """
    ca.state[i] = C_QUEUED
    ca.id[i] = ca.next_id[0]
    ca.next_id[0] += 1
    ca.route[i] = route
    ca.queue[i] = t
    worst = 0.0
    first = t
    mask = 0
    for d in range(pr.sev.shape[1]):
        if pr.state[i, d] == P_LATENT:
            worst = max(worst, pr.sev[i, d])
            first = min(first, pr.onset[i, d])
            mask |= 1 << d
    ca.onset[i] = first
    ca.sev[i] = worst
    ca.domains[i] = mask
    safety = rules.is_safety_case(pe.urgent[i] == 1, pe.age[i] == AGE_MINOR, pr.state[i, YOUTH] == P_LATENT,
                                  pr.sev[i, YOUTH], p.safety_severity)
    ca.priority[i] = 1 if safety else 0
    pe.urgent[i] = 0
    ca.member[i] = -1
    ca.start[i] = NO_WEEK
    ca.support[i] = 0
    ca.ref_week[i] = NO_WEEK
    ca.ref_provider[i] = -1
    ca.inf_hours[i] = 0.0
