#!/usr/bin/env bash
# Installs what the tests need where it is missing: pgTAP and pg_prove from the distribution's
# packages (for the installed PostgreSQL major version), and the Python package into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_major() {
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bindir" ] && basename "$(dirname "$bindir")"
}

need_apt=()
major=$(pg_major || true)
if [ -n "$major" ] && [ ! -f "/usr/share/postgresql/$major/extension/pgtap.control" ]; then
    need_apt+=("postgresql-$major-pgtap")
fi
command -v pg_prove >/dev/null 2>&1 || need_apt+=("libtap-parser-sourcehandler-pgtap-perl")
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${need_apt[*]}" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        echo "missing ${need_apt[*]}: install them (apt-get install ${need_apt[*]})" >&2
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
if ! .venv/bin/python -c "import contender_rank, psycopg, yoyo, pytest, hypothesis, yaml, matplotlib, asyncpg" 2>/dev/null \
        || [ ! -x .venv/bin/ruff ]; then
    .venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
fi
