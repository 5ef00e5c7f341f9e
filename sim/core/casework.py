"""Kernels for the team's work.

Planning hours, assigning queued cases, and casework decisions (referral, provisions, closure) for every open case.

The Mesa team decides the order of the queue (triage) and owns the members; these
kernels do the per-case arithmetic over arrays.
"""

import numpy as np
from numba import njit

from sim.core import rules
from sim.core.prefetch import prefetch
from sim.core.problems import provision_kind
from sim.domains import (
    AGE_MINOR,
    C_CASEWORK,
    C_NONE,
    C_QUEUED,
    CARE,
    P_KNOWN,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_WAIT_SPECIALIST,
)

SUPPORT_TEAM, SUPPORT_INFORMAL, SUPPORT_PROVISION, SUPPORT_SPECIALIST = 1, 2, 4, 8


@njit(cache=True, nogil=True)
def plan_hours(mem_hours, mem_outreach_share, mem_cap, mem_caseload, mem_extra, p, mem_casework, mem_coord,
               mem_outreach, mem_case_hours, mem_free):
    """Each member's hours this week, hours per case and free case slots."""
    per_case = p.casework_per_case + p.coordination_per_case
    for m in range(mem_hours.shape[0]):
        cw, co, out = rules.hours_split(mem_hours[m], mem_caseload[m], p.casework_per_case,
                                        p.coordination_per_case, mem_hours[m] * mem_outreach_share[m], mem_extra[m])
        mem_casework[m] = cw
        mem_coord[m] = co
        mem_outreach[m] = out
        mem_case_hours[m] = cw / mem_caseload[m] if mem_caseload[m] > 0 else 0.0
        mem_free[m] = rules.caseload_capacity(mem_cap[m], mem_hours[m], per_case) - mem_caseload[m]


@njit(cache=True, nogil=True)
def crowding(hh_start, hh_cases, c_state, c_member, p, mem_extra):
    """Each member's extra coordination: per case, hours for every other professional in the household."""
    mem_extra[:] = 0.0
    if p.extra_coordination <= 0.0:
        return
    for h in range(hh_start.shape[0] - 1):
        if hh_cases[h] < 2:
            continue
        first, last = hh_start[h], hh_start[h + 1]
        distinct = 0
        for i in range(first, last):
            if c_state[i] == C_CASEWORK and not _seen_before(i, first, c_state, c_member):
                distinct += 1
        if distinct < 2:
            continue
        for i in range(first, last):
            if c_state[i] == C_CASEWORK:
                mem_extra[c_member[i]] += p.extra_coordination * (distinct - 1)


@njit(cache=True)
def _seen_before(i, first, c_state, c_member):
    """Whether an earlier member of the household has the same professional as resident i."""
    for j in range(first, i):
        if c_state[j] == C_CASEWORK and c_member[j] == c_member[i]:
            return True
    return False


@njit(cache=True)
def _household_coordinator(first, last, team, c_state, c_member, mem_team):
    """The member of `team` already in casework with someone of this household, or -1."""
    for j in range(first, last):
        if c_state[j] == C_CASEWORK and mem_team[c_member[j]] == team:
            return c_member[j]
    return -1


@njit(cache=True)
def _worst_latent(i, sev, pstate):
    """The domain of resident i's most severe unknown problem, or -1."""
    worst = -1
    for d in range(sev.shape[1]):
        if pstate[i, d] == P_LATENT and (worst < 0 or sev[i, d] > sev[i, worst]):
            worst = d
    return worst


@njit(cache=True, nogil=True)
def assign_cases(t, order, nbh, hh, age, c_state, c_member, c_start, c_queue, c_support, c_domains, sev, pstate,
                 hh_start, hh_cases, nbh_team, discipline_team, team_first, mem_free, mem_caseload, mem_discipline,
                 mem_team, p, intakes_out, wait_out):
    """Give queued residents, in triage order, to a member with a free slot.

    With one family, one plan, a household already in casework with this team keeps its coordinator.
    Otherwise the member whose discipline fits the worst problem is preferred. Each team's
    free slots are counted, so a long queue before a full team costs no search of its members.
    """
    team_free = _free_slots(team_first, mem_free)
    n = order.shape[0]
    for k in range(n):  # the queue's residents lie scattered over the tables: fetch their rows ahead
        if k + 32 < n:
            prefetch(hh, order[k + 32])
        if k + 16 < n:
            ahead = order[k + 16]
            prefetch(c_state, ahead)
            prefetch(nbh, ahead)
            prefetch(age, ahead)
            prefetch(hh_cases, hh[ahead])
        i = order[k]
        if c_state[i] != C_QUEUED:  # handled by the counter this week
            continue
        if p.route_by_discipline:  # the team (or organisation) that takes the case
            worst = _worst_latent(i, sev, pstate)
            team = discipline_team[p.domain_discipline[worst] if worst >= 0 else 0]
        else:
            team = nbh_team[nbh[i], 0 if age[i] == AGE_MINOR else 1]
        m = -1
        h = hh[i]
        if p.one_family_one_plan and hh_cases[h] > 0:
            m = _household_coordinator(hh_start[h], hh_start[h + 1], team, c_state, c_member, mem_team)
        if m < 0 and team_free[team] > 0:
            m = _pick_member(i, sev, pstate, team_first[team], team_first[team + 1], mem_free, mem_discipline, p)
        if m < 0:
            continue
        if mem_free[m] > 0:  # a coordinator may take a family member beyond a full caseload
            team_free[team] -= 1
        c_state[i] = C_CASEWORK
        c_member[i] = m
        c_start[i] = t
        c_support[i] |= SUPPORT_TEAM
        for d in range(sev.shape[1]):
            if pstate[i, d] == P_LATENT:
                pstate[i, d] = P_KNOWN
                c_domains[i] |= 1 << d
        mem_caseload[m] += 1
        mem_free[m] -= 1
        hh_cases[h] += 1
        intakes_out[nbh[i]] += 1
        wait_out[nbh[i]] += t - c_queue[i]


