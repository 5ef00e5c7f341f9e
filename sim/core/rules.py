"""The model's rules, each one small scalar function: the single source of truth.

The Numba kernels compile these; the pure-Python reference calls `rule.py_func`.
Numbers come in as arguments (from the scenario), never as constants here.
"""

import math

from numba import njit

NEVER = 2**30  # a week number later than any run


@njit(cache=True)
def weeks_until_event(rate_per_week, exp_draw):
    """Whole weeks (>= 1) until a Poisson event of this weekly rate, from an Exp(1) draw."""
    if rate_per_week <= 0.0:
        return NEVER
    weeks = math.ceil(exp_draw / rate_per_week)
    return max(1, min(weeks, NEVER))


@njit(cache=True)
def onset_severity(low, high, uniform_draw):
    """Severity of a new problem, uniform between the domain's low and high."""
    return low + (high - low) * uniform_draw


@njit(cache=True)
def aggravate(severity, onset_sev, aggravation):
    """A new onset in a domain that already has a problem deepens it (capped at 1)."""
    return min(1.0, severity + aggravation * onset_sev)


@njit(cache=True)
def untreated_growth(severity, growth_per_week):
    """Logistic worsening of a problem nobody acts on (draaglast grows)."""
    return min(1.0, severity + growth_per_week * severity * (1.0 - severity))


@njit(cache=True)
def support_effect(severity, hours, effect_per_hour):
    """Severity after a week of support: each hour removes a share of what is left."""
    if hours <= 0.0:
        return severity
    return severity * math.exp(-effect_per_hour * hours)


@njit(cache=True)
def treatment_outcome(severity, effect):
    """Severity after a completed specialist treatment."""
    return severity * (1.0 - effect)


@njit(cache=True)
def signal_hazard(severity, route_rate):
    """Weekly hazard that a problem is signalled through one route: worse is more visible."""
    return route_rate * severity


@njit(cache=True)
def outreach_rate(outreach_per_hour_per_1000, outreach_hours, residents):
    """Weekly outreach signal rate per unit severity from the outreach hours actually spent."""
    if residents <= 0:
        return 0.0
    return outreach_per_hour_per_1000 * outreach_hours * 1000.0 / residents


@njit(cache=True)
def problem_burden(severity, weight, relief):
    """Burden (draaglast) a problem adds, less the relief a provision gives."""
    return weight * severity * (1.0 - relief)


@njit(cache=True)
def capacity(resilience, informal_hours, capacity_per_hour):
    """Capacity (draagkracht): own resilience plus informal support received."""
    return resilience + capacity_per_hour * informal_hours


@njit(cache=True)
def strain_update(strain, burden, cap, memory):
    """Strain remembers past weeks (share `memory`) and adds this week's deficit."""
    return memory * strain + max(0.0, burden - cap)


@njit(cache=True)
def is_crisis(strain, threshold):
    """A sustained deficit escalates to crisis once strain passes the threshold."""
    return strain > threshold


@njit(cache=True)
def informal_demand(severity, fit, hours_per_severity):
    """Weekly hours of informal help a problem asks for, by how well such help fits it."""
    return fit * severity * hours_per_severity


@njit(cache=True)
def caregiver_wear(willingness, load, sustained_weeks, wear, wear_onset, recovery, backing):
    """Willingness after a week: sustained load wears it (less with professional backing).

    One-off help costs nothing: wear grows in over `wear_onset` weeks of continuous help.
    """
    if load <= 0.0:
        return willingness + recovery * (1.0 - willingness)
    ramp = min(1.0, sustained_weeks / wear_onset)
    return max(0.0, willingness - wear * load * ramp * (1.0 - backing))


@njit(cache=True)
def overburdened(load, sustained_weeks, overburden_load, wear_onset):
    """A carer is overburdened under a heavy load kept up past the wear onset."""
    return load >= overburden_load and sustained_weeks >= wear_onset


@njit(cache=True)
def caseload_capacity(cap, hours_free, hours_per_case):
    """Cases a professional can carry: the cap, or what the free hours allow if fewer."""
    by_hours = int(hours_free / hours_per_case) if hours_per_case > 0 else cap
    return max(0, min(cap, by_hours))


@njit(cache=True)
def hours_split(total, cases, casework_per_case, coordination_per_case, outreach_target, extra_coordination):
    """Split hours: coordination and casework first, outreach gets what is left.

    Caseload pressure therefore eats outreach first; `extra_coordination` is the week's
    overhead of working beside other professionals in client households.
    Returns (casework, coordination, outreach).
    """
    coordination = min(total, cases * coordination_per_case + extra_coordination)
    casework = min(total - coordination, cases * casework_per_case)
    outreach = min(outreach_target, total - coordination - casework)
    return casework, coordination, max(0.0, outreach)
