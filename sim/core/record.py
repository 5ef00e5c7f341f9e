"""Kernel that counts the week's state per neighbourhood for the outcome tables."""

import numpy as np
from numba import njit

from sim.core import rules
from sim.core.prefetch import prefetch
from sim.domains import (
    C_CASEWORK,
    C_NONE,
    C_QUEUED,
    P_KNOWN,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_SPECIALIST,
    P_WAIT_SPECIALIST,
)

J_NONE, J_UNKNOWN, J_WAITING, J_CASE, J_SPECIALIST, J_PROVISION = range(6)


@njit(cache=True)
def journey(case_state, specialist, provision, latent):
    """The one journey state of a resident (see sim.domains.JOURNEY).

    From the case state and whether any problem is with a specialist (or waiting for one),
    under a provision, or unknown. Written as selects, lowest precedence first, so the
    compiled loop does not branch on states that vary from one resident to the next.
    """
    j = J_UNKNOWN if latent else J_NONE
    j = J_PROVISION if provision else j
    j = J_SPECIALIST if specialist else j
    j = J_CASE if case_state == C_CASEWORK else j
    return J_WAITING if case_state == C_QUEUED else j


@njit(cache=True, nogil=True)
def record_stage(t, rows, residents, s, p, over_norm_weeks, counts):
    """Fill the per-neighbourhood count arrays (zeroed by the caller) for week t.

    `residents` holds each neighbourhood's number of residents: those without a problem
    or a case are counted as the rest, so the loop visits only `rows` (every resident
    with a problem or a case, and some without, skipped).
    `counts.waiting_over_norm` counts, per provider, referrals older than `over_norm_weeks`.
    """
    pe, ca, pr, hs = s.people, s.cases, s.problems, s.households
    domain_provider = p.domain_provider  # helpers called per household get this array, not the whole tuple
    n_dom = pr.state.shape[1]
    busy = np.zeros(residents.shape[0], np.int64)
    rare_rows = np.empty(rows.shape[0], np.int64)
    n_rare = 0
    for i in rows:
        if pe.n_active[i] == 0 and ca.state[i] == C_NONE:  # problems ended this week: self-reliant, counted below
            continue
        k = pe.nbh[i]
        busy[k] += 1
        counts.self_reliant[k] += (pe.n_active[i] == 0) | (pe.deficit[i] <= 0.0)
        latent = rare = known = False
        for d in range(n_dom):  # counts and flags as sums and ors, not branches on each state
            st = pr.state[i, d]
            counts.prevalence[k, d] += st != P_NONE
            latent |= st == P_LATENT
            known |= st == P_KNOWN
            rare |= st >= P_WAIT_SPECIALIST
        counts.bridged[k] += (ca.state[i] == C_CASEWORK) & ~known
        counts.journeys[k, journey(ca.state[i], False, False, latent)] += not rare
        rare_rows[n_rare] = i  # specialist care and provisions: listed, and counted in the loop below
        n_rare += rare
    # The few residents in specialist care or under a provision are scattered over the
    # problem table, so the referral or start week of each is fetched a few rows ahead.
    for j in range(n_rare):
        if j + 16 < n_rare:
            prefetch(pr.start, rare_rows[j + 16])
        i = rare_rows[j]
        k = pe.nbh[i]
        specialist = provision = latent = False  # written out here: a call handed the groups costs their refcounts
        for d in range(n_dom):
            st = pr.state[i, d]
            latent |= st == P_LATENT
            if st == P_PROVISION:
                provision = True
                if t >= pr.start[i, d]:
                    counts.provisions[k, rules.provision_kind(pe.age[i])] += 1
            elif st == P_SPECIALIST:
                specialist = True
                counts.in_treatment[k, domain_provider[d], rules.group_of(pe.age[i])] += 1
            elif st == P_WAIT_SPECIALIST:  # start holds the referral week
                specialist = True
                counts.waiting_specialist[k, domain_provider[d]] += 1
                if t - pr.start[i, d] > over_norm_weeks:
                    counts.waiting_over_norm[domain_provider[d]] += 1
        counts.journeys[k, journey(ca.state[i], specialist, provision, latent)] += 1
    for k in range(residents.shape[0]):
        counts.journeys[k, J_NONE] += residents[k] - busy[k]
        counts.self_reliant[k] += residents[k] - busy[k]
    clients = np.empty(hs.cases.shape[0], np.int64)  # households with an open case, listed without branches
    n_clients = 0
    for h in range(hs.cases.shape[0]):
        clients[n_clients] = h
        n_clients += hs.cases[h] > 0
    for j in range(n_clients):
        if j + 16 < n_clients:
            first = hs.start[clients[j + 16]]
            prefetch(ca.state, first)
            prefetch(ca.member, first)
            prefetch(pr.state, first)
        h = clients[j]
        k = hs.nbh[h]
        count = _professionals(hs.start[h], hs.start[h + 1], ca.state, ca.member, pr.state, domain_provider)
        counts.client_households[k] += 1
        counts.professionals[k] += count
        if _domains(hs.start[h], hs.start[h + 1], pr.state) >= 2:
            counts.multi_households[k] += 1
            counts.multi_professionals[k] += count


@njit(cache=True, inline="always")
def _domains(first, last, pstate):
    """Number of life domains in which members of one household have a problem."""
    mask = 0
    for i in range(first, last):
        for d in range(pstate.shape[1]):
            if pstate[i, d] != P_NONE:
                mask |= 1 << d
    count = 0
    while mask:
        count += mask & 1
        mask >>= 1
    return count


@njit(cache=True, inline="always")
def _professionals(first, last, c_state, c_member, pstate, domain_provider):
    """Distinct team members and specialist providers working with one household."""
    members = 0
    providers = 0
    for i in range(first, last):
        if c_state[i] == C_CASEWORK:
            seen = False
            for j in range(first, i):
                if c_state[j] == C_CASEWORK and c_member[j] == c_member[i]:
                    seen = True
            if not seen:
                members += 1
        for d in range(pstate.shape[1]):
            if pstate[i, d] == P_SPECIALIST:
                providers |= 1 << domain_provider[d]
    count = members
    while providers:
        count += providers & 1
        providers >>= 1
    return count
