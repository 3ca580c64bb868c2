"""Installing contender_rank into a database (``migrate``) and taking it out again (``uninstall``).

``migrate`` runs in one transaction under one lock, so it applies everything or nothing:

1. It looks at what the database holds (``inspect``): nothing of the validator's yet (the
   *standalone* layout: contender_rank creates ``nodes``, ``contenders`` and ``contenders_history``),
   nineteen's own three tables (the *adopted* layout: contender_rank installs beside them and owns
   no column of them), or an earlier installation of either. A table of the same name with a shape
   it does not recognise is refused, naming the table and the missing or mistyped columns.
2. The tables. A first installation applies the current schema, ``db/schema/`` (every file in
   name order that belongs to the layout), and records every migration of the layout as applied in
   yoyo's log. An installation that is there already (or release 0.1's) is upgraded instead: yoyo
   applies the pending migrations of ``db/migrations/`` that belong to that layout. A file's first
   line may say ``-- layout: standalone`` or ``-- layout: adopted``; the five migrations of release
   0.1 are standalone. yoyo works on this transaction's connection: its own transactions become
   savepoints, and its log lives in the ``contender_rank`` schema. Both ways end with the same
   catalog (python/tests/test_schema.py compares them).
3. Every function file of ``db/functions/`` is applied, internals (``contender_rank/``, numbered:
   the number is the load order) before the API (``public/``); functions and triggers that no file
   defines any more are dropped.
4. The roles are created when missing and the caller may (``db/roles.sql``), and granted their
   privileges (``db/privileges.sql``, plus ``privileges_standalone.sql`` in that layout).
5. The derived state is rebuilt when the definitions that shape it changed (a digest of them is
   kept in ``contender_rank.installation``), on first installation, or when asked to; existing
   history is folded in with progress reports.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from yoyo import read_migrations
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri
from yoyo.internalmigrations import needs_upgrading
from yoyo.internalmigrations import upgrade as upgrade_yoyo_tables

from contender_rank import queries
from contender_rank.errors import LayoutError, NotInstalledError

STANDALONE = "standalone"
ADOPTED = "adopted"
SCHEMA = "contender_rank"
ROLES: tuple[str, ...] = ("ranking_reader", "ranking_writer", "ranking_admin")
# The chain of the three groups: each is a member of the one below it, so ranking_admin has every
# privilege of ranking_writer, which has every privilege of ranking_reader.
ROLE_LINKS: tuple[tuple[str, str], ...] = (
    ("ranking_reader", "ranking_writer"),
    ("ranking_writer", "ranking_admin"),
)


def roles_sql(missing: Sequence[str]) -> str:
    """What a superuser or a role with CREATEROLE runs when migrate may not do it itself: the missing
    groups and every link of the chain (GRANT of a membership that exists only says so). Then run
    migrate again to grant the roles their privileges."""
    creates = [f"CREATE ROLE {role} NOLOGIN;" for role in ROLES if role in missing]
    grants = [f"GRANT {lower} TO {upper};" for lower, upper in ROLE_LINKS]
    return " ".join(creates + grants)


HOST_TABLES: tuple[str, ...] = ("nodes", "contenders", "contenders_history")

# The columns contender_rank reads or writes in the validator's tables, with the types it accepts
# (format_type spelling, without a type modifier), and the key each table must have. nineteen's tables
# have more columns; those are none of contender_rank's business. Each accepted type is one the SQL
# reads as it reads the first: text and varchar alike, a score of any of the three float types or
# numeric through float8 (an implicit cast), a history time with or without zone through as_utc().
# nineteen may change a column to another of these (its own migrations do such things): migrate adopts
# the new shape and rebuilds the state from it.
_TEXT = ("text", "character varying")
_INT = ("integer",)
_FLOAT = ("double precision",)
_SCORE = ("double precision", "real", "numeric")
REQUIRED_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "nodes": {"hotkey": _TEXT, "netuid": _INT, "node_id": _INT, "symmetric_key_uuid": _TEXT},
    "contenders": {
        "contender_id": _TEXT,
        "node_hotkey": _TEXT,
        "node_id": _INT,
        "netuid": _INT,
        "task": _TEXT,
        "capacity": _FLOAT,
        "consumed_capacity": _FLOAT,
        "total_requests_made": _INT,
        "requests_429": _INT,
        "requests_500": _INT,
        "period_score": _SCORE,
    },
    "contenders_history": {
        "contender_id": _TEXT,
        "period_score": _SCORE,
        "expired_at": ("timestamp without time zone", "timestamp with time zone"),
    },
}
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {"nodes": ("hotkey", "netuid"), "contenders": ("contender_id",)}

# Release 0.1 knew only the standalone layout and its migrations carry no layout line.
_RELEASE_01_MIGRATIONS = frozenset(
    {
        "0001_create_ranking_tables",
        "0002_create_roles",
        "0003_add_retention_epsilon",
        "0004_store_ranking_state_on_contenders",
        "0005_create_similar_sources",
    }
)
_LAYOUT_LINE = re.compile(r"^-- layout: (standalone|adopted)\s*$", re.MULTILINE)
_DECLARED_FUNCTION = re.compile(r"CREATE OR REPLACE FUNCTION\s+(\w+)\.(\w+)\s*\(", re.IGNORECASE)
_DECLARED_TRIGGER = re.compile(
    r"CREATE (?:OR REPLACE |CONSTRAINT )TRIGGER\s+(\w+)\s.*?\bON\s+(\w+)\.(\w+)", re.IGNORECASE | re.DOTALL
)
# history larger than this is folded in steps, with a progress line after each
_REBUILD_STEP_ROWS = 100_000

Progress = Callable[[str], None]

_PACKAGED = Path(__file__).resolve().parent / "sql"
_REPOSITORY = Path(__file__).resolve().parents[2] / "db"


def sql_dir() -> Path:
    """The folder holding ``schema/``, ``migrations/``, ``functions/`` and the privileges: the SQL
    shipped in the wheel (``contender_rank/sql``), else the repository's ``db/``;
    ``$CONTENDER_RANK_SQL_DIR`` first."""
    override = os.environ.get("CONTENDER_RANK_SQL_DIR")
    for candidate in ([Path(override)] if override else []) + [_PACKAGED, _REPOSITORY]:
        if all((candidate / part).is_dir() for part in ("schema", "migrations", "functions")):
            return candidate
    raise FileNotFoundError(
        "SQL files not found (neither the packaged contender_rank/sql nor the repository's db/, each with "
        "schema/, migrations/ and functions/)"
    )


def function_files() -> list[Path]:
    """Every function file in load order: the internals (numbered), then the API."""
    functions = sql_dir() / "functions"
    return sorted((functions / SCHEMA).glob("*.sql")) + sorted((functions / "public").glob("*.sql"))


def migration_layout(path: Path) -> str | None:
    """The layout a migration or schema file belongs to, or None when it belongs to both."""
    if path.stem in _RELEASE_01_MIGRATIONS:
        return STANDALONE
    match = _LAYOUT_LINE.search(path.read_text())
    return match.group(1) if match else None


def schema_files(layout: str) -> list[Path]:
    """The current schema of ``layout``, in load order: what a first installation applies instead of
    replaying the migrations."""
    files = [
        path
        for path in sorted((sql_dir() / "schema").glob("*.sql"))
        if migration_layout(path) in (None, layout)
    ]
    if not files:
        raise FileNotFoundError(f"no schema file for the {layout} layout in {sql_dir() / 'schema'}")
    return files


def state_shape() -> str:
    """Digest of what the derived state is computed from: the arithmetic, the state machinery and
    the list of migrations. When it changes, migrate rebuilds the state."""
    digest = hashlib.sha256()
    functions = sql_dir() / "functions" / SCHEMA
    for path in (functions / "10_arithmetic.sql", functions / "30_state.sql"):
        digest.update(path.read_bytes())
    for path in sorted((sql_dir() / "migrations").glob("*.sql")):
        digest.update(path.stem.encode())
    return digest.hexdigest()[:16]


# -- what the database holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What ``inspect`` found: the layout to install or keep, and how it knew."""

    layout: str
    installed: bool
    upgrading_release_01: bool
    table_rows: dict[str, int] = field(default_factory=dict)
    history_rows_ignored: int = 0


