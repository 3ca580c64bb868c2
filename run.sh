#!/usr/bin/env bash
# The demo: the seeded epoch scenario, ranked and explained (./run.sh --json for JSON).
# Sets up .venv on first use. Runs on a throwaway PostgreSQL unless DATABASE_URL is set, in which
# case it creates (and afterwards drops) a scratch database of its own on that server.
set -euo pipefail
cd "$(dirname "$0")"

# The demo is the lab's (lab/), so .venv holds both packages: the product and the lab.
if [ ! -x .venv/bin/python ]; then
    echo "creating .venv (first run) ..." >&2
fi
scripts/ensure_deps.sh --lab >&2
exec .venv/bin/python -m contender_rank demo "$@"
