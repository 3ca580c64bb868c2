"""The simulated world: nodes with a hidden skill, contenders with a hidden success probability.

Nothing here is visible to the ranking. The database only ever sees what a validator would see:
nodes, contenders with a capacity, the counters the router bumps, and the similarity rows an
admin registers.

Two shapes of world: ``default`` (32 nodes, one model family of three tasks, a new model half-way)
and ``nineteen`` (256 nodes, nineteen's 14 tasks in families, a new model served as two tasks,
miners that change their setup, half the traffic synthetic, time scaled down; see ``NINETEEN``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

NETUID = 19

# -- the default world: one model family, smallest first; the new task joins it part-way ------------

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
class Shape:
    """What kind of world: its tasks, how a node's quality on them is drawn, what the admin registers.

    A node's logit of answering a query on a task well is
    ``base + skill_effect * skill(node) + family_effect * family(node, family of task)
    + model_effect * model(node, model of task) + task_noise * noise(node, task) - difficulty(task)``,
    every term but the difficulty a standard normal draw. ``drift`` is the chance per node per
    period that its skill is drawn anew (a miner that changes its setup: its history then misleads).
    ``synthetic_share`` of each task's queries are synthetic (the validator's measurement traffic,
    spread evenly over a period); the others are organic (users'). ``weight_scale``: how many
    requests at full scale one simulated request stands for (see ``NINETEEN``); 1 for the default.
    ``outage``: the chance per node per period that it goes dark for a stretch of the period
    (``OUTAGE_LENGTH``): every try on any of its tasks fails then, as a 500.
    """

    name: str
    tasks: tuple[str, ...]  # served from the first period
    new_tasks: tuple[str, ...]  # arrive half-way, with no history
    difficulty: Mapping[str, float]
    similarity: Mapping[tuple[str, str], float]  # registered from the start
    new_similarity: Mapping[tuple[str, str], float]  # registered when the new tasks arrive
    base_logit: float = BASE_LOGIT
    skill_effect: float = SKILL_EFFECT
    task_noise: float = TASK_NOISE
    family_effect: float = 0.0
    model_effect: float = 0.0
    family_of: Mapping[str, str] = field(default_factory=dict)
    model_of: Mapping[str, str] = field(default_factory=dict)
    drift: float = 0.0
    synthetic_share: float = 0.0
    weight_scale: float = 1.0
    # chance per node per period of an outage: for a stretch of the period every try fails (a 500)
    outage: float = 0.0

    @property
    def all_tasks(self) -> tuple[str, ...]:
        return self.tasks + self.new_tasks


DEFAULT = Shape(
    name="default",
    tasks=FAMILY,
    new_tasks=(NEW_TASK,),
    difficulty=DIFFICULTY,
    similarity=SIMILARITY,
    new_similarity=NEW_TASK_SIMILARITY,
)


# -- the nineteen-shaped world ----------------------------------------------------------------------

_LLAMA = ("llama-3-2-3b", "llama-3-1-8b", "llama-3-1-70b")
_NEW_MODEL = "llama-3-1-405b"
_IMAGE_MODELS = ("proteus", "flux-schnell", "dreamshaper")
_MODEL_DIFFICULTY = {
    "llama-3-2-3b": 0.0,
    "llama-3-1-8b": 0.6,
    "llama-3-1-70b": 1.3,
    _NEW_MODEL: 1.9,
    "rogue-rose-103b": 1.5,
    "proteus": 0.4,
    "flux-schnell": 0.8,
    "dreamshaper": 0.4,
    "avatar": 1.0,
}
_NINETEEN_FAMILY: dict[str, str] = {}
_NINETEEN_MODEL: dict[str, str] = {}
_NINETEEN_DIFFICULTY: dict[str, float] = {}


def _task(name: str, family: str, model: str, extra_difficulty: float = 0.0) -> str:
    _NINETEEN_FAMILY[name] = family
    _NINETEEN_MODEL[name] = model
    _NINETEEN_DIFFICULTY[name] = _MODEL_DIFFICULTY[model] + extra_difficulty
    return name


NINETEEN_TASKS: tuple[str, ...] = (
    *(_task(f"chat-{model}{suffix}", "llama", model) for model in _LLAMA for suffix in ("", "-comp")),
    _task("chat-rogue-rose-103b-comp", "rogue-rose", "rogue-rose-103b"),
    *(
        _task(f"{model}-{kind}", "image", model, 0.2 if kind == "image-to-image" else 0.0)
        for model in _IMAGE_MODELS
        for kind in ("text-to-image", "image-to-image")
    ),
    _task("avatar", "avatar", "avatar"),
)
NINETEEN_NEW_TASKS: tuple[str, ...] = (
    _task(f"chat-{_NEW_MODEL}", "llama", _NEW_MODEL),
    _task(f"chat-{_NEW_MODEL}-comp", "llama", _NEW_MODEL),
)


def _nineteen_similarity(models: tuple[str, ...], new_model: str | None) -> dict[tuple[str, str], float]:
    """The families an admin would register: a chat model and its -comp variant (same deployment),
    the llama sizes (as in the default world, within chat and within -comp), and text-to-image with
    image-to-image of one image model. With ``new_model``: only the pairs that involve it."""
    sizes = dict(zip((*_LLAMA, _NEW_MODEL), ("3b", "8b", "70b", "405b"), strict=False))
    by_size = {
        ("8b", "3b"): 0.9, ("3b", "8b"): 0.6, ("70b", "8b"): 0.8, ("8b", "70b"): 0.4,
        ("70b", "3b"): 0.7, ("3b", "70b"): 0.3,
        ("70b", "405b"): 0.6, ("8b", "405b"): 0.3, ("3b", "405b"): 0.2,
        ("405b", "70b"): 0.9, ("405b", "8b"): 0.8, ("405b", "3b"): 0.7,
    }  # fmt: skip
    pairs: dict[tuple[str, str], float] = {}
    for a in models:
        pairs[(f"chat-{a}", f"chat-{a}-comp")] = 0.9
        pairs[(f"chat-{a}-comp", f"chat-{a}")] = 0.9
        for b in models:
            factor = by_size.get((sizes[a], sizes[b]))
            if factor is not None:
                for suffix in ("", "-comp"):
                    pairs[(f"chat-{a}{suffix}", f"chat-{b}{suffix}")] = factor
    if new_model is None:
        for model in _IMAGE_MODELS:
            pairs[(f"{model}-text-to-image", f"{model}-image-to-image")] = 0.8
            pairs[(f"{model}-image-to-image", f"{model}-text-to-image")] = 0.8
        return pairs
    return {pair: value for pair, value in pairs.items() if new_model in pair[0] or new_model in pair[1]}


NINETEEN = Shape(
    name="nineteen",
    tasks=NINETEEN_TASKS,
    new_tasks=NINETEEN_NEW_TASKS,
    difficulty=_NINETEEN_DIFFICULTY,
    similarity=_nineteen_similarity(_LLAMA, None),
    new_similarity=_nineteen_similarity((*_LLAMA, _NEW_MODEL), _NEW_MODEL),
    # general skill (hardware, operations), a family skill (chat vs image GPUs and stacks), a model
    # deployment shared by a chat model and its -comp variant or by one image model's two tasks
    skill_effect=1.0,
    family_effect=0.8,
    model_effect=0.8,
    task_noise=0.4,
    family_of=_NINETEEN_FAMILY,
    model_of=_NINETEEN_MODEL,
    drift=0.05,
    synthetic_share=0.5,
    # Time scaled down 10 times: nineteen's tuning rule assumes ~100 requests per contender per
    # hour; here a period (one decay interval) carries ~10. history_weight is counted in requests
    # per interval, so a full-scale weight W runs as W / 10 in the database (the shipped 50 as 5).
    # Fewer requests per period would hide what happens within a period: a miner that goes dark
    # for a third of it would get less than one request in the dark under any ranking.
    weight_scale=10.0,
    outage=0.05,
)

SHAPES: dict[str, Shape] = {shape.name: shape for shape in (DEFAULT, NINETEEN)}

# An outage lasts this share of a period (drawn uniformly), from a uniformly drawn round on, cut at
# the period's end: long enough that a period's score cannot see it coming, short of a whole period.
OUTAGE_LENGTH: tuple[float, float] = (0.1, 0.5)


# -- a world ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contender:
    contender_id: str
    node_hotkey: str
    node_id: int
    task: str
    capacity: int
    success_probability: float  # hidden, in the first period: only the dice and the oracle read it


@dataclass(frozen=True)
class World:
    seed: int
    nodes: int
    periods: int
    queries: int  # per task per period
    new_task_period: int  # first period in which the new tasks receive queries
    skills: tuple[float, ...]  # hidden, one per node, in the first period
    contenders: tuple[Contender, ...]
    shape: Shape = DEFAULT
    # hidden success probability of every contender in each period (they move only with drift)
    probabilities: tuple[Mapping[str, float], ...] = ()
    changed_nodes: tuple[tuple[int, int], ...] = ()  # (period, node) whose skill was drawn anew
    # (period, node, first round, round after the last) of every outage, in period order
    outages: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def new_tasks(self) -> tuple[str, ...]:
        return self.shape.new_tasks

    @property
    def synthetic_share(self) -> float:
        return self.shape.synthetic_share

    def hotkeys(self) -> list[str]:
        return [hotkey(index) for index in range(self.nodes)]

    def tasks_in(self, period: int) -> tuple[str, ...]:
        return self.shape.tasks + (self.shape.new_tasks if period >= self.new_task_period else ())

    def contenders_of(self, task: str) -> list[Contender]:
        return [c for c in self.contenders if c.task == task]

    def probabilities_in(self, period: int) -> Mapping[str, float]:
        return self.probabilities[min(period, len(self.probabilities) - 1)]

    def dark_in(self, period: int) -> dict[int, tuple[int, int]]:
        """The nodes dark at some point of ``period``: node -> (first round, round after the last)."""
        return {node: (start, end) for p, node, start, end in self.outages if p == period}

    def is_synthetic(self, round_index: int) -> bool:
        """Whether the queries of a period's ``round_index``-th round are synthetic: exactly
        round(queries * share) rounds are, spread evenly, and the first round never is."""
        share = self.shape.synthetic_share
        return math.floor((round_index + 1) * share) > math.floor(round_index * share)


def hotkey(index: int) -> str:
    return f"sim-node-{index:03d}"


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _probability(logit: float) -> float:
    return min(0.99, max(0.01, _logistic(logit)))


QUALITY_SPREAD = 1.0  # a good answer's quality lies in [1 - spread * (1 - p), 1]
METRIC_NOISE = 0.25  # sd of the log of a try's speed metric around its contender's p


def try_quality(probability: float, succeeded: bool, u: float, z: float) -> tuple[float, float]:
    """The quality score in [0, 1] and the speed metric nineteen's checking would record for one try
    of a contender whose chance of answering well is ``probability``; ``u`` uniform in [0, 1) and
    ``z`` standard normal are the try's own dice. A failed try (an error, a dark node, a wrong
    answer) scores 0 and has no speed. A good answer scores near 1, less so on a contender that
    often fails (its answers are less reliable even when they pass); faster on better contenders."""
    if not succeeded:
        return 0.0, 0.0
    return 1.0 - QUALITY_SPREAD * (1.0 - probability) * u, probability * math.exp(METRIC_NOISE * z)


def build_world(seed: int, nodes: int, periods: int, queries: int, shape: Shape = DEFAULT) -> World:
    """The same arguments always give the same world (skills, probabilities, capacities, drift).

    The default shape draws exactly what it always drew, so a seed's default world is unchanged;
    the terms only other shapes use come from streams of their own.
    """
    rng = random.Random(f"world-{seed}")
    skills = tuple(rng.gauss(0.0, 1.0) for _ in range(nodes))
    extra = random.Random(f"world-families-{seed}")
    families = sorted(set(shape.family_of.values()))
    models = sorted(set(shape.model_of.values()))
    family_skill = {(index, f): extra.gauss(0.0, 1.0) for index in range(nodes) for f in families}
    model_skill = {(index, m): extra.gauss(0.0, 1.0) for index in range(nodes) for m in models}
    # Capacity is a few times the load-balanced share, so a contender the ranking favours runs
    # out part-way through a period and the next one takes over.
    fair_load = max(1.0, queries / nodes)
    contenders: list[Contender] = []
    rest: dict[str, float] = {}  # each contender's logit without the node's skill term
    for task in shape.all_tasks:
        for index, skill in enumerate(skills):
            logit = (
                shape.base_logit
                + shape.skill_effect * skill
                + shape.task_noise * rng.gauss(0.0, 1.0)
                - shape.difficulty[task]
            )
            if task in shape.family_of:
                logit += shape.family_effect * family_skill[(index, shape.family_of[task])]
            if task in shape.model_of:
                logit += shape.model_effect * model_skill[(index, shape.model_of[task])]
            contender = Contender(
                contender_id=f"{hotkey(index)}-{task}",
                node_hotkey=hotkey(index),
                node_id=index,
                task=task,
                capacity=max(1, round(fair_load * rng.uniform(1.0, 3.0))),
                success_probability=_probability(logit),
            )
            contenders.append(contender)
            rest[contender.contender_id] = logit - shape.skill_effect * skill

    first = {c.contender_id: c.success_probability for c in contenders}
    probabilities: list[Mapping[str, float]] = [first]
    changed: list[tuple[int, int]] = []
    if shape.drift > 0:
        drift = random.Random(f"world-drift-{seed}")
        current = list(skills)
        for period in range(1, periods):
            moved = [index for index in range(nodes) if drift.random() < shape.drift]
            for index in moved:
                current[index] = drift.gauss(0.0, 1.0)
                changed.append((period, index))
            if moved:
                probabilities.append(
                    {
                        c.contender_id: _probability(
                            rest[c.contender_id] + shape.skill_effect * current[c.node_id]
                        )
                        for c in contenders
                    }
                )
            else:
                probabilities.append(probabilities[-1])
    outages: list[tuple[int, int, int, int]] = []
    if shape.outage > 0:
        dark = random.Random(f"world-outages-{seed}")
        low, high = OUTAGE_LENGTH
        for period in range(periods):
            for index in range(nodes):
                if dark.random() < shape.outage:
                    start = dark.randrange(queries)
                    length = max(1, round(queries * dark.uniform(low, high)))
                    outages.append((period, index, start, min(queries, start + length)))
    return World(
        seed=seed,
        nodes=nodes,
        periods=periods,
        queries=queries,
        new_task_period=periods // 2,
        skills=skills,
        contenders=tuple(contenders),
        shape=shape,
        probabilities=tuple(probabilities),
        changed_nodes=tuple(changed),
        outages=tuple(outages),
    )
