"""Agents of the pure-Mesa reference: one Python object per resident, household, member.

Each agent holds its own state as attributes and acts in short methods, the way Mesa's
examples write agents. The arithmetic is the model's rules (`sim.core.rules`) called as
plain Python (`py_func`), so this is an executable specification of what the kernels do.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim.core import rules
from sim.core.state import NO_WEEK
from sim.domains import (
    AGE_MINOR,
    AGE_YOUNG_ADULT,
    CARE,
    DIRECT_REFERRAL,
    DOMAIN_PROVIDER,
    OUT_GAVE_UP,
    OUT_HANDED_OVER,
    OUT_MANAGEABLE,
    OUT_RESOLVED,
    P_KNOWN,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_SPECIALIST,
    P_WAIT_SPECIALIST,
    ROUTE_PARTNER,
    SUPPORT_INFORMAL,
    SUPPORT_PROVISION,
    SUPPORT_SPECIALIST,
    YOUTH,
)

R = {name: getattr(rules, name).py_func for name in (
    "weeks_until_event", "onset_severity", "aggravate", "pick_domain", "course", "route_hazards", "is_signalled",
    "direct_hazard", "pick_signal", "is_safety_case", "problem_burden", "capacity", "strain_update", "is_crisis",
    "informal_demand", "informal_week", "carer_params", "free_slots", "hours_split", "outreach_rate", "worse_than",
    "member_choice", "casework_action", "counter_action", "keeps_case_open", "case_closes", "elsewhere", "case_outcome",
    "extra_coordination", "group_of", "provision_kind", "crisis_payer", "admission", "plan_end", "patience_end",
    "leaves_queue", "provision_start")}
PROVISION_KIND = R["provision_kind"]


@dataclass
class Problem:
    """One problem of a resident in one domain."""

    state: int
    sev: float
    onset: int
    resolve: int
    threshold: float
    hazard: float = 0.0
    start: int = NO_WEEK
    until: int = NO_WEEK


@dataclass
class Case:
    """A resident's episode with the team, from signal to closure."""

    case_id: int
    route: int
    priority: int
    queued: int
    onset: int
    sev: float
    domains: int
    leave: int  # last week the resident keeps waiting (rules.patience_end)
    member: TeamMember | None = None
    start: int = NO_WEEK
    close_after: int = NO_WEEK  # week from which the case may close (rules.plan_end)
    support: int = 0


