"""Shared fixtures: a real PostgreSQL (DATABASE_URL, which run_test.sh always provides), the
schema migrated once into a template database, and a fresh clone of it per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

from contender_rank.schema import migrate
from contender_rank.databases import create_database, drop_database, new_database_name, with_dbname


@pytest.fixture(scope="session")
def admin_dsn() -> str:
    dsn = os.environ.get("DATABASE_URL")
    if not dsn:
        raise pytest.UsageError("DATABASE_URL is not set: run the tests through ./run_test.sh")
    return dsn


@pytest.fixture(scope="session")
def template_db(admin_dsn: str) -> Iterator[str]:
    """Name of a database with the schema applied; cloned (CREATE DATABASE ... TEMPLATE) per test."""
    name = new_database_name("template")
    create_database(admin_dsn, name)
    try:
        migrate(with_dbname(admin_dsn, name))
        yield name
    finally:
        drop_database(admin_dsn, name)


@pytest.fixture
def dsn(admin_dsn: str, template_db: str) -> Iterator[str]:
    """DSN of a fresh, migrated database for this test alone."""
    name = new_database_name("test")
    url = create_database(admin_dsn, name, template=template_db)
    try:
        yield url
    finally:
        drop_database(admin_dsn, name)


@pytest.fixture
def conn(dsn: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(dsn, autocommit=True) as connection:
        yield connection
