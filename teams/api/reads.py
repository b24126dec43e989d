"""The API's reads of teams: those a signed-in user may read, by the one access rule; and
what every read of the API shares (sessions only, pages, slugs in query strings).

A team token reaches only its own team's delivery endpoints (permissions.team_for), so
these answer it 403. Another team's data is "not found", as on the pages."""

import re

from django.db.models.functions import Lower
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from frameworks.params import id_param

from ..models import Team
from .permissions import SignedIn

# Only the session may read: the schema names no other way in.
SESSION_ONLY = [{"cookieAuth": []}]
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")


class ReadPagination(PageNumberPagination):
    """Pages of 50 rows (`?page_size=` up to 200). A page number that cannot be one is
    refused (400); one past the last page is not found (404)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        number = id_param(raw)
        if number is None:
            raise ValidationError({self.page_query_param: "A page number: 1, 2, 3 and so on."})
        return number


def slug_param(request, name: str) -> str | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not SLUG.fullmatch(raw):
        raise ValidationError({name: "A slug: letters, digits, hyphens and underscores."})
    return raw


class TeamSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(
        view_name="api-team", lookup_field="slug", lookup_url_kwarg="slug"
    )


class ReadView:
    """Reads only (GET, HEAD, OPTIONS), for a signed-in session."""

    permission_classes = [SignedIn]
    http_method_names = ["get", "head", "options"]


@extend_schema(auth=SESSION_ONLY)
class TeamListView(ReadView, generics.ListAPIView):
    """The teams the user may read, by name."""

    serializer_class = TeamSerializer
    pagination_class = ReadPagination

    def get_queryset(self):
        teams = Team.objects.visible_to(self.request.user).only("slug", "name")
        return teams.order_by(Lower("name"), "pk")
