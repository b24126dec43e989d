"""A framework as one immutable tree of plain dataclasses.

Pages, scoring and the integrity check read frameworks through this tree, never by walking
related managers, so a page costs the same handful of queries however many questions a
framework has. Framework content changes only when staff edit it, so the tree is cached per
process under the framework's id, content version and publication, which every request
reads from the database and every writer of content renews
(services.content_version_renew).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from . import key_metrics
from .models import Domain, Framework, Gate, MaturityLevel, Question, ScoreGuidance


@dataclass(frozen=True)
class GuidanceNode:
    score: int
    description: str
    example: str
    performance_label: str
    # The measured values the score stands for (frameworks/key_metrics.py), if any.
    lower_bound: float | None = None
    upper_bound: float | None = None

    @property
    def bucket(self) -> key_metrics.Bucket:
        return key_metrics.Bucket(
            self.score, self.performance_label, self.lower_bound, self.upper_bound
        )


@dataclass(frozen=True)
class QuestionNode:
    id: int | None
    position: int
    number: int  # 1-based across the whole framework, in reading order
    topic: str
    text: str
    why_it_matters: str
    benchmark_note: str
    guidance: tuple[GuidanceNode, ...]
    # The key metrics the practice drives (frameworks/key_metrics.py codes).
    key_metrics: tuple[str, ...] = ()

    def guidance_for(self, score: int | None) -> GuidanceNode | None:
        for item in self.guidance:
            if item.score == score:
                return item
        return None

    @property
    def is_headline(self) -> bool:
        """A key metric's headline question maps its scores onto performance levels."""
        return any(item.performance_label for item in self.guidance)


@dataclass(frozen=True)
class GateNode:
    id: int | None
    position: int
    name: str
    description: str
    questions: tuple[QuestionNode, ...]


@dataclass(frozen=True)
class DomainNode:
    id: int | None
    position: int
    name: str
    description: str
    weight: Decimal
    gates: tuple[GateNode, ...]
    key_metric: str = ""  # the key metric this domain stands for, if any

    @property
    def questions(self) -> tuple[QuestionNode, ...]:
        return tuple(q for gate in self.gates for q in gate.questions)

    @property
    def headline_question(self) -> QuestionNode | None:
        """The first question carrying performance labels makes this a key-metric domain."""
        return next((q for q in self.questions if q.is_headline), None)


@dataclass(frozen=True)
class LevelNode:
    level: int
    name: str
    lower_bound: Decimal
    description: str


@dataclass(frozen=True)
class FrameworkTree:
    id: int | None
    slug: str
    version: str
    name: str
    description: str
    estimated_minutes: int
    is_published: bool
    domains: tuple[DomainNode, ...]
    levels: tuple[LevelNode, ...]  # lowest level first
    # The framework's content version when the tree was read from the database (None for
    # a tree read from a document): with the id, it names this content exactly.
    content_version: object = None

    @cached_property
    def questions(self) -> tuple[QuestionNode, ...]:
        return tuple(q for domain in self.domains for q in domain.questions)

    @cached_property
    def gates(self) -> tuple[GateNode, ...]:
        return tuple(gate for domain in self.domains for gate in domain.gates)

    @cached_property
    def key_metric_domains(self) -> tuple[DomainNode, ...]:
        return tuple(d for d in self.domains if d.key_metric and d.headline_question)

    @cached_property
    def measured_buckets(self) -> dict[str, tuple[key_metrics.Bucket, ...]]:
        """Per key metric whose headline guidance carries bounds: the measured values each
        score stands for, best score first (frameworks/key_metrics.py)."""
        buckets = {}
        for domain in self.key_metric_domains:
            rows = tuple(
                g.bucket
                for g in sorted(domain.headline_question.guidance, key=lambda g: -g.score)
                if g.performance_label and g.bucket.bounded
            )
            if rows:
                buckets[domain.key_metric] = rows
        return buckets

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def load_tree(framework: Framework) -> FrameworkTree:
    """Read the whole framework from the database in five queries (no cache)."""
    domains = list(
        Domain.objects.filter(framework=framework)
        .order_by("position")
        .values("id", "position", "name", "description", "weight", "key_metric")
    )
    gates = list(
        Gate.objects.filter(domain__framework=framework)
        .order_by("position")
        .values("id", "domain_id", "position", "name", "description")
    )
    questions = list(
        Question.objects.filter(gate__domain__framework=framework)
        .order_by("position")
        .values(
            "id",
            "gate_id",
            "position",
            "topic",
            "text",
            "why_it_matters",
            "benchmark_note",
            "key_metrics",
        )
    )
    guidance = list(
        ScoreGuidance.objects.filter(question__gate__domain__framework=framework)
        .order_by("score")
        .values(
            "question_id",
            "score",
            "description",
            "example",
            "performance_label",
            "lower_bound",
            "upper_bound",
        )
    )
    levels = list(
        MaturityLevel.objects.filter(framework=framework)
        .order_by("lower_bound", "level")
        .values("level", "name", "lower_bound", "description")
    )
    return build_tree(framework_fields(framework), domains, gates, questions, guidance, levels)


