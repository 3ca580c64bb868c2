"""contender_rank as a guest in nineteen's database (issue 17, items 1-3).

- Never touch nineteen's rows: every command leaves nineteen's tables row for row as they were;
  ``prune`` refuses on an adopted database.
- nineteen's DDL always succeeds (ALTER COLUMN ... TYPE, DROP COLUMN, RENAME, DROP TABLE), nineteen's
  next writes too, rank_contenders keeps answering (load balancing while the state is untrusted),
  and ``migrate`` adopts the compatible shapes again and refuses the rest with one line.
- nineteen's writes never fail or wait because of contender_rank: a session holding the state lock,
  an error inside the maintenance, a statement timeout; the state repairs itself at the next write.

nineteen is played through asyncpg with its own statements (contender_rank/nineteen/statements.sql).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg import sql

from contender_rank import LayoutError, api
from contender_rank.cli import main
from contender_rank.schema import migrate
from contender_rank_lab import nineteen
from contender_rank_lab.nineteen.replay import Contender, Validator, connect
from test_schema import NODES, TASKS, assert_rankings_exact, nineteen_database, table_checksums

NINETEEN_TABLES = ("nodes", "contenders", "contenders_history", "nodes_history")
CONTENDERS = [Contender(node, task) for node in NODES for task in TASKS]


def nineteens_rows(dsn: str) -> dict[str, tuple[int, str]]:
    """Row count and checksum of each of nineteen's tables (test_schema's checksum of every row)."""
    checksums = table_checksums(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        return {
            table: (
                conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0],  # type: ignore[index]
                checksums[table],
            )
            for table in NINETEEN_TABLES
        }


def adopted_nineteen(dsn: str, periods: int = 3) -> None:
    nineteen_database(dsn, periods)
    migrate(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO task_similarity VALUES (%s, %s, 0.5)", TASKS)


def utc_now() -> datetime:
    """Now, in nineteen's convention (naive UTC): history this recent weighs in any ranking."""
    return datetime.now(UTC).replace(tzinfo=None)


def run(dsn: str, *args: str) -> int:
    try:
        return main(["--dsn", dsn, *args])
    except SystemExit as exit_:
        return int(exit_.code or 0)


async def _nineteen(dsn: str, step: Callable[[Validator], Any]) -> None:
    conn = await connect(dsn)
    try:
        await step(Validator(conn))
    finally:
        await conn.close()


def as_nineteen(dsn: str, step: Callable[[Validator], Any]) -> None:
    asyncio.run(_nineteen(dsn, step))


async def _period(validator: Validator) -> None:
    """nineteen's whole period: requests served, scores, the move to history, the contenders re-created."""
    for task in TASKS:
        for row in await validator.select_synthetic(task, 3):
            await validator.serve(row["contender_id"])
    await validator.period(CONTENDERS)


def untrusted_reason(dsn: str) -> str | None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute("SELECT contender_rank.untrusted_reason()").fetchone()[0]  # type: ignore[index]


