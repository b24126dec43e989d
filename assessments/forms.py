import hashlib
import re

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from delivery.metrics import out_of_range
from frameworks.key_metrics import CHOICES as KEY_METRIC_CHOICES
from frameworks.models import SCORES, Framework
from frameworks.params import id_param
from frameworks.tree import QuestionNode
from teams.models import MAX_ACTIONS_IN_PROGRESS, Team

from .models import Action, Answer, Assessment
from .selectors import startable_teams
from .services import AnswerInput

NOT_APPLICABLE = "na"
REASON_MAX = Answer._meta.get_field("not_applicable_reason").max_length
NOTES_MAX = Answer._meta.get_field("notes").max_length


def question_limits() -> dict[str, int]:
    """The answer page's length limits, from the model's fields."""
    return {"reason": REASON_MAX, "notes": NOTES_MAX}


class StartForm(forms.Form):
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the published frameworks."},
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your teams."},
    )
    title = forms.CharField(
        max_length=Assessment._meta.get_field("title").max_length,
        required=False,
        help_text="Leave it blank for “Framework – Team – month year”.",
    )
    mode = forms.ChoiceField(
        label="How the team answers",
        choices=Assessment.Mode.choices,
        initial=Assessment.Mode.EACH,
        required=False,  # left out (an older page, a script): together, as before
        widget=forms.RadioSelect,
        help_text="Each on your own, then together: every member answers privately; once "
        "enough have finished, the team sees where it agrees and settles its answers "
        "together (DORA's way). Together: one shared draft from the start.",
    )
    another_draft = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Start another draft anyway",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        published = Framework.objects.published().order_by("name", "-version")
        self.fields["framework"].queryset = published
        self.fields["team"].queryset = startable_teams(user)
        if "framework" not in self.initial:  # DORA first, where it is published
            dora = published.filter(slug="dora").order_by("-version").values_list("pk").first()
            if dora:
                self.initial["framework"] = dora[0]
        self.existing_draft = None

    def clean_mode(self):
        return self.cleaned_data["mode"] or Assessment.Mode.TOGETHER

    def clean(self):
        """A second draft of the same team and framework is started only when asked: the
        page offers the open one first."""
        data = super().clean()
        team, framework = data.get("team"), data.get("framework")
        if team and framework and not data.get("another_draft"):
            self.existing_draft = (
                team.assessments.drafts()
                .filter(framework=framework)
                .with_answered_count()
                .order_by("-updated_at")
                .first()
            )
            if self.existing_draft is not None:
                # The page says which draft is open, with a link to it; the error sits on
                # the box to tick, so the same message is not shown twice.
                self.fields["another_draft"].widget = forms.CheckboxInput()
                self.add_error(
                    "another_draft",
                    "Tick this to start a second draft beside the open one.",
                )
        return data


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def answer_fingerprint(choice: str, reason: str, notes: str) -> str:
    """A short digest of a question's fields, to tell later which ones the user changed."""
    raw = "\x1f".join((choice, _normalise(reason), _normalise(notes)))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def answer_choice(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.not_applicable:
        return NOT_APPLICABLE
    return "" if answer.score is None else str(answer.score)


def answer_state(answer: Answer | None) -> str:
    """The hidden state of a question on a rendered page: answer version and fingerprint."""
    if answer is None:
        return f"0:{answer_fingerprint('', '', '')}"
    return (
        f"{answer.version}:"
        f"{answer_fingerprint(answer_choice(answer), answer.not_applicable_reason, answer.notes)}"
    )


STATE_PATTERN = re.compile(r"^(\d{1,9}):([0-9a-f]{16})$")


class AnswerPageForm:
    """Checks and normalises one page of answers and tells which questions changed.

    The page's markup comes from a template macro (templates/includes/question.html), so
    this needs none of a Django form's rendering; it is plain Python because a page of six
    questions would otherwise build and copy 24 form fields on every save. It keeps a
    form's interface (`data`, `is_valid()`, `errors` by field name) and Django's rules for
    text: surrounding white space is dropped, NUL characters and over-long values are
    refused.
    """

    CHOICES = frozenset(["", *(str(s) for s in SCORES), NOT_APPLICABLE])
    LIMITS = {"reason": REASON_MAX, "notes": NOTES_MAX, "state": 40}

    def __init__(self, questions: tuple[QuestionNode, ...], data):
        self.questions = questions
        self.data = data
        self.errors: dict[str, list[str]] = {}
        self.cleaned_data: dict[str, str] = {}

    def _error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def _text(self, name: str, limit: int) -> str:
        value = str(self.data.get(name, "")).strip()
        if "\x00" in value:
            self._error(name, "Null characters are not allowed.")
        elif len(value) > limit:
            self._error(name, f"At most {limit} characters, please (this has {len(value)}).")
        return value

    def is_valid(self) -> bool:
        self.errors, cleaned = {}, {}
        for q in self.questions:
            prefix = f"q{q.id}-"
            choice = str(self.data.get(prefix + "choice", ""))
            if choice not in self.CHOICES:
                self._error(prefix + "choice", "Choose a score from 0 to 5 or not applicable.")
            cleaned[prefix + "choice"] = choice
            for part, limit in self.LIMITS.items():
                cleaned[prefix + part] = self._text(prefix + part, limit)
            if choice == NOT_APPLICABLE and not cleaned[prefix + "reason"]:
                self._error(
                    prefix + "reason", "Say in a few words why this question does not apply."
                )
            if not STATE_PATTERN.match(cleaned[prefix + "state"]):
                self._error(
                    prefix + "state",
                    "This page was incomplete when it was sent. Reload it and try again.",
                )
        self.cleaned_data = cleaned
        return not self.errors

    def changes(self) -> list[AnswerInput]:
        """The questions whose fields differ from what the page was rendered with."""
        changed = []
        for q in self.questions:
            choice = self.cleaned_data[f"q{q.id}-choice"]
            reason = _normalise(self.cleaned_data[f"q{q.id}-reason"])
            notes = _normalise(self.cleaned_data[f"q{q.id}-notes"])
            version, fingerprint = STATE_PATTERN.match(self.cleaned_data[f"q{q.id}-state"]).groups()
            if answer_fingerprint(choice, reason, notes) == fingerprint:
                continue
            not_applicable = choice == NOT_APPLICABLE
            changed.append(
                AnswerInput(
                    question_id=q.id,
                    score=None if not_applicable or choice == "" else int(choice),
                    not_applicable=not_applicable,
                    not_applicable_reason=reason if not_applicable else "",
                    notes=notes,
                    base_version=int(version),
                )
            )
        return changed


class QuestionChoices(forms.ModelMultipleChoiceField):
    """Questions by id; an id no database could hold is refused as any unknown one is."""

    def _check_values(self, value):
        for pk in value:
            if id_param(str(pk)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)


class ActionForm(forms.Form):
    """An improvement action's fields; the questions offered are those of one framework,
    the owners the team's members (improvements.action_create checks both again)."""

    title = forms.CharField(max_length=200, strip=True)
    plan = forms.CharField(
        label="What the team will do",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    questions = QuestionChoices(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="The questions it addresses",
        error_messages={"required": "Choose at least one question it addresses."},
    )
    key_metric = forms.ChoiceField(
        label="The key metric it should move",
        choices=[("", "none")] + KEY_METRIC_CHOICES,
        required=False,
    )
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="nobody yet")
    due = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due date"
    )
    link = forms.URLField(
        label="Tracker issue",
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="A link to the team's tracker (http or https).",
    )

    def __init__(self, *args, questions, members, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = questions
        self.fields["questions"].label_from_instance = lambda q: q.topic
        self.fields["owner"].queryset = members
        if editing:  # what it addresses and its baseline stay as made
            del self.fields["questions"], self.fields["key_metric"]

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due is not None and (problem := out_of_range(due, timezone.now().date())):
            raise forms.ValidationError(f"{due.isoformat()} {problem}.")
        return due


class ActionMoveForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
    note = forms.CharField(max_length=300, required=False, strip=True)


class FocusLimitForm(forms.Form):
    limit = forms.IntegerField(
        label="Actions in progress at most",
        min_value=1,
        max_value=MAX_ACTIONS_IN_PROGRESS,
        help_text=f"1 to {MAX_ACTIONS_IN_PROGRESS}: focus on a few at a time.",
    )


class MinRespondentsForm(forms.Form):
    minimum = forms.IntegerField(
        label="Respondents before a reveal",
        min_value=3,
        max_value=50,
        help_text="3 to 50 (every member, when the team has fewer).",
    )
