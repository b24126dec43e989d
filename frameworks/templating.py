"""Filters for the site's Jinja2 templates about framework content: percentages (weights,
level bounds and scores). Found by dora_site.jinja2's environment."""

from decimal import ROUND_DOWN, Decimal


def truncated(value, places: int = 1) -> str:
    """A number with `places` decimals, cut rather than rounded: 79.98 -> "79.9"."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return f"{number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)}"


def number(value, places: int = 1, missing: str = "–") -> str:
    """Points of a score (a domain's contribution), truncated like `percent`; None reads as
    `missing`."""
    return missing if value is None else truncated(value, places)


def percent(value, places: int | None = 1, missing: str = "–") -> str:
    """A percentage as people read it.

    - With `places` (scores): that many decimals, truncated rather than rounded, so that a
      score never shows as a bound it has not reached: 79.98 -> "79.9%", not "80.0%".
    - With places=None (weights and level bounds, as staff typed them): every decimal that
      is there and no more: 25.00 -> "25%", 12.5 -> "12.5%".
    - None reads as `missing`.
    """
    if value is None:
        return missing
    if places is None:
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        return f"{exact.normalize():f}%"
    return f"{truncated(value, places)}%"


FILTERS = {"percent": percent, "number": number}
