"""The wijkteam model: one municipality under one team design, stepped week by week.

`WijkteamModel.step` is the weekly pipeline as named stages. Mesa agents hold the
structure (teams and members, specialist providers, volunteer pools) and make the
decisions (triage, admission); the Numba kernels in sim.core do the per-resident
arithmetic over the state arrays.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import demography, designs, population
from sim.agents import CarerNetworkView, ResidentView, SpecialistProvider, VolunteerPool
from sim.agents.team import triage
from sim.budgets import Access, with_access
from sim.core import casework, dispatch, problems, rules
from sim.core.casework import handover_room
from sim.core.counts import WeekCounts, block_of, week_counts
from sim.core.params import build as build_params
from sim.core.params import onset_rates
from sim.core.problems import OnsetRates
from sim.core.rules import NEVER
from sim.core.signals import signalled_room
from sim.core.streams import make_streams
from sim.designs import reorganise
from sim.designs.reorganise import Learning, relearned, restructured
from sim.designs.teams import spread
from sim.domains import (
    AGE_MINOR,
    C_CASEWORK,
    C_NONE,
    C_QUEUED,
    DOMAIN_PROVIDER,
    N_AGE_BANDS,
    OUT_DIED,
    OUT_MOVED,
    P_PROVISION,
    P_SPECIALIST,
    PROVIDERS,
    YOUTH,
)
from sim.recorder import Recorder
from sim.scenario import Reorganisation, Scenario
from sim.tables import TREEKNORM_WEEKS


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
        self.params = self._base_params = build_params(scenario, self.design)
        self._learning: Learning | None = None  # the years after a reorganisation (sim.designs.reorganise)
        self._access = (Access(scenario.budgets, scenario.population)
                        if scenario.budgets is not None and scenario.budgets.overspend != "report" else None)
        self._extra = (0.0, 0.0)  # stricter access now (sim.budgets): added to the provision and referral thresholds
        self._hold = False  # provisions granted now wait on the municipality's waiting list (sim.budgets)
        self.state = population.generate(scenario, self.streams["population"])
        people = self.state.people
        self.resident_id = np.arange(self.state.n, dtype=np.int64)  # who a row is: rows move in a census, ids do not
        self.household_id = np.arange(self.state.households.start.size - 1, dtype=np.int64)  # likewise
        self.present = np.ones(self.state.n, bool)  # with demography: rows of who left, or arrives later, are not
        self._year: demography.Year | None = None  # with demography: the census's year, its events week by week
        self._count_residents()
        n_nbh = self.residents_per_nbh.size
        self._start = demography.Start(np.bincount(self.state.households.nbh, minlength=n_nbh),
                                       self.band_residents.sum(axis=0))  # the burn-in keeps the bands
        self.projected_bands = self._start.bands.astype(float)  # what a projection asks for (sim.demography)
        self.census_counts = np.zeros((len(demography.COUNTS), n_nbh), np.int64)  # this week's census (demography)
        by_domain = onset_rates(scenario, self.design)
        self.rates = OnsetRates(by_domain, by_domain.sum(axis=1))
        setup = designs.build(self)
        self.teams, self.staff, self.routing, self.serves = setup.teams, setup.staff, setup.routing, setup.serves
        self.team_residents, self.team_share = self._team_weights()
        self.providers = self._build_providers()
        self.volunteers = [
            VolunteerPool(self, k, scenario.informal.volunteer_hours_per_1000 * n / 1000)
            for k, n in enumerate(self.residents_per_nbh)
        ]
        self.week = 0
        self._change_weeks = {c.week for c in scenario.changes}
        self.queue = np.zeros(0, np.int64)  # the team's waiting list, in order of signal (case id)
        self.new_in_queue = np.zeros(0, np.int64)  # residents who joined it this week
        self._signalled = signalled_room(self.state.n)  # room for the signal kernel to list whom it queues or refers
        self._busy = np.empty(self.state.n, np.int64)
        self.busy = self._busy[:0]  # rows with a problem or a case, listed after the onsets; later stages visit these
        self.outreach_reach = np.zeros((len(self.residents_per_nbh), 2))
        self.counts = week_counts(len(self.residents_per_nbh))  # zeroed and refilled every week
        self._volunteer_hours = np.array([v.hours for v in self.volunteers])  # the pools' weekly hours, fixed
        self._volunteer_left = np.empty_like(self._volunteer_hours)
        self._handover = handover_room(1)  # grown to the most a week needs, then reused
        self._core_counts = self.counts  # the counts the Numba handle on the run fills (see _core)
        self._rebind()
        self.recorder = Recorder(self)
        problems.init_onsets(0, people, self.rates, self.streams["onset"])
        self._plan_hours()

    def _count_residents(self) -> None:
        """Residents present per (neighbourhood, age band), per neighbourhood and (neighbourhood, age group)."""
        self.band_residents = demography.band_counts_by_nbh(self.state.people, len(self.spec.neighbourhoods),
                                                            self.present)
        self._residents_from_bands()

    def _residents_from_bands(self) -> None:
        """Residents per neighbourhood and per (neighbourhood, age group) (0 minors, 1 the rest), from the bands."""
        self.residents_per_nbh = self.band_residents.sum(axis=1)
        minors = self.band_residents[:, AGE_MINOR]
        self.group_residents = np.column_stack([minors, self.residents_per_nbh - minors]).astype(float)

    @property
    def households_per_nbh(self) -> np.ndarray:
        """Households with a resident present, per neighbourhood."""
        if self._year is not None:
            return self._year.households
        return np.bincount(self.state.households.nbh, minlength=len(self.spec.neighbourhoods)).astype(np.int64)

    def _build_providers(self) -> list[SpecialistProvider]:
        """One specialist provider per specialist domain, places scaled to the population."""
        out = []
        for k, name in enumerate(PROVIDERS):
            prov = self.spec.provider(k)
            out.append(SpecialistProvider(self, k, name, prov.places_for(self.spec.population),
                                          prov.mean_treatment_weeks, self.design.mandate_delay_weeks))
        return out

    def _apply_changes(self) -> None:
        """In a week from which scheduled changes hold, take the scenario's values of that week (sim.scenario.Change).

        Kernel parameters, onset rates and the providers' terms are rebuilt; onset rates take
        effect at once (every resident's next onset is drawn again), while problems, provisions and
        treatments already running keep the durations drawn when they began. A change of a design's
        structure rebuilds its teams (a reorganisation). In the years after one, the parameters
        are learned anew each week.
        """
        week = self.week - self.spec.meta.burn_in_weeks
        if week not in self._change_weeks:
            if self._learning is not None:
                self._set_params(week)
            return
        now = self.spec.as_of(week)
        design = now.designs[self.design_name]
        params = build_params(now, design)
        reorganised = restructured(self.design, design)
        if reorganised:
            self._reorganise(design, week, params)
        self.design = design
        self._base_params = params
        by_domain = onset_rates(now, self.design)
        new_rates = not np.array_equal(by_domain, self.rates.by_domain)
        self.rates = OnsetRates(by_domain, by_domain.sum(axis=1))
        for prov in self.providers:
            terms = now.provider(prov.index)
            prov.revise(terms.places_for(self.spec.population), terms.mean_treatment_weeks,
                        self.design.mandate_delay_weeks)
        self._set_params(week)
        if reorganised:
            self._plan_hours()  # the new members' hours and free slots, before this week's signals and intake
        if new_rates:  # from week - 1, so that an onset may fall in this very week
            problems.init_onsets(self.week - 1, self.state.people, self.rates, self.streams["onset"])

    def _census_week(self) -> bool:
        """Whether this week starts a year after the first, burn-in or recorded, in a run with demography."""
        week = self.week - self.spec.meta.burn_in_weeks
        return self.spec.demography is not None and self.week > 0 and week != 0 and week % 52 == 0

    def _turnover(self) -> None:
        """A burn-in year: whoever dies or moves away is followed by a newcomer like them (sim.demography.turnover).

        Newcomers bring the problems of a resident of their band who stays (sim.demography.bring_problems).

        So problems and provisions last as long as their residents do when recording starts,
        while the neighbourhoods keep the make-up the scenario gives them.
        """
        rng = self.streams["demography"]
        turn = demography.turnover(self.state, self.spec, rng)
        rows = turn.replaced
        self._leave_services(rows, turn.died)
        sizes = np.diff(self.state.households.start)
        replaced = np.bincount(self.state.people.hh[rows], minlength=sizes.size)
        moved = np.flatnonzero((replaced > 0) & (replaced == sizes))  # whole households: new carers too
        people = self.state.people
        people.age[:] = turn.age
        people.group[:] = people.nbh * N_AGE_BANDS + people.age
        demography.renew(self.state, rows, moved, self.spec, rng)
        self.resident_id[rows] = self.resident_id.max() + 1 + np.arange(rows.size)
        renewed = np.union1d(rows, turn.aged)  # first onsets, or onsets at the older band's rate
        problems.init_onsets_of(self.week - 1, renewed, people, self.rates, self.streams["onset"])
        self._count_residents()
        self._plan_hours()

    def _census(self) -> None:
        """A year of deaths, moves, ageing and births drawn (sim.demography), the state laid out afresh.

        Those who left during the year before are dropped; the year's events then come week by
        week (`_population_week`). The teams' shares of the residents they serve are those of now.
        """
        rng = self.streams["demography"]
        year = (self.week - self.spec.meta.burn_in_weeks) // 52 + 1
        c = demography.census(self.state, self.present, (self.resident_id, self.household_id), self.spec,
                              self._start, year, self.week, rng)
        self.queue = c.new_row[self.queue]  # nobody on a list has left: those rows are present
        for prov in self.providers:
            prov.relocate(c.new_row)
        self.state = demography.relayout(self._let_go_of_state(), c, self.spec, rng)
        self.resident_id, self.household_id = c.ids
        self.present = np.zeros(self.state.n, bool)
        self.present[c.new_row[c.new_row >= 0]] = True
        self._year = demography.Year.begin(self.state, self.present, c)
        self._count_residents()
        self.team_residents, self.team_share = self._team_weights()
        self._signalled = signalled_room(self.state.n)
        self._busy = np.empty(self.state.n, np.int64)
        self.busy = self._busy[:0]
        self._rebind()
        self._plan_hours()
        self.census_counts[demography.COUNTS.index("left_home")] = c.left_home
        if c.target is not None:
            self.projected_bands = c.target
        self.recorder.new_staff()  # the teams' shares of the residents they serve changed

    def _population_week(self) -> None:
        """This week's part of the census's year: departures, then arrivals, then residents growing a band older."""
        kinds, rows = self._year.events.due(self.week)
        if not rows.size:
            return
        leaving = (kinds == demography.DIED) | (kinds == demography.MOVED_OUT)
        if leaving.any():
            self._depart(rows[leaving], kinds[leaving] == demography.DIED)
        arriving = (kinds == demography.BORN) | (kinds == demography.MOVED_IN)
        if arriving.any():
            self._arrive(rows[arriving], kinds[arriving] == demography.BORN)
        aged = rows[kinds == demography.AGED]
        if aged.size:
            self._grow_older(aged)
        self._residents_from_bands()

    def _grow_older(self, rows: np.ndarray) -> None:
        """Residents reach the next age band this week; their next onset is drawn at its rate (memoryless)."""
        people = self.state.people
        np.add.at(self.band_residents, (people.nbh[rows], people.age[rows]), -1)
        people.age[rows] += 1
        people.group[rows] = people.nbh[rows] * N_AGE_BANDS + people.age[rows]
        np.add.at(self.band_residents, (people.nbh[rows], people.age[rows]), 1)
        problems.init_onsets_of(self.week - 1, rows, people, self.rates, self.streams["onset"])

    def _depart(self, rows: np.ndarray, died: np.ndarray) -> None:
        """Residents leave this week: counted with what they held, out of every service, their rows vacated."""
        n_nbh, people = len(self.spec.neighbourhoods), self.state.people
        for name, per_nbh in demography.ended(self.state, rows, died, n_nbh).items():
            self.census_counts[demography.COUNTS.index(name)] += per_nbh
        self._leave_services(rows, rows[died])
        demography.vacate(self.state, rows)
        self.present[rows] = False
        np.add.at(self.band_residents, (people.nbh[rows], people.age[rows]), -1)
        carers_gone = self._year.leave(self.state.households, people.hh[rows], n_nbh)
        self.census_counts[demography.COUNTS.index("carers_gone")] += carers_gone

    def _arrive(self, rows: np.ndarray, born: np.ndarray) -> None:
        """Residents are born or move in this week: present, counted; newcomers bring problems like a resident's."""
        n_nbh, people = len(self.spec.neighbourhoods), self.state.people
        self.census_counts[demography.COUNTS.index("births")] += np.bincount(people.nbh[rows[born]], minlength=n_nbh)
        self.census_counts[demography.COUNTS.index("moved_in")] += np.bincount(people.nbh[rows[~born]],
                                                                               minlength=n_nbh)
        self.present[rows] = True
        np.add.at(self.band_residents, (people.nbh[rows], people.age[rows]), 1)
        self._year.arrive(self.state.households, people.hh[rows])
        moved_in = rows[~born]
        demography.bring_problems(self.state, moved_in, self._year.donors[moved_in], self.streams["demography"])
        problems.init_onsets_of(self.week - 1, rows, people, self.rates, self.streams["onset"])

    def _let_go_of_state(self) -> dict[str, dict[str, np.ndarray]]:
        """The state's arrays by group and field, no longer held by the model or its Numba handle (for relayout)."""
        groups = {name: dict(zip(group._fields, group, strict=True))
                  for name, group in zip(self.state._fields, self.state, strict=True)}
        self.state = self.core = None
        self.busy = self._busy = self._signalled = None  # rebuilt for the new rows
        return groups

    def _leave_services(self, gone: np.ndarray, died: np.ndarray) -> None:
        """Those who leave the population leave their team case, the team's and the providers' waiting lists.

        Their cases close (died or moved_away), their places in specialist care are freed; their
        rows are still to be vacated or renewed (sim.demography).
        """
        ca, pr = self.state.cases, self.state.problems
        why = np.zeros(self.state.n, np.int8)  # per row: 0 stays, 1 moves away, 2 died (lookups, not set searches)
        why[gone], why[died] = 1, 2
        open_ = gone[ca.state[gone] != C_NONE]
        working = open_[ca.state[open_] == C_CASEWORK]
        np.subtract.at(self.staff.caseload, ca.member[working], 1)
        np.subtract.at(self.state.households.cases, self.state.people.hh[working], 1)
        self.queue = self.queue[why[self.queue] == 0]
        self.recorder.close_cases(open_, np.where(why[open_] == 2, OUT_DIED, OUT_MOVED), self.week)
        treated = pr.state[gone] == P_SPECIALIST  # (gone, domain)
        for prov in self.providers:
            prov.complete(int(treated[:, self.params.domain_provider == prov.index].sum()))
            prov.leave(why)

    def _reorganise(self, design, week: int, params) -> None:
        """Rebuild the teams for the new design; carry the open cases over by the scenario's rule; start learning.

        The old design's parameters are what the teams know; a new form or new areas are learned
        from them (sim.designs.reorganise.Learning); `params` are the new design's kernel parameters.
        The recorder starts a new staff layout.
        """
        old_design, old_staff = self.design, self.staff
        terms = self.spec.reorganisation or Reorganisation()
        if relearned(old_design, design):
            known = self._base_params if self._learning is None else self._learning.params(self._base_params, week)
            self._learning = Learning(known, week, terms)
        for team in self.teams:
            for member in list(team.members):
                member.remove()
            team.remove()
        self.design = design
        setup = designs.build(self)
        self.teams, self.staff, self.routing, self.serves = setup.teams, setup.staff, setup.routing, setup.serves
        self.team_residents, self.team_share = self._team_weights()
        self.queue = reorganise.carry_over(terms.open_cases, self.week, self.state, old_staff,
                                           setup, params, self.queue)
        self.recorder.new_staff()

    def _set_params(self, week: int) -> None:
        """The kernel parameters of this week: the scenario's, as learned so far, with stricter access on top."""
        base = self._base_params
        if self._learning is not None:
            base = self._learning.params(base, week)
            if self._learning.share(week) >= 1.0:
                self._learning = None
        self.params = with_access(base, self._extra, self._hold)
        self._rebind()

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

        Stages in order: the yearly census and the week's part of its year (with demography),
        scheduled changes, onsets, signals, intake, hours, households (informal care, then problem
        dynamics), casework, specialist care, record (with costs).
        """
        counts = self.counts
        block_of(counts)[:] = 0
        if self._census_week():
            self._census() if self.recording else self._turnover()
        if self._year is not None:
            self._population_week()
        self._apply_changes()
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
        self.busy = self._busy[:dispatch.onsets(self._core(counts), self.week, self._busy)]

    def signals(self, counts: WeekCounts) -> None:
        """Unknown problems are signalled to the team through one of the routes, or referred past it to youth care."""
        n, n_direct = dispatch.signals(self._core(counts), self.week, self.busy, self.outreach_reach, self._signalled)
        self.new_in_queue = self._signalled.queued[:n].copy()
        self.queue = np.concatenate([self.queue, self.new_in_queue])
        if n_direct:
            youth_care = self.providers[DOMAIN_PROVIDER[YOUTH]]
            direct = self._signalled.direct[:n_direct]
            youth_care.refer(direct, np.full(n_direct, YOUTH), self.week, np.zeros(n_direct, np.int64), checked=False)

    def intake(self, counts: WeekCounts) -> None:
        """The team triages its waiting list and gives cases to members with a free slot.

        Before triage, residents whose problems all resolved leave the list; after intake,
        those whose patience ran out (they found help elsewhere or gave up).
        """
        s, p, core = self.state, self.params, self._core(counts)  # free slots are current: closures free them
        if p.leave_when_resolved:
            self._close_waiting(dispatch.leave_resolved_queue(core, self.queue, self._room(self.queue.size + 1)))
        order = triage(self.queue, s.cases.priority, self.design.priority_triage)
        if p.loket:
            self.loket(order, counts)
        dispatch.assign(core, self.week, order)
        c_state, nbh = s.cases.state, s.people.nbh
        waiting = self.new_in_queue[c_state[self.new_in_queue] == C_QUEUED]
        counts.waiting_signals[:] += np.bincount(nbh[waiting], minlength=counts.waiting_signals.size)
        if p.leave_rate > 0.0:
            self._close_waiting(dispatch.give_up_queue(core, self.week, self.queue, self._room(self.queue.size + 1)))
        self.queue = self.queue[c_state[self.queue] == C_QUEUED]  # only intake takes residents off the queue

    def _close_waiting(self, n_left: int) -> None:
        """Cases that ended on the waiting list (listed in the handover room) go to the case table."""
        out = self._handover
        self.recorder.close_cases(out.closed[:n_left], out.outcome[:n_left], self.week)

    def loket(self, order: np.ndarray, counts: WeekCounts) -> None:
        """The counter handles queued single-problem cases (multi-problem-only form)."""
        out = self._room(order.size + 1)
        n_ref, n_closed = dispatch.loket(self._core(counts), self.week, order, out)
        self._hand_over(out, n_ref, n_closed)

    def _respond_to_spending(self) -> None:
        """After a recorded week: stricter or laxer access, or provisions held and released, by the spending so far."""
        week = self.week - self.spec.meta.burn_in_weeks
        extra = self._access.week(week, self.recorder.last_week_costs())
        if (extra, self._access.holding) != (self._extra, self._hold):
            self._extra, self._hold = extra, self._access.holding
            self._set_params(week)
        if self._access.waiting_list:
            self._release_provisions()

    def _release_provisions(self) -> None:
        """Held provisions start next week, in the order granted, as far as the Wmo budget left pays; count the rest."""
        pr, people = self.state.problems, self.state.people
        rows, doms = np.nonzero((pr.start >= NEVER) & (pr.state == P_PROVISION))
        order = np.argsort(pr.start[rows, doms], kind="stable")  # granting week, then row
        rows, doms = rows[order], doms[order]
        kinds = np.array([rules.provision_kind(a) for a in people.age[rows]], np.int64)
        n = self._access.releasable(self.recorder.provision_cost[kinds])
        start = self.week + 1
        pr.until[rows[:n], doms[:n]] += start - pr.start[rows[:n], doms[:n]]
        pr.start[rows[:n], doms[:n]] = start
        self.recorder.note_waiting(np.bincount(people.nbh[rows[n:]], minlength=self.residents_per_nbh.size))

    def _rebind(self) -> None:
        """A new Numba handle on the run, after the parameters or onset rates changed."""
        self.core = dispatch.bind(self.state, self.staff, self.routing, self.params, self.rates, self.streams,
                                  self._core_counts)

    def _core(self, counts: WeekCounts) -> dispatch.Run:
        """The Numba handle on the run, filling `counts`: the model's own, or those a caller hands a stage."""
        if counts is not self._core_counts:
            self._core_counts = counts
            self._rebind()
        return self.core

    def _room(self, n: int) -> casework.Handover:
        """Handover arrays with room for n referrals and n closures, reused (kernels write only what they hand back)."""
        if self._handover.resident.size < n:
            self._handover = handover_room(max(n, 2 * self._handover.resident.size))
        return self._handover

    def _hand_over(self, out: casework.Handover, n_ref: int, n_closed: int) -> None:
        """Referrals to the providers' waiting lists; closed cases to the case table."""
        if n_ref:
            res, dom, urgent = out.resident[:n_ref], out.domain[:n_ref], out.urgent[:n_ref]
            prov_of = self.params.domain_provider[dom]
            for prov in self.providers:
                mine = prov_of == prov.index
                if mine.any():  # a provider without referrals keeps its list as it is
                    prov.refer(res[mine], dom[mine], self.week, urgent[mine])
        self.recorder.close_cases(out.closed[:n_closed], out.outcome[:n_closed], self.week)

    def _plan_hours(self) -> None:
        """Members split their hours: coordination and casework first, outreach from the rest."""
        dispatch.hours(self.core, self.team_residents, self.serves, self.outreach_reach)

    def _team_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Residents each team serves, and each team's share per (neighbourhood, group); fixed for the run."""
        weight = self.serves * self.group_residents  # (team, neighbourhood, group)
        residents = weight.sum(axis=(1, 2))
        weight[residents == 0] = self.serves[residents == 0]  # a team whose groups have no residents: spread evenly
        return residents, weight / weight.sum(axis=(1, 2), keepdims=True)

    def per_neighbourhood(self, per_member: np.ndarray) -> np.ndarray:
        """Spread each team's member totals over the residents it serves, summed per neighbourhood (teams.spread)."""
        return spread(per_member, self.staff.team, self.team_share)

    def households(self, counts: WeekCounts) -> None:
        """Informal care, then problem dynamics, in one pass over the households.

        Carers and volunteers give informal help; then each member's problems grow, resolve
        or respond to support, and a sustained deficit escalates. Finished treatments free
        provider places.
        """
        volunteer_left = self._volunteer_left
        volunteer_left[:] = self._volunteer_hours
        dispatch.households(self._core(counts), self.week, volunteer_left)
        for prov, n in zip(self.providers, counts.completions, strict=True):
            prov.complete(int(n))

    def casework(self, counts: WeekCounts) -> None:
        """Members refer, grant provisions and close cases; referrals go to providers."""
        out = self._room(int(self.staff.caseload.sum()) * self.state.problems.sev.shape[1] + 1)
        n_ref, n_closed = dispatch.casework(self._core(counts), self.week, self.busy, out)
        self._hand_over(out, n_ref, n_closed)

    def specialist_care(self, counts: WeekCounts) -> None:
        """Providers admit from their waiting lists into free places."""
        for prov in self.providers:
            waits = prov.admit(self.week, self.core)
            counts.admissions[prov.index] = waits.size
            counts.admission_wait_weeks[prov.index] = waits.sum()

    def record(self, counts: WeekCounts) -> None:
        """Count the week's stocks per neighbourhood and keep the week if past the burn-in."""
        if self.recording:
            dispatch.record(self._core(counts), self.week, self.busy, self.residents_per_nbh, TREEKNORM_WEEKS)
            self.recorder.add_week(counts)
            self.census_counts[:] = 0
            if self._access is not None:
                self._respond_to_spending()

    def run(self, progress=None) -> None:
        """Run burn-in plus the scenario's weeks; `progress(n)` is called after each week."""
        total = self.spec.meta.burn_in_weeks + self.spec.meta.weeks
        while self.week < total:
            self.step()
            if progress is not None:
                progress(1)
        self.recorder.finish()
