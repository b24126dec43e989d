"""Filters for the site's Jinja2 templates about framework content: percentages (weights,
level bounds and scores) and level badges. Found by dora_site.jinja2's environment."""

from decimal import ROUND_DOWN, Decimal
from functools import lru_cache

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import slugify


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


@lru_cache(maxsize=128)
def level_badge(level) -> SafeString:
    """A maturity or performance level as a coloured badge ("Not scored" when empty)."""
    if not level:
        return format_html('<span class="badge level-badge level-unknown">{}</span>', "Not scored")
    return format_html('<span class="badge level-badge level-{}">{}</span>', slugify(level), level)


FILTERS = {"percent": percent, "number": number, "level_badge": level_badge}
