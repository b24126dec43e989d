"""The stored result of a submitted assessment: how it is made from a framework tree and
answers, and the shape it is kept in (Assessment.result).

The document is computed once, on submit, and every page, list and export reads it rather
than scoring again, so later edits to a framework's text or weights leave it as it was.
Numbers are unrounded floats; pages round them for display only.
"""

from __future__ import annotations

from frameworks.tree import FrameworkTree

from . import scoring
from .charts import bar_chart

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
    questions_of = {d.id: d.question_ids for d in spec.domains}
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
                "question_ids": list(questions_of[d.domain_id]),
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
    return str(scoring.Coverage(**document["coverage"]))


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _weight(value: float) -> str:
    return f"{value:g}"


def calculation(document: dict) -> dict:
    """The stored result's numbers set out in the formula, so a reader can redo the sum."""
    scores = document["scores"]
    domain_lines = []
    for d in document["domains"]:
        values = [scores.get(str(q)) for q in d["question_ids"]]
        scored = [v for v in values if v is not None]
        na = len(values) - len(scored)
        skipped = f" ({na} not applicable left out)" if na else ""
        if scored:
            line = (
                f"{d['name']}: ({' + '.join(str(v) for v in scored)}) / {len(scored)} = "
                f"{sum(scored) / len(scored):.2f} of 5 → {_fmt(d['percent'])}%{skipped}"
            )
        else:
            line = f"{d['name']}: every question not applicable, so no percentage"
        domain_lines.append(line)
    counted = [d for d in document["domains"] if d["percent"] is not None]
    total_weight = sum(d["weight"] for d in counted)
    overall = None
    if counted:
        terms = " + ".join(f"{_weight(d['weight'])} × {_fmt(d['percent'])}" for d in counted)
        overall = f"({terms}) / {_weight(total_weight)} = {_fmt(document['overall_percent'])}%"
    level_line = None
    level = document["maturity_level"]
    if level:
        higher = sorted(
            (lv for lv in document["levels"] if lv["lower_bound"] > level["lower_bound"]),
            key=lambda lv: lv["lower_bound"],
        )
        level_line = (
            f"{_fmt(document['overall_percent'])}% is at least {_weight(level['lower_bound'])}%"
            f" ({level['name']})"
        )
        if higher:
            level_line += f" and below {_weight(higher[0]['lower_bound'])}% ({higher[0]['name']})"
        level_line += f", so the level is {level['name']}."
    return {
        "domains": domain_lines,
        "overall": overall,
        "total_weight": _weight(total_weight) if counted else None,
        "renormalised": counted and total_weight != 100,
        "level": level_line,
    }


def results_page(document: dict, tree: FrameworkTree, answers: dict) -> dict:
    """Everything the results page shows: the stored numbers, joined with the framework's
    current wording (text corrections are allowed after submit; numbers never change)."""
    questions = {q.id: q for q in tree.questions}
    domain_names = {d["id"]: d["name"] for d in document["domains"]}

    recommendations = []
    for item in document["recommendations"]:
        question = questions.get(item["question_id"])
        if question is None:
            continue
        recommendations.append(
            {
                "question": question,
                "domain": domain_names.get(item["domain_id"], ""),
                "current_score": item["current_score"],
                "gain_percent": item["gain_percent"],
                "current": question.guidance_for(item["current_score"]),
                "next": question.guidance_for(item["current_score"] + 1),
            }
        )

    metrics = []
    for item in document["metrics"]:
        question = questions.get(item["question_id"])
        metrics.append(
            {
                **item,
                "question": question,
                "current": question.guidance_for(item["score"]) if question else None,
                "next": question.guidance_for(item["next_score"]) if question else None,
            }
        )

    answer_groups = [
        {
            "domain": domain,
            "rows": [
                (q, answers.get(q.id), document["scores"].get(str(q.id))) for q in domain.questions
            ],
        }
        for domain in tree.domains
    ]
    return {
        "result": document,
        "coverage": coverage_text(document),
        "metrics": metrics,
        "recommendations": recommendations,
        "top_recommendations": recommendations[:5],
        "more_recommendations": recommendations[5:],
        "chart": bar_chart(
            [(d["name"], d["percent"]) for d in document["domains"]],
            [(lv["name"], lv["lower_bound"]) for lv in document["levels"]],
        ),
        "calculation": calculation(document),
        "answer_groups": answer_groups,
    }
