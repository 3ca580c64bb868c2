"""The schema's lifecycle: migrate applies everything or nothing, re-applying changes nothing, an
upgrade from the previous release ends where a fresh install does, both layouts install the same
objects, what no file defines any more is dropped, tables it cannot adopt are refused, and uninstall
leaves a nineteen database exactly as it was."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from contender_rank import LayoutError, api, nineteen
from contender_rank.databases import create_database, drop_database, new_database_name
from contender_rank.embedded import EmbeddedPostgres, find_bin_dir
from contender_rank.nineteen.replay import Contender, Node, Validator, connect
from contender_rank.schema import ROLES, migrate, migration_layout, sql_dir, uninstall
from model_checks import assert_matches_model, fetch, micros, world_of
from ranking_model import rank

REPOSITORY = Path(__file__).resolve().parents[2]
# The previous release, by tag, else by its commit (a clone may not carry tags).
PREVIOUS_RELEASE = ("v0.1.0", "3dcdcab7187dd2479930000895e43227c8c5f21e")
NODES = tuple(Node(f"hotkey-{k}", node_id=k) for k in range(1, 4))
TASKS = ("chat-llama-3-2-3b", "chat-llama-3-1-8b")


def schema_dump(dsn: str, *options: str) -> str:
    """pg_dump --schema-only, without the random \\restrict key newer pg_dump writes."""
    result = subprocess.run(
        [str(find_bin_dir() / "pg_dump"), "--schema-only", *options, "--dbname", dsn],
        capture_output=True,
        text=True,
        check=True,
    )
    return "\n".join(
        line for line in result.stdout.splitlines() if not line.startswith(("\\restrict", "\\unrestrict"))
    )


def table_checksums(dsn: str) -> dict[str, str]:
    """An md5 of every row of every table in public, in a fixed order."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
            )
        ]
        return {
            table: conn.execute(
                sql.SQL(
                    "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
                ).format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


async def _nineteen_periods(dsn: str, periods: int) -> None:
    """nineteen writing a few periods (moves stamped an hour apart), including a row without expired_at."""
    conn = await connect(dsn)
    validator = Validator(conn)
    await validator.refresh_nodes(NODES)
    await validator.handshake(NODES[:2])
    contenders = [Contender(node, task) for node in NODES for task in TASKS]
    await validator.insert_contenders(contenders)
    for period in range(periods):
        for task in TASKS:
            for row in await validator.select_synthetic(task, 3):
                await validator.serve(row["contender_id"], status=500 if row["node_id"] == 2 else 200)
        await validator.period(contenders, expired_at=datetime(2025, 1, 1) + timedelta(hours=period))
    await conn.execute(
        "UPDATE contenders_history SET expired_at = NULL WHERE id = (SELECT min(id) FROM contenders_history)"
    )
    await conn.close()


async def _one_more_period(dsn: str) -> None:
    conn = await connect(dsn)
    await Validator(conn).period([Contender(node, task) for node in NODES for task in TASKS])
    await conn.close()


def nineteen_database(dsn: str, periods: int = 3) -> None:
    nineteen.create_tables(dsn)
    asyncio.run(_nineteen_periods(dsn, periods))


def assert_rankings_exact(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        as_of = conn.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
        world = world_of(conn)
        for task in TASKS:
            model = rank(world, task, micros(as_of))
            for function in ("rank_contenders", "rank_contenders_window"):
                assert_matches_model(
                    f"{function}({task})", fetch(conn, function, task, 100, as_of), model, 100
                )
            assert model, "something was ranked"


# -- adoption and uninstall ------------------------------------------------------------------------


def test_adoption_folds_the_history_already_there_with_progress(
    empty_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    nineteen_database(empty_dsn, periods=4)
    monkeypatch.setattr("contender_rank.schema._REBUILD_STEP_ROWS", 10)  # report progress even at this size
    said: list[str] = []
    result = migrate(empty_dsn, progress=said.append)
    assert result.layout == "adopted" and result.adopted_now and result.state_rebuilt
    assert result.history_rows_folded == 4 * len(NODES) * len(TASKS) - 1  # one row has no expired_at
    assert said[0].startswith("found nineteen's tables in schema public") and "1 without a finite" in said[0]
    assert said[1].startswith("adopting them")
    progress = [line for line in said if line.strip().endswith("%)")]
    assert len(progress) >= 3 and progress[-1].strip().startswith(f"{result.history_rows_folded:,} of")
    assert_rankings_exact(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        assert api.ranking_status(conn).history_rows_ignored == 1


def test_uninstall_leaves_nineteens_database_exactly_as_it_was(empty_dsn: str) -> None:
    nineteen_database(empty_dsn)
    before_schema, before_data = schema_dump(empty_dsn), table_checksums(empty_dsn)
    migrate(empty_dsn)
    assert "contender_rank" in schema_dump(empty_dsn)
    removed = uninstall(empty_dsn)
    assert len(removed.triggers_dropped) >= 6 and len(removed.functions_dropped) == 6
    assert schema_dump(empty_dsn) == before_schema
    assert table_checksums(empty_dsn) == before_data
    # and nineteen's own writes go on as before, with nothing of contender_rank left to fire
    asyncio.run(_one_more_period(empty_dsn))
    with pytest.raises(psycopg.errors.UndefinedFunction), psycopg.connect(empty_dsn) as conn:
        conn.execute("SELECT * FROM rank_contenders('chat-llama-3-2-3b')")


def test_uninstall_is_refused_in_the_standalone_layout(dsn: str) -> None:
    before = schema_dump(dsn)
    with pytest.raises(LayoutError, match="standalone layout"):
        uninstall(dsn)
    assert schema_dump(dsn) == before


BROKEN_SHAPES = {
    "a column missing": (
        "ALTER TABLE nodes DROP COLUMN symmetric_key_uuid",
        ["public.nodes", "symmetric_key_uuid"],
    ),
    "a mistyped column": (
        "ALTER TABLE contenders ALTER COLUMN capacity TYPE text",
        ["public.contenders", "capacity is text, expected double precision"],
    ),
    "a table missing": ("DROP TABLE contenders_history", ["public.contenders_history does not exist"]),
    "no key": (
        "ALTER TABLE contenders DROP CONSTRAINT contenders_pkey",
        ["public.contenders has no primary key or unique index on (contender_id)"],
    ),
}


@pytest.mark.parametrize("case", BROKEN_SHAPES)
def test_tables_it_cannot_adopt_are_refused_and_nothing_changes(empty_dsn: str, case: str) -> None:
    nineteen.create_tables(empty_dsn)
    alteration, words = BROKEN_SHAPES[case]
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute(alteration)  # type: ignore[arg-type]
    before = schema_dump(empty_dsn)
    with pytest.raises(LayoutError) as raised:
        migrate(empty_dsn)
    for word in ["Nothing was changed", *words]:
        assert word in str(raised.value)
    assert schema_dump(empty_dsn) == before


@pytest.mark.parametrize("layout", ["standalone", "adopted"])
def test_a_failed_migrate_changes_nothing(
    empty_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    if layout == "adopted":
        nineteen.create_tables(empty_dsn)
    before = schema_dump(empty_dsn)
    broken = tmp_path / "db"
    shutil.copytree(sql_dir(), broken)
    # the very last file fails: everything before it had been applied, in the same transaction
    (broken / "functions" / "public" / "zz_broken.sql").write_text(
        "CREATE FUNCTION public.zz_broken( RETURNS;"
    )
    monkeypatch.setenv("CONTENDER_RANK_SQL_DIR", str(broken))
    with pytest.raises(psycopg.errors.SyntaxError):
        migrate(empty_dsn)
    assert schema_dump(empty_dsn) == before


# -- re-applying, rebuilding, dropping ------------------------------------------------------------


@pytest.mark.parametrize("layout", ["standalone", "adopted"])
def test_migrating_again_changes_nothing_and_rebuilds_only_when_asked(
    request: pytest.FixtureRequest, layout: str
) -> None:
    dsn = request.getfixturevalue("dsn" if layout == "standalone" else "adopted_dsn")
    before = schema_dump(dsn)
    again = migrate(dsn)
    assert again.migrations_applied == [] and not again.state_rebuilt and again.functions_dropped == []
    assert schema_dump(dsn) == before
    assert migrate(dsn, rebuild=True).state_rebuilt
    assert schema_dump(dsn) == before


def test_migrate_drops_what_no_file_defines_any_more(
    dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION contender_rank.left_over() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NULL; END $$"
        )
        conn.execute(
            "CREATE TRIGGER left_over AFTER INSERT ON contenders FOR EACH ROW "
            "EXECUTE FUNCTION contender_rank.left_over()"
        )
        # a trigger bound to a function that files still define, under a name no file gives it
        conn.execute(
            "CREATE TRIGGER renamed_since AFTER DELETE ON contenders REFERENCING OLD TABLE AS old_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_after_delete()"
        )
    # a release that shipped one more API function...
    extended = tmp_path / "db"
    shutil.copytree(sql_dir(), extended)
    (extended / "functions" / "public" / "zz_extra.sql").write_text(
        "CREATE OR REPLACE FUNCTION public.zz_extra() RETURNS int LANGUAGE sql IMMUTABLE RETURN 1;\n"
    )
    monkeypatch.setenv("CONTENDER_RANK_SQL_DIR", str(extended))
    first = migrate(dsn)
    assert first.functions_dropped == ["contender_rank.left_over()"]
    assert set(first.triggers_dropped) == {
        "left_over on public.contenders",
        "renamed_since on public.contenders",
    }
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SELECT public.zz_extra()").fetchone() == (1,)
    # ...and the next that does not
    monkeypatch.delenv("CONTENDER_RANK_SQL_DIR")
    assert migrate(dsn).functions_dropped == ["zz_extra()"]
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute(
            "SELECT to_regproc('public.zz_extra'), to_regproc('contender_rank.left_over')"
        ).fetchone() == (None, None)


def _catalog_of_own_objects(dsn: str) -> dict[str, object]:
    """What contender_rank installed, in the terms of its own objects: the contender_rank schema (less
    the installation's data), the tables beside the validator's, the API and the triggers on the
    validator's tables."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        functions = dict(
            conn.execute(
                "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p"
                " WHERE p.pronamespace = 'public'::regnamespace AND p.proname IN ('rank_contenders',"
                " 'explain_ranking', 'record_requests', 'close_period', 'prune_history', 'ranking_status')"
            ).fetchall()
        )
        triggers = sorted(
            row[0]
            for row in conn.execute(
                "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
                " WHERE p.pronamespace = 'contender_rank'::regnamespace AND NOT t.tgisinternal"
            )
        )
    return {
        "schema": schema_dump(dsn, "--schema", "contender_rank"),
        "tables": schema_dump(dsn, "--table", "public.task_similarity", "--table", "public.ranking_config"),
        "functions": functions,
        "triggers": triggers,
    }


def test_both_layouts_install_the_same_objects(dsn: str, adopted_dsn: str) -> None:
    standalone, adopted = _catalog_of_own_objects(dsn), _catalog_of_own_objects(adopted_dsn)
    assert len(standalone["functions"]) == 6 and len(standalone["triggers"]) >= 10  # type: ignore[arg-type]
    for part in standalone:
        assert standalone[part] == adopted[part], part


# -- upgrading the previous release ----------------------------------------------------------------


def previous_release(into: Path) -> Path:
    """The previous release's db/ and python/, from this repository's history."""
    for ref in PREVIOUS_RELEASE:
        archive = subprocess.run(
            ["git", "-C", str(REPOSITORY), "archive", "--format=tar", ref, "db", "python"],
            capture_output=True,
            check=False,
        )
        if archive.returncode == 0:
            into.mkdir(parents=True)
            archive_path = into / "release.tar"
            archive_path.write_bytes(archive.stdout)
            with tarfile.open(archive_path) as tar:
                # the "data" filter where this Python has it (3.11.4 and later; Debian bookworm's
                # 3.11.2 has not): the archive is this repository's own history either way
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(into, filter="data")
                else:
                    tar.extractall(into)
            return into
    raise AssertionError(
        f"the previous release ({' or '.join(PREVIOUS_RELEASE)}) is not in this repository's history: "
        "the upgrade test needs a full clone (git fetch --tags --unshallow)"
    )


OLD_RELEASE_SCRIPT = """
import json, sys
import psycopg
from contender_rank.schema import migrate
from contender_rank.scenario import rank_scenario, seed_scenario
migrate(sys.argv[1])
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    result = rank_scenario(conn, seed_scenario(conn))
    print(json.dumps({"as_of": result.scenario.ranked_at.isoformat(),
                      "rankings": {task: [[r.contender_id, r.own_metric, r.similar_metric, r.rank_value]
                                          for r in rows] for task, rows in result.rankings.items()}}))
"""


def test_an_upgrade_from_the_previous_release_ends_like_a_fresh_install(
    admin_dsn: str, empty_dsn: str, tmp_path: Path
) -> None:
    old = previous_release(tmp_path / "release")
    env = {**os.environ, "PYTHONPATH": str(old / "python"), "CONTENDER_RANK_SQL_DIR": str(old / "db")}
    done = subprocess.run(
        [sys.executable, "-c", OLD_RELEASE_SCRIPT, empty_dsn],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    before = json.loads(done.stdout)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('public.contender_state') IS NOT NULL").fetchone() == (True,)

    result = migrate(empty_dsn)
    assert result.layout == "standalone" and result.found.upgrading_release_01 and result.state_rebuilt
    # every migration since release 0.1 except those of the adopted layout alone
    since_01 = sorted(
        path.stem
        for path in (sql_dir() / "migrations").glob("*.sql")
        if int(path.stem[:4]) > 5 and migration_layout(path) != "adopted"
    )
    assert "0006_drop_v1_state" in since_01 and "0008_create_internal_state" in since_01
    assert result.migrations_applied == since_01

    # the same rankings as the release computed, from the state rebuilt out of the same history
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        for task, rows in before["rankings"].items():
            after = api.rank_contenders(conn, task, top_x=100, as_of=datetime.fromisoformat(before["as_of"]))
            assert [r.contender_id for r in after] == [row[0] for row in rows]
            for r, (_, own, similar, value) in zip(after, rows, strict=True):
                assert (r.own_metric, r.similar_metric) == pytest.approx((own, similar), rel=1e-12, abs=1e-12)
                assert r.rank_value == pytest.approx(value, rel=1e-12, abs=1e-12)

    # and the same catalog as a database that was never on the previous release
    fresh = new_database_name("fresh")
    fresh_dsn = create_database(admin_dsn, fresh)
    try:
        migrate(fresh_dsn)
        assert schema_dump(empty_dsn) == schema_dump(fresh_dsn)
    finally:
        drop_database(admin_dsn, fresh)


# -- who may install ---------------------------------------------------------------------------------


def test_adoption_as_the_owner_without_createrole() -> None:
    """In a cluster of its own (roles are cluster-wide): the database's owner, without CREATEROLE,
    adopts nineteen's tables; the roles are skipped, with a message, and everything works for the owner
    and for nineteen's application role, which needs no grant on contender_rank for its writes."""
    with EmbeddedPostgres() as cluster, psycopg.connect(cluster.dsn(), autocommit=True) as admin:
        admin.execute("CREATE ROLE validator LOGIN NOCREATEROLE NOCREATEDB PASSWORD 'validator'")
        admin.execute("CREATE ROLE nineteen_app LOGIN PASSWORD 'nineteen'")
        admin.execute("CREATE DATABASE validator_db OWNER validator")
        owner_dsn = make_conninfo(cluster.dsn("validator_db"), user="validator", password="validator")
        app_dsn = make_conninfo(cluster.dsn("validator_db"), user="nineteen_app", password="nineteen")
        nineteen.create_tables(owner_dsn)
        with psycopg.connect(owner_dsn, autocommit=True) as owner:
            # nineteen's application role may write nineteen's tables, and nothing else
            owner.execute(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO nineteen_app"
            )
            owner.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO nineteen_app")

        result = migrate(owner_dsn)
        assert result.layout == "adopted" and result.roles_created == []
        assert result.roles_missing == list(ROLES)
        asyncio.run(_nineteen_periods(app_dsn, 2))  # nineteen's writes, as its own role, fire the triggers
        assert_rankings_exact(owner_dsn)
        with (
            psycopg.connect(app_dsn, autocommit=True) as app,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            app.execute("SELECT * FROM rank_contenders('chat-llama-3-2-3b')")

        # later a superuser creates the roles; the next migrate grants them what they may do
        for role in ROLES:
            admin.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        admin.execute("GRANT ranking_reader TO nineteen_app")
        again = migrate(owner_dsn)
        assert again.roles_missing == [] and again.roles_created == []
        with psycopg.connect(app_dsn, autocommit=True) as app:
            ranked = api.rank_contenders(app, "chat-llama-3-2-3b", top_x=10)
            assert [r.node_hotkey for r in ranked] == ["hotkey-1", "hotkey-2"]  # hotkey-3 never handshook
