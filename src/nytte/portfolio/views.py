"""Portfolio pages. (Being written: stubs so the URL map imports.)"""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


overview = initiative_list = initiative_create = initiative_detail = initiative_edit = _todo
