"""What a municipality does when its spending runs ahead of its budget: stricter access or a waiting list.

Both engines hand `Access.week` each recorded week's spending per payer and take back how much
stricter access is: a payer whose spending since the start of the recorded year exceeds the
budget pro rata tightens by `tighten_per_week` (up to `tighten_most`), and relaxes by as much
once back under it. Wmo overspending raises the threshold for granting a provision; Jeugdwet or
Participatiewet overspending raises the threshold for referring to specialist care.

With a waiting list instead, a Wmo provision granted while Wmo spending runs ahead is held
(`Access.holding`); after each recorded week the held ones start, in the order granted, as far
as the year's budget left pays for them to the end of the year (`Access.releasable`).
"""

from __future__ import annotations

import numpy as np

from sim.scenario import Budgets

WEEKS_PER_YEAR = 52


class Access:
    """The tightening of access a municipality applies, from its budgets and the spending so far."""

    def __init__(self, budgets: Budgets, population: int):
        """Budgets per payer (EUR per resident per year) for a population of this size."""
        self.per_week = {p: v * population / WEEKS_PER_YEAR for p, v in budgets.per_payer().items()}
        stricter = budgets.overspend == "stricter_access"  # the other responses leave access as it is
        self.step = (budgets.tighten_per_week or 0.0) if stricter else 0.0
        self.most = (budgets.tighten_most or 0.0) if stricter else 0.0
        self.spent = dict.fromkeys(self.per_week, 0.0)
        self.extra = dict.fromkeys(self.per_week, 0.0)
        self.weeks = 0
        self.waiting_list = budgets.overspend == "waiting_list"
        self.holding = False  # provisions granted now are held (waiting list, Wmo spending ahead)

    def week(self, recorded_week: int, spending: dict[str, float]) -> tuple[float, float]:
        """Count a recorded week's spending per payer; returns (extra provision threshold, extra referral threshold)."""
        if recorded_week % WEEKS_PER_YEAR == 0:  # a new budget year
            self.spent = dict.fromkeys(self.per_week, 0.0)
            self.weeks = 0
        self.weeks += 1
        for payer, per_week in self.per_week.items():
            self.spent[payer] += spending[payer]
            ahead = self.spent[payer] > per_week * self.weeks
            self.extra[payer] = min(self.most, self.extra[payer] + self.step) if ahead else max(
                0.0, self.extra[payer] - self.step)
            if payer == "wmo":
                self.holding = self.waiting_list and ahead
        return self.extra.get("wmo", 0.0), max(self.extra.get("jeugdwet", 0.0), self.extra.get("participatiewet", 0.0))


    def releasable(self, weekly_costs: np.ndarray) -> int:
        """How many held provisions (their weekly costs, in the order granted) the Wmo budget left this year pays.

        Each released provision is paid to the end of the budget year; none while spending runs ahead.
        """
        if self.holding or not weekly_costs.size:
            return 0
        left = self.per_week["wmo"] * self.weeks - self.spent["wmo"]
        weeks_left = max(1, WEEKS_PER_YEAR - self.weeks)
        return int(np.searchsorted(np.cumsum(weekly_costs) * weeks_left, left, side="right"))


def with_access(p, extra: tuple[float, float], hold: bool = False):
    """Kernel parameters `p` (CoreParams) with the extra strictness on the provision and referral thresholds.

    A threshold is a share: it rises to 1 at most. With `hold`, provisions granted wait on the
    waiting list. Both engines call this with the scenario's parameters.
    """
    return p._replace(provision_threshold=min(1.0, p.provision_threshold + extra[0]),
                      referral_threshold=min(1.0, p.referral_threshold + extra[1]), hold_provisions=hold)