class Resident(mesa.Agent):
    """A resident with problems by domain, own resilience and help seeking, and maybe a case."""

    def __init__(self, model, row: int, nbh: int, age: int, group: int, resilience: float, help_seek: float):
        """Create a resident without problems; the first onset is drawn by the model."""
        super().__init__(model)
        self.row, self.nbh, self.age, self.group = row, nbh, age, group
        self.resilience, self.help_seek = resilience, help_seek
        self.household: Household | None = None
        self.problems: dict[int, Problem] = {}
        self.next_onset = 0
        self.strain = 0.0
        self.deficit = -resilience
        self.inf_hours = 0.0
        self.urgent = False
        self.crisis_domain = -1
        self.case: Case | None = None
        self.in_casework = False
        self.patience = self.follow_up = 0.0  # Exp(1) draws renewed at each onset (float32, as in the core)

    def onset(self, t: int) -> None:
        """A new problem (or a deeper one) if this is the resident's onset week."""
        if self.next_onset != t:
            return
        m, p = self.model, self.model.p
        rates, total = m.group_rates[self.group], m.group_total[self.group]
        d = R["pick_domain"](rates, total, m.streams["onset"].random())
        s0 = R["onset_severity"](p.sev_low[d], p.sev_high[d], m.streams["onset"].random())
        self.next_onset = t + R["weeks_until_event"](total, m.streams["onset"].exponential())
        e = m.streams["threshold"].exponential()
        r = R["weeks_until_event"](p.resolve_rate[d], m.streams["resolution"].exponential())
        if p.leave_rate > 0.0:
            self.patience = np.float32(m.streams["patience"].exponential())
        if p.follow_up_weeks > 0.0:
            self.follow_up = np.float32(m.streams["follow_up"].exponential())
        m.week_counts["onsets"][d] += 1
        if d in self.problems:
            self.problems[d].sev = R["aggravate"](self.problems[d].sev, s0, p.aggravation)
        else:
            self.problems[d] = Problem(P_LATENT, s0, t, t + r, e)

    def signal(self, t: int, reach: float) -> None:
        """Accumulate signal hazard; open a case when a problem is signalled or after a crisis."""
        if not self.problems:
            return
        if self.in_casework:
            self.reveal()
            self.urgent = False
            return
        if self.case is not None:  # queued
            if self.urgent:
                self.case.priority, self.urgent = 1, False
            return
        p, route = self.model.p, -1
        self_rate = p.self_rate * self.help_seek
        informal_rate = p.informal_rate if self.household.carers > 0 else 0.0
        for d in sorted(self.problems):
            prob = self.problems[d]
            if prob.state != P_LATENT:
                continue
            h = R["route_hazards"](prob.sev, self_rate, informal_rate, p.partner_rate[d], reach, p.network_rate)
            total = h[0] + h[1] + h[2] + h[3] + h[4]
            h_direct = R["direct_hazard"](prob.sev, self.age <= AGE_YOUNG_ADULT, d == YOUTH, p.direct_rate)
            prob.hazard += total + h_direct
            if route < 0 and R["is_signalled"](p.immediate_signal, prob.hazard, prob.threshold):
                route = R["pick_signal"](h, total, h_direct, self.model.streams["route"].random())
                if route == DIRECT_REFERRAL:
                    self.refer_direct(d, prob, t)
                    route = -1
        if self.urgent:
            route = ROUTE_PARTNER
        if route >= 0:
            self.open_case(t, route)

    def refer_direct(self, d: int, prob: Problem, t: int) -> None:
        """A GP or medical specialist refers the problem straight to youth care: no team case, no municipal check."""
        prob.state, prob.start = P_WAIT_SPECIALIST, t
        self.model.providers[DOMAIN_PROVIDER[d]].waiting.append((self, d, t, 0, t))
        self.model.week_counts["direct_referrals"] += 1

    def reveal(self) -> None:
        """At the kitchen table the team sees every problem, new ones included."""
        for d, prob in self.problems.items():
            if prob.state == P_LATENT:
                prob.state = P_KNOWN
                self.case.domains |= 1 << d

    def open_case(self, t: int, route: int) -> None:
        """Enter the intake queue."""
        latent = {d: q for d, q in self.problems.items() if q.state == P_LATENT}
        youth = latent.get(YOUTH)
        safety = R["is_safety_case"](self.urgent, self.age == AGE_MINOR, youth is not None,
                                     youth.sev if youth is not None else 0.0, self.model.p.safety_severity)
        leave = R["patience_end"](t, self.model.p.leave_rate, float(self.patience))
        self.case = Case(self.model.new_case_id(), route, int(safety), t,
                         min([q.onset for q in latent.values()] + [t]), max([q.sev for q in latent.values()] + [0.0]),
                         sum(1 << d for d in latent), leave)
        self.urgent = False
        self.model.week_counts["signals"][route] += 1

    def live_week(self, t: int) -> None:
        """One week of every problem's course, then burden against capacity and escalation."""
        p = self.model.p
        if not self.problems:
            if self.strain > 0.0:
                self.strain = R["strain_update"](self.strain, 0.0, self.resilience, p.strain_memory)
            return
        known = sum(q.state == P_KNOWN for q in self.problems.values())
        demand = sum(R["informal_demand"](q.sev, p.informal_fit[d], 1.0) for d, q in self.problems.items())
        member = self.case.member if self.in_casework else None
        case_hours = member.case_hours / known if member is not None and known > 0 else 0.0
        burden, worst = 0.0, -1
        for d in sorted(self.problems):
            prob = self.problems[d]
            hours = 0.0
            if prob.state == P_KNOWN:
                hours = case_hours * (p.discipline_match if member.discipline == p.domain_discipline[d] else 1.0)
            share = R["informal_demand"](prob.sev, p.informal_fit[d], 1.0) / demand if demand > 0 else 0.0
            if not self.course(d, prob, t, hours, self.inf_hours * share):
                del self.problems[d]
                continue
            relief = 0.0
            if prob.state == P_PROVISION and t >= prob.start:
                relief = p.provision_relief[PROVISION_KIND(self.age)]
            burden += R["problem_burden"](prob.sev, p.burden_weight[d], relief)
            if R["worse_than"](prob.sev, worst, self.problems[worst].sev if worst >= 0 else 0.0):
                worst = d
        cap = R["capacity"](self.resilience, self.inf_hours, p.capacity_per_hour)
        self.deficit = burden - cap
        self.strain = R["strain_update"](self.strain, burden, cap, p.strain_memory)
        if worst >= 0 and R["is_crisis"](self.strain, p.crisis_threshold):
            self.escalate(worst)

    def course(self, d: int, prob: Problem, t: int, team_hours: float, informal_hours: float) -> bool:
        """One week of one problem by the course rule; False when it ends."""
        p = self.model.p
        prov = DOMAIN_PROVIDER[d]
        effects = (p.growth[d], p.team_effect[d], p.informal_effect, p.resolved_below,
                   p.treatment_effect[prov] if prov >= 0 else 0.0)
        state, prob.sev, done = R["course"](prob.state, prob.sev, t, (prob.resolve, prob.start, prob.until),
                                            self.in_casework, team_hours, informal_hours, effects)
        if done:
            self.model.providers[prov].in_treatment -= 1
        if state == P_NONE:
            return False
        if state != prob.state:  # back from treatment: unknown again from this week, signalling afresh
            prob.hazard, prob.onset = 0.0, t
        prob.state = state
        return True

    def escalate(self, worst: int) -> None:
        """A crisis: signal at once with priority; the worst problem needs specialist care."""
        counts = self.model.week_counts
        self.strain, self.urgent, self.crisis_domain = 0.0, True, worst
        counts["crises"] += 1
        counts["crisis_payer"][R["crisis_payer"](self.age, worst)] += 1
        if worst == YOUTH and self.age == AGE_MINOR:
            counts["child_protection"] += 1

    def casework(self, t: int) -> None:
        """The coordinator refers, grants provisions, and closes the case when done."""
        m, p = self.model, self.model.p
        if p.service_exponential:
            if m.streams["durations"].random() < p.service_rate:
                self.problems.clear()
                self.close(t, OUT_RESOLVED)
            return
        crisis, self.crisis_domain = self.crisis_domain, -1
        still_open = known = False
        for d in sorted(self.problems):
            prob = self.problems[d]
            state = prob.state
            known = known or state == P_KNOWN
            action = R["casework_action"](state, prob.sev, d == crisis, DOMAIN_PROVIDER[d] >= 0, d == CARE,
                                          p.referral_threshold, p.provision_threshold, p.close_below)
            if action == rules.ACT_REFER:
                self.refer(d, prob, t, d == crisis)
            elif action == rules.ACT_GRANT:
                self.grant_provision(prob, t)
            still_open = R["keeps_case_open"](action, state, p.bridging, p.mandate_delay, t < prob.start) or still_open
        handed = any(R["elsewhere"](q.state) for q in self.problems.values())
        if not R["case_closes"](still_open, known, handed, t, self.case.close_after):
            if not any(q.state == P_KNOWN for q in self.problems.values()):  # open for contact only: bridged
                self.case.member.bridged += 1
            return
        handed = any(q.state != P_KNOWN for q in self.problems.values())
        manageable = any(q.state == P_KNOWN for q in self.problems.values())
        for prob in self.problems.values():
            if prob.state == P_KNOWN:
                prob.state, prob.hazard, prob.onset = P_LATENT, 0.0, t
        self.close(t, R["case_outcome"](handed, manageable))

    def counter(self, t: int) -> bool:
        """The counter (loket) handles a queued case with one unknown problem; False when it has several."""
        latent = [d for d in sorted(self.problems) if self.problems[d].state == P_LATENT]
        if len(latent) != 1:
            return False
        p, d = self.model.p, latent[0]
        prob = self.problems[d]
        crisis, self.crisis_domain = self.crisis_domain, -1
        action = R["counter_action"](prob.sev, d == crisis, DOMAIN_PROVIDER[d] >= 0, d == CARE, p.referral_threshold,
                                     p.provision_threshold)
        outcome = OUT_HANDED_OVER
        if action == rules.ACT_GRANT:
            self.grant_provision(prob, t)
        elif action == rules.ACT_REFER:
            self.refer(d, prob, t, d == crisis)
        else:
            prob.hazard, outcome = 0.0, OUT_MANAGEABLE  # advice only: the problem stays with the resident
        self.case.domains |= 1 << d
        self.case.start = t
        self.model.closed.append((self.case, outcome, t))
        self.case = None
        self.model.week_counts["loket"] += 1
        return True

    def refer(self, d: int, prob: Problem, t: int, crisis: bool) -> None:
        """Put a problem on a specialist provider's waiting list."""
        prov = DOMAIN_PROVIDER[d]
        prob.state, prob.start = P_WAIT_SPECIALIST, t
        provider = self.model.providers[prov]
        provider.waiting.append((self, d, t, 1 if (crisis or self.case.priority) else 0, t + provider.check_weeks))
        self.model.week_counts["referrals"][prov] += 1
        self.case.support |= SUPPORT_SPECIALIST

    def grant_provision(self, prob: Problem, t: int) -> None:
        """Grant a Wmo provision, after the mandate delay."""
        p = self.model.p
        kind = PROVISION_KIND(self.age)
        prob.state, prob.start = P_PROVISION, R["provision_start"](t, p.mandate_delay, p.hold_provisions)
        prob.until = prob.start + R["weeks_until_event"](p.provision_rate[kind],
                                                         self.model.streams["durations"].exponential())
        self.case.support |= SUPPORT_PROVISION
        self.model.week_counts["granted"][kind] += 1

    def leave_queue(self, t: int, outcome: int) -> None:
        """Leave the team's waiting list before intake: unknown problems signal afresh.

        In the queue-only check a resident who stops waiting leaves for good (Erlang A).
        """
        for prob in self.problems.values():
            if prob.state == P_LATENT:
                prob.hazard = 0.0
        if outcome == OUT_GAVE_UP and self.model.p.service_exponential:
            self.problems.clear()
        self.model.closed.append((self.case, outcome, t))
        self.case = None

    def close(self, t: int, outcome: int) -> None:
        """End the case: the member's slot frees, the household may lose its coordinator."""
        self.case.member.caseload -= 1
        self.household.open_cases -= 1
        self.model.closed.append((self.case, outcome, t))
        self.case, self.in_casework = None, False


