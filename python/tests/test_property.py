"""rank_contenders and rank_contenders_window against the independent model in ranking_model.py.

Hypothesis builds nodes (some not handshaken, two netuids), contenders (capacity 0, negative
or exhausted included), directed similarities with missing pairs, histories with late rows,
same-interval and same-instant duplicates, NULL scores and rows after as_of, and configs with
odd decay intervals, decay_factor 1 and history_weight 0. The writes are split into several
statements applied in a random order (history before its contenders exist, contenders
deleted at the end, a config change in the middle or after everything), so the state's
in-order fold, its late-row recompute, its similar-metric refresh and its rebuild on a
config change are all exercised. Each example runs in a transaction that is rolled back.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contender_rank import verify_state
from contender_rank_lab.databases import create_database, drop_database, new_database_name
from model_checks import assert_matches_model, fetch
from ranking_model import Config, Contender, HistoryRow, Node, World, rank, to_datetime

HOTKEYS = ("B", "a", "z", "é")  # code-point order (B < a < z < é) differs from any language's collation
NETUIDS = (19, 20)
TASKS = ("llama-70b", "llama-8b", "flux")
RANKED_TASKS = (*TASKS, "no-such-task")
# microseconds; 7 minutes and 90 minutes do not divide a day, 2.5 s is not whole seconds
DECAY_INTERVALS = (2_500_000, 60_000_000, 420_000_000, 3_600_000_000, 5_400_000_000, 86_400_000_000)
# an instant in 2026 that is a whole number of days since the epoch
ANCHOR_2026 = 1_790_035_200_000_000
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
EXAMPLES = int(os.environ.get("CONTENDER_RANK_PROPERTY_EXAMPLES", "300"))
TOLERANCE = 1e-9


# -- the writes, as statements ---------------------------------------------------------------


@dataclass(frozen=True)
class InsertContenders:
    rows: tuple[Contender, ...]


@dataclass(frozen=True)
class DeleteContenders:
    contender_ids: tuple[str, ...]


@dataclass(frozen=True)
class InsertSimilarity:
    rows: tuple[tuple[str, str, float], ...]


@dataclass(frozen=True)
class InsertHistory:
    rows: tuple[HistoryRow, ...]


@dataclass(frozen=True)
class ChangeConfig:
    config: Config


Operation = InsertContenders | DeleteContenders | InsertSimilarity | InsertHistory | ChangeConfig


@dataclass(frozen=True)
class Scenario:
    world: World  # what the database holds once every operation has run
    initial_config: Config
    operations: tuple[Operation, ...]
    as_of_after: int  # at or after every history row
    as_of_within: int  # somewhere inside the history: some rows are after it
    top_x: int
    window_checked_at: str  # "after" or "within": the window reference costs most, so one moment suffices
    # similar metrics settled after every statement (SET CONSTRAINTS ... IMMEDIATE), or left to the
    # read inside this transaction (the deferred settle never runs: each example is rolled back)
    settled: bool


# -- strategies ------------------------------------------------------------------------------


def configs(decay_interval: int | None = None) -> st.SearchStrategy[Config]:
    return st.builds(
        Config,
        decay_interval=st.just(decay_interval) if decay_interval else st.sampled_from(DECAY_INTERVALS),
        decay_factor=st.one_of(
            st.sampled_from((1.0, 0.5)), st.floats(min_value=0.01, max_value=1.0, allow_subnormal=False)
        ),
        history_weight=st.one_of(
            st.sampled_from((0.0, 1.0, 50.0)),
            st.floats(min_value=0.0, max_value=1000.0, allow_subnormal=False),
        ),
        failure_weight=st.one_of(
            st.sampled_from((0.0, 1.0, 2.0)),
            st.floats(min_value=0.0, max_value=100.0, allow_subnormal=False),
        ),
    )


def _split(draw: st.DrawFn, items: list, max_parts: int) -> list[tuple]:
    """items in a random order, cut into up to max_parts non-empty statements."""
    shuffled = draw(st.permutations(items))
    cuts = sorted(draw(st.lists(st.integers(0, len(shuffled)), max_size=max_parts - 1)))
    bounds = [0, *cuts, len(shuffled)]
    return [tuple(shuffled[start:end]) for start, end in itertools.pairwise(bounds) if end > start]


@st.composite
def contender_for(
    draw: st.DrawFn, contender_id: str, hotkey: str, netuid: int, node_id: int, task: str
) -> Contender:
    capacity = draw(st.sampled_from((10.0, 10.0, 3.5, 1.0, 0.0, -2.0)))
    return Contender(
        contender_id=contender_id,
        node_hotkey=hotkey,
        node_id=node_id,
        netuid=netuid,
        task=task,
        capacity=capacity,
        consumed_capacity=draw(st.sampled_from((0.0, 0.0, 0.25, 1.0, capacity, capacity + 0.5))),
        total_requests_made=draw(st.integers(0, 30)),
        requests_429=draw(st.sampled_from((0, 0, 1, 3))),
        requests_500=draw(st.sampled_from((0, 0, 2, 5))),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    node_keys = draw(
        st.lists(
            st.tuples(st.sampled_from(HOTKEYS), st.sampled_from(NETUIDS)), min_size=1, max_size=5, unique=True
        )
    )
    nodes = tuple(
        Node(
            hotkey=hotkey,
            netuid=netuid,
            node_id=index,
            handshaken=draw(st.sampled_from((True, True, True, False))),
        )
        for index, (hotkey, netuid) in enumerate(node_keys)
    )

    # contender_id is hotkey-task as in nineteen, so a hotkey serves a task on one netuid at most
    contenders: list[Contender] = []
    ghosts: list[Contender] = []  # inserted somewhere, deleted at the end
    for node in nodes:
        for task in draw(st.lists(st.sampled_from(TASKS), unique=True, max_size=3)):
            contender_id = f"{node.hotkey}-{task}"
            if any(c.contender_id == contender_id for c in contenders + ghosts):
                continue
            contender = draw(contender_for(contender_id, node.hotkey, node.netuid, node.node_id, task))
            (ghosts if draw(st.integers(0, 6)) == 0 else contenders).append(contender)
    if draw(st.booleans()):  # a contender whose node the validator does not know
        task = draw(st.sampled_from(TASKS))
        contenders.append(draw(contender_for(f"q-{task}", "q", 19, 99, task)))

    pairs = [(a, b) for a in TASKS for b in TASKS if a != b]
    similarity_pairs = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    similarity_rows = [
        (a, b, draw(st.one_of(st.sampled_from((0.0, 0.5, 1.0)), st.floats(0.0, 1.0, allow_subnormal=False))))
        for a, b in similarity_pairs
    ]

    initial_config = draw(configs())
    final_config = draw(st.one_of(st.none(), configs()))
    unit = min(initial_config.decay_interval, (final_config or initial_config).decay_interval)

    # history: current contenders, the ghosts, and contenders long gone, in time order by intervals of `unit`
    known = {c.contender_id: c for c in contenders + ghosts}
    history_ids = sorted({*known, *(f"{h}-{t}" for h in HOTKEYS for t in TASKS)})
    first_interval = draw(st.sampled_from((-6, ANCHOR_2026 // unit)))  # -6: history crossing the epoch
    history: list[HistoryRow] = []
    for _ in range(draw(st.integers(0, 40))):
        contender_id = draw(st.sampled_from(history_ids))
        hotkey, task = contender_id.split("-", 1)
        owner = known.get(contender_id)
        at = (first_interval + draw(st.integers(0, 30))) * unit + draw(
            st.one_of(st.sampled_from((0, 1, unit - 1, unit // 2)), st.integers(0, unit - 1))
        )
        history.append(
            HistoryRow(
                contender_id=contender_id,
                node_hotkey=hotkey,
                netuid=owner.netuid if owner else 19,
                task=task,
                period_score=draw(
                    st.one_of(
                        st.none(), st.sampled_from((0.0, 1.0)), st.floats(0.0, 1.0, allow_subnormal=False)
                    )
                ),
                expired_at=at,
            )
        )
        if draw(st.integers(0, 9)) == 0:  # the same instant written twice
            history.append(
                HistoryRow(
                    contender_id,
                    hotkey,
                    history[-1].netuid,
                    task,
                    draw(st.floats(0.0, 1.0, allow_subnormal=False)),
                    at,
                )
            )

    operations: list[Operation] = [
        *(InsertContenders(rows) for rows in _split(draw, contenders + ghosts, 2)),
        *(InsertSimilarity(rows) for rows in _split(draw, similarity_rows, 2)),
        *(InsertHistory(rows) for rows in _split(draw, history, 4)),
    ]
    if final_config:
        operations.append(ChangeConfig(final_config))
    operations = list(draw(st.permutations(operations)))
    if ghosts:
        operations.append(DeleteContenders(tuple(g.contender_id for g in ghosts)))

    times = sorted(row.expired_at for row in history) or [first_interval * unit]
    as_of_after = times[-1] + draw(st.sampled_from((0, 1, unit, 3 * unit + 17)))
    as_of_within = draw(st.sampled_from(times)) + draw(st.sampled_from((0, -1, unit // 2)))

    world = World(
        nodes=nodes,
        contenders=tuple(contenders),
        history=tuple(history),
        similarity={(a, b): s for a, b, s in similarity_rows},
        config=final_config or initial_config,
    )
    return Scenario(
        world=world,
        initial_config=initial_config,
        operations=tuple(operations),
        as_of_after=as_of_after,
        as_of_within=as_of_within,
        top_x=draw(st.integers(1, 4)),
        window_checked_at=draw(st.sampled_from(("after", "within"))),
        settled=draw(st.booleans()),
    )


# -- the database side -----------------------------------------------------------------------


@pytest.fixture(scope="module", params=["standalone", "adopted"])
def property_conn(request: pytest.FixtureRequest, admin_dsn: str) -> Iterator[psycopg.Connection]:
    """One database per layout for every example; each example's writes are rolled back."""
    template = request.getfixturevalue(
        "template_db" if request.param == "standalone" else "adopted_template_db"
    )
    name = new_database_name("property")
    dsn = create_database(admin_dsn, name, template=template)
    try:
        with psycopg.connect(dsn) as conn:
            # a zone far from UTC, at a 45-minute offset: no result may depend on it
            conn.execute("SET TimeZone = 'Pacific/Chatham'")
            conn.commit()
            yield conn
    finally:
        drop_database(admin_dsn, name)


