"""The built wheels: the product's carries the SQL, so a query node that pip-installs the package can
migrate its database without this repository, and nothing of the lab (no simulator, benchmark or
demo, no asyncpg or matplotlib); the lab's carries its own statements."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def build_wheel(project: Path, into: Path) -> Path:
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
            str(into),
            str(project),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = into.glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def product_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(REPOSITORY, tmp_path_factory.mktemp("product"))


def metadata(wheel: Path) -> tuple[set[str], list[str]]:
    """The wheel's file names and its Requires-Dist lines."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (meta,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(meta).decode())
    return names, message.get_all("Requires-Dist") or []


def test_wheel_ships_every_migration_function_and_the_privileges(product_wheel: Path) -> None:
    db = REPOSITORY / "db"
    wheel = product_wheel
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
    assert "contender_rank/queries.sql" in names


def test_the_product_wheel_holds_no_lab(product_wheel: Path) -> None:
    names, requires = metadata(product_wheel)
    code = {name for name in names if name.endswith(".py")}
    assert "contender_rank/api.py" in code and "contender_rank/cli.py" in code
    lab = sorted(name for name in names if not name.startswith(("contender_rank/", "contender_rank-")))
    assert not lab, lab
    for word in ("simulat", "bench", "demo", "scenario", "nineteen", "embedded"):
        assert not [name for name in code if word in name], (word, sorted(code))
    # the runtime requirements: the three the product needs, none of the lab's
    plain = [line for line in requires if "extra ==" not in line]
    assert sorted(re.match(r"[A-Za-z0-9._-]+", line).group(0) for line in plain) == [
        "psycopg",
        "psycopg-pool",
        "yoyo-migrations",
    ]
    assert not [line for line in requires if "asyncpg" in line or "matplotlib" in line], requires


def test_the_lab_wheel_holds_the_lab_and_its_statements(tmp_path: Path) -> None:
    names, requires = metadata(build_wheel(REPOSITORY / "lab", tmp_path))
    assert {
        "contender_rank_lab/demo.py",
        "contender_rank_lab/simulate.py",
        "contender_rank_lab/bench_command.py",
        "contender_rank_lab/nineteen/schema.sql",
        "contender_rank_lab/nineteen/statements.sql",
        "contender_rank_lab/bench_sql/ranking.sql",
    } <= names
    assert not [name for name in names if name.startswith("contender_rank/")]
    assert {line.split(">")[0].split("=")[0] for line in requires} >= {
        "contender-rank",
        "asyncpg",
        "matplotlib",
    }
    entry_points = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
    assert entry_points, "the lab's commands reach contender-rank through its entry points"
