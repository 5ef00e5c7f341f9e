"""Kernel for one specialist provider's week of admissions (the provider agent decides when to call it)."""

import numpy as np
from numba import njit

from sim.core import rules
from sim.domains import P_SPECIALIST, P_WAIT_SPECIALIST

RESIDENT, DOMAIN, REFERRED, URGENT, READY = range(5)  # the columns of a provider's waiting list
COLUMNS = 5


@njit(cache=True, nogil=True)
def admit(t, queue, problems, free, rate, durations_rng):
    """Referrals whose problem resolved leave the list; rules.admission picks who takes a free place.

    `queue` rows are (resident, domain, referral week, urgent, week it may be admitted from:
    after the municipal check, or at once). Admitted problems go into
    treatment until a drawn week. Returns the new waiting list and the waits (weeks) of
    those admitted.
    """
    live = np.empty(queue.shape[0], np.int64)
    n = 0
    for r in range(queue.shape[0]):
        live[n] = r
        n += problems.state[queue[r, RESIDENT], queue[r, DOMAIN]] == P_WAIT_SPECIALIST
    q = np.empty((n, COLUMNS), np.int64)
    for j in range(n):
        q[j] = queue[live[j]]
    order, admitted = rules.admission(q[:, URGENT], q[:, READY], t, free)
    waits = np.empty(admitted.shape[0], np.int64)
    taken = np.zeros(n, np.bool_)
    for a in range(admitted.shape[0]):
        row = q[order[admitted[a]]]
        i, d = row[RESIDENT], row[DOMAIN]
        problems.state[i, d] = P_SPECIALIST
        problems.until[i, d] = t + rules.weeks_until_event(rate, durations_rng.exponential())
        waits[a] = t - row[REFERRED]
        taken[admitted[a]] = True
    rest = np.empty((n - admitted.shape[0], COLUMNS), np.int64)
    r = 0
    for j in range(n):
        if not taken[j]:
            rest[r] = q[order[j]]
            r += 1
    return rest, waits
