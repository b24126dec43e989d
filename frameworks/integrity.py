"""The framework integrity check: one list of problems, one line each.

It runs over a FrameworkTree, so the same check serves frameworks in the database
(`validate_frameworks`, the admin, `loaddata`) and framework documents before they are
imported.
"""

from decimal import Decimal

from . import key_metrics
from .models import SCORES, trim_decimal
from .tree import DomainNode, FrameworkTree, QuestionNode

HUNDRED = Decimal(100)


def _domain(domain: DomainNode) -> str:
    return f"domain {domain.position} '{domain.name}'"


def _question(domain: DomainNode, question: QuestionNode) -> str:
    return f"{_domain(domain)}: question {question.number} '{question.topic}'"


def framework_problems(tree: FrameworkTree) -> list[str]:
    """Everything that keeps the framework from being assessed, or [] when it is sound."""
    prefix = f"{tree.label}: "
    problems: list[str] = []

    if not tree.domains:
        problems.append("has no domains")
    else:
        total = sum((d.weight for d in tree.domains), Decimal(0))
        if total != HUNDRED:
            weights = " + ".join(trim_decimal(d.weight) for d in tree.domains)
            problems.append(f"domain weights sum to {trim_decimal(total)} ({weights}), not 100")

    for domain in tree.domains:
        if domain.weight <= 0:
            problems.append(f"{_domain(domain)}: weight must be above 0")
        if not domain.gates:
            problems.append(f"{_domain(domain)}: has no gate")
        if domain.key_metric and domain.headline_question is None:
            problems.append(
                f"{_domain(domain)}: stands for a key metric but no question's guidance "
                "carries performance labels"
            )
        if domain.headline_question is not None:
            buckets = [g.bucket for g in domain.headline_question.guidance]
            if domain.key_metric:
                bound_problems = key_metrics.bound_problems(domain.key_metric, buckets)
            elif any(b.bounded for b in buckets):
                bound_problems = ["measured bounds need the domain to stand for a key metric"]
            else:
                bound_problems = []
            problems.extend(
                f"{_question(domain, domain.headline_question)}: {p}" for p in bound_problems
            )
        for gate in domain.gates:
            if not gate.questions:
                problems.append(
                    f"{_domain(domain)}: gate {gate.position} '{gate.name}' has no question"
                )
        for question in domain.questions:
            present = [g.score for g in question.guidance]
            missing = [s for s in SCORES if s not in present]
            if missing:
                scores = ", ".join(str(s) for s in missing)
                plural = "scores" if len(missing) > 1 else "score"
                problems.append(f"{_question(domain, question)}: no guidance for {plural} {scores}")
            unknown = sorted({s for s in present if s not in SCORES})
            if unknown:
                problems.append(
                    f"{_question(domain, question)}: guidance for scores outside 0-5: "
                    + ", ".join(str(s) for s in unknown)
                )
            if len(present) != len(set(present)):
                problems.append(f"{_question(domain, question)}: more than one guidance per score")
            bounded = any(g.bucket.bounded for g in question.guidance)
            if bounded and question is not domain.headline_question:
                problems.append(
                    f"{_question(domain, question)}: only a key metric's headline question "
                    "carries measured bounds"
                )

    problems.extend(_level_problems(tree))
    return [prefix + problem for problem in problems]


def _level_problems(tree: FrameworkTree) -> list[str]:
    if not tree.levels:
        return ["has no maturity levels"]
    problems = []
    bounds = [level.lower_bound for level in tree.levels]  # sorted by lower bound
    if bounds[0] != 0:
        problems.append(
            f"maturity levels must start at 0, the lowest starts at {trim_decimal(bounds[0])}"
        )
    if len(set(bounds)) != len(bounds):
        problems.append("maturity levels overlap: two levels start at the same percentage")
    if any(b < 0 or b > HUNDRED for b in bounds):
        problems.append("maturity level lower bounds must lie between 0 and 100")
    numbers = [level.level for level in tree.levels]
    if len(set(numbers)) != len(numbers):
        problems.append("maturity levels overlap: two levels have the same number")
    elif numbers != sorted(numbers):
        problems.append("maturity level numbers must rise with their lower bounds")
    return problems
