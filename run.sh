#!/usr/bin/env bash
# The demo: the seeded epoch scenario, ranked and explained (./run.sh --json for JSON).
# Sets up .venv on first use. Runs on a throwaway PostgreSQL unless DATABASE_URL is set, in which
# case it creates (and afterwards drops) a scratch database of its own on that server.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x .venv/bin/python ]; then
    echo "creating .venv (first run) ..." >&2
    python3 -m venv .venv
fi
if ! .venv/bin/python -c "import contender_rank.demo, psycopg, psycopg_pool, yoyo, asyncpg" 2>/dev/null; then
    echo "installing contender_rank into .venv ..." >&2
    .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]' >&2
fi
exec .venv/bin/python -m contender_rank demo "$@"
