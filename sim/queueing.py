"""Queueing theory for the queue-only check: Erlang C and A, and the exact weekly-step queues.

The model steps in weeks: arrivals of a week (Poisson, rate lam) join the queue before the
week's intake, each case in service ends at the end of a week with probability mu
(geometric, mean 1/mu weeks), and a freed slot is used at the next week's intake. The
stationary law of that discrete-time chain gives the model's exact expected waits; its
difference from Erlang C (continuous time, same lam and mu) is the discretisation bound.

With patience (residents stop waiting at a weekly hazard theta), the queue is M/M/N+M:
Erlang A (Palm) in continuous time, and a weekly chain in which each resident still
waiting after a week's intake leaves with probability 1 - exp(-theta).
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
    """Mean wait (weeks, of every arrival, by Little's law), probability of waiting, mean queue, share abandoned."""

    mean_wait: float
    p_wait: float
    mean_queue: float
    p_abandon: float = 0.0


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
    pi = _stationary(trans)
    x = np.arange(size)[:, None]
    a = np.arange(a_max + 1)[None, :]
    joint = pi[:, None] * p_a[None, :]
    mean_queue = float((joint * np.maximum(0, x + a - servers)).sum())
    return QueueFigures(mean_queue / lam, _p_wait(joint, servers, lam), mean_queue)


def _stationary(trans: np.ndarray) -> np.ndarray:
    """The stationary law of a Markov chain with transition matrix `trans`."""
    size = trans.shape[0]
    lhs = trans.T - np.eye(size)
    lhs[-1, :] = 1.0
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    pi = np.clip(np.linalg.solve(lhs, rhs), 0.0, None)
    return pi / pi.sum()


def _p_wait(joint: np.ndarray, servers: int, lam: float) -> float:
    """Share of arrivals that find no free slot, from the joint law of (state x, arrivals a) of a week."""
    x = np.arange(joint.shape[0])[:, None]
    a = np.arange(joint.shape[1])[None, :]
    return float((joint * (a - np.minimum(a, np.maximum(0, servers - x)))).sum()) / lam


def erlang_a(servers: int, lam: float, mu: float, theta: float, tail: float = 1e-13) -> QueueFigures:
    """M/M/N+M (Erlang A) in continuous time, from its birth-death chain.

    Deaths in state n: min(n, N) mu services plus max(0, n - N) theta abandonments. An
    arrival waits if it finds all servers busy (PASTA); Lq = sum (n - N) pi_n; the mean
    wait of all arrivals is Lq / lam and the share that abandons theta Lq / lam.
    """
    if theta <= 0.0:
        raise ValueError(f"patience rate theta {theta}: allowed range > 0 (use erlang without abandonment)")
    weights = [1.0]
    n = 0
    while True:  # pi_n / pi_0, until the terms are negligible past the servers
        n += 1
        weights.append(weights[-1] * lam / (min(n, servers) * mu + max(0, n - servers) * theta))
        if n > servers and weights[-1] < tail * sum(weights):
            break
    pi = np.array(weights) / sum(weights)
    states = np.arange(pi.size)
    queue = float((np.maximum(0, states - servers) * pi).sum())
    return QueueFigures(queue / lam, float(pi[servers:].sum()), queue, theta * queue / lam)


def weekly_chain_abandonment(servers: int, lam: float, mu: float, theta: float, tail: float = 1e-12) -> QueueFigures:
    """The exact stationary figures of the weekly-step queue with patience (see the module docstring).

    State x: residents in the system at the end of a week. A week: a ~ Poisson(lam) arrive,
    min(N, x + a) are in service, the q others wait; each waiting one leaves with probability
    1 - exp(-theta), each in service ends with probability mu. The queue at the end of the
    week is q less those who left.
    """
    leave = 1.0 - np.exp(-theta)
    a_max = int(stats.poisson.isf(tail, lam)) + 1
    p_a = stats.poisson.pmf(np.arange(a_max + 1), lam)
    size = servers + int(stats.poisson.isf(tail, lam / leave)) + a_max + 10  # the queue is bounded by patience
    trans = np.zeros((size, size))
    mean_queue = np.zeros((size, a_max + 1))
    mean_left = np.zeros((size, a_max + 1))
    for x in range(size):
        for a, pa in enumerate(p_a):
            n = min(x + a, size - 1)
            s = min(servers, n)
            q = n - s
            gone = np.convolve(stats.binom.pmf(np.arange(q + 1), q, leave), stats.binom.pmf(np.arange(s + 1), s, mu))
            trans[x, n - np.arange(gone.size)] += pa * gone
            mean_queue[x, a] = q * (1.0 - leave)
            mean_left[x, a] = q * leave
    pi = _stationary(trans)
    joint = pi[:, None] * p_a[None, :]
    queue, left = float((joint * mean_queue).sum()), float((joint * mean_left).sum())
    return QueueFigures(queue / lam, _p_wait(joint, servers, lam), queue, left / lam)
