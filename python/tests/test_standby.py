"""A hot standby serves the ranking: a streaming replica (pg_basebackup -R) of a throwaway
primary answers rank_contenders exactly as the primary does, follows the primary's writes,
and refuses writes itself."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from contender_rank import api
from contender_rank.models import RankedContender
from contender_rank.schema import migrate
from contender_rank_lab.databases import create_database, new_database_name
from contender_rank_lab.embedded import EmbeddedPostgres, EmbeddedPostgresError, free_port
from workload import BUMP, NOW, TASKS, scalar, seed


class Standby:
    """A streaming replica of ``primary``, kept inside the primary's directory and run as its user."""

    def __init__(self, primary: EmbeddedPostgres):
        assert primary.root is not None, "start the primary first"
        self.primary = primary
        self.data_dir: Path = primary.root / "standby"
        self.log: Path = primary.root / "standby.log"
        self.port: int | None = None

    def start(self) -> Standby:
        # -R writes standby.signal and primary_conninfo; -X stream ships the WAL written meanwhile
        self.primary.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary.port),
            "-U",
            "postgres",
            "-D",
            self.data_dir,
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        options = " ".join(f"-c {key}={value}" for key, value in self.primary.settings.items())
        for attempt in range(5):
            self.port = free_port()
            result = self.primary.run(
                "pg_ctl",
                "-D",
                self.data_dir,
                "-w",
                "-t",
                "60",
                "-l",
                self.log,
                "-o",
                f"-p {self.port} -k {self.primary.socket_dir} {options}",
                "start",
                check=False,
            )
            if result.returncode == 0:
                return self
            time.sleep(0.2 * (attempt + 1))  # most likely the port was taken meanwhile
        log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else "(no log)"
        raise EmbeddedPostgresError(f"could not start the standby: {log}")

    def dsn(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self.primary.run("pg_ctl", "-D", self.data_dir, "-m", "immediate", "-w", "stop", check=False)

    def __enter__(self) -> Standby:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for_replay(primary: psycopg.Connection, standby: psycopg.Connection, timeout: float = 30) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    target = scalar(primary, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + timeout
    while not scalar(standby, "SELECT pg_last_wal_replay_lsn() >= %(target)s::pg_lsn", {"target": target}):
        assert time.monotonic() < deadline, f"the standby did not replay up to {target} in {timeout}s"
        time.sleep(0.05)


def rankings(conn: psycopg.Connection) -> dict[tuple[str, str], list[RankedContender]]:
    """Every task's ranking now and as of a moment inside the history (the window fallback)."""
    moments = {"now": NOW, "within history": NOW - timedelta(hours=30)}
    return {
        (task, label): api.rank_contenders(conn, task, 100, at)
        for task in TASKS
        for label, at in moments.items()
    }


@pytest.mark.slow
def test_hot_standby_ranks_like_the_primary_and_refuses_writes() -> None:
    with EmbeddedPostgres(settings={"shared_buffers": "32MB"}) as pg:
        name = new_database_name("standby")
        dsn = create_database(pg.dsn(), name)
        migrate(dsn)
        with psycopg.connect(dsn, autocommit=True) as primary:
            seed(primary)
            for hours in (40, 20, 30, 2):  # late rows too
                primary.execute(
                    "INSERT INTO contenders_history (contender_id, period_score, expired_at)"
                    " SELECT contender_id, 0.25 + length(contender_id) / 100.0, %(at)s FROM contenders",
                    {"at": NOW - timedelta(hours=hours)},
                )

            with Standby(pg) as standby, psycopg.connect(standby.dsn(name), autocommit=True) as replica:
                assert scalar(replica, "SELECT pg_is_in_recovery()") is True
                wait_for_replay(primary, replica)
                before = rankings(primary)
                assert all(before.values()), "every task has contenders to rank"
                assert rankings(replica) == before

                # the standby follows what the primary does next
                primary.execute(BUMP, {"contender_id": before[(TASKS[0], "now")][0].contender_id})
                primary.execute("SELECT close_period(%(at)s)", {"at": NOW - timedelta(minutes=10)})
                primary.execute("UPDATE ranking_config SET decay_factor = 0.8, history_weight = 20")
                wait_for_replay(primary, replica)
                after = rankings(primary)
                assert after != before
                assert rankings(replica) == after

                # contender-rank verify checks the state there too (the repair, a write, is the primary's)
                assert api.verify_state(replica).exact
                primary.execute("UPDATE contender_rank.contender_state SET own_base = own_base + 1")
                wait_for_replay(primary, replica)
                assert not api.verify_state(replica).exact
                with pytest.raises(errors.ReadOnlySqlTransaction):
                    api.repair_state(replica)
                assert api.repair_state(primary).after.exact
                wait_for_replay(primary, replica)

                with pytest.raises(errors.ReadOnlySqlTransaction):
                    replica.execute("SELECT close_period(%(at)s)", {"at": NOW})
                with pytest.raises(errors.ReadOnlySqlTransaction):
                    replica.execute(BUMP, {"contender_id": after[(TASKS[0], "now")][0].contender_id})
                assert rankings(replica) == after
