"""The week's counts turned into the output tables: per neighbourhood, totals, and case events.

Column names and units are declared once in sim.tables; this module fills them. A recorded
week costs one copy of its counts block (and the team's hours); the columns are computed
for all weeks at once when a table is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core import record
from sim.core.counts import WeekCounts, block_of, block_size, counts_view
from sim.core.state import NO_WEEK
from sim.demography import COUNTS
from sim.designs.teams import spread
from sim.domains import (
    AGE_BANDS,
    C_NONE,
    C_QUEUED,
    DEMOGRAPHIC_OUTCOMES,
    DOMAINS,
    GROUP_MINORS,
    GROUP_OTHERS,
    JOURNEY,
    OUT_OPEN,
    OUTCOMES,
    PAYERS,
    PROVIDERS,
    PROVISIONS,
    ROUTES,
    SUPPORTS,
    WMO,
)
from sim.tables import BAND_COLUMNS, payer_of_specialist, team_cost_per_hour

POPULATION_COLUMNS = (*BAND_COLUMNS, "households", *COUNTS)  # recorded per week and neighbourhood with demography

# Case fields kept when a case closes.
CASE_FIELDS = ("id", "route", "priority", "domains", "onset", "queue", "state", "start", "sev", "support",
               "inf_hours", "ref_week", "ref_provider")
PERSON_FIELDS = ("hh", "nbh", "age")  # who the resident of a case is (household id), kept when it closes
WORKED = ("casework", "coordination", "outreach")  # the team's weekly hours by activity (Staff fields)


@dataclass
class StaffLayout:
    """The teams from one recorded week on (a reorganisation starts a new layout): what their hours cost and where.

    `worked` holds the members' hours by activity of each week recorded under this layout.
    """

    first: int  # index of the first recorded week under this layout
    staff_team: np.ndarray
    team_share: np.ndarray
    contracted: np.ndarray  # contracted hours per neighbourhood
    hours_per_fte: float
    hourly_rate: float
    welfare_per_resident: float
    worked: np.ndarray  # (weeks, activity, member)


class Recorder:
    """Collects weekly counts and closed cases; builds the tables from them."""

    def __init__(self, model):
        """Remember the model; costs and names come from its scenario and design, rows are kept for its weeks."""
        self.model = model
        sc = model.spec
        self.provision_cost = np.array([sc.provisions.household_help.cost_per_week,
                                        sc.provisions.support_at_home.cost_per_week])
        self.provider_cost = np.array([sc.provider(k).cost_per_week for k in range(len(PROVIDERS))])
        self.crisis_cost = sc.costs.crisis_cost
        self.n_nbh = model.residents_per_nbh.size
        self.n_weeks = 0  # weeks recorded so far
        weeks = max(1, sc.meta.weeks)
        self._counts = np.empty((weeks, block_size(self.n_nbh)), np.int64)  # one counts block per recorded week
        self._week = np.empty(weeks, np.int64)
        self._cases: list[tuple[np.ndarray, ...]] = []  # per closing: resident, outcome, closure week, CASE_FIELDS
        self.layouts: list[StaffLayout] = []
        self.new_staff()
        self._residents = np.empty((weeks, self.n_nbh), np.int64)  # residents per week (demography changes them)
        # with demography: residents per age band, households and the census's counts, per week and neighbourhood
        self._population = (np.zeros((weeks, len(POPULATION_COLUMNS), self.n_nbh), np.int64)
                            if sc.demography is not None else None)
        # with a projection: what it asks for per band, each neighbourhood its share of the residents
        self._projected = (np.zeros((weeks, len(BAND_COLUMNS), self.n_nbh))
                           if sc.demography is not None and sc.demography.projection is not None else None)
        budgets = sc.budgets  # with a municipal waiting list for provisions, its length per week and neighbourhood
        self._waiting = (np.zeros((weeks, self.n_nbh), np.int64)
                         if budgets is not None and budgets.overspend == "waiting_list" else None)

    def new_staff(self) -> None:
        """Record the model's teams as they are from now on (at the start, and after a reorganisation)."""
        m, sc = self.model, self.model.spec
        weeks = max(1, sc.meta.weeks - self.n_weeks)
        self.layouts.append(StaffLayout(
            first=self.n_weeks, staff_team=m.staff.team.copy(), team_share=m.team_share,
            contracted=m.per_neighbourhood(m.staff.hours), hours_per_fte=m.design.hours_per_fte,
            hourly_rate=team_cost_per_hour(sc.costs, m.design),
            welfare_per_resident=m.design.welfare_hours_per_1000 / 1000 * sc.costs.welfare_cost_per_hour,
            worked=np.empty((weeks, len(WORKED), m.staff.hours.size))))  # hours by activity per member

    def add_week(self, c: WeekCounts) -> None:
        """Keep one week's counts (made by `week_counts`) and the team members' hours by activity."""
        m, w, layout = self.model, self.n_weeks, self.layouts[-1]
        if w == self._week.size:  # a model stepped past its planned weeks: double the room
            self._counts, self._week, self._residents = (np.concatenate([a, np.empty_like(a)])
                                                         for a in (self._counts, self._week, self._residents))
            self._waiting, self._population, self._projected = (
                None if a is None else np.concatenate([a, np.zeros_like(a)])
                for a in (self._waiting, self._population, self._projected))
        if w - layout.first == layout.worked.shape[0]:
            layout.worked = np.concatenate([layout.worked, np.empty_like(layout.worked)])
        self._counts[w] = block_of(c)
        layout.worked[w - layout.first] = [getattr(m.staff, name) for name in WORKED]
        self._residents[w] = m.residents_per_nbh
        if self._population is not None:
            self._population[w] = np.concatenate([m.band_residents.T, m.households_per_nbh[None], m.census_counts])
        if self._projected is not None:
            self._projected[w] = np.outer(m.projected_bands, m.residents_per_nbh / m.residents_per_nbh.sum())
        self._week[w] = m.week - m.spec.meta.burn_in_weeks
        self.n_weeks += 1

    def _columns(self) -> dict[str, np.ndarray]:
        """Per-neighbourhood columns of every recorded week, one row per week and neighbourhood."""
        n = self.n_weeks
        c = counts_view(self._counts[:n], self.n_nbh)  # every field with a leading week axis

        def weekly(a: np.ndarray) -> np.ndarray:
            """A value per neighbourhood, the same in every week."""
            return np.broadcast_to(a, (n, self.n_nbh))

        res = self._residents[:n]
        col: dict[str, np.ndarray] = {"week": weekly(self._week[:n, None]),
                                      "neighbourhood": weekly(np.arange(self.n_nbh)), "residents": res}
        for d, name in enumerate(DOMAINS):
            col[f"prevalence_{name}"] = c.prevalence[:, :, d] / res
            col[f"onsets_{name}"] = c.onsets[:, :, d]
        col["self_reliant_share"] = c.self_reliant / res
        for r, name in enumerate(ROUTES):
            col[f"signals_{name}"] = c.signals[:, :, r]
        col["new_cases"] = c.signals.sum(axis=2)
        col["new_cases_waiting"] = c.waiting_signals
        col["queue_length"] = c.journeys[:, :, record.J_WAITING]
        col["intakes"] = c.intakes
        col["loket_cases"] = c.loket
        col["left_queue_resolved"] = c.left_resolved
        col["gave_up_waiting"] = c.gave_up
        col["intake_wait_weeks"] = c.wait_weeks
        col["open_cases"] = c.journeys[:, :, record.J_CASE]
        col["bridged_cases"] = c.bridged
        col["staff_fte"] = self._by_layout(lambda x: x.contracted / x.hours_per_fte)
        col["hours_contracted"] = self._by_layout(lambda x: x.contracted)
        worked = np.concatenate([spread(x.worked[:last - x.first], x.staff_team, x.team_share)
                                 for x, last in self._layout_ends()])  # (week, activity, neighbourhood)
        for j, name in enumerate(WORKED):
            col[f"hours_{name}"] = worked[:, j]
        col["informal_hours"] = c.informal_hours
        col["volunteer_hours"] = c.volunteer_hours
        col["carers"] = c.carers
        col["carers_overburdened"] = c.overburdened
        col["carer_dropouts"] = c.dropouts
        for k, name in enumerate(PROVIDERS):
            col[f"referrals_{name}"] = c.referrals[:, :, k]
            col[f"waiting_{name}"] = c.waiting_specialist[:, :, k]
            col[f"in_treatment_{name}"] = c.in_treatment[:, :, k, :].sum(axis=2)
        col["direct_referrals_youth_care"] = c.direct_referrals
        for k, name in enumerate(PROVISIONS):
            col[f"granted_{name}"] = c.provisions_granted[:, :, k]
            col[f"provisions_{name}"] = c.provisions[:, :, k]
        if self._waiting is not None:
            col["waiting_provisions"] = self._waiting[:n]
        if self._population is not None:
            for j, name in enumerate(POPULATION_COLUMNS):
                col[name] = self._population[:n, j]
        if self._projected is not None:
            for j, name in enumerate(BAND_COLUMNS):
                col[f"projected_{name}"] = self._projected[:n, j]
        col["crises"] = c.crises
        col["child_protection_measures"] = c.child_protection
        col["client_households"] = c.client_households
        col["professionals"] = c.professionals
        col["multiproblem_households"] = c.multi_households
        col["professionals_multiproblem"] = c.multi_professionals
        for j, name in enumerate(JOURNEY):
            col[f"journey_{name}"] = c.journeys[:, :, j]
        self._costs(col, c)
        return {name: a.reshape(-1) for name, a in col.items()}

    def note_waiting(self, per_nbh: np.ndarray) -> None:
        """The residents on the municipality's waiting list for provisions at the end of the last recorded week."""
        self._waiting[self.n_weeks - 1] = per_nbh

    def _layout_ends(self) -> list[tuple[StaffLayout, int]]:
        """Each staff layout with the index after its last recorded week."""
        ends = [x.first for x in self.layouts[1:]] + [self.n_weeks]
        return list(zip(self.layouts, ends, strict=True))

    def _by_layout(self, value) -> np.ndarray:
        """A (week, neighbourhood) array of `value(layout)` for the weeks recorded under each staff layout."""
        return np.concatenate([np.broadcast_to(value(x), (last - x.first, self.n_nbh))
                               for x, last in self._layout_ends()])

    def last_week_costs(self) -> dict[str, float]:
        """The last recorded week's spending per payer (EUR, all neighbourhoods), for a budget's response."""
        last, layout = self.n_weeks - 1, self.layouts[-1]
        col = {"hours_contracted": layout.contracted[None], "residents": self.model.residents_per_nbh[None]}
        self._costs(col, counts_view(self._counts[last:last + 1], self.n_nbh), [layout])
        return {name: float(col[f"cost_{name}"].sum()) for name in PAYERS}

    def _costs(self, col: dict[str, np.ndarray], c: WeekCounts, layouts: list[StaffLayout] | None = None) -> None:
        """Costs by category and by payer: hours and counts times unit costs (per week and neighbourhood).

        The team's hourly rate and the welfare shell's cost are those of each week's staff layout
        (`layouts`: one for all weeks given, else those recorded).
        """
        payer = np.zeros(c.crises.shape + (len(PAYERS),))
        if layouts is None:
            hourly, welfare = (self._by_layout(lambda x, f=f: np.full(self.n_nbh, getattr(x, f)))
                               for f in ("hourly_rate", "welfare_per_resident"))
        else:
            hourly, welfare = layouts[0].hourly_rate, layouts[0].welfare_per_resident
        col["cost_team"] = col["hours_contracted"] * hourly
        payer[..., WMO] += col["cost_team"]
        col["cost_provisions"] = np.stack([week @ self.provision_cost for week in c.provisions])  # BLAS, week by week
        payer[..., WMO] += col["cost_provisions"]
        col["cost_welfare"] = col["residents"] * welfare
        payer[..., WMO] += col["cost_welfare"]
        spec = np.zeros(c.crises.shape)
        for prov in range(len(PROVIDERS)):
            for group in (GROUP_OTHERS, GROUP_MINORS):
                euros = c.in_treatment[:, :, prov, group] * self.provider_cost[prov]
                spec += euros
                payer[..., payer_of_specialist(prov, group == GROUP_MINORS)] += euros
        col["cost_specialist"] = spec
        col["cost_crisis"] = c.crises * self.crisis_cost
        payer += c.crisis_payer * self.crisis_cost
        for j, name in enumerate(PAYERS):
            col[f"cost_{name}"] = payer[..., j]
        col["cost_total"] = col["cost_team"] + col["cost_provisions"] + col["cost_welfare"] + spec + col["cost_crisis"]

    @property
    def totals_extra(self) -> list[dict[str, float]]:
        """Per recorded week: specialist admissions, their mean wait, and waiters beyond the Treeknorm, per provider."""
        c = counts_view(self._counts[:self.n_weeks], self.n_nbh)
        return [self._provider_week(*week) for week in zip(c.admissions, c.admission_wait_weeks, c.waiting_over_norm,
                                                            strict=True)]

    @staticmethod
    def _provider_week(admissions: np.ndarray, wait_weeks: np.ndarray, over_norm: np.ndarray) -> dict[str, float]:
        """One week's admissions, mean wait and waiters beyond the Treeknorm, per provider."""
        out: dict[str, float] = {}
        for k, name in enumerate(PROVIDERS):
            out[f"admissions_{name}"] = int(admissions[k])
            n = admissions[k]
            out[f"mean_wait_{name}"] = wait_weeks[k] / n if n else np.nan
            out[f"waiting_over_norm_{name}"] = int(over_norm[k])
        return out

    def close_cases(self, rows: np.ndarray, outcome: np.ndarray, week: int) -> None:
        """Keep the case record of residents whose case closed this week."""
        if rows.size:
            self._cases.append(self._case_fields(rows, outcome, np.full(rows.size, week)))

    def finish(self) -> None:
        """Keep the cases still open at the end of the run."""
        rows = np.flatnonzero(self.model.state.cases.state != C_NONE)
        self._cases.append(self._case_fields(rows, np.full(rows.size, OUT_OPEN), np.full(rows.size, NO_WEEK)))

    def _case_fields(self, rows: np.ndarray, outcome: np.ndarray, closed: np.ndarray) -> tuple[np.ndarray, ...]:
        """The given residents' case as it is now: resident id, outcome, closure week, PERSON_FIELDS, CASE_FIELDS.

        Who the resident is (household, neighbourhood, age band) is taken now too: a census moves rows.
        """
        m = self.model
        ca, pe = m.state.cases, m.state.people
        person = (m.household_id[pe.hh[rows]], pe.nbh[rows], pe.age[rows])  # PERSON_FIELDS
        return (m.resident_id[rows], outcome.copy(), closed, *person,
                *(getattr(ca, name)[rows] for name in CASE_FIELDS))

    def _case_columns(self) -> dict[str, np.ndarray]:
        """Case columns of every kept case (weeks still in model time)."""
        ids, outcome, closed, *fields = (np.concatenate(part) for part in zip(*self._cases, strict=True))
        pe = dict(zip(PERSON_FIELDS, fields, strict=False))
        ca = dict(zip(CASE_FIELDS, fields[len(PERSON_FIELDS):], strict=True))
        return {
            "case_id": ca["id"],
            "resident": ids.astype(np.int64),
            "household": pe["hh"].astype(np.int64),
            "neighbourhood": pe["nbh"].astype(np.int64),
            "age_band": pe["age"],
            "route": ca["route"],
            "priority": ca["priority"] == 1,
            "domains": ca["domains"].astype(np.int64),
            "onset_week": ca["onset"].astype(np.int64),
            "signal_week": ca["queue"].astype(np.int64),
            "intake_week": np.where(ca["state"] != C_QUEUED, ca["start"], NO_WEEK).astype(np.int64),
            "closure_week": closed.astype(np.int64),
            "intake_severity": ca["sev"],
            "support_bits": ca["support"],
            "informal_hours": ca["inf_hours"],
            "referral_week": ca["ref_week"].astype(np.int64),
            "referral_provider": ca["ref_provider"],
            "outcome": outcome.astype(np.int64),
        }

    def neighbourhood_table(self) -> pd.DataFrame:
        """Weekly outcomes per neighbourhood."""
        df = pd.DataFrame(self._columns() if self.n_weeks else {})
        names = [n.name for n in self.model.spec.neighbourhoods]
        if len(df):
            df.insert(2, "neighbourhood_name", pd.Categorical.from_codes(df["neighbourhood"], categories=names))
        return df

    def cases_table(self) -> pd.DataFrame:
        """One row per case, with names for coded fields and nulls for unset weeks."""
        df = pd.DataFrame(self._case_columns()).sort_values("case_id", kind="stable").reset_index(drop=True)
        shift = self.model.spec.meta.burn_in_weeks
        for col in ("onset_week", "signal_week", "intake_week", "closure_week", "referral_week"):
            df[col] = (df[col].astype("Int64") - shift).mask(df[col] == NO_WEEK)
        df["wait_weeks"] = df["intake_week"] - df["signal_week"]
        df["onset_to_signal_weeks"] = df["signal_week"] - df["onset_week"]
        df["age_band"] = pd.Categorical.from_codes(df["age_band"], categories=list(AGE_BANDS))
        df["route"] = pd.Categorical.from_codes(df["route"], categories=list(ROUTES))
        outcomes = OUTCOMES + (DEMOGRAPHIC_OUTCOMES if self.model.spec.demography is not None else ())
        df["outcome"] = pd.Categorical.from_codes(df["outcome"], categories=list(outcomes))
        ref = df["referral_provider"].to_numpy()
        df["referral_provider"] = pd.Categorical.from_codes(np.where(ref < 0, -1, ref), categories=list(PROVIDERS))
        for bit, name in enumerate(SUPPORTS):
            df[f"support_{name}"] = (df["support_bits"] & (1 << bit)) > 0
        df["n_domains"] = [int(x).bit_count() for x in df["domains"]]
        return df.drop(columns=["support_bits"])
