"""ETag and If-Match for the objects people edit (initiatives, benefits, proposals).

GET and PATCH answer with the object's ``ETag`` (its version). A PATCH carrying ``If-Match``
is applied only if the tag is still the stored one; otherwise 412 and nothing changes. A
PATCH without ``If-Match`` is applied as before (last write wins), unless the setting
``API_REQUIRE_IF_MATCH`` (``NYTTE_API_REQUIRE_IF_MATCH``) is on: then it is a 428. The check
itself is the services' (``nytte.core.concurrency.check_version``), as for the pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError

from nytte.core.concurrency import etag, expected_from_if_match


def send_etag(response: HttpResponse, instance: models.Model) -> None:
    response["ETag"] = etag(instance)


def expected_version(request: HttpRequest, instance: models.Model) -> int | None:
    """The version the client's ``If-Match`` asks the update to start from (None: any)."""
    header = request.headers.get("If-Match")
    if header is None and getattr(settings, "API_REQUIRE_IF_MATCH", False):
        raise HttpError(428, "Precondition required: send If-Match with the ETag you read")
    return expected_from_if_match(header, instance)
