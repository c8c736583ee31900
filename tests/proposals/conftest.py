"""Programmes here start as ``core.services.programme_create`` makes them: with the
proposal pipeline's default criteria and qualification questions (``programme_created``).
A module that sets ``BARE_PROGRAMME = True`` builds its own criteria on a bare programme."""

import pytest

from nytte.proposals.defaults import programme_defaults_create


def _with_defaults(request, programme):
    if not getattr(request.module, "BARE_PROGRAMME", False):
        programme_defaults_create(programme=programme)
    return programme


@pytest.fixture
def programme(programme, request):
    return _with_defaults(request, programme)


@pytest.fixture
def other_programme(other_programme, request):
    return _with_defaults(request, other_programme)
