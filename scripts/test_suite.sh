#!/usr/bin/env bash
# The whole suite against the server in $DATABASE_URL: ruff, pgTAP and the isolation specs in both
# layouts (standalone, and a nineteen-shaped database that contender_rank adopts), then pytest. Only
# the databases the suite creates are dropped. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server}"

status=0
echo "== ruff (check, format --check)"
.venv/bin/ruff check python lab || status=1
.venv/bin/ruff format --check python lab || status=1

scripts/pgtap.sh standalone || status=1
scripts/pgtap.sh adopted || status=1
scripts/isolation.sh standalone || status=1
scripts/isolation.sh adopted || status=1

echo "== pytest"
.venv/bin/python -m pytest -q python/tests "$@" || status=1
exit $status
