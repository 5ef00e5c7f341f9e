"""Kernel for the household week: informal help, then the course of each member's problems.

One pass over the households does both stages of the weekly pipeline that read a
resident's problems: the household's informal hours are shared out (nulde lijn), then
each member's problems run their course while the row is still in cache. No household's
result depends on another's (volunteer hours are drawn in household order either way),
so this equals running informal care for all households and then the dynamics for all
residents.

Carers give what the household's problems ask for, up to their hours times their
willingness. Sustained help wears willingness down (less when a professional backs the
household); a carer whose willingness runs out drops out and is replaced after a while.
Volunteers from the neighbourhood pool help households the team works with.

The two parts are written out in one loop on purpose: a helper called per household or
per resident with the state arrays and the parameter tuple as arguments pays reference
counting on every array at every call, which made the week ten times slower. Helpers
called here per problem take scalars only; those that take arrays run only
on a carer's drop-out or return.

Speed comes from avoiding mispredicted branches and memory waits more than from
arithmetic: members with problems are listed first (the loops after walk only them),
a resident's domains are walked as a bit mask, and the problem rows of a household a
few ahead are prefetched.
"""

import numpy as np
from numba import njit

from sim.core import rules
from sim.core.prefetch import prefetch
from sim.core.rows import LOWEST_BIT
from sim.core.state import NO_WEEK
from sim.domains import AGE_MINOR, C_CASEWORK, P_KNOWN, P_NONE, P_PROVISION, SUPPORT_INFORMAL, YOUTH


