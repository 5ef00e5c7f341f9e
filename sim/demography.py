"""Demography: once a year residents die, households move out and in, the others age, and children are born.

A scenario's `[demography]` is drawn at the start of each recorded year after the first (the
model's census) and happens over that year: each death, move, birth and ageing on a week of its
own (`Events`, applied by the model week by week), so weekly series change gradually, not in a
step at each census. Without it the population is stationary. Deaths are drawn per resident by age
band, moves per household (a household moves as a whole), ageing per resident (one band up with
the chance of one year in the band's years), young adults leaving their parents' home (a
household of their own here, or away), births per household by its type (one adult aged 23-64,
or two or more), and households moving in per neighbourhood. A household left with minors only
dissolves (they move in with relatives elsewhere: counted as moving out); one whose members all
left or died is gone, and its carers with it. The state is then laid out afresh: households stay
contiguous rows in their order, a household's newborns after its members, then the new
households of those who left home, then the households that moved in; those who left during the
year before are dropped, those who arrive in the coming year wait in their rows, absent until their
week (no problem, no onset, not counted). Every draw comes from the
run's demography stream, in a fixed order, so every design of a comparison has the same
population (common random numbers).
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass

import numpy as np

from sim.core.rows import move_rows, move_rows_in_place, rows_at_home
from sim.core.rules import NEVER
from sim.core.state import NO_WEEK, Cases, Households, People, Problems, State, no_problems
from sim.domains import (
    AGE_ADULT,
    AGE_MINOR,
    AGE_OLD,
    C_CASEWORK,
    C_NONE,
    N_AGE_BANDS,
    P_LATENT,
    P_NONE,
    P_PROVISION,
    P_SPECIALIST,
    P_WAIT_SPECIALIST,
)
from sim.population import traits
from sim.scenario import Scenario
from sim.tables import CENSUS_COUNTS

WEEKS = 52  # a census's year
BAND_YEARS = (18, 5, 42, 10)  # years in the bands 0-17, 18-22, 23-64 and 65-74 (75+ has no end)
COUNTS = CENSUS_COUNTS  # what a census counts per neighbourhood


DIED, MOVED_OUT, BORN, MOVED_IN, AGED = range(5)  # kinds of event, in the order a week applies them


@dataclass
class Events:
    """A year's events on the new rows, each on its model week, sorted by week, kind and row."""

    week: np.ndarray
    kind: np.ndarray
    row: np.ndarray

    @classmethod
    def of(cls, parts: list[tuple[int, np.ndarray, np.ndarray]]) -> Events:
        """Events from (kind, rows, weeks) parts, sorted."""
        kind = np.concatenate([np.full(rows.size, k, np.int8) for k, rows, _ in parts])
        row = np.concatenate([rows for _, rows, _ in parts]).astype(np.int64)
        week = np.concatenate([weeks for _, _, weeks in parts]).astype(np.int64)
        order = np.lexsort((row, kind, week))
        return cls(week[order], kind[order], row[order])

    def due(self, week: int) -> tuple[np.ndarray, np.ndarray]:
        """The kinds and rows of the events in `week`."""
        lo, hi = np.searchsorted(self.week, [week, week + 1])
        return self.kind[lo:hi], self.row[lo:hi]


@dataclass
class Census:
    """A year drawn at its census: where everyone's row will be, who arrives, and the year's events.

    `relayout` then builds the state in the new layout; the model applies the events week by week.
    """

    new_row: np.ndarray  # (old N,) each present resident's row after the census; -1: left during the year before
    ids: tuple[np.ndarray, np.ndarray]  # resident ids per new row and household ids per new household
    age: np.ndarray  # (old N,) each resident's band now (ageing comes in its week)
    layout: _Layout
    newcomers: _Newcomers
    events: Events
    donors: np.ndarray  # (new N,) the new row of the resident like a newcomer whose problems they bring; -1 else
    left_home: np.ndarray  # residents per neighbourhood who left home and formed a household of one now
    target: np.ndarray | None  # residents per band a projection asks for by the year's end (none without one)


