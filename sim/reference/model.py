"""The pure-Mesa reference model: the same weekly rules, one agent object per resident.

No Numba and no state arrays: residents, households, team members, volunteer pools and
providers are Mesa agents with attributes, stepped in the same stage order as
`sim.model.WijkteamModel`. Tests compare the two engines' outcomes statistically, and the
core benchmark uses this model as the speed baseline. Small populations only.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from sim import designs, population
from sim.budgets import Access, with_access
from sim.core import rules
from sim.core.params import build as build_params
from sim.core.params import onset_rates
from sim.core.streams import make_streams
from sim.designs.reorganise import reorganisation_weeks
from sim.designs.teams import coverage, members_of
from sim.domains import (
    AGE_MINOR,
    DOMAIN_PROVIDER,
    DOMAINS,
    JOURNEY,
    N_ROUTES,
    OUT_GAVE_UP,
    OUT_RESOLVED_WAITING,
    P_KNOWN,
    P_LATENT,
    P_PROVISION,
    P_SPECIALIST,
    P_WAIT_SPECIALIST,
    PAYERS,
    PROVIDERS,
    PROVISIONS,
    ROUTES,
    SUPPORT_TEAM,
    WMO,
)
from sim.reference.agents import PROVISION_KIND, Household, Provider, R, Resident, TeamMember, VolunteerPool
from sim.scenario import Scenario
from sim.tables import derive, payer_of_specialist, team_cost_per_hour

MAX_RESIDENTS = 50_000


class ReferenceTooLarge(ValueError):
    """The reference model refuses populations above MAX_RESIDENTS."""


class ReferenceUnsupported(ValueError):
    """The reference model refuses a run whose teams are rebuilt during it, or whose population changes."""


class ReferenceModel(mesa.Model):
    """One municipality under one design, every resident a Mesa agent."""

    def __init__(self, scenario: Scenario, design: str | None = None, seed: int | None = None):
        """Build residents, households, teams, pools and providers from the scenario."""
        if scenario.population > MAX_RESIDENTS:
            raise ReferenceTooLarge(f"the reference engine runs at most {MAX_RESIDENTS:,} residents; this scenario "
                                    f"has {scenario.population:,} (use the default engine)")
        self.design_name = design or scenario.meta.design
        if scenario.demography is not None:
            raise ReferenceUnsupported("the reference engine keeps a stationary population; this scenario has "
                                       "[demography] (use the default engine)")
        if weeks := reorganisation_weeks(scenario, self.design_name):
            raise ReferenceUnsupported(f"the reference engine does not rebuild teams during a run; design "
                                       f"{self.design_name!r} is reorganised in recorded week {weeks[0]} "
                                       "(use the default engine)")
        self.seed_used = scenario.meta.seed if seed is None else seed
        self.streams = make_streams(self.seed_used)
        super().__init__(rng=self.streams["mesa"])
        self.spec = scenario
        self.design = scenario.designs[self.design_name]
        self._change_weeks = {c.week for c in scenario.changes}  # recorded weeks from which scheduled changes hold
        self.p = self._base_p = build_params(scenario, self.design)
        self._access = (Access(scenario.budgets, scenario.population)
                        if scenario.budgets is not None and scenario.budgets.overspend != "report" else None)
        self._extra = (0.0, 0.0)  # stricter access now (sim.budgets)
        self._hold = False  # provisions granted now wait on the municipality's waiting list
        self.carer_params = R["carer_params"](self.p)
        self.group_rates = onset_rates(scenario, self.design)
        self.group_total = self.group_rates.sum(axis=1)
        self.residents_per_nbh = [n.residents for n in scenario.neighbourhoods]
        self._populate(population.generate(scenario, self.streams["population"]))
        self._build_teams()
        pop = len(self.residents)
        terms = [scenario.provider(k) for k in range(len(PROVIDERS))]
        self.providers = [Provider(self, k, terms[k].places_for(pop), terms[k].mean_treatment_weeks,
                                   self.design.mandate_delay_weeks) for k in range(len(PROVIDERS))]
        self.volunteers = [VolunteerPool(self, scenario.informal.volunteer_hours_per_1000 * n / 1000)
                           for n in self.residents_per_nbh]
        self.week = 0
        self.case_counter = 0
        self.closed: list = []
        self.rows: list[dict] = []
        for r in self.residents:
            r.next_onset = R["weeks_until_event"](self.group_total[r.group], self.streams["onset"].exponential())
        self.plan_hours()

    def apply_changes(self) -> None:
        """In a week from which scheduled changes hold, take that week's values (as WijkteamModel._apply_changes)."""
        week = self.week - self.spec.meta.burn_in_weeks
        if week not in self._change_weeks:
            return
        now = self.spec.as_of(week)
        self.design = now.designs[self.design_name]
        self._base_p = build_params(now, self.design)
        self.p = with_access(self._base_p, self._extra, self._hold)
        self.carer_params = R["carer_params"](self.p)
        rates = onset_rates(now, self.design)
        new_rates = not np.array_equal(rates, self.group_rates)
        self.group_rates, self.group_total = rates, rates.sum(axis=1)
        for prov in self.providers:
            terms = now.provider(prov.index)
            prov.revise(terms.places_for(len(self.residents)), terms.mean_treatment_weeks,
                        self.design.mandate_delay_weeks)
        if new_rates:  # every resident's next onset drawn again, in row order, from the week before
            for r in self.residents:
                r.next_onset = self.week - 1 + R["weeks_until_event"](self.group_total[r.group],
                                                                      self.streams["onset"].exponential())

    def _populate(self, st) -> None:
        """Residents and households from the shared population synthesis (same start state)."""
        pe, hs = st.people, st.households
        self.residents = [Resident(self, i, int(pe.nbh[i]), int(pe.age[i]), int(pe.group[i]),
                                   float(pe.resilience[i]), float(pe.help_seek[i])) for i in range(st.n)]
        self.households = []
        for h in range(hs.start.size - 1):
            hh = Household(self, int(hs.nbh[h]), int(hs.carers_start[h]))
            hh.members = self.residents[hs.start[h]:hs.start[h + 1]]
            for r in hh.members:
                r.household = hh
            self.households.append(hh)

    def _build_teams(self) -> None:
        """The design's teams, from the same team plans as the fast model's (sim.designs)."""
        d = self.design
        plans, self.discipline_team = designs.plans(self)
        self.teams: list[list[TeamMember]] = [
            [TeamMember(self, index, discipline, hours, d.caseload_cap, d.outreach_share)
             for discipline, hours in members_of(plan, d.hours_per_fte)]
            for index, plan in enumerate(plans)]
        self.nbh_team, self.serves = coverage(plans, len(self.residents_per_nbh))
        minors = [0] * len(self.residents_per_nbh)
        for r in self.residents:
            minors[r.nbh] += r.age == AGE_MINOR
        groups = [(m, n - m) for m, n in zip(minors, self.residents_per_nbh, strict=True)]
        self.team_residents = [sum(groups[k][g] for k, g in zip(*np.nonzero(self.serves[t]), strict=True))
                               for t in range(len(plans))]

    # ----- helpers the agents use -------------------------------------------------------

    def new_case_id(self) -> int:
        """The next case number."""
        self.case_counter += 1
        return self.case_counter - 1

    # ----- the weekly pipeline ---------------------------------------------------------

    def step(self) -> None:
        """Advance one week, stage by stage as in the fast model."""
        t = self.week
        self.week_counts = _empty_counts()
        self.apply_changes()
        for r in self.residents:
            r.onset(t)
        reach = self.outreach_reach()
        for r in self.residents:
            r.signal(t, reach[r.nbh][R["group_of"](r.age)])
        self.intake(t)
        self.plan_hours()
        for pool in self.volunteers:
            pool.left = pool.hours
        for hh in self.households:
            hh.informal_care(t)
        for r in self.residents:
            r.live_week(t)
        for m in self.members():
            m.bridged = 0  # counted afresh by this week's casework
        for r in self.residents:
            if r.in_casework:
                r.casework(t)
        for prov in self.providers:
            prov.admit(t)
        if t >= self.spec.meta.burn_in_weeks:
            self.rows.append(self.record(t))
            if self._access is not None:  # as WijkteamModel._respond_to_spending
                spent = {name: self.rows[-1][f"cost_{name}"] for name in PAYERS}
                self._extra = self._access.week(t - self.spec.meta.burn_in_weeks, spent)
                self._hold = self._access.holding
                self.p = with_access(self._base_p, self._extra, self._hold)
                if self._access.waiting_list:
                    self.rows[-1]["waiting_provisions"] = self.release_provisions(t)
        self.week += 1

    def release_provisions(self, t: int) -> int:
        """Held provisions start next week, in the order granted, as far as the Wmo budget left pays; returns the rest.

        As WijkteamModel._release_provisions: residents in row order, their problems in domain order.
        """
        held = [(prob.start, k, r, prob) for k, r in enumerate(self.residents)
                for _, prob in sorted(r.problems.items()) if prob.state == P_PROVISION and prob.start >= rules.NEVER]
        held.sort(key=lambda h: h[:2])
        costs = [self.spec.provisions.household_help.cost_per_week, self.spec.provisions.support_at_home.cost_per_week]
        n = self._access.releasable(np.array([costs[PROVISION_KIND(r.age)] for _, _, r, _ in held]))
        for _, _, _, prob in held[:n]:
            prob.until += t + 1 - prob.start
            prob.start = t + 1
        return len(held) - n

    def plan_hours(self) -> None:
        """Every member plans the week's hours, after counting the other professionals it works beside."""
        for team in self.teams:
            for m in team:
                m.extra = 0.0
        if self.p.extra_coordination > 0.0:
            for hh in self.households:
                members = [r.case.member for r in hh.members if r.in_casework]
                extra = R["extra_coordination"](len({id(m) for m in members}), self.p.extra_coordination)
                for m in members if extra > 0.0 else []:
                    m.extra += extra
        for team in self.teams:
            for m in team:
                m.plan_hours()

    def outreach_reach(self) -> list[list[float]]:
        """Outreach signal rate per neighbourhood and group, from each serving team's outreach hours actually spent."""
        p = self.p
        rates = [R["outreach_rate"](p.outreach_per_hour_per_1000, sum(m.outreach for m in team), n)
                 for team, n in zip(self.teams, self.team_residents, strict=True)]
        return [[sum(rate for t, rate in enumerate(rates) if self.serves[t, k, g]) * p.outreach_knowledge
                 for g in range(2)] for k in range(len(self.residents_per_nbh))]

    def members(self) -> list[TeamMember]:
        """Every team member, team by team."""
        return [m for team in self.teams for m in team]

    def intake(self, t: int) -> None:
        """Triage the queue; the counter takes single-problem cases (if the form has one); members take the rest.

        Residents whose problems all resolved leave the list first; those whose patience ran
        out leave after intake.
        """
        self.plan_hours()
        p, counts = self.p, self.week_counts
        queued = [r for r in self.residents if r.case is not None and not r.in_casework]
        if p.leave_when_resolved:
            for r in [r for r in queued if not r.problems]:
                r.leave_queue(t, OUT_RESOLVED_WAITING)
                counts["left_resolved"] += 1
            queued = [r for r in queued if r.case is not None]
        if self.design.priority_triage:
            queued.sort(key=lambda r: (-r.case.priority, r.case.case_id))
        else:
            queued.sort(key=lambda r: r.case.case_id)
        if p.loket:
            queued = [r for r in queued if not r.counter(t)]
        for r in queued:
            member = self.assignee(r)
            if member is None:
                continue
            r.case.member, r.case.start, r.in_casework = member, t, True
            r.case.close_after = R["plan_end"](t, p.min_case_weeks, p.follow_up_weeks, float(r.follow_up))
            r.case.support |= SUPPORT_TEAM
            r.reveal()
            member.caseload += 1
            member.free -= 1
            r.household.open_cases += 1
            counts["intakes"] += 1
            counts["wait_weeks"] += t - r.case.queued
        counts["waiting_signals"] = sum(1 for r in queued if not r.in_casework and r.case.queued == t)
        for r in queued:
            if not r.in_casework and R["leaves_queue"](t, r.case.leave, r.case.priority):
                r.leave_queue(t, OUT_GAVE_UP)
                counts["gave_up"] += 1

    def assignee(self, r: Resident) -> TeamMember | None:
        """The household's coordinator in the team that takes the case, or a free member of the fitting discipline."""
        worst = -1
        for d in sorted(r.problems):
            prob, worst_sev = r.problems[d], r.problems[worst].sev if worst >= 0 else 0.0
            if prob.state == P_LATENT and R["worse_than"](prob.sev, worst, worst_sev):
                worst = d
        if self.p.route_by_discipline:
            team = self.discipline_team[self.p.domain_discipline[worst] if worst >= 0 else 0]
        else:
            team = self.nbh_team[r.nbh, R["group_of"](r.age)]
        if self.p.one_family_one_plan:
            for other in r.household.members:
                if other.in_casework and other.case.member.team == team:
                    return other.case.member
        want = self.p.domain_discipline[worst] if worst >= 0 else -1
        best = None
        for m in self.teams[team]:
            choice = R["member_choice"](m.free, m.discipline, want, best.free if best is not None else -1)
            if choice == rules.MEMBER_TAKE:
                return m
            if choice == rules.MEMBER_BEST:
                best = m
        return best

    def record(self, t: int) -> dict:
        """The week's totals, in the columns of weekly_totals."""
        c, sc = self.week_counts, self.spec
        n = len(self.residents)
        row: dict = {"week": t - sc.meta.burn_in_weeks, "residents": n}
        prevalence = [0] * len(DOMAINS)
        waiting, treating = [0] * len(PROVIDERS), np.zeros((len(PROVIDERS), 2))
        provisions = [0] * len(PROVISIONS)
        self_reliant = 0
        journeys = dict.fromkeys(JOURNEY, 0)
        for r in self.residents:
            journeys[self.journey(r)] += 1
            self_reliant += (not r.problems) or r.deficit <= 0.0
            for d, prob in r.problems.items():
                prevalence[d] += 1
                if prob.state == P_WAIT_SPECIALIST:
                    waiting[DOMAIN_PROVIDER[d]] += 1
                elif prob.state == P_SPECIALIST:
                    treating[DOMAIN_PROVIDER[d], int(r.age == AGE_MINOR)] += 1
                elif prob.state == P_PROVISION and t >= prob.start:
                    provisions[PROVISION_KIND(r.age)] += 1
        for d, name in enumerate(DOMAINS):
            row[f"prevalence_{name}"] = prevalence[d] / n
            row[f"onsets_{name}"] = c["onsets"][d]
        row["self_reliant_share"] = self_reliant / n
        for k, name in enumerate(ROUTES):
            row[f"signals_{name}"] = c["signals"][k]
        members = self.members()
        bridged = sum(1 for r in self.residents if r.in_casework
                      and not any(q.state == P_KNOWN for q in r.problems.values()))
        row.update({"new_cases": sum(c["signals"]), "new_cases_waiting": c["waiting_signals"],
                    "queue_length": journeys["waiting_team"], "intakes": c["intakes"], "loket_cases": c["loket"],
                    "left_queue_resolved": c["left_resolved"], "gave_up_waiting": c["gave_up"],
                    "intake_wait_weeks": c["wait_weeks"], "open_cases": journeys["team_case"],
                    "bridged_cases": bridged,
                    "staff_fte": sum(m.hours for m in members) / self.design.hours_per_fte,
                    "hours_contracted": sum(m.hours for m in members),
                    "hours_casework": sum(m.casework for m in members),
                    "hours_coordination": sum(m.coordination for m in members),
                    "hours_outreach": sum(m.outreach for m in members),
                    "informal_hours": c["informal_hours"], "volunteer_hours": c["volunteer_hours"],
                    "carers": c["carers"], "carers_overburdened": c["overburdened"], "carer_dropouts": c["dropouts"],
                    "crises": c["crises"], "child_protection_measures": c["child_protection"]})
        for k, name in enumerate(PROVIDERS):
            row[f"referrals_{name}"] = c["referrals"][k]
            row[f"waiting_{name}"] = waiting[k]
            row[f"in_treatment_{name}"] = int(treating[k].sum())
        row["direct_referrals_youth_care"] = c["direct_referrals"]
        for k, name in enumerate(PROVISIONS):
            row[f"granted_{name}"] = c["granted"][k]
            row[f"provisions_{name}"] = provisions[k]
        row.update({f"journey_{name}": count for name, count in journeys.items()})
        row.update(self._households())
        row.update(self._costs(row, treating, c))
        return row

    @staticmethod
    def journey(r: Resident) -> str:
        """The one journey state of a resident (see sim.domains.JOURNEY)."""
        if r.case is not None:
            return "team_case" if r.in_casework else "waiting_team"
        states = {q.state for q in r.problems.values()}
        if states & {P_SPECIALIST, P_WAIT_SPECIALIST}:
            return "specialist"
        if P_PROVISION in states:
            return "provision_only"
        return "unknown_problem" if states else "no_problem"

    def _households(self) -> dict:
        """Client households and the distinct professionals working with them."""
        clients = professionals = multi = multi_professionals = 0
        for hh in self.households:
            if hh.open_cases == 0:
                continue
            clients += 1
            members = {id(r.case.member) for r in hh.members if r.in_casework}
            providers = {DOMAIN_PROVIDER[d] for r in hh.members for d, q in r.problems.items()
                         if q.state == P_SPECIALIST}
            professionals += len(members) + len(providers)
            if len({d for r in hh.members for d in r.problems}) >= 2:
                multi += 1
                multi_professionals += len(members) + len(providers)
        return {"client_households": clients, "professionals": professionals, "multiproblem_households": multi,
                "professionals_multiproblem": multi_professionals}

    def _costs(self, row: dict, treating: np.ndarray, c: dict) -> dict:
        """Costs by category and payer: hours and counts times unit costs."""
        sc = self.spec
        payer = [0.0] * len(PAYERS)
        team = row["hours_contracted"] * team_cost_per_hour(sc.costs, self.design)
        prov = (row["provisions_household_help"] * sc.provisions.household_help.cost_per_week
                + row["provisions_support_at_home"] * sc.provisions.support_at_home.cost_per_week)
        welfare = row["residents"] * self.design.welfare_hours_per_1000 / 1000 * sc.costs.welfare_cost_per_hour
        payer[WMO] += team + prov + welfare
        spec = 0.0
        for k in range(len(PROVIDERS)):
            for minor in (0, 1):
                euros = treating[k, minor] * sc.provider(k).cost_per_week
                spec += euros
                payer[payer_of_specialist(k, bool(minor))] += euros
        crisis = c["crises"] * sc.costs.crisis_cost
        for j in range(len(PAYERS)):
            payer[j] += c["crisis_payer"][j] * sc.costs.crisis_cost
        out = {"cost_team": team, "cost_provisions": prov, "cost_welfare": welfare, "cost_specialist": spec,
               "cost_crisis": crisis}
        out.update({f"cost_{name}": payer[j] for j, name in enumerate(PAYERS)})
        out["cost_total"] = team + prov + welfare + spec + crisis
        return out

    def run(self, progress=None) -> pd.DataFrame:
        """Run burn-in plus the recorded weeks; returns the weekly totals."""
        total = self.spec.meta.burn_in_weeks + self.spec.meta.weeks
        while self.week < total:
            self.step()
            if progress is not None:
                progress(1)
        return derive(pd.DataFrame(self.rows))


def _empty_counts() -> dict:
    """Flows counted during one week, municipality-wide."""
    return {"onsets": [0] * len(DOMAINS), "signals": [0] * N_ROUTES, "intakes": 0, "wait_weeks": 0, "loket": 0,
            "left_resolved": 0, "gave_up": 0,
            "waiting_signals": 0, "informal_hours": 0.0, "volunteer_hours": 0.0, "carers": 0, "overburdened": 0,
            "dropouts": 0, "crises": 0, "child_protection": 0, "crisis_payer": [0] * len(PAYERS),
            "referrals": [0] * len(PROVIDERS), "direct_referrals": 0, "granted": [0] * len(PROVISIONS)}
