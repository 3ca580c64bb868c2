"""The seeded epoch scenario and ``demo``: the cold-start transfer, and clean-up of only its own database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from contender_rank.cli import main
from contender_rank_lab.databases import new_database_name, scratch_database
from contender_rank_lab.nineteen import scenario as nineteen
from contender_rank_lab.scenario import (
    BASE_TASKS,
    EPOCHS,
    NEW_TASK,
    SIMILAR_TASK,
    SIMILARITY,
    ScenarioError,
    rank_scenario,
    seed_scenario,
)

REPOSITORY = Path(__file__).resolve().parents[2]
ROW_KEYS = {"contender_id", "node_hotkey", "own_metric", "similar_metric", "global_metric", "rank_value"}


def databases(admin_dsn: str) -> set[str]:
    with psycopg.connect(admin_dsn, autocommit=True) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT datname FROM pg_database")
        return {row["datname"] for row in cur.fetchall()}


def assert_cold_start_property(document: dict, nodes: int = EPOCHS + 1, with_history: int = EPOCHS) -> None:
    """Every node's new-task global_metric = similarity x its similar-task own_metric, to 1e-9."""
    scenario = document["scenario"]
    assert scenario == {"new_task": scenario["new_task"], "similar_task": SIMILAR_TASK, "similarity": 0.5}
    rankings = document["rankings"]
    assert set(rankings) == {SIMILAR_TASK, scenario["new_task"]}
    own = {row["node_hotkey"]: row["own_metric"] for row in rankings[SIMILAR_TASK]}
    new = {row["node_hotkey"]: row for row in rankings[scenario["new_task"]]}
    assert set(new) == set(own) and len(own) == nodes
    for hotkey, row in new.items():
        assert row["own_metric"] == 0, "the new task has no history of its own"
        assert abs(row["global_metric"] - scenario["similarity"] * own[hotkey]) <= 1e-9
    # the transfer is not trivially 0 = 0.5 x 0: most nodes have history
    assert sum(1 for value in own.values() if value > 0) == with_history
    for rows in rankings.values():
        assert all(set(row) == ROW_KEYS for row in rows)


def test_seeded_scenario_transfers_half_the_similar_metric(conn: psycopg.Connection) -> None:
    result = rank_scenario(conn, seed_scenario(conn))
    document = {
        "scenario": {
            "new_task": result.scenario.new_task,
            "similar_task": result.scenario.similar_task,
            "similarity": result.scenario.similarity,
        },
        "rankings": {
            task: [{key: getattr(row, key) for key in ROW_KEYS} for row in rows]
            for task, rows in result.rankings.items()
        },
    }
    assert_cold_start_property(document)


def test_scenario_history_follows_the_epochs(conn: psycopg.Connection) -> None:
    scenario = seed_scenario(conn)
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT node_hotkey, task, period_score, expired_at FROM contenders_history")
        history = cur.fetchall()
        cur.execute("SELECT count(*) AS n FROM contenders WHERE task = %(task)s", {"task": NEW_TASK})
        new_contenders = cur.fetchone()
    # epochs 1..4 closed; epoch e closes nodes 1..e+1 for each base task
    assert len(history) == sum(epoch + 1 for epoch in range(1, EPOCHS)) * len(BASE_TASKS)
    assert {row["period_score"] for row in history} == {1.0}
    assert {row["expired_at"] for row in history} == set(scenario.epoch_ends[:-1])
    assert NEW_TASK not in {row["task"] for row in history}
    assert new_contenders == {"n": EPOCHS + 1}
    gaps = {
        later - earlier for earlier, later in zip(scenario.epoch_ends, scenario.epoch_ends[1:], strict=False)
    }
    assert len(gaps) == 1, "epochs end one decay interval apart"


def test_scenario_own_metric_is_the_decayed_sum_of_closed_epochs(conn: psycopg.Connection) -> None:
    # an independent model of the spec: node n has history from epoch max(1, n-1) to EPOCHS-1,
    # each period scored 1.0, ranked in epoch EPOCHS: own = sum of f^(EPOCHS - e)
    result = rank_scenario(conn, seed_scenario(conn))
    f = result.config.decay_factor
    for row in result.rankings[SIMILAR_TASK]:
        node = int(row.node_hotkey.removeprefix("node-"))
        expected = sum(f ** (EPOCHS - epoch) for epoch in range(max(1, node - 1), EPOCHS))
        assert row.own_metric == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert row.similar_metric == 0


def test_scenario_agrees_with_the_window_definition(conn: psycopg.Connection) -> None:
    scenario = seed_scenario(conn)
    result = rank_scenario(conn, scenario)
    with conn.cursor(row_factory=dict_row) as cur:
        for task, rows in result.rankings.items():
            cur.execute(
                "SELECT * FROM contender_rank.rank_contenders_window(%(task)s, 100, %(as_of)s)",
                {"task": task, "as_of": scenario.ranked_at},
            )
            window = cur.fetchall()
            assert [row.contender_id for row in rows] == [row["contender_id"] for row in window]
            for row, reference in zip(rows, window, strict=True):
                assert row.global_metric == pytest.approx(reference["global_metric"], rel=1e-12, abs=1e-12)