def shape_problems(conn: psycopg.Connection[Any], tables: Sequence[str] = HOST_TABLES) -> list[str]:
    """What keeps the validator's tables from being adopted: one line per missing table, missing or
    mistyped column, or missing key."""
    with conn.cursor(row_factory=dict_row) as cur:
        columns: dict[str, dict[str, str]] = {name: {} for name in tables}
        for row in cur.execute(queries.get("host_table_columns"), {"tables": list(tables)}):
            columns[row["table_name"]][row["column_name"]] = row["column_type"]
        keys = {
            (row["table_name"], tuple(row["key_columns"]))
            for row in cur.execute(queries.get("host_table_unique_keys"), {"tables": list(tables)})
        }
    problems = []
    for table in tables:
        found = columns[table]
        if not found:
            problems.append(f"public.{table} does not exist")
            continue
        missing = [name for name in REQUIRED_COLUMNS[table] if name not in found]
        mistyped = [
            f"{name} is {found[name]}, expected {' or '.join(allowed)}"
            for name, allowed in REQUIRED_COLUMNS[table].items()
            if name in found and found[name] not in allowed
        ]
        if missing:
            problems.append(f"public.{table} lacks column(s) {', '.join(missing)}")
        if mistyped:
            problems.append(f"public.{table}: {'; '.join(mistyped)}")
        key = REQUIRED_KEYS.get(table)
        if key and not missing and (table, tuple(sorted(key))) not in keys:
            problems.append(f"public.{table} has no primary key or unique index on ({', '.join(key)})")
    return problems


