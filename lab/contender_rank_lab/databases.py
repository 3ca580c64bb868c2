"""Where the package's commands and tests run: the server a user gave (``--dsn`` or ``$DATABASE_URL``)
or a throwaway one, and scratch databases of the package's own on it.

Scratch databases are named ``contender_rank_*``; ``drop_database`` refuses any other name, so
nothing here can drop a database it did not create.
"""

from __future__ import annotations

import re
import shlex
import signal
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from contender_rank_lab.embedded import EmbeddedPostgres, exit_on_signal

Layout = Literal["standalone", "adopted"]
_OWN_DATABASE = re.compile(r"^contender_rank_[a-z0-9_]+$")
_PGENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
}


@contextmanager
def server(dsn: str | None) -> Iterator[str]:
    """A server to work on: the one at ``dsn``, or, when it is None, a throwaway PostgreSQL from the
    installed server binaries, stopped and removed on exit (also on SIGTERM)."""
    if dsn:
        yield dsn
        return
    previous = signal.signal(signal.SIGTERM, exit_on_signal)
    try:
        with EmbeddedPostgres() as cluster:
            yield cluster.dsn()
    finally:
        signal.signal(signal.SIGTERM, previous)


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
        query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(query)
    return with_dbname(admin_dsn, name)


def drop_database(admin_dsn: str, name: str) -> None:
    """Drop a scratch database this package created; refuses any other name."""
    if not _OWN_DATABASE.match(name):
        raise ValueError(f"refusing to drop {name!r}: not a contender_rank scratch database")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def prepare(dsn: str, layout: Layout | None) -> None:
    """Make the empty database at ``dsn`` a contender_rank database of ``layout`` (None: leave it empty):
    standalone: migrated; adopted: nineteen's tables created, then migrated (adopted)."""
    from contender_rank.schema import migrate
    from contender_rank_lab import nineteen

    if layout == "adopted":
        nineteen.create_tables(dsn)
    if layout is not None:
        migrate(dsn)


@contextmanager
def scratch_database(
    admin_dsn: str, purpose: str, layout: Layout | None = "standalone", template: str | None = None
) -> Iterator[str]:
    """A new database on the server of ``admin_dsn``, prepared for ``layout`` (unless cloned from
    ``template``); dropped on exit. Yields its DSN."""
    name = new_database_name(purpose)
    dsn = create_database(admin_dsn, name, template=template)
    try:
        if template is None:
            prepare(dsn, layout)
        yield dsn
    finally:
        drop_database(admin_dsn, name)


def pg_environment(dsn: str) -> dict[str, str]:
    """The libpq environment variables (PGHOST, ...) equivalent to ``dsn``, for psql-based tools."""
    return {_PGENV[key]: str(value) for key, value in conninfo_to_dict(dsn).items() if key in _PGENV}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "pgenv":
        for name, value in pg_environment(sys.argv[2]).items():
            print(f"export {name}={shlex.quote(value)}")
    else:
        sys.exit("usage: python -m contender_rank_lab.databases pgenv DSN")