@njit(cache=True)
def _free_slots(team_first, mem_free):
    """Free case slots per team (members over their cap count as none)."""
    free = np.zeros(team_first.shape[0] - 1, np.int64)
    for team in range(free.shape[0]):
        for m in range(team_first[team], team_first[team + 1]):
            free[team] += max(0, mem_free[m])
    return free


@njit(cache=True, inline="always")
def _pick_member(i, sev, pstate, first, last, mem_free, mem_discipline, p):
    """A member of the team with a free slot, preferring the fitting discipline."""
    worst = _worst_latent(i, sev, pstate)
    want = p.domain_discipline[worst] if worst >= 0 else -1
    best = -1
    for m in range(first, last):
        if mem_free[m] <= 0:
            continue
        if mem_discipline[m] == want:
            return m
        if best < 0 or mem_free[m] > mem_free[best]:
            best = m
    return best


@njit(cache=True, nogil=True)
def casework_stage(t, rows, nbh, hh, age, n_active, c_state, c_member, c_start, c_priority, c_support, c_ref_week,
                   c_ref_provider, crisis_domain, sev, pstate, p_onset, p_start, p_until, hazard, hh_cases,
                   mem_caseload, mem_free, p, durations_rng, ref_res, ref_dom, ref_pri, closed, closed_outcome,
                   referrals_out, provisions_out):
    """Refer, grant provisions and close cases; returns (referrals made, cases closed).

    `rows` lists every resident with a case (and others), in row order. The cases are
    listed first; their rows lie scattered over the problem table, so each is fetched a
    few cases ahead while the one in hand is worked on.
    """
    cases = np.empty(rows.shape[0], np.int64)
    n_cases = 0
    for i in rows:
        cases[n_cases] = i
        n_cases += c_state[i] == C_CASEWORK  # only resident i's own case changes below
    n_ref = 0
    n_closed = 0
    for j in range(n_cases):
        if j + 16 < n_cases:
            ahead = cases[j + 16]
            prefetch(pstate, ahead)
            prefetch(sev, ahead)
            prefetch(crisis_domain, ahead)
            prefetch(c_start, ahead)
        i = cases[j]
        if p.service_exponential:  # queue-only mode: memoryless service, nothing else
            if durations_rng.random() < p.service_rate:
                _serve_all(i, sev, pstate, n_active)
                closed[n_closed] = i
                closed_outcome[n_closed] = 0
                n_closed += 1
                _close(i, c_state, c_member, hh, hh_cases, mem_caseload, mem_free)
            continue
        crisis = crisis_domain[i]
        crisis_domain[i] = -1
        still_open = False
        known = False
        for d in range(sev.shape[1]):
            st = pstate[i, d]
            if st == P_KNOWN:
                known = True
                prov = p.domain_provider[d]
                if prov >= 0 and (sev[i, d] > p.referral_threshold or d == crisis):
                    urgent = d == crisis or c_priority[i] == 1
                    n_ref = _refer(i, d, t, prov, urgent, nbh, c_support, c_ref_week, c_ref_provider, pstate, p_start,
                                   ref_res, ref_dom, ref_pri, n_ref, referrals_out)
                    still_open = still_open or p.bridging
                elif d == CARE and (sev[i, d] > p.provision_threshold or d == crisis):
                    _grant(i, d, t, nbh, age, c_support, pstate, p_start, p_until, p, durations_rng, provisions_out)
                    still_open = still_open or p.mandate_delay > 0
                elif sev[i, d] >= p.close_below:
                    still_open = True
            elif (st == P_WAIT_SPECIALIST and p.bridging) or (st == P_PROVISION and t < p_start[i, d]):
                still_open = True
        if still_open or (known and t - c_start[i] < p.min_case_weeks):
            continue  # a case with nothing left to work on closes at once
        closed[n_closed] = i
        closed_outcome[n_closed] = _outcome(i, pstate)
        _hand_back(i, t, pstate, p_onset, hazard)
        n_closed += 1
        _close(i, c_state, c_member, hh, hh_cases, mem_caseload, mem_free)
    return n_ref, n_closed


