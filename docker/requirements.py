"""Print the requirements pyproject.toml declares, one per line, for `pip install -r`.

    python3 requirements.py pyproject.toml [EXTRA ...]

The repository's own packages (contender-rank, which the lab requires) are left out: the images
install them from the code they copy in.

The images install these in a layer of their own, before the code is copied in, so that a change
to the code rebuilds only the last layers and a change to the dependencies is picked up from
pyproject.toml, the one list of them.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

OWN_PACKAGES = {"contender-rank", "contender-rank-lab"}


def requirements(pyproject: Path, extras: list[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    optional = project.get("optional-dependencies", {})
    unknown = [extra for extra in extras if extra not in optional]
    if unknown:
        raise SystemExit(f"{pyproject}: no optional-dependencies named {', '.join(unknown)}")
    result = list(project.get("dependencies", []))
    for extra in extras:
        result += optional[extra]
    return [line for line in result if _name(line) not in OWN_PACKAGES]


def _name(requirement: str) -> str:
    """The normalised project name a PEP 508 requirement starts with."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", name.group(1)).lower() if name else requirement


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    print("\n".join(requirements(Path(sys.argv[1]), sys.argv[2:])))
