"""The schema's lifecycle: migrate applies everything or nothing, re-applying changes nothing, a fresh
install from the current schema (db/schema/) ends exactly like one replaying every migration and like
an upgrade from the previous release, later upgrades apply only new migrations, both layouts install
the same objects, what no file defines any more is dropped, tables it cannot adopt are refused, and
uninstall leaves a nineteen database exactly as it was."""

from __future__ import annotations

import asyncio
import difflib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from contender_rank import LayoutError, api
from contender_rank.schema import ROLES, migrate, migration_layout, sql_dir, uninstall
from contender_rank_lab import nineteen
from contender_rank_lab.databases import scratch_database
from contender_rank_lab.embedded import EmbeddedPostgres, find_bin_dir
from contender_rank_lab.nineteen.replay import Contender, Node, Validator, connect
from model_checks import assert_matches_model, fetch, micros, world_of
from ranking_model import rank

REPOSITORY = Path(__file__).resolve().parents[2]
# The previous release, by tag, else by its commit (a clone may not carry tags).
PREVIOUS_RELEASE = ("v0.1.0", "3dcdcab7187dd2479930000895e43227c8c5f21e")
LAYOUTS = ("standalone", "adopted")
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


def table_rows(dsn: str) -> str:
    """Every row of every table in public and contender_rank, one line a row in a fixed order, less
    what differs between two databases built alike: timestamps, object ids, and yoyo's log of who ran
    what when."""
    lines = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT c.oid::regclass::text,"
            "       ARRAY(SELECT a.attname::text FROM pg_attribute a"
            "             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            "               AND a.atttypid IN ('timestamp'::regtype, 'timestamptz'::regtype, 'oid'::regtype,"
            "                                  'oid[]'::regtype, 'regclass'::regtype, 'regclass[]'::regtype))"
            " FROM pg_class c"
            " WHERE c.relnamespace IN ('public'::regnamespace, 'contender_rank'::regnamespace)"
            "   AND c.relkind IN ('r', 'p') AND c.relname <> '_yoyo_log'"
            " ORDER BY 1"
        ).fetchall()
        for table, varying in tables:
            rows = conn.execute(
                sql.SQL("SELECT (to_jsonb(t) - %(drop)s::text[])::text AS r FROM {} t ORDER BY 1").format(
                    sql.SQL(table)
                ),
                {"drop": varying},
            ).fetchall()
            lines += [f"{table}: {row[0]}" for row in rows]
    return "\n".join(lines)


def catalog_difference(
    dsn: str, other_dsn: str, names: tuple[str, str] = ("first", "second"), rows: bool = True
) -> str:
    """Where two databases differ, as a unified diff (empty when they do not): their schema
    (pg_dump --schema-only) and, unless told otherwise, their rows (table_rows)."""
    parts = [("schema", schema_dump)] + ([("rows", table_rows)] if rows else [])
    return "".join(
        "".join(
            difflib.unified_diff(
                read(dsn).splitlines(keepends=True),
                read(other_dsn).splitlines(keepends=True),
                f"{part}, {names[0]}",
                f"{part}, {names[1]}",
                n=2,
            )
        )
        for part, read in parts
    )


def layout_migrations(layout: str) -> list[str]:
    """Every migration of ``layout`` (both layouts' and its own), in order."""
    return [
        path.stem
        for path in sorted((sql_dir() / "migrations").glob("*.sql"))
        if migration_layout(path) in (None, layout)
    ]


@contextmanager
def uninstalled(admin_dsn: str, layout: str) -> Iterator[str]:
    """A scratch database as a first installation of ``layout`` finds it: empty (standalone), or
    holding nineteen's empty tables (adopted)."""
    with scratch_database(admin_dsn, "uninstalled", layout=None) as dsn:
        if layout == "adopted":
            nineteen.create_tables(dsn)
        yield dsn


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


# -- a fresh install from the current schema, and the migrations -----------------------------------

SCHEMA_BEHIND = (
    "db/schema/ and db/migrations/ build different databases: a migration changed something the schema "
    "files do not say (or the reverse). Make the same change in db/schema/ (docs/contributing.md, "
    "'Changing a table').\n"
)
SCHEMA_AND_MIGRATIONS = ("installed from db/schema/", "installed replaying db/migrations/")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_fresh_install_from_the_schema_ends_like_one_replaying_every_migration(
    admin_dsn: str, layout: str
) -> None:
    with uninstalled(admin_dsn, layout) as fresh_dsn, uninstalled(admin_dsn, layout) as replayed_dsn:
        fresh = migrate(fresh_dsn)
        replayed = migrate(replayed_dsn, replay_migrations=True)
        assert fresh.schema_applied == (
            ["20_contender_rank.sql"]
            if layout == "adopted"
            else ["10_validator_tables.sql", "20_contender_rank.sql"]
        )
        assert fresh.migrations_applied == [] and replayed.schema_applied == []
        # every migration of the layout recorded on the one, applied on the other
        assert fresh.migrations_recorded == replayed.migrations_applied == layout_migrations(layout)
        difference = catalog_difference(fresh_dsn, replayed_dsn, SCHEMA_AND_MIGRATIONS)
        assert not difference, SCHEMA_BEHIND + difference
        # and either is up to date for the next migrate
        for dsn in (fresh_dsn, replayed_dsn):
            again = migrate(dsn)
            assert again.migrations_applied == [] and again.schema_applied == [] and not again.state_rebuilt


