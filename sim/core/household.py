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
from sim.core.casework import SUPPORT_INFORMAL
from sim.core.prefetch import prefetch
from sim.core.problems import course, crisis_payer, provision_kind
from sim.core.rows import LOWEST_BIT
from sim.core.state import NO_WEEK
from sim.domains import AGE_MINOR, C_CASEWORK, P_KNOWN, P_NONE, P_PROVISION, YOUTH


@njit(cache=True, nogil=True)
def household_stage(t, hh_start, hh_nbh, nbh, age, n_active, resilience, strain, deficit, inf_hours, urgent,
                    crisis_domain, c_state, c_member, c_inf_hours, c_support, sev, pstate, p_onset, p_resolve,
                    p_start, p_until, hazard, cg_carers, cg_init, cg_will, cg_sustained, cg_rejoin, volunteer_left,
                    mem_case_hours, mem_discipline, p, informal_rng, informal_out, volunteer_out, overburdened_out,
                    dropout_out, carers_out, completions, crises_out, child_protection_out, crisis_payer_out):
    """One week of informal help and problem dynamics for every household and its members."""
    n_dom = sev.shape[1]
    fit, weight, provider, discipline = p.informal_fit, p.burden_weight, p.domain_provider, p.domain_discipline
    growth, effect, treated, relief_of = p.growth, p.team_effect, p.treatment_effect, p.provision_relief
    members = np.empty(8, np.int64)  # the household's members with a problem (grown for a larger household)
    for h in range(hh_start.shape[0] - 1):
        first, last, k = hh_start[h], hh_start[h + 1], hh_nbh[h]
        if h + 8 < hh_start.shape[0] - 1:  # the hardware misses the gaps between households with problems
            ahead = hh_start[h + 8]
            prefetch(pstate, ahead)
            prefetch(sev, ahead)
            prefetch(p_resolve, ahead)
            prefetch(p_start, ahead)
            prefetch(p_until, ahead)
        if last - first > members.shape[0]:
            members = np.empty(last - first, np.int64)
        # --- informal help: carers rejoin, give what is asked up to their willingness, wear
        if cg_rejoin[h] == t:
            _rejoin(h, t, cg_carers, cg_init, cg_rejoin, p, informal_rng)
        carers_out[k] += cg_carers[h]
        demand = 0.0
        backed = False
        n_members = 0
        for i in range(first, last):
            if n_active[i] > 0:  # inf_hours of residents without problems is never read
                asked = 0.0
                for d in range(n_dom):  # severity is 0 where there is no problem, so no test per domain
                    asked += rules.informal_demand(sev[i, d], fit[d], p.hours_per_severity)
                inf_hours[i] = asked  # what the member asks for; turned into hours received below
                demand += asked
                members[n_members] = i
                n_members += 1
            elif strain[i] > 0.0:  # dynamics of a member without problems: remembered strain fades
                strain[i] = rules.strain_update(strain[i], 0.0, resilience[i], p.strain_memory)
            backed |= c_state[i] == C_CASEWORK
        if demand <= 0.0:  # rest: willingness recovers (full willingness stays full)
            cg_will[h] = rules.caregiver_wear(cg_will[h], 0.0, 0, p.wear, p.wear_onset, p.recovery, 0.0)
            cg_sustained[h] = 0
        else:
            avail = cg_carers[h] * p.hours_per_carer
            given = min(demand, avail * cg_will[h])
            volunteer = 0.0
            if backed and volunteer_left[k] > 0.0:
                volunteer = min(demand - given, volunteer_left[k])
                volunteer_left[k] -= volunteer
            load = given / avail if avail > 0.0 else 0.0
            cg_sustained[h] = cg_sustained[h] + 1 if given > 0.0 else 0
            backing = p.backing if backed else 0.0
            cg_will[h] = rules.caregiver_wear(cg_will[h], load, cg_sustained[h], p.wear, p.wear_onset, p.recovery,
                                              backing)
            if rules.overburdened(load, cg_sustained[h], p.overburden_load, p.wear_onset):
                overburdened_out[k] += cg_carers[h]
            if cg_carers[h] > 0 and cg_will[h] < p.dropout_willingness:
                _drop_out(h, t, cg_carers, cg_will, cg_sustained, cg_rejoin, p, informal_rng)
                dropout_out[k] += 1
            informal_out[k] += given
            volunteer_out[k] += volunteer
            for j in range(n_members):  # members share by what each asks for
                i = members[j]
                inf_hours[i] = (given + volunteer) * inf_hours[i] / demand
                if c_state[i] == C_CASEWORK and inf_hours[i] > 0.0:
                    c_inf_hours[i] += inf_hours[i]
                    c_support[i] |= SUPPORT_INFORMAL
        # --- dynamics: each member's problems run their course; burden against capacity
        for j in range(n_members):
            i = members[j]
            in_case = c_state[i] == C_CASEWORK
            known = 0
            asked = 0.0
            mask = 0
            for d in range(n_dom):
                st = pstate[i, d]
                asked += rules.informal_demand(sev[i, d], fit[d], 1.0)
                known += st == P_KNOWN
                mask |= (st != P_NONE) << d
            case_hours = mem_case_hours[c_member[i]] / known if in_case and known > 0 else 0.0
            burden = 0.0
            worst = -1
            while mask:  # one turn per problem, lowest domain first
                d = LOWEST_BIT[mask]
                mask &= mask - 1
                st = pstate[i, d]
                hours = 0.0
                if st == P_KNOWN:
                    hours = case_hours * (p.discipline_match if mem_discipline[c_member[i]] == discipline[d] else 1.0)
                share = rules.informal_demand(sev[i, d], fit[d], 1.0) / asked if asked > 0 else 0.0
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


@njit(cache=True, inline="always")
def _drop_out(h, t, cg_carers, cg_will, cg_sustained, cg_rejoin, p, informal_rng):
    """The most worn carer stops; the rest carry on fresh; a replacement is scheduled."""
    cg_carers[h] -= 1
    cg_will[h] = 1.0
    cg_sustained[h] = 0
    if cg_rejoin[h] == NO_WEEK:
        cg_rejoin[h] = t + rules.weeks_until_event(p.rejoin_rate, informal_rng.exponential())


@njit(cache=True, inline="always")
def _rejoin(h, t, cg_carers, cg_init, cg_rejoin, p, informal_rng):
    """A replacement carer joins (week t is its scheduled week), until the network is whole again."""
    cg_carers[h] += 1
    cg_rejoin[h] = NO_WEEK
    if cg_carers[h] < cg_init[h]:
        cg_rejoin[h] = t + rules.weeks_until_event(p.rejoin_rate, informal_rng.exponential())
