"""What a nineteen validator runs today for organic queries, in the simulator.

Two halves, as in nineteen (docs/simulation.md, "nineteen's organic selection"):

* ``ControlNode``: once per period, after the period's scores, it computes ``normalised_net_score``
  per (node, task) from the reward records of synthetic checks and the period scores, in the five
  steps nineteen's control node takes, and writes the rows into ``contenders_weights_stats`` in
  the run's database, keeping 7 days.
* ``NineteenOrganicRouter``: every organic query reads one row per node from that table, joined to
  the contenders with capacity left, and draws the contenders to try (``nineteen_pick``); with no
  row it, and every synthetic query, takes nineteen's load-balancing order (``rank_contenders``
  with ``history_weight`` 0). ``fixed=True`` is the same score with the selection's defects
  removed (``fixed_pick``, the latest row per node): design and defects told apart.

The two selections are pure functions of the rows and a random stream, so a test can hold them to
the rules on hand-made cases.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from contender_rank_lab.nineteen import SCHEMA_FILE
from contender_rank_lab.simulation.routers import TOP_X, SqlRouter, Try
from contender_rank_lab.simulation.world import World

# -- the selection (nineteen's query node) ------------------------------------------------------------

KEEP_SHARE = 0.75  # the draw is over the first 75 % of the rows
TOP_SHARE = 0.35  # the first 35 % of those get TOP_FACTOR times the weight (nineteen's later tuning)
TOP_FACTOR = 5.0


@dataclass(frozen=True)
class Row:
    """One (node, task) row of the organic selection: a contender with capacity left and a score."""

    contender_id: str
    node_hotkey: str
    score: float


def _weights(count: int) -> list[float]:
    """The draw's weights over ``count`` kept rows: TOP_FACTOR / (m + 1) for the first TOP_SHARE of
    them, 1 / (m + 1) for the others (they need not sum to 1: random.choices scales them)."""
    top = max(1, int(count * TOP_SHARE))
    return [TOP_FACTOR / (count + 1)] * top + [1.0 / (count + 1)] * (count - top)


def nineteen_pick(rows: Sequence[Row], rng: random.Random, top_x: int = TOP_X) -> list[Row]:
    """nineteen's organic draw over ``rows`` as its query returns them (node_hotkey order).

    At most ``top_x`` rows: all of them, in that order. More: the first 75 % of the rows in that
    order (not by score), weighted as ``_weights``, ``top_x`` draws with replacement (a miner can
    come twice), the drawn list sorted by score, best first. No row: an empty list (the caller
    falls back to load balancing).
    """
    if len(rows) <= top_x:
        return list(rows)
    kept = list(rows[: max(1, int(len(rows) * KEEP_SHARE))])
    drawn = rng.choices(kept, weights=_weights(len(kept)), k=min(top_x, len(kept)))
    return sorted(drawn, key=lambda row: row.score, reverse=True)


def fixed_pick(rows: Sequence[Row], rng: random.Random, top_x: int = TOP_X) -> list[Row]:
    """The same draw without its defects: the rows ordered by score (best first, then contender
    id) before the 75 % and 35 % cuts, and drawn without replacement; the drawn list best first."""
    ordered = sorted(rows, key=lambda row: (-row.score, row.contender_id))
    if len(ordered) <= top_x:
        return ordered
    kept = ordered[: max(1, int(len(ordered) * KEEP_SHARE))]
    weights = _weights(len(kept))
    drawn: list[Row] = []
    for _ in range(min(top_x, len(kept))):
        index = rng.choices(range(len(kept)), weights=weights, k=1)[0]
        drawn.append(kept.pop(index))
        weights.pop(index)
    return sorted(drawn, key=lambda row: (-row.score, row.contender_id))


# nineteen's organic query, on the standalone tables the simulation runs on: one row per
# (node_hotkey, task), the best score of the last 7 days (ties: the newest), scores > 0 only,
# in the DISTINCT ON key's order (there is no outer ORDER BY in nineteen; the DISTINCT ON sort
# gives this order, and the simulation asks for it so that no plan change can alter it).
ORGANIC_ROWS = """
    SELECT * FROM (
        SELECT DISTINCT ON (c.node_hotkey, c.task) c.contender_id, c.node_hotkey, s.normalised_net_score
        FROM public.contenders c
        JOIN public.nodes n ON c.node_id = n.node_id AND c.netuid = n.netuid
        JOIN public.contenders_weights_stats s ON c.node_hotkey = s.node_hotkey AND c.task = s.task
        WHERE c.task = %(task)s AND c.capacity > c.consumed_capacity AND n.symmetric_key_uuid IS NOT NULL
          AND s.normalised_net_score > 0
        ORDER BY c.node_hotkey, c.task, s.normalised_net_score DESC, s.created_at DESC
    ) AS best ORDER BY node_hotkey