@dataclass
class Year:
    """The census's year as the model lives it: its events, who is present per household, what newcomers bring."""

    events: Events
    members: np.ndarray  # per household: residents present
    households: np.ndarray  # per neighbourhood: households with a resident present
    carers: np.ndarray  # per household: the carers of a household moving in, held until it arrives (others 0)
    donors: np.ndarray  # per row: the resident whose problems a newcomer brings (-1: none)

    @classmethod
    def begin(cls, state: State, present: np.ndarray, c: Census) -> Year:
        """The year after census `c`, its state laid out: households moving in have no carers until they arrive."""
        hs = state.households
        members = np.bincount(state.people.hh[present], minlength=hs.nbh.size)
        households = np.bincount(hs.nbh[members > 0], minlength=c.left_home.size).astype(np.int64)
        arriving = np.arange(hs.nbh.size - c.newcomers.nbh.size, hs.nbh.size)
        carers = np.zeros_like(hs.carers)
        carers[arriving] = hs.carers[arriving]
        hs.carers[arriving] = hs.carers_start[arriving] = 0
        return cls(c.events, members, households, carers, c.donors)

    def leave(self, hs: Households, hh: np.ndarray, n_nbh: int) -> np.ndarray:
        """Residents leave households `hh` (one entry each); a household left empty is gone, its carers too.

        Returns the carers gone per neighbourhood.
        """
        np.subtract.at(self.members, hh, 1)
        gone = np.unique(hh[self.members[hh] == 0])
        out = np.bincount(hs.nbh[gone], hs.carers[gone], minlength=n_nbh).astype(np.int64)
        self.households -= np.bincount(hs.nbh[gone], minlength=n_nbh)
        hs.carers[gone] = hs.carers_start[gone] = 0
        hs.rejoin[gone] = NO_WEEK
        hs.sustained[gone] = 0
        hs.willingness[gone] = 1.0
        return out

    def arrive(self, hs: Households, hh: np.ndarray) -> None:
        """Residents arrive in households `hh` (one entry each); a household moving in brings its carers."""
        new = np.unique(hh[self.members[hh] == 0])
        np.add.at(self.members, hh, 1)
        self.households += np.bincount(hs.nbh[new], minlength=self.households.size)
        hs.carers[new] = hs.carers_start[new] = self.carers[new]


def band_counts_by_nbh(people: People, n_nbh: int, present: np.ndarray | None = None) -> np.ndarray:
    """Residents per (neighbourhood, age band): all rows, or those `present`."""
    cell = people.nbh.astype(np.int64) * N_AGE_BANDS + people.age
    return np.bincount(cell if present is None else cell[present], minlength=n_nbh * N_AGE_BANDS
                       ).reshape(n_nbh, N_AGE_BANDS)


def census(state: State, present: np.ndarray, ids: tuple[np.ndarray, np.ndarray], scenario: Scenario,
           start: Start, year: int, week: int, rng: np.random.Generator) -> Census:
    """Draw one year of deaths, moves, ageing and births among the `present`, each on a week of the year.

    `ids` are the resident ids per row and the household ids per household (they stay with whom
    they name); `start` is the population at the start; `year` the recorded year now beginning,
    `week` its first model week. With a projection, migration then follows it (`_follow`) by the
    year's end. Those who leave this year keep their rows until their week; those who left the
    year before are dropped; newborns and newcomers get rows, absent until theirs.
    """
    demo, pe, hs = scenario.demography, state.people, state.households
    n_hh = hs.start.size - 1
    dies, household_leaves = _deaths_and_moves(state, present, demo, rng)
    leaves = household_leaves[pe.hh] & ~dies & present
    stay = present & ~dies & ~leaves
    with_adult = np.bincount(pe.hh[stay & (pe.age != AGE_MINOR)], minlength=n_hh) > 0
    orphaned = stay & ~with_adult[pe.hh]  # minors left alone move in with relatives elsewhere
    leaves |= orphaned
    stay &= ~orphaned
    age = pe.age.copy()
    older = stay & _grows_older(age, rng)
    age[older] += 1
    forms, away = _leaving_home(state, age, stay, demo, rng)
    leaves |= away
    stay &= ~away
    births = _births(state, age, stay & ~forms, demo, rng)
    newcomers = _households_moving_in(scenario, start.households, rng)
    target = None
    if demo.projection is not None:
        target = projected(demo.projection, start.bands, year, _bands_after(age[stay], births, newcomers).sum())
        extra, newcomers = _follow(state, age, stay, births, newcomers, target, start.households, rng)
        leaves |= extra
        stay &= ~extra
        forms &= stay
        births[~np.bincount(pe.hh[stay & ~forms], minlength=n_hh).astype(bool)] = 0  # households gone: no newborns
    layout = _layout(state, present & ~forms, forms, births, newcomers)
    resident_ids, household_ids = ids
    new_ids = np.empty(int(layout.start[-1]), np.int64)
    new_ids[layout.new_row[present]] = resident_ids[present]
    new_ids[layout.arrived] = resident_ids.max() + 1 + np.arange(layout.arrived.size)
    new_households = np.concatenate([household_ids[layout.kept_hh], household_ids.max() + 1
                                     + np.arange(layout.formed_nbh.size + newcomers.nbh.size)])
    events = _events(state, layout, (dies, leaves, stay, older), newcomers, week, rng)
    like = _like(pe.nbh, age, stay, np.repeat(newcomers.nbh, newcomers.size), newcomers.ages, rng)
    donors = np.full(int(layout.start[-1]), -1, np.int64)
    donors[layout.arrived[layout.born_rows.size:]] = np.where(like >= 0, layout.new_row[like], -1)
    left_home = np.bincount(pe.nbh[forms], minlength=len(scenario.neighbourhoods)).astype(np.int64)
    return Census(layout.new_row, (new_ids, new_households), pe.age.copy(), layout, newcomers, events, donors,
                  left_home, target)


