"""The integrity check as a pure function over framework trees (no database)."""

from decimal import Decimal

import pytest

from frameworks.integrity import framework_problems
from frameworks.tree import build_tree

FRAMEWORK = {
    "id": None,
    "slug": "t",
    "version": "1.0",
    "name": "T",
    "description": "",
    "estimated_minutes": 10,
    "is_published": True,
}
LEVELS = [
    {"level": 1, "name": "Low", "lower_bound": Decimal(0), "description": ""},
    {"level": 2, "name": "High", "lower_bound": Decimal(50), "description": ""},
]


def guidance(question_id, scores=range(6)):
    return [
        {
            "question_id": question_id,
            "score": s,
            "description": "d",
            "example": "e",
            "performance_label": "",
        }
        for s in scores
    ]


def tree(*, weights=(60, 40), gates=None, questions=None, guidance_rows=None, levels=LEVELS):
    domains = [
        {"id": i, "position": i, "name": f"D{i}", "description": "", "weight": Decimal(w)}
        for i, w in enumerate(weights, start=1)
    ]
    if gates is None:
        gates = [
            {"id": i, "domain_id": i, "position": 1, "name": f"G{i}", "description": ""}
            for i in range(1, len(weights) + 1)
        ]
    if questions is None:
        questions = [
            {
                "id": g["id"],
                "gate_id": g["id"],
                "position": 1,
                "topic": f"Q{g['id']}",
                "text": "?",
                "why_it_matters": "",
                "benchmark_note": "",
            }
            for g in gates
        ]
    if guidance_rows is None:
        guidance_rows = [row for q in questions for row in guidance(q["id"])]
    return build_tree(FRAMEWORK, domains, gates, questions, guidance_rows, levels)


def test_it_finds_no_problem_in_a_sound_framework():
    assert framework_problems(tree()) == []


def test_it_reports_weights_that_do_not_sum_to_100():
    problems = framework_problems(tree(weights=(50, 40)))
    assert problems == ["T 1.0: domain weights sum to 90 (50 + 40), not 100"]


def test_it_accepts_fractional_weights_that_sum_exactly_to_100():
    assert framework_problems(tree(weights=("33.33", "33.33", "33.34"))) == []


def test_it_reports_a_domain_without_a_gate():
    gates = [{"id": 1, "domain_id": 1, "position": 1, "name": "G1", "description": ""}]
    problems = framework_problems(tree(gates=gates))
    assert problems == ["T 1.0: domain 2 'D2': has no gate"]


def test_it_reports_a_gate_without_a_question():
    questions = [
        {
            "id": 1,
            "gate_id": 1,
            "position": 1,
            "topic": "Q1",
            "text": "?",
            "why_it_matters": "",
            "benchmark_note": "",
        }
    ]
    problems = framework_problems(tree(questions=questions))
    assert problems == ["T 1.0: domain 2 'D2': gate 1 'G2' has no question"]


def test_it_names_the_question_missing_guidance_for_a_score():
    rows = guidance(1) + guidance(2, scores=(0, 1, 2, 4, 5))
    problems = framework_problems(tree(guidance_rows=rows))
    assert problems == ["T 1.0: domain 2 'D2': question 2 'Q2': no guidance for score 3"]


def test_it_lists_every_missing_score():
    rows = guidance(1, scores=(0, 5)) + guidance(2)
    problems = framework_problems(tree(guidance_rows=rows))
    assert problems == ["T 1.0: domain 1 'D1': question 1 'Q1': no guidance for scores 1, 2, 3, 4"]


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ((10, 50), "maturity levels must start at 0, the lowest starts at 10"),
        ((0, 0), "maturity levels overlap: two levels start at the same percentage"),
    ],
)
def test_it_reports_maturity_levels_that_do_not_start_at_0_or_overlap(bounds, expected):
    levels = [
        {"level": n, "name": f"L{n}", "lower_bound": Decimal(b), "description": ""}
        for n, b in enumerate(bounds, start=1)
    ]
    assert framework_problems(tree(levels=levels)) == [f"T 1.0: {expected}"]


def test_it_reports_a_framework_without_levels_or_domains():
    problems = framework_problems(tree(weights=(), levels=[]))
    assert problems == ["T 1.0: has no domains", "T 1.0: has no maturity levels"]


def test_it_reports_level_numbers_that_fall_as_bounds_rise():
    levels = [
        {"level": 2, "name": "A", "lower_bound": Decimal(0), "description": ""},
        {"level": 1, "name": "B", "lower_bound": Decimal(50), "description": ""},
    ]
    assert framework_problems(tree(levels=levels)) == [
        "T 1.0: maturity level numbers must rise with their lower bounds"
    ]
