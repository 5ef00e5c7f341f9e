"""The week's counts turned into the output tables: per neighbourhood, totals, and case events.

Column names and units are declared once in sim.tables; this module fills them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core import record
from sim.core.counts import WeekCounts
from sim.core.state import NO_WEEK
from sim.domains import (
    AGE_BANDS,
    C_NONE,
    C_QUEUED,
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
from sim.tables import payer_of_specialist, team_cost_per_hour


class Recorder:
    """Collects weekly columns and closed cases; builds the tables at the end."""

    def __init__(self, model):
        """Remember the model; costs and names come from its scenario and design."""
        self.model = model
        self.weeks: list[dict[str, np.ndarray]] = []
        self.cases: list[dict[str, np.ndarray]] = []
        self.totals_extra: list[dict[str, float]] = []
        sc, design = model.spec, model.design
        self.hourly_rate = team_cost_per_hour(sc.costs, design)
        self.welfare_per_resident = design.welfare_hours_per_1000 / 1000 * sc.costs.welfare_cost_per_hour
        self.provision_cost = np.array([sc.provisions.household_help.cost_per_week,
                                        sc.provisions.support_at_home.cost_per_week])
        self.provider_cost = np.array([sc.provider(k).cost_per_week for k in range(len(PROVIDERS))])
        self.crisis_cost = sc.costs.crisis_cost

    def add_week(self, c: WeekCounts) -> None:
        """Turn one week's counts into per-neighbourhood columns."""
        m = self.model
        st = m.staff
        res = m.residents_per_nbh
        col: dict[str, np.ndarray] = {"week": np.full(res.size, m.week - m.spec.meta.burn_in_weeks),
                                      "neighbourhood": np.arange(res.size), "residents": res}
        for d, name in enumerate(DOMAINS):
            col[f"prevalence_{name}"] = c.prevalence[:, d] / res
            col[f"onsets_{name}"] = c.onsets[:, d]
        col["self_reliant_share"] = c.self_reliant / res
        for r, name in enumerate(ROUTES):
            col[f"signals_{name}"] = c.signals[:, r]
        col["new_cases"] = c.signals.sum(axis=1)
        col["new_cases_waiting"] = c.waiting_signals
        col["queue_length"] = c.journeys[:, record.J_WAITING]
        col["intakes"] = c.intakes
        col["loket_cases"] = c.loket
        col["intake_wait_weeks"] = c.wait_weeks
        col["open_cases"] = c.journeys[:, record.J_CASE]
        col["staff_fte"] = m.per_neighbourhood(st.hours) / m.design.hours_per_fte
        col["hours_contracted"] = m.per_neighbourhood(st.hours)
        col["hours_casework"] = m.per_neighbourhood(st.casework)
        col["hours_coordination"] = m.per_neighbourhood(st.coordination)
        col["hours_outreach"] = m.per_neighbourhood(st.outreach)
        col["informal_hours"] = c.informal_hours
        col["volunteer_hours"] = c.volunteer_hours
        col["carers"] = c.carers
        col["carers_overburdened"] = c.overburdened
        col["carer_dropouts"] = c.dropouts
        for k, name in enumerate(PROVIDERS):
            col[f"referrals_{name}"] = c.referrals[:, k]
            col[f"waiting_{name}"] = c.waiting_specialist[:, k]
            col[f"in_treatment_{name}"] = c.in_treatment[:, k, :].sum(axis=1)
        for k, name in enumerate(PROVISIONS):
            col[f"granted_{name}"] = c.provisions_granted[:, k]
            col[f"provisions_{name}"] = c.provisions[:, k]
        col["crises"] = c.crises
        col["child_protection_measures"] = c.child_protection
        col["client_households"] = c.client_households
        col["professionals"] = c.professionals
        col["multiproblem_households"] = c.multi_households
        col["professionals_multiproblem"] = c.multi_professionals
        for j, name in enumerate(JOURNEY):
            col[f"journey_{name}"] = c.journeys[:, j]
        self._costs(col, c)
        self.weeks.append(col)
        self.totals_extra.append(self._provider_week(c))

    def _costs(self, col: dict[str, np.ndarray], c: WeekCounts) -> None:
        """Costs by category and by payer: hours and counts times unit costs."""
        k = col["residents"].size
        payer = np.zeros((k, len(PAYERS)))
        col["cost_team"] = col["hours_contracted"] * self.hourly_rate
        payer[:, WMO] += col["cost_team"]
        col["cost_provisions"] = c.provisions @ self.provision_cost
        payer[:, WMO] += col["cost_provisions"]
        col["cost_welfare"] = col["residents"] * self.welfare_per_resident
        payer[:, WMO] += col["cost_welfare"]
        spec = np.zeros(k)
        for prov in range(len(PROVIDERS)):
            for group in (GROUP_OTHERS, GROUP_MINORS):
                euros = c.in_treatment[:, prov, group] * self.provider_cost[prov]
                spec += euros
                payer[:, payer_of_specialist(prov, group == GROUP_MINORS)] += euros
        col["cost_specialist"] = spec
        col["cost_crisis"] = c.crises * self.crisis_cost
        payer += c.crisis_payer * self.crisis_cost
        for j, name in enumerate(PAYERS):
            col[f"cost_{name}"] = payer[:, j]
        col["cost_total"] = col["cost_team"] + col["cost_provisions"] + col["cost_welfare"] + spec + col["cost_crisis"]

    def _provider_week(self, c: WeekCounts) -> dict[str, float]:
        """Municipality-wide specialist admissions, their mean wait, and waiters beyond the Treeknorm."""
        out: dict[str, float] = {}
        for k, name in enumerate(PROVIDERS):
            out[f"admissions_{name}"] = int(c.admissions[k])
            n = c.admissions[k]
            out[f"mean_wait_{name}"] = c.admission_wait_weeks[k] / n if n else np.nan
            out[f"waiting_over_norm_{name}"] = int(c.waiting_over_norm[k])
        return out

    def close_cases(self, rows: np.ndarray, outcome: np.ndarray, week: int) -> None:
        """Keep the case record of residents whose case closed this week."""
        if rows.size:
            self.cases.append(self._case_columns(rows, outcome, np.full(rows.size, week)))

    def finish(self) -> None:
        """Keep the cases still open at the end of the run."""
        rows = np.flatnonzero(self.model.state.cases.state != C_NONE)
        self.cases.append(self._case_columns(rows, np.full(rows.size, OUT_OPEN), np.full(rows.size, NO_WEEK)))

    def _case_columns(self, rows: np.ndarray, outcome: np.ndarray, closed: np.ndarray) -> dict[str, np.ndarray]:
        """Case fields of the given residents' current case (weeks still in model time)."""
        pe, ca = self.model.state.people, self.model.state.cases
        started = ca.state[rows] != C_QUEUED
        return {
            "case_id": ca.id[rows].copy(),
            "resident": rows.astype(np.int64),
            "household": pe.hh[rows].astype(np.int64),
            "neighbourhood": pe.nbh[rows].astype(np.int64),
            "age_band": pe.age[rows].copy(),
            "route": ca.route[rows].copy(),
            "priority": ca.priority[rows] == 1,
            "domains": ca.domains[rows].astype(np.int64),
            "onset_week": ca.onset[rows].astype(np.int64),
            "signal_week": ca.queue[rows].astype(np.int64),
            "intake_week": np.where(started, ca.start[rows], NO_WEEK).astype(np.int64),
            "closure_week": closed.astype(np.int64),
            "intake_severity": ca.sev[rows].copy(),
            "support_bits": ca.support[rows].copy(),
            "informal_hours": ca.inf_hours[rows].copy(),
            "referral_week": ca.ref_week[rows].astype(np.int64),
            "referral_provider": ca.ref_provider[rows].copy(),
            "outcome": outcome.astype(np.int64),
        }

    def neighbourhood_table(self) -> pd.DataFrame:
        """Weekly outcomes per neighbourhood."""
        cols = {k: np.concatenate([w[k] for w in self.weeks]) for k in self.weeks[0]} if self.weeks else {}
        df = pd.DataFrame(cols)
        names = [n.name for n in self.model.spec.neighbourhoods]
        if len(df):
            df.insert(2, "neighbourhood_name", pd.Categorical.from_codes(df["neighbourhood"], categories=names))
        return df

    def cases_table(self) -> pd.DataFrame:
        """One row per case, with names for coded fields and nulls for unset weeks."""
        keys = self.cases[0].keys()
        raw = {k: np.concatenate([c[k] for c in self.cases]) for k in keys}
        df = pd.DataFrame(raw).sort_values("case_id", kind="stable").reset_index(drop=True)
        shift = self.model.spec.meta.burn_in_weeks
        for col in ("onset_week", "signal_week", "intake_week", "closure_week", "referral_week"):
            df[col] = (df[col].astype("Int64") - shift).mask(df[col] == NO_WEEK)
        df["wait_weeks"] = df["intake_week"] - df["signal_week"]
        df["onset_to_signal_weeks"] = df["signal_week"] - df["onset_week"]
        df["age_band"] = pd.Categorical.from_codes(df["age_band"], categories=list(AGE_BANDS))
        df["route"] = pd.Categorical.from_codes(df["route"], categories=list(ROUTES))
        df["outcome"] = pd.Categorical.from_codes(df["outcome"], categories=list(OUTCOMES))
        ref = df["referral_provider"].to_numpy()
        df["referral_provider"] = pd.Categorical.from_codes(np.where(ref < 0, -1, ref), categories=list(PROVIDERS))
        for bit, name in enumerate(SUPPORTS):
            df[f"support_{name}"] = (df["support_bits"] & (1 << bit)) > 0
        df["n_domains"] = [int(x).bit_count() for x in df["domains"]]
        return df.drop(columns=["support_bits"])
