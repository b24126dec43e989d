"""Properties of the scoring functions over generated frameworks and answers (hypothesis)."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    DomainSpec,
    FrameworkSpec,
    LevelSpec,
    maturity_level,
    recommendations,
    score,
)

ANSWER = st.one_of(st.integers(min_value=0, max_value=5), st.none())  # None: not applicable


@st.composite
def frameworks(draw):
    sizes = draw(st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=6))
    weights = draw(
        st.lists(
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2),
            min_size=len(sizes),
            max_size=len(sizes),
        )
    )
    domains, next_id = [], 1
    for index, (size, weight) in enumerate(zip(sizes, weights, strict=True), start=1):
        domains.append(
            DomainSpec(index, f"D{index}", weight, tuple(range(next_id, next_id + size)))
        )
        next_id += size
    bounds = sorted(draw(st.sets(st.integers(min_value=1, max_value=99), max_size=5)))
    levels = tuple(LevelSpec(n, f"L{n}", Decimal(b)) for n, b in enumerate([0, *bounds], start=1))
    return FrameworkSpec(tuple(domains), levels)


@st.composite
def framework_and_answers(draw):
    spec = draw(frameworks())
    ids = [q for d in spec.domains for q in d.question_ids]
    answers = dict(
        zip(ids, draw(st.lists(ANSWER, min_size=len(ids), max_size=len(ids))), strict=True)
    )
    return spec, answers


@settings(max_examples=300, deadline=None)
@given(framework_and_answers())
def test_percentages_stay_between_0_and_100(case):
    spec, answers = case
    result = score(spec, answers)
    for domain in result.domains:
        assert domain.percent is None or 0 <= domain.percent <= 100
    assert result.overall_percent is None or 0 <= result.overall_percent <= 100


@settings(max_examples=300, deadline=None)
@given(framework_and_answers(), st.data())
def test_raising_any_single_answer_never_lowers_the_overall_score(case, data):
    spec, answers = case
    raisable = [q for q, a in answers.items() if a is not None and a < 5]
    if not raisable:
        return
    question = data.draw(st.sampled_from(raisable))
    higher = data.draw(st.integers(min_value=answers[question] + 1, max_value=5))
    before = score(spec, answers).overall_percent
    after = score(spec, {**answers, question: higher}).overall_percent
    assert after >= before


@settings(max_examples=300, deadline=None)
@given(framework_and_answers(), st.data())
def test_marking_a_question_not_applicable_never_changes_other_domains(case, data):
    spec, answers = case
    question = data.draw(st.sampled_from(sorted(answers)))
    changed = {**answers, question: None}
    before, after = score(spec, answers), score(spec, changed)
    owner = next(d.id for d in spec.domains if question in d.question_ids)
    for old, new in zip(before.domains, after.domains, strict=True):
        if old.domain_id != owner:
            assert old.percent == new.percent


@settings(max_examples=300, deadline=None)
@given(
    frameworks(),
    st.fractions(min_value=0, max_value=100),
    st.fractions(min_value=0, max_value=100),
)
def test_the_level_is_monotonic_in_the_overall_percentage(spec, a, b):
    low, high = sorted((a, b))
    assert maturity_level(spec.levels, low).level <= maturity_level(spec.levels, high).level


@settings(max_examples=200, deadline=None)
@given(framework_and_answers())
def test_each_recommendations_gain_is_exactly_what_rising_one_level_adds(case):
    spec, answers = case
    before = score(spec, answers).overall_percent
    for rec in recommendations(spec, answers):
        raised = score(spec, {**answers, rec.question_id: rec.current_score + 1}).overall_percent
        assert raised - before == rec.gain_percent
        assert isinstance(rec.gain_percent, Fraction)