def _events(state: State, layout: _Layout, who: tuple[np.ndarray, ...], newcomers: _Newcomers, week: int,
            rng: np.random.Generator) -> Events:
    """The year's events on the new rows, each on a week drawn evenly over the year.

    `who` are the masks (old rows) of those who die, leave, stay and grow older. A death on its
    own week; a household that moves moves on one week; one who leaves alone (leaving home, or
    under a projection) on their own; minors left without an adult leave on the week the last
    adult dies. A newborn on its own week, a household moving in on one week, an ageing resident on theirs.
    """
    dies, leaves, stay, older = who
    pe, n_hh = state.people, state.households.start.size - 1
    death_week = np.full(state.n, week, np.int64)
    death_week[dies] = week + rng.integers(0, WEEKS, int(dies.sum()))
    move_week = week + rng.integers(0, WEEKS, n_hh)
    alone_week = week + rng.integers(0, WEEKS, int(leaves.sum()))
    gone = np.bincount(pe.hh[stay], minlength=n_hh) == 0  # nobody of the household stays the year
    adult = pe.age != AGE_MINOR
    adult_moves = np.bincount(pe.hh[leaves & adult], minlength=n_hh) > 0
    last_death = np.full(n_hh, week, np.int64)
    np.maximum.at(last_death, pe.hh[dies & adult], death_week[dies & adult])
    hh = pe.hh[leaves]
    leave_week = np.where(~gone[hh], alone_week, np.where(adult_moves[hh], move_week[hh], last_death[hh]))
    return Events.of([
        (DIED, layout.new_row[dies], death_week[dies]),
        (MOVED_OUT, layout.new_row[leaves], leave_week),
        (BORN, layout.born_rows, week + rng.integers(0, WEEKS, layout.born_rows.size)),
        (MOVED_IN, layout.arrived[layout.born_rows.size:],
         np.repeat(week + rng.integers(0, WEEKS, newcomers.nbh.size), newcomers.size)),
        (AGED, layout.new_row[older], week + rng.integers(0, WEEKS, int(older.sum()))),
    ])


def ended(state: State, rows: np.ndarray, died: np.ndarray, n_nbh: int) -> dict[str, np.ndarray]:
    """Per neighbourhood, the flows of those in `rows` leaving now (`died`: by death) and what ends with them.

    Those who leave take their problems with them: each problem ends, so does a provision or a
    place (or a wait) in specialist care.
    """
    pe, st = state.people, state.problems.state
    out = {}
    for why, flow, who in (("died", "deaths", rows[died]), ("moved_out", "moved_out", rows[~died])):
        held, nbh = st[who], pe.nbh[who]
        out[flow] = np.bincount(nbh, minlength=n_nbh)
        out[f"ended_problems_{why}"] = np.bincount(nbh, (held != P_NONE).sum(axis=1), minlength=n_nbh)
        out[f"ended_provisions_{why}"] = np.bincount(nbh, (held == P_PROVISION).sum(axis=1), minlength=n_nbh)
        out[f"ended_specialist_care_{why}"] = np.bincount(
            nbh, ((held == P_SPECIALIST) | (held == P_WAIT_SPECIALIST)).sum(axis=1), minlength=n_nbh)
    return {name: a.astype(np.int64) for name, a in out.items()}


def vacate(state: State, rows: np.ndarray) -> None:
    """Rows of residents who left: no problem, no case, no onset to come, no strain to fade.

    No stage visits such a row (the stages walk residents with a problem or a case, onsets come
    on their week), and the next census drops it, so the rest of the row stays as it was.
    """
    state.problems.state[rows] = P_NONE
    state.cases.state[rows] = C_NONE
    pe = state.people
    pe.n_active[rows] = 0
    pe.strain[rows] = 0.0
    pe.next_onset[rows] = NEVER


def _clear(state: State, rows: np.ndarray) -> None:
    """Rows that new residents take over (the burn-in's turnover): every field as a resident without problems has it.

    Unlike `vacate`, the stages visit these rows again, so nothing of the former resident (an
    urgent flag, a case's fields, carers' hours received) may stay.
    """
    fresh_cases, fresh_problems = no_problems(1)
    for group, fresh in ((state.cases, fresh_cases), (state.problems, fresh_problems)):
        for a, b in zip(group, fresh, strict=True):
            if a.shape[:1] == (state.n,):
                a[rows] = b[0]
    pe, blank = state.people, _fresh_people(1)
    for name in ("n_active", "strain", "deficit", "inf_hours", "urgent", "crisis_domain", "patience", "follow_up"):
        getattr(pe, name)[rows] = getattr(blank, name)[0]


def _like(nbh: np.ndarray, age: np.ndarray, pool: np.ndarray, their_nbh: np.ndarray, their_age: np.ndarray,
          rng: np.random.Generator) -> np.ndarray:
    """For each newcomer (neighbourhood, band) a resident of `pool` like them, at random; -1 if their band has nobody.

    Like them: of the same band in the same neighbourhood, else of the same band anywhere.
    """
    out = np.full(their_nbh.size, -1, np.int64)
    members = np.flatnonzero(pool)
    n_keys = (int(nbh.max(initial=0)) + 1) * N_AGE_BANDS
    for key, theirs in ((nbh[members].astype(np.int64) * N_AGE_BANDS + age[members],
                         their_nbh.astype(np.int64) * N_AGE_BANDS + their_age), (age[members], their_age)):
        key, theirs = _radix_keys(key, n_keys), _radix_keys(theirs, n_keys)
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        first = np.searchsorted(ordered, theirs, "left")
        n = np.searchsorted(ordered, theirs, "right") - first
        pick = first + (rng.random(theirs.size) * n).astype(np.int64)
        found = (out < 0) & (n > 0)
        out[found] = members[order[pick[found]]]
    return out


