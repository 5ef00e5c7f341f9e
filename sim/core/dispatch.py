"""The stage kernels called through one Numba handle on the run, so that a weekly call costs microseconds.

Numba types every argument of every call: a NamedTuple of arrays is typed in Python, element by
element (~20 µs for the State, ~15 µs for the parameters, ~10 µs for the week's counts), and each
np.random.Generator is unboxed through ctypes (~20 µs; the onset stage takes three). At 20,000
residents that was about a sixth of the model's week. `Run` holds what a run's kernels are always
handed (state, staff, routing, parameters, onset rates, random streams, and the counts they fill)
on the Numba side, made once per model; the calls here take it and hand the kernels its fields,
so a call types one handle and the few arrays that change from week to week. The generators in
`Run` are the model's own: draws from Python (the providers' admissions) and from the kernels
advance the same streams, as before.

These calls compile the kernels into themselves, and Numba's on-disk cache only checks the file
of the function it caches: their cache key also carries a hash of every file in sim/core, so
that editing a kernel recompiles them.
"""

import hashlib
from pathlib import Path

import numpy as np
from numba import njit
from numba.core import types
from numba.core.caching import FunctionCache
from numba.experimental import structref

from sim.core import rules
from sim.core.casework import (
    assign_cases,
    casework_stage,
    crowding,
    give_up,
    leave_resolved,
    loket_stage,
    plan_hours,
    refresh_free,
)
from sim.core.household import household_stage
from sim.core.problems import onset_stage
from sim.core.record import record_stage
from sim.core.rows import busy_rows
from sim.core.signals import signal_stage
from sim.core.specialist import admit as admit_stage
from sim.core.streams import Streams

SOURCES = hashlib.sha256(b"".join(f.read_bytes() for f in sorted(Path(__file__).parent.glob("*.py")))).hexdigest()


@structref.register
class RunType(types.StructRef):
    """Numba's type of a `Run`."""

    def preprocess_fields(self, fields):
        """Store plain types, not literal ones."""
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class Run(structref.StructRefProxy):
    """A run's state, staff, routing, parameters (`p`), onset rates, `Streams` and week counts, held by Numba."""


structref.define_proxy(Run, RunType, ["state", "staff", "routing", "p", "rates", "streams", "counts"])


class _KernelCache(FunctionCache):
    """Numba's on-disk cache, with the sources of sim/core in the key (the calls compile the kernels in)."""

    def _index_key(self, sig, codegen):
        return (*super()._index_key(sig, codegen), SOURCES)


def _call(fn):
    """Compile a call like a kernel (no GIL, cached), keyed on the kernels' sources."""
    compiled = njit(nogil=True)(fn)
    compiled._cache = _KernelCache(fn)  # what njit(cache=True) sets up, with the key above
    return compiled


@njit(cache=True)
def _bind(state, staff, routing, p, rates, streams, counts):
    """A new Run (compiled once and cached: Run's own constructor would compile in every process)."""
    return Run(state, staff, routing, p, rates, streams, counts)


def bind(state, staff, routing, p, rates, streams: dict[str, np.random.Generator], counts) -> Run:
    """The Run of one model: its state groups, parameters, onset rates, named random streams and WeekCounts."""
    return _bind(state, staff, routing, p, rates, Streams(*(streams[name] for name in Streams._fields)), counts)


@_call
def onsets(run, t, busy):
    """Week t's onsets (problems.onset_stage), then the busy rows into `busy` (rows.busy_rows); returns how many."""
    s = run.state
    onset_stage(t, s, run.rates, run.p, run.streams, run.counts)
    return busy_rows(s.people.n_active, s.cases.state, busy)


@_call
def signals(run, t, rows, outreach_rate, out):
    """signals.signal_stage: residents queued, and referred past the team, listed in `out`; returns both counts."""
    return signal_stage(t, rows, run.state, outreach_rate, run.p, run.streams, run.counts, out)


@_call
def loket(run, t, order, out):
    """casework.loket_stage: the counter's cases; returns (referrals, closures) written to `out`."""
    return loket_stage(t, order, run.state, run.p, run.streams.durations, out, run.counts)


@_call
def leave_resolved_queue(run, queue, out):
    """casework.leave_resolved: residents whose problems resolved leave the waiting list; returns how many."""
    return leave_resolved(queue, run.state, out, run.counts)


@_call
def give_up_queue(run, t, queue, out):
    """casework.give_up: residents whose patience ran out leave the waiting list; returns how many."""
    return give_up(t, queue, run.state, run.p, out, run.counts)


@_call
def assign(run, t, order):
    """casework.refresh_free, then casework.assign_cases: queued residents, in `order`, get a free slot."""
    refresh_free(run.staff, run.p)
    assign_cases(t, order, run.state, run.staff, run.routing, run.p, run.counts)


@_call
def hours(run, team_residents, serves, reach):
    """Members' hours (casework.crowding, casework.plan_hours), then the outreach signal rate per (nbh, group).

    Each team's outreach hours give it a rate (rules.outreach_rate) for the (neighbourhood, group)
    cells it `serves`; `reach` gets their sum times the knowledge factor. The sums run in the order
    of the NumPy code this replaces (np.bincount over members, np.einsum over teams), bit for bit.
    """
    staff, p = run.staff, run.p
    crowding(run.state, staff, p)
    plan_hours(staff, p)
    n_teams, n_nbh, n_groups = serves.shape
    hours_of = np.zeros(n_teams)
    for m in range(staff.team.shape[0]):
        hours_of[staff.team[m]] += staff.outreach[m]
    reach[:, :] = 0.0
    for team in range(n_teams):
        rate = rules.outreach_rate(p.outreach_per_hour_per_1000, hours_of[team], team_residents[team])
        for k in range(n_nbh):
            for g in range(n_groups):
                reach[k, g] += rate * serves[team, k, g]
    for k in range(n_nbh):
        for g in range(n_groups):
            reach[k, g] *= p.outreach_knowledge


@_call
def households(run, t, volunteer_left):
    """household.household_stage: informal care, then each problem's course."""
    household_stage(t, run.state, run.staff, volunteer_left, run.p, run.streams.informal, run.counts)


@_call
def casework(run, t, rows, out):
    """casework.casework_stage: refer, grant and close; returns (referrals, closures) written to `out`."""
    return casework_stage(t, rows, run.state, run.staff, run.p, run.streams.durations, out, run.counts)


@_call
def record(run, t, rows, residents, over_norm_weeks):
    """record.record_stage: the stocks at the end of week t."""
    record_stage(t, rows, residents, run.state, run.p, over_norm_weeks, run.counts)


@_call
def admit(run, t, queue, free, rate):
    """specialist.admit: one provider's admissions; returns its new waiting list and the waits of those admitted."""
    return admit_stage(t, queue, run.state.problems, free, rate, run.streams.durations)
