"""Concurrent load: query nodes ranking and bumping counters, control nodes appending history,
one close_period() and one decay_factor change in the middle, and a checker that looks at one
snapshot at a time. Real connections, one per thread.

CI runs it for about 12 s; locally 30 s, or $CONTENDER_RANK_LOAD_SECONDS.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import psycopg
import pytest
from psycopg.rows import class_row, dict_row

from workload import BUMP, NOW, RANK, TASKS, append_history, load_seconds, random_past, scalar, seed

# the close's instant has a microsecond part, which no appended row (whole seconds) shares
CLOSED_AT = NOW - timedelta(minutes=30, microseconds=123_457)
RANKERS = 4
APPENDERS = 2
# requests_429 is 1 until close_period resets it (no client touches it), so what an increment's
# UPDATE returns tells which period it landed in: the one the close scored, or the next.
BUMP_AND_SEE_PERIOD = BUMP + " RETURNING requests_429 = 0 AS after_close"


@dataclass
class Snapshot:
    contenders: int
    closed_rows: int
    counters_reset: int
    reset_without_row: int
    row_without_reset: int
    ranked: list[dict]
    reference: list[dict]


# one statement, so one snapshot: the ranking (state), its window reference, and the close's traces
SNAPSHOT = """
WITH closed AS (SELECT contender_id FROM contenders_history WHERE expired_at = %(closed_at)s)
SELECT (SELECT count(*) FROM contenders) AS contenders,
       (SELECT count(*) FROM closed) AS closed_rows,
       (SELECT count(*) FROM contenders WHERE requests_429 = 0) AS counters_reset,
       (SELECT count(*) FROM contenders c WHERE c.requests_429 = 0
           AND c.contender_id NOT IN (SELECT contender_id FROM closed)) AS reset_without_row,
       (SELECT count(*) FROM contenders c WHERE c.requests_429 <> 0
           AND c.contender_id IN (SELECT contender_id FROM closed)) AS row_without_reset,
       (SELECT json_agg(json_build_object('id', r.contender_id, 'own', r.own_metric,
                                          'similar', r.similar_metric, 'rank_value', r.rank_value)
                        ORDER BY t.task, r.contender_id)
        FROM unnest(%(tasks)s::text[]) t(task), rank_contenders(t.task, 1000, %(as_of)s) r) AS ranked,
       (SELECT json_agg(json_build_object('id', r.contender_id, 'own', r.own_metric,
                                          'similar', r.similar_metric, 'rank_value', r.rank_value)
                        ORDER BY t.task, r.contender_id)
        FROM unnest(%(tasks)s::text[]) t(task),
             contender_rank.rank_contenders_window(t.task, 1000, %(as_of)s) r) AS reference
