"""Kernels for the team's work.

Planning hours, assigning queued cases, and casework decisions (referral, provisions, closure) for every open case.

The Mesa team decides the order of the queue (triage) and owns the members; these
kernels do the per-case arithmetic over arrays.
"""

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.core import rules
from sim.core.prefetch import prefetch
from sim.core.signals import reveal
from sim.domains import (
    C_CASEWORK,
    C_NONE,
    C_QUEUED,
    CARE,
    OUT_GAVE_UP,
    OUT_HANDED_OVER,
    OUT_MANAGEABLE,
    OUT_RESOLVED,
    OUT_RESOLVED_WAITING,
    P_KNOWN,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_WAIT_SPECIALIST,
    SUPPORT_PROVISION,
    SUPPORT_SPECIALIST,
    SUPPORT_TEAM,
)


class Handover(NamedTuple):
    """Room for what a casework kernel hands back: referrals to providers and closed cases."""

    resident: np.ndarray  # referred resident
    domain: np.ndarray  # referred problem's domain
    urgent: np.ndarray  # 1 = urgent referral (crisis or safety case)
    closed: np.ndarray  # resident whose case closed
    outcome: np.ndarray  # that case's sim.domains.OUTCOMES index


def handover_room(n: int) -> Handover:
    """Empty handover arrays with room for n referrals and n closures."""
    return Handover(*(np.empty(n, np.int64) for _ in Handover._fields))


@njit(cache=True, nogil=True)
def plan_hours(staff, p):
    """Each member's hours this week, casework hours per active case and free case slots.

    A member's bridged cases (counted by last week's casework) take contact hours only;
    the other cases are active and share the casework hours.
    """
    per_case = (p.casework_per_case, p.coordination_per_case, p.bridging_per_case)
    for m in range(staff.hours.shape[0]):
        active, bridged = staff.caseload[m] - staff.bridged[m], staff.bridged[m]
        target = staff.hours[m] * staff.outreach_share[m]
        cw, co, out = rules.hours_split(staff.hours[m], active, bridged, per_case, target, staff.extra[m],
                                        p.outreach_protected)
        staff.casework[m] = cw
        staff.coordination[m] = co
        staff.outreach[m] = out
        staff.case_hours[m] = cw / active if active > 0 else 0.0
    refresh_free(staff, p)


@njit(cache=True, nogil=True)
def refresh_free(staff, p):
    """Each member's free case slots now: after the cases closed and bridged since the last hour plan."""
    per_case = (p.casework_per_case, p.coordination_per_case, p.bridging_per_case)
    for m in range(staff.hours.shape[0]):
        target = staff.hours[m] * staff.outreach_share[m]
        staff.free[m] = rules.free_slots(staff.cap[m], staff.hours[m], target, p.outreach_protected, per_case,
                                         staff.caseload[m] - staff.bridged[m], staff.bridged[m])


@njit(cache=True, nogil=True)
def crowding(s, staff, p):
    """Each member's extra coordination: per case, hours for every other professional in the household."""
    hh_start, hh_cases = s.households.start, s.households.cases
    c_state, c_member = s.cases.state, s.cases.member
    mem_extra = staff.extra
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
        extra = rules.extra_coordination(distinct, p.extra_coordination)
        for i in range(first, last):
            if c_state[i] == C_CASEWORK:
                mem_extra[c_member[i]] += extra


@njit(cache=True, inline="always")
def _seen_before(i, first, c_state, c_member):
    """Whether an earlier member of the household has the same professional as resident i."""
    for j in range(first, i):
        if c_state[j] == C_CASEWORK and c_member[j] == c_member[i]:
            return True
    return False


@njit(cache=True, inline="always")
def _household_coordinator(first, last, team, c_state, c_member, mem_team):
    """The member of `team` already in casework with someone of this household, or -1."""
    for j in range(first, last):
        if c_state[j] == C_CASEWORK and mem_team[c_member[j]] == team:
            return c_member[j]
    return -1


@njit(cache=True, inline="always")
def _worst_latent(i, sev, pstate):
    """The domain of resident i's most severe unknown problem, or -1."""
    worst = -1
    for d in range(sev.shape[1]):
        if pstate[i, d] == P_LATENT and rules.worse_than(sev[i, d], worst, sev[i, worst]):
            worst = d
    return worst


