"""The scoring rules, table-driven, with expectations computed by hand. No database."""

from decimal import Decimal
from fractions import Fraction

import pytest

from assessments.scoring import (
    UNKNOWN,
    Coverage,
    DomainSpec,
    FrameworkSpec,
    LevelSpec,
    domain_percent,
    maturity_level,
    metric_outlook,
    recommendations,
    score,
)

DORA_LABELS = ((0, ""), (1, "Low"), (2, "Low"), (3, "Medium"), (4, "High"), (5, "Elite"))
DORA_LEVELS = (
    LevelSpec(1, "Initial", Decimal(0)),
    LevelSpec(2, "Low", Decimal(20)),
    LevelSpec(3, "Medium", Decimal(40)),
    LevelSpec(4, "High", Decimal(60)),
    LevelSpec(5, "Elite", Decimal(80)),
)


def dora_like() -> FrameworkSpec:
    """DORA's shape: 25/25/20/20/10 with 5/5/4/5/6 questions; ids 1-25 in order."""
    sizes, weights, names = (5, 5, 4, 5, 6), (25, 25, 20, 20, 10), ("DF", "LT", "CFR", "MTTR", "EP")
    domains, next_id = [], 1
    for number, (size, weight, name) in enumerate(zip(sizes, weights, names, strict=True), 1):
        ids = tuple(range(next_id, next_id + size))
        next_id += size
        metric = number <= 4
        domains.append(
            DomainSpec(
                id=number,
                name=name,
                weight=Decimal(weight),
                question_ids=ids,
                headline_question_id=ids[0] if metric else None,
                performance_labels=DORA_LABELS if metric else (),
            )
        )
    return FrameworkSpec(domains=tuple(domains), levels=DORA_LEVELS)


DORA = dora_like()
DOMAIN_OF = {q: d for d in DORA.domains for q in d.question_ids}


def answers(default, **by_domain):
    """Every DORA question answered `default`, except whole domains given by name."""
    result = {}
    for domain in DORA.domains:
        value = by_domain.get(domain.name, default)
        for q in domain.question_ids:
            result[q] = value
    return result


@pytest.mark.parametrize(
    ("given", "overall", "level"),
    [
        (answers(5), Fraction(100), "Elite"),
        (answers(4), Fraction(80), "Elite"),
        (answers(3), Fraction(60), "High"),
        (answers(2), Fraction(40), "Medium"),
        (answers(1), Fraction(20), "Low"),
        (answers(0), Fraction(0), "Initial"),
        # Deployment Frequency all 5 (100%), everything else all 1 (20%):
        # (25 x 100 + 75 x 20) / 100 = 40.
        (answers(1, DF=5), Fraction(40), "Medium"),
        # Enabling Practices all 5, the rest 0: 10 x 100 / 100 = 10.
        (answers(0, EP=5), Fraction(10), "Initial"),
        # Change Failure Rate not applicable throughout: weights renormalised over 80.
        # DF 100, LT 100, MTTR 0, EP 0 -> (25 x 100 + 25 x 100) / 80 = 62.5.
        (answers(0, DF=5, LT=5, CFR=None), Fraction(125, 2), "High"),
    ],
    ids=["all-5", "all-4", "all-3", "all-2", "all-1", "all-0", "df-5-rest-1", "ep-only", "cfr-na"],
)
def test_overall_percentage_and_level(given, overall, level):
    result = score(DORA, given)
    assert result.overall_percent == overall
    assert result.level.name == level


def test_a_domain_percentage_is_the_mean_of_its_scored_questions():
    df = DORA.domains[0]
    # scores 5, 4, 3, N/A, 0 -> mean of 5, 4, 3, 0 = 3 -> 60%
    given = {1: 5, 2: 4, 3: 3, 4: None, 5: 0}
    assert domain_percent(df, given) == Fraction(60)


def test_not_applicable_answers_are_left_out_and_counted_in_the_coverage():
    given = answers(4)
    given[2] = None  # one DF question
    given[21] = None  # one EP question
    result = score(DORA, given)
    assert result.overall_percent == Fraction(80)
    assert result.coverage == Coverage(scored=23, not_applicable=2, total=25)
    assert str(result.coverage) == "scored on 23 of 25 questions; 2 not applicable"
    assert result.domains[0].scored == 4 and result.domains[0].not_applicable == 1


def test_a_wholly_not_applicable_domain_has_no_percentage_and_no_weight():
    result = score(DORA, answers(3, EP=None))
    ep = result.domains[4]
    assert ep.percent is None and ep.contribution is None
    assert result.overall_percent == Fraction(60)
    assert sum(d.contribution for d in result.domains if d.contribution) == Fraction(60)


def test_everything_not_applicable_gives_no_score_and_no_level():
    result = score(DORA, answers(None))
    assert result.overall_percent is None and result.level is None
    assert str(result.coverage) == "scored on 0 of 25 questions; 25 not applicable"


def test_contributions_add_up_to_the_overall_percentage():
    result = score(DORA, answers(1, DF=5, LT=4))
    # DF 100 x 25% = 25; LT 80 x 25% = 20; CFR, MTTR, EP 20 x 20/20/10% = 4 + 4 + 2
    assert [d.contribution for d in result.domains] == [25, 20, 4, 4, 2]
    assert result.overall_percent == 55