"""
# The fixed variant's rows: each node's latest score, kept when it is > 0.
FIXED_ROWS = """
    SELECT * FROM (
        SELECT DISTINCT ON (c.node_hotkey, c.task) c.contender_id, c.node_hotkey, s.normalised_net_score
        FROM public.contenders c
        JOIN public.nodes n ON c.node_id = n.node_id AND c.netuid = n.netuid
        JOIN public.contenders_weights_stats s ON c.node_hotkey = s.node_hotkey AND c.task = s.task
        WHERE c.task = %(task)s AND c.capacity > c.consumed_capacity AND n.symmetric_key_uuid IS NOT NULL
        ORDER BY c.node_hotkey, c.task, s.created_at DESC
    ) AS latest WHERE normalised_net_score > 0 ORDER BY node_hotkey
"""


# -- the score (nineteen's control node) -----------------------------------------------------------

REWARD_RECORDS = 50  # the most recent records per node
REWARD_WINDOW = timedelta(hours=72)
METRIC_PERCENTILE = 0.3
SPEED_BONUS = 0.5
PERIOD_DECAY = 0.5
FULL_PERIODS = 8  # more scored periods than this: the period score counts in full, else a quarter
STATS_KEPT = timedelta(days=7)


@dataclass(frozen=True)
class Reward:
    """A reward record: the checking of one synthetic response."""

    task: str
    quality: float
    metric: float
    at: datetime


@dataclass(frozen=True)
class Period:
    """A contender's closed period as the control node keeps it (its contenders_history row)."""

    period_score: float | None
    consumed_capacity: float


def quality_score(qualities: Sequence[float]) -> float:
    """Step 1: mean(quality ^ 1.5); squared when <= 0.865; then 0 when <= 0.8."""
    q = sum(value**1.5 for value in qualities) / len(qualities)
    if q <= 0.865:
        q = q * q
    if q <= 0.8:
        q = 0.0
    return q


def speed_bonuses(speeds: dict[str, float]) -> dict[str, float]:
    """Step 2: nodes ranked by speed (best first, ties in the order given), bonus
    0.5 * (0.5 - rank / (n - 1)): +0.25 for the best, -0.25 for the worst; 0 for a lone node."""
    ranked = sorted(speeds, key=lambda node: speeds[node], reverse=True)
    if len(ranked) <= 1:
        return dict.fromkeys(ranked, 0.0)
    return {node: SPEED_BONUS * (0.5 - rank / (len(ranked) - 1)) for rank, node in enumerate(ranked)}


def percentile_speed(records: Sequence[Reward]) -> float:
    """The 30th percentile of quality * metric (the value at index int(n * 0.3) in ascending order)."""
    values = sorted(record.quality * record.metric for record in records)
    return values[int(len(values) * METRIC_PERCENTILE)]


def period_score(history: Sequence[Period]) -> float:
    """Step 3: the scored periods (NULL skipped), newest first, weighted by their share of the
    consumed capacity times 0.5^i; a quarter of that unless there are more than 8 of them."""
    scored = [row for row in history if row.period_score is not None]
    volume = sum(row.consumed_capacity for row in scored)
    if not scored or volume == 0:
        return 0.0
    total = weight = 0.0
    for i, row in enumerate(scored):
        w = row.consumed_capacity / volume * PERIOD_DECAY**i
        total += row.period_score * w  # type: ignore[operator]
        weight += w
    multiplier = 1.0 if len(scored) > FULL_PERIODS else 0.25
    return 0.0 if weight == 0 else multiplier * total / weight


