from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from frameworks.params import id_param

from . import key_metrics
from .documents import DocumentInvalid, dump_document, export_document, parse_document
from .forms import FrameworkImportForm, NewVersionForm
from .models import Domain, Framework, Gate, MaturityLevel, Question, ScoreGuidance
from .services import (
    FrameworkExists,
    content_version_renew,
    framework_import,
    framework_is_used,
    framework_new_version,
    framework_problems_for,
    framework_publish,
    next_version,
)
from .tree import framework_tree, load_tree


def framework_of(obj) -> Framework:
    if isinstance(obj, Framework):
        return obj
    if isinstance(obj, Domain | MaturityLevel):
        return obj.framework
    if isinstance(obj, Gate):
        return obj.domain.framework
    if isinstance(obj, Question):
        return obj.gate.domain.framework
    raise TypeError(obj)


def is_locked(obj) -> bool:
    """Content of a framework version with submitted assessments keeps its structure."""
    return obj is not None and obj.pk is not None and framework_is_used(framework_of(obj))


LOCK_REASON = (
    "{framework} has submitted assessments, so its structure, weights and scores are locked: "
    "their results must stay true to the framework they were answered against. Text "
    "corrections are fine. To change the structure, create a new version."
)


class LockingInline:
    """An inline whose `locked_fields` turn read-only, and which neither adds nor deletes
    rows, once the parent's framework is used."""

    locked_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + list(self.locked_fields) if is_locked(obj) else fields

    def has_add_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_delete_permission(request, obj)