@pytest.mark.parametrize(
    ("percent", "level"),
    [
        (Fraction(0), "Initial"),
        (Fraction(1999, 100), "Initial"),
        (Fraction(20), "Low"),
        (Fraction(3999, 100), "Low"),
        (Fraction(40), "Medium"),
        (Fraction(5999, 100), "Medium"),
        (Fraction(60), "High"),
        (Fraction(7999, 100), "High"),
        (Fraction(79999999, 1000000), "High"),
        (Fraction(80), "Elite"),
        (Fraction(100), "Elite"),
    ],
)
def test_level_boundaries_are_compared_exactly(percent, level):
    assert maturity_level(DORA_LEVELS, percent).name == level


def test_a_score_just_below_a_boundary_stays_below_it():
    # 19 fives and 1 four in one 20-question domain: mean 4.95 -> 99%; and a case that
    # lands a hair under 80: two domains 50/50, one at 80% and one at 79.99...
    spec = FrameworkSpec(
        domains=(
            DomainSpec(1, "A", Decimal(50), tuple(range(1, 4))),
            DomainSpec(2, "B", Decimal(50), tuple(range(4, 7))),
        ),
        levels=DORA_LEVELS,
    )
    # A: 4, 4, 4 -> 80; B: 4, 4, 3 -> 73.33; overall 76.67 -> High
    result = score(spec, {1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 3})
    assert result.overall_percent == Fraction(230, 3)
    assert result.level.name == "High"


def test_a_framework_with_other_weights_and_levels():
    spec = FrameworkSpec(
        domains=(
            DomainSpec(1, "Culture", Decimal("33.33"), (1, 2)),
            DomainSpec(2, "Tools", Decimal("66.67"), (3,)),
        ),
        levels=(
            LevelSpec(1, "Starting", Decimal(0)),
            LevelSpec(2, "Practising", Decimal(50)),
            LevelSpec(3, "Leading", Decimal(90)),
        ),
    )
    # Culture (5 + 3) / 2 = 4 -> 80; Tools 5 -> 100.
    # (33.33 x 80 + 66.67 x 100) / 100 = 93.334
    result = score(spec, {1: 5, 2: 3, 3: 5})
    assert result.overall_percent == Fraction(93334, 1000)
    assert result.level.name == "Leading"
    assert score(spec, {1: 2, 2: 3, 3: 2}).level.name == "Starting"  # 33.33x50+66.67x40 = 43.33


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        (5, "Elite"),
        (4, "High"),
        (3, "Medium"),
        (2, "Low"),
        (1, "Low"),
        (0, UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_each_key_metric_takes_the_label_of_its_headline_answer(headline, expected):
    given = answers(3)
    for domain in DORA.domains[:4]:
        given[domain.headline_question_id] = headline
    result = score(DORA, given)
    assert [m.name for m in result.metrics] == ["DF", "LT", "CFR", "MTTR"]
    assert {m.performance_level for m in result.metrics} == {expected}


def test_a_domain_without_labels_is_not_a_key_metric():
    assert len(score(DORA, answers(3)).metrics) == 4


def test_without_a_constraint_recommendations_rank_by_gap_then_gain_then_order():
    # (This spec names no key metric, so nothing limits: the gap ranks first.)
    given = answers(5)
    given[1] = 2  # DF (25%, 5 questions): gain 25/100 x 20 / 5 = 1.0
    given[11] = 4  # CFR (20%, 4 questions): 20/100 x 20 / 4 = 1.0
    given[20] = 0  # EP (10%, 6 questions): 10/100 x 20 / 6 = 1/3, but the largest gap
    given[6] = 3  # LT (25%, 5 questions): 1.0
    given[7] = 3  # LT again, same score and gain: reading order
    given[21] = 3  # EP at 3: same gap as LT, smaller gain
    ranked = recommendations(DORA, given)
    assert [(r.question_id, r.current_score, r.gain_percent) for r in ranked] == [
        (20, 0, Fraction(1, 3)),
        (1, 2, Fraction(1)),
        (6, 3, Fraction(1)),
        (7, 3, Fraction(1)),
        (21, 3, Fraction(1, 3)),
        (11, 4, Fraction(1)),
    ]
    assert ranked[0].reason == "5 levels below the top" and not ranked[0].constraint


def test_recommendations_use_renormalised_weights_and_scored_counts():
    given = answers(5, CFR=None, EP=None)
    given[1] = 1
    given[2] = None  # DF now has 4 scored questions
    # weights over scored domains: 25 + 25 + 20 = 70; DF gain = 25/70 x 20 / 4
    (only,) = recommendations(DORA, given)
    assert only.gain_percent == Fraction(25, 70) * 20 / 4


def test_rising_one_level_adds_exactly_the_stated_gain():
    given = answers(2, EP=4)
    for rec in recommendations(DORA, given):
        raised = {**given, rec.question_id: given[rec.question_id] + 1}
        assert (
            score(DORA, raised).overall_percent - score(DORA, given).overall_percent
            == rec.gain_percent
        )


def test_no_recommendation_for_fives_or_not_applicable():
    given = answers(5)
    given[3] = None
    assert recommendations(DORA, given) == ()


@pytest.mark.parametrize(
    ("headline", "current", "next_level", "next_score"),
    [
        (5, "Elite", None, None),
        (4, "High", "Elite", 5),
        (3, "Medium", "High", 4),
        (2, "Low", "Medium", 3),
        (1, "Low", "Medium", 3),
        (0, UNKNOWN, "Low", 1),
        (None, UNKNOWN, "Low", 1),
    ],
)
def test_metric_outlook_names_the_next_better_bucket(headline, current, next_level, next_score):
    df = DORA.domains[0]
    outlook = metric_outlook(df, {df.headline_question_id: headline})
    assert (outlook.current_level, outlook.next_level, outlook.next_score) == (
        current,
        next_level,
        next_score,
    )
