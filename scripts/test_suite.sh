#!/usr/bin/env bash
# The whole suite against the server in $DATABASE_URL: a scratch database built from the
# migrations, pgTAP through pg_prove on db/tests/, then pytest. Only the databases this script
# creates are dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server}"

py=.venv/bin/python
test_db="contender_rank_pgtap_$$"
test_url=$($py -c "import sys; from contender_rank.databases import with_dbname; print(with_dbname(sys.argv[1], sys.argv[2]))" "$DATABASE_URL" "$test_db")

cleanup() { psql -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $test_db WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "CREATE DATABASE $test_db" >/dev/null
DATABASE_URL="$test_url" $py -m contender_rank migrate >/dev/null
psql -q -v ON_ERROR_STOP=1 "$test_url" -c "CREATE EXTENSION IF NOT EXISTS pgtap" >/dev/null
psql -q -v ON_ERROR_STOP=1 "$test_url" -f db/tests/helpers/fixtures.sql >/dev/null

status=0
echo "== pgTAP (pg_prove db/tests)"
mapfile -t tests < <(find db/tests -name '*.sql' -not -path 'db/tests/helpers/*' | sort)
# pg_prove hands psql libpq settings, not a connection string: export them as PG* variables
eval "$($py -m contender_rank.databases pgenv "$test_url")"
pg_prove "${tests[@]}" || status=1

echo "== pytest"
$py -m pytest -q python/tests "$@" || status=1
exit $status