def test_a_migration_the_schema_lacks_is_named_and_an_upgrade_applies_only_new_migrations(
    admin_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sql_copy = tmp_path / "db"
    shutil.copytree(sql_dir(), sql_copy)
    monkeypatch.setenv("CONTENDER_RANK_SQL_DIR", str(sql_copy))
    with (
        uninstalled(admin_dsn, "standalone") as installed_dsn,
        uninstalled(admin_dsn, "standalone") as fresh_dsn,
        uninstalled(admin_dsn, "standalone") as replayed_dsn,
    ):
        migrate(installed_dsn)
        # the next release adds a migration, and forgets to say it in db/schema/
        (sql_copy / "migrations" / "0999_add_ranking_note.sql").write_text(
            "ALTER TABLE public.ranking_config ADD COLUMN note text NOT NULL DEFAULT 'tuned by hand';\n"
        )
        upgraded = migrate(installed_dsn)
        assert upgraded.migrations_applied == ["0999_add_ranking_note"]  # the recorded ones are not replayed
        assert migrate(fresh_dsn).migrations_recorded[-1] == "0999_add_ranking_note"
        migrate(replayed_dsn, replay_migrations=True)
        difference = catalog_difference(fresh_dsn, replayed_dsn, SCHEMA_AND_MIGRATIONS)
        assert "+    note text DEFAULT 'tuned by hand'::text NOT NULL" in difference
        assert '"note": "tuned by hand"' in difference  # the row of ranking_config, too
        assert catalog_difference(installed_dsn, replayed_dsn) == ""


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


# the previous release's own code, whose package still held the scenario (there was no lab yet)
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
    since_01 = [stem for stem in layout_migrations("standalone") if int(stem[:4]) > 5]
    assert "0006_drop_v1_state" in since_01 and "0008_create_internal_state" in since_01
    assert result.migrations_applied == since_01 and result.schema_applied == []

    # the same rankings as the release computed, from the state rebuilt out of the same history
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        for task, rows in before["rankings"].items():
            after = api.rank_contenders(conn, task, top_x=100, as_of=datetime.fromisoformat(before["as_of"]))
            assert [r.contender_id for r in after] == [row[0] for row in rows]
            for r, (_, own, similar, value) in zip(after, rows, strict=True):
                assert (r.own_metric, r.similar_metric) == pytest.approx((own, similar), rel=1e-12, abs=1e-12)
                assert r.rank_value == pytest.approx(value, rel=1e-12, abs=1e-12)

    # and the same catalog as a database that was never on the previous release, installed from the
    # current schema or by every migration
    for replay in (False, True):
        with uninstalled(admin_dsn, "standalone") as fresh_dsn:
            migrate(fresh_dsn, replay_migrations=replay)
            how = SCHEMA_AND_MIGRATIONS[replay]
            difference = catalog_difference(
                empty_dsn, fresh_dsn, (f"upgraded from {PREVIOUS_RELEASE[0]}", how), rows=False
            )
            assert not difference, f"an upgrade and a fresh install differ:\n{difference}"


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


def test_a_standalone_install_as_the_owner_without_createrole() -> None:
    """A first standalone installation needs no CREATEROLE either (in a cluster of its own, without the
    roles): the current schema creates no role (release 0.1's 0002 did; it is recorded, not run), so
    migrate skips the roles, says which, and everything works for the owner."""
    with EmbeddedPostgres() as cluster, psycopg.connect(cluster.dsn(), autocommit=True) as admin:
        admin.execute("CREATE ROLE validator LOGIN NOCREATEROLE NOCREATEDB PASSWORD 'validator'")
        admin.execute("CREATE DATABASE validator_db OWNER validator")
        owner_dsn = make_conninfo(cluster.dsn("validator_db"), user="validator", password="validator")

        result = migrate(owner_dsn)
        assert result.layout == "standalone" and "0002_create_roles" in result.migrations_recorded
        assert result.roles_created == [] and result.roles_missing == list(ROLES)
        with psycopg.connect(owner_dsn, autocommit=True) as owner:
            assert owner.execute(
                "SELECT count(*) FROM pg_roles WHERE rolname = ANY (%(roles)s)", {"roles": list(ROLES)}
            ).fetchone() == (0,)
            owner.execute(
                "INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid) VALUES ('n', 19, 1, 'k')"
            )
            owner.execute(
                "INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity, "
                "total_requests_made) VALUES ('n-t', 'n', 1, 19, 't', 10, 4)"
            )
            assert owner.execute("SELECT close_period()").fetchone() == (1,)
            assert [r.contender_id for r in api.rank_contenders(owner, "t", top_x=10)] == ["n-t"]