@njit(cache=True, nogil=True)
def assign_cases(t, order, s, staff, routing, p, counts):
    """Give queued residents, in triage order, to a member with a free slot.

    With one family, one plan, a household already in casework with this team keeps its coordinator.
    Otherwise the member whose discipline fits the worst problem is preferred. Each team's
    free slots are counted, so a long queue before a full team costs no search of its members.
    A case that starts gets the length of its plan (rules.plan_end, from the resident's follow-up draw).
    """
    pe, ca, pr, hs = s.people, s.cases, s.problems, s.households
    team_first = routing.team_first
    team_free = _free_slots(team_first, staff.free)
    n = order.shape[0]
    for k in range(n):  # the queue's residents lie scattered over the tables: fetch their rows ahead
        if k + 32 < n:
            prefetch(pe.hh, order[k + 32])
        if k + 16 < n:
            ahead = order[k + 16]
            prefetch(ca.state, ahead)
            prefetch(pe.nbh, ahead)
            prefetch(pe.age, ahead)
            prefetch(hs.cases, pe.hh[ahead])
        i = order[k]
        if ca.state[i] != C_QUEUED:  # handled by the counter this week
            continue
        if p.route_by_discipline:  # the team (or organisation) that takes the case
            worst = _worst_latent(i, pr.sev, pr.state)
            team = routing.discipline_team[p.domain_discipline[worst] if worst >= 0 else 0]
        else:
            team = routing.nbh_team[pe.nbh[i], rules.group_of(pe.age[i])]
        m = -1
        h = pe.hh[i]
        if p.one_family_one_plan and hs.cases[h] > 0:
            m = _household_coordinator(hs.start[h], hs.start[h + 1], team, ca.state, ca.member, staff.team)
        if m < 0 and team_free[team] > 0:
            m = _pick_member(i, pr.sev, pr.state, team_first[team], team_first[team + 1], staff.free,
                             staff.discipline, p)
        if m < 0:
            continue
        if staff.free[m] > 0:  # a coordinator may take a family member beyond a full caseload
            team_free[team] -= 1
        ca.state[i] = C_CASEWORK
        ca.member[i] = m
        ca.start[i] = t
        ca.close_after[i] = rules.plan_end(t, p.min_case_weeks, p.follow_up_weeks, pe.follow_up[i])
        ca.support[i] |= SUPPORT_TEAM
        reveal(i, pr.state, ca.domains)
        staff.caseload[m] += 1
        staff.free[m] -= 1
        hs.cases[h] += 1
        counts.intakes[pe.nbh[i]] += 1
        counts.wait_weeks[pe.nbh[i]] += t - ca.queue[i]


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
        choice = rules.member_choice(mem_free[m], mem_discipline[m], want, mem_free[best] if best >= 0 else -1)
        if choice == rules.MEMBER_TAKE:
            return m
        if choice == rules.MEMBER_BEST:
            best = m
    return best