def _radix_keys(key: np.ndarray, n_keys: int) -> np.ndarray:
    """Keys below `n_keys` as 16-bit integers where they fit: numpy sorts those stably by radix, ten times faster."""
    return key.astype(np.int16) if n_keys <= 2 ** 15 else key


def bring_problems(state: State, rows: np.ndarray, donors: np.ndarray, rng: np.random.Generator) -> None:
    """Newcomers in `rows` arrive with the problems of `donors` (residents like them; -1: none), unknown here.

    A newcomer's need is like that of the residents of their band, not nil: each of the donor's
    problems comes with its severity, onset and natural end (for one a provision held, the
    provision's end if later), but latent: no case, treatment or provision moves with them, and
    signal threshold, patience and follow-up are their own draws.
    """
    pr, pe = state.problems, state.people
    rows, donors = rows[donors >= 0], donors[donors >= 0]
    st = pr.state[donors]
    active = st != P_NONE
    natural_end = np.where(st == P_PROVISION, np.maximum(pr.resolve[donors], pr.until[donors]), pr.resolve[donors])
    pr.sev[rows] = np.where(active, pr.sev[donors], 0.0)
    pr.state[rows] = np.where(active, P_LATENT, P_NONE)
    pr.onset[rows] = np.where(active, pr.onset[donors], NO_WEEK)
    pr.resolve[rows] = np.where(active, natural_end, NO_WEEK)
    pr.start[rows] = pr.until[rows] = NO_WEEK
    pr.hazard[rows] = 0.0
    pr.threshold[rows] = np.where(active, rng.exponential(size=active.shape), 0.0)
    pe.n_active[rows] = active.sum(axis=1)
    pe.strain[rows] = pe.strain[donors]
    pe.patience[rows], pe.follow_up[rows] = rng.exponential(size=rows.size), rng.exponential(size=rows.size)


