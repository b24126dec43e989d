"""Exports of a submitted assessment's stored result: JSON and tidy CSV.

Both read the stored result (never re-score). Question and domain wording comes from the
framework; numbers are unrounded.
"""

from __future__ import annotations

import csv
from decimal import Decimal

from frameworks.tree import FrameworkTree, framework_tree

from .improvements import result_actions
from .models import Assessment
from .selectors import notes_by_assessment

# The JSON download's own format: 2 added question codes and topics, the maturity level's
# position and bound, the delivery performance and the recommendations' reasons.
JSON_FORMAT_VERSION = 3

CSV_HEADER = [
    "team",
    "assessment title",
    "submitted at",
    "framework",
    "version",
    "overall percent",
    "maturity level",
    "maturity level position",
    "maturity level lower bound",
    "delivery performance",
    "limiting key metrics",
    "domain",
    "domain weight",
    "domain percent",
    "question code",
    "question topic",
    "question",
    "score",
    "not applicable",
    "reason",
    "notes",
    # On a key metric's headline question: the team's data at submission (delivery/).
    "measured window",
    "measured value",
    "measured level",
    "answer and data disagree",
    # The improvement actions made from this result (or verified against it) on the question.
    "improvement actions",
    # Answered each on one's own, then together: how many chose each score (never who).
    "respondents' answers",
    "respondents' median",
    "respondents' range",
]


def _maturity(document: dict) -> dict | None:
    level = document["maturity_level"]
    if not level:
        return None
    return {"name": level["name"], "position": level["level"], "lower_bound": level["lower_bound"]}


def _delivery(document: dict) -> dict | None:
    delivery = document.get("delivery_performance")
    if not delivery:
        return None
    return {
        "level": delivery["level"],
        "limiting_metrics": delivery["limiting_names"],
        "known_metrics": delivery["known"],
        "throughput": delivery["throughput"],
        "stability": delivery["stability"],
    }


def _answer_rows(assessment: Assessment, tree: FrameworkTree, answers: dict):
    """(domain entry of the stored result, question node, answer) for every question."""
    document = assessment.result
    domains = {d["id"]: d for d in document["domains"]}
    for domain in tree.domains:
        stored = domains.get(domain.id, {"name": domain.name, "weight": None, "percent": None})
        for question in domain.questions:
            yield stored, question, answers.get(question.id)


def result_json_of(assessment: Assessment) -> dict:
    """The JSON document of a submitted assessment the caller may read, as the download and
    the API send it."""
    tree = framework_tree(assessment.framework)
    return result_json(assessment, tree, notes_by_assessment([assessment])[assessment.pk])


def result_json(assessment: Assessment, tree: FrameworkTree, answers: dict) -> dict:
    document = assessment.result
    questions = {q.id: q for q in tree.questions}
    return {
        "format_version": JSON_FORMAT_VERSION,
        "framework": {"name": tree.name, "version": tree.version},
        "team": assessment.team.name,
        "title": assessment.title,
        "submitted_at": assessment.submitted_at.isoformat(),
        "submitted_by": assessment.submitted_by.get_username() if assessment.submitted_by else None,
        "overall_percent": document["overall_percent"],
        "maturity_level": _maturity(document),
        "delivery_performance": _delivery(document),
        "coverage": document["coverage"],
        "domains": [
            {"name": d["name"], "weight": d["weight"], "percent": d["percent"]}
            for d in document["domains"]
        ],
        "metrics": [
            {
                "name": m["name"],
                "key_metric": m.get("key_metric", ""),
                "performance_level": m["performance_level"],
            }
            for m in document["metrics"]
        ],
        "answers": [
            {
                "domain": domain["name"],
                "code": f"Q{question.number}",
                "topic": question.topic,
                "question": question.text,
                "score": document["scores"].get(str(question.id)),
                "not_applicable": bool(answer and answer.not_applicable),
                "not_applicable_reason": answer.not_applicable_reason if answer else "",
                "notes": answer.notes if answer else "",
            }
            for domain, question, answer in _answer_rows(assessment, tree, answers)
        ],
        # The team's measured key metrics at submission, beside its answers (None when the
        # framework asks about no key metric, or the result predates measured data).
        "measured": document.get("measured"),
        # Where the respondents agreed, answering each on their own (counts only; None for
        # an assessment answered together).
        "agreement": _agreement(document.get("agreement"), questions),
        # The improvement actions made from this result or verified against it.
        "actions": [
            {
                **{k: v for k, v in action.items() if k != "question_ids"},
                "questions": [
                    f"Q{questions[qid].number}"
                    for qid in action["question_ids"]
                    if qid in questions
                ],
            }
            for action in result_actions(assessment)
        ],
        "recommendations": [
            {
                "code": f"Q{questions[r['question_id']].number}",
                "topic": questions[r["question_id"]].topic,
                "question": questions[r["question_id"]].text,
                "current_score": r["current_score"],
                "gain_percent": r["gain_percent"],
                "reason": r.get("reason", ""),
            }
            for r in document["recommendations"]
            if r["question_id"] in questions
        ],
    }


