"""``bench --nineteen``: what contender_rank costs a nineteen validator, measured side by side in one run.

Two databases on one server hold the same data: nineteen's tables alone (*plain*) and the same
tables adopted by contender_rank (*adopted*, made as a copy of plain and then migrated, so the
adoption folds the existing history): NODES x TASKS contenders and DAYS of hourly history. Then,
round after round, alternating the two databases:

- the query node's path with pgbench (prepared protocol, one client): nineteen's own synthetic
  selection of 5 contenders plus one counter bump, against the drop-in selection (``rank_contenders``
  joined to nineteen's rows) plus the same bump; the scripts are nineteen's statements
  (``nineteen/statements.sql``), in pairs of short runs with the two databases measured at the same
  time (ten pairs a round). The bumps' HOT share is read from the table statistics.
- the control node's period refresh as nineteen sends it, through asyncpg: period scores (one UPDATE
  per contender), the move to history, DELETE FROM contenders, one INSERT per contender; each step
  its own transaction. An hour of query traffic is written before each (not timed). During every
  refresh, on both databases, a query node keeps selecting (its own selection, one call every
  5 ms, ``lock_timeout = 1ms``): any lock it would wait for is counted, and its latencies are
  reported side by side.
- nineteen's retention: the oldest hour of history deleted, as nineteen does once a period.

Each round is one period of a validator's life, and the first starts right after ``migrate``: the
databases are measured as a new validator runs them, with no manual VACUUM or ANALYZE after
adoption and autovacuum at the server's defaults (what a fresh adoption leaves, and what each
refresh and retention leave, is what the query path meets). Before adoption nineteen's three
tables are analyzed once, in the plain database before the copy is made: a validator that has run
for days has had them analyzed by autovacuum (contender_rank's own tables never are, but by
``migrate`` itself). Only after the last round are both
databases vacuumed and analyzed, and the query path measured once more: that figure is reported
beside the others, labelled, and has no target.

Each ratio is the median of the ratios measured side by side (the same pair of runs, the same
round's refreshes or retentions): a shared host's speed drifts by tens of percent from one second to
the next, and the two runs of a pair see the same drift. The spread over the periods is reported too
(each round's median ratio). Targets (issue 18): query path adopted/plain <= 1.2, refresh <= 2,
retention <= 3, the bumps' HOT share on the adopted database within two points of the plain one's
(the same statements on the same pages: a bump that is not HOT found its page full, which depends on
when autovacuum ran; contender_rank indexes no counter and fires no trigger on one, which would make
every bump non-HOT), and no lock wait for a selection during a refresh.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from contender_rank.schema import migrate
from contender_rank_lab import nineteen
from contender_rank_lab.bench import Scale, _target, pgbench_run, table_stats
from contender_rank_lab.databases import create_database, drop_database, new_database_name, server
from contender_rank_lab.nineteen.replay import Contender, Node, Validator, connect, statement

MAX_REFRESH_RATIO = 2.0
MAX_QUERY_PATH_RATIO = 1.2
MAX_RETENTION_RATIO = 3.0
# a new validator's first periods: the realistic condition is measured over at least this many
DEFAULT_ROUNDS = 6
MAX_HOT_SHARE_SHORTFALL = 0.02
# the query path is measured in pairs of short runs, the two databases at once, this many a round
PAIRS = 10
TOP_X = 5
Progress = Callable[[str], None]

LOAD = (
    """
INSERT INTO nodes (hotkey, coldkey, node_id, incentive, netuid, stake, trust, vtrust, ip, ip_type, port,
                   network, symmetric_key, symmetric_key_uuid)
SELECT 'bench-node-' || n, 'coldkey-' || n, n, 0, 19, 1, 1, 1, '10.0.0.1', 4, 8091, 'finney',
       'key-' || n, CASE WHEN mod(n, 16) <> 15 THEN 'uuid-' || n END
FROM generate_series(0, %(nodes)s - 1) n
""",
    """
INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, capacity,
                        raw_capacity, capacity_to_score, consumed_capacity, total_requests_made, requests_429,
                        requests_500, created_at, updated_at)
SELECT 'bench-node-' || n || '-bench-task-' || t, 'bench-node-' || n, n, 19, 'bench-task-' || t, 'validator',
       100, 100, 100, hashint4(n * 1000 + t) & 63, hashint4(n * 7919 + t) & 63, 0, 0,
       %(now)s, %(now)s
