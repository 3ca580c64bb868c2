"""The Docker path, checked without a Docker engine: the compose files wire the services as the
scripts expect (db with pgTAP, one-shot migrate, demo, tests; the validator's example), the images
build from Debian packages on a base image given as a build argument, layered so that a code change
rebuilds only the last layers, and the scripts choose the compose command and refuse to run without
an engine. The real proof, building and running, is scripts/docker_smoke.sh (CI) and
USE_DOCKER=1 ./run_test.sh."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

REPOSITORY = Path(__file__).resolve().parents[2]
BASE_IMAGE = "contender-rank/debian:bookworm"
DOCKER_SCRIPTS = sorted((REPOSITORY / "scripts").glob("docker_*.sh"))


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), path
    return document


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return load(REPOSITORY / "docker-compose.yml")["services"]


@pytest.fixture(scope="module")
def validator() -> dict[str, Any]:
    return load(REPOSITORY / "docker" / "compose.validator.yml")


def interpolate(value: str) -> str:
    """${NAME:-default} with NAME unset, as both compose versions resolve it."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def build_of(compose_file: Path, service: dict[str, Any]) -> tuple[Path, Path]:
    """(context, Dockerfile) of a service that builds its image."""
    build = service["build"]
    context = (compose_file.parent / build["context"]).resolve()
    return context, context / build.get("dockerfile", "Dockerfile")


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines = [line for line in dockerfile.read_text().splitlines() if not line.lstrip().startswith("#")]
    result = []
    for line in "\n".join(lines).replace("\\\n", " ").splitlines():
        line = line.strip()
        if line:
            keyword, _, arguments = line.partition(" ")
            result.append((keyword.upper(), " ".join(arguments.split())))
    return result


def environment(service: dict[str, Any]) -> dict[str, str]:
    return {key: interpolate(str(value)) for key, value in service.get("environment", {}).items()}


def every_build() -> list[tuple[Path, str]]:
    builds = []
    for compose_file in (REPOSITORY / "docker-compose.yml", REPOSITORY / "docker" / "compose.validator.yml"):
        for name, service in load(compose_file)["services"].items():
            if "build" in service:
                builds.append((compose_file, name))
    return builds


# -- docker-compose.yml ----------------------------------------------------------------------------


def test_one_file_for_both_compose_versions(services: dict[str, Any]) -> None:
    document = load(REPOSITORY / "docker-compose.yml")
    # the Compose Specification: compose 1.29 reads it when there is no `version`, v2 always
    assert "version" not in document
    assert set(services) == {"db", "migrate", "demo", "tests"}
    # `up` starts db, migrate and the demo; the tests service only when asked for
    assert services["tests"]["profiles"] == ["test"]
    assert all("profiles" not in services[name] for name in ("db", "migrate", "demo"))


@pytest.mark.parametrize(
    ("compose_file", "name"), every_build(), ids=lambda value: getattr(value, "name", value)
)
def test_every_build_uses_the_host_network_and_the_base_image_argument(compose_file: Path, name: str) -> None:
    service = load(compose_file)["services"][name]
    # containers on a bridge network may not reach Debian's or PyPI's servers; the host does
    assert service["build"]["network"] == "host"
    assert interpolate(service["build"]["args"]["BASE_IMAGE"]) == BASE_IMAGE
    _, dockerfile = build_of(compose_file, service)
    steps = instructions(dockerfile)
    assert steps[0] == ("ARG", f"BASE_IMAGE={BASE_IMAGE}")
    assert steps[1] == ("FROM", "${BASE_IMAGE}")
    assert [arguments for keyword, arguments in steps if keyword == "FROM"] == ["${BASE_IMAGE}"]


def test_the_scripts_make_the_base_image_the_dockerfiles_name() -> None:
    library = (REPOSITORY / "scripts" / "docker_lib.sh").read_text()
    assert f'CONTENDER_RANK_BASE_IMAGE="${{CONTENDER_RANK_BASE_IMAGE:-{BASE_IMAGE}}}"' in library


