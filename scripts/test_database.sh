# Sourced by pgtap.sh and isolation.sh: a scratch database of one layout on the server of
# $DATABASE_URL, with contender_rank migrated into it and dropped when the calling script exits.
#   make_test_database PURPOSE standalone|adopted    sets test_db and test_url
# adopted: a nineteen-shaped database (lab/contender_rank_lab/nineteen/schema.sql) that contender_rank
# adopts; standalone: contender_rank creates the validator's tables itself.

make_test_database() {
    local purpose=$1 layout=$2
    test_db="contender_rank_${purpose}_${layout}_$$"
    test_url=$(.venv/bin/python -c "import sys; from contender_rank_lab.databases import with_dbname; print(with_dbname(sys.argv[1], sys.argv[2]))" "$DATABASE_URL" "$test_db")
    trap drop_test_database EXIT
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "CREATE DATABASE $test_db" >/dev/null
    if [ "$layout" = adopted ]; then
        psql -q -v ON_ERROR_STOP=1 "$test_url" -f lab/contender_rank_lab/nineteen/schema.sql >/dev/null
    fi
    DATABASE_URL="$test_url" .venv/bin/python -m contender_rank migrate >/dev/null
}

drop_test_database() {
    psql -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $test_db WITH (FORCE)" >/dev/null 2>&1 || true
}
