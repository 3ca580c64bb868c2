"""The simulator behind ``python -m contender_rank simulate``.

A seeded world of miner nodes whose hidden quality the ranking cannot see; routers that send
each query to the contenders ``rank_contenders`` returns (or, for the oracle, to the ones the
hidden quality says are best); and the measures that compare them. Every ranking decision of the
non-oracle strategies is made by PostgreSQL, in a fresh database per strategy.
"""

from contender_rank_lab.simulation.runner import (
    SeedsResult,
    Settings,
    SimulationResult,
    run_seeds,
    run_simulation,
)
from contender_rank_lab.simulation.world import (
    DEFAULT,
    FAMILY,
    NEW_TASK,
    NINETEEN,
    SHAPES,
    Shape,
    World,
    build_world,
)

__all__ = [
    "DEFAULT",
    "FAMILY",
    "NEW_TASK",
    "NINETEEN",
    "SHAPES",
    "SeedsResult",
    "Settings",
    "Shape",
    "SimulationResult",
    "World",
    "build_world",
    "run_seeds",
    "run_simulation",
]