def _normalised(values: dict[str, float]) -> dict[str, float]:
    total = sum(values.values())
    if total == 0:
        return {}
    return {key: value / total for key, value in values.items()}


def net_scores(
    records: dict[str, list[Reward]],
    task: str,
    history: dict[str, list[Period]],
    capacity: dict[str, float],
    now: datetime,
) -> dict[str, float]:
    """normalised_net_score per node for ``task`` (steps 1 to 5).

    ``records``: each node's reward records, oldest first; ``history``: each node's periods of
    ``task``, newest first; ``capacity``: the capacity of each node's contender for ``task`` (the
    nodes that serve it). A node with no record has no score; a task whose effective volumes sum
    to 0 gets no row at all.
    """
    recent: dict[str, list[Reward]] = {}
    for node, mine in records.items():
        window = [r for r in mine if r.at >= now - REWARD_WINDOW]
        if not window:
            continue
        same = [r for r in reversed(window) if r.task == task][:REWARD_RECORDS]
        others = [r for r in reversed(window) if r.task != task][: REWARD_RECORDS - len(same)]
        recent[node] = same + others
    bonus = speed_bonuses({node: percentile_speed(mine) for node, mine in recent.items()})
    combined = {
        node: quality_score([r.quality for r in mine]) * (1 + bonus[node]) for node, mine in recent.items()
    }
    volume = {
        node: combined[node] * period_score(history.get(node, [])) * capacity[node]
        for node in capacity
        if node in combined
    }
    first = _normalised(volume)
    return _normalised({node: value**4 for node, value in first.items()})


STATS_INDEX = "CREATE INDEX ON public.contenders_weights_stats (task, node_hotkey)"


def stats_table_ddl() -> str:
    """nineteen's contenders_weights_stats, as lab/contender_rank_lab/nineteen/schema.sql creates it."""
    schema = SCHEMA_FILE.read_text()
    statements = [s for s in schema.split(";") if "CREATE TABLE public.contenders_weights_stats" in s]
    if len(statements) != 1:
        raise RuntimeError("nineteen/schema.sql must create public.contenders_weights_stats exactly once")
    return re.sub(r"^(\s*--[^\n]*\n)+", "", statements[0].strip() + "\n", flags=re.MULTILINE)


class ControlNode:
    """nineteen's control node, as far as the organic selection sees it: it keeps the reward
    records of synthetic checks and each contender's closed periods, and once per period writes
    normalised_net_score per (node, task) into contenders_weights_stats."""

    _COUNTERS = """
        SELECT contender_id, node_hotkey, task, capacity, consumed_capacity,
               contender_rank.period_score(total_requests_made, requests_429, requests_500,
                                           capacity, consumed_capacity) AS period_score
        FROM public.contenders
    """
    _INSERT = """
        INSERT INTO public.contenders_weights_stats
            (netuid, task, node_hotkey, normalised_net_score, created_at)
        SELECT %(netuid)s, t.task, t.node_hotkey, t.score, %(at)s
        FROM unnest(%(tasks)s::text[], %(nodes)s::text[], %(scores)s::float8[]) AS t(task, node_hotkey, score)
    """
    _PRUNE = "DELETE FROM public.contenders_weights_stats WHERE created_at < %(cutoff)s"

    def __init__(self, conn: psycopg.Connection, netuid: int):
        self.conn = conn
        self.netuid = netuid
        self.records: dict[str, list[Reward]] = defaultdict(list)
        self.history: dict[tuple[str, str], list[Period]] = defaultdict(list)  # newest first
        self.nodes: dict[str, tuple[str, str]] = {}  # contender -> (node, task)

    def reward(self, contender_id: str, attempt: Try, at: datetime) -> None:
        node, task = self.nodes[contender_id]
        self.records[node].append(Reward(task, attempt.quality, attempt.metric, at))

    def know(self, contender_id: str, node: str, task: str) -> None:
        self.nodes[contender_id] = (node, task)

    def period_ended(self, close: Callable[[], None], at: datetime) -> None:
        """Reads the period's counters, lets ``close`` close it, then scores every task."""
        with self.conn.cursor() as cur:
            rows = cur.execute(self._COUNTERS).fetchall()
        close()
        capacity: dict[str, dict[str, float]] = defaultdict(dict)
        for _, node, task, cap, consumed, score in rows:
            self.history[(node, task)].insert(0, Period(score, consumed))
            capacity[task][node] = cap
        tasks, nodes, scores = [], [], []
        for task in sorted(capacity):
            history = {node: self.history[(node, task)] for node in capacity[task]}
            for node, score in sorted(net_scores(self.records, task, history, capacity[task], at).items()):
                tasks.append(task)
                nodes.append(node)
                scores.append(score)
        naive = at.replace(tzinfo=None)  # nineteen's timestamp without time zone, in UTC
        with self.conn.transaction():
            self.conn.execute(
                self._INSERT,
                {"netuid": self.netuid, "tasks": tasks, "nodes": nodes, "scores": scores, "at": naive},
            )
            self.conn.execute(self._PRUNE, {"cutoff": naive - STATS_KEPT})