def inspect(conn: psycopg.Connection[Any]) -> Found:
    """The layout of the database behind ``conn``; raises LayoutError for tables it cannot adopt."""
    with conn.cursor(row_factory=dict_row) as cur:
        probe = cur.execute(queries.get("probe_database")).fetchone()
        assert probe is not None
        installation = cur.execute(queries.get("installation")).fetchone() if probe["installed"] else None
    if installation is not None:
        layout = installation["layout"]
        problems = shape_problems(conn)
        if problems:
            raise LayoutError(
                f"contender_rank is installed here ({layout} layout) but the tables it reads changed: "
                + "; ".join(problems)
                + ". Restore those columns (contender_rank's triggers read them), or uninstall "
                "contender_rank."
            )
        return Found(layout, installed=True, upgrading_release_01=False)
    if probe["release_01"]:
        return Found(STANDALONE, installed=False, upgrading_release_01=True)
    present = [table for table in HOST_TABLES if probe[table]]
    if not present:
        return Found(STANDALONE, installed=False, upgrading_release_01=False)
    problems = shape_problems(conn)
    if problems:
        raise LayoutError(
            "cannot install contender_rank here: found "
            + ", ".join(f"public.{table}" for table in present)
            + " but not in a shape it can adopt: "
            + "; ".join(problems)
            + ". contender_rank adopts nineteen's nodes, contenders and contenders_history together, or "
            "creates all three in a database that has none of them. Nothing was changed."
        )
    with conn.cursor(row_factory=dict_row) as cur:
        counts = cur.execute(queries.get("host_table_rows")).fetchone()
    assert counts is not None
    return Found(
        ADOPTED,
        installed=False,
        upgrading_release_01=False,
        table_rows={table: counts[table] for table in HOST_TABLES},
        history_rows_ignored=counts["history_ignored"],
    )


# -- migrate -------------------------------------------------------------------------------------


@dataclass
class MigrateResult:
    layout: str
    found: Found
    migrations_applied: list[str] = field(default_factory=list)
    # a first installation: the schema files it applied, and the migrations it recorded as applied
    schema_applied: list[str] = field(default_factory=list)
    migrations_recorded: list[str] = field(default_factory=list)
    functions_applied: int = 0
    functions_dropped: list[str] = field(default_factory=list)
    triggers_dropped: list[str] = field(default_factory=list)
    roles_created: list[str] = field(default_factory=list)
    roles_missing: list[str] = field(default_factory=list)
    # links of the chain reader <- writer <- admin that were missing: granted now, or still missing
    # (as the GRANT statements that add them) when this role may not grant them
    role_links_granted: list[str] = field(default_factory=list)
    role_links_missing: list[str] = field(default_factory=list)
    state_rebuilt: bool = False
    history_rows_folded: int = 0

    @property
    def adopted_now(self) -> bool:
        return self.layout == ADOPTED and not self.found.installed


