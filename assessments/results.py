"""The stored result of a submitted assessment: how it is made from a framework tree and
answers, and the shape it is kept in (Assessment.result).

The document is computed once, on submit, and every page, list and export reads it rather
than scoring again, so later edits to a framework's text or weights leave it as it was.
Numbers are unrounded floats; pages round them for display only.
"""

from __future__ import annotations

from frameworks import key_metrics
from frameworks.templating import truncated
from frameworks.tree import FrameworkTree

from . import scoring
from .charts import bar_chart

# 2: delivery performance, each metric's key-metric code, each recommendation's reason.
SCHEMA = 2


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
                key_metric=domain.key_metric if headline else "",
                drives=tuple((q.id, q.key_metrics) for q in domain.questions if q.key_metrics),
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


def delivery_document(delivery: scoring.DeliveryPerformance | None) -> dict | None:
    if delivery is None:
        return None
    return {
        "level": delivery.level,
        "limiting": list(delivery.limiting),
        "limiting_names": [key_metrics.BY_CODE[code].name for code in delivery.limiting],
        "lowest": delivery.lowest,
        "known": delivery.known,
        "throughput": delivery.throughput,
        "stability": delivery.stability,
    }


def result_document(
    tree: FrameworkTree,
    answers: scoring.Answers,
    constraint: scoring.DeliveryPerformance | None = None,
) -> dict:
    """Score the answers and return the result as a JSON-ready dict. `constraint` ranks
    the recommendations of a framework without key metrics by another result's limiting
    metrics (the team's latest DORA result)."""
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
        "delivery_performance": delivery_document(result.delivery),
        "metrics": [
            {
                "domain_id": m.domain_id,
                "name": m.name,
                "key_metric": m.key_metric,
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
                "reason": r.reason,
                "constraint": r.constraint,
            }
            for r in scoring.recommendations(spec, answers, result.delivery or constraint)
        ],
        "levels": [
            {"level": lv.level, "name": lv.name, "lower_bound": float(lv.lower_bound)}
            for lv in tree.levels
        ],
        "scores": {str(qid): score for qid, score in answers.items()},
    }


def result_columns(document: dict) -> dict:
    """The Assessment columns kept beside a stored result, for lists to show and sort by."""
    level = document["maturity_level"]
    delivery = (document.get("delivery_performance") or {}).get("level")
    return {
        "overall_percent": document["overall_percent"],
        "maturity_level": level["name"] if level else "",
        "maturity_level_number": level["level"] if level else None,
        "delivery_performance": delivery or "",
        # 1 for Low up to 4 for Elite: the overview sorts delivery performance by it
        "delivery_rank": key_metrics.LEVELS.index(delivery) + 1 if delivery else None,
        # each key metric's level, and where answers and data disagree: the overview's
        "metric_levels": [[m["name"], m["performance_level"]] for m in document["metrics"]],
        "measured_disagreements": (document.get("measured") or {}).get("disagreements"),
        "agreement_share": (document.get("agreement") or {}).get("share_agreed"),
    }


def coverage_text(document: dict) -> str:
    return str(scoring.Coverage(**document["coverage"]))


def _fmt(value: float | None) -> str:
    """Truncated, as every score on the pages: never a bound the score has not reached."""
    return "n/a" if value is None else truncated(value, 1)


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
                f"{truncated(sum(scored) / len(scored), 2)} of 5 → {_fmt(d['percent'])}%{skipped}"
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


NOT_APPLICABLE = "na"


def what_if_answers(tree: FrameworkTree, stored: dict, data) -> dict:
    """The stored scores with those that a what-if form changes (`q<id>`: "0"-"5" or "na");
    ValueError, naming the question, for any other value."""
    answers = dict(stored)
    for question in tree.questions:
        value = data.get(f"q{question.id}")
        if value is None:
            continue
        if value == NOT_APPLICABLE:
            answers[question.id] = None
        elif value in {str(s) for s in range(scoring.MAX_SCORE + 1)}:
            answers[question.id] = int(value)
        else:
            raise ValueError(f"Q{question.number}: choose a score from 0 to 5 or not applicable.")
    return answers