@njit(cache=True, nogil=True)
def casework_stage(t, rows, s, staff, p, durations_rng, out, counts):
    """Refer, grant provisions and close cases; returns (referrals made, cases closed).

    `rows` lists every resident with a case (and others), in row order. The cases are
    listed first; their rows lie scattered over the problem table, so each is fetched a
    few cases ahead while the one in hand is worked on. Referrals and closures go to `out`.
    """
    pe, ca, pr = s.people, s.cases, s.problems
    staff.bridged[:] = 0  # counted afresh below, for next week's hour plan
    cases = np.empty(rows.shape[0], np.int64)
    n_cases = 0
    for i in rows:
        cases[n_cases] = i
        n_cases += ca.state[i] == C_CASEWORK  # only resident i's own case changes below
    n_ref = 0
    n_closed = 0
    for j in range(n_cases):
        if j + 16 < n_cases:
            ahead = cases[j + 16]
            prefetch(pr.state, ahead)
            prefetch(pr.sev, ahead)
            prefetch(pe.crisis_domain, ahead)
            prefetch(ca.start, ahead)
        i = cases[j]
        if p.service_exponential:  # queue-only mode: memoryless service, nothing else
            if durations_rng.random() < p.service_rate:
                _serve_all(i, pr.sev, pr.state, pe.n_active)
                n_closed = _close(i, OUT_RESOLVED, s, staff, out, n_closed)
            continue
        crisis = pe.crisis_domain[i]
        pe.crisis_domain[i] = -1
        still_open = False
        known = False
        handed = False  # a problem is with care elsewhere after this week's referrals and grants
        working = False  # a known problem is left to work on after this week's referrals and grants
        for d in range(pr.sev.shape[1]):
            st = pr.state[i, d]
            known |= st == P_KNOWN
            prov = p.domain_provider[d]
            action = rules.casework_action(st, pr.sev[i, d], d == crisis, prov >= 0, d == CARE, p.referral_threshold,
                                           p.provision_threshold, p.close_below)
            if action == rules.ACT_REFER:
                _refer(i, d, t, prov, s, counts.referrals)
                n_ref = _list_referral(out, n_ref, i, d, d == crisis or ca.priority[i] == 1)
            elif action == rules.ACT_GRANT:
                _grant(i, d, t, s, p, durations_rng, counts.provisions_granted)
            still_open |= rules.keeps_case_open(action, st, p.bridging, p.mandate_delay, t < pr.start[i, d])
            working |= pr.state[i, d] == P_KNOWN
            handed |= rules.elsewhere(pr.state[i, d])
        if not rules.case_closes(still_open, known, handed, t, ca.close_after[i]):
            staff.bridged[ca.member[i]] += not working  # open for contact only: a bridged case
            continue
        outcome = _outcome(i, pr.state)
        _hand_back(i, t, pr)
        n_closed = _close(i, outcome, s, staff, out, n_closed)
    return n_ref, n_closed


@njit(cache=True, inline="always")
def _refer(i, d, t, prov, s, referrals_out):
    """Refer problem (i, d) to provider `prov`: it waits from week t; the case notes its first referral."""
    ca, pr = s.cases, s.problems
    pr.state[i, d] = P_WAIT_SPECIALIST
    pr.start[i, d] = t
    referrals_out[s.people.nbh[i], prov] += 1
    ca.support[i] |= SUPPORT_SPECIALIST
    if ca.ref_provider[i] < 0:
        ca.ref_week[i] = t
        ca.ref_provider[i] = prov


@njit(cache=True, inline="always")
def _list_referral(out, n_ref, i, d, urgent):
    """List a referral for the provider's waiting list; returns the new number listed."""
    out.resident[n_ref] = i
    out.domain[n_ref] = d
    out.urgent[n_ref] = 1 if urgent else 0
    return n_ref + 1


@njit(cache=True, inline="always")
def _grant(i, d, t, s, p, durations_rng, provisions_out):
    """Grant a Wmo provision for problem (i, d), starting after the mandate delay."""
    pr = s.problems
    kind = rules.provision_kind(s.people.age[i])
    pr.state[i, d] = P_PROVISION
    pr.start[i, d] = rules.provision_start(t, p.mandate_delay, p.hold_provisions)
    pr.until[i, d] = pr.start[i, d] + rules.weeks_until_event(p.provision_rate[kind], durations_rng.exponential())
    s.cases.support[i] |= SUPPORT_PROVISION
    provisions_out[s.people.nbh[i], kind] += 1


@njit(cache=True, inline="always")
def _close(i, outcome, s, staff, out, n_closed):
    """End resident i's team case with this outcome: free the member's slot; returns the new number closed."""
    ca = s.cases
    out.closed[n_closed] = i
    out.outcome[n_closed] = outcome
    ca.state[i] = C_NONE
    staff.caseload[ca.member[i]] -= 1  # its slot is free at the next intake (refresh_free)
    s.households.cases[s.people.hh[i]] -= 1
    return n_closed + 1


@njit(cache=True, inline="always")
def _serve_all(i, sev, pstate, n_active):
    """Queue-only mode: a finished service ends every problem of the resident."""
    for d in range(sev.shape[1]):
        sev[i, d] = 0.0
        pstate[i, d] = P_NONE
    n_active[i] = 0


@njit(cache=True, inline="always")
def _hand_back(i, t, pr):
    """Problems the team leaves at a manageable level go back to the resident's own hands.

    From now on they are unknown again: signalling starts afresh, counted from this week.
    """
    for d in range(pr.state.shape[1]):
        if pr.state[i, d] == P_KNOWN:
            pr.state[i, d] = P_LATENT
            pr.onset[i, d] = t
            pr.hazard[i, d] = 0.0


