from django import template

from frameworks.models import trim_decimal

register = template.Library()


@register.filter
def percent(value):
    """25.00 -> "25%", 12.5 -> "12.5%": weights and bounds as people write them."""
    if value is None or value == "":
        return ""
    return f"{trim_decimal(value)}%"
