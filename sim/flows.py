"""Case flows for a Sankey diagram: signal route, intake, support type, outcome.

Every case signalled in the recorded weeks follows one path through four layers:

1. route: how the case reached the team (`route_<route>`);
2. intake: `intake_team` (casework started), `intake_counter` (handled by the counter, loket,
   without team casework), `left_queue` (left the waiting list before intake: resolved while
   waiting, or stopped waiting) or `waiting` (still in the queue at the end of the run);
3. support type, one per case, the most specialised it received: `support_specialist`
   (referred to specialist care), else `support_provision` (a Wmo provision), else
   `support_team_informal` (team casework with informal help), else `support_team` (team
   casework only), else `support_none` (no support yet, or advice only at the counter);
4. outcome: `outcome_<outcome>` (see the cases table).

So the flows into each intermediate node equal the flows out of it, and the flows out of
the first layer sum to the number of cases. A run keeps the counts as summary outcomes
named `flow__<source>__<target>` (FLOW_OUTCOMES), so jobs of many runs keep them too.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from sim.domains import OUTCOMES, ROUTES

ROUTE_NODES = tuple(f"route_{r}" for r in ROUTES)
INTAKE_NODES = ("intake_team", "intake_counter", "left_queue", "waiting")
SUPPORT_NODES = ("support_specialist", "support_provision", "support_team_informal", "support_team", "support_none")
OUTCOME_NODES = tuple(f"outcome_{o}" for o in OUTCOMES)
LAYERS = (ROUTE_NODES, INTAKE_NODES, SUPPORT_NODES, OUTCOME_NODES)
EDGES = tuple((a, b) for first, second in pairwise(LAYERS) for a in first for b in second)
FLOW_OUTCOMES = tuple(f"flow__{a}__{b}" for a, b in EDGES)
FLOW_UNIT = "cases (signalled in the recorded weeks)"


def paths(cases: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Each case signalled in the recorded weeks as its node in every layer."""
    c = cases[(cases["signal_week"] >= 0) & (cases["signal_week"] < weeks)]
    started = c["intake_week"].notna().to_numpy()
    team = c["support_team"].to_numpy(bool)
    left = c["outcome"].isin(["resolved_waiting", "gave_up"]).to_numpy()
    intake = np.where(started, np.where(team, "intake_team", "intake_counter"), np.where(left, "left_queue", "waiting"))
    support = np.select(
        [c["support_specialist"].to_numpy(bool), c["support_provision"].to_numpy(bool),
         team & c["support_informal"].to_numpy(bool), team],
        ["support_specialist", "support_provision", "support_team_informal", "support_team"], "support_none")
    return pd.DataFrame({"route": "route_" + c["route"].astype(str).to_numpy(), "intake": intake,
                         "support": support, "outcome": "outcome_" + c["outcome"].astype(str).to_numpy()})


def flows(cases: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Every edge of the diagram with its number of cases (zero edges included)."""
    p = paths(cases, weeks)
    counts: dict[tuple[str, str], int] = {}
    for a, b in (("route", "intake"), ("intake", "support"), ("support", "outcome")):
        counts.update(p.groupby([a, b]).size().to_dict())
    return pd.DataFrame([{"source": a, "target": b, "value": float(counts.get((a, b), 0))} for a, b in EDGES])


def flow_outcomes(cases: pd.DataFrame, weeks: int) -> dict[str, float]:
    """The flows as summary outcomes of a run (`flow__<source>__<target>`: cases)."""
    f = flows(cases, weeks)
    return {f"flow__{a}__{b}": v for a, b, v in zip(f["source"], f["target"], f["value"], strict=True)}


def from_outcomes(values: pd.Series | dict) -> pd.DataFrame:
    """Flows (source, target, value) from summary outcomes, e.g. their mean over replications."""
    return pd.DataFrame([{"source": a, "target": b, "value": float(values[name])}
                         for (a, b), name in zip(EDGES, FLOW_OUTCOMES, strict=True)])
