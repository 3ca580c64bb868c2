"""Applying the schema: yoyo migrations, then every function file, then a state rebuild.

The SQL lives in ``db/`` of the repository and ships inside the wheel as ``contender_rank/sql``;
whichever is found is used, so an installed package migrates without the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import errors
from yoyo import get_backend, read_migrations

_PACKAGED = Path(__file__).resolve().parent / "sql"
_REPOSITORY = Path(__file__).resolve().parents[2] / "db"


def sql_dir() -> Path:
    """The folder holding ``migrations/`` and ``functions/``."""
    override = os.environ.get("CONTENDER_RANK_SQL_DIR")
    for candidate in ([Path(override)] if override else []) + [_PACKAGED, _REPOSITORY]:
        if (candidate / "migrations").is_dir() and (candidate / "functions").is_dir():
            return candidate
    raise FileNotFoundError("SQL files not found (neither the packaged contender_rank/sql nor the repository's db/)")


def yoyo_url(dsn: str) -> str:
    """yoyo names its psycopg 3 backend ``postgresql+psycopg``."""
    if "://" in dsn:
        scheme, rest = dsn.split("://", 1)
        if scheme in ("postgres", "postgresql"):
            return f"postgresql+psycopg://{rest}"
        return dsn
    # a key=value libpq string: turn it into a URL yoyo understands
    return _dict_to_url(psycopg.conninfo.conninfo_to_dict(dsn))


def _dict_to_url(info: dict[str, object]) -> str:
    from urllib.parse import quote

    user = quote(str(info.get("user", "")))
    password = f":{quote(str(info['password']))}" if info.get("password") else ""
    auth = f"{user}{password}@" if user else ""
    host = str(info.get("host", "localhost"))
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql+psycopg://{auth}{host}{port}/{quote(str(info.get('dbname', '')))}"


@dataclass(frozen=True)
class MigrateResult:
    migrations_applied: list[str]
    functions_applied: list[str]


def apply_migrations(dsn: str) -> list[str]:
    backend = get_backend(yoyo_url(dsn))
    migrations = read_migrations(str(sql_dir() / "migrations"))
    try:
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
    finally:
        backend.connection.close()  # a template database must have no open session
    return [migration.id for migration in pending]


def function_files() -> list[Path]:
    return sorted((sql_dir() / "functions").glob("*.sql"))


def apply_functions(conn: psycopg.Connection) -> list[str]:
    """(Re-)create every function and trigger binding in one transaction.

    Functions with SQL-standard bodies need what they reference to exist first, so a file that
    fails on a missing object is retried after the others; the loop ends when a pass makes no
    progress, and that file's error is raised.
    """
    pending = function_files()
    applied: list[str] = []
    with conn.transaction():
        while pending:
            deferred: list[Path] = []
            last_error: Exception | None = None
            for path in pending:
                try:
                    with conn.transaction():
                        conn.execute(path.read_text())
                    applied.append(path.stem)
                except (errors.UndefinedFunction, errors.UndefinedTable, errors.UndefinedObject) as error:
                    deferred.append(path)
                    last_error = error
            if len(deferred) == len(pending):
                raise RuntimeError(f"{deferred[0].name}: {last_error}") from last_error
            pending = deferred
    return applied


def apply_privileges(conn: psycopg.Connection) -> None:
    """Grant the roles their privileges; re-applied every time, so it covers every function."""
    conn.execute((sql_dir() / "privileges.sql").read_text())


def migrate(dsn: str) -> MigrateResult:
    """Bring the database at ``dsn`` to the current schema. Running it twice changes nothing."""
    applied_migrations = apply_migrations(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        # one transaction: replacing a function resets what privileges.sql sets on it, and no
        # session may see the function without it
        with conn.transaction():
            applied_functions = apply_functions(conn)
            apply_privileges(conn)
        # the state is derived: make it match the functions just applied
        conn.execute("SELECT public.rebuild_contender_state()")
    return MigrateResult(applied_migrations, applied_functions)
