from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Framework
from .tree import framework_tree


def frameworks_for(user):
    """The frameworks the user may read on the site: the published ones, and drafts too for
    those who may read frameworks in the admin (framework editors, superusers)."""
    if user.is_staff and user.has_perm("frameworks.view_framework"):
        return Framework.objects.all()
    return Framework.objects.published()


def get_framework_for_user(user, slug: str, version: str) -> Framework:
    """A framework the user may read (frameworks_for); 404 otherwise."""
    frameworks = frameworks_for(user)
    try:
        return frameworks.get(slug=slug, version=version)
    except Framework.DoesNotExist:
        raise Http404("No such framework.") from None


@require_safe
@login_required
def framework_list(request):
    frameworks = (
        frameworks_for(request.user)
        .annotate(
            domain_count=Count("domains", distinct=True),
            question_count=Count("domains__gates__questions", distinct=True),
        )
        .order_by("name", "-version")
    )
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
