"""The model's rules, each one small function: the single source of truth for both engines.

The Numba kernels compile these; the pure-Python reference calls `rule.py_func`. Each
decision the two engines make is one rule here (the arithmetic of a problem's course, who
signals by which route, which member takes a case, what casework does with a problem,
when a case closes, what carers give), so neither engine restates it. Numbers come in as
arguments (from the scenario), never as constants here. tests/test_rules.py runs every
rule compiled and as plain Python on the same random inputs.
"""

import math

import numpy as np
from numba import njit

from sim.domains import (
    AGE_MINOR,
    AGE_OLD,
    AGE_YOUNG_OLD,
    CARE,
    DIRECT_REFERRAL,
    GROUP_MINORS,
    GROUP_OTHERS,
    HOUSEHOLD_HELP,
    JEUGDWET,
    N_ROUTES,
    OUT_HANDED_OVER,
    OUT_MANAGEABLE,
    OUT_RESOLVED,
    P_KNOWN,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_SPECIALIST,
    P_WAIT_SPECIALIST,
    SUPPORT_AT_HOME,
    WLZ,
    ZVW,
)

NEVER = 2**30  # a week number later than any run

# What casework (or the counter) does with one problem this week.
ACT_NONE, ACT_REFER, ACT_GRANT, ACT_KEEP = range(4)
# What a team member is to a case being assigned.
MEMBER_SKIP, MEMBER_TAKE, MEMBER_BEST = range(3)


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
def hours_split(total, active, bridged, per_case, outreach_target, extra_coordination, protected):
    """Split a member's week over casework, coordination and outreach; returns the three.

    `per_case` holds the weekly hours of an active case's casework and coordination and of
    a bridged case (kept open only for contact while care elsewhere is awaited: it costs
    coordination, not casework). Cases come first and outreach gets what is left, so
    caseload pressure eats outreach first, unless the design protects outreach: then its
    hours are set aside before any case. `extra_coordination` is the week's overhead of
    working beside other professionals in client households.
    """
    casework_per_case, coordination_per_case, bridging_per_case = per_case
    kept = min(outreach_target, total) if protected else 0.0
    for_cases = total - kept
    coordination = min(for_cases, active * coordination_per_case + bridged * bridging_per_case + extra_coordination)
    casework = min(for_cases - coordination, active * casework_per_case)
    outreach = kept if protected else min(outreach_target, total - coordination - casework)
    return casework, coordination, max(0.0, outreach)


@njit(cache=True)
def free_slots(cap, total, outreach_target, protected, per_case, active, bridged):
    """Case slots a member has free: what the cap and the hours for cases allow, less the cases held.

    A bridged case takes the share of a slot that its hours are of an active case's.
    """
    casework_per_case, coordination_per_case, bridging_per_case = per_case
    active_hours = casework_per_case + coordination_per_case
    for_cases = total - (min(outreach_target, total) if protected else 0.0)
    slots = caseload_capacity(cap, for_cases, active_hours)
    held = bridged * bridging_per_case / active_hours if active_hours > 0 else 0.0
    return slots - active - math.ceil(held - 1e-9)


# ----- who people are ------------------------------------------------------------------


@njit(cache=True)
def group_of(age_band):
    """The routing group of a resident: minors, or everyone else (sim.domains.GROUPS)."""
    return GROUP_MINORS if age_band == AGE_MINOR else GROUP_OTHERS


@njit(cache=True)
def provision_kind(age_band):
    """The Wmo provision a resident gets: household help at 65 and over, support at home under 65."""
    return HOUSEHOLD_HELP if age_band >= AGE_YOUNG_OLD else SUPPORT_AT_HOME


@njit(cache=True)
def crisis_payer(age_band, domain):
    """Who pays a crisis: Jeugdwet for minors, Wlz for care crises at 75+, else Zvw."""
    if age_band == AGE_MINOR:
        return JEUGDWET
    if age_band == AGE_OLD and domain == CARE:
        return WLZ
    return ZVW


# ----- onsets and the course of a problem ----------------------------------------------


@njit(cache=True, inline="always")  # takes arrays: inlined, so a call costs no reference counting
def pick_domain(rates, total, uniform_draw):
    """The domain of an onset, chosen in proportion to a group's onset rates by domain."""
    pick = uniform_draw * total
    d = 0
    acc = rates[0]
    while acc < pick and d < rates.shape[0] - 1:
        d += 1
        acc += rates[d]
    return d


