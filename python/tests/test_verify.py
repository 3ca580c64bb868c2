"""contender-rank verify [--repair]: the derived state checked against the definition from history, like
amcheck; the repair; and status saying whether the state is trusted. On nineteen's own database, with
nineteen's own writes (asyncpg), some of them made with the triggers off."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import sql

from contender_rank import (
    InvalidValueError,
    StateCheck,
    StateDifference,
    ranking_status,
    repair_state,
    repair_state_async,
    verify_state,
    verify_state_async,
)
from contender_rank.cli import main
from contender_rank.commands import _drift_advice, giving_way, status_warnings
from contender_rank.schema import migrate
from contender_rank_lab.nineteen.replay import Validator, connect, statement
from model_checks import assert_matches_model, fetch, micros, world_of
from nineteen_world import CONTENDERS, START, TASKS, nineteen_periods, nineteen_world
from ranking_model import rank


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def ranking_mismatches(dsn: str, as_of: datetime) -> list[str]:
    """Where rank_contenders and the definition differ from the independent model, task by task."""
    problems = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        world = world_of(conn)
        for task in TASKS:
            model = rank(world, task, micros(as_of))
            assert model, "something is ranked"
            for function in ("rank_contenders", "rank_contenders_window"):
                try:
                    assert_matches_model(
                        f"{function}({task})", fetch(conn, function, task, 100, as_of), model, 100
                    )
                except AssertionError as error:
                    problems.append(f"{function}({task}): {error}")
    return problems


# -- the check and the repair, through the CLI -----------------------------------------------------------


def test_history_written_with_the_triggers_off_is_found_and_repaired(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str
) -> None:
    nineteen_world(adopted_dsn)
    as_of = (START + timedelta(hours=5, minutes=30)).replace(tzinfo=UTC)
    assert ranking_mismatches(adopted_dsn, as_of) == []
    result = cli(capsys, "--dsn", adopted_dsn, "verify")
    assert result.returncode == 0 and result.stdout.startswith("exact:"), result

    asyncio.run(nineteen_periods(adopted_dsn, 4, 2, triggers_off=True))  # two periods the triggers never saw

    # the ranking is now wrong, and verify says where
    broken = ranking_mismatches(adopted_dsn, as_of)
    assert any(problem.startswith("rank_contenders(") for problem in broken)
    assert not any(problem.startswith("rank_contenders_window") for problem in broken), (
        "the definition is right"
    )
    result = cli(capsys, "--dsn", adopted_dsn, "verify")
    assert result.returncode == 1
    assert "difference(s) in the derived state" in result.stdout
    result = cli(capsys, "--dsn", adopted_dsn, "verify", "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["exact"] is False and document["valued_at"] == "2025-01-01T05:00:00+00:00"
    listed = {(d["contender_id"], d["what"]) for d in document["differences"]}
    scored = {c.contender_id for c in CONTENDERS}  # every contender was moved to history
    assert {contender for contender, what in listed if what == "own_newest_at"} == scored
    assert all(
        what
        in {
            "own_metric",
            "own_interval",
            "own_interval_rows",
            "own_newest_at",
            "similar_metric",
            "similar_interval",
            "similar_newest_at",
        }
        for _, what in listed
    )
    own = next(d for d in document["differences"] if d["what"] == "own_newest_at")
    assert (own["stored"], own["expected"]) == ("2025-01-01 03:00:00+00", "2025-01-01 05:00:00+00")

    result = cli(capsys, "--dsn", adopted_dsn, "verify", "--repair", "--json")
    assert result.returncode == 0, result
    document = json.loads(result.stdout)
    assert document["before"]["exact"] is False and document["after"]["exact"] is True
    assert document["repair"]["rebuilt"] is True and document["repair"]["lock_held_seconds"] >= 0
    assert document["after"]["differences"] == [] and document["exact"] is True and document["passed"] is True

    result = cli(capsys, "--dsn", adopted_dsn, "verify")
    assert result.returncode == 0 and result.stdout.startswith("exact:")
    assert ranking_mismatches(adopted_dsn, as_of) == []


def test_a_hand_edited_state_row_is_found_and_the_repair_says_both(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str
) -> None:
    nineteen_world(adopted_dsn)
    victim = CONTENDERS[0].contender_id
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE contender_rank.contender_state SET own_interval_sum = own_interval_sum + 0.25"
            " WHERE contender_id = %s",
            (victim,),
        )
    result = cli(capsys, "--dsn", adopted_dsn, "verify")
    assert result.returncode == 1
    rows = [line.split() for line in result.stdout.splitlines()[2:] if line.startswith(victim)]
    assert [row[2] for row in rows] == ["own_metric"] and float(rows[0][3]) > float(rows[0][4])

    result = cli(capsys, "--dsn", adopted_dsn, "verify", "--repair")
    assert result.returncode == 0
    before, after = result.stdout.split("\nafter:\n")
    assert before.startswith("before:\n") and victim in before and "1 difference(s)" in before
    assert "repaired: state rebuilt from" in before and "the state lock was held" in before
    assert after.startswith("exact:")


def test_an_exact_state_exits_0_and_a_repair_of_it_rebuilds_nothing(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str
) -> None:
    nineteen_world(adopted_dsn)
    result = cli(capsys, "--dsn", adopted_dsn, "verify", "--json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["exact"] is True and document["differences"] == [] and document["faults"] == 0
    assert document["contenders"] == len(CONTENDERS) and document["history_rows"] == 4 * len(CONTENDERS)
    assert document["tolerance"] == 1e-9 and "relative" in document["tolerance_is"]
    result = cli(capsys, "--dsn", adopted_dsn, "verify", "--repair")
    assert result.returncode == 0 and "nothing to repair" in result.stdout


def test_a_recorded_fault_fails_the_check_until_the_repair_clears_it(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str
) -> None:
    nineteen_world(adopted_dsn)
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO contender_rank.state_faults (source, sqlstate, message)"
            " VALUES ('contenders_history_after_insert', '55P03', 'the state lock was busy')"
        )
        status = ranking_status(conn)
        assert not status.trusted and status.faults == 1
        assert status.last_fault_message == "the state lock was busy"
    result = cli(capsys, "--dsn", adopted_dsn, "verify")
    assert result.returncode == 1 and "1 maintenance fault(s) recorded" in result.stdout
    document = json.loads(cli(capsys, "--dsn", adopted_dsn, "verify", "--json").stdout)
    assert document["exact"] is True and document["faults"] == 1 and document["passed"] is False
    result = cli(capsys, "--dsn", adopted_dsn, "verify", "--repair", "--json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["repair"]["faults_cleared"] == 1 and document["after"]["faults"] == 0
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        assert ranking_status(conn).trusted


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--tolerance", "-1"], ["tolerance", ">= 0 and < 1"]),
        (["--tolerance", "1"], ["tolerance", ">= 0 and < 1"]),
        (["--as-of", "2024-01-01T00:00:00Z"], ["as_of", "newest history row"]),
        (["--repair", "--lock-wait", "0"], ["--lock-wait", "more than 0"]),
    ],
    ids=["negative tolerance", "tolerance 1", "as_of before the history", "no lock wait"],
)
def test_bad_arguments_are_one_line_and_change_nothing(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str, args: list[str], words: list[str]
) -> None:
    nineteen_world(adopted_dsn)
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        conn.execute("UPDATE contender_rank.contender_state SET own_base = own_base + 1")
        before = conn.execute(
            "SELECT md5(string_agg(s::text, '' ORDER BY contender_id)) FROM contender_rank.contender_state s"
        ).fetchone()
        assert_one_line_error(cli(capsys, "--dsn", adopted_dsn, "verify", *args), *words)
        after = conn.execute(
            "SELECT md5(string_agg(s::text, '' ORDER BY contender_id)) FROM contender_rank.contender_state s"
        ).fetchone()
        assert before == after


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--tolerance", "abc"], ["must be a number"]), (["--as-of", "2025-01-01T00:00:00"], ["no time zone"])],
    ids=["tolerance not a number", "as_of without zone"],
)
def test_unreadable_arguments_are_usage_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], words: list[str]
) -> None:
    result = cli(capsys, "--dsn", "postgresql://nowhere.invalid/x", "verify", *args)
    assert_one_line_error(result, *words)


# -- the API ---------------------------------------------------------------------------------------------


def test_the_api_and_its_async_twin(adopted_dsn: str) -> None:
    nineteen_world(adopted_dsn)
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        check = verify_state(conn)
        assert isinstance(check, StateCheck) and check.exact and check.contenders == len(CONTENDERS)
        conn.execute(
            "UPDATE contender_rank.contender_state SET task = 'moved' WHERE contender_id = %s",
            (CONTENDERS[1].contender_id,),
        )
        check = verify_state(conn, as_of=datetime(2025, 2, 1, tzinfo=UTC), tolerance=0.5)
        assert check.differences == [
            StateDifference(
                CONTENDERS[1].contender_id, CONTENDERS[1].task, "task", "moved", CONTENDERS[1].task
            )
        ]
        assert check.valued_at == datetime(2025, 2, 1, tzinfo=UTC)
        with pytest.raises(InvalidValueError) as refused:
            verify_state(conn, tolerance=float("nan"))
        assert refused.value.field == "tolerance"
        with pytest.raises(InvalidValueError) as refused:
            verify_state(conn, as_of=datetime(2025, 1, 1, 12))
        assert refused.value.field == "as_of"
        with pytest.raises(InvalidValueError) as refused:
            verify_state(conn, as_of=datetime(2024, 1, 1, tzinfo=UTC))
        assert refused.value.field == "as_of" and "newest history row" in str(refused.value)
        with pytest.raises(InvalidValueError) as refused:
            repair_state(conn, lock_wait=timedelta(0))
        assert refused.value.field == "lock_wait"

    async def twins() -> None:
        async with await psycopg.AsyncConnection.connect(adopted_dsn, autocommit=True) as aconn:
            assert not (await verify_state_async(aconn)).exact
            repaired = await repair_state_async(aconn)
            assert repaired.rebuilt and not repaired.before.exact and repaired.after.exact
            again = await repair_state_async(aconn, force=True)
            assert again.rebuilt and again.before.exact and again.after.exact

    asyncio.run(twins())


# -- on a live validator ---------------------------------------------------------------------------------


def test_the_check_waits_for_no_writer_and_no_writer_waits_for_it(adopted_dsn: str) -> None:
    nineteen_world(adopted_dsn)
    # a writer in the middle of a history INSERT holds the state lock: the check does not wait for it
    with psycopg.connect(adopted_dsn) as writer, psycopg.connect(adopted_dsn, autocommit=True) as checker:
        # nineteen's move to history, sent from psycopg (its placeholders), left uncommitted
        move = "\n".join(
            line for line in statement("contenders_to_history_at").splitlines() if "--" not in line
        )
        writer.execute(move.replace("$1", "%s"), (START + timedelta(hours=8),))
        writer.execute("DELETE FROM contenders WHERE contender_id = %s", (CONTENDERS[0].contender_id,))
        checker.execute("SET lock_timeout = '200ms'")
        assert verify_state(checker).exact, "and it sees the committed state, exact"
        writer.rollback()

    # a check inside a long transaction holds only ACCESS SHARE locks: nineteen's period goes through
    with psycopg.connect(adopted_dsn, autocommit=True) as checker:
        checker.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        assert verify_state(checker).exact

        async def a_period_that_may_not_wait() -> None:
            conn = await connect(adopted_dsn)
            await conn.execute("SET lock_timeout = '500ms'")
            await Validator(conn).period(CONTENDERS, expired_at=START + timedelta(hours=9))
            await conn.close()

        asyncio.run(a_period_that_may_not_wait())
        assert verify_state(checker).history_rows == 4 * len(CONTENDERS), "the check's snapshot"
        checker.execute("ROLLBACK")
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        assert verify_state(conn).exact and verify_state(conn).history_rows == 5 * len(CONTENDERS)


def test_a_repair_gives_up_on_a_held_state_lock_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str
) -> None:
    nineteen_world(adopted_dsn)
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        conn.execute("UPDATE contender_rank.contender_state SET own_base = own_base + 1")
    with psycopg.connect(adopted_dsn) as holder:
        # a DBA's transaction left open after a history correction: it holds the state lock
        holder.execute(
            "UPDATE contenders_history SET period_score = period_score WHERE expired_at = %s", (START,)
        )
        result = cli(capsys, "--dsn", adopted_dsn, "verify", "--repair", "--lock-wait", "0.3")
        assert_one_line_error(
            result, "state lock is held by another session", f"pid {holder.info.backend_pid}"
        )
        holder.rollback()
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        assert not verify_state(conn).exact, "nothing was repaired"
        taken = threading.Event()

        def hold_briefly() -> None:
            with psycopg.connect(adopted_dsn) as briefly:
                briefly.execute("SELECT contender_rank.lock_state()")
                taken.set()
                time.sleep(0.3)
                briefly.rollback()

        thread = threading.Thread(target=hold_briefly)
        thread.start()
        assert taken.wait(30)
        started = time.monotonic()
        repaired = repair_state(conn, lock_wait=timedelta(seconds=30))  # waits for the short holder
        waited = time.monotonic() - started
        thread.join()
        assert repaired.rebuilt and repaired.after.exact
        assert waited >= 0.2, "it could only repair once the holder let go"


# -- status ----------------------------------------------------------------------------------------------


def test_status_says_untrusted_why_and_how_nineteens_tables_drifted(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str
) -> None:
    nineteen_world(adopted_dsn)
    keys_before_this_release = {
        "layout",
        "version",
        "contenders",
        "contenders_in_state",
        "history_rows",
        "history_rows_ignored",
        "contenders_with_history",
        "newest_expired_at",
        "installed_at",
        "migrated_at",
    }
    result = cli(capsys, "--dsn", adopted_dsn, "status", "--json")
    document = json.loads(result.stdout)
    assert keys_before_this_release <= set(document), "JSON keeps every key it had"
    assert document["trusted"] is True and document["shape_drift"] == [] and document["faults"] == 0

    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        conn.execute("ALTER TABLE contenders_history DISABLE TRIGGER contenders_history_after_insert")
        conn.execute("ALTER TABLE contenders RENAME COLUMN requests_429 TO too_many_requests")
    result = cli(capsys, "--dsn", adopted_dsn, "status", "--json")
    document = json.loads(result.stdout)
    assert document["trusted"] is False and "contenders_history_after_insert" in document["untrusted_reason"]
    assert document["shape_drift"] == [
        "public.contenders.requests_429: column renamed (requests_429 -> too_many_requests)",
        "public.contenders_history: trigger disabled (contenders_history_after_insert)",
    ]
    result = cli(capsys, "--dsn", adopted_dsn, "status")
    assert result.returncode == 0
    notes = [line for line in result.stdout.splitlines() if line.startswith("note:")]
    assert any("not trusted" in note and "verify --repair" in note for note in notes)
    assert any("column renamed (requests_429 -> too_many_requests)" in note for note in notes)


def test_migrate_records_the_shape_again(
    adopted_dsn: str,
) -> None:
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        # what migrate recorded, edited to stand for a retyped column and a trigger dropped
        conn.execute(
            "UPDATE contender_rank.installation SET host_shape = jsonb_set(jsonb_set(host_shape,"
            " '{nodes,triggers}', '[\"nodes_gone_trigger\"]'),"
            " '{contenders_history,columns,expired_at,type}', '\"text\"')"
        )
        assert ranking_status(conn).shape_drift == [
            "public.contenders_history.expired_at: column type changed (text -> timestamp without time zone)",
            "public.nodes: trigger missing (nodes_gone_trigger)",
        ]
        assert any("to adopt it" in note for note in status_warnings(ranking_status(conn)))
    migrate(adopted_dsn)
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        status = ranking_status(conn)
        assert status.shape_drift == [] and status.trusted, "migrate recorded what it adopted"


def test_status_says_whether_migrate_would_adopt_a_retyped_column() -> None:
    adopted = "public.contenders_history.expired_at: column type changed (timestamp without time zone -> {})"
    assert "run `contender-rank migrate` to adopt it" in _drift_advice(
        adopted.format("timestamp with time zone")
    )
    assert "migrate refuses this type" in _drift_advice(adopted.format("text"))
    assert (
        _drift_advice("public.contenders_history: trigger disabled (contenders_history_after_insert)") == ""
    )


def _ddl_once_locked(
    dsn: str, holder_pid: int, outcome: dict[str, object], column: str = "added_by_nineteen"
) -> None:
    """nineteen's migration: an ALTER TABLE of its history, sent once ``holder_pid`` holds a lock on the
    table (so that it has to wait for it)."""
    with psycopg.connect(dsn, autocommit=True) as ddl:
        outcome["pid"] = ddl.info.backend_pid
        while not ddl.execute(
            "SELECT EXISTS (SELECT FROM pg_locks WHERE pid = %s AND granted"
            " AND relation = 'public.contenders_history'::regclass)",
            (holder_pid,),
        ).fetchone()[0]:  # type: ignore[index]
            time.sleep(0.01)
        ddl.execute("SET lock_timeout = '20s'")
        ddl.execute(
            sql.SQL("ALTER TABLE contenders_history ADD COLUMN {} int").format(sql.Identifier(column))
        )
        outcome["altered"] = True


SLOW_READ = "SELECT count(*) FROM contenders_history, pg_sleep(60)"


def test_verify_gives_way_to_nineteens_ddl(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    nineteen_world(adopted_dsn)
    outcome: dict[str, object] = {}
    with psycopg.connect(adopted_dsn, autocommit=True) as conn, giving_way(adopted_dsn, conn) as given_way_to:
        ddl = threading.Thread(target=_ddl_once_locked, args=(adopted_dsn, conn.info.backend_pid, outcome))
        ddl.start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute(SLOW_READ)  # a long read of nineteen's history, as a check on a large one is
        ddl.join()
    assert outcome.get("altered") is True, (
        "nineteen's ALTER TABLE went through (within its 20 s lock_timeout)"
    )
    assert [row["pid"] for row in given_way_to] == [outcome["pid"]]

    # through the CLI: one line naming the session it gave way to; nothing changed
    def slow_check(conn: psycopg.Connection, **_: object) -> object:
        conn.execute(SLOW_READ)
        raise AssertionError("the slow read was not cancelled")

    monkeypatch.setattr("contender_rank.commands.api.verify_state", slow_check)
    outcome.clear()

    def ddl_against_the_cli() -> None:
        with psycopg.connect(adopted_dsn, autocommit=True) as probe:
            while True:
                row = probe.execute(
                    "SELECT pid FROM pg_stat_activity WHERE query = %s AND state = 'active'", (SLOW_READ,)
                ).fetchone()
                if row:
                    break
                time.sleep(0.01)
        _ddl_once_locked(adopted_dsn, row[0], outcome, column="added_later")

    ddl = threading.Thread(target=ddl_against_the_cli)
    ddl.start()
    result = cli(capsys, "--dsn", adopted_dsn, "verify")
    ddl.join()
    assert_one_line_error(result, f"gave way to pid {outcome['pid']}", "ALTER TABLE contenders_history")
    assert outcome.get("altered") is True


def test_a_node_whose_settle_never_ran_is_found(capsys: pytest.CaptureFixture[str], adopted_dsn: str) -> None:
    nineteen_world(adopted_dsn)
    with psycopg.connect(adopted_dsn, autocommit=True) as conn:
        conn.execute("ALTER TABLE contender_rank.stale_nodes DISABLE TRIGGER stale_nodes_settle")
        conn.execute(
            "UPDATE contenders SET task = 'chat-new-model' WHERE contender_id = %s",
            (CONTENDERS[0].contender_id,),
        )
        conn.execute("ALTER TABLE contender_rank.stale_nodes ENABLE TRIGGER stale_nodes_settle")
    result = cli(capsys, "--dsn", adopted_dsn, "verify", "--json")
    assert result.returncode == 1
    found = {(d["contender_id"], d["what"]) for d in json.loads(result.stdout)["differences"]}
    assert found == {(None, "stale node")}, (
        "a committed stale node (its contenders' similar metrics are not checked)"
    )
    assert cli(capsys, "--dsn", adopted_dsn, "verify", "--repair").returncode == 0
    assert cli(capsys, "--dsn", adopted_dsn, "verify").returncode == 0


def test_nineteens_period_during_a_repair_ends_exact(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str
) -> None:
    """A repair holds the state lock while nineteen closes a period: nineteen's statements succeed, and
    after the repair commits the state is exact again (the writes that met the lock folded once it was
    free, or recorded a fault that the next repair clears)."""
    nineteen_world(adopted_dsn)
    with psycopg.connect(adopted_dsn) as repairer:
        repairer.execute(
            "SELECT * FROM contender_rank.verify_repair('10 seconds')"
        )  # holds the lock from here
        errors: list[BaseException] = []

        def a_period() -> None:
            try:
                asyncio.run(nineteen_periods(adopted_dsn, 4, 1))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

        period = threading.Thread(target=a_period)
        period.start()
        with psycopg.connect(adopted_dsn, autocommit=True) as probe:
            # until nineteen's period waits for the state lock, or has finished without waiting
            deadline = time.monotonic() + 60
            while period.is_alive() and time.monotonic() < deadline:
                waiting = probe.execute(
                    "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)"
                ).fetchone()
                if waiting and waiting[0]:
                    break
                time.sleep(0.02)
        repairer.commit()
        period.join()
    assert errors == [], "nineteen's statements all succeeded"
    assert cli(capsys, "--dsn", adopted_dsn, "verify", "--repair").returncode == 0
    assert cli(capsys, "--dsn", adopted_dsn, "verify").returncode == 0
    as_of = (START + timedelta(hours=4, minutes=30)).replace(tzinfo=UTC)
    assert ranking_mismatches(adopted_dsn, as_of) == []