def test_db_is_postgresql_15_with_pgtap_from_debian_healthy_over_tcp(services: dict[str, Any]) -> None:
    _, dockerfile = build_of(REPOSITORY / "docker-compose.yml", services["db"])
    steps = instructions(dockerfile)
    assert ("ENV", "PG_MAJOR=15") in steps
    installed = " ".join(arguments for keyword, arguments in steps if keyword == "RUN")
    assert '"postgresql-${PG_MAJOR}" "postgresql-${PG_MAJOR}-pgtap"' in installed
    test = services["db"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "pg_isready"] and test[test.index("-h") + 1] == "127.0.0.1"


@pytest.mark.parametrize("name", ["migrate", "demo", "tests"])
def test_clients_reach_db_with_its_credentials_once_it_is_healthy(
    services: dict[str, Any], name: str
) -> None:
    db_env = environment(services["db"])
    url = urlsplit(environment(services[name])["DATABASE_URL"])
    assert (url.hostname, url.port) == ("db", 5432)
    assert (url.username, url.password) == (db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"])
    assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_migrate_and_demo_run_the_package_image(services: dict[str, Any]) -> None:
    for name, command in (("migrate", ["migrate"]), ("demo", ["demo"])):
        assert services[name]["image"] == "contender-rank:latest"
        assert services[name]["command"] == command
        context, dockerfile = build_of(REPOSITORY / "docker-compose.yml", services[name])
        assert (context, dockerfile) == (REPOSITORY, REPOSITORY / "Dockerfile")
    assert environment(services["migrate"])["DATABASE_URL"].endswith(
        "/" + environment(services["db"])["POSTGRES_DB"]
    )
    steps = dict(instructions(REPOSITORY / "Dockerfile"))
    assert steps["ENTRYPOINT"] == '["contender-rank"]'


def test_tests_service_runs_the_whole_suite_with_its_tools(services: dict[str, Any]) -> None:
    _, dockerfile = build_of(REPOSITORY / "docker-compose.yml", services["tests"])
    steps = instructions(dockerfile)
    installed = " ".join(arguments for keyword, arguments in steps if keyword == "RUN")
    for package in (
        '"postgresql-${PG_MAJOR}"',
        '"postgresql-${PG_MAJOR}-pgtap"',
        "libtap-parser-sourcehandler-pgtap-perl",
        "python3-venv",
        "git",
    ):
        assert package in installed.split()
    assert "requirements.py /tmp/deps/pyproject.toml test" in installed
    assert "/app/.venv/bin/pip install --no-deps --no-build-isolation -e '.[test]'" in installed
    assert services["tests"]["command"] == ["./run_test.sh"]
    # only the variables the shell sets are passed on: an empty one would break int() in the suite
    for variable in ("CI", "CONTENDER_RANK_LOAD_SECONDS", "CONTENDER_RANK_PROPERTY_EXAMPLES"):
        assert services["tests"]["environment"][variable] is None


# -- the images ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "docker/tests/Dockerfile"])
def test_dependencies_come_before_the_code(dockerfile: str) -> None:
    steps = instructions(REPOSITORY / dockerfile)
    copies = [index for index, (keyword, _) in enumerate(steps) if keyword == "COPY"]
    # the first COPY brings only what lists the dependencies, and they are installed from it
    assert steps[copies[0]][1].split()[:-1] == ["pyproject.toml", "docker/requirements.py"]
    install = next(
        i
        for i, (keyword, arguments) in enumerate(steps)
        if keyword == "RUN" and "pip install -r" in arguments
    )
    assert copies[0] < install < copies[1]
    # after the code is copied in, one RUN installs it, without reinstalling the dependencies
    code_runs = [arguments for keyword, arguments in steps[copies[1] :] if keyword == "RUN"]
    assert len(code_runs) == 1 and "--no-deps" in code_runs[0]


def test_db_and_tests_images_share_their_postgresql_layer() -> None:
    """The same instructions up to the PostgreSQL install: the second image reuses the first's layer."""
    db = instructions(REPOSITORY / "docker/postgres/Dockerfile")
    tests = instructions(REPOSITORY / "docker/tests/Dockerfile")
    shared = next(
        i for i, (keyword, arguments) in enumerate(db) if keyword == "RUN" and "apt-get install" in arguments
    )
    assert db[: shared + 1] == tests[: shared + 1]
    assert '"postgresql-${PG_MAJOR}-pgtap"' in db[shared][1]


@pytest.mark.parametrize(
    "dockerfile", ["Dockerfile", "docker/postgres/Dockerfile", "docker/tests/Dockerfile"]
)
def test_apt_installs_are_small(dockerfile: str) -> None:
    runs = [arguments for keyword, arguments in instructions(REPOSITORY / dockerfile) if keyword == "RUN"]
    apt = [run for run in runs if "apt-get install" in run]
    assert apt
    for run in apt:
        assert "--no-install-recommends" in run
        assert (
            run.index("apt-get update")
            < run.index("apt-get install")
            < run.index("rm -rf /var/lib/apt/lists/*")
        )


def test_every_copied_path_exists_and_a_local_venv_stays_out() -> None:
    for compose_file, name in every_build():
        context, dockerfile = build_of(compose_file, load(compose_file)["services"][name])
        assert dockerfile.is_file(), dockerfile
        for keyword, arguments in instructions(dockerfile):
            if keyword == "COPY":
                for source in shlex.split(arguments)[:-1]:
                    if "*" not in source:
                        assert (context / source).exists(), f"{dockerfile}: COPY {source}"
    ignored = (REPOSITORY / ".dockerignore").read_text().split()
    # a host's .venv would shadow the image's /app/.venv; .git comes along (the tests read history)
    assert ".venv" in ignored and ".git" not in ignored


def test_requirements_are_read_from_pyproject() -> None:
    spec = importlib.util.spec_from_file_location(
        "docker_requirements", REPOSITORY / "docker" / "requirements.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import tomllib

    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    pyproject = REPOSITORY / "pyproject.toml"
    assert module.requirements(pyproject, []) == project["dependencies"]
    assert (
        module.requirements(pyproject, ["test"])
        == project["dependencies"] + project["optional-dependencies"]["test"]
    )
    with pytest.raises(SystemExit, match="no optional-dependencies named nonsense"):
        module.requirements(pyproject, ["nonsense"])


# -- the validator's compose example ---------------------------------------------------------------


def test_validator_example_migrates_nineteens_database_once_it_is_healthy(validator: dict[str, Any]) -> None:
    assert "version" not in validator
    services = validator["services"]
    assert set(services) == {"postgresql", "contender_rank_migrate"}
    database, migrate = services["postgresql"], services["contender_rank_migrate"]
    assert (
        "../lab/contender_rank_lab/nineteen/schema.sql:/docker-entrypoint-initdb.d/10-nineteen-schema.sql:ro"
        in (database["volumes"])
    )
    assert (REPOSITORY / "lab/contender_rank_lab/nineteen/schema.sql").is_file()
    assert migrate["image"] == "contender-rank:latest" and migrate["command"] == ["migrate"]
    assert build_of(REPOSITORY / "docker" / "compose.validator.yml", migrate)[1] == REPOSITORY / "Dockerfile"
    assert migrate["depends_on"] == {"postgresql": {"condition": "service_healthy"}}
    assert "restart" not in migrate  # one-shot
    db_env = environment(database)
    url = urlsplit(environment(migrate)["DATABASE_URL"])
    assert (url.hostname, url.port, url.path) == ("postgresql", 5432, "/" + db_env["POSTGRES_DB"])
    assert (url.username, url.password) == (db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"])
    assert database["networks"] == migrate["networks"] == ["postgres_network"]


def test_the_docs_snippet_for_nineteens_compose_file_is_the_example_service(
    validator: dict[str, Any],
) -> None:
    docs = (REPOSITORY / "docs" / "docker.md").read_text()
    (block,) = re.findall(r"<!-- nineteen-snippet -->\n```yaml\n(.*?)```", docs, flags=re.DOTALL)
    snippet = yaml.safe_load(block)["services"]["contender_rank_migrate"]
    example = validator["services"]["contender_rank_migrate"]
    for key in ("image", "command", "networks"):
        assert snippet[key] == example[key]
    assert snippet["environment"]["DATABASE_URL"] == (
        "postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgresql:5432/${POSTGRES_DB}"
    )
    # in nineteen's file the tables exist only once dbmate has run its migrations
    assert snippet["depends_on"] == {
        "postgresql": {"condition": "service_healthy"},
        "dbmate": {"condition": "service_completed_successfully"},
    }


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