def _agreement(block: dict | None, questions: dict) -> dict | None:
    if not block:
        return None
    return {
        "respondents": block.get("respondents"),
        "agreed": block["agreed"],
        "total": block["total"],
        "share_agreed": block["share_agreed"],
        "questions": [
            {"code": f"Q{questions[int(key)].number}", **row}
            for key, row in block["questions"].items()
            if int(key) in questions
        ],
    }


def _spread_text(row: dict | None) -> str:
    """ "1× 2; 2× 3; 1× not applicable": a question's counts, for a spreadsheet cell."""
    if not row:
        return ""
    parts = [f"{n}× {score}" for score, n in row["counts"].items() if n]
    if row["not_applicable"]:
        parts.append(f"{row['not_applicable']}× not applicable")
    return "; ".join(parts)


def csv_cell(value) -> str:
    """Every cell of every CSV the site writes, header included, goes through here.

    Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
    formula, whoever wrote the text: a member's notes, or a framework's names from the
    admin or an imported document. A leading apostrophe keeps it the text it was. Numbers
    are written unrounded and never need it; nothing is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


class _Line:
    """A file-like object for csv.writer that hands back each line written."""

    def write(self, line: str) -> str:
        return line


def spreadsheet_csv_lines(header: list[str], rows):
    """CSV lines for spreadsheets, one at a time (for a streamed download): a byte-order
    mark first, so that spreadsheets detect UTF-8, then the header and the rows."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def _spreadsheet_csv(header: list[str], rows) -> str:
    return "".join(spreadsheet_csv_lines(header, rows))


def result_csv(assessment: Assessment, tree: FrameworkTree, answers: dict) -> str:
    """One row per question."""
    return _spreadsheet_csv(CSV_HEADER, _result_rows(assessment, tree, answers))


def _result_rows(assessment: Assessment, tree: FrameworkTree, answers: dict):
    document = assessment.result
    spreads = (document.get("agreement") or {}).get("questions", {})
    acting: dict[int, list[str]] = {}
    for action in result_actions(assessment):
        for qid in action["question_ids"]:
            acting.setdefault(qid, []).append(f"{action['title']} ({action['status']})")
    level = _maturity(document) or {}
    delivery = document.get("delivery_performance") or {}
    measured = document.get("measured") or {}
    found = {row["key_metric"]: row for row in measured.get("metrics", ())}
    headline = {d.headline_question.id: found.get(d.key_metric) for d in tree.key_metric_domains}
    for domain, question, answer in _answer_rows(assessment, tree, answers):
        data = headline.get(question.id)
        score = document["scores"].get(str(question.id))
        not_applicable = bool(answer and answer.not_applicable)
        yield (
            [
                assessment.team.name,
                assessment.title,
                assessment.submitted_at.isoformat(),
                tree.name,
                tree.version,
                document["overall_percent"],
                level.get("name", ""),
                level.get("position"),
                level.get("lower_bound"),
                (delivery.get("level") or "not enough answers") if delivery else "",
                "; ".join(delivery.get("limiting_names", ())),
                domain["name"],
                domain["weight"],
                domain["percent"],
                f"Q{question.number}",
                question.topic,
                question.text,
                score,
                not_applicable,
                answer.not_applicable_reason if answer else "",
                answer.notes if answer else "",
                f"{measured['start']} to {measured['end']}" if data else "",
                (data["value"] or "nothing to measure") if data else "",
                (data["measured"] or "too little data") if data else "",
                data["differs"] if data else "",
                "; ".join(acting.get(question.id, ())),
                _spread_text(spreads.get(str(question.id))),
                (spreads.get(str(question.id)) or {}).get("median"),
                (spreads.get(str(question.id)) or {}).get("range"),
            ]
        )


def overview_csv_lines(rows, metric_names: list[str]):
    """The organisation overview as CSV lines: one row per team and framework."""
    header = [
        "team",
        "framework",
        "assessment title",
        "submitted at",
        "overall percent",
        "maturity level",
        "delivery performance",
        *metric_names,
        "key metrics where answers and data disagree",
        "share of questions the respondents agreed on",
        "due",
        "drafts in progress",
        "actions in progress",
        "actions verified",
    ]
    return spreadsheet_csv_lines(header, _overview_rows(rows, metric_names))


def _overview_rows(rows, metric_names: list[str]):
    for row in rows:
        latest = row.latest
        metrics = dict(latest.metrics) if latest else {}
        yield [
            row.team.name,
            latest.framework if latest else "",
            latest.title if latest else "",
            latest.submitted_at.isoformat() if latest else "",
            latest.overall_percent if latest else None,
            latest.maturity_level if latest else "",
            latest.delivery_performance if latest else "",
            *(metrics.get(name, "") for name in metric_names),
            latest.disagreements if latest else None,
            latest.agreement if latest else None,
            row.due,
            row.drafts,
            row.actions_in_progress,
            row.actions_verified,
        ]