class Household(mesa.Agent):
    """A household: its members and its informal carers (nulde lijn)."""

    def __init__(self, model, nbh: int, carers: int):
        """Create a household whose carers are all willing."""
        super().__init__(model)
        self.nbh = nbh
        self.members: list[Resident] = []
        self.carers = self.initial_carers = carers
        self.willingness = 1.0
        self.sustained = 0
        self.rejoin = NO_WEEK
        self.open_cases = 0

    def informal_care(self, t: int) -> None:
        """Carers (and volunteers for households the team works with) give what is asked."""
        m, p, counts = self.model, self.model.p, self.model.week_counts
        if self.rejoin == t:
            self.carers += 1
            self.rejoin = NO_WEEK
            if self.carers < self.initial_carers:
                self.rejoin = t + R["weeks_until_event"](p.rejoin_rate, m.streams["informal"].exponential())
        counts["carers"] += self.carers
        asked = {}
        for r in self.members:
            if r.problems:
                r.inf_hours = 0.0
                asked[r] = sum(R["informal_demand"](q.sev, p.informal_fit[d], p.hours_per_severity)
                               for d, q in r.problems.items())
        demand = sum(asked.values())
        backed = any(r.in_casework for r in self.members)
        pool = m.volunteers[self.nbh]
        given, volunteer, self.sustained, self.willingness, over, drops = R["informal_week"](
            demand, self.carers, self.willingness, self.sustained, pool.left, backed, m.carer_params)
        if demand <= 0.0:
            return
        pool.left -= volunteer
        if over:
            counts["overburdened"] += self.carers
        if drops:
            self.drop_out(t)
        counts["informal_hours"] += given
        counts["volunteer_hours"] += volunteer
        for r, wanted in asked.items():
            r.inf_hours = (given + volunteer) * wanted / demand
            if r.in_casework and r.inf_hours > 0.0:
                r.case.support |= SUPPORT_INFORMAL

    def drop_out(self, t: int) -> None:
        """The most worn carer stops; the rest carry on fresh; a replacement is scheduled."""
        p = self.model.p
        self.carers -= 1
        self.willingness, self.sustained = 1.0, 0
        if self.rejoin == NO_WEEK:
            self.rejoin = t + R["weeks_until_event"](p.rejoin_rate, self.model.streams["informal"].exponential())
        self.model.week_counts["dropouts"] += 1