class NineteenOrganicRouter(SqlRouter):
    """Organic queries through nineteen's selection, synthetic ones (and organic ones with no
    row) through its load balancing: ``rank_contenders`` with ``history_weight`` 0."""

    def __init__(self, conn: psycopg.Connection, world: World, *, fixed: bool, decay_interval: timedelta):
        conn.execute(stats_table_ddl())
        conn.execute(STATS_INDEX)
        super().__init__(
            conn,
            world,
            history_weight=0.0,
            decay_factor=0.5,
            decay_interval=decay_interval,
            with_similarity=False,
        )
        self.fixed = fixed
        self.pick = fixed_pick if fixed else nineteen_pick
        self._rows = FIXED_ROWS if fixed else ORGANIC_ROWS
        self.rng = random.Random(f"nineteen-organic-{world.seed}")
        self.control = ControlNode(conn, netuid=19)
        for contender in world.contenders:
            self.control.know(contender.contender_id, contender.node_hotkey, contender.task)
        self._scored = False  # no stats row before the first period has ended
        self._as_of: datetime | None = None

    def rank_round(self, tasks: Sequence[str], as_of: datetime, synthetic: bool = False) -> list[list[str]]:
        self._as_of = as_of
        if synthetic or not self._scored:
            return super().rank_round(tasks, as_of, synthetic)
        params: dict[str, Any] = {}
        statements = []
        if self._pending:
            statements.append(self._COUNT)
            params.update(self._counts())
            self._pending = []
        skip = len(statements)
        for index, task in enumerate(tasks):
            statements.append(self._rows.replace("%(task)s", f"%(task_{index})s"))
            params[f"task_{index}"] = task
        with psycopg.ClientCursor(self.conn) as cur:
            cur.execute(";\n".join(statements), params)
            for _ in range(skip):
                cur.nextset()
            found: list[list[Row]] = []
            for index in range(len(tasks)):
                if index:
                    cur.nextset()
                found.append([Row(cid, node, score) for cid, node, score in cur.fetchall()])
        picked: list[list[str] | None] = [
            [row.contender_id for row in self.pick(rows, self.rng)] if rows else None for rows in found
        ]
        missing = [task for task, ranked in zip(tasks, picked, strict=True) if ranked is None]
        if missing:
            fallback = iter(super().rank_round(missing, as_of, synthetic))
            picked = [next(fallback) if ranked is None else ranked for ranked in picked]
        return [ranked for ranked in picked if ranked is not None]

    def record(self, tries: Sequence[Try], synthetic: bool = False) -> None:
        super().record(tries, synthetic)
        if synthetic and self._as_of is not None:
            for attempt in tries:
                self.control.reward(attempt.contender_id, attempt, self._as_of)

    def close(self, as_of: datetime) -> None:
        self._flush()
        self.control.period_ended(lambda: super(NineteenOrganicRouter, self).close(as_of), as_of)
        self._scored = True