def framework_fields(framework: Framework) -> dict:
    return {
        "id": framework.pk,
        "slug": framework.slug,
        "version": framework.version,
        "name": framework.name,
        "description": framework.description,
        "estimated_minutes": framework.estimated_minutes,
        "is_published": framework.is_published,
        "content_version": framework.content_version,
    }


def build_tree(framework, domains, gates, questions, guidance, levels) -> FrameworkTree:
    """Assemble a tree from flat rows (dicts keyed like the models' fields).

    Children point at their parent by `domain_id`, `gate_id` and `question_id`; rows come in
    position order. The import of framework documents builds trees the same way.
    """
    guidance_by_question: dict = {}
    for row in guidance:
        guidance_by_question.setdefault(row["question_id"], []).append(
            GuidanceNode(
                score=row["score"],
                description=row["description"],
                example=row["example"],
                performance_label=row["performance_label"],
                lower_bound=row.get("lower_bound"),
                upper_bound=row.get("upper_bound"),
            )
        )
    questions_by_gate: dict = {}
    for row in questions:
        questions_by_gate.setdefault(row["gate_id"], []).append(row)
    gates_by_domain: dict = {}
    for row in gates:
        gates_by_domain.setdefault(row["domain_id"], []).append(row)

    number = 0
    domain_nodes = []
    for d in domains:
        gate_nodes = []
        for g in gates_by_domain.get(d["id"], []):
            question_nodes = []
            for q in questions_by_gate.get(g["id"], []):
                number += 1
                question_nodes.append(
                    QuestionNode(
                        id=q["id"],
                        position=q["position"],
                        number=number,
                        topic=q["topic"],
                        text=q["text"],
                        why_it_matters=q["why_it_matters"],
                        benchmark_note=q["benchmark_note"],
                        guidance=tuple(guidance_by_question.get(q["id"], ())),
                        key_metrics=tuple(q.get("key_metrics") or ()),
                    )
                )
            gate_nodes.append(
                GateNode(
                    id=g["id"],
                    position=g["position"],
                    name=g["name"],
                    description=g["description"],
                    questions=tuple(question_nodes),
                )
            )
        domain_nodes.append(
            DomainNode(
                id=d["id"],
                position=d["position"],
                name=d["name"],
                description=d["description"],
                weight=Decimal(d["weight"]),
                gates=tuple(gate_nodes),
                key_metric=d.get("key_metric") or "",
            )
        )
    return FrameworkTree(
        **framework,
        domains=tuple(domain_nodes),
        levels=tuple(
            LevelNode(
                level=row["level"],
                name=row["name"],
                lower_bound=Decimal(row["lower_bound"]),
                description=row["description"],
            )
            for row in levels
        ),
    )


_cache: dict[tuple, FrameworkTree] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 64


def framework_tree(framework: Framework) -> FrameworkTree:
    """The framework's tree, from the per-process cache when its content has not changed."""
    key = (framework.pk, framework.content_version, framework.is_published)
    return _cache.get(key) or _keep(load_tree(framework))


def cached_tree(pk: int, content_version, is_published: bool) -> FrameworkTree:
    """The tree of the framework with this id, content version and publication (as read
    from the database with the row that names the framework), from the per-process cache;
    on a miss the framework is read afresh."""
    return _cache.get((pk, content_version, is_published)) or _keep(
        load_tree(Framework.objects.get(pk=pk))
    )


def _keep(tree: FrameworkTree) -> FrameworkTree:
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[(tree.id, tree.content_version, tree.is_published)] = tree
    return tree


def clear_cache() -> None:
    """Forget every cached tree (tests use this to count queries from a cold start)."""
    with _cache_lock:
        _cache.clear()
