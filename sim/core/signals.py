"""Kernel for signalling: unknown problems reach the team through one of five routes.

Each problem carries an Exp(1) threshold drawn at onset; every week it accumulates the
hazards of all routes (self-report, informal network, partners, outreach, signalling
network), and is signalled when the sum passes the threshold. That is exact for hazards
that change week by week (outreach hours do) and costs one draw per problem.
"""

from numba import njit

from sim.core import rules
from sim.core.prefetch import prefetch
from sim.core.state import NO_WEEK
from sim.domains import AGE_MINOR, C_CASEWORK, C_QUEUED, N_ROUTES, P_KNOWN, P_LATENT, YOUTH

PARTNER = 2  # index of the partner route in sim.domains.ROUTES


@njit(cache=True)
def route_hazards(s, self_rate, informal_rate, partner_rate, outreach_rate, network_rate):
    """Weekly hazard of each route (self, informal, partner, outreach, network) for a problem of severity s."""
    return (rules.signal_hazard(s, self_rate), rules.signal_hazard(s, informal_rate),
            rules.signal_hazard(s, partner_rate), rules.signal_hazard(s, outreach_rate),
            rules.signal_hazard(s, network_rate))


@njit(cache=True, nogil=True)
def signal_stage(t, rows, nbh, hh, age, help_seek, n_active, urgent, c_state, c_id, c_route, c_member, c_start,
                 c_support, c_ref_week, c_ref_provider, c_inf_hours,
                 c_priority, c_onset, c_queue, c_sev, c_domains, sev, pstate, p_onset, hazard, threshold,
                 cg_carers, nbh_outreach_rate, next_case_id, p, route_rng, signals_out, opened):
    """Queue residents whose problems are signalled this week; cases in casework see new ones.

    Only `rows` are visited (residents with a problem or a case, in row order). Residents
    put in the queue are listed in `opened`, in case-id order; returns how many.
    """
    partner_rate = p.partner_rate
    n_opened = 0
    n_rows = rows.shape[0]
    for j in range(n_rows):
        if j + 8 < n_rows:  # busy rows come with gaps, which the hardware's own prefetching misses
            ahead = rows[j + 8]
            prefetch(pstate, ahead)
            prefetch(sev, ahead)
            prefetch(hazard, ahead)
            prefetch(threshold, ahead)
        i = rows[j]
        if n_active[i] == 0:
            continue
        if c_state[i] == C_CASEWORK:
            _reveal(i, sev, pstate, c_domains)
            urgent[i] = 0
            continue
        if c_state[i] == C_QUEUED:
            if urgent[i] == 1:
                c_priority[i] = 1
                urgent[i] = 0
            continue
        route = -1
        self_rate = p.self_rate * help_seek[i]
        informal_rate = p.informal_rate if cg_carers[hh[i]] > 0 else 0.0
        outreach = nbh_outreach_rate[nbh[i], 0 if age[i] == AGE_MINOR else 1]
        for d in range(sev.shape[1]):
            if pstate[i, d] != P_LATENT:
                continue
            h = route_hazards(sev[i, d], self_rate, informal_rate, partner_rate[d], outreach, p.network_rate)
            total = h[0] + h[1] + h[2] + h[3] + h[4]
            hazard[i, d] += total
            if route < 0 and (p.immediate_signal or hazard[i, d] >= threshold[i, d]):
                route = _pick_route(h, total, route_rng.random())
        if urgent[i] == 1:
            route = PARTNER
        if route < 0:
            continue
        _open_case(i, t, route, age, urgent, c_state, c_id, c_route, c_priority, c_onset,
                   c_queue, c_sev, c_domains, sev, pstate, p_onset, next_case_id, p)
        _forget_last_case(i, c_member, c_start, c_support, c_ref_week, c_ref_provider, c_inf_hours)
        signals_out[nbh[i], route] += 1
        opened[n_opened] = i
        n_opened += 1
    return n_opened


@njit(cache=True, inline="always")
def _pick_route(h, total, u):
    """The route of a signal, chosen in proportion to the routes' hazards `h`."""
    pick = u * total
    acc = 0.0
    for r in range(N_ROUTES):
        acc += h[r]
        if pick < acc:
            return r
    return N_ROUTES - 1


@njit(cache=True, inline="always")
def _reveal(i, sev, pstate, c_domains):
    """At the kitchen table the team sees every problem of a client, including new ones."""
    for d in range(sev.shape[1]):
        if pstate[i, d] == P_LATENT:
            pstate[i, d] = P_KNOWN
            c_domains[i] |= 1 << d


@njit(cache=True)
def _forget_last_case(i, c_member, c_start, c_support, c_ref_week, c_ref_provider, c_inf_hours):
    """A new case starts with no coordinator, support, referral or informal hours of its own yet."""
    c_member[i] = -1
    c_start[i] = NO_WEEK
    c_support[i] = 0
    c_ref_week[i] = NO_WEEK
    c_ref_provider[i] = -1
    c_inf_hours[i] = 0.0


@njit(cache=True, inline="always")
def _open_case(i, t, route, age, urgent, c_state, c_id, c_route, c_priority, c_onset, c_queue,
               c_sev, c_domains, sev, pstate, p_onset, next_case_id, p):
    """Put resident i in the intake queue, noting route, priority, onset and severity."""
    c_state[i] = C_QUEUED
    c_id[i] = next_case_id[0]
    next_case_id[0] += 1
    c_route[i] = route
    c_queue[i] = t
    worst = 0.0
    first = t
    mask = 0
    for d in range(sev.shape[1]):
        if pstate[i, d] == P_LATENT:
            worst = max(worst, sev[i, d])
            first = min(first, p_onset[i, d])
            mask |= 1 << d
    c_onset[i] = first
    c_sev[i] = worst
    c_domains[i] = mask
    safety = urgent[i] == 1 or (age[i] == AGE_MINOR and pstate[i, YOUTH] == P_LATENT
                                and sev[i, YOUTH] >= p.safety_severity)
    c_priority[i] = 1 if safety else 0
    urgent[i] = 0
