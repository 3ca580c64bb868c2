"""Faults on a server of the test's own (the shared DATABASE_URL server is never restarted):
a fast restart under load, and a close_period killed half-way."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from contender_rank import api
from contender_rank.schema import migrate
from contender_rank_lab.databases import create_database, drop_database, new_database_name
from contender_rank_lab.embedded import EmbeddedPostgres
from workload import BUMP, NOW, TASKS, load_seconds, scalar, seed

RESUME_WITHIN_SECONDS = 5.0
SEEDED_AT = NOW - timedelta(hours=24)  # seed() writes its history here; the writer writes before it


@pytest.fixture(scope="module")
def own_server() -> Iterator[EmbeddedPostgres]:
    with EmbeddedPostgres(settings={"shared_buffers": "32MB"}) as pg:
        yield pg


@pytest.fixture
def fault_dsn(own_server: EmbeddedPostgres) -> Iterator[str]:
    name = new_database_name("faults")
    dsn = create_database(own_server.dsn(), name)
    try:
        migrate(dsn)
        yield dsn
    finally:
        drop_database(own_server.dsn(), name)


@dataclass
class Outcomes:
    """What the clients saw, with monotonic timestamps."""

    rankings_ok: list[float] = field(default_factory=list)
    rankings_failed: list[float] = field(default_factory=list)
    acknowledged: list[tuple[str, Any]] = field(default_factory=list)  # (contender_id, expired_at) committed
    uncertain: list[tuple[str, Any]] = field(default_factory=list)  # failed: may or may not have committed
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.mark.slow
def test_ranking_resumes_after_fast_restart_and_nothing_committed_is_lost(
    own_server: EmbeddedPostgres, fault_dsn: str
) -> None:
    with psycopg.connect(fault_dsn, autocommit=True) as conn:
        contender_ids = seed(conn)
        conn.execute("UPDATE contenders SET total_requests_made = 0")
    outcomes = Outcomes()
    stop = threading.Event()
    pool = ConnectionPool(
        fault_dsn,
        min_size=2,
        max_size=6,
        kwargs={"autocommit": True},
        check=ConnectionPool.check_connection,
        open=True,
    )
    pool.wait()

    def rank_forever(seed_: int) -> None:
        rng = random.Random(seed_)
        while not stop.is_set():
            try:
                with pool.connection(timeout=2) as conn:
                    ranked = api.rank_contenders(conn, rng.choice(TASKS), 3, NOW)
                assert ranked, "a ranking returned nothing"
                with outcomes.lock:
                    outcomes.rankings_ok.append(time.monotonic())
            except Exception:  # the restart breaks connections; what matters is that ranking comes back
                with outcomes.lock:
                    outcomes.rankings_failed.append(time.monotonic())
                time.sleep(0.05)

    def write_forever() -> None:
        rng = random.Random(7)
        for step in range(1_000_000):
            if stop.is_set():
                return
            # each transaction writes one history row (its expired_at is unique) and one increment
            write = (rng.choice(contender_ids), SEEDED_AT - timedelta(microseconds=step + 1))
            try:
                with pool.connection(timeout=2) as conn, conn.transaction():
                    conn.execute(
                        "INSERT INTO contenders_history (contender_id, period_score, expired_at)"
                        " VALUES (%(contender_id)s, 0.5, %(expired_at)s)",
                        {"contender_id": write[0], "expired_at": write[1]},
                    )
                    conn.execute(BUMP, {"contender_id": write[0]})
                with outcomes.lock:
                    outcomes.acknowledged.append(write)
            except Exception:
                with outcomes.lock:
                    outcomes.uncertain.append(write)
                time.sleep(0.05)

    threads = [threading.Thread(target=rank_forever, args=(i,), daemon=True) for i in range(3)]
    threads.append(threading.Thread(target=write_forever, daemon=True))
    for thread in threads:
        thread.start()
    try:
        time.sleep(load_seconds(ci_default=2, local_default=5))
        restart_began = time.monotonic()
        own_server.restart("fast")
        server_up = time.monotonic()
        time.sleep(RESUME_WITHIN_SECONDS + 1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        pool.close()

    assert any(t < restart_began for t in outcomes.rankings_ok), "no ranking before the restart"
    resumed = [t for t in outcomes.rankings_ok if t > server_up]
    assert resumed, "ranking never resumed after the restart"
    assert resumed[0] - server_up < RESUME_WITHIN_SECONDS
    assert not [t for t in outcomes.rankings_failed if t > server_up + RESUME_WITHIN_SECONDS], (
        "rankings still failing after the pool had time to reconnect"
    )
    assert len(outcomes.acknowledged) > 0

    with psycopg.connect(fault_dsn, autocommit=True) as conn, conn.cursor(row_factory=dict_row) as cur:
        written = {
            (row["contender_id"], row["expired_at"])
            for row in cur.execute(
                "SELECT contender_id, expired_at FROM contenders_history WHERE expired_at < %(seeded_at)s",
                {"seeded_at": SEEDED_AT},
            )
        }
        counts = {
            row["contender_id"]: row["total_requests_made"]
            for row in cur.execute("SELECT contender_id, total_requests_made FROM contenders")
        }
    assert set(outcomes.acknowledged) <= written, "an acknowledged transaction was lost"
    assert written <= set(outcomes.acknowledged) | set(outcomes.uncertain)
    # each transaction's row and increment committed together or not at all
    for contender_id in contender_ids:
        assert counts[contender_id] == sum(1 for owner, _ in written if owner == contender_id)
    print(
        f"restart took {server_up - restart_began:.2f}s; first ranking {resumed[0] - server_up:.2f}s after;"
        f" {len(outcomes.rankings_failed)} failed rankings,"
        f" {len(outcomes.acknowledged)} acknowledged writes"
    )


@dataclass
class Observed:
    contenders: list[dict[str, Any]]  # counters and anything derived stored with them
    state: list[dict[str, Any]]
    history_rows: int
    rankings: list[dict[str, Any]]


def observe(conn: psycopg.Connection) -> Observed:
    with conn.cursor(row_factory=dict_row) as cur:
        return Observed(
            contenders=cur.execute("SELECT * FROM contenders ORDER BY contender_id").fetchall(),
            state=cur.execute(
                "SELECT * FROM contender_rank.contender_state ORDER BY contender_id"
            ).fetchall(),
            history_rows=scalar(conn, "SELECT count(*) FROM contenders_history"),
            rankings=cur.execute(
                "SELECT r.* FROM unnest(%(tasks)s::text[]) t(task),"
                " rank_contenders(t.task, 100, %(as_of)s) r",
                {"tasks": list(TASKS), "as_of": NOW},
            ).fetchall(),
        )


# Where close_period is killed: waiting for a contender row another session holds (part of the
# contenders already updated), or waiting for the state lock it takes before any contender row (no
# contender updated yet).
BLOCKERS = {
    "row lock": "SELECT contender_id FROM contenders ORDER BY ctid DESC LIMIT 1 FOR UPDATE",
    "state lock": "SELECT contender_rank.lock_state()",
}


@pytest.mark.parametrize("blocker", BLOCKERS)
def test_close_period_killed_midway_leaves_no_partial_period(fault_dsn: str, blocker: str) -> None:
    closed_at = NOW - timedelta(minutes=5)
    with psycopg.connect(fault_dsn, autocommit=True) as conn:
        seed(conn)
        conn.execute(
            "UPDATE contenders SET total_requests_made = 10 + length(contender_id),"
            " consumed_capacity = 3, requests_500 = 1"
        )
        before = observe(conn)

        holder = psycopg.connect(fault_dsn)
        closer = psycopg.connect(fault_dsn, autocommit=True)
        try:
            holder.execute(BLOCKERS[blocker])  # holds its lock until rollback
            failure: list[BaseException] = []

            def close() -> None:
                try:
                    closer.execute("SELECT close_period(%(at)s)", {"at": closed_at})
                except BaseException as error:
                    failure.append(error)

            pid = closer.info.backend_pid
            closing = threading.Thread(target=close, daemon=True)
            closing.start()
            deadline = time.monotonic() + 10
            while (
                scalar(conn, "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %(pid)s", {"pid": pid})
                != "Lock"
            ):
                assert time.monotonic() < deadline, "close_period never blocked on the held lock"
                time.sleep(0.02)
            assert scalar(conn, "SELECT pg_terminate_backend(%(pid)s)", {"pid": pid}) is True
            closing.join(timeout=10)
            assert len(failure) == 1 and isinstance(failure[0], psycopg.OperationalError), failure
        finally:
            holder.rollback()
            holder.close()
            closer.close()

        after = observe(conn)
        assert (
            scalar(
                conn, "SELECT count(*) FROM contenders_history WHERE expired_at = %(at)s", {"at": closed_at}
            )
            == 0
        )
        assert after == before
        # and the period can still be closed, completely, afterwards
        assert scalar(conn, "SELECT close_period(%(at)s)", {"at": closed_at}) == len(before.contenders)
