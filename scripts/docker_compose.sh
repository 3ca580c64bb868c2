#!/usr/bin/env bash
# Runs whichever compose command is installed, `docker compose` (v2) or `docker-compose` (1.29),
# from the repository's top directory, once the base image exists (scripts/docker_base_image.sh):
#   scripts/docker_compose.sh up -d
#   scripts/docker_compose.sh logs demo
#   scripts/docker_compose.sh -f docker/compose.validator.yml up -d
set -euo pipefail
# shellcheck source=scripts/docker_lib.sh
source "$(dirname "$0")/docker_lib.sh"

require_engine "compose"
find_compose
cd "$REPOSITORY_ROOT"
scripts/docker_base_image.sh
exec "${COMPOSE[@]}" "$@"
