"""The synchronous Python API against a real, migrated database (a fresh clone per test)."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

import contender_rank
from contender_rank import (
    ConfigRowError,
    InvalidValueError,
    LayoutError,
    RankedContender,
    SchemaMissingError,
    Similarity,
    UnknownSettingError,
    close_period,
    delete_similarity,
    explain_ranking,
    get_config,
    list_similarities,
    prune_history,
    rank_contenders,
    ranking_status,
    record_requests,
    set_similarity,
    update_config,
)
from contender_rank.errors import CHECK_CONSTRAINTS, translated_errors
from contender_rank_lab.databases import create_database, drop_database, new_database_name, with_dbname
from contender_rank_lab.scenario import NEW_TASK, SIMILAR_TASK, Scenario, seed_scenario


@pytest.fixture
def scenario(conn: psycopg.Connection) -> Scenario:
    return seed_scenario(conn)


def sql_ranking(conn: psycopg.Connection, task: str, top_x: int, as_of: datetime) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT * FROM rank_contenders(%(task)s, %(top_x)s, %(as_of)s)",
            {"task": task, "top_x": top_x, "as_of": as_of},
        )
        return cur.fetchall()


def config_row(conn: psycopg.Connection) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM ranking_config")
        row = cur.fetchone()
    assert row is not None
    return row


def test_ranked_contender_has_every_column_of_the_sql_type(conn: psycopg.Connection) -> None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'public.ranked_contender'::regclass "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        )
        columns = [row["attname"] for row in cur.fetchall()]
    assert [field.name for field in dataclasses.fields(RankedContender)] == columns


def test_rank_contenders_returns_the_database_rows_in_the_database_order(
    conn: psycopg.Connection, scenario: Scenario
) -> None:
    for task in (SIMILAR_TASK, NEW_TASK):
        expected = sql_ranking(conn, task, 10, scenario.ranked_at)
        ranked = rank_contenders(conn, task, top_x=10, as_of=scenario.ranked_at)
        assert [dataclasses.asdict(row) for row in ranked] == expected
        assert len(ranked) == len(scenario.nodes)
    # history makes a difference, so the order above is not an accident of insertion order
    assert len({row.rank_value for row in ranked}) > 1


def test_rows_are_frozen(conn: psycopg.Connection, scenario: Scenario) -> None:
    row = rank_contenders(conn, SIMILAR_TASK, as_of=scenario.ranked_at)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.rank_value = 0.0  # type: ignore[misc]


def test_top_x_limits_and_default_is_five(conn: psycopg.Connection, scenario: Scenario) -> None:
    assert len(rank_contenders(conn, SIMILAR_TASK, top_x=2, as_of=scenario.ranked_at)) == 2
    assert len(rank_contenders(conn, SIMILAR_TASK, as_of=scenario.ranked_at)) == 5


def test_as_of_defaults_to_now(conn: psycopg.Connection, scenario: Scenario) -> None:
    now = sql_ranking(conn, SIMILAR_TASK, 10, datetime.now(UTC))
    at_scenario_end = rank_contenders(conn, SIMILAR_TASK, top_x=10, as_of=scenario.ranked_at)
    by_default = rank_contenders(conn, SIMILAR_TASK, top_x=10)
    # the scenario lies in 2025: by now its history has decayed, unlike at the scenario's end
    assert [row.own_metric for row in by_default] == [row["own_metric"] for row in now]
    assert [row.own_metric for row in by_default] != [row.own_metric for row in at_scenario_end]


def test_unknown_task_gives_no_rows(conn: psycopg.Connection, scenario: Scenario) -> None:
    assert rank_contenders(conn, "no-such-task", as_of=scenario.ranked_at) == []


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"task": None}, ["task", "NULL"]),
        ({"task": "t", "top_x": 0}, ["top_x", ">= 1"]),
        ({"task": "t", "top_x": 10**10}, ["out of range", "top_x"]),
        ({"task": "t", "as_of": datetime(2025, 1, 1)}, ["as_of", "time zone"]),
    ],
)
def test_bad_ranking_arguments_raise_invalid_value(
    conn: psycopg.Connection, arguments: dict[str, Any], words: list[str]
) -> None:
    with pytest.raises(InvalidValueError) as raised:
        rank_contenders(conn, **arguments)
    for word in words:
        assert word in str(raised.value)
    # the connection is still usable
    assert rank_contenders(conn, "t") == []


def test_close_period_scores_appends_and_resets(conn: psycopg.Connection) -> None:
    conn.execute("INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid) VALUES ('n', 19, 1, 'k')")
    conn.execute(
        "INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity, "
        "consumed_capacity, total_requests_made, requests_429, requests_500) VALUES "
        "('n-a', 'n', 1, 19, 'a', 10, 4, 8, 1, 2), ('n-b', 'n', 1, 19, 'b', 10, 0, 0, 0, 0)"
    )
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT contender_id, contender_rank.period_score(total_requests_made, requests_429,"
            " requests_500, "
            "capacity, consumed_capacity) AS score FROM contenders"
        )
        expected_scores = {row["contender_id"]: row["score"] for row in cur.fetchall()}
    stamp = datetime(2025, 3, 1, 12, tzinfo=UTC)

    assert close_period(conn, as_of=stamp) == 2

    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT contender_id, period_score, expired_at FROM contenders_history")
        history = {row["contender_id"]: row for row in cur.fetchall()}
        cur.execute(
            "SELECT sum(total_requests_made + requests_429 + requests_500 + consumed_capacity) AS left "
            "FROM contenders"
        )
        counters = cur.fetchone()
    assert {key: row["period_score"] for key, row in history.items()} == expected_scores
    assert expected_scores["n-b"] is None and expected_scores["n-a"] is not None
    assert {row["expired_at"] for row in history.values()} == {stamp}
    assert counters is not None and counters["left"] == 0


def test_close_period_without_as_of_stamps_now(conn: psycopg.Connection) -> None:
    conn.execute(
        "INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity) "
        "VALUES ('n-a', 'n', 19, 'a', 10)"
    )
    before = datetime.now(UTC)
    assert close_period(conn) == 1
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT expired_at FROM contenders_history")
        row = cur.fetchone()
    assert row is not None and before - timedelta(seconds=5) <= row["expired_at"] <= datetime.now(UTC)


def test_close_period_joins_the_callers_transaction(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity) "
            "VALUES ('n-a', 'n', 19, 'a', 10)"
        )
        conn.commit()
        with pytest.raises(RuntimeError, match="abandon"), conn.transaction():
            assert close_period(conn, as_of=datetime(2025, 1, 1, tzinfo=UTC)) == 1
            raise RuntimeError("abandon the period")
        assert conn.execute("SELECT count(*) FROM contenders_history").fetchone() == (0,)


def test_close_period_refuses_a_naive_as_of_and_changes_nothing(conn: psycopg.Connection) -> None:
    conn.execute(
        "INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity, total_requests_made) "
        "VALUES ('n-a', 'n', 19, 'a', 10, 3)"
    )
    with pytest.raises(InvalidValueError, match="time zone"):
        close_period(conn, as_of=datetime(2025, 1, 1))
    assert conn.execute("SELECT count(*) FROM contenders_history").fetchone() == (0,)
    assert conn.execute("SELECT total_requests_made FROM contenders").fetchone() == (3,)


def test_set_list_and_delete_similarity(conn: psycopg.Connection) -> None:
    assert set_similarity(conn, "b", "a", 0.25) == Similarity("b", "a", 0.25)
    assert set_similarity(conn, "a", "b", 0.5) == Similarity("a", "b", 0.5)
    # setting an existing pair replaces its value
    assert set_similarity(conn, "a", "b", 0.75) == Similarity("a", "b", 0.75)
    assert list_similarities(conn) == [Similarity("a", "b", 0.75), Similarity("b", "a", 0.25)]
    assert delete_similarity(conn, "a", "b") is True
    assert delete_similarity(conn, "a", "b") is False
    assert list_similarities(conn) == [Similarity("b", "a", 0.25)]


@pytest.mark.parametrize(
    ("from_task", "to_task", "value", "field", "words"),
    [
        ("a", "b", 1.5, "similarity", ["1.5", "0 to 1"]),
        ("a", "b", -0.1, "similarity", ["-0.1", "0 to 1"]),
        ("a", "b", math.nan, "similarity", ["nan", "0 to 1"]),
        ("a", "b", None, "similarity", ["NULL"]),
        ("a", "a", 0.5, "to_task", ["other than from_task"]),
    ],
)
def test_bad_similarity_is_rejected_and_changes_nothing(
    conn: psycopg.Connection, from_task: str, to_task: str, value: float | None, field: str, words: list[str]
) -> None:
    set_similarity(conn, "a", "b", 0.3)
    with pytest.raises(InvalidValueError) as raised:
        set_similarity(conn, from_task, to_task, value)  # type: ignore[arg-type]
    assert raised.value.field == field
    for word in words:
        assert word in str(raised.value)
    assert list_similarities(conn) == [Similarity("a", "b", 0.3)]


def test_get_config_has_the_documented_defaults(conn: psycopg.Connection) -> None:
    config = get_config(conn)
    row = config_row(conn)
    assert (config.decay_interval, config.decay_factor, config.history_weight) == (
        timedelta(hours=1),
        0.5,
        50.0,
    )
    assert config.updated_at == row["updated_at"]


def test_update_config_applies_to_the_next_ranking(conn: psycopg.Connection, scenario: Scenario) -> None:
    ranked = rank_contenders(conn, SIMILAR_TASK, top_x=10, as_of=scenario.ranked_at)
    assert any(row.rank_value != row.total_requests_made for row in ranked)

    changed = update_config(conn, history_weight=0, decay_factor=1, decay_interval="2 hours")

    assert (changed.history_weight, changed.decay_factor, changed.decay_interval) == (
        0,
        1,
        timedelta(hours=2),
    )
    assert get_config(conn) == changed
    # history_weight 0 is pure load balancing
    ranked = rank_contenders(conn, SIMILAR_TASK, top_x=10, as_of=scenario.ranked_at)
    assert [row.rank_value for row in ranked] == [row.total_requests_made for row in ranked]
    update_config(conn, decay_interval=timedelta(minutes=30))
    assert get_config(conn).decay_interval == timedelta(minutes=30)


def test_update_config_refuses_unknown_names_and_changes_nothing(conn: psycopg.Connection) -> None:
    before = config_row(conn)
    with pytest.raises(UnknownSettingError) as raised:
        update_config(conn, decay_factor=0.9, decay_factr=0.9, **{"history_weight = 0 --": 1})
    message = str(raised.value)
    assert "decay_factr" in message
    for allowed in contender_rank.SETTINGS:
        assert allowed in message
    assert config_row(conn) == before


def test_update_config_needs_a_change(conn: psycopg.Connection) -> None:
    with pytest.raises(InvalidValueError, match="at least one of decay_interval"):
        update_config(conn)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"decay_factor": 0}, "decay_factor", ["greater than 0 and at most 1"]),
        ({"decay_factor": 1.5}, "decay_factor", ["1.5", "at most 1"]),
        ({"decay_factor": math.nan}, "decay_factor", ["nan"]),
        ({"history_weight": -1}, "history_weight", ["-1", "finite number >= 0"]),
        ({"history_weight": math.inf}, "history_weight", ["inf", "finite"]),
        ({"history_weight": None}, "history_weight", ["NULL"]),
        ({"decay_interval": "0 seconds"}, "decay_interval", ["longer than zero"]),
        ({"decay_interval": "-1 hour"}, "decay_interval", ["longer than zero"]),
        ({"decay_interval": "soon"}, "decay_interval", ["'soon'", "e.g. '1 hour'"]),
        # one bad value rejects the whole change
        ({"history_weight": 10, "decay_factor": 2}, "decay_factor", ["at most 1"]),
    ],
)
def test_update_config_rejects_bad_values_and_changes_nothing(
    conn: psycopg.Connection, changes: dict[str, Any], field: str, words: list[str]
) -> None:
    before = config_row(conn)
    with pytest.raises(InvalidValueError) as raised:
        update_config(conn, **changes)
    assert raised.value.field == field
    for word in words:
        assert word in str(raised.value)
    assert config_row(conn) == before


def test_every_check_constraint_has_a_message(conn: psycopg.Connection) -> None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace"
        )
        names = {row["conname"] for row in cur.fetchall()}
    assert names, "the schema has CHECK constraints"
    assert names <= set(CHECK_CONSTRAINTS)


def test_removing_the_config_row_is_a_config_row_error(conn: psycopg.Connection) -> None:
    with pytest.raises(ConfigRowError, match="exactly one row"), translated_errors():
        conn.execute("DELETE FROM ranking_config")
    assert conn.execute("SELECT count(*) FROM ranking_config").fetchone() == (1,)


def test_errors_not_caused_by_input_are_not_translated(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.SyntaxError), translated_errors():
        conn.execute("SELEC 1")


def test_unmigrated_database_says_to_migrate(admin_dsn: str) -> None:
    name = new_database_name("bare")
    create_database(admin_dsn, name)
    try:
        with psycopg.connect(with_dbname(admin_dsn, name), autocommit=True) as bare:
            with pytest.raises(SchemaMissingError, match="contender-rank migrate"):
                rank_contenders(bare, "t")
            with pytest.raises(SchemaMissingError):
                get_config(bare)
    finally:
        drop_database(admin_dsn, name)


# -- the rest of the API: the query node's write, explain, prune, status ---------------------------


def counters(conn: psycopg.Connection, contender_id: str) -> tuple[Any, ...] | None:
    return conn.execute(
        "SELECT total_requests_made, consumed_capacity, requests_429, requests_500 FROM contenders "
        "WHERE contender_id = %(id)s",
        {"id": contender_id},
    ).fetchone()


def test_record_requests_adds_to_the_four_counters_in_one_call(
    conn: psycopg.Connection, scenario: Scenario
) -> None:
    target = f"node-1-{SIMILAR_TASK}"
    before = counters(conn, target)
    assert before is not None
    assert record_requests(conn, target) is True
    assert (
        record_requests(conn, target, requests=2, consumed_capacity=1.5, requests_429=1, requests_500=1)
        is True
    )
    assert counters(conn, target) == (before[0] + 3, before[1] + 1.5, before[2] + 1, before[3] + 1)
    assert record_requests(conn, "no-such-contender") is False


def test_record_requests_is_a_hot_update(conn: psycopg.Connection, scenario: Scenario) -> None:
    # the query node bumps a counter per request: no index covers the counters and no trigger
    # writes the row, so each bump is a heap-only update that touches no index. Counted within one
    # transaction, whose versions all fit the row's page, so nothing depends on when pruning runs.
    # (the counters read are the backend's pending ones, which may still hold earlier transactions':
    # the difference is this transaction's)
    target = f"node-1-{SIMILAR_TASK}"
    count = (
        "SELECT pg_stat_get_xact_tuples_updated('contenders'::regclass), "
        "pg_stat_get_xact_tuples_hot_updated('contenders'::regclass)"
    )
    with conn.transaction():
        before = conn.execute(count).fetchone()
        for _ in range(10):
            assert record_requests(conn, target, consumed_capacity=0.5) is True
        after = conn.execute(count).fetchone()
    assert before is not None and after is not None
    assert (after[0] - before[0], after[1] - before[1]) == (10, 10)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"requests": -1}, "requests"),
        ({"requests_429": -2}, "requests_429"),
        ({"requests_500": -3}, "requests_500"),
        ({"consumed_capacity": math.inf}, "consumed_capacity"),
        ({"consumed_capacity": -0.5}, "consumed_capacity"),
        ({"requests": "1"}, "requests"),
        ({"requests": True}, "requests"),
    ],
)
def test_record_requests_refuses_bad_counts_and_changes_nothing(
    conn: psycopg.Connection, scenario: Scenario, arguments: dict[str, Any], field: str
) -> None:
    target = f"node-1-{SIMILAR_TASK}"
    before = counters(conn, target)
    with pytest.raises(InvalidValueError) as raised:
        record_requests(conn, target, **arguments)
    assert raised.value.field == field and field in str(raised.value)
    assert counters(conn, target) == before


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"task": "t", "top_x": 0}, "top_x"),
        ({"task": "t", "top_x": 10**10}, "top_x"),
        ({"task": "t", "top_x": "5"}, "top_x"),
        ({"task": 7}, "task"),
        ({"task": "t", "as_of": "2025-01-01T00:00:00Z"}, "as_of"),
        ({"task": "t", "as_of": datetime(2025, 1, 1)}, "as_of"),
    ],
)
def test_every_bad_ranking_argument_names_its_field(
    conn: psycopg.Connection, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidValueError) as raised:
        rank_contenders(conn, **arguments)
    assert raised.value.field == field


def test_explain_ranking_agrees_with_rank_contenders_and_previews(
    conn: psycopg.Connection, scenario: Scenario
) -> None:
    conn.execute(
        "UPDATE contenders SET capacity = 0 WHERE contender_id = %(id)s", {"id": f"node-2-{NEW_TASK}"}
    )
    explained = explain_ranking(conn, NEW_TASK, as_of=scenario.ranked_at)
    ranked = rank_contenders(conn, NEW_TASK, top_x=100, as_of=scenario.ranked_at)
    eligible = [row for row in explained if row.place is not None]
    assert [row.contender_id for row in eligible] == [row.contender_id for row in ranked]
    assert [row.place for row in eligible] == list(range(1, len(ranked) + 1))
    assert all(row.rank_value == r.rank_value for row, r in zip(eligible, ranked, strict=True))
    (excluded,) = [row for row in explained if row.place is None]
    assert excluded.contender_id == f"node-2-{NEW_TASK}" and "no capacity" in (
        excluded.excluded_because or ""
    )
    assert all(row.proposed_place is None for row in explained)

    before = get_config(conn)
    preview = explain_ranking(conn, NEW_TASK, as_of=scenario.ranked_at, history_weight=0)
    # weight 0 is load balancing: every contender made the same number of requests, so contender_id decides
    assert [
        row.contender_id for row in sorted(preview, key=lambda r: r.proposed_place or 99) if row.place
    ] == sorted(row.contender_id for row in eligible)
    assert all(row.proposed_rank_value == row.total_requests_made for row in preview if row.place)
    assert get_config(conn) == before
    with pytest.raises(InvalidValueError) as raised:
        explain_ranking(conn, NEW_TASK, decay_factor=1.5)
    assert raised.value.field == "decay_factor"


def test_prune_history_and_ranking_status(conn: psycopg.Connection, scenario: Scenario) -> None:
    status = ranking_status(conn)
    assert (status.layout, status.version) == ("standalone", contender_rank.__version__)
    assert status.contenders == status.contenders_in_state == len(scenario.nodes) * 4
    assert status.history_rows > 0 and status.history_rows_ignored == 0
    assert prune_history(conn, as_of=scenario.ranked_at) == 0  # nothing that old
    far_later = scenario.ranked_at + timedelta(days=60)
    assert prune_history(conn, as_of=far_later) == status.history_rows
    assert ranking_status(conn).history_rows == 0


def test_update_config_sets_retention_epsilon(conn: psycopg.Connection) -> None:
    assert update_config(conn, retention_epsilon=0.001).retention_epsilon == 0.001
    with pytest.raises(InvalidValueError) as raised:
        update_config(conn, retention_epsilon=2)
    assert raised.value.field == "retention_epsilon"
    with pytest.raises(InvalidValueError) as raised:
        update_config(conn, decay_factor="half")  # type: ignore[arg-type]
    assert raised.value.field == "decay_factor"


def test_close_period_is_refused_on_an_adopted_database(adopted_dsn: str) -> None:
    with (
        psycopg.connect(adopted_dsn, autocommit=True) as adopted,
        pytest.raises(LayoutError, match="standalone layout"),
    ):
        close_period(adopted)
