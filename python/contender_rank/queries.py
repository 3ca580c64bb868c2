"""Every SQL statement the package sends, by name.

The statements live in ``queries.sql`` beside this module, each under a ``-- name: NAME`` line
(procrastinate's pattern), so no SQL hides in the Python modules and a reviewer reads all of it in
one file. Parameters are named (``%(task)s``), never positional.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from psycopg import sql

_FILE = Path(__file__).with_name("queries.sql")
_HEADER = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def read_named(path: Path) -> dict[str, str]:
    """The statements of a file of ``-- name: NAME`` blocks, by name."""
    parts = _HEADER.split(path.read_text())
    # parts = [preamble, name1, body1, name2, body2, ...]
    statements: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in statements:
            raise ValueError(f"{path.name}: query {name!r} is defined twice")
        statements[name] = body.strip().rstrip(";")
    return statements


def names() -> list[str]:
    """The names of every statement in queries.sql."""
    return list(read_named(_FILE))


def get(name: str) -> sql.SQL:
    """The statement called ``name`` in queries.sql."""
    try:
        return sql.SQL(read_named(_FILE)[name])  # type: ignore[arg-type]
    except KeyError:
        raise KeyError(f"no query named {name!r} in {_FILE.name}") from None