# Maturity level names read on DORA's delivery scale; "Initial" lies below its lowest.
_SCALE = {"Initial": 0, **{name: i + 1 for i, name in enumerate(key_metrics.LEVELS)}}


def level_gap_note(maturity: str | None, delivery: str | None) -> str:
    """One sentence when practice maturity and delivery performance stand two or more
    levels apart (only where the maturity levels are named like DORA's), else ""."""
    if maturity not in _SCALE or delivery not in _SCALE:
        return ""
    gap = _SCALE[maturity] - _SCALE[delivery]
    if gap >= 2:
        return (
            "Your practices score well above your delivery performance, which usually means "
            "they are not yet applied along the whole path to production, or that the key "
            "metrics are estimates worth measuring."
        )
    if gap <= -2:
        return (
            "Your key metrics are well ahead of your practice maturity, which usually means "
            "delivery rests on a few people or a simple system today, and the missing "
            "practices are what keep it fast and stable as things grow."
        )
    return ""


def since_last_time(document: dict, previous: dict | None) -> dict | None:
    """What changed from the previous result of the same team and framework: the overall
    score, each domain, each key metric and the delivery performance."""
    if previous is None:
        return None
    before = previous["result"]

    def change(old, new):
        return None if old is None or new is None else new - old

    old_domains = {d["id"]: d["percent"] for d in before["domains"]}
    old_metrics = {m["domain_id"]: m["performance_level"] for m in before["metrics"]}
    old_delivery = (before.get("delivery_performance") or {}).get("level")
    new_delivery = (document.get("delivery_performance") or {}).get("level")
    return {
        "assessment_id": previous["pk"],
        "title": previous["title"],
        "submitted_at": previous["submitted_at"],
        "overall": change(before["overall_percent"], document["overall_percent"]),
        "domains": [
            (d["name"], change(old_domains.get(d["id"]), d["percent"])) for d in document["domains"]
        ],
        "metrics": [
            (m["name"], old_metrics.get(m["domain_id"], ""), m["performance_level"])
            for m in document["metrics"]
        ],
        "delivery": (old_delivery, new_delivery) if document.get("delivery_performance") else None,
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
                "reason": item.get("reason", ""),
                "current": question.guidance_for(item["current_score"]),
                "next": question.guidance_for(item["current_score"] + 1),
            }
        )

    measured = document.get("measured")  # the team's data at submission (delivery/)
    found = {row["key_metric"]: row for row in measured["metrics"]} if measured else {}
    metrics = []
    for item in document["metrics"]:
        question = questions.get(item["question_id"])
        metrics.append(
            {
                **item,
                "measured": found.get(item.get("key_metric")),
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
    delivery = document.get("delivery_performance")
    maturity = document["maturity_level"]
    # The same classification from the team's data at submission, beside the answered one.
    measured_delivery = (
        scoring.delivery_performance(
            {row["key_metric"]: row["measured"] or key_metrics.UNKNOWN for row in found.values()}
        )
        if delivery and found
        else None
    )
    return {
        "what_if": None,
        "changed": (),
        "since": None,
        "contributors": (),
        "result": document,
        "delivery": delivery,
        "measured": measured,
        "measured_delivery": measured_delivery,
        "gap_note": level_gap_note(
            maturity["name"] if maturity else None, delivery["level"] if delivery else None
        ),
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
        "agreement": agreement_card(document.get("agreement"), questions),
    }


def agreement_card(block: dict | None, questions: dict) -> dict | None:
    """What the results page says of the respondents' agreement: "Agreed on 19 of 25
    questions", and the widest spreads (at most three), counts only. None for an
    assessment answered together."""
    if not block:
        return None
    widest = sorted(
        (
            (row["range"], questions[int(key)])
            for key, row in block["questions"].items()
            if row["range"] and int(key) in questions
        ),
        key=lambda pair: (-pair[0], pair[1].number),
    )[:3]
    return {
        "respondents": block.get("respondents"),
        "agreed": block["agreed"],
        "total": block["total"],
        "widest": [
            {"question": q, "range": r, "row": block["questions"][str(q.id)]}
            for r, q in widest
            if r > 1
        ],
    }
