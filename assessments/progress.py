"""Where a draft stands: answered counts per step, time left, and what is still open.
Pure functions over a framework tree and the answers by question id."""

from __future__ import annotations

import math

from frameworks.tree import FrameworkTree, GateNode


def gate_label(tree: FrameworkTree, gate: GateNode) -> str:
    """A step's name: the domain's, and the gate's too when the domain has several."""
    domain = next(d for d in tree.domains if gate in d.gates)
    return domain.name if len(domain.gates) == 1 else f"{domain.name}: {gate.name}"


def minutes_for(tree: FrameworkTree, questions: int) -> int:
    """The time `questions` of the framework take: its whole estimate shared out evenly
    over its questions (DORA's 75 minutes for 25 are 3 a question), rounded up."""
    total = len(tree.questions)
    return math.ceil(tree.estimated_minutes * questions / total) if total else 0


def estimate(tree: FrameworkTree) -> dict:
    """How long the framework takes, in all and per step, for the start page."""
    steps = [minutes_for(tree, len(gate.questions)) for gate in tree.gates]
    return {
        "label": tree.label,
        "questions": len(tree.questions),
        "steps": len(steps),
        "minutes": tree.estimated_minutes,
        "step_minutes": (min(steps), max(steps)) if steps else (0, 0),
    }


def _is_answered(answers: dict, question_id) -> bool:
    answer = answers.get(question_id)
    return answer is not None and answer.is_answered


def progress(tree: FrameworkTree, answers: dict, current_gate=None) -> dict:
    """Answered counts for the step list and the overall progress bar."""
    steps = []
    for number, gate in enumerate(tree.gates, start=1):
        done = sum(1 for q in gate.questions if _is_answered(answers, q.id))
        steps.append(
            {
                "number": number,
                "label": gate_label(tree, gate),
                "answered": done,
                "total": len(gate.questions),
                "minutes": minutes_for(tree, len(gate.questions)),
                "complete": done == len(gate.questions),
                "current": gate is current_gate,
            }
        )
    answered = sum(step["answered"] for step in steps)
    total = len(tree.questions)
    left = total - answered
    return {
        "steps": steps,
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
        "minutes_left": minutes_for(tree, left),
    }


def first_open_step(tree: FrameworkTree, answers: dict) -> int | None:
    """The number of the first step with an unanswered question, or None when all are."""
    for step in progress(tree, answers)["steps"]:
        if not step["complete"]:
            return step["number"]
    return None


def review(tree: FrameworkTree, answers: dict) -> dict:
    """Per domain, what is answered and which questions (with their step) are still open;
    the answers with notes or a not-applicable reason; the progress."""
    domains = []
    for domain in tree.domains:
        unanswered = []
        for gate in domain.gates:
            step = tree.gates.index(gate) + 1
            unanswered.extend((q, step) for q in gate.questions if not _is_answered(answers, q.id))
        domains.append(
            {
                "domain": domain,
                "total": len(domain.questions),
                "answered": len(domain.questions) - len(unanswered),
                "unanswered": unanswered,
            }
        )
    notes = [
        (q, answers[q.id])
        for q in tree.questions
        if q.id in answers and (answers[q.id].notes or answers[q.id].not_applicable)
    ]
    return {
        "domains": domains,
        "notes": notes,
        "progress": progress(tree, answers),
    }
