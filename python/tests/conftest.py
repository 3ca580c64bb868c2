"""Shared fixtures: a real PostgreSQL (DATABASE_URL, which run_test.sh always provides), contender_rank
installed once into a template database per layout, and a fresh clone of one per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

from contender_rank_lab.databases import Layout, create_database, drop_database, new_database_name, prepare


@pytest.fixture(scope="session")
def admin_dsn() -> str:
    dsn = os.environ.get("DATABASE_URL")
    if not dsn:
        raise pytest.UsageError("DATABASE_URL is not set: run the tests through ./run_test.sh")
    return dsn


def _template(admin_dsn: str, layout: Layout) -> Iterator[str]:
    name = new_database_name(f"template_{layout}")
    dsn = create_database(admin_dsn, name)
    try:
        prepare(dsn, layout)
        yield name
    finally:
        drop_database(admin_dsn, name)


@pytest.fixture(scope="session")
def template_db(admin_dsn: str) -> Iterator[str]:
    """Name of a standalone database with contender_rank installed; cloned per test."""
    yield from _template(admin_dsn, "standalone")


@pytest.fixture(scope="session")
def adopted_template_db(admin_dsn: str) -> Iterator[str]:
    """Name of a nineteen-shaped database that contender_rank adopted; cloned per test."""
    yield from _template(admin_dsn, "adopted")


def _clone(admin_dsn: str, template: str) -> Iterator[str]:
    name = new_database_name("test")
    dsn = create_database(admin_dsn, name, template=template)
    try:
        yield dsn
    finally:
        drop_database(admin_dsn, name)


@pytest.fixture
def dsn(admin_dsn: str, template_db: str) -> Iterator[str]:
    """DSN of a fresh standalone database for this test alone."""
    yield from _clone(admin_dsn, template_db)


@pytest.fixture
def adopted_dsn(admin_dsn: str, adopted_template_db: str) -> Iterator[str]:
    """DSN of a fresh adopted nineteen database for this test alone."""
    yield from _clone(admin_dsn, adopted_template_db)


@pytest.fixture
def conn(dsn: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(dsn, autocommit=True) as connection:
        yield connection


@pytest.fixture
def empty_dsn(admin_dsn: str) -> Iterator[str]:
    """DSN of a new, empty database (nothing installed) for this test alone."""
    name = new_database_name("empty")
    dsn = create_database(admin_dsn, name)
    try:
        yield dsn
    finally:
        drop_database(admin_dsn, name)
