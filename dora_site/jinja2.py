"""The Jinja2 environment of the site's pages (templates/); the admin and crispy-forms keep
Django's template language.

Jinja2 renders our long lists several times faster than Django templates. The environment
offers what every page needs (url(), static(), the messages, the crispy() form renderer and
a few filters named as Django's are); each app adds its own filters and globals in a
`templating` module (FILTERS, GLOBALS), found the way the admin finds `admin` modules, so
this package imports no app.
"""

from importlib import import_module
from importlib.util import find_spec

from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from django.apps import apps
from django.contrib.messages import get_messages
from django.template.backends.jinja2 import Jinja2, Template
from django.template.defaultfilters import date as date_filter
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from jinja2 import Environment, StrictUndefined, pass_context
from markupsafe import escape


def url(name: str, *args) -> str:
    """reverse(name, args): a link to a named URL, refused (NoReverseMatch) for arguments
    that its pattern refuses."""
    return reverse(name, args=args)


def date(value, fmt: str = "j M Y") -> str:
    """Django's date filter, `fmt` in Django's date format, in the site's time zone (which
    Django's own templates convert to before the filter)."""
    return date_filter(template_localtime(value), fmt)


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