@njit(cache=True)
def course(st, s, t, weeks, in_case, team_hours, informal_hours, effects):
    """One week of one problem's course; returns (state, severity, treatment completed).

    `weeks` are the problem's (natural resolution, referral or provision start, treatment or
    provision end); `effects` are (growth, team effect, informal effect, resolved level,
    treatment effect) for its domain. In treatment nothing changes until the treatment
    ends; a running provision holds the problem until the provision ends; any other
    problem grows, responds to team and informal support, and ends at its natural
    resolution week or when it falls below the resolved level.
    """
    resolve_week, start_week, until_week = weeks
    growth, team_effect, informal_effect, resolved_below, treatment_effect = effects
    if st == P_SPECIALIST:
        if t < until_week:
            return st, s, False
        s = treatment_outcome(s, treatment_effect)
        if s < resolved_below:
            return P_NONE, 0.0, True
        return (P_KNOWN if in_case else P_LATENT), s, True
    if st == P_PROVISION and t >= start_week:
        if t >= until_week:
            return P_NONE, 0.0, False
        return st, s, False
    if t >= resolve_week:
        return P_NONE, 0.0, False
    s = untreated_growth(s, growth)
    s = support_effect(s, team_hours, team_effect)
    s = support_effect(s, informal_hours, informal_effect)
    if s < resolved_below:
        return P_NONE, 0.0, False
    return st, s, False


# ----- signals -------------------------------------------------------------------------


@njit(cache=True)
def route_hazards(s, self_rate, informal_rate, partner_rate, outreach_rate, network_rate):
    """Weekly hazard of each route (self, informal, partner, outreach, network) for a problem of severity s."""
    return (signal_hazard(s, self_rate), signal_hazard(s, informal_rate), signal_hazard(s, partner_rate),
            signal_hazard(s, outreach_rate), signal_hazard(s, network_rate))


@njit(cache=True)
def direct_hazard(s, young, youth, direct_rate):
    """Weekly hazard that a GP or medical specialist refers a young resident's youth problem straight to youth care."""
    return signal_hazard(s, direct_rate) if young and youth else 0.0


@njit(cache=True)
def pick_signal(h, total, direct, uniform_draw):
    """Where a signal goes, in proportion to the hazards: a team route (`h`, summing to `total`) or DIRECT_REFERRAL."""
    if direct > 0.0 and uniform_draw * (total + direct) >= total:
        return DIRECT_REFERRAL
    return pick_route(h, total + direct, uniform_draw)


@njit(cache=True)
def is_signalled(immediate, hazard, threshold):
    """A problem is signalled once its cumulative hazard passes its Exp(1) threshold (at once in queue-only mode)."""
    return immediate or hazard >= threshold


@njit(cache=True)
def pick_route(h, total, uniform_draw):
    """The route of a signal, chosen in proportion to the routes' hazards `h`."""
    pick = uniform_draw * total
    acc = 0.0
    for r in range(N_ROUTES):
        acc += h[r]
        if pick < acc:
            return r
    return N_ROUTES - 1


@njit(cache=True)
def is_safety_case(urgent, minor, youth_latent, youth_severity, safety_severity):
    """A case gets safety priority after a crisis, or for a minor with a severe unknown youth problem."""
    return urgent or (minor and youth_latent and youth_severity >= safety_severity)


# ----- intake --------------------------------------------------------------------------


@njit(cache=True)
def worse_than(severity, worst, worst_severity):
    """Whether a problem of this severity is the worst so far (`worst` < 0: none yet)."""
    return worst < 0 or severity > worst_severity


@njit(cache=True)
def member_choice(free, discipline, wanted, best_free):
    """What a member is to a case being assigned: skip, take at once, or the best so far.

    Skip without a free slot or with no more free slots than the best so far (`best_free` < 0:
    none yet); take at once with a free slot and the fitting discipline.
    """
    if free <= 0:
        return MEMBER_SKIP
    if discipline == wanted:
        return MEMBER_TAKE
    return MEMBER_BEST if best_free < 0 or free > best_free else MEMBER_SKIP


# ----- casework ------------------------------------------------------------------------


@njit(cache=True)
def casework_action(st, severity, crisis, has_provider, is_care, referral_threshold, provision_threshold,
                    close_below):
    """What the coordinator does with a known problem this week.

    Refer (a domain with a provider, severe or in crisis), grant a provision (care, severe
    or in crisis), keep working (not yet below `close_below`), or nothing.
    """
    if st != P_KNOWN:
        return ACT_NONE
    if has_provider and (severity > referral_threshold or crisis):
        return ACT_REFER
    if is_care and (severity > provision_threshold or crisis):
        return ACT_GRANT
    return ACT_KEEP if severity >= close_below else ACT_NONE


@njit(cache=True)
def counter_action(severity, crisis, has_provider, is_care, referral_threshold, provision_threshold):
    """What the counter (loket) does with a single problem: grant, refer, or advice only (ACT_NONE)."""
    if is_care and (severity > provision_threshold or crisis):
        return ACT_GRANT
    if has_provider and (severity > referral_threshold or crisis):
        return ACT_REFER
    return ACT_NONE


@njit(cache=True)
def keeps_case_open(action, st, bridging, mandate_delay, provision_pending):
    """Whether this problem keeps its case open: work left, a bridged referral, a provision not yet started."""
    if action == ACT_REFER:
        return bridging
    if action == ACT_GRANT:
        return mandate_delay > 0
    if action == ACT_KEEP:
        return True
    return (st == P_WAIT_SPECIALIST and bridging) or (st == P_PROVISION and provision_pending)


