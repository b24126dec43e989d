"""Filters for the site's Jinja2 templates about assessments. Found by dora_site.jinja2's
environment."""

from django.utils.safestring import SafeString, mark_safe

_STATUS = {
    True: mark_safe('<span class="badge text-bg-success">Submitted</span>'),
    False: mark_safe('<span class="badge text-bg-warning">Draft</span>'),
}


def status_badge(submitted: bool) -> SafeString:
    """Submitted or Draft, for `assessment.is_submitted`."""
    return _STATUS[bool(submitted)]


FILTERS = {"status_badge": status_badge}
