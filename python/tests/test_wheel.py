"""The built wheel carries the SQL, so a query node that pip-installs the package can migrate its
database without this repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_wheel_ships_every_migration_function_and_the_privileges(tmp_path: Path) -> None:
    db = REPOSITORY / "db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            "--wheel-dir",
            str(tmp_path),
            str(REPOSITORY),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = tmp_path.glob("contender_rank-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    shipped = [
        *(db / "schema").glob("*.sql"),
        *(db / "migrations").glob("*.sql"),
        *(db / "functions").rglob("*.sql"),
        db / "privileges.sql",
        db / "privileges_standalone.sql",
        db / "roles.sql",
    ]
    expected = {f"contender_rank/sql/{path.relative_to(db)}" for path in shipped}
    assert len(expected) > 20
    assert expected <= names, sorted(expected - names)
    # the packaged copy is what an installed package migrates from: byte for byte the repository's
    with zipfile.ZipFile(wheel) as archive:
        for path in shipped:
            assert archive.read(f"contender_rank/sql/{path.relative_to(db)}") == path.read_bytes(), path
    # and the statements the package sends, which live beside its modules
    assert {
        "contender_rank/queries.sql",
        "contender_rank/nineteen/schema.sql",
        "contender_rank/nineteen/statements.sql",
    } <= names
