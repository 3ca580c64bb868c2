#!/usr/bin/env bash
# The validator's compose example (docker/compose.validator.yml), run end to end and checked:
#   1. postgresql comes up healthy holding nineteen's tables (lab/contender_rank_lab/nineteen/schema.sql);
#   2. a node and a contender are written, as nineteen writes them;
#   3. `up -d` runs contender_rank_migrate once and it exits 0; run again, it exits 0 again;
#   4. nineteen's tables still hold their rows, and contender_rank's functions are installed;
#   5. `contender-rank rank TASK`, in the package image against that database, lists the contender.
# Step 3 needs `contender-rank migrate` to adopt a database that already holds nineteen's tables.
# Everything runs in a compose project of its own, removed afterwards (containers, network, volume).
set -euo pipefail
# shellcheck source=scripts/docker_lib.sh
source "$(dirname "$0")/docker_lib.sh"

require_engine "the validator's compose example"
find_compose
cd "$REPOSITORY_ROOT"

project="contender_rank_validator_$$"
compose=("${COMPOSE[@]}" --project-name "$project" --file docker/compose.validator.yml)
db_user="${POSTGRES_USER:-user}"
db_name="${POSTGRES_DB:-mydb}"
task=chat-llama-3-1-8b
contender="hotkey-1-$task"

fail() { die "validator example: $*"; }
cleanup() {
    "${compose[@]}" down --volumes --remove-orphans >/dev/null 2>&1 \
        || note "could not remove the compose project $project: ${COMPOSE[*]} -p $project down -v"
}
trap cleanup EXIT

# psql in the postgresql container, over its Unix socket; one value per line
sql() { "${compose[@]}" exec -T postgresql psql -X -q -At -v ON_ERROR_STOP=1 -U "$db_user" -d "$db_name" "$@"; }

scripts/docker_base_image.sh
"${compose[@]}" build

note "1. postgresql with nineteen's tables"
"${compose[@]}" up -d postgresql
container=$("${compose[@]}" ps -q postgresql)
for _ in $(seq 120); do
    health=$(docker inspect --format '{{.State.Health.Status}}' "$container")
    [ "$health" = healthy ] && break
    sleep 1
done
[ "$health" = healthy ] || fail "postgresql is not healthy after 120 s ($health): $(docker logs --tail 20 "$container" 2>&1)"
tables=$(sql -c "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
[ "$tables" = "contenders contenders_history contenders_weights_stats nodes nodes_history tasks" ] \
    || fail "nineteen's tables are not what schema.sql creates: $tables"

note "2. a node and its contender, as nineteen writes them"
sql <<SQL
INSERT INTO public.nodes (hotkey, coldkey, node_id, incentive, netuid, stake, trust, vtrust, ip, ip_type,
                          port, network, symmetric_key_uuid)
VALUES ('hotkey-1', 'coldkey-1', 1, 0, 19, 0, 0, 0, '10.0.0.1', 4, 8091, 'finney', 'uuid-1');
INSERT INTO public.contenders (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity,
                               capacity, capacity_to_score, consumed_capacity)
VALUES ('$contender', 'hotkey-1', 1, 19, '$task', 'validator-hotkey', 100, 100, 100, 0);
SQL

note "3. contender_rank_migrate, one-shot, once the database is healthy"
"${compose[@]}" up -d contender_rank_migrate
migrate_container=$("${compose[@]}" ps -a -q contender_rank_migrate)
status=$(timeout 300 docker wait "$migrate_container")
output=$(docker logs "$migrate_container" 2>&1)
printf '%s\n' "$output" | sed 's/^/    /' >&2
[ "$status" = 0 ] || fail "contender_rank_migrate exited with status $status on nineteen's database"
"${compose[@]}" run --rm -T contender_rank_migrate >/dev/null \
    || fail "contender_rank_migrate, run a second time, failed"

note "4. nineteen's rows are kept; contender_rank is installed"
[ "$(sql -c "SELECT count(*) FROM public.nodes WHERE hotkey = 'hotkey-1'")" = 1 ] || fail "nineteen's node is gone"
[ "$(sql -c "SELECT count(*) FROM public.contenders WHERE contender_id = '$contender'")" = 1 ] \
    || fail "nineteen's contender is gone"
[ "$(sql -c "SELECT count(*) FROM pg_proc WHERE proname = 'rank_contenders'
             AND pronamespace = 'public'::regnamespace")" -ge 1 ] || fail "rank_contenders() is not installed"

note "5. contender-rank rank $task"
ranking=$("${compose[@]}" run --rm -T contender_rank_migrate rank "$task") || fail "contender-rank rank failed"
printf '%s\n' "$ranking" | sed 's/^/    /' >&2
grep -q -- "$contender" <<<"$ranking" || fail "the ranking of $task does not list $contender"

note "OK: contender_rank_migrate installed contender_rank into nineteen's database, which kept its rows"