class VolunteerPool(mesa.Agent):
    """Volunteer hours of one neighbourhood, refilled every week."""

    def __init__(self, model, hours: float):
        """Create a pool of `hours` per week."""
        super().__init__(model)
        self.hours = self.left = hours


class TeamMember(mesa.Agent):
    """A professional: discipline, hours, caseload cap; plans the week's hours."""

    def __init__(self, model, team: int, discipline: int, hours: float, cap: int, outreach_share: float):
        """Create a member without cases."""
        super().__init__(model)
        self.team, self.discipline, self.hours, self.cap = team, discipline, hours, cap
        self.outreach_share = outreach_share
        self.caseload = 0
        self.bridged = 0  # of the caseload, cases open for contact only (counted by last week's casework)
        self.extra = 0.0  # coordination beside other professionals in client households
        self.casework = self.coordination = self.outreach = self.case_hours = 0.0
        self.free = 0

    def plan_hours(self) -> None:
        """Cases first, outreach from what is left (or set aside first, if protected); free slots."""
        p = self.model.p
        per_case = (p.casework_per_case, p.coordination_per_case, p.bridging_per_case)
        active, target = self.caseload - self.bridged, self.hours * self.outreach_share
        self.casework, self.coordination, self.outreach = R["hours_split"](
            self.hours, active, self.bridged, per_case, target, self.extra, p.outreach_protected)
        self.case_hours = self.casework / active if active > 0 else 0.0
        self.free = R["free_slots"](self.cap, self.hours, target, p.outreach_protected, per_case, active, self.bridged)