@njit(cache=True)
def _refer(i, d, t, prov, urgent, nbh, c_support, c_ref_week, c_ref_provider, pstate, p_start, ref_res, ref_dom,
           ref_pri, n_ref, referrals_out):
    """Refer problem (i, d) to its provider's waiting list; returns the new number of referrals."""
    pstate[i, d] = P_WAIT_SPECIALIST
    p_start[i, d] = t
    ref_res[n_ref] = i
    ref_dom[n_ref] = d
    ref_pri[n_ref] = 1 if urgent else 0
    referrals_out[nbh[i], prov] += 1
    c_support[i] |= SUPPORT_SPECIALIST
    if c_ref_provider[i] < 0:
        c_ref_week[i] = t
        c_ref_provider[i] = prov
    return n_ref + 1


@njit(cache=True)
def _grant(i, d, t, nbh, age, c_support, pstate, p_start, p_until, p, durations_rng, provisions_out):
    """Grant a Wmo provision for problem (i, d), starting after the mandate delay."""
    kind = provision_kind(age[i])
    pstate[i, d] = P_PROVISION
    p_start[i, d] = t + p.mandate_delay
    p_until[i, d] = p_start[i, d] + rules.weeks_until_event(p.provision_rate[kind], durations_rng.exponential())
    c_support[i] |= SUPPORT_PROVISION
    provisions_out[nbh[i], kind] += 1


@njit(cache=True)
def _close(i, c_state, c_member, hh, hh_cases, mem_caseload, mem_free):
    """End resident i's case: free the member's slot."""
    c_state[i] = C_NONE
    mem_caseload[c_member[i]] -= 1
    mem_free[c_member[i]] += 1
    hh_cases[hh[i]] -= 1


@njit(cache=True)
def _serve_all(i, sev, pstate, n_active):
    """Queue-only mode: a finished service ends every problem of the resident."""
    for d in range(sev.shape[1]):
        sev[i, d] = 0.0
        pstate[i, d] = P_NONE
    n_active[i] = 0


@njit(cache=True, inline="always")
def _hand_back(i, t, pstate, p_onset, hazard):
    """Problems the team leaves at a manageable level go back to the resident's own hands.

    From now on they are unknown again: signalling starts afresh, counted from this week.
    """
    for d in range(pstate.shape[1]):
        if pstate[i, d] == P_KNOWN:
            pstate[i, d] = P_LATENT
            p_onset[i, d] = t
            hazard[i, d] = 0.0


@njit(cache=True, inline="always")
def _outcome(i, pstate):
    """0 = resolved (nothing left), 1 = handed over (specialist care, provision), 2 = left manageable."""
    handed = False
    manageable = False
    for d in range(pstate.shape[1]):
        if pstate[i, d] == P_KNOWN:
            manageable = True
        elif pstate[i, d] != P_NONE:
            handed = True
    return 1 if handed else (2 if manageable else 0)


@njit(cache=True, nogil=True)
def loket_stage(t, order, nbh, age, c_state, c_start, c_priority, c_support, c_ref_week, c_ref_provider, c_domains,
                crisis_domain, sev, pstate, p_start, p_until, hazard, p, durations_rng, ref_res, ref_dom, ref_pri,
                closed, closed_outcome, referrals_out, provisions_out, loket_out):
    """The counter (loket) handles queued single-problem cases without team casework.

    It grants a Wmo provision or refers to the provider when the problem is severe enough
    or escalated to crisis (safety cases and crises referred urgently, as by the team), and
    otherwise gives advice only (the problem stays with the resident). Returns
    (referrals made, cases closed).
    """
    n_ref = 0
    n_closed = 0
    for k in range(order.shape[0]):
        i = order[k]
        d = _single_latent(i, pstate)
        if d < 0:
            continue
        prov = p.domain_provider[d]
        crisis = crisis_domain[i]
        crisis_domain[i] = -1
        outcome = 1
        if d == CARE and (sev[i, d] > p.provision_threshold or d == crisis):
            _grant(i, d, t, nbh, age, c_support, pstate, p_start, p_until, p, durations_rng, provisions_out)
        elif prov >= 0 and (sev[i, d] > p.referral_threshold or d == crisis):
            urgent = d == crisis or c_priority[i] == 1
            n_ref = _refer(i, d, t, prov, urgent, nbh, c_support, c_ref_week, c_ref_provider, pstate, p_start,
                           ref_res, ref_dom, ref_pri, n_ref, referrals_out)
        else:
            hazard[i, d] = 0.0  # advice only: the problem stays with the resident
            outcome = 2
        c_domains[i] |= 1 << d
        c_start[i] = t
        c_state[i] = C_NONE
        closed[n_closed] = i
        closed_outcome[n_closed] = outcome
        n_closed += 1
        loket_out[nbh[i]] += 1
    return n_ref, n_closed


@njit(cache=True)
def _single_latent(i, pstate):
    """The domain of resident i's only unknown problem, or -1 if there are none or several."""
    found = -1
    for d in range(pstate.shape[1]):
        if pstate[i, d] == P_LATENT:
            if found >= 0:
                return -1
            found = d
    return found
