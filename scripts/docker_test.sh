#!/usr/bin/env bash
# The whole suite in containers (what `USE_DOCKER=1 ./run_test.sh [PYTEST-ARGS]` runs): builds the
# images, starts the db service in a compose project of its own, runs ./run_test.sh in the tests
# container against it, then removes the project's containers, network and volume. With no Docker
# engine it fails, saying so: it never falls back to the local suite.
set -euo pipefail
# shellcheck source=scripts/docker_lib.sh
source "$(dirname "$0")/docker_lib.sh"

require_engine "USE_DOCKER=1: the suite in containers needs a Docker engine"
find_compose
cd "$REPOSITORY_ROOT"

# its own project: a stack the user brought up with `docker compose up` is left alone
project="contender_rank_test_$$"
compose=("${COMPOSE[@]}" --project-name "$project" --file docker-compose.yml --profile test)

if [ -f .git ]; then
    note "note: .git is a file here (a git worktree), so the tests container gets no git history"
fi
scripts/docker_base_image.sh

# shellcheck disable=SC2317  # run by the trap
cleanup() {
    "${compose[@]}" down --volumes --remove-orphans >/dev/null 2>&1 \
        || note "could not remove the compose project $project: ${COMPOSE[*]} -p $project down -v"
}
trap cleanup EXIT

started=$SECONDS
"${compose[@]}" build db tests
note "images built in $((SECONDS - started)) s (${COMPOSE[*]}); running the suite in containers"
status=0
"${compose[@]}" run --rm -T tests ./run_test.sh "$@" || status=$?
note "the suite in containers: exit status $status, $((SECONDS - started)) s in all"
exit "$status"
