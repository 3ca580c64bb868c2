"""How each strategy picks the contenders to try: through PostgreSQL, or (the oracle) by peeking.

A router sees a period as: ``rank`` for every query, ``record`` the tries it made, ``close`` at the
end. The SQL router writes exactly what a query node writes (the counters on ``contenders``) and
asks ``rank_contenders`` for every query; it never orders anything itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import psycopg
from psycopg.rows import class_row

from contender_rank_lab.simulation.world import NETUID, Contender, World

TOP_X = 5  # what nineteen's query node asks for


@dataclass(frozen=True)
class Try:
    contender_id: str
    succeeded: bool
    quality: float = 0.0  # what nineteen's checking of the response would score, in [0, 1]
    metric: float = 0.0  # its speed metric


@dataclass(frozen=True)
class _Pick:
    contender_id: str


class Router(Protocol):
    def add_tasks(self, tasks: Sequence[str]) -> None: ...

    def rank_round(self, tasks: Sequence[str], as_of: datetime, synthetic: bool = False) -> list[list[str]]:
        """The contenders to try, in order, for one query on each of ``tasks`` (distinct)."""
        ...

    def record(self, tries: Sequence[Try], synthetic: bool = False) -> None: ...

    def close(self, as_of: datetime) -> None: ...


class SqlRouter:
    """Asks the real ``rank_contenders`` for every query, on one connection.

    A round (one query on each task) is one message: the counter update of the previous round's
    tries, then one ranking per task (bound client-side, run in order, so the rankings see the
    update). Round trips, not the rankings, decide the speed of a run on a busy machine.

    ``synthetic_weight``, when given, is the history weight the synthetic queries are ranked with,
    their failure weight 0: the router sets ``ranking_config.history_weight`` and
    ``failure_weight`` to them before a synthetic query and back before an organic one (in the
    same message), so both kinds share the counters, the history and the one ``rank_contenders``.
    A synthetic weight of 0 is nineteen's load balancing.
    """

    _RANK = "SELECT contender_id FROM public.rank_contenders(%(task)s, %(top_x)s, %(as_of)s)"
    _WEIGHT = "UPDATE public.ranking_config SET history_weight = %(weight)s, failure_weight = %(failures)s"
    # Every try is one request and one unit of capacity, and a failed one is also a 500. A round
    # can try a contender more than once (nineteen's organic draw repeats miners), so the tries
    # are counted per contender first: UPDATE ... FROM applies one source row per target row.
    _COUNT = """
        UPDATE public.contenders c
        SET total_requests_made = c.total_requests_made + t.tries,
            consumed_capacity = c.consumed_capacity + t.tries,
            requests_500 = c.requests_500 + t.failed
        FROM (SELECT u.contender_id, count(*)::int AS tries, sum(u.failed)::int AS failed
              FROM unnest(%(ids)s::text[], %(failed)s::int[]) AS u(contender_id, failed)
              GROUP BY u.contender_id) AS t
        WHERE c.contender_id = t.contender_id
    """

    def __init__(
        self,
        conn: psycopg.Connection,
        world: World,
        *,
        history_weight: float,
        decay_factor: float,
        decay_interval: timedelta,
        with_similarity: bool,
        synthetic_weight: float | None = None,
        failure_weight: float = 0.0,
    ):
        self.conn = conn
        self.world = world
        self.with_similarity = with_similarity
        self.weights = (history_weight, failure_weight)
        self.synthetic_weights = self.weights if synthetic_weight is None else (synthetic_weight, 0.0)
        self._weights_in_config = self.weights
        self._pending: list[Try] = []
        self._ranker = psycopg.ClientCursor(conn, row_factory=class_row(_Pick))
        with conn.transaction():
            conn.execute(
                "UPDATE public.ranking_config SET history_weight = %(history_weight)s, "
                "failure_weight = %(failure_weight)s, "
                "decay_factor = %(decay_factor)s, decay_interval = %(decay_interval)s",
                {
                    "history_weight": history_weight,
                    "failure_weight": failure_weight,
                    "decay_factor": decay_factor,
                    "decay_interval": decay_interval,
                },
            )
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO public.nodes (hotkey, netuid, node_id, symmetric_key_uuid) "
                    "VALUES (%(hotkey)s, %(netuid)s, %(node_id)s, %(key)s)",
                    [
                        {
                            "hotkey": hotkey,
                            "netuid": NETUID,
                            "node_id": index,
                            "key": f"simulated-key-{index}",
                        }
                        for index, hotkey in enumerate(world.hotkeys())
                    ],
                )
            self._insert_contenders(c for task in world.tasks_in(0) for c in world.contenders_of(task))
            if with_similarity:
                self._insert_similarity(world.shape.similarity)

    def _insert_contenders(self, contenders: Iterable[Contender]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO public.contenders (contender_id, node_hotkey, node_id, netuid, task, capacity) "
                "VALUES (%(contender_id)s, %(node_hotkey)s, %(node_id)s, %(netuid)s, %(task)s, %(capacity)s)",
                [
                    {
                        "contender_id": c.contender_id,
                        "node_hotkey": c.node_hotkey,
                        "node_id": c.node_id,
                        "netuid": NETUID,
                        "task": c.task,
                        "capacity": c.capacity,
                    }
                    for c in contenders
                ],
            )

    def _insert_similarity(self, pairs: Mapping[tuple[str, str], float]) -> None:
        if not pairs:
            return
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO public.task_similarity (from_task, to_task, similarity) "
                "VALUES (%(from_task)s, %(to_task)s, %(similarity)s)",
                [
                    {"from_task": from_task, "to_task": to_task, "similarity": similarity}
                    for (from_task, to_task), similarity in pairs.items()
                ],
            )

    def add_tasks(self, tasks: Sequence[str]) -> None:
        """New tasks on every node, and (with similarity) the admin's pairs that involve them."""
        self._flush()
        with self.conn.transaction():
            self._insert_contenders(c for task in tasks for c in self.world.contenders_of(task))
            if self.with_similarity:
                self._insert_similarity(
                    {
                        pair: value
                        for pair, value in self.world.shape.new_similarity.items()
                        if pair[0] in tasks or pair[1] in tasks
                    }
                )

    def rank(self, task: str, as_of: datetime, synthetic: bool = False) -> list[str]:
        return self.rank_round([task], as_of, synthetic)[0]

    def rank_round(self, tasks: Sequence[str], as_of: datetime, synthetic: bool = False) -> list[list[str]]:
        """One query on each of ``tasks``, ranked in one message after the pending counter update.

        The tasks are distinct, so no ranking of the round depends on another's tries: ranking them
        together gives what ranking them one after the other would, in one round trip.
        """
        params: dict[str, object] = {"top_x": TOP_X, "as_of": as_of}
        statements = []
        if self._pending:
            statements.append(self._COUNT)
            params.update(self._counts())
            self._pending = []
        weights = self.synthetic_weights if synthetic else self.weights
        if weights != self._weights_in_config:
            statements.append(self._WEIGHT)
            params["weight"], params["failures"] = weights
            self._weights_in_config = weights
        ranks = len(statements)
        for index, task in enumerate(tasks):
            statements.append(self._RANK.replace("%(task)s", f"%(task_{index})s"))
            params[f"task_{index}"] = task
        self._ranker.execute(";\n".join(statements), params)
        for _ in range(ranks):
            self._ranker.nextset()
        picked = []
        for index in range(len(tasks)):
            if index:
                self._ranker.nextset()
            picked.append([pick.contender_id for pick in self._ranker.fetchall()])
        return picked

    def record(self, tries: Sequence[Try], synthetic: bool = False) -> None:
        self._pending.extend(tries)

    def _counts(self) -> dict[str, object]:
        return {
            "ids": [t.contender_id for t in self._pending],
            "failed": [0 if t.succeeded else 1 for t in self._pending],
        }

    def _flush(self) -> None:
        if self._pending:
            self.conn.execute(self._COUNT, self._counts())
            self._pending = []

    def close(self, as_of: datetime) -> None:
        self._flush()
        self.conn.execute("SELECT public.close_period(%(as_of)s)", {"as_of": as_of})


