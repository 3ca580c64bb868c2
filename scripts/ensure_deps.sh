#!/usr/bin/env bash
# Installs what the tests need where it is missing: pgTAP and pg_prove from the distribution's
# packages (for the installed PostgreSQL major version), and into .venv, editable, the two Python
# packages: the product (contender_rank, with its test extra) and the lab (lab/: contender_rank_lab).
#   scripts/ensure_deps.sh          both packages and the test tools (./run_test.sh)
#   scripts/ensure_deps.sh --lab    both packages, without pgTAP or the test tools (./run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

pg_major() {
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bindir" ] && basename "$(dirname "$bindir")"
}

lab_only=0
[ "${1:-}" = --lab ] && lab_only=1

need_apt=()
major=$(pg_major || true)
if [ -n "$major" ] && [ ! -f "/usr/share/postgresql/$major/extension/pgtap.control" ]; then
    need_apt+=("postgresql-$major-pgtap")
fi
command -v pg_prove >/dev/null 2>&1 || need_apt+=("libtap-parser-sourcehandler-pgtap-perl")
if [ ${#need_apt[@]} -gt 0 ] && [ $lab_only = 0 ]; then
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
# the installed copies must be this checkout's (an editable install from another clone imports fine
# and runs that clone's code), and the lab must have registered its commands
here=$(pwd -P)
installed() {
    .venv/bin/python - "$here" "$@" <<'PY' 2>/dev/null
import importlib, sys
from importlib.metadata import entry_points
from pathlib import Path
here = Path(sys.argv[1])
for name in ["contender_rank", "contender_rank_lab", "psycopg", "psycopg_pool", "yoyo", "asyncpg", *sys.argv[2:]]:
    module = importlib.import_module(name)
    if name.startswith("contender_rank") and here not in Path(module.__file__).resolve().parents:
        sys.exit(1)
tools = entry_points(group="contender_rank.tools")
if "demo" not in tools.names or not all(hasattr(tool.load(), "register") for tool in tools):
    sys.exit(1)
PY
}
if [ $lab_only = 1 ]; then
    installed || .venv/bin/pip install -q --disable-pip-version-check -e . -e ./lab
elif ! installed pytest hypothesis yaml matplotlib || [ ! -x .venv/bin/ruff ]; then
    .venv/bin/pip install -q --disable-pip-version-check -e '.[test]' -e ./lab
fi
