"""The OpenAPI document and its two viewers, served by the app itself (no CDN)."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_json_and_documents_errors(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    deals = schema["paths"]["/api/v1/deals/"]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(deals["responses"])
    assert "X-Workspace" in {p["name"] for p in deals["parameters"]}
    assert {"stage", "account", "industry", "close_date_after", "page_size", "ordering"} <= {
        p["name"] for p in deals["parameters"]
    }
    patch = schema["paths"]["/api/v1/deals/{id}/scorecard/"]["patch"]
    assert "requestBody" in patch


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_docs_pages_load_their_assets_from_the_app(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in html.lower()


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
