"""The week's counts per neighbourhood, as one NamedTuple of arrays the kernels fill.

Flows are counted by the stages during the week, stocks by the record kernel at its end;
sim.recorder turns them into the output tables' columns.

The arrays are views of one int64 block (the hours as float64 views of their part of it), so
a week starts by zeroing the block and the recorder keeps a week by copying it.
"""

from typing import NamedTuple

import numpy as np

from sim.domains import DOMAINS, JOURNEY, N_ROUTES, PAYERS, PROVIDERS, PROVISIONS


class WeekCounts(NamedTuple):
    """Flows during one week, then the stocks at its end; K neighbourhoods, P providers."""

    # flows
    onsets: np.ndarray  # (K, D)
    signals: np.ndarray  # (K, routes)
    intakes: np.ndarray  # (K,)
    wait_weeks: np.ndarray  # (K,) summed waits of this week's intakes
    waiting_signals: np.ndarray  # (K,) this week's signals still waiting at its end
    loket: np.ndarray  # (K,) cases handled by the counter
    left_resolved: np.ndarray  # (K,) left the waiting list: problems resolved while waiting
    gave_up: np.ndarray  # (K,) left the waiting list: stopped waiting (patience)
    informal_hours: np.ndarray  # (K,) float
    volunteer_hours: np.ndarray  # (K,) float
    overburdened: np.ndarray  # (K,) carers
    dropouts: np.ndarray  # (K,)
    carers: np.ndarray  # (K,)
    crises: np.ndarray  # (K,)
    child_protection: np.ndarray  # (K,)
    crisis_payer: np.ndarray  # (K, payers)
    referrals: np.ndarray  # (K, P) by the team
    direct_referrals: np.ndarray  # (K,) youth problems referred straight to youth care (GP or medical route)
    provisions_granted: np.ndarray  # (K, provisions)
    completions: np.ndarray  # (P,) treatments finished
    admissions: np.ndarray  # (P,)
    admission_wait_weeks: np.ndarray  # (P,)
    # stocks at the end of the week
    prevalence: np.ndarray  # (K, D)
    journeys: np.ndarray  # (K, journey states)
    self_reliant: np.ndarray  # (K,)
    bridged: np.ndarray  # (K,) team cases open for contact only (no known problem left to work on)
    provisions: np.ndarray  # (K, provisions) running
    in_treatment: np.ndarray  # (K, P, groups) by sim.domains.GROUPS
    waiting_specialist: np.ndarray  # (K, P)
    waiting_over_norm: np.ndarray  # (P,) referrals waiting longer than the Treeknorm
    client_households: np.ndarray  # (K,)
    professionals: np.ndarray  # (K,) distinct professionals in client households
    multi_households: np.ndarray  # (K,) client households with problems in two or more domains
    multi_professionals: np.ndarray  # (K,) professionals in those


SHAPES = {"onsets": ("K", len(DOMAINS)), "signals": ("K", N_ROUTES), "crisis_payer": ("K", len(PAYERS)),
          "referrals": ("K", len(PROVIDERS)), "provisions_granted": ("K", len(PROVISIONS)),
          "completions": (len(PROVIDERS),), "admissions": (len(PROVIDERS),),
          "admission_wait_weeks": (len(PROVIDERS),), "prevalence": ("K", len(DOMAINS)),
          "journeys": ("K", len(JOURNEY)), "provisions": ("K", len(PROVISIONS)),
          "in_treatment": ("K", len(PROVIDERS), 2), "waiting_specialist": ("K", len(PROVIDERS)),
          "waiting_over_norm": (len(PROVIDERS),)}
HOURS = ("informal_hours", "volunteer_hours")


def _shapes(n_nbh: int) -> list[tuple[int, ...]]:
    """Each field's shape for n_nbh neighbourhoods, in field order."""
    return [tuple(n_nbh if s == "K" else s for s in SHAPES.get(name, ("K",))) for name in WeekCounts._fields]


def block_size(n_nbh: int) -> int:
    """Length of the int64 block that holds one week's counts."""
    return sum(int(np.prod(shape)) for shape in _shapes(n_nbh))


def counts_view(block: np.ndarray, n_nbh: int) -> WeekCounts:
    """The counts held in `block` (last axis: one week's block); leading axes, such as weeks, are kept."""
    lead, fields, at = block.shape[:-1], {}, 0
    for name, shape in zip(WeekCounts._fields, _shapes(n_nbh), strict=True):
        size = int(np.prod(shape))
        part = block[..., at:at + size].reshape(lead + shape)
        fields[name] = part.view(np.float64) if name in HOURS else part
        at += size
    return WeekCounts(**fields)


def week_counts(n_nbh: int) -> WeekCounts:
    """Zeroed counts for a municipality of n_nbh neighbourhoods, as views of one new block."""
    return counts_view(np.zeros(block_size(n_nbh), np.int64), n_nbh)


def block_of(counts: WeekCounts) -> np.ndarray:
    """The int64 block that counts made by `week_counts` are views of."""
    return counts.onsets.base