def test_seeding_refuses_a_database_that_holds_data(conn: psycopg.Connection) -> None:
    conn.execute(
        "INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity) "
        "VALUES ('theirs', 'n', 19, 't', 1)"
    )
    with pytest.raises(ScenarioError, match="empty database"):
        seed_scenario(conn)
    assert conn.execute("SELECT contender_id FROM contenders").fetchall() == [("theirs",)]
    assert conn.execute("SELECT count(*) FROM task_similarity").fetchone() == (0,)


def test_scratch_database_drops_only_itself(admin_dsn: str, dsn: str, conn: psycopg.Connection) -> None:
    conn.execute("INSERT INTO task_similarity VALUES ('theirs', 'mine', 0.9)")
    before = databases(admin_dsn)
    with scratch_database(admin_dsn, "demo") as scratch:
        created = databases(admin_dsn) - before
        assert len(created) == 1 and next(iter(created)).startswith("contender_rank_demo_")
        with psycopg.connect(scratch) as scratch_conn:
            assert scratch_conn.execute("SELECT count(*) FROM ranking_config").fetchone() == (1,)
    assert databases(admin_dsn) == before
    assert conn.execute("SELECT * FROM task_similarity").fetchall() == [("theirs", "mine", 0.9)]


def test_scratch_database_is_dropped_when_the_body_fails(admin_dsn: str) -> None:
    before = databases(admin_dsn)
    with pytest.raises(RuntimeError, match="interrupted"), scratch_database(admin_dsn, "demo"):
        raise RuntimeError("interrupted")
    assert databases(admin_dsn) == before


def test_demo_json_on_a_given_server(
    capsys: pytest.CaptureFixture[str], admin_dsn: str, conn: psycopg.Connection
) -> None:
    conn.execute("INSERT INTO task_similarity VALUES ('theirs', 'mine', 0.9)")
    before = databases(admin_dsn)
    assert main(["--dsn", admin_dsn, "demo", "--json"]) == 0
    assert_cold_start_property(json.loads(capsys.readouterr().out))
    assert databases(admin_dsn) == before
    assert conn.execute("SELECT * FROM task_similarity").fetchall() == [("theirs", "mine", 0.9)]


def test_demo_text_shows_every_contender_and_the_check(
    capsys: pytest.CaptureFixture[str], admin_dsn: str
) -> None:
    assert main(["--dsn", admin_dsn, "demo"]) == 0
    out = capsys.readouterr().out
    for node in range(1, EPOCHS + 2):
        for task in (SIMILAR_TASK, NEW_TASK):
            assert f"node-{node}-{task}" in out
    for column in ("own_metric", "similar_metric", "global_metric", "rank_value"):
        assert column in out
    assert f"{SIMILARITY:g} x own_metric({SIMILAR_TASK})" in out
    assert f"OK: holds on all {EPOCHS + 1} nodes" in out


def test_nineteen_demo_adopts_midstream_and_transfers_half(
    capsys: pytest.CaptureFixture[str], admin_dsn: str
) -> None:
    before = databases(admin_dsn)
    assert main(["--dsn", admin_dsn, "demo", "--nineteen", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    # node-6 never handshook, so five nodes are ranked; node-1 fails every try, so its 3B metric is 0
    assert_cold_start_property(document, nodes=5, with_history=4)
    assert document["scenario"]["new_task"] == nineteen.NEW_TASK
    assert databases(admin_dsn) == before

    assert main(["--dsn", admin_dsn, "demo", "--nineteen"]) == 0
    out = capsys.readouterr().out
    assert "found nineteen's tables in schema public" in out
    assert f"contenders_history ({nineteen.ADOPTED_AFTER * 18} rows" in out  # 3 periods x 6 nodes x 3 tasks
    assert "node-6-chat-llama-3-1-405b" in out and "node not handshaken" in out
    assert "OK: holds on all 5 nodes" in out


def test_demo_without_a_database_runs_and_removes_a_throwaway_cluster() -> None:
    # a private TMPDIR shows that the cluster's directory is gone afterwards
    tmp = Path(tempfile.mkdtemp(prefix="contender-rank-demo-test-"))
    tmp.chmod(0o755)  # the server runs as the postgres user when we are root
    try:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env["TMPDIR"] = str(tmp)
        result = subprocess.run(
            [sys.executable, "-m", "contender_rank", "demo", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert_cold_start_property(json.loads(result.stdout))
        assert list(tmp.iterdir()) == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_run_sh_passes_its_arguments_to_demo(admin_dsn: str) -> None:
    result = subprocess.run(
        [str(REPOSITORY / "run.sh"), "--json"],
        env={**os.environ, "DATABASE_URL": admin_dsn},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert_cold_start_property(json.loads(result.stdout))


def test_demo_without_createdb_says_what_it_needs(capsys: pytest.CaptureFixture[str], admin_dsn: str) -> None:
    role = new_database_name("nocreatedb")  # a contender_rank_ name, removed below
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        # a password, in case the server does not trust local connections (docker compose's db)
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB PASSWORD 'demo-test'").format(sql.Identifier(role))
        )
        try:
            before = databases(admin_dsn)
            assert main(["--dsn", make_conninfo(admin_dsn, user=role, password="demo-test"), "demo"]) == 2
            err = capsys.readouterr().err.strip().splitlines()
            assert len(err) == 1 and "CREATEDB" in err[0] and "DATABASE_URL" in err[0]
            assert databases(admin_dsn) == before
        finally:
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
