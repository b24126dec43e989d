"""The pure rules of answering each on one's own, then together (assessments/agreement.py),
as tables."""

import pytest

from assessments.agreement import NA, agreement, required, spread, team_answer


@pytest.mark.parametrize(
    ("answers", "median", "low_high", "discuss", "agreed", "start"),
    [
        ([3, 3, 3], 3, (3, 3), False, True, 3),
        ([2, 3, 4], 3, (2, 4), True, False, 3),  # two apart: discuss
        ([2, 3, 3, 4], 3, (2, 4), True, False, 3),
        ([1, 2, 4, 5], 2, (1, 5), True, False, 2),  # even count: the lower middle one
        ([3, 4], 3, (3, 4), False, True, 3),  # one apart: agreed
        ([0, 5, 5], 5, (0, 5), True, False, 5),
        ([NA, NA, 3], 3, (3, 3), False, True, NA),  # most chose NA
        ([NA, 2, 3, 4], 3, (2, 4), True, False, 3),  # a minority's NA does not count
        ([NA, NA, 2, 4], 2, (2, 4), True, False, 2),  # half is not most
        ([NA, NA, NA], None, (None, None), False, True, NA),
        ([None, None, 4], 4, (4, 4), False, True, 4),  # not answered: left out
        ([], None, (None, None), False, True, None),
    ],
)
def test_the_spread_and_where_the_team_starts(answers, median, low_high, discuss, agreed, start):
    found = spread(answers)
    assert found.median == median and (found.low, found.high) == low_high
    assert (found.discuss, found.agreed) == (discuss, agreed)
    assert team_answer(found) == start
    assert sum(found.counts.values()) + found.not_applicable == found.answered


def test_counts_per_score_include_zero_counts():
    found = spread([0, 0, 5, NA])
    assert found.counts == {0: 2, 1: 0, 2: 0, 3: 0, 4: 0, 5: 1}
    assert found.text == "2× 0, 1× 5, 1× not applicable"


@pytest.mark.parametrize(
    ("minimum", "members", "expected"),
    [(3, 8, 3), (5, 8, 5), (1, 8, 3), (3, 2, 2), (5, 4, 4), (3, 1, 1)],
)
def test_how_many_must_finish_before_a_reveal(minimum, members, expected):
    assert required(minimum, members) == expected


def test_the_agreement_block_counts_questions_agreed_within_one_point():
    block = agreement({"1": spread([3, 3, 4]), "2": spread([1, 4, 4]), "3": spread([NA])})
    assert (block["agreed"], block["total"]) == (2, 3)
    assert block["share_agreed"] == pytest.approx(2 / 3)
    assert block["questions"]["2"] == {
        "counts": {"0": 0, "1": 1, "2": 0, "3": 0, "4": 2, "5": 0},
        "not_applicable": 0,
        "median": 4,
        "range": 3,
    }
    assert agreement({})["share_agreed"] is None
