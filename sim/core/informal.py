"""Kernel for informal care (nulde lijn): household carers and neighbourhood volunteers.

Carers give what the household's problems ask for, up to their hours times their
willingness. Sustained help wears willingness down (less when a professional backs the
household); a carer whose willingness runs out drops out and is replaced after a while.
Volunteers from the neighbourhood pool help households the team works with.
"""

from numba import njit

from sim.core import rules
from sim.core.casework import SUPPORT_INFORMAL
from sim.core.state import NO_WEEK
from sim.domains import C_CASEWORK, P_NONE


@njit(cache=True)
def informal_stage(t, hh_start, hh_nbh, n_active, c_state, c_inf_hours, c_support, sev, pstate, inf_hours, cg_carers,
                   cg_init, cg_will, cg_sustained, cg_rejoin, volunteer_left, p, informal_rng, informal_out,
                   volunteer_out, overburdened_out, dropout_out, carers_out):
    """One week of informal help for every household."""
    fit = p.informal_fit
    for h in range(hh_start.shape[0] - 1):
        k = hh_nbh[h]
        if cg_rejoin[h] == t:  # test here: passing the generator on every call is costly
            _rejoin(h, t, cg_carers, cg_init, cg_rejoin, p, informal_rng)
        carers_out[k] += cg_carers[h]
        demand = 0.0
        backed = False
        for i in range(hh_start[h], hh_start[h + 1]):
            if n_active[i] > 0:  # inf_hours of residents without problems is never read
                asked = 0.0
                for d in range(sev.shape[1]):
                    if pstate[i, d] != P_NONE:
                        asked += rules.informal_demand(sev[i, d], fit[d], p.hours_per_severity)
                inf_hours[i] = asked  # what the member asks for; turned into hours received below
                demand += asked
            backed = backed or c_state[i] == C_CASEWORK
        if demand <= 0.0:  # rest: willingness recovers (written only when it changes, to spare memory traffic)
            if cg_will[h] < 1.0:
                cg_will[h] = rules.caregiver_wear(cg_will[h], 0.0, 0, p.wear, p.wear_onset, p.recovery, 0.0)
            if cg_sustained[h] != 0:
                cg_sustained[h] = 0
            continue
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
        for i in range(hh_start[h], hh_start[h + 1]):  # members share by what each asks for
            if n_active[i] == 0:
                continue
            inf_hours[i] = (given + volunteer) * inf_hours[i] / demand
            if c_state[i] == C_CASEWORK and inf_hours[i] > 0.0:
                c_inf_hours[i] += inf_hours[i]
                c_support[i] |= SUPPORT_INFORMAL


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
