"""The Docker path's scripts and helpers, run without a Docker engine: the requirements the images
install are read from the two pyproject.toml files, the scripts the docs name exist and are strict,
the scripts choose the compose command and refuse to run without an engine.

What the Dockerfiles and compose files do is not checked here by reading their text: the smoke
(scripts/docker_smoke.sh, run by .ci/run) builds the images and runs them. It asserts that `up`
starts db, migrate and the demo but not the tests service; that db is PostgreSQL 15 with pgTAP,
healthy, and reached by migrate and the demo with its credentials; that the demo's ranking is
./run.sh's; that migrate runs twice; that the product image holds no lab (its `demo` says how to
install the lab; neither the lab nor asyncpg nor matplotlib imports there); and, in the tests image,
pgTAP and this file, test_cli_lab, test_imports and test_wheel against db. USE_DOCKER=1 ./run_test.sh
runs the whole suite there; scripts/docker_validator_example.sh, nineteen's database adopted."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
DOCKER_SCRIPTS = sorted((REPOSITORY / "scripts").glob("docker_*.sh"))


def requirements_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "docker_requirements", REPOSITORY / "docker" / "requirements.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_requirements_are_read_from_pyproject() -> None:
    module = requirements_module()
    pyproject = REPOSITORY / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text())["project"]
    assert module.requirements(pyproject, []) == project["dependencies"]
    assert (
        module.requirements(pyproject, ["test"])
        == project["dependencies"] + project["optional-dependencies"]["test"]
    )
    with pytest.raises(SystemExit, match="no optional-dependencies named nonsense"):
        module.requirements(pyproject, ["nonsense"])


def test_the_lab_s_requirements_leave_out_the_product_it_is_installed_beside() -> None:
    module = requirements_module()
    pyproject = REPOSITORY / "lab" / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    assert any(line.startswith("contender-rank") for line in declared)
    assert module.requirements(pyproject, []) == [
        line for line in declared if not line.startswith("contender-rank")
    ]
    assert {line.split(">")[0] for line in module.requirements(pyproject, [])} >= {"asyncpg", "matplotlib"}
    # a package whose name only starts like ours is somebody else's, and stays
    assert module._name("Contender_Rank.Lab>=1") == "contender-rank-lab"
    assert module._name("contender-rank-tools>=1") == "contender-rank-tools"


# -- the scripts -----------------------------------------------------------------------------------


def test_docs_name_only_scripts_that_exist_and_every_script_is_strict() -> None:
    docs = (REPOSITORY / "docs" / "docker.md").read_text()
    named = set(re.findall(r"scripts/docker_\w+\.sh", docs))
    assert {f"scripts/{path.name}" for path in DOCKER_SCRIPTS if path.name != "docker_lib.sh"} <= named
    assert all((REPOSITORY / path).is_file() for path in named)
    for script in [*DOCKER_SCRIPTS, REPOSITORY / "docker/postgres/docker-entrypoint.sh"]:
        subprocess.run(["bash", "-n", str(script)], check=True)
        if script.name != "docker_lib.sh":
            assert script.stat().st_mode & stat.S_IXUSR, f"{script.name} is not executable"
            assert "set -euo pipefail" in script.read_text() or "set -Eeuo pipefail" in script.read_text()


def fake_bin(tmp_path: Path, programs: dict[str, str]) -> str:
    """A PATH holding stub programs (name -> bash body) and the few system tools the scripts use:
    no real docker or docker-compose, whatever the machine has installed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "cat", "dirname", "env", "grep", "id", "tail"):
        system_tool = shutil.which(tool)
        assert system_tool, tool
        (bin_dir / tool).symlink_to(system_tool)
    for name, body in programs.items():
        program = bin_dir / name
        program.write_text(f"#!{shutil.which('bash')}\n{body}\n")
        program.chmod(0o755)
    return str(bin_dir)


def choose_compose(path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            shutil.which("bash") or "bash",
            "-c",
            'set -euo pipefail; source scripts/docker_lib.sh; find_compose; echo "${COMPOSE[*]}"',
        ],
        cwd=REPOSITORY,
        env={"PATH": path, "HOME": os.environ.get("HOME", "/root")},
        capture_output=True,
        text=True,
        check=False,
    )


def test_scripts_pick_compose_v2_when_the_plugin_answers(tmp_path: Path) -> None:
    path = fake_bin(tmp_path, {"docker": "exit 0", "docker-compose": "exit 0"})
    result = choose_compose(path)
    assert (result.returncode, result.stdout.strip()) == (0, "docker compose")


def test_scripts_pick_docker_compose_1_29_without_the_plugin(tmp_path: Path) -> None:
    no_plugin = (
        '[ "$1" = compose ] && { echo "docker: \'compose\' is not a docker command." >&2; exit 1; }; exit 0'
    )
    path = fake_bin(tmp_path, {"docker": no_plugin, "docker-compose": "exit 0"})
    result = choose_compose(path)
    assert (result.returncode, result.stdout.strip()) == (0, "docker-compose")


def test_scripts_refuse_when_there_is_no_compose_command(tmp_path: Path) -> None:
    path = fake_bin(tmp_path, {"docker": "exit 1"})
    result = choose_compose(path)
    assert result.returncode != 0
    assert "neither 'docker compose' (v2 plugin) nor 'docker-compose' (1.29) is installed" in result.stderr


def test_use_docker_without_an_engine_fails_and_never_runs_the_local_suite(tmp_path: Path) -> None:
    down = "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' >&2; exit 1"
    path = fake_bin(tmp_path, {"docker": down, "docker-compose": "exit 0"})
    result = subprocess.run(
        ["./run_test.sh", "-k", "nothing"],
        cwd=REPOSITORY,
        env={"PATH": path, "HOME": os.environ.get("HOME", "/root"), "USE_DOCKER": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "USE_DOCKER=1: the suite in containers needs a Docker engine" in result.stderr
    assert "Cannot connect to the Docker daemon" in result.stderr
    assert "== pgTAP" not in result.stdout and "== pytest" not in result.stdout
