#!/usr/bin/env bash
# Every test: pgTAP (pg_prove) and pytest.
#   ./run_test.sh                 on $DATABASE_URL if set, else on a throwaway PostgreSQL
#   USE_DOCKER=1 ./run_test.sh    in docker compose, when a Docker engine answers
# Extra arguments go to pytest (e.g. ./run_test.sh -k rank).
set -euo pipefail
cd "$(dirname "$0")"

if [ "${USE_DOCKER:-0}" = 1 ]; then
    # the whole suite in containers, or a clear error when no engine answers (never the local suite)
    exec scripts/docker_test.sh "$@"
fi

scripts/ensure_deps.sh
if [ -n "${DATABASE_URL:-}" ]; then
    exec scripts/test_suite.sh "$@"
fi
exec .venv/bin/python -m contender_rank_lab.embedded -- scripts/test_suite.sh "$@"
