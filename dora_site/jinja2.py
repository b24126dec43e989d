"""The site's pages are Jinja2 templates (templates/); the admin and crispy-forms keep
Django's template language.

Jinja2 renders our long lists several times faster than Django templates, which is most of
what a page costs. The environment offers what the pages need: url(), static(), the
messages, the crispy() form renderer and a few filters named as Django's are.
"""

import re
from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from django.contrib.messages import get_messages
from django.template.backends.jinja2 import Jinja2, Template
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from jinja2 import Environment, StrictUndefined, pass_context
from markupsafe import escape

from frameworks.models import trim_decimal

_PLAIN = re.compile(r"^[-\w.]+$", re.ASCII)
_SENTINEL = 918_273_645_000
_url_formats: dict = {}


def url(name: str, *args) -> str:
    """reverse(name, args), reversed once per URL name and then filled in: a list page links
    every row, and reversing each link costs more than the rest of the row."""
    if not all(isinstance(a, int) or _PLAIN.match(str(a)) for a in args):
        return reverse(name, args=args)
    key = (name, len(args), get_urlconf(), get_script_prefix())
    pattern = _url_formats.get(key)
    if pattern is None:
        sentinels = [str(_SENTINEL + i) for i in range(len(args))]
        pattern = reverse(name, args=sentinels) if args else reverse(name)
        for i, sentinel in enumerate(sentinels):
            pattern = pattern.replace(sentinel, f"{{{i}}}")
        _url_formats[key] = pattern
    return pattern.format(*args) if args else pattern


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """static(), remembered: a static file's (hashed) name does not change while the
    process runs, and looking it up in the manifest costs more than a page's own work."""
    return static(path)


def date(value, fmt: str = "j M Y") -> str:
    """Django's date filter: `fmt` in Django's date format, in the site's time zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)


def percent(value) -> str:
    """A weight or bound as people write it: 25.00 -> "25%", 12.5 -> "12.5%"."""
    return "" if value is None else f"{trim_decimal(value)}%"


def percent1(value, missing: str = "–") -> str:
    """72.333 -> "72.3%"; None -> "–"."""
    return missing if value is None else f"{value:.1f}%"


def number1(value, missing: str = "–") -> str:
    return missing if value is None else f"{value:.1f}"


def signed(value, digits: int = 1) -> str:
    """+3.5, -2, 0: a change with its sign, without a needless ".0"."""
    text = f"{value:+.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@lru_cache(maxsize=256)
def level_badge(level) -> SafeString:
    """A maturity or performance level as a coloured badge ("Not scored" when empty)."""
    if not level:
        return format_html('<span class="badge level-badge level-unknown">{}</span>', "Not scored")
    return format_html('<span class="badge level-badge level-{}">{}</span>', slugify(level), level)


_STATUS = {
    True: mark_safe('<span class="badge text-bg-success">Submitted</span>'),
    False: mark_safe('<span class="badge text-bg-warning">Draft</span>'),
}


def status_badge(submitted: bool) -> SafeString:
    """Submitted or Draft, for `assessment.is_submitted`."""
    return _STATUS[bool(submitted)]


def pluralize(count, suffix: str = "s") -> str:
    return "" if count == 1 else suffix


def linebreaksbr(text) -> SafeString:
    return mark_safe(str(escape(text)).replace("\n", "<br>"))


def urlize_notes(text) -> SafeString:
    """Notes as people typed them: links made clickable, line breaks kept."""
    return mark_safe(
        urlize(str(escape(text)), nofollow=True, autoescape=False).replace("\n", "<br>")
    )


def paragraphs(text) -> SafeString:
    return mark_safe(linebreaks(text, autoescape=True))


@pass_context
def crispy(context, form) -> SafeString:
    """The form's fields rendered by crispy-forms (Bootstrap 5); the page writes the <form>
    element and its buttons itself, as with Django's {{ form|crispy }}."""
    helper = FormHelper()
    helper.form_tag = False
    return render_crispy_form(form, helper=helper, context={"request": context.get("request")})


def page_context(request) -> dict:
    """A context processor: what every page needs from the request."""
    return {"user": request.user}


def environment(**options) -> Environment:
    # An undefined name in a template is an error, not an empty string: tests catch it.
    options["undefined"] = StrictUndefined
    env = Environment(**options)
    env.globals.update(
        {"url": url, "static": static_url, "get_messages": get_messages, "crispy": crispy}
    )
    env.filters.update(
        {
            "date": date,
            "percent": percent,
            "percent1": percent1,
            "number1": number1,
            "signed": signed,
            "level_badge": level_badge,
            "status_badge": status_badge,
            "pluralize": pluralize,
            "linebreaksbr": linebreaksbr,
            "urlize_notes": urlize_notes,
            "paragraphs": paragraphs,
        }
    )
    return env


class SignallingTemplate(Template):
    """Sends Django's template_rendered signal, so that the test client can show a page's
    context as it does for Django templates (without receivers the signal costs nothing)."""

    def render(self, context=None, request=None):
        if template_rendered.receivers:
            template_rendered.send(sender=self, template=self, context=context or {})
        return super().render(context, request)


class Jinja2Backend(Jinja2):
    def from_string(self, template_code):
        return SignallingTemplate(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        template = super().get_template(template_name)
        return SignallingTemplate(template.template, self)
