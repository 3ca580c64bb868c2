#!/usr/bin/env bash
# CI's smoke test of the Docker path (.ci/run calls it after the suite), bounded to
# $CONTENDER_RANK_SMOKE_SECONDS (default 900):
#   the engine: used if one answers, else installed (Debian's docker.io, docker-compose) and
#     started here (scripts/docker_engine.sh), and stopped again at the end by its pid;
#   both compose files validated by the compose command in use;
#   the base image (scripts/docker_base_image.sh) and the db, product, lab and tests images built;
#   `up -d` starts db, migrate and the demo, never the tests service (profile test); db is
#     PostgreSQL 15 with pgTAP available, healthy; migrate run once (exit 0), the demo (exit 0),
#     whose ranking must be ./run.sh's, line for line but for the line saying where it ran; migrate
#     run again (exit 0);
#   the product image is the product alone: its `demo` says the lab is not installed (exit 2), and
#     neither the lab nor asyncpg imports there;
#   pgTAP (every db/tests file, through pg_prove) and a few pytest files in the tests container,
#     against db: they need both packages installed in the image's /app/.venv (the lab's commands
#     registered), and the tests that build the two wheels do so from the image's wheelhouse.
#   --validator: also scripts/docker_validator_example.sh (needs migrate's adoption of nineteen's
#     tables).
# When the engine cannot be installed or started it says why and exits 0: only this part is
# skipped. Any other failure, with an engine up, exits non-zero. Whatever happens, the compose
# project is removed and a dockerd started here is stopped.
set -euo pipefail
# shellcheck source=scripts/docker_lib.sh
source "$(dirname "$0")/docker_lib.sh"
cd "$REPOSITORY_ROOT"

validator=0
case "${1:-}" in
    --validator) validator=1 ;;
    "") ;;
    *) die "usage: $0 [--validator]" ;;
esac

budget="${CONTENDER_RANK_SMOKE_SECONDS:-900}"
deadline=$((SECONDS + budget))
project=contender_rank_smoke
work=$(mktemp -d)
started_engine=0
compose=()

say() { printf '== docker smoke [%4d s] %s\n' "$SECONDS" "$*"; }
# to stderr: also heard from inside $(...), e.g. time_left's
fail() {
    say "FAILED: $*" >&2
    exit 1
}

# Seconds left of the budget; fails when none are.
time_left() {
    local left=$((deadline - SECONDS))
    [ "$left" -gt 0 ] || fail "out of time (the smoke is bounded to $budget s) before: $1"
    echo "$left"
}

# Run a step with what is left of the budget; its output goes to $work/NAME.log, shown on failure.
step() {
    local name=$1
    shift
    local left
    left=$(time_left "$name") || exit 1
    say "$name"
    local status=0
    timeout --kill-after=20 "$left" "$@" >"$work/$name.log" 2>&1 || status=$?
    if [ "$status" != 0 ]; then
        tail -n 40 "$work/$name.log" | sed 's/^/    /'
        [ "$status" = 124 ] && fail "$name: out of time (the smoke is bounded to $budget s)"
        fail "$name: exit status $status"
    fi
}

