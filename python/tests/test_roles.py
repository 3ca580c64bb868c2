"""The three roles, used as a validator uses them: login roles made members of ranking_reader (the query
node), ranking_writer (the control node) and ranking_admin (DBAs). The chain (admin has what the writer
has, the writer what the reader has) comes from migrate or from the hint it prints, and a later migrate
with CREATEROLE repairs it; the CLI's read commands work for a reader member.

Roles belong to the whole cluster: the tests that create, revoke and repair them run in a cluster of
their own; the CLI test only adds login roles of its own to the shared one."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from contender_rank import api
from contender_rank.cli import main
from contender_rank.commands import migrate_report
from contender_rank.schema import ROLES, migrate, roles_sql
from contender_rank_lab import nineteen
from contender_rank_lab.embedded import EmbeddedPostgres
from contender_rank_lab.scenario import NEW_TASK, seed_scenario
from nineteen_world import CONTENDERS, TASKS, nineteen_world


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


@pytest.fixture
def cluster() -> Iterator[tuple[EmbeddedPostgres, psycopg.Connection, str]]:
    """A cluster of its own with a nineteen database owned by `validator` (no CREATEROLE): the
    superuser's connection and the owner's DSN."""
    with EmbeddedPostgres() as server, psycopg.connect(server.dsn(), autocommit=True) as admin:
        admin.execute("CREATE ROLE validator LOGIN NOCREATEROLE NOCREATEDB")
        admin.execute("CREATE DATABASE validator_db OWNER validator")
        owner_dsn = server.dsn("validator_db", user="validator")
        nineteen.create_tables(owner_dsn)
        yield server, admin, owner_dsn


def login_member(admin: psycopg.Connection, name: str, group: str) -> None:
    admin.execute(
        sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(sql.Identifier(name), sql.Identifier(group))
    )


def test_the_hint_creates_the_roles_with_their_chain(
    cluster: tuple[EmbeddedPostgres, psycopg.Connection, str],
) -> None:
    server, admin, owner_dsn = cluster
    first = migrate(owner_dsn)
    assert first.roles_missing == list(ROLES)
    hint = roles_sql(first.roles_missing)
    assert any(hint in line for line in migrate_report(first)), "migrate prints the statements to run"
    nineteen_world(owner_dsn)

    admin.execute(hint)  # what the superuser runs, verbatim
    again = migrate(owner_dsn)
    assert again.roles_missing == [] and again.role_links_missing == [] and again.role_links_granted == []
    login_member(admin, "query_node", "ranking_reader")
    login_member(admin, "control_node", "ranking_writer")
    login_member(admin, "dba", "ranking_admin")

    for member in ("query_node", "control_node", "dba"):
        with psycopg.connect(make_conninfo(owner_dsn, user=member), autocommit=True) as conn:
            ranked = api.rank_contenders(conn, TASKS[0], top_x=10)
            assert sorted(r.node_hotkey for r in ranked) == ["hotkey-1", "hotkey-2"], member
            assert api.record_requests(conn, CONTENDERS[0].contender_id), member
    with psycopg.connect(make_conninfo(owner_dsn, user="dba"), autocommit=True) as conn:
        assert api.verify_state(conn).exact, "the admin runs verify"
        assert api.repair_state(conn, force=True).after.exact, "and its repair"
        api.set_similarity(conn, TASKS[1], TASKS[0], 0.5)
    with psycopg.connect(make_conninfo(owner_dsn, user="control_node"), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            api.verify_state(conn)
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            api.set_similarity(conn, TASKS[1], TASKS[0], 0.1)


def test_a_later_migrate_with_createrole_repairs_a_broken_chain(
    cluster: tuple[EmbeddedPostgres, psycopg.Connection, str],
) -> None:
    server, admin, owner_dsn = cluster
    admin.execute("ALTER ROLE validator CREATEROLE")
    assert migrate(owner_dsn).roles_created == list(ROLES)
    nineteen_world(owner_dsn)
    login_member(admin, "control_node", "ranking_writer")
    writer_dsn = make_conninfo(owner_dsn, user="control_node")
    with psycopg.connect(writer_dsn, autocommit=True) as conn:
        assert api.rank_contenders(conn, TASKS[0]), "migrate created the chain"

    admin.execute("REVOKE ranking_reader FROM ranking_writer")
    with (
        psycopg.connect(writer_dsn, autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        api.rank_contenders(conn, TASKS[0])

    # without CREATEROLE migrate cannot mend it: it says what is missing and who can add it
    admin.execute("ALTER ROLE validator NOCREATEROLE")
    unable = migrate(owner_dsn)
    assert (
        unable.role_links_missing == ["GRANT ranking_reader TO ranking_writer"]
        and not unable.role_links_granted
    )
    assert any(
        line.startswith("role chain broken: GRANT ranking_reader TO ranking_writer")
        for line in migrate_report(unable)
    )
    with (
        psycopg.connect(writer_dsn, autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        api.rank_contenders(conn, TASKS[0])

    admin.execute("ALTER ROLE validator CREATEROLE")
    mended = migrate(owner_dsn)
    assert (
        mended.role_links_granted == ["GRANT ranking_reader TO ranking_writer"] and mended.roles_created == []
    )
    assert any("role chain repaired" in line for line in migrate_report(mended))
    with psycopg.connect(writer_dsn, autocommit=True) as conn:
        assert [r.node_hotkey for r in api.rank_contenders(conn, TASKS[0], top_x=10)] == [
            "hotkey-1",
            "hotkey-2",
        ]
    assert migrate(owner_dsn).role_links_granted == [], "and nothing more to mend next time"


@pytest.mark.parametrize("layout", ["standalone", "adopted"])
def test_the_cli_read_commands_work_for_a_reader_member(
    capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest, admin_dsn: str, layout: str
) -> None:
    dsn = request.getfixturevalue("dsn" if layout == "standalone" else "adopted_dsn")
    if layout == "standalone":
        with psycopg.connect(dsn, autocommit=True) as conn:
            seed_scenario(conn)
        task = NEW_TASK
    else:
        nineteen_world(dsn)
        task = TASKS[0]
    reader, admin_member = f"reader_{uuid.uuid4().hex[:8]}", f"dba_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        login_member(admin, reader, "ranking_reader")
        login_member(admin, admin_member, "ranking_admin")
        try:
            reader_dsn = make_conninfo(dsn, user=reader)
            # each of them failed before with "permission denied for schema contender_rank"
            for command in (
                ["status"],
                ["status", "--json"],
                ["rank", task],
                ["rank", task, "--json"],
                ["explain", task],
                ["config", "show"],
                ["config", "show", "--json"],
                ["similarity", "list"],
                ["similarity", "list", "--json"],
            ):
                result = cli(capsys, "--dsn", reader_dsn, *command)
                assert result.returncode == 0 and result.stderr == "", (command, result.stderr)
            refused = cli(capsys, "--dsn", reader_dsn, "verify")
            assert refused.returncode == 2 and "verify needs ranking_admin" in refused.stderr
            assert len(refused.stderr.strip().splitlines()) == 1
            refused = cli(capsys, "--dsn", reader_dsn, "config", "set", "--history-weight", "1")
            assert refused.returncode == 2 and "permission denied" in refused.stderr
            result = cli(capsys, "--dsn", make_conninfo(dsn, user=admin_member), "verify")
            assert result.returncode == 0 and result.stdout.startswith("exact:"), result
        finally:
            for role in (reader, admin_member):
                admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
