"""The wijkteam model: one municipality under one team design, stepped week by week.

`WijkteamModel.step` is the weekly pipeline as named stages. Mesa agents hold the
structure (teams and members, specialist providers, volunteer pools) and make the
decisions (triage, admission); the Numba kernels in sim.core do the per-resident
arithmetic over the state arrays.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import designs, population
from sim.agents import CarerNetworkView, ResidentView, SpecialistProvider, VolunteerPool
from sim.agents.team import triage
from sim.core import casework, household, problems, rows, rules, signals
from sim.core.params import build as build_params
from sim.core.params import onset_rates
from sim.core.streams import make_streams
from sim.domains import AGE_MINOR, C_QUEUED, PROVIDERS
from sim.recorder import Recorder, WeekCounts
from sim.scenario import Scenario


class WijkteamModel(mesa.Model):
    """A municipality's residents, carers, teams and specialist care under one design."""

    def __init__(self, scenario: Scenario, design: str | None = None, seed: int | None = None):
        """Build the population, the design's teams and the providers from the scenario."""
        self.seed_used = scenario.meta.seed if seed is None else seed
        self.streams = make_streams(self.seed_used)
        super().__init__(rng=self.streams["mesa"])
        self.spec = scenario
        self.design_name = design or scenario.meta.design
        self.design = scenario.designs[self.design_name]
        self.params = build_params(scenario, self.design)
        self.state = population.generate(scenario, self.streams["population"])
        self.residents_per_nbh = np.array([n.residents for n in scenario.neighbourhoods], np.int64)
        minors = np.bincount(self.state.nbh[self.state.age == AGE_MINOR], minlength=self.residents_per_nbh.size)
        self.group_residents = np.column_stack([minors, self.residents_per_nbh - minors]).astype(float)
        self.group_rates = onset_rates(scenario, self.design)
        self.group_total = self.group_rates.sum(axis=1)
        designs.build(self)
        self.team_residents, self.team_share = self._team_weights()
        self.providers = self._build_providers()
        self.volunteers = [
            VolunteerPool(self, k, scenario.informal.volunteer_hours_per_1000 * n / 1000)
            for k, n in enumerate(self.residents_per_nbh)
        ]
        self.week = 0
        self.next_case_id = np.zeros(1, np.int64)
        self.queue = np.zeros(0, np.int64)  # the team's waiting list, in order of signal (case id)
        self.new_in_queue = np.zeros(0, np.int64)  # residents who joined it this week
        self._opened = np.empty(self.state.n, np.int64)  # room for the signal kernel to list them
        self._busy = np.empty(self.state.n, np.int64)
        self.busy = self._busy[:0]  # rows with a problem or a case, listed after the onsets; later stages visit these
        self.outreach_reach = np.zeros((len(self.residents_per_nbh), 2))
        self.recorder = Recorder(self)
        problems.init_onsets(0, self.state.next_onset, self.state.group, self.group_total, self.streams["onset"])
        self._plan_hours()

    def _build_providers(self) -> list[SpecialistProvider]:
        """One specialist provider per specialist domain, places scaled to the population."""
        pop = self.state.n
        out = []
        for k, name in enumerate(PROVIDERS):
            prov = self.spec.provider(k)
            places = int(round(prov.places_per_10k * pop / 10_000))
            out.append(SpecialistProvider(self, k, name, places, prov.mean_treatment_weeks,
                                          self.design.mandate_delay_weeks))
        return out

    @property
    def recording(self) -> bool:
        """Whether this week counts for the outcomes (burn-in weeks do not)."""
        return self.week >= self.spec.meta.burn_in_weeks

    def resident(self, row: int) -> ResidentView:
        """A Mesa view on one resident's row, for inspection."""
        return ResidentView(self, row)

    def carer_network(self, household: int) -> CarerNetworkView:
        """A Mesa view on one household's informal carers, for inspection."""
        return CarerNetworkView(self, household)

    # ----- the weekly pipeline ---------------------------------------------------------

    def step(self) -> None:
        """Advance one week.

        Stages in order: onsets, signals, intake, hours, households (informal care, then
        problem dynamics), casework, specialist care, record (with costs).
        """
        counts = WeekCounts(self)
        self.onsets(counts)
        self.signals(counts)
        self.intake(counts)
        self._plan_hours()
        self.households(counts)
        self.casework(counts)
        self.specialist_care(counts)
        self.record(counts)
        self.week += 1

    def onsets(self, counts: WeekCounts) -> None:
        """New problems arise (and existing ones deepen) at their drawn onset weeks.

        Then the week's busy rows are listed: no stage after this one gives a resident a
        first problem or a case from nothing, so the list holds everyone they must visit.
        """
        s = self.state
        problems.onset_stage(self.week, s.next_onset, s.group, s.nbh, s.n_active, s.sev, s.pstate, s.p_onset,
                             s.p_resolve, s.hazard, s.threshold, self.group_rates, self.group_total, self.params,
                             self.streams["onset"], self.streams["threshold"], self.streams["resolution"],
                             counts.onsets)
        self.busy = self._busy[:rows.busy_rows(s.n_active, s.c_state, self._busy)]

    def signals(self, counts: WeekCounts) -> None:
        """Unknown problems are signalled to the team through one of the routes."""
        s = self.state
        reach = self.outreach_reach
        n = signals.signal_stage(self.week, self.busy, s.nbh, s.hh, s.age, s.help_seek, s.n_active, s.urgent, s.c_state,
                                 s.c_id, s.c_route, s.c_member, s.c_start, s.c_support, s.c_ref_week, s.c_ref_provider,
                                 s.c_inf_hours, s.c_priority, s.c_onset, s.c_queue, s.c_sev, s.c_domains, s.sev,
                                 s.pstate, s.p_onset, s.hazard, s.threshold, s.cg_carers, reach, self.next_case_id,
                                 self.params, self.streams["route"], counts.signals, self._opened)
        self.new_in_queue = self._opened[:n].copy()
        self.queue = np.concatenate([self.queue, self.new_in_queue])

    def intake(self, counts: WeekCounts) -> None:
        """The team triages its queue and gives cases to members with a free slot."""
        s, st = self.state, self.staff  # free slots are current: casework frees them as cases close
        order = triage(self.queue, s.c_priority, self.design.priority_triage)
        if self.params.loket:
            self.loket(order, counts)
        casework.assign_cases(self.week, order, s.nbh, s.hh, s.age, s.c_state, s.c_member, s.c_start, s.c_queue,
                              s.c_support, s.c_domains, s.sev, s.pstate, s.hh_start, s.hh_cases, self.nbh_team,
                              self.discipline_team, self.team_first, st.free, st.caseload, st.discipline, st.team,
                              self.params, counts.intakes, counts.wait_weeks)
        self.queue = self.queue[s.c_state[self.queue] == C_QUEUED]  # only intake takes residents off the queue
        left = self.new_in_queue[s.c_state[self.new_in_queue] == C_QUEUED]
        counts.waiting_signals += np.bincount(s.nbh[left], minlength=counts.waiting_signals.size)

    def loket(self, order: np.ndarray, counts: WeekCounts) -> None:
        """The counter handles queued single-problem cases (multi-problem-only form)."""
        s = self.state
        room = order.size + 1
        ref_res, ref_dom, ref_pri, closed, outcome = (np.empty(room, np.int64) for _ in range(5))
        n_ref, n_closed = casework.loket_stage(
            self.week, order, s.nbh, s.age, s.c_state, s.c_start, s.c_priority, s.c_support, s.c_ref_week,
            s.c_ref_provider, s.c_domains, s.crisis_domain, s.sev, s.pstate, s.p_start, s.p_until, s.hazard,
            self.params, self.streams["durations"],
            ref_res, ref_dom, ref_pri, closed, outcome, counts.referrals, counts.provisions_granted, counts.loket)
        self._hand_over(ref_res[:n_ref], ref_dom[:n_ref], ref_pri[:n_ref], closed[:n_closed], outcome[:n_closed])

    def _hand_over(self, ref_res, ref_dom, ref_pri, closed, outcome) -> None:
        """Referrals to the providers' waiting lists; closed cases to the case table."""
        prov_of = self.params.domain_provider[ref_dom]
        for prov in self.providers:
            mine = prov_of == prov.index
            prov.refer(ref_res[mine], ref_dom[mine], self.week, ref_pri[mine])
        self.recorder.close_cases(closed, outcome, self.week)

    def _plan_hours(self) -> None:
        """Members split their hours: coordination and casework first, outreach from the rest."""
        s, st = self.state, self.staff
        casework.crowding(s.hh_start, s.hh_cases, s.c_state, s.c_member, self.params, st.extra)
        casework.plan_hours(st.hours, st.outreach_share, st.cap, st.caseload, st.extra, self.params, st.casework,
                            st.coordination, st.outreach, st.case_hours, st.free)
        by_team = np.bincount(st.team, weights=st.outreach, minlength=len(self.teams))
        rate = np.array([rules.outreach_rate(self.params.outreach_per_hour_per_1000, h, n)
                         for h, n in zip(by_team, self.team_residents, strict=True)])
        self.outreach_reach = np.einsum("t,tkg->kg", rate, self.serves) * self.params.outreach_knowledge

    def _team_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Residents each team serves, and each team's share per (neighbourhood, group); fixed for the run."""
        weight = self.serves * self.group_residents  # (team, neighbourhood, group)
        residents = weight.sum(axis=(1, 2))
        weight[residents == 0] = self.serves[residents == 0]  # a team whose groups have no residents: spread evenly
        return residents, weight / weight.sum(axis=(1, 2), keepdims=True)

    def _per_neighbourhood(self, per_member: np.ndarray) -> np.ndarray:
        """Spread each team's member totals over the residents it serves, summed per neighbourhood."""
        by_team = np.bincount(self.staff.team, weights=per_member, minlength=len(self.teams))
        return np.einsum("t,tkg->k", by_team, self.team_share)

    def households(self, counts: WeekCounts) -> None:
        """Informal care, then problem dynamics, in one pass over the households.

        Carers and volunteers give informal help; then each member's problems grow, resolve
        or respond to support, and a sustained deficit escalates. Finished treatments free
        provider places.
        """
        s, st = self.state, self.staff
        volunteer_left = np.array([v.hours for v in self.volunteers])
        completions = np.zeros(len(self.providers), np.int64)
        household.household_stage(
            self.week, s.hh_start, s.hh_nbh, s.nbh, s.age, s.n_active, s.resilience, s.strain, s.deficit, s.inf_hours,
            s.urgent, s.crisis_domain, s.c_state, s.c_member, s.c_inf_hours, s.c_support, s.sev, s.pstate, s.p_onset,
            s.p_resolve, s.p_start, s.p_until, s.hazard, s.cg_carers, s.cg_init, s.cg_will, s.cg_sustained,
            s.cg_rejoin, volunteer_left, st.case_hours, st.discipline, self.params, self.streams["informal"],
            counts.informal_hours, counts.volunteer_hours, counts.overburdened, counts.dropouts, counts.carers,
            completions, counts.crises, counts.child_protection, counts.crisis_payer)
        for prov, n in zip(self.providers, completions, strict=True):
            prov.complete(int(n))

    def casework(self, counts: WeekCounts) -> None:
        """Members refer, grant provisions and close cases; referrals go to providers."""
        s = self.state
        room = int(self.staff.caseload.sum()) * s.sev.shape[1] + 1
        ref_res = np.empty(room, np.int64)
        ref_dom = np.empty(room, np.int64)
        ref_pri = np.empty(room, np.int64)
        closed = np.empty(room, np.int64)
        outcome = np.empty(room, np.int64)
        n_ref, n_closed = casework.casework_stage(
            self.week, self.busy, s.nbh, s.hh, s.age, s.n_active, s.c_state, s.c_member, s.c_start, s.c_priority,
            s.c_support, s.c_ref_week, s.c_ref_provider, s.crisis_domain, s.sev, s.pstate, s.p_onset, s.p_start,
            s.p_until, s.hazard, s.hh_cases, self.staff.caseload, self.staff.free, self.params,
            self.streams["durations"], ref_res, ref_dom, ref_pri, closed, outcome, counts.referrals,
            counts.provisions_granted)
        self._hand_over(ref_res[:n_ref], ref_dom[:n_ref], ref_pri[:n_ref], closed[:n_closed], outcome[:n_closed])

    def specialist_care(self, counts: WeekCounts) -> None:
        """Providers admit from their waiting lists into free places."""
        for prov in self.providers:
            waits = prov.admit(self.week, self.state, self.streams["durations"])
            counts.admissions[prov.index] = waits.size
            counts.admission_wait_weeks[prov.index] = waits.sum()

    def record(self, counts: WeekCounts) -> None:
        """Count the week's state per neighbourhood and keep it if past the burn-in."""
        if self.recording:
            counts.state_counts(self)
            self.recorder.add_week(counts)

    def run(self, progress=None) -> None:
        """Run burn-in plus the scenario's weeks; `progress(n)` is called after each week."""
        total = self.spec.meta.burn_in_weeks + self.spec.meta.weeks
        while self.week < total:
            self.step()
            if progress is not None:
                progress(1)
        self.recorder.finish()