@njit(cache=True, nogil=True)
def household_stage(t, state, staff, volunteer_left, p, informal_rng, counts):
    """One week of informal help and problem dynamics for every household and its members."""
    pe, ca, pr, hs = state.people, state.cases, state.problems, state.households
    n_dom = pr.sev.shape[1]
    fit, weight, provider, discipline = p.informal_fit, p.burden_weight, p.domain_provider, p.domain_discipline
    growth, effect, treated, relief_of = p.growth, p.team_effect, p.treatment_effect, p.provision_relief
    members = np.empty(8, np.int64)  # the household's members with a problem (grown for a larger household)
    cp = rules.carer_params(p)
    for h in range(hs.start.shape[0] - 1):
        first, last, k = hs.start[h], hs.start[h + 1], hs.nbh[h]
        if h + 8 < hs.start.shape[0] - 1:  # the hardware misses the gaps between households with problems
            ahead = hs.start[h + 8]
            prefetch(pr.state, ahead)
            prefetch(pr.sev, ahead)
            prefetch(pr.resolve, ahead)
            prefetch(pr.start, ahead)
            prefetch(pr.until, ahead)
        if last - first > members.shape[0]:
            members = np.empty(last - first, np.int64)
        # --- informal help: carers rejoin, give what is asked up to their willingness, wear
        if hs.rejoin[h] == t:
            _rejoin(h, t, hs, p, informal_rng)
        counts.carers[k] += hs.carers[h]
        demand = 0.0
        backed = False
        n_members = 0
        for i in range(first, last):
            if pe.n_active[i] > 0:  # inf_hours of residents without problems is never read
                asked = 0.0
                for d in range(n_dom):  # severity is 0 where there is no problem, so no test per domain
                    asked += rules.informal_demand(pr.sev[i, d], fit[d], p.hours_per_severity)
                pe.inf_hours[i] = asked  # what the member asks for; turned into hours received below
                demand += asked
                members[n_members] = i
                n_members += 1
            elif pe.strain[i] > 0.0:  # dynamics of a member without problems: remembered strain fades
                pe.strain[i] = rules.strain_update(pe.strain[i], 0.0, pe.resilience[i], p.strain_memory)
            backed |= ca.state[i] == C_CASEWORK
        given, volunteer, sustained, will, over, drops = rules.informal_week(
            demand, hs.carers[h], hs.willingness[h], hs.sustained[h], volunteer_left[k], backed, cp)
        hs.sustained[h] = sustained
        hs.willingness[h] = will
        if demand > 0.0:
            volunteer_left[k] -= volunteer
            if over:
                counts.overburdened[k] += hs.carers[h]
            if drops:
                _drop_out(h, t, hs, p, informal_rng)
                counts.dropouts[k] += 1
            counts.informal_hours[k] += given
            counts.volunteer_hours[k] += volunteer
            for j in range(n_members):  # members share by what each asks for
                i = members[j]
                pe.inf_hours[i] = (given + volunteer) * pe.inf_hours[i] / demand
                if ca.state[i] == C_CASEWORK and pe.inf_hours[i] > 0.0:
                    ca.inf_hours[i] += pe.inf_hours[i]
                    ca.support[i] |= SUPPORT_INFORMAL
        # --- dynamics: each member's problems run their course; burden against capacity
        for j in range(n_members):
            i = members[j]
            in_case = ca.state[i] == C_CASEWORK
            known = 0
            asked = 0.0
            mask = 0
            for d in range(n_dom):
                st = pr.state[i, d]
                asked += rules.informal_demand(pr.sev[i, d], fit[d], 1.0)
                known += st == P_KNOWN
                mask |= (st != P_NONE) << d
            case_hours = staff.case_hours[ca.member[i]] / known if in_case and known > 0 else 0.0
            burden = 0.0
            worst = -1
            while mask:  # one turn per problem, lowest domain first
                d = LOWEST_BIT[mask]
                mask &= mask - 1
                st = pr.state[i, d]
                hours = 0.0
                if st == P_KNOWN:
                    fits = staff.discipline[ca.member[i]] == discipline[d]
                    hours = case_hours * (p.discipline_match if fits else 1.0)
                share = rules.informal_demand(pr.sev[i, d], fit[d], 1.0) / asked if asked > 0 else 0.0
                te = treated[provider[d]] if provider[d] >= 0 else 0.0
                weeks = (pr.resolve[i, d], pr.start[i, d], pr.until[i, d])
                effects = (growth[d], effect[d], p.informal_effect, p.resolved_below, te)
                informal = pe.inf_hours[i] * share
                new_st, s, done = rules.course(st, pr.sev[i, d], t, weeks, in_case, hours, informal, effects)
                if done:
                    counts.completions[provider[d]] += 1
                if new_st == P_NONE:
                    pe.n_active[i] -= 1
                elif new_st != st:  # back from treatment: unknown again from this week, signalling afresh
                    pr.hazard[i, d] = 0.0
                    pr.onset[i, d] = t
                pr.state[i, d] = new_st
                pr.sev[i, d] = s
                if new_st == P_NONE:
                    continue
                running = new_st == P_PROVISION and t >= pr.start[i, d]
                relief = relief_of[rules.provision_kind(pe.age[i])] if running else 0.0
                burden += rules.problem_burden(s, weight[d], relief)
                if rules.worse_than(s, worst, pr.sev[i, worst]):  # sev[i, -1] is read but not used when worst < 0
                    worst = d
            cap = rules.capacity(pe.resilience[i], pe.inf_hours[i], p.capacity_per_hour)
            pe.deficit[i] = burden - cap
            pe.strain[i] = rules.strain_update(pe.strain[i], burden, cap, p.strain_memory)
            if worst >= 0 and rules.is_crisis(pe.strain[i], p.crisis_threshold):
                pe.strain[i] = 0.0
                pe.urgent[i] = 1
                pe.crisis_domain[i] = worst
                counts.crises[pe.nbh[i]] += 1
                counts.crisis_payer[pe.nbh[i], rules.crisis_payer(pe.age[i], worst)] += 1
                if worst == YOUTH and pe.age[i] == AGE_MINOR:
                    counts.child_protection[pe.nbh[i]] += 1


@njit(cache=True, inline="always")
def _drop_out(h, t, hs, p, informal_rng):
    """The most worn carer stops; the rest carry on fresh; a replacement is scheduled."""
    hs.carers[h] -= 1
    hs.willingness[h] = 1.0
    hs.sustained[h] = 0
    if hs.rejoin[h] == NO_WEEK:
        hs.rejoin[h] = t + rules.weeks_until_event(p.rejoin_rate, informal_rng.exponential())


@njit(cache=True, inline="always")
def _rejoin(h, t, hs, p, informal_rng):
    """A replacement carer joins (week t is its scheduled week), until the network is whole again."""
    hs.carers[h] += 1
    hs.rejoin[h] = NO_WEEK
    if hs.carers[h] < hs.carers_start[h]:
        hs.rejoin[h] = t + rules.weeks_until_event(p.rejoin_rate, informal_rng.exponential())