def faults(dsn: str) -> list[tuple[str, str]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return [
            (row[0], row[1])
            for row in conn.execute(
                "SELECT source, sqlstate FROM contender_rank.state_faults ORDER BY fault_id"
            )
        ]


def assert_load_balancing(dsn: str, history_readable: bool = True) -> None:
    """rank_contenders answers, in nineteen's own order (fewest requests first among the eligible, capacity
    left first, then contender_id), every metric 0; where the definition can still read history, it
    gives some contender a metric (so load balancing is not what the state would have said anyway)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        if history_readable:
            assert conn.execute(
                "SELECT bool_or(w.global_metric <> 0) FROM unnest(%s::text[]) t,"
                " contender_rank.rank_contenders_window(t, 100) w",
                (list(TASKS),),
            ).fetchone() == (True,), "the history gives some contender a metric"
        for task in TASKS:
            expected = [
                row[0]
                for row in conn.execute(
                    "SELECT c.contender_id FROM contenders c JOIN nodes n"
                    " ON n.hotkey = c.node_hotkey AND n.netuid = c.netuid"
                    " WHERE c.task = %s AND c.capacity > 0 AND n.symmetric_key_uuid IS NOT NULL"
                    " ORDER BY c.consumed_capacity < c.capacity DESC, c.total_requests_made,"
                    ' c.contender_id COLLATE "C"',
                    (task,),
                )
            ]
            ranked = api.rank_contenders(conn, task, top_x=100)
            assert expected, "something is eligible"
            assert [r.contender_id for r in ranked] == expected
            assert all(r.global_metric == 0 and r.rank_value == r.total_requests_made for r in ranked)


# -- 1. nineteen's rows ---------------------------------------------------------------------------


def test_no_command_changes_a_row_of_nineteens_tables(
    empty_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """After every contender_rank command on an adopted database, each of nineteen's tables has the same
    rows (count and checksum of every row). record_requests is left out on purpose: it is the query
    node's own counter bump (the UPDATE nineteen's query node makes itself), offered to nineteen."""
    nineteen_database(empty_dsn)
    before = nineteens_rows(empty_dsn)
    task = TASKS[0]
    commands: list[tuple[tuple[str, ...], int]] = [
        (("migrate",), 0),
        (("status",), 0),
        (("status", "--json"), 0),
        (("rank", task), 0),
        (("rank", task, "--json"), 0),
        (("explain", task), 0),
        (("explain", task, "--decay-factor", "0.9", "--history-weight", "10", "--decay-interval", "2h"), 0),
        (("config", "show"), 0),
        (("config", "set", "--history-weight", "20"), 0),
        (("config", "set", "--decay-factor", "0.75", "--decay-interval", "30m"), 0),
        (("similarity", "set", TASKS[0], TASKS[1], "0.5"), 0),
        (("similarity", "list"), 0),
        (("similarity", "delete", TASKS[0], TASKS[1]), 0),
        (("prune",), 2),
        (("migrate", "--rebuild"), 0),
        (("uninstall",), 0),
    ]
    for args, code in commands:
        assert run(empty_dsn, *args) == code, (args, capsys.readouterr())
        assert nineteens_rows(empty_dsn) == before, f"{args} changed nineteen's rows"
    capsys.readouterr()


def test_prune_refuses_on_an_adopted_database_in_one_line(
    adopted_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        conn.execute("UPDATE ranking_config SET decay_factor = 0.5, retention_epsilon = 0.5")
    before = nineteens_rows(adopted_dsn)
    assert run(adopted_dsn, "prune", "--as-of", "2030-01-01T00:00:00+00:00") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "nineteen owns the retention of contenders_history" in lines[0]
    with (
        psycopg.connect(adopted_dsn, autocommit=True) as conn,
        pytest.raises(LayoutError, match="nineteen owns"),
    ):
        api.prune_history(conn)
    assert nineteens_rows(adopted_dsn) == before


# -- 2. nineteen's DDL ----------------------------------------------------------------------------

COMPATIBLE = {
    "expired_at timestamptz": [
        "ALTER TABLE contenders_history ALTER COLUMN expired_at TYPE timestamptz"
        " USING expired_at AT TIME ZONE 'UTC'"
    ],
    "period_score real": [
        "ALTER TABLE contenders_history ALTER COLUMN period_score TYPE real",
        "ALTER TABLE contenders ALTER COLUMN period_score TYPE real",
    ],
    "period_score numeric": [
        "ALTER TABLE contenders_history ALTER COLUMN period_score TYPE numeric",
        "ALTER TABLE contenders ALTER COLUMN period_score TYPE numeric",
    ],
    "text columns varchar": [
        "ALTER TABLE contenders_history ALTER COLUMN contender_id TYPE varchar(255),"
        " ALTER COLUMN task TYPE varchar(255), ALTER COLUMN node_hotkey TYPE varchar(255)",
        "ALTER TABLE contenders ALTER COLUMN contender_id TYPE varchar(255),"
        " ALTER COLUMN task TYPE varchar(255), ALTER COLUMN node_hotkey TYPE varchar(255)",
        "ALTER TABLE nodes ALTER COLUMN hotkey TYPE varchar(255)",
    ],
    "contenders_history dropped and created again": [
        "CREATE TABLE contenders_history_new AS SELECT * FROM contenders_history",
        "DROP TABLE contenders_history",
        "ALTER TABLE contenders_history_new RENAME TO contenders_history",
        "ALTER TABLE contenders_history ALTER COLUMN expired_at SET DEFAULT (now() AT TIME ZONE 'UTC')",
    ],
}


@pytest.mark.parametrize("change", sorted(COMPATIBLE))
def test_nineteens_ddl_succeeds_and_migrate_adopts_the_new_shape(empty_dsn: str, change: str) -> None:
    adopted_nineteen(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        for statement in COMPATIBLE[change]:
            conn.execute(statement)  # type: ignore[arg-type]
    # nineteen's own cycle goes on, and rank_contenders answers after every step of it
    as_nineteen(empty_dsn, _period)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        for task in TASKS:
            assert api.rank_contenders(conn, task, top_x=100), task
    if "dropped" in change:
        # the new table has none of contender_rank's triggers: untrusted, load balancing
        assert "public.contenders_history was dropped or replaced" in (untrusted_reason(empty_dsn) or "")
        assert_load_balancing(empty_dsn)
    result = migrate(empty_dsn)
    assert result.state_rebuilt, "a changed shape is folded again"
    assert untrusted_reason(empty_dsn) is None
    assert_rankings_exact(empty_dsn)
    # and the state follows nineteen's next period exactly
    as_nineteen(empty_dsn, _period)
    assert untrusted_reason(empty_dsn) is None
    assert_rankings_exact(empty_dsn)


async def _period_without(validator: Validator, history_score_column: str | None) -> None:
    """nineteen's period written for the changed table: the move to history names the score column as it
    is called now (or leaves it out when it is gone)."""
    await validator.score_period()
    moved = (
        "contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity, capacity,"
        " capacity_to_score, consumed_capacity, total_requests_made, requests_429, requests_500, created_at,"
        " updated_at"
    )
    columns, values = f"{moved}, expired_at", f"{moved}, $1::timestamp"
    if history_score_column:
        columns += f", {history_score_column}"
        values += ", period_score"
    await validator.conn.execute(
        f"INSERT INTO contenders_history ({columns}) SELECT {values} FROM contenders", utc_now()
    )
    await validator.delete_contenders()
    await validator.insert_contenders(CONTENDERS)
    for task in TASKS:
        for row in await validator.select_synthetic(task, 3):
            await validator.serve(row["contender_id"])


INCOMPATIBLE = {
    "contenders_history.period_score renamed": (
        "ALTER TABLE contenders_history RENAME COLUMN period_score TO score",
        "score",
        "public.contenders_history lacks column(s) period_score",
    ),
    "contenders_history.period_score dropped": (
        "ALTER TABLE contenders_history DROP COLUMN period_score",
        None,
        "public.contenders_history lacks column(s) period_score",
    ),
    "contenders_history.expired_at as text": (
        "ALTER TABLE contenders_history ALTER COLUMN expired_at TYPE text",
        "period_score",
        "public.contenders_history: expired_at is text",
    ),
}


@pytest.mark.parametrize("change", sorted(INCOMPATIBLE))
def test_nineteens_ddl_on_a_column_contender_rank_reads_succeeds_and_migrate_refuses_in_one_line(
    empty_dsn: str, change: str
) -> None:
    statement, score_column, refusal = INCOMPATIBLE[change]
    adopted_nineteen(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]
    before = faults(empty_dsn)
    as_nineteen(empty_dsn, lambda validator: _period_without(validator, score_column))
    # the maintenance could not fold the new rows: a fault, nineteen's writes all went through
    recorded = faults(empty_dsn)[len(before) :]
    assert recorded and recorded[0][0] == "contenders_history_after_insert"
    assert "the maintenance gave up" in (untrusted_reason(empty_dsn) or "")
    assert_load_balancing(empty_dsn, history_readable=False)
    with pytest.raises(LayoutError) as refused:
        migrate(empty_dsn)
    message = str(refused.value)
    assert "\n" not in message and refusal in message
    assert_load_balancing(empty_dsn, history_readable=False)


# -- 3. nineteen's writes never fail or wait --------------------------------------------------------


def test_nineteen_refreshes_while_another_session_holds_the_state_lock(empty_dsn: str) -> None:
    """A DBA's open transaction that retuned the decay holds the state lock. nineteen's whole period
    completes while it still does (no statement waited for it to end), a fault says why, rankings use
    load balancing; the first write after the DBA is done repairs the state."""
    adopted_nineteen(empty_dsn)
    with psycopg.connect(empty_dsn) as dba:
        dba.execute("UPDATE ranking_config SET decay_factor = 0.6")
        as_nineteen(empty_dsn, _period)
        with psycopg.connect(empty_dsn, autocommit=True) as observer:
            holder = observer.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = %s",
                (dba.info.backend_pid,),
            ).fetchone()
        assert holder == (1,), "the DBA's transaction still held the lock when nineteen's period ended"
        dba.rollback()
    recorded = faults(empty_dsn)
    assert recorded and {sqlstate for _, sqlstate in recorded} == {"55P03"}  # lock_not_available
    assert "SQLSTATE 55P03" in (untrusted_reason(empty_dsn) or "")
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        messages = [
            row[0]
            for row in conn.execute("SELECT message FROM contender_rank.state_faults ORDER BY fault_id")
        ]
    # the first of nineteen's transactions waited for the bound; the later ones found the state
    # untrusted and only tried the lock
    assert len(messages) >= 2 and "lock timeout" in messages[0]
    assert all("already untrusted" in message for message in messages[1:])
    assert_load_balancing(empty_dsn)
    # the next write that can take the lock repairs: nineteen's next period
    as_nineteen(empty_dsn, _period)
    assert faults(empty_dsn) == [] and untrusted_reason(empty_dsn) is None
    assert_rankings_exact(empty_dsn)


def test_a_fault_committed_during_a_repair_stays_for_the_next_one(empty_dsn: str) -> None:
    """A repair forgets only the faults it saw. (No contender is current here, so the repair's COMMIT
    has no node to settle: a settle at COMMIT would repair again, from tables that include nineteen's
    write, and rightly forget its fault too.)"""
    adopted_nineteen(empty_dsn)
    as_nineteen(empty_dsn, lambda validator: validator.delete_contenders())
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute("SELECT contender_rank.record_fault('a test', 'XX000', 'the first fault')")
    with psycopg.connect(empty_dsn) as repairer:
        assert repairer.execute("SELECT contender_rank.repair_state()").fetchone() == (1,)
        # nineteen writes while the repair holds the lock: it gives up, its fault commits first
        as_nineteen(empty_dsn, lambda validator: validator.move_to_history(utc_now()))
        repairer.commit()
    assert [source for source, _ in faults(empty_dsn)] == ["contenders_history_after_insert"]
    assert untrusted_reason(empty_dsn) is not None
    # the next write that takes the lock repairs (the settle of nineteen's new contenders)
    as_nineteen(empty_dsn, lambda validator: validator.insert_contenders(CONTENDERS))
    assert faults(empty_dsn) == []
    assert_rankings_exact(empty_dsn)


INJECTED = {
    # a check the fold violates: an error inside the maintenance (check_violation)
    "error": (
        "ALTER TABLE contender_rank.contender_state"
        " ADD CONSTRAINT injected CHECK (own_interval_rows < 0) NOT VALID",
        None,
        "23514",
    ),
    # a maintenance slower than nineteen's statement timeout: query_canceled, which WHEN OTHERS misses
    "statement timeout": (
        "CREATE FUNCTION public.slow_check() RETURNS boolean LANGUAGE sql"
        " AS 'SELECT pg_sleep(0.3) IS NOT NULL';"
        " ALTER TABLE contender_rank.contender_state"
        " ADD CONSTRAINT injected CHECK (public.slow_check()) NOT VALID",
        "100ms",
        "57014",
    ),
}


@pytest.mark.parametrize("fault", sorted(INJECTED))
def test_a_failure_inside_the_maintenance_never_fails_nineteens_statement(empty_dsn: str, fault: str) -> None:
    injection, statement_timeout, sqlstate = INJECTED[fault]
    adopted_nineteen(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute(injection)  # type: ignore[arg-type]
        history = conn.execute("SELECT count(*) FROM contenders_history").fetchone()[0]  # type: ignore[index]

    async def moved(validator: Validator) -> None:
        if statement_timeout:
            await validator.conn.execute(f"SET statement_timeout = '{statement_timeout}'")
        for task in TASKS:
            for row in await validator.select_synthetic(task, 3):
                await validator.serve(row["contender_id"])
        await validator.score_period()
        await validator.move_to_history(utc_now())

    as_nineteen(empty_dsn, moved)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM contenders_history").fetchone()[0] == history + len(
            CONTENDERS
        )  # type: ignore[index]
    assert [(source, state) for source, state in faults(empty_dsn)] == [
        ("contenders_history_after_insert", sqlstate)
    ]
    assert_load_balancing(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute("ALTER TABLE contender_rank.contender_state DROP CONSTRAINT injected")
    as_nineteen(empty_dsn, _period)
    assert faults(empty_dsn) == [] and untrusted_reason(empty_dsn) is None
    assert_rankings_exact(empty_dsn)


def test_a_repair_after_a_fault_gives_what_the_triggers_would_have(empty_dsn: str) -> None:
    """The repaired state equals the one of a twin database that never had a fault (both checked against
    the model), after three more periods of nineteen's."""
    adopted_nineteen(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute("SELECT contender_rank.record_fault('a test', 'XX000', 'injected')")
    for _ in range(3):
        as_nineteen(empty_dsn, _period)
        assert faults(empty_dsn) == []
        assert_rankings_exact(empty_dsn)


def test_nineteens_period_inserts_use_no_subtransaction_per_row(empty_dsn: str) -> None:
    """The 4,096-row INSERT of a refresh, one statement per row, runs triggers without an exception block
    (a subtransaction each would overflow the backend's cache after 64). What is checked: the per-row
    triggers' functions hold no exception block and take no lock; the statement-level ones hold one."""
    nineteen.create_tables(empty_dsn)
    migrate(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        bodies = dict(
            conn.execute(
                "SELECT p.proname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
                " WHERE t.tgrelid IN ('public.contenders'::regclass, 'public.contenders_history'::regclass)"
                " AND NOT t.tgisinternal"
            ).fetchall()
        )
        per_row = {
            row[0]
            for row in conn.execute(
                "SELECT p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
                " WHERE t.tgrelid = 'public.contenders'::regclass AND (t.tgtype & 1) = 1"
            )
        }
    assert per_row == {"contenders_after_insert", "contenders_after_move"}
    for name, body in bodies.items():
        has_block = "EXCEPTION WHEN" in body
        assert has_block == (name not in per_row), name
        if name in per_row:
            assert "lock_state" not in body and "begin_maintenance" not in body, name


def test_timestamps_stay_exact_across_expired_at_becoming_timestamptz_before_migrate(empty_dsn: str) -> None:
    """The commonest of nineteen's changes: expired_at to timestamptz. The state stays exact under the new
    type even before migrate runs (as_utc() reads both), and nineteen's writes keep it so."""
    adopted_nineteen(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute(COMPATIBLE["expired_at timestamptz"][0])  # type: ignore[arg-type]
    as_nineteen(empty_dsn, _period)
    assert untrusted_reason(empty_dsn) is None
    assert_rankings_exact(empty_dsn)


def test_explain_says_when_the_state_is_untrusted(empty_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    adopted_nineteen(empty_dsn, periods=1)
    task = TASKS[0]
    assert run(empty_dsn, "explain", task) == 0
    assert "untrusted" not in capsys.readouterr().out
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute("SELECT contender_rank.record_fault('a test', 'XX000', 'injected')")
    assert run(empty_dsn, "explain", task) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("the derived state is untrusted (the maintenance gave up 1 time(s)")
    assert "load-balancing order" in first
    assert run(empty_dsn, "explain", task, "--json") == 0
    assert "a test" in json.loads(capsys.readouterr().out)["untrusted"]


def test_two_transactions_marking_the_same_node_never_wait_for_each_other(empty_dsn: str) -> None:
    """stale_nodes has no unique key and each transaction reads only its own rows: while one transaction
    has inserted contenders on a node and not committed, another inserts contenders on the same node and
    commits (settle included) without waiting for it. (A wait would end in B's lock_timeout error.)"""
    adopted_nineteen(empty_dsn, periods=1)
    node = NODES[0]
    with psycopg.connect(empty_dsn) as first, psycopg.connect(empty_dsn) as second:
        insert = (
            "INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey,"
            " raw_capacity, capacity, capacity_to_score, consumed_capacity)"
            " VALUES (%s, %s, %s, %s, %s, 'v', 10, 10, 10, 0)"
        )
        first.execute(insert, (f"{node.hotkey}-first", node.hotkey, node.node_id, node.netuid, "first"))
        second.execute("SET lock_timeout = '10s'")
        second.execute(insert, (f"{node.hotkey}-second", node.hotkey, node.node_id, node.netuid, "second"))
        second.commit()
        with psycopg.connect(empty_dsn, autocommit=True) as observer:
            open_rows = observer.execute(
                "SELECT count(*) FROM contenders WHERE contender_id = %s", (f"{node.hotkey}-second",)
            ).fetchone()
        assert open_rows == (1,), "the second transaction committed while the first was still open"
        first.commit()
    assert faults(empty_dsn) == []
    assert_rankings_exact(empty_dsn)


def test_migrate_rebuilds_a_state_whose_trigger_was_disabled(empty_dsn: str) -> None:
    """History written while a trigger was disabled (a restore with --disable-triggers, a DBA): the state
    is untrusted meanwhile (rankings by load balancing), and migrate, which enables the trigger again,
    rebuilds the state from the history as it is."""
    adopted_nineteen(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute("ALTER TABLE contenders_history DISABLE TRIGGER contenders_history_after_insert")
    as_nineteen(empty_dsn, _period)
    assert "contenders_history_after_insert on public.contenders_history" in (
        untrusted_reason(empty_dsn) or ""
    )
    assert_load_balancing(empty_dsn)
    assert migrate(empty_dsn).state_rebuilt
    assert untrusted_reason(empty_dsn) is None
    assert_rankings_exact(empty_dsn)


def test_a_session_may_choose_to_wait_for_the_state_lock(empty_dsn: str) -> None:
    """contender_rank.state_lock_timeout replaces the 500 ms bound for a session: one that sets it to 0
    waits for the lock as long as it is held, then maintains the state as usual (no fault). The wait
    is observed in pg_locks before the holder lets go, so nothing depends on timing."""
    adopted_nineteen(empty_dsn)
    with psycopg.connect(empty_dsn) as holder:
        holder.execute("SELECT contender_rank.lock_state()")
        with psycopg.connect(empty_dsn, autocommit=True) as writer:
            writer.execute("SET contender_rank.state_lock_timeout = 0")
            done = threading.Event()

            def write() -> None:
                writer.execute(
                    "INSERT INTO contenders_history (contender_id, node_hotkey, node_id, netuid, task,"
                    " validator_hotkey, raw_capacity, capacity, capacity_to_score, consumed_capacity,"
                    " period_score, created_at, updated_at, expired_at)"
                    " SELECT contender_id, node_hotkey, node_id, netuid, task, validator_hotkey,"
                    " raw_capacity, capacity, capacity_to_score, consumed_capacity, 0.5, created_at,"
                    " updated_at, %s FROM contenders",
                    (utc_now(),),
                )
                done.set()

            thread = threading.Thread(target=write)
            thread.start()
            with psycopg.connect(empty_dsn, autocommit=True) as observer:
                waiting = False
                for _ in range(600):  # the writer reaches the lock; bounded only against a hang
                    waiting = observer.execute(
                        "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                        " AND pid = %s)",
                        (writer.info.backend_pid,),
                    ).fetchone() == (True,)
                    if waiting or done.is_set():
                        break
                    done.wait(0.05)
            assert waiting and not done.is_set(), "the writer waits for the lock"
            holder.rollback()
            thread.join(timeout=60)
            assert done.is_set()
    assert faults(empty_dsn) == []
    assert_rankings_exact(empty_dsn)