@njit(cache=True, inline="always")
def _outcome(i, pstate):
    """How a case ends: resolved (nothing left), handed over (specialist care, provision), or left manageable."""
    handed = False
    manageable = False
    for d in range(pstate.shape[1]):
        if pstate[i, d] == P_KNOWN:
            manageable = True
        elif pstate[i, d] != P_NONE:
            handed = True
    return rules.case_outcome(handed, manageable)


@njit(cache=True, nogil=True)
def loket_stage(t, order, s, p, durations_rng, out, counts):
    """The counter (loket) handles queued single-problem cases without team casework.

    It grants a Wmo provision or refers to the provider when the problem is severe enough
    or escalated to crisis (safety cases and crises referred urgently, as by the team), and
    otherwise gives advice only (the problem stays with the resident). Returns
    (referrals made, cases closed).
    """
    pe, ca, pr = s.people, s.cases, s.problems
    n_ref = 0
    n_closed = 0
    for k in range(order.shape[0]):
        i = order[k]
        d = _single_latent(i, pr.state)
        if d < 0:
            continue
        prov = p.domain_provider[d]
        crisis = pe.crisis_domain[i]
        pe.crisis_domain[i] = -1
        outcome = OUT_HANDED_OVER
        action = rules.counter_action(pr.sev[i, d], d == crisis, prov >= 0, d == CARE, p.referral_threshold,
                                      p.provision_threshold)
        if action == rules.ACT_GRANT:
            _grant(i, d, t, s, p, durations_rng, counts.provisions_granted)
        elif action == rules.ACT_REFER:
            _refer(i, d, t, prov, s, counts.referrals)
            n_ref = _list_referral(out, n_ref, i, d, d == crisis or ca.priority[i] == 1)
        else:
            pr.hazard[i, d] = 0.0  # advice only: the problem stays with the resident
            outcome = OUT_MANAGEABLE
        ca.domains[i] |= 1 << d
        ca.start[i] = t
        ca.state[i] = C_NONE
        out.closed[n_closed] = i
        out.outcome[n_closed] = outcome
        n_closed += 1
        counts.loket[pe.nbh[i]] += 1
    return n_ref, n_closed


@njit(cache=True, inline="always")
def _single_latent(i, pstate):
    """The domain of resident i's only unknown problem, or -1 if there are none or several."""
    found = -1
    for d in range(pstate.shape[1]):
        if pstate[i, d] == P_LATENT:
            if found >= 0:
                return -1
            found = d
    return found


@njit(cache=True, nogil=True)
def leave_resolved(queue, s, out, counts):
    """Residents on the team's waiting list whose problems all resolved leave it; returns how many, listed in `out`."""
    ca, pe = s.cases, s.people
    n = 0
    for i in queue:
        if ca.state[i] == C_QUEUED and pe.n_active[i] == 0:
            n = _leave(i, OUT_RESOLVED_WAITING, s, out, n)
            counts.left_resolved[pe.nbh[i]] += 1
    return n


@njit(cache=True, nogil=True)
def give_up(t, queue, s, p, out, counts):
    """Residents still waiting after intake whose patience ran out leave the list; returns how many, listed in `out`.

    They found help elsewhere or gave up: their problems stay unknown to the team and
    signalling starts afresh. In the queue-only check they leave for good (their problem is
    handled elsewhere), as the Erlang A queue assumes.
    """
    ca, pe, pr = s.cases, s.people, s.problems
    n = 0
    for i in queue:
        if ca.state[i] == C_QUEUED and rules.leaves_queue(t, ca.leave[i], ca.priority[i]):
            n = _leave(i, OUT_GAVE_UP, s, out, n)
            counts.gave_up[pe.nbh[i]] += 1
            if p.service_exponential:
                _serve_all(i, pr.sev, pr.state, pe.n_active)
    return n


@njit(cache=True, inline="always")
def _leave(i, outcome, s, out, n_closed):
    """Resident i leaves the waiting list: the case ends before intake; returns the new number closed."""
    s.cases.state[i] = C_NONE
    for d in range(s.problems.state.shape[1]):
        if s.problems.state[i, d] == P_LATENT:
            s.problems.hazard[i, d] = 0.0
    out.closed[n_closed] = i
    out.outcome[n_closed] = outcome
    return n_closed + 1