def _backend_on(conn: psycopg.Connection[Any]) -> PostgresqlPsycopgBackend:
    """yoyo's psycopg backend on ``conn``, which is already inside our transaction: yoyo's own
    transactions become savepoints of it and nothing commits before we do."""

    class OnThisConnection(PostgresqlPsycopgBackend):
        def connect(self, dburi: Any) -> psycopg.Connection[Any]:
            return conn

    backend = OnThisConnection(parse_uri("postgresql+psycopg:///"), "_yoyo_migration")
    backend._in_transaction = True
    return backend


def _build_tables(conn: psycopg.Connection[Any], layout: str, fresh: bool, result: MigrateResult) -> None:
    """The tables of ``layout``: on a first installation (``fresh``) from the current schema, every
    migration then recorded as applied; otherwise by applying the pending migrations."""
    conn.execute("SET LOCAL search_path TO contender_rank")  # where yoyo keeps its log
    backend = _backend_on(conn)
    if needs_upgrading(backend):
        upgrade_yoyo_tables(backend)
    backend._internal_schema_updated = True
    migrations = read_migrations(str(sql_dir() / "migrations"))
    pending = [
        migration
        for migration in backend.to_apply(migrations)
        if migration_layout(Path(migration.path)) in (None, layout)
    ]
    if fresh:
        # under the migrations' search_path, so that a name left unqualified lands where theirs would
        for path in schema_files(layout):
            conn.execute(path.read_text())  # type: ignore[arg-type]
            result.schema_applied.append(path.name)
        for migration in pending:
            backend.mark_one(migration)  # yoyo's log says "mark": recorded, not replayed
        result.migrations_recorded = [migration.id for migration in pending]
    else:
        for migration in pending:
            migration.process_steps(backend, "apply")
            backend.log_migration(migration, "apply")
            backend.mark_one(migration, log=False)
        result.migrations_applied = [migration.id for migration in pending]
    conn.execute("SET LOCAL search_path TO DEFAULT")


def _declared() -> tuple[dict[str, set[str]], set[tuple[str, str, str]]]:
    """The functions (by schema, by name) and triggers (name, schema, table) the files define."""
    functions: dict[str, set[str]] = {SCHEMA: set(), "public": set()}
    triggers: set[tuple[str, str, str]] = set()
    for path in function_files():
        text = path.read_text()
        for schema, name in _DECLARED_FUNCTION.findall(text):
            functions.setdefault(schema, set()).add(name)
        triggers.update(_DECLARED_TRIGGER.findall(text))
    return functions, triggers


def _apply_functions(
    conn: psycopg.Connection[Any], previous_api: Sequence[str]
) -> tuple[int, list[str], list[str]]:
    """Apply every function file; drop the triggers, then the functions, that no file defines any more."""
    files = function_files()
    for path in files:
        conn.execute(path.read_text())  # type: ignore[arg-type]
    functions, triggers = _declared()
    with conn.cursor(row_factory=dict_row) as cur:
        dropped_triggers: list[str] = []
        for row in cur.execute(queries.get("contender_rank_triggers")).fetchall():
            if (row["trigger_name"], row["table_schema"], row["table_name"]) not in triggers:
                cur.execute(
                    queries.get("drop_trigger").format(
                        trigger=sql.Identifier(row["trigger_name"]),
                        table=sql.Identifier(row["table_schema"], row["table_name"]),
                    )
                )
                dropped_triggers.append(f"{row['trigger_name']} on {row['table_schema']}.{row['table_name']}")
        stale = [
            row["signature"]
            for row in cur.execute(queries.get("functions_in_schema"), {"schema": SCHEMA})
            if row["name"] not in functions[SCHEMA]
        ]
        stale += [
            signature
            for signature in previous_api
            if signature.split("(")[0].removeprefix("public.") not in functions["public"]
        ]
        for signature in stale:
            cur.execute(queries.get("drop_function").format(signature=sql.SQL(signature)))  # type: ignore[arg-type]
    return len(files), stale, dropped_triggers


def _api_signatures(conn: psycopg.Connection[Any]) -> list[str]:
    functions, _ = _declared()
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(queries.get("api_signatures"), {"names": sorted(functions["public"])}).fetchall()
    return sorted(row["signature"] for row in rows)


