"""Excel export and import pages. (Being written: stubs so the URL map imports.)"""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


export = import_register = _todo
