"""GET /api/v1/: what the API offers, so the address the README gives leads somewhere."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .permissions import SignedInOrToken

# The endpoints under a team, by the name of their URL pattern; {slug} is the team's.
TEAM_ENDPOINTS = {
    "team": "api-team",
    "deployments": "api-deployments",
    "latest_deployment": "api-deployment-latest",
    "incidents": "api-incidents",
    "metrics": "api-metrics",
    "actions": "api-actions",
}


class ApiIndexView(APIView):
    """Links to the schema, its documentation and every endpoint, for a signed-in session
    or a token; each endpoint checks its own access."""

    permission_classes = [SignedInOrToken]

    @extend_schema(exclude=True)
    def get(self, request):
        def link(name, **kwargs):
            return reverse(name, kwargs=kwargs, request=request)

        per_team = {
            key: link(name, slug="SLUG").replace("SLUG", "{slug}")
            for key, name in TEAM_ENDPOINTS.items()
        }
        return Response(
            {
                "schema": link("api-schema"),
                "docs": link("api-docs"),
                "teams": link("api-teams"),
                "assessments": link("api-assessments"),
                "assessment": link("api-assessment", pk=0).replace("/0/", "/{id}/"),
                "results": link("api-results", pk=0).replace("/0/", "/{id}/"),
                **per_team,
                "authentication": (
                    "A team token as 'Authorization: Token <token>' (delivery data of its "
                    "team), or a signed-in session; see the docs."
                ),
            }
        )