def _apply_roles_and_privileges(conn: psycopg.Connection[Any], layout: str, result: MigrateResult) -> None:
    with conn.cursor(row_factory=dict_row) as cur:
        roles = cur.execute(queries.get("roles"), {"roles": list(ROLES)}).fetchone()
    assert roles is not None
    missing = [role for role in ROLES if role not in roles["existing"]]
    gaps = _role_chain_gaps(conn)
    if (missing or gaps) and roles["may_create_roles"]:
        # creates what is missing and grants every missing link of the chain
        conn.execute((sql_dir() / "roles.sql").read_text())  # type: ignore[arg-type]
        result.roles_created = missing
        result.role_links_granted = gaps
        missing, gaps = [], []
    result.roles_missing = missing
    result.role_links_missing = gaps
    if missing:
        return
    conn.execute((sql_dir() / "privileges.sql").read_text())  # type: ignore[arg-type]
    if layout == STANDALONE:
        conn.execute((sql_dir() / "privileges_standalone.sql").read_text())  # type: ignore[arg-type]


def _role_chain_gaps(conn: psycopg.Connection[Any]) -> list[str]:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(queries.get("role_chain_gaps")).fetchone()
    assert row is not None
    return list(row["gaps"])


def rebuild_state(conn: psycopg.Connection[Any], progress: Progress | None = None) -> int:
    """Recompute all derived state from the tables, as contender_rank.rebuild_state() does, but folding
    a large history in steps with a progress line after each; returns the history rows folded. Runs in
    the caller's transaction."""
    say = progress or (lambda _message: None)
    with conn.cursor(row_factory=dict_row) as cur:
        per_contender = cur.execute(queries.get("history_rows_per_contender")).fetchall()
    total = sum(row["rows"] for row in per_contender)
    conn.execute(queries.get("start_rebuild"))
    # the faults this rebuild accounts for: those committed before it reads the tables (the lock is
    # held from here on; one committed later stays, for the next repair)
    seen = conn.execute(queries.get("faults_seen")).fetchone()[0]  # type: ignore[index]
    if total <= _REBUILD_STEP_ROWS:
        conn.execute(queries.get("recompute_own_state"), {"contender_ids": None})
    else:
        # about ten steps; each reads history once for its contenders, so the cost stays linear in rows
        say(f"folding {total:,} history rows of {len(per_contender):,} contenders into the state")
        done, batch, batch_rows = 0, [], 0
        for index, row in enumerate(per_contender):
            batch.append(row["contender_id"])
            batch_rows += row["rows"]
            if batch_rows * 10 >= total or index == len(per_contender) - 1:
                conn.execute(queries.get("recompute_own_state"), {"contender_ids": batch})
                done += batch_rows
                say(f"  {done:,} of {total:,} rows ({100 * done // total}%)")
                batch, batch_rows = [], 0
    # last, once every own metric is in: every node stale, settled when the transaction commits
    conn.execute(queries.get("finish_rebuild"))
    conn.execute(queries.get("forget_faults"), {"fault_ids": seen})
    return total


