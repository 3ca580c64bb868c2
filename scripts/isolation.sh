#!/usr/bin/env bash
# The isolation specs, for one layout, in a scratch database on the server of $DATABASE_URL:
#   scripts/isolation.sh standalone|adopted [SPEC ...]
# Each spec (db/tests/isolation/specs/NAME.spec) scripts how two or three sessions interleave, step
# by step, and its output must equal db/tests/isolation/expected/NAME.out: a step that waits for a
# lock shows as <waiting ...>, so a lock claim is proven by the script, not by timing (pgmq's way).
# With no SPEC, every spec. pg_isolation_regress comes with PostgreSQL's client package
# ($(pg_config --pkglibdir)/pgxs/src/test/isolation/); $PG_ISOLATION_REGRESS overrides. After a
# deliberate change of output, copy results/NAME.out from the directory this prints over the
# expected file, and read the diff first.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server}"
layout=${1:?usage: scripts/isolation.sh standalone|adopted [SPEC ...]}
shift
case "$layout" in
    standalone|adopted) ;;
    *) echo "unknown layout '$layout': use standalone or adopted" >&2; exit 2 ;;
esac

# the server's own major version first (Debian's layout), then wherever pg_config says
major=$(psql -X -A -t -q "$DATABASE_URL" -c "SELECT current_setting('server_version_num')::int / 10000")
regress=${PG_ISOLATION_REGRESS:-}
for candidate in "/usr/lib/postgresql/$major/lib" "$(pg_config --pkglibdir 2>/dev/null || true)"; do
    if [ -z "$regress" ] && [ -x "$candidate/pgxs/src/test/isolation/pg_isolation_regress" ]; then
        regress=$candidate/pgxs/src/test/isolation/pg_isolation_regress
    fi
done
if [ ! -x "$regress" ]; then
    echo "pg_isolation_regress not found: install PostgreSQL's client package (postgresql-client-$major)" \
         "or set PG_ISOLATION_REGRESS to it" >&2
    exit 2
fi

py=.venv/bin/python
specs_dir=db/tests/isolation
output_dir=$(mktemp -d "${TMPDIR:-/tmp}/contender_rank_isolation.XXXXXX")
# shellcheck source=scripts/test_database.sh
. scripts/test_database.sh
make_test_database isolation "$layout"
psql -q -v ON_ERROR_STOP=1 "$test_url" -f db/tests/helpers/fixtures.sql >/dev/null
psql -q -v ON_ERROR_STOP=1 "$test_url" -f db/tests/helpers/isolation.sql >/dev/null

if [ $# -eq 0 ]; then
    mapfile -t specs < <(find "$specs_dir/specs" -name '*.spec' -printf '%f\n' | sed 's/\.spec$//' | sort)
else
    specs=("$@")
fi
echo "== isolation specs, $layout layout (${#specs[@]} specs)"
# the server and credentials as PG* variables, which pg_isolation_regress and isolationtester read
eval "$($py -m contender_rank_lab.databases pgenv "$test_url")"
status=0
"$regress" --use-existing --dbname="$test_db" --inputdir="$specs_dir" --outputdir="$output_dir" "${specs[@]}" \
    || status=$?
if [ $status -ne 0 ]; then
    [ -f "$output_dir/regression.diffs" ] && cat "$output_dir/regression.diffs"
    echo "isolation specs failed ($layout layout): the outputs are in $output_dir/results" >&2
else
    rm -rf "$output_dir"
fi
exit $status
