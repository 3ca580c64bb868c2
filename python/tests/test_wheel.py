"""The built wheel carries the SQL, so a query node that pip-installs the package can migrate its
database without this repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_wheel_ships_every_migration_function_and_the_privileges(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check",
         "--wheel-dir", str(tmp_path), str(REPOSITORY)],
        check=True, capture_output=True, text=True,
    )
    (wheel,) = tmp_path.glob("contender_rank-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {f"contender_rank/sql/migrations/{path.name}" for path in (REPOSITORY / "db/migrations").glob("*.sql")}
    expected |= {f"contender_rank/sql/functions/{path.name}" for path in (REPOSITORY / "db/functions").glob("*.sql")}
    expected.add("contender_rank/sql/privileges.sql")
    assert len(expected) > 30
    assert expected <= names, sorted(expected - names)
    # the packaged copy is what an installed package migrates from: byte for byte the repository's
    with zipfile.ZipFile(wheel) as archive:
        packaged = archive.read("contender_rank/sql/functions/rank_contenders.sql")
    assert packaged == (REPOSITORY / "db/functions/rank_contenders.sql").read_bytes()