"""


@dataclass
class Run:
    dsn: str
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list[str] = field(default_factory=list)
    increments: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (contender_id, after_close)
    rankings: int = 0
    appends: int = 0
    snapshots: Counter[str] = field(default_factory=Counter)  # "before close" / "after close"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def worker(
        self, body: Callable[[psycopg.Connection, random.Random], None], seed: int
    ) -> threading.Thread:
        def loop() -> None:
            rng = random.Random(seed)
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    while not self.stop.is_set():
                        body(conn, rng)
            except Exception as error:  # every error fails the test, with its message
                with self.lock:
                    self.errors.append(f"{type(error).__name__}: {error}")
                self.stop.set()

        return threading.Thread(target=loop, daemon=True)

    def rank_and_bump(self, conn: psycopg.Connection, rng: random.Random) -> None:
        contender_id = scalar(conn, RANK, {"task": rng.choice(TASKS), "as_of": NOW})
        assert contender_id is not None, "a ranking returned nothing while every contender has capacity"
        after_close = scalar(conn, BUMP_AND_SEE_PERIOD, {"contender_id": contender_id})
        assert after_close is not None, f"{contender_id} vanished"
        with self.lock:  # counted once the autocommit UPDATE has returned, i.e. committed
            self.increments[contender_id, after_close] += 1
            self.rankings += 1

    def append(self, conn: psycopg.Connection, rng: random.Random) -> None:
        append_history(conn, random_past(rng), rng)
        with self.lock:
            self.appends += 1
        time.sleep(0.01)

    def check_snapshot(self, conn: psycopg.Connection, rng: random.Random) -> None:
        with conn.cursor(row_factory=class_row(Snapshot)) as cur:
            cur.execute(SNAPSHOT, {"closed_at": CLOSED_AT, "tasks": list(TASKS), "as_of": NOW})
            snap = cur.fetchone()
        assert snap is not None
        assert snap.closed_rows in (0, snap.contenders), (
            f"half-closed period: {snap.closed_rows} of {snap.contenders} contenders closed"
        )
        assert snap.counters_reset == snap.closed_rows, "counters reset and history rows disagree"
        assert (snap.reset_without_row, snap.row_without_reset) == (0, 0)
        assert [r["id"] for r in snap.ranked] == [r["id"] for r in snap.reference]
        for state, window in zip(snap.ranked, snap.reference, strict=True):
            for metric in ("own", "similar", "rank_value"):
                assert math.isclose(state[metric], window[metric], rel_tol=1e-9, abs_tol=1e-9), (
                    state,
                    window,
                )
        with self.lock:
            self.snapshots["after close" if snap.closed_rows else "before close"] += 1


@dataclass
class ContenderCounters:
    contender_id: str
    total_requests_made: int
    consumed_capacity: float
    requests_429: int


def counters(conn: psycopg.Connection) -> dict[str, ContenderCounters]:
    with conn.cursor(row_factory=class_row(ContenderCounters)) as cur:
        cur.execute(
            "SELECT contender_id, total_requests_made, consumed_capacity, requests_429 FROM contenders"
        )
        return {row.contender_id: row for row in cur.fetchall()}


def deadlocks(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return scalar(conn, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")


@pytest.mark.slow
def test_concurrent_ranking_history_close_and_config_change(dsn: str) -> None:
    seconds = load_seconds(ci_default=12, local_default=30)
    with psycopg.connect(dsn, autocommit=True) as conn:
        contender_ids = seed(conn)
    deadlocks_before = deadlocks(dsn)

    run = Run(dsn)
    threads = [run.worker(run.rank_and_bump, seed=i) for i in range(RANKERS)]
    threads += [run.worker(run.append, seed=100 + i) for i in range(APPENDERS)]
    threads.append(run.worker(run.check_snapshot, seed=200))
    for thread in threads:
        thread.start()

    with psycopg.connect(dsn, autocommit=True) as control:
        run.stop.wait(seconds / 3)
        closed = scalar(control, "SELECT close_period(%(at)s)", {"at": CLOSED_AT})
        run.stop.wait(seconds / 3)
        control.execute("UPDATE ranking_config SET decay_factor = 0.7")
        run.stop.wait(seconds / 3)
    run.stop.set()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a client hung"

    assert run.errors == []
    assert closed == len(contender_ids)
    before = {c: run.increments[c, False] for c in contender_ids}
    with psycopg.connect(dsn, autocommit=True) as conn:
        final = counters(conn)
        # the close scored exactly the increments made before it: the score it stored is the
        # score of that many requests (the score grows with the count, so no other count gives it)
        with conn.cursor(row_factory=dict_row) as cur:
            scored_as_counted = {
                row["contender_id"]: row["same"]
                for row in cur.execute(
                    "SELECT h.contender_id, h.period_score IS NOT DISTINCT FROM contender_rank.period_score("
                    "   b.made, 1, 0, c.capacity, b.made::float8) AS same"
                    " FROM contenders_history h"
                    " JOIN unnest(%(ids)s::text[], %(made)s::int[]) b(contender_id, made) USING"
                    " (contender_id)"
                    " JOIN contenders c USING (contender_id)"
                    " WHERE h.expired_at = %(at)s",
                    {"ids": list(before), "made": list(before.values()), "at": CLOSED_AT},
                )
            }
    assert scored_as_counted == {c: True for c in contender_ids}
    # no lost increment: the counters hold exactly the increments made after the close
    for contender_id in contender_ids:
        assert final[contender_id].total_requests_made == run.increments[contender_id, True]
        assert final[contender_id].consumed_capacity == run.increments[contender_id, True]
        assert final[contender_id].requests_429 == 0
    assert sum(before.values()) > 0 and sum(run.increments[c, True] for c in contender_ids) > 0
    assert run.snapshots["before close"] > 0 and run.snapshots["after close"] > 0, run.snapshots
    assert run.rankings > 0 and run.appends > 0
    # deadlock counts reach pg_stat_database when the backends report; they have all exited by now
    time.sleep(1.0)
    assert deadlocks(dsn) == deadlocks_before
    print(
        f"{seconds:.0f}s: {run.rankings} rank+bump, {run.appends} history appends, "
        f"{sum(run.snapshots.values())} snapshots checked"
    )
