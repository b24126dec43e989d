from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Framework
from .tree import framework_tree


def get_framework_for_user(user, slug: str, version: str) -> Framework:
    """A published framework, or for staff any framework; 404 otherwise."""
    frameworks = Framework.objects.all() if user.is_staff else Framework.objects.published()
    try:
        return frameworks.get(slug=slug, version=version)
    except Framework.DoesNotExist:
        raise Http404("No such framework.") from None


@require_safe
@login_required
def framework_list(request):
    frameworks = Framework.objects.all() if request.user.is_staff else Framework.objects.published()
    frameworks = frameworks.annotate(
        domain_count=Count("domains", distinct=True),
        question_count=Count("domains__gates__questions", distinct=True),
    ).order_by("name", "-version")
    return render(request, "frameworks/list.html", {"frameworks": frameworks, "nav": "frameworks"})


@require_safe
@login_required
def framework_detail(request, slug, version):
    framework = get_framework_for_user(request.user, slug, version)
    tree = framework_tree(framework)
    return render(
        request,
        "frameworks/detail.html",
        {"framework": framework, "tree": tree, "nav": "frameworks"},
    )
