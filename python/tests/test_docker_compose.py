"""The docker path, checked without a Docker engine: the compose file parses, names and wires the
services (PostgreSQL with pgTAP, schema migration, test runner), and every image it builds copies
only files that exist."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load((REPOSITORY / "docker-compose.yml").read_text())
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def build_of(service: dict[str, Any]) -> tuple[Path, Path]:
    """(context, Dockerfile) of a service that builds its image."""
    build = service["build"]
    if isinstance(build, str):
        build = {"context": build}
    context = REPOSITORY / build.get("context", ".")
    return context, context / build.get("dockerfile", "Dockerfile")


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = dockerfile.read_text().replace("\\\n", " ")
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            result.append((keyword.upper(), arguments.strip()))
    return result


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def test_names_the_three_services(services: dict[str, Any]) -> None:
    assert {"db", "migrate", "tests"} <= set(services)


def test_db_is_postgresql_15_with_pgtap_and_a_healthcheck(services: dict[str, Any]) -> None:
    _, dockerfile = build_of(services["db"])
    steps = instructions(dockerfile)
    assert ("FROM", "postgres:15") in steps
    assert any(keyword == "RUN" and "pgtap" in arguments for keyword, arguments in steps)
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["migrate", "tests"])
def test_clients_reach_db_with_its_credentials_once_it_is_healthy(
    services: dict[str, Any], name: str
) -> None:
    db_env = environment(services["db"])
    url = urlsplit(environment(services[name])["DATABASE_URL"])
    assert (url.hostname, url.port) == ("db", 5432)
    assert (url.username, url.password) == (db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"])
    assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_migrate_runs_contender_rank_migrate_on_the_package_image(services: dict[str, Any]) -> None:
    _, dockerfile = build_of(services["migrate"])
    steps = dict(instructions(dockerfile))
    assert steps["FROM"].startswith("python:3.11")
    assert "pip install" in steps["RUN"]
    assert "contender-rank" in steps["ENTRYPOINT"]
    assert services["migrate"]["command"] == ["migrate"]
    assert environment(services["migrate"])["DATABASE_URL"].endswith(
        "/" + environment(services["db"])["POSTGRES_DB"]
    )


def test_tests_service_runs_the_suite_with_its_tools(services: dict[str, Any]) -> None:
    _, dockerfile = build_of(services["tests"])
    steps = instructions(dockerfile)
    installed = " ".join(arguments for keyword, arguments in steps if keyword == "RUN")
    for package in ("pgtap", "libtap-parser-sourcehandler-pgtap-perl", "python3"):
        assert package in installed
    assert ".[test]" in installed
    command = services["tests"].get("command") or dict(steps)["CMD"]
    assert "./run_test.sh" in " ".join(command if isinstance(command, list) else shlex.split(command))


def test_run_test_sh_uses_the_tests_service() -> None:
    assert "docker compose run --rm --build tests" in (REPOSITORY / "run_test.sh").read_text()


def test_every_copied_path_exists_and_local_state_is_ignored(services: dict[str, Any]) -> None:
    for service in services.values():
        if "build" not in service:
            continue
        context, dockerfile = build_of(service)
        assert dockerfile.is_file(), dockerfile
        for keyword, arguments in instructions(dockerfile):
            if keyword == "COPY" and "--from" not in arguments:
                for source in shlex.split(arguments)[:-1]:
                    assert (context / source).exists(), f"{dockerfile.name}: COPY {source}"
    ignored = (REPOSITORY / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored
