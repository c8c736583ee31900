"""The API docs page loads Swagger UI from our static files, with no inline script."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_docs_page_uses_vendored_swagger_ui_and_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources == [
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/nytte/swagger-init.js",
    ]
    assert '<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">' in html
    for path in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"):
        assert finders.find(path), path
    # The only script without src is the JSON settings block (not executed).
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    assert [attrs for attrs, _ in inline] == [' id="swagger-settings" type="application/json"']
    config = json.loads(inline[0][1])
    assert config["url"] == "/api/v1/openapi.json"
    assert config["validatorUrl"] is None
