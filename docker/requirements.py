"""Print the requirements pyproject.toml declares, one per line, for `pip install -r`.

    python3 requirements.py pyproject.toml [EXTRA ...]

The images install these in a layer of their own, before the code is copied in, so that a change
to the code rebuilds only the last layers and a change to the dependencies is picked up from
pyproject.toml, the one list of them.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path


def requirements(pyproject: Path, extras: list[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    optional = project.get("optional-dependencies", {})
    unknown = [extra for extra in extras if extra not in optional]
    if unknown:
        raise SystemExit(f"{pyproject}: no optional-dependencies named {', '.join(unknown)}")
    result = list(project.get("dependencies", []))
    for extra in extras:
        result += optional[extra]
    return result


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    print("\n".join(requirements(Path(sys.argv[1]), sys.argv[2:])))
