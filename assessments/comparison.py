"""Side-by-side comparison of two submitted assessments: pure functions over their stored
results and the frameworks' trees (no ORM).

Assessments of one framework compare question by question. Two versions of a framework
with the same major version (1.0 and 1.1) compare too: questions are matched by their
place in the framework (domain, gate and question position). Other pairs are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from frameworks.tree import FrameworkTree


class NotComparable(Exception):
    pass


def check_comparable(older: FrameworkTree, newer: FrameworkTree) -> None:
    if older.slug != newer.slug:
        raise NotComparable(
            f"These assessments use different frameworks ({older.label} and {newer.label}), "
            "so their scores do not compare. Choose two assessments of the same framework."
        )
    if older.version.split(".")[0] != newer.version.split(".")[0]:
        raise NotComparable(
            f"These assessments use different major versions of {older.name} "
            f"({older.version} and {newer.version}), whose questions differ. "
            "Choose two assessments of the same major version."
        )


def _change(before, after):
    if before is None or after is None:
        return None
    return after - before


@dataclass(frozen=True)
class Side:
    score: int | None
    not_applicable: bool
    notes: str
    reason: str


@dataclass(frozen=True)
class QuestionChange:
    number: int
    topic: str
    text: str
    domain: str
    before: Side | None  # None when the question is not in that assessment's framework
    after: Side | None
    change: int | None

    @property
    def direction(self) -> str:
        if not self.change:
            return "same"
        return "up" if self.change > 0 else "down"


@dataclass(frozen=True)
class DomainChange:
    name: str
    weight: float
    before: float | None
    after: float | None
    change: float | None

    @property
    def direction(self) -> str:
        if self.change is None or abs(self.change) < 0.05:
            return "same"
        return "up" if self.change > 0 else "down"


@dataclass(frozen=True)
class Comparison:
    overall_before: float | None
    overall_after: float | None
    overall_change: float | None
    level_before: str
    level_after: str
    # the stored results' delivery performance (None for a framework without key metrics)
    delivery_before: dict | None
    delivery_after: dict | None
    domains: tuple[DomainChange, ...]
    questions: tuple[QuestionChange, ...]  # the questions that moved most first
    metrics: tuple[tuple[str, str, str], ...]  # (metric, level before, level after)


def _positions(tree: FrameworkTree) -> dict[tuple[int, int, int], tuple]:
    return {
        (domain.position, gate.position, q.position): (domain, q)
        for domain in tree.domains
        for gate in domain.gates
        for q in gate.questions
    }


def _side(document: dict, answers: dict, question_id) -> Side:
    score = document["scores"].get(str(question_id))
    notes, reason = answers.get(question_id, ("", ""))
    return Side(score=score, not_applicable=score is None, notes=notes, reason=reason)


def compare(
    older: dict,
    newer: dict,
    older_tree: FrameworkTree,
    newer_tree: FrameworkTree,
    older_answers: dict,
    newer_answers: dict,
) -> Comparison:
    """Compare two stored results (`older` first). `*_answers` map question id to
    (notes, not-applicable reason)."""
    check_comparable(older_tree, newer_tree)
    before_at, after_at = _positions(older_tree), _positions(newer_tree)
    questions = []
    for key in sorted(before_at.keys() | after_at.keys()):
        before = before_at.get(key)
        after = after_at.get(key)
        domain, question = after or before
        before_side = _side(older, older_answers, before[1].id) if before else None
        after_side = _side(newer, newer_answers, after[1].id) if after else None
        questions.append(
            QuestionChange(
                number=question.number,
                topic=question.topic,
                text=question.text,
                domain=domain.name,
                before=before_side,
                after=after_side,
                change=_change(
                    before_side.score if before_side else None,
                    after_side.score if after_side else None,
                ),
            )
        )
    questions.sort(key=lambda q: (-abs(q.change or 0), q.number))

    older_domains = {d["position"]: d for d in older["domains"]}
    newer_domains = {d["position"]: d for d in newer["domains"]}
    domains = []
    for position in sorted(older_domains.keys() | newer_domains.keys()):
        before = older_domains.get(position, {})
        after = newer_domains.get(position, {})
        domains.append(
            DomainChange(
                name=(after or before)["name"],
                weight=(after or before)["weight"],
                before=before.get("percent"),
                after=after.get("percent"),
                change=_change(before.get("percent"), after.get("percent")),
            )
        )

    before_metrics = {m["name"]: m["performance_level"] for m in older["metrics"]}
    metrics = tuple(
        (m["name"], before_metrics.get(m["name"], ""), m["performance_level"])
        for m in newer["metrics"]
    )
    return Comparison(
        overall_before=older["overall_percent"],
        overall_after=newer["overall_percent"],
        overall_change=_change(older["overall_percent"], newer["overall_percent"]),
        level_before=(older["maturity_level"] or {}).get("name", ""),
        level_after=(newer["maturity_level"] or {}).get("name", ""),
        delivery_before=older.get("delivery_performance"),
        delivery_after=newer.get("delivery_performance"),
        domains=tuple(domains),
        questions=tuple(questions),
        metrics=metrics,
    )
