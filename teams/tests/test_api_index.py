"""GET /api/v1/, the address the README gives for the API, links to everything it offers."""

from django.urls import resolve, reverse


def test_the_api_index_links_the_schema_the_docs_and_every_endpoint(client, django_user_model):
    assert client.get("/api/v1/").status_code == 401  # like every page, not without sign-in
    client.force_login(django_user_model.objects.create_user("ann"))
    response = client.get("/api/v1/")
    assert response.status_code == 200
    links = response.json()
    assert links["schema"] == "http://testserver/api/v1/schema/"
    assert links["docs"] == "http://testserver/api/v1/docs/"
    assert links["deployments"] == "http://testserver/api/v1/teams/{slug}/deployments/"
    assert links["results"] == "http://testserver/api/v1/assessments/{id}/results/"
    # Every link (with a slug and an id put in) is an address the API answers.
    names = set()
    for key, link in links.items():
        if key != "authentication":
            address = link.removeprefix("http://testserver").format(slug="a-team", id=1)
            names.add(resolve(address).url_name)
    assert names >= {"api-schema", "api-docs", "api-teams", "api-team", "api-metrics"}
    assert len(names) == len(links) - 1
    assert reverse("api-index") == "/api/v1/"
