"""The answer page's questions, rendered without a template per option.

A question's markup (its text, why it matters, six guidance options, not applicable, notes)
depends only on framework content, so it is built once per cached framework tree as a
format string; each request only fills in what is checked and what was typed, escaped.
A 6-question page has about 50 options: rendering them through templates would cost more
than everything else on the page.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dora_site.jinja2 import level_badge
from frameworks.tree import FrameworkTree, QuestionNode

from .forms import NOT_APPLICABLE

CHOICES = ("0", "1", "2", "3", "4", "5", NOT_APPLICABLE, "")


def _literal(html: str) -> str:
    """Markup to stand as itself in a str.format string."""
    return html.replace("{", "{{").replace("}", "}}")


def _text(value: str) -> str:
    """Escape content for HTML, and braces for str.format."""
    return _literal(escape(value))


def _option(q: QuestionNode, guidance) -> str:
    label = ""
    if guidance.performance_label:
        label = " " + _literal(level_badge(guidance.performance_label))
    example = ""
    if guidance.example:
        example = f' <span class="option-example">Example: {_text(guidance.example)}</span>'
    return (
        f'<div class="option"><input class="form-check-input" type="radio" name="q{q.id}-choice" '
        f'id="q{q.id}-s{guidance.score}" value="{guidance.score}"{{checked_{guidance.score}}}>'
        f'<label class="option-label" for="q{q.id}-s{guidance.score}">'
        f'<span class="score-number">{guidance.score}</span>{label} '
        f'<span class="option-description">{_text(guidance.description)}</span>{example}'
        "</label></div>"
    )


def question_format(q: QuestionNode) -> str:
    """The question's markup with {fields} for what changes from request to request."""
    benchmark = ""
    if q.benchmark_note:
        benchmark = (
            f'<p class="small benchmark"><strong>Benchmark:</strong> {_text(q.benchmark_note)}</p>'
        )
    options = "".join(_option(q, g) for g in q.guidance)
    return (
        f'<fieldset class="question card mb-4{{error_class}}" id="q{q.id}" '
        f'aria-describedby="q{q.id}-why"{{disabled}}>'
        f'<legend class="h6 question-text px-3 pt-3 mb-0"><span class="question-number">'
        f"Q{q.number}</span> {_text(q.text)}</legend>"
        '<div class="card-body pt-2">'
        f'<p class="small why" id="q{q.id}-why"><strong>Why it matters:</strong> '
        f"{_text(q.why_it_matters)}</p>{benchmark}{{errors}}"
        f'<div class="options">{options}'
        f'<div class="option option-na"><input class="form-check-input" type="radio" '
        f'name="q{q.id}-choice" id="q{q.id}-na" value="{NOT_APPLICABLE}"{{checked_na}}>'
        f'<label class="option-label" for="q{q.id}-na"><span class="score-number">–</span> '
        '<span class="option-description">Not applicable to this service (left out of the '
        "score; give a short reason)</span></label></div>"
        f'<div class="na-reason{{reason_open}}"><label class="form-label small" '
        f'for="q{q.id}-reason">Why it does not apply</label>'
        f'<input class="form-control form-control-sm" type="text" name="q{q.id}-reason" '
        f'id="q{q.id}-reason" maxlength="300" value="{{reason}}"></div>'
        f'<div class="option option-clear"><input class="form-check-input" type="radio" '
        f'name="q{q.id}-choice" id="q{q.id}-none" value=""{{checked_none}}>'
        f'<label class="option-label small text-body-secondary" for="q{q.id}-none">'
        "Not answered yet</label></div></div>"
        f'<div class="mt-2"><label class="form-label small" for="q{q.id}-notes">Notes and '
        'evidence <span class="text-body-secondary">(optional: what you based the answer '
        "on, links welcome)</span></label>"
        f'<textarea class="form-control form-control-sm" name="q{q.id}-notes" '
        f'id="q{q.id}-notes" rows="2" maxlength="5000">{{notes}}</textarea></div>'
        f'<input type="hidden" name="q{q.id}-state" value="{{state}}">{{last_changed}}'
        "</div></fieldset>"
    )


def question_formats(tree: FrameworkTree) -> dict:
    """Every question's format string, built once per cached framework tree."""
    formats = tree.memo.get("question_formats")
    if formats is None:
        formats = {q.id: question_format(q) for q in tree.questions}
        tree.memo["question_formats"] = formats
    return formats


def render_question(
    fmt: str,
    *,
    choice: str,
    reason: str,
    notes: str,
    state: str,
    errors: list[str],
    last_changed: str,
    read_only: bool,
) -> SafeString:
    checked = {
        f"checked_{'na' if c == NOT_APPLICABLE else ('none' if c == '' else c)}": (
            " checked" if c == choice else ""
        )
        for c in CHOICES
    }
    return mark_safe(
        fmt.format(
            **checked,
            error_class=" border-danger" if errors else "",
            disabled=" disabled" if read_only else "",
            errors="".join(
                f'<div class="alert alert-danger py-1 px-2 small" role="alert">{escape(e)}</div>'
                for e in errors
            ),
            reason_open=" na-reason-open" if choice == NOT_APPLICABLE or reason else "",
            reason=escape(reason),
            notes=escape(notes),
            state=escape(state),
            last_changed=(
                f'<p class="small text-body-secondary mt-2 mb-0">{escape(last_changed)}</p>'
                if last_changed
                else ""
            ),
        )
    )
