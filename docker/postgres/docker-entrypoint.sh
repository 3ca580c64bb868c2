#!/usr/bin/env bash
# Starts PostgreSQL in the container, initialising $PGDATA on the first start: the subset of the
# official postgres image's entrypoint that contender_rank and nineteen use.
#   POSTGRES_PASSWORD  required (password of POSTGRES_USER, scram-sha-256 over the network)
#   POSTGRES_USER      superuser (default postgres)
#   POSTGRES_DB        database created at initialisation (default: POSTGRES_USER)
#   /docker-entrypoint-initdb.d/*.sql, *.sh   run in name order against POSTGRES_DB, once
# Any other command (e.g. `psql ...`) runs as given.
set -Eeuo pipefail

if [ "${1:0:1}" = "-" ]; then
    set -- postgres "$@"
fi
if [ "$1" != postgres ]; then
    exec "$@"
fi

# As root: own the data directory (a fresh volume or a bind mount), then start again as postgres.
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export POSTGRES_USER POSTGRES_DB

log() { printf 'docker-entrypoint: %s\n' "$*" >&2; }

initialise() {
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        log "error: the database is uninitialised and POSTGRES_PASSWORD is not set"
        exit 1
    fi
    log "initialising $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)"
    initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
        --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    # every other host (the compose network): a password, scram-sha-256
    printf '%s\n' "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"

    # a temporary server on the Unix socket only, so that nobody connects over the network (and no
    # TCP health check passes) before the init files have run
    pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
    local psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER")
    if [ "$POSTGRES_DB" != postgres ]; then
        "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db"'
    fi
    local file
    for file in /docker-entrypoint-initdb.d/*; do
        # shellcheck source=/dev/null  # the *.sh init files are the user's
        case "$file" in
            *.sql) log "running $file"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$file" ;;
            *.sh) log "running $file"; . "$file" ;;
            */\*) ;;  # the directory is empty
            *) log "ignoring $file" ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    log "initialised; starting PostgreSQL"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    initialise
fi
exec "$@" -D "$PGDATA" -c listen_addresses='*'
