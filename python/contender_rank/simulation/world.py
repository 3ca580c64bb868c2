"""The simulated world: nodes with a hidden skill, contenders with a hidden success probability.

Nothing here is visible to the ranking. The database only ever sees what a validator would see:
nodes, contenders with a capacity, the counters the router bumps, and the similarity rows an
admin registers.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

NETUID = 19

# One model family, smallest first; the new task joins it part-way through a run.
FAMILY: tuple[str, ...] = ("chat-llama-3-2-3b", "chat-llama-3-1-8b", "chat-llama-3-1-70b")
NEW_TASK = "chat-llama-3-1-405b"

# Bigger models are harder: subtracted from a node's logit of answering well.
DIFFICULTY: dict[str, float] = {
    "chat-llama-3-2-3b": 0.0,
    "chat-llama-3-1-8b": 0.6,
    "chat-llama-3-1-70b": 1.3,
    NEW_TASK: 1.9,
}
BASE_LOGIT = 1.2
SKILL_EFFECT = 1.5  # how much the node's skill moves its logit: what makes tasks correlated
TASK_NOISE = 0.6  # per (node, task) deviation: a good node is not equally good at everything

# The admin's prior, directed: a node that serves a big model well probably serves the smaller
# ones well, less so the other way round. A missing pair means 0.
SIMILARITY: dict[tuple[str, str], float] = {
    ("chat-llama-3-1-8b", "chat-llama-3-2-3b"): 0.9,
    ("chat-llama-3-2-3b", "chat-llama-3-1-8b"): 0.6,
    ("chat-llama-3-1-70b", "chat-llama-3-1-8b"): 0.8,
    ("chat-llama-3-1-8b", "chat-llama-3-1-70b"): 0.4,
    ("chat-llama-3-1-70b", "chat-llama-3-2-3b"): 0.7,
    ("chat-llama-3-2-3b", "chat-llama-3-1-70b"): 0.3,
}
# Registered when the new task appears.
NEW_TASK_SIMILARITY: dict[tuple[str, str], float] = {
    ("chat-llama-3-1-70b", NEW_TASK): 0.6,
    ("chat-llama-3-1-8b", NEW_TASK): 0.3,
    ("chat-llama-3-2-3b", NEW_TASK): 0.2,
    (NEW_TASK, "chat-llama-3-1-70b"): 0.9,
    (NEW_TASK, "chat-llama-3-1-8b"): 0.8,
    (NEW_TASK, "chat-llama-3-2-3b"): 0.7,
}


@dataclass(frozen=True)
class Contender:
    contender_id: str
    node_hotkey: str
    node_id: int
    task: str
    capacity: int
    success_probability: float  # hidden: only the dice and the oracle read it


@dataclass(frozen=True)
class World:
    seed: int
    nodes: int
    periods: int
    queries: int  # per task per period
    new_task_period: int  # first period in which the new task receives queries
    skills: tuple[float, ...]  # hidden, one per node
    contenders: tuple[Contender, ...]

    def hotkeys(self) -> list[str]:
        return [hotkey(index) for index in range(self.nodes)]

    def tasks_in(self, period: int) -> tuple[str, ...]:
        return FAMILY + ((NEW_TASK,) if period >= self.new_task_period else ())

    def contenders_of(self, task: str) -> list[Contender]:
        return [c for c in self.contenders if c.task == task]


def hotkey(index: int) -> str:
    return f"sim-node-{index:03d}"


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def build_world(seed: int, nodes: int, periods: int, queries: int) -> World:
    """The same arguments always give the same world (skills, probabilities, capacities)."""
    rng = random.Random(f"world-{seed}")
    skills = tuple(rng.gauss(0.0, 1.0) for _ in range(nodes))
    # Capacity is a few times the load-balanced share, so a contender the ranking favours runs
    # out part-way through a period and the next one takes over.
    fair_load = max(1.0, queries / nodes)
    contenders: list[Contender] = []
    for task in (*FAMILY, NEW_TASK):
        for index, skill in enumerate(skills):
            logit = BASE_LOGIT + SKILL_EFFECT * skill + TASK_NOISE * rng.gauss(0.0, 1.0) - DIFFICULTY[task]
            contenders.append(
                Contender(
                    contender_id=f"{hotkey(index)}-{task}",
                    node_hotkey=hotkey(index),
                    node_id=index,
                    task=task,
                    capacity=max(1, round(fair_load * rng.uniform(1.0, 3.0))),
                    success_probability=min(0.99, max(0.01, _logistic(logit))),
                )
            )
    return World(
        seed=seed,
        nodes=nodes,
        periods=periods,
        queries=queries,
        new_task_period=periods // 2,
        skills=skills,
        contenders=tuple(contenders),
    )
