#!/usr/bin/env bash
# pgTAP through pg_prove, for one layout, in a scratch database on the server of $DATABASE_URL:
#   scripts/pgtap.sh standalone|adopted [TEST_FILE ...]
# standalone: contender_rank creates the validator's tables; adopted: a nineteen-shaped database
# (lab/contender_rank_lab/nineteen/schema.sql) that contender_rank adopts. A test file whose first
# line is `-- layout: standalone` or `-- layout: adopted` runs only in that layout; every other
# file runs in both. With no files, every file under db/tests/ (but helpers/). The scratch
# database is dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server}"
layout=${1:?usage: scripts/pgtap.sh standalone|adopted [TEST_FILE ...]}
shift
case "$layout" in
    standalone|adopted) ;;
    *) echo "unknown layout '$layout': use standalone or adopted" >&2; exit 2 ;;
esac

py=.venv/bin/python
# shellcheck source=scripts/test_database.sh
. scripts/test_database.sh
make_test_database pgtap "$layout"
psql -q -v ON_ERROR_STOP=1 "$test_url" -c "CREATE EXTENSION IF NOT EXISTS pgtap" >/dev/null
psql -q -v ON_ERROR_STOP=1 "$test_url" -f db/tests/helpers/fixtures.sql >/dev/null

if [ $# -eq 0 ]; then
    mapfile -t candidates < <(find db/tests -name '*.sql' -not -path 'db/tests/helpers/*' | sort)
else
    candidates=("$@")
fi
tests=()
for file in "${candidates[@]}"; do
    marker=$(head -n 1 "$file")
    case "$marker" in
        "-- layout: standalone") [ "$layout" = standalone ] && tests+=("$file") ;;
        "-- layout: adopted") [ "$layout" = adopted ] && tests+=("$file") ;;
        *) tests+=("$file") ;;
    esac
done
echo "== pgTAP, $layout layout (${#tests[@]} files)"
# pg_prove hands psql libpq settings, not a connection string: export them as PG* variables
eval "$($py -m contender_rank_lab.databases pgenv "$test_url")"
pg_prove --timer "${tests[@]}"
