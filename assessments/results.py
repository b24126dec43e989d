"""The stored result of a submitted assessment: how it is made from a framework tree and
answers, and the shape it is kept in (Assessment.result).

The document is computed once, on submit, and every page, list and export reads it rather
than scoring again, so later edits to a framework's text or weights leave it as it was.
Numbers are unrounded floats; pages round them for display only.
"""

from __future__ import annotations

from frameworks.tree import FrameworkTree

from . import scoring

SCHEMA = 1


def spec_from_tree(tree: FrameworkTree) -> scoring.FrameworkSpec:
    domains = []
    for domain in tree.domains:
        headline = domain.headline_question
        domains.append(
            scoring.DomainSpec(
                id=domain.id,
                name=domain.name,
                weight=domain.weight,
                question_ids=tuple(q.id for q in domain.questions),
                headline_question_id=headline.id if headline else None,
                performance_labels=(
                    tuple((g.score, g.performance_label) for g in headline.guidance)
                    if headline
                    else ()
                ),
            )
        )
    return scoring.FrameworkSpec(
        domains=tuple(domains),
        levels=tuple(
            scoring.LevelSpec(level=lv.level, name=lv.name, lower_bound=lv.lower_bound)
            for lv in tree.levels
        ),
    )


def _number(value) -> float | None:
    return None if value is None else float(value)


def result_document(tree: FrameworkTree, answers: scoring.Answers) -> dict:
    """Score the answers and return the result as a JSON-ready dict."""
    spec = spec_from_tree(tree)
    result = scoring.score(spec, answers)
    levels_by_number = {lv.level: lv for lv in tree.levels}
    level = levels_by_number.get(result.level.level) if result.level else None
    positions = {d.id: d.position for d in tree.domains}
    outlooks = {
        d.id: scoring.metric_outlook(d, answers)
        for d in spec.domains
        if d.headline_question_id is not None
    }
    return {
        "schema": SCHEMA,
        "overall_percent": _number(result.overall_percent),
        "maturity_level": (
            {
                "level": level.level,
                "name": level.name,
                "lower_bound": float(level.lower_bound),
                "description": level.description,
            }
            if level
            else None
        ),
        "coverage": {
            "scored": result.coverage.scored,
            "not_applicable": result.coverage.not_applicable,
            "total": result.coverage.total,
        },
        "domains": [
            {
                "id": d.domain_id,
                "position": positions[d.domain_id],
                "name": d.name,
                "weight": float(d.weight),
                "percent": _number(d.percent),
                "contribution": _number(d.contribution),
                "scored": d.scored,
                "not_applicable": d.not_applicable,
            }
            for d in result.domains
        ],
        "metrics": [
            {
                "domain_id": m.domain_id,
                "name": m.name,
                "question_id": m.question_id,
                "score": m.score,
                "performance_level": m.performance_level,
                "next_level": outlooks[m.domain_id].next_level,
                "next_score": outlooks[m.domain_id].next_score,
            }
            for m in result.metrics
        ],
        "recommendations": [
            {
                "question_id": r.question_id,
                "domain_id": r.domain_id,
                "current_score": r.current_score,
                "gain_percent": float(r.gain_percent),
            }
            for r in scoring.recommendations(spec, answers)
        ],
        "levels": [
            {"level": lv.level, "name": lv.name, "lower_bound": float(lv.lower_bound)}
            for lv in tree.levels
        ],
        "scores": {str(qid): score for qid, score in answers.items()},
    }


def coverage_text(document: dict) -> str:
    coverage = document["coverage"]
    return str(scoring.Coverage(**coverage))
