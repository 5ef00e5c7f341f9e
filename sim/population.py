"""Synthetic residents and households for each neighbourhood of a scenario.

Age bands are filled to the neighbourhood's published shares exactly (largest remainder);
every household has an adult, and minors live with an adult aged 23-64 where one exists.
"""

import numpy as np

from sim.core.state import NO_WEEK, Households, People, State, no_problems
from sim.domains import AGE_ADULT, AGE_MINOR, N_AGE_BANDS
from sim.scenario import Neighbourhood, Residents, Scenario


def band_counts(shares: list[float], n: int) -> np.ndarray:
    """Residents per age band summing to n, by largest remainder."""
    raw = np.asarray(shares) / sum(shares) * n
    counts = np.floor(raw).astype(np.int64)
    short = n - counts.sum()
    counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


def households(nbh: Neighbourhood, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Ages and household labels for one neighbourhood, members not yet contiguous."""
    ages = np.repeat(np.arange(N_AGE_BANDS, dtype=np.int8), band_counts(nbh.age_shares, nbh.residents))
    rng.shuffle(ages)
    adults = np.flatnonzero(ages != AGE_MINOR)
    if adults.size == 0:  # a neighbourhood of minors only still needs households
        adults = np.arange(ages.size)
    n_hh = int(min(adults.size, max(1, round(nbh.residents / nbh.household_size))))
    label = np.full(ages.size, -1, np.int64)
    label[adults[:n_hh]] = np.arange(n_hh)
    rest = np.flatnonzero(label < 0)
    parents = np.flatnonzero(ages[adults[:n_hh]] == AGE_ADULT)
    minors = rest[ages[rest] == AGE_MINOR]
    others = rest[ages[rest] != AGE_MINOR]
    homes_for_minors = parents if parents.size else np.arange(n_hh)
    label[minors] = homes_for_minors[rng.integers(0, homes_for_minors.size, minors.size)]
    label[others] = rng.integers(0, n_hh, others.size)
    return ages, label


def traits(res: Residents, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Own capacity (resilience) and help seeking of n residents; care avoiders seek help less."""
    resilience = np.clip(rng.normal(res.resilience_mean, res.resilience_sd, n), 0.05, None).astype(np.float32)
    avoider = rng.random(n) < res.care_avoider_share
    help_seek = res.help_seeking_mean * rng.gamma(4.0, 0.25, n)
    help_seek[avoider] *= res.care_avoider_help_seeking
    return resilience, help_seek.astype(np.float32)


def generate(scenario: Scenario, rng: np.random.Generator) -> State:
    """Build the start state: residents without problems, households with carer networks."""
    res = scenario.residents
    parts_age, parts_hh, parts_nbh = [], [], []
    offset = 0
    for k, nbh in enumerate(scenario.neighbourhoods):
        ages, label = households(nbh, rng)
        order = np.argsort(label, kind="stable")
        parts_age.append(ages[order])
        parts_hh.append(label[order] + offset)
        parts_nbh.append(np.full(ages.size, k, np.int32))
        offset += int(label.max()) + 1
    age = np.concatenate(parts_age)
    hh = np.concatenate(parts_hh).astype(np.int32)
    nbh_of = np.concatenate(parts_nbh)
    n, n_hh = age.size, offset
    hh_start = np.searchsorted(hh, np.arange(n_hh + 1)).astype(np.int64)

    resilience, help_seek = traits(res, n, rng)
    carers = rng.poisson(scenario.informal.carers_per_household, n_hh).astype(np.int32)

    cases, problems = no_problems(n)
    people = People(
        nbh=nbh_of,
        hh=hh,
        age=age,
        group=(nbh_of * N_AGE_BANDS + age).astype(np.int32),
        resilience=resilience,
        help_seek=help_seek,
        next_onset=np.zeros(n, np.int32),
        n_active=np.zeros(n, np.int8),
        strain=np.zeros(n, np.float32),
        deficit=np.zeros(n, np.float32),
        inf_hours=np.zeros(n, np.float32),
        urgent=np.zeros(n, np.int8),
        crisis_domain=np.full(n, -1, np.int8),
        patience=np.zeros(n, np.float32),
        follow_up=np.zeros(n, np.float32),
    )
    homes = Households(
        start=hh_start,
        nbh=nbh_of[hh_start[:-1]],
        cases=np.zeros(n_hh, np.int32),
        carers=carers.copy(),
        carers_start=carers,
        willingness=np.ones(n_hh),
        sustained=np.zeros(n_hh, np.int32),
        rejoin=np.full(n_hh, NO_WEEK, np.int32),
    )
    return State(people, cases, problems, homes)