def _leaving_home(state: State, age: np.ndarray, stay: np.ndarray, demo, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Who leaves their parents' home: a resident living with an adult of an older band, at the band's yearly rate.

    Returns those who form a household of one in their neighbourhood and those who move away
    (`leaving_home_moving_away` of them). Partners of one band never part so: nobody leaves a
    household whose oldest staying member is in their own band.
    """
    pe, hs = state.people, state.households
    oldest = (np.maximum.reduceat(np.where(stay, age, -1).astype(np.int8), hs.start[:-1]) if state.n
              else np.zeros(0, np.int8))
    chance = _yearly_chance(demo.leaving_home_per_1000)[age]
    grown = pe.age != AGE_MINOR  # an adult already: one who turns 18 in the year stays home through it
    leaves_home = stay & grown & (age < oldest[pe.hh]) & (rng.random(state.n) < chance)
    away = leaves_home & (rng.random(state.n) < demo.leaving_home_moving_away)
    return leaves_home & ~away, away


def _births(state: State, age: np.ndarray, home: np.ndarray, demo, rng: np.random.Generator) -> np.ndarray:
    """Newborns per household this year: Poisson at its type's rate, by its adults aged 23-64 at home (one, or more)."""
    adults = np.bincount(state.people.hh[home & (age == AGE_ADULT)], minlength=state.households.start.size - 1)
    one, more = demo.births_per_1000_households
    return rng.poisson(np.where(adults >= 2, more, np.where(adults == 1, one, 0.0)) / 1000.0)


@dataclass(frozen=True)
class Start:
    """The population when recording starts: households per neighbourhood, residents per age band."""

    households: np.ndarray
    bands: np.ndarray


def projected(projection, start_bands: np.ndarray, year: int, residents: int) -> np.ndarray:
    """Residents per band the projection asks for in recorded `year`: shares on a straight line from the start.

    The total is the projection's (on a straight line too) where it gives one, else `residents`.
    """
    share = min(1.0, (year - 1) / (projection.year - 1))
    start_total = start_bands.sum()
    shares = start_bands / start_total + share * (np.asarray(projection.age_shares) - start_bands / start_total)
    total = residents if projection.residents is None else start_total + share * (projection.residents - start_total)
    return shares * total


def _bands_after(staying_ages: np.ndarray, births: np.ndarray, newcomers: _Newcomers) -> np.ndarray:
    """Residents per band after a census: those who stay (their bands after ageing), the newborns, the newcomers."""
    counts = np.bincount(staying_ages, minlength=N_AGE_BANDS) + np.bincount(newcomers.ages, minlength=N_AGE_BANDS)
    counts[AGE_MINOR] += births.sum()
    return counts


def _follow(state: State, age: np.ndarray, stay: np.ndarray, births: np.ndarray, newcomers: _Newcomers,
            target: np.ndarray, start_households: np.ndarray, rng: np.random.Generator
            ) -> tuple[np.ndarray, _Newcomers]:
    """Migration scaled so the population follows a projection: more households move out or in, band by band.

    A band above its target loses households whose oldest member is in it (in random order, whole
    households, until it is at its target); a band below gains households of one resident of it
    (minors two at a time with an adult aged 23-64), spread over the neighbourhoods as their
    households at the start. Returns who leaves (old rows) and the newcomers, the extra ones added.
    """
    pe, hs = state.people, state.households
    n_hh = hs.start.size - 1
    leaves = np.zeros(state.n, bool)
    staying = np.bincount(pe.hh[stay], minlength=n_hh)
    oldest = np.full(n_hh, -1, np.int64)
    np.maximum.at(oldest, pe.hh[stay], age[stay].astype(np.int64))
    counts = _bands_after(age[stay], births, newcomers)
    for band in np.flatnonzero(counts > np.round(target)):
        excess = counts[band] - int(np.round(target[band]))
        households = rng.permutation(np.flatnonzero((oldest == band) & (staying > 0)))
        in_band = np.bincount(pe.hh[stay & (age == band)], minlength=n_hh)[households]
        gone = households[:int(np.searchsorted(np.cumsum(in_band), excess)) + 1]
        leaves |= np.isin(pe.hh, gone) & stay
        oldest[gone] = -1
        if band != AGE_MINOR:  # then residents of the band alone, from households that keep another adult
            _leave_alone(pe.hh, age, stay & ~leaves, band, excess - int(in_band[:gone.size].sum()), leaves, rng)
    counts = _bands_after(age[stay & ~leaves], births * ~np.isin(np.arange(n_hh), pe.hh[leaves]), newcomers)
    short = np.maximum(0, np.round(target).astype(np.int64) - counts)
    minors = short[AGE_MINOR]
    families, singles = -(-minors // 2), np.delete(np.arange(N_AGE_BANDS), AGE_MINOR)
    sizes = np.concatenate([np.full(families, 3), np.ones(short[singles].sum(), np.int64)])
    if minors % 2:
        sizes[families - 1] = 2
    ages = [np.concatenate([[AGE_ADULT], np.zeros(size - 1, np.int8)]) for size in sizes[:families]]
    ages.append(np.repeat(singles, short[singles]).astype(np.int8))
    nbh = rng.choice(start_households.size, size=sizes.size, p=start_households / start_households.sum())
    more = _Newcomers(np.concatenate([newcomers.nbh, nbh]), np.concatenate([newcomers.size, sizes]),
                      np.concatenate([newcomers.ages, *ages]).astype(np.int8))
    return leaves, more


def _leave_alone(hh: np.ndarray, age: np.ndarray, here: np.ndarray, band: int, excess: int, leaves: np.ndarray,
                 rng: np.random.Generator) -> None:
    """Up to `excess` residents of `band` move out on their own (marked in `leaves`): a young adult leaving home.

    One per household a round, from households with another adult staying, in random order.
    """
    while excess > 0:
        adults = np.bincount(hh[here & (age != AGE_MINOR)], minlength=int(hh.max()) + 1)
        candidates = rng.permutation(np.flatnonzero(here & ~leaves & (age == band) & (adults[hh] >= 2)))
        candidates = candidates[np.unique(hh[candidates], return_index=True)[1]][:excess]
        if not candidates.size:
            return
        leaves[candidates] = True
        here = here & ~leaves
        excess -= candidates.size


def _deaths_and_moves(state: State, present: np.ndarray, demo, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Who of the `present` dies this year (by band) and which households move out (by their oldest member's band)."""
    dies = rng.random(state.n) < _yearly_chance(demo.deaths_per_1000)[state.people.age]
    return dies & present, rng.random(state.households.start.size - 1) < _moving_out(state, present, demo)


def _grows_older(age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Who moves up a band this year: chance 1 / the band's years (ages spread evenly within a band); 75+ stays."""
    chance = 1.0 / np.asarray(BAND_YEARS + (1,), float)  # per band, then looked up: one division per band
    return (age < AGE_OLD) & (rng.random(age.size) < chance[age])


def _moving_out(state: State, present: np.ndarray, demo) -> np.ndarray:
    """Each household's chance to move out this year, by the age band of its oldest member present (0: none is)."""
    pe, hs = state.people, state.households
    oldest = (np.maximum.reduceat(np.where(present, pe.age, -1).astype(np.int8), hs.start[:-1]) if state.n
              else np.zeros(0, np.int8))
    return _yearly_chance(np.append(np.asarray(demo.households_moving_out_per_1000, float), 0.0))[oldest]  # -1: none


def _yearly_chance(per_1000) -> np.ndarray:
    """The chance of an event within a year at each band's rate per 1,000 a year (looked up per resident after)."""
    return 1.0 - np.exp(-np.asarray(per_1000, float) / 1000.0)


def turnover(state: State, scenario: Scenario, rng: np.random.Generator) -> Turnover:
    """A burn-in year: deaths, households moving out and ageing, with every age band kept as the scenario gives it.

    Problems and provisions should last as long as their residents do, and pass with them into
    older bands, when recording starts. So whoever dies or moves away is followed by a newcomer
    of the same band in the same row (a household by a household of the same ages), and each
    resident who grows a band older takes the place of one of that band (same neighbourhood),
    who starts afresh in the younger band: a newcomer there. Minors are made only of residents in
    households with another adult, one per household.
    """
    demo, pe, hs = scenario.demography, state.people, state.households
    dies, household_leaves = _deaths_and_moves(state, np.ones(state.n, bool), demo, rng)
    replaced = dies | household_leaves[pe.hh]
    older = ~replaced & _grows_older(pe.age, rng)
    adults = np.bincount(pe.hh[pe.age != AGE_MINOR], minlength=hs.start.size - 1)
    age, aged = pe.age.copy(), []
    cell = _radix_keys(pe.nbh.astype(np.int64) * N_AGE_BANDS + pe.age,  # by (neighbourhood, band), in row order
                       len(scenario.neighbourhoods) * N_AGE_BANDS)
    by_cell = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[by_cell], np.arange(len(scenario.neighbourhoods) * N_AGE_BANDS + 1))
    for band in range(AGE_OLD):
        for k in range(len(scenario.neighbourhoods)):
            young = by_cell[bounds[k * N_AGE_BANDS + band]:bounds[k * N_AGE_BANDS + band + 1]]
            old = by_cell[bounds[k * N_AGE_BANDS + band + 1]:bounds[k * N_AGE_BANDS + band + 2]]
            up = young[older[young]]
            pool = old[~replaced[old] & ~older[old]]
            if band == AGE_MINOR:  # one per household of two or more adults
                pool = pool[adults[pe.hh[pool]] >= 2]
                pool = pool[np.unique(pe.hh[rng.permutation(pool)], return_index=True)[1]]
            take = rng.choice(pool, size=min(up.size, pool.size), replace=False)
            age[up[:take.size]] = band + 1
            age[take] = band
            replaced[take] = True
            aged.append(up[:take.size])
    return Turnover(np.flatnonzero(replaced), np.flatnonzero(dies), np.sort(np.concatenate(aged)), age)


@dataclass
class Turnover:
    """A burn-in year's turnover: who is replaced by a newcomer, who of them died, who grew older, everyone's band."""

    replaced: np.ndarray
    died: np.ndarray
    aged: np.ndarray
    age: np.ndarray


def renew(state: State, rows: np.ndarray, households: np.ndarray, scenario: Scenario,
          rng: np.random.Generator) -> None:
    """Make the residents in `rows` newcomers, and `households` new to their carers.

    A newcomer has no case, and brings the problems of a resident of their band who stays
    (`bring_problems`); residents' `age` must already be the year's.
    """
    pe = state.people
    stays = np.ones(state.n, bool)
    stays[rows] = False
    donors = _like(pe.nbh, pe.age, stays, pe.nbh[rows], pe.age[rows], rng)
    _clear(state, rows)  # their next onsets are drawn by the caller
    pe.resilience[rows], pe.help_seek[rows] = traits(scenario.residents, rows.size, rng)
    hs = state.households
    hs.carers[households] = hs.carers_start[households] = rng.poisson(scenario.informal.carers_per_household,
                                                                      households.size)
    hs.willingness[households] = 1.0
    hs.sustained[households] = 0
    hs.rejoin[households] = NO_WEEK
    bring_problems(state, rows, donors, rng)


@dataclass
class _Newcomers:
    """Households moving in: neighbourhood, size and their members' age bands (members in household order)."""

    nbh: np.ndarray
    size: np.ndarray
    ages: np.ndarray


def _households_moving_in(scenario: Scenario, start_households: np.ndarray, rng: np.random.Generator) -> _Newcomers:
    """Per neighbourhood a Poisson number of households; sizes 1 + Poisson(household size - 1), an adult first.

    The first member's band is drawn from the adult bands (18 and over) of the mover age shares
    (or the neighbourhood's), the others' from all bands. Drawn neighbourhood by neighbourhood.
    """
    demo = scenario.demography
    count = rng.poisson(start_households * demo.households_moving_in_per_1000 / 1000.0)
    nbh = np.repeat(np.arange(count.size), count)
    sizes = 1 + rng.poisson(np.array([scenario.neighbourhoods[k].household_size - 1.0 for k in nbh]))
    firsts, others = [], []
    for k in np.flatnonzero(count):
        shares = np.asarray(demo.mover_age_shares or scenario.neighbourhoods[k].age_shares, float)
        grown = shares[1:] if shares[1:].sum() > 0 else np.ones(N_AGE_BANDS - 1)
        here = sizes[nbh == k]
        firsts.append(1 + rng.choice(N_AGE_BANDS - 1, size=here.size, p=grown / grown.sum()))
        others.append(rng.choice(N_AGE_BANDS, size=int(here.sum() - here.size), p=shares / shares.sum()))
    if not firsts:
        return _Newcomers(nbh.astype(np.int64), sizes.astype(np.int64), np.zeros(0, np.int8))
    first, rest = np.concatenate(firsts), np.concatenate(others)
    is_first = np.zeros(int(sizes.sum()), bool)
    is_first[np.concatenate([[0], np.cumsum(sizes)[:-1]])] = True  # households in neighbourhood order, as drawn
    ages = np.empty(is_first.size, np.int8)
    ages[is_first], ages[~is_first] = first, rest
    return _Newcomers(nbh.astype(np.int64), sizes.astype(np.int64), ages)


@dataclass
class _Layout:
    """Where everyone goes: old rows to new rows, households kept, the new households' starts."""

    new_row: np.ndarray  # (old N,) -1 for those who leave
    kept_hh: np.ndarray  # old household indices kept, in order
    formed_nbh: np.ndarray  # neighbourhood of each household of one formed by someone leaving home, in row order
    start: np.ndarray  # (new H + 1,) first row of each new household
    born_rows: np.ndarray  # rows of the newborns
    arrived: np.ndarray  # rows of newborns and newcomers, in row order


def _layout(state: State, home: np.ndarray, forms: np.ndarray, births: np.ndarray, newcomers: _Newcomers) -> _Layout:
    """Households in their order, members at `home` then newborns; then those who left home, one each; newcomers."""
    pe, hs = state.people, state.households
    n_hh = hs.start.size - 1
    staying = np.bincount(pe.hh[home], minlength=n_hh)
    kept_hh = np.flatnonzero(staying + births > 0)
    formers = np.flatnonzero(forms)
    sizes = np.concatenate([(staying + births)[kept_hh], np.ones(formers.size, np.int64), newcomers.size])
    start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    first_of = np.full(n_hh, -1, np.int64)
    first_of[kept_hh] = start[:kept_hh.size]
    new_row = rows_at_home(hs.start, home, first_of)
    new_row[formers] = start[kept_hh.size:kept_hh.size + formers.size]
    born_first = first_of[kept_hh] + staying[kept_hh]
    born_rows = np.repeat(born_first, births[kept_hh]) + _within(births[kept_hh])
    moved_rows = np.arange(start[kept_hh.size + formers.size], start[-1])
    return _Layout(new_row, kept_hh, pe.nbh[formers].astype(np.int64), start, born_rows,
                   np.concatenate([born_rows, moved_rows]))


def _within(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., c - 1 for each count c, concatenated."""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def relayout(groups: dict[str, dict[str, np.ndarray]], c: Census, scenario: Scenario,
             rng: np.random.Generator) -> State:
    """The state in the census's layout: the values of those present moved, the rows of those to arrive blank.

    `groups` holds the old state's arrays by group and field, and nothing else should: each
    array moves within its own pages where they have room (laid out with some to spare) or is
    let go as soon as it is moved, so the old and the new state never both stay whole (a
    million residents: about a gigabyte less at the peak).
    """
    lay, newcomers = c.layout, c.newcomers
    n_new, hs = int(lay.start[-1]), groups.pop("households")
    old = np.flatnonzero(lay.new_row >= 0)
    hh = np.repeat(np.arange(lay.start.size - 1, dtype=np.int32), np.diff(lay.start))
    hh_nbh = np.concatenate([hs["nbh"][lay.kept_hh], lay.formed_nbh, newcomers.nbh]).astype(hs["nbh"].dtype)
    n_fresh = lay.formed_nbh.size + newcomers.nbh.size  # households new to their carers: formed here or moved in
    new_age = np.full(n_new, AGE_MINOR, np.int8)
    new_age[lay.new_row[old]] = c.age[old]
    new_age[lay.arrived[lay.born_rows.size:]] = newcomers.ages
    blank_cases, blank_problems = no_problems(1)
    moves = _Moves.of(lay.new_row, int(lay.start[lay.kept_hh.size]), lay.arrived, n_new)
    problems = Problems(**_moved(groups.pop("problems"), blank_problems, moves))
    cases = Cases(**_moved(groups.pop("cases"), blank_cases, moves))
    old_people = groups.pop("people")
    laid_out = {"hh": hh, "nbh": hh_nbh[hh].astype(old_people["nbh"].dtype), "age": new_age,
                "group": (hh_nbh[hh] * N_AGE_BANDS + new_age).astype(old_people["group"].dtype)}
    for name in laid_out:  # laid out afresh above, not moved
        del old_people[name]
    people = People(**laid_out, **_moved(old_people, _fresh_people(1), moves))
    people.resilience[lay.arrived], people.help_seek[lay.arrived] = traits(scenario.residents, lay.arrived.size, rng)
    carers = rng.poisson(scenario.informal.carers_per_household, n_fresh).astype(hs["carers"].dtype)
    homes = Households(
        start=lay.start,
        nbh=hh_nbh,
        cases=np.bincount(hh[cases.state == C_CASEWORK], minlength=lay.start.size - 1).astype(hs["cases"].dtype),
        carers=np.concatenate([hs["carers"][lay.kept_hh], carers]),
        carers_start=np.concatenate([hs["carers_start"][lay.kept_hh], carers]),
        willingness=np.concatenate([hs["willingness"][lay.kept_hh], np.ones(n_fresh)]),
        sustained=np.concatenate([hs["sustained"][lay.kept_hh], np.zeros(n_fresh, hs["sustained"].dtype)]),
        rejoin=np.concatenate([hs["rejoin"][lay.kept_hh], np.full(n_fresh, NO_WEEK, hs["rejoin"].dtype)]),
    )
    people.next_onset[lay.arrived] = NEVER  # absent until their week
    return State(people, cases, problems, homes)


def _fresh_people(n: int) -> People:
    """People arrays for n residents without problems (attributes set by the caller)."""
    return People(
        nbh=np.zeros(n, np.int32), hh=np.zeros(n, np.int32), age=np.zeros(n, np.int8), group=np.zeros(n, np.int32),
        resilience=np.zeros(n, np.float32), help_seek=np.zeros(n, np.float32), next_onset=np.zeros(n, np.int32),
        n_active=np.zeros(n, np.int8), strain=np.zeros(n, np.float32), deficit=np.zeros(n, np.float32),
        inf_hours=np.zeros(n, np.float32), urgent=np.zeros(n, np.int8), crisis_domain=np.full(n, -1, np.int8),
        patience=np.zeros(n, np.float32), follow_up=np.zeros(n, np.float32))


@dataclass
class _Moves:
    """Where a census moves rows.

    Each old row's new row (-1: gone); below `first_away` the households kept, in the old rows'
    order; from it, one row each for those who left home (old and new rows of those listed
    apart); then newcomers. `arrived` are the new rows of newborns and newcomers, `n_new` all.
    """

    new_row: np.ndarray
    first_away: int
    old_away: np.ndarray
    rows_away: np.ndarray
    arrived: np.ndarray
    n_new: int

    @classmethod
    def of(cls, new_row: np.ndarray, first_away: int, arrived: np.ndarray, n_new: int) -> _Moves:
        """List those who left home apart: their new rows do not follow the old rows' order."""
        old_away = np.flatnonzero(new_row >= first_away)
        return cls(new_row, first_away, old_away, new_row[old_away], arrived, n_new)

    @property
    def n_old(self) -> int:
        """Rows in the old layout."""
        return self.new_row.size


HEADROOM = 0.02  # spare rows laid out with the state, so that a census that adds residents still moves in place


def _own_pages(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An empty array on memory mapped for it alone, given back to the system when the array goes.

    The state's arrays are laid out afresh each year, a little larger or smaller. From the C
    heap (where arrays up to 32 MiB may come from) the freed old ones leave holes the new ones do
    not fit, and the heap grew by about 0.2 GB over ten years of a 1M-resident city (peak 1.06 to
    1.18 GB); on pages of their own it does not.
    """
    count = int(np.prod(shape))
    pages = mmap.mmap(-1, max(1, count * np.dtype(dtype).itemsize), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    return np.frombuffer(pages, dtype, count).reshape(shape)


def _pages_of(a: np.ndarray) -> np.ndarray | None:
    """The whole array from `_own_pages` whose first rows `a` is, or None (an array of its own)."""
    whole = a.base
    if (isinstance(whole, np.ndarray) and isinstance(whole.base, memoryview) and isinstance(whole.base.obj, mmap.mmap)
            and whole.ctypes.data == a.ctypes.data):
        return whole.reshape((-1,) + a.shape[1:])
    return None


def _moved(fields: dict[str, np.ndarray], blank, moves: _Moves) -> dict:
    """A group's arrays in the new layout, one at a time: moved row by row, the new rows as `blank` (one row) has it.

    Each array is popped from `fields`. Where its pages have room for the new rows, the rows
    move within them (no second copy of the state, no fresh pages to fault in); otherwise to
    new pages with some room to spare, and the old array is let go once moved. An array that is
    not per resident (the case counter) is kept as it is.
    """
    n_old, n_new, out = moves.n_old, moves.n_new, {}
    for name in list(fields):
        a = fields.pop(name)
        if a.shape[:1] != (n_old,):
            out[name] = a
            continue
        whole = _pages_of(a)
        if whole is not None and whole.shape[0] >= max(n_old, n_new):
            away = a[moves.old_away]  # those who left home: out of the way before the others move
            move_rows_in_place(whole[:max(n_old, n_new)].reshape(max(n_old, n_new), -1),
                               moves.new_row, moves.first_away)
            b = whole[:n_new]
            b[moves.rows_away] = away
        else:
            b = _own_pages((int(n_new * (1 + HEADROOM)),) + a.shape[1:], a.dtype)[:n_new]
            move_rows(a.reshape(n_old, -1), b.reshape(n_new, -1), moves.new_row)
        b[moves.arrived] = getattr(blank, name)[0]  # every other row was moved
        out[name] = b
        del a
    return out