cleanup() {
    local status=$?
    if [ ${#compose[@]} -gt 0 ]; then
        timeout 120 "${compose[@]}" --profile test down --volumes --remove-orphans >/dev/null 2>&1 \
            || say "could not remove the compose project $project"
    fi
    if [ "$started_engine" = 1 ]; then
        scripts/docker_engine.sh stop || say "could not stop the dockerd started here"
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# --- the engine: the only part whose failure skips the smoke --------------------------------------
if [ -n "$(engine_problem)" ]; then
    say "no engine answers: installing and starting one (scripts/docker_engine.sh start)"
    if ! timeout 600 scripts/docker_engine.sh start >"$work/engine.log" 2>&1; then
        sed 's/^/    /' "$work/engine.log"
        say "SKIPPED: the Docker engine cannot be installed or started here (above); nothing else was tried"
        exit 0
    fi
    started_engine=1
else
    say "using the Docker engine that answers: $(docker info --format '{{.ServerVersion}}')"
    if ! timeout 600 scripts/docker_engine.sh install >"$work/engine.log" 2>&1; then
        sed 's/^/    /' "$work/engine.log"
        say "SKIPPED: no compose command, and it cannot be installed here (above)"
        exit 0
    fi
fi
find_compose
compose=("${COMPOSE[@]}" --project-name "$project" --file docker-compose.yml)
# the tests service is in the profile `test`, which `up` must not start
compose_test=("${compose[@]}" --profile test)
say "engine $(docker info --format '{{.ServerVersion}}'), compose: ${COMPOSE[*]} ($("${COMPOSE[@]}" version --short 2>/dev/null || echo '?'))"

# --- the Docker path ----------------------------------------------------------------------------
step validate-compose-files \
    bash -c '"$@" --file docker-compose.yml config --quiet && "$@" --file docker/compose.validator.yml config --quiet' \
    _ "${COMPOSE[@]}"
step base-image scripts/docker_base_image.sh
# db first: the tests image reuses its PostgreSQL layer. Then the package and tests images side by
# side (compose v2 builds in parallel by itself; 1.29 when asked).
parallel=()
[ "${COMPOSE[*]}" = docker-compose ] && parallel=(--parallel)
step build-db "${compose[@]}" build db
step build-package-and-tests "${compose_test[@]}" build "${parallel[@]}" migrate demo tests
step up "${compose[@]}" up -d

# what `up` started: db, migrate and the demo; the tests service only when asked for (profile test)
# (asked of the engine: `ps --services` lists every service in the file, whichever ran)
started=$(docker ps -a --filter "label=com.docker.compose.project=$project" \
    --format '{{.Label "com.docker.compose.service"}}' | sort -u | tr '\n' ' ')
[ "$started" = "db demo migrate " ] || fail "up started [$started], not [db demo migrate ]"
say "up started: $started"
# shellcheck disable=SC2016  # the SQL's quotes, not the shell's
server=$("${compose[@]}" exec -T db psql -U postgres -d contender_rank -tA -c \
    "SELECT current_setting('server_version_num')::int / 10000 || ' ' || count(*) FROM pg_available_extensions WHERE name = 'pgtap'") \
    || fail "cannot query db"
[ "$server" = "15 1" ] || fail "db: PostgreSQL major version and pgTAP available are [$server], not [15 1]"
say "db: PostgreSQL 15 with pgTAP available"

# the product image holds the product only: the lab's command says how to get it, and neither the
# lab's package nor its dependencies are there
status=0
docker run --rm contender-rank:latest demo >"$work/product-demo.out" 2>&1 || status=$?
if [ "$status" != 2 ] || ! grep -q "it is part of the lab" "$work/product-demo.out"; then
    sed 's/^/    /' "$work/product-demo.out"
    fail "the product image's demo: exit status $status, not 2 with the lab's install hint"
fi
for module in contender_rank_lab asyncpg matplotlib; do
    if docker run --rm --entrypoint python3 contender-rank:latest -c "import $module" >/dev/null 2>&1; then
        fail "the product image imports $module: the lab (or its dependencies) leaked into it"
    fi
done
say "the product image: no lab, no asyncpg, no matplotlib; its demo says how to install the lab"

say "migrate and demo, one-shot services of up"
for service in migrate demo; do
    container=$("${compose[@]}" ps -a -q "$service")
    [ -n "$container" ] || fail "up started no $service container"
    left=$(time_left "$service") || exit 1
    status=$(timeout "$left" docker wait "$container") || fail "$service: out of time (the smoke is bounded to $budget s)"
    docker logs "$container" >"$work/$service.out" 2>"$work/$service.err"
    if [ "$status" != 0 ]; then
        tail -n 40 "$work/$service.err" "$work/$service.out" | sed 's/^/    /'
        fail "the $service service exited with status $status"
    fi
done
sed 's/^/    /' "$work/migrate.out"

# shellcheck disable=SC2016  # $1 is the inner bash's
step local-demo bash -c './run.sh >"$1"' _ "$work/local-demo.out"
# the first line says where the demo ran (a throwaway PostgreSQL, or a scratch database on db)
if ! diff <(tail -n +2 "$work/local-demo.out") <(tail -n +2 "$work/demo.out") >"$work/demo.diff"; then
    sed 's/^/    /' "$work/demo.diff"
    fail "the compose demo's ranking differs from ./run.sh's (diff above: < ./run.sh, > compose)"
fi
say "the compose demo prints ./run.sh's ranking ($(wc -l <"$work/demo.out") lines, identical but for the first)"

step migrate-again "${compose[@]}" run --rm -T migrate
# what it printed, for the log (the exit status is what the step checks)
grep -E '^(migrations|functions) applied' "$work/migrate-again.log" | sed 's/^/    /' || true
step pgtap-in-containers "${compose_test[@]}" run --rm -T tests \
    ./run_test.sh -k "test_docker_compose or test_cli_lab or test_imports or test_wheel"
grep -E '^(Files=|Result:)|passed|failed' "$work/pgtap-in-containers.log" | sed 's/^/    /' || true

if [ "$validator" = 1 ]; then
    step validator-example scripts/docker_validator_example.sh
fi

say "OK in $SECONDS s"
