"""Helpers for tests and throwaway databases: the scratch databases this project creates."""

from __future__ import annotations

import re
import uuid

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

_OWN_DATABASE = re.compile(r"^contender_rank_[a-z0-9_]+$")


def with_dbname(dsn: str, dbname: str) -> str:
    """The same server and credentials as ``dsn``, another database."""
    return make_conninfo(dsn, dbname=dbname)


def new_database_name(purpose: str) -> str:
    return f"contender_rank_{purpose}_{uuid.uuid4().hex[:10]}"


def create_database(admin_dsn: str, name: str, template: str | None = None) -> str:
    """Create a scratch database (name must start with ``contender_rank_``); returns its DSN."""
    if not _OWN_DATABASE.match(name):
        raise ValueError(f"scratch database names must match {_OWN_DATABASE.pattern}, got {name!r}")
    query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(query)
    return with_dbname(admin_dsn, name)


def drop_database(admin_dsn: str, name: str) -> None:
    """Drop a scratch database this project created; refuses any other name."""
    if not _OWN_DATABASE.match(name):
        raise ValueError(f"refusing to drop {name!r}: not a contender_rank scratch database")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


_PGENV = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD",
          "dbname": "PGDATABASE", "sslmode": "PGSSLMODE"}


def pg_environment(dsn: str) -> dict[str, str]:
    """The libpq environment variables (PGHOST, ...) equivalent to ``dsn``, for psql-based tools."""
    from psycopg.conninfo import conninfo_to_dict

    return {_PGENV[key]: str(value) for key, value in conninfo_to_dict(dsn).items() if key in _PGENV}


if __name__ == "__main__":
    import shlex
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "pgenv":
        for name, value in pg_environment(sys.argv[2]).items():
            print(f"export {name}={shlex.quote(value)}")
    else:
        sys.exit("usage: python -m contender_rank.testing pgenv DSN")
