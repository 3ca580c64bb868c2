# shellcheck shell=bash disable=SC2034  # the variables set here are read by the scripts sourcing it
# Shared by the scripts/docker_*.sh scripts (sourced, not run): messages, the engine check and the
# choice of compose command. Callers set -euo pipefail themselves.

# The base image every Dockerfile builds FROM (build argument BASE_IMAGE); scripts/docker_base_image.sh
# makes it: Debian's own image where a registry answers, else one built here from Debian packages.
CONTENDER_RANK_BASE_IMAGE="${CONTENDER_RANK_BASE_IMAGE:-contender-rank/debian:bookworm}"
export CONTENDER_RANK_BASE_IMAGE

REPOSITORY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

note() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Why the engine does not answer, in one line (empty when it does).
engine_problem() {
    if ! command -v docker >/dev/null 2>&1; then
        echo "no docker command (install Debian's docker.io, or Docker's own packages)"
        return
    fi
    local output
    if output=$(docker info --format '{{.ServerVersion}}' 2>&1) && [ -n "$output" ]; then
        return
    fi
    output=$(printf '%s\n' "$output" | grep -v '^$' | tail -n 1)
    echo "no Docker engine answers (docker info: ${output:-no output})"
}

# die unless an engine answers; $1 says what needed it.
require_engine() {
    local problem
    problem=$(engine_problem)
    if [ -n "$problem" ]; then
        die "$1: $problem. Start one (where none runs, as root: scripts/docker_engine.sh start; see docs/docker.md)"
    fi
}

# COMPOSE: the compose command as an array, `docker compose` (v2) when the plugin is there, else
# `docker-compose` (1.29). CONTENDER_RANK_COMPOSE overrides, e.g. CONTENDER_RANK_COMPOSE=docker-compose.
find_compose() {
    if [ -n "${CONTENDER_RANK_COMPOSE:-}" ]; then
        read -r -a COMPOSE <<<"$CONTENDER_RANK_COMPOSE"
    elif docker compose version >/dev/null 2>&1; then
        COMPOSE=(docker compose)
    elif command -v docker-compose >/dev/null 2>&1; then
        COMPOSE=(docker-compose)
    else
        die "neither 'docker compose' (v2 plugin) nor 'docker-compose' (1.29) is installed (Debian: apt-get install docker-compose)"
    fi
}
