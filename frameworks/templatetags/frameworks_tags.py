"""The admin's templates (Django's template language) share the site's percent filter."""

from django import template

from frameworks.templating import percent as percent_text

register = template.Library()


@register.filter
def percent(value):
    """25.00 -> "25%", 12.5 -> "12.5%": weights and bounds as people write them."""
    return percent_text(value, None, "")
