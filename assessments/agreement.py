"""Where a team's respondents agree: the pure rules of an assessment answered "each on your
own, then together" (issue 22), with no database in sight.

- A respondent's answer to a question is a score 0-5, "not applicable" (NA), or nothing.
- The spread of a question: how many chose each score and NA, the median and the range of
  the scores (NA left out of both), and "discuss" when the scores lie two or more points
  apart.
- The team's starting answer: the median of the scores, the lower of the two middle ones
  for an even count; NA only when most of those who answered chose it.
- Agreement: the share of questions whose scores lie within one point of each other (a
  question with fewer than two scores cannot disagree and counts as agreed).
- No spread is shown when fewer than the minimum answered (min_respondents): a small
  group's answers would be all but named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

NA = "na"
SCORES = range(6)
DISCUSS_AT = 2  # points between the lowest and the highest score
AGREED_WITHIN = 1
MIN_RESPONDENTS = 3


@dataclass(frozen=True)
class Spread:
    counts: dict[int, int]  # score -> how many chose it (every score 0-5, zero included)
    not_applicable: int
    answered: int  # scores and NA
    median: int | None  # of the scores; the lower middle one for an even count
    low: int | None
    high: int | None

    @property
    def range(self) -> int | None:
        return None if self.low is None else self.high - self.low

    @property
    def text(self) -> str:
        """ "1× 2, 1× 3, 1× not applicable": how many chose what, never who."""
        parts = [f"{n}× {score}" for score, n in self.counts.items() if n]
        if self.not_applicable:
            parts.append(f"{self.not_applicable}× not applicable")
        return ", ".join(parts)

    @property
    def discuss(self) -> bool:
        return self.range is not None and self.range >= DISCUSS_AT

    @property
    def agreed(self) -> bool:
        return self.range is None or self.range <= AGREED_WITHIN


def spread(answers: Iterable[int | str | None]) -> Spread:
    """The spread of one question's answers (see the module's rules)."""
    answers = list(answers)
    scores = sorted(a for a in answers if isinstance(a, int) and not isinstance(a, bool))
    not_applicable = sum(1 for a in answers if a == NA)
    counts = dict.fromkeys(SCORES, 0)
    for score in scores:
        counts[score] += 1
    return Spread(
        counts=counts,
        not_applicable=not_applicable,
        answered=len(scores) + not_applicable,
        median=scores[(len(scores) - 1) // 2] if scores else None,
        low=scores[0] if scores else None,
        high=scores[-1] if scores else None,
    )


def team_answer(found: Spread) -> int | str | None:
    """Where the team's answer starts: NA when most chose it, else the median score."""
    if found.answered and found.not_applicable * 2 > found.answered:
        return NA
    return found.median


def required(min_respondents: int, members: int) -> int:
    """How many must have finished before a reveal: the team's minimum (never below
    MIN_RESPONDENTS), or every member when the team has fewer."""
    return min(max(min_respondents, MIN_RESPONDENTS), members)


def agreement(spreads: dict) -> dict:
    """The agreement block of a result: per question its counts, median and range, and the
    share of questions agreed within one point. `spreads` maps a question's key (its id as
    text) to its Spread."""
    agreed = sum(1 for s in spreads.values() if s.agreed)
    return {
        "questions": {
            key: {
                "counts": {str(score): n for score, n in s.counts.items()},
                "not_applicable": s.not_applicable,
                "median": s.median,
                "range": s.range,
            }
            for key, s in spreads.items()
        },
        "agreed": agreed,
        "total": len(spreads),
        "share_agreed": agreed / len(spreads) if spreads else None,
    }
