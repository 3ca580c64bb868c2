"""A throwaway PostgreSQL cluster from the installed server binaries.

Used when no DATABASE_URL is given: by ``run_test.sh`` (through ``python -m
contender_rank_lab.embedded -- COMMAND``), by ``demo``, ``bench`` and ``simulate``. The cluster
lives in a temporary directory, listens on a free loopback port, and is stopped and removed
on exit. PostgreSQL refuses to run as root, so when we are root the server runs as the
``postgres`` user.
"""

from __future__ import annotations

import argparse
import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from contender_rank.arguments import CliError

SERVER_USER = "postgres"


class EmbeddedPostgresError(CliError, RuntimeError):
    """The throwaway cluster could not be created or started."""


def find_bin_dir() -> Path:
    """Directory holding initdb/pg_ctl: $CONTENDER_RANK_PG_BIN, the newest
    /usr/lib/postgresql/*/bin, or wherever initdb is on PATH."""
    candidates: list[str] = []
    if os.environ.get("CONTENDER_RANK_PG_BIN"):
        candidates.append(os.environ["CONTENDER_RANK_PG_BIN"])
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise EmbeddedPostgresError(
        "no PostgreSQL server binaries found (looked for initdb in $CONTENDER_RANK_PG_BIN, "
        "/usr/lib/postgresql/*/bin and PATH); install PostgreSQL or set DATABASE_URL"
    )


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedPostgres:
    """A PostgreSQL cluster that exists only while this object is open.

    >>> with EmbeddedPostgres() as pg:
    ...     psycopg.connect(pg.dsn())
    """

    def __init__(self, settings: dict[str, str] | None = None, bin_dir: Path | None = None):
        self.bin_dir = bin_dir or find_bin_dir()
        self.settings = {
            "listen_addresses": "127.0.0.1",
            "max_connections": "100",
            "shared_buffers": "256MB",
            # streaming replicas of this cluster are possible (the hot standby test)
            "wal_level": "replica",
            "max_wal_senders": "4",
            **(settings or {}),
        }
        self.root: Path | None = None
        self.port: int | None = None
        self._as_server_user = os.geteuid() == 0

    # -- paths -------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "cluster not started"
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.root is not None, "cluster not started"
        return self.root

    def dsn(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    # -- lifecycle ---------------------------------------------------------------------
    def run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a server binary (initdb, pg_ctl, pg_basebackup, ...) as the server user."""
        command = [str(self.bin_dir / str(args[0])), *map(str, args[1:])]
        if self._as_server_user:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise EmbeddedPostgresError(
                f"{Path(command[-len(args)]).name} failed ({result.returncode}): {result.stderr.strip()}"
            )
        return result

    def start(self) -> EmbeddedPostgres:
        self.root = Path(tempfile.mkdtemp(prefix="contender-rank-pg-"))
        if self._as_server_user:
            uid = pwd.getpwnam(SERVER_USER).pw_uid
            gid = pwd.getpwnam(SERVER_USER).pw_gid
            os.chown(self.root, uid, gid)
        atexit.register(self.stop)
        self.run(
            "initdb",
            "-D",
            self.data_dir,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        for attempt in range(5):
            self.port = free_port()
            options = " ".join(f"-c {key}={value}" for key, value in self.settings.items())
            result = self.run(
                "pg_ctl",
                "-D",
                self.data_dir,
                "-w",
                "-t",
                "60",
                "-l",
                self.root / "server.log",
                "-o",
                f"-p {self.port} -k {self.socket_dir} {options}",
                "start",
                check=False,
            )
            if result.returncode == 0:
                return self
            time.sleep(0.2 * (attempt + 1))  # most likely the port was taken meanwhile
        raise EmbeddedPostgresError(f"could not start PostgreSQL: {self.log_tail()}")

    def restart(self, mode: str = "fast") -> None:
        # -l: without it the new server writes to pg_ctl's stdout, our pipe, and run() never returns
        assert self.root is not None, "cluster not started"
        self.run(
            "pg_ctl",
            "-D",
            self.data_dir,
            "-w",
            "-t",
            "60",
            "-m",
            mode,
            "-l",
            self.root / "server.log",
            "restart",
        )

    def log_tail(self, lines: int = 20) -> str:
        log = (self.root / "server.log") if self.root else None
        if log and log.exists():
            return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        return "(no server log)"

    def stop(self) -> None:
        if self.root is None:
            return
        root, self.root = self.root, None
        if (root / "data" / "postmaster.pid").exists():
            command = [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(root / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ]
            if self._as_server_user:
                command = ["runuser", "-u", SERVER_USER, "--", *command]
            subprocess.run(command, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)

    def __enter__(self) -> EmbeddedPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def exit_on_signal(signum: int, _frame: object) -> None:
    """A SIGTERM handler that unwinds through the context managers, so a throwaway cluster is stopped
    and removed."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m contender_rank_lab.embedded",
        description="Run COMMAND with DATABASE_URL pointing at a throwaway PostgreSQL, removed afterwards.",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run (after --)")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a COMMAND to run, e.g. -- pytest")
    signal.signal(signal.SIGTERM, exit_on_signal)
    try:
        with EmbeddedPostgres() as pg:
            env = {
                **os.environ,
                "DATABASE_URL": pg.dsn(),
                "CONTENDER_RANK_EMBEDDED_DATA": str(pg.data_dir),
                "CONTENDER_RANK_PG_BIN": str(pg.bin_dir),
            }
            return subprocess.call(command, env=env)
    except EmbeddedPostgresError as error:
        print(f"contender-rank: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