class FrameworkContentAdmin(admin.ModelAdmin):
    """Base for every admin that edits framework content.

    After each change (the object and its inlines saved, or objects deleted) it renews the
    content version of every framework the change touched, and runs the integrity check: a
    published framework that no longer passes is taken off publication, and the admin says
    why. Once a framework version has submitted assessments, `locked_fields` become
    read-only and its content cannot be deleted.
    """

    locked_fields: tuple[str, ...] = ()

    def framework_ids_of(self, objects) -> set[int]:
        return {framework_of(obj).pk for obj in objects}

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + list(self.locked_fields) if is_locked(obj) else fields

    def has_delete_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if is_locked(obj):
            framework = framework_of(obj)
            extra_context["framework_lock"] = {
                "reason": LOCK_REASON.format(framework=framework),
                "new_version_url": reverse(
                    "admin:frameworks_framework_new_version", args=[framework.pk]
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def after_content_change(self, request, framework_ids) -> None:
        content_version_renew(framework_ids=framework_ids)
        for framework in Framework.objects.filter(pk__in=framework_ids, is_published=True):
            problems = framework_problems_for(framework)
            if problems:
                Framework.objects.filter(pk=framework.pk).update(is_published=False)
                messages.error(
                    request,
                    f"{framework} was unpublished because it no longer passes the integrity "
                    "check:\n" + "\n".join(problems),
                )

    def save_model(self, request, obj, form, change):
        # An object moved to another framework (a gate to another domain) changes both.
        form.frameworks_before = set()
        if change:
            form.frameworks_before = self.framework_ids_of([type(obj).objects.get(pk=obj.pk)])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        ids = self.framework_ids_of([form.instance]) | getattr(form, "frameworks_before", set())
        self.after_content_change(request, ids)

    def delete_model(self, request, obj):
        ids = self.framework_ids_of([obj])
        super().delete_model(request, obj)
        self.after_content_change(request, ids)

    def delete_queryset(self, request, queryset):
        ids = self.framework_ids_of(queryset)
        super().delete_queryset(request, queryset)
        self.after_content_change(request, ids)


class DomainInline(LockingInline, admin.TabularInline):
    model = Domain
    locked_fields = ("position", "weight", "key_metric")
    fields = ["position", "name", "weight", "key_metric", "description"]
    extra = 0
    show_change_link = True


class MaturityLevelInline(LockingInline, admin.TabularInline):
    model = MaturityLevel
    locked_fields = ("level", "lower_bound")
    fields = ["level", "name", "lower_bound", "description"]
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(FrameworkContentAdmin):
    list_display = [
        "name",
        "version",
        "is_published",
        "domain_count",
        "question_count",
        "integrity",
        "outline_link",
    ]
    list_filter = ["is_published"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["integrity_report", "created_at", "updated_at"]
    fields = [
        "name",
        "slug",
        "version",
        "description",
        "estimated_minutes",
        "is_published",
        "integrity_report",
        "created_at",
        "updated_at",
    ]
    inlines = [DomainInline, MaturityLevelInline]
    actions = ["publish", "unpublish", "export"]
    locked_fields = ("slug", "version")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                domain_total=Count("domains", distinct=True),
                question_total=Count("domains__gates__questions", distinct=True),
            )
        )

    @admin.display(description="domains", ordering="domain_total")
    def domain_count(self, obj):
        return obj.domain_total

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, obj):
        return obj.question_total

    @admin.display(description="integrity")
    def integrity(self, obj):
        problems = framework_problems_for(obj)
        if not problems:
            return format_html('<span class="{}">OK</span>', "integrity-ok")
        return format_html(
            '<strong class="errornote-inline">{} problem{}</strong>',
            len(problems),
            "" if len(problems) == 1 else "s",
        )

    @admin.display(description="integrity check")
    def integrity_report(self, obj):
        if not obj.pk:
            return "Runs once the framework is saved."
        problems = framework_problems_for(obj)
        if not problems:
            return (
                "Passes: weights sum to 100, every domain has a gate and every gate a "
                "question, every question has guidance for scores 0-5, and the maturity "
                "levels start at 0 without overlapping."
            )
        return format_html(
            "<ul class='errorlist'>{}</ul>",
            format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
        )

    @admin.display(description="outline")
    def outline_link(self, obj):
        return format_html(
            '<a href="{}">Read as one page</a>',
            reverse("admin:frameworks_framework_outline", args=[obj.pk]),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            framework = self.get_object(request, object_id)
            if framework is not None:
                problems = framework_problems_for(framework)
                if problems:
                    messages.warning(
                        request,
                        "This framework fails the integrity check and cannot be published "
                        "until it passes:\n" + "\n".join(problems),
                    )
        extra_context = {
            **(extra_context or {}),
            "outline_url": reverse("admin:frameworks_framework_outline", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # Each action asks for the model permission it needs (Django hides it from, and
    # refuses it to, anyone without): publishing changes frameworks, exporting reads them.
    @admin.action(
        description="Publish the selected frameworks (they must pass the integrity check)",
        permissions=["change"],
    )
    def publish(self, request, queryset):
        for framework in queryset:
            problems = framework_publish(framework=framework)
            if problems:
                messages.error(request, f"{framework} was not published:\n" + "\n".join(problems))
            else:
                messages.success(request, f"{framework} is published.")

    @admin.action(description="Unpublish the selected frameworks", permissions=["change"])
    def unpublish(self, request, queryset):
        """Asks first, on a page that names what unpublishing stops (new assessments of
        the framework) and what it keeps (drafts and results); then unpublishes."""
        if request.POST.get("confirmed") != "yes":
            frameworks = list(
                queryset.filter(is_published=True).annotate(
                    drafts=Count("assessments", filter=Q(assessments__status="draft"))
                )
            )
            return TemplateResponse(
                request,
                "admin/frameworks/framework/unpublish.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Unpublish frameworks?",
                    "frameworks": frameworks,
                    "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                    "opts": self.model._meta,
                },
            )
        count = queryset.update(is_published=False)  # trees are kept per publication
        messages.success(request, f"{count} framework(s) unpublished.")

    def get_prepopulated_fields(self, request, obj=None):
        return {} if is_locked(obj) else super().get_prepopulated_fields(request, obj)

    @admin.action(
        description="Export the selected framework as a JSON document", permissions=["view"]
    )
    def export(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, "Choose exactly one framework to export.")
            return None
        return self.export_view(request, queryset.get().pk)

    def get_urls(self):
        def route(pattern, function, name):
            view = self.admin_site.admin_view(function)
            return path(pattern, view, name=f"frameworks_framework_{name}")

        return [
            route("import/", self.import_view, "import"),
            route("<int:pk>/outline/", self.outline_view, "outline"),
            route("<int:pk>/export/", self.export_view, "export"),
            route("<int:pk>/new-version/", self.new_version_view, "new_version"),
            *super().get_urls(),
        ]

    def export_view(self, request, pk):
        framework = get_object_or_404(Framework, pk=pk)
        if not self.has_view_permission(request, framework):
            raise PermissionDenied
        response = HttpResponse(
            dump_document(export_document(load_tree(framework))),
            content_type="application/json; charset=utf-8",
        )
        filename = f"{framework.slug}-{framework.version}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FrameworkImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            try:
                tree = parse_document(
                    form.cleaned_data["document"].read(), version=form.cleaned_data["version"]
                )
                framework = framework_import(
                    tree=tree,
                    replace=form.cleaned_data["replace"],
                    publish=form.cleaned_data["publish"],
                )
            except DocumentInvalid as invalid:
                problems = invalid.problems
            except FrameworkExists as exists:
                problems = [str(exists)]
            else:
                messages.success(
                    request,
                    f"Imported {framework}: {len(tree.domains)} domains, "
                    f"{len(tree.questions)} questions"
                    + (", published." if framework.is_published else ", as a draft."),
                )
                return redirect("admin:frameworks_framework_change", framework.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a framework",
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/frameworks/framework/import.html", context)

    def new_version_view(self, request, pk):
        framework = get_object_or_404(Framework, pk=pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NewVersionForm(
            request.POST or None, framework=framework, initial={"version": next_version(framework)}
        )
        if request.method == "POST" and form.is_valid():
            copy = framework_new_version(framework=framework, version=form.cleaned_data["version"])
            messages.success(
                request,
                f"Created {copy} as a draft copy of {framework}. Change it, then publish it.",
            )
            return redirect("admin:frameworks_framework_change", copy.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Create a new version of {framework}",
            "framework": framework,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/frameworks/framework/new_version.html", context)

    def outline_view(self, request, pk):
        framework = get_object_or_404(Framework, pk=pk)
        if not self.has_view_permission(request, framework):
            raise PermissionDenied
        tree = load_tree(framework)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Outline of {framework}",
            "framework": framework,
            "tree": tree,
            "problems": framework_problems_for(framework),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/frameworks/framework/outline.html", context)


def filter_by_id(queryset, lookup: str, value):
    """A list filter's rows: all of them with no value, those of the id given, and none for
    a value that is no id (as for an id that does not exist)."""
    if not value:
        return queryset
    chosen = id_param(value)
    return queryset.none() if chosen is None else queryset.filter(**{lookup: chosen})


class FrameworkFilter(admin.SimpleListFilter):
    """Rows of one framework, by its id (`lookup` leads from the row to the framework);
    anything that is no id shows no rows rather than an error."""

    title = "framework"
    parameter_name = "framework"
    lookup = "framework"

    def lookups(self, request, model_admin):
        return [(f.pk, str(f)) for f in Framework.objects.all()]

    def queryset(self, request, queryset):
        return filter_by_id(queryset, self.lookup, self.value())


class GateInline(LockingInline, admin.TabularInline):
    model = Gate
    locked_fields = ("position",)
    fields = ["position", "name", "description"]
    extra = 0
    show_change_link = True


@admin.register(Domain)
class DomainAdmin(FrameworkContentAdmin):
    list_display = ["name", "framework", "position", "weight", "key_metric"]
    list_select_related = ["framework"]
    list_filter = [FrameworkFilter]
    search_fields = ["name", "description"]
    ordering = ["framework__name", "framework__version", "position"]
    inlines = [GateInline]
    # What a domain stands for, like its weight, shapes the results of its framework.
    locked_fields = ("framework", "position", "weight", "key_metric")


class GateFrameworkFilter(FrameworkFilter):
    lookup = "domain__framework"


class QuestionInline(LockingInline, admin.TabularInline):
    model = Question
    locked_fields = ("position",)
    fields = ["position", "topic", "text"]
    extra = 0
    show_change_link = True


@admin.register(Gate)
class GateAdmin(FrameworkContentAdmin):
    list_display = ["name", "domain_name", "framework", "position"]
    list_select_related = ["domain__framework"]
    list_filter = [GateFrameworkFilter]
    search_fields = ["name", "description"]
    ordering = [
        "domain__framework__name",
        "domain__framework__version",
        "domain__position",
        "position",
    ]
    inlines = [QuestionInline]
    locked_fields = ("domain", "position")

    @admin.display(description="domain", ordering="domain__position")
    def domain_name(self, obj):
        return obj.domain.name

    @admin.display(description="framework")
    def framework(self, obj):
        return obj.domain.framework


class QuestionFrameworkFilter(FrameworkFilter):
    lookup = "gate__domain__framework"


class QuestionDomainFilter(admin.SimpleListFilter):
    title = "domain"
    parameter_name = "domain"

    def lookups(self, request, model_admin):
        domains = Domain.objects.select_related("framework").order_by(
            "framework__name", "framework__version", "position"
        )
        framework = id_param(request.GET.get("framework"))
        if framework is not None:
            domains = domains.filter(framework_id=framework)
        return [(d.pk, f"{d.framework}: {d.name}") for d in domains]

    def queryset(self, request, queryset):
        return filter_by_id(queryset, "gate__domain", self.value())


class ScoreGuidanceInline(LockingInline, admin.TabularInline):
    model = ScoreGuidance
    locked_fields = ("score", "performance_label", "lower_bound", "upper_bound")
    fields = [
        "score",
        "description",
        "example",
        "performance_label",
        "lower_bound",
        "upper_bound",
        "bounds_in_words",
    ]
    readonly_fields = ["bounds_in_words"]
    extra = 0

    @admin.display(description="measured values")
    def bounds_in_words(self, obj):
        """The bounds as the site's pages say them, in the key metric's unit (the fields
        hold the exact numbers, such as 0.0384615 deployments a day)."""
        if obj is None or obj.pk is None or (obj.lower_bound is None and obj.upper_bound is None):
            return "-"
        # One question's rows share its key metric: read once per page (inline instances
        # are made for each request).
        if getattr(self, "_metric_of", (None, None))[0] != obj.question_id:
            metric = (
                Question.objects.filter(pk=obj.question_id)
                .values_list("gate__domain__key_metric", flat=True)
                .first()
            )
            self._metric_of = (obj.question_id, metric)
        metric = self._metric_of[1]
        if metric not in key_metrics.BY_CODE:
            return "bounds, but the domain names no key metric"
        bucket = key_metrics.Bucket(
            obj.score, obj.performance_label, obj.lower_bound, obj.upper_bound
        )
        return f"{key_metrics.range_text(metric, bucket)} {key_metrics.BY_CODE[metric].unit}"

    max_num = 6
    ordering = ["score"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new question gets its six rows ready to fill in.
        return 6 if obj is None else 0


class QuestionAdminForm(forms.ModelForm):
    key_metrics = forms.TypedMultipleChoiceField(
        choices=key_metrics.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Key metrics it drives",
        help_text=Question._meta.get_field("key_metrics").help_text,
    )

    class Meta:
        model = Question
        fields = ["key_metrics"]  # the admin adds its own `fields` to these

    def clean_key_metrics(self):
        chosen = set(self.cleaned_data["key_metrics"])
        return [code for code in key_metrics.CODES if code in chosen]


@admin.register(Question)
class QuestionAdmin(FrameworkContentAdmin):
    form = QuestionAdminForm
    list_display = ["number_label", "topic", "text", "domain_name", "framework", "drives"]
    list_display_links = ["number_label", "topic"]
    list_select_related = ["gate__domain__framework"]
    list_filter = [QuestionFrameworkFilter, QuestionDomainFilter]
    search_fields = ["text", "topic", "why_it_matters"]
    ordering = [
        "gate__domain__framework__name",
        "gate__domain__framework__version",
        "gate__domain__position",
        "gate__position",
        "position",
    ]
    fields = [
        "gate",
        "position",
        "topic",
        "text",
        "why_it_matters",
        "benchmark_note",
        "key_metrics",
    ]
    inlines = [ScoreGuidanceInline]
    # The key metrics a question drives rank the recommendations of its framework's results.
    locked_fields = ("gate", "position", "key_metrics")

    @admin.display(description="drives")
    def drives(self, obj):
        return ", ".join(key_metrics.BY_CODE[code].name for code in obj.key_metrics) or "-"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "gate":
            kwargs["queryset"] = Gate.objects.select_related("domain__framework")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="#", ordering="gate__domain__position")
    def number_label(self, obj):
        """The question's number as the site's pages show it (Q1, Q2, ... in reading order
        across the framework), from the framework's kept tree."""
        numbers = {q.id: q.number for q in framework_tree(obj.gate.domain.framework).questions}
        number = numbers.get(obj.pk)
        return f"Q{number}" if number else "-"

    @admin.display(description="domain", ordering="gate__domain__position")
    def domain_name(self, obj):
        return obj.gate.domain.name

    @admin.display(description="framework")
    def framework(self, obj):
        return obj.gate.domain.framework
