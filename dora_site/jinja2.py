"""The Jinja2 environment of the site's pages (templates/); the admin and crispy-forms keep
Django's template language.

Jinja2 renders our long lists several times faster than Django templates. The environment
offers what every page needs (url(), static(), the messages, the crispy() form renderer and
a few filters named as Django's are); each app adds its own filters and globals in a
`templating` module (FILTERS, GLOBALS), found the way the admin finds `admin` modules, so
this package imports no app.
"""

import datetime
from functools import lru_cache
from importlib import import_module
from importlib.util import find_spec

from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from django.apps import apps
from django.contrib.messages import get_messages
from django.template.backends.jinja2 import Jinja2, Template
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from jinja2 import Environment, StrictUndefined, pass_context
from markupsafe import escape


@lru_cache(maxsize=8192)
def _reverse(name: str, args: tuple, urlconf, prefix: str) -> str:
    return reverse(name, args=args, urlconf=urlconf)


def url(name: str, *args) -> str:
    """reverse(name, args): a link to a named URL, refused (NoReverseMatch) for arguments
    that its pattern refuses. Answers are remembered per URLconf and script prefix (a list
    links many rows, and reversing costs more than rendering a row); refusals are not."""
    return _reverse(name, args, get_urlconf(), get_script_prefix())


# Django's date format characters that date() formats itself, each from a local datetime;
# any other character (or an escape) leaves the whole format to Django's dateformat.
_DATE_PARTS = {
    "d": lambda v, names: f"{v.day:02d}",
    "j": lambda v, names: str(v.day),
    "m": lambda v, names: f"{v.month:02d}",
    "n": lambda v, names: str(v.month),
    "M": lambda v, names: names[0][v.month],
    "F": lambda v, names: names[1][v.month],
    "Y": lambda v, names: f"{v.year:04d}",
    "y": lambda v, names: f"{v.year % 100:02d}",
    "H": lambda v, names: f"{v.hour:02d}",
    "G": lambda v, names: str(v.hour),
    "i": lambda v, names: f"{v.minute:02d}",
    "s": lambda v, names: f"{v.second:02d}",
}


@lru_cache(maxsize=64)
def _date_parts(fmt: str) -> tuple | None:
    """The format as formatters and literal text, or None when Django must format it."""
    if "\\" in fmt:
        return None
    parts = []
    for char in fmt:
        if char in _DATE_PARTS:
            parts.append(_DATE_PARTS[char])
        elif char.isascii() and char.isalpha():
            return None
        else:
            parts.append(char)
    return tuple(parts)


@lru_cache(maxsize=16)
def _month_names(language) -> tuple:
    """Month names as Django's date format gives them ("M" and "F"), in `language`."""
    return (
        [""] + [str(MONTHS_3[m]).title() for m in range(1, 13)],
        [""] + [str(MONTHS[m]) for m in range(1, 13)],
    )


def date(value, fmt: str = "j M Y") -> str:
    """Django's date filter: `fmt` in Django's date format, in the site's time zone.

    The common format characters are formatted here, as Django formats them, because a
    list's dates would otherwise cost more than the rest of its rows; a test holds the two
    to the same output."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)  # a plain date is a day already
    parts = _date_parts(fmt)
    if parts is None:
        return dateformat.format(value, fmt)
    names = _month_names(get_language())
    return "".join(part if isinstance(part, str) else part(value, names) for part in parts)


def signed(value, digits: int = 1) -> str:
    """+3.5, -2, 0: a change with its sign, without a needless ".0"."""
    text = f"{value:+.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def pluralize(count, suffix: str = "s") -> str:
    return "" if count == 1 else suffix


def linebreaksbr(text) -> SafeString:
    return mark_safe(str(escape(text)).replace("\n", "<br>"))


def urlize_notes(text) -> SafeString:
    """Notes as people typed them: links made clickable, line breaks kept."""
    if not text:
        return mark_safe("")
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


def _app_templating():
    """The `templating` modules of the installed apps, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        name = f"{config.name}.templating"
        if find_spec(name) is not None:
            yield import_module(name)


def environment(**options) -> Environment:
    # An undefined name in a template is an error, not an empty string: tests catch it.
    options["undefined"] = StrictUndefined
    env = Environment(**options)
    env.globals.update(
        {"url": url, "static": static, "get_messages": get_messages, "crispy": crispy}
    )
    env.filters.update(
        {
            "date": date,
            "signed": signed,
            "pluralize": pluralize,
            "linebreaksbr": linebreaksbr,
            "urlize_notes": urlize_notes,
            "paragraphs": paragraphs,
        }
    )
    for module in _app_templating():
        env.filters.update(getattr(module, "FILTERS", {}))
        env.globals.update(getattr(module, "GLOBALS", {}))
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