@njit(cache=True)
def case_closes(still_open, known, handed_over, t, close_after):
    """A case closes when nothing keeps it open and its plan is over; one handed over entirely closes at once.

    A case whose problems resolved stays open, for contact only, until its plan and follow-up
    end (rules.plan_end); one whose problems all went to specialist care or a provision is
    handed over, not followed up.
    """
    return not (still_open or ((known or not handed_over) and t < close_after))


@njit(cache=True)
def elsewhere(st):
    """Whether a problem in state `st` is with care outside the team: waiting for or in specialist care, a provision."""
    return st == P_WAIT_SPECIALIST or st == P_SPECIALIST or st == P_PROVISION


@njit(cache=True)
def plan_end(t, min_case_weeks, follow_up_weeks, exp_draw):
    """The week from which a case starting in week t may close: its minimum length, then a drawn follow-up.

    The follow-up is geometric with mean about `follow_up_weeks` (none when 0): teams keep
    a case open for a while after the plan is done, some much longer than others.
    """
    follow_up = weeks_until_event(1.0 / follow_up_weeks, exp_draw) if follow_up_weeks > 0.0 else 0
    return t + min_case_weeks + follow_up


@njit(cache=True)
def provision_start(t, mandate_delay, held):
    """The week a provision granted in week t starts: after the municipal check, or never while it is held.

    A held provision waits on the municipality's waiting list for provisions (sim.budgets); its
    start, NEVER + t, keeps the order of granting until the budget releases it.
    """
    return NEVER + t if held else t + mandate_delay


# ----- the team's waiting list ---------------------------------------------------------


@njit(cache=True)
def patience_end(t, leave_rate, exp_draw):
    """The last week a resident who joins the waiting list in week t keeps waiting (NEVER without patience).

    Leaving is a weekly hazard `leave_rate`, from the first week on: a geometric patience.
    """
    if leave_rate <= 0.0:
        return NEVER
    return t + weeks_until_event(leave_rate, exp_draw) - 1


@njit(cache=True)
def leaves_queue(t, last_week, priority):
    """Whether a resident still waiting after this week's intake stops waiting; safety cases always wait."""
    return t >= last_week and priority == 0


@njit(cache=True)
def case_outcome(handed_over, manageable):
    """How a case ends: handed over (specialist care, provision), left manageable, or resolved."""
    return OUT_HANDED_OVER if handed_over else (OUT_MANAGEABLE if manageable else OUT_RESOLVED)


@njit(cache=True)
def extra_coordination(professionals, per_professional):
    """Weekly extra coordination hours per case in a household where several professionals work."""
    return per_professional * (professionals - 1) if professionals > 1 else 0.0


# ----- informal care -------------------------------------------------------------------


@njit(cache=True)
def carer_params(p):
    """The numbers informal_week needs, as one tuple of floats: a rule called per household takes no arrays."""
    return (p.hours_per_carer, p.wear, p.wear_onset, p.recovery, p.backing, p.overburden_load, p.dropout_willingness)


@njit(cache=True)
def informal_week(demand, carers, willingness, sustained, volunteer_left, backed, cp):
    """One week of a household's carers and volunteers; `cp` is carer_params(p).

    Returns (given, volunteer, sustained weeks, willingness, overburdened, drops out).
    Carers give what is asked up to their hours times willingness; volunteers top up for
    households the team works with; sustained load wears willingness (less with backing).
    """
    hours_per_carer, wear, wear_onset, recovery, backing, overburden_load, dropout_willingness = cp
    if demand <= 0.0:  # rest: willingness recovers (full willingness stays full)
        return 0.0, 0.0, 0, caregiver_wear(willingness, 0.0, 0, wear, wear_onset, recovery, 0.0), False, False
    avail = carers * hours_per_carer
    given = min(demand, avail * willingness)
    volunteer = 0.0
    if backed and volunteer_left > 0.0:
        volunteer = min(demand - given, volunteer_left)
    load = given / avail if avail > 0.0 else 0.0
    sustained = sustained + 1 if given > 0.0 else 0
    willingness = caregiver_wear(willingness, load, sustained, wear, wear_onset, recovery, backing if backed else 0.0)
    over = overburdened(load, sustained, overburden_load, wear_onset)
    return given, volunteer, sustained, willingness, over, carers > 0 and willingness < dropout_willingness


# ----- specialist care -----------------------------------------------------------------


@njit(cache=True)
def admission(urgent, ready, t, free):
    """A provider's waiting list: its new order, and the positions in that order admitted this week.

    Urgent referrals first, otherwise in the list's order (of referral); only referrals `ready`
    (past the municipal check, or at once where no check applies) are admitted, into the `free` places.
    """
    n = urgent.shape[0]
    order = np.empty(n, np.int64)
    j = 0
    for i in range(n):
        if urgent[i] != 0:
            order[j] = i
            j += 1
    for i in range(n):
        if urgent[i] == 0:
            order[j] = i
            j += 1
    admitted = np.empty(n, np.int64)
    k = 0
    for j in range(n):
        if k < free and ready[order[j]] <= t:
            admitted[k] = j
            k += 1
    return order, admitted[:k]