class OracleRouter:
    """The upper bound: knows every contender's hidden success probability, period by period.

    It keeps the same capacity rule as the ranking (contenders with capacity left first) and
    otherwise takes the most likely to succeed; a synthetic query, which only measures, goes to
    the contenders that have served least this period (the best keep their capacity for users).
    It is a yardstick, not a ranking: this is the only place where contenders are ordered in Python.
    """

    def __init__(self, world: World):
        self.world = world
        self._tasks: dict[str, list[Contender]] = {
            task: world.contenders_of(task) for task in world.tasks_in(0)
        }
        self._consumed: dict[str, int] = {}
        self._period = 0
        self._round = 0
        self._dark = world.dark_in(0)

    def add_tasks(self, tasks: Sequence[str]) -> None:
        for task in tasks:
            self._tasks[task] = self.world.contenders_of(task)

    def rank_round(self, tasks: Sequence[str], as_of: datetime, synthetic: bool = False) -> list[list[str]]:
        ranked = [self.rank(task, as_of, synthetic) for task in tasks]
        self._round += 1
        return ranked

    def rank(self, task: str, as_of: datetime, synthetic: bool = False) -> list[str]:
        probability = self.world.probabilities_in(self._period)
        if self._dark:
            # it also knows which miners are dark right now
            dark = {node for node, (start, end) in self._dark.items() if start <= self._round < end}
            if dark:
                probability = {
                    cid: 0.0 if c.node_id in dark else probability[cid]
                    for cid, c in ((c.contender_id, c) for c in self._tasks.get(task, []))
                }
        consumed = self._consumed
        if synthetic:
            ordered = sorted(
                self._tasks.get(task, []),
                key=lambda c: (
                    consumed.get(c.contender_id, 0) >= c.capacity,
                    consumed.get(c.contender_id, 0),
                    c.contender_id,
                ),
            )
        else:
            ordered = sorted(
                self._tasks.get(task, []),
                key=lambda c: (
                    consumed.get(c.contender_id, 0) >= c.capacity,
                    -probability[c.contender_id],
                    c.contender_id,
                ),
            )
        return [c.contender_id for c in ordered[:TOP_X]]

    def record(self, tries: Sequence[Try], synthetic: bool = False) -> None:
        for attempt in tries:
            self._consumed[attempt.contender_id] = self._consumed.get(attempt.contender_id, 0) + 1

    def close(self, as_of: datetime) -> None:
        self._consumed.clear()
        self._period += 1
        self._round = 0
        self._dark = self.world.dark_in(self._period)