def migrate(
    dsn: str, rebuild: bool = False, progress: Progress | None = None, *, replay_migrations: bool = False
) -> MigrateResult:
    """Install or upgrade contender_rank in the database at ``dsn``, in one transaction: everything
    or nothing. Running it twice changes nothing. A first installation applies the current schema;
    ``replay_migrations`` builds it by every migration instead, as an upgrade would (the tests compare
    the two)."""
    say = progress or (lambda _message: None)
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        conn.execute(queries.get("lock_migrations"))
        found = inspect(conn)
        result = MigrateResult(layout=found.layout, found=found)
        if found.layout == ADOPTED and not found.installed:
            rows = found.table_rows
            say(
                f"found nineteen's tables in schema public: nodes ({rows['nodes']:,} rows), contenders "
                f"({rows['contenders']:,} rows), contenders_history ({rows['contenders_history']:,} rows, "
                f"{found.history_rows_ignored:,} without a finite expired_at, which the ranking ignores)"
            )
            say(
                "adopting them: contender_rank adds triggers to them and its own tables beside them, "
                "and changes none of their columns or rows"
            )
        conn.execute(queries.get("create_schema"))
        if found.upgrading_release_01:
            conn.execute(queries.get("move_release_01_log"))
        with conn.cursor(row_factory=dict_row) as cur:
            previous = cur.execute(queries.get("installation")).fetchone() if found.installed else None
            # whether the state was trusted before this migrate re-creates the triggers (one that was
            # disabled or missing let writes through unseen)
            untrusted_before = (
                cur.execute(queries.get("untrusted_reason")).fetchone()["untrusted_reason"]  # type: ignore[index]
                if previous is not None and cur.execute(queries.get("knows_trust")).fetchone()["knows"]  # type: ignore[index]
                else None
            )
        fresh = not found.installed and not found.upgrading_release_01 and not replay_migrations
        _build_tables(conn, found.layout, fresh, result)
        result.functions_applied, result.functions_dropped, result.triggers_dropped = _apply_functions(
            conn, previous["api_functions"] if previous else []
        )
        _apply_roles_and_privileges(conn, found.layout, result)
        shape = state_shape()
        conn.execute(
            queries.get("record_installation"),
            {
                "layout": found.layout,
                "version": _version(),
                "state_shape": shape,
                "api_functions": _api_signatures(conn),
            },
        )
        # what ranking_status() compares the tables with from now on (shape drift)
        conn.execute(
            queries.get("record_host_shape"),
            {"columns": json.dumps({table: sorted(columns) for table, columns in REQUIRED_COLUMNS.items()})},
        )
        with conn.cursor(row_factory=dict_row) as cur:
            trust = cur.execute(queries.get("state_trust")).fetchone()
            recorded = cur.execute(queries.get("recorded_host_columns")).fetchone()
        assert trust is not None and recorded is not None
        # a state that cannot be trusted (a recorded fault, a table replaced since the last migrate,
        # a trigger that was missing) or that was kept under another shape of nineteen's columns is
        # rebuilt: the triggers are in place again now
        if (
            rebuild
            or previous is None
            or previous["state_shape"] != shape
            or untrusted_before is not None
            or trust["untrusted_reason"] is not None
            or recorded["host_columns"] != trust["host_columns"]
        ):
            result.history_rows_folded = rebuild_state(conn, say)
            result.state_rebuilt = True
        conn.execute(queries.get("record_host_tables"), {"host_columns": trust["host_columns"]})
        conn.execute(queries.get("analyze_own_tables"))
    return result


def _version() -> str:
    from contender_rank import __version__

    return __version__


# -- uninstall -----------------------------------------------------------------------------------


@dataclass
class UninstallResult:
    triggers_dropped: list[str]
    functions_dropped: list[str]
    similarity_rows: int


def uninstall(dsn: str) -> UninstallResult:
    """Remove everything contender_rank added to an adopted database, and nothing else, in one
    transaction. Refused in the standalone layout, where the validator's tables are contender_rank's
    own: dropping the database is the way out there."""
    with (
        psycopg.connect(dsn, autocommit=True) as conn,
        conn.transaction(),
        conn.cursor(row_factory=dict_row) as cur,
    ):
        cur.execute(queries.get("lock_migrations"))
        probe = cur.execute(queries.get("probe_database")).fetchone()
        assert probe is not None
        if not probe["installed"]:
            raise NotInstalledError("contender_rank is not installed in this database: nothing to uninstall")
        installation = cur.execute(queries.get("installation")).fetchone()
        assert installation is not None
        if installation["layout"] != ADOPTED:
            raise LayoutError(
                "this database has the standalone layout: contender_rank created its nodes, contenders and "
                "contenders_history, so uninstalling would leave them without their triggers; drop the "
                "database instead (uninstall is for a database where contender_rank adopted nineteen's "
                "tables)"
            )
        similarity_rows = cur.execute(queries.get("count_similarities")).fetchone()["rows"]  # type: ignore[index]
        triggers = []
        for row in cur.execute(queries.get("contender_rank_triggers")).fetchall():
            cur.execute(
                queries.get("drop_trigger").format(
                    trigger=sql.Identifier(row["trigger_name"]),
                    table=sql.Identifier(row["table_schema"], row["table_name"]),
                )
            )
            triggers.append(f"{row['trigger_name']} on {row['table_schema']}.{row['table_name']}")
        for signature in installation["api_functions"]:
            cur.execute(queries.get("drop_function").format(signature=sql.SQL(signature)))  # type: ignore[arg-type]
        cur.execute(queries.get("drop_adopted_installation"))
    return UninstallResult(triggers, list(installation["api_functions"]), similarity_rows)