def layout(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT contender_rank.layout()").fetchone()
    assert row is not None
    return row[0]


# The same writes in the two layouts: nineteen's tables have NOT NULL columns contender_rank never
# reads (filled with constants) and store expired_at as naive UTC.
INSERT_NODES = {
    "standalone": "INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid)"
    " SELECT * FROM unnest(%(hotkeys)s::text[], %(netuids)s::int[], %(node_ids)s::int[], %(keys)s::text[])",
    "adopted": "INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid, coldkey, incentive,"
    " stake, trust,"
    " vtrust, ip, ip_type, port, network)"
    " SELECT h, n, i, k, 'coldkey', 0, 1, 1, 1, '10.0.0.1', 4, 8091, 'finney'"
    " FROM unnest(%(hotkeys)s::text[], %(netuids)s::int[], %(node_ids)s::int[], %(keys)s::text[])"
    " AS u(h, n, i, k)",
}
INSERT_CONTENDERS = {
    "standalone": "INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity,"
    " consumed_capacity, total_requests_made, requests_429, requests_500)"
    " SELECT * FROM unnest(%(ids)s::text[], %(hotkeys)s::text[], %(node_ids)s::int[],"
    " %(netuids)s::int[], %(tasks)s::text[], %(capacities)s::float8[], %(consumed)s::float8[],"
    " %(totals)s::int[], %(r429)s::int[], %(r500)s::int[])",
    "adopted": "INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity,"
    " consumed_capacity,"
    " total_requests_made, requests_429, requests_500, validator_hotkey, raw_capacity, capacity_to_score)"
    " SELECT *, 'validator', 100, 100 FROM unnest(%(ids)s::text[], %(hotkeys)s::text[], %(node_ids)s::int[],"
    " %(netuids)s::int[], %(tasks)s::text[], %(capacities)s::float8[], %(consumed)s::float8[],"
    " %(totals)s::int[], %(r429)s::int[], %(r500)s::int[])",
}
INSERT_HISTORY = {
    "standalone": "INSERT INTO contenders_history (contender_id, node_hotkey, netuid, task,"
    " period_score, expired_at)"
    " SELECT * FROM unnest(%(ids)s::text[], %(hotkeys)s::text[], %(netuids)s::int[],"
    " %(tasks)s::text[], %(scores)s::float8[], %(at)s::timestamptz[])",
    "adopted": "INSERT INTO contenders_history (contender_id, node_hotkey, netuid, task, period_score,"
    " expired_at,"
    " node_id, validator_hotkey, raw_capacity, capacity, capacity_to_score, consumed_capacity, created_at,"
    " updated_at)"
    " SELECT i, h, n, t, s, a AT TIME ZONE 'UTC', 1, 'validator', 100, 100, 100, 0, a AT TIME ZONE 'UTC',"
    " a AT TIME ZONE 'UTC'"
    " FROM unnest(%(ids)s::text[], %(hotkeys)s::text[], %(netuids)s::int[], %(tasks)s::text[],"
    " %(scores)s::float8[], %(at)s::timestamptz[]) AS u(i, h, n, t, s, a)",
}


def set_config(conn: psycopg.Connection, config: Config) -> None:
    conn.execute(
        "UPDATE ranking_config SET decay_interval = %(decay_interval)s, decay_factor = %(decay_factor)s,"
        " history_weight = %(history_weight)s, failure_weight = %(failure_weight)s",
        {
            "decay_interval": timedelta(microseconds=config.decay_interval),
            "decay_factor": config.decay_factor,
            "history_weight": config.history_weight,
            "failure_weight": config.failure_weight,
        },
    )


def apply(conn: psycopg.Connection, operation: Operation) -> None:
    match operation:
        case InsertContenders(rows):
            conn.execute(
                INSERT_CONTENDERS[layout(conn)],
                {
                    "ids": [r.contender_id for r in rows],
                    "hotkeys": [r.node_hotkey for r in rows],
                    "node_ids": [r.node_id for r in rows],
                    "netuids": [r.netuid for r in rows],
                    "tasks": [r.task for r in rows],
                    "capacities": [r.capacity for r in rows],
                    "consumed": [r.consumed_capacity for r in rows],
                    "totals": [r.total_requests_made for r in rows],
                    "r429": [r.requests_429 for r in rows],
                    "r500": [r.requests_500 for r in rows],
                },
            )
        case DeleteContenders(contender_ids):
            conn.execute(
                "DELETE FROM contenders WHERE contender_id = ANY(%(ids)s)", {"ids": list(contender_ids)}
            )
        case InsertSimilarity(rows):
            conn.execute(
                "INSERT INTO task_similarity (from_task, to_task, similarity)"
                " SELECT * FROM unnest(%(from)s::text[], %(to)s::text[], %(similarity)s::float8[])",
                {
                    "from": [from_task for from_task, _, _ in rows],
                    "to": [to_task for _, to_task, _ in rows],
                    "similarity": [similarity for _, _, similarity in rows],
                },
            )
        case InsertHistory(rows):
            conn.execute(
                INSERT_HISTORY[layout(conn)],
                {
                    "ids": [r.contender_id for r in rows],
                    "hotkeys": [r.node_hotkey for r in rows],
                    "netuids": [r.netuid for r in rows],
                    "tasks": [r.task for r in rows],
                    "scores": [r.period_score for r in rows],
                    "at": [to_datetime(r.expired_at) for r in rows],
                },
            )
        case ChangeConfig(config):
            set_config(conn, config)


def load(conn: psycopg.Connection, scenario: Scenario) -> None:
    if scenario.settled:
        conn.execute("SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE")
    set_config(conn, scenario.initial_config)
    conn.execute(
        INSERT_NODES[layout(conn)],
        {
            "hotkeys": [n.hotkey for n in scenario.world.nodes],
            "netuids": [n.netuid for n in scenario.world.nodes],
            "node_ids": [n.node_id for n in scenario.world.nodes],
            "keys": [f"key-{n.node_id}" if n.handshaken else None for n in scenario.world.nodes],
        },
    )
    for operation in scenario.operations:
        apply(conn, operation)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=IN_CI,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario=scenarios())
def test_rank_contenders_equals_the_model(property_conn: psycopg.Connection, scenario: Scenario) -> None:
    try:
        load(property_conn, scenario)
        for task, (moment, as_of) in itertools.product(
            RANKED_TASKS, (("after", scenario.as_of_after), ("within", scenario.as_of_within))
        ):
            model = rank(scenario.world, task, as_of)
            functions = ["rank_contenders"]
            if moment == scenario.window_checked_at:
                functions.append("rank_contenders_window")
            for function in functions:
                rows = fetch(property_conn, function, task, 1000, to_datetime(as_of))
                assert_matches_model(f"{function}({task}, as_of {moment})", rows, model, 1000)
            rows = fetch(property_conn, "rank_contenders", task, scenario.top_x, to_datetime(as_of))
            assert_matches_model(
                f"rank_contenders({task}, top_x {scenario.top_x}, as_of {moment})",
                rows,
                model,
                scenario.top_x,
            )
        # contender-rank verify agrees: once settled, the state it keeps differs from the definition nowhere
        property_conn.execute("SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE")
        assert verify_state(property_conn).differences == []
    finally:
        property_conn.rollback()