FROM generate_series(0, %(nodes)s - 1) n, generate_series(0, %(tasks)s - 1) t
""",
)
# one hour of the validator's history per (contender, hour), written a day at a time
HISTORY_DAY = """
INSERT INTO contenders_history (
    contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity, capacity,
    capacity_to_score, consumed_capacity, total_requests_made, requests_429, requests_500, period_score,
    created_at, updated_at, expired_at)
SELECT c.contender_id, c.node_hotkey, c.node_id, c.netuid, c.task, c.validator_hotkey, 100, 100, 100, 30, 40,
       1, 2,
       CASE WHEN random() < 0.05 THEN NULL ELSE random() END,
       %(now)s - make_interval(hours => h + 1), %(now)s - make_interval(hours => h),
       %(now)s - make_interval(hours => h)
FROM contenders c, generate_series(%(first_hour)s, %(first_hour)s + 23) h
"""
SIMILARITY = """
INSERT INTO task_similarity (from_task, to_task, similarity)
SELECT 'bench-task-' || a, 'bench-task-' || b, CASE WHEN a < b THEN 0.8 ELSE 0.4 END
FROM generate_series(0, %(tasks)s - 1) a, generate_series(0, %(tasks)s - 1) b
WHERE a / 4 = b / 4 AND a <> b
"""
# an hour of query traffic, between two refreshes (setup, not measured)
TRAFFIC = """
UPDATE contenders SET total_requests_made = total_requests_made + 20 + (hashint4(node_id) & 15),
                      consumed_capacity = consumed_capacity + 10, requests_500 = requests_500 + (node_id & 1)
