"""Queueing theory for the queue-only check: Erlang C and the exact weekly-step queue.

The model steps in weeks: arrivals of a week (Poisson, rate lam) join the queue before the
week's intake, each case in service ends at the end of a week with probability mu
(geometric, mean 1/mu weeks), and a freed slot is used at the next week's intake. The
stationary law of that discrete-time chain gives the model's exact expected waits; its
difference from Erlang C (continuous time, same lam and mu) is the discretisation bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


def erlang_c(servers: int, load: float) -> float:
    """Probability of waiting in M/M/N with offered load A = lam/mu (< servers)."""
    if load >= servers:
        raise ValueError(f"offered load {load} must be below the number of servers {servers}")
    b = 1.0
    for k in range(1, servers + 1):  # Erlang B by recursion, stable for large N
        b = load * b / (k + load * b)
    return servers * b / (servers - load * (1.0 - b))


@dataclass(frozen=True)
class QueueFigures:
    """Mean wait (weeks), probability of waiting, and mean queue length."""

    mean_wait: float
    p_wait: float
    mean_queue: float


def erlang(servers: int, lam: float, mu: float) -> QueueFigures:
    """M/M/N in continuous time: Wq = C / (N mu - lam), Lq = lam Wq."""
    c = erlang_c(servers, lam / mu)
    wq = c / (servers * mu - lam)
    return QueueFigures(wq, c, lam * wq)


def weekly_chain(servers: int, lam: float, mu: float, tail: float = 1e-12) -> QueueFigures:
    """The exact stationary figures of the weekly-step queue (see the module docstring).

    State x: cases in the system at the end of a week. A week: a ~ Poisson(lam) arrive,
    min(N, x + a) are in service, each ends with probability mu. The queue at the end of the
    week is max(0, x + a - N); an arrival waits if it finds no free slot (FIFO).
    """
    a_max = int(stats.poisson.isf(tail, lam)) + 1
    p_a = stats.poisson.pmf(np.arange(a_max + 1), lam)
    size = servers + int(40 * (1 + lam) / max(1e-9, 1 - lam / (servers * mu))) + 50
    trans = np.zeros((size, size))
    for x in range(size):
        for a, pa in enumerate(p_a):
            n = min(x + a, size - 1)
            s = min(servers, n)
            trans[x, n - np.arange(s + 1)] += pa * stats.binom.pmf(np.arange(s + 1), s, mu)
    lhs = trans.T - np.eye(size)
    lhs[-1, :] = 1.0
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    pi = np.clip(np.linalg.solve(lhs, rhs), 0.0, None)
    pi /= pi.sum()
    x = np.arange(size)[:, None]
    a = np.arange(a_max + 1)[None, :]
    joint = pi[:, None] * p_a[None, :]
    queue = np.maximum(0, x + a - servers)
    waiting = a - np.minimum(a, np.maximum(0, servers - x))
    mean_queue = float((joint * queue).sum())
    return QueueFigures(mean_queue / lam, float((joint * waiting).sum()) / lam, mean_queue)
