"""The API docs page (/api/v1/docs): Swagger UI served from our own static files.

django-ninja's ``Swagger`` renders a template that loads Swagger UI from a CDN unless
``ninja`` is an installed app; either way its page does not fit our Content-Security-Policy
(no third-party requests, no inline script). This renders our own template instead, which
loads the vendored ``swagger-ui-dist`` (static/vendor/swagger-ui/) and initialises it from a
static file (static/nytte/swagger-init.js) that reads its settings from a JSON data block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed

if TYPE_CHECKING:
    from ninja import NinjaAPI


class VendoredSwagger(Swagger):
    template = "api/swagger.html"
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # The online validator badge would call validator.swagger.io.
        "validatorUrl": None,
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {
            "swagger_settings": settings,
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)