class Provider(mesa.Agent):
    """A specialist provider: places, a waiting list (urgent first), treatment lengths."""

    def __init__(self, model, index: int, places: int | None, mean_weeks: float, check_weeks: int):
        """Create a provider with empty places (None: open-ended volume); referrals wait `check_weeks` for the check."""
        super().__init__(model)
        self.index = index
        self.revise(places, mean_weeks, check_weeks)
        self.in_treatment = 0
        self.waiting: list[tuple[Resident, int, int, int, int]] = []  # resident, domain, referred, urgent, ready

    def revise(self, places: int | None, mean_weeks: float, check_weeks: int) -> None:
        """Set the terms (as the fast model's SpecialistProvider.revise): places, treatment length, check weeks."""
        self.places, self.rate, self.check_weeks = places, 1.0 / mean_weeks, check_weeks

    def admit(self, t: int) -> None:
        """Drop referrals resolved while waiting; admit into free places (all, with open-ended volume)."""
        waiting = [w for w in self.waiting if w[1] in w[0].problems and w[0].problems[w[1]].state == P_WAIT_SPECIALIST]
        free = len(waiting) if self.places is None else self.places - self.in_treatment
        order, admitted = R["admission"](np.array([w[3] for w in waiting], np.int64),
                                         np.array([w[4] for w in waiting], np.int64), t, free)
        waiting = [waiting[k] for k in order]
        take = [waiting[k] for k in admitted]
        taken = set(admitted.tolist())
        self.waiting = [w for k, w in enumerate(waiting) if k not in taken]
        draws = self.model.streams["durations"].exponential(size=len(take))
        for (resident, d, *_), e in zip(take, draws, strict=True):
            prob = resident.problems[d]
            prob.state = P_SPECIALIST
            prob.until = t + R["weeks_until_event"](self.rate, e)
        self.in_treatment += len(take)