"""


def _load(dsn: str, scale: Scale, now: datetime) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT setseed(0.19)")
        params = {"nodes": scale.nodes, "tasks": scale.tasks, "now": now}
        for query in LOAD:
            conn.execute(query, params)  # type: ignore[arg-type]
        for day in range(scale.days):
            conn.execute(HISTORY_DAY, {**params, "first_hour": 1 + 24 * day})


def _scripts(directory: Path) -> dict[str, Path]:
    """pgbench scripts made from nineteen's statements: a selection of TOP_X contenders for a random
    task, then one counter bump."""
    task = "'bench-task-' || :t"
    bump = statement("bump_requests").replace("$1", "'bench-node-' || :n || '-bench-task-' || :t")
    header = "\\set t random(0, :ntasks - 1)\n\\set n random(0, :nnodes - 1)\n"
    paths = {}
    for label, name in SELECTION.items():
        selection = statement(name).replace("$1", task).replace("$2", str(TOP_X))
        path = directory / f"{name}.sql"
        path.write_text(f"{header}{_one_line(selection)};\n{_one_line(bump)};\n")
        paths[label] = path
    return paths


def _one_line(query: str) -> str:
    # pgbench reads one command per line, so the comments go and the lines join
    return " ".join(
        line.strip() for line in query.splitlines() if line.strip() and not line.strip().startswith("--")
    )


# -- measuring -----------------------------------------------------------------------------------------


@dataclass
class Refresh:
    database: str
    round: int
    seconds: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


@dataclass
class QueryNode:
    """A session selecting contenders at a steady pace (``statement``, nineteen's own or the drop-in),
    counting lock waits (lock_timeout 1 ms) and timing each call."""

    dsn: str
    statement: str
    tasks: int
    pace_s: float = 0.005
    latencies_ms: list[float] = field(default_factory=list)
    lock_waits: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._query = self.statement.replace("$1", "%(task)s").replace("$2", str(TOP_X))

    def _loop(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '1ms'")
            call = 0
            while not self._stop.wait(self.pace_s):
                call += 1
                started = time.perf_counter()
                try:
                    conn.execute(
                        self._query, {"task": f"bench-task-{call % self.tasks}"}, prepare=True
                    ).fetchall()
                except psycopg.errors.LockNotAvailable:
                    self.lock_waits += 1
                    continue
                self.latencies_ms.append((time.perf_counter() - started) * 1000)

    def __enter__(self) -> QueryNode:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


SELECTION = {"plain": "synthetic_selection", "adopted": "ranked_selection"}


async def _refresh(dsn: str, contenders: list[Contender]) -> dict[str, float]:
    """nineteen's period refresh, each step timed (commit included: each is its own transaction)."""
    conn = await connect(dsn)
    try:
        validator, seconds = Validator(conn), {}
        steps = (
            ("period scores", validator.score_period),
            ("move to history", validator.move_to_history),
            ("delete contenders", validator.delete_contenders),
            ("insert contenders", lambda: validator.insert_contenders(contenders)),
        )
        for name, step in steps:
            started = time.perf_counter()
            await step()
            seconds[name] = time.perf_counter() - started
        return seconds
    finally:
        await conn.close()


async def _retention(dsn: str) -> float:
    conn = await connect(dsn)
    try:
        cutoff = await conn.fetchval("SELECT min(created_at) + interval '1 minute' FROM contenders_history")
        started = time.perf_counter()
        await Validator(conn).delete_old_history(cutoff)
        return time.perf_counter() - started
    finally:
        await conn.close()


def run(scale: Scale, pgbench: Path, dsn: str | None, progress: Progress | None = None) -> dict[str, Any]:
    say = progress or (lambda _message: None)
    where = "given server" if dsn else "throwaway cluster"
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)  # naive UTC, as nineteen stores it
    nodes = [Node(f"bench-node-{n}", node_id=n) for n in range(scale.nodes)]
    contenders = [Contender(node, f"bench-task-{t}") for node in nodes for t in range(scale.tasks)]
    variables = {"ntasks": scale.tasks, "nnodes": scale.nodes}
    with server(dsn) as admin_dsn, tempfile.TemporaryDirectory() as scripts_dir:
        scripts = _scripts(Path(scripts_dir))
        names = {"plain": new_database_name("bench19_plain"), "adopted": new_database_name("bench19_adopted")}
        created: list[str] = []
        try:
            say(f"loading {len(contenders)} contenders and {scale.days} days of hourly history (plain)")
            dsns = {"plain": create_database(admin_dsn, names["plain"])}
            created.append(names["plain"])
            nineteen.create_tables(dsns["plain"])
            _load(dsns["plain"], scale, now)
            # nineteen's tables as a validator that has run for days has them: analyzed by autovacuum.
            # A copy made from a template keeps the statistics but not autovacuum's counts (which
            # would analyze them again only after as many new writes), so they are analyzed once here,
            # before the copy, for both databases alike. contender_rank's tables never are.
            with psycopg.connect(dsns["plain"], autocommit=True) as conn:
                conn.execute("ANALYZE nodes, contenders, contenders_history")
            say("the adopted copy: contender_rank migrate folds the same history")
            dsns["adopted"] = create_database(admin_dsn, names["adopted"], template=names["plain"])
            created.append(names["adopted"])
            started = time.perf_counter()
            adoption = migrate(dsns["adopted"])
            adoption_seconds = time.perf_counter() - started
            with psycopg.connect(dsns["adopted"], autocommit=True) as conn:
                conn.execute(SIMILARITY, {"tasks": scale.tasks})
            with psycopg.connect(dsns["plain"], autocommit=True) as conn:
                history_rows = conn.execute("SELECT count(*) FROM contenders_history").fetchone()[0]  # type: ignore[index]
                version = conn.execute("SELECT current_setting('server_version')").fetchone()[0]  # type: ignore[index]

            paths: list[dict[str, Any]] = []
            refreshes: list[Refresh] = []
            retention: list[dict[str, Any]] = []
            during: dict[str, list[QueryNode]] = {label: [] for label in dsns}
            hot = {label: {"updates": 0, "hot_updates": 0} for label in dsns}
            seconds_each = max(1, 2 * scale.duration_s // PAIRS)
            # no VACUUM, no ANALYZE: each period meets what adoption and the periods before it left
            for round_no in range(1, scale.rounds + 1):
                # alternate which database goes first
                order = list(dsns.items()) if round_no % 2 else list(reversed(dsns.items()))
                say(
                    f"period {round_no}/{scale.rounds}: the query node's path, {PAIRS} pairs of "
                    f"{seconds_each} s runs, the two databases at once"
                )
                paths += _query_path(pgbench, dsns, order, scripts, variables, seconds_each, round_no, hot)
                say(f"period {round_no}/{scale.rounds}: the refresh (a query node selecting), retention")
                for label, url in order:
                    with psycopg.connect(url, autocommit=True) as conn:
                        conn.execute(TRAFFIC)
                    with QueryNode(url, statement(SELECTION[label]), scale.tasks) as query_node:
                        seconds = asyncio.run(_refresh(url, contenders))
                    during[label].append(query_node)
                    refreshes.append(Refresh(label, round_no, seconds))
                    retention.append(
                        {"database": label, "round": round_no, "seconds": asyncio.run(_retention(url))}
                    )
            # the better case, for comparison only: every table vacuumed and analyzed by hand
            say("after a manual VACUUM (ANALYZE) of both databases: the query node's path once more")
            for url in dsns.values():
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("VACUUM (ANALYZE)")
            vacuumed = _query_path(
                pgbench, dsns, list(dsns.items()), scripts, variables, seconds_each, scale.rounds + 1, None
            )
        finally:
            for name in created:
                drop_database(admin_dsn, name)
    return _summarise(
        scale,
        paths,
        vacuumed,
        refreshes,
        retention,
        hot,
        during,
        adoption_seconds,
        adoption.history_rows_folded,
        history_rows,
        where,
        version,
    )


def _query_path(
    pgbench: Path,
    dsns: dict[str, str],
    order: list[tuple[str, str]],
    scripts: dict[str, Path],
    variables: dict[str, int],
    seconds_each: int,
    round_no: int,
    hot: dict[str, dict[str, int]] | None,
) -> list[dict[str, Any]]:
    """PAIRS pairs of pgbench runs, the two databases at the same time; the bumps' HOT counts are
    added to ``hot`` when given."""
    for label, url in order:
        pgbench_run(pgbench, url, scripts[label], 1, 1, variables)  # warm up, unmeasured
    runs = []
    for pair in range(PAIRS):
        # one client each (the machine has a core for each): a slowdown of a shared host hits both
        # runs of the pair alike
        before = {label: table_stats(url) for label, url in dsns.items()}
        with ThreadPoolExecutor(max_workers=len(dsns)) as pool:
            running = {
                label: pool.submit(pgbench_run, pgbench, url, scripts[label], 1, seconds_each, variables)
                for label, url in dsns.items()
            }
            measured = {label: future.result() for label, future in running.items()}
        for label, url in dsns.items():
            latency, tps, count = measured[label]
            if hot is not None:
                after = _settled_stats(url, before[label], count)
                hot[label]["updates"] += after.n_tup_upd - before[label].n_tup_upd
                hot[label]["hot_updates"] += after.n_tup_hot_upd - before[label].n_tup_hot_upd
            runs.append(
                {
                    "database": label,
                    "round": round_no,
                    "pair": pair + 1,
                    "latency_ms": latency,
                    "tps": tps,
                    "transactions": count,
                }
            )
    return runs


def _pair_ratios(paths: list[dict[str, Any]]) -> list[float]:
    """adopted / plain latency of each pair of runs measured at the same time."""
    plain = {(p["round"], p["pair"]): p["latency_ms"] for p in paths if p["database"] == "plain"}
    return [
        p["latency_ms"] / plain[(p["round"], p["pair"])]
        for p in paths
        if p["database"] == "adopted" and (p["round"], p["pair"]) in plain
    ]


def _settled_stats(dsn: str, before: Any, transactions: int) -> Any:
    # backends report their counts when they exit: wait for them
    deadline = time.monotonic() + 5
    after = table_stats(dsn)
    while after.n_tup_upd - before.n_tup_upd < transactions and time.monotonic() < deadline:
        time.sleep(0.2)
        after = table_stats(dsn)
    return after


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _summarise(
    scale: Scale,
    paths: list[dict[str, Any]],
    vacuumed: list[dict[str, Any]],
    refreshes: list[Refresh],
    retention: list[dict[str, Any]],
    hot: dict[str, dict[str, int]],
    during: dict[str, list[QueryNode]],
    adoption_seconds: float,
    folded: int,
    history_rows: int,
    where: str,
    version: str,
) -> dict[str, Any]:
    latency = {label: _median([p["latency_ms"] for p in paths if p["database"] == label]) for label in hot}
    refresh = {label: _median([r.total for r in refreshes if r.database == label]) for label in hot}
    steps = {
        label: {
            step: _median([r.seconds[step] for r in refreshes if r.database == label])
            for step in refreshes[0].seconds
        }
        for label in hot
    }
    kept = {label: _median([r["seconds"] for r in retention if r["database"] == label]) for label in hot}
    hot_share = {
        label: counts["hot_updates"] / counts["updates"] if counts["updates"] else 0.0
        for label, counts in hot.items()
    }
    selecting = {
        label: {
            "latencies_ms": [ms for node in nodes for ms in node.latencies_ms],
            "lock_waits": sum(node.lock_waits for node in nodes),
        }
        for label, nodes in during.items()
    }
    lock_waits = selecting["adopted"]["lock_waits"]
    # each ratio is the median of ratios measured side by side (same pair, same round)
    pair_ratios = _pair_ratios(paths)
    per_period = [
        _median(_pair_ratios([p for p in paths if p["round"] == round_no]))
        for round_no in sorted({p["round"] for p in paths})
    ]

    def round_ratios(runs: list[dict[str, Any]]) -> list[float]:
        plain = {r["round"]: r["seconds"] for r in runs if r["database"] == "plain"}
        return [
            r["seconds"] / plain[r["round"]]
            for r in runs
            if r["database"] == "adopted" and r["round"] in plain
        ]

    refresh_ratios = round_ratios(
        [{"database": r.database, "round": r.round, "seconds": r.total} for r in refreshes]
    )
    retention_ratios = round_ratios(retention)
    ratios = {
        "refresh_adopted_vs_plain": _median(refresh_ratios),
        "query_path_adopted_vs_plain": _median(pair_ratios),
        "query_path_adopted_vs_plain_vacuumed": _median(_pair_ratios(vacuumed)),
        "retention_adopted_vs_plain": _median(retention_ratios),
        "selection_p99_during_refresh_adopted_vs_plain": _percentile(
            selecting["adopted"]["latencies_ms"], 0.99
        )
        / _percentile(selecting["plain"]["latencies_ms"], 0.99),
    }
    spread = {
        "query_path_per_period": per_period,
        "refresh_per_period": refresh_ratios,
        "retention_per_period": retention_ratios,
    }
    targets = [
        _target(
            f"query node's path (select 5 + a bump), adopted / plain, {scale.rounds} periods from "
            "adoption, no manual VACUUM or ANALYZE",
            ratios["query_path_adopted_vs_plain"],
            MAX_QUERY_PATH_RATIO,
            "<=",
        ),
        _target(
            "period refresh, adopted / plain", ratios["refresh_adopted_vs_plain"], MAX_REFRESH_RATIO, "<="
        ),
        _target(
            "retention DELETE of the oldest hour, adopted / plain",
            ratios["retention_adopted_vs_plain"],
            MAX_RETENTION_RATIO,
            "<=",
        ),
        _target(
            "HOT share of the counter bumps, adopted - plain",
            hot_share["adopted"] - hot_share["plain"],
            -MAX_HOT_SHARE_SHORTFALL,
            ">=",
        ),
        _target("selections that waited for a lock during a refresh", float(lock_waits), 0.0, "<="),
    ]
    return {
        "scale": {
            **asdict(scale),
            "contenders": scale.nodes * scale.tasks,
            "period": "1 hour",
            "history_rows": history_rows,
            "server": where,
            "server_version": version,
            "protocol": "prepared",
            "adoption_seconds": adoption_seconds,
            "adoption_rows_folded": folded,
        },
        "medians": {
            "query_path_latency_ms": latency,
            "query_path_latency_ms_vacuumed": {
                label: _median([p["latency_ms"] for p in vacuumed if p["database"] == label]) for label in hot
            },
            "refresh_seconds": refresh,
            "refresh_step_seconds": steps,
            "retention_seconds": kept,
        },
        "hot_updates": {label: {**counts, "share": hot_share[label]} for label, counts in hot.items()},
        "selection_during_refresh": {
            label: {
                "calls": len(figures["latencies_ms"]),
                "lock_waits": figures["lock_waits"],
                "p50_ms": _percentile(figures["latencies_ms"], 0.5),
                "p99_ms": _percentile(figures["latencies_ms"], 0.99),
                "max_ms": max(figures["latencies_ms"], default=float("nan")),
            }
            for label, figures in selecting.items()
        },
        "ratios": ratios,
        "spread": spread,
        "targets": [asdict(target) for target in targets],
        "all_passed": all(target.passed for target in targets),
        "runs": {
            "query_path": paths,
            "query_path_vacuumed": vacuumed,
            "refresh": [asdict(r) | {"total": r.total} for r in refreshes],
            "retention": retention,
        },
    }


def format_table(result: dict[str, Any]) -> str:
    scale, medians, during = result["scale"], result["medians"], result["selection_during_refresh"]
    lines = [
        (
            f"{scale['nodes']} nodes x {scale['tasks']} tasks = {scale['contenders']} contenders, "
            f"{scale['days']} days of hourly history ({scale['history_rows']:,} rows); "
            f"{scale['rounds']} rounds, medians; {scale['server']}, PostgreSQL {scale['server_version']}"
        ),
        (
            f"adoption (migrate on the existing history): {scale['adoption_seconds']:.1f} s for "
            f"{scale['adoption_rows_folded']:,} rows"
        ),
        "",
        f"{'':<44}{'plain':>10}{'adopted':>10}{'ratio':>8}",
        (
            f"{'query node: select 5 + a bump (ms)':<44}{medians['query_path_latency_ms']['plain']:>10.3f}"
            f"{medians['query_path_latency_ms']['adopted']:>10.3f}{result['ratios']['query_path_adopted_vs_plain']:>8.2f}"
        ),
        "  per period: " + ", ".join(f"{r:.2f}" for r in result["spread"]["query_path_per_period"]),
        (
            f"{'  the same after VACUUM (ANALYZE) by hand':<44}"
            f"{medians['query_path_latency_ms_vacuumed']['plain']:>10.3f}"
            f"{medians['query_path_latency_ms_vacuumed']['adopted']:>10.3f}"
            f"{result['ratios']['query_path_adopted_vs_plain_vacuumed']:>8.2f}"
        ),
        (
            f"{'period refresh (s)':<44}{medians['refresh_seconds']['plain']:>10.3f}"
            f"{medians['refresh_seconds']['adopted']:>10.3f}{result['ratios']['refresh_adopted_vs_plain']:>8.2f}"
        ),
    ]
    for step in medians["refresh_step_seconds"]["plain"]:
        plain, adopted = (
            medians["refresh_step_seconds"]["plain"][step],
            medians["refresh_step_seconds"]["adopted"][step],
        )
        lines.append(f"{'  ' + step:<44}{plain:>10.3f}{adopted:>10.3f}{adopted / plain:>8.2f}")
    lines += [
        "  per period: " + ", ".join(f"{r:.2f}" for r in result["spread"]["refresh_per_period"]),
        (
            f"{'retention: the oldest hour deleted (s)':<44}{medians['retention_seconds']['plain']:>10.3f}"
            f"{medians['retention_seconds']['adopted']:>10.3f}{result['ratios']['retention_adopted_vs_plain']:>8.2f}"
        ),
        "  per period: " + ", ".join(f"{r:.2f}" for r in result["spread"]["retention_per_period"]),
        (
            f"{'counter bumps that stayed HOT':<44}{result['hot_updates']['plain']['share']:>10.1%}"
            f"{result['hot_updates']['adopted']['share']:>10.1%}"
        ),
        "",
        (f"{'a query node selecting during the refresh':<44}{'':>10}{'':>10}"),
    ]
    for figure, label in (("p50_ms", "  p50 (ms)"), ("p99_ms", "  p99 (ms)"), ("max_ms", "  max (ms)")):
        plain, adopted = during["plain"][figure], during["adopted"][figure]
        lines.append(f"{label:<44}{plain:>10.2f}{adopted:>10.2f}{adopted / plain:>8.2f}")
    lines += [
        (
            f"{'  calls, lock waits (lock_timeout 1 ms)':<44}"
            f"{str(during['plain']['calls']) + ', ' + str(during['plain']['lock_waits']):>10}"
            f"{str(during['adopted']['calls']) + ', ' + str(during['adopted']['lock_waits']):>10}"
        ),
        "",
        "targets:",
    ]
    for target in result["targets"]:
        verdict = "pass" if target["passed"] else "FAIL"
        lines.append(
            f"  {verdict}  {target['name']}: {target['measured']:.3f} ({target['comparison']} "
            f"{target['limit']:g})"
        )
    return "\n".join(lines)
