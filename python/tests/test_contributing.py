"""The docs that describe the code follow it: docs/contributing.md's index names every SQL function
in db/functions/ and only test paths that exist; the README's account of what migrate adds to
nineteen's database is the catalog's, read from a database contender_rank adopted."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg

REPOSITORY = Path(__file__).resolve().parents[2]
FUNCTION = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?:public\.|contender_rank\.)?(\w+)", re.I)


def defined_functions() -> set[str]:
    return {
        name
        for path in (REPOSITORY / "db" / "functions").rglob("*.sql")
        for name in FUNCTION.findall(path.read_text())
    }


def index_section() -> str:
    text = (REPOSITORY / "docs" / "contributing.md").read_text()
    return text.split("## Where each function is tested", 1)[1]


def test_the_index_names_every_function() -> None:
    functions = defined_functions()
    assert {"rank_contenders", "stale_nodes_settle", "interval_index"} <= functions
    rows = [line for line in index_section().splitlines() if line.startswith("| `")]
    indexed = {name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[1])}
    missing = sorted(functions - indexed)
    assert not missing, f"docs/contributing.md's index has no row for {missing}"
    assert not sorted(indexed - functions), "the index names functions no file defines"


def test_every_test_path_in_the_index_exists() -> None:
    section = index_section()
    paths = re.findall(r"`((?:db|python)/tests/[\w./-]*)`", section)
    # `test_x.py` after a python/tests path names a file beside it
    for row in section.splitlines():
        if "python/tests/" in row:
            paths += [f"python/tests/{name}" for name in re.findall(r"`(test_\w+\.py)`", row)]
    assert len(paths) > 40
    missing = sorted({path for path in paths if not (REPOSITORY / path).exists()})
    assert not missing, missing


# contender_rank's functions and composite types in public (nineteen's schema has neither), and which
# of nineteen's tables carry its triggers
ADDED_TO_PUBLIC = """
SELECT array(SELECT proname::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
       array(SELECT t.typname::text FROM pg_type t
             WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'c'
               AND NOT EXISTS (SELECT FROM pg_class c WHERE c.reltype = t.oid AND c.relkind <> 'c')),
       array(SELECT DISTINCT c.relname::text
             FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_class c ON c.oid = t.tgrelid
             WHERE p.pronamespace = 'contender_rank'::regnamespace AND NOT t.tgisinternal
               AND c.relname IN ('nodes', 'contenders', 'contenders_history'))
"""


def test_the_readme_names_what_migrate_adds_to_public(adopted_dsn: str) -> None:
    readme = (REPOSITORY / "README.md").read_text()
    deploying = readme.split("## Deploying on a nineteen validator", 1)[1].split("\n## ", 1)[0]
    with psycopg.connect(adopted_dsn) as conn:
        added = conn.execute(ADDED_TO_PUBLIC).fetchone()
    assert added is not None
    functions, types, triggered = (set(values) for values in added)
    assert "rank_contenders" in functions and "ranked_contender" in types
    for name in functions | types:
        assert f"`{name}`" in deploying, f"the README's deployment section does not name {name}"
    sentence = re.search(r"triggers on nineteen's (.*?)\)", deploying, re.S)
    assert sentence, "the README no longer says which of nineteen's tables carry triggers"
    said = set(re.findall(r"`(\w+)`", sentence.group(1)))
    assert said - {"nodes"} == triggered, (said, triggered)
    assert "nodes" not in triggered and "none on `nodes`" in sentence.group(1)
